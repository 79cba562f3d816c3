package server

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
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
	base := serveForBrowser(t, env)
	b := newBrowser(t)
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
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser, %s: %v\n%s", what, err, browserPageText(b))
		}
	}
	load := func(what string, trigger chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b, 10*time.Second)
		defer cancel()
		_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger))
		step(what, err)
	}
	mainText := func() string {
		t.Helper()
		text, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("main").textContent.replace(/\s+/g, " ")`))
		step("read the page", err)
		return text
	}
	mainSays := func(parts ...string) string {
		t.Helper()
		text := mainText()
		for _, p := range parts {
			if !strings.Contains(text, p) {
				t.Fatalf("at %s the page does not say %q; it says:\n%s", browserLocation(b), p, text)
			}
		}
		return text
	}
	mainLacks := func(parts ...string) {
		t.Helper()
		text := mainText()
		for _, p := range parts {
			if strings.Contains(text, p) {
				t.Fatalf("at %s the page says %q; it says:\n%s", browserLocation(b), p, text)
			}
		}
	}
	choose := func(id, label string) {
		t.Helper()
		ok, err := chromedp.Run(b, chromedp.Evaluate[bool](`(() => {
  const s = document.getElementById(`+strconv.Quote(id)+`);
  const want = `+strconv.Quote(label)+`, options = s ? Array.from(s.options) : [];
  const o = options.find(o => o.textContent.trim() === want) || options.find(o => o.textContent.includes(want));
  if (!o) return false;
  s.value = o.value;
  s.dispatchEvent(new Event("change", {bubbles: true}));
  return true;
})()`))
		step("choose "+label, err)
		if !ok {
			t.Fatalf("the select #%s has no option %q\n%s", id, label, browserPageText(b))
		}
	}
	tick := func(label string) {
		t.Helper()
		step("tick "+label, chromedp.Do(b, chromedp.Click(`//label[normalize-space()=`+xpathString(label)+`]`)))
	}
	button := func(text string) string { return `//main//button[normalize-space()=` + xpathString(text) + `]` }
	follow := func(path string) {
		t.Helper()
		load("follow the checklist to "+path, chromedp.Click(chromedp.CSS(`#onboarding a[href="/t/`+slug+path+`"]`)))
	}
	goHome := func() {
		t.Helper()
		load("go back home", chromedp.Click(chromedp.CSS(`.usa-nav a.usa-nav-link[href="`+home+`"]`)))
	}

	// Sign up, as a state system in Wisconsin.
	step("open the sign-up page", chromedp.Do(b,
		chromedp.Navigate(base+"/signup"),
		chromedp.WaitVisible(chromedp.ID("slug")),
		chromedp.SendKeys(chromedp.ID("name"), agency),
		chromedp.Click(chromedp.CSS(`label[for="kind-`+tenants.KindStateSystem+`"]`)),
	))
	choose("state", "Wisconsin")
	step("fill in the sign-up form", chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("admin_name"), admin),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("slug"), slug),
	))
	_, err := chromedp.Run(b, chromedp.Poll[bool](`document.querySelector("#slug-status").textContent.includes("/t/`+slug+` is free.")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	step("wait for the address check", err)
	load("send the sign-up form", chromedp.Click(button("Sign up")))
	mainSays("Check your email", email)

	// The emailed link, then a password.
	load("open the emailed link", chromedp.Navigate(base+env.signupLink(email)))
	mainSays(agency)
	step("choose a password", chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.SendKeys(chromedp.ID("confirm"), password),
	))
	load("confirm", chromedp.Submit(chromedp.ID("confirm")))
	mainSays("Welcome, "+admin, "Set up your tenant", "5 steps are left",
		"Start from the federal funders every state has: MIECHV, Head Start, CCDF and IDEA Part C")
	mainLacks("usual funders", "What you can reach")
	noEI, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.querySelector('a[href$="/ei-expectations"]') === null`))
	step("look for the EI expectations", err)
	if !noEI {
		t.Error("a tenant with no Early Intervention team has the EI expectations in its menu")
	}
	screenshot(t, b, "wisconsin-01-home")

	// 1. Settings: counties ticked from Wisconsin's 72.
	follow("/settings")
	mainSays("The 72 counties of Wisconsin, from the U.S. Census Bureau’s list")
	boxes, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll('#settings input[name="counties"]').length`))
	step("count the county boxes", err)
	if boxes != 72 {
		t.Fatalf("%d county boxes, want Wisconsin's 72", boxes)
	}
	tick("Dane")
	tick("Milwaukee")
	tick("English")
	tick("Hmong")
	screenshot(t, b, "wisconsin-02-settings")
	load("save the settings", chromedp.Click(button("Save the settings")))
	mainSays("Your agency settings are saved.")
	saved, err := chromedp.Run(b, chromedp.Evaluate[string](`[...document.querySelectorAll("#settings input:checked")].map(i => i.value).join(", ")`))
	step("read the saved settings", err)
	if saved != "Dane, Milwaukee, English, Hmong" {
		t.Fatalf("the saved settings show %q ticked, want Dane, Milwaukee, English, Hmong", saved)
	}
	goHome()

	// 2. Funders: the federal ones, truthfully named.
	follow("/funders")
	mainSays("The federal funders every state has", "Child Care and Development Fund (CCDF)", "for example MIECHV")
	mainLacks("usual funders", "ISBE", "Illinois")
	load("add the federal funders", chromedp.Click(button("Add the federal funders every state has")))
	mainSays("Added Maternal, Infant, and Early Childhood Home Visiting Program, Head Start and Early Head Start, Child Care and Development Fund, Individuals with Disabilities Education Act",
		"Varies: say so on each funding")
	screenshot(t, b, "wisconsin-03-funders")
	goHome()

	// 3. A program in Dane County with a MIECHV funding, on the federal fiscal year.
	follow("/programs")
	load("open the new program form", chromedp.Click(chromedp.CSS(`main a.usa-button[href="/t/`+slug+`/programs/new"]`)))
	step("name the program", chromedp.Do(b, chromedp.SendKeys(chromedp.ID("program-name"), program)))
	choose("program-kind", "Home visiting")
	choose("program-county", "Dane")
	tick("Hmong")
	load("add the program", chromedp.Click(button("Add the program")))
	mainSays(program+" is added.", "Home visiting", "Dane", "Hmong")
	choose("add-funding-funder", "(MIECHV)")
	load("choose the funder", chromedp.Click(button("Continue")))
	ten, err := env.app.Tenants.Store().TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	fy := tenants.FiscalYear(ten.Local(time.Now()), ten.FederalFYStartMonth)
	mainSays("Federal fiscal year (October to September)", "say on each funding whether I/ECMHC is in it")
	tick("I/ECMHC is already funded in it")
	choose("line_category_0", "I/ECMH consultation")
	step("type the amount", chromedp.Do(b, chromedp.SendKeys(chromedp.ID("line_amount_0"), "20,000")))
	load("add the funding", chromedp.Click(button("Add the funding")))
	mainSays("The funding from MIECHV for "+tenants.FiscalYearLabel(fy, ten.FederalFYStartMonth)+" is added: $20,000.00.", "I/ECMHC funded")
	screenshot(t, b, "wisconsin-04-program")
	goHome()

	// 4. People: invite a consultant.
	follow("/people")
	step("fill in the invitation", chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("invite-email"), invitee),
		chromedp.SendKeys(chromedp.ID("invite-name"), "Sam Her"),
	))
	choose("invite-role", "Consultant")
	load("send the invitation", chromedp.Click(button("Send the invitation")))
	mainSays("Invitation sent to "+invitee+".", invitee, "pending")
	if body := env.lastEmailTo(invitee).Body; !strings.Contains(body, agency) {
		t.Errorf("the invitation email does not name the agency:\n%s", body)
	}

	// Home: four steps done, the consultant agency left.
	goHome()
	mainSays("1 step is left")
	screenshot(t, b, "wisconsin-05-home")
}
