package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// demoFunding returns a demo program's funding from a funder (by short name).
func (e *testEnv) demoFunding(slug, programID, funderShort string) *programs.Funding {
	e.t.Helper()
	list, err := e.app.Programs.Store().Fundings(e.scoped(slug), programID)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := range list {
		if list[i].FunderShort == funderShort {
			return &list[i]
		}
	}
	e.t.Fatalf("no %s funding of %s", funderShort, programID)
	return nil
}

// TestFundingPage: a funding's page shows its budget and every version of it with what
// changed; a direct edit makes the next version; while an amendment holds the budget, the
// pages say why and a direct change of its lines is refused.
func TestFundingPage(t *testing.T) {
	env := newTestEnv(t)
	base := "/t/illinois"
	prairie := env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting")
	doulas := env.setupOrgID("illinois", tenants.OrgProgram, "Southside Community Doula Program")
	isbe := env.demoFunding("illinois", prairie, "ISBE PI")
	page := base + "/programs/" + prairie + "/fundings/" + isbe.ID
	edit := page + "/edit"
	admin := env.client(t)
	admin.signIn("admin@illinois.example")

	t.Run("TheProgramPageLinksToIt", func(t *testing.T) {
		admin.t = t
		admin.get(base+"/programs/"+prairie).mustStatus(t, http.StatusOK).mustContain(t, `href="`+page+`"`, "Budget history and amendments")
	})
	t.Run("Admin", func(t *testing.T) {
		admin.t = t
		admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "<h1>ISBE PI, FY ",
			"ISBE Prevention Initiative (ISBE PI)", "Not yet funded in this budget", "Current budget", "$132,500.00",
			"Budget history", `href="#version-1"`, "Set up", "Version 1: the first budget", "New: $96,000.00",
			`href="/t/illinois/amendments?funding=`+isbe.ID+`"`, "Budget amendments of this funding", `href="`+edit+`"`).
			setupMustLack(t, "Propose a budget amendment", "Version 2", "waiting for a decision")
	})
	t.Run("AnEditMakesVersion2", func(t *testing.T) {
		admin.t = t
		admin.post(edit, url.Values{"line_category_0": {"Personnel"}, "line_amount_0": {"90,000.00"}, "line_category_1": {"Fringe benefits"},
			"line_amount_1": {"24,000.00"}, "line_category_2": {"I/ECMH consultation"}, "line_amount_2": {"12,000"},
			"line_category_3": {"Indirect costs"}, "line_amount_3": {"9,000.00"}}).mustStatus(t, http.StatusSeeOther)
		admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Version 2: what changed from version 1", "Edited directly", "Denise Carter",
			"Changed from $96,000.00 to $90,000.00 (down $6,000.00)", "New: $12,000.00", "Removed (was $3,500.00)",
			"Unchanged: $24,000.00", "Total up $2,500.00, from $132,500.00 to $135,000.00.", "$135,000.00")
		if n := env.count("budget_versions", "funding_id = ?", isbe.ID); n != 2 {
			t.Fatalf("got %d versions, want 2", n)
		}
	})
	t.Run("TheProgramsPeopleMayPropose", func(t *testing.T) {
		c := env.client(t)
		c.signIn("program@illinois.example")
		c.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Propose a budget amendment",
			`href="/t/illinois/amendments/new?funding=`+isbe.ID+`"`, "Budget amendments of this funding", "Version 2").
			setupMustLack(t, `href="`+edit+`"`)
		// Another program's funding is not found.
		dec := env.demoFunding("illinois", doulas, "IDHS-DEC")
		c.get(base+"/programs/"+doulas+"/fundings/"+dec.ID).mustStatus(t, http.StatusNotFound)
	})
	t.Run("FundersSeeOnlyTheirs", func(t *testing.T) {
		c := env.client(t)
		c.signIn("funder@illinois.example") // IDHS-DEC
		c.get(page).mustStatus(t, http.StatusNotFound)
		dec := env.demoFunding("illinois", doulas, "IDHS-DEC")
		c.get(base+"/programs/"+doulas+"/fundings/"+dec.ID).mustStatus(t, http.StatusOK).
			mustContain(t, "Budget amendments of this funding", "$170,000.00").setupMustLack(t, "Propose a budget amendment", "Edit the budget")
	})
	t.Run("ConsultantsSeeNoBudgets", func(t *testing.T) {
		c := env.client(t)
		c.signIn("maria.alvarez@consult.example")
		c.get(page).mustStatus(t, http.StatusForbidden)
	})
	t.Run("ErrUnderAnotherProgram", func(t *testing.T) {
		admin.t = t
		admin.get(base+"/programs/"+doulas+"/fundings/"+isbe.ID).mustStatus(t, http.StatusNotFound)
		admin.get(base+"/programs/"+prairie+"/fundings/"+database.NewID()).mustStatus(t, http.StatusNotFound)
	})
	t.Run("HeldByAnAmendment", func(t *testing.T) {
		admin.t = t
		amendment := database.NewID()
		if err := env.app.Programs.HoldBudget(env.scoped("illinois"), isbe.ID, amendment); err != nil {
			t.Fatal(err)
		}
		link := `href="/t/illinois/amendments/` + amendment + `"`
		admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, programs.HeldMessage, link)
		admin.get(edit).mustStatus(t, http.StatusOK).mustContain(t, programs.HeldMessage, link)
		admin.get(base+"/programs/"+prairie).mustContain(t, "Amendment waiting for a decision")
		admin.post(edit, url.Values{"line_category_0": {"Personnel"}, "line_amount_0": {"1.00"}}).
			mustStatus(t, http.StatusConflict).mustContain(t, programs.HeldMessage, `value="1.00"`)
		if n := env.count("budget_versions", "funding_id = ?", isbe.ID); n != 2 {
			t.Fatalf("got %d versions after the refused edit, want 2", n)
		}
		// Applying the amendment (as its task would: the tenant only) lets go of the hold and
		// shows the version with a link to the amendment.
		task := database.WithScope(context.Background(), database.Scope{TenantID: env.tenantID("illinois")})
		if _, err := env.app.Programs.ApplyBudget(task, programs.BudgetChange{FundingID: isbe.ID, AmendmentID: amendment, EffectiveOn: "2026-02-01",
			Reason: "Amendment 1: adds I/ECMH consultation", Lines: []programs.VersionLine{{Category: "Personnel", AmountCents: 90_000_00},
				{Category: "I/ECMH consultation", AmountCents: 15_000_00}}}); err != nil {
			t.Fatal(err)
		}
		admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Version 3: what changed from version 2", "02/01/2026",
			"Amendment 1: adds I/ECMH consultation", link, "Applied by Holdspace when the amendment was decided",
			"Changed from $12,000.00 to $15,000.00 (up $3,000.00)", "Removed (was $24,000.00)").
			setupMustLack(t, programs.HeldMessage)
	})
}

// TestBrowserFundingPage opens the funding page with a budget history (and the edit page of a
// held budget) in the browser: axe-core audits each page (see audit_browser_test.go).
func TestBrowserFundingPage(t *testing.T) {
	env := newTestEnv(t)
	prairie := env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting")
	isbe := env.demoFunding("illinois", prairie, "ISBE PI")
	page := "/t/illinois/programs/" + prairie + "/fundings/" + isbe.ID
	ctx := env.scoped("illinois")
	if _, err := env.app.Programs.ApplyBudget(ctx, programs.BudgetChange{FundingID: isbe.ID, Reason: "Moved supplies to personnel",
		Lines: []programs.VersionLine{{Category: "Personnel", AmountCents: 99_500_00}, {Category: "Fringe benefits", AmountCents: 24_000_00},
			{Category: "Indirect costs", AmountCents: 9_000_00}}}); err != nil {
		t.Fatal(err)
	}
	if err := env.app.Programs.HoldBudget(ctx, isbe.ID, database.NewID()); err != nil {
		t.Fatal(err)
	}
	admin := signedIn(t, env, "admin@illinois.example")
	admin.open("/t/illinois/programs/"+prairie, "#fundings")
	admin.open(page, "#history-heading")
	if got := evalJS[string](admin, `document.querySelector("main").innerText`); !strings.Contains(got, "Removed (was $3,500.00)") ||
		!strings.Contains(got, programs.HeldMessage) {
		t.Errorf("the funding page reads:\n%s", got)
	}
	admin.screenshot("funding-page-1280")
	admin.open(page+"/edit", "#funding-form")
	program := signedIn(t, env, "program@illinois.example")
	program.open(page, "#history-heading")
	if got := evalJS[string](program, `document.querySelector("main").innerText`); !strings.Contains(got, "Propose a budget amendment") {
		t.Errorf("the program's person reads:\n%s", got)
	}
}
