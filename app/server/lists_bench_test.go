package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"

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
