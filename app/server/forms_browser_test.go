package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/demo"
)

// formsBrowser is a signed-in browser for the form tests, with a step helper and a record of
// the Content-Security-Policy violations every page reports.
type formsBrowser struct {
	t    *testing.T
	b    context.Context
	base string
}

func newFormsBrowser(t *testing.T, env *testEnv, email string) *formsBrowser {
	t.Helper()
	fb := &formsBrowser{t: t, b: newBrowser(t), base: serveForBrowser(t, env)}
	_, err := chromedp.Call(fb.b, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.hsCSP = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.hsCSP.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
});`})
	fb.step("record CSP violations", err)
	fb.step("open the sign-in page", chromedp.Do(fb.b,
		chromedp.Navigate(fb.base+"/signin"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
	))
	_, err = chromedp.Run(fb.b, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(chromedp.ID("password"))))
	fb.step("sign in", err)
	return fb
}

func (fb *formsBrowser) step(what string, err error) {
	fb.t.Helper()
	if err != nil {
		fb.t.Fatalf("browser, %s: %v", what, err)
	}
}

// open loads path and waits for sel.
func (fb *formsBrowser) open(path, sel string) {
	fb.t.Helper()
	fb.step("open "+path, chromedp.Do(fb.b, chromedp.Navigate(fb.base+path), chromedp.WaitVisible(chromedp.CSS(sel))))
}

// eval runs a script and returns its value.
func evalAs[T any](fb *formsBrowser, js string) T {
	fb.t.Helper()
	v, err := chromedp.Run(fb.b, chromedp.Evaluate[T](js))
	fb.step("evaluate "+js, err)
	return v
}

// waitFor polls js until it is true.
func (fb *formsBrowser) waitFor(what, js string) {
	fb.t.Helper()
	_, err := chromedp.Run(fb.b, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second)))
	fb.step("wait for "+what, err)
}

// cspViolations returns what the current page recorded.
func (fb *formsBrowser) cspViolations() []string {
	fb.t.Helper()
	return evalAs[[]string](fb, `window.hsCSP || []`)
}

func TestBrowserFormsExplore(t *testing.T) {
	env := newTestEnv(t)
	fb := newFormsBrowser(t, env, "admin@illinois.example")
	fb.open("/t/illinois/settings", "#settings-name")
	fb.step("empty the name", chromedp.Do(fb.b, chromedp.Evaluate[chromedp.Void](`document.querySelector("#settings-name").value = ""; document.querySelector("#settings-name").style.color = "red"; undefined`),
		chromedp.Click(chromedp.CSS(`#settings button[type="submit"]`))))
	fb.waitFor("the error", `!!document.querySelector("#settings-name-error")`)
	time.Sleep(time.Second)
	t.Logf("after error: focus %q, csp %q", evalAs[string](fb, `document.activeElement.outerHTML.slice(0,120)`), fb.cspViolations())
	screenshot(t, fb.b, "explore-settings-error")
	fb.open("/t/illinois/people", "#invite-email")
	fb.step("invite", chromedp.Do(fb.b, chromedp.Click(chromedp.CSS(`#invite button[type="submit"]`))))
	fb.waitFor("the error", `!!document.querySelector("#invite-email-error")`)
	time.Sleep(time.Second)
	t.Logf("after invite error: focus %q, csp %q", evalAs[string](fb, `document.activeElement.outerHTML.slice(0,120)`), fb.cspViolations())
	_ = strings.Contains
}
