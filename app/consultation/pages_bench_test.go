package consultation_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"
	"github.com/valyala/fasthttp"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/sealed"
	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/views"
)

// The consultation pages on the volume tenant (issue 14): each page's whole handler — its
// queries and its template in the layout — for each role, with the statements it runs
// (stmts/op) and the bytes it answers (bytes/page). Run on PostgreSQL:
//
//	HOLDSPACE_BENCH_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	  go test ./app/consultation/ -run '^$' -bench 'Page' -benchtime 200x
//
// Only pages that read: nothing here writes to the benchmark data (the session page is read as
// a program, whose reads of a session are not audited).

// pagesApp serves the consultation pages as sc, without sign-in or the tenant middleware (the
// scope is put on every request as the tenant middleware would).
func pagesApp(b *testing.B, db *bun.DB, sc database.Scope, last **database.Stats) *fiber.App {
	b.Helper()
	log := audit.New(db)
	keys, err := sealed.New(sealed.NewKey())
	if err != nil {
		b.Fatal(err)
	}
	sessions := consultation.NewSessions(db, log, keys)
	resources := consultation.NewResources(db, log)
	engagements := consultation.NewEngagements(db, log)
	assessments := consultation.NewAssessments(db, log, consultation.NewInstruments(db, log))
	plans := consultation.NewPlans(db, log)
	eh := consultation.NewEngagementHandler(engagements, sessions, assessments, plans)
	sh := consultation.NewSessionHandler(sessions, resources)
	ph := consultation.NewPlanHandler(plans)
	app := fiber.New(fiber.Config{Views: web.NewEngine(views.FS), DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error {
		ctx, stats := database.WithStats(c.UserContext())
		*last = stats
		ctx = database.WithScope(ctx, sc)
		ctx = audit.WithActor(ctx, audit.Actor{ID: sc.UserID, Email: "bench@volume.example"})
		c.SetUserContext(ctx)
		return c.Next()
	})
	app.Get("/t/:slug/sessions", sh.SessionsPage)
	app.Get("/t/:slug/sessions/:sessionID", sh.SessionPage)
	app.Get("/t/:slug/session-lists", sh.SessionListsPage)
	app.Get("/t/:slug/engagements", eh.List)
	app.Get("/t/:slug/engagements/:engagementID", eh.Show)
	app.Get("/t/:slug/caseload", eh.Caseload)
	app.Get("/t/:slug/plans", ph.PlansPage)
	return app
}

// benchPage measures GET path (an htmx request when fragment) through h, counting statements.
func benchPage(b *testing.B, h fasthttp.RequestHandler, stats **database.Stats, path string, fragment bool) {
	b.Helper()
	var fctx fasthttp.RequestCtx
	serve := func() {
		fctx.Request.Reset()
		fctx.Response.Reset()
		fctx.Request.Header.SetMethod(fiber.MethodGet)
		fctx.Request.SetRequestURI(path)
		fctx.Request.Header.SetHost("holdspace.test")
		if fragment {
			fctx.Request.Header.Set("HX-Request", "true")
		}
		h(&fctx)
	}
	serve()
	if code := fctx.Response.StatusCode(); code != http.StatusOK {
		body := string(fctx.Response.Body())
		if len(body) > 2000 {
			body = body[:2000]
		}
		b.Fatalf("GET %s: status %d\n%s", path, code, body)
	}
	size := len(fctx.Response.Body())
	var statements int64
	var sqlTime time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serve()
		statements += (*stats).Statements()
		sqlTime += (*stats).Duration()
	}
	b.ReportMetric(float64(statements)/float64(b.N), "stmts/op")
	b.ReportMetric(float64(size), "bytes/page")
	b.ReportMetric(float64(sqlTime.Microseconds())/float64(b.N), "sql-µs/op")
}

// benchFirst is the first of a column in the volume tenant, ordered.
func benchFirst(b *testing.B, db *bun.DB, v *consultation.Volume, query string, args ...any) string {
	b.Helper()
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug})
	var s string
	if err := database.Conn(ctx, db).NewRaw(query, args...).Scan(ctx, &s); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkPages is every consultation page a role opens, on the volume tenant.
func BenchmarkPages(b *testing.B) {
	db, v := benchSetup(b)
	admin := database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug, UserID: v.ConsultantUserID, Role: authz.TenantAdmin}
	program := benchFirst(b, db, v, "SELECT program_id FROM engagements WHERE tenant_id = ? AND id = ?", v.TenantID, v.EngagementID)
	prog := database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug, UserID: v.ConsultantUserID, Role: authz.Program, OrganisationID: program}
	// The funder of the most programs and the supervisor of the most consultants (the load
	// seed's), or, without them, people who see nothing.
	funderOrg, supervisor := program, v.ConsultantUserID
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug})
	_ = database.Conn(ctx, db).NewRaw("SELECT funder_id FROM fundings WHERE tenant_id = ? GROUP BY funder_id ORDER BY COUNT(*) DESC LIMIT 1",
		v.TenantID).Scan(ctx, &funderOrg)
	_ = database.Conn(ctx, db).NewRaw("SELECT supervisor_id FROM supervision_assignments WHERE tenant_id = ? GROUP BY supervisor_id ORDER BY COUNT(*) DESC LIMIT 1",
		v.TenantID).Scan(ctx, &supervisor)
	funder := database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug, UserID: v.ConsultantUserID, Role: authz.Funder, OrganisationID: funderOrg}
	super := database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug, UserID: supervisor, Role: authz.Supervisor}
	session := benchFirst(b, db, v, "SELECT id FROM consultation_sessions WHERE tenant_id = ? AND engagement_id = ? ORDER BY held_on DESC, id DESC LIMIT 1", v.TenantID, v.EngagementID)
	// A cursor a year back, for the later pages.
	after := benchFirst(b, db, v, "SELECT held_on || '~' || id FROM consultation_sessions WHERE tenant_id = ? ORDER BY held_on DESC, id DESC LIMIT 1 OFFSET 200000", v.TenantID)
	base := "/t/" + v.Slug
	pages := []struct {
		name     string
		sc       database.Scope
		path     string
		fragment bool
	}{
		{"sessions/admin/first", admin, base + "/sessions", false},
		{"sessions/admin/later", admin, base + "/sessions?after=" + url.QueryEscape(after), false},
		{"sessions/admin/fragment", admin, base + "/sessions?after=" + url.QueryEscape(after), true},
		{"sessions/admin/program", admin, base + "/sessions?program=" + program, false},
		{"sessions/admin/service", admin, base + "/sessions?service=mini_training&from=2024-01-01&to=2024-12-31", false},
		{"sessions/consultant", v.Scope(), base + "/sessions", false},
		{"sessions/program", prog, base + "/sessions", false},
		{"sessions/supervisor", super, base + "/sessions", false},
		{"engagements/admin/first", admin, base + "/engagements", false},
		{"engagements/admin/fragment", admin, base + "/engagements", true},
		{"engagements/admin/flagged", admin, base + "/engagements?flagged=1", false},
		{"engagements/consultant", v.Scope(), base + "/engagements", false},
		{"engagements/program", prog, base + "/engagements", false},
		{"engagements/funder", funder, base + "/engagements", false},
		{"engagements/supervisor", super, base + "/engagements", false},
		{"caseload/consultant", v.Scope(), base + "/caseload", false},
		{"caseload/supervisor", super, base + "/caseload", false},
		{"engagement/consultant", v.Scope(), base + "/engagements/" + v.EngagementID, false},
		{"engagement/admin", admin, base + "/engagements/" + v.EngagementID, false},
		{"session/program", prog, base + "/sessions/" + session, false},
		{"plans/admin", admin, base + "/plans", false},
		{"session-lists/admin", admin, base + "/session-lists", false},
	}
	apps := map[database.Scope]fasthttp.RequestHandler{}
	var stats *database.Stats
	for _, p := range pages {
		h, ok := apps[p.sc]
		if !ok {
			h = pagesApp(b, db, p.sc, &stats).Handler()
			apps[p.sc] = h
		}
		b.Run(p.name, func(b *testing.B) { benchPage(b, h, &stats, p.path, p.fragment) })
	}
}
