package server

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserNCPCReport is the "done when" for the NCPC report: the nc-piedmont admin
// opens the report, switches to FY 2025–26, opens the list behind a figure and the setup, asks
// for the XLSX, watches its page until the
// worker has built it, and downloads a workbook. Every page passes axe-core and the CSP.
func TestBrowserNCPCReport(t *testing.T) {
	env := newTestEnv(t)
	env.seedNCPCDemo()
	b := openBrowser(t, env)
	b.signIn("admin@nc-piedmont.example")
	b.open("/t/nc-piedmont/reports/ncpc", "main h1")
	b.says("NCPC report")
	b.choose("year-switch-fy", "2026")
	b.press("Show this year")
	b.says("FY 2025–26", "Little Acorns Child Care Center", "Child care facilities receiving TA", "Instruments used: TPITOS and TPOT.")
	b.screenshot("ncpc-01-report")
	// The list behind a figure, and the setup, pass the page audit too.
	b.load("open the list of facilities", chromedp.Click(`//main//a[starts-with(normalize-space(), "2 (Child care facilities receiving TA, All PSCs, year to date")]`))
	b.says("Child care facilities receiving TA", "Little Acorns Child Care Center", "Sunrise Early Learning Center")
	b.open("/t/nc-piedmont/reports/ncpc/setup", "main h1")
	b.says("NCPC report setup", "Reported to NCPC")
	b.open("/t/nc-piedmont/reports/ncpc?calendar=state&fy=2026", "main h1")

	b.tick("Excel (XLSX)")
	b.press("Ask for the NCPC report file")
	b.shows("NCPC report", "Waiting to be built")
	if n := env.runQueued(t); n == 0 {
		t.Fatal("no task was queued for the report")
	}
	// The page polls (htmx) and shows the download once the run is ready.
	b.waitUpTo(15*time.Second, "the report to be ready", `document.querySelector("main").textContent.includes("Ready")`)
	b.audited()
	b.shows("Ready", "NCPC report FY 2025-26.xlsx")
	b.screenshot("ncpc-02-ready")
	href := evalJS[string](b, `(Array.from(document.querySelectorAll("main a")).find(a => a.textContent.startsWith("Download"))||{href:""}).href`)
	if href == "" {
		b.fail("no download link")
	}
	head, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch(`+jsString(href)+`).then(r => r.ok ? r.arrayBuffer().then(a => Array.from(new Uint8Array(a).slice(0, 4)).join(",")) : "HTTP " + r.status)`, chromedp.EvalAwaitPromise))
	b.step("download the report", err)
	if head != "80,75,3,4" { // "PK\x03\x04": a zip, as every XLSX is
		t.Errorf("the download starts %q, not an XLSX (zip)", head)
	}
	if n := env.count("audit_events", "action = 'run.download'"); n != 1 {
		t.Errorf("%d downloads audited, want 1", n)
	}
}
