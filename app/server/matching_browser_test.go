package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/demo"
)

// TestBrowserRequestToSession is the journey request → match → engagement → session in
// headless Chromium: the demo program asks for a consultant; the tenant admin opens the request,
// sees the consultants ranked for it (Maria, who already serves the program, shown as such and
// not pickable), assigns another through the confirmation page; the consultant reads "New: …
// asks you to start an engagement" on their home page, starts it from there and records a
// session.
func TestBrowserRequestToSession(t *testing.T) {
	env := newTestEnv(t)
	// A second consultant of the registry, with an account: Nadia serves Cook County in Spanish.
	ctx := env.scoped("illinois")
	nadia, err := env.app.Accounts.CreateUser(context.Background(), "nadia.okafor@consult.example", "Nadia Okafor", demo.Password, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.Tenants.AddMember(ctx, nadia.ID, authz.Consultant, ""); err != nil {
		t.Fatal(err)
	}
	env.searchSeed("illinois", "Nadia Okafor", []string{"Cook"}, []string{"English", "Spanish"},
		[]string{"Intimate partner violence", "Postpartum depression"}, func(p *consultants.Profile) { p.UserID = nadia.ID })

	base := serveForBrowser(t, env)
	b := newBrowser(t)
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser, %s: %v", what, err)
		}
	}
	// load runs an action that loads a page (a click or a submit) and waits for the page.
	load := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		_, err := chromedp.Run(b, chromedp.WaitEvent(page.LoadEventFired, nil, a))
		step(what, err)
	}
	text := func(what string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS("main")))
		step("read "+what, err)
		return s
	}
	mustRead := func(what, page string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(page, p) {
				t.Fatalf("%s does not say %q:\n%s", what, p, page)
			}
		}
	}
	signIn := func(email string) {
		t.Helper()
		step("open the sign-in page", chromedp.Do(b,
			chromedp.Navigate(base+"/signin"),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		))
		load("sign in as "+email, chromedp.Submit(chromedp.ID("password")))
	}
	signOut := func() {
		t.Helper()
		load("sign out", chromedp.Submit(chromedp.CSS(`form[action="/signout"]`)))
	}

	// 1. The program asks for a consultant.
	signIn("program@illinois.example")
	step("open the consultants page", chromedp.Do(b,
		chromedp.Navigate(base+"/t/illinois/consultants"),
		chromedp.WaitVisible(chromedp.ID("need")),
		chromedp.SendKeys(chromedp.ID("need"), "Our home visitors meet mothers with maternal depression and families living with domestic violence."),
		chromedp.SetValue(chromedp.ID("preferred_language"), "Spanish"),
	))
	load("send the request", chromedp.Submit(chromedp.ID("need")))
	mustRead("the program's page", text("the program's page"), "Your request is sent")
	signOut()

	// 2. The tenant admin opens it: ranked suggestions, Maria already serving.
	signIn("admin@illinois.example")
	step("open the queue", chromedp.Do(b, chromedp.Navigate(base+"/t/illinois/requests")))
	var r consultants.Request
	if err := env.app.DB.NewSelect().Model(&r).Where("need LIKE ?", "%domestic violence%").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	load("open the request", chromedp.Click(chromedp.CSS(`a[href="/t/illinois/requests/`+r.ID+`"]`)))
	screenshot(t, b, "journey-request")
	req := text("the request page")
	mustRead("the request page", req, "Read from the need: Intimate partner violence, Postpartum depression",
		"Nadia Okafor", "Already consults with Prairie Families Home Visiting")
	if strings.Index(req, "Nadia Okafor") > strings.Index(req, "Maria Alvarez") {
		t.Fatal("the consultant already serving the program is listed before the one who can be assigned")
	}
	radios, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll('input[name="profile_id"]').length`))
	step("count the choices", err)
	if radios != 1 {
		t.Fatalf("%d consultants can be picked, want 1 (Nadia; Maria already serves the program)", radios)
	}
	step("choose Nadia", chromedp.Do(b, chromedp.Click(chromedp.CSS(`label.usa-radio__label`))))
	load("ask to assign", chromedp.Click(chromedp.CSS(`#suggestions button[type="submit"]`)))
	screenshot(t, b, "journey-confirm-assign")
	mustRead("the confirmation", text("the confirmation"), "Assign Nadia Okafor to Prairie Families Home Visiting?",
		"It takes one of Nadia Okafor’s places", "These people are emailed", "nadia.okafor@consult.example")
	if n := env.count("consultant_assignments", "request_id = ?", r.ID); n != 0 {
		t.Fatal("the confirmation page assigned already")
	}
	load("confirm", chromedp.Click(chromedp.CSS(`form[action$="/assign"] button[type="submit"]`)))
	mustRead("the request after assigning", text("the request after assigning"),
		"Nadia Okafor is assigned to Prairie Families Home Visiting.", "Consultant assigned")
	signOut()

	// 3. The consultant learns of it on their home page and starts the engagement.
	signIn("nadia.okafor@consult.example")
	screenshot(t, b, "journey-consultant-home")
	mustRead("the consultant's home", text("the consultant's home"), "New: Prairie Families Home Visiting asks you to start an engagement.")
	step("find the home page's button", chromedp.Do(b, chromedp.WaitVisible(chromedp.CSS(`#notices a.usa-button`))))
	load("open the caseload", chromedp.Click(chromedp.CSS(`a.usa-button[href="/t/illinois/caseload"]`)))
	screenshot(t, b, "journey-caseload")
	mustRead("the caseload", text("the caseload"), "New: Prairie Families Home Visiting asks you to start an engagement.")
	load("follow the caseload's button", chromedp.Click(chromedp.CSS(`a.usa-button[href*="/engagements/new?assignment="]`)))
	chosen, err := chromedp.Run(b, chromedp.Evaluate[string](`(s => s.options[s.selectedIndex].text)(document.getElementById("assignment_id"))`))
	step("read the chosen assignment", err)
	if chosen != "Prairie Families Home Visiting" {
		t.Fatalf("the new-engagement form has %q chosen", chosen)
	}
	load("start the engagement", chromedp.Submit(chromedp.ID("assignment_id")))
	mustRead("the engagement", text("the engagement"), "Prairie Families Home Visiting")

	// 4. A session, recorded from the engagement.
	load("open the session form", chromedp.Click(chromedp.CSS(`a[href$="/sessions/new"]`)))
	step("fill in the session", chromedp.Do(b,
		chromedp.WaitVisible(chromedp.ID("minutes")),
		chromedp.SetValue(chromedp.ID("service"), "reflective_group"),
		chromedp.SetValue(chromedp.ID("p_home_visitors"), "4"),
		chromedp.SendKeys(chromedp.ID("summary"), "First meeting with the home visitors: what they see and what they need."),
		chromedp.Click(chromedp.CSS(`#session-record button[type="submit"]`)),
	))
	_, err = chromedp.Run(b, chromedp.Poll[bool](`(document.querySelector("#session-record .usa-alert--success")||{textContent:""}).textContent.includes("recorded")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	step("wait for the session to be recorded", err)
	screenshot(t, b, "journey-session")
	if n := env.count("consultation_sessions", "profile_id IN (SELECT id FROM consultant_profiles WHERE user_id = ?)", nadia.ID); n != 1 {
		t.Fatalf("%d sessions of Nadia's, want 1", n)
	}
	step("open the home page", chromedp.Do(b, chromedp.Navigate(base+"/t/illinois/")))
	if home := text("the home page"); strings.Contains(home, "asks you to start an engagement") {
		t.Fatal("the home page still shows the assignment as new")
	}
}
