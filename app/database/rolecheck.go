package database

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// RoleProblems says what is wrong with the PostgreSQL role db connects as, for the application:
// a superuser or a BYPASSRLS role skips row-level security, and a role that owns tables is the
// schema's owner (migrations run as the owner, MIGRATE_DATABASE_URL; the application must not).
// Nothing on SQLite.
func RoleProblems(ctx context.Context, db *bun.DB) ([]string, error) {
	if db.Dialect().Name() != dialect.PG {
		return nil, nil
	}
	var r struct {
		Name   string `bun:"rolname"`
		Super  bool   `bun:"rolsuper"`
		Bypass bool   `bun:"rolbypassrls"`
		Owns   int    `bun:"owns"`
	}
	err := db.NewRaw(`SELECT rolname, rolsuper, rolbypassrls,
		(SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user) AS owns
		FROM pg_roles WHERE rolname = current_user`).Scan(ctx, &r)
	if err != nil {
		return nil, err
	}
	var out []string
	if r.Super {
		out = append(out, fmt.Sprintf("role %s is a superuser: row-level security does not apply to it", r.Name))
	}
	if r.Bypass {
		out = append(out, fmt.Sprintf("role %s has BYPASSRLS: row-level security does not apply to it", r.Name))
	}
	if r.Owns > 0 {
		out = append(out, fmt.Sprintf("role %s owns %d tables: give migrations their own role (MIGRATE_DATABASE_URL)", r.Name, r.Owns))
	}
	return out, nil
}
