package amendments_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// world is one tenant with two funders, two programs, a partnership board, a funding per
// program and the people who decide, for the amendments' tests. Amendments are inserted as
// rows (amend), in the state a test needs.
type world struct {
	db, owner *bun.DB
	svc       *amendments.Service
	queue     string
	inspector *asynq.Inspector
	tenantID  string
	admin     context.Context // a tenant admin's scope, without a person

	funderA, funderB, progA, progB, board *tenants.Organisation
	fundingA, fundingB                    *programs.Funding
	users                                 map[string]string // name → id
	now                                   time.Time
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	db := dbtest.Open(tb)
	w := &world{db: db, owner: dbtest.Owner(tb, db), users: map[string]string{},
		now: time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	ten := tenants.NewStore(db)
	tn := &tenants.Tenant{Slug: "t" + dbtest.RandomHex(4), Name: "Illinois I/ECMHC", Kind: tenants.KindStateSystem, State: "IL",
		Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := ten.CreateTenant(ctx, tn); err != nil {
		tb.Fatal(err)
	}
	w.tenantID = tn.ID
	w.admin = database.WithScope(ctx, database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, Role: authz.TenantAdmin})
	org := func(kind, name, short string) *tenants.Organisation {
		o := &tenants.Organisation{Kind: kind, Name: name, ShortName: short, Languages: database.StringList{}}
		if err := ten.CreateOrganisation(w.admin, o); err != nil {
			tb.Fatal(err)
		}
		return o
	}
	w.funderA = org(tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI")
	w.funderB = org(tenants.OrgFunder, "Chicago Department of Family and Support Services", "DFSS")
	w.progA = org(tenants.OrgProgram, "Prairie Families Home Visiting", "")
	w.progB = org(tenants.OrgProgram, "Southside Community Doula Program", "")
	w.board = org(tenants.OrgProgram, "Piedmont Partnership Board", "")
	funding := func(prog, funder *tenants.Organisation) *programs.Funding {
		t, _ := database.For(w.admin, db)
		f := &programs.Funding{ID: database.NewID(), ProgramID: prog.ID, FunderID: funder.ID, FiscalYear: 2027,
			CreatedAt: w.now, UpdatedAt: w.now}
		if _, err := t.Insert(f).Exec(w.admin); err != nil {
			tb.Fatal(err)
		}
		return f
	}
	w.fundingA = funding(w.progA, w.funderA)
	w.fundingB = funding(w.progB, w.funderB)
	for _, n := range []string{"Robert Nguyen", "Amy Chen", "Denise Carter", "Omar Haddad", "Latoya Brooks", "Keisha Moore", "Maria Alvarez", "Board Member"} {
		u := &accounts.User{ID: database.NewID(), Email: strings.ReplaceAll(strings.ToLower(n), " ", ".") + "@" + tn.Slug + ".example",
			Name: n, Active: true, CreatedAt: w.now, UpdatedAt: w.now}
		if _, err := w.owner.NewInsert().Model(u).Exec(ctx); err != nil {
			tb.Fatal(err)
		}
		w.users[n] = u.ID
	}
	rdb, err := jobs.Connect(ctx, dbtest.Redis(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rdb.Close() })
	w.queue = "amendments_test_" + dbtest.RandomHex(4)
	w.inspector = asynq.NewInspectorFromRedisClient(rdb)
	prog := programs.NewService(db, ten, audit.New(db))
	w.svc = amendments.NewService(db, prog, ten, audit.New(db), nil, jobs.NewNamedQueue(rdb, w.queue), nil, "http://localhost")
	w.svc.SetClock(func() time.Time { return w.now })
	return w
}

// as is the scope of a person: who (a name of w.users), role, organisation.
func (w *world) as(who, role string, org *tenants.Organisation) context.Context {
	sc := database.Scope{TenantID: w.tenantID, UserID: w.users[who], Role: role}
	if org != nil {
		sc.OrganisationID = org.ID
	}
	return database.WithScope(context.Background(), sc)
}

// The people of the world.
func (w *world) robert() context.Context { return w.as("Robert Nguyen", authz.Funder, w.funderA) } // funder A
func (w *world) amy() context.Context    { return w.as("Amy Chen", authz.Funder, w.funderA) }      // funder A too
func (w *world) denise() context.Context { return w.as("Denise Carter", authz.TenantAdmin, nil) }  // tenant admin
func (w *world) omar() context.Context   { return w.as("Omar Haddad", authz.Funder, w.funderB) }   // funder B
func (w *world) latoya() context.Context { return w.as("Latoya Brooks", authz.Program, w.progA) }  // program A
func (w *world) keisha() context.Context { return w.as("Keisha Moore", authz.Program, w.progB) }   // program B
func (w *world) maria() context.Context  { return w.as("Maria Alvarez", authz.Consultant, nil) }   // a consultant
func (w *world) boardMember() context.Context {
	return w.as("Board Member", authz.Program, w.board) // the people of an organisation a step names
}

// Processes.
var (
	twoSteps = []amendments.StepSnapshot{
		{Name: "Program area", Decider: amendments.DeciderFunder, ResponseDays: 30},
		{Name: "Fiscal office", Decider: amendments.DeciderTenantAdmin, ResponseDays: 15},
	}
	oneStep = []amendments.StepSnapshot{{Name: "Single review", Decider: amendments.DeciderFunder, ResponseDays: 30}}
)

// amendOpts says what amend inserts.
type amendOpts struct {
	funding     *programs.Funding
	steps       []amendments.StepSnapshot
	status      string // submitted unless said
	version     int    // 1 unless said
	step        int
	class       string
	submittedAt time.Time
	dueOn       string
	lines       []amendments.Line
	previous    []amendments.LineValue // a version 1 before this one, when set
}

// defaultLines: Personnel down by $10,000 to fund a new I/ECMH consultation line.
func defaultLines() []amendments.Line {
	return []amendments.Line{
		{Position: 0, BudgetLineID: database.NewID(), Category: "Personnel", CurrentCents: 100_000_00, ProposedCents: 90_000_00, Justification: "A vacancy."},
		{Position: 1, BudgetLineID: database.NewID(), Category: "Supplies", CurrentCents: 3_500_00, ProposedCents: 3_500_00},
		{Position: 2, Category: "I/ECMH consultation", ProposedCents: 10_000_00, Justification: "Monthly consultation."},
	}
}

var numbers sync.Map // tenant → next number

func (w *world) amend(tb testing.TB, o amendOpts) *amendments.Amendment {
	tb.Helper()
	if o.funding == nil {
		o.funding = w.fundingA
	}
	if o.steps == nil {
		o.steps = twoSteps
	}
	if o.status == "" {
		o.status = amendments.StatusSubmitted
	}
	if o.version == 0 {
		o.version = 1
	}
	if o.class == "" {
		o.class = amendments.ClassApproval
	}
	if o.submittedAt.IsZero() {
		o.submittedAt = w.now.Add(-48 * time.Hour)
	}
	if o.dueOn == "" {
		o.dueOn = "2027-01-03"
	}
	if o.lines == nil {
		o.lines = defaultLines()
	}
	n, _ := numbers.LoadOrStore(w.tenantID, new(int))
	next := n.(*int)
	*next++
	ctx := w.admin
	t, err := database.For(ctx, w.db)
	if err != nil {
		tb.Fatal(err)
	}
	opened := w.now.Add(-24 * time.Hour)
	a := &amendments.Amendment{ID: database.NewID(), Number: *next, FundingID: o.funding.ID, ProgramID: o.funding.ProgramID,
		FunderID: o.funding.FunderID, Status: o.status, Class: o.class, Version: o.version, Step: o.step, Steps: o.steps,
		StepOpenedAt: &opened, StepDueOn: o.dueOn, EffectiveOn: "2027-01-01", Justification: "Add consultation.",
		CreatedBy: w.users["Latoya Brooks"], CreatedAt: o.submittedAt, UpdatedAt: o.submittedAt, SubmittedAt: &o.submittedAt}
	var values []amendments.LineValue
	for _, l := range o.lines {
		a.BeforeCents += l.CurrentCents
		a.AfterCents += l.ProposedCents
		values = append(values, amendments.LineValue{BudgetLineID: l.BudgetLineID, Category: l.Category, CurrentCents: l.CurrentCents,
			ProposedCents: l.ProposedCents, Justification: l.Justification})
	}
	if _, err := t.Insert(a).Exec(ctx); err != nil {
		tb.Fatal(err)
	}
	waiting := ""
	if o.status == amendments.StatusSubmitted {
		waiting = amendments.WaitingOn(a, o.steps[o.step])
	}
	if _, err := t.Update((*amendments.Amendment)(nil)).Set("waiting_on = ?", waiting).Where("am.id = ?", a.ID).Exec(ctx); err != nil {
		tb.Fatal(err)
	}
	for i := range o.lines {
		l := o.lines[i]
		l.AmendmentID = a.ID
		if _, err := t.Insert(&l).Exec(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	version := func(number int, lines []amendments.LineValue) {
		v := &amendments.Version{ID: database.NewID(), AmendmentID: a.ID, Number: number, Class: o.class, Lines: lines,
			Justification: a.Justification, EffectiveOn: a.EffectiveOn, SubmittedBy: a.CreatedBy, SubmittedAt: o.submittedAt}
		if _, err := t.Insert(v).Exec(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	if o.previous != nil {
		version(o.version-1, o.previous)
	}
	if o.version > 0 {
		version(o.version, values)
	}
	if o.status == amendments.StatusSubmitted {
		if _, err := t.Update((*programs.Funding)(nil)).Set("held_by = ?", a.ID).Where("f.id = ?", o.funding.ID).Exec(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	return a
}

// row reads the amendment as it is stored (every column), as the owner.
type stored struct {
	Status, WaitingOn, StepDueOn string
	Step, Version                int
	AfterCents                   int64
	DecidedAt                    *time.Time
	Overdue                      bool
}

func (w *world) stored(tb testing.TB, id string) stored {
	tb.Helper()
	var s stored
	if err := w.owner.NewSelect().Table("amendments").Column("status", "waiting_on", "step_due_on", "step", "version", "after_cents", "decided_at", "overdue").
		Where("id = ?", id).Scan(context.Background(), &s.Status, &s.WaitingOn, &s.StepDueOn, &s.Step, &s.Version, &s.AfterCents, &s.DecidedAt, &s.Overdue); err != nil {
		tb.Fatal(err)
	}
	return s
}

func (w *world) count(tb testing.TB, table, where string, args ...any) int {
	tb.Helper()
	n, err := w.owner.NewSelect().Table(table).Where(where, args...).Count(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return int(n)
}

func (w *world) heldBy(tb testing.TB, f *programs.Funding) string {
	tb.Helper()
	var s string
	if err := w.owner.NewSelect().Table("fundings").Column("held_by").Where("id = ?", f.ID).Scan(context.Background(), &s); err != nil {
		tb.Fatal(err)
	}
	return s
}

// tasks lists the types and ids of the tasks queued so far.
func (w *world) tasks(tb testing.TB) []string {
	tb.Helper()
	list, err := w.inspector.ListPendingTasks(w.queue)
	if err != nil && !strings.Contains(err.Error(), "not found") {
		tb.Fatal(err)
	}
	var out []string
	for _, t := range list {
		out = append(out, t.ID)
	}
	return out
}

func approve(a *amendments.Amendment) amendments.DecisionInput {
	return amendments.DecisionInput{Decision: amendments.DecisionApproved, Version: a.Version, Step: a.Step}
}

func wantCode(tb testing.TB, err error, code string, words ...string) {
	tb.Helper()
	if apperr.Code(err) != code {
		tb.Fatalf("got %v, want %s", err, code)
	}
	for _, w := range words {
		if !strings.Contains(apperr.Message(err), w) {
			tb.Fatalf("the message %q does not say %q", apperr.Message(err), w)
		}
	}
}

func wantField(tb testing.TB, err error, field, words string) {
	tb.Helper()
	if apperr.Code(err) != apperr.EINVALID || !strings.Contains(apperr.FieldsOf(err)[field], words) {
		tb.Fatalf("got %v (%v), want a message on %s saying %q", err, apperr.FieldsOf(err), field, words)
	}
}

func TestDecideApprovesEachStepInTurn(t *testing.T) {
	w := newWorld(t)
	a := w.amend(t, amendOpts{})

	got, err := w.svc.Decide(w.robert(), a.ID, approve(a))
	if err != nil {
		t.Fatal(err)
	}
	s := w.stored(t, a.ID)
	// Today in Chicago is Dec 6; the fiscal office has 15 days.
	if s.Status != amendments.StatusSubmitted || s.Step != 1 || s.WaitingOn != "tenant_admin" || s.StepDueOn != "2026-12-21" || s.DecidedAt != nil {
		t.Fatalf("after the first step: %+v", s)
	}
	if got.Step != 1 || got.CurrentStep().Name != "Fiscal office" {
		t.Fatalf("Decide returned %+v", got)
	}
	if n := w.count(t, "amendment_decisions", "amendment_id = ? AND decision = ? AND step = 0", a.ID, amendments.DecisionApproved); n != 1 {
		t.Fatalf("%d decisions", n)
	}
	if n := w.count(t, "amendment_moves", "amendment_id = ? AND from_status = 'submitted' AND to_status = 'submitted'", a.ID); n != 1 {
		t.Fatalf("%d moves", n)
	}
	if n := w.count(t, "audit_events", "action = ? AND record_id = ? AND detail = ?", "amendment.approve_step", a.ID, a.Title()+", Program area"); n != 1 {
		t.Fatalf("%d audit events for the step", n)
	}
	if tasks := strings.Join(w.tasks(t), " "); !strings.Contains(tasks, amendments.TaskStepOpened+":"+w.tenantID+":"+a.ID+":1:1") {
		t.Fatalf("queued %q, want the step-opened task of version 1, step 1", tasks)
	}

	// The tenant admin decides the last step: approved, and the apply task is queued.
	got, err = w.svc.Decide(w.denise(), a.ID, amendments.DecisionInput{Decision: amendments.DecisionApproved, Comment: "Fine by us.", Version: 1, Step: 1})
	if err != nil {
		t.Fatal(err)
	}
	s = w.stored(t, a.ID)
	if s.Status != amendments.StatusApproved || s.WaitingOn != "" || s.DecidedAt == nil || got.Status != amendments.StatusApproved {
		t.Fatalf("after the last step: %+v", s)
	}
	if n := w.count(t, "audit_events", "action = ? AND record_id = ?", "amendment.approve", a.ID); n != 1 {
		t.Fatalf("%d audit events for the approval", n)
	}
	if tasks := strings.Join(w.tasks(t), " "); !strings.Contains(tasks, amendments.TaskApply+":"+w.tenantID+":"+a.ID) {
		t.Fatalf("queued %q, want the apply task", tasks)
	}
	// The comment is in the thread; the decisions list, oldest first, names the deciders.
	cs, err := w.svc.Comments(w.latoya(), a.ID)
	if err != nil || len(cs) != 1 || cs[0].Body != "Fine by us." || cs[0].AuthorName != "Denise Carter" {
		t.Fatalf("thread %+v %v", cs, err)
	}
	ds, err := w.svc.Decisions(w.latoya(), a.ID)
	if err != nil || len(ds) != 2 || ds[0].DeciderName != "Robert Nguyen" || ds[1].DeciderName != "Denise Carter" || ds[1].StepName != "Fiscal office" {
		t.Fatalf("decisions %+v %v", ds, err)
	}
	ms, err := w.svc.Moves(w.latoya(), a.ID)
	if err != nil || len(ms) != 2 || ms[1].ToStatus != amendments.StatusApproved || ms[1].MoverName != "Denise Carter" {
		t.Fatalf("moves %+v %v", ms, err)
	}
	// Nothing more to decide.
	_, err = w.svc.Decide(w.denise(), a.ID, amendments.DecisionInput{Decision: amendments.DecisionApproved, Version: 1, Step: 1})
	wantCode(t, err, apperr.ECONFLICT, "Someone else decided this step first: Approved by Denise Carter on Dec 6, 2026.")
}

func TestDecideRefusesWhoMayNot(t *testing.T) {
	w := newWorld(t)
	a := w.amend(t, amendOpts{})
	for name, ctx := range map[string]context.Context{"the tenant admin": w.denise(), "another funder": w.omar(), "the program": w.latoya()} {
		before := w.count(t, "audit_events", "action = 'amendment.refused'")
		_, err := w.svc.Decide(ctx, a.ID, approve(a))
		if name == "another funder" {
			// Funder B's people do not see funder A's amendments at all.
			wantCode(t, err, apperr.ENOTFOUND)
			continue
		}
		wantCode(t, err, apperr.EFORBIDDEN, "Only ISBE PI's people decide the step “Program area” of "+a.Title()+".")
		if after := w.count(t, "audit_events", "action = 'amendment.refused'"); after != before+1 {
			t.Fatalf("%s: the refusal is not in the audit log", name)
		}
	}
	if n := w.count(t, "amendment_decisions", "amendment_id = ?", a.ID); n != 0 {
		t.Fatalf("%d decisions written", n)
	}

	// Who decided an earlier step does not decide the next: a step naming funder A's own
	// organisation (Robert could decide it, but he decided the first).
	b := w.amend(t, amendOpts{steps: []amendments.StepSnapshot{
		{Name: "Program area", Decider: amendments.DeciderFunder, ResponseDays: 30},
		{Name: "Fiscal office", Decider: amendments.DeciderOrganisation, OrganisationID: w.funderA.ID, OrganisationName: "ISBE PI", ResponseDays: 30}}})
	if _, err := w.svc.Decide(w.robert(), b.ID, approve(b)); err != nil {
		t.Fatal(err)
	}
	_, err := w.svc.Decide(w.robert(), b.ID, amendments.DecisionInput{Decision: amendments.DecisionApproved, Version: 1, Step: 1})
	wantCode(t, err, apperr.EFORBIDDEN, "You decided an earlier step of this amendment; another person must decide this one.")
	if n := w.count(t, "audit_events", "action = 'amendment.refused' AND record_id = ?", b.ID); n != 1 {
		t.Fatalf("%d refusals logged", n)
	}
	if _, err := w.svc.Decide(w.amy(), b.ID, amendments.DecisionInput{Decision: amendments.DecisionApproved, Version: 1, Step: 1}); err != nil {
		t.Fatalf("another person of the organisation: %v", err)
	}

	// A step naming an organisation: its people decide it, though it is a program.
	c := w.amend(t, amendOpts{steps: []amendments.StepSnapshot{{Name: "Partnership board", Decider: amendments.DeciderOrganisation,
		OrganisationID: w.board.ID, OrganisationName: "Piedmont Partnership Board", ResponseDays: 30}}})
	_, err = w.svc.Decide(w.robert(), c.ID, approve(c))
	wantCode(t, err, apperr.EFORBIDDEN, "Only Piedmont Partnership Board's people decide")
	if _, err := w.svc.Decide(w.boardMember(), c.ID, approve(c)); err != nil {
		t.Fatal(err)
	}
}

func TestDecideRefusesStaleAndBadInput(t *testing.T) {
	w := newWorld(t)
	a := w.amend(t, amendOpts{version: 2, previous: []amendments.LineValue{{Category: "Personnel", CurrentCents: 100_000_00, ProposedCents: 80_000_00}}})
	nothingWritten := func(what string) {
		t.Helper()
		if n := w.count(t, "amendment_decisions", "amendment_id = ?", a.ID) + w.count(t, "amendment_moves", "amendment_id = ?", a.ID) +
			w.count(t, "amendment_comments", "amendment_id = ?", a.ID); n != 0 {
			t.Fatalf("%s: %d rows written", what, n)
		}
		if s := w.stored(t, a.ID); s.Status != amendments.StatusSubmitted || s.Step != 0 || s.AfterCents != int64(a.AfterCents) {
			t.Fatalf("%s: the amendment changed: %+v", what, s)
		}
	}
	_, err := w.svc.Decide(w.robert(), a.ID, amendments.DecisionInput{Decision: amendments.DecisionApproved, Version: 1, Step: 0})
	wantCode(t, err, apperr.ECONFLICT, "new version (version 2)")
	_, err = w.svc.Decide(w.robert(), a.ID, amendments.DecisionInput{Decision: amendments.DecisionApproved, Version: 2, Step: 1})
	wantCode(t, err, apperr.ECONFLICT)
	nothingWritten("stale")

	for _, d := range []string{amendments.DecisionReturned, amendments.DecisionDenied} {
		_, err = w.svc.Decide(w.robert(), a.ID, amendments.DecisionInput{Decision: d, Comment: "  ", Version: 2, Step: 0})
		wantField(t, err, "comment", "the comment is required")
	}
	_, err = w.svc.Decide(w.robert(), a.ID, amendments.DecisionInput{Decision: "maybe", Version: 2, Step: 0})
	wantField(t, err, "decision", "Choose a decision")
	_, err = w.svc.Decide(w.robert(), a.ID, amendments.DecisionInput{Decision: amendments.DecisionAdjusted, Version: 2, Step: 0,
		Adjusted: map[int]string{0: "85,000.00", 2: "ten thousand"}})
	wantField(t, err, "adjusted_2", "I/ECMH consultation: Enter an amount in dollars")
	_, err = w.svc.Decide(w.robert(), a.ID, amendments.DecisionInput{Decision: amendments.DecisionAdjusted, Version: 2, Step: 0,
		Adjusted: map[int]string{1: "-5"}})
	wantField(t, err, "adjusted_1", "zero or more")
	_, err = w.svc.Decide(w.robert(), a.ID, amendments.DecisionInput{Decision: amendments.DecisionAdjusted, Version: 2, Step: 0,
		Adjusted: map[int]string{0: "90,000.00"}})
	wantField(t, err, "decision", "Change the amount of at least one line")
	nothingWritten("bad input")
}

func TestDecideAdjustReturnDeny(t *testing.T) {
	w := newWorld(t)
	// Approved with adjusted amounts: the lines change, the total follows, the program sees
	// from what to what.
	a := w.amend(t, amendOpts{})
	_, err := w.svc.Decide(w.robert(), a.ID, amendments.DecisionInput{Decision: amendments.DecisionAdjusted, Version: 1, Step: 0,
		Adjusted: map[int]string{0: "90,000.00", 2: "8,000"}, Comment: "Consultation at $8,000 this year."})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.svc.Amendment(w.latoya(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lines[2].ProposedCents != 8_000_00 || got.AfterCents != 101_500_00 || got.Step != 1 {
		t.Fatalf("after the adjustment: lines %+v, after %s, step %d", got.Lines, got.AfterCents, got.Step)
	}
	ds, _ := w.svc.Decisions(w.latoya(), a.ID)
	if len(ds) != 1 || ds[0].Decision != amendments.DecisionAdjusted || len(ds[0].Adjusted) != 1 || ds[0].Adjusted[0].ProposedCents != 8_000_00 {
		t.Fatalf("decision %+v", ds)
	}
	vs, _ := w.svc.Versions(w.latoya(), a.ID)
	adj := amendments.Adjustments(&vs[0], ds)
	if len(adj) != 1 || adj[0].Words() != "adjusted from $10,000.00 to $8,000.00 by Program area" {
		t.Fatalf("adjustments %+v", adj)
	}
	if n := w.count(t, "audit_events", "action = 'amendment.adjust' AND record_id = ?", a.ID); n != 1 {
		t.Fatal("no audit event for the adjustment")
	}

	// Returned for changes: waits on nobody, the funding is free again, the comment in the thread.
	b := w.amend(t, amendOpts{funding: w.fundingB, steps: oneStep})
	if w.heldBy(t, w.fundingB) != b.ID {
		t.Fatal("the fixture does not hold the funding")
	}
	if _, err := w.svc.Decide(w.omar(), b.ID, amendments.DecisionInput{Decision: amendments.DecisionReturned, Comment: "Split travel from supplies.", Version: 1, Step: 0}); err != nil {
		t.Fatal(err)
	}
	if s := w.stored(t, b.ID); s.Status != amendments.StatusReturned || s.WaitingOn != "" || s.DecidedAt != nil {
		t.Fatalf("returned: %+v", s)
	}
	if w.heldBy(t, w.fundingB) != "" {
		t.Fatal("returning did not release the funding")
	}
	if cs, _ := w.svc.Comments(w.keisha(), b.ID); len(cs) != 1 || cs[0].Body != "Split travel from supplies." {
		t.Fatalf("thread %+v", cs)
	}
	if n := w.count(t, "audit_events", "action = 'amendment.return' AND detail = ?", b.Title()+", Single review"); n != 1 {
		t.Fatal("no audit event for the return")
	}

	// Denied: final, decided, funding released.
	c := w.amend(t, amendOpts{funding: w.fundingB, steps: oneStep})
	if _, err := w.svc.Decide(w.omar(), c.ID, amendments.DecisionInput{Decision: amendments.DecisionDenied, Comment: "Not this year.", Version: 1, Step: 0}); err != nil {
		t.Fatal(err)
	}
	if s := w.stored(t, c.ID); s.Status != amendments.StatusDenied || s.WaitingOn != "" || s.DecidedAt == nil {
		t.Fatalf("denied: %+v", s)
	}
	if w.heldBy(t, w.fundingB) != "" || w.count(t, "audit_events", "action = 'amendment.deny' AND record_id = ?", c.ID) != 1 {
		t.Fatal("denying did not release the funding or was not audited")
	}
	_, err = w.svc.Decide(w.omar(), c.ID, amendments.DecisionInput{Decision: amendments.DecisionApproved, Version: 1, Step: 0})
	wantCode(t, err, apperr.ECONFLICT, "Someone else decided this step first: Denied by Omar Haddad on Dec 6, 2026.")
}

// Two deciders clicking at once: one decision, and the other is told who decided.
func TestDecideTwoAtOnce(t *testing.T) {
	w := newWorld(t)
	for round := 0; round < 5; round++ {
		a := w.amend(t, amendOpts{steps: oneStep})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, ctx := range []context.Context{w.robert(), w.amy()} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = w.svc.Decide(ctx, a.ID, approve(a))
			}()
		}
		close(start)
		wg.Wait()
		ok, conflict := 0, 0
		for _, err := range errs {
			switch apperr.Code(err) {
			case "":
				ok++
			case apperr.ECONFLICT:
				conflict++
				if !strings.Contains(apperr.Message(err), "Someone else decided this step first: Approved by ") {
					t.Fatalf("the second reads %q", apperr.Message(err))
				}
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("round %d: %d decisions and %d conflicts, want one of each", round, ok, conflict)
		}
		if n := w.count(t, "amendment_decisions", "amendment_id = ?", a.ID); n != 1 {
			t.Fatalf("round %d: %d decision rows", round, n)
		}
		if n := w.count(t, "amendment_moves", "amendment_id = ?", a.ID); n != 1 {
			t.Fatalf("round %d: %d moves", round, n)
		}
	}
}

func TestWhoSeesWhat(t *testing.T) {
	w := newWorld(t)
	a := w.amend(t, amendOpts{}) // program A, funder A
	board := w.amend(t, amendOpts{funding: w.fundingB, steps: []amendments.StepSnapshot{{Name: "Partnership board",
		Decider: amendments.DeciderOrganisation, OrganisationID: w.board.ID, OrganisationName: "Piedmont Partnership Board", ResponseDays: 30}}})
	cases := []struct {
		who  string
		ctx  context.Context
		sees []*amendments.Amendment
		not  []*amendments.Amendment
	}{
		{"tenant admin", w.denise(), []*amendments.Amendment{a, board}, nil},
		{"funder A", w.robert(), []*amendments.Amendment{a}, []*amendments.Amendment{board}},
		{"funder B", w.omar(), []*amendments.Amendment{board}, []*amendments.Amendment{a}},
		{"program A", w.latoya(), []*amendments.Amendment{a}, []*amendments.Amendment{board}},
		{"program B", w.keisha(), []*amendments.Amendment{board}, []*amendments.Amendment{a}},
		{"the board a step names", w.boardMember(), []*amendments.Amendment{board}, []*amendments.Amendment{a}},
		{"consultant", w.maria(), nil, []*amendments.Amendment{a, board}},
		{"supervisor", w.as("Maria Alvarez", authz.Supervisor, nil), nil, []*amendments.Amendment{a, board}},
	}
	for _, c := range cases {
		for _, x := range c.sees {
			if _, err := w.svc.Amendment(c.ctx, x.ID); err != nil {
				t.Errorf("%s does not see %s: %v", c.who, x.Title(), err)
			}
		}
		for _, x := range c.not {
			if _, err := w.svc.Amendment(c.ctx, x.ID); apperr.Code(err) != apperr.ENOTFOUND {
				t.Errorf("%s sees %s: %v", c.who, x.Title(), err)
			}
			for what, err := range map[string]error{
				"decide":   second(w.svc.Decide(c.ctx, x.ID, approve(x))),
				"comment":  second(w.svc.AddComment(c.ctx, x.ID, "hello")),
				"comments": second(w.svc.Comments(c.ctx, x.ID)),
				"versions": second(w.svc.Versions(c.ctx, x.ID)),
			} {
				if apperr.Code(err) != apperr.ENOTFOUND {
					t.Errorf("%s: %s on %s gave %v, want not found", c.who, what, x.Title(), err)
				}
			}
		}
	}
	// Another tenant's amendment is not found either.
	other := newWorld(t)
	x := other.amend(t, amendOpts{})
	sc, _ := database.ScopeFrom(w.denise())
	if _, err := w.svc.Amendment(database.WithScope(context.Background(), sc), x.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another tenant's amendment: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

func TestComments(t *testing.T) {
	w := newWorld(t)
	a := w.amend(t, amendOpts{})
	_, err := w.svc.AddComment(w.latoya(), a.ID, "   ")
	wantField(t, err, "comment", "Write the comment.")
	_, err = w.svc.AddComment(w.latoya(), a.ID, strings.Repeat("é", 5001))
	wantField(t, err, "comment", "at most 5,000")
	if _, err := w.svc.AddComment(w.latoya(), a.ID, "We attached the consultant's contract."); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.AddComment(w.robert(), a.ID, "Thank you."); err != nil {
		t.Fatal(err)
	}
	cs, err := w.svc.Comments(w.robert(), a.ID)
	if err != nil || len(cs) != 2 || cs[0].AuthorName != "Latoya Brooks" || cs[1].Body != "Thank you." {
		t.Fatalf("thread %+v %v", cs, err)
	}
	if n := w.count(t, "audit_events", "action = 'amendment.comment' AND record_id = ?", a.ID); n != 2 {
		t.Fatalf("%d audit events for comments", n)
	}
}

func TestInbox(t *testing.T) {
	w := newWorld(t)
	day := func(d int) time.Time { return w.now.Add(time.Duration(-d) * 24 * time.Hour) }
	// Funder A's: four, on the first step (the funder's); one on the admins' step; one draft.
	a1 := w.amend(t, amendOpts{submittedAt: day(10), dueOn: "2026-12-01", class: amendments.ClassTotal}) // overdue
	a2 := w.amend(t, amendOpts{submittedAt: day(8), dueOn: "2027-01-05"})
	a3 := w.amend(t, amendOpts{submittedAt: day(6), dueOn: "2026-12-05"}) // overdue
	a4 := w.amend(t, amendOpts{submittedAt: day(4), dueOn: "2027-01-02"})
	admins := w.amend(t, amendOpts{step: 1, dueOn: "2026-12-20"})
	w.amend(t, amendOpts{status: amendments.StatusDraft, version: 0})
	// Funder B's, and one waiting on the board.
	b1 := w.amend(t, amendOpts{funding: w.fundingB, steps: oneStep})
	boardOne := w.amend(t, amendOpts{funding: w.fundingB, steps: []amendments.StepSnapshot{{Name: "Board", Decider: amendments.DeciderOrganisation,
		OrganisationID: w.board.ID, OrganisationName: "Piedmont Partnership Board"}}})

	ids := func(items []amendments.Amendment) string {
		var out []string
		for _, x := range items {
			out = append(out, x.Title())
		}
		return strings.Join(out, ",")
	}
	titles := func(as ...*amendments.Amendment) string {
		var out []string
		for _, x := range as {
			out = append(out, x.Title())
		}
		return strings.Join(out, ",")
	}
	check := func(what string, ctx context.Context, f amendments.InboxFilter, want string) string {
		t.Helper()
		items, next, err := w.svc.Inbox(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(items); got != want {
			t.Fatalf("%s: got %s, want %s", what, got, want)
		}
		return next
	}
	check("funder A, newest", w.robert(), amendments.InboxFilter{}, titles(a4, a3, a2, a1))
	check("funder A, most overdue", w.robert(), amendments.InboxFilter{Order: amendments.OrderOverdue}, titles(a1, a3, a4, a2))
	check("funder A, overdue only", w.robert(), amendments.InboxFilter{OverdueOnly: true}, titles(a3, a1))
	check("funder A, changes the total", w.robert(), amendments.InboxFilter{Class: amendments.ClassTotal}, titles(a1))
	check("funder A, program B", w.robert(), amendments.InboxFilter{ProgramID: w.progB.ID}, "")
	check("funder A, program A", w.robert(), amendments.InboxFilter{ProgramID: w.progA.ID}, titles(a4, a3, a2, a1))
	check("funder B", w.omar(), amendments.InboxFilter{}, titles(b1))
	check("the admins", w.denise(), amendments.InboxFilter{}, titles(admins))
	check("the board", w.boardMember(), amendments.InboxFilter{}, titles(boardOne))
	check("program A", w.latoya(), amendments.InboxFilter{}, "")
	check("a consultant", w.maria(), amendments.InboxFilter{}, "")

	// Keyset pages of two, in both orders: every row once.
	next := check("page 1", w.robert(), amendments.InboxFilter{Limit: 2}, titles(a4, a3))
	if next == "" {
		t.Fatal("no next page")
	}
	if n := check("page 2", w.robert(), amendments.InboxFilter{Limit: 2, After: next}, titles(a2, a1)); n != "" {
		t.Fatalf("a third page: %q", n)
	}
	next = check("overdue page 1", w.robert(), amendments.InboxFilter{Limit: 3, Order: amendments.OrderOverdue}, titles(a1, a3, a4))
	check("overdue page 2", w.robert(), amendments.InboxFilter{Limit: 3, Order: amendments.OrderOverdue, After: next}, titles(a2))
	// A cursor that is not one starts at the beginning.
	check("bad cursor", w.robert(), amendments.InboxFilter{Limit: 2, After: "not-a-cursor"}, titles(a4, a3))

	// Days waiting: the fixture opened each step a day before now.
	items, _, _ := w.svc.Inbox(w.robert(), amendments.InboxFilter{Limit: 1})
	if d := items[0].DaysWaiting(w.now); d != 1 {
		t.Fatalf("days waiting %d", d)
	}
	// Decided, it leaves the inbox.
	if _, err := w.svc.Decide(w.robert(), a4.ID, approve(a4)); err != nil {
		t.Fatal(err)
	}
	check("after a decision", w.robert(), amendments.InboxFilter{}, titles(a3, a2, a1))
	check("the admins after it", w.denise(), amendments.InboxFilter{Order: amendments.OrderOverdue}, titles(admins, a4))
}

func TestDiff(t *testing.T) {
	budget := database.NewID()
	travel := database.NewID()
	cur := []amendments.Line{
		{BudgetLineID: budget, Category: "Personnel", CurrentCents: 100_00, ProposedCents: 90_00, Justification: "Vacancy."},
		{BudgetLineID: travel, Category: "Travel", CurrentCents: 50_00, ProposedCents: 0},
		{BudgetLineID: database.NewID(), Category: "Supplies", CurrentCents: 10_00, ProposedCents: 10_00},
		{Category: "I/ECMH consultation", ProposedCents: 60_00},
		{Category: "Training", ProposedCents: 0},
	}
	got := amendments.Diff(cur, nil)
	states := []string{}
	for _, d := range got {
		states = append(states, d.State)
		if d.SincePrevious != "" {
			t.Fatalf("no previous version, yet %q", d.SincePrevious)
		}
	}
	if strings.Join(states, ",") != "changed,removed,unchanged,new,unchanged" {
		t.Fatalf("states %v", states)
	}
	if got[0].Change() != -10_00 || got[3].StateLabel() != "New line" {
		t.Fatalf("%+v", got)
	}

	prev := &amendments.Version{Number: 1, Lines: []amendments.LineValue{
		{BudgetLineID: budget, Category: "Personnel", CurrentCents: 100_00, ProposedCents: 80_00, Justification: "Two vacancies."},
		{BudgetLineID: travel, Category: "Travel", CurrentCents: 50_00, ProposedCents: 0},
		{Category: "Mileage", ProposedCents: 5_00},
	}}
	got = amendments.Diff(cur, prev)
	want := []string{
		"Was $80.00 in version 1; the justification changed too.",
		"",
		"",
		"Added since version 1.",
		"",
		"Taken out of the proposal since version 1 (it proposed $5.00).",
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].SincePrevious != want[i] {
			t.Errorf("line %d (%s): %q, want %q", i, got[i].Category, got[i].SincePrevious, want[i])
		}
	}
	// Only the justification changed.
	cur[0].ProposedCents, cur[0].Justification = 80_00, "Vacancy."
	if d := amendments.Diff(cur[:1], prev)[0]; d.SincePrevious != "The justification changed since version 1." {
		t.Fatalf("%q", d.SincePrevious)
	}
	_ = money.Cents(0)
}
