package web

import (
	"fmt"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMenuHTMLIsTheTemplate: MenuHTML writes what menuTemplate writes, for menus as Menu builds
// them and for random ones, odd addresses and labels included.
func TestMenuHTMLIsTheTemplate(t *testing.T) {
	ref := template.Must(template.New("menu").Parse(menuTemplate))
	check := func(entries []MenuEntry) {
		t.Helper()
		var want strings.Builder
		if err := ref.Execute(&want, entries); err != nil {
			t.Fatal(err)
		}
		if got := string(MenuHTML(entries)); got != want.String() {
			t.Fatalf("MenuHTML(%+v)\n got %q\nwant %q", entries, got, want.String())
		}
	}
	check(nil)
	nav := []NavItem{
		{Label: "Home", Href: "/t/volume/", Current: true},
		{Label: "Engagements", Href: "/t/volume/engagements", Group: "Consultation"},
		{Label: "Sessions", Href: "/t/volume/sessions?program=a&service=b", Group: "Consultation"},
		{Label: "Programs & sites", Href: "/t/volume/programs", Group: "Directory"},
		{Label: "Audit <log>", Href: "/t/volume/audit", Secondary: true},
		{Label: "Settings", Href: "/t/volume/settings", Secondary: true, Current: true},
	}
	check(Menu(nav))
	if !MenuPlain(Menu(nav)) {
		t.Error("a menu of the app's own addresses, drop-downs included, goes to the template")
	}
	check([]MenuEntry{{Label: "Odd", Href: "/t/x/a b?q=é\"'"}, {Label: "Script", Href: "javascript:alert(1)"}})
	r := rand.New(rand.NewPCG(3, 4))
	hrefs := []string{"/t/s/", "/t/s/a-b_c.d~e", "/t/s/x?y=1&z=2", "/t/s/ü", "/t/s/a b", "/t/s/%41", "//evil", "/t/s/'\"<>+", "x:y"}
	labels := []string{"Home", "A & B", "<i>", "'q'", "+1", "nul\x00"}
	for range 300 {
		var nav []NavItem
		for i := range r.IntN(8) {
			nav = append(nav, NavItem{Label: labels[r.IntN(len(labels))], Href: hrefs[r.IntN(len(hrefs))],
				Current: r.IntN(4) == 0, Secondary: r.IntN(4) == 0, Group: fmt.Sprint("g", r.IntN(3)*i%3)})
		}
		check(Menu(nav))
	}
}

// TestPlainHref: only the characters of the app's own addresses are written directly.
func TestPlainHref(t *testing.T) {
	for href, want := range map[string]bool{"/t/volume/sessions?program=a&b=c": true, "/t/a b": false, "https://x": false, "/t/é": false, "/t/%20": false, "": false} {
		if got := plainHref(href); got != want {
			t.Errorf("plainHref(%q) = %v, want %v", href, got, want)
		}
	}
}
