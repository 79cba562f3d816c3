package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// merged returns f with more's fixtures added.
func (f fixtures) merged(more fixtures) fixtures {
	for k, v := range more {
		f[k] = v
	}
	return f
}

// programFixtures are a demo tenant's funder, consultant agency, and a program with a site
// and a funding (the path parameters of the setup pages).
func (e *testEnv) programFixtures(slug string) fixtures {
	e.t.Helper()
	ctx := e.scoped(slug)
	store := e.app.Programs.Store()
	f := fixtures{}
	funders, err := store.Organisations(ctx, tenants.OrgFunder)
	if err != nil || len(funders) == 0 {
		e.t.Fatalf("funders of %s: %v", slug, err)
	}
	agencies, err := store.Organisations(ctx, tenants.OrgConsultantAgency)
	if err != nil || len(agencies) == 0 {
		e.t.Fatalf("agencies of %s: %v", slug, err)
	}
	f["funderID"], f["agencyID"] = funders[0].ID, agencies[0].ID
	list, err := store.Programs(ctx, programs.ProgramFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range list {
		sites, _ := store.Sites(ctx, p.ID)
		fundings, _ := store.Fundings(ctx, p.ID)
		if len(sites) > 0 && len(fundings) > 0 {
			f["programID"], f["siteID"], f["fundingID"] = p.ID, sites[0].ID, fundings[0].ID
			return f
		}
	}
	e.t.Fatalf("no program of %s has a site and a funding", slug)
	return nil
}

// setupOrgID is the id of the organisation of a kind named name (or short-named) in a demo tenant.
func (e *testEnv) setupOrgID(slug, kind, name string) string {
	e.t.Helper()
	list, err := e.app.Programs.Store().Organisations(e.scoped(slug), kind)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, o := range list {
		if o.Name == name || o.ShortName == name {
			return o.ID
		}
	}
	e.t.Fatalf("no %s %q in %s", kind, name, slug)
	return ""
}

func (r *resp) setupMustLack(t *testing.T, parts ...string) *resp {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.body, p) {
			t.Fatalf("the page contains %q, want it not to\n%s", p, truncateBody(r.body))
		}
	}
	return r
}

func (e *testEnv) setupRows(table string) int {
	e.t.Helper()
	n, err := e.raw().NewSelect().Table(table).Count(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return int(n)
}

func TestSettingsPage(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/settings").mustStatus(t, http.StatusOK).mustContain(t, "Agency settings",
		`value="Illinois I/ECMHC in Home Visiting"`, `<option value="America/Chicago" selected>`, "The 102 counties of Illinois",
		`value="St. Clair" checked`, `value="Polish" checked`,
		// Each select marks its own usual month: July for the state's year, October for the federal.
		`<option value="7" selected>July (the usual)</option>`, `<option value="10">October</option>`,
		`<option value="10" selected>October (the usual)</option>`, `<option value="7">July</option>`)

	t.Run("ErrEachFieldNamedNothingWritten", func(t *testing.T) {
		admin.t = t
		before := env.setupRows("audit_events")
		long := strings.Repeat("k", 41)
		r := admin.post("/t/illinois/settings", url.Values{"name": {""}, "time_zone": {"Mars/Olympus_Mons"},
			"state_fy_start_month": {"13"}, "federal_fy_start_month": {"0"}, "counties": {"Cook", "Atlantis"},
			"languages": {"English"}, "languages_other": {"Karen, " + long}})
		r.mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Enter your agency’s name.", "Choose a time zone from the list.",
			"Choose the month the state fiscal year starts in", "Choose the month the federal fiscal year starts in",
			"Choose counties of Illinois from the list.", "Each language can be at most 40 characters",
			`value="Karen, `+long+`"`, `value="Cook" checked`, `value="English" checked`)
		if after := env.setupRows("audit_events"); after != before {
			t.Fatal("a bad form wrote an audit event")
		}
		admin.get("/t/illinois/").mustContain(t, "Illinois I/ECMHC in Home Visiting")
	})
	t.Run("HTMXGetsTheForm", func(t *testing.T) {
		admin.t = t
		r := admin.post("/t/illinois/settings", url.Values{"name": {"X"}, "time_zone": {"America/Chicago"}, "state_fy_start_month": {"July"},
			"federal_fy_start_month": {"10"}}, "HX-Request", "true")
		r.mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, `<section id="settings"`).setupMustLack(t, "<html")
	})
	t.Run("OK", func(t *testing.T) {
		admin.t = t
		admin.post("/t/illinois/settings", url.Values{"name": {"Illinois Home Visiting I/ECMHC"}, "time_zone": {"America/Chicago"},
			"state_fy_start_month": {"7"}, "federal_fy_start_month": {"10"}, "counties": {"Cook", "Will"},
			"languages": {"English", "Spanish"}, "languages_other": {"Karen"}}).mustStatus(t, http.StatusSeeOther)
		admin.get("/t/illinois/settings").mustStatus(t, http.StatusOK).mustContain(t, "Your agency settings are saved.",
			`value="Illinois Home Visiting I/ECMHC"`, `value="Will" checked`, `value="Karen"`).setupMustLack(t, `value="Polish" checked`)
		tn, _ := env.app.Tenants.Store().TenantBySlug(context.Background(), "illinois")
		if strings.Join(tn.Counties, ",") != "Cook,Will" || strings.Join(tn.Languages, ",") != "English,Spanish,Karen" {
			t.Fatalf("got counties %v, languages %v", tn.Counties, tn.Languages)
		}
		// The program form offers the counties served and the languages offered.
		admin.get("/t/illinois/programs/new").mustStatus(t, http.StatusOK).mustContain(t, `<option value="Will">Will</option>`, "Karen").
			setupMustLack(t, `<option value="DuPage">`, "Polish")
		admin.get("/t/illinois/audit?action=settings.").mustContain(t, "settings.update")
	})
	t.Run("EveryStateTicksFromTheCensusList", func(t *testing.T) {
		ctx := context.Background()
		// A Texas tenant that typed its counties before Texas had a list: what the list has is
		// ticked, the rest is named as dropped on the next save.
		tn := &tenants.Tenant{Slug: "texas", Name: "Texas IECMHC", Kind: tenants.KindStateSystem, State: "TX", Status: tenants.StatusTrial,
			Plan: "trial", TimeZone: "America/Chicago", Counties: []string{"Harris", "travis county", "Atlantis"}}
		if err := env.app.Tenants.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
		c := env.setupAdminOf(t, tn, "admin@texas.example")
		c.get("/t/texas/settings").mustStatus(t, http.StatusOK).mustContain(t, "The 254 counties of Texas, from the U.S. Census Bureau’s list",
			`value="Harris" checked`, `value="Travis" checked`, `value="Loving"`, "and dropped when you save: Atlantis").
			setupMustLack(t, `name="counties_text"`, `value="Loving" checked`)
		c.post("/t/texas/settings", url.Values{"name": {"Texas IECMHC"}, "time_zone": {"America/Chicago"}, "state_fy_start_month": {"9"},
			"federal_fy_start_month": {"10"}, "counties": {"Travis", "Harris"}}).mustStatus(t, http.StatusSeeOther)
		c.get("/t/texas/programs/new").mustContain(t, `<option value="Harris">Harris</option>`, `<option value="Travis">Travis</option>`).
			setupMustLack(t, "Atlantis")
		c.get("/t/texas/settings").setupMustLack(t, "dropped when you save")
		// Louisiana's are parishes, named in full.
		la := &tenants.Tenant{Slug: "louisiana", Name: "Louisiana IECMHC", Kind: tenants.KindStateSystem, State: "LA", Status: tenants.StatusTrial,
			Plan: "trial", TimeZone: "America/Chicago"}
		if err := env.app.Tenants.CreateTenant(ctx, la); err != nil {
			t.Fatal(err)
		}
		env.setupAdminOf(t, la, "admin@louisiana.example").get("/t/louisiana/settings").mustStatus(t, http.StatusOK).
			mustContain(t, "The 64 parishes of Louisiana", `value="Orleans Parish"`)
	})
	t.Run("ErrOnlyAdmins", func(t *testing.T) {
		for _, email := range []string{"funder@illinois.example", "program@illinois.example", "maria.alvarez@consult.example"} {
			c := env.client(t)
			c.signIn(email)
			c.get("/t/illinois/settings").mustStatus(t, http.StatusForbidden)
		}
	})
}

// setupAdminOf makes a tenant admin of tenant tn and signs them in.
func (e *testEnv) setupAdminOf(t *testing.T, tn *tenants.Tenant, email string) *client {
	t.Helper()
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, Role: "tenant_admin"})
	u, err := e.app.Accounts.CreateUser(context.Background(), email, "New Admin", demo.Password, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Tenants.AddMember(ctx, u.ID, "tenant_admin", ""); err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	c.signIn(email)
	return c
}

var programURL = regexp.MustCompile(`^/t/[a-z0-9-]+/programs/([0-9a-f-]{36})$`)

// TestOnboardingChecklist: a new tenant's admin goes from every step to do to every step done,
// through the pages the checklist links to.
func TestOnboardingChecklist(t *testing.T) {
	env := newTestEnv(t)
	tn := &tenants.Tenant{Slug: "lake-county", Name: "Lake County Partnership", Kind: tenants.KindLocalPartnership, State: "IL",
		Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := env.app.Tenants.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	c := env.setupAdminOf(t, tn, "admin@lake.example")
	base := "/t/lake-county"
	step := func(t *testing.T, done int) {
		t.Helper()
		r := c.get(base+"/").mustStatus(t, http.StatusOK)
		gotDone, gotToDo := strings.Count(r.body, ">Done<"), strings.Count(r.body, ">To do<")
		if gotDone != done || gotToDo != 5-done {
			t.Fatalf("got %d done and %d to do, want %d and %d\n%s", gotDone, gotToDo, done, 5-done, truncateBody(r.body))
		}
		if done == 5 {
			r.mustContain(t, "Your tenant is set up")
		} else {
			r.mustContain(t, "Set up your tenant", `href="`+base+`/settings"`, `href="`+base+`/funders"`, `href="`+base+`/programs"`,
				`href="`+base+`/agencies"`, `href="`+base+`/people"`)
		}
	}
	c.t = t
	step(t, 0)
	c.get(base+"/").mustContain(t, "Start from the usual funders for Illinois.").setupMustLack(t, "federal funders every state has")

	c.post(base+"/settings", url.Values{"name": {"Lake County Partnership for Children"}, "time_zone": {"America/Chicago"},
		"state_fy_start_month": {"7"}, "federal_fy_start_month": {"10"}, "counties": {"Lake", "McHenry"},
		"languages": {"English", "Spanish"}}).mustStatus(t, http.StatusSeeOther)
	step(t, 1)

	c.get(base+"/funders").mustStatus(t, http.StatusOK).mustContain(t, "Add the usual funders for Illinois", "Maternal, Infant, and Early Childhood Home Visiting")
	c.post(base+"/funders/usual", nil).mustStatus(t, http.StatusSeeOther)
	c.get(base+"/funders").mustContain(t, "Added IDHS Division of Early Childhood, ISBE Prevention Initiative, Illinois Head Start Association",
		"Yes, already funded", "Added by a budget amendment", "Federal fiscal year").setupMustLack(t, "Add the usual funders for Illinois")
	step(t, 2)

	r := c.post(base+"/programs", url.Values{"name": {"Lake Families Home Visiting"}, "program_kind": {"home_visiting"},
		"county": {"Lake"}, "languages": {"Spanish"}}).mustStatus(t, http.StatusSeeOther)
	m := programURL.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("after adding a program, went to %q", r.header.Get("Location"))
	}
	programID := m[1]
	step(t, 2) // a program without a funding does not count yet
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, Role: "tenant_admin"})
	funderID := func(short string) string {
		list, _ := env.app.Programs.Store().Organisations(ctx, tenants.OrgFunder)
		for _, o := range list {
			if o.ShortName == short {
				return o.ID
			}
		}
		t.Fatalf("no funder %s", short)
		return ""
	}
	// The funder decides the default of "I/ECMHC is already funded".
	c.get(base+"/programs/"+programID+"/fundings/new?funder_id="+funderID("MIECHV")).mustStatus(t, http.StatusOK).
		mustContain(t, `name="iecmhc_funded" value="1" checked`, "Federal fiscal year (October to September)")
	c.get(base+"/programs/"+programID+"/fundings/new?funder_id="+funderID("ISBE PI"), "HX-Request", "true").mustStatus(t, http.StatusOK).
		mustContain(t, `<section id="funding-form"`, "Programs add I/ECMHC by a budget amendment.").
		setupMustLack(t, `name="iecmhc_funded" value="1" checked`, "<html")
	tenant, _ := env.app.Tenants.Store().TenantByID(context.Background(), tn.ID)
	fy := programs.FiscalYears(tenant, programs.CalendarFederal, database.Now())[2]
	c.post(base+"/programs/"+programID+"/fundings", url.Values{"funder_id": {funderID("MIECHV")}, "fiscal_year": {strconv.Itoa(fy)},
		"iecmhc_funded": {"1"}, "line_category_0": {"Personnel"}, "line_amount_0": {"$90,000"},
		"line_category_1": {"I/ECMH consultation"}, "line_amount_1": {"12500"}}).mustStatus(t, http.StatusSeeOther)
	c.get(base+"/programs/"+programID).mustContain(t, "$102,500.00", "I/ECMHC funded", tenants.FiscalYearLabel(fy, 10))
	step(t, 3)

	c.post(base+"/agencies", url.Values{"name": {"Lake County Health Department"}}).mustStatus(t, http.StatusSeeOther)
	step(t, 4)

	c.post(base+"/people/invitations", url.Values{"email": {"consultant@lake.example"}, "role": {"consultant"}}).mustStatus(t, http.StatusSeeOther)
	step(t, 5)
	// Every step stays reachable.
	for _, p := range []string{"/settings", "/funders", "/programs", "/agencies", "/people"} {
		c.get(base+p).mustStatus(t, http.StatusOK)
	}
}

func TestProgramPages(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	prairie := env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting")
	base := "/t/illinois"

	t.Run("ListAndFilter", func(t *testing.T) {
		admin.t = t
		admin.get(base+"/programs").mustStatus(t, http.StatusOK).mustContain(t, "Prairie Families Home Visiting", "ISBE PI, MIECHV",
			"Southside Community Doula Program", "Champaign County Coordinated Intake", "Home visiting", `href="`+base+`/funders"`)
		r := admin.get(base+"/programs?kind=doula", "HX-Request", "true").mustStatus(t, http.StatusOK).
			mustContain(t, `<div id="programs-list"`, "Southside Community Doula Program", "1 program match")
		r.setupMustLack(t, "Prairie Families", "<html")
		admin.get(base+"/programs?county=Champaign").mustContain(t, "Champaign County Coordinated Intake", `<option value="Champaign" selected>`).
			setupMustLack(t, "Prairie Families")
		admin.get(base+"/programs?kind=doula&county=Champaign").mustContain(t, "No program matches.")
	})
	t.Run("Detail", func(t *testing.T) {
		admin.t = t
		admin.get(base+"/programs/"+prairie).mustStatus(t, http.StatusOK).mustContain(t, "Prairie Families Home Visiting",
			"Cook", "English, Spanish", "Berwyn office", "Cicero office", "Maternal, Infant, and Early Childhood Home Visiting (MIECHV)",
			"I/ECMHC funded", "I/ECMHC not yet funded", "$182,000.00", "$275,700.00", "$132,500.00", "$408,200.00")
	})
	t.Run("ErrNewProgramEachFieldNamed", func(t *testing.T) {
		admin.t = t
		before := env.setupRows("organisations")
		admin.post(base+"/programs", url.Values{"name": {""}, "short_name": {"PF"}, "program_kind": {"circus"}, "county": {"Atlantis"}, "languages": {"Klingon"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Enter the program’s name.", "Choose the kind of program from the list.",
			"Choose the program’s county from the list.", "Choose languages from the list", `value="PF"`)
		admin.post(base+"/programs", url.Values{"name": {"Prairie Families Home Visiting"}, "program_kind": {"doula"}, "county": {"Cook"}}).
			mustStatus(t, http.StatusConflict).mustContain(t, `A program named &#34;Prairie Families Home Visiting&#34; already exists. Choose another name.`,
			`value="Prairie Families Home Visiting"`, `<option value="doula" selected>`)
		if after := env.setupRows("organisations"); after != before {
			t.Fatalf("organisations went from %d to %d", before, after)
		}
	})
	t.Run("EditProgram", func(t *testing.T) {
		admin.t = t
		admin.get(base+"/programs/"+prairie+"/edit").mustStatus(t, http.StatusOK).mustContain(t, `value="Prairie Families Home Visiting"`,
			`<option value="Cook" selected>Cook</option>`, `<option value="home_visiting" selected>Home visiting</option>`, `value="Spanish" checked`)
		admin.post(base+"/programs/"+prairie+"/edit", url.Values{"name": {"Prairie Families"}, "program_kind": {"home_visiting"}, "county": {"Will"},
			"languages": {"English", "Polish"}}).mustStatus(t, http.StatusSeeOther)
		admin.get(base+"/programs/"+prairie).mustContain(t, "Prairie Families", "Will", "English, Polish")
	})
	t.Run("Sites", func(t *testing.T) {
		admin.t = t
		admin.post(base+"/programs/"+prairie+"/sites", url.Values{"site_name": {"Joliet office"}, "site_kind": {"site"}}).mustStatus(t, http.StatusSeeOther)
		admin.post(base+"/programs/"+prairie+"/sites", url.Values{"site_name": {"Joliet office"}, "site_kind": {"site"}}, "HX-Request", "true").
			mustStatus(t, http.StatusConflict).mustContain(t, `<section id="sites"`, "already has one with this name")
		sites, _ := env.app.Programs.Store().Sites(env.scoped("illinois"), prairie)
		var joliet string
		for _, s := range sites {
			if s.Name == "Joliet office" {
				joliet = s.ID
			}
		}
		if joliet == "" {
			t.Fatal("the site was not added")
		}
		admin.post(base+"/programs/"+prairie+"/sites/"+joliet+"/delete", nil).mustStatus(t, http.StatusSeeOther)
		admin.get(base+"/programs/"+prairie).mustContain(t, "Joliet office is removed.").setupMustLack(t, "Joliet office (")
		admin.post(base+"/programs/"+prairie+"/sites/"+joliet+"/delete", nil).mustStatus(t, http.StatusNotFound)
	})
	t.Run("ErrFundingBadInput", func(t *testing.T) {
		admin.t = t
		before := env.setupRows("fundings") + env.setupRows("budget_lines")
		dcy := env.setupOrgID("ohio", tenants.OrgFunder, "DCY")
		r := admin.post(base+"/programs/"+prairie+"/fundings", url.Values{"funder_id": {dcy}, "fiscal_year": {"1990"},
			"line_category_0": {"Personnel"}, "line_amount_0": {"12.345"}, "line_category_1": {"Travel"}, "line_amount_1": {"abc"},
			"line_category_3": {"Magic"}, "line_amount_3": {"-5"}})
		r.mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Choose a funder from the list.", "Choose a fiscal year from",
			"Use at most two digits after the point (the cents).", `id="line_amount_1-error"`, "Enter an amount of zero or more.",
			"Choose the category of this line from the list.", `value="12.345"`, `value="abc"`, `aria-describedby="line_amount_0-error"`,
			`<span class="usa-error-message" id="line_category_3-error">`, `name="line_category_3" aria-describedby="line_category_3-error" aria-invalid="true"`)
		dfss := env.setupOrgID("illinois", tenants.OrgFunder, "DFSS")
		admin.post(base+"/programs/"+prairie+"/fundings", url.Values{"funder_id": {dfss},
			"fiscal_year": {"2026"}, "line_category_0": {"Other"}, "line_amount_0": {"$100,000,000.01"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Enter an amount of at most $100,000,000.00.",
			// What was chosen stays chosen.
			`<option value="`+dfss+`" selected>Chicago Department of Family and Support Services (DFSS)</option>`,
			`<option value="2026" selected>`, `<option value="Other" selected>Other</option>`, `value="$100,000,000.01"`)
		admin.post(base+"/programs/"+prairie+"/fundings", url.Values{"funder_id": {env.setupOrgID("illinois", tenants.OrgFunder, "DFSS")}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Add at least one budget line")
		if after := env.setupRows("fundings") + env.setupRows("budget_lines"); after != before {
			t.Fatalf("rows went from %d to %d", before, after)
		}
	})
	t.Run("MoreLinesWithoutJavaScript", func(t *testing.T) {
		admin.t = t
		r := admin.post(base+"/programs/"+prairie+"/fundings", url.Values{"more_lines": {"1"}, "line_category_4": {"Travel"}, "line_amount_4": {"10"}})
		r.mustStatus(t, http.StatusOK).mustContain(t, `name="line_amount_8"`, `value="10"`)
	})
	t.Run("EditFunding", func(t *testing.T) {
		admin.t = t
		fundings, _ := env.app.Programs.Store().Fundings(env.scoped("illinois"), prairie)
		var isbe *programs.Funding
		for i := range fundings {
			if fundings[i].FunderShort == "ISBE PI" {
				isbe = &fundings[i]
			}
		}
		if isbe == nil {
			t.Fatal("no ISBE PI funding in the demo")
		}
		edit := base + "/programs/" + prairie + "/fundings/" + isbe.ID + "/edit"
		admin.get(edit).mustStatus(t, http.StatusOK).mustContain(t, `value="96,000.00"`, `<option value="Indirect costs" selected>`).
			setupMustLack(t, `name="iecmhc_funded" value="1" checked`)
		admin.post(edit, url.Values{"line_category_0": {"Personnel"}, "line_amount_0": {"x"}}).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, "Enter an amount in dollars")
		// The budget amendment added I/ECMHC.
		admin.post(edit, url.Values{"iecmhc_funded": {"1"}, "line_category_0": {"Personnel"}, "line_amount_0": {"96,000.00"},
			"line_category_2": {"I/ECMH consultation"}, "line_amount_2": {"$18,000"}}).mustStatus(t, http.StatusSeeOther)
		admin.get(base+"/programs/"+prairie).mustContain(t, "is saved: $114,000.00.", "$114,000.00").setupMustLack(t, "I/ECMHC not yet funded")
		admin.get(base+"/audit?action=funding.").mustContain(t, "funding.update")
	})
	t.Run("FundersAndAgencies", func(t *testing.T) {
		admin.t = t
		admin.get(base+"/funders").mustStatus(t, http.StatusOK).mustContain(t, "IDHS Division of Early Childhood (IDHS-DEC)",
			"Add the usual funders for Illinois", "Illinois Head Start Association")
		admin.post(base+"/funders", url.Values{"name": {"ISBE Prevention Initiative"}}).mustStatus(t, http.StatusConflict).
			mustContain(t, "already exists")
		admin.post(base+"/funders", url.Values{"name": {""}}, "HX-Request", "true").mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, `<section id="org-add"`, "Enter the funder’s name.").setupMustLack(t, "<html")
		dfss := env.setupOrgID("illinois", tenants.OrgFunder, "DFSS")
		admin.get(base+"/funders/"+dfss+"/edit").mustStatus(t, http.StatusOK).mustContain(t, "Calendar year")
		admin.post(base+"/funders/"+dfss+"/edit", url.Values{"name": {"Chicago DFSS"}, "short_name": {"DFSS"}}).mustStatus(t, http.StatusSeeOther)
		admin.get(base+"/funders").mustContain(t, "Chicago DFSS (DFSS)")
		admin.get(base+"/agencies").mustStatus(t, http.StatusOK).mustContain(t, "Heartland Infant Mental Health Consultants")
		admin.post(base+"/agencies", url.Values{"name": {"Egyptian Health Department"}, "short_name": {"EHD"}}).mustStatus(t, http.StatusSeeOther)
		ehd := env.setupOrgID("illinois", tenants.OrgConsultantAgency, "EHD")
		admin.post(base+"/agencies/"+ehd+"/edit", url.Values{"name": {strings.Repeat("E", 201)}}).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, "Name is longer than 200 characters (this has 201).")
		// A funder is not an agency.
		admin.get(base+"/agencies/"+dfss+"/edit").mustStatus(t, http.StatusNotFound)
		admin.get(base+"/audit?action=agency.").mustContain(t, "agency.create")
	})
}

// TestWhoSeesWhichPrograms: a funder sees the programs it funds, a program only itself, a
// consultant every program but no budgets.
func TestWhoSeesWhichPrograms(t *testing.T) {
	env := newTestEnv(t)
	base := "/t/illinois"
	prairie := env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting")
	doulas := env.setupOrgID("illinois", tenants.OrgProgram, "Southside Community Doula Program")

	t.Run("Funder", func(t *testing.T) { // IDHS-DEC funds the doula program and the coordinated intake
		c := env.client(t)
		c.signIn("funder@illinois.example")
		c.get(base+"/programs").mustStatus(t, http.StatusOK).mustContain(t, "Southside Community Doula Program", "Champaign County Coordinated Intake").
			setupMustLack(t, "Prairie Families")
		c.get(base+"/programs/"+doulas).mustStatus(t, http.StatusOK).mustContain(t, "IDHS Division of Early Childhood", "$170,000.00")
		c.get(base+"/programs/"+prairie).mustStatus(t, http.StatusNotFound)
		c.get(base+"/programs/"+doulas+"/fundings/new").mustStatus(t, http.StatusForbidden)
		c.get(base+"/funders").mustStatus(t, http.StatusOK).mustContain(t, "IDHS Division of Early Childhood").
			setupMustLack(t, "ISBE Prevention Initiative", "Add a funder")
	})
	t.Run("Program", func(t *testing.T) {
		c := env.client(t)
		c.signIn("program@illinois.example")
		c.get(base+"/programs").mustStatus(t, http.StatusOK).mustContain(t, "Prairie Families Home Visiting", "ISBE PI, MIECHV").
			setupMustLack(t, "Southside", "Champaign County Coordinated Intake")
		c.get(base+"/programs/"+prairie).mustStatus(t, http.StatusOK).mustContain(t, "$275,700.00", "$132,500.00").
			setupMustLack(t, "Edit the budget", "Add a funding")
		c.get(base+"/programs/"+doulas).mustStatus(t, http.StatusNotFound)
		c.post(base+"/programs/"+prairie+"/sites", url.Values{"site_name": {"Mine"}, "site_kind": {"site"}}).mustStatus(t, http.StatusForbidden)
	})
	t.Run("Consultant", func(t *testing.T) {
		c := env.client(t)
		c.signIn("maria.alvarez@consult.example")
		c.get(base+"/programs").mustStatus(t, http.StatusOK).mustContain(t, "Prairie Families", "Southside", "Champaign")
		c.get(base+"/programs/"+prairie).mustStatus(t, http.StatusOK).mustContain(t, "Cicero office").setupMustLack(t, "Fundings", "$275,700.00")
	})
}

// TestDemoSetupSeedsOnce: seeding again adds no settings change, site, funding or line.
func TestDemoSetupSeedsOnce(t *testing.T) {
	env := newTestEnv(t)
	tables := []string{"program_sites", "fundings", "budget_lines", "organisations", "audit_events"}
	before := map[string]int{}
	for _, table := range tables {
		before[table] = env.setupRows(table)
		if before[table] == 0 {
			t.Fatalf("the demo has no %s", table)
		}
	}
	if err := demo.Seed(context.Background(), env.app.DB, env.app.Accounts, env.app.Tenants); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		if n := env.setupRows(table); n != before[table] {
			t.Errorf("%s went from %d to %d rows on the second seed", table, before[table], n)
		}
	}
	for slug, want := range map[string]int{"illinois": 102, "nc-piedmont": 6, "ohio": 88} {
		tn, _ := env.app.Tenants.Store().TenantBySlug(context.Background(), slug)
		if tn.SettingsConfirmedAt == nil || len(tn.Counties) != want || len(tn.Languages) == 0 {
			t.Errorf("%s: settings confirmed %v, %d counties (want %d), languages %v", slug, tn.SettingsConfirmedAt, len(tn.Counties), want, tn.Languages)
		}
	}
}

// TestSetupOutsideTheKnownStates: a Wisconsin tenant (no state list of funders) ticks its 72
// counties from the Census list, is offered the federal funders every state has (and told so,
// with no promise of Wisconsin's usual funders), and reads no Illinois example.
func TestSetupOutsideTheKnownStates(t *testing.T) {
	env := newTestEnv(t)
	tn := &tenants.Tenant{Slug: "wisconsin", Name: "Wisconsin Alliance for Infant Mental Health", Kind: tenants.KindStateSystem, State: "WI",
		Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := env.app.Tenants.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	c := env.setupAdminOf(t, tn, "admin@wisconsin.example")
	base := "/t/wisconsin"
	c.get(base+"/").mustStatus(t, http.StatusOK).mustContain(t, "Start from the federal funders every state has: MIECHV, Head Start, CCDF and IDEA Part C").
		setupMustLack(t, "usual funders")

	r := c.get(base+"/settings").mustStatus(t, http.StatusOK).mustContain(t, "The 72 counties of Wisconsin, from the U.S. Census Bureau’s list",
		`value="Dane"`, `value="Milwaukee"`, `value="Menominee"`).setupMustLack(t, `name="counties_text"`)
	if n := strings.Count(r.body, `name="counties" value="`); n != 72 {
		t.Fatalf("%d county boxes, want Wisconsin's 72", n)
	}
	c.post(base+"/settings", url.Values{"name": {tn.Name}, "time_zone": {"America/Chicago"}, "state_fy_start_month": {"7"},
		"federal_fy_start_month": {"10"}, "counties": {"Dane", "Milwaukee", "Atlantis"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Choose counties of Wisconsin from the list.", `value="Dane" checked`)
	c.post(base+"/settings", url.Values{"name": {tn.Name}, "time_zone": {"America/Chicago"}, "state_fy_start_month": {"7"},
		"federal_fy_start_month": {"10"}, "counties": {"Dane", "Milwaukee"}}).mustStatus(t, http.StatusSeeOther)

	funders := c.get(base+"/funders").mustStatus(t, http.StatusOK).mustContain(t, "The federal funders every state has",
		"Add the federal funders every state has", "Maternal, Infant, and Early Childhood Home Visiting Program", "(MIECHV)",
		"Head Start and Early Head Start", "Child Care and Development Fund", "(CCDF)", "Individuals with Disabilities Education Act, Part C", "(IDEA Part C)",
		"for example MIECHV")
	funders.setupMustLack(t, "usual funders", "funders of Wisconsin", "funders for Wisconsin", "ISBE", "Illinois")
	c.post(base+"/funders/usual", nil).mustStatus(t, http.StatusSeeOther)
	c.get(base+"/funders").mustContain(t, "Added Maternal, Infant, and Early Childhood Home Visiting Program, Head Start and Early Head Start, Child Care and Development Fund, Individuals with Disabilities Education Act",
		"Varies: say so on each funding").setupMustLack(t, "Add the federal funders every state has", "Yes, already funded")
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, Role: "tenant_admin"})
	list, err := env.app.Programs.Store().Organisations(ctx, tenants.OrgFunder)
	if err != nil || len(list) != 4 {
		t.Fatalf("got %d funders (%v), want the four federal ones", len(list), err)
	}
	c.post(base+"/funders/usual", nil).mustStatus(t, http.StatusSeeOther)
	c.get(base+"/funders").mustContain(t, "They are all in your list already.")
	if list, _ = env.app.Programs.Store().Organisations(ctx, tenants.OrgFunder); len(list) != 4 {
		t.Fatalf("adding them again made %d funders", len(list))
	}
	c.get(base+"/audit?action=funder.").mustContain(t, "a federal funder every state has")

	// A program in a county served; MIECHV budgets by the federal year and says nothing of
	// Illinois's funders.
	r = c.post(base+"/programs", url.Values{"name": {"Dane County Home Visiting"}, "program_kind": {"home_visiting"}, "county": {"Dane"}}).
		mustStatus(t, http.StatusSeeOther)
	m := programURL.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("after adding a program, went to %q", r.header.Get("Location"))
	}
	var miechv string
	for _, o := range list {
		if o.ShortName == "MIECHV" {
			miechv = o.ID
		}
	}
	c.get(base+"/programs/"+m[1]+"/fundings/new?funder_id="+miechv).mustStatus(t, http.StatusOK).
		mustContain(t, "Federal fiscal year (October to September)", "say on each funding whether I/ECMHC is in it").
		setupMustLack(t, `name="iecmhc_funded" value="1" checked`, "IDHS", "ISBE", "DFSS")
	c.get(base+"/programs/"+m[1]+"/fundings/new").mustStatus(t, http.StatusOK).setupMustLack(t, "IDHS", "ISBE", "DFSS")
}
