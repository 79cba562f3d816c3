package steps_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/steps"
)

// Models declared here on the real migrated schema, so the test depends on the helper alone
// and not on a domain package: a record with a status (a consultant request's row) and a
// history row (an engagement move's row).
type tenant struct {
	bun.BaseModel `bun:"table:tenants"`

	ID        string    `bun:"id,pk"`
	Slug      string    `bun:"slug"`
	Name      string    `bun:"name"`
	Kind      string    `bun:"kind"`
	State     string    `bun:"state"`
	Status    string    `bun:"status"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

type record struct {
	bun.BaseModel `bun:"table:consultant_requests,alias:r"`
	database.TenantScoped

	ID               string    `bun:"id,pk"`
	OrganisationName string    `bun:"organisation_name"`
	Need             string    `bun:"need"`
	ContactName      string    `bun:"contact_name"`
	ContactEmail     string    `bun:"contact_email"`
	County           string    `bun:"county"`
	Status           string    `bun:"status"`
	DecisionNote     string    `bun:"decision_note"`
	CreatedAt        time.Time `bun:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

type history struct {
	bun.BaseModel `bun:"table:engagement_moves,alias:h"`
	database.TenantScoped

	ID           string    `bun:"id,pk"`
	EngagementID string    `bun:"engagement_id"`
	FromStage    string    `bun:"from_stage"`
	ToStage      string    `bun:"to_stage"`
	MovedOn      string    `bun:"moved_on"`
	MovedBy      string    `bun:"moved_by"`
	CreatedAt    time.Time `bun:"created_at"`
}

const conflict = "This record changed while you were looking at it."

var flow = &steps.Flow{
	Model:  (*record)(nil),
	Column: "status",
	Record: "test_record",
	Moves: map[string][]string{
		"draft": {"open"},
		"open":  {"open", "closed"},
	},
	Conflict: conflict,
}

type world struct {
	db  *bun.DB
	log *audit.Log
	ctx context.Context
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db := dbtest.Open(t)
	return &world{db: db, log: audit.New(db), ctx: addTenant(t, db)}
}

// addTenant writes a tenant and returns a context in it.
func addTenant(t *testing.T, db *bun.DB) context.Context {
	t.Helper()
	now := database.Now()
	slug := "t-" + dbtest.RandomHex(4)
	tn := &tenant{ID: database.NewID(), Slug: slug, Name: slug, Kind: "state_system", State: "IL", Status: "trial",
		CreatedAt: now, UpdatedAt: now}
	if _, err := db.NewInsert().Model(tn).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	return database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: slug})
}

// newRecord writes a record at status.
func (w *world) newRecord(t *testing.T, status string) *record {
	t.Helper()
	now := database.Now()
	r := &record{ID: database.NewID(), OrganisationName: "Little Oaks", Need: "Help", ContactName: "Ana",
		ContactEmail: "ana@example.org", Status: status, CreatedAt: now, UpdatedAt: now}
	if _, err := w.tenant(t).Insert(r).Exec(w.ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

func (w *world) tenant(t *testing.T) database.Tenant {
	t.Helper()
	tn, err := database.For(w.ctx, w.db)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// move is a move of r from one status to another with a history row and an audit event.
func move(r *record, from, to string) steps.Move {
	return steps.Move{ID: r.ID, From: from, To: to,
		History: &history{ID: database.NewID(), EngagementID: r.ID, FromStage: from, ToStage: to, MovedOn: "2026-12-06",
			MovedBy: "someone", CreatedAt: database.Now()},
		Action: "test_record.move", Detail: from + " → " + to}
}

// state is what is written about r: its status and decision note, its history rows and its
// audit events.
type state struct {
	Status, Note     string
	History, Audited int64
}

func (w *world) state(t *testing.T, r *record) state {
	t.Helper()
	tn := w.tenant(t)
	var got record
	if err := tn.Select(&got).Where("r.id = ?", r.ID).Scan(w.ctx); err != nil {
		t.Fatal(err)
	}
	h, err := tn.Select((*history)(nil)).Where("h.engagement_id = ?", r.ID).Count(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := tn.Select((*audit.Event)(nil)).Where("ae.record_id = ? AND ae.record_type = ?", r.ID, "test_record").Count(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return state{Status: got.Status, Note: got.DecisionNote, History: h, Audited: a}
}

func wantConflict(t *testing.T, err error) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.ECONFLICT || e.Message != conflict {
		t.Fatalf("want ECONFLICT %q, got %v", conflict, err)
	}
}

func TestApplyMovesWritesHistoryAuditAndSet(t *testing.T) {
	w := newWorld(t)
	r := w.newRecord(t, "open")
	m := move(r, "open", "closed")
	m.Set = []steps.Cond{steps.C("decision_note = ?", "No one free")}
	m.Expect = []steps.Cond{steps.C("r.organisation_name = ?", "Little Oaks")}
	if err := flow.Apply(w.ctx, w.db, w.log, m); err != nil {
		t.Fatal(err)
	}
	if got, want := w.state(t, r), (state{Status: "closed", Note: "No one free", History: 1, Audited: 1}); got != want {
		t.Fatalf("after the move: %+v, want %+v", got, want)
	}
	var ev audit.Event
	if err := w.tenant(t).Select(&ev).Where("ae.record_id = ?", r.ID).Scan(w.ctx); err != nil {
		t.Fatal(err)
	}
	if ev.Action != "test_record.move" || ev.Detail != "open → closed" {
		t.Fatalf("audit event %q %q", ev.Action, ev.Detail)
	}
	// A move to the same status, listed in the flow, is a move like any other.
	r2 := w.newRecord(t, "open")
	if err := flow.Apply(w.ctx, w.db, w.log, move(r2, "open", "open")); err != nil {
		t.Fatal(err)
	}
	if got, want := w.state(t, r2), (state{Status: "open", History: 1, Audited: 1}); got != want {
		t.Fatalf("after the move to the same status: %+v, want %+v", got, want)
	}
}

// Two people clicking at once: one move, and the second is told the record changed and
// writes nothing.
func TestApplyTwoAtOnceMakeOneMove(t *testing.T) {
	w := newWorld(t)
	for round := range 5 {
		r := w.newRecord(t, "open")
		var (
			start  = make(chan struct{})
			wg     sync.WaitGroup
			errs   = make([]error, 2)
			afters atomic.Int32
		)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				m := move(r, "open", "closed")
				m.Set = []steps.Cond{steps.C("decision_note = ?", []string{"first", "second"}[i])}
				// Holding the transaction open a moment makes the other one wait on it.
				m.Within = func(context.Context) error { time.Sleep(30 * time.Millisecond); return nil }
				m.After = func(context.Context) { afters.Add(1) }
				errs[i] = flow.Apply(w.ctx, w.db, w.log, m)
			}()
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			if err == nil {
				if won >= 0 {
					t.Fatalf("round %d: both moves were made", round)
				}
				won = i
				continue
			}
			wantConflict(t, err)
		}
		if won < 0 {
			t.Fatalf("round %d: neither move was made: %v", round, errs)
		}
		want := state{Status: "closed", Note: []string{"first", "second"}[won], History: 1, Audited: 1}
		if got := w.state(t, r); got != want {
			t.Fatalf("round %d: %+v, want %+v", round, got, want)
		}
		if n := afters.Load(); n != 1 {
			t.Fatalf("round %d: After ran %d times, want once", round, n)
		}
	}
}

func TestApplyRefuses(t *testing.T) {
	w := newWorld(t)
	ran := false
	within := func(context.Context) error { ran = true; return nil }

	// A move the flow does not list, even from the record's own status.
	r := w.newRecord(t, "open")
	m := move(r, "open", "draft")
	m.Within = within
	wantConflict(t, flow.Apply(w.ctx, w.db, w.log, m))
	// From a status the flow does not know.
	m = move(r, "archived", "open")
	m.Within = within
	wantConflict(t, flow.Apply(w.ctx, w.db, w.log, m))
	// A listed move from a status the record is not at (it moved meanwhile).
	m = move(r, "draft", "open")
	m.Within = within
	wantConflict(t, flow.Apply(w.ctx, w.db, w.log, m))
	// A condition the move expects that no longer holds.
	m = move(r, "open", "closed")
	m.Expect = []steps.Cond{steps.C("r.organisation_name = ?", "Someone else")}
	m.Within = within
	wantConflict(t, flow.Apply(w.ctx, w.db, w.log, m))
	// A refusal the domain words itself.
	m = move(r, "open", "draft")
	m.Refused = apperr.NotFound("request")
	if err := flow.Apply(w.ctx, w.db, w.log, m); apperr.Code(err) != apperr.ENOTFOUND || apperr.Message(err) != "That request was not found." {
		t.Fatalf("want the move's own refusal, got %v", err)
	}
	m = move(r, "draft", "open")
	m.Refused = apperr.NotFound("request")
	if err := flow.Apply(w.ctx, w.db, w.log, m); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("want the move's own refusal when the record moved, got %v", err)
	}
	if got, want := w.state(t, r), (state{Status: "open"}); got != want {
		t.Fatalf("refused moves wrote %+v", got)
	}
	if ran {
		t.Fatal("Within ran for a refused move")
	}
	// Another tenant's record is not moved.
	other := addTenant(t, w.db)
	wantConflict(t, flow.Apply(other, w.db, w.log, move(r, "open", "closed")))
	if got := w.state(t, r); got.Status != "open" {
		t.Fatalf("another tenant moved the record: %+v", got)
	}
}

func TestApplyWithinErrorUndoesTheMove(t *testing.T) {
	w := newWorld(t)
	r := w.newRecord(t, "open")
	boom := errors.New("the budget hold failed")
	after := false
	m := move(r, "open", "closed")
	m.Set = []steps.Cond{steps.C("decision_note = ?", "never")}
	m.Within = func(ctx context.Context) error {
		// What Within writes goes too.
		if err := w.log.Record(ctx, "test_record.within", "test_record", r.ID, ""); err != nil {
			return err
		}
		return boom
	}
	m.After = func(context.Context) { after = true }
	if err := flow.Apply(w.ctx, w.db, w.log, m); !errors.Is(err, boom) {
		t.Fatalf("want Within's error, got %v", err)
	}
	if got, want := w.state(t, r), (state{Status: "open"}); got != want {
		t.Fatalf("a failed move wrote %+v", got)
	}
	if after {
		t.Fatal("After ran for a move that rolled back")
	}
}

func TestApplyAfterRunsOnlyOnceCommitted(t *testing.T) {
	w := newWorld(t)

	// On its own, After runs once Apply's transaction has committed: it sees the move from
	// outside the transaction.
	r := w.newRecord(t, "open")
	var seen *state
	m := move(r, "open", "closed")
	m.After = func(ctx context.Context) {
		if _, inTx := database.Conn(ctx, w.db).(bun.Tx); inTx {
			t.Error("After ran inside the transaction")
		}
		s := w.state(t, r)
		seen = &s
	}
	if err := flow.Apply(w.ctx, w.db, w.log, m); err != nil {
		t.Fatal(err)
	}
	if want := (state{Status: "closed", History: 1, Audited: 1}); seen == nil || *seen != want {
		t.Fatalf("After saw %+v, want %+v", seen, want)
	}

	// Inside a caller's transaction, After waits for that transaction to commit.
	r = w.newRecord(t, "draft")
	ran := 0
	err := database.InTx(w.ctx, w.db, func(ctx context.Context) error {
		m := move(r, "draft", "open")
		m.After = func(context.Context) { ran++ }
		if err := flow.Apply(ctx, w.db, w.log, m); err != nil {
			return err
		}
		if ran != 0 {
			t.Error("After ran before the caller's transaction committed")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ran != 1 {
		t.Fatalf("After ran %d times after the commit, want once", ran)
	}

	// When the caller's transaction rolls back, the move is undone and After never runs.
	r = w.newRecord(t, "draft")
	ran = 0
	boom := errors.New("the caller failed")
	err = database.InTx(w.ctx, w.db, func(ctx context.Context) error {
		m := move(r, "draft", "open")
		m.After = func(context.Context) { ran++ }
		if err := flow.Apply(ctx, w.db, w.log, m); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("want the caller's error, got %v", err)
	}
	if ran != 0 {
		t.Fatal("After ran for a move that rolled back")
	}
	if got, want := w.state(t, r), (state{Status: "draft"}); got != want {
		t.Fatalf("a rolled-back move wrote %+v", got)
	}
}
