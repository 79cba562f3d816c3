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
	base := serveForBrowser(t, env)
	b := newBrowser(t)
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

	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser, %s: %v\n%s", what, err, browserPageText(b))
		}
	}
	// load runs trigger (a click on a link or a submit button) and waits for the page it leads
	// to. A form that comes back with an error is swapped in by htmx with no page load: the
	// short timeout then fails the test with the page's text instead of hanging.
	load := func(what string, trigger chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b, 10*time.Second)
		defer cancel()
		_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger))
		step(what, err)
	}
	at := func(want string) {
		t.Helper()
		path, err := chromedp.Run(b, chromedp.Evaluate[string](`location.pathname`))
		step("read the location", err)
		if path != want {
			t.Fatalf("the browser is at %q, want %q\n%s", path, want, browserPageText(b))
		}
	}
	mainSays := func(parts ...string) string {
		t.Helper()
		// The text as written, whitespace collapsed (innerText would follow CSS: a usa-tag is upper case).
		text, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("main").textContent.replace(/\s+/g, " ")`))
		step("read the page", err)
		for _, p := range parts {
			if !strings.Contains(text, p) {
				t.Fatalf("at %s the page does not say %q; it says:\n%s", browserLocation(b), p, text)
			}
		}
		return text
	}
	// choose picks, in the select with this id, the option whose label contains label, as a
	// person picking from the list would (the change event is fired for htmx).
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
	// tick ticks a checkbox by clicking its label (USWDS hides the box itself).
	tick := func(label string) {
		t.Helper()
		step("tick "+label, chromedp.Do(b, chromedp.Click(`//label[normalize-space()=`+xpathString(label)+`]`)))
	}
	checklist := func() []checklistStep {
		t.Helper()
		steps, err := chromedp.Run(b, chromedp.Evaluate[[]checklistStep](readChecklist))
		step("read the checklist", err)
		return steps
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
			t.Fatalf("the checklist has %d steps, want %d: %+v\n%s", len(steps), len(titles), steps, browserPageText(b))
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
		load("go back home", chromedp.Click(chromedp.CSS(`.usa-nav a.usa-nav-link[href="`+home+`"]`)))
		at(home)
	}
	// follow clicks the checklist's link to a step's page.
	follow := func(path string) {
		t.Helper()
		load("follow the checklist to "+path, chromedp.Click(chromedp.CSS(`#onboarding a[href="/t/`+slug+path+`"]`)))
		at("/t/" + slug + path)
	}
	button := func(text string) string {
		return `//main//button[normalize-space()=` + xpathString(text) + `]`
	}

	// Sign up.
	step("open the sign-up page", chromedp.Do(b,
		chromedp.Navigate(base+"/signup"),
		chromedp.WaitVisible(chromedp.ID("slug")),
		chromedp.SendKeys(chromedp.ID("name"), agency),
		chromedp.Click(chromedp.CSS(`label[for="kind-local_partnership"]`)),
	))
	choose("state", "North Carolina")
	step("fill in the sign-up form", chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("admin_name"), admin),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("slug"), slug),
	))
	_, err := chromedp.Run(b, chromedp.Poll[bool](`document.querySelector("#slug-status").textContent.includes("/t/`+slug+` is free.")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	step("wait for the address check", err)
	screenshot(t, b, "onboarding-01-signup")
	load("send the sign-up form", chromedp.Click(button("Sign up")))
	mainSays("Check your email", email)

	// Confirm the email and choose a password.
	link := env.signupLink(email)
	load("open the confirmation link", chromedp.Navigate(base+link))
	mainSays(agency)
	step("choose a password", chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.SendKeys(chromedp.ID("confirm"), password),
	))
	load("confirm", chromedp.Submit(chromedp.ID("confirm")))
	at(home)
	mainSays("Welcome, "+admin, "is on a trial that ends", "Set up your tenant", "5 steps are left")
	wantChecklist()
	screenshot(t, b, "onboarding-02-home")

	// 1. Agency settings: a few counties and languages.
	follow("/settings")
	mainSays("Check these settings and save them")
	tz, err := chromedp.Run(b, chromedp.Value(chromedp.ID("settings-tz")))
	step("read the time zone", err)
	if tz != "America/New_York" {
		t.Errorf("a North Carolina tenant's time zone is %q, want America/New_York", tz)
	}
	for _, c := range []string{"Durham", "Orange", "Wake"} {
		tick(c)
	}
	for _, l := range []string{"English", "Spanish"} {
		tick(l)
	}
	step("type another language", chromedp.Do(b, chromedp.SendKeys(chromedp.ID("settings-languages-other"), "Karen")))
	load("save the settings", chromedp.Click(button("Save the settings")))
	at("/t/" + slug + "/settings")
	mainSays("Your agency settings are saved.", "Last confirmed")
	saved, err := chromedp.Run(b, chromedp.Evaluate[string](`[...document.querySelectorAll("#settings input:checked")].map(i => i.value).join(", ") +
  "; " + document.getElementById("settings-languages-other").value`))
	step("read the saved settings", err)
	if saved != "Durham, Orange, Wake, English, Spanish; Karen" {
		t.Fatalf("the saved settings show %q ticked, want Durham, Orange, Wake, English, Spanish; Karen", saved)
	}
	goHome()
	wantChecklist("Agency settings")
	mainSays("4 steps are left")

	// 2. Funders: the usual ones for North Carolina.
	follow("/funders")
	mainSays("The usual funders for North Carolina", "North Carolina Partnership for Children")
	load("add the usual funders", chromedp.Click(button("Add the usual funders for North Carolina")))
	at("/t/" + slug + "/funders")
	mainSays("Added North Carolina Partnership for Children, "+agency+".", "North Carolina Partnership for Children (NCPC)")
	screenshot(t, b, "onboarding-03-funders")
	goHome()
	wantChecklist("Agency settings", "Funders")

	// 3. A program, with a funding from NCPC for the current fiscal year and one budget line.
	follow("/programs")
	load("open the new program form", chromedp.Click(chromedp.CSS(`main a.usa-button[href="/t/`+slug+`/programs/new"]`)))
	step("name the program", chromedp.Do(b, chromedp.SendKeys(chromedp.ID("program-name"), program)))
	choose("program-kind", "Child care center")
	choose("program-county", "Orange")
	tick("Spanish")
	load("add the program", chromedp.Click(button("Add the program")))
	mainSays(program+" is added.", "Child care center", "Orange", "Spanish", "No fundings yet")
	choose("add-funding-funder", "(NCPC)")
	load("choose the funder", chromedp.Click(button("Continue")))
	ten, err := env.app.Tenants.Store().TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	fy := tenants.FiscalYear(ten.Local(time.Now()), ten.StateFYStartMonth)
	fyLabel := tenants.FiscalYearLabel(fy, ten.StateFYStartMonth)
	form, err := chromedp.Run(b, chromedp.Evaluate[map[string]any](`({
  funder: document.getElementById("funding-funder").selectedOptions[0].textContent,
  fy: document.getElementById("funding-fy").value,
  iecmhc: document.getElementById("funding-iecmhc").checked})`))
	step("read the funding form", err)
	if form["funder"] != "North Carolina Partnership for Children (NCPC)" || form["fy"] != strconv.Itoa(fy) || form["iecmhc"] != true {
		t.Fatalf("the funding form starts with %v, want NCPC, the current fiscal year %d and I/ECMHC already funded", form, fy)
	}
	choose("line_category_0", "I/ECMH consultation")
	step("type the amount", chromedp.Do(b, chromedp.SendKeys(chromedp.ID("line_amount_0"), "12,500.00")))
	screenshot(t, b, "onboarding-04-funding")
	load("add the funding", chromedp.Click(button("Add the funding")))
	mainSays("The funding from NCPC for "+fyLabel+" is added: $12,500.00.",
		"I/ECMHC funded", "I/ECMH consultation", "$12,500.00")
	screenshot(t, b, "onboarding-05-program")
	goHome()
	wantChecklist("Agency settings", "Funders", "Programs and their fundings")

	// 4. A consultant agency.
	follow("/agencies")
	mainSays("No consultant agencies yet.")
	step("name the agency", chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("org-name"), "Piedmont Community Mental Health Center"),
		chromedp.SendKeys(chromedp.ID("org-short"), "PCMHC"),
	))
	load("add the agency", chromedp.Click(button("Add the consultant agency")))
	mainSays("Piedmont Community Mental Health Center is added.", "PCMHC")
	goHome()
	wantChecklist("Agency settings", "Funders", "Programs and their fundings", "Consultant agencies")
	mainSays("1 step is left")

	// 5. People: invite the program's director, bound to the program.
	follow("/people")
	step("fill in the invitation", chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("invite-email"), invitee),
		chromedp.SendKeys(chromedp.ID("invite-name"), "Lena Ortiz"),
	))
	choose("invite-role", "Program")
	choose("invite-org", program)
	load("send the invitation", chromedp.Click(button("Send the invitation")))
	mainSays("Invitation sent to "+invitee+".", invitee, "pending")
	if body := env.lastEmailTo(invitee).Body; !strings.Contains(body, agency) {
		t.Errorf("the invitation email does not name the agency:\n%s", body)
	}

	// Done: the checklist says the tenant is set up, and links to every step still.
	goHome()
	mainSays("Your tenant is set up", "Every onboarding step is done")
	wantChecklist("Agency settings", "Funders", "Programs and their fundings", "Consultant agencies", "People")
	for i, s := range checklist() {
		want := []string{"/settings", "/funders", "/programs", "/agencies", "/people"}[i]
		if s.Href != "/t/"+slug+want {
			t.Errorf("the done step %q links to %q, want %q", s.Title, s.Href, "/t/"+slug+want)
		}
	}
	screenshot(t, b, "onboarding-06-done")
}

// browserPageText is where the browser is and what its page says, for a failure message.
func browserPageText(b context.Context) string {
	ctx, cancel := context.WithTimeout(b, 2*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + "\n" + (document.querySelector("main") || document.body).innerText`))
	if err != nil {
		return "(cannot read the page: " + err.Error() + ")"
	}
	if len(text) > 3000 {
		text = text[:3000] + "…"
	}
	return text
}

func browserLocation(b context.Context) string {
	ctx, cancel := context.WithTimeout(b, 2*time.Second)
	defer cancel()
	path, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	return path
}

// xpathString quotes s for an XPath expression.
func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `'` + s + `'`
}
