package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// The engagements page's consultant filter for a funder or a program (issue 14): the
// consultants who hold an engagement with the programs named (a funder's funded programs, a
// program's own) are read from this index alone, a range per program, instead of every
// engagement of the tenant checked against the list of programs.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		stmts := []string{
			`CREATE INDEX engagements_program_profile ON engagements (tenant_id, program_id, profile_id)`,
		}
		if db.Dialect().Name() == dialect.PG {
			stmts = append(stmts, `ANALYZE engagements`)
		}
		return execAll(ctx, db, stmts)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{`DROP INDEX engagements_program_profile`})
	})
}
