package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// BenchmarkStaffingPage is the staffing page of a tenant admin with 200 more consultants, each
// with a credential, against North Carolina's requirements (issue 14):
//
//	go test ./app/server/ -run '^$' -bench StaffingPage -benchmem
func BenchmarkStaffingPage(b *testing.B) {
	app := benchApp(b)
	owner := dbtest.Owner(b, app.DB)
	ctx := context.Background()
	var tenantID string
	if err := owner.NewSelect().Table("tenants").Column("id").Where("slug = 'illinois'").Scan(ctx, &tenantID); err != nil {
		b.Fatal(err)
	}
	sctx := database.WithScope(ctx, database.Scope{TenantID: tenantID, TenantSlug: "illinois", Role: "tenant_admin"})
	if _, err := app.Credentials.AddBuiltin(sctx, "nc"); err != nil {
		b.Fatal(err)
	}
	now := database.Now()
	for i := 0; i < 200; i++ {
		p := &consultants.Profile{ID: database.NewID(), UserID: database.NewID(), DisplayName: fmt.Sprintf("Zz Volume %03d", i), Status: "approved",
			Languages: database.StringList{}, Counties: database.StringList{}, Settings: database.StringList{},
			Specialties: database.StringList{}, Modes: database.StringList{}, ReviewChecklist: database.StringList{},
			HiredOn: "2025-01-15", CreatedAt: now, UpdatedAt: now}
		p.TenantID = tenantID
		if _, err := owner.NewInsert().Model(p).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	token := benchSignIn(b, app, "admin@illinois.example")
	w, err := app.web(false)
	if err != nil {
		b.Fatal(err)
	}
	h := w.Handler()
	var fctx fasthttp.RequestCtx
	serve := func() {
		fctx.Request.Reset()
		fctx.Response.Reset()
		fctx.Request.Header.SetMethod(fiber.MethodGet)
		fctx.Request.SetRequestURI("/t/illinois/staffing")
		fctx.Request.Header.SetHost("holdspace.test")
		fctx.Request.Header.SetCookie(accounts.SessionCookie, token)
		h(&fctx)
	}
	serve()
	if code := fctx.Response.StatusCode(); code != http.StatusOK {
		b.Fatalf("status %d", code)
	}
	size := len(fctx.Response.Body())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve()
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// BenchmarkAuditDeepPage is the audit log 100,000 events deep on PostgreSQL (issue 14: page
// 2,000 with offset paging): "page" asks for it by offset (?page=2001), "cursor" by keyset
// (?after=the cursor of the 100,000th event), as the code of the day reads one or the other.
//
//	HOLDSPACE_TEST_DATABASE_URL=postgres://... go test ./app/server/ -run '^$' -bench AuditDeepPage
func BenchmarkAuditDeepPage(b *testing.B) {
	app := benchApp(b)
	if app.DB.Dialect().Name().String() != "pg" {
		b.Skip("PostgreSQL only (the events are made by generate_series)")
	}
	owner := dbtest.Owner(b, app.DB)
	ctx := context.Background()
	var tenantID string
	if err := owner.NewSelect().Table("tenants").Column("id").Where("slug = 'illinois'").Scan(ctx, &tenantID); err != nil {
		b.Fatal(err)
	}
	if _, err := owner.ExecContext(ctx, `INSERT INTO audit_events (tenant_id, id, actor_id, actor_email, action, record_type, record_id, detail, ip, created_at)
		SELECT ?, '00000000-0000-7000-8000-' || lpad(g::text, 12, '0'), '', 'someone@illinois.example', 'demo.event', 'organisation', '', 'event ' || g, '10.0.0.1',
		now() - make_interval(secs => g) FROM generate_series(1, 110000) AS g`, tenantID); err != nil {
		b.Fatal(err)
	}
	if _, err := owner.ExecContext(ctx, "ANALYZE audit_events"); err != nil {
		b.Fatal(err)
	}
	var at time.Time
	var id string
	if err := owner.QueryRowContext(ctx, `SELECT created_at, id FROM audit_events WHERE tenant_id = ? ORDER BY created_at DESC, id DESC OFFSET 99999 LIMIT 1`, tenantID).Scan(&at, &id); err != nil {
		b.Fatal(err)
	}
	cursor := url.QueryEscape(at.UTC().Format(time.RFC3339Nano) + "~" + id)
	token := benchSignIn(b, app, "admin@illinois.example")
	w, err := app.web(false)
	if err != nil {
		b.Fatal(err)
	}
	h := w.Handler()
	for _, p := range []struct{ name, path string }{{"page", "/t/illinois/audit?page=2001"}, {"cursor", "/t/illinois/audit?after=" + cursor}} {
		b.Run(p.name, func(b *testing.B) {
			var fctx fasthttp.RequestCtx
			serve := func() {
				fctx.Request.Reset()
				fctx.Response.Reset()
				fctx.Request.Header.SetMethod(fiber.MethodGet)
				fctx.Request.SetRequestURI(p.path)
				fctx.Request.Header.SetHost("holdspace.test")
				fctx.Request.Header.SetCookie(accounts.SessionCookie, token)
				h(&fctx)
			}
			serve()
			if code := fctx.Response.StatusCode(); code != http.StatusOK {
				b.Fatalf("status %d", code)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				serve()
			}
		})
	}
}
