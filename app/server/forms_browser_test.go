package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/demo"
)

// signedIn is a browser signed in as email, for the form tests. Every page and swap is audited
// (axe-core, and any Content-Security-Policy violation fails the test).
func signedIn(t *testing.T, env *testEnv, email string) *browser {
	t.Helper()
	b := openBrowser(t, env)
	b.signIn(email)
	return b
}

// focusedElement describes the focused element: its id, else its class.
const focusedElement = `(function(){ var a = document.activeElement; return a.id || a.className || a.tagName; })()`

// TestBrowserFocusAfterHTMXForms: after an htmx form post the focus is on the outcome, not at
// the top of the page: on the error summary when the form comes back with errors (its lines
// link to the fields and take the focus there), and on the message after a save. Settings
// and invitations; the same shared code serves every htmx form. The swaps stay clean under
// the CSP, even when an element being replaced carries a style set by script (htmx used to
// copy it over with setAttribute, which the CSP refuses).
func TestBrowserFocusAfterHTMXForms(t *testing.T) {
	env := newTestEnv(t)
	fb := signedIn(t, env, "admin@illinois.example")

	// Settings, with an error.
	fb.open("/t/illinois/settings", "#settings-name")
	fb.js(`window.hsMarker = "still here"; var n = document.querySelector("#settings-name"); n.value = ""; n.style.color = "black"`)
	fb.do("save without a name", chromedp.Click(chromedp.CSS(`#settings button[type="submit"]`)))
	fb.waitFor("the error summary", `!!document.querySelector("#settings .hs-error-summary")`)
	fb.waitFor("the focus to settle", `document.activeElement !== document.body`)
	fb.screenshot("forms-settings-error")
	if m := evalJS[string](fb, `window.hsMarker || ""`); m != "still here" {
		t.Fatal("the settings form reloaded the page instead of swapping")
	}
	if got := evalJS[string](fb, focusedElement); !strings.Contains(got, "hs-error-summary") {
		t.Errorf("after a settings error the focus is on %q, want the error summary", got)
	}
	summary := evalJS[string](fb, `document.querySelector("#settings .hs-error-summary").textContent`)
	if !strings.Contains(summary, "Please correct the fields marked below.") {
		t.Errorf("the error summary says %q", summary)
	}
	href := evalJS[string](fb, `(document.querySelector('#settings .hs-error-summary a[data-field="name"]')||{}).getAttribute ? document.querySelector('#settings .hs-error-summary a[data-field="name"]').getAttribute("href") : ""`)
	if href != "#settings-name" {
		t.Fatalf("the summary's line for the name links to %q, want #settings-name", href)
	}
	fb.do("follow the summary's link", chromedp.Click(chromedp.CSS(`#settings .hs-error-summary a[data-field="name"]`)))
	if got := evalJS[string](fb, focusedElement); got != "settings-name" {
		t.Errorf("the summary's link puts the focus on %q, want the name field", got)
	}

	// Settings, saved: the page loads again with the message, which has the focus.
	fb.js(`document.querySelector("#settings-name").value = "Illinois I/ECMHC in Home Visiting"`)
	fb.load("save the settings", chromedp.Click(chromedp.CSS(`#settings button[type="submit"]`)))
	fb.waitFor("the message", `!!document.querySelector("#hs-flash")`)
	fb.screenshot("forms-settings-saved")
	if got := evalJS[string](fb, focusedElement); got != "hs-flash" {
		t.Errorf("after saving the settings the focus is on %q, want the message", got)
	}
	if msg := evalJS[string](fb, `document.activeElement.textContent`); !strings.Contains(msg, "saved") {
		t.Errorf("the focused message says %q", msg)
	}

	// An invitation with a bad address, then a good one.
	fb.open("/t/illinois/people", "#invite-email")
	fb.js(`document.querySelector("#invite-email").value = "not an email"`)
	fb.do("invite a bad address", chromedp.Click(chromedp.CSS(`#invite button[type="submit"]`)))
	fb.waitFor("the error summary", `!!document.querySelector("#invite .hs-error-summary")`)
	fb.waitFor("the focus to settle", `document.activeElement !== document.body`)
	fb.screenshot("forms-invite-error")
	if got := evalJS[string](fb, focusedElement); !strings.Contains(got, "hs-error-summary") {
		t.Errorf("after a bad invitation the focus is on %q, want the error summary", got)
	}
	if inv := evalJS[string](fb, `document.querySelector("#invite-email").getAttribute("aria-invalid") || ""`); inv != "true" {
		t.Error("the invitation's email field in error has no aria-invalid")
	}
	fb.js(`document.querySelector("#invite-email").value = "new.person@example.org"; document.querySelector("#invite-role").value = "supervisor"`)
	fb.load("send the invitation", chromedp.Click(chromedp.CSS(`#invite button[type="submit"]`)))
	fb.waitFor("the message", `!!document.querySelector("#hs-flash")`)
	if got := evalJS[string](fb, focusedElement); got != "hs-flash" {
		t.Errorf("after sending an invitation the focus is on %q, want the message", got)
	}
	if msg := evalJS[string](fb, `document.activeElement.textContent`); !strings.Contains(msg, "Invitation sent to new.person@example.org.") {
		t.Errorf("the focused message says %q", msg)
	}
}

// TestBrowserCharacterCount: text pasted over a long field's limit is kept, and a count
// under the field says how much is over (USWDS's character count); the server refuses it
// with a message that names the field and the limit.
func TestBrowserCharacterCount(t *testing.T) {
	env := newTestEnv(t)
	fb := signedIn(t, env, "program@illinois.example")
	fb.open("/t/illinois/consultants", "#need")
	status := evalJS[string](fb, `(document.querySelector("#need").closest(".usa-character-count").querySelector(".usa-character-count__status")||{textContent:""}).textContent`)
	if status != "2000 characters allowed" {
		t.Errorf("under the empty field the count says %q, want 2000 characters allowed", status)
	}
	if max := evalJS[string](fb, `document.querySelector("#need").getAttribute("maxlength") || ""`); max != "" {
		t.Errorf("the field still cuts what is pasted at %s characters", max)
	}
	// Paste 2,010 characters (an input event, as a paste sends).
	fb.js(`var n = document.querySelector("#need"); n.focus(); n.value = "x".repeat(2010); n.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste"}))`)
	fb.waitFor("the count", `document.querySelector(".usa-character-count__status").textContent === "10 characters over limit"`)
	fb.screenshot("forms-character-count")
	if n := evalJS[int](fb, `document.querySelector("#need").value.length`); n != 2010 {
		t.Errorf("the field kept %d characters of the 2,010 pasted", n)
	}
	if d := evalJS[string](fb, `document.querySelector("#need").getAttribute("aria-describedby")`); !strings.Contains(d, "need-count") {
		t.Errorf("the field is described by %q, not by its limit", d)
	}
	fb.js(`document.querySelector("#county").selectedIndex = 1`)
	fb.load("ask for a consultant", chromedp.Click(chromedp.CSS(`form[action$="/consultants/ask"] button[type="submit"]`)))
	fb.waitFor("the error", `!!document.querySelector("#need-error")`)
	if msg := evalJS[string](fb, `document.querySelector("#need-error").textContent`); !strings.Contains(msg, "What you need: use at most 2000 characters (you have 2010).") {
		t.Errorf("the server's message says %q", msg)
	}
	if n := evalJS[int](fb, `document.querySelector("#need").value.length`); n != 2010 {
		t.Errorf("the form came back with %d characters of the 2,010 typed", n)
	}
}

// TestBrowserListsUseTheWidth: at 1280 pixels a list page uses the wide container, a date in
// a table stays on one line, and "Record a session" does not wrap.
func TestBrowserListsUseTheWidth(t *testing.T) {
	env := newTestEnv(t)
	fb := signedIn(t, env, demo.SharedConsultantEmail)
	fb.open("/t/illinois/caseload", "#engagement-list")
	fb.screenshot("forms-caseload-1280")
	if w := evalJS[float64](fb, `document.querySelector("main > div").getBoundingClientRect().width`); w < 1200 {
		t.Errorf("the caseload's container is %.0f px wide at 1280 px, want the wide container", w)
	}
	oneLine := func(what, sel string) {
		t.Helper()
		// An element is on one line when its height is at most one and a half line heights.
		got := evalJS[[]float64](fb, `(function(){ var e = document.querySelector(`+"`"+sel+"`"+`); if (!e) return [0, 0];
		  var cs = getComputedStyle(e), lh = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.2;
		  var r = document.createRange(); r.selectNodeContents(e); return [r.getClientRects().length > 0 ? r.getBoundingClientRect().height : 0, lh]; })()`)
		if got[0] == 0 {
			t.Fatalf("no %s on the page (%s)", what, sel)
		}
		if got[0] > got[1]*1.5 {
			t.Errorf("%s is %.0f px tall, more than one line of %.0f px", what, got[0], got[1])
		}
	}
	oneLine("a date in the engagements table", `#engagement-list td.hs-date`)
	oneLine(`the "Record a session" button`, `#engagement-list td a.usa-button`)

}

// TestBrowserRequestQueueUsesTheWidth: at 1280 pixels a long need does not make a request's
// row tall: it is clipped, with a link to the whole request.
func TestBrowserRequestQueueUsesTheWidth(t *testing.T) {
	env := newTestEnv(t)
	admin := signedIn(t, env, "admin@illinois.example")
	// A request whose need is long.
	long := strings.Repeat("We serve families in three counties and our home visitors ask for help with a family whose baby does not sleep. ", 12)
	ctx := env.scoped("illinois")
	if _, err := env.raw().NewUpdate().Table("consultant_requests").Set("need = ?", long).Where("status = ?", "open").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	admin.open("/t/illinois/requests", "main table")
	admin.screenshot("forms-requests-1280")
	rows := evalJS[[]float64](admin, `Array.from(document.querySelectorAll("main table tbody tr")).map(function(r){ return r.getBoundingClientRect().height; })`)
	if len(rows) == 0 {
		t.Fatal("the request queue shows no request")
	}
	for _, h := range rows {
		if h > 200 {
			t.Errorf("a request's row is %.0f px tall at 1280 px", h)
		}
	}
	if link := evalJS[string](admin, `(document.querySelector('main table td[data-label="Need"] a')||{textContent:""}).textContent`); !strings.Contains(link, "The whole request") {
		t.Errorf("a clipped need has no link to the whole request (%q)", link)
	}
}
