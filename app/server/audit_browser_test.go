package server

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// axe-core 4.14.1 from the npm registry (axe.min.js and its MPL-2.0 LICENSE, unchanged), so
// the browser tests need no npm and no network.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// pageAuditScript runs in every document the test browser opens, before the page's own
// scripts. It reports every Content-Security-Policy violation at once, and runs axe-core
// when the page has loaded and again after every htmx swap, one run at a time, sending what
// it found to the Go side through window.hsAudit.
const pageAuditScript = `(function () {
  if (window.top !== window) return;
  var queue = Promise.resolve(), pending = 0, timer = null;
  function report(kind, data) {
    var msg = {kind: kind, url: location.pathname + location.search, data: data || null};
    // The promise settles once the Go side has the message.
    try { return window.hsAudit(JSON.stringify(msg)).catch(function () {}); } catch (e) { return Promise.resolve(); }
  }
  document.addEventListener('securitypolicyviolation', function (e) {
    report('csp', e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
      ' at ' + e.sourceFile + ':' + e.lineNumber + ' ' + (e.sample || ''));
  });
  function run(why) {
    pending++;
    queue = queue.then(function () {
      return window.axe.run(document, {resultTypes: ['violations']});
    }).then(function (r) {
      return report('audit', {why: why, violations: r.violations.map(function (v) {
        return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) {
          return n.target.join(' ') + ': ' + n.html.slice(0, 240);
        })};
      })});
    }, function (err) { report('error', String(err)); }).then(function () { pending--; });
  }
  // Resolves once every audit asked for so far has finished.
  window.__hsAuditIdle = function () {
    return new Promise(function (resolve) {
      (function wait() {
        if (timer === null && pending === 0) return resolve(true);
        setTimeout(wait, 20);
      })();
    });
  };
  window.addEventListener('load', function () { report('loaded'); run('page load'); });
  // Several elements settle after one swap: audit once they have.
  document.addEventListener('htmx:afterSettle', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { timer = null; run('htmx swap'); }, 30);
  });
})();`

// pageAudit collects, for one test browser, what the pages reported.
type pageAudit struct {
	mu       sync.Mutex
	loaded   []string        // pages loaded, in order
	audited  map[string]bool // pages axe ran on at least once
	problems []string
	seen     map[string]bool
}

type auditMessage struct {
	Kind string          `json:"kind"`
	URL  string          `json:"url"`
	Data json.RawMessage `json:"data"`
}

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

func (a *pageAudit) receive(msg string) {
	var m auditMessage
	if err := json.Unmarshal([]byte(msg), &m); err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	add := func(p string) {
		if !a.seen[p] {
			a.seen[p] = true
			a.problems = append(a.problems, p)
		}
	}
	switch m.Kind {
	case "loaded":
		a.loaded = append(a.loaded, m.URL)
	case "csp":
		var s string
		_ = json.Unmarshal(m.Data, &s)
		add(fmt.Sprintf("%s: Content-Security-Policy violation: %s", m.URL, s))
	case "error":
		var s string
		_ = json.Unmarshal(m.Data, &s)
		add(fmt.Sprintf("%s: axe-core could not run: %s", m.URL, s))
	case "audit":
		a.audited[m.URL] = true
		var d struct {
			Why        string
			Violations []axeViolation
		}
		_ = json.Unmarshal(m.Data, &d)
		for _, v := range d.Violations {
			add(fmt.Sprintf("%s (after %s): axe %s (%s): %s\n\t%s", m.URL, d.Why, v.ID, v.Impact, v.Help,
				strings.Join(v.Nodes, "\n\t")))
		}
	}
}

// auditPages makes every page that the browser of ctx loads, and every htmx swap in it, pass
// axe-core with no violation and raise no Content-Security-Policy violation; t fails at its
// end otherwise. A page left before its audit finished is opened again at the end and
// audited then.
func auditPages(t *testing.T, ctx context.Context) {
	t.Helper()
	a := &pageAudit{audited: map[string]bool{}, seen: map[string]bool{}}
	err := chromedp.Do(ctx,
		chromedp.ExposeFunc("hsAudit", func(_ context.Context, msg string) (chromedp.Void, error) {
			a.receive(msg)
			return chromedp.Void{}, nil
		}),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: axeSource + "\n;" + pageAuditScript})
			return err
		}),
	)
	if err != nil {
		t.Fatalf("browser: set up the page audit: %v", err)
	}
	var once sync.Once
	finish := func() { once.Do(func() { a.finish(t, ctx) }) }
	pendingAudits.mu.Lock()
	pendingAudits.byTest[t] = append(pendingAudits.byTest[t], finish)
	pendingAudits.mu.Unlock()
	t.Cleanup(finish)
}

// pendingAudits are the page audits of each running test, so that the test's server, shutting
// down at the test's end, lets them finish first whichever of the two was started first.
var pendingAudits = struct {
	mu     sync.Mutex
	byTest map[*testing.T][]func()
}{byTest: map[*testing.T][]func(){}}

// finishAudits finishes the page audits of t (once each).
func finishAudits(t *testing.T) {
	pendingAudits.mu.Lock()
	list := pendingAudits.byTest[t]
	delete(pendingAudits.byTest, t)
	pendingAudits.mu.Unlock()
	for _, f := range list {
		f()
	}
}

// idle waits for the audits of the current page.
func auditIdle(ctx context.Context) error {
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_, err := chromedp.Run(wctx, chromedp.Evaluate[bool](`window.__hsAuditIdle ? window.__hsAuditIdle() : true`,
		chromedp.EvalAwaitPromise))
	return err
}

func (a *pageAudit) finish(t *testing.T, ctx context.Context) {
	if ctx.Err() != nil {
		t.Log("page audit: the browser had already stopped; pages not audited at the end")
	} else if err := auditIdle(ctx); err != nil {
		t.Logf("page audit: waiting for the last page's audit: %v", err)
	}
	// Pages left before their audit finished: open them again.
	a.mu.Lock()
	var missed []string
	for _, u := range a.loaded {
		if !a.audited[u] && !slices.Contains(missed, u) {
			missed = append(missed, u)
		}
	}
	a.mu.Unlock()
	if len(missed) > 0 && ctx.Err() == nil {
		base, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.origin`))
		for _, u := range missed {
			if err != nil {
				break
			}
			if err = chromedp.Do(ctx, chromedp.Navigate(base+u)); err == nil {
				err = auditIdle(ctx)
			}
			// A page that now redirects (a sign-in's landing page, say) counts as audited
			// where it leads.
			if at := browserLocation(ctx); err == nil && at != u {
				a.mu.Lock()
				if a.audited[at] {
					a.audited[u] = true
				}
				a.mu.Unlock()
			}
		}
		if err != nil {
			t.Logf("page audit: opening again the pages left before their audit: %v", err)
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var unaudited []string
	for _, u := range a.loaded {
		if !a.audited[u] && !slices.Contains(unaudited, u) {
			unaudited = append(unaudited, u)
		}
	}
	sort.Strings(unaudited)
	if len(unaudited) > 0 {
		t.Errorf("page audit: %d page(s) were never audited: %s", len(unaudited), strings.Join(unaudited, ", "))
	}
	for _, p := range a.problems {
		t.Error(p)
	}
	t.Logf("page audit: %d page loads, %d distinct pages audited by axe-core, %d problem(s)",
		len(a.loaded), len(a.audited), len(a.problems))
}
