package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/web"
)

// TestNoStoreBehindSignIn walks the route table: every response of a route behind sign-in —
// full page, htmx fragment, form post, error page — says Cache-Control: no-store. A new route
// is covered without anyone remembering to.
func TestNoStoreBehindSignIn(t *testing.T) {
	env := newTestEnv(t)
	f := env.tenantFixtures("illinois")
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	platform := env.client(t)
	platform.signIn("platform@holdspace.example")
	who := func(r web.Route) *client {
		if r.Access.Kind == web.AccessPlatform {
			return platform
		}
		return admin
	}
	noStore := func(t *testing.T, what string, r *resp) {
		t.Helper()
		if got := r.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s answered %d with Cache-Control %q, want no-store", what, r.status, got)
		}
	}
	var posts []web.Route
	pages := 0
	for _, r := range env.app.Routes() {
		switch r.Access.Kind {
		case web.AccessSignedIn, web.AccessTenant, web.AccessPlatform:
		default:
			continue
		}
		if r.Method != http.MethodGet {
			posts = append(posts, r)
			continue
		}
		c := who(r)
		c.t = t
		path := f.fill(t, r.Path)
		res := c.get(path)
		if res.status == http.StatusOK {
			pages++
		}
		noStore(t, "GET "+path, res)
		noStore(t, "htmx GET "+path, c.get(path, "HX-Request", "true"))
	}
	// Form posts last: they change the fixtures.
	for _, r := range posts {
		c := who(r)
		c.t = t
		path := f.fill(t, r.Path)
		noStore(t, r.Method+" "+path, send(c, r.Method, path))
	}
	t.Logf("%d pages answered 200, %d posts sent", pages, len(posts))
	if pages < 40 || len(posts) < 20 {
		t.Fatalf("only %d pages answered 200 and %d posts were sent: is the route table read?", pages, len(posts))
	}

	// Public pages and static files keep their own rules.
	anon := env.client(t)
	if got := anon.get("/signin").header.Get("Cache-Control"); strings.Contains(got, "no-store") {
		t.Errorf("the public sign-in page says Cache-Control %q", got)
	}
	if got := admin.get("/static/js/holdspace.js").header.Get("Cache-Control"); got != "public, max-age=3600" {
		t.Errorf("a static file, signed in, says Cache-Control %q, want public, max-age=3600", got)
	}
}
