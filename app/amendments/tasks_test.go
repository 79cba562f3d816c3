package amendments

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// ---- The test environment: a service on a fresh database, and tenants built row by row ----

type env struct {
	db   *bun.DB
	svc  *Service
	mail *mail.Mailer
	acc  *accounts.Service
	ten  *tenants.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := dbtest.Open(t)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	prefix := "test:" + dbtest.RandomHex(6) + ":"
	queue := jobs.NewNamedQueue(rdb, prefix+jobs.DefaultQueue)
	log := audit.New(db)
	mailer := mail.New(db, queue, nil, "Holdspace <no-reply@holdspace.test>")
	acc := accounts.New(db, log, mailer, accounts.NewLimiter(rdb, prefix), "http://holdspace.test", slog.New(slog.DiscardHandler))
	store := tenants.NewStore(db)
	ten := tenants.NewService(db, store, acc, log, mailer, "http://holdspace.test")
	prog := programs.NewService(db, store, log)
	svc := NewService(db, prog, store, log, mailer, queue, nil, "http://holdspace.test/")
	return &env{db: db, svc: svc, mail: mailer, acc: acc, ten: ten}
}

// fixture is one tenant: a funder with its people, a program funded by it, a partnership board
// that decides a step, and people who must never be written to.
type fixture struct {
	word    string
	tenant  *tenants.Tenant
	ctx     context.Context // the tenant's scope as a task has it
	funder  *tenants.Organisation
	other   *tenants.Organisation // another funder
	program *tenants.Organisation
	board   *tenants.Organisation
	funding *programs.Funding
	users   map[string]string // user id by first name
	lines   []programs.BudgetLine
}

// Who is who in every fixture (emails are <first name>@<word>.test, lower case).
var (
	deciderFunder = []string{"fern", "fred"}      // active people of the funder
	deciderBoard  = []string{"bo"}                // the board's people
	admins        = []string{"ada"}               // tenant admins (not "dan", deactivated)
	programPeople = []string{"pat"}               // the program's people
	nobody        = []string{"dee", "otto", "cy"} // deactivated funder person, another funder's, a consultant
)

func (e *env) fixture(t *testing.T, word string) *fixture {
	t.Helper()
	bg := context.Background()
	tn := &tenants.Tenant{Slug: word + "-" + dbtest.RandomHex(3), Name: word + " tenant", Kind: tenants.KindStateSystem,
		State: "IL", Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago", StateFYStartMonth: 7, FederalFYStartMonth: 10}
	if err := e.ten.CreateTenant(bg, tn); err != nil {
		t.Fatal(err)
	}
	f := &fixture{word: word, tenant: tn, users: map[string]string{},
		ctx: database.WithScope(bg, database.Scope{TenantID: tn.ID})}
	tx, err := database.For(f.ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	now := database.Now()
	org := func(kind, name, short string) *tenants.Organisation {
		o := &tenants.Organisation{ID: database.NewID(), Kind: kind, Name: name, ShortName: short, Languages: database.StringList{},
			CreatedAt: now, UpdatedAt: now}
		if kind == tenants.OrgProgram {
			o.ProgramKind, o.County = "home_visiting", "Cook"
		}
		if _, err := tx.Insert(o).Exec(f.ctx); err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.funder = org(tenants.OrgFunder, "Illinois State Board of Education Prevention Initiative", "ISBE PI")
	f.other = org(tenants.OrgFunder, word+" Other Funder", "")
	f.board = org(tenants.OrgFunder, word+" Partnership Board", "")
	f.program = org(tenants.OrgProgram, word+" Prairie Families", "")
	otherProgram := org(tenants.OrgProgram, word+" Other Program", "")
	person := func(first, role, orgID string, active bool) {
		name := strings.ToUpper(first[:1]) + first[1:] + " " + strings.ToUpper(word[:1]) + word[1:]
		u, err := e.acc.CreateUser(bg, first+"@"+word+".test", name, "", false)
		if err != nil {
			t.Fatal(err)
		}
		m := &tenants.Membership{ID: database.NewID(), UserID: u.ID, Role: role, OrganisationID: orgID, Active: active, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.Insert(m).Exec(f.ctx); err != nil {
			t.Fatal(err)
		}
		f.users[first] = u.ID
	}
	person("ada", authz.TenantAdmin, "", true)
	person("dan", authz.TenantAdmin, "", false)
	person("fern", authz.Funder, f.funder.ID, true)
	person("fred", authz.Funder, f.funder.ID, true)
	person("dee", authz.Funder, f.funder.ID, false)
	person("otto", authz.Funder, f.other.ID, true)
	person("bo", authz.Funder, f.board.ID, true)
	person("pat", authz.Program, f.program.ID, true)
	person("quinn", authz.Program, otherProgram.ID, true)
	person("cy", authz.Consultant, "", true)

	f.funding = &programs.Funding{ID: database.NewID(), ProgramID: f.program.ID, FunderID: f.funder.ID, FiscalYear: 2026,
		CreatedAt: now, UpdatedAt: now}
	if _, err := tx.Insert(f.funding).Exec(f.ctx); err != nil {
		t.Fatal(err)
	}
	for i, l := range []struct {
		cat   string
		cents int64
	}{{"Personnel", 50_000_00}, {"Travel", 5_000_00}, {"Supplies", 2_000_00}} {
		bl := programs.BudgetLine{ID: database.NewID(), FundingID: f.funding.ID, Category: l.cat, AmountCents: l.cents, Position: i}
		if _, err := tx.Insert(&bl).Exec(f.ctx); err != nil {
			t.Fatal(err)
		}
		f.lines = append(f.lines, bl)
	}
	return f
}

// emails of first names in fixture f.
func (f *fixture) emails(firsts ...[]string) []string {
	var out []string
	for _, list := range firsts {
		for _, n := range list {
			out = append(out, n+"@"+f.word+".test")
		}
	}
	sort.Strings(out)
	return out
}

// threeSteps is a process of three steps: the funder, the board, the tenant admin.
func (f *fixture) threeSteps() []StepSnapshot {
	return []StepSnapshot{
		{Name: "Program area review", Decider: DeciderFunder, ResponseDays: 30},
		{Name: "Partnership board", Decider: DeciderOrganisation, OrganisationID: f.board.ID, OrganisationName: f.board.Name, ResponseDays: 30},
		{Name: "State office", Decider: DeciderTenantAdmin, ResponseDays: 30},
	}
}

var numbers = map[string]int{}

// amendment writes an amendment on f's funding: Personnel down $12,500.00, Travel removed,
// a new I/ECMH consultation line of $12,500.00 plus Travel's $5,000.00 (the total stays).
func (e *env) amendment(t *testing.T, f *fixture, status, class string, step int, dueOn string) *Amendment {
	t.Helper()
	tx, err := database.For(f.ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	numbers[f.tenant.ID]++
	now := database.Now()
	a := &Amendment{ID: database.NewID(), Number: numbers[f.tenant.ID], FundingID: f.funding.ID, ProgramID: f.program.ID,
		FunderID: f.funder.ID, Status: status, Class: class, Version: 1, Step: step, Steps: f.threeSteps(),
		StepOpenedAt: &now, StepDueOn: dueOn, EffectiveOn: "2026-01-01",
		Justification: "Our families need infant and early childhood mental health consultation.",
		BeforeCents:   57_000_00, AfterCents: 57_000_00, MovedCents: 17_500_00, CreatedBy: f.users["pat"],
		CreatedAt: now, UpdatedAt: now, SubmittedAt: &now}
	if _, err := tx.Insert(a).Exec(f.ctx); err != nil {
		t.Fatal(err)
	}
	lines := []Line{
		{AmendmentID: a.ID, Position: 0, BudgetLineID: f.lines[0].ID, Category: "Personnel", CurrentCents: 50_000_00, ProposedCents: 37_500_00,
			Justification: "One home visitor position stays vacant this year."},
		{AmendmentID: a.ID, Position: 1, BudgetLineID: f.lines[1].ID, Category: "Travel", CurrentCents: 5_000_00, ProposedCents: 0,
			Justification: "Visits are virtual this year."},
		{AmendmentID: a.ID, Position: 2, BudgetLineID: f.lines[2].ID, Category: "Supplies", CurrentCents: 2_000_00, ProposedCents: 2_000_00},
		{AmendmentID: a.ID, Position: 3, Category: "I/ECMH consultation", CurrentCents: 0, ProposedCents: 17_500_00,
			Justification: "A consultant two days a week."},
	}
	for i := range lines {
		if _, err := tx.Insert(&lines[i]).Exec(f.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if status == StatusSubmitted {
		if _, err := tx.Update((*programs.Funding)(nil)).Set("held_by = ?", a.ID).Where("f.id = ?", f.funding.ID).Exec(f.ctx); err != nil {
			t.Fatal(err)
		}
	}
	a.Lines = lines
	return a
}

// outbox lists the recipients of the messages whose subject starts with subject, sorted.
func (e *env) outbox(t *testing.T, subject string) []string {
	t.Helper()
	list, err := e.mail.Outbox(database.AcrossTenants(context.Background(), "test"), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, m := range list {
		if strings.HasPrefix(m.Subject, subject) {
			to = append(to, m.To)
		}
	}
	sort.Strings(to)
	return to
}

// message returns the one message to `to` whose subject starts with subject.
func (e *env) message(t *testing.T, to, subject string) mail.Email {
	t.Helper()
	list, err := e.mail.Outbox(database.AcrossTenants(context.Background(), "test"), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	var found []mail.Email
	for _, m := range list {
		if m.To == to && strings.HasPrefix(m.Subject, subject) {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("got %d messages to %s with subject %q, want 1", len(found), to, subject)
	}
	return found[0]
}

func same(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

// all joins lists of emails, sorted.
func all(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Strings(out)
	return out
}

// reload reads an amendment back as the tasks see it.
func (e *env) reload(t *testing.T, f *fixture, id string) *Amendment {
	t.Helper()
	a, err := e.svc.taskAmendment(f.ctx, id)
	if err != nil || a == nil {
		t.Fatalf("reload %s: %v (nil: %v)", id, err, a == nil)
	}
	return a
}

// count counts rows of a tenant table in f's tenant.
func (e *env) count(t *testing.T, f *fixture, table, where string, args ...any) int {
	t.Helper()
	tx, err := database.For(f.ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	n, err := tx.SelectFrom(table, "x").Where(where, args...).Count(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// ---- amendments:step_opened ----

func TestStepOpenedEmailsTheStepsDecidersOnce(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	g := e.fixture(t, "ncp") // another tenant: nobody there hears of f's amendment
	a := e.amendment(t, f, StatusSubmitted, ClassApproval, 0, "2026-02-01")
	const subject = "Budget amendment 1 is waiting for your decision"

	for run := 1; run <= 2; run++ {
		if _, err := e.svc.StepOpened(f.ctx, a.ID, 1, 0); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if got, want := e.outbox(t, subject), f.emails(deciderFunder); !same(got, want) {
			t.Fatalf("after run %d: got emails to %v, want one to each of the funder's active people %v", run, got, want)
		}
	}
	m := e.message(t, "fern@ill.test", subject)
	for _, want := range []string{"Hello Fern Ill", "ill Prairie Families", "ISBE PI", "Program area review", "Needs approval",
		"Net change: $0.00", "02/01/2026", "http://holdspace.test/t/" + f.tenant.Slug + "/amendments/" + a.ID} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("the email says:\n%s\nwant it to say %q", m.Body, want)
		}
	}
	if got := e.outbox(t, "Budget amendment"); len(got) != 2 {
		t.Errorf("got %d emails in all (%v), want the 2 to the funder's people: no one else", len(got), got)
	}

	t.Run("AStepNoLongerWaitingSendsNothing", func(t *testing.T) {
		for _, c := range []struct{ version, step int }{{1, 1}, {2, 0}, {0, 0}} {
			if n, err := e.svc.StepOpened(f.ctx, a.ID, c.version, c.step); err != nil || n != 0 {
				t.Errorf("version %d step %d: got %d emails, %v; want none: the amendment waits at version 1 step 0", c.version, c.step, n, err)
			}
		}
		if _, err := e.svc.StepOpened(g.ctx, a.ID, 1, 0); err != nil {
			t.Errorf("from another tenant: %v, want nothing done and no error", err)
		}
		if got := e.outbox(t, "Budget amendment"); len(got) != 2 {
			t.Errorf("got %d emails, want still 2", len(got))
		}
	})

	t.Run("TheBoardsStep", func(t *testing.T) {
		e.moveTo(t, f, a.ID, 1)
		for run := 0; run < 2; run++ {
			if _, err := e.svc.StepOpened(f.ctx, a.ID, 1, 1); err != nil {
				t.Fatal(err)
			}
		}
		if got := e.outbox(t, subject); !same(got, f.emails(deciderFunder, deciderBoard)) {
			t.Errorf("got %v, want the board's person added once", got)
		}
		m := e.message(t, "bo@ill.test", subject)
		if !strings.Contains(m.Body, "Partnership board") || !strings.Contains(m.Body, "ill Partnership Board's people decide") {
			t.Errorf("the board's email says:\n%s\nwant it to name the step and who decides it", m.Body)
		}
	})

	t.Run("TheAdminsStep", func(t *testing.T) {
		e.moveTo(t, f, a.ID, 2)
		for run := 0; run < 2; run++ {
			if _, err := e.svc.StepOpened(f.ctx, a.ID, 1, 2); err != nil {
				t.Fatal(err)
			}
		}
		if got := e.outbox(t, subject); !same(got, f.emails(deciderFunder, deciderBoard, admins)) {
			t.Errorf("got %v, want the active admin added once (not the deactivated one)", got)
		}
	})
}

// moveTo puts amendment id at step (as an approval by the decisions side would).
func (e *env) moveTo(t *testing.T, f *fixture, id string, step int) {
	t.Helper()
	tx, _ := database.For(f.ctx, e.db)
	if _, err := tx.Update((*Amendment)(nil)).Set("step = ?", step).Where("am.id = ?", id).Exec(f.ctx); err != nil {
		t.Fatal(err)
	}
}

// A run killed before it commits leaves nothing: the next run writes every email, once.
func TestStepOpenedKilledBeforeCommit(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	a := e.amendment(t, f, StatusSubmitted, ClassApproval, 0, "2026-02-01")
	killed := errors.New("killed")
	err := database.InTx(f.ctx, e.db, func(ctx context.Context) error {
		if n, err := e.svc.StepOpened(ctx, a.ID, 1, 0); err != nil || n != 2 {
			t.Fatalf("got %d emails, %v; want 2 written before the kill", n, err)
		}
		return killed
	})
	if !errors.Is(err, killed) {
		t.Fatal(err)
	}
	if got := e.outbox(t, "Budget amendment"); len(got) != 0 {
		t.Fatalf("got %v after a run that never committed, want nothing", got)
	}
	if n := e.count(t, f, "amendment_events", "x.amendment_id = ?", a.ID); n != 0 {
		t.Fatalf("got %d markers after a run that never committed, want 0", n)
	}
	for run := 0; run < 2; run++ {
		if _, err := e.svc.StepOpened(f.ctx, a.ID, 1, 0); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.outbox(t, "Budget amendment"); !same(got, f.emails(deciderFunder)) {
		t.Errorf("got %v, want one email to each of the funder's people", got)
	}
}

// A step nobody can decide is told to the tenant's admins, once.
func TestStepOpenedNobodyToDecide(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	a := e.amendment(t, f, StatusSubmitted, ClassApproval, 0, "2026-02-01")
	tx, _ := database.For(f.ctx, e.db)
	if _, err := tx.Update((*tenants.Membership)(nil)).Set("active = ?", false).Where("m.organisation_id = ?", f.funder.ID).Exec(f.ctx); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		if _, err := e.svc.StepOpened(f.ctx, a.ID, 1, 0); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.outbox(t, "Budget amendment"); !same(got, f.emails(admins)) {
		t.Fatalf("got %v, want the admin told once", got)
	}
	if m := e.message(t, "ada@ill.test", "Budget amendment 1 is waiting at a step nobody can decide"); !strings.Contains(m.Body, "no active person can decide it") {
		t.Errorf("the admin's email says:\n%s", m.Body)
	}
}

// ---- amendments:sweep ----

// at is a moment of a day in Chicago (the fixtures' time zone), as UTC.
func at(t *testing.T, date string, hour int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	d, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(time.Duration(hour) * time.Hour).UTC()
}

func (e *env) acrossEvents(t *testing.T) int {
	t.Helper()
	n, err := dbtest.Owner(t, e.db).NewSelect().TableExpr("audit_events").
		Where("tenant_id = '' AND action = 'platform.across_tenants' AND record_id = ?", SweepWhy).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestSweepRemindsThenEscalatesOnce(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	g := e.fixture(t, "ncp")
	a := e.amendment(t, f, StatusSubmitted, ClassApproval, 0, "2026-02-10") // the funder's step, due Feb 10
	b := e.amendment(t, g, StatusSubmitted, ClassApproval, 1, "2026-02-20") // the other tenant's, at the board, due later
	// Not swept: a draft with a date, and an amendment whose step is not near.
	e.amendment(t, f, StatusDraft, ClassApproval, 0, "2026-02-10")
	e.amendment(t, f, StatusSubmitted, ClassApproval, 0, "2026-06-30")
	const remind, overdue = "Reminder: budget amendment", "Budget amendment"

	sweep := func(now time.Time) SweepResult {
		t.Helper()
		r, err := e.svc.Sweep(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// Six days before (the default reminder is five): nothing, and nothing in the audit log.
	if r := sweep(at(t, "2026-02-04", 12)); r != (SweepResult{}) {
		t.Fatalf("six days before: got %+v, want nothing", r)
	}
	if n := e.acrossEvents(t); n != 0 {
		t.Errorf("got %d cross-tenant audit events after a sweep that did nothing, want 0", n)
	}

	// Late on Feb 4 in Chicago it is Feb 5 in UTC, five days before: the tenant's day decides,
	// so not yet. Early on Feb 5 in Chicago: the reminder, once.
	if r := sweep(at(t, "2026-02-04", 23)); r != (SweepResult{}) {
		t.Fatalf("late on Feb 4 in Chicago (Feb 5 in UTC): got %+v, want nothing: the tenant's day decides", r)
	}
	for run := 0; run < 2; run++ {
		r := sweep(at(t, "2026-02-05", 1))
		if want := (SweepResult{Reminders: 1, Emails: 2}); run == 0 && r != want {
			t.Fatalf("five days before: got %+v, want %+v", r, want)
		}
		if run == 1 && r != (SweepResult{}) {
			t.Fatalf("five days before, again: got %+v, want nothing", r)
		}
	}
	if got := e.outbox(t, remind); !same(got, f.emails(deciderFunder)) {
		t.Fatalf("got reminders to %v, want one to each of the funder's people", got)
	}
	if m := e.message(t, "fred@ill.test", remind); !strings.Contains(m.Body, "is due on 02/10/2026") {
		t.Errorf("the reminder says:\n%s", m.Body)
	}
	if n := e.acrossEvents(t); n != 1 {
		t.Errorf("got %d cross-tenant audit events, want 1 for the sweep that reminded", n)
	}

	// On the due date: nothing more. The day after: overdue, the admins told, once.
	if r := sweep(at(t, "2026-02-10", 23)); r != (SweepResult{}) {
		t.Fatalf("on the due date: got %+v, want nothing", r)
	}
	if e.reload(t, f, a.ID).Overdue {
		t.Fatal("overdue on its due date, want not yet")
	}
	for run := 0; run < 3; run++ {
		r := sweep(at(t, "2026-02-11", 8))
		if want := (SweepResult{Escalations: 1, Emails: 1}); run == 0 && r != want {
			t.Fatalf("the day after: got %+v, want %+v", r, want)
		}
	}
	if !e.reload(t, f, a.ID).Overdue {
		t.Error("not marked overdue the day after its due date")
	}
	if got := e.outbox(t, overdue+" 1 is overdue"); !same(got, f.emails(admins)) {
		t.Fatalf("got escalations to %v, want one to the active admin", got)
	}
	if m := e.message(t, "ada@ill.test", "Budget amendment 1 is overdue at Program area review"); !strings.Contains(m.Body, "ISBE PI's people decide this step") {
		t.Errorf("the escalation says:\n%s", m.Body)
	}
	if n := e.count(t, f, "audit_events", "x.action = 'amendment.overdue' AND x.record_id = ?", a.ID); n != 1 {
		t.Errorf("got %d amendment.overdue events, want 1", n)
	}
	if got := e.outbox(t, remind); len(got) != 2 {
		t.Errorf("got %d reminders in tenant ill, want still 2", len(got))
	}

	// The other tenant's, at its board step: reminded (the board's person only), then overdue.
	sweep(at(t, "2026-02-21", 9))
	sweep(at(t, "2026-02-22", 9))
	if got := e.outbox(t, remind); !same(got, all(f.emails(deciderFunder), g.emails(deciderBoard))) {
		t.Errorf("got reminders to %v, want ncp's board person added", got)
	}
	if m := e.message(t, "bo@ncp.test", remind); !strings.Contains(m.Body, "was due on 02/20/2026") {
		t.Errorf("a reminder sent after the due date says:\n%s", m.Body)
	}
	if got := e.outbox(t, "Budget amendment 1 is overdue"); !same(got, all(g.emails(admins), f.emails(admins))) {
		t.Errorf("got escalations to %v, want each tenant's admin told of its own", got)
	}
	if !e.reload(t, g, b.ID).Overdue {
		t.Error("ncp's amendment not marked overdue")
	}

	// A new step (the next one opened with a new due date) is reminded and escalated anew.
	tx, _ := database.For(f.ctx, e.db)
	if _, err := tx.Update((*Amendment)(nil)).Set("step = 1").Set("step_due_on = '2026-03-15'").Set("overdue = ?", false).
		Where("am.id = ?", a.ID).Exec(f.ctx); err != nil {
		t.Fatal(err)
	}
	sweep(at(t, "2026-03-12", 9))
	sweep(at(t, "2026-03-12", 10))
	if got := e.outbox(t, remind); !same(got, all(f.emails(deciderFunder, deciderBoard), g.emails(deciderBoard))) {
		t.Errorf("got reminders to %v, want ill's board person reminded of the new step once", got)
	}
}

// A sweep killed before an amendment's commit leaves nothing of it (and does the others); the
// next sweep does it, once.
func TestSweepKilledBeforeCommit(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	a := e.amendment(t, f, StatusSubmitted, ClassApproval, 0, "2026-02-10")
	b := e.amendment(t, f, StatusSubmitted, ClassApproval, 0, "2026-02-10")
	killed := errors.New("killed")
	calls := 0
	e.svc.tasks.afterStep = func(step string) error {
		if calls++; step == "sweep" && calls == 1 {
			return killed
		}
		return nil
	}
	r, err := e.svc.Sweep(context.Background(), at(t, "2026-02-11", 9))
	if !errors.Is(err, killed) {
		t.Fatalf("got %v, want the kill", err)
	}
	if want := (SweepResult{Reminders: 1, Escalations: 1, Emails: 3}); r != want {
		t.Fatalf("got %+v, want %+v: the other amendment done", r, want)
	}
	first, second := e.reload(t, f, a.ID), e.reload(t, f, b.ID)
	if first.Overdue == second.Overdue {
		t.Fatalf("got overdue %v and %v, want one amendment done and the killed one left as it was", first.Overdue, second.Overdue)
	}
	if got := e.outbox(t, "Reminder: budget amendment"); len(got) != 2 {
		t.Fatalf("got %d reminders, want the 2 of the amendment done", len(got))
	}
	e.svc.tasks.afterStep = nil
	for run := 0; run < 2; run++ {
		if _, err := e.svc.Sweep(context.Background(), at(t, "2026-02-11", 10)); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.outbox(t, "Reminder: budget amendment"); !same(got, all(f.emails(deciderFunder), f.emails(deciderFunder))) {
		t.Errorf("got reminders to %v, want each funder person reminded once of each amendment", got)
	}
	for _, id := range []string{a.ID, b.ID} {
		if !e.reload(t, f, id).Overdue {
			t.Errorf("amendment %s not overdue", id)
		}
		if n := e.count(t, f, "audit_events", "x.action = 'amendment.overdue' AND x.record_id = ?", id); n != 1 {
			t.Errorf("got %d amendment.overdue events for %s, want 1", n, id)
		}
	}
	if got := e.outbox(t, "Budget amendment"); !same(got, all(f.emails(admins), f.emails(admins))) {
		t.Errorf("got escalations to %v, want the admin told once of each", got)
	}
}

// A suspended or deleted tenant is not swept.
func TestSweepSkipsSuspendedTenants(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	e.amendment(t, f, StatusSubmitted, ClassApproval, 0, "2026-02-10")
	if _, err := dbtest.Owner(t, e.db).NewUpdate().TableExpr("tenants").Set("suspended_at = ?", database.Now()).
		Where("id = ?", f.tenant.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r, err := e.svc.Sweep(context.Background(), at(t, "2026-03-01", 9)); err != nil || r != (SweepResult{}) {
		t.Fatalf("got %+v, %v; want nothing for a suspended tenant", r, err)
	}
}

// ---- amendments:apply ----

// runRow is a report run as the documents stand-in writes it (app/runs owns the table).
type runRow struct {
	bun.BaseModel `bun:"table:report_runs,alias:rr"`
	database.TenantScoped

	ID        string    `bun:"id,pk"`
	Kind      string    `bun:"kind"`
	SubjectID string    `bun:"subject_id"`
	Status    string    `bun:"status"`
	CreatedAt time.Time `bun:"created_at"`
}

// documents wires a documents starter that writes a run row in ctx's transaction, as runs.Start
// does; fail, when set, makes it fail after writing.
func (e *env) documents(fail *bool) {
	e.svc.SetDocuments(func(ctx context.Context, amendmentID string) (string, error) {
		tx, err := database.For(ctx, e.db)
		if err != nil {
			return "", err
		}
		r := &runRow{ID: database.NewID(), Kind: DocumentKindName, SubjectID: amendmentID, Status: "queued", CreatedAt: database.Now()}
		if _, err := tx.Insert(r).Exec(ctx); err != nil {
			return "", err
		}
		if fail != nil && *fail {
			return "", errors.New("storage is down")
		}
		return r.ID, nil
	})
}

// applied checks what applying amendment a left: one budget version with the proposed amounts
// (zero lines dropped), the funding's lines replaced and its hold released, one document run,
// one audit event, and one email to each person on both sides.
func (e *env) applied(t *testing.T, f *fixture, a *Amendment, subject string) {
	t.Helper()
	if n := e.count(t, f, "budget_versions", "x.amendment_id = ?", a.ID); n != 1 {
		t.Errorf("got %d budget versions for the amendment, want 1", n)
	}
	got := e.reload(t, f, a.ID)
	if got.AppliedAt == nil || got.BudgetVersionID == "" {
		t.Errorf("got applied_at %v budget_version_id %q, want both set", got.AppliedAt, got.BudgetVersionID)
	}
	var lines []programs.BudgetLine
	tx, _ := database.For(f.ctx, e.db)
	if err := tx.Select(&lines).Where("bl.funding_id = ?", f.funding.ID).OrderExpr("bl.position").Scan(f.ctx); err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, l := range lines {
		have = append(have, l.Category+" "+money.Cents(l.AmountCents).String())
	}
	if want := "Personnel $37,500.00, Supplies $2,000.00, I/ECMH consultation $17,500.00"; strings.Join(have, ", ") != want {
		t.Errorf("got the funding's lines %q, want %q", strings.Join(have, ", "), want)
	}
	if n := e.count(t, f, "fundings", "x.id = ? AND x.held_by <> ''", f.funding.ID); n != 0 {
		t.Error("the funding is still held")
	}
	if n := e.count(t, f, "report_runs", "x.subject_id = ?", a.ID); n != 1 {
		t.Errorf("got %d document runs, want 1", n)
	}
	if n := e.count(t, f, "report_runs", "x.id = ?", got.DocumentRunID); n != 1 {
		t.Errorf("the amendment's document_run_id %q names no run", got.DocumentRunID)
	}
	if n := e.count(t, f, "audit_events", "x.action = 'amendment.apply' AND x.record_id = ?", a.ID); n != 1 {
		t.Errorf("got %d amendment.apply events, want 1", n)
	}
	if got := e.outbox(t, subject); !same(got, f.emails(programPeople, deciderFunder)) {
		t.Errorf("got %q emails to %v, want one to each person of the program and of the funder", subject, got)
	}
}

func TestApplyTwiceOneEffect(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	e.documents(nil)
	a := e.amendment(t, f, StatusSubmitted, ClassApproval, 2, "2026-02-10")

	t.Run("NotYetApprovedDoesNothing", func(t *testing.T) {
		if err := e.svc.Apply(f.ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, f, "budget_versions", "x.amendment_id = ?", a.ID); n != 0 {
			t.Fatalf("got %d budget versions for a submitted amendment, want 0", n)
		}
	})

	tx, _ := database.For(f.ctx, e.db)
	if _, err := tx.Update((*Amendment)(nil)).Set("status = ?", StatusApproved).Where("am.id = ?", a.ID).Exec(f.ctx); err != nil {
		t.Fatal(err)
	}
	const subject = "Budget amendment 1 is approved and the budget has changed"
	for run := 0; run < 3; run++ {
		if err := e.svc.Apply(f.ctx, a.ID); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
	e.applied(t, f, a, subject)
	m := e.message(t, "pat@ill.test", subject)
	for _, want := range []string{"approved at every step", "ill Prairie Families", "Effective: 01/01/2026", "/amendments/" + a.ID} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("the email says:\n%s\nwant %q", m.Body, want)
		}
	}
	if got := e.outbox(t, "Budget amendment"); len(got) != 3 {
		t.Errorf("got %d emails in all (%v), want 3: no one else is told", len(got), got)
	}
}

// Killed after each step, and run again: still one budget version, one document run, one
// email each.
func TestApplyKilledHalfway(t *testing.T) {
	for _, step := range []string{"budget", "document", "mail"} {
		t.Run("After"+step, func(t *testing.T) {
			e := newEnv(t)
			f := e.fixture(t, "ill")
			e.documents(nil)
			a := e.amendment(t, f, StatusApproved, ClassApproval, 2, "2026-02-10")
			killed := errors.New("killed")
			e.svc.tasks.afterStep = func(s string) error {
				if s == step {
					return killed
				}
				return nil
			}
			if err := e.svc.Apply(f.ctx, a.ID); !errors.Is(err, killed) {
				t.Fatalf("got %v, want the kill", err)
			}
			if n := e.count(t, f, "budget_versions", "x.amendment_id = ?", a.ID); n != 1 {
				t.Fatalf("got %d budget versions after the kill, want the 1 committed before it", n)
			}
			if step == "budget" && len(e.outbox(t, "Budget amendment")) != 0 {
				t.Fatal("emails written before the step that writes them")
			}
			e.svc.tasks.afterStep = nil
			for run := 0; run < 2; run++ {
				if err := e.svc.Apply(f.ctx, a.ID); err != nil {
					t.Fatal(err)
				}
			}
			e.applied(t, f, a, "Budget amendment 1 is approved")
		})
	}

	t.Run("TheDocumentFailsInsideItsTransaction", func(t *testing.T) {
		e := newEnv(t)
		f := e.fixture(t, "ill")
		fail := true
		e.documents(&fail)
		a := e.amendment(t, f, StatusApproved, ClassApproval, 2, "2026-02-10")
		if err := e.svc.Apply(f.ctx, a.ID); err == nil || !strings.Contains(err.Error(), "storage is down") {
			t.Fatalf("got %v, want the document's failure", err)
		}
		if n := e.count(t, f, "report_runs", "x.subject_id = ?", a.ID); n != 0 {
			t.Fatalf("got %d runs kept from a failed start, want 0", n)
		}
		fail = false
		for run := 0; run < 2; run++ {
			if err := e.svc.Apply(f.ctx, a.ID); err != nil {
				t.Fatal(err)
			}
		}
		e.applied(t, f, a, "Budget amendment 1 is approved")
	})
}

// Four workers given the same amendment at once: one budget version, one run, one email each.
func TestApplyRacing(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	e.documents(nil)
	a := e.amendment(t, f, StatusApproved, ClassApproval, 2, "2026-02-10")
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() { errs <- e.svc.Apply(f.ctx, a.ID) }()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			// A loser may be told to retry (SQLite busy, a unique index); the retry finds it done.
			t.Logf("a racing run failed (asynq retries it): %v", err)
			if err := e.svc.Apply(f.ctx, a.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.applied(t, f, a, "Budget amendment 1 is approved")
}

// A notice-only amendment is recorded and applied at once, and the funder is told.
func TestApplyNoticeOnly(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	e.documents(nil)
	a := e.amendment(t, f, StatusRecorded, ClassNotice, 0, "")
	for run := 0; run < 2; run++ {
		if err := e.svc.Apply(f.ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	const subject = "Notice: budget amendment 1 recorded"
	e.applied(t, f, a, subject)
	if m := e.message(t, "fern@ill.test", subject); !strings.Contains(m.Body, "This is the funder's notice of it") {
		t.Errorf("the funder's notice says:\n%s", m.Body)
	}
}

// Without a documents starter (not wired), apply still applies and emails.
func TestApplyWithoutDocuments(t *testing.T) {
	e := newEnv(t)
	f := e.fixture(t, "ill")
	a := e.amendment(t, f, StatusApproved, ClassApproval, 2, "2026-02-10")
	if err := e.svc.Apply(f.ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.reload(t, f, a.ID); got.AppliedAt == nil || got.DocumentRunID != "" {
		t.Errorf("got applied_at %v document_run_id %q, want applied and no run", got.AppliedAt, got.DocumentRunID)
	}
}

// The task handlers are registered under their types, and the sweep is scheduled.
func TestRegister(t *testing.T) {
	e := newEnv(t)
	mux := jobs.NewMux()
	e.svc.Register(mux)
	if got := strings.Join(mux.Types(), ","); got != TaskStepOpened+","+TaskApply+","+TaskSweep {
		t.Errorf("got task types %s", got)
	}
	if p := Periodic(); len(p) != 1 || p[0].Type != TaskSweep {
		t.Errorf("got periodic %+v, want the sweep", p)
	}
}
