package server

import (
	"context"
	"strings"
	"testing"

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

	b := openBrowser(t, env)
	// mustRead fails unless the text of a page (as shown) holds every part, case and all.
	mustRead := func(what, page string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(page, p) {
				t.Fatalf("%s does not say %q:\n%s", what, p, page)
			}
		}
	}

	// 1. The program asks for a consultant.
	b.signIn("program@illinois.example")
	b.open("/t/illinois/consultants", "#need")
	b.do("ask for a consultant",
		chromedp.SendKeys(chromedp.ID("need"), "Our home visitors meet mothers with maternal depression and families living with domestic violence."),
		chromedp.SetValue(chromedp.ID("preferred_language"), "Spanish"),
	)
	b.load("send the request", chromedp.Submit(chromedp.ID("need")))
	mustRead("the program's page", b.shown(), "Your request is sent")
	b.signOut()

	// 2. The tenant admin opens it: ranked suggestions, Maria already serving.
	b.signIn("admin@illinois.example")
	b.open("/t/illinois/requests", "main")
	var r consultants.Request
	if err := env.raw().NewSelect().Model(&r).Where("need LIKE ?", "%domestic violence%").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.load("open the request", chromedp.Click(chromedp.CSS(`a[href="/t/illinois/requests/`+r.ID+`"]`)))
	b.screenshot("journey-request")
	req := b.shown()
	mustRead("the request page", req, "Read from the need: Intimate partner violence, Postpartum depression",
		"Nadia Okafor", "Already consults with Prairie Families Home Visiting")
	if strings.Index(req, "Nadia Okafor") > strings.Index(req, "Maria Alvarez") {
		t.Fatal("the consultant already serving the program is listed before the one who can be assigned")
	}
	radios := evalJS[int](b, `document.querySelectorAll('input[name="profile_id"]').length`)
	if radios != 1 {
		t.Fatalf("%d consultants can be picked, want 1 (Nadia; Maria already serves the program)", radios)
	}
	b.do("choose Nadia", chromedp.Click(chromedp.CSS(`label.usa-radio__label`)))
	b.load("ask to assign", chromedp.Click(chromedp.CSS(`#suggestions button[type="submit"]`)))
	b.screenshot("journey-confirm-assign")
	mustRead("the confirmation", b.shown(), "Assign Nadia Okafor to Prairie Families Home Visiting?",
		"It takes one of Nadia Okafor’s places", "These people are emailed", "nadia.okafor@consult.example")
	if n := env.count("consultant_assignments", "request_id = ?", r.ID); n != 0 {
		t.Fatal("the confirmation page assigned already")
	}
	b.load("confirm", chromedp.Click(chromedp.CSS(`form[action$="/assign"] button[type="submit"]`)))
	mustRead("the request after assigning", b.shown(),
		"Nadia Okafor is assigned to Prairie Families Home Visiting.", "Consultant assigned")
	b.signOut()

	// 3. The consultant learns of it on their home page and starts the engagement.
	b.signIn("nadia.okafor@consult.example")
	b.screenshot("journey-consultant-home")
	mustRead("the consultant's home", b.shown(), "New: Prairie Families Home Visiting asks you to start an engagement.")
	b.do("find the home page's button", chromedp.WaitVisible(chromedp.CSS(`#notices a.usa-button`)))
	b.load("open the caseload", chromedp.Click(chromedp.CSS(`a.usa-button[href="/t/illinois/caseload"]`)))
	b.screenshot("journey-caseload")
	mustRead("the caseload", b.shown(), "New: Prairie Families Home Visiting asks you to start an engagement.")
	b.load("follow the caseload's button", chromedp.Click(chromedp.CSS(`a.usa-button[href*="/engagements/new?assignment="]`)))
	chosen := evalJS[string](b, `(s => s.options[s.selectedIndex].text)(document.getElementById("assignment_id"))`)
	if chosen != "Prairie Families Home Visiting" {
		t.Fatalf("the new-engagement form has %q chosen", chosen)
	}
	b.load("start the engagement", chromedp.Submit(chromedp.ID("assignment_id")))
	mustRead("the engagement", b.shown(), "Prairie Families Home Visiting")

	// 4. A session, recorded from the engagement.
	b.load("open the session form", chromedp.Click(chromedp.CSS(`a[href$="/sessions/new"]`)))
	b.do("fill in the session",
		chromedp.WaitVisible(chromedp.ID("minutes")),
		chromedp.SetValue(chromedp.ID("service"), "reflective_group"),
		chromedp.SetValue(chromedp.ID("p_home_visitors"), "4"),
		chromedp.SendKeys(chromedp.ID("summary"), "First meeting with the home visitors: what they see and what they need."),
		chromedp.Click(chromedp.CSS(`#session-record button[type="submit"]`)),
	)
	b.sessionRecorded()
	b.screenshot("journey-session")
	if n := env.count("consultation_sessions", "profile_id IN (SELECT id FROM consultant_profiles WHERE user_id = ?)", nadia.ID); n != 1 {
		t.Fatalf("%d sessions of Nadia's, want 1", n)
	}
	b.open("/t/illinois/", "main")
	if home := b.shown(); strings.Contains(home, "asks you to start an engagement") {
		t.Fatal("the home page still shows the assignment as new")
	}
}
