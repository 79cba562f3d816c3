package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Monthly session rollups for the dashboards (issue 12): session_months holds, per program,
// consultant profile and month (YYYY-MM), the number of sessions and their minutes, kept in the
// same transaction as a session is recorded or edited (app/consultation). A dashboard reads a
// year as twelve rows per program and consultant instead of every session of the year (the
// 1,000,000-session tenant holds ~200,000 a year). The backfill counts the sessions already
// there; on PostgreSQL it reads every tenant's (the migration's one cross-tenant read).
//
// program_months is the same without the consultant: per program and month. The tenant admin's,
// the funder's and the program's dashboards read it (fifty programs make 600 rows a year where
// session_months holds one per program and consultant: 24,000 in the 1,000,000-session
// tenant, too many to add up in 50 ms); the consultant's and the supervisor's read
// session_months, narrowed to their consultants.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{
			`CREATE TABLE session_months (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				program_id TEXT NOT NULL,
				profile_id TEXT NOT NULL,
				month TEXT NOT NULL,
				sessions BIGINT NOT NULL DEFAULT 0,
				minutes BIGINT NOT NULL DEFAULT 0,
				PRIMARY KEY (tenant_id, program_id, profile_id, month)
			)`,
			`CREATE INDEX session_months_month ON session_months (tenant_id, month)`,
			`CREATE TABLE program_months (
				tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
				program_id TEXT NOT NULL,
				month TEXT NOT NULL,
				sessions BIGINT NOT NULL DEFAULT 0,
				minutes BIGINT NOT NULL DEFAULT 0,
				PRIMARY KEY (tenant_id, program_id, month)
			)`,
			`CREATE INDEX program_months_month ON program_months (tenant_id, month)`,
		}
		if db.Dialect().Name() == dialect.PG {
			stmts = append(stmts, `SELECT set_config('app.all_tenants', 'on', true)`)
		}
		stmts = append(stmts, `INSERT INTO session_months (tenant_id, program_id, profile_id, month, sessions, minutes)
			SELECT tenant_id, program_id, profile_id, substr(held_on, 1, 7), COUNT(*), SUM(minutes)
			FROM consultation_sessions
			GROUP BY tenant_id, program_id, profile_id, substr(held_on, 1, 7)`,
			`INSERT INTO program_months (tenant_id, program_id, month, sessions, minutes)
			SELECT tenant_id, program_id, month, SUM(sessions), SUM(minutes)
			FROM session_months
			GROUP BY tenant_id, program_id, month`)
		if db.Dialect().Name() == dialect.PG {
			stmts = append(stmts, `ANALYZE session_months`, `ANALYZE program_months`)
		}
		return execAll(ctx, db, stmts)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{`DROP TABLE program_months`, `DROP TABLE session_months`})
	})
}
