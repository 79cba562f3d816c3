package server

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/tenants"
)

// engagementFixtures is a real engagement of slug (the demo seeds some in every tenant that
// has a consultant assigned to a program).
func (e *testEnv) engagementFixtures(slug string) fixtures {
	e.t.Helper()
	p, err := e.app.Engagements.List(e.scoped(slug), consultation.CaseloadFilter{})
	if err != nil || len(p.Rows) == 0 {
		e.t.Fatalf("an engagement of %s: %v", slug, err)
	}
	return fixtures{"engagementID": p.Rows[0].ID}
}

// demoEngagement finds the demo engagement of slug with focus.
func (e *testEnv) demoEngagement(slug, focus string) *consultation.EngagementRow {
	e.t.Helper()
	p, err := e.app.Engagements.List(e.scoped(slug), consultation.CaseloadFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for i := range p.Rows {
		if p.Rows[i].Focus == focus {
			return &p.Rows[i]
		}
	}
	e.t.Fatalf("no demo engagement of %s with focus %s", slug, focus)
	return nil
}

func TestEngagementsInTheBrowser(t *testing.T) {
	env := newTestEnv(t)
	child := env.demoEngagement("illinois", consultation.FocusChildFamily)
	today := time.Now().In(mustLoc(t, "America/Chicago")).Format(time.DateOnly)

	// Maria's caseload: her open engagements with a "Record a session" link each.
	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)
	maria.get("/t/illinois/").mustStatus(t, 200).mustContain(t, `href="/t/illinois/caseload"`)
	maria.get("/t/illinois/caseload").mustStatus(t, 200).
		mustContain(t, "Prairie Families Home Visiting", "Southside Community Doula Program", "Child and family DR, 0–1 years",
			"Cicero office", "Coaching", "/engagements/"+child.ID+"/sessions/new", "Recent sessions", "Overdue follow-ups",
			// The recent sessions' rows (written in Go): a date linking to its engagement, the
			// program, the service and mode in words, without a consultant column for her.
			`<tr><td data-label="Date" class="hs-date"><a href="/t/illinois/engagements/`, `</a></td><td data-label="Program">`,
			`</td><td data-label="Mode">`)
	if body := maria.get("/t/illinois/caseload").body; strings.Contains(body, `<td data-label="Consultant">`) {
		t.Fatal("a consultant's caseload has a consultant column")
	}
	// Filtered with htmx: the list alone.
	r := maria.get("/t/illinois/caseload?stage=needs_discussion", "HX-Request", "true").mustStatus(t, 200).
		mustContain(t, "Southside Community Doula Program")
	if strings.Contains(r.body, "<html") || strings.Contains(r.body, "Cicero office") {
		t.Fatal("the htmx answer is not the filtered list alone")
	}

	// Start one: bad input comes back with what was typed and the messages; nothing written.
	maria.get("/t/illinois/engagements/new").mustStatus(t, 200).mustContain(t, "Prairie Families Home Visiting", "Child’s initials")
	before := env.count("engagements", "1 = 1")
	form := url.Values{"focus": {consultation.FocusChildFamily}, "child_initials": {"Jonah"}, "child_age_band": {""}}
	maria.post("/t/illinois/engagements", form).mustStatus(t, 422).
		mustContain(t, "Choose one of the programs you are assigned to.", "1 to 3 letters", "Choose the child’s age band.", `value="Jonah"`)
	if env.count("engagements", "1 = 1") != before {
		t.Fatal("bad input wrote an engagement")
	}
	assignments, err := env.app.Engagements.Assignments(env.as("illinois", env.userID(demo.SharedConsultantEmail), "consultant"))
	if err != nil || len(assignments) == 0 {
		t.Fatalf("Maria's assignments: %v %v", assignments, err)
	}
	r = maria.post("/t/illinois/engagements", url.Values{"assignment_id": {assignments[0].ID}, "focus": {consultation.FocusStaffGroup},
		"focus_label": {"Home visitors, Berwyn"}}).mustStatus(t, 303)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/t/illinois/engagements/") {
		t.Fatalf("redirected to %q", loc)
	}
	maria.get(loc).mustStatus(t, 200).mustContain(t, "Staff group: Home visitors, Berwyn", "usa-step-indicator",
		`aria-current="true"`, "Initial contact", "Preparation", "Opened at Initial contact", "Move forward", "Turn into coaching")

	// Moves: the date is checked, walking back needs a reason, and each move is audited.
	tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	maria.post(loc+"/advance", url.Values{"moved_on": {tomorrow}, "reason": {"kept note"}}).mustStatus(t, 422).
		mustContain(t, "The date cannot be in the future.", "kept note")
	maria.post(loc+"/advance", url.Values{"moved_on": {today}}).mustStatus(t, 303)
	maria.post(loc+"/back", url.Values{"to_stage": {consultation.StageInitialContact}, "moved_on": {today}}).mustStatus(t, 422).
		mustContain(t, "Say why the engagement goes back to an earlier stage.")
	maria.post(loc+"/back", url.Values{"to_stage": {consultation.StageInitialContact}, "moved_on": {today},
		"reason": {"The director wants to start over with the new team."}}).mustStatus(t, 303)
	maria.get(loc).mustStatus(t, 200).mustContain(t, "Discussion of needs → Initial contact", "The director wants to start over with the new team.", "Maria Alvarez")
	id := strings.TrimPrefix(loc, "/t/illinois/engagements/")
	if n := env.count("audit_events", "record_id = ? AND action IN (?, ?, ?)", id, "engagement.start", "engagement.advance", "engagement.walk_back"); n != 3 {
		t.Fatalf("%d audit events, want 3", n)
	}
	maria.post(loc+"/coaching", url.Values{"started_on": {today}}).mustStatus(t, 303)
	maria.get(loc).mustStatus(t, 200).mustContain(t, "Turned into coaching", "Continue as continued support")

	// The supervisor reads her caseload but moves nothing.
	sup := env.client(t)
	sup.signIn("supervisor@illinois.example")
	sup.get("/t/illinois/caseload").mustStatus(t, 200).mustContain(t, "Maria Alvarez", "Prairie Families Home Visiting")
	sup.post(loc+"/advance", url.Values{"moved_on": {today}}).mustStatus(t, 403)
	r = sup.get(loc).mustStatus(t, 200)
	if strings.Contains(r.body, "Move forward") {
		t.Fatal("the supervisor is offered to move the engagement")
	}

	// The funder of the Southside doula program sees counts and stages, not the child.
	funder := env.client(t)
	funder.signIn("funder@illinois.example")
	r = funder.get("/t/illinois/engagements").mustStatus(t, 200).mustContain(t, "Southside Community Doula Program", "By program and TA stage", "A child and family")
	if strings.Contains(r.body, "DR, 0–1 years") || strings.Contains(r.body, "Prairie Families Home Visiting") {
		t.Fatal("the funder sees a child's initials or a program it does not fund")
	}
	r = funder.get("/t/illinois/engagements/"+child.ID).mustStatus(t, 200).mustContain(t, "A child and family")
	if strings.Contains(r.body, "family DR") || strings.Contains(r.body, "0–1 years") {
		t.Fatal("the funder sees the child's initials on the engagement page")
	}
	funder.post("/t/illinois/engagements/"+child.ID+"/advance", nil).mustStatus(t, 403)
	funder.get("/t/illinois/caseload").mustStatus(t, 403)

	// The program sees its own engagements only.
	prog := env.client(t)
	prog.signIn("program@illinois.example")
	r = prog.get("/t/illinois/engagements").mustStatus(t, 200).mustContain(t, "Prairie Families Home Visiting", "Cicero office")
	if strings.Contains(r.body, "Southside Community Doula Program") {
		t.Fatal("the program sees another program's engagement")
	}
	prog.get("/t/illinois/engagements/"+child.ID).mustStatus(t, 404)

	// The tenant admin filters every engagement.
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/engagements?kind=coaching").mustStatus(t, 200).mustContain(t, "Cicero office", "Home visitors, Berwyn")
	r = admin.get("/t/illinois/engagements?stage=needs_discussion").mustStatus(t, 200).mustContain(t, "Southside Community Doula Program")
	if strings.Contains(r.body, "Cicero office</td>") {
		t.Fatal("the stage filter kept another stage")
	}
}

func TestEIExpectationsPage(t *testing.T) {
	env := newTestEnv(t)
	con := env.client(t)
	con.signIn("consultant@ohio.example")
	// The demo leaves one month, two months ago, with a single team meeting.
	now := time.Now().In(mustLoc(t, "America/New_York"))
	gap := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -2, 0)
	fy := tenants.FiscalYear(gap, 7)
	con.get("/t/ohio/ei-expectations?fy="+strconv.Itoa(fy)).mustStatus(t, 200).
		mustContain(t, "Daniel Kim with Franklin County Help Me Grow Early Intervention Team", gap.Format("Jan 2006"), "1 of 2 meetings: gap")
	sup := env.client(t)
	sup.signIn("supervisor@ohio.example")
	sup.get("/t/ohio/ei-expectations").mustStatus(t, 200).mustContain(t, "Daniel Kim")
	prog := env.client(t)
	prog.signIn("program@ohio.example")
	prog.get("/t/ohio/ei-expectations").mustStatus(t, 403)
	// Ohio's page is Ohio's rule, cited; Ohio's people have the link in their menu.
	con.get("/t/ohio/ei-expectations").mustContain(t, "Ohio expects an ECMH consultant to meet with each local Early Intervention team",
		"Source: Ohio Department of Children and Youth").setupMustLack(t, "Ohio’s rule")
	con.get("/t/ohio/").mustContain(t, `href="/t/ohio/ei-expectations"`)
	// Illinois has no Early Intervention team: no link in the menu, and the page says so in a
	// sentence, with no table and no Ohio.
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	for _, p := range []string{"/t/illinois/", "/t/illinois/programs"} {
		admin.get(p).mustStatus(t, 200).setupMustLack(t, "ei-expectations", "EI expectations")
	}
	admin.get("/t/illinois/ei-expectations").mustStatus(t, 200).
		mustContain(t, "Illinois I/ECMHC in Home Visiting has no Early Intervention teams among its programs, so there are no Early Intervention expectations to follow.").
		setupMustLack(t, "<table", "Ohio", "Previous fiscal year")
	// Once Illinois adds an Early Intervention team, the link is in its menu and the page speaks
	// in Illinois's words, citing Ohio's rule as its source.
	admin.post("/t/illinois/programs", url.Values{"name": {"Cook County Early Intervention Team"}, "program_kind": {"early_intervention"},
		"county": {"Cook"}}).mustStatus(t, 303)
	admin.get("/t/illinois/").mustContain(t, `href="/t/illinois/ei-expectations"`)
	admin.get("/t/illinois/ei-expectations").mustStatus(t, 200).
		mustContain(t, "Illinois I/ECMHC in Home Visiting measures its consultants’ work with Illinois’s Early Intervention teams by Ohio’s expectations",
			"Source (Ohio’s rule): Ohio Department of Children and Youth", "No consultant is assigned to an Early Intervention team").
		setupMustLack(t, "Ohio expects", "<table")
}

func TestEngagementDemoSeedTwice(t *testing.T) {
	env := newTestEnv(t)
	counts := func() [3]int {
		return [3]int{env.count("engagements", "1 = 1"), env.count("engagement_moves", "1 = 1"), env.count("consultation_sessions", "1 = 1")}
	}
	before := counts()
	if before[0] < 4 {
		t.Fatalf("%d demo engagements, want at least 4", before[0])
	}
	if err := demo.Seed(context.Background(), env.app.DB, env.app.Accounts, env.app.Tenants); err != nil {
		t.Fatal(err)
	}
	if after := counts(); after != before {
		t.Fatalf("seeding twice changed %v to %v", before, after)
	}
	// Every demo engagement's counters agree with its sessions.
	var bad int
	if err := env.raw().NewSelect().TableExpr("engagements AS e").ColumnExpr("COUNT(*)").
		Where("e.contacts <> (SELECT COUNT(*) FROM consultation_sessions AS s WHERE s.tenant_id = e.tenant_id AND s.engagement_id = e.id)").
		Scan(context.Background(), &bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Fatalf("%d engagements whose contacts do not match their sessions", bad)
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
