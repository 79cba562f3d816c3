package amendments_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// The funders' processes: steps, templates, rules and who may keep them. Helpers here are
// named proc* so they sit beside the other tests of the package.

type procEnv struct {
	db  *bun.DB
	ten *tenants.Store
	svc *amendments.Service
}

func newProcEnv(t *testing.T) *procEnv {
	t.Helper()
	db := dbtest.Open(t)
	ten := tenants.NewStore(db)
	log := audit.New(db)
	prog := programs.NewService(db, ten, log)
	return &procEnv{db: db, ten: ten, svc: amendments.NewService(db, prog, ten, log, nil, nil, nil, "http://holdspace.test")}
}

// procTenant creates a tenant and returns a tenant admin's context in it.
func (e *procEnv) procTenant(t *testing.T, slug string) context.Context {
	t.Helper()
	tn := &tenants.Tenant{Slug: slug, Name: slug, Kind: tenants.KindStateSystem, State: "IL", Status: tenants.StatusTrial,
		Plan: "trial", TimeZone: "America/Chicago"}
	if err := e.ten.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	return database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: slug, UserID: database.NewID(),
		Role: authz.TenantAdmin})
}

func (e *procEnv) procOrg(t *testing.T, ctx context.Context, kind, name, short string) *tenants.Organisation {
	t.Helper()
	o := &tenants.Organisation{Kind: kind, Name: name, ShortName: short}
	if err := e.ten.CreateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	return o
}

func procAs(ctx context.Context, role, orgID string) context.Context {
	sc, _ := database.ScopeFrom(ctx)
	sc.Role, sc.OrganisationID = role, orgID
	return database.WithScope(ctx, sc)
}

func (e *procEnv) procCount(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	q := dbtest.Owner(t, e.db).NewSelect().Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	n, err := q.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func procWantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	if apperr.Code(err) != apperr.EINVALID {
		t.Fatalf("got %v, want an invalid-input error naming %v", err, fields)
	}
	got := apperr.FieldsOf(err)
	for _, f := range fields {
		if got[f] == "" {
			t.Errorf("no message for field %s; got %v", f, got)
		}
	}
	if len(got) != len(fields) {
		t.Errorf("got messages for %v, want exactly %v", got, fields)
	}
}

func procWantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("%s: got %v, want not found", what, err)
	}
}

// procSteps is the funder's steps as "name/decider/org name/days" in order.
func (e *procEnv) procSteps(t *testing.T, ctx context.Context, funderID string) []string {
	t.Helper()
	steps, _, err := e.svc.Process(ctx, funderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, st := range steps {
		if st.Position != i+1 {
			t.Errorf("step %q at position %d, want %d", st.Name, st.Position, i+1)
		}
		out = append(out, st.Name+"/"+st.Decider+"/"+st.OrganisationName+"/"+strconv.Itoa(st.ResponseDays))
	}
	return out
}

func procSame(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Fatalf("steps\n got %v\nwant %v", got, want)
	}
}

func TestProcessDefaults(t *testing.T) {
	e := newProcEnv(t)
	ctx := e.procTenant(t, "il")
	f := e.procOrg(t, ctx, tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI")
	steps, r, err := e.svc.Process(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 0 || r != amendments.DefaultRules(f.ID) {
		t.Fatalf("a new funder: %d steps, rules %+v; want none and the defaults", len(steps), r)
	}
	// The public rules: $1,000, 2 %, 10 %.
	if r.NoticeCents != 1_000_00 || r.NoticeBP != 200 || r.ApprovalBP != 1000 {
		t.Fatalf("defaults %+v", r)
	}
	p, err := e.svc.FunderProcess(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Saved || p.StepsSummary() != "No steps yet" ||
		p.RulesSummary() != "Notice only up to the greater of $1,000 and 2 %; prior approval over 10 % cumulative; a reminder 5 days before a step is due (the defaults)" {
		t.Fatalf("summaries: %q / %q", p.StepsSummary(), p.RulesSummary())
	}
}

func TestProcessStepValidation(t *testing.T) {
	e := newProcEnv(t)
	ctx := e.procTenant(t, "il")
	other := e.procTenant(t, "oh")
	f := e.procOrg(t, ctx, tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI")
	foreign := e.procOrg(t, other, tenants.OrgFunder, "Ohio Department of Children and Youth", "DCY")
	long := strings.Repeat("é", amendments.MaxStepName+1)
	cases := []struct {
		name   string
		in     amendments.StepInput
		fields []string
	}{
		{"NoName", amendments.StepInput{Name: "  ", Decider: amendments.DeciderFunder}, []string{"name"}},
		{"NameTooLong", amendments.StepInput{Name: long, Decider: amendments.DeciderFunder}, []string{"name"}},
		{"NoDecider", amendments.StepInput{Name: "Review"}, []string{"decider"}},
		{"UnknownDecider", amendments.StepInput{Name: "Review", Decider: "program"}, []string{"decider"}},
		{"OrganisationMissing", amendments.StepInput{Name: "Board", Decider: amendments.DeciderOrganisation}, []string{"organisation_id"}},
		{"OrganisationNotAnID", amendments.StepInput{Name: "Board", Decider: amendments.DeciderOrganisation, OrganisationID: "board"}, []string{"organisation_id"}},
		{"OrganisationOfAnotherTenant", amendments.StepInput{Name: "Board", Decider: amendments.DeciderOrganisation, OrganisationID: foreign.ID}, []string{"organisation_id"}},
		{"DaysZero", amendments.StepInput{Name: "Review", Decider: amendments.DeciderFunder, ResponseDays: "0"}, []string{"response_days"}},
		{"DaysTooMany", amendments.StepInput{Name: "Review", Decider: amendments.DeciderFunder, ResponseDays: "366"}, []string{"response_days"}},
		{"DaysNotANumber", amendments.StepInput{Name: "Review", Decider: amendments.DeciderFunder, ResponseDays: "thirty"}, []string{"response_days"}},
		{"DaysNegative", amendments.StepInput{Name: "Review", Decider: amendments.DeciderFunder, ResponseDays: "-1"}, []string{"response_days"}},
		{"DaysFraction", amendments.StepInput{Name: "Review", Decider: amendments.DeciderFunder, ResponseDays: "1.5"}, []string{"response_days"}},
		{"DaysHuge", amendments.StepInput{Name: "Review", Decider: amendments.DeciderFunder, ResponseDays: "99999999999999999999"}, []string{"response_days"}},
		{"Everything", amendments.StepInput{Decider: "x", ResponseDays: "0"}, []string{"name", "decider", "response_days"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AddStep(ctx, f.ID, tc.in)
			procWantFields(t, err, tc.fields...)
		})
	}
	if n := e.procCount(t, "amendment_steps", ""); n != 0 {
		t.Fatalf("bad steps wrote %d rows", n)
	}
	if n := e.procCount(t, "audit_events", "action LIKE ?", "amendment_%"); n != 0 {
		t.Fatalf("bad steps wrote %d audit events", n)
	}

	t.Run("Bounds", func(t *testing.T) {
		exact := strings.Repeat("é", amendments.MaxStepName)
		st, err := e.svc.AddStep(ctx, f.ID, amendments.StepInput{Name: exact, Decider: amendments.DeciderFunder, ResponseDays: "365"})
		if err != nil {
			t.Fatal(err)
		}
		if st.ResponseDays != 365 || st.Name != exact {
			t.Fatalf("step %+v", st)
		}
		// Blank days are the default 30; spaces in the name are tidied.
		st, err = e.svc.AddStep(ctx, f.ID, amendments.StepInput{Name: "  Fiscal   office review ", Decider: amendments.DeciderTenantAdmin, ResponseDays: " "})
		if err != nil {
			t.Fatal(err)
		}
		if st.ResponseDays != amendments.DefaultResponseDays || st.Name != "Fiscal office review" || st.Position != 2 {
			t.Fatalf("step %+v", st)
		}
		_, err = e.svc.AddStep(ctx, f.ID, amendments.StepInput{Name: "Quick look", Decider: amendments.DeciderFunder, ResponseDays: "1"})
		if err != nil {
			t.Fatal(err)
		}
		if n := e.procCount(t, "audit_events", "action = ? AND detail LIKE ?", "amendment_process.update", "ISBE PI: added step 2 “Fiscal office review” (the tenant's admins, 30 days)"); n != 1 {
			t.Fatalf("%d audit events for the added step, want 1", n)
		}
	})

	t.Run("AtMostMaxSteps", func(t *testing.T) {
		for n := len(e.procSteps(t, ctx, f.ID)); n < amendments.MaxSteps; n++ {
			if _, err := e.svc.AddStep(ctx, f.ID, amendments.StepInput{Name: "Step " + strconv.Itoa(n+1), Decider: amendments.DeciderFunder}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.svc.AddStep(ctx, f.ID, amendments.StepInput{Name: "One too many", Decider: amendments.DeciderFunder})
		procWantFields(t, err, "name")
	})
}

func TestProcessOrganisationSteps(t *testing.T) {
	e := newProcEnv(t)
	ctx := e.procTenant(t, "nc")
	ncpc := e.procOrg(t, ctx, tenants.OrgFunder, "North Carolina Partnership for Children", "NCPC")
	// A board is an organisation of any kind: here a program-kind one, and a funder-kind one.
	board := e.procOrg(t, ctx, tenants.OrgProgram, "Piedmont Partnership Board", "")
	st, err := e.svc.AddStep(ctx, ncpc.ID, amendments.StepInput{Name: "Partnership board", Decider: amendments.DeciderOrganisation, OrganisationID: board.ID})
	if err != nil {
		t.Fatal(err)
	}
	if st.OrganisationID != board.ID {
		t.Fatalf("organisation %q, want the board", st.OrganisationID)
	}
	other := e.procOrg(t, ctx, tenants.OrgFunder, "Durham's Partnership for Children", "DPfC")
	// Changing the decider away from an organisation forgets the organisation.
	st2, err := e.svc.AddStep(ctx, ncpc.ID, amendments.StepInput{Name: "NCPC", Decider: amendments.DeciderFunder, OrganisationID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	if st2.OrganisationID != "" {
		t.Fatalf("a funder step keeps organisation %q", st2.OrganisationID)
	}
	procSame(t, e.procSteps(t, ctx, ncpc.ID), "Partnership board/organisation/Piedmont Partnership Board/30", "NCPC/funder//30")
	if _, err := e.svc.UpdateStep(ctx, ncpc.ID, st.ID, amendments.StepInput{Name: "Partnership board", Decider: amendments.DeciderOrganisation, OrganisationID: other.ID, ResponseDays: "14"}); err != nil {
		t.Fatal(err)
	}
	procSame(t, e.procSteps(t, ctx, ncpc.ID), "Partnership board/organisation/Durham's Partnership for Children/14", "NCPC/funder//30")
	steps, _, err := e.svc.Process(ctx, ncpc.ID)
	if err != nil {
		t.Fatal(err)
	}
	snap := amendments.Snapshot(steps)
	if len(snap) != 2 || snap[0] != (amendments.StepSnapshot{Name: "Partnership board", Decider: amendments.DeciderOrganisation,
		OrganisationID: other.ID, OrganisationName: "Durham's Partnership for Children", ResponseDays: 14}) ||
		snap[1] != (amendments.StepSnapshot{Name: "NCPC", Decider: amendments.DeciderFunder, ResponseDays: 30}) {
		t.Fatalf("snapshot %+v", snap)
	}
	p, err := e.svc.FunderProcess(ctx, ncpc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.StepsSummary(); got != "Partnership board (Durham's Partnership for Children's people, 14 days) → NCPC (NCPC's people, 30 days)" {
		t.Fatalf("summary %q", got)
	}
	// An update with a bad field changes nothing.
	_, err = e.svc.UpdateStep(ctx, ncpc.ID, st.ID, amendments.StepInput{Name: "", Decider: amendments.DeciderOrganisation})
	procWantFields(t, err, "name", "organisation_id")
	procSame(t, e.procSteps(t, ctx, ncpc.ID), "Partnership board/organisation/Durham's Partnership for Children/14", "NCPC/funder//30")
}

func TestProcessTemplates(t *testing.T) {
	e := newProcEnv(t)
	ctx := e.procTenant(t, "il")
	f := e.procOrg(t, ctx, tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI")
	board := e.procOrg(t, ctx, tenants.OrgFunder, "Piedmont Partnership Board", "")
	if _, err := e.svc.AddStep(ctx, f.ID, amendments.StepInput{Name: "Old step", Decider: amendments.DeciderFunder}); err != nil {
		t.Fatal(err)
	}

	_, err := e.svc.ApplyTemplate(ctx, f.ID, "three_tiers", "")
	procWantFields(t, err, "template")
	// Smart Start needs the board chosen in the same form.
	_, err = e.svc.ApplyTemplate(ctx, f.ID, amendments.TemplateSmartStart, "")
	procWantFields(t, err, "organisation_id")
	_, err = e.svc.ApplyTemplate(ctx, f.ID, amendments.TemplateSmartStart, database.NewID())
	procWantFields(t, err, "organisation_id")
	procSame(t, e.procSteps(t, ctx, f.ID), "Old step/funder//30")

	steps, err := e.svc.ApplyTemplate(ctx, f.ID, amendments.TemplateSingle, "")
	if err != nil || len(steps) != 1 {
		t.Fatalf("single review: %v %v", steps, err)
	}
	procSame(t, e.procSteps(t, ctx, f.ID), "Funder review/funder//30")

	if _, err := e.svc.ApplyTemplate(ctx, f.ID, amendments.TemplateTwoTiers, ""); err != nil {
		t.Fatal(err)
	}
	procSame(t, e.procSteps(t, ctx, f.ID), "Program area review/funder//30", "Fiscal office review/funder//30")

	if _, err := e.svc.ApplyTemplate(ctx, f.ID, amendments.TemplateSmartStart, board.ID); err != nil {
		t.Fatal(err)
	}
	procSame(t, e.procSteps(t, ctx, f.ID), "Partnership program coordinator and finance/tenant_admin//30",
		"Partnership board/organisation/Piedmont Partnership Board/30", "NCPC/funder//30")
	if n := e.procCount(t, "audit_events", "action = ? AND detail = ?", "amendment_process.template",
		"ISBE PI: “Smart Start contract amendment”: “Partnership program coordinator and finance” (the tenant's admins, 30 days) → “Partnership board” (Piedmont Partnership Board's people, 30 days) → “NCPC” (ISBE PI's people, 30 days)"); n != 1 {
		t.Fatalf("%d audit events for the Smart Start template, want 1", n)
	}
	if n := e.procCount(t, "audit_events", "action = ?", "amendment_process.template"); n != 3 {
		t.Fatalf("%d template audit events, want 3", n)
	}
	// Editable after: the board step's days change.
	steps, _, _ = e.svc.Process(ctx, f.ID)
	if _, err := e.svc.UpdateStep(ctx, f.ID, steps[1].ID, amendments.StepInput{Name: "Partnership board", Decider: amendments.DeciderOrganisation,
		OrganisationID: board.ID, ResponseDays: "45"}); err != nil {
		t.Fatal(err)
	}
	procSame(t, e.procSteps(t, ctx, f.ID), "Partnership program coordinator and finance/tenant_admin//30",
		"Partnership board/organisation/Piedmont Partnership Board/45", "NCPC/funder//30")
}

func TestProcessRules(t *testing.T) {
	e := newProcEnv(t)
	ctx := e.procTenant(t, "il")
	f := e.procOrg(t, ctx, tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI")
	good := amendments.RulesInput{NoticeAmount: "1,500.50", NoticePercent: "2.5", ApprovalPercent: "12 %", ReminderDays: "0"}
	cases := []struct {
		name   string
		change func(*amendments.RulesInput)
		fields []string
	}{
		{"AmountEmpty", func(in *amendments.RulesInput) { in.NoticeAmount = "" }, []string{"notice_amount"}},
		{"AmountNegative", func(in *amendments.RulesInput) { in.NoticeAmount = "-5" }, []string{"notice_amount"}},
		{"AmountNotMoney", func(in *amendments.RulesInput) { in.NoticeAmount = "a thousand" }, []string{"notice_amount"}},
		{"AmountThreeDecimals", func(in *amendments.RulesInput) { in.NoticeAmount = "1.005" }, []string{"notice_amount"}},
		{"NoticePercentOver100", func(in *amendments.RulesInput) { in.NoticePercent = "100.01" }, []string{"notice_percent"}},
		{"NoticePercentNegative", func(in *amendments.RulesInput) { in.NoticePercent = "-2" }, []string{"notice_percent"}},
		{"NoticePercentThreeDecimals", func(in *amendments.RulesInput) { in.NoticePercent = "2.125" }, []string{"notice_percent"}},
		{"NoticePercentEmpty", func(in *amendments.RulesInput) { in.NoticePercent = "" }, []string{"notice_percent"}},
		{"ApprovalPercentWords", func(in *amendments.RulesInput) { in.ApprovalPercent = "ten" }, []string{"approval_percent"}},
		{"ApprovalPercentHuge", func(in *amendments.RulesInput) { in.ApprovalPercent = "99999999999999999999" }, []string{"approval_percent"}},
		{"ReminderTooMany", func(in *amendments.RulesInput) { in.ReminderDays = "61" }, []string{"reminder_days"}},
		{"ReminderNegative", func(in *amendments.RulesInput) { in.ReminderDays = "-1" }, []string{"reminder_days"}},
		{"ReminderEmpty", func(in *amendments.RulesInput) { in.ReminderDays = "" }, []string{"reminder_days"}},
		{"Everything", func(in *amendments.RulesInput) {
			*in = amendments.RulesInput{NoticeAmount: "x", NoticePercent: "x", ApprovalPercent: "x", ReminderDays: "x"}
		}, []string{"notice_amount", "notice_percent", "approval_percent", "reminder_days"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.change(&in)
			_, err := e.svc.SaveRules(ctx, f.ID, in)
			procWantFields(t, err, tc.fields...)
		})
	}
	if n := e.procCount(t, "amendment_rules", ""); n != 0 {
		t.Fatalf("bad rules wrote %d rows", n)
	}

	r, err := e.svc.SaveRules(ctx, f.ID, good)
	if err != nil {
		t.Fatal(err)
	}
	want := amendments.Rules{NoticeCents: 1_500_50, NoticeBP: 250, ApprovalBP: 1200, ReminderDays: 0}
	if r.NoticeCents != want.NoticeCents || r.NoticeBP != want.NoticeBP || r.ApprovalBP != want.ApprovalBP || r.ReminderDays != 0 {
		t.Fatalf("saved %+v", r)
	}
	_, got, err := e.svc.Process(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.NoticeCents != want.NoticeCents || got.NoticeBP != want.NoticeBP || got.ApprovalBP != want.ApprovalBP || got.ReminderDays != 0 || got.FunderID != f.ID {
		t.Fatalf("read back %+v", got)
	}
	if n := e.procCount(t, "audit_events", "action = ? AND detail = ?", "amendment_rules.update",
		"ISBE PI: Notice only up to the greater of $1,000 and 2 %; prior approval over 10 % cumulative; a reminder 5 days before a step is due → "+
			"Notice only up to the greater of $1,500.50 and 2.5 %; prior approval over 12 % cumulative; no reminder before a step is due"); n != 1 {
		t.Fatalf("%d audit events for the rules, want 1", n)
	}
	// Saved again (an update of the same row): back to the defaults, at the bounds.
	if _, err := e.svc.SaveRules(ctx, f.ID, amendments.RulesInputOf(amendments.DefaultRules(f.ID))); err != nil {
		t.Fatal(err)
	}
	_, got, _ = e.svc.Process(ctx, f.ID)
	if d := amendments.DefaultRules(f.ID); got.NoticeCents != d.NoticeCents || got.NoticeBP != d.NoticeBP || got.ApprovalBP != d.ApprovalBP || got.ReminderDays != d.ReminderDays {
		t.Fatalf("back to the defaults: %+v", got)
	}
	if n := e.procCount(t, "amendment_rules", ""); n != 1 {
		t.Fatalf("%d rules rows, want 1", n)
	}
	if _, err := e.svc.SaveRules(ctx, f.ID, amendments.RulesInput{NoticeAmount: "0", NoticePercent: "100", ApprovalPercent: "0", ReminderDays: "60"}); err != nil {
		t.Fatalf("the bounds: %v", err)
	}
}

func TestParsePercent(t *testing.T) {
	for in, want := range map[string]money.BasisPoints{"2": 200, "2.5": 250, "2.50": 250, "2 %": 200, "2%": 200, " 10 ": 1000,
		"0.01": 1, ".5": 50, "0": 0, "100": 10000, "100.00": 10000} {
		if got, ok := amendments.ParsePercent(in); !ok || got != want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "%", "-1", "100.01", "101", "2.555", "2.", "2,5", "1e2", "two", "1000"} {
		if got, ok := amendments.ParsePercent(in); ok {
			t.Errorf("ParsePercent(%q) = %d, want refused", in, got)
		}
	}
	for bp, want := range map[money.BasisPoints]string{200: "2", 250: "2.5", 1000: "10", 1: "0.01"} {
		if got := amendments.PercentInput(bp); got != want {
			t.Errorf("PercentInput(%d) = %q, want %q", bp, got, want)
		}
	}
}

func TestProcessWhoKeepsIt(t *testing.T) {
	e := newProcEnv(t)
	ctx := e.procTenant(t, "il")
	other := e.procTenant(t, "oh")
	isbe := e.procOrg(t, ctx, tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI")
	idhs := e.procOrg(t, ctx, tenants.OrgFunder, "IDHS Division of Early Childhood", "IDHS-DEC")
	prog := e.procOrg(t, ctx, tenants.OrgProgram, "Prairie Families", "")
	ohio := e.procOrg(t, other, tenants.OrgFunder, "Ohio Department of Children and Youth", "DCY")
	idhsStep, err := e.svc.AddStep(ctx, idhs.ID, amendments.StepInput{Name: "IDHS review", Decider: amendments.DeciderFunder})
	if err != nil {
		t.Fatal(err)
	}

	// ISBE's own people keep ISBE's process.
	isbeCtx := procAs(ctx, authz.Funder, isbe.ID)
	st, err := e.svc.AddStep(isbeCtx, isbe.ID, amendments.StepInput{Name: "ISBE review", Decider: amendments.DeciderFunder})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SaveRules(isbeCtx, isbe.ID, amendments.RulesInput{NoticeAmount: "500", NoticePercent: "1", ApprovalPercent: "10", ReminderDays: "3"}); err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.Processes(isbeCtx)
	if err != nil || len(list) != 1 || list[0].Funder.ID != isbe.ID || len(list[0].Steps) != 1 || !list[0].Saved {
		t.Fatalf("a funder's list: %+v %v", list, err)
	}
	all, err := e.svc.Processes(ctx)
	if err != nil || len(all) != 2 || all[0].Funder.ID != idhs.ID || all[1].Funder.ID != isbe.ID || all[0].Saved {
		t.Fatalf("the admin's list: %+v %v", all, err)
	}

	before := e.procCount(t, "amendment_steps", "")
	beforeRules := e.procCount(t, "amendment_rules", "")
	// ISBE's people asking for IDHS's process: not found, whatever they do.
	refused := func(t *testing.T, who context.Context, funderID, stepID string) {
		t.Helper()
		_, err := e.svc.FunderProcess(who, funderID)
		procWantNotFound(t, "FunderProcess", err)
		_, err = e.svc.AddStep(who, funderID, amendments.StepInput{Name: "Sneaky", Decider: amendments.DeciderFunder})
		procWantNotFound(t, "AddStep", err)
		_, err = e.svc.UpdateStep(who, funderID, stepID, amendments.StepInput{Name: "Sneaky", Decider: amendments.DeciderFunder})
		procWantNotFound(t, "UpdateStep", err)
		_, err = e.svc.MoveStep(who, funderID, stepID, 1)
		procWantNotFound(t, "MoveStep", err)
		_, err = e.svc.RemoveStep(who, funderID, stepID)
		procWantNotFound(t, "RemoveStep", err)
		_, err = e.svc.SaveRules(who, funderID, amendments.RulesInput{NoticeAmount: "1", NoticePercent: "1", ApprovalPercent: "1", ReminderDays: "1"})
		procWantNotFound(t, "SaveRules", err)
		_, err = e.svc.ApplyTemplate(who, funderID, amendments.TemplateSingle, "")
		procWantNotFound(t, "ApplyTemplate", err)
	}
	t.Run("AnotherFunder", func(t *testing.T) { refused(t, isbeCtx, idhs.ID, idhsStep.ID) })
	t.Run("Program", func(t *testing.T) { refused(t, procAs(ctx, authz.Program, prog.ID), isbe.ID, st.ID) })
	t.Run("Consultant", func(t *testing.T) { refused(t, procAs(ctx, authz.Consultant, ""), isbe.ID, st.ID) })
	t.Run("FunderWithoutOrganisation", func(t *testing.T) { refused(t, procAs(ctx, authz.Funder, ""), isbe.ID, st.ID) })
	t.Run("AnotherTenantsFunder", func(t *testing.T) { refused(t, ctx, ohio.ID, st.ID) })
	t.Run("NotAFunder", func(t *testing.T) { refused(t, ctx, prog.ID, st.ID) })
	t.Run("NotAnID", func(t *testing.T) { refused(t, ctx, "processes", st.ID) })
	t.Run("AnotherFundersStep", func(t *testing.T) {
		// The admin keeps both, but a step is found only under its own funder.
		_, err := e.svc.UpdateStep(ctx, isbe.ID, idhsStep.ID, amendments.StepInput{Name: "Moved", Decider: amendments.DeciderFunder})
		procWantNotFound(t, "UpdateStep", err)
		_, err = e.svc.RemoveStep(ctx, isbe.ID, idhsStep.ID)
		procWantNotFound(t, "RemoveStep", err)
		_, err = e.svc.MoveStep(ctx, isbe.ID, idhsStep.ID, -1)
		procWantNotFound(t, "MoveStep", err)
	})
	if list, _ := e.svc.Processes(procAs(ctx, authz.Program, prog.ID)); len(list) != 0 {
		t.Fatalf("a program lists %d processes", len(list))
	}
	if a, b := e.procCount(t, "amendment_steps", ""), e.procCount(t, "amendment_rules", ""); a != before || b != beforeRules {
		t.Fatalf("refusals wrote: steps %d → %d, rules %d → %d", before, a, beforeRules, b)
	}

	// Process works in any scope of the tenant, a task's too (no person, no role).
	task := database.WithScope(context.Background(), database.Scope{TenantID: mustScope(t, ctx).TenantID})
	steps, r, err := e.svc.Process(task, idhs.ID)
	if err != nil || len(steps) != 1 || steps[0].Name != "IDHS review" || r != amendments.DefaultRules(idhs.ID) {
		t.Fatalf("a task's Process: %+v %+v %v", steps, r, err)
	}
	// Another tenant's scope sees none of it.
	steps, _, err = e.svc.Process(other, idhs.ID)
	if err != nil || len(steps) != 0 {
		t.Fatalf("another tenant's Process: %+v %v", steps, err)
	}
}

func mustScope(t *testing.T, ctx context.Context) database.Scope {
	t.Helper()
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestProcessOrder(t *testing.T) {
	e := newProcEnv(t)
	ctx := e.procTenant(t, "il")
	f := e.procOrg(t, ctx, tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI")
	var ids []string
	for _, name := range []string{"A", "B", "C", "D"} {
		st, err := e.svc.AddStep(ctx, f.ID, amendments.StepInput{Name: name, Decider: amendments.DeciderFunder})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, st.ID)
	}
	names := func() string {
		steps, _, err := e.svc.Process(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i, st := range steps {
			if st.Position != i+1 {
				t.Fatalf("%s at position %d, want %d", st.Name, st.Position, i+1)
			}
			out = append(out, st.Name)
		}
		return strings.Join(out, "")
	}
	move := func(id string, by int, want string) {
		t.Helper()
		if _, err := e.svc.MoveStep(ctx, f.ID, id, by); err != nil {
			t.Fatal(err)
		}
		if got := names(); got != want {
			t.Fatalf("after moving: %s, want %s", got, want)
		}
	}
	move(ids[3], -1, "ABDC") // D up
	move(ids[3], -1, "ADBC") // D up again
	move(ids[0], -1, "ADBC") // A is first: stays
	move(ids[2], 1, "ADBC")  // C is last: stays
	move(ids[0], 1, "DABC")  // A down
	st, err := e.svc.MoveStep(ctx, f.ID, ids[2], -1)
	if err != nil || st.Position != 3 || names() != "DACB" {
		t.Fatalf("C up: %+v %v %s", st, err, names())
	}
	if _, err := e.svc.MoveStep(ctx, f.ID, ids[2], 2); apperr.Code(err) != apperr.EINVALID {
		t.Fatalf("a move of two places: %v", err)
	}
	// Removing one closes the gap; a new step goes at the end.
	if _, err := e.svc.RemoveStep(ctx, f.ID, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "DCB" {
		t.Fatalf("after removing A: %s", got)
	}
	if _, err := e.svc.RemoveStep(ctx, f.ID, ids[0]); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("removing A twice: %v", err)
	}
	e2, err := e.svc.AddStep(ctx, f.ID, amendments.StepInput{Name: "E", Decider: amendments.DeciderFunder})
	if err != nil || e2.Position != 4 || names() != "DCBE" {
		t.Fatalf("E: %+v %v %s", e2, err, names())
	}
	if n := e.procCount(t, "audit_events", "action = ? AND detail LIKE ?", "amendment_process.update", "ISBE PI: moved step “D” up, from 4 to 3"); n != 1 {
		t.Fatalf("%d audit events for D's first move, want 1", n)
	}
	if n := e.procCount(t, "audit_events", "action = ? AND detail = ?", "amendment_process.update", "ISBE PI: removed step “A” (ISBE PI's people, 30 days)"); n != 1 {
		t.Fatalf("%d audit events for removing A, want 1", n)
	}
}
