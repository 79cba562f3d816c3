package server

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// The program person of each demo tenant, and their program.
var requestPeople = map[string]struct{ email, program string }{
	"illinois":    {"program@illinois.example", "Prairie Families Home Visiting"},
	"ohio":        {"program@ohio.example", "Franklin County Help Me Grow Early Intervention Team"},
	"nc-piedmont": {"program@nc-piedmont.example", "Little Acorns Child Care Center"},
}

// programPerson is a context of the demo tenant's program person, and their program's id.
func (e *testEnv) programPerson(slug string) (context.Context, string) {
	e.t.Helper()
	p := requestPeople[slug]
	programID := e.setupOrgID(slug, tenants.OrgProgram, p.program)
	sc, _ := database.ScopeFrom(e.scoped(slug))
	sc.UserID, sc.Role, sc.OrganisationID = e.userID(p.email), authz.Program, programID
	return database.WithScope(context.Background(), sc), programID
}

// fundingOf is one of a program's fundings by its funder's short name ("" for the first).
func (e *testEnv) fundingOf(slug, programID, funderShort string) *programs.Funding {
	e.t.Helper()
	list, err := e.app.Programs.Store().Fundings(e.scoped(slug), programID)
	if err != nil || len(list) == 0 {
		e.t.Fatalf("fundings of %s: %v", programID, err)
	}
	for i := range list {
		if funderShort == "" || list[i].FunderShort == funderShort {
			return &list[i]
		}
	}
	e.t.Fatalf("no funding from %s", funderShort)
	return nil
}

// requestFixtures: a draft amendment of the tenant's program person that changes nothing
// (so a hostile "submit" is refused), with one attachment.
func (e *testEnv) requestFixtures(slug string) fixtures {
	e.t.Helper()
	ctx, programID := e.programPerson(slug)
	f := e.fundingOf(slug, programID, "")
	var lines []amendments.LineInput
	for _, l := range f.Lines {
		lines = append(lines, amendments.LineInput{BudgetLineID: l.ID, Category: l.Category, Proposed: money.Cents(l.AmountCents).Input()})
	}
	a, err := e.app.Amendments.SaveDraft(ctx, "", amendments.ProposalInput{FundingID: f.ID, Lines: lines})
	if err != nil {
		e.t.Fatal(err)
	}
	at, err := e.app.Amendments.AddAttachment(ctx, a.ID, "fixture.pdf", bytes.NewReader(testPDF))
	if err != nil {
		e.t.Fatal(err)
	}
	return fixtures{"amendmentID": a.ID, "attachmentID": at.ID}
}

// giveProcess gives a funder of a demo tenant a process of two steps its own people decide.
func (e *testEnv) giveProcess(slug, funderID string) {
	e.t.Helper()
	ctx := e.scoped(slug)
	tx, err := database.For(ctx, e.app.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	for i, name := range []string{"Program area review", "Fiscal office review"} {
		now := database.Now()
		st := &amendments.Step{ID: database.NewID(), FunderID: funderID, Position: i, Name: name, Decider: amendments.DeciderFunder,
			ResponseDays: 30, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.Insert(st).Exec(ctx); err != nil {
			e.t.Fatal(err)
		}
	}
}

var lineRowRe = regexp.MustCompile(`name="(line_id_\d+)" value="([^"]*)"`)

// proposalForm is the new-amendment form of the page as it was rendered, as url.Values.
func proposalForm(t *testing.T, body string) url.Values {
	t.Helper()
	posts, _ := formsOf("/", body)
	for _, f := range posts {
		if f.values.Has("funding_id") {
			return f.values
		}
	}
	t.Fatalf("no proposal form on the page\n%s", truncateBody(body))
	return nil
}

// rowOf is the row index of the line of category in the form.
func rowOf(t *testing.T, v url.Values, category string) string {
	t.Helper()
	for k, vs := range v {
		if strings.HasPrefix(k, "line_category_") && len(vs) > 0 && vs[0] == category && v.Get("line_id_"+strings.TrimPrefix(k, "line_category_")) != "" {
			return strings.TrimPrefix(k, "line_category_")
		}
	}
	t.Fatalf("no row of %s in %v", category, v)
	return ""
}

// A program person proposes, as a person types: the summary shows the class with its rule,
// the steps with who decides each, the totals; a plain POST "Check" shows the same; saving and
// submitting work; the list shows it.
func TestAmendmentRequestPages(t *testing.T) {
	env := newTestEnv(t)
	isbe := env.setupOrgID("illinois", tenants.OrgFunder, "ISBE PI")
	env.giveProcess("illinois", isbe)
	_, programID := env.programPerson("illinois")
	f := env.fundingOf("illinois", programID, "ISBE PI")

	c := env.client(t)
	c.signIn("program@illinois.example")
	list := c.get("/t/illinois/amendments").mustStatus(t, http.StatusOK)
	list.mustContain(t, "Budget amendments", "Propose an amendment", "/t/illinois/amendments/new?funding="+f.ID)
	if !strings.Contains(list.body, `href="/t/illinois/amendments"`) {
		t.Fatal("the menu has no Budget amendments link")
	}
	page := c.get("/t/illinois/amendments/new?funding="+f.ID).mustStatus(t, http.StatusOK)
	page.mustContain(t, "Propose a budget amendment", "Personnel: proposed amount", "Now $96,000.00", `hx-post="/t/illinois/amendments/preview"`,
		`hx-trigger="input changed delay:300ms"`)
	// I/ECMH consultation is offered first among the new line's categories (ISBE PI's funding lacks it).
	if m := regexp.MustCompile(`(?s)<option value="">- Category -</option>\s*<option value="([^"]+)"`).FindStringSubmatch(page.body); m == nil || m[1] != "I/ECMH consultation" {
		t.Fatalf("the first category offered is %v", m)
	}
	v := proposalForm(t, page.body)
	personnel := rowOf(t, v, "Personnel")
	v.Set("line_proposed_"+personnel, "86,000.00")
	v.Set("line_justification_"+personnel, "A vacant position.")
	newRow := ""
	for i := 0; i < 20; i++ {
		k := "line_category_" + itoaTest(i)
		if v.Has(k) && v.Get("line_id_"+itoaTest(i)) == "" {
			newRow = itoaTest(i)
			break
		}
	}
	v.Set("line_category_"+newRow, "I/ECMH consultation")
	v.Set("line_proposed_"+newRow, "10,000")
	v.Set("line_justification_"+newRow, "A consultant for our home visitors.")
	v.Set("justification", "Add I/ECMHC to our budget.")
	v.Set("effective_on", "2026-07-01")

	// As the person types (htmx): the summary fragment alone.
	c.refreshCSRF()
	v.Set("_csrf", c.csrf)
	frag := c.post("/t/illinois/amendments/preview", v, "HX-Request", "true").mustStatus(t, http.StatusOK)
	if strings.Contains(frag.body, "<html") {
		t.Fatal("the htmx preview sent the whole page")
	}
	mustContainText(t, frag, "Needs approval",
		"It adds a line item (I/ECMH consultation), which needs the funder's prior approval (2 CFR 200.308).",
		"Program area review: decided by ISBE PI's people", "Fiscal office review", "$132,500.00", "Net change", "$0.00")

	// The plain POST "Check": the whole form again, with the same summary and what was typed.
	v.Set("action", "check")
	checked := c.post("/t/illinois/amendments", v).mustStatus(t, http.StatusOK)
	mustContainText(t, checked, "Propose a budget amendment", "It adds a line item (I/ECMH consultation)", `value="86,000.00"`, "A vacant position.")
	if n := env.countAmendments(t); n != 0 {
		t.Fatalf("Check saved %d amendments", n)
	}

	// A bad amount: the field is named, the form comes back with what was typed.
	bad := cloneValues(v)
	bad.Set("action", "save")
	bad.Set("line_proposed_"+personnel, "86,000.999")
	res := c.post("/t/illinois/amendments", bad).mustStatus(t, http.StatusUnprocessableEntity)
	res.mustContain(t, "Personnel: Use at most two digits after the point", `value="86,000.999"`, `id="line_proposed_`+personnel+`-error"`)
	if n := env.countAmendments(t); n != 0 {
		t.Fatalf("a refused form saved %d amendments", n)
	}

	// Save a draft, then submit it from its form.
	v.Set("action", "save")
	saved := c.post("/t/illinois/amendments", v).mustStatus(t, http.StatusSeeOther)
	edit := saved.header.Get("Location")
	if !strings.HasSuffix(edit, "/edit") {
		t.Fatalf("saved, then sent to %q", edit)
	}
	ep := c.get(edit).mustStatus(t, http.StatusOK)
	ep.mustContain(t, "Change Amendment 1", "is saved as a draft", `value="86,000.00"`, "Attach a file", "Withdraw Amendment 1")
	ev := proposalForm(t, ep.body)
	ev.Set("action", "submit")
	sub := c.post(edit, ev).mustStatus(t, http.StatusSeeOther)
	if loc := sub.header.Get("Location"); !strings.HasSuffix(loc, strings.TrimSuffix(strings.TrimPrefix(edit, "/t/illinois/amendments"), "/edit")) {
		t.Fatalf("submitted, then sent to %q", loc)
	}
	list = c.get("/t/illinois/amendments").mustStatus(t, http.StatusOK)
	list.mustContain(t, "Amendment 1", "Waiting for a decision", "Needs approval", "ISBE PI")

	// The funder of it sees it in its list; IDHS-DEC's funder does not.
	fc := env.client(t)
	fc.signIn("funder@illinois.example")
	if body := fc.get("/t/illinois/amendments").mustStatus(t, http.StatusOK).body; strings.Contains(body, "Amendment 1<") {
		t.Fatal("IDHS-DEC's funder sees ISBE PI's amendment")
	}
	ac := env.client(t)
	ac.signIn("admin@illinois.example")
	ac.get("/t/illinois/amendments?status=submitted").mustStatus(t, http.StatusOK).mustContain(t, "Amendment 1", "Prairie Families Home Visiting", ">$0.00<")
	// Admins and funders cannot propose.
	ac.get("/t/illinois/amendments/new?funding="+f.ID).mustStatus(t, http.StatusForbidden)

	// A second amendment on the same funding cannot be submitted while the first waits.
	v2 := proposalForm(t, c.get("/t/illinois/amendments/new?funding="+f.ID).body)
	v2.Set("line_proposed_"+rowOf(t, v2, "Supplies"), "4,000")
	v2.Set("line_justification_"+rowOf(t, v2, "Supplies"), "Books.")
	v2.Set("line_proposed_"+rowOf(t, v2, "Personnel"), "95,500")
	v2.Set("line_justification_"+rowOf(t, v2, "Personnel"), "Less overtime.")
	v2.Set("justification", "Books.")
	v2.Set("effective_on", "07/01/2026")
	v2.Set("action", "submit")
	c.post("/t/illinois/amendments", v2).mustStatus(t, http.StatusConflict).
		mustContain(t, "Amendment 2 is saved as a draft, but it was not submitted.",
			"Another amendment of this funding is waiting for a decision: Amendment 1. Submit this one when it is decided.")
}

// The MIECHV funding already pays for I/ECMHC: adding an I/ECMH consultation line warns with
// seed 000's words, and does not refuse.
func TestAmendmentRequestWarnsFromTheSource(t *testing.T) {
	env := newTestEnv(t)
	_, programID := env.programPerson("illinois")
	f := env.fundingOf("illinois", programID, "ISBE PI")
	// Make the ISBE PI funding one that already pays for I/ECMHC (without the line).
	if _, err := env.raw().NewUpdate().Table("fundings").Set("iecmhc_funded = ?", true).Where("id = ?", f.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := env.client(t)
	c.signIn("program@illinois.example")
	v := proposalForm(t, c.get("/t/illinois/amendments/new?funding="+f.ID).body)
	for k := range v {
		if strings.HasPrefix(k, "line_category_") && v.Get("line_id_"+strings.TrimPrefix(k, "line_category_")) == "" {
			i := strings.TrimPrefix(k, "line_category_")
			v.Set(k, "I/ECMH consultation")
			v.Set("line_proposed_"+i, "5,000")
			break
		}
	}
	v.Set("action", "check")
	mustContainText(t, c.post("/t/illinois/amendments", v).mustStatus(t, http.StatusOK), "receive funding for I/ECMHC in their program budgets", "Changes the total", "It raises the funding's total")
}

func (e *testEnv) countAmendments(t *testing.T) int {
	t.Helper()
	n, err := e.raw().NewSelect().Table("amendments").Where("created_by <> ''").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func itoaTest(i int) string { return strconv.Itoa(i) }

// mustContainText checks the page's text as a person reads it (entities decoded).
func mustContainText(t *testing.T, r *resp, parts ...string) {
	t.Helper()
	text := html.UnescapeString(r.body)
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("the page does not say %q\n%s", p, truncateBody(text))
		}
	}
}
