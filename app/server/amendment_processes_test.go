package server

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/tenants"
)

// processFixtures gives the isolation matrix (and the hostile-forms test) a step of the funder
// programFixtures names (funderID): the routes of a funder's process name one by stepID.
func (e *testEnv) processFixtures(slug string) fixtures {
	e.t.Helper()
	ctx := e.scoped(slug)
	funders, err := e.app.Programs.Store().Organisations(ctx, tenants.OrgFunder)
	if err != nil || len(funders) == 0 {
		e.t.Fatalf("funders of %s: %v", slug, err)
	}
	// Two steps, so the page offers every form: the first moves down, the second up.
	var ids []string
	for _, name := range []string{"Isolation review", "Isolation sign-off"} {
		st, err := e.app.Amendments.AddStep(ctx, funders[0].ID, amendments.StepInput{Name: name, Decider: amendments.DeciderFunder})
		if err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, st.ID)
	}
	return fixtures{"stepID": ids[0]}
}

// procText is a page's text as a person reads it (entities decoded).
func procText(r *resp) string { return html.UnescapeString(r.body) }

func procMustRead(t *testing.T, r *resp, parts ...string) *resp {
	t.Helper()
	body := procText(r)
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Fatalf("the page does not say %q\n%s", p, truncateBody(body))
		}
	}
	return r
}

func procMustNotRead(t *testing.T, r *resp, parts ...string) {
	t.Helper()
	body := procText(r)
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Fatalf("the page says %q", p)
		}
	}
}

// procInOrder checks that parts appear in the page in this order.
func procInOrder(t *testing.T, r *resp, parts ...string) {
	t.Helper()
	body := procText(r)
	at := 0
	for _, p := range parts {
		i := strings.Index(body[at:], p)
		if i < 0 {
			t.Fatalf("%q is not after the previous part in the page", p)
		}
		at += i + len(p)
	}
}

func TestAmendmentProcessPages(t *testing.T) {
	env := newTestEnv(t)
	isbe := env.setupOrgID("illinois", tenants.OrgFunder, "ISBE Prevention Initiative")
	idhs := env.setupOrgID("illinois", tenants.OrgFunder, "IDHS Division of Early Childhood")
	list := "/t/illinois/amendments/processes"
	page := list + "/" + isbe

	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/funders").mustStatus(t, http.StatusOK).mustContain(t, `href="`+list+`"`)
	procMustRead(t, admin.get(list).mustStatus(t, http.StatusOK), "Budget amendment processes", "ISBE Prevention Initiative",
		"IDHS Division of Early Childhood", "No steps yet",
		"Notice only up to the greater of $1,000 and 2 %; prior approval over 10 % cumulative; a reminder 5 days before a step is due (the defaults)")

	t.Run("ThePageSaysTheRules", func(t *testing.T) {
		r := admin.get(page).mustStatus(t, http.StatusOK)
		procMustRead(t, r, "Budget amendment process: ISBE Prevention Initiative", "No steps yet.",
			"Transfers between existing lines of at most the greater of $1,000 and 2 % of the funding's total need only notice (89 Ill. Adm. Code 1400.240)",
			"Cumulative transfers over 10 % of the last approved total need prior approval (2 CFR 200.308)",
			"A new line item needs prior approval",
			"A change of the total goes through every step",
			"Illinois's uniform grant agreement gives the grantor 30 days to respond",
			"ISBE PI uses the defaults.",
			"an amendment keeps the steps it was submitted with",
			"Single review", "Program area, then fiscal office", "Smart Start contract amendment",
			`value="1,000.00"`, `value="2"`, `value="10"`, `value="5"`)
	})

	t.Run("TemplateThenEdit", func(t *testing.T) {
		admin.post(page+"/template", url.Values{"template": {amendments.TemplateTwoTiers}}).mustStatus(t, http.StatusSeeOther)
		r := admin.get(page).mustStatus(t, http.StatusOK)
		procMustRead(t, r, `The process is now “Program area, then fiscal office”: 2 steps.`)
		procInOrder(t, r, `<ol class="usa-process-list">`, "Program area review", "Decided by ISBE PI's people. 30 days to respond.",
			"Fiscal office review", "Decided by ISBE PI's people. 30 days to respond.", "</ol>")
		// The steps' forms: the first moves only down, the last only up.
		steps, _, err := env.app.Amendments.Process(env.scoped("illinois"), isbe)
		if err != nil || len(steps) != 2 {
			t.Fatalf("steps %v %v", steps, err)
		}
		base := page + "/steps/"
		r.mustContain(t, `action="`+base+steps[0].ID+`/down"`, `action="`+base+steps[1].ID+`/up"`, `action="`+base+steps[0].ID+`/edit"`)
		if strings.Contains(r.body, base+steps[0].ID+`/up"`) || strings.Contains(r.body, base+steps[1].ID+`/down"`) {
			t.Fatal("the first step offers to move up, or the last down")
		}

		// A bad step comes back with what was typed and each field named.
		r = admin.post(page+"/steps", url.Values{"name": {"  "}, "decider": {"organisation"}, "response_days": {"400"}}).
			mustStatus(t, http.StatusUnprocessableEntity)
		procMustRead(t, r, "Please correct the fields marked below.", "Enter the step’s name",
			"Choose the organisation whose people decide the step.", "Enter the days to respond as a whole number from 1 to 365")
		r.mustContain(t, `id="step-name-error"`, `id="step-organisation_id-error"`, `id="step-response_days-error"`, `value="400"`,
			`id="step-decider-organisation" type="radio" name="decider" value="organisation" checked`)
		// A good one goes at the end.
		admin.post(page+"/steps", url.Values{"name": {"Director sign-off"}, "decider": {"tenant_admin"}, "response_days": {"10"}}).
			mustStatus(t, http.StatusSeeOther)
		r = admin.get(page).mustStatus(t, http.StatusOK)
		procMustRead(t, r, "“Director sign-off” is added as step 3.")
		procInOrder(t, r, "Program area review", "Fiscal office review", "Director sign-off", "Decided by the tenant's admins. 10 days to respond.")

		// Moved up, it is second; an edit changes its days; removed, it is gone.
		steps, _, _ = env.app.Amendments.Process(env.scoped("illinois"), isbe)
		admin.post(base+steps[2].ID+"/up", nil).mustStatus(t, http.StatusSeeOther)
		r = admin.get(page).mustStatus(t, http.StatusOK)
		procMustRead(t, r, "“Director sign-off” is step 2 now.")
		procInOrder(t, r, "Program area review", "Director sign-off", "Fiscal office review")
		r = admin.post(base+steps[2].ID+"/edit", url.Values{"name": {"Director sign-off"}, "decider": {"tenant_admin"}, "response_days": {"0"}}).
			mustStatus(t, http.StatusUnprocessableEntity)
		r.mustContain(t, `id="step-response_days-`+steps[2].ID+`-error"`, `<details class="margin-top-2" open>`)
		admin.post(base+steps[2].ID+"/edit", url.Values{"name": {"Director sign-off"}, "decider": {"tenant_admin"}, "response_days": {"7"}}).
			mustStatus(t, http.StatusSeeOther)
		procMustRead(t, admin.get(page), "Decided by the tenant's admins. 7 days to respond.")
		admin.post(base+steps[2].ID+"/delete", nil).mustStatus(t, http.StatusSeeOther)
		r = admin.get(page).mustStatus(t, http.StatusOK)
		procMustRead(t, r, "“Director sign-off” is removed.")
		procMustNotRead(t, r, "Decided by the tenant's admins.")
		// The list sums it up.
		procMustRead(t, admin.get(list), "Program area review (ISBE PI's people, 30 days) → Fiscal office review (ISBE PI's people, 30 days)")
		if env.count("audit_events", "action = ?", "amendment_process.template") != 1 || env.count("audit_events", "action = ?", "amendment_process.update") != 4 {
			t.Fatal("the template and the four step changes are not each in the audit log")
		}
		procMustRead(t, admin.get("/t/illinois/audit"), "Budget amendment process set from a template", "Budget amendment process changed")
	})

	t.Run("Rules", func(t *testing.T) {
		r := admin.post(page+"/rules", url.Values{"notice_amount": {"-5"}, "notice_percent": {"101"}, "approval_percent": {"ten"}, "reminder_days": {"90"}}).
			mustStatus(t, http.StatusUnprocessableEntity)
		r.mustContain(t, `id="notice_amount-error"`, `id="notice_percent-error"`, `id="approval_percent-error"`, `id="reminder_days-error"`,
			`value="-5"`, `value="101"`, `value="ten"`, `value="90"`)
		if env.count("amendment_rules", "funder_id = ?", isbe) != 0 {
			t.Fatal("bad rules were saved")
		}
		admin.post(page+"/rules", url.Values{"notice_amount": {"2,500"}, "notice_percent": {"2.5"}, "approval_percent": {"10"}, "reminder_days": {"7"}}).
			mustStatus(t, http.StatusSeeOther)
		r = admin.get(page).mustStatus(t, http.StatusOK)
		procMustRead(t, r, "ISBE PI’s own rules: Notice only up to the greater of $2,500 and 2.5 %; prior approval over 10 % cumulative; a reminder 7 days before a step is due.",
			// The defaults are still cited as the public rules.
			"at most the greater of $1,000 and 2 % of the funding's total", "Go back to the defaults")
		r.mustContain(t, `value="2,500.00"`, `value="2.5"`)
		admin.post(page+"/rules", url.Values{"notice_amount": {"1,000.00"}, "notice_percent": {"2"}, "approval_percent": {"10"}, "reminder_days": {"5"}}).
			mustStatus(t, http.StatusSeeOther)
		if env.count("audit_events", "action = ?", "amendment_rules.update") != 2 {
			t.Fatal("the rules' changes are not in the audit log")
		}
	})

	t.Run("SmartStartNeedsTheBoard", func(t *testing.T) {
		nc := env.client(t)
		nc.signIn("admin@nc-piedmont.example")
		ncpc := env.setupOrgID("nc-piedmont", tenants.OrgFunder, "NCPC")
		ncPage := "/t/nc-piedmont/amendments/processes/" + ncpc
		procMustRead(t, nc.get(ncPage).mustStatus(t, http.StatusOK), "Budget amendment process: North Carolina Partnership for Children")
		r := nc.post(ncPage+"/template", url.Values{"template": {amendments.TemplateSmartStart}, "organisation_id": {""}}).
			mustStatus(t, http.StatusUnprocessableEntity)
		procMustRead(t, r, "Choose the organisation whose people decide “Partnership board”")
		r.mustContain(t, `id="template-organisation_id-error"`)
		if env.count("amendment_steps", "funder_id = ?", ncpc) != 0 {
			t.Fatal("a refused template wrote steps")
		}
		// The board is an organisation of the tenant: here, a program of it stands in.
		board := ""
		orgs, err := env.app.Amendments.DeciderOrganisations(env.scoped("nc-piedmont"))
		if err != nil || len(orgs) == 0 {
			t.Fatal(err)
		}
		for _, o := range orgs {
			if o.Kind == tenants.OrgProgram {
				board = o.ID
				break
			}
		}
		nc.post(ncPage+"/template", url.Values{"template": {amendments.TemplateSmartStart}, "organisation_id": {board}}).mustStatus(t, http.StatusSeeOther)
		r = nc.get(ncPage).mustStatus(t, http.StatusOK)
		procInOrder(t, r, "Partnership program coordinator and finance", "Decided by the tenant's admins.", "Partnership board",
			"Decided by ", "NCPC", "Decided by NCPC's people.")
		// Another tenant's organisation is not one to choose.
		r = nc.post(ncPage+"/template", url.Values{"template": {amendments.TemplateSmartStart}, "organisation_id": {isbe}}).
			mustStatus(t, http.StatusUnprocessableEntity)
		procMustRead(t, r, "Choose an organisation of your agency from the list.")
	})

	t.Run("FundersKeepTheirOwn", func(t *testing.T) {
		f := env.client(t)
		f.signIn("funder@illinois.example")
		f.get(list).mustStatus(t, http.StatusSeeOther)
		if loc := f.get(list).header.Get("Location"); loc != list+"/"+idhs {
			t.Fatalf("a funder's list goes to %q, want their own funder's page", loc)
		}
		own := list + "/" + idhs
		procMustRead(t, f.get(own).mustStatus(t, http.StatusOK), "Budget amendment process: IDHS Division of Early Childhood")
		procMustNotRead(t, f.get(own), "Back to every funder’s process")
		f.post(own+"/template", url.Values{"template": {amendments.TemplateSingle}}).mustStatus(t, http.StatusSeeOther)
		procMustRead(t, f.get(own), "Funder review", "Decided by IDHS-DEC's people.")
		// Another funder's process: not found, and nothing changes.
		before := env.count("amendment_steps", "funder_id = ?", isbe)
		f.get(page).mustStatus(t, http.StatusNotFound)
		f.post(page+"/template", url.Values{"template": {amendments.TemplateSingle}}).mustStatus(t, http.StatusNotFound)
		f.post(page+"/steps", url.Values{"name": {"Sneaky"}, "decider": {"funder"}}).mustStatus(t, http.StatusNotFound)
		f.post(page+"/rules", url.Values{"notice_amount": {"1"}, "notice_percent": {"1"}, "approval_percent": {"1"}, "reminder_days": {"1"}}).
			mustStatus(t, http.StatusNotFound)
		if env.count("amendment_steps", "funder_id = ?", isbe) != before || env.count("amendment_rules", "funder_id = ?", isbe) != 1 {
			t.Fatal("a funder changed another funder's process")
		}
		// Program people have no process pages.
		p := env.client(t)
		p.signIn("program@illinois.example")
		p.get(list).mustStatus(t, http.StatusForbidden)
		p.get(page).mustStatus(t, http.StatusForbidden)
	})
}

// TestBrowserAmendmentProcess: in Chromium (axe-core checks every page and its error state),
// the tenant admin goes from the funders page to ISBE's process, sets the Illinois two tiers
// with one click, adds a step that comes back with its fields named, then adds it right.
func TestBrowserAmendmentProcess(t *testing.T) {
	env := newTestEnv(t)
	isbe := env.setupOrgID("illinois", tenants.OrgFunder, "ISBE Prevention Initiative")
	b := openBrowser(t, env)
	b.signIn("admin@illinois.example")
	b.open("/t/illinois/funders", "main h1")
	b.load("open the processes", chromedp.Click(`//main//a[normalize-space()="Each funder’s budget amendment process and rules"]`))
	b.shows("Budget amendment processes", "No steps yet")
	b.load("open ISBE's", chromedp.Click(`//main//a[normalize-space()="ISBE Prevention Initiative"]`))
	b.at("/t/illinois/amendments/processes/" + isbe)
	b.shows("A change of the total goes through every step", "89 Ill. Adm. Code 1400.240", "2 CFR 200.308")
	b.press("Use “Program area, then fiscal office”")
	b.shows("Program area review", "Fiscal office review", "Decided by ISBE PI's people. 30 days to respond.")
	b.screenshot("amendment-process-01-two-tiers")
	b.fill(map[string]string{"step-name": "", "step-response_days": "0"})
	b.press("Add the step")
	b.shows("Enter the step’s name", "Enter the days to respond as a whole number from 1 to 365")
	b.screenshot("amendment-process-02-refused")
	b.fill(map[string]string{"step-name": "Director sign-off", "step-response_days": "10"}, "step-decider-tenant_admin")
	b.press("Add the step")
	b.shows("“Director sign-off” is added as step 3.", "Decided by the tenant's admins. 10 days to respond.")
}
