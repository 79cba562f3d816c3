package reports

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/tenants"
)

// Deps are what every part of this package stands on: the database (always through
// database.For, so the tenant scoping and row-level security hold), the audit log, report runs
// (each report's file is a kind of run) and the tenant store (for the tenant's calendars).
type Deps struct {
	DB      *bun.DB
	Audit   *audit.Log
	Runs    *runs.Service
	Tenants *tenants.Store
	Now     func() time.Time
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// tenant is the tenant of ctx's scope.
func (d Deps) tenant(ctx context.Context) (*tenants.Tenant, error) {
	return d.Tenants.RequestTenant(ctx)
}

// yearOf reads the fiscal year switch of a request (?calendar=state|federal&fy=2026) for the
// tenant of its scope: the current state fiscal year when absent.
func (d Deps) yearOf(c *fiber.Ctx, t *tenants.Tenant) Year {
	return ParseYear(t, c.Query("calendar"), c.Query("fy"), d.now())
}
