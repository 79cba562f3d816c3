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

	"github.com/xuri/excelize/v2"

	"github.com/holdspace/holdspace/app/demo"
)

// The NCPC report's demo, FY 2025–26 (July 2025 to June 2026), counted by hand from
// app/demo/ncpc.go. Quarters: Q1 Jul–Sep 2025, Q2 Oct–Dec 2025, Q3 Jan–Mar 2026, Q4 Apr–Jun
// 2026. Little Acorns (LA) is PSC 3125, Sunrise (SU) PSC 3105; both are child care centers.
//
//	engagement   sessions (educators)                               assessments (first subscale)
//	E1 LA Infant 2025-06-17 (5, before the year), 08-12 (2), 10-14 (3), 2026-01-20 (2)
//	                                                                TPITOS pre 08-26 55, post 2026-03-17 72.5: improved
//	E2 LA Toddler 2025-09-09 (3), 11-18 (3), 2026-02-10 (4)         TPITOS pre 09-23 60, post 2026-04-21 58: not improved
//	E3 LA Preschool 2025-10-07 (2), 2026-01-13 (3), 04-14 (2)       TPOT pre 10-21 48.5, post 2026-05-12 66: improved
//	E4 SU Twos 2025-11-04 (2), 2026-02-17 (2), 05-05 (3)            TPITOS pre 11-18 40, post 2026-05-26 61.25: improved
//	E5 SU Pre-K 2026-01-27 (3), 03-10 (4), 05-19 (4)                TPOT pre 2026-02-03 52, no post
//
// Facilities: LA first session 2025-08-12 (Q1), SU 2025-11-04 (Q2): 1, 1, 0, 0; year 2.
// Classrooms (first session of the year): Infant Q1, Toddler Q1, Preschool Q2, Twos Q2,
// Pre-K Q3: 2, 2, 1, 0; year 5 (3125: 2, 1, 0, 0 = 3; 3105: 0, 1, 1, 0 = 2).
// Educators (per engagement, the largest session of the period, added):
//
//	Q1: E1 2 + E2 3 = 5; Q2: E1 3 + E2 3 + E3 2 + E4 2 = 10; Q3: E1 2 + E2 4 + E3 3 + E4 2 + E5 4 = 15;
//	Q4: E3 2 + E4 3 + E5 4 = 9; year: 3 + 4 + 3 + 3 + 4 = 17 (3125: 5, 8, 9, 2, 10; 3105: 0, 2, 6, 7, 7).
//
// Outcomes (quarter of the post): Infant Q3 improved, Toddler Q4 not, Preschool Q4 improved,
// Twos Q4 improved: with pre and post 0, 0, 1, 3 = 4; improved 0, 0, 1, 2 = 3; 100% in Q3,
// 67% in Q4, 75% in the year (3125: 1 of 1, 1 of 2, 2 of 3 = 67%; 3105: 1 of 1 = 100%).
// Measures: TPITOS administrations 2, 1, 1, 2 = 6 (3125: 2, 0, 1, 1 = 4; 3105: 0, 1, 0, 1 = 2);
// TPOT 0, 1, 1, 1 = 3 (3125: 0, 1, 0, 1 = 2; 3105: 0, 0, 1, 0 = 1); classrooms assessed
// (first of the year) 2, 2, 1, 0 = 5 (3125: 2, 1, 0, 0 = 3; 3105: 0, 1, 1, 0 = 2).
var ncpcDemoCSV = `Section,Figure,PSC,Q1,Q2,Q3,Q4,Year to date
Outputs,Child care facilities receiving TA,All PSCs,1,1,0,0,2
Outputs,Child care facilities receiving TA,3105 Accessing Professional Certification and Course Work,0,1,0,0,1
Outputs,Child care facilities receiving TA,3104 NC Child Care Resource and Referral Services,0,0,0,0,0
Outputs,Child care facilities receiving TA,3125 Quality Child Care,1,0,0,0,1
Outputs,Classrooms reached,All PSCs,2,2,1,0,5
Outputs,Classrooms reached,3105 Accessing Professional Certification and Course Work,0,1,1,0,2
Outputs,Classrooms reached,3104 NC Child Care Resource and Referral Services,0,0,0,0,0
Outputs,Classrooms reached,3125 Quality Child Care,2,1,0,0,3
Outputs,Educators reached,All PSCs,5,10,15,9,17
Outputs,Educators reached,3105 Accessing Professional Certification and Course Work,0,2,6,7,7
Outputs,Educators reached,3104 NC Child Care Resource and Referral Services,0,0,0,0,0
Outputs,Educators reached,3125 Quality Child Care,5,8,9,2,10
Outcomes,Classrooms and facilities with a TPITOS or TPOT pre- and post-assessment,All PSCs,0,0,1,3,4
Outcomes,Classrooms and facilities with a TPITOS or TPOT pre- and post-assessment,3105 Accessing Professional Certification and Course Work,0,0,0,1,1
Outcomes,Classrooms and facilities with a TPITOS or TPOT pre- and post-assessment,3104 NC Child Care Resource and Referral Services,0,0,0,0,0
Outcomes,Classrooms and facilities with a TPITOS or TPOT pre- and post-assessment,3125 Quality Child Care,0,0,1,2,3
Outcomes,Improved teacher/child interaction (number),All PSCs,0,0,1,2,3
Outcomes,Improved teacher/child interaction (number),3105 Accessing Professional Certification and Course Work,0,0,0,1,1
Outcomes,Improved teacher/child interaction (number),3104 NC Child Care Resource and Referral Services,0,0,0,0,0
Outcomes,Improved teacher/child interaction (number),3125 Quality Child Care,0,0,1,1,2
Outcomes,Improved teacher/child interaction (percentage),All PSCs,—,—,100%,67%,75%
Outcomes,Improved teacher/child interaction (percentage),3105 Accessing Professional Certification and Course Work,—,—,—,100%,100%
Outcomes,Improved teacher/child interaction (percentage),3104 NC Child Care Resource and Referral Services,—,—,—,—,—
Outcomes,Improved teacher/child interaction (percentage),3125 Quality Child Care,—,—,100%,50%,67%
Measures,TPITOS administrations,All PSCs,2,1,1,2,6
Measures,TPITOS administrations,3105 Accessing Professional Certification and Course Work,0,1,0,1,2
Measures,TPITOS administrations,3104 NC Child Care Resource and Referral Services,0,0,0,0,0
Measures,TPITOS administrations,3125 Quality Child Care,2,0,1,1,4
Measures,TPOT administrations,All PSCs,0,1,1,1,3
Measures,TPOT administrations,3105 Accessing Professional Certification and Course Work,0,0,1,0,1
Measures,TPOT administrations,3104 NC Child Care Resource and Referral Services,0,0,0,0,0
Measures,TPOT administrations,3125 Quality Child Care,0,1,0,1,2
Measures,Classrooms assessed,All PSCs,2,2,1,0,5
Measures,Classrooms assessed,3105 Accessing Professional Certification and Course Work,0,1,1,0,2
Measures,Classrooms assessed,3104 NC Child Care Resource and Referral Services,0,0,0,0,0
Measures,Classrooms assessed,3125 Quality Child Care,2,1,0,0,3
`

// seedNCPCDemo seeds the NCPC demo into the test environment.
func (e *testEnv) seedNCPCDemo() {
	e.t.Helper()
	if err := demo.SeedNCPC(context.Background(), e.app.DB, e.app.Accounts, e.app.Tenants); err != nil {
		e.t.Fatal(err)
	}
}

var runIDRe = regexp.MustCompile(`/t/nc-piedmont/runs/([0-9a-f-]{36})`)

// askNCPCFile asks for the NCPC file of FY 2026 in format, builds it and downloads it: the run
// id and the body.
func askNCPCFile(t *testing.T, env *testEnv, c *client, format string) (string, *resp) {
	t.Helper()
	res := c.post("/t/nc-piedmont/reports/ncpc/runs", url.Values{"format": {format}, "calendar": {"state"}, "fy": {"2026"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("asking for the %s: %d\n%s", format, res.status, truncateBody(res.body))
	}
	m := runIDRe.FindStringSubmatch(res.header.Get("Location"))
	if m == nil {
		t.Fatalf("asking for the %s went to %q, want the run's page", format, res.header.Get("Location"))
	}
	c.get("/t/nc-piedmont/runs/"+m[1]).mustStatus(t, http.StatusOK).mustContain(t, "NCPC report", "Waiting to be built")
	if n := env.runQueued(t); n == 0 {
		t.Fatal("no task was queued for the run")
	}
	c.get("/t/nc-piedmont/runs/"+m[1]).mustStatus(t, http.StatusOK).mustContain(t, "Ready", "Back to the NCPC report")
	return m[1], c.get("/t/nc-piedmont/runs/"+m[1]+"/download").mustStatus(t, http.StatusOK)
}

// TestNCPCDemo: the demo's FY 2025–26 NCPC report, on the page and in the CSV and XLSX, has
// the figures counted by hand above; seeding twice changes nothing.
func TestNCPCDemo(t *testing.T) {
	env := newTestEnv(t)
	env.seedNCPCDemo()
	counts := func() [4]int {
		return [4]int{env.count("engagements", "tenant_id = ?", env.tenantID("nc-piedmont")),
			env.count("consultation_sessions", "tenant_id = ?", env.tenantID("nc-piedmont")),
			env.count("assessments", "tenant_id = ?", env.tenantID("nc-piedmont")),
			env.count("ncpc_activities", "tenant_id = ?", env.tenantID("nc-piedmont"))}
	}
	before := counts()
	env.seedNCPCDemo()
	if after := counts(); after != before || before[3] != 2 || before[0] < 5 {
		t.Fatalf("engagements, sessions, assessments, NCPC activities: %v after seeding twice, %v before", after, before)
	}

	admin := env.client(t)
	admin.signIn("admin@nc-piedmont.example")
	// The demo's sessions went in directly: the dashboard's monthly rollups count them too.
	inYear := env.count("consultation_sessions", "tenant_id = ? AND held_on BETWEEN '2025-07-01' AND '2026-06-30'", env.tenantID("nc-piedmont"))
	if inYear == 0 {
		t.Fatal("the NCPC demo has no session in FY 2025–26")
	}
	admin.get("/t/nc-piedmont/?calendar=state&fy=2026").mustStatus(t, http.StatusOK).mustContain(t,
		`<span class="hs-dashboard__figure-label">Sessions in FY 2025–26</span> <strong class="hs-dashboard__figure-value">`+strconv.Itoa(inYear)+`</strong>`)
	page := admin.get("/t/nc-piedmont/reports/ncpc?calendar=state&fy=2026").mustStatus(t, http.StatusOK)
	body := html.UnescapeString(page.body)
	for _, want := range []string{"FY 2025–26", "the figures on this page may be up to a minute old", "Little Acorns Child Care Center", "Sunrise Early Learning Center",
		"3125 Quality Child Care", "3105 Accessing Professional Certification and Course Work",
		"TA Consultation and Coaching: Infant Early Childhood Mental Health Consultation",
		"Instruments used: TPITOS and TPOT.", "sessions count participants, not named people",
		"TPITOS: improved when the observation items score", "TPOT: improved when the key practices score",
		"Q1 (July–September 2025)", "Q4 (April–June 2026)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	// Each figure's year to date, for all PSCs, as its link reads.
	for fig, want := range map[string]string{"facilities": "2", "classrooms": "5", "educators": "17", "prepost": "4",
		"improved": "3", "improved_pct": "75%", "tpitos": "6", "tpot": "3", "classrooms_assessed": "5"} {
		link := `/t/nc-piedmont/reports/ncpc/list?calendar=state&fy=2026&psc=&section=` + fig + `">` + want + `<span`
		if !strings.Contains(body, link) {
			t.Errorf("the year to date of %s is not %s linked to its list (%s)", fig, want, link)
		}
	}
	// The list behind a figure: Q4's improved classrooms under PSC 3125 is the preschool room.
	list := admin.get("/t/nc-piedmont/reports/ncpc/list?section=improved&psc=3125&quarter=4&calendar=state&fy=2026").mustStatus(t, http.StatusOK)
	lb := html.UnescapeString(list.body)
	if !strings.Contains(lb, "Little Acorns Child Care Center — Preschool room") || !strings.Contains(lb, "TPOT 48.5 (2025-10-21) → 66 (2026-05-12)") ||
		strings.Contains(lb, "Toddler room") || strings.Contains(lb, "Twos classroom") {
		t.Errorf("the list of Q4's improved classrooms under 3125 is wrong:\n%s", truncateBody(list.body))
	}
	if !strings.Contains(lb, "/t/nc-piedmont/engagements/") || !strings.Contains(lb, "/t/nc-piedmont/programs/") {
		t.Error("the list does not link to the engagements and programs")
	}
	// The page and its lists read one kept report, and say when it was counted.
	counted := regexp.MustCompile(`Counted at (\d{1,2}:\d\d [AP]M)`)
	if a, b := counted.FindStringSubmatch(body), counted.FindStringSubmatch(lb); a == nil || b == nil || a[1] != b[1] {
		t.Errorf("the report and its list say when they were counted as %q and %q", a, b)
	}
	admin.get("/t/nc-piedmont/reports/ncpc/list?section=nonsense&calendar=state&fy=2026").mustStatus(t, http.StatusNotFound)
	admin.get("/t/nc-piedmont/reports/ncpc/list?calendar=state&fy=2026").mustStatus(t, http.StatusOK).mustContain(t, "<h1>Child care facilities receiving TA</h1>")
	// A file of no known format: the report again, naming the field; nothing is asked for.
	runs := env.count("report_runs", "tenant_id = ?", env.tenantID("nc-piedmont"))
	admin.post("/t/nc-piedmont/reports/ncpc/runs", url.Values{"format": {"pdf"}, "calendar": {"state"}, "fy": {"2026"}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "File format: choose Excel (XLSX) or CSV.", "FY 2025–26")
	if env.count("report_runs", "tenant_id = ?", env.tenantID("nc-piedmont")) != runs {
		t.Error("a refused request started a run")
	}
	admin.get("/t/nc-piedmont/reports/ncpc/list?section=facilities&quarter=7").mustStatus(t, http.StatusNotFound)

	// The CSV: the hand-counted figures, audited when downloaded.
	downloads := env.count("audit_events", "action = 'run.download'")
	runID, csvRes := askNCPCFile(t, env, admin, "csv")
	if csvRes.body != ncpcDemoCSV {
		t.Errorf("the CSV:\n%s\nwant:\n%s", csvRes.body, ncpcDemoCSV)
	}
	if cd := csvRes.header.Get("Content-Disposition"); !strings.Contains(cd, "NCPC report FY 2025-26.csv") {
		t.Errorf("content disposition %q", cd)
	}
	if n := env.count("audit_events", "action = 'run.download'"); n != downloads+1 {
		t.Errorf("%d download audit events, want %d", n, downloads+1)
	}
	// Only the person who asked sees the run: the funder gets "not found".
	funder := env.client(t)
	funder.signIn("funder@nc-piedmont.example")
	funder.get("/t/nc-piedmont/runs/"+runID).mustStatus(t, http.StatusNotFound)
	funder.get("/t/nc-piedmont/runs/"+runID+"/download").mustStatus(t, http.StatusNotFound)

	// The XLSX: one sheet per section, read back.
	_, xres := askNCPCFile(t, env, admin, "xlsx")
	if !strings.HasPrefix(xres.body, "PK") {
		t.Fatalf("the XLSX is not a zip: %q", truncateBody(xres.body))
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(xres.body)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "Outputs,Outcomes,Measures" {
		t.Errorf("sheets %s, want Outputs,Outcomes,Measures", got)
	}
	for _, c := range []struct{ sheet, cell, want string }{
		{"Outputs", "A1", "Figure"}, {"Outputs", "G1", "Year to date"}, {"Outputs", "A2", "Child care facilities receiving TA"},
		{"Outputs", "B2", "All PSCs"}, {"Outputs", "G2", "2"}, {"Outputs", "F10", "9"}, {"Outputs", "G10", "17"},
		{"Outcomes", "A10", "Improved teacher/child interaction (percentage)"}, {"Outcomes", "G10", "75%"}, {"Outcomes", "F13", "50%"},
		{"Measures", "A2", "TPITOS administrations"}, {"Measures", "G2", "6"}, {"Measures", "G6", "3"}, {"Measures", "G10", "5"},
	} {
		if got, err := x.GetCellValue(c.sheet, c.cell); err != nil || got != c.want {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, got, err, c.want)
		}
	}
}

// TestNCPCSetupPage: the tenant admin says which fundings are the NCPC activity; bad input
// names the field, writes nothing and keeps what was typed; another tenant's funding in a
// field's name is ignored.
func TestNCPCSetupPage(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@nc-piedmont.example")
	page := admin.get("/t/nc-piedmont/reports/ncpc/setup").mustStatus(t, http.StatusOK).
		mustContain(t, "Little Acorns Child Care Center", "North Carolina Partnership for Children", "Reported to NCPC")
	ids := regexp.MustCompile(`name="pid_([0-9a-f-]{36})"`).FindAllStringSubmatch(page.body, -1)
	if len(ids) != 2 {
		t.Fatalf("%d fundings on the setup page, want 2", len(ids))
	}
	first, second := ids[0][1], ids[1][1]
	nActivities := func() int { return env.count("ncpc_activities", "tenant_id = ?", env.tenantID("nc-piedmont")) }
	audits := env.count("audit_events", "action LIKE 'ncpc_activity.%'")
	// The report of the first funding's year, before any setup: kept for a minute (issue 14),
	// so the save below must be what makes it change.
	var fy int
	if err := env.raw().NewSelect().Table("fundings").Column("fiscal_year").Where("id = ?", first).
		Scan(context.Background(), &fy); err != nil {
		t.Fatal(err)
	}
	reportURL := "/t/nc-piedmont/reports/ncpc?calendar=state&fy=" + strconv.Itoa(fy)
	admin.get(reportURL).mustStatus(t, http.StatusOK).mustContain(t, "is reported to NCPC yet", "Counted at ")

	// A bad PSC and an empty identifier: both named, nothing written, the typed words kept.
	res := admin.post("/t/nc-piedmont/reports/ncpc/setup", url.Values{"ncpc_" + first: {"yes"}, "pid_" + first: {"My typed identifier"},
		"psc_" + first: {"9999"}, "ncpc_" + second: {"yes"}, "pid_" + second: {"  "}, "psc_" + second: {"3105"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad setup: %d, want 422\n%s", res.status, truncateBody(res.body))
	}
	b := html.UnescapeString(res.body)
	for _, want := range []string{"Purpose Service Code for ", ": choose 3105, 3104 or 3125.", "Program identifier for ",
		"enter the program identifier", `value="My typed identifier"`, "Nothing was saved"} {
		if !strings.Contains(b, want) {
			t.Errorf("the refused setup does not say %q", want)
		}
	}
	if nActivities() != 0 {
		t.Fatal("a refused setup wrote")
	}

	// Saved: one funding reported, audited; the page shows it. Another tenant's funding named
	// in a field is ignored.
	var ohioFunding string
	if err := env.raw().NewSelect().Table("fundings").Column("id").Where("tenant_id = ?", env.tenantID("ohio")).Limit(1).
		Scan(context.Background(), &ohioFunding); err != nil {
		t.Fatal(err)
	}
	admin.post("/t/nc-piedmont/reports/ncpc/setup", url.Values{"ncpc_" + first: {"yes"}, "pid_" + first: {"TA Consultation and Coaching"},
		"psc_" + first: {"3125"}, "pid_" + second: {"x"}, "psc_" + second: {""}, "ncpc_" + ohioFunding: {"yes"}, "psc_" + ohioFunding: {"3105"}}).
		mustStatus(t, http.StatusSeeOther)
	if nActivities() != 1 || env.count("audit_events", "action LIKE 'ncpc_activity.%'") != audits+1 {
		t.Fatalf("%d activities after saving one", nActivities())
	}
	admin.get("/t/nc-piedmont/reports/ncpc/setup").mustStatus(t, http.StatusOK).mustContain(t, `value="TA Consultation and Coaching"`, `value="3125" selected`)
	// The report kept a minute ago shows the new setup at once.
	if r := admin.get(reportURL).mustStatus(t, http.StatusOK); strings.Contains(r.body, "is reported to NCPC yet") ||
		!strings.Contains(r.body, "Programs with a funding of") {
		t.Errorf("after the setup was saved, the report still has no program:\n%s", truncateBody(r.body))
	}
	// Unticked: removed.
	admin.post("/t/nc-piedmont/reports/ncpc/setup", url.Values{"pid_" + first: {"TA Consultation and Coaching"}, "psc_" + first: {"3125"}}).
		mustStatus(t, http.StatusSeeOther)
	if nActivities() != 0 {
		t.Fatal("unticking did not remove the activity")
	}
	// A funder may not open the setup.
	funder := env.client(t)
	funder.signIn("funder@nc-piedmont.example")
	if r := funder.get("/t/nc-piedmont/reports/ncpc/setup"); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("the funder opened the setup: %d", r.status)
	}
}
