package tenants

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// The purge removes every row of a tenant deleted more than PurgeGrace ago, and only of that
// tenant. Which tables hold tenant rows is read from the schema (every table with a tenant_id
// column), not from a list that a new table could be missing from.

// TenantTables lists the tables with a tenant_id column (database.TenantTables).
func TenantTables(ctx context.Context, db bun.IDB) ([]string, error) {
	return database.TenantTables(ctx, db)
}

// PurgeDue purges every tenant whose grace period has passed. It is the tenants:purge task:
// run twice, the second run finds nothing to do.
func (s *Service) PurgeDue(ctx context.Context) (int, error) {
	var ids []string
	err := s.db.NewSelect().Model((*Tenant)(nil)).Column("t.id").
		Where("t.deleted_at IS NOT NULL AND t.purge_after <= ?", database.Now()).OrderExpr("t.purge_after").Scan(ctx, &ids)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		done, err := s.Purge(ctx, id)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

// Purge removes every row of one deleted tenant past its purge date, then the tenant itself,
// in one transaction. It reports false when the tenant is not due (restored meanwhile, or
// already purged). It fails, and removes nothing, if any tenant table still holds a row of the
// tenant afterwards.
func (s *Service) Purge(ctx context.Context, tenantID string) (bool, error) {
	// Never in a tenant's scope: the purge's own audit event is platform-wide. It reads and
	// deletes one tenant's rows of every table, on the named path across tenants; its
	// tenant.purge event in the platform's log says what it did.
	ctx = database.AcrossTenants(database.WithScope(ctx, database.Scope{}), "tenants.purge")
	purged := false
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		db := database.Conn(ctx, s.db)
		t := new(Tenant)
		if err := db.NewSelect().Model(t).Where("t.id = ?", tenantID).Scan(ctx); err != nil {
			return ignoreNoRows(err)
		}
		// Claim the tenant (the row lock keeps a restore or a second purge out) and check it
		// is still due.
		res, err := db.NewUpdate().Model((*Tenant)(nil)).Set("updated_at = ?", database.Now()).
			Where("id = ? AND deleted_at IS NOT NULL AND purge_after <= ?", tenantID, database.Now()).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		tables, err := TenantTables(ctx, db)
		if err != nil {
			return err
		}
		rows, err := deleteTenantRows(ctx, db, tables, tenantID)
		if err != nil {
			return err
		}
		if _, err := db.NewDelete().Model((*Tenant)(nil)).Where("id = ?", tenantID).Exec(ctx); err != nil {
			return fmt.Errorf("purge tenant %s: delete the tenant: %w", t.Slug, err)
		}
		for _, table := range tables {
			n, err := db.NewSelect().TableExpr("?", bun.Ident(table)).Where("tenant_id = ?", tenantID).Count(ctx)
			if err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("purge tenant %s: table %s still holds %d of its rows", t.Slug, table, n)
			}
		}
		purged = true
		return s.audit.Record(ctx, "tenant.purge", "tenant", t.ID, fmt.Sprintf("%s (%s): %d rows removed", t.Slug, t.Name, rows))
	})
	return purged, err
}

// deleteTenantRows deletes the tenant's rows from every table. A table whose rows are still
// referenced by another table's (a foreign key without ON DELETE CASCADE) is tried again after
// the others, each attempt in a savepoint, until a round deletes nothing more.
func deleteTenantRows(ctx context.Context, db bun.IDB, tables []string, tenantID string) (int64, error) {
	var total int64
	remaining := tables
	for round := 0; len(remaining) > 0; round++ {
		var failed []string
		var problems []string
		for i, table := range remaining {
			sp := fmt.Sprintf("purge_%d_%d", round, i)
			if _, err := db.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
				return 0, err
			}
			res, err := db.NewDelete().TableExpr("?", bun.Ident(table)).Where("tenant_id = ?", tenantID).Exec(ctx)
			if err != nil {
				if _, rerr := db.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); rerr != nil {
					return 0, rerr
				}
				failed = append(failed, table)
				problems = append(problems, table+": "+err.Error())
				continue
			}
			if _, err := db.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
				return 0, err
			}
			n, _ := res.RowsAffected()
			total += n
		}
		if len(failed) == len(remaining) {
			return 0, fmt.Errorf("purge tenant: cannot delete from %s", strings.Join(problems, "; "))
		}
		remaining = failed
	}
	return total, nil
}

func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}
