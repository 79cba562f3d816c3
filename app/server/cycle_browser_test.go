package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/demo"
)

// stepIndicator reads the step indicator as a screen reader would: each stage's label with its status.
func stepIndicator(b *browser) []string {
	b.t.Helper()
	return evalJS[[]string](b, `Array.from(document.querySelectorAll(".usa-step-indicator__segment-label")).map(s => s.textContent.replace(/\s+/g, " ").trim())`)
}

// TestBrowserConsultationJourney is issue 9's journey through a whole consultation cycle, in
// headless Chromium, as the demo consultant and the demo program: a back-dated engagement, a
// session on its first day, the pre-assessment (the stage moves), a plan with a goal, the
// program's agreement (the stage moves), the post-assessment, and closing through the
// confirmation that says what is unfinished. The step indicator then reads each stage's
// status in words, the skipped ones "skipped".
func TestBrowserConsultationJourney(t *testing.T) {
	env := newTestEnv(t)
	now := time.Now().In(mustLoc(t, "America/Chicago"))
	day := func(n int) string { return now.AddDate(0, 0, n).Format(time.DateOnly) }
	list, err := env.app.Instruments.List(env.scoped("illinois"))
	if err != nil {
		t.Fatal(err)
	}
	var tpot *consultation.Instrument
	for i := range list {
		if list[i].ShortName == "TPOT" {
			tpot = &list[i]
		}
	}
	if tpot == nil || len(tpot.Subscales) != 3 {
		t.Fatal("no TPOT with its three subscales")
	}
	scores := func(key, challenging, flags string) map[string]string {
		return map[string]string{"score_" + tpot.Subscales[0].ID: key, "score_" + tpot.Subscales[1].ID: challenging,
			"score_" + tpot.Subscales[2].ID: flags}
	}

	maria := openBrowser(t, env)
	maria.who = "Maria"
	maria.signIn(demo.SharedConsultantEmail)

	// A back-dated engagement with Prairie Families: the first visit was three weeks ago.
	maria.open("/t/illinois/engagements/new", "main")
	maria.choose("assignment_id", "Prairie Families Home Visiting")
	maria.fill(map[string]string{"opened_on": day(-21), "focus_label": "Home visitors, north office"}, "focus-staff_group")
	maria.screenshot("journey-01-new-engagement")
	maria.press("Start the engagement")
	maria.says("Engagement started at initial contact on "+day(-21)+".", "Staff group: Home visitors, north office", "Opened at Initial contact")
	engURL := maria.path()

	// A session on the first day, before the engagement was entered.
	maria.load("open the session form", chromedp.Click(`//main//a[normalize-space()="Record a session"]`))
	maria.fill(map[string]string{"held_on": day(-21), "minutes": "60", "service": "reflective_group", "p_home_visitors": "4",
		"summary": "Met the home visitors of the north office; they chose to look at visit planning."}, "mode-in_person")
	maria.do("save the session", chromedp.Click(chromedp.CSS(`#session-record button[type="submit"]`)))
	maria.sessionRecorded()

	// The pre-assessment: the engagement moves past the pre-assessment by itself.
	maria.open(engURL+"/assessments/new?instrument_id="+tpot.ID, "main")
	maria.fill(merge(scores("48.5", "40", "5"), map[string]string{"administered_on": day(-14)}), "phase-pre")
	maria.press("Save the assessment")
	maria.open(engURL, "main")
	maria.says("Discussion of findings", "Pre-assessment recorded (TPOT of "+day(-14)+")", "Initial contact → Discussion of findings (skipped Discussion of needs)")
	maria.screenshot("journey-02-after-pre-assessment")

	// The plan, with a goal.
	const goal = "Home visitors plan each visit around the family's routines."
	maria.load("open the plan", chromedp.Click(`//main//a[normalize-space()="Open the plan"]`))
	maria.fill(map[string]string{"starts_on": day(-7), "ends_on": day(90)})
	maria.press("Start the plan")
	maria.fill(map[string]string{"goal": goal, "indicator": "Visits planned with the routines in mind", "baseline": "2 in 10",
		"target": "8 in 10", "owner": "Home visiting supervisor", "due_on": day(60)})
	maria.press("Add the goal")
	maria.says(goal, "Waiting for the program's agreement")

	// The program agrees: the engagement reaches implementation.
	program := maria.another("the program")
	program.signIn("program@illinois.example")
	program.open(engURL+"/plan", "main")
	program.says("Agree to the plan", goal)
	program.screenshot("journey-03-agreement")
	program.fill(map[string]string{"names": "Ana Ruiz, Tom Baker"}, "confirm")
	program.press("Record the agreement")
	program.says("Agreed on", "by Ana Ruiz, Tom Baker")

	maria.open(engURL, "main")
	maria.says("The program agreed to the quality improvement plan", "Latoya Brooks")

	// The post-assessment: the engagement reaches its stage.
	maria.open(engURL+"/assessments/new?instrument_id="+tpot.ID, "main")
	maria.fill(merge(scores("66", "20", "2"), map[string]string{"administered_on": day(0)}), "phase-post")
	maria.press("Save the assessment")
	maria.open(engURL, "main")
	maria.says("Post-assessment recorded (TPOT of " + day(0) + ")")

	// Close: the sustainability stage is skipped (why is asked), and the confirmation says the
	// goal is not met.
	maria.fill(map[string]string{"advance-to_stage": consultation.StageClosed, "advance-reason": "The program moves to a new model next month."})
	maria.press("Move forward")
	maria.says("Close the engagement?", "Still unfinished", "Goal not met (not started): "+goal, "Closing now skips Sustainability.")
	maria.screenshot("journey-04-close-confirmation")
	maria.press("Yes, close the engagement")
	maria.says("The engagement is closed.")
	maria.screenshot("journey-05-closed")

	want := []string{"Initial contact completed", "Discussion of needs (skipped)", "Pre-assessment completed",
		"Discussion of findings completed", "Quality improvement plan completed", "Implementation completed",
		"Post-assessment completed", "Sustainability (skipped)", "Closed current stage"}
	if got := stepIndicator(maria); strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Fatalf("the step indicator reads\n%s\nwant\n%s", strings.Join(got, " | "), strings.Join(want, " | "))
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
