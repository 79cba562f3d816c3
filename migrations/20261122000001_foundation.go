package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// The foundation: tenants, people and their memberships, organisations, sessions, invitations,
// password resets, the audit log and the mail outbox.
//
// Tenant-owned tables carry tenant_id first in the primary key and in every index. Two
// lookups start without a tenant and say so: a person's memberships across tenants (the tenant
// switcher), and the global tables (users, sessions, password resets), which are not tenant-owned.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`CREATE TABLE tenants (
				id TEXT NOT NULL PRIMARY KEY,
				slug TEXT NOT NULL,
				name TEXT NOT NULL,
				kind TEXT NOT NULL,
				state TEXT NOT NULL,
				status TEXT NOT NULL,
				plan TEXT NOT NULL DEFAULT 'trial',
				time_zone TEXT NOT NULL DEFAULT 'America/Chicago',
				trial_ends_at TIMESTAMPTZ,
				last_active_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX tenants_slug ON tenants (slug)`,
			`CREATE TABLE users (
				id TEXT NOT NULL PRIMARY KEY,
				email TEXT NOT NULL,
				name TEXT NOT NULL,
				password_hash TEXT NOT NULL DEFAULT '',
				is_platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
				active BOOLEAN NOT NULL DEFAULT TRUE,
				last_signin_at TIMESTAMPTZ,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE UNIQUE INDEX users_email ON users (email)`,
			`CREATE TABLE organisations (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				kind TEXT NOT NULL,
				name TEXT NOT NULL,
				short_name TEXT NOT NULL DEFAULT '',
				program_kind TEXT NOT NULL DEFAULT '',
				county TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX organisations_tenant_kind_name ON organisations (tenant_id, kind, name)`,
			`CREATE TABLE memberships (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				role TEXT NOT NULL,
				organisation_id TEXT NOT NULL DEFAULT '',
				active BOOLEAN NOT NULL DEFAULT TRUE,
				created_at TIMESTAMPTZ NOT NULL,
				updated_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX memberships_tenant_user ON memberships (tenant_id, user_id)`,
			// The tenant switcher asks "which tenants is this person in": the one index that
			// starts with the user (on Citus, memberships would be a reference table).
			`CREATE INDEX memberships_user ON memberships (user_id, tenant_id)`,
			`CREATE TABLE invitations (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				id TEXT NOT NULL,
				email TEXT NOT NULL,
				name TEXT NOT NULL DEFAULT '',
				role TEXT NOT NULL,
				organisation_id TEXT NOT NULL DEFAULT '',
				token_hash TEXT NOT NULL,
				invited_by TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL,
				accepted_at TIMESTAMPTZ,
				revoked_at TIMESTAMPTZ,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE UNIQUE INDEX invitations_tenant_token ON invitations (tenant_id, token_hash)`,
			`CREATE INDEX invitations_tenant_email ON invitations (tenant_id, email)`,
			`CREATE TABLE sessions (
				id TEXT NOT NULL PRIMARY KEY,
				user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				ip TEXT NOT NULL DEFAULT '',
				user_agent TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				last_seen_at TIMESTAMPTZ NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX sessions_user ON sessions (user_id)`,
			`CREATE INDEX sessions_expires ON sessions (expires_at)`,
			`CREATE TABLE password_resets (
				id TEXT NOT NULL PRIMARY KEY,
				user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL,
				used_at TIMESTAMPTZ
			)`,
			`CREATE INDEX password_resets_user ON password_resets (user_id)`,
			// Platform-wide events (a platform admin's own actions, sign-ins) have tenant_id ''.
			`CREATE TABLE audit_events (
				tenant_id TEXT NOT NULL,
				id TEXT NOT NULL,
				actor_id TEXT NOT NULL DEFAULT '',
				actor_email TEXT NOT NULL DEFAULT '',
				action TEXT NOT NULL,
				record_type TEXT NOT NULL DEFAULT '',
				record_id TEXT NOT NULL DEFAULT '',
				detail TEXT NOT NULL DEFAULT '',
				ip TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, created_at)`,
			`CREATE INDEX audit_events_tenant_action ON audit_events (tenant_id, action, created_at)`,
			// The outbox keeps every message; the email:send task carries only its id.
			`CREATE TABLE emails (
				tenant_id TEXT NOT NULL,
				id TEXT NOT NULL,
				to_addr TEXT NOT NULL,
				subject TEXT NOT NULL,
				body_text TEXT NOT NULL,
				status TEXT NOT NULL,
				attempts BIGINT NOT NULL DEFAULT 0,
				last_error TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMPTZ NOT NULL,
				sent_at TIMESTAMPTZ,
				PRIMARY KEY (tenant_id, id)
			)`,
			`CREATE INDEX emails_tenant_time ON emails (tenant_id, created_at)`,
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP TABLE IF EXISTS emails`,
			`DROP TABLE IF EXISTS audit_events`,
			`DROP TABLE IF EXISTS password_resets`,
			`DROP TABLE IF EXISTS sessions`,
			`DROP TABLE IF EXISTS invitations`,
			`DROP TABLE IF EXISTS memberships`,
			`DROP TABLE IF EXISTS organisations`,
			`DROP TABLE IF EXISTS users`,
			`DROP TABLE IF EXISTS tenants`,
		})
	})
}
