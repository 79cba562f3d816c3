package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/tenants"
)

// TestBrowserOnboardingWisconsin: sign-up → setup for a state Holdspace knows no funders of. In
// one headless Chromium session a Wisconsin agency signs up, opens the emailed link, ticks its
// counties from Wisconsin's Census list, adds the federal funders every state has, adds a
// program with a MIECHV funding and invites a consultant; nothing on the way promises
// Wisconsin's usual funders or shows Illinois's.
func TestBrowserOnboardingWisconsin(t *testing.T) {
	env := newTestEnv(t)
	b := openBrowser(t, env)
	const (
		slug     = "wi-aimh"
		agency   = "Wisconsin Alliance for Infant Mental Health"
		admin    = "Anna Lindqvist"
		email    = "anna.lindqvist@wiaimh.example"
		password = "a long password for anna"
		program  = "Dane County Family Connections"
		invitee  = "sam.her@wiaimh.example"
	)
	home := "/t/" + slug + "/"
	follow := func(path string) {
		t.Helper()
		b.load("follow the checklist to "+path, chromedp.Click(chromedp.CSS(`#onboarding a[href="/t/`+slug+path+`"]`)))
	}
	goHome := func() {
		t.Helper()
		b.load("go back home", chromedp.Click(chromedp.CSS(`.usa-nav a.usa-nav-link[href="`+home+`"]`)))
	}

	// Sign up, as a state system in Wisconsin; the emailed link, then a password.
	b.signUp(env, agency, tenants.KindStateSystem, "Wisconsin", admin, email, slug, password)
	b.says("Welcome, "+admin, "Set up your tenant", "5 steps are left",
		"Start from the federal funders every state has: MIECHV, Head Start, CCDF and IDEA Part C")
	b.lacks("usual funders", "What you can reach")
	noEI := evalJS[bool](b, `document.querySelector('a[href$="/ei-expectations"]') === null`)
	if !noEI {
		t.Error("a tenant with no Early Intervention team has the EI expectations in its menu")
	}
	b.screenshot("wisconsin-01-home")

	// 1. Settings: counties ticked from Wisconsin's 72.
	follow("/settings")
	b.says("The 72 counties of Wisconsin, from the U.S. Census Bureau’s list")
	boxes := evalJS[int](b, `document.querySelectorAll('#settings input[name="counties"]').length`)
	if boxes != 72 {
		t.Fatalf("%d county boxes, want Wisconsin's 72", boxes)
	}
	b.tick("Dane")
	b.tick("Milwaukee")
	b.tick("English")
	b.tick("Hmong")
	b.screenshot("wisconsin-02-settings")
	b.load("save the settings", chromedp.Click(button("Save the settings")))
	b.says("Your agency settings are saved.")
	saved := evalJS[string](b, `[...document.querySelectorAll("#settings input:checked")].map(i => i.value).join(", ")`)
	if saved != "Dane, Milwaukee, English, Hmong" {
		t.Fatalf("the saved settings show %q ticked, want Dane, Milwaukee, English, Hmong", saved)
	}
	goHome()

	// 2. Funders: the federal ones, truthfully named.
	follow("/funders")
	b.says("The federal funders every state has", "Child Care and Development Fund (CCDF)", "for example MIECHV")
	b.lacks("usual funders", "ISBE", "Illinois")
	b.load("add the federal funders", chromedp.Click(button("Add the federal funders every state has")))
	b.says("Added Maternal, Infant, and Early Childhood Home Visiting Program, Head Start and Early Head Start, Child Care and Development Fund, Individuals with Disabilities Education Act",
		"Varies: say so on each funding")
	b.screenshot("wisconsin-03-funders")
	goHome()

	// 3. A program in Dane County with a MIECHV funding, on the federal fiscal year.
	follow("/programs")
	b.load("open the new program form", chromedp.Click(chromedp.CSS(`main a.usa-button[href="/t/`+slug+`/programs/new"]`)))
	b.do("name the program", chromedp.SendKeys(chromedp.ID("program-name"), program))
	b.choose("program-kind", "Home visiting")
	b.choose("program-county", "Dane")
	b.tick("Hmong")
	b.load("add the program", chromedp.Click(button("Add the program")))
	b.says(program+" is added.", "Home visiting", "Dane", "Hmong")
	b.choose("add-funding-funder", "(MIECHV)")
	b.load("choose the funder", chromedp.Click(button("Continue")))
	ten, err := env.app.Tenants.Store().TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	fy := tenants.FiscalYear(ten.Local(time.Now()), ten.FederalFYStartMonth)
	b.says("Federal fiscal year (October to September)", "say on each funding whether I/ECMHC is in it")
	b.tick("I/ECMHC is already funded in it")
	b.choose("line_category_0", "I/ECMH consultation")
	b.do("type the amount", chromedp.SendKeys(chromedp.ID("line_amount_0"), "20,000"))
	b.load("add the funding", chromedp.Click(button("Add the funding")))
	b.says("The funding from MIECHV for "+tenants.FiscalYearLabel(fy, ten.FederalFYStartMonth)+" is added: $20,000.00.", "I/ECMHC funded")
	b.screenshot("wisconsin-04-program")
	goHome()

	// 4. People: invite a consultant.
	follow("/people")
	b.do("fill in the invitation",
		chromedp.SendKeys(chromedp.ID("invite-email"), invitee),
		chromedp.SendKeys(chromedp.ID("invite-name"), "Sam Her"),
	)
	b.choose("invite-role", "Consultant")
	b.load("send the invitation", chromedp.Click(button("Send the invitation")))
	b.says("Invitation sent to "+invitee+".", invitee, "pending")
	if body := env.lastEmailTo(invitee).Body; !strings.Contains(body, agency) {
		t.Errorf("the invitation email does not name the agency:\n%s", body)
	}

	// Home: four steps done, the consultant agency left.
	goHome()
	b.says("1 step is left")
	b.screenshot("wisconsin-05-home")
}
