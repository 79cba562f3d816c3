package migrations_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun/migrate"

	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/migrations"
)

// TestMovesSkippedBackfill: moves written before stages could be skipped honestly, which
// jumped forward over stages, list those stages as skipped once the migration has run; a move
// of one stage, a move back and the first move list none.
func TestMovesSkippedBackfill(t *testing.T) {
	ctx := context.Background()
	db := dbtest.OpenEmpty(t)
	before := migrate.NewMigrations()
	for _, m := range migrations.Migrations.Sorted() {
		if m.Name < "20261206023000" {
			before.Add(m)
		}
	}
	older := migrate.NewMigrator(db, before, migrate.WithMarkAppliedOnSuccess(true))
	if err := older.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := older.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO tenants (id, slug, name, kind, state, status, created_at, updated_at) VALUES ('t1', 't1', 'T', 'state_system', 'IL', 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
		`INSERT INTO engagement_moves (tenant_id, id, engagement_id, from_stage, to_stage, moved_on, moved_by, created_at) VALUES
			('t1', 'open', 'e1', '', 'initial_contact', '2026-01-01', 'u', CURRENT_TIMESTAMP),
			('t1', 'jump', 'e1', 'initial_contact', 'qi_plan', '2026-01-02', 'u', CURRENT_TIMESTAMP),
			('t1', 'back', 'e1', 'qi_plan', 'needs_discussion', '2026-01-03', 'u', CURRENT_TIMESTAMP),
			('t1', 'next', 'e1', 'needs_discussion', 'pre_assessment', '2026-01-04', 'u', CURRENT_TIMESTAMP),
			('t1', 'kind', 'e1', 'pre_assessment', 'pre_assessment', '2026-01-05', 'u', CURRENT_TIMESTAMP)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"open": "[]", "jump": `["needs_discussion","pre_assessment","findings_discussion"]`,
		"back": "[]", "next": "[]", "kind": "[]"}
	for id, w := range want {
		var got string
		if err := db.QueryRowContext(ctx, "SELECT skipped FROM engagement_moves WHERE id = ?", id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if strings.ReplaceAll(got, " ", "") != w {
			t.Errorf("move %s: skipped %s, want %s", id, got, w)
		}
	}
}
