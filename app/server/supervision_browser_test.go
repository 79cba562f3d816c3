package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/demo"
)

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
	j := openBrowser(t, env)

	// The tenant admin assigns Sam to Helen.
	j.signIn("admin@illinois.example")
	j.open("/t/illinois/supervision/assignments", "#supervisor_id")
	j.shows("Helen Okafor", "Maria Alvarez")
	j.do("choose the pair",
		chromedp.SetValue(chromedp.ID("supervisor_id"), env.userID("supervisor@illinois.example")),
		chromedp.SetValue(chromedp.ID("consultant_id"), u.ID))
	j.press("Assign")
	j.shows("Sam Ortiz")
	j.screenshot("supervision-01-assigned")

	// Helen records a group session with Maria and Sam.
	j.signIn("supervisor@illinois.example")
	j.open("/t/illinois/supervision", "main h1")
	j.shows("Your supervisees", "Maria Alvarez", "Sam Ortiz", "Behind")
	j.load("open the form", chromedp.Click(`//main//a[normalize-space()="Record supervision"]`))
	j.do("fill in the record",
		chromedp.WaitVisible(chromedp.ID("minutes")),
		chromedp.SetValue(chromedp.ID("minutes"), "120"),
		chromedp.Click(chromedp.CSS(`label[for="format-group"]`)),
		chromedp.Click(`//label[normalize-space()="Maria Alvarez"]`),
		chromedp.Click(`//label[normalize-space()="Sam Ortiz"]`),
		chromedp.SendKeys(chromedp.ID("notes"), "Talked through a hard home visit; planned self-care."),
	)
	j.press("Save the record")
	j.screenshot("supervision-02-recorded")
	j.open("/t/illinois/supervision", "main h1")
	text := j.shows("Everyone is on target this month.", "2 h of 2 h")
	if strings.Contains(strings.ToLower(text), "behind") {
		t.Errorf("after two hours of group supervision someone is still behind:\n%s", text)
	}
	// A supervisor reads the supervisees' caseloads.
	j.open("/t/illinois/caseload", "main h1")
	j.shows("Maria Alvarez", "Prairie Families Home Visiting")

	// Maria sees the record on her own page.
	j.signIn(demo.SharedConsultantEmail)
	j.open("/t/illinois/supervision/mine", "main h1")
	j.shows("Group", "2 h", "Helen Okafor")
	j.screenshot("supervision-03-mine")
	if n := env.count("supervision_records", "1 = 1"); n < 1 {
		t.Fatal("no supervision record stored")
	}
}
