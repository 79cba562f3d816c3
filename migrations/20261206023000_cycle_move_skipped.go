package migrations

import (
	"context"
	"encoding/json"

	"github.com/uptrace/bun"
)

// An honest consultation cycle: a move that passes over stages lists the ones skipped (a JSON
// array of stage values), so the step indicator says "skipped" instead of "completed". Moves
// written before this that jumped forward over stages had nothing to mark a stage done, so
// every stage they passed over is recorded as skipped.
func init() {
	// The cycle's stages in order, as they stood when this migration was written.
	stages := []string{"initial_contact", "needs_discussion", "pre_assessment", "findings_discussion", "qi_plan",
		"implementation", "post_assessment", "sustainability", "closed"}
	index := func(v string) int {
		for i, s := range stages {
			if s == v {
				return i
			}
		}
		return -1
	}
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		if err := execAll(ctx, db, []string{
			`ALTER TABLE engagement_moves ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]'`,
		}); err != nil {
			return err
		}
		var moves []struct {
			TenantID string `bun:"tenant_id"`
			ID       string `bun:"id"`
			From     string `bun:"from_stage"`
			To       string `bun:"to_stage"`
		}
		if err := db.NewSelect().TableExpr("engagement_moves").Column("tenant_id", "id", "from_stage", "to_stage").
			Where("from_stage <> '' AND from_stage <> to_stage").Scan(ctx, &moves); err != nil {
			return err
		}
		return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for _, m := range moves {
				from, to := index(m.From), index(m.To)
				if from < 0 || to <= from+1 {
					continue
				}
				b, _ := json.Marshal(stages[from+1 : to])
				if _, err := tx.NewUpdate().Table("engagement_moves").Set("skipped = ?", string(b)).
					Where("tenant_id = ? AND id = ?", m.TenantID, m.ID).Exec(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, []string{`ALTER TABLE engagement_moves DROP COLUMN skipped`})
	})
}
