package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/reports"
	"github.com/holdspace/holdspace/app/tenants"
)

// childOutcomeFixture closes n child and family engagements of program (Maria's) in the current
// state fiscal year with outcome and race (and what set changes), and returns the year.
func (e *testEnv) childOutcomeFixture(slug, program string, n int, outcome, race string, set ...func(*consultation.Engagement)) reports.Year {
	e.t.Helper()
	ctx := e.scoped(slug)
	ten, err := e.app.Tenants.Store().TenantBySlug(context.Background(), slug)
	if err != nil {
		e.t.Fatal(err)
	}
	y := reports.YearOf(ten, reports.CalendarState, time.Now())
	programID := e.setupOrgID(slug, tenants.OrgProgram, program)
	p := e.profileOf(slug, demo.SharedConsultantEmail)
	t, err := database.For(ctx, e.app.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	now := database.Now()
	for i := 0; i < n; i++ {
		eng := &consultation.Engagement{ID: database.NewID(), AssignmentID: database.NewID(), ProfileID: p.ID, ProgramID: programID,
			Focus: consultation.FocusChildFamily, ChildInitials: "ZZ", ChildAgeBand: "3–4 years", Stage: consultation.StageClosed,
			Kind: consultation.KindConsultation, OpenedOn: y.From(), ClosedOn: y.From(), ChildOutcome: outcome, ChildRaceEthnicity: race,
			DefaultParticipants: database.Counts{}, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
		for _, f := range set {
			f(eng)
		}
		if _, err := t.Insert(eng).Exec(ctx); err != nil {
			e.t.Fatal(err)
		}
	}
	return y
}

var equityTDRe = regexp.MustCompile(`<td[^>]*>([^<]*)</td>`)

// cellsOf are the texts of a page's table cells.
func equityCells(body string) []string {
	var out []string
	for _, m := range equityTDRe.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

func equityHasCell(cells []string, want string) bool {
	for _, c := range cells {
		if c == want {
			return true
		}
	}
	return false
}

// mustSuppress fails when a count under ten shows as a number in cells.
func equityMustSuppress(t *testing.T, what string, cells []string) {
	t.Helper()
	for _, c := range cells {
		for _, small := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"} {
			if c == small {
				t.Fatalf("%s shows a count under ten: %q in %v", what, c, cells)
			}
		}
	}
}

// TestChildOutcomesEquity: 12 children stayed and 3 were expelled or suspended at Southside
// (funded by IDHS-DEC), 11 were removed at Prairie Families (not funded by it). The tenant
// admin's page and CSV show 12 and 11 and "fewer than 10", never 3; the funder's show its
// programs' 12 only; the files are runs for the person who asked, audited.
func TestChildOutcomesEquity(t *testing.T) {
	env := newTestEnv(t)
	y := env.childOutcomeFixture("illinois", "Southside Community Doula Program", 12, consultation.OutcomeStayed, "black")
	env.childOutcomeFixture("illinois", "Southside Community Doula Program", 3, consultation.OutcomeExpelled, "white")
	env.childOutcomeFixture("illinois", "Prairie Families Home Visiting", 11, consultation.OutcomeRemoved, "asian")
	page := "/t/illinois/reports/child-outcomes?" + y.Query()

	admin := env.signedIn(t, "admin@illinois.example")
	r := admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Child outcomes and equity", "How counts are kept private",
		"any count under 10", "reads “fewer than 10”", "the next smallest is hidden too", "active during the year",
		"Where the child was at close", "By race or ethnicity", "Black or African American", "By sex", "By dual-language learner",
		"By IEP or IFSP", "Not recorded", `scope="col"`, "<caption>", y.Label())
	cells := equityCells(r.body)
	for _, want := range []string{"12", "11", "fewer than 10"} {
		if !equityHasCell(cells, want) {
			t.Fatalf("the admin's page has no cell %q: %v", want, cells)
		}
	}
	equityMustSuppress(t, "the admin's page", cells)
	if !strings.Contains(r.body, "Child and family engagements closed in "+y.Label()+": 26") {
		t.Fatal("the admin's page does not count 26 closed")
	}

	funder := env.signedIn(t, "funder@illinois.example")
	r = funder.get(page).mustStatus(t, http.StatusOK).mustContain(t, "for the programs you fund")
	cells = equityCells(r.body)
	if !equityHasCell(cells, "12") || equityHasCell(cells, "11") {
		t.Fatalf("the funder's page: want its programs' 12 and not the other program's 11: %v", cells)
	}
	equityMustSuppress(t, "the funder's page", cells)
	if strings.Contains(r.body, "ZZ") || strings.Contains(r.body, "Prairie Families") {
		t.Fatal("the funder's page shows a child or another program")
	}
	// Other roles do not read reports.
	env.signedIn(t, demo.SharedConsultantEmail).get(page).mustStatus(t, http.StatusForbidden)

	// The dashboards' summary: suppressed by row.
	sum, err := reports.ChildOutcomes(env.scoped("illinois"), env.app.DB, y)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, row := range sum.Rows {
		got[row.Value] = row.Count.String()
	}
	if sum.Closed.String() != "26" || got[consultation.OutcomeStayed] != "12" || got[consultation.OutcomeRemoved] != "11" ||
		got[consultation.OutcomeExpelled] != "fewer than 10" || got[""] != "fewer than 10" {
		t.Fatalf("ChildOutcomes: closed %s, %v", sum.Closed, got)
	}

	// The CSV, as the funder: a run for the funder only, built by the worker, downloaded, audited.
	funder.refreshCSRF()
	runPage := funder.post("/t/illinois/reports/child-outcomes/runs", url.Values{"format": {"csv"}, "calendar": {y.Calendar},
		"fy": {y.Value()[len(y.Calendar)+1:]}}).mustStatus(t, http.StatusSeeOther).header.Get("Location")
	if !strings.HasPrefix(runPage, "/t/illinois/runs/") {
		t.Fatalf("asking for the file goes to %q", runPage)
	}
	runID := strings.TrimPrefix(runPage, "/t/illinois/runs/")
	if env.runQueued(t) == 0 {
		t.Fatal("no task was queued to build the file")
	}
	funder.get(runPage).mustStatus(t, http.StatusOK).mustContain(t, "Child outcomes and equity", "Ready to download", "Back to child outcomes")
	admin.get(runPage).mustStatus(t, http.StatusNotFound)
	admin.get(runPage+"/download").mustStatus(t, http.StatusNotFound)
	dl := funder.get(runPage+"/download").mustStatus(t, http.StatusOK)
	lines, err := csv.NewReader(strings.NewReader(dl.body)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back: %v", err)
	}
	var fileCells []string
	var all []string
	for _, l := range lines {
		if len(l) > 2 {
			fileCells = append(fileCells, l[2:]...)
		}
		if len(l) > 0 && l[0] == "All" {
			all = l
		}
	}
	if len(all) == 0 || all[2] != "16" || !equityHasCell(all, "12") || !equityHasCell(all, "fewer than 10") || equityHasCell(fileCells, "11") {
		t.Fatalf("the funder's CSV: the row of all %v; cells %v", all, fileCells)
	}
	equityMustSuppress(t, "the funder's CSV", fileCells)
	if !strings.Contains(dl.body, "fewer than 10") || !strings.Contains(dl.body, "next smallest is hidden too") {
		t.Fatal("the CSV does not say its rule")
	}
	for _, action := range []string{"run.start", "run.ready", "run.download"} {
		if env.count("audit_events", "action = ? AND record_id = ?", action, runID) != 1 {
			t.Fatalf("the file's run has no %s audit event", action)
		}
	}
	if env.count("report_runs", "id = ? AND kind = ? AND expires_at IS NOT NULL", runID, reports.EquityKind) != 1 {
		t.Fatal("the file's run does not expire")
	}

	// The XLSX, as the admin: read back with excelize.
	admin.refreshCSRF()
	runPage = admin.post("/t/illinois/reports/child-outcomes/runs", url.Values{"format": {"xlsx"}, "calendar": {y.Calendar},
		"fy": {y.Value()[len(y.Calendar)+1:]}}).mustStatus(t, http.StatusSeeOther).header.Get("Location")
	env.runQueued(t)
	dl = admin.get(runPage+"/download").mustStatus(t, http.StatusOK)
	x, err := excelize.OpenReader(bytes.NewReader([]byte(dl.body)))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	rows, err := x.GetRows("Child outcomes")
	if err != nil {
		t.Fatal(err)
	}
	var xcells []string
	for _, row := range rows {
		if len(row) > 2 {
			xcells = append(xcells, row[2:]...)
		}
	}
	if !equityHasCell(xcells, "12") || !equityHasCell(xcells, "11") || !equityHasCell(xcells, "fewer than 10") {
		t.Fatalf("the admin's XLSX: %v", xcells)
	}
	equityMustSuppress(t, "the admin's XLSX", xcells)

	// A format that is not offered is refused by name, and starts nothing.
	before := env.count("report_runs", "kind = ?", reports.EquityKind)
	admin.refreshCSRF()
	admin.post("/t/illinois/reports/child-outcomes/runs", url.Values{"format": {"pdf"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Choose the file’s format")
	if env.count("report_runs", "kind = ?", reports.EquityKind) != before {
		t.Fatal("a refused request started a run")
	}
}

// TestChildEquitySuppression: where a column's total is shown and only one of its counts is
// hidden, the next smallest is hidden too (complementary suppression).
func TestChildEquitySuppression(t *testing.T) {
	env := newTestEnv(t)
	dll := func(v string) func(*consultation.Engagement) {
		return func(e *consultation.Engagement) { e.ChildDLL = v }
	}
	// Stayed: 12 dual-language learners, 11 not, 2 not recorded (25 in all, shown).
	y := env.childOutcomeFixture("illinois", "Prairie Families Home Visiting", 12, consultation.OutcomeStayed, "", dll("yes"))
	env.childOutcomeFixture("illinois", "Prairie Families Home Visiting", 11, consultation.OutcomeStayed, "", dll("no"))
	env.childOutcomeFixture("illinois", "Prairie Families Home Visiting", 2, consultation.OutcomeStayed, "", dll(""))
	eq, err := reports.ChildEquity(env.scoped("illinois"), env.app.DB, y)
	if err != nil {
		t.Fatal(err)
	}
	if eq.All.Cells[1].String() != "25" {
		t.Fatalf("the row of all: %v", eq.All.Cells)
	}
	sec := eq.Sections[2]
	if sec.Title != "By dual-language learner" {
		t.Fatalf("the third breakdown is %q", sec.Title)
	}
	stayed := map[string]string{}
	for _, r := range sec.Rows {
		stayed[r.Label] = r.Cells[1].String()
	}
	// 25 - 12 would tell the 2 not recorded were it alone hidden: the 11 is hidden too.
	if stayed["Yes"] != "12" || stayed["No"] != "fewer than 10" || stayed["Not recorded"] != "fewer than 10" {
		t.Fatalf("stayed, by dual-language learner: %v", stayed)
	}
}
