package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/demo"
)

// cycleSteps reads the step indicator of an engagement page: each stage's label and the
// status it says (its visible or screen-reader text).
var cycleStepRE = regexp.MustCompile(`(?s)<li class="usa-step-indicator__segment[^"]*"[^>]*>\s*<span class="usa-step-indicator__segment-label">([^<]+?) <span[^>]*>\(?([a-z ]+?)\)?</span></span>`)

func cycleSteps(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range cycleStepRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	if len(out) != len(consultation.Stages) {
		t.Fatalf("the step indicator shows %d stages with a status, want %d: %v\n%s", len(out), len(consultation.Stages), out, truncateBody(body))
	}
	return out
}

func wantSteps(t *testing.T, body string, want map[string]string) {
	t.Helper()
	got := cycleSteps(t, body)
	for label, status := range want {
		if got[label] != status {
			t.Fatalf("the step indicator says %q for %s, want %q (all: %v)", got[label], label, status, got)
		}
	}
}

// noRecordDump fails when a page prints a Go value instead of its words.
func noRecordDump(t *testing.T, where, body string) {
	t.Helper()
	for _, bad := range []string{"{{}", "+0000 UTC", "&#43;0000 UTC"} {
		if strings.Contains(body, bad) {
			t.Fatalf("%s shows %q, a Go value printed whole", where, bad)
		}
	}
}

// TestHonestConsultationCycle is issue 9's items 1 to 3: an engagement starts on a given day
// (a first visit before it was entered can be recorded); the records that are the stages move
// it forward by themselves, with a move each (dated, by whom, audited); stages passed over with
// nothing done read "skipped", and a person skipping says why; closing asks first and says
// what is unfinished; a goal's words show on the plan page and the program's agreement screen.
func TestHonestConsultationCycle(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	now := time.Now().In(mustLoc(t, "America/Chicago"))
	today := now.Format(time.DateOnly)
	day := func(n int) string { return now.AddDate(0, 0, n).Format(time.DateOnly) }
	mariaID := env.userID(demo.SharedConsultantEmail)
	assignments, err := env.app.Engagements.Assignments(env.as("illinois", mariaID, "consultant"))
	if err != nil {
		t.Fatal(err)
	}
	var prairie string
	for _, a := range assignments {
		if a.ProgramName == "Prairie Families Home Visiting" {
			prairie = a.ID
		}
	}
	if prairie == "" {
		t.Fatalf("Maria has no assignment to Prairie Families: %v", assignments)
	}
	maria := env.signedIn(t, demo.SharedConsultantEmail)

	// ---- Item 3: the start date, today by default, never in the future.
	maria.get("/t/illinois/engagements/new").mustStatus(t, http.StatusOK).
		mustContain(t, `<label class="usa-label" for="opened_on">Start date</label>`, `name="opened_on" type="date" max="`+today+`" value="`+today+`"`)
	before := env.count("engagements", "1 = 1")
	form := url.Values{"assignment_id": {prairie}, "focus": {consultation.FocusStaffGroup}, "focus_label": {"Home visitors, north"},
		"opened_on": {day(1)}}
	maria.post("/t/illinois/engagements", form).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "The start date cannot be in the future.", `value="Home visitors, north"`, `value="`+day(1)+`"`, `aria-invalid="true"`)
	if env.count("engagements", "1 = 1") != before {
		t.Fatal("a start date in the future wrote an engagement")
	}
	form.Set("opened_on", day(-20))
	r := maria.post("/t/illinois/engagements", form).mustStatus(t, http.StatusSeeOther)
	engURL := r.header.Get("Location")
	engID := strings.TrimPrefix(engURL, "/t/illinois/engagements/")
	page := maria.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, "Engagement started at initial contact on "+day(-20)+".")
	if !strings.Contains(cycleSquash(page.body), `<tr><th scope="row">Opened</th><td>`+day(-20)+`</td></tr>`) ||
		!strings.Contains(cycleSquash(page.body), `<td data-label="Date">`+day(-20)+`</td><td data-label="What">Opened at Initial contact</td>`) {
		t.Fatalf("the engagement does not open on its start date\n%s", truncateBody(page.body))
	}
	// The first visit, before the engagement was entered, is recorded.
	maria.post(engURL+"/sessions/new", url.Values{"held_on": {day(-20)}, "minutes": {"60"}, "mode": {"in_person"},
		"service": {"reflective_group"}, "p_home_visitors": {"4"}, "summary": {"First visit with the home visitors."}}).
		mustStatus(t, http.StatusSeeOther)

	// ---- Item 2: the pre-assessment moves the engagement, from initial contact to the
	// discussion of findings: the discussion of needs was skipped, the pre-assessment done.
	list, err := env.app.Instruments.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var tpot, deca *consultation.Instrument
	for i := range list {
		switch list[i].ShortName {
		case "TPOT":
			tpot = &list[i]
		case "DECA-P2":
			deca = &list[i]
		}
	}
	if tpot == nil || deca == nil {
		t.Fatal("no TPOT or DECA-P2")
	}
	tpotForm := func(phase, on string) url.Values {
		v := url.Values{"instrument_id": {tpot.ID}, "phase": {phase}, "administered_on": {on}}
		for i, s := range tpot.Subscales {
			v.Set(consultation.ScoreField(s.ID), []string{"48.5", "40", "5"}[i])
		}
		return v
	}
	maria.post(engURL+"/assessments/new", tpotForm(consultation.PhasePre, day(-10))).mustStatus(t, http.StatusSeeOther)
	page = maria.get(engURL).mustStatus(t, http.StatusOK).
		mustContain(t, `usa-step-indicator__heading-text">Discussion of findings<`, "Discussion of needs <span class=\"text-italic\">(skipped)</span>",
			"Initial contact → Discussion of findings (skipped Discussion of needs)", "Pre-assessment recorded (TPOT of "+day(-10)+")")
	wantSteps(t, page.body, map[string]string{"Initial contact": "completed", "Discussion of needs": "skipped",
		"Pre-assessment": "completed", "Discussion of findings": "current stage", "Quality improvement plan": "not reached yet"})
	if n := env.count("engagement_moves", "engagement_id = ? AND to_stage = ? AND moved_on = ? AND moved_by = ?", engID,
		consultation.StageFindings, day(-10), mariaID); n != 1 {
		t.Fatalf("the pre-assessment's move: %d rows", n)
	}
	if n := env.count("audit_events", "action = 'engagement.advance' AND record_id = ? AND actor_id = ?", engID, mariaID); n != 1 {
		t.Fatalf("the pre-assessment's move is audited %d times", n)
	}

	// A move by hand that passes over a stage with nothing done asks why, naming the stage.
	maria.post(engURL+"/advance", url.Values{"to_stage": {consultation.StageImplementation}, "moved_on": {today}}).
		mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Say why the engagement skips Quality improvement plan: nothing is recorded for that stage.")

	// ---- Starting the plan reaches the plan stage; the goal reads as words (item 1).
	maria.post(engURL+"/plan", url.Values{"starts_on": {today}, "ends_on": {day(90)}}).mustStatus(t, http.StatusSeeOther)
	wantSteps(t, maria.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, "Quality improvement plan started").body,
		map[string]string{"Discussion of findings": "completed", "Quality improvement plan": "current stage"})
	planBody := maria.get(engURL+"/plan").mustStatus(t, http.StatusOK).body
	pm := regexp.MustCompile(`/t/illinois/plans/([^/"]+)/goals`).FindStringSubmatch(planBody)
	if pm == nil {
		t.Fatal("the plan page has no form to add a goal")
	}
	const goal = "Home visitors name one feeling they notice at every visit."
	maria.post("/t/illinois/plans/"+pm[1]+"/goals", url.Values{"goal": {goal}, "indicator": {"Visits with a named feeling"},
		"target": {"9 in 10"}, "owner": {"Home visiting supervisor"}, "due_on": {day(60)}, "status": {consultation.GoalNotStarted}}).
		mustStatus(t, http.StatusSeeOther)
	var g consultation.Goal
	if err := env.raw().NewSelect().Model(&g).Where("plan_id = ?", pm[1]).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	r = maria.get(engURL+"/plan").mustStatus(t, http.StatusOK).mustContain(t, `<h3 id="goal-`+g.ID+`">`+goal+`</h3>`)
	noRecordDump(t, "the consultant's plan page", r.body)
	r = maria.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, "<li>"+goal+` <span class="text-base">(Not started)</span></li>`)
	noRecordDump(t, "the engagement page", r.body)

	// The program's agreement screen shows the goal's words; agreeing starts implementation,
	// a move by the program's user.
	latoya := env.signedIn(t, "program@illinois.example")
	r = latoya.get(engURL+"/plan").mustStatus(t, http.StatusOK).mustContain(t, "Agree to the plan", `<h3 id="goal-`+g.ID+`">`+goal+`</h3>`)
	noRecordDump(t, "the program's agreement screen", r.body)
	latoya.post("/t/illinois/plans/"+pm[1]+"/agree", url.Values{"names": {"Ana Ruiz"}, "confirm": {"yes"}}).mustStatus(t, http.StatusSeeOther)
	noRecordDump(t, "the agreed plan", latoya.get(engURL+"/plan").mustStatus(t, http.StatusOK).mustContain(t, goal).body)
	page = maria.get(engURL).mustStatus(t, http.StatusOK).
		mustContain(t, `usa-step-indicator__heading-text">Implementation<`, "The program agreed to the quality improvement plan", "Latoya Brooks")
	wantSteps(t, page.body, map[string]string{"Quality improvement plan": "completed", "Implementation": "current stage"})
	if n := env.count("engagement_moves", "engagement_id = ? AND to_stage = ? AND moved_by = ?", engID, consultation.StageImplementation,
		env.userID("program@illinois.example")); n != 1 {
		t.Fatalf("the agreement's move by the program: %d rows", n)
	}

	// Only forward: a pre-assessment recorded now leaves the engagement where it is.
	moves := env.count("engagement_moves", "engagement_id = ?", engID)
	dv := url.Values{"instrument_id": {deca.ID}, "phase": {consultation.PhasePre}, "administered_on": {day(-1)}}
	for _, s := range deca.Subscales {
		dv.Set(consultation.ScoreField(s.ID), "50")
	}
	maria.post(engURL+"/assessments/new", dv).mustStatus(t, http.StatusSeeOther)
	if env.count("engagement_moves", "engagement_id = ?", engID) != moves ||
		env.count("engagements", "id = ? AND stage = ?", engID, consultation.StageImplementation) != 1 {
		t.Fatal("a pre-assessment at implementation moved the engagement")
	}

	// ---- Closing now skips two stages: why is asked first, then a confirmation that says what
	// is unfinished; nothing closes until it is confirmed.
	close := url.Values{"to_stage": {consultation.StageClosed}, "moved_on": {today}}
	maria.post(engURL+"/advance", close).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Say why the engagement skips Post-assessment and Sustainability")
	close.Set("reason", "The program ended its home visiting contract.")
	r = maria.post(engURL+"/advance", close).mustStatus(t, http.StatusOK).
		mustContain(t, "Close the engagement?", "Still unfinished", "Goal not met (not started): "+goal, "No post-assessment is recorded.",
			"Closing now skips Post-assessment and Sustainability.", `name="confirm" value="yes"`, "No, keep it open")
	noRecordDump(t, "the closing confirmation", r.body)
	if env.count("engagements", "id = ? AND stage = ?", engID, consultation.StageClosed) != 0 {
		t.Fatal("the engagement closed before it was confirmed")
	}
	close.Set("confirm", "yes")
	maria.post(engURL+"/advance", close).mustStatus(t, http.StatusSeeOther)
	page = maria.get(engURL).mustStatus(t, http.StatusOK).mustContain(t, "The engagement is closed.", "The program ended its home visiting contract.")
	wantSteps(t, page.body, map[string]string{"Implementation": "completed", "Post-assessment": "skipped", "Sustainability": "skipped",
		"Closed": "current stage", "Discussion of needs": "skipped", "Pre-assessment": "completed"})

	// The consultant corrects it: back to implementation, with a reason.
	maria.post(engURL+"/back", url.Values{"to_stage": {consultation.StageImplementation}, "moved_on": {today},
		"reason": {"Closed by mistake: the contract was renewed."}}).mustStatus(t, http.StatusSeeOther)
	wantSteps(t, maria.get(engURL).mustStatus(t, http.StatusOK).body, map[string]string{"Implementation": "current stage",
		"Post-assessment": "not reached yet", "Sustainability": "not reached yet", "Closed": "not reached yet", "Discussion of needs": "skipped"})
}
