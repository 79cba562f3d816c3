package migrations

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// Row-level security (PostgreSQL). SecureTenantTables runs after every migration, so a table
// added later with a tenant_id gets its policy without anyone remembering to write one; the
// test TestEveryTenantTableHasForcedPolicy checks the result on the real schema.

// TenantPredicate is the policy every tenant table carries: the connection's tenant
// (app.tenant_id, set from the request's scope by database.Open's pool), or every tenant on the
// one named cross-tenant path (app.all_tenants). The sub-selects make PostgreSQL read each
// setting once per statement, not once per row.
const TenantPredicate = `tenant_id = (SELECT current_setting('app.tenant_id', true)) ` +
	`OR (SELECT current_setting('app.all_tenants', true)) = 'on'`

// OwnMembershipsPredicate lets a person read their own memberships in every tenant (the tenant
// switcher, sign-in), and nothing more.
const OwnMembershipsPredicate = `user_id = (SELECT current_setting('app.user_id', true))`

// SecureTenantTables enables and forces row-level security on every tenant table of db's
// schema, with the tenant policy (and, on memberships, the person's own). On SQLite it does
// nothing: the embedded default has one process and the application's filter alone.
func SecureTenantTables(ctx context.Context, db *bun.DB) error {
	if !strings.Contains(db.Dialect().Name().String(), "pg") {
		return nil
	}
	tables, err := database.TenantTables(ctx, db)
	if err != nil {
		return fmt.Errorf("list tenant tables: %w", err)
	}
	var stmts []string
	for _, t := range tables {
		id := `"` + t + `"`
		stmts = append(stmts,
			"ALTER TABLE "+id+" ENABLE ROW LEVEL SECURITY",
			"ALTER TABLE "+id+" FORCE ROW LEVEL SECURITY",
			"DROP POLICY IF EXISTS tenant_isolation ON "+id,
			"CREATE POLICY tenant_isolation ON "+id+" USING ("+TenantPredicate+") WITH CHECK ("+TenantPredicate+")",
		)
		if t == "memberships" {
			stmts = append(stmts,
				"DROP POLICY IF EXISTS own_memberships ON "+id,
				"CREATE POLICY own_memberships ON "+id+" FOR SELECT USING ("+OwnMembershipsPredicate+")")
		}
	}
	return execAll(ctx, db, stmts)
}

// GrantApp gives role (the application's, from DATABASE_URL) what it needs on db's schema and
// nothing more: it reads and writes rows, owns no table, and cannot change the schema or the
// migrations' record. Run by the owner (MIGRATE_DATABASE_URL) after every migration.
func GrantApp(ctx context.Context, db *bun.DB, role string) error {
	if !strings.Contains(db.Dialect().Name().String(), "pg") || role == "" {
		return nil
	}
	r := `"` + strings.ReplaceAll(role, `"`, `""`) + `"`
	var schema string
	if err := db.NewRaw("SELECT current_schema()").Scan(ctx, &schema); err != nil {
		return err
	}
	s := `"` + strings.ReplaceAll(schema, `"`, `""`) + `"`
	return execAll(ctx, db, []string{
		"GRANT USAGE ON SCHEMA " + s + " TO " + r,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + s + " TO " + r,
		"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + s + " TO " + r,
		"REVOKE INSERT, UPDATE, DELETE ON bun_migrations, bun_migration_locks FROM " + r,
	})
}
