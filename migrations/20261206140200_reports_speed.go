package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// The dashboards at a state's scale (issue 14). A consultant's home page adds up their own
// rows of the monthly rollup session_months (program × consultant × month) over two years;
// its indexes begin with the program or the month, so PostgreSQL read every row of the
// tenant's 24 months (about 48,000 in the 1,000,000-session volume tenant, 90 ms) to keep a
// consultant's 180. session_months_profile serves "profile_id IN (the person's profiles) AND
// month BETWEEN" directly (0.3 ms).
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{
			`CREATE INDEX session_months_profile ON session_months (tenant_id, profile_id, month)`,
		}
		if db.Dialect().Name() == dialect.PG {
			// Fresh statistics of what the dashboards join (PostgreSQL only, as in
			// 20261206140000): with none, the planner takes a program's engagements for one
			// row and nests 2,000 index lookups where a hash join reads them once.
			stmts = append(stmts, `ANALYZE session_months`, `ANALYZE engagements`, `ANALYZE consultant_profiles`, `ANALYZE fundings`)
		}
		return execAll(ctx, db, stmts)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{`DROP INDEX session_months_profile`})
	})
}
