package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/demo"
)

// BenchmarkPageImmutable measures what fiber's Immutable option (every string a handler reads
// from the request is a copy) costs on real pages, against the same pages with it off:
//
//	go test ./app/server/ -run '^$' -bench PageImmutable -benchmem
//
// "signin" is the lightest page (a template and a CSRF token, no database); "sessions" is a
// consultant's filtered session list (a session cookie, query parameters, the tenant and role
// checks, three queries).
func BenchmarkPageImmutable(b *testing.B) {
	app := benchApp(b)
	token := benchSignIn(b, app, demo.SharedConsultantEmail)
	pages := []struct {
		name, path string
		signedIn   bool
	}{
		{"signin", "/signin?next=%2Ft%2Fillinois%2Fsessions", false},
		{"sessions", "/t/illinois/sessions?from=2025-01-01&to=2027-12-31&service=", true},
	}
	for _, immutable := range []bool{false, true} {
		w, err := app.web(immutable)
		if err != nil {
			b.Fatal(err)
		}
		h := w.Handler()
		for _, p := range pages {
			name := p.name + "/immutable=false"
			if immutable {
				name = p.name + "/immutable=true"
			}
			b.Run(name, func(b *testing.B) {
				var fctx fasthttp.RequestCtx
				serve := func() {
					fctx.Request.Reset()
					fctx.Response.Reset()
					fctx.Request.Header.SetMethod(fiber.MethodGet)
					fctx.Request.SetRequestURI(p.path)
					fctx.Request.Header.SetHost("holdspace.test")
					if p.signedIn {
						fctx.Request.Header.SetCookie(accounts.SessionCookie, token)
					}
					h(&fctx)
				}
				serve()
				if code := fctx.Response.StatusCode(); code != http.StatusOK {
					b.Fatalf("GET %s: status %d, want 200\n%s", p.path, code, truncateBody(string(fctx.Response.Body())))
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					serve()
				}
			})
		}
	}
}

// benchApp is the whole application on a fresh database with the demo data (newTestEnv for a
// benchmark).
func benchApp(b *testing.B) *App {
	b.Helper()
	return newTestApp(b, nil)
}

// benchSignIn signs in through the pages and returns the session cookie.
func benchSignIn(b *testing.B, app *App, email string) string {
	b.Helper()
	w, err := app.Web()
	if err != nil {
		b.Fatal(err)
	}
	res, err := w.Test(httptest.NewRequest(http.MethodGet, "/signin", nil), -1)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfMeta.FindStringSubmatch(string(body))
	if m == nil {
		b.Fatal("the sign-in page has no CSRF token")
	}
	form := url.Values{"email": {email}, "password": {demo.Password}, "_csrf": {m[1]}}
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range res.Cookies() {
		req.AddCookie(ck)
	}
	res, err = w.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Name == accounts.SessionCookie && ck.Value != "" {
			return ck.Value
		}
	}
	b.Fatalf("signing in as %s gave no session cookie (status %d)", email, res.StatusCode)
	return ""
}

// BenchmarkFiberImmutable isolates the copies: a bare fiber route that reads what a Holdspace
// handler typically reads (method, path, two parameters, three query values, a header and a
// cookie) and answers 204, with Immutable off and on. The difference is the whole cost of the
// option per request, without the pages' own work around it.
func BenchmarkFiberImmutable(b *testing.B) {
	for _, immutable := range []bool{false, true} {
		w := fiber.New(fiber.Config{Immutable: immutable, DisableStartupMessage: true})
		var sink int
		w.Get("/t/:slug/engagements/:engagementID", func(c *fiber.Ctx) error {
			sink += len(c.Method()) + len(c.Path()) + len(c.Params("slug")) + len(c.Params("engagementID")) +
				len(c.Query("from")) + len(c.Query("to")) + len(c.Query("service")) +
				len(c.Get("HX-Request")) + len(c.Cookies(accounts.SessionCookie))
			return c.SendStatus(fiber.StatusNoContent)
		})
		h := w.Handler()
		name := "immutable=false"
		if immutable {
			name = "immutable=true"
		}
		b.Run(name, func(b *testing.B) {
			var fctx fasthttp.RequestCtx
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				fctx.Request.Reset()
				fctx.Response.Reset()
				fctx.Request.Header.SetMethod(fiber.MethodGet)
				fctx.Request.SetRequestURI("/t/illinois/engagements/0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b?from=2025-01-01&to=2027-12-31&service=observation")
				fctx.Request.Header.Set("HX-Request", "true")
				fctx.Request.Header.SetCookie(accounts.SessionCookie, "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
				h(&fctx)
			}
			if fctx.Response.StatusCode() != fiber.StatusNoContent {
				b.Fatalf("status %d", fctx.Response.StatusCode())
			}
		})
	}
}
