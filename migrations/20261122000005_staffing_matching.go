package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// The consultant workforce, part two: credentials against the tenant's staffing requirements
// (with the reminders sent before an expiry or a deadline), and matching — a consultant
// assigned to a program, the link the consultation records build on.
//
// A staffing requirement ("Infant Mental Health Endorsement or higher", "Bachelor's degree in a
// related field") is met by a verified, unexpired credential of any of its kinds; a requirement
// with a deadline (days after hire) shows by when. staffing_reminders has one row per
// (subject, due date, threshold) sent, so the daily task sends each reminder once.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`ALTER TABLE consultant_profiles ADD COLUMN hired_on TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE consultant_requests ADD COLUMN decision_note TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE consultant_requests ADD COLUMN decided_at TIMESTAMPTZ`,
			`ALTER TABLE consultant_requests ADD COLUMN decided_by TEXT NOT NULL DEFAULT ''`,
			`CREATE TABLE staffing_requirements (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				name TEXT NOT NULL,
				description TEXT NOT NULL DEFAULT '',
				level TEXT NOT NULL,
				rule TEXT NOT NULL DEFAULT 'credential',
				deadline_days BIGINT NOT NULL DEFAULT 0,
				position BIGINT NOT NULL DEFAULT 0,
				builtin TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX staffing_requirements_name ON staffing_requirements (tenant_id, name)`,
			`CREATE TABLE credential_kinds (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				requirement_id TEXT NOT NULL DEFAULT '',
				name TEXT NOT NULL,
				issuer TEXT NOT NULL DEFAULT '',
				valid_months BIGINT NOT NULL DEFAULT 0,
				position BIGINT NOT NULL DEFAULT 0,
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX credential_kinds_name ON credential_kinds (tenant_id, name)`,
			`CREATE INDEX credential_kinds_requirement ON credential_kinds (tenant_id, requirement_id)`,
			`CREATE TABLE consultant_credentials (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				profile_id TEXT NOT NULL,
				kind_id TEXT NOT NULL,
				issuer TEXT NOT NULL DEFAULT '',
				number TEXT NOT NULL DEFAULT '',
				issued_on TEXT NOT NULL DEFAULT '',
				expires_on TEXT NOT NULL DEFAULT '',
				evidence_key TEXT NOT NULL DEFAULT '',
				evidence_name TEXT NOT NULL DEFAULT '',
				evidence_type TEXT NOT NULL DEFAULT '',
				evidence_size BIGINT NOT NULL DEFAULT 0,
				status TEXT NOT NULL,
				review_note TEXT NOT NULL DEFAULT '',
				verified_by TEXT NOT NULL DEFAULT '',
				verified_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX consultant_credentials_profile ON consultant_credentials (tenant_id, profile_id)`,
			`CREATE INDEX consultant_credentials_expiry ON consultant_credentials (tenant_id, expires_on)`,
			`CREATE TABLE staffing_reminders (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				subject TEXT NOT NULL,
				due_on TEXT NOT NULL,
				threshold_days BIGINT NOT NULL,
				sent_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, subject, due_on, threshold_days)
			)`,
			`CREATE TABLE consultant_assignments (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				profile_id TEXT NOT NULL,
				program_id TEXT NOT NULL,
				request_id TEXT NOT NULL DEFAULT '',
				status TEXT NOT NULL,
				started_on TEXT NOT NULL,
				ended_on TEXT NOT NULL DEFAULT '',
				created_by TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX consultant_assignments_program ON consultant_assignments (tenant_id, program_id, status)`,
			`CREATE INDEX consultant_assignments_profile ON consultant_assignments (tenant_id, profile_id, status)`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP TABLE IF EXISTS consultant_assignments`,
			`DROP TABLE IF EXISTS staffing_reminders`,
			`DROP TABLE IF EXISTS consultant_credentials`,
			`DROP TABLE IF EXISTS credential_kinds`,
			`DROP TABLE IF EXISTS staffing_requirements`,
			`ALTER TABLE consultant_requests DROP COLUMN decided_by`,
			`ALTER TABLE consultant_requests DROP COLUMN decided_at`,
			`ALTER TABLE consultant_requests DROP COLUMN decision_note`,
			`ALTER TABLE consultant_profiles DROP COLUMN hired_on`,
		})
	})
}
