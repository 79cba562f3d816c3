package server

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/demo"
)

// setCookies are the cookies a response sets.
func (r *resp) setCookies() []*http.Cookie {
	return (&http.Response{Header: r.header}).Cookies()
}

// TestCookies: served over https (BASE_URL https://…), every cookie Holdspace sets — the
// visitor's CSRF binding, the session, the flash message — is __Host-: Secure, Path=/, no
// Domain; on http (the embedded default on localhost) the names are plain and not Secure.
func TestCookies(t *testing.T) {
	for _, mode := range []struct {
		name, baseURL, prefix string
		secure                bool
	}{
		{"https", "https://holdspace.test", "__Host-", true},
		{"http", "http://holdspace.test", "", false},
	} {
		t.Run(mode.name, func(t *testing.T) {
			env := newTestEnvWith(t, func(c *config.Config) { c.BaseURL = mode.baseURL })
			seen := map[string]bool{}
			check := func(r *resp) {
				t.Helper()
				for _, ck := range r.setCookies() {
					seen[ck.Name] = true
					if ck.Secure != mode.secure || ck.Path != "/" || ck.Domain != "" || !ck.HttpOnly {
						t.Errorf("cookie %s: Secure %v Path %q Domain %q HttpOnly %v; want Secure %v, Path /, no Domain, HttpOnly",
							ck.Name, ck.Secure, ck.Path, ck.Domain, ck.HttpOnly, mode.secure)
					}
				}
			}
			c := env.client(t)
			check(c.get("/signin").mustStatus(t, http.StatusOK))
			check(c.post("/signin", url.Values{"email": {"admin@ohio.example"}, "password": {demo.Password}}).mustStatus(t, http.StatusSeeOther))
			check(c.get("/t/ohio/").mustStatus(t, http.StatusOK).mustContain(t, "Ohio"))
			c.refreshCSRF()
			check(c.post("/signout", nil).mustStatus(t, http.StatusSeeOther))
			// The flash message is read (and cleared) under the same name.
			r := c.get("/signin").mustStatus(t, http.StatusOK).mustContain(t, "You are signed out.")
			check(r)
			for _, name := range []string{"hs_visitor", "hs_session", "hs_flash"} {
				if !seen[mode.prefix+name] {
					t.Errorf("no cookie %s was set (saw %v)", mode.prefix+name, seen)
				}
				if mode.prefix != "" && seen[name] {
					t.Errorf("cookie %s was set without the %s prefix", name, mode.prefix)
				}
			}
			// A session cookie under the other name is not read.
			signedIn := env.client(t)
			signedIn.signIn("admin@ohio.example")
			other := env.client(t)
			for k, v := range signedIn.cookies {
				if mode.prefix != "" {
					other.cookies[k[len(mode.prefix):]] = v
				} else {
					other.cookies["__Host-"+k] = v
				}
			}
			other.get("/t/ohio/").mustStatus(t, http.StatusSeeOther)
		})
	}
}
