package server

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/demo"
)

// browserJourney drives one browser through a journey, failing t with where the browser is
// and what its page says.
type browserJourney struct {
	t    *testing.T
	b    context.Context
	base string
}

func (j *browserJourney) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	if err := chromedp.Do(j.b, actions...); err != nil {
		j.t.Fatalf("browser, %s: %v\n%s", what, err, browserPageText(j.b))
	}
}

// load runs the action (a click or a submit) and waits for the page it leads to.
func (j *browserJourney) load(what string, action chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	if _, err := chromedp.Run(j.b, chromedp.WaitEvent(page.LoadEventFired, nil, action)); err != nil {
		j.t.Fatalf("browser, %s: %v\n%s", what, err, browserPageText(j.b))
	}
}

// mainSays fails unless the page's main content contains every part.
func (j *browserJourney) mainSays(parts ...string) string {
	j.t.Helper()
	text, err := chromedp.Run(j.b, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		j.t.Fatalf("browser: read the page: %v", err)
	}
	for _, p := range parts {
		// innerText, as people read it: USWDS tags are upper-cased by CSS.
		if !strings.Contains(strings.ToLower(text), strings.ToLower(p)) {
			j.t.Fatalf("the page at %s does not say %q:\n%s", browserLocation(j.b), p, text)
		}
	}
	return text
}

// signIn signs out whoever is signed in, then signs in as email with the demo password.
func (j *browserJourney) signIn(email string) {
	j.t.Helper()
	j.step("open the sign-in page", chromedp.Navigate(j.base+"/signin"))
	if n, _ := chromedp.Run(j.b, chromedp.Evaluate[int](`document.querySelectorAll('form[action="/signout"]').length`)); n > 0 {
		j.load("sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)))
		j.step("open the sign-in page", chromedp.Navigate(j.base+"/signin"))
	}
	j.step("type the sign-in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), demo.Password))
	j.load("sign in as "+email, chromedp.Submit(chromedp.ID("password")))
}

// TestBrowserSupervisionJourney: the tenant admin assigns a new consultant to a supervisor;
// the supervisor records a group session with both supervisees and sees their hours against
// the target and their caseloads; the consultant sees the record on their own page.
func TestBrowserSupervisionJourney(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	u, err := env.app.Accounts.CreateUser(ctx, "sam.ortiz@consult.example", "Sam Ortiz", demo.Password, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.Tenants.AddMember(ctx, u.ID, authz.Consultant, ""); err != nil {
		t.Fatal(err)
	}
	j := &browserJourney{t: t, b: newBrowser(t), base: serveForBrowser(t, env)}

	// The tenant admin assigns Sam to Helen.
	j.signIn("admin@illinois.example")
	j.step("open the assignments", chromedp.Navigate(j.base+"/t/illinois/supervision/assignments"),
		chromedp.WaitVisible(chromedp.ID("supervisor_id")))
	j.mainSays("Helen Okafor", "Maria Alvarez")
	j.step("choose the pair",
		chromedp.SetValue(chromedp.ID("supervisor_id"), env.userID("supervisor@illinois.example")),
		chromedp.SetValue(chromedp.ID("consultant_id"), u.ID))
	j.load("assign", chromedp.Click(`//main//button[normalize-space()="Assign"]`))
	j.mainSays("Sam Ortiz")
	screenshot(t, j.b, "supervision-01-assigned")

	// Helen records a group session with Maria and Sam.
	j.signIn("supervisor@illinois.example")
	j.step("open supervision", chromedp.Navigate(j.base+"/t/illinois/supervision"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	j.mainSays("Your supervisees", "Maria Alvarez", "Sam Ortiz", "Behind")
	j.load("open the form", chromedp.Click(`//main//a[normalize-space()="Record supervision"]`))
	j.step("fill in the record",
		chromedp.WaitVisible(chromedp.ID("minutes")),
		chromedp.SetValue(chromedp.ID("minutes"), "120"),
		chromedp.Click(chromedp.CSS(`label[for="format-group"]`)),
		chromedp.Click(`//label[normalize-space()="Maria Alvarez"]`),
		chromedp.Click(`//label[normalize-space()="Sam Ortiz"]`),
		chromedp.SendKeys(chromedp.ID("notes"), "Talked through a hard home visit; planned self-care."),
	)
	j.load("save the record", chromedp.Click(`//main//button[normalize-space()="Save the record"]`))
	screenshot(t, j.b, "supervision-02-recorded")
	j.step("back to the overview", chromedp.Navigate(j.base+"/t/illinois/supervision"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	text := j.mainSays("Everyone is on target this month.", "2 h of 2 h")
	if strings.Contains(strings.ToLower(text), "behind") {
		t.Errorf("after two hours of group supervision someone is still behind:\n%s", text)
	}
	// A supervisor reads the supervisees' caseloads.
	j.step("open the caseloads", chromedp.Navigate(j.base+"/t/illinois/caseload"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	j.mainSays("Maria Alvarez", "Prairie Families Home Visiting")

	// Maria sees the record on her own page.
	j.signIn(demo.SharedConsultantEmail)
	j.step("open my supervision", chromedp.Navigate(j.base+"/t/illinois/supervision/mine"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	j.mainSays("Group", "2 h", "Helen Okafor")
	screenshot(t, j.b, "supervision-03-mine")
	if n := env.count("supervision_records", "1 = 1"); n < 1 {
		t.Fatal("no supervision record stored")
	}
}
