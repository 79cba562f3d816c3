package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// hostileTargets are redirect targets that would take a browser off the site, or that a
// browser or proxy could read as such.
var hostileTargets = []string{
	"",
	"evil.example",
	"https://evil.example/",
	"http:/evil.example",
	"javascript:alert(1)",
	"data:text/html,<script>alert(1)</script>",
	"//evil.example",
	"//evil.example/t/illinois/",
	"///evil.example",
	"/\\evil.example",
	"\\\\evil.example",
	"/\\/evil.example",
	"/\t/evil.example",
	"/\n/evil.example",
	"/\r\n/evil.example",
	"\t//evil.example",
	" /t/illinois/",
	"/t/illinois/\x00",
	"/t/illinois/\x7f",
	"/t/illinois/\x1b",
	"/%09/evil.example",
	"/%0a/evil.example",
	"/%0D%0A/evil.example",
	"/%2fevil.example",
	"/%2F%2Fevil.example",
	"/%5cevil.example",
	"/%5Cevil.example",
	"/%2509/evil.example",
	"/%252f/evil.example",
	"/%25252F/evil.example",
	"/t/%00",
	"/t/%7f",
	"/t/%zz",
	"/t/\xff\xfe",
	"/t/illinois\\..\\..\\evil",
	"/t/illinois/?next=\n",
	"/t/illinois/#\t",
}

func TestLocalPathRefusesHostileTargets(t *testing.T) {
	for _, target := range hostileTargets {
		if got, ok := LocalPath(target); ok || got != "/" {
			t.Errorf("LocalPath(%q) = %q, %v; want \"/\", false", target, got, ok)
		}
	}
}

func TestLocalPathKeepsPathsOnThisSite(t *testing.T) {
	for _, target := range []string{
		"/",
		"/t/illinois/",
		"/t/ohio/audit",
		"/t/illinois/people#invitations",
		"/t/illinois/sessions?from=2026-01-01&to=2026-06-30",
		"/signin?email=a%2Bb%40example.org",
		"/t/illinois/resources?topic=Self%20care",
		"/t/illinois/search?q=caf%C3%A9",
		"/t/illinois/x?next=%2F%2Fevil.example", // a query value is not where the browser goes
		"/@evil.example",                        // a path on this site, whatever it looks like
	} {
		if got, ok := LocalPath(target); !ok || got != target {
			t.Errorf("LocalPath(%q) = %q, %v; want it kept", target, got, ok)
		}
	}
}

// Redirect, the redirect every handler uses, applies the check for plain and htmx requests.
func TestRedirectStaysOnSite(t *testing.T) {
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error { return Redirect(c, c.Query("to")) })
	for _, tc := range []struct{ to, want string }{
		{"/t/illinois/people", "/t/illinois/people"},
		{"//evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"https://evil.example", "/"},
	} {
		for _, htmx := range []bool{false, true} {
			req := httptest.NewRequest(http.MethodPost, "/?to="+url.QueryEscape(tc.to), nil)
			header := "Location"
			if htmx {
				req.Header.Set(HXRequest, "true")
				header = HXRedirect
			}
			res, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Header.Get(header); got != tc.want {
				t.Errorf("Redirect(%q) (htmx %v): %s %q, want %q", tc.to, htmx, header, got, tc.want)
			}
		}
	}
}
