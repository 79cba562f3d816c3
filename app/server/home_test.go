package server

import (
	"regexp"
	"strings"
	"testing"
)

var (
	menuRegion = regexp.MustCompile(`(?s)<nav aria-label="Primary navigation".*?</nav>`)
	hrefAttr   = regexp.MustCompile(`href="([^"]+)"`)
	mainRegion = regexp.MustCompile(`(?s)<main\b.*?</main>`)
	listItem   = regexp.MustCompile(`(?s)<li\b.*?</li>`)
	onboarding = regexp.MustCompile(`(?s)<section id="onboarding".*?</section>`)
)

// TestHomePagesDoNotRepeatTheMenu: no role's home page lists the menu's links again (the
// admin's setup checklist, which links to the steps' pages, is the one list kept); every page
// that used to be reached only from that list is in the menu.
func TestHomePagesDoNotRepeatTheMenu(t *testing.T) {
	env := newTestEnv(t)
	for _, who := range []struct{ email, slug string }{
		{"admin@illinois.example", "illinois"}, {"funder@illinois.example", "illinois"}, {"program@illinois.example", "illinois"},
		{"maria.alvarez@consult.example", "illinois"}, {"supervisor@illinois.example", "illinois"},
		{"admin@ohio.example", "ohio"}, {"consultant@ohio.example", "ohio"},
	} {
		t.Run(who.email, func(t *testing.T) {
			c := env.client(t)
			c.signIn(who.email)
			r := c.get("/t/"+who.slug+"/").mustStatus(t, 200)
			r.setupMustLack(t, "What you can reach")
			menu := map[string]bool{}
			for _, m := range hrefAttr.FindAllStringSubmatch(menuRegion.FindString(r.body), -1) {
				menu[m[1]] = true
			}
			if len(menu) < 3 {
				t.Fatalf("the menu has %d links, want the role's pages\n%s", len(menu), truncateBody(r.body))
			}
			main := onboarding.ReplaceAllString(mainRegion.FindString(r.body), "")
			for _, li := range listItem.FindAllString(main, -1) {
				for _, m := range hrefAttr.FindAllStringSubmatch(li, -1) {
					if menu[m[1]] && m[1] != "/t/"+who.slug+"/" {
						t.Errorf("the home page lists the menu's link %s again: %s", m[1], strings.TrimSpace(li))
					}
				}
			}
		})
	}
	// The pages the home page used to list beside the menu are in the menu now.
	c := env.client(t)
	c.signIn("admin@illinois.example")
	menu := menuRegion.FindString(c.get("/t/illinois/").body)
	for _, p := range []string{"/audit", "/exports", "/imports", "/resources", "/instruments", "/session-lists"} {
		if !strings.Contains(menu, `href="/t/illinois`+p+`"`) {
			t.Errorf("the admin's menu has no link to %s", p)
		}
	}
	if !strings.Contains(menu, ">More<") {
		t.Error("the admin's menu has no More drop-down")
	}
}
