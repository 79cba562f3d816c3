package consultants_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/tenants"
)

// twoAtOnce runs f twice at the same moment and returns both errors.
func twoAtOnce(f func(i int) error) []error {
	errs := make([]error, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWon checks that exactly one of errs is nil and the other a conflict, and returns the
// winner.
func oneWon(t *testing.T, errs []error) int {
	t.Helper()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Fatal("both moves were made")
		case apperr.Code(err) != apperr.ECONFLICT:
			t.Fatalf("the second move: got %v, want a conflict", err)
		}
	}
	if won < 0 {
		t.Fatalf("neither move was made: %v", errs)
	}
	return won
}

func countEvents(t *testing.T, ctx context.Context, db *bun.DB, action, id string) int {
	t.Helper()
	tn, err := database.For(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	n, err := tn.Select((*audit.Event)(nil)).Where("ae.action = ? AND ae.record_id = ?", action, id).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// Two admins closing one request at once: it is closed once, with the first one's reason, one
// event in the audit log, and the second is told it was answered.
func TestRequestClosedOnceWhenTwoAtOnce(t *testing.T) {
	db := dbtest.Open(t)
	ctx := searchTenant(t, db, "Illinois")
	m := consultants.NewMatching(db, tenants.NewStore(db), audit.New(db), nil, "")
	tn, err := database.For(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := database.Now()
	r := &consultants.Request{ID: database.NewID(), OrganisationName: "Little Oaks", County: "Cook", Need: "Help with a hard week.",
		ContactName: "Ana", ContactEmail: "ana@example.org", Status: consultants.RequestOpen, ConfirmedAt: &now,
		CreatedAt: now, UpdatedAt: now}
	if _, err := tn.Insert(r).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	reasons := []string{"Asked elsewhere.", "No one free."}
	won := oneWon(t, twoAtOnce(func(i int) error {
		_, err := m.Close(ctx, r.ID, reasons[i])
		return err
	}))
	got, err := m.Request(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != consultants.RequestClosed || got.DecisionNote != reasons[won] {
		t.Fatalf("request: %s, %q; want closed, %q", got.Status, got.DecisionNote, reasons[won])
	}
	if n := countEvents(t, ctx, db, "request.close", r.ID); n != 1 {
		t.Fatalf("%d request.close events, want 1", n)
	}
	// A closed request is not closed again, nor assigned.
	if _, err := m.Close(ctx, r.ID, "Again."); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("closing a closed request: %v", err)
	}
}

// Two admins ending one assignment at once: it ends once, and the consultant's place comes
// back once.
func TestAssignmentEndedOnceWhenTwoAtOnce(t *testing.T) {
	db := dbtest.Open(t)
	ctx := searchTenant(t, db, "Illinois")
	m := consultants.NewMatching(db, tenants.NewStore(db), audit.New(db), nil, "")
	tn, err := database.For(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	now := database.Now()
	prog := &tenants.Organisation{ID: database.NewID(), Kind: tenants.OrgProgram, Name: "Prairie Home Visiting",
		ProgramKind: "home_visiting", CreatedAt: now, UpdatedAt: now}
	p := searchProfile("Ana Avila", []string{"Cook"}, []string{"English"}, []string{"home_visiting"}, nil, nil, 0)
	a := &consultants.Assignment{ID: database.NewID(), ProfileID: p.ID, ProgramID: prog.ID, Status: consultants.AssignmentActive,
		StartedOn: "2026-01-05", CreatedAt: now, UpdatedAt: now}
	for _, row := range []database.TenantOwned{prog, p, a} {
		if _, err := tn.Insert(row).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	oneWon(t, twoAtOnce(func(int) error {
		_, err := m.EndAssignment(ctx, a.ID)
		return err
	}))
	list, err := m.Assignments(ctx, consultants.AssignmentFilter{ID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Status != consultants.AssignmentEnded || list[0].EndedOn == "" {
		t.Fatalf("assignment: %+v", list)
	}
	var capacity int
	if err := tn.Select((*consultants.Profile)(nil)).Column("cp.capacity").Where("cp.id = ?", p.ID).Scan(ctx, &capacity); err != nil {
		t.Fatal(err)
	}
	if capacity != 1 {
		t.Fatalf("the consultant has %d places free, want 1 (the place came back once)", capacity)
	}
	if n := countEvents(t, ctx, db, "consultant_assignment.end", a.ID); n != 1 {
		t.Fatalf("%d consultant_assignment.end events, want 1", n)
	}
}
