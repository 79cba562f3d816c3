package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/demo"
)

// cycleBrowser is one person in headless Chromium, for the consultation journey.
type cycleBrowser struct {
	t    *testing.T
	b    context.Context
	base string
	who  string
}

func (p *cycleBrowser) step(what string, err error) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("browser (%s), %s: %v\n%s", p.who, what, err, browserPageText(p.b))
	}
}

// load runs trigger (a navigation, a click on a link or a submit button) and waits for the
// page it leads to, and for axe-core's audit of it (so the next step does not cut it short).
func (p *cycleBrowser) load(what string, trigger chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.b, 10*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger))
	p.step(what, err)
	p.step(what+": the page's audit", auditIdle(p.b))
}

// open goes to a page of the tenant.
func (p *cycleBrowser) open(path string) {
	p.t.Helper()
	p.load("open "+path, chromedp.Navigate(p.base+path))
}

// submit clicks the main area's button that reads text and waits for the next page.
func (p *cycleBrowser) submit(text string) {
	p.t.Helper()
	p.load("press "+text, chromedp.Click(`//main//button[normalize-space()=`+xpathString(text)+`]`))
}

// fill sets fields by id, as typed (a select's value, a date as YYYY-MM-DD), and checks the
// radios and checkboxes named by id in check.
func (p *cycleBrowser) fill(values map[string]string, check ...string) {
	p.t.Helper()
	v, _ := json.Marshal(values)
	c, _ := json.Marshal(check)
	missing, err := chromedp.Run(p.b, chromedp.Evaluate[string](`(() => {
  const values = `+string(v)+`, check = `+string(c)+`, missing = [];
  for (const [id, value] of Object.entries(values)) {
    const el = document.getElementById(id);
    if (!el) { missing.push(id); continue; }
    el.value = value;
    el.dispatchEvent(new Event("input", {bubbles: true}));
    el.dispatchEvent(new Event("change", {bubbles: true}));
  }
  for (const id of check || []) {
    const el = document.getElementById(id);
    if (!el) { missing.push(id); continue; }
    el.checked = true;
    el.dispatchEvent(new Event("change", {bubbles: true}));
  }
  return missing.join(", ");
})()`))
	p.step("fill in the form", err)
	if missing != "" {
		p.t.Fatalf("browser (%s): the page at %s has no field %s\n%s", p.who, browserLocation(p.b), missing, browserPageText(p.b))
	}
}

// says fails unless the main area's text (whitespace collapsed) holds every part.
func (p *cycleBrowser) says(parts ...string) string {
	p.t.Helper()
	text, err := chromedp.Run(p.b, chromedp.Evaluate[string](`document.querySelector("main").textContent.replace(/\s+/g, " ")`))
	p.step("read the page", err)
	for _, part := range parts {
		if !strings.Contains(text, part) {
			p.t.Fatalf("browser (%s): at %s the page does not say %q; it says:\n%s", p.who, browserLocation(p.b), part, text)
		}
	}
	return text
}

// steps reads the step indicator as a screen reader would: each stage's label with its status.
func (p *cycleBrowser) steps() []string {
	p.t.Helper()
	list, err := chromedp.Run(p.b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".usa-step-indicator__segment-label")).map(s => s.textContent.replace(/\s+/g, " ").trim())`))
	p.step("read the step indicator", err)
	return list
}

func (p *cycleBrowser) signIn(email string) {
	p.t.Helper()
	p.step("open the sign-in page", chromedp.Do(p.b,
		chromedp.Navigate(p.base+"/signin"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
	))
	p.load("sign in", chromedp.Submit(chromedp.ID("password")))
}

// TestBrowserConsultationJourney is issue 9's journey through a whole consultation cycle, in
// headless Chromium, as the demo consultant and the demo program: a back-dated engagement, a
// session on its first day, the pre-assessment (the stage moves), a plan with a goal, the
// program's agreement (the stage moves), the post-assessment, and closing through the
// confirmation that says what is unfinished. The step indicator then reads each stage's
// status in words, the skipped ones "skipped".
func TestBrowserConsultationJourney(t *testing.T) {
	env := newTestEnv(t)
	base := serveForBrowser(t, env)
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

	maria := &cycleBrowser{t: t, b: newBrowser(t), base: base, who: "Maria"}
	maria.signIn(demo.SharedConsultantEmail)

	// A back-dated engagement with Prairie Families: the first visit was three weeks ago.
	maria.open("/t/illinois/engagements/new")
	choose := func(id, label string) {
		t.Helper()
		value, err := chromedp.Run(maria.b, chromedp.Evaluate[string](`(Array.from(document.getElementById("`+id+`").options).find(o => o.textContent.includes(`+jsString(label)+`)) || {value: ""}).value`))
		maria.step("find "+label, err)
		if value == "" {
			t.Fatalf("the select %s offers no %q\n%s", id, label, browserPageText(maria.b))
		}
		maria.fill(map[string]string{id: value})
	}
	choose("assignment_id", "Prairie Families Home Visiting")
	maria.fill(map[string]string{"opened_on": day(-21), "focus_label": "Home visitors, north office"}, "focus-staff_group")
	screenshot(t, maria.b, "journey-01-new-engagement")
	maria.submit("Start the engagement")
	maria.says("Engagement started at initial contact on "+day(-21)+".", "Staff group: Home visitors, north office", "Opened at Initial contact")
	engURL, err := chromedp.Run(maria.b, chromedp.Evaluate[string](`location.pathname`))
	maria.step("read the location", err)

	// A session on the first day, before the engagement was entered.
	maria.load("open the session form", chromedp.Click(`//main//a[normalize-space()="Record a session"]`))
	maria.fill(map[string]string{"held_on": day(-21), "minutes": "60", "service": "reflective_group", "p_home_visitors": "4",
		"summary": "Met the home visitors of the north office; they chose to look at visit planning."}, "mode-in_person")
	_, err = chromedp.Run(maria.b, chromedp.Click(`#session-record button[type="submit"]`))
	maria.step("save the session", err)
	_, err = chromedp.Run(maria.b, chromedp.Poll[bool](`(document.querySelector("#session-record .usa-alert--success")||{textContent:""}).textContent.includes("recorded")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	maria.step("wait for the session to be recorded", err)

	// The pre-assessment: the engagement moves past the pre-assessment by itself.
	maria.open(engURL + "/assessments/new?instrument_id=" + tpot.ID)
	maria.fill(merge(scores("48.5", "40", "5"), map[string]string{"administered_on": day(-14)}), "phase-pre")
	maria.submit("Save the assessment")
	maria.open(engURL)
	maria.says("Discussion of findings", "Pre-assessment recorded (TPOT of "+day(-14)+")", "Initial contact → Discussion of findings (skipped Discussion of needs)")
	screenshot(t, maria.b, "journey-02-after-pre-assessment")

	// The plan, with a goal.
	const goal = "Home visitors plan each visit around the family's routines."
	maria.load("open the plan", chromedp.Click(`//main//a[normalize-space()="Open the plan"]`))
	maria.fill(map[string]string{"starts_on": day(-7), "ends_on": day(90)})
	maria.submit("Start the plan")
	maria.fill(map[string]string{"goal": goal, "indicator": "Visits planned with the routines in mind", "baseline": "2 in 10",
		"target": "8 in 10", "owner": "Home visiting supervisor", "due_on": day(60)})
	maria.submit("Add the goal")
	maria.says(goal, "Waiting for the program's agreement")

	// The program agrees: the engagement reaches implementation.
	program := &cycleBrowser{t: t, b: newBrowser(t), base: base, who: "the program"}
	program.signIn("program@illinois.example")
	program.open(engURL + "/plan")
	program.says("Agree to the plan", goal)
	screenshot(t, program.b, "journey-03-agreement")
	program.fill(map[string]string{"names": "Ana Ruiz, Tom Baker"}, "confirm")
	program.submit("Record the agreement")
	program.says("Agreed on", "by Ana Ruiz, Tom Baker")

	maria.open(engURL)
	maria.says("The program agreed to the quality improvement plan", "Latoya Brooks")

	// The post-assessment: the engagement reaches its stage.
	maria.open(engURL + "/assessments/new?instrument_id=" + tpot.ID)
	maria.fill(merge(scores("66", "20", "2"), map[string]string{"administered_on": day(0)}), "phase-post")
	maria.submit("Save the assessment")
	maria.open(engURL)
	maria.says("Post-assessment recorded (TPOT of " + day(0) + ")")

	// Close: the sustainability stage is skipped (why is asked), and the confirmation says the
	// goal is not met.
	maria.fill(map[string]string{"advance-to_stage": consultation.StageClosed, "advance-reason": "The program moves to a new model next month."})
	maria.submit("Move forward")
	maria.says("Close the engagement?", "Still unfinished", "Goal not met (not started): "+goal, "Closing now skips Sustainability.")
	screenshot(t, maria.b, "journey-04-close-confirmation")
	maria.submit("Yes, close the engagement")
	maria.says("The engagement is closed.")
	screenshot(t, maria.b, "journey-05-closed")

	want := []string{"Initial contact completed", "Discussion of needs (skipped)", "Pre-assessment completed",
		"Discussion of findings completed", "Quality improvement plan completed", "Implementation completed",
		"Post-assessment completed", "Sustainability (skipped)", "Closed current stage"}
	if got := maria.steps(); strings.Join(got, " | ") != strings.Join(want, " | ") {
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

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
