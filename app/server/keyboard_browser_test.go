package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/holdspace/holdspace/app/demo"
)

// keyboard moves through a page with the keyboard only: Tab to reach a control, keys to
// change it.
type keyboard struct{ *browser }

// focused is the id (or, without one, the name) of the element that has the focus.
func (k keyboard) focused() string {
	id, err := chromedp.Run(k.ctx, chromedp.Evaluate[string](`(function(e){ return e ? (e.id || e.name || e.tagName) : "" })(document.activeElement)`))
	if err != nil {
		k.t.Fatalf("browser: read the focus: %v", err)
	}
	return id
}

// tabTo presses Tab until the element with id has the focus, failing when 120 presses do not
// reach it: a control the keyboard cannot reach.
func (k keyboard) tabTo(id string) {
	k.t.Helper()
	for i := 0; i < 120; i++ {
		if k.focused() == id {
			return
		}
		k.do("press Tab", chromedp.KeyEvent(kb.Tab))
	}
	k.t.Fatalf("Tab never reaches #%s (the focus is on %q)", id, k.focused())
}

// typeInto tabs to id, clears what is there with Backspace, and types text.
func (k keyboard) typeInto(id, text string) {
	k.t.Helper()
	k.tabTo(id)
	n, _ := chromedp.Run(k.ctx, chromedp.Evaluate[int](`(document.activeElement.value || "").length`))
	k.do("clear #"+id, chromedp.KeyEvent(kb.End), chromedp.KeyEvent(strings.Repeat(kb.Backspace, n)))
	k.do("type into #"+id, chromedp.KeyEvent(text))
}

// TestBrowserSessionFormByKeyboard records a session with the keyboard alone: the form opens
// on the date, Tab reaches every control in order, arrow keys choose the mode, Space ticks a
// topic, typing chooses the service, Enter on the button saves; htmx swaps in the message
// and puts the focus on it.
func TestBrowserSessionFormByKeyboard(t *testing.T) {
	env := newTestEnv(t)
	eng := env.sessionEngagement("illinois", "Southside Community Doula Program")
	k := keyboard{openBrowser(t, env)}
	k.signIn(demo.SharedConsultantEmail)
	k.open("/t/illinois/engagements/"+eng.ID+"/sessions/new", "#minutes")
	if f := k.focused(); f != "held_on" {
		t.Fatalf("the form opens with the focus on %q, want the date", f)
	}
	k.typeInto("minutes", "45")
	// The mode: Tab lands on the checked radio (or the first), the arrow keys move the choice.
	k.do("reach the mode", chromedp.KeyEvent(kb.Tab))
	if f := k.focused(); !strings.HasPrefix(f, "mode-") {
		t.Fatalf("Tab after the minutes goes to %q, want the mode", f)
	}
	k.do("choose the next mode", chromedp.KeyEvent(kb.ArrowDown))
	mode, _ := chromedp.Run(k.ctx, chromedp.Evaluate[string](`document.querySelector('input[name="mode"]:checked').value`))
	k.tabTo("service")
	k.do("choose the service by typing", chromedp.KeyEvent("Family"))
	k.typeInto("p_home_visitors", "3")
	k.tabTo("topic-0")
	k.do("tick the first topic", chromedp.KeyEvent(" "))
	k.typeInto("notes", "Typed with the keyboard only.")
	k.typeInto("summary", "Keyboard-only visit with the doulas.")
	// On to the save button, and Enter.
	for i := 0; i < 200; i++ {
		label, _ := chromedp.Run(k.ctx, chromedp.Evaluate[string](`document.activeElement.type === "submit" ? document.activeElement.textContent.trim() : ""`))
		if label != "" {
			break
		}
		k.do("press Tab", chromedp.KeyEvent(kb.Tab))
	}
	k.do("press Enter on the button", chromedp.KeyEvent(kb.Enter))
	k.sessionRecorded() // the success message, after Enter
	k.screenshot("session-by-keyboard")
	// The focus is not lost at the top of the page: it is on the message, or on the fresh
	// form's date (ready for the next session) with the message announced as a status.
	where := `(function(){
	  var a = document.activeElement, m = document.querySelector("#session-record .usa-alert--success");
	  if (m && (m === a || m.contains(a))) return "message";
	  if (a.id === "held_on" && m && m.closest("[role=status], [aria-live]")) return "form";
	  return a.id || a.tagName; })()`
	// htmx moves the focus once the swap has settled: give it a moment.
	if _, err := chromedp.Run(k.ctx, chromedp.Poll[bool](`["message", "form"].includes(`+where+`)`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		got, _ := chromedp.Run(k.ctx, chromedp.Evaluate[string](where))
		t.Errorf("after saving, the focus is on %q, want the message or the fresh form's date with the message as a status", got)
	}
	var got struct {
		Minutes                int
		Mode, Service, Summary string
	}
	err := env.raw().NewSelect().Table("consultation_sessions").Column("minutes", "mode", "service", "summary").
		Where("engagement_id = ?", eng.ID).Scan(env.scoped("illinois"), &got.Minutes, &got.Mode, &got.Service, &got.Summary)
	if err != nil {
		t.Fatalf("the session is not stored: %v", err)
	}
	if got.Minutes != 45 || got.Mode != mode || !strings.HasPrefix(got.Service, "family") || got.Summary != "Keyboard-only visit with the doulas." {
		t.Errorf("stored minutes %d, mode %q, service %q, summary %q; want 45, %q, family…, the typed summary",
			got.Minutes, got.Mode, got.Service, got.Summary, mode)
	}
}
