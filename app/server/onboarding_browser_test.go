package server

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/tenants"
)

// checklistStep is one step of the onboarding checklist as the home page shows it.
type checklistStep struct {
	Title string `json:"title"`
	Tag   string `json:"tag"`
	Href  string `json:"href"`
}

// readChecklist reads the checklist of the home page: the process list while steps are left,
// the "set up" summary box once every step is done.
const readChecklist = `(() => {
  const out = [];
  for (const li of document.querySelectorAll("#onboarding .usa-process-list__item")) {
    const h = li.querySelector(".usa-process-list__heading"), tag = h.querySelector(".usa-tag"), a = li.querySelector("a");
    out.push({title: h.firstChild.textContent.trim(), tag: tag ? tag.textContent.trim() : "", href: a ? a.getAttribute("href") : ""});
  }
  for (const li of document.querySelectorAll("#onboarding .usa-summary-box li")) {
    const tag = li.querySelector(".usa-tag"), a = li.querySelector("a");
    out.push({title: a.textContent.trim(), tag: tag ? tag.textContent.trim() : "", href: a.getAttribute("href")});
  }
  return out;
})()`

// TestBrowserOnboarding is the browser test: in one headless Chromium session a new
// agency signs up, confirms its email, lands on its home page with the onboarding checklist
// all "To do", then does each step through the pages, following the checklist's links and
// filling the forms as a person would, until the checklist reads "Done" five times and says
// the tenant is set up.
func TestBrowserOnboarding(t *testing.T) {
	env := newTestEnv(t)
	b := openBrowser(t, env)
	const (
		slug     = "tri-county"
		agency   = "Tri-County Early Childhood Partnership"
		admin    = "Monique Harris"
		email    = "monique.harris@tricounty-ecp.example"
		password = "a long password for monique"
		program  = "Little Acorns Child Care Center"
		invitee  = "lena.ortiz@littleacorns.example"
	)
	home := "/t/" + slug + "/"

	checklist := func() []checklistStep {
		t.Helper()
		return evalJS[[]checklistStep](b, readChecklist)
	}
	wantChecklist := func(done ...string) {
		t.Helper()
		isDone := map[string]bool{}
		for _, d := range done {
			isDone[d] = true
		}
		steps := checklist()
		titles := []string{"Agency settings", "Funders", "Programs and their fundings", "Consultant agencies", "People"}
		if len(steps) != len(titles) {
			b.fail("the checklist has %d steps, want %d: %+v", len(steps), len(titles), steps)
		}
		for i, s := range steps {
			want := "To do"
			if isDone[titles[i]] {
				want = "Done"
			}
			if s.Title != titles[i] || s.Tag != want {
				t.Fatalf("checklist step %d reads %q %q, want %q %q: %+v", i+1, s.Title, s.Tag, titles[i], want, steps)
			}
		}
	}
	// goHome returns to the home page by the navigation's Home link.
	goHome := func() {
		t.Helper()
		b.load("go back home", chromedp.Click(chromedp.CSS(`.usa-nav a.usa-nav-link[href="`+home+`"]`)))
		b.at(home)
	}
	// follow clicks the checklist's link to a step's page.
	follow := func(path string) {
		t.Helper()
		b.load("follow the checklist to "+path, chromedp.Click(chromedp.CSS(`#onboarding a[href="/t/`+slug+path+`"]`)))
		b.at("/t/" + slug + path)
	}

	// Sign up as a local partnership in North Carolina; confirm the email, choose a password.
	b.signUp(env, agency, "local_partnership", "North Carolina", admin, email, slug, password)
	b.at(home)
	b.says("Welcome, "+admin, "is on a trial that ends", "Set up your tenant", "5 steps are left")
	wantChecklist()
	b.screenshot("onboarding-02-home")

	// 1. Agency settings: a few counties and languages.
	follow("/settings")
	b.says("Check these settings and save them")
	tz := evalJS[string](b, `document.getElementById("settings-tz").value`)
	if tz != "America/New_York" {
		t.Errorf("a North Carolina tenant's time zone is %q, want America/New_York", tz)
	}
	for _, c := range []string{"Durham", "Orange", "Wake"} {
		b.tick(c)
	}
	for _, l := range []string{"English", "Spanish"} {
		b.tick(l)
	}
	b.do("type another language", chromedp.SendKeys(chromedp.ID("settings-languages-other"), "Karen"))
	b.load("save the settings", chromedp.Click(button("Save the settings")))
	b.at("/t/" + slug + "/settings")
	b.says("Your agency settings are saved.", "Last confirmed")
	saved := evalJS[string](b, `[...document.querySelectorAll("#settings input:checked")].map(i => i.value).join(", ") +
  "; " + document.getElementById("settings-languages-other").value`)
	if saved != "Durham, Orange, Wake, English, Spanish; Karen" {
		t.Fatalf("the saved settings show %q ticked, want Durham, Orange, Wake, English, Spanish; Karen", saved)
	}
	goHome()
	wantChecklist("Agency settings")
	b.says("4 steps are left")

	// 2. Funders: the usual ones for North Carolina.
	follow("/funders")
	b.says("The usual funders for North Carolina", "North Carolina Partnership for Children")
	b.load("add the usual funders", chromedp.Click(button("Add the usual funders for North Carolina")))
	b.at("/t/" + slug + "/funders")
	b.says("Added North Carolina Partnership for Children, "+agency+".", "North Carolina Partnership for Children (NCPC)")
	b.screenshot("onboarding-03-funders")
	goHome()
	wantChecklist("Agency settings", "Funders")

	// 3. A program, with a funding from NCPC for the current fiscal year and one budget line.
	follow("/programs")
	b.load("open the new program form", chromedp.Click(chromedp.CSS(`main a.usa-button[href="/t/`+slug+`/programs/new"]`)))
	b.do("name the program", chromedp.SendKeys(chromedp.ID("program-name"), program))
	b.choose("program-kind", "Child care center")
	b.choose("program-county", "Orange")
	b.tick("Spanish")
	b.load("add the program", chromedp.Click(button("Add the program")))
	b.says(program+" is added.", "Child care center", "Orange", "Spanish", "No fundings yet")
	b.choose("add-funding-funder", "(NCPC)")
	b.load("choose the funder", chromedp.Click(button("Continue")))
	ten, err := env.app.Tenants.Store().TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	fy := tenants.FiscalYear(ten.Local(time.Now()), ten.StateFYStartMonth)
	fyLabel := tenants.FiscalYearLabel(fy, ten.StateFYStartMonth)
	form := evalJS[map[string]any](b, `({
  funder: document.getElementById("funding-funder").selectedOptions[0].textContent,
  fy: document.getElementById("funding-fy").value,
  iecmhc: document.getElementById("funding-iecmhc").checked})`)
	if form["funder"] != "North Carolina Partnership for Children (NCPC)" || form["fy"] != strconv.Itoa(fy) || form["iecmhc"] != true {
		t.Fatalf("the funding form starts with %v, want NCPC, the current fiscal year %d and I/ECMHC already funded", form, fy)
	}
	b.choose("line_category_0", "I/ECMH consultation")
	b.do("type the amount", chromedp.SendKeys(chromedp.ID("line_amount_0"), "12,500.00"))
	b.screenshot("onboarding-04-funding")
	b.load("add the funding", chromedp.Click(button("Add the funding")))
	b.says("The funding from NCPC for "+fyLabel+" is added: $12,500.00.",
		"I/ECMHC funded", "I/ECMH consultation", "$12,500.00")
	b.screenshot("onboarding-05-program")
	goHome()
	wantChecklist("Agency settings", "Funders", "Programs and their fundings")

	// 4. A consultant agency.
	follow("/agencies")
	b.says("No consultant agencies yet.")
	b.do("name the agency",
		chromedp.SendKeys(chromedp.ID("org-name"), "Piedmont Community Mental Health Center"),
		chromedp.SendKeys(chromedp.ID("org-short"), "PCMHC"),
	)
	b.load("add the agency", chromedp.Click(button("Add the consultant agency")))
	b.says("Piedmont Community Mental Health Center is added.", "PCMHC")
	goHome()
	wantChecklist("Agency settings", "Funders", "Programs and their fundings", "Consultant agencies")
	b.says("1 step is left")

	// 5. People: invite the program's director, bound to the program.
	follow("/people")
	b.do("fill in the invitation",
		chromedp.SendKeys(chromedp.ID("invite-email"), invitee),
		chromedp.SendKeys(chromedp.ID("invite-name"), "Lena Ortiz"),
	)
	b.choose("invite-role", "Program")
	b.choose("invite-org", program)
	b.load("send the invitation", chromedp.Click(button("Send the invitation")))
	b.says("Invitation sent to "+invitee+".", invitee, "pending")
	if body := env.lastEmailTo(invitee).Body; !strings.Contains(body, agency) {
		t.Errorf("the invitation email does not name the agency:\n%s", body)
	}

	// Done: the checklist says the tenant is set up, and links to every step still.
	goHome()
	b.says("Your tenant is set up", "Every onboarding step is done")
	wantChecklist("Agency settings", "Funders", "Programs and their fundings", "Consultant agencies", "People")
	for i, s := range checklist() {
		want := []string{"/settings", "/funders", "/programs", "/agencies", "/people"}[i]
		if s.Href != "/t/"+slug+want {
			t.Errorf("the done step %q links to %q, want %q", s.Title, s.Href, "/t/"+slug+want)
		}
	}
	b.screenshot("onboarding-06-done")
}
