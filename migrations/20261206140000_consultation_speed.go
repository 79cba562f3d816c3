package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// The consultation lists at a state's scale (issue 14). Every list of sessions is newest first,
// ORDER BY held_on DESC, id DESC, paged by the keyset (held_on, id) < (cursor): each index
// below ends with (held_on, id), so the database walks it backwards from the cursor and stops
// after a page, whatever the filter — no sort, no scan of the tenant's million sessions. The
// old indexes ended with held_on alone, so a day's sessions (about 550 a day in the
// 1,000,000-session tenant) were sorted on every page.
//
//   - held_on: the tenant admin's list (and date ranges);
//   - program: a program's list, and the admin's filter by program;
//   - engagement: an engagement's page and its sessions;
//   - service: the admin's filter by service (a tenant's own service may be rare).
//
// The engagements lists are newest contact first, ORDER BY last_contact_on DESC, id DESC, paged
// by the keyset too, with an index for the whole tenant, a consultant's and a program's; the
// "flagged" filter reads the tenant's open follow-ups once, by (done_on, due_on).
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{
			`DROP INDEX consultation_sessions_held_on`,
			`CREATE INDEX consultation_sessions_held_on ON consultation_sessions (tenant_id, held_on, id)`,
			`DROP INDEX consultation_sessions_program`,
			`CREATE INDEX consultation_sessions_program ON consultation_sessions (tenant_id, program_id, held_on, id)`,
			`DROP INDEX consultation_sessions_engagement`,
			`CREATE INDEX consultation_sessions_engagement ON consultation_sessions (tenant_id, engagement_id, held_on, id)`,
			`CREATE INDEX consultation_sessions_service ON consultation_sessions (tenant_id, service, held_on, id)`,
			`CREATE INDEX engagements_contact ON engagements (tenant_id, last_contact_on, id)`,
			`CREATE INDEX engagements_profile_contact ON engagements (tenant_id, profile_id, last_contact_on, id)`,
			`CREATE INDEX engagements_program_contact ON engagements (tenant_id, program_id, last_contact_on, id)`,
			`CREATE INDEX session_followups_open ON session_followups (tenant_id, done_on, due_on)`,
		}
		if db.Dialect().Name() == dialect.PG {
			// Fresh statistics, for the planner to see the new indexes' order (PostgreSQL only:
			// SQLite plans without statistics unless asked, and the tests' small data would skew
			// them).
			stmts = append(stmts, `ANALYZE consultation_sessions`, `ANALYZE engagements`)
		}
		return execAll(ctx, db, stmts)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{
			`DROP INDEX session_followups_open`,
			`DROP INDEX engagements_program_contact`,
			`DROP INDEX engagements_profile_contact`,
			`DROP INDEX engagements_contact`,
			`DROP INDEX consultation_sessions_service`,
			`DROP INDEX consultation_sessions_engagement`,
			`CREATE INDEX consultation_sessions_engagement ON consultation_sessions (tenant_id, engagement_id, held_on)`,
			`DROP INDEX consultation_sessions_program`,
			`CREATE INDEX consultation_sessions_program ON consultation_sessions (tenant_id, program_id, held_on)`,
			`DROP INDEX consultation_sessions_held_on`,
			`CREATE INDEX consultation_sessions_held_on ON consultation_sessions (tenant_id, held_on)`,
		})
	})
}
