// Package migrations holds Holdspace's versioned schema changes. Each runs up and down on
// both SQLite and PostgreSQL: the SQL keeps to types both understand (TEXT, BIGINT, BOOLEAN,
// TIMESTAMPTZ), and ids are UUIDv7 text made by the application.
package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// Migrations is the set the migrator runs.
var Migrations = migrate.NewMigrations()

// execAll runs statements in order, in one transaction.
func execAll(ctx context.Context, db *bun.DB, stmts []string) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%w\n in: %s", err, s)
			}
		}
		return nil
	})
}

// NewMigrator returns a migrator for db.
func NewMigrator(db *bun.DB) *migrate.Migrator {
	return migrate.NewMigrator(db, Migrations, migrate.WithMarkAppliedOnSuccess(true))
}

// Up applies every pending migration.
func Up(ctx context.Context, db *bun.DB) (*migrate.MigrationGroup, error) {
	m := NewMigrator(db)
	if err := m.Init(ctx); err != nil {
		return nil, err
	}
	if err := m.Lock(ctx); err != nil {
		return nil, err
	}
	defer m.Unlock(ctx) //nolint:errcheck
	g, err := m.Migrate(ctx)
	if err != nil {
		return g, err
	}
	return g, SecureTenantTables(ctx, db)
}

// Down rolls back the last group of migrations.
func Down(ctx context.Context, db *bun.DB) (*migrate.MigrationGroup, error) {
	m := NewMigrator(db)
	if err := m.Init(ctx); err != nil {
		return nil, err
	}
	if err := m.Lock(ctx); err != nil {
		return nil, err
	}
	defer m.Unlock(ctx) //nolint:errcheck
	return m.Rollback(ctx)
}
