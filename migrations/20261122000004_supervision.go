package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Reflective supervision: which supervisor supervises which consultants, the supervision
// records (individual or group, with who attended) and the tenant's monthly target.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`ALTER TABLE tenants ADD COLUMN supervision_target_minutes BIGINT NOT NULL DEFAULT 120`,
			`CREATE TABLE supervision_assignments (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				supervisor_id TEXT NOT NULL,
				consultant_id TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX supervision_assignments_pair ON supervision_assignments (tenant_id, supervisor_id, consultant_id)`,
			`CREATE INDEX supervision_assignments_consultant ON supervision_assignments (tenant_id, consultant_id)`,
			`CREATE TABLE supervision_records (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				supervisor_id TEXT NOT NULL,
				held_on TEXT NOT NULL,
				minutes BIGINT NOT NULL,
				format TEXT NOT NULL,
				notes TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX supervision_records_supervisor ON supervision_records (tenant_id, supervisor_id, held_on)`,
			`CREATE TABLE supervision_attendees (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				record_id TEXT NOT NULL,
				consultant_id TEXT NOT NULL,
				PRIMARY KEY (tenant_id, record_id, consultant_id)
			)`,
			`CREATE INDEX supervision_attendees_consultant ON supervision_attendees (tenant_id, consultant_id, record_id)`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP TABLE IF EXISTS supervision_attendees`,
			`DROP TABLE IF EXISTS supervision_records`,
			`DROP TABLE IF EXISTS supervision_assignments`,
			`ALTER TABLE tenants DROP COLUMN supervision_target_minutes`,
		})
	})
}
