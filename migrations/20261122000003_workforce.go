package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// The consultant workforce, part one: consultant profiles and their registry applications
// (with documents), the facets the public search filters on, and requests for a consultant.
//
// consultant_facets holds one row per (profile, facet, value) — county, language, setting,
// specialty, mode — so that a search is a few indexed lookups however many consultants a
// tenant lists; the JSON lists on the profile are what the profile page shows.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`ALTER TABLE tenants ADD COLUMN specialties TEXT NOT NULL DEFAULT '[]'`,
			`ALTER TABLE tenants ADD COLUMN competencies TEXT NOT NULL DEFAULT '[]'`,
			`CREATE TABLE consultant_profiles (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				user_id TEXT NOT NULL,
				agency_id TEXT NOT NULL DEFAULT '',
				display_name TEXT NOT NULL,
				languages TEXT NOT NULL DEFAULT '[]',
				counties TEXT NOT NULL DEFAULT '[]',
				settings TEXT NOT NULL DEFAULT '[]',
				specialties TEXT NOT NULL DEFAULT '[]',
				modes TEXT NOT NULL DEFAULT '[]',
				capacity BIGINT NOT NULL DEFAULT 0,
				bio TEXT NOT NULL DEFAULT '',
				status TEXT NOT NULL,
				active BOOLEAN NOT NULL DEFAULT TRUE,
				review_checklist TEXT NOT NULL DEFAULT '[]',
				review_comments TEXT NOT NULL DEFAULT '',
				submitted_at TIMESTAMPTZ,
				reviewed_at TIMESTAMPTZ,
				reviewed_by TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX consultant_profiles_tenant_user ON consultant_profiles (tenant_id, user_id)`,
			`CREATE INDEX consultant_profiles_tenant_status ON consultant_profiles (tenant_id, status, active, display_name)`,
			`CREATE TABLE consultant_facets (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				profile_id TEXT NOT NULL,
				facet TEXT NOT NULL,
				value TEXT NOT NULL,
				PRIMARY KEY (tenant_id, facet, value, profile_id)
			)`,
			`CREATE INDEX consultant_facets_tenant_profile ON consultant_facets (tenant_id, profile_id)`,
			`CREATE TABLE consultant_documents (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				profile_id TEXT NOT NULL,
				file_name TEXT NOT NULL,
				content_type TEXT NOT NULL,
				size_bytes BIGINT NOT NULL,
				storage_key TEXT NOT NULL,
				uploaded_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX consultant_documents_tenant_profile ON consultant_documents (tenant_id, profile_id)`,
			`CREATE TABLE consultant_requests (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				profile_id TEXT NOT NULL DEFAULT '',
				program_id TEXT NOT NULL DEFAULT '',
				organisation_name TEXT NOT NULL,
				county TEXT NOT NULL DEFAULT '',
				need TEXT NOT NULL,
				preferred_language TEXT NOT NULL DEFAULT '',
				contact_name TEXT NOT NULL,
				contact_email TEXT NOT NULL,
				contact_phone TEXT NOT NULL DEFAULT '',
				status TEXT NOT NULL,
				confirm_token_hash TEXT NOT NULL DEFAULT '',
				confirmed_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX consultant_requests_tenant_status ON consultant_requests (tenant_id, status, created_at)`,
			`CREATE INDEX consultant_requests_tenant_token ON consultant_requests (tenant_id, confirm_token_hash)`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP TABLE IF EXISTS consultant_requests`,
			`DROP TABLE IF EXISTS consultant_documents`,
			`DROP TABLE IF EXISTS consultant_facets`,
			`DROP TABLE IF EXISTS consultant_profiles`,
			`ALTER TABLE tenants DROP COLUMN competencies`,
			`ALTER TABLE tenants DROP COLUMN specialties`,
		})
	})
}
