package server

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/demo"
)

// TestBrowserProfileCounties: on the consultant profile, Illinois's 102 counties are a fieldset
// with a legend, laid out in columns that read (and tab) down each column in turn, while the
// form's other fields keep their usual width.
func TestBrowserProfileCounties(t *testing.T) {
	env := newTestEnv(t)
	b := openBrowser(t, env)
	b.signIn(demo.SharedConsultantEmail)
	b.open("/t/illinois/profile", "#counties-0")
	b.screenshot("profile-counties")

	type layout struct {
		Legend        string
		Boxes         int
		Columns       int     // distinct left edges of the county checkboxes
		DownFirst     bool    // the second county is below the first, in the same column
		FieldsetWidth float64 // px
		NameWidth     float64 // the display name input, px
		Tabindex      int     // elements inside with a tabindex (none: keyboard order is the page's)
	}
	measure := func() layout {
		t.Helper()
		return evalJS[layout](b, `(() => {
			const input = document.getElementById("counties-0");
			const fs = input.closest("fieldset");
			const boxes = [...fs.querySelectorAll(".usa-checkbox")];
			const lefts = new Set(boxes.map(b => Math.round(b.getBoundingClientRect().left)));
			const r0 = boxes[0].getBoundingClientRect(), r1 = boxes[1].getBoundingClientRect();
			return {
				Legend: fs.querySelector("legend").textContent.trim(),
				Boxes: boxes.length,
				Columns: lefts.size,
				DownFirst: Math.round(r0.left) === Math.round(r1.left) && r1.top > r0.top,
				FieldsetWidth: fs.getBoundingClientRect().width,
				NameWidth: document.getElementById("display_name").getBoundingClientRect().width,
				Tabindex: fs.querySelectorAll("[tabindex]").length,
			};
		})()`)
	}
	l := measure()
	if l.Legend != "Counties you serve" || l.Boxes != 102 {
		t.Fatalf("got legend %q with %d checkboxes, want \"Counties you serve\" with Illinois's 102", l.Legend, l.Boxes)
	}
	if l.Columns < 3 || !l.DownFirst {
		t.Fatalf("the counties are in %d column(s), down first %v; want at least 3 columns at 1280 px, read down each", l.Columns, l.DownFirst)
	}
	if l.FieldsetWidth <= l.NameWidth || l.NameWidth > 30*16+1 {
		t.Fatalf("fieldset %.0f px, name field %.0f px: want the counties wider and the field at most 30rem", l.FieldsetWidth, l.NameWidth)
	}
	if l.Tabindex != 0 {
		t.Fatalf("%d elements set a tabindex; keyboard order should follow the page", l.Tabindex)
	}
	// On a phone the columns give way to one list.
	b.do("narrow the window", chromedp.EmulateViewport(400, 900))
	b.screenshot("profile-counties-narrow")
	if l := measure(); l.Columns != 1 {
		t.Fatalf("at 400 px the counties are in %d columns, want 1", l.Columns)
	}
}
