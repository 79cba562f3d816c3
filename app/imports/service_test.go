package imports

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

type env struct {
	db  *bun.DB
	svc *Service
	ten *tenants.Service
	acc *accounts.Service
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	db := dbtest.Open(tb)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rdb.Close() })
	prefix := "test:" + dbtest.RandomHex(6) + ":"
	queue := jobs.NewNamedQueue(rdb, prefix+jobs.DefaultQueue)
	log := audit.New(db)
	mailer := mail.New(db, queue, nil, "x@y.z")
	acc := accounts.New(db, log, mailer, accounts.NewLimiter(rdb, prefix), "http://holdspace.test", slog.New(slog.DiscardHandler))
	ten := tenants.NewService(db, tenants.NewStore(db), acc, log, mailer, "http://holdspace.test")
	return &env{db: db, svc: NewService(db, ten, acc, log, queue), ten: ten, acc: acc}
}

// tenant creates an Illinois tenant with its funders, one program and an admin, and returns
// the admin's context in it.
func (e *env) tenant(tb testing.TB, slug string) context.Context {
	tb.Helper()
	bg := context.Background()
	tn := &tenants.Tenant{Slug: slug, Name: "Tenant " + slug, Kind: tenants.KindStateSystem, State: "IL",
		Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := e.ten.Store().CreateTenant(bg, tn); err != nil {
		tb.Fatal(err)
	}
	admin, err := e.acc.CreateUser(bg, "admin@"+slug+".example", "Admin "+slug, "", false)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := database.WithScope(bg, database.Scope{TenantID: tn.ID, TenantSlug: slug, UserID: admin.ID, Role: authz.TenantAdmin})
	ctx = audit.WithActor(ctx, audit.Actor{ID: admin.ID, Email: admin.Email})
	if _, err := e.ten.AddMember(ctx, admin.ID, authz.TenantAdmin, ""); err != nil {
		tb.Fatal(err)
	}
	for _, o := range []tenants.Organisation{
		{Kind: tenants.OrgFunder, Name: "IDHS Division of Early Childhood", ShortName: "IDHS-DEC"},
		{Kind: tenants.OrgFunder, Name: "ISBE Prevention Initiative", ShortName: "ISBE PI"},
		{Kind: tenants.OrgFunder, Name: "Maternal, Infant, and Early Childhood Home Visiting", ShortName: "MIECHV"},
		{Kind: tenants.OrgProgram, Name: "Prairie Families Home Visiting", ProgramKind: "home_visiting", County: "Cook"},
	} {
		if err := e.ten.Store().CreateOrganisation(ctx, &o); err != nil {
			tb.Fatal(err)
		}
	}
	return ctx
}

// fy is the current state fiscal year (named by the year it ends in): every funder takes it
// and the year before.
func fy() int { return tenants.FiscalYear(time.Now(), 7) }

// runTasks runs what the worker would: the check, and if the file is good, the import.
func (e *env) upload(tb testing.TB, ctx context.Context, kind, text string) *Import {
	tb.Helper()
	imp, err := e.svc.Upload(ctx, kind, kind+".csv", []byte(text))
	if err != nil {
		tb.Fatalf("upload: %v", err)
	}
	if err := e.svc.Validate(ctx, imp.ID); err != nil {
		tb.Fatalf("validate: %v", err)
	}
	imp, err = e.svc.store.Get(ctx, imp.ID, false)
	if err != nil {
		tb.Fatal(err)
	}
	return imp
}

func (e *env) confirmAndRun(tb testing.TB, ctx context.Context, id string) *Import {
	tb.Helper()
	if _, err := e.svc.Confirm(ctx, id); err != nil {
		tb.Fatalf("confirm: %v", err)
	}
	sc, _ := database.ScopeFrom(ctx)
	// The task runs with the tenant only, as the worker would.
	task := database.WithScope(context.Background(), database.Scope{TenantID: sc.TenantID})
	if err := e.svc.Run(task, id, sc.UserID); err != nil {
		tb.Fatalf("run: %v", err)
	}
	imp, err := e.svc.store.Get(ctx, id, false)
	if err != nil {
		tb.Fatal(err)
	}
	return imp
}

// counts is how many rows of each written table the tenant of ctx has.
func (e *env) counts(tb testing.TB, ctx context.Context) map[string]int {
	tb.Helper()
	t, err := database.For(ctx, e.db)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]int{}
	for name, m := range map[string]any{"organisations": (*tenants.Organisation)(nil), "fundings": (*Funding)(nil),
		"budget_lines": (*BudgetLine)(nil), "budget_versions": (*programs.BudgetVersion)(nil), "invitations": (*tenants.Invitation)(nil)} {
		n, err := t.Select(m).Count(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		out[name] = int(n)
	}
	return out
}

func sameCounts(tb testing.TB, before, after map[string]int) {
	tb.Helper()
	for k, v := range before {
		if after[k] != v {
			tb.Fatalf("%s: %d rows before, %d after: something was written", k, v, after[k])
		}
	}
}

func problemStrings(imp *Import) string {
	var b strings.Builder
	for _, p := range imp.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

func TestImportPrograms(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "il-"+dbtest.RandomHex(3))
	y := fy()
	csv := programsHeader +
		fmt.Sprintf("Lakeside Doulas,Doula,cook,English; spanish,IDHS-DEC,%d,yes,Personnel,\"$40,000\"\n", y) +
		fmt.Sprintf("Lakeside Doulas,,,,IDHS-DEC,%d,,I/ECMH consultation,12500.5\n", y) +
		fmt.Sprintf("lakeside doulas,doula,Cook,,ISBE Prevention Initiative,FY %d-%02d,no,Training,900\n", y-2, (y-1)%100) +
		fmt.Sprintf("Prairie Families Home Visiting,,,,MIECHV,%d,1,I/ECMH consultation,\"8,000.00\"\n", y)
	imp := e.upload(t, ctx, KindPrograms, csv)
	if imp.Status != StatusValid || imp.TotalRows != 4 {
		t.Fatalf("got status %s with %d rows, want valid with 4\n%s", imp.Status, imp.TotalRows, problemStrings(imp))
	}
	before := e.counts(t, ctx)
	imp = e.confirmAndRun(t, ctx, imp.ID)
	if imp.Status != StatusDone || imp.ProcessedRows != 4 || imp.FinishedAt == nil {
		t.Fatalf("got %s, %d rows processed, want done with 4", imp.Status, imp.ProcessedRows)
	}
	after := e.counts(t, ctx)
	if after["organisations"] != before["organisations"]+1 || after["fundings"] != 3 || after["budget_lines"] != 4 || after["budget_versions"] != 3 {
		t.Fatalf("got %v, want one new program, 3 fundings, 4 budget lines and 3 budget versions", after)
	}

	tx, _ := database.For(ctx, e.db)
	p := new(tenants.Organisation)
	if err := tx.Select(p).Where("o.name = ?", "Lakeside Doulas").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if p.ProgramKind != "doula" || p.County != "Cook" || strings.Join(p.Languages, ",") != "English,Spanish" {
		t.Errorf("got program %+v, want a doula program in Cook, in English and Spanish", p)
	}
	var fundings []Funding
	if err := tx.Select(&fundings).Where("f.program_id = ?", p.ID).OrderExpr("f.fiscal_year DESC").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(fundings) != 2 || fundings[0].FiscalYear != y || !fundings[0].IECMHCFunded || fundings[1].FiscalYear != y-1 || fundings[1].IECMHCFunded {
		t.Fatalf("got fundings %+v, want FY %d (I/ECMHC funded) and FY %d (not)", fundings, y, y-1)
	}
	var lines []BudgetLine
	if err := tx.Select(&lines).Where("bl.funding_id = ?", fundings[0].ID).OrderExpr("bl.position").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Category != "Personnel" || lines[0].AmountCents != 4000000 ||
		lines[1].Category != "I/ECMH consultation" || lines[1].AmountCents != 1250050 || lines[1].Position != 1 {
		t.Fatalf("got lines %+v, want Personnel $40,000.00 then I/ECMH consultation $12,500.50", lines)
	}
	// Each funding's budget is its version 1, through app/programs: effective from the first
	// day of its fiscal year (IDHS-DEC budgets on the state's July calendar), by the person who
	// confirmed the import.
	versions, err := programs.NewService(e.db, e.ten.Store(), audit.New(e.db)).BudgetVersions(ctx, fundings[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := database.ScopeFrom(ctx)
	if len(versions) != 1 || versions[0].Number != 1 || versions[0].Reason != programs.ReasonImported || versions[0].TotalCents != 5250050 ||
		versions[0].EffectiveOn != fmt.Sprintf("%d-07-01", y-1) || len(versions[0].Lines) != 2 || versions[0].Lines[1].Category != "I/ECMH consultation" ||
		versions[0].CreatedBy != sc.UserID || versions[0].CreatorName != "Admin "+sc.TenantSlug {
		t.Fatalf("got versions %+v, want version 1 of $52,500.50 from July 1st, %d, by the admin", versions, y-1)
	}
	// The existing program got its funding, and was not created again.
	n, err := tx.Select((*tenants.Organisation)(nil)).Where("o.name = ?", "Prairie Families Home Visiting").Count(ctx)
	if err != nil || n != 1 {
		t.Fatalf("got %d programs named Prairie Families Home Visiting (%v), want 1", n, err)
	}

	t.Run("Audited", func(t *testing.T) {
		events, _, err := audit.New(e.db).List(ctx, audit.Filter{Action: "import."})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range events {
			got = append(got, ev.Action+" by "+ev.ActorEmail+": "+ev.Detail)
		}
		all := strings.Join(got, "\n")
		if len(events) != 2 || !strings.Contains(all, "import.upload") ||
			!strings.Contains(all, "import.run by admin@") || !strings.Contains(all, "1 programs created, 1 existing programs given fundings; 3 fundings and 4 budget lines") {
			t.Fatalf("got events\n%s\nwant import.upload and import.run with the counts", all)
		}
	})
	t.Run("SafeToRunTwice", func(t *testing.T) {
		if _, err := e.svc.Confirm(ctx, imp.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Run(ctx, imp.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Validate(ctx, imp.ID); err != nil {
			t.Fatal(err)
		}
		sameCounts(t, after, e.counts(t, ctx))
	})
	t.Run("ErrTheSameFundingAgain", func(t *testing.T) {
		imp := e.upload(t, ctx, KindPrograms, programsHeader+fmt.Sprintf("Lakeside Doulas,,,,IDHS-DEC,%d,,Travel,10\n", y))
		if imp.Status != StatusInvalid || !strings.Contains(problemStrings(imp), "Row 2, fiscal_year: Lakeside Doulas already has a funding from IDHS-DEC for FY") {
			t.Fatalf("got %s\n%s", imp.Status, problemStrings(imp))
		}
		if _, err := e.svc.Confirm(ctx, imp.ID); apperr.Code(err) != apperr.ECONFLICT {
			t.Fatalf("confirming a file with problems: got %v, want ECONFLICT", err)
		}
	})
}

// TestImportProgramsResumes: a run that stopped midway (here: its later fundings missing, as
// if the process died after the first chunks) is finished by running it again, and nothing
// is written twice.
func TestImportProgramsResumes(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "il-"+dbtest.RandomHex(3))
	var b strings.Builder
	b.WriteString(programsHeader)
	for i := 0; i < 400; i++ { // 1,200 rows: three chunks
		for _, f := range []string{"IDHS-DEC", "ISBE PI", "MIECHV"} {
			fmt.Fprintf(&b, "Program %03d,Home visiting,Cook,English,%s,%d,no,Personnel,1000\n", i, f, fy())
		}
	}
	imp := e.upload(t, ctx, KindPrograms, b.String())
	full := e.confirmAndRun(t, ctx, imp.ID)
	want := e.counts(t, ctx)
	if full.Status != StatusDone || want["fundings"] != 1200 || want["budget_lines"] != 1200 || want["budget_versions"] != 1200 {
		t.Fatalf("got %s and %v", full.Status, want)
	}
	// Undo the last 700 rows' fundings (and their lines), and put the import back to running
	// with 500 rows done.
	tx, _ := database.For(ctx, e.db)
	var lost []Funding
	if err := tx.Select(&lost).Join("JOIN organisations AS o ON o.tenant_id = f.tenant_id AND o.id = f.program_id").
		Where("o.name >= ?", "Program 167").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(lost) != 699 {
		t.Fatalf("got %d fundings to undo, want 699", len(lost))
	}
	var ids []string
	for _, f := range lost {
		ids = append(ids, f.ID)
	}
	if _, err := tx.Delete((*BudgetLine)(nil)).Where("bl.funding_id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Delete((*programs.BudgetVersion)(nil)).Where("bv.funding_id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Delete((*Funding)(nil)).Where("f.id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Update((*Import)(nil)).Set("status = ?", StatusImporting).Set("processed_rows = 500").Where("imp.id = ?", imp.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Run(ctx, imp.ID, ""); err != nil {
		t.Fatal(err)
	}
	sameCounts(t, want, e.counts(t, ctx))
	got, _ := e.svc.store.Get(ctx, imp.ID, false)
	if got.Status != StatusDone || got.ProcessedRows != 1200 {
		t.Fatalf("got %s with %d rows, want done with 1200", got.Status, got.ProcessedRows)
	}
}

func TestImportProgramsProblems(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "il-"+dbtest.RandomHex(3))
	y := fy()
	good := func(name string) string {
		return fmt.Sprintf("%s,Home visiting,Cook,English,IDHS-DEC,%d,no,Personnel,100\n", name, y)
	}
	cases := []struct {
		name, row string
		want      string
	}{
		{"ErrAmount", fmt.Sprintf("A,Doula,Cook,,IDHS-DEC,%d,,Personnel,12.345\n", y), "Row 3, budget_amount: “12.345” is not an amount of money"},
		{"ErrAmountText", fmt.Sprintf("A,Doula,Cook,,IDHS-DEC,%d,,Personnel,lots\n", y), "Row 3, budget_amount: “lots” is not an amount of money"},
		{"ErrAmountNegative", fmt.Sprintf("A,Doula,Cook,,IDHS-DEC,%d,,Personnel,-5\n", y), "Row 3, budget_amount: “-5” is not an amount of money"},
		{"ErrUnknownFunder", fmt.Sprintf("A,Doula,Cook,,Acme Foundation,%d,,Personnel,5\n", y), "Row 3, funder: “Acme Foundation” is not a funder of this agency"},
		{"ErrUnknownProgramKind", fmt.Sprintf("A,Clinic,Cook,,IDHS-DEC,%d,,Personnel,5\n", y), "Row 3, program_kind: “Clinic” is not a kind of program"},
		{"ErrNoKindForANewProgram", fmt.Sprintf("A,,Cook,,IDHS-DEC,%d,,Personnel,5\n", y), "Row 3, program_kind: enter the kind of program"},
		{"ErrKindOfAnExistingProgram", fmt.Sprintf("Prairie Families Home Visiting,Doula,,,IDHS-DEC,%d,,Personnel,5\n", y), "already exists as a home visiting program"},
		{"ErrCounty", fmt.Sprintf("A,Doula,Cokk,,IDHS-DEC,%d,,Personnel,5\n", y), "Row 3, county: “Cokk” is not one of the agency’s counties"},
		{"ErrLanguage", fmt.Sprintf("A,Doula,Cook,Klingon,IDHS-DEC,%d,,Personnel,5\n", y), "Row 3, languages: “Klingon” is not one of the agency’s languages"},
		{"ErrFiscalYear", "A,Doula,Cook,,IDHS-DEC,next year,,Personnel,5\n", "Row 3, fiscal_year: “next year” is not a fiscal year"},
		{"ErrFiscalYearOutOfRange", "A,Doula,Cook,,IDHS-DEC,2001,,Personnel,5\n", "Row 3, fiscal_year: FY 2000–01 is not a year Holdspace takes for IDHS-DEC"},
		{"ErrIECMHC", fmt.Sprintf("A,Doula,Cook,,IDHS-DEC,%d,maybe,Personnel,5\n", y), "Row 3, iecmhc_funded: “maybe” is not yes or no."},
		{"ErrCategory", fmt.Sprintf("A,Doula,Cook,,IDHS-DEC,%d,,Snacks,5\n", y), "Row 3, budget_category: “Snacks” is not a budget category"},
		{"ErrDuplicateLine", fmt.Sprintf("B,Home visiting,Cook,English,IDHS-DEC,%d,no,personnel,100\n", y), ""},
		{"ErrZeroBudget", fmt.Sprintf("Z,Doula,Cook,,IDHS-DEC,%d,,Personnel,0\n", y), "Row 3, budget_amount: this funding’s lines add up to $0.00"},
		{"ErrWidth", "A,Doula,Cook\n", "Row 3: the row has 3 values, but the header has 9 columns."},
		{"ErrContradiction", fmt.Sprintf("B,Doula,Cook,English,ISBE PI,%d,,Other,100\n", y), "Row 3, program_kind: “Doula” differs from row 2 (Home visiting) for the same program."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts(t, ctx)
			want := tc.want
			if tc.name == "ErrDuplicateLine" {
				want = "Row 3, budget_category: “Personnel” is already a line of this funding (row 2)."
			}
			imp := e.upload(t, ctx, KindPrograms, programsHeader+good("B")+tc.row+good("C"))
			if imp.Status != StatusInvalid || !strings.Contains(problemStrings(imp), want) {
				t.Fatalf("got status %s, problems\n%s\nwant %q", imp.Status, problemStrings(imp), want)
			}
			if imp.TotalRows != 3 {
				t.Errorf("got %d rows, want 3", imp.TotalRows)
			}
			if _, err := e.svc.Confirm(ctx, imp.ID); apperr.Code(err) != apperr.ECONFLICT {
				t.Fatalf("confirm: got %v, want ECONFLICT", err)
			}
			if err := e.svc.Run(ctx, imp.ID, ""); err != nil {
				t.Fatal(err)
			}
			sameCounts(t, before, e.counts(t, ctx))
		})
	}
	t.Run("EveryProblemIsListed", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(programsHeader)
		for i := 0; i < 300; i++ {
			fmt.Fprintf(&b, "P%d,Doula,Cook,,Nobody,%d,,Personnel,1.234\n", i, y)
		}
		imp := e.upload(t, ctx, KindPrograms, b.String())
		if len(imp.Problems) != 600 || imp.Problems[0].Row != 2 || imp.Problems[599].Row != 301 {
			t.Fatalf("got %d problems, want 600 (two per row, in row order)", len(imp.Problems))
		}
		if len(imp.ShownProblems()) != ShownProblems || imp.MoreProblems() != 400 {
			t.Fatalf("shows %d, %d more; want %d and 400", len(imp.ShownProblems()), imp.MoreProblems(), ShownProblems)
		}
	})
	t.Run("ErrFileProblemsStoreNothing", func(t *testing.T) {
		before := e.counts(t, ctx)
		list, _ := e.svc.store.List(ctx, 1000)
		for _, in := range [][]byte{
			[]byte("program_name,colour\nA,red\n"),
			[]byte(programsHeader + "Caf\xe9,Doula,Cook,,IDHS-DEC,2026,,Personnel,1\n"),
			[]byte(""),
			make([]byte, MaxFileBytes+10),
		} {
			if _, err := e.svc.Upload(ctx, KindPrograms, "x.csv", in); apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)["file"] == "" {
				t.Fatalf("got %v, want EINVALID on the file field", err)
			}
		}
		if _, err := e.svc.Upload(ctx, "budgets", "x.csv", []byte(programsHeader)); apperr.FieldsOf(err)["kind"] == "" {
			t.Fatalf("got %v, want EINVALID on the kind field", err)
		}
		sameCounts(t, before, e.counts(t, ctx))
		if after, _ := e.svc.store.List(ctx, 1000); len(after) != len(list) {
			t.Fatalf("%d imports stored, want none", len(after)-len(list))
		}
	})
}

func TestImportPeople(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "il-"+dbtest.RandomHex(3))
	header := "email,name,role,organisation\n"
	csv := header +
		"Jo.Funder@Example.org,Jo Funder,Funder,IDHS-DEC\n" +
		"pat@example.org,Pat Program,program,Prairie Families Home Visiting\n" +
		"sam@example.org,,consultant,\n"
	imp := e.upload(t, ctx, KindPeople, csv)
	if imp.Status != StatusValid || imp.TotalRows != 3 {
		t.Fatalf("got %s\n%s", imp.Status, problemStrings(imp))
	}
	imp = e.confirmAndRun(t, ctx, imp.ID)
	if imp.Status != StatusDone {
		t.Fatalf("got %s, want done", imp.Status)
	}
	tx, _ := database.For(ctx, e.db)
	var invs []tenants.Invitation
	if err := tx.Select(&invs).OrderExpr("i.email").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	sc, _ := database.ScopeFrom(ctx)
	if len(invs) != 3 || invs[0].Email != "jo.funder@example.org" || invs[0].Role != authz.Funder || invs[0].OrganisationID == "" ||
		invs[2].Email != "sam@example.org" || invs[2].OrganisationID != "" || invs[0].InvitedBy != sc.UserID {
		t.Fatalf("got invitations %+v", invs)
	}
	var emails []mail.Email
	if err := database.Conn(ctx, e.db).NewSelect().Model(&emails).Where("to_addr = ?", "pat@example.org").Scan(ctx); err != nil || len(emails) != 1 {
		t.Fatalf("got %d emails to pat (%v), want 1 invitation", len(emails), err)
	}

	t.Run("ResumedRunInvitesNobodyTwice", func(t *testing.T) {
		before := e.counts(t, ctx)
		tx, _ := database.For(ctx, e.db)
		if _, err := tx.Update((*Import)(nil)).Set("status = ?", StatusImporting).Set("processed_rows = 1").Where("imp.id = ?", imp.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Run(ctx, imp.ID, ""); err != nil {
			t.Fatal(err)
		}
		sameCounts(t, before, e.counts(t, ctx))
	})
	t.Run("Problems", func(t *testing.T) {
		before := e.counts(t, ctx)
		imp := e.upload(t, ctx, KindPeople, header+
			"admin@"+sc.TenantSlug+".example,,consultant,\n"+
			"not-an-email,,consultant,\n"+
			"a@example.org,,wizard,\n"+
			"b@example.org,,funder,\n"+
			"c@example.org,,program,Nowhere\n"+
			"d@example.org,,consultant,IDHS-DEC\n"+
			"e@example.org,,supervisor,\n"+
			"E@example.org,,supervisor,\n")
		want := []string{
			"Row 2, email: admin@" + sc.TenantSlug + ".example is already a member (Tenant admin).",
			"Row 3, email: “not-an-email” is not an email address",
			"Row 4, role: “wizard” is not a role",
			"Row 5, organisation: a funder person belongs to a funder: enter its name.",
			"Row 6, organisation: “Nowhere” is not a program of this agency.",
			"Row 7, organisation: a consultant does not belong to an organisation",
			"Row 9, email: e@example.org is already invited by row 8.",
		}
		got := problemStrings(imp)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("problems\n%s\nwant %q", got, w)
			}
		}
		if len(imp.Problems) != len(want) {
			t.Errorf("got %d problems, want %d", len(imp.Problems), len(want))
		}
		sameCounts(t, before, e.counts(t, ctx))
	})
}

func TestImportsAreTenantScoped(t *testing.T) {
	e := newEnv(t)
	ctxA := e.tenant(t, "a-"+dbtest.RandomHex(3))
	ctxB := e.tenant(t, "b-"+dbtest.RandomHex(3))
	imp := e.upload(t, ctxA, KindPeople, "email,name,role,organisation\nx@example.org,,consultant,\n")
	if _, err := e.svc.store.Get(ctxB, imp.ID, true); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("tenant B got %v for tenant A's import, want ENOTFOUND", err)
	}
	if _, err := e.svc.Confirm(ctxB, imp.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("tenant B confirming A's import: got %v, want ENOTFOUND", err)
	}
	// A task carrying tenant B does nothing to tenant A's import.
	if err := e.svc.Run(ctxB, imp.ID, ""); err != nil {
		t.Fatal(err)
	}
	if list, _ := e.svc.store.List(ctxB, 10); len(list) != 0 {
		t.Fatalf("tenant B lists %d imports, want 0", len(list))
	}
}
