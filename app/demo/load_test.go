package demo_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/server"
	"github.com/holdspace/holdspace/app/tenants"
)

// loadTables are the tables SeedLoad writes, counted before and after a second run.
var loadTables = []string{"tenants", "users", "memberships", "organisations", "consultant_profiles", "consultant_facets",
	"consultant_assignments", "engagements", "consultation_sessions", "session_months", "program_months",
	"supervision_assignments", "program_sites", "fundings", "budget_lines", "budget_versions", "audit_events",
	"consultant_requests", "amendments", "amendment_lines", "amendment_versions", "amendment_decisions",
	"consultant_credentials", "staffing_requirements", "credential_kinds", "ncpc_activities", "assessments", "assessment_scores"}

func tableCounts(t *testing.T, db *bun.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range loadTables {
		n, err := db.NewSelect().TableExpr(table).Count(context.Background())
		if err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = int(n)
	}
	return out
}

// TestSeedLoad seeds a small volume tenant and three small tenants twice (the second run adds
// nothing), then signs in as every person LoadPeople names and opens their tenant's home page.
func TestSeedLoad(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t)
	owner := dbtest.Owner(t, db)
	v, err := consultation.SeedVolume(ctx, db, consultation.VolumeOptions{Sessions: 2000, Consultants: 20, EngagementsEach: 3, Programs: 4})
	if err != nil {
		t.Fatal(err)
	}
	opt := demo.LoadOptions{SmallTenants: 3, AuditEvents: 500, Requests: 20, Amendments: 10}
	if err := demo.SeedLoad(ctx, db, v, opt); err != nil {
		t.Fatalf("first run: %v", err)
	}
	first := tableCounts(t, owner)
	// The volume funder's four fundings of the year are the NCPC activity.
	for table, want := range map[string]int{"tenants": 4, "consultant_requests": 20, "amendments": 10, "supervision_assignments": 20 + 3,
		"ncpc_activities": 4} {
		if first[table] != want {
			t.Errorf("%s: %d rows, want %d", table, first[table], want)
		}
	}
	if first["audit_events"] < 500+3*5 {
		t.Errorf("audit_events: %d rows, want at least %d", first["audit_events"], 500+3*5)
	}
	if first["assessments"] == 0 || first["assessment_scores"] != first["assessments"] {
		t.Errorf("%d NCPC assessments with %d scores: want some, one score each", first["assessments"], first["assessment_scores"])
	}
	if first["consultation_sessions"] != 2000+3*30 {
		t.Errorf("consultation_sessions: %d rows, want %d", first["consultation_sessions"], 2000+3*30)
	}
	if err := demo.SeedLoad(ctx, db, v, opt); err != nil {
		t.Fatalf("second run: %v", err)
	}
	second := tableCounts(t, owner)
	for _, table := range loadTables {
		if first[table] != second[table] {
			t.Errorf("the second run changed %s: %d rows, then %d", table, first[table], second[table])
		}
	}

	var small []tenants.Tenant
	if err := owner.NewSelect().Model(&small).Where("slug LIKE 'small-%'").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, ten := range small {
		if ro := ten.ReadOnly(time.Now()); ro != "" || ten.Status != tenants.StatusActive {
			t.Errorf("%s is %s, read-only %q: want active and writable", ten.Slug, ten.Status, ro)
		}
	}

	web := newWeb(t, db)
	names := map[string]string{v.Slug: "Volume benchmark"}
	for i := 1; i <= opt.SmallTenants; i++ {
		names[demo.SmallSlug(i)] = "Small Partnership 000" + string(rune('0'+i))
	}
	for slug, name := range names {
		people := demo.LoadPeople(slug)
		for _, role := range authz.TenantRoles {
			email := people[role]
			t.Run(slug+"/"+role, func(t *testing.T) {
				c := &browser{t: t, web: web, cookies: map[string]string{}}
				c.signIn(email)
				status, body := c.get("/t/" + slug + "/")
				if status != http.StatusOK {
					t.Fatalf("%s's home page: status %d\n%s", email, status, body)
				}
				if !strings.Contains(body, name) {
					t.Errorf("%s's home page does not name the tenant %q", email, name)
				}
				// Every page of the person's menu opens.
				opened := 0
				for _, m := range hrefAttr.FindAllStringSubmatch(menuRegion.FindString(body), -1) {
					link := html.UnescapeString(m[1])
					if !strings.HasPrefix(link, "/t/"+slug) {
						continue
					}
					opened++
					if status, page := c.get(link); status != http.StatusOK {
						t.Errorf("%s opens %s: status %d\n%s", email, link, status, page)
					}
				}
				if opened < 3 {
					t.Errorf("%s's menu has %d of the tenant's pages, want the role's pages", email, opened)
				}
			})
		}
	}
	// The volume's lists have their volume for the people who read them.
	admin := &browser{t: t, web: web, cookies: map[string]string{}}
	admin.signIn(demo.LoadPeople(v.Slug)[authz.TenantAdmin])
	for path, want := range map[string]string{"/audit": "Session recorded", "/requests": "director", "/amendments": "Amendment 2<",
		"/reports/ncpc": "Programs with a funding of"} {
		status, body := admin.get("/t/" + v.Slug + path)
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: status %d, want 200 showing %q\n%s", path, status, want, body)
		}
	}
}

func newWeb(t *testing.T, db *bun.DB) *fiber.App {
	t.Helper()
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	cfg := &config.Config{BaseURL: "http://holdspace.test", SecretKey: []byte(strings.Repeat("k", 32)),
		RedisPrefix: "test:" + dbtest.RandomHex(6) + ":", MailFrom: "Holdspace <no-reply@holdspace.test>",
		LogFormat: "text", LogLevel: "error", DataDir: t.TempDir()}
	app, err := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), db, rdb)
	if err != nil {
		t.Fatal(err)
	}
	web, err := app.Web()
	if err != nil {
		t.Fatal(err)
	}
	return web
}

// browser keeps cookies and the page's CSRF token.
type browser struct {
	t       *testing.T
	web     *fiber.App
	cookies map[string]string
	csrf    string
}

var (
	menuRegion = regexp.MustCompile(`(?s)<nav aria-label="Primary navigation".*?</nav>`)
	hrefAttr   = regexp.MustCompile(`href="([^"]+)"`)
)

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)

func (b *browser) do(req *http.Request) (int, string) {
	b.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := b.web.Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(b.cookies, ck.Name)
		} else {
			b.cookies[ck.Name] = ck.Value
		}
	}
	if m := csrfMeta.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return res.StatusCode, string(body)
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	return b.do(httptest.NewRequest(http.MethodGet, path, nil))
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	b.get("/signin")
	form := url.Values{"email": {email}, "password": {demo.LoadPassword}, "_csrf": {b.csrf}}
	req := httptest.NewRequest(http.MethodPost, "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, body := b.do(req); status != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: status %d, want 303\n%s", email, status, body)
	}
}
