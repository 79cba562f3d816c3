package web

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
)

// testApp serves a few routes over tiny templates, behind the real error handler and CSRF.
func testApp(t *testing.T) *fiber.App {
	t.Helper()
	views := fstest.MapFS{
		"layouts/main.html":  {Data: []byte(`{{define "layouts/main_top"}}<html><meta name="csrf-token" content="{{.L.CSRF}}">{{end}}{{define "layouts/main_bottom"}}</html>{{end}}`)},
		"things/index.html":  {Data: []byte(`<h1>{{.Title}}</h1>{{template "things/_list" .}}`)},
		"things/_list.html":  {Data: []byte(`<ul id="list">{{range .D}}<li>{{.}}</li>{{end}}</ul>`)},
		"errors/error.html":  {Data: []byte(`{{template "errors/_error" .}}`)},
		"errors/_error.html": {Data: []byte(`<p class="error">{{.D.Heading}}: {{.D.Message}}</p>`)},
	}
	app := fiber.New(fiber.Config{Views: NewEngine(views), ErrorHandler: ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	app.Use(SecurityHeaders(), CSRF([]byte(strings.Repeat("s", 32))))
	app.Get("/things", func(c *fiber.Ctx) error {
		return Render(c, 200, "things/index", "things/_list", View{Title: "Things", D: []string{"a", "b"}})
	})
	app.Post("/things", func(c *fiber.Ctx) error { return Redirect(c, "/things") })
	app.Get("/boom", func(c *fiber.Ctx) error { return errors.New("database password is hunter2") })
	app.Get("/missing", func(c *fiber.Ctx) error { return apperr.NotFound("thing") })
	app.Get("/private", func(c *fiber.Ctx) error { return apperr.Errorf(apperr.EUNAUTHORIZED, "sign in") })
	return app
}

func do(t *testing.T, app *fiber.App, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestRender(t *testing.T) {
	app := testApp(t)
	t.Run("FullPage", func(t *testing.T) {
		res, body := do(t, app, httptest.NewRequest("GET", "/things", nil))
		if !strings.Contains(body, "<html>") || !strings.Contains(body, "<h1>Things</h1>") || !strings.Contains(body, "<li>b</li>") {
			t.Fatalf("got %q, want the page in its layout", body)
		}
		if res.Header.Get("Vary") != "HX-Request" {
			t.Fatalf("got Vary %q, want HX-Request", res.Header.Get("Vary"))
		}
	})
	t.Run("FragmentForHTMX", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/things", nil)
		req.Header.Set(HXRequest, "true")
		_, body := do(t, app, req)
		if body != `<ul id="list"><li>a</li><li>b</li></ul>` {
			t.Fatalf("got %q, want only the fragment", body)
		}
	})
	t.Run("FullPageForBoosted", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/things", nil)
		req.Header.Set(HXRequest, "true")
		req.Header.Set(HXBoosted, "true")
		if _, body := do(t, app, req); !strings.Contains(body, "<html>") {
			t.Fatalf("got %q, want the whole page for a boosted request", body)
		}
	})
}

func TestErrorHandler(t *testing.T) {
	app := testApp(t)
	t.Run("InternalHidesDetail", func(t *testing.T) {
		res, body := do(t, app, httptest.NewRequest("GET", "/boom", nil))
		if res.StatusCode != 500 || strings.Contains(body, "hunter2") || !strings.Contains(body, "Something went wrong") {
			t.Fatalf("got %d %q", res.StatusCode, body)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		res, body := do(t, app, httptest.NewRequest("GET", "/missing", nil))
		if res.StatusCode != 404 || !strings.Contains(body, "That thing was not found.") || !strings.Contains(body, "<html>") {
			t.Fatalf("got %d %q", res.StatusCode, body)
		}
	})
	t.Run("NotFoundForHTMXIsAFragment", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/missing", nil)
		req.Header.Set(HXRequest, "true")
		res, body := do(t, app, req)
		if res.StatusCode != 404 || strings.Contains(body, "<html>") || res.Header.Get(HXRetarget) != "#main-content" {
			t.Fatalf("got %d %q retarget %q", res.StatusCode, body, res.Header.Get(HXRetarget))
		}
	})
	t.Run("UnauthorizedGoesToSignIn", func(t *testing.T) {
		res, _ := do(t, app, httptest.NewRequest("GET", "/private?x=1", nil))
		if res.StatusCode != 303 || res.Header.Get("Location") != "/signin?next="+url.QueryEscape("/private?x=1") {
			t.Fatalf("got %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		req := httptest.NewRequest("GET", "/private", nil)
		req.Header.Set(HXRequest, "true")
		res, _ = do(t, app, req)
		if res.Header.Get(HXRedirect) == "" {
			t.Fatal("an htmx request should be redirected with HX-Redirect")
		}
	})
}

func TestCSRFAndRedirect(t *testing.T) {
	app := testApp(t)
	res, body := do(t, app, httptest.NewRequest("GET", "/things", nil))
	var visitor *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == visitorCookie {
			visitor = c
		}
	}
	if visitor == nil || !visitor.HttpOnly {
		t.Fatal("no HttpOnly visitor cookie was set")
	}
	token := body[strings.Index(body, `content="`)+9:]
	token = token[:strings.Index(token, `"`)]
	post := func(form url.Values, cookie *http.Cookie, headers ...string) *http.Response {
		req := httptest.NewRequest("POST", "/things", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if cookie != nil {
			req.AddCookie(cookie)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, _ := do(t, app, req)
		return res
	}
	t.Run("OK", func(t *testing.T) {
		if res := post(url.Values{CSRFField: {token}}, visitor); res.StatusCode != 303 || res.Header.Get("Location") != "/things" {
			t.Fatalf("got %d, want 303 to /things", res.StatusCode)
		}
	})
	t.Run("OKHeaderAndHTMXRedirect", func(t *testing.T) {
		res := post(url.Values{}, visitor, CSRFHeader, token, HXRequest, "true")
		if res.StatusCode != 204 || res.Header.Get(HXRedirect) != "/things" {
			t.Fatalf("got %d HX-Redirect %q", res.StatusCode, res.Header.Get(HXRedirect))
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		if res := post(url.Values{}, visitor); res.StatusCode != 403 {
			t.Fatalf("got %d, want 403", res.StatusCode)
		}
	})
	t.Run("ErrOtherVisitor", func(t *testing.T) {
		other := &http.Cookie{Name: visitorCookie, Value: strings.Repeat("x", 43)}
		if res := post(url.Values{CSRFField: {token}}, other); res.StatusCode != 403 {
			t.Fatalf("got %d, want 403", res.StatusCode)
		}
	})
	t.Run("SecurityHeaders", func(t *testing.T) {
		for _, h := range []string{"Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options"} {
			if res.Header.Get(h) == "" {
				t.Fatalf("no %s header", h)
			}
		}
	})
}

// TestFlashShownOnce: the page that shows a flash message expires its cookie on the path it
// was set on, so the next page does not show it again.
func TestFlashShownOnce(t *testing.T) {
	app := testApp(t)
	req := httptest.NewRequest("GET", "/things", nil)
	req.AddCookie(&http.Cookie{Name: flashCookie, Value: "Saved."})
	res, _ := do(t, app, req)
	for _, c := range res.Cookies() {
		if c.Name == flashCookie {
			expired := c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now()))
			if c.Path != "/" || !expired {
				t.Fatalf("got the flash cookie set with path %q max-age %d expires %v, want it expired on path /", c.Path, c.MaxAge, c.Expires)
			}
			return
		}
	}
	t.Fatal("the flash cookie was not cleared")
}
