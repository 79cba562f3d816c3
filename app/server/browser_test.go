package server

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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
		chromedp.SendKeys(chromedp.ID("email"), "admin@illinois.example"),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
	))
	// Submit, and wait for the page it leads to (the redirects happen before that load).
	_, err := chromedp.Run(b, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(chromedp.ID("password"))))
	step("sign in", err)
	path, err := chromedp.Run(b, chromedp.Evaluate[string](`location.pathname`))
	step("read the location", err)
	if path != "/t/illinois/" {
		t.Fatalf("after sign-in the browser is at %q, want /t/illinois/", path)
	}
	screenshot(t, b, "home")
	home, err := chromedp.Run(b, chromedp.Text(chromedp.CSS("main")))
	step("read the home page", err)
	step("open the audit log", chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`a[href="/t/illinois/audit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#audit-events caption")),
	))
	// A marker that a full page load would wipe out.
	_, err = chromedp.Run(b, chromedp.Evaluate[any](`window.hsMarker = "still here"`))
	step("set the marker", err)
	step("follow the htmx link", chromedp.Do(b, chromedp.Click(chromedp.CSS("a.usa-pagination__next-page"))))
	_, err = chromedp.Run(b, chromedp.Poll[bool](`document.querySelector("#audit-events caption").textContent.includes("Page 2")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	step("wait for page 2", err)
	screenshot(t, b, "audit-page-2")
	caption, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("#audit-events caption").textContent`))
	step("read the caption", err)
	marker, err := chromedp.Run(b, chromedp.Evaluate[string](`window.hsMarker || ""`))
	step("read the marker", err)
	location, err := chromedp.Run(b, chromedp.Evaluate[string](`location.search`))
	step("read the location", err)
	if !strings.Contains(home, "Denise Carter") || !strings.Contains(home, "Tenant admin") {
		t.Fatalf("the home page after sign-in says %q", home)
	}
	if !strings.Contains(caption, "Page 2") {
		t.Fatalf("got caption %q, want page 2", caption)
	}
	if marker != "still here" {
		t.Fatal("following the htmx link reloaded the whole page")
	}
	if !strings.Contains(location, "page=2") {
		t.Fatalf("got location %q, want the page in the URL (hx-push-url)", location)
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
