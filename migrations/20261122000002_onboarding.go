package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Onboarding and administration: tenant settings (fiscal calendars, counties, languages), the
// tenant's life (suspension, deletion with a grace period), program sites, fundings and their
// budget lines, CSV imports, data exports and platform support access.
//
// Lists (counties, languages) are JSON arrays in TEXT columns: read and written whole, never
// queried inside. File contents (an uploaded CSV, an export's zip) are kept in the database so
// that any web or worker process can reach them.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`ALTER TABLE tenants ADD COLUMN state_fy_start_month BIGINT NOT NULL DEFAULT 7`,
			`ALTER TABLE tenants ADD COLUMN federal_fy_start_month BIGINT NOT NULL DEFAULT 10`,
			`ALTER TABLE tenants ADD COLUMN counties TEXT NOT NULL DEFAULT '[]'`,
			`ALTER TABLE tenants ADD COLUMN languages TEXT NOT NULL DEFAULT '[]'`,
			`ALTER TABLE tenants ADD COLUMN settings_confirmed_at TIMESTAMPTZ`,
			`ALTER TABLE tenants ADD COLUMN suspended_at TIMESTAMPTZ`,
			`ALTER TABLE tenants ADD COLUMN deleted_at TIMESTAMPTZ`,
			`ALTER TABLE tenants ADD COLUMN purge_after TIMESTAMPTZ`,
			`ALTER TABLE organisations ADD COLUMN languages TEXT NOT NULL DEFAULT '[]'`,
			`CREATE TABLE program_sites (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				program_id TEXT NOT NULL,
				name TEXT NOT NULL,
				kind TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX program_sites_tenant_program_name ON program_sites (tenant_id, program_id, name)`,
			`CREATE TABLE fundings (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				program_id TEXT NOT NULL,
				funder_id TEXT NOT NULL,
				fiscal_year BIGINT NOT NULL,
				iecmhc_funded BOOLEAN NOT NULL DEFAULT FALSE,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX fundings_tenant_program_funder_year ON fundings (tenant_id, program_id, funder_id, fiscal_year)`,
			`CREATE INDEX fundings_tenant_funder ON fundings (tenant_id, funder_id, fiscal_year)`,
			`CREATE TABLE budget_lines (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				funding_id TEXT NOT NULL,
				category TEXT NOT NULL,
				amount_cents BIGINT NOT NULL,
				position BIGINT NOT NULL DEFAULT 0,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX budget_lines_tenant_funding ON budget_lines (tenant_id, funding_id, position)`,
			`CREATE TABLE imports (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				kind TEXT NOT NULL,
				status TEXT NOT NULL,
				file_name TEXT NOT NULL DEFAULT '',
				content TEXT NOT NULL DEFAULT '',
				total_rows BIGINT NOT NULL DEFAULT 0,
				processed_rows BIGINT NOT NULL DEFAULT 0,
				problems TEXT NOT NULL DEFAULT '[]',
				created_by TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				finished_at TIMESTAMPTZ,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX imports_tenant_time ON imports (tenant_id, created_at)`,
			`CREATE TABLE exports (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				status TEXT NOT NULL,
				requested_by TEXT NOT NULL DEFAULT '',
				content BYTEA,
				size_bytes BIGINT NOT NULL DEFAULT 0,
				problem TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				finished_at TIMESTAMPTZ,
				expires_at TIMESTAMPTZ,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX exports_tenant_time ON exports (tenant_id, created_at)`,
			`CREATE TABLE support_grants (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				admin_id TEXT NOT NULL,
				admin_email TEXT NOT NULL,
				reason TEXT NOT NULL,
				started_at TIMESTAMPTZ NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL,
				ended_at TIMESTAMPTZ,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX support_grants_tenant_admin ON support_grants (tenant_id, admin_id, expires_at)`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP TABLE IF EXISTS support_grants`,
			`DROP TABLE IF EXISTS exports`,
			`DROP TABLE IF EXISTS imports`,
			`DROP TABLE IF EXISTS budget_lines`,
			`DROP TABLE IF EXISTS fundings`,
			`DROP TABLE IF EXISTS program_sites`,
			`ALTER TABLE organisations DROP COLUMN languages`,
			`ALTER TABLE tenants DROP COLUMN purge_after`,
			`ALTER TABLE tenants DROP COLUMN deleted_at`,
			`ALTER TABLE tenants DROP COLUMN suspended_at`,
			`ALTER TABLE tenants DROP COLUMN settings_confirmed_at`,
			`ALTER TABLE tenants DROP COLUMN languages`,
			`ALTER TABLE tenants DROP COLUMN counties`,
			`ALTER TABLE tenants DROP COLUMN federal_fy_start_month`,
			`ALTER TABLE tenants DROP COLUMN state_fy_start_month`,
		})
	})
}
