package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/database"
)

// decisionAmendment inserts, as rows, an amendment of slug submitted on a funding the demo
// funder person's funder makes, waiting on its first step (the funder's), then the tenant
// admins'. It moves money from Personnel to a new I/ECMH consultation line.
func (e *testEnv) decisionAmendment(slug string, submitted time.Time, dueOn string) *amendments.Amendment {
	e.t.Helper()
	ctx := context.Background()
	tenantID := e.tenantID(slug)
	var funderID string
	if err := e.raw().NewSelect().Table("memberships").ColumnExpr("memberships.organisation_id").
		Join("JOIN users ON users.id = memberships.user_id").
		Where("memberships.tenant_id = ? AND users.email = ?", tenantID, "funder@"+slug+".example").Scan(ctx, &funderID); err != nil {
		e.t.Fatalf("the demo funder of %s: %v", slug, err)
	}
	var funding struct {
		ID, ProgramID string
	}
	if err := e.raw().NewSelect().Table("fundings").Column("id", "program_id").Where("tenant_id = ? AND funder_id = ?", tenantID, funderID).
		OrderExpr("id").Limit(1).Scan(ctx, &funding.ID, &funding.ProgramID); err != nil {
		e.t.Fatalf("a funding of the demo funder of %s: %v", slug, err)
	}
	var number int
	if err := e.raw().NewSelect().Table("amendments").ColumnExpr("COALESCE(MAX(number), 0) + 1").Where("tenant_id = ?", tenantID).Scan(ctx, &number); err != nil {
		e.t.Fatal(err)
	}
	opened := submitted
	a := &amendments.Amendment{ID: database.NewID(), Number: number, FundingID: funding.ID, ProgramID: funding.ProgramID, FunderID: funderID,
		Status: amendments.StatusSubmitted, Class: amendments.ClassApproval, Version: 1, Step: 0,
		Steps: []amendments.StepSnapshot{
			{Name: "Program area review", Decider: amendments.DeciderFunder, ResponseDays: 30},
			{Name: "Fiscal office review", Decider: amendments.DeciderTenantAdmin, ResponseDays: 15},
		},
		StepOpenedAt: &opened, StepDueOn: dueOn, EffectiveOn: "2027-01-01", Justification: "Add monthly I/ECMH consultation.",
		BeforeCents: 100_000_00, AfterCents: 100_000_00, MovedCents: 9_000_00,
		CreatedBy: e.userID("admin@" + slug + ".example"), CreatedAt: submitted, UpdatedAt: submitted, SubmittedAt: &submitted}
	a.WaitingOn = amendments.WaitingOn(a, a.Steps[0])
	a.TenantID = tenantID
	if _, err := e.raw().NewInsert().Model(a).Exec(ctx); err != nil {
		e.t.Fatal(err)
	}
	lines := []amendments.Line{
		{Position: 0, BudgetLineID: database.NewID(), Category: "Personnel", CurrentCents: 100_000_00, ProposedCents: 91_000_00, Justification: "A vacancy until March."},
		{Position: 1, Category: "I/ECMH consultation", ProposedCents: 9_000_00, Justification: "Monthly consultation with the home visitors."},
	}
	var values []amendments.LineValue
	for i := range lines {
		lines[i].AmendmentID, lines[i].TenantID = a.ID, tenantID
		if _, err := e.raw().NewInsert().Model(&lines[i]).Exec(ctx); err != nil {
			e.t.Fatal(err)
		}
		l := lines[i]
		values = append(values, amendments.LineValue{BudgetLineID: l.BudgetLineID, Category: l.Category, CurrentCents: l.CurrentCents,
			ProposedCents: l.ProposedCents, Justification: l.Justification})
	}
	v := &amendments.Version{ID: database.NewID(), AmendmentID: a.ID, Number: 1, Class: a.Class, Lines: values,
		Justification: a.Justification, EffectiveOn: a.EffectiveOn, SubmittedBy: a.CreatedBy, SubmittedAt: submitted}
	v.TenantID = tenantID
	if _, err := e.raw().NewInsert().Model(v).Exec(ctx); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// amendmentDecisionFixtures are an amendment of slug waiting on its funder's decision (the
// routes naming :amendmentID).
func (e *testEnv) amendmentDecisionFixtures(slug string) fixtures {
	e.t.Helper()
	a := e.decisionAmendment(slug, time.Now().UTC().Add(-72*time.Hour), time.Now().UTC().AddDate(0, 0, 27).Format(time.DateOnly))
	return fixtures{"amendmentID": a.ID}
}

func TestAmendmentDecisionPages(t *testing.T) {
	env := newTestEnv(t)
	a := env.decisionAmendment("illinois", time.Now().UTC().Add(-72*time.Hour), "2026-01-05") // long overdue
	page := "/t/illinois/amendments/" + a.ID

	// Robert Nguyen decides for IDHS-DEC, the funder.
	funder := env.client(t)
	funder.signIn("funder@illinois.example")
	funder.get("/t/illinois/amendments/inbox").mustStatus(t, http.StatusOK).
		mustContain(t, "Waiting on you", a.Title(), "Southside Community Doula Program", "IDHS-DEC", "Needs approval", "Program area review", "Overdue", "$0.00")
	// The filter's list alone for htmx; filtering by a class it is not in leaves nothing.
	frag := funder.get("/t/illinois/amendments/inbox?class=total", "HX-Request", "true").mustStatus(t, http.StatusOK)
	if strings.Contains(frag.body, "<html") || strings.Contains(frag.body, a.Title()) || !strings.Contains(frag.body, "Nothing waits on you among the amendments this filter shows") {
		t.Fatalf("the htmx fragment:\n%s", truncateBody(frag.body))
	}
	show := funder.get(page).mustStatus(t, http.StatusOK)
	show.mustContain(t, a.Title(), "Waiting for a decision", "Southside Community Doula Program", "IDHS-DEC", "FY ",
		"It adds a line item (I/ECMH consultation)", "01/01/2027", "Add monthly I/ECMH consultation.",
		"I/ECMH consultation", "New line", "Changed", "$91,000.00", "-$9,000.00", "A vacancy until March.",
		"Program area review", "Decided by IDHS-DEC&#39;s people", "Overdue", "Fiscal office review", "Not reached yet.",
		"Your decision", "Approve with adjusted amounts", "Return for changes", "Deny", `name="version" value="1"`, `name="step" value="0"`,
		"No attachments.", "Version 1", "Comments", "No comments yet.")
	if strings.Contains(show.body, "/withdraw") || strings.Contains(show.body, "/edit") {
		t.Fatal("the funder is offered the program's actions")
	}

	// Who else sees it: the admin (no form: the step is the funder's), not another program,
	// not a consultant.
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	adminPage := admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "This step waits on IDHS-DEC&#39;s people.")
	if strings.Contains(adminPage.body, "Your decision") {
		t.Fatal("the admin is offered the funder's decision")
	}
	program := env.client(t)
	program.signIn("program@illinois.example") // Prairie Families: not this amendment's program
	if r := program.get(page); r.status != http.StatusNotFound || strings.Contains(r.body, "Add monthly") {
		t.Fatalf("another program's person got %d", r.status)
	}
	maria := env.client(t)
	maria.signIn("maria.alvarez@consult.example")
	if r := maria.get(page); r.status != http.StatusForbidden && r.status != http.StatusNotFound || strings.Contains(r.body, "Add monthly") {
		t.Fatalf("a consultant got %d", r.status)
	}
	// The admin posting the funder's decision is refused, says who decides, and it is logged.
	admin.post(page+"/decision", url.Values{"decision": {"approved"}, "version": {"1"}, "step": {"0"}}).
		mustStatus(t, http.StatusForbidden).mustContain(t, "Only IDHS-DEC&#39;s people decide the step")
	if n := env.count("audit_events", "action = 'amendment.refused' AND record_id = ?", a.ID); n != 1 {
		t.Fatalf("%d refusals logged", n)
	}

	// Bad input comes back with what was typed, naming the field; nothing is written.
	funder.post(page+"/decision", url.Values{"decision": {"returned"}, "comment": {""}, "version": {"1"}, "step": {"0"}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "the comment is required", `value="returned" checked`)
	funder.post(page+"/decision", url.Values{"decision": {"approved_adjusted"}, "adjusted_1": {"nine thousand"}, "adjusted_0": {"91,000.00"},
		"comment": {"Keep my words"}, "version": {"1"}, "step": {"0"}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "I/ECMH consultation: Enter an amount in dollars", `value="nine thousand"`, "Keep my words")
	if n := env.count("amendment_decisions", "amendment_id = ?", a.ID); n != 0 {
		t.Fatalf("%d decisions written by bad input", n)
	}
	// A stale page (another version) is told what happened.
	funder.post(page+"/decision", url.Values{"decision": {"approved"}, "version": {"2"}, "step": {"0"}}).
		mustStatus(t, http.StatusConflict).mustContain(t, "changed while you were looking at it")

	// The funder approves with an adjusted amount; the admins' step opens.
	r := funder.post(page+"/decision", url.Values{"decision": {"approved_adjusted"}, "adjusted_0": {"91,000.00"}, "adjusted_1": {"8,000.00"},
		"comment": {"Consultation at $8,000 this year."}, "version": {"1"}, "step": {"0"}}).mustStatus(t, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != page {
		t.Fatalf("redirected to %q", loc)
	}
	funder.get(page).mustStatus(t, http.StatusOK).mustContain(t, "step approved; it now waits on Fiscal office review",
		"Approved with adjusted amounts</strong> by Robert Nguyen", "adjusted from $9,000.00 to $8,000.00 by Program area review",
		"Consultation at $8,000 this year.", "This step waits on the tenant&#39;s admins.")
	// The second of two clicks reads who decided.
	funder.post(page+"/decision", url.Values{"decision": {"approved"}, "version": {"1"}, "step": {"0"}}).
		mustStatus(t, http.StatusConflict).mustContain(t, "Someone else decided this step first: Approved with adjusted amounts by Robert Nguyen on ")
	// It leaves the funder's inbox and enters the admins'.
	if strings.Contains(funder.get("/t/illinois/amendments/inbox").body, a.Title()+"<") {
		t.Fatal("still in the funder's inbox")
	}
	admin.get("/t/illinois/amendments/inbox").mustStatus(t, http.StatusOK).mustContain(t, a.Title(), "Fiscal office review")

	// The thread: both sides write, and read each other.
	funder.post(page+"/comments", url.Values{"comment": {""}}).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Write the comment.")
	funder.post(page+"/comments", url.Values{"comment": {"Please attach the contract."}}).mustStatus(t, http.StatusSeeOther)
	admin.get(page).mustContain(t, "Please attach the contract.", "Robert Nguyen")

	// The admin approves the last step: approved.
	admin.post(page+"/decision", url.Values{"decision": {"approved"}, "version": {"1"}, "step": {"1"}}).mustStatus(t, http.StatusSeeOther)
	admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Approved</span>", "Approved</strong> by Denise Carter")
	if n := env.count("audit_events", "action IN ('amendment.adjust', 'amendment.approve') AND record_id = ?", a.ID); n != 2 {
		t.Fatalf("%d decision events in the audit log", n)
	}
}

// The program's side of the page: Edit and Withdraw while they are allowed, and the PDF once
// there is one.
func TestAmendmentPageProgramSide(t *testing.T) {
	env := newTestEnv(t)
	a := env.decisionAmendment("ohio", time.Now().UTC().Add(-24*time.Hour), time.Now().UTC().AddDate(0, 0, 29).Format(time.DateOnly))
	var programID string
	if err := env.raw().NewSelect().Table("memberships").ColumnExpr("memberships.organisation_id").Join("JOIN users ON users.id = memberships.user_id").
		Where("users.email = ?", "program@ohio.example").Scan(context.Background(), &programID); err != nil {
		t.Fatal(err)
	}
	if programID != a.ProgramID {
		// Put it on the demo program person's own program.
		if _, err := env.raw().NewUpdate().Table("amendments").Set("program_id = ?", programID).Where("id = ?", a.ID).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	page := "/t/ohio/amendments/" + a.ID
	program := env.client(t)
	program.signIn("program@ohio.example")
	body := program.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Withdraw the amendment", page+"/withdraw").body
	if strings.Contains(body, "Your decision") || strings.Contains(body, page+"/edit") {
		t.Fatal("a submitted amendment offers the program a decision or an edit")
	}
	run := database.NewID()
	if _, err := env.raw().NewUpdate().Table("amendments").Set("status = 'returned', waiting_on = '', document_run_id = ?", run).Where("id = ?", a.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	program.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Returned for changes", "Edit and resubmit", page+"/edit",
		"The amendment document (PDF)", "/t/ohio/runs/"+run+`"`)
}

// The inbox pages by keyset: the next page starts after the first's last row, every row once.
func TestAmendmentInboxPages(t *testing.T) {
	env := newTestEnv(t)
	start := time.Now().UTC().Add(-30 * 24 * time.Hour)
	var titles []string
	for i := 0; i < 27; i++ {
		a := env.decisionAmendment("illinois", start.Add(time.Duration(i)*time.Hour), "2027-02-01")
		titles = append(titles, a.Title())
	}
	c := env.client(t)
	c.signIn("funder@illinois.example")
	first := c.get("/t/illinois/amendments/inbox").mustStatus(t, http.StatusOK)
	m := regexp.MustCompile(`href="(/t/illinois/amendments/inbox\?[^"]*)"[^>]*usa-pagination__next-page`).FindStringSubmatch(first.body)
	if m == nil {
		t.Fatal("no link to the next page")
	}
	link := strings.ReplaceAll(m[1], "&amp;", "&")
	second := c.get(link).mustStatus(t, http.StatusOK)
	seen := map[string]int{}
	re := regexp.MustCompile(`>(Amendment \d+)</a>`)
	for _, b := range []string{first.body, second.body} {
		for _, x := range re.FindAllStringSubmatch(b, -1) {
			seen[x[1]]++
		}
	}
	for _, title := range titles {
		if seen[title] != 1 {
			t.Errorf("%s shown %d times over the two pages", title, seen[title])
		}
	}
	if strings.Contains(second.body, "usa-pagination__next-page") {
		t.Fatal("a third page")
	}
	// Newest first: the last one made leads the first page.
	if i := strings.Index(first.body, titles[26]+"<"); i < 0 || i > strings.Index(first.body, titles[25]+"<") {
		t.Fatalf("the newest is not first")
	}
	_ = strconv.Itoa
}
