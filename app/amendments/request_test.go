package amendments_test

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/tenants"
)

type env struct {
	db    *bun.DB
	svc   *amendments.Service
	prog  *programs.Service
	admin context.Context
	// A program with an ISBE PI funding (no I/ECMH line, I/ECMHC not funded) and a MIECHV one
	// (I/ECMHC funded, no I/ECMH line either), and a second program with its own funding.
	program, other           string
	funder, miechv           string
	funding, miechvFunding   string
	otherFunding             string
	programCtx, otherCtx     context.Context
	funderCtx, otherFunderCx context.Context
}

const pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

func newEnv(t *testing.T) *env {
	t.Helper()
	db := dbtest.Open(t)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	queue := jobs.NewNamedQueue(rdb, "test:"+dbtest.RandomHex(6)+":"+jobs.DefaultQueue)
	ts := tenants.NewStore(db)
	log := audit.New(db)
	prog := programs.NewService(db, ts, log)
	svc := amendments.NewService(db, prog, ts, log, mail.New(db, queue, nil, "x@y.z"), queue, storage.NewLocal(t.TempDir()), "http://holdspace.test")
	e := &env{db: db, svc: svc, prog: prog}

	tn := &tenants.Tenant{Slug: "amend-" + dbtest.RandomHex(3), Name: "Amendments", Kind: tenants.KindStateSystem, State: "IL",
		Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := ts.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	e.admin = database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, UserID: "admin-user", Role: authz.TenantAdmin})
	org := func(kind, name, short string) string {
		o := &tenants.Organisation{Kind: kind, Name: name, ShortName: short}
		if kind == tenants.OrgProgram {
			o.ProgramKind, o.County, o.Languages = "home_visiting", "Cook", database.StringList{"English"}
		}
		if err := ts.CreateOrganisation(e.admin, o); err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	e.funder = org(tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI")
	e.miechv = org(tenants.OrgFunder, "Maternal, Infant, and Early Childhood Home Visiting", "MIECHV")
	e.program = org(tenants.OrgProgram, "Prairie Families Home Visiting", "")
	e.other = org(tenants.OrgProgram, "Southside Community Doula Program", "")
	years := programs.FiscalYears(tn, programs.CalendarState, time.Now())
	fy := itoa(years[2])
	fund := func(program, funder string, iecmhc bool, lines ...programs.LineInput) string {
		f, err := prog.AddFunding(e.admin, program, programs.FundingInput{FunderID: funder, FiscalYear: fy, IECMHCFunded: iecmhc, Lines: lines})
		if err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	// $132,500.00 in all: 2 % is $2,650.00, 10 % is $13,250.00.
	e.funding = fund(e.program, e.funder, false, programs.LineInput{Category: "Personnel", Amount: "96,000"},
		programs.LineInput{Category: "Fringe benefits", Amount: "24,000"}, programs.LineInput{Category: "Supplies", Amount: "3,500"},
		programs.LineInput{Category: "Indirect costs", Amount: "9,000"})
	e.miechvFunding = fund(e.program, e.miechv, true, programs.LineInput{Category: "Personnel", Amount: "50,000"})
	e.otherFunding = fund(e.other, e.funder, false, programs.LineInput{Category: "Personnel", Amount: "40,000"})
	e.programCtx = as(e.admin, "program-user", authz.Program, e.program)
	e.otherCtx = as(e.admin, "other-user", authz.Program, e.other)
	e.funderCtx = as(e.admin, "funder-user", authz.Funder, e.funder)
	e.otherFunderCx = as(e.admin, "miechv-user", authz.Funder, e.miechv)
	return e
}

func itoa(n int) string { return strconv.Itoa(n) }

func as(ctx context.Context, user, role, org string) context.Context {
	sc, _ := database.ScopeFrom(ctx)
	sc.UserID, sc.Role, sc.OrganisationID = user, role, org
	return database.WithScope(ctx, sc)
}

// steps gives a funder a process of n steps its own people decide.
func (e *env) steps(t *testing.T, funder string, n int) {
	t.Helper()
	tx, err := database.For(e.admin, e.db)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		now := database.Now()
		st := &amendments.Step{ID: database.NewID(), FunderID: funder, Position: i, Name: []string{"Program area review", "Fiscal office review"}[i%2],
			Decider: amendments.DeciderFunder, ResponseDays: 30, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.Insert(st).Exec(e.admin); err != nil {
			t.Fatal(err)
		}
	}
}

// lines are the funding's current lines as a form sends them, with the proposed amounts
// changed as named by category.
func (e *env) lines(t *testing.T, fundingID string, change map[string]string) []amendments.LineInput {
	t.Helper()
	f, err := e.prog.FundingByID(e.admin, fundingID)
	if err != nil {
		t.Fatal(err)
	}
	var out []amendments.LineInput
	for _, l := range f.Lines {
		in := amendments.LineInput{BudgetLineID: l.ID, Category: l.Category, Proposed: money.Cents(l.AmountCents).Input()}
		if v, ok := change[l.Category]; ok {
			in.Proposed, in.Justification = v, "Because "+l.Category+" changes."
		}
		out = append(out, in)
	}
	return out
}

func wantFields(t *testing.T, err error, code string, fields ...string) map[string]string {
	t.Helper()
	if apperr.Code(err) != code {
		t.Fatalf("got %v, want a %s error", err, code)
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
	return got
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	n, err := dbtest.Owner(t, e.db).NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func (e *env) heldBy(t *testing.T, fundingID string) string {
	t.Helper()
	var held string
	if err := dbtest.Owner(t, e.db).NewSelect().Table("fundings").Column("held_by").Where("id = ?", fundingID).Scan(context.Background(), &held); err != nil {
		t.Fatal(err)
	}
	return held
}

// A proposal moving $2,000 from Personnel to Supplies on $132,500.00: the notice limit is the
// greater of $1,000 and 2 % ($2,650.00), so it is notice only, recorded at once without a hold.
func TestClassificationPassesThrough(t *testing.T) {
	e := newEnv(t)
	e.steps(t, e.funder, 2)
	in := amendments.ProposalInput{FundingID: e.funding, Lines: e.lines(t, e.funding, map[string]string{"Personnel": "94,000.00", "Supplies": "5,500"}),
		Justification: "Move supplies money.", EffectiveOn: "2026-01-15"}
	p, fields, err := e.svc.Preview(e.programCtx, in)
	if err != nil || len(fields) > 0 {
		t.Fatalf("preview: %v %v", err, fields)
	}
	c := p.Class
	if c.Class != amendments.ClassNotice || c.Before != 132_500_00 || c.After != 132_500_00 || c.Moved != 2_000_00 || c.NoticeLimit != 2_650_00 {
		t.Fatalf("classified %+v, want notice only, $2,000 moved, limit $2,650", c)
	}
	if len(p.Steps) != 0 || !strings.Contains(c.Rule, "$2,650.00") {
		t.Fatalf("notice only: steps %v, rule %q", p.Steps, c.Rule)
	}
	if n := e.count(t, "amendments"); n != 0 {
		t.Fatalf("preview wrote %d amendments", n)
	}
	a, err := e.svc.SaveDraft(e.programCtx, "", in)
	if err != nil {
		t.Fatal(err)
	}
	if a.Number != 1 || a.Status != amendments.StatusDraft || a.Class != amendments.ClassNotice {
		t.Fatalf("draft %+v", a)
	}
	a, err = e.svc.Submit(e.programCtx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != amendments.StatusRecorded || a.Version != 1 || a.MovedCents != 2_000_00 || len(a.Steps) != 0 {
		t.Fatalf("submitted notice only: %+v", a)
	}
	if h := e.heldBy(t, e.funding); h != "" {
		t.Fatalf("a notice-only amendment holds the funding (%q)", h)
	}
	if n := e.count(t, "amendment_versions"); n != 1 {
		t.Fatalf("%d versions, want 1", n)
	}

	// The next transfer of $1,000 counts the $2,000 already moved by notice: cumulative
	// $3,000 of $132,500 (2.26 %), still notice only; the rule names the sum.
	in2 := amendments.ProposalInput{FundingID: e.funding, Lines: e.lines(t, e.funding, map[string]string{"Fringe benefits": "23,000", "Indirect costs": "10,000"})}
	p, _, err = e.svc.Preview(e.programCtx, in2)
	if err != nil {
		t.Fatal(err)
	}
	if p.Class.Earlier != 2_000_00 || p.Class.Cumulative != 3_000_00 || p.Class.Class != amendments.ClassNotice {
		t.Fatalf("second transfer: %+v", p.Class)
	}

	// Adding the I/ECMH consultation line from Personnel needs approval and goes through the
	// funder's two steps; submitting it opens step 0 for the funder's people, due in 30 days
	// in the tenant's time zone, and holds the funding.
	in3 := amendments.ProposalInput{FundingID: e.funding, Lines: append(e.lines(t, e.funding, map[string]string{"Personnel": "84,000"}),
		amendments.LineInput{Category: "I/ECMH consultation", Proposed: "12,000", Justification: "A consultant for our home visitors."}),
		Justification: "Add I/ECMHC.", EffectiveOn: "01/15/2026"}
	p, fields, err = e.svc.Preview(e.programCtx, in3)
	if err != nil || len(fields) > 0 {
		t.Fatalf("preview: %v %v", err, fields)
	}
	if p.Class.Class != amendments.ClassApproval || len(p.Steps) != 2 || !strings.Contains(p.Class.Rule, "I/ECMH consultation") {
		t.Fatalf("adding a line: %+v, steps %v", p.Class, p.Steps)
	}
	if w := p.StepList(); w[0].Who != "ISBE PI's people" {
		t.Fatalf("step words %+v", w)
	}
	if len(p.Warnings) != 0 {
		t.Fatalf("ISBE PI does not fund I/ECMHC, yet: %v", p.Warnings)
	}
	if p.Categories[0] != "I/ECMH consultation" {
		t.Fatalf("categories %v, want I/ECMH consultation first", p.Categories)
	}
	d, err := e.svc.SaveDraft(e.programCtx, "", in3)
	if err != nil {
		t.Fatal(err)
	}
	if d.Number != 2 || d.EffectiveOn != "2026-01-15" {
		t.Fatalf("second draft: number %d, effective %q", d.Number, d.EffectiveOn)
	}
	before := time.Now()
	s, err := e.svc.Submit(e.programCtx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("America/Chicago")
	wantDue := before.In(loc).AddDate(0, 0, 30).Format(time.DateOnly)
	if s.Status != amendments.StatusSubmitted || s.Step != 0 || s.Version != 1 || len(s.Steps) != 2 || s.StepDueOn != wantDue || s.SubmittedAt == nil {
		t.Fatalf("submitted: %+v (due %s)", s, wantDue)
	}
	var waiting string
	if err := dbtest.Owner(t, e.db).NewSelect().Table("amendments").Column("waiting_on").Where("id = ?", s.ID).Scan(context.Background(), &waiting); err != nil {
		t.Fatal(err)
	}
	if waiting != "funder:"+e.funder {
		t.Fatalf("waiting_on %q", waiting)
	}
	if h := e.heldBy(t, e.funding); h != s.ID {
		t.Fatalf("held by %q, want the submitted amendment", h)
	}
	if len(s.Lines) != 5 || s.Lines[4].Category != "I/ECMH consultation" || !s.Lines[4].IsNew() {
		t.Fatalf("lines %+v", s.Lines)
	}
}

// Every refusal names its field and writes nothing.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	e.steps(t, e.funder, 1)
	base := func() amendments.ProposalInput {
		return amendments.ProposalInput{FundingID: e.funding, Lines: e.lines(t, e.funding, nil), Justification: "Why.", EffectiveOn: "2026-03-01"}
	}
	t.Run("Amounts", func(t *testing.T) {
		in := base()
		in.Lines[0].Proposed = "12.345"
		in.Lines[1].Proposed = "-5"
		in.Lines[2].Proposed = ""
		in.Lines = append(in.Lines, amendments.LineInput{Category: "Travel", Proposed: "lots", Justification: "x"})
		_, err := e.svc.SaveDraft(e.programCtx, "", in)
		got := wantFields(t, err, apperr.EINVALID, "line_proposed_0", "line_proposed_1", "line_proposed_2", "line_proposed_4")
		if !strings.Contains(got["line_proposed_0"], "Personnel") || !strings.Contains(got["line_proposed_0"], "two digits") {
			t.Errorf("message %q", got["line_proposed_0"])
		}
		if !strings.Contains(got["line_proposed_4"], "Travel") {
			t.Errorf("message %q", got["line_proposed_4"])
		}
	})
	t.Run("Categories", func(t *testing.T) {
		in := base()
		in.Lines = append(in.Lines, amendments.LineInput{Category: "Supplies", Proposed: "100", Justification: "x"},
			amendments.LineInput{Category: "Pizza", Proposed: "100", Justification: "x"},
			amendments.LineInput{Category: "Travel", Proposed: "100", Justification: "x"},
			amendments.LineInput{Category: "Travel", Proposed: "100", Justification: "x"})
		_, err := e.svc.SaveDraft(e.programCtx, "", in)
		got := wantFields(t, err, apperr.EINVALID, "line_category_4", "line_category_5", "line_category_7")
		if !strings.Contains(got["line_category_4"], "already has a Supplies line") {
			t.Errorf("message %q", got["line_category_4"])
		}
	})
	t.Run("TextAndDate", func(t *testing.T) {
		in := base()
		in.Justification = strings.Repeat("x", 4001)
		in.EffectiveOn = "2026-02-30"
		in.Lines[0].Justification = strings.Repeat("y", 501)
		_, err := e.svc.SaveDraft(e.programCtx, "", in)
		got := wantFields(t, err, apperr.EINVALID, "justification", "effective_on", "line_justification_0")
		if !strings.Contains(got["effective_on"], "mm/dd/yyyy") {
			t.Errorf("message %q", got["effective_on"])
		}
	})
	t.Run("SubmitNeedsAChange", func(t *testing.T) {
		a, err := e.svc.SaveDraft(e.programCtx, "", base())
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Submit(e.programCtx, a.ID)
		got := wantFields(t, err, apperr.EINVALID, "lines")
		if got["lines"] != "Change at least one line." {
			t.Errorf("message %q", got["lines"])
		}
	})
	t.Run("SubmitNeedsJustificationsAndDate", func(t *testing.T) {
		in := base()
		in.Justification, in.EffectiveOn = "", ""
		in.Lines[0].Proposed, in.Lines[3].Proposed = "90,000", "15,000"
		a, err := e.svc.SaveDraft(e.programCtx, "", in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Submit(e.programCtx, a.ID)
		got := wantFields(t, err, apperr.EINVALID, "justification", "effective_on", "line_justification_0", "line_justification_3")
		if !strings.Contains(got["line_justification_3"], "Indirect costs") {
			t.Errorf("message %q", got["line_justification_3"])
		}
		if s, _ := e.svc.Amendment(e.programCtx, a.ID); s.Status != amendments.StatusDraft {
			t.Fatalf("refused, yet %s", s.Status)
		}
	})
	t.Run("FunderWithoutProcess", func(t *testing.T) {
		in := base()
		in.FundingID = e.miechvFunding
		in.Lines = e.lines(t, e.miechvFunding, map[string]string{"Personnel": "60,000"})
		a, err := e.svc.SaveDraft(e.programCtx, "", in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Submit(e.programCtx, a.ID)
		if apperr.Code(err) != apperr.ECONFLICT || !strings.Contains(apperr.Message(err), "MIECHV has not set its amendment process") ||
			!strings.Contains(apperr.Message(err), "tenant administrator") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("OnlyTheProgramsPeople", func(t *testing.T) {
		before := e.count(t, "amendments")
		for _, ctx := range []context.Context{e.admin, e.funderCtx} {
			if _, err := e.svc.SaveDraft(ctx, "", base()); apperr.Code(err) != apperr.EFORBIDDEN && apperr.Code(err) != apperr.ENOTFOUND {
				t.Fatalf("got %v, want refused", err)
			}
			if _, _, err := e.svc.Preview(ctx, base()); apperr.Code(err) != apperr.EFORBIDDEN && apperr.Code(err) != apperr.ENOTFOUND {
				t.Fatalf("preview got %v, want refused", err)
			}
		}
		// Another program's funding, and another program's amendment, are not found.
		if _, err := e.svc.SaveDraft(e.otherCtx, "", base()); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("another program's funding: %v", err)
		}
		a, err := e.svc.SaveDraft(e.programCtx, "", base())
		if err != nil {
			t.Fatal(err)
		}
		before++
		for name, call := range map[string]func() error{
			"edit":     func() error { _, err := e.svc.SaveDraft(e.otherCtx, a.ID, base()); return err },
			"submit":   func() error { _, err := e.svc.Submit(e.otherCtx, a.ID); return err },
			"withdraw": func() error { _, err := e.svc.Withdraw(e.otherCtx, a.ID, ""); return err },
			"attach": func() error {
				_, err := e.svc.AddAttachment(e.otherCtx, a.ID, "a.pdf", strings.NewReader(pdf))
				return err
			},
			"read": func() error { _, err := e.svc.Attachments(e.otherCtx, a.ID); return err },
		} {
			if err := call(); apperr.Code(err) != apperr.ENOTFOUND {
				t.Errorf("%s by another program: %v, want not found", name, err)
			}
		}
		if _, err := e.svc.Submit(e.funderCtx, a.ID); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("submit by the funder: %v, want forbidden", err)
		}
		if n := e.count(t, "amendments"); n != before {
			t.Fatalf("%d amendments, want %d", n, before)
		}
	})
}

// The I/ECMHC warning quotes seed 000 when a funding that already pays for I/ECMHC gets an
// I/ECMH consultation line; it does not refuse.
func TestIECMHCFundedWarning(t *testing.T) {
	e := newEnv(t)
	in := amendments.ProposalInput{FundingID: e.miechvFunding, Lines: append(e.lines(t, e.miechvFunding, map[string]string{"Personnel": "40,000"}),
		amendments.LineInput{Category: "I/ECMH consultation", Proposed: "10,000", Justification: "x"})}
	p, fields, err := e.svc.Preview(e.programCtx, in)
	if err != nil || len(fields) > 0 {
		t.Fatalf("%v %v", err, fields)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "receive funding for I/ECMHC in their program budgets") {
		t.Fatalf("warnings %v", p.Warnings)
	}
	if _, err := e.svc.SaveDraft(e.programCtx, "", in); err != nil {
		t.Fatalf("a warning refused the draft: %v", err)
	}
}

// Two drafts on one funding submitted at once: one waits for a decision, the other is told
// which amendment holds the funding.
func TestSubmitTwiceAtOnce(t *testing.T) {
	e := newEnv(t)
	e.steps(t, e.funder, 1)
	in := amendments.ProposalInput{FundingID: e.funding, Lines: e.lines(t, e.funding, map[string]string{"Personnel": "100,000"}),
		Justification: "More staff.", EffectiveOn: "2026-03-01"}
	a, err := e.svc.SaveDraft(e.programCtx, "", in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.SaveDraft(e.programCtx, "", in)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []string{a.ID, b.ID} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.svc.Submit(e.programCtx, id)
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	var msg string
	for _, err := range errs {
		switch apperr.Code(err) {
		case "":
			ok++
		case apperr.ECONFLICT:
			conflicts++
			msg = apperr.Message(err)
		default:
			t.Fatalf("unexpected %v", err)
		}
	}
	if ok != 1 || conflicts != 1 {
		t.Fatalf("%d submitted, %d refused; want one each (%v)", ok, conflicts, errs)
	}
	held := e.heldBy(t, e.funding)
	winner := a
	if held == b.ID {
		winner = b
	}
	if !strings.Contains(msg, "Another amendment of this funding is waiting for a decision: "+winner.Title()+".") {
		t.Fatalf("message %q, want it to name %s", msg, winner.Title())
	}
	if n := e.count(t, "amendment_versions"); n != 1 {
		t.Fatalf("%d versions, want 1", n)
	}
}

func TestWithdraw(t *testing.T) {
	e := newEnv(t)
	e.steps(t, e.funder, 2)
	in := amendments.ProposalInput{FundingID: e.funding, Lines: e.lines(t, e.funding, map[string]string{"Personnel": "100,000"}),
		Justification: "More staff.", EffectiveOn: "2026-03-01"}
	draft, err := e.svc.SaveDraft(e.programCtx, "", in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Withdraw(e.programCtx, draft.ID, strings.Repeat("r", 1001)); apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)["reason"] == "" {
		t.Fatalf("a long reason: %v", err)
	}
	w, err := e.svc.Withdraw(e.programCtx, draft.ID, "Not needed.")
	if err != nil || w.Status != amendments.StatusWithdrawn {
		t.Fatalf("withdraw a draft: %v %+v", err, w)
	}
	if _, err := e.svc.Withdraw(e.programCtx, draft.ID, ""); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("withdraw twice: %v", err)
	}
	if _, err := e.svc.SaveDraft(e.programCtx, draft.ID, in); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("edit a withdrawn one: %v", err)
	}

	// Submitted, no decision yet: withdrawn, and the funding is let go.
	a, _ := e.svc.SaveDraft(e.programCtx, "", in)
	if _, err := e.svc.Submit(e.programCtx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SaveDraft(e.programCtx, a.ID, in); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("edit a submitted one: %v", err)
	}
	if _, err := e.svc.Withdraw(e.funderCtx, a.ID, ""); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("the funder withdraws: %v", err)
	}
	if _, err := e.svc.Withdraw(e.programCtx, a.ID, "Changed our mind."); err != nil {
		t.Fatal(err)
	}
	if h := e.heldBy(t, e.funding); h != "" {
		t.Fatalf("still held by %q", h)
	}

	// Submitted with a decision on its version: refused, still held.
	b, _ := e.svc.SaveDraft(e.programCtx, "", in)
	b, err = e.svc.Submit(e.programCtx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	tx, _ := database.For(e.admin, e.db)
	dec := &amendments.Decision{ID: database.NewID(), AmendmentID: b.ID, Version: b.Version, Step: 0, StepName: "Program area review",
		Decision: amendments.DecisionApproved, DecidedBy: "funder-user", DecidedAt: database.Now()}
	if _, err := tx.Insert(dec).Exec(e.admin); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Withdraw(e.programCtx, b.ID, "")
	if apperr.Code(err) != apperr.ECONFLICT || !strings.Contains(apperr.Message(err), "has a decision already") {
		t.Fatalf("withdraw after a decision: %v", err)
	}
	if h := e.heldBy(t, e.funding); h != b.ID {
		t.Fatalf("held by %q after a refused withdrawal", h)
	}
	moves, _ := dbtest.Owner(t, e.db).NewSelect().Table("amendment_moves").Where("to_status = ?", amendments.StatusWithdrawn).Count(context.Background())
	if moves != 2 {
		t.Fatalf("%d withdrawal moves, want 2", moves)
	}
}

func TestAttachments(t *testing.T) {
	e := newEnv(t)
	a, err := e.svc.SaveDraft(e.programCtx, "", amendments.ProposalInput{FundingID: e.funding, Lines: e.lines(t, e.funding, nil)})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"budget.pdf": "", "budget.exe": "MZ\x90\x00", "fake.pdf": "<html>not a pdf</html>"} {
		if _, err := e.svc.AddAttachment(e.programCtx, a.ID, name, strings.NewReader(body)); apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)["file"] == "" {
			t.Errorf("%s: %v, want refused on the file field", name, err)
		}
	}
	if n := e.count(t, "amendment_attachments"); n != 0 {
		t.Fatalf("%d attachments after refusals", n)
	}
	at, err := e.svc.AddAttachment(e.programCtx, a.ID, `C:\budgets\"revised" budget.pdf`, strings.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	if at.FileName != "revised budget.pdf" || at.ContentType != "application/pdf" {
		t.Fatalf("stored as %q %q", at.FileName, at.ContentType)
	}
	list, err := e.svc.Attachments(e.funderCtx, a.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("the funder's list: %v %v", err, list)
	}
	got, rc, err := e.svc.OpenAttachment(e.programCtx, a.ID, at.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(b, []byte(pdf)) || got.ID != at.ID {
		t.Fatal("the file read back differs")
	}
	reads, _ := dbtest.Owner(t, e.db).NewSelect().Table("audit_events").Where("action = ? AND record_id = ?", "amendment_attachment.read", at.ID).Count(context.Background())
	if reads != 1 {
		t.Fatalf("%d audited reads, want 1", reads)
	}
	if _, _, err := e.svc.OpenAttachment(e.otherCtx, a.ID, at.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another program reads it: %v", err)
	}
	if _, _, err := e.svc.OpenAttachment(e.otherFunderCx, a.ID, at.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another funder reads it: %v", err)
	}
}

func TestList(t *testing.T) {
	e := newEnv(t)
	e.steps(t, e.funder, 1)
	in := amendments.ProposalInput{FundingID: e.funding, Lines: e.lines(t, e.funding, map[string]string{"Personnel": "100,000"}),
		Justification: "More staff.", EffectiveOn: "2026-03-01"}
	draft, _ := e.svc.SaveDraft(e.programCtx, "", in)
	sub, _ := e.svc.SaveDraft(e.programCtx, "", in)
	if _, err := e.svc.Submit(e.programCtx, sub.ID); err != nil {
		t.Fatal(err)
	}
	otherIn := amendments.ProposalInput{FundingID: e.otherFunding, Lines: e.lines(t, e.otherFunding, nil)}
	if _, err := e.svc.SaveDraft(e.otherCtx, "", otherIn); err != nil {
		t.Fatal(err)
	}
	ids := func(ctx context.Context, f amendments.ListFilter) []string {
		list, err := e.svc.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range list {
			out = append(out, a.ID)
		}
		return out
	}
	if got := ids(e.programCtx, amendments.ListFilter{}); len(got) != 2 || got[0] != sub.ID || got[1] != draft.ID {
		t.Fatalf("the program's list %v, want the submitted one then the draft", got)
	}
	if got := ids(e.funderCtx, amendments.ListFilter{}); len(got) != 1 || got[0] != sub.ID {
		t.Fatalf("the funder's list %v, want only the submitted one (no drafts)", got)
	}
	if got := ids(e.otherFunderCx, amendments.ListFilter{}); len(got) != 0 {
		t.Fatalf("another funder sees %v", got)
	}
	if got := ids(e.admin, amendments.ListFilter{Status: amendments.StatusSubmitted}); len(got) != 1 {
		t.Fatalf("the admin's submitted %v", got)
	}
	// Overdue first, and the keyset cursor continues after the page's last row.
	owner := dbtest.Owner(t, e.db)
	if _, err := owner.NewUpdate().Table("amendments").Set("overdue = ?", true).Where("id = ?", draft.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	first, err := e.svc.List(e.programCtx, amendments.ListFilter{Limit: 1})
	if err != nil || len(first) != 1 || first[0].ID != draft.ID {
		t.Fatalf("first page %v %v, want the overdue one", err, first)
	}
	if got := ids(e.programCtx, amendments.ListFilter{Limit: 1, After: first[0].Cursor()}); len(got) != 1 || got[0] != sub.ID {
		t.Fatalf("second page %v", got)
	}
}
