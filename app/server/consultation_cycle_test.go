package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/tenants"
)

// cycleMarker is written only into the sessions' notes: no page of a program user or a funder
// may ever show it.
const cycleMarker = "Notes-marker-Q7ZK4"

// cycleSpaces collapses the whitespace between tags, so table rows can be matched whole.
var cycleSpaces = regexp.MustCompile(`>\s+<`)

func cycleSquash(body string) string { return cycleSpaces.ReplaceAllString(body, "><") }

// cycleCrawl opens, as c, the start pages and every page of the tenant linked from them, up
// to depth links away (GET only, at most 250 pages), and returns each page's status and body
// by address. A server error fails the test.
func cycleCrawl(t *testing.T, c *client, slug string, depth int, start ...string) map[string]*resp {
	t.Helper()
	href := regexp.MustCompile(`href="(/t/` + regexp.QuoteMeta(slug) + `/[^"#]*)"`)
	seen := map[string]*resp{}
	frontier := start
	for d := 0; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, p := range frontier {
			if _, done := seen[p]; done || len(seen) >= 250 {
				continue
			}
			r := c.get(p)
			if r.status >= 500 {
				t.Fatalf("GET %s: status %d\n%s", p, r.status, truncateBody(r.body))
			}
			seen[p] = r
			if r.status != http.StatusOK {
				continue
			}
			for _, m := range href.FindAllStringSubmatch(r.body, -1) {
				next = append(next, html.UnescapeString(m[1]))
			}
		}
		frontier = next
	}
	return seen
}

// cycleStageRow is the funder's "By program and TA stage" row of a program, whitespace squashed.
func cycleStageRow(t *testing.T, body, program string) string {
	t.Helper()
	b := cycleSquash(body)
	i := strings.Index(b, `<th scope="row" data-label="Program">`+program+`</th>`)
	if i < 0 {
		t.Fatalf("no stage counts for %s\n%s", program, truncateBody(body))
	}
	j := strings.Index(b[i:], "</tr>")
	return b[i : i+j]
}

// TestConsultationCycle is issue 5's "done when": a consultant runs an engagement through the
// whole cycle in the browser (sessions, pre-assessment, a plan the program agrees to, progress,
// post-assessment, close) and every role sees exactly what it should, with every read of the
// notes audited.
func TestConsultationCycle(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	const program = "Champaign County Coordinated Intake" // funded by IDHS-DEC, the demo funder's organisation
	champaign := env.setupOrgID("illinois", tenants.OrgProgram, program)
	if n := env.count("engagements", "program_id = ?", champaign); n != 0 {
		t.Fatalf("the demo has %d engagements with %s already; the test needs none", n, program)
	}

	// The tenant admin answers the demo's open request from Champaign by assigning Maria.
	var request consultants.Request
	if err := env.raw().NewSelect().Model(&request).Where("contact_email = ?", "gloria.reyes@champaign-intake.example").
		Scan(context.Background()); err != nil {
		t.Fatalf("the demo request from Champaign: %v", err)
	}
	mariaProfile := env.matchProfile("illinois", demo.SharedConsultantEmail)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.get("/t/illinois/requests/"+request.ID).mustStatus(t, http.StatusOK)
	admin.post("/t/illinois/requests/"+request.ID+"/assign", url.Values{"program_id": {champaign}, "profile_id": {mariaProfile.ID}, "confirm": {"yes"}}).
		mustStatus(t, http.StatusSeeOther)
	assigned, err := env.app.Matching.Assignments(ctx, consultants.AssignmentFilter{ProgramID: champaign, Status: consultants.AssignmentActive})
	if err != nil || len(assigned) != 1 || assigned[0].ProfileID != mariaProfile.ID {
		t.Fatalf("Maria's assignment to %s: %v, %v", program, assigned, err)
	}
	assignmentID := assigned[0].ID

	// The intake lead is Champaign's program user.
	lead, err := env.app.Accounts.CreateUser(ctx, "intake.lead@champaign-intake.example", "Gloria Reyes", demo.Password, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.Tenants.AddMember(ctx, lead.ID, authz.Program, champaign); err != nil {
		t.Fatal(err)
	}

	// ---- The consultant starts the engagement: a child and family, initials and age band only.
	maria := env.signedIn(t, demo.SharedConsultantEmail)
	maria.get("/t/illinois/engagements/new").mustStatus(t, http.StatusOK).
		mustContain(t, `<option value="`+assignmentID+`">`+program+`</option>`)
	r := maria.post("/t/illinois/engagements", url.Values{"assignment_id": {assignmentID}, "focus": {consultation.FocusChildFamily},
		"child_initials": {"q.x."}, "child_age_band": {"2–3 years"}}).mustStatus(t, http.StatusSeeOther)
	engURL := r.header.Get("Location")
	if !strings.HasPrefix(engURL, "/t/illinois/engagements/") {
		t.Fatalf("starting the engagement redirected to %q", engURL)
	}
	engID := strings.TrimPrefix(engURL, "/t/illinois/engagements/")
	r = maria.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, "Child and family QX, 2–3 years", "Opened at Initial contact",
		`usa-step-indicator__heading-text">Initial contact<`, "No session is recorded yet.", "Record a session")
	// Every date of the cycle is the day it opened (the tenant's today when it opened: none
	// may come before it, nor after today, even if the test runs past midnight).
	om := regexp.MustCompile(`<tr><th scope="row">Opened</th><td>(\d{4}-\d{2}-\d{2})</td></tr>`).FindStringSubmatch(cycleSquash(r.body))
	if om == nil {
		t.Fatal("the engagement page does not say when it opened")
	}
	today := om[1]
	opened, _ := time.Parse(time.DateOnly, today)
	day := func(n int) string { return opened.AddDate(0, 0, n).Format(time.DateOnly) }

	// ---- Two sessions, each with notes (the marker), a shared summary, and a follow-up.
	sessionURLs := []string{}
	summaries := []string{
		"Met the intake team and the family; agreed to look at the first-call routine together.",
		"Went over the screening results with the intake team; the family chose a parenting group.",
	}
	record := func(form url.Values) string {
		t.Helper()
		r := maria.post(engURL+"/sessions/new", form).mustStatus(t, http.StatusSeeOther)
		loc := r.header.Get("Location")
		if !strings.HasPrefix(loc, "/t/illinois/sessions/") {
			t.Fatalf("recording a session redirected to %q", loc)
		}
		return loc
	}
	maria.get(engURL+"/sessions/new").mustStatus(t, http.StatusOK).mustContain(t, "Record a session")
	sessionURLs = append(sessionURLs, record(url.Values{"held_on": {today}, "minutes": {"60"}, "mode": {"in_person"},
		"service": {"family_engagement"}, "p_family_members": {"2"}, "p_other": {"1"}, "topics": {"Family engagement", "Attachment"},
		"notes":   {"First visit. " + cycleMarker + " The mother spoke about her own childhood."},
		"summary": {summaries[0]}, "followup_desc_0": {"Send the family the parenting group flyer"}, "followup_due_0": {day(7)}}))
	sessionURLs = append(sessionURLs, record(url.Values{"held_on": {today}, "minutes": {"45"}, "mode": {"virtual"},
		"service": {"referral_consultation"}, "p_other": {"3"}, "topics": {"Assessments and screenings"},
		"notes":   {"Second contact. " + cycleMarker + " The intake worker is worried about the home."},
		"summary": {summaries[1]}, "followup_desc_0": {"Ask the parenting group for a start date"}, "followup_due_0": {day(10)},
		"referral_kind_0": {"parenting_support"}}))
	for i, loc := range sessionURLs {
		maria.get(loc).mustStatus(t, http.StatusOK).mustContain(t, cycleMarker, summaries[i], "Your reading is logged")
	}
	if n := env.count("audit_events", "action = 'session.notes_read' AND actor_id = ?", env.userID(demo.SharedConsultantEmail)); n != 2 {
		t.Fatalf("the consultant's 2 reads of notes wrote %d audit events", n)
	}

	// ---- Through the cycle, each move dated.
	advance := func(to string) {
		t.Helper()
		maria.post(engURL+"/advance", url.Values{"to_stage": {to}, "moved_on": {today}, "reason": {"Cycle: " + to}}).
			mustStatus(t, http.StatusSeeOther)
		maria.get(engURL).mustStatus(t, http.StatusOK).
			mustContain(t, `usa-step-indicator__heading-text">`+consultation.StageOf(to).Label+`<`, "Cycle: "+to)
	}
	advance(consultation.StageNeedsDiscussion)
	advance(consultation.StagePreAssessment)

	// The pre-assessment: DECA-P2, a score per subscale.
	instruments, err := env.app.Instruments.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var deca *consultation.Instrument
	for i := range instruments {
		if instruments[i].ShortName == "DECA-P2" {
			deca = &instruments[i]
		}
	}
	if deca == nil {
		t.Fatal("no DECA-P2")
	}
	assessments := engURL + "/assessments"
	maria.get(assessments+"/new?instrument_id="+deca.ID).mustStatus(t, http.StatusOK).mustContain(t, "Behavioral Concerns")
	maria.post(assessments+"/new", scoreForm(deca, consultation.PhasePre, today, map[string]string{"Initiative": "40.5",
		"Self-Regulation": "38", "Attachment/Relationships": "42", "Total Protective Factors": "39", "Behavioral Concerns": "62"})).
		mustStatus(t, http.StatusSeeOther)
	// Recording it completed the pre-assessment stage: the engagement is at the discussion of
	// findings, by a move of its own.
	at := func(stage, why string) {
		t.Helper()
		maria.get(engURL).mustStatus(t, http.StatusOK).
			mustContain(t, `usa-step-indicator__heading-text">`+consultation.StageOf(stage).Label+`<`, why)
	}
	maria.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, "DECA-P2: pre-assessment of "+today+", no post-assessment yet")
	at(consultation.StageFindings, "Pre-assessment recorded (DECA-P2 of "+today+")")

	// The plan with one goal, waiting for the program.
	planURL := engURL + "/plan"
	maria.post(planURL, url.Values{"starts_on": {today}, "ends_on": {day(90)}}).mustStatus(t, http.StatusSeeOther)
	at(consultation.StagePlan, "Quality improvement plan started")
	pm := regexp.MustCompile(`/t/illinois/plans/([^/"]+)/goals`).FindStringSubmatch(maria.get(planURL).mustStatus(t, http.StatusOK).body)
	if pm == nil {
		t.Fatal("the plan page has no form to add a goal")
	}
	planID := pm[1]
	const goal = "The intake team uses the family check-in at every first call."
	maria.post("/t/illinois/plans/"+planID+"/goals", url.Values{"goal": {goal}, "indicator": {"Share of first calls with the check-in"},
		"baseline": {"1 in 10"}, "target": {"8 in 10"}, "owner": {"Intake supervisor"}, "due_on": {day(60)},
		"status": {consultation.GoalNotStarted}}).mustStatus(t, http.StatusSeeOther)
	gm := regexp.MustCompile(`/t/illinois/goals/([^/"]+)/edit`).FindStringSubmatch(
		maria.get(planURL).mustStatus(t, http.StatusOK).mustContain(t, "Waiting for the program's agreement", goal).body)
	if gm == nil {
		t.Fatal("the plan page has no link to change the goal")
	}
	goalID := gm[1]
	maria.post("/t/illinois/plans/"+planID+"/agree", url.Values{"names": {"Me"}, "confirm": {"yes"}}).mustStatus(t, http.StatusForbidden)

	// ---- The program sees the plan waiting, and agrees to it.
	gloria := env.signedIn(t, "intake.lead@champaign-intake.example")
	gloria.get("/t/illinois/plans?status=awaiting").mustStatus(t, http.StatusOK).mustContain(t, planURL, "Waiting for agreement")
	gloria.get(planURL).mustStatus(t, http.StatusOK).mustContain(t, "Agree to the plan", goal)
	gloria.post("/t/illinois/plans/"+planID+"/agree", url.Values{"names": {"Ana Ruiz, Sam Cole"}, "confirm": {"yes"}}).
		mustStatus(t, http.StatusSeeOther)
	gloria.get(planURL).mustStatus(t, http.StatusOK).mustContain(t, "Agreed on", "by Ana Ruiz, Sam Cole", "(recorded by Gloria Reyes)")
	if env.count("audit_events", "action = 'qi_plan.agree' AND record_id = ? AND actor_id = ?", planID, lead.ID) != 1 {
		t.Fatal("the program's agreement is not audited")
	}

	// ---- Implementation (the agreement started it): progress on the goal, recorded at a session.
	at(consultation.StageImplementation, "The program agreed to the quality improvement plan")
	maria.get(engURL+"/sessions/new").mustStatus(t, http.StatusOK).mustContain(t, `name="goal_ids" value="`+goalID+`"`, goal)
	sessionURLs = append(sessionURLs, record(url.Values{"held_on": {today}, "minutes": {"75"}, "mode": {"in_person"},
		"service": {"reflective_group"}, "p_other": {"4"}, "p_supervisors": {"1"}, "topics": {"Family engagement"},
		"notes":    {"Third contact. " + cycleMarker + " Tension between two intake workers."},
		"summary":  {"Practised the check-in with the whole intake team."},
		"goal_ids": {goalID}, "goal_status_" + goalID: {consultation.GoalInProgress}, "goal_note_" + goalID: {"Used on 6 of 10 first calls."}}))
	gloria.get(planURL).mustStatus(t, http.StatusOK).mustContain(t, "Used on 6 of 10 first calls.", "(at a session)", "Agreed on")

	// ---- Evaluation: the post-assessment, then the goal is met.
	maria.post(assessments+"/new", scoreForm(deca, consultation.PhasePost, today, map[string]string{"Initiative": "48",
		"Self-Regulation": "45", "Attachment/Relationships": "42", "Total Protective Factors": "46", "Behavioral Concerns": "55"})).
		mustStatus(t, http.StatusSeeOther)
	at(consultation.StagePostAssessment, "Post-assessment recorded (DECA-P2 of "+today+")")
	maria.post("/t/illinois/goals/"+goalID+"/progress", url.Values{"status": {consultation.GoalMet}, "note": {"Used on 9 of 10 first calls."}}).
		mustStatus(t, http.StatusSeeOther)

	// ---- Sustainability, then closed, after a confirmation that finds nothing unfinished.
	advance(consultation.StageSustainability)
	maria.post(engURL+"/advance", url.Values{"to_stage": {consultation.StageClosed}, "moved_on": {today}, "reason": {"Cycle: closed"}}).
		mustStatus(t, http.StatusOK).mustContain(t, "Close the engagement?", "Nothing is left unfinished", `name="confirm" value="yes"`,
		"Where is the child now?", "Stayed in the setting", "Expelled or suspended")
	if env.count("engagements", "id = ? AND stage = ?", engID, consultation.StageClosed) != 0 {
		t.Fatal("the engagement closed without its confirmation")
	}
	// A child and family engagement closes only with where the child is now (issue 12).
	maria.post(engURL+"/advance", url.Values{"to_stage": {consultation.StageClosed}, "moved_on": {today}, "reason": {"Cycle: closed"},
		"confirm": {"yes"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Close the engagement?", "Say where the child is now", `id="child_outcome-error"`)
	if env.count("engagements", "id = ? AND stage = ?", engID, consultation.StageClosed) != 0 {
		t.Fatal("the engagement closed without where the child is now")
	}
	maria.post(engURL+"/advance", url.Values{"to_stage": {consultation.StageClosed}, "moved_on": {today}, "reason": {"Cycle: closed"},
		"confirm": {"yes"}, "child_outcome": {consultation.OutcomeStayed}}).mustStatus(t, http.StatusSeeOther)
	at(consultation.StageClosed, "Cycle: closed")
	maria.get(engURL).mustContain(t, "Where the child is now", "Stayed in the setting")
	if strings.Contains(maria.get(engURL).body, "(skipped)") {
		t.Fatal("a cycle walked stage by stage shows a skipped stage")
	}
	if n := env.count("engagement_moves", "engagement_id = ?", engID); n != len(consultation.Stages) {
		t.Fatalf("%d moves, want %d (opened, then one per stage)", n, len(consultation.Stages))
	}
	if n := env.count("audit_events", "action = 'engagement.advance' AND record_id = ?", engID); n != len(consultation.Stages)-1 {
		t.Fatalf("%d audited advances, want %d", n, len(consultation.Stages)-1)
	}
	before := env.count("consultation_sessions", "engagement_id = ?", engID)
	maria.post(engURL+"/sessions/new", url.Values{"held_on": {today}, "minutes": {"30"}, "mode": {"virtual"}, "service": {"policy_support"},
		"p_administrators": {"1"}}).mustStatus(t, http.StatusConflict).mustContain(t, "This engagement is closed")
	if env.count("consultation_sessions", "engagement_id = ?", engID) != before {
		t.Fatal("a session was recorded in a closed engagement")
	}

	// ---- The engagement page: closed today, the dosage, pre against post with the change.
	page := maria.get(engURL).mustStatus(t, http.StatusOK)
	body := cycleSquash(page.body)
	for _, want := range []string{
		`<tr><th scope="row">Closed</th><td>` + today + `</td></tr>`,
		`<tr><th scope="row">Contacts</th><td>3 (at least 2 for consultation)</td></tr>`,
		`<tr><th scope="row">Hours</th><td>3</td></tr>`, // 60 + 45 + 75 minutes
		`<tr><th scope="row">Months since the first contact</th><td>0 (first contact ` + today + `)</td></tr>`,
		`<tr><th scope="row">Flags</th><td>None</td></tr>`,
		"DECA-P2: pre-assessment of " + today + ", post-assessment of " + today + " (4 subscales better, 0 worse)",
		goal + ` <span class="text-base">(Met)</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("the engagement page lacks %q\n%s", want, truncateBody(page.body))
		}
	}
	if strings.Contains(body, `href="`+engURL+`/sessions/new"`) {
		t.Fatal("a closed engagement offers to record a session")
	}
	for _, row := range []struct{ name, pre, post, change, way string }{
		{"Initiative", "40.5", "48", "&#43;7.5", "<strong>Better</strong>"},
		{"Self-Regulation", "38", "45", "&#43;7", "<strong>Better</strong>"},
		{"Attachment/Relationships", "42", "42", "0", "No change"},
		{"Total Protective Factors", "39", "46", "&#43;7", "<strong>Better</strong>"},
		{"Behavioral Concerns", "62", "55", "-7", "<strong>Better</strong>"}, // lower is better
	} {
		re := regexp.MustCompile(regexp.QuoteMeta(row.name) + ` <span class="usa-hint">\([^)]*\)</span></th>` +
			regexp.QuoteMeta(`<td data-label="Pre">`+row.pre+`</td><td data-label="Post">`+row.post+`</td><td data-label="Change">`+
				row.change+`</td><td data-label="Which way">`+row.way+`</td>`))
		if !re.MatchString(body) {
			t.Fatalf("the engagement page lacks %s: pre %s, post %s, change %s, %s\n%s", row.name, row.pre, row.post, row.change, row.way,
				truncateBody(page.body))
		}
	}
	if strings.Contains(page.body, cycleMarker) {
		t.Fatal("the engagement page shows notes")
	}

	// ---- The program: the summaries and the plan, never the notes, on any page it can open.
	gp := gloria.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, "Child and family QX, 2–3 years", summaries[0], summaries[1],
		"Practised the check-in", "DECA-P2: pre-assessment of")
	if strings.Contains(gp.body, "Move forward") || strings.Contains(gp.body, "Reopen") {
		t.Fatal("the program is offered to move the engagement")
	}
	for i, loc := range sessionURLs[:2] {
		sp := gloria.get(loc).mustStatus(t, http.StatusOK).mustContain(t, summaries[i])
		if strings.Contains(sp.body, "Send the family the parenting group flyer") || strings.Contains(sp.body, "Ask the parenting group") {
			t.Fatal("the program sees a session's follow-ups")
		}
	}
	gloria.get("/t/illinois/sessions").mustStatus(t, http.StatusOK).mustContain(t, sessionURLs[0], sessionURLs[1], sessionURLs[2], summaries[0])
	seen := cycleCrawl(t, gloria, "illinois", 2, append([]string{"/t/illinois/", "/t/illinois/engagements", "/t/illinois/sessions",
		"/t/illinois/plans", engURL, planURL, assessments}, sessionURLs...)...)
	for p, r := range seen {
		if strings.Contains(r.body, cycleMarker) {
			t.Fatalf("the program user sees the notes on %s", p)
		}
	}
	for _, p := range append([]string{engURL, "/t/illinois/sessions?engagement=" + engID, planURL, assessments}, sessionURLs...) {
		if r := seen[p]; r == nil || r.status != http.StatusOK {
			t.Fatalf("the program user's crawl did not open %s", p)
		}
	}
	if n := env.count("audit_events", "action = 'session.notes_read' AND actor_id = ?", lead.ID); n != 0 {
		t.Fatalf("the program user read notes %d times", n)
	}

	// Another program's user finds none of it.
	latoya := env.signedIn(t, "program@illinois.example")
	for _, p := range []string{engURL, sessionURLs[0], planURL, assessments} {
		latoya.get(p).mustStatus(t, http.StatusNotFound)
	}
	if strings.Contains(latoya.get("/t/illinois/engagements").mustStatus(t, http.StatusOK).body, program) {
		t.Fatal("another program's user sees the engagement")
	}

	// ---- The funder of Champaign: the engagement counted by stage, no initials, no notes.
	funder := env.signedIn(t, "funder@illinois.example")
	row := cycleStageRow(t, funder.get("/t/illinois/engagements").mustStatus(t, http.StatusOK).body, program)
	if !strings.Contains(row, `<td data-label="Closed">1</td><td data-label="Total">1</td>`) {
		t.Fatalf("the funder's count for %s: %s", program, row)
	}
	for _, ta := range consultation.TAStages {
		if !strings.Contains(row, `<td data-label="`+ta+`">0</td>`) {
			t.Fatalf("the funder's count for %s at %s: %s", program, ta, row)
		}
	}
	fe := funder.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, "A child and family", "Closed")
	if strings.Contains(fe.body, "Where the child is now") || strings.Contains(fe.body, "Stayed in the setting") {
		t.Fatal("the funder reads where one child went")
	}
	if strings.Contains(fe.body, "Cycle: ") {
		t.Fatal("the funder reads what the consultant typed about the engagement's moves")
	}
	for _, p := range append([]string{"/t/illinois/sessions", planURL, assessments}, sessionURLs...) {
		if st := funder.get(p).status; st != http.StatusNotFound && st != http.StatusForbidden {
			t.Fatalf("the funder got %d for %s", st, p)
		}
	}
	seen = cycleCrawl(t, funder, "illinois", 2, "/t/illinois/", "/t/illinois/engagements", engURL)
	for p, r := range seen {
		if strings.Contains(r.body, cycleMarker) || strings.Contains(r.body, "family QX") || strings.Contains(r.body, "2–3 years") {
			t.Fatalf("the funder sees the notes or the child's initials on %s", p)
		}
	}

	// ---- The supervisor reads the notes; each read is an audit event.
	helen := env.signedIn(t, "supervisor@illinois.example")
	helenID := env.userID("supervisor@illinois.example")
	helen.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, summaries[0])
	for i, loc := range sessionURLs {
		id := strings.TrimPrefix(loc, "/t/illinois/sessions/")
		for read := 1; read <= 2; read++ {
			helen.get(loc).mustStatus(t, http.StatusOK).mustContain(t, cycleMarker)
			if n := env.count("audit_events", "action = 'session.notes_read' AND record_id = ? AND actor_id = ?", id, helenID); n != read {
				t.Fatalf("after %d reads of session %d's notes by the supervisor, %d audit events", read, i+1, n)
			}
		}
	}
	helen.post(engURL+"/reopen", url.Values{"moved_on": {today}, "reason": {"No."}}).mustStatus(t, http.StatusForbidden)

	// The tenant admin reads them too (audited) and finds the reads in the audit log.
	reads := env.count("audit_events", "action = 'session.notes_read'")
	admin.get(sessionURLs[0]).mustStatus(t, http.StatusOK).mustContain(t, cycleMarker)
	if env.count("audit_events", "action = 'session.notes_read'") != reads+1 {
		t.Fatal("the tenant admin's read of the notes is not audited")
	}
	admin.get("/t/illinois/audit?action=session.notes_read").mustStatus(t, http.StatusOK).mustContain(t, "Session notes read", "supervisor@illinois.example")

	// ---- A tenant admin of another tenant finds nothing, under either address.
	ohio := env.signedIn(t, "admin@ohio.example")
	for _, p := range append([]string{engURL, planURL, assessments}, sessionURLs...) {
		ohio.get(p).mustStatus(t, http.StatusNotFound)
		ohio.get(strings.Replace(p, "/t/illinois/", "/t/ohio/", 1)).mustStatus(t, http.StatusNotFound)
	}
}
