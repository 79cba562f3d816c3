package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// Funders' reports and the sessions export (app/reports, issue 12 section 3), as people read
// them: the list, a report on either calendar, a funder kept to its own, and the files asked
// for, built and downloaded (audited).

func TestFunderReportPages(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	funders, err := env.app.Tenants.Store().OrganisationsOfKind(ctx, tenants.OrgFunder)
	if err != nil {
		t.Fatal(err)
	}
	own := env.member("illinois", "funder@illinois.example").OrganisationID
	var other, miechv string
	for _, f := range funders {
		if f.ID != own && other == "" {
			other = f.ID
		}
		if f.ShortName == "MIECHV" {
			miechv = f.ID
		}
	}
	if own == "" || other == "" || miechv == "" {
		t.Fatalf("demo funders: own %q other %q miechv %q", own, other, miechv)
	}

	admin := env.signedIn(t, "admin@illinois.example")
	admin.get("/t/illinois/reports/funders").mustStatus(t, http.StatusOK).
		mustContain(t, "<h1>Funders’ reports</h1>", "/t/illinois/reports/funders/"+miechv, "Federal fiscal year", "<caption>")
	// MIECHV opens on the federal calendar, its quarters with their due dates.
	page := admin.get("/t/illinois/reports/funders/"+miechv+"?fy=2026").mustStatus(t, http.StatusOK).
		mustContain(t, "(Federal fiscal year: October 2025 to September 2026)", "Q1 (October–December 2025)", "due February 15, 2026",
			"due May 15, 2026", "due August 15, 2026", "due November 15, 2026", "Staff reached (attendances)", "counts attendances, not named people",
			"Engagements by TA stage", "Preparation", "Sustainability", "Pre/post outcomes", `name="format"`, `action="/t/illinois/reports/funders/`+miechv+`/runs"`)
	if leak := goSyntaxLeak(page.body); leak != "" {
		t.Fatalf("the page shows %q", leak)
	}
	// The state calendar on request: no due dates.
	page = admin.get("/t/illinois/reports/funders/"+miechv+"?calendar=state&fy=2026").mustStatus(t, http.StatusOK).
		mustContain(t, "(State fiscal year: July 2025 to June 2026)", "Q1 (July–September 2025)", "budgets by the Federal fiscal year")
	if strings.Contains(page.body, "due February") {
		t.Fatal("a state quarter shows a federal due date")
	}

	// A funder's person goes straight to its own report, and finds no other.
	fc := env.signedIn(t, "funder@illinois.example")
	res := fc.get("/t/illinois/reports/funders")
	if res.status != http.StatusSeeOther && res.status != http.StatusFound {
		t.Fatalf("a funder's list: %d", res.status)
	}
	fc.get("/t/illinois/reports/funders/"+own).mustStatus(t, http.StatusOK).mustContain(t, "consultation report")
	fc.get("/t/illinois/reports/funders/"+other).mustStatus(t, http.StatusNotFound)
	fc.refreshCSRF()
	before := env.count("report_runs", "kind = 'funder_report'")
	fc.post("/t/illinois/reports/funders/"+other+"/runs", url.Values{"format": {"csv"}}).mustStatus(t, http.StatusNotFound)
	if env.count("report_runs", "kind = 'funder_report'") != before {
		t.Fatal("another funder's report was started")
	}
	// Programs and consultants have no reports.
	prog := env.signedIn(t, "program@illinois.example")
	prog.get("/t/illinois/reports/funders/"+own).mustStatus(t, http.StatusForbidden)

	// The file: asked for, built, downloaded by who asked (audited), found by no one else.
	res = fc.post("/t/illinois/reports/funders/"+own+"/runs", url.Values{"format": {"csv"}, "calendar": {"state"}, "fy": {"2026"}})
	runPath := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(runPath, "/t/illinois/runs/") {
		t.Fatalf("asking for the file: %d %q\n%s", res.status, runPath, truncateBody(res.body))
	}
	id := strings.TrimPrefix(runPath, "/t/illinois/runs/")
	env.buildRun(id)
	fc.get(runPath).mustStatus(t, http.StatusOK).mustContain(t, "Funder report", "Ready to download", "Back to the report")
	audits := env.count("audit_events", "action = 'run.download'")
	file := fc.get(runPath+"/download").mustStatus(t, http.StatusOK)
	if !strings.Contains(file.body, "Staff reached (attendances)") || !strings.Contains(file.body, "FY 2025–26") {
		t.Fatalf("the file:\n%s", file.body)
	}
	if env.count("audit_events", "action = 'run.download'") != audits+1 {
		t.Fatal("the download was not audited")
	}
	admin.get(runPath).mustStatus(t, http.StatusNotFound)
	// A bad format comes back on the page, naming the field.
	fc.post("/t/illinois/reports/funders/"+own+"/runs", url.Values{"format": {"pdf"}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Choose CSV or Excel (XLSX).")
}

func TestSessionsExportPages(t *testing.T) {
	env := newTestEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.get("/t/illinois/reports/sessions").mustStatus(t, http.StatusOK).
		mustContain(t, "<h1>Sessions export</h1>", "de-identified", "the session’s notes (sealed) and its shared summary",
			`name="quarter"`, `name="funder_id"`, "All programs", `name="calendar"`)
	fc := env.signedIn(t, "funder@illinois.example")
	page := fc.get("/t/illinois/reports/sessions").mustStatus(t, http.StatusOK).mustContain(t, "funds in the fiscal year chosen, and no others")
	if strings.Contains(page.body, `name="funder_id"`) {
		t.Fatal("a funder is offered other funders' programs")
	}
	// The demo's sessions of the current state year, all programs, as CSV.
	res := admin.post("/t/illinois/reports/sessions/runs", url.Values{"format": {"csv"}, "calendar": {"state"}, "fy": {"2026"}})
	runPath := res.header.Get("Location")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(runPath, "/t/illinois/runs/") {
		t.Fatalf("asking for the export: %d %q\n%s", res.status, runPath, truncateBody(res.body))
	}
	env.buildRun(strings.TrimPrefix(runPath, "/t/illinois/runs/"))
	file := admin.get(runPath+"/download").mustStatus(t, http.StatusOK)
	if !strings.HasPrefix(file.body, "Date,Minutes,Mode,Service") {
		t.Fatalf("the export:\n%s", file.body)
	}
	// No summary of any demo session is in it.
	var summaries []string
	if err := env.raw().NewSelect().Table("consultation_sessions").Column("summary").Where("tenant_id = ? AND summary <> ''", env.tenantID("illinois")).
		Scan(context.Background(), &summaries); err != nil {
		t.Fatal(err)
	}
	for _, s := range summaries {
		if len(s) > 12 && strings.Contains(file.body, s) {
			t.Fatalf("the export holds a summary: %q", s)
		}
	}
	if n := len(regexp.MustCompile(`\n20\d\d-\d\d-\d\d,`).FindAllString(file.body, -1)); n == 0 && len(summaries) > 0 {
		t.Log("no demo session in FY 2026")
	}
	admin.post("/t/illinois/reports/sessions/runs", url.Values{"format": {"csv"}, "funder_id": {database.NewID()}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Choose one of the funders listed")
}

// buildRun builds a run the way runs:build does, in its tenant's scope.
func (e *testEnv) buildRun(id string) {
	e.t.Helper()
	var tenantID string
	if err := e.raw().NewSelect().Table("report_runs").Column("tenant_id").Where("id = ?", id).Scan(context.Background(), &tenantID); err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.Runs.Build(database.WithScope(context.Background(), database.Scope{TenantID: tenantID}), id); err != nil {
		e.t.Fatal(err)
	}
}
