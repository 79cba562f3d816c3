package server

import (
	"github.com/uptrace/bun"

	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/jobs"
)

// testEnv is the whole application on a fresh database with the demo data, served in memory.
type testEnv struct {
	t   *testing.T
	app *App
	web *fiber.App
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, nil)
}

// newTestEnvWith is newTestEnv with the configuration changed by change first.
func newTestEnvWith(t *testing.T, change func(*config.Config)) *testEnv {
	t.Helper()
	app := newTestApp(t, change)
	w, err := app.Web()
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, app: app, web: w}
}

// newTestApp is the whole application on a fresh database (dbtest) and Redis, with the demo
// data, its configuration changed by change (if any) first: for tests and benchmarks.
func newTestApp(tb testing.TB, change func(*config.Config)) *App {
	tb.Helper()
	db := dbtest.Open(tb)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rdb.Close() })
	cfg := &config.Config{BaseURL: "http://holdspace.test", SecretKey: []byte(strings.Repeat("k", 32)),
		RedisPrefix: "test:" + dbtest.RandomHex(6) + ":", MailFrom: "Holdspace <no-reply@holdspace.test>",
		LogFormat: "text", LogLevel: "error", DataDir: tb.TempDir()}
	if change != nil {
		change(cfg)
	}
	app, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), db, rdb)
	if err != nil {
		tb.Fatal(err)
	}
	if err := demo.Seed(context.Background(), db, app.Accounts, app.Tenants); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	return app
}

// client is one browser: it keeps cookies and the page's CSRF token.
type client struct {
	env     *testEnv
	t       *testing.T
	cookies map[string]string
	csrf    string
}

// client returns a new browser whose failures fail t.
func (e *testEnv) client(t *testing.T) *client {
	return &client{env: e, t: t, cookies: map[string]string{}}
}

type resp struct {
	status int
	body   string
	header http.Header
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)

func (c *client) do(req *http.Request) *resp {
	c.t.Helper()
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.env.web.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	r := &resp{status: res.StatusCode, body: string(b), header: res.Header}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if leak := goSyntaxLeak(r.body); leak != "" {
			c.t.Errorf("%s %s shows Go's own syntax instead of words (%q):\n%s", req.Method, req.URL, leak, around(r.body, leak))
		}
	}
	if m := csrfMeta.FindStringSubmatch(r.body); m != nil {
		c.csrf = m[1]
	}
	return r
}

func (c *client) get(path string, headers ...string) *resp {
	c.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// post sends a form with the client's CSRF token (fetching a page first if it has none).
func (c *client) post(path string, form url.Values, headers ...string) *resp {
	c.t.Helper()
	if c.csrf == "" {
		c.refreshCSRF()
	}
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["_csrf"]; !set {
		form.Set("_csrf", c.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// refreshCSRF loads a page to learn the current CSRF token (it changes at sign-in).
func (c *client) refreshCSRF() {
	c.t.Helper()
	if r := c.get("/signin"); r.status == http.StatusSeeOther {
		c.get("/tenants")
	}
}

// signIn signs in with the demo password and fails the test if that does not work.
func (c *client) signIn(email string) {
	c.t.Helper()
	c.refreshCSRF()
	r := c.post("/signin", url.Values{"email": {email}, "password": {demo.Password}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: got status %d, want 303\n%s", email, r.status, r.body)
	}
}

func (r *resp) mustStatus(t *testing.T, want int) *resp {
	t.Helper()
	if r.status != want {
		t.Fatalf("got status %d, want %d\n%s", r.status, want, truncateBody(r.body))
	}
	return r
}

func (r *resp) mustContain(t *testing.T, parts ...string) *resp {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Fatalf("the page does not contain %q\n%s", p, truncateBody(r.body))
		}
	}
	return r
}

// goSyntaxLeaks are what a page shows when a template prints a Go value that is not text: a
// struct ({{} or &{…}), a time.Time (+0000 UTC), a nil, a map, or a bad fmt verb.
var goSyntaxLeaks = []string{"{{}", "&amp;{", "+0000 UTC", "&lt;nil&gt;", "map[", "%!"}

// goSyntaxLeak returns the first leak in an HTML page, or "". Every page a test renders is
// checked.
func goSyntaxLeak(body string) string {
	for _, l := range goSyntaxLeaks {
		if strings.Contains(body, l) {
			return l
		}
	}
	return ""
}

// around is the text around the first s in body.
func around(body, s string) string {
	i := strings.Index(body, s)
	from, to := max(0, i-300), min(len(body), i+len(s)+300)
	return body[from:to]
}

func truncateBody(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// tenantID returns the id of a demo tenant.
func (e *testEnv) tenantID(slug string) string {
	e.t.Helper()
	t, err := e.app.Tenants.Store().TenantBySlug(context.Background(), slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return t.ID
}

// scoped returns a context in a demo tenant's scope, as a tenant admin.
func (e *testEnv) scoped(slug string) context.Context {
	e.t.Helper()
	return database.WithScope(context.Background(), database.Scope{TenantID: e.tenantID(slug), TenantSlug: slug, Role: "tenant_admin"})
}

// TestGoSyntaxLeakCatchesDumps keeps the page check honest: the dumps a template prints for
// a struct, a time and a nil are caught, a page of words is not.
func TestGoSyntaxLeakCatchesDumps(t *testing.T) {
	for _, dump := range []string{
		"<li>{{} {01a2} 01a2 1 Intake staff hold not_started 2026-12-05 23:19:46 +0000 UTC}</li>",
		"<td>2026-12-05 23:19:46 +0000 UTC</td>", "<td>&amp;{Goal 1}</td>", "<td>&lt;nil&gt;</td>",
		"<td>map[a:1]</td>", "<td>%!s(int=3)</td>",
	} {
		if goSyntaxLeak(dump) == "" {
			t.Errorf("goSyntaxLeak(%q) found nothing, want the dump caught", dump)
		}
	}
	if l := goSyntaxLeak("<li>Intake staff hold a reflective meeting every month (due 12/05/2026)</li>"); l != "" {
		t.Errorf("goSyntaxLeak of a page of words found %q", l)
	}
}

// raw is the database as its owner, for a test that inspects or arranges rows directly: on
// PostgreSQL the application's own connection sees only the rows of the scope in its context
// (row-level security), the owner every row. The same database on SQLite.
func (e *testEnv) raw() *bun.DB { return dbtest.Owner(e.t, e.app.DB) }
