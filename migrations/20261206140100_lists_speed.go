package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Lists read by keyset at a state's scale (issue 14): each index serves its list's filter and
// order, so a page is an index range scan that stops after a page, at any depth.
//
//   - audit_events (tenant_id, created_at, id): the tenant's log, newest first, the cursor
//     created_at~id; it supersedes (tenant_id, created_at). (created_at, id): the platform's
//     log of every tenant.
//   - amendments (tenant_id, overdue, updated_at, id): the list's order (overdue first, then
//     the most recently changed), its cursor one row comparison.
//   - consultant_profiles (tenant_id, status, display_name, id): the registry's approved
//     consultants by name.
//   - tenants (name, id): the platform console's list of a thousand tenants and more, by name.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`CREATE INDEX audit_events_tenant_time_id ON audit_events (tenant_id, created_at, id)`,
			`DROP INDEX audit_events_tenant_time`,
			`CREATE INDEX audit_events_time_id ON audit_events (created_at, id)`,
			`CREATE INDEX amendments_list ON amendments (tenant_id, overdue, updated_at, id)`,
			`CREATE INDEX consultant_profiles_status_name ON consultant_profiles (tenant_id, status, display_name, id)`,
			`CREATE INDEX tenants_name ON tenants (name, id)`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP INDEX tenants_name`,
			`DROP INDEX consultant_profiles_status_name`,
			`DROP INDEX amendments_list`,
			`DROP INDEX audit_events_time_id`,
			`CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, created_at)`,
			`DROP INDEX audit_events_tenant_time_id`,
		})
	})
}
