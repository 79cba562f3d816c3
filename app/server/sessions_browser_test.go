package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/demo"
)

// TestBrowserRecordSession: a consultant records a session through the form in headless
// Chromium; htmx swaps in the fragment (no page load), and the session is in the list.
func TestBrowserRecordSession(t *testing.T) {
	env := newTestEnv(t)
	eng := env.sessionEngagement("illinois", "Southside Community Doula Program")
	base := serveForBrowser(t, env)
	b := newBrowser(t)
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser, %s: %v", what, err)
		}
	}
	step("open the sign-in page", chromedp.Do(b,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), demo.SharedConsultantEmail),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
	))
	_, err := chromedp.Run(b, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(chromedp.ID("password"))))
	step("sign in", err)
	// Chromium may land in either tenant (Maria works in two): go to the form directly.
	step("open the form", chromedp.Do(b,
		chromedp.Navigate(base+"/t/illinois/engagements/"+eng.ID+"/sessions/new"),
		chromedp.WaitVisible(chromedp.ID("minutes")),
	))
	focused, err := chromedp.Run(b, chromedp.Evaluate[string](`document.activeElement.id`))
	step("read the focus", err)
	if focused != "held_on" {
		t.Errorf("the form opens with the focus on %q, want the date", focused)
	}
	_, err = chromedp.Run(b, chromedp.Evaluate[any](`window.hsMarker = "still here"`))
	step("set the marker", err)
	step("fill in the form", chromedp.Do(b,
		chromedp.SetValue(chromedp.ID("minutes"), "55"),
		chromedp.SetValue(chromedp.ID("service"), "family_engagement"),
		chromedp.Click(chromedp.CSS(`label[for="topic-0"]`)),
		chromedp.SendKeys(chromedp.ID("summary"), "Met the doulas and a family; planned the next visit."),
		chromedp.SendKeys(chromedp.ID("notes"), "Browser notes."),
		chromedp.Click(chromedp.CSS(`#session-record button[type="submit"]`)),
	))
	_, err = chromedp.Run(b, chromedp.Poll[bool](`(document.querySelector("#session-record .usa-alert--success")||{textContent:""}).textContent.includes("recorded")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	step("wait for the message", err)
	screenshot(t, b, "session-recorded")
	marker, err := chromedp.Run(b, chromedp.Evaluate[string](`window.hsMarker || ""`))
	step("read the marker", err)
	if marker != "still here" {
		t.Fatal("saving reloaded the whole page instead of swapping the fragment")
	}
	recent, err := chromedp.Run(b, chromedp.Text(chromedp.ID("recent-sessions")))
	step("read the recent sessions", err)
	if !strings.Contains(recent, "Family engagement") || !strings.Contains(recent, "55") {
		t.Fatalf("the recent list says %q", recent)
	}
	step("open the list", chromedp.Do(b,
		chromedp.Navigate(base+"/t/illinois/sessions"),
		chromedp.WaitVisible(chromedp.ID("sessions-list")),
	))
	list, err := chromedp.Run(b, chromedp.Text(chromedp.ID("sessions-list")))
	step("read the list", err)
	if !strings.Contains(list, "Southside Community Doula Program") || !strings.Contains(list, "Met the doulas and a family") {
		t.Fatalf("the sessions list says %q", list)
	}
	if env.count("consultation_sessions", "engagement_id = ?", eng.ID) != 1 {
		t.Fatal("the session is not stored once")
	}
}
