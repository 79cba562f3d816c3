package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/demo"
)

// chromiumPath finds Debian's chromium. In CI it must be there (.ci/run installs it); on a
// developer's machine without it the browser test is skipped, saying so.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: .ci/run should have installed Debian's chromium package")
	}
	t.Skip("chromium is not installed (apt-get install chromium); the browser test needs it")
	return ""
}

// serveForBrowser serves env's application on a loopback port.
func serveForBrowser(t *testing.T, env *testEnv) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go env.web.Listener(ln) //nolint:errcheck
	t.Cleanup(func() {
		finishAudits(t)                              // the page audit may open pages again: before the server stops
		env.web.ShutdownWithTimeout(5 * time.Second) //nolint:errcheck
	})
	return "http://" + ln.Addr().String()
}

func newBrowser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(cancel3)
	// Every page the test opens, and every htmx swap in it, must pass axe-core and the CSP.
	auditPages(t, ctx)
	return ctx
}

// browser is one person's headless Chromium on the test's server: the one driver of the
// browser tests, so that each test reads as the journey it checks and every failure says the
// same things (who, which step, where the browser is and what its page says).
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string // the server, as http://host:port
	who  string // for failure messages, when a test has more than one browser
}

// openBrowser serves env's application and opens a browser on it; every page the browser
// loads, and every htmx swap, is audited (newBrowser).
func openBrowser(t *testing.T, env *testEnv) *browser {
	t.Helper()
	base := serveForBrowser(t, env)
	return &browser{t: t, ctx: newBrowser(t), base: base}
}

// another opens a second browser, for another person, on the same server.
func (b *browser) another(who string) *browser {
	b.t.Helper()
	return &browser{t: b.t, ctx: newBrowser(b.t), base: b.base, who: who}
}

// fail fails the test, saying who and where the browser is and what its page says.
func (b *browser) fail(format string, args ...any) {
	b.t.Helper()
	who := "browser"
	if b.who != "" {
		who += " (" + b.who + ")"
	}
	b.t.Fatalf("%s: %s\n%s", who, fmt.Sprintf(format, args...), browserPageText(b.ctx))
}

// step fails the test when a step of it went wrong.
func (b *browser) step(what string, err error) {
	b.t.Helper()
	if err != nil {
		b.fail("%s: %v", what, err)
	}
}

// do runs actions, one step.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.step(what, chromedp.Do(b.ctx, actions...))
}

// load runs trigger (a navigation, a click on a link or a submit button) and waits for the
// page it leads to, and for the page's audit (so the next step does not cut it short). A form
// that comes back with an error is swapped in by htmx with no page load: the short timeout
// then fails the test with the page's text instead of hanging.
func (b *browser) load(what string, trigger chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger))
	b.step(what, err)
	b.audited()
}

// audited waits for the current page's audit (axe-core on the page and its swaps).
func (b *browser) audited() {
	b.t.Helper()
	b.step("wait for the page's audit", auditIdle(b.ctx))
}

// open loads path and waits for sel (CSS) to be visible.
func (b *browser) open(path, sel string) {
	b.t.Helper()
	b.load("open "+path, chromedp.Navigate(b.base+path))
	b.do("wait for "+sel+" on "+path, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// path is where the browser is (location.pathname).
func (b *browser) path() string {
	b.t.Helper()
	return evalJS[string](b, `location.pathname`)
}

// at fails unless the browser is at path.
func (b *browser) at(want string) {
	b.t.Helper()
	if got := b.path(); got != want {
		b.fail("at %q, want %q", got, want)
	}
}

// js runs a script for its effect.
func (b *browser) js(script string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](script+"; null"))
	b.step("run "+script, err)
}

// evalJS is the value of script in the page. Reading in the page's own JavaScript is safe
// from an htmx swap replacing a node between a query and a read by the protocol.
func evalJS[T any](b *browser, script string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](script))
	b.step("evaluate "+script, err)
	return v
}

// waitFor polls script until it is true, for up to ten seconds (an htmx swap, a message).
func (b *browser) waitFor(what, script string) {
	b.t.Helper()
	b.waitUpTo(10*time.Second, what, script)
}

// waitUpTo polls script until it is true, for up to d.
func (b *browser) waitUpTo(d time.Duration, what, script string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](script, chromedp.WithPollingTimeout(d)))
	b.step("wait for "+what, err)
}

// shown is the main area's text as people see it (innerText: CSS upper-cases USWDS tags).
func (b *browser) shown() string {
	b.t.Helper()
	return b.textOf("main")
}

// textOf is the text of the element sel (CSS) as people see it.
func (b *browser) textOf(sel string) string {
	b.t.Helper()
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	b.step("read "+sel, err)
	return text
}

// written is the main area's text as written (textContent, whitespace collapsed).
func (b *browser) written() string {
	b.t.Helper()
	return evalJS[string](b, `document.querySelector("main").textContent.replace(/\s+/g, " ")`)
}

// says fails unless the main area's text as written holds every part, case and all.
func (b *browser) says(parts ...string) string {
	b.t.Helper()
	text := b.written()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			b.fail("at %s the page does not say %q; it says:\n%s", browserLocation(b.ctx), p, text)
		}
	}
	return text
}

// lacks fails if the main area's text as written holds any of parts.
func (b *browser) lacks(parts ...string) {
	b.t.Helper()
	text := b.written()
	for _, p := range parts {
		if strings.Contains(text, p) {
			b.fail("at %s the page says %q; it says:\n%s", browserLocation(b.ctx), p, text)
		}
	}
}

// shows fails unless the main area's text as people see it holds every part, whatever the
// case (a USWDS tag reads "BEHIND" on the screen).
func (b *browser) shows(parts ...string) string {
	b.t.Helper()
	text := b.shown()
	for _, p := range parts {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(p)) {
			b.fail("the page at %s does not say %q:\n%s", browserLocation(b.ctx), p, text)
		}
	}
	return text
}

// signIn signs out whoever is signed in, then signs in as email with the demo password.
func (b *browser) signIn(email string) {
	b.t.Helper()
	b.load("open the sign-in page", chromedp.Navigate(b.base+"/signin"))
	if evalJS[int](b, `document.querySelectorAll('form[action="/signout"]').length`) > 0 {
		b.signOut()
		b.load("open the sign-in page", chromedp.Navigate(b.base+"/signin"))
	}
	b.do("type the sign-in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), demo.Password))
	b.load("sign in as "+email, chromedp.Submit(chromedp.ID("password")))
}

// signOut presses the account bar's "Sign out".
func (b *browser) signOut() {
	b.t.Helper()
	b.load("sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)))
}

// choose picks, in the select with this id, the option whose label is label (or, failing
// that, contains it), as a person picking from the list would: the input and change events
// fire, for htmx and the page's scripts.
func (b *browser) choose(id, label string) {
	b.t.Helper()
	ok := evalJS[bool](b, `(() => {
  const s = document.getElementById(`+strconv.Quote(id)+`);
  const want = `+strconv.Quote(label)+`, options = s ? Array.from(s.options) : [];
  const o = options.find(o => o.textContent.trim() === want) || options.find(o => o.textContent.includes(want));
  if (!o) return false;
  s.value = o.value;
  s.dispatchEvent(new Event("input", {bubbles: true}));
  s.dispatchEvent(new Event("change", {bubbles: true}));
  return true;
})()`)
	if !ok {
		b.fail("the select #%s has no option %q", id, label)
	}
}

// tick ticks a checkbox or a radio by clicking its label (USWDS hides the box itself).
func (b *browser) tick(label string) {
	b.t.Helper()
	b.do("tick "+label, chromedp.Click(`//label[normalize-space()=`+xpathString(label)+`]`))
}

// button is the XPath of the main area's button that reads text.
func button(text string) string {
	return `//main//button[normalize-space()=` + xpathString(text) + `]`
}

// press clicks the main area's button that reads text, and waits for the page it leads to.
func (b *browser) press(text string) {
	b.t.Helper()
	b.load("press "+text, chromedp.Click(button(text)))
}

// fill sets fields by id, as typed (a select's value, a date as YYYY-MM-DD), and checks the
// radios and checkboxes named by id in check; the input and change events fire.
func (b *browser) fill(values map[string]string, check ...string) {
	b.t.Helper()
	v, _ := json.Marshal(values)
	c, _ := json.Marshal(check)
	missing := evalJS[string](b, `(() => {
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
})()`)
	if missing != "" {
		b.fail("the page at %s has no field %s", browserLocation(b.ctx), missing)
	}
}

// sessionRecorded waits for the session form's success message (an htmx swap, no page load).
func (b *browser) sessionRecorded() {
	b.t.Helper()
	b.waitFor("the session to be recorded", `(document.querySelector("#session-record .usa-alert--success")||{textContent:""}).textContent.includes("recorded")`)
}

// screenshot saves the page as NAME.png in HOLDSPACE_SCREENSHOTS, when that is set.
func (b *browser) screenshot(name string) { screenshot(b.t, b.ctx, name) }

// TestBrowserSignInAndHTMX signs in through the real page, in headless Chromium, and follows
// an htmx link: the audit log's next page replaces only the list, without a page load.
func TestBrowserSignInAndHTMX(t *testing.T) {
	env := newTestEnv(t)
	// Enough events for a second page of the audit log.
	ctx := env.scoped("illinois")
	for i := 0; i < 60; i++ {
		if err := env.app.Audit.Record(ctx, "demo.event", "organisation", "", fmt.Sprintf("event %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	b := openBrowser(t, env)
	b.signIn("admin@illinois.example")
	b.at("/t/illinois/")
	b.screenshot("home")
	home := b.shown()
	b.do("open the audit log",
		chromedp.Click(chromedp.CSS(`main a[href="/t/illinois/audit"]`)), // "See the whole audit log"
		chromedp.WaitVisible(chromedp.CSS("#audit-events caption")),
	)
	// A marker that a full page load would wipe out.
	b.js(`window.hsMarker = "still here"`)
	b.do("follow the htmx link", chromedp.Click(chromedp.CSS("a.usa-pagination__next-page")))
	b.waitFor("page 2", `document.querySelector("#audit-events caption").textContent.includes("Earlier events")`)
	b.screenshot("audit-page-2")
	caption := evalJS[string](b, `document.querySelector("#audit-events caption").textContent`)
	marker := evalJS[string](b, `window.hsMarker || ""`)
	location := evalJS[string](b, `location.search`)
	if !strings.Contains(home, "Denise Carter") || !strings.Contains(home, "Tenant admin") {
		t.Fatalf("the home page after sign-in says %q", home)
	}
	if !strings.Contains(caption, "Earlier events") {
		t.Fatalf("got caption %q, want the earlier events", caption)
	}
	if marker != "still here" {
		t.Fatal("following the htmx link reloaded the whole page")
	}
	if !strings.Contains(location, "after=") {
		t.Fatalf("got location %q, want the cursor in the URL (hx-push-url)", location)
	}
}

// screenshot saves the page as NAME.png in HOLDSPACE_SCREENSHOTS, when that is set, so a
// person can look at what the test saw.
func screenshot(t *testing.T, b context.Context, name string) {
	dir := os.Getenv("HOLDSPACE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
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

// signUp signs an agency up through /signup (its kind, state, admin and address), opens the
// emailed confirmation link and chooses the admin's password: the start of every onboarding
// journey. It ends on the page the confirmation leads to (the new tenant's home).
func (b *browser) signUp(env *testEnv, agency, kind, state, admin, email, slug, password string) {
	b.t.Helper()
	b.open("/signup", "#slug")
	b.do("name the agency",
		chromedp.SendKeys(chromedp.ID("name"), agency),
		chromedp.Click(chromedp.CSS(`label[for="kind-`+kind+`"]`)),
	)
	b.choose("state", state)
	b.do("fill in the sign-up form",
		chromedp.SendKeys(chromedp.ID("admin_name"), admin),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("slug"), slug),
	)
	b.waitFor("the address check", `document.querySelector("#slug-status").textContent.includes("/t/`+slug+` is free.")`)
	b.screenshot(slug + "-signup")
	b.load("send the sign-up form", chromedp.Click(button("Sign up")))
	b.says("Check your email", email)
	b.load("open the emailed link", chromedp.Navigate(b.base+env.signupLink(email)))
	b.says(agency)
	b.do("choose a password",
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.SendKeys(chromedp.ID("confirm"), password),
	)
	b.load("confirm", chromedp.Submit(chromedp.ID("confirm")))
}
