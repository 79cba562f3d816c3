package database_test

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// Models declared here, on the real migrated schema, so that the test depends on the helper
// alone and not on a domain package.
type tenant struct {
	bun.BaseModel `bun:"table:tenants"`

	ID        string    `bun:"id,pk"`
	Slug      string    `bun:"slug"`
	Name      string    `bun:"name"`
	Kind      string    `bun:"kind"`
	State     string    `bun:"state"`
	Status    string    `bun:"status"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

type org struct {
	bun.BaseModel `bun:"table:organisations,alias:o"`
	database.TenantScoped

	ID        string    `bun:"id,pk"`
	Kind      string    `bun:"kind"`
	Name      string    `bun:"name"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

func newTenant(t *testing.T, db *bun.DB) context.Context {
	t.Helper()
	now := database.Now()
	slug := "t-" + dbtest.RandomHex(4)
	tn := &tenant{ID: database.NewID(), Slug: slug, Name: slug, Kind: "state_system", State: "IL", Status: "trial",
		CreatedAt: now, UpdatedAt: now}
	if _, err := db.NewInsert().Model(tn).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	return database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: slug})
}

func newOrg(name string) *org {
	now := database.Now()
	return &org{ID: database.NewID(), Kind: "program", Name: name, CreatedAt: now, UpdatedAt: now}
}

func mustFor(t *testing.T, ctx context.Context, db *bun.DB) database.Tenant {
	t.Helper()
	tn, err := database.For(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

func insert(t *testing.T, ctx context.Context, db *bun.DB, names ...string) []*org {
	t.Helper()
	var out []*org
	for _, n := range names {
		o := newOrg(n)
		if _, err := mustFor(t, ctx, db).Insert(o).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// names lists every organisation row of every tenant as "tenant/name", read without the
// helper, so a test sees what really is in the table.
func names(t *testing.T, db *bun.DB, ctxs map[string]context.Context) []string {
	t.Helper()
	ids := map[string]string{}
	for label, ctx := range ctxs {
		sc, _ := database.ScopeFrom(ctx)
		ids[sc.TenantID] = label
	}
	var all []org
	if err := dbtest.Owner(t, db).NewSelect().Model(&all).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range all {
		out = append(out, ids[o.TenantID]+"/"+o.Name)
	}
	sort.Strings(out)
	return out
}

func TestFor(t *testing.T) {
	db := dbtest.Open(t)
	t.Run("ErrNoTenant", func(t *testing.T) {
		for _, ctx := range []context.Context{
			context.Background(),
			database.WithScope(context.Background(), database.Scope{UserID: "u1"}),
		} {
			_, err := database.For(ctx, db)
			if apperr.Code(err) != apperr.EINTERNAL {
				t.Errorf("got %v, want an %s error", err, apperr.EINTERNAL)
			}
		}
	})
	t.Run("OK", func(t *testing.T) {
		ctx := database.WithScope(context.Background(), database.Scope{TenantID: "tenant-a"})
		tn, err := database.For(ctx, db)
		if err != nil || tn.ID != "tenant-a" {
			t.Errorf("got %q, %v; want tenant-a", tn.ID, err)
		}
	})
}

func TestTenantScope(t *testing.T) {
	db := dbtest.Open(t)
	ctxA, ctxB := newTenant(t, db), newTenant(t, db)
	both := map[string]context.Context{"A": ctxA, "B": ctxB}
	a := insert(t, ctxA, db, "A1", "A2")
	b := insert(t, ctxB, db, "B1")

	t.Run("InsertStampsTenant", func(t *testing.T) {
		sc, _ := database.ScopeFrom(ctxA)
		o := newOrg("stamped")
		o.TenantID = "somebody-else"
		if _, err := mustFor(t, ctxA, db).Insert(o).Exec(ctxA); err != nil {
			t.Fatal(err)
		}
		if o.TenantID != sc.TenantID {
			t.Errorf("got tenant_id %q, want the context's %q", o.TenantID, sc.TenantID)
		}
		if _, err := db.NewDelete().Model(o).WherePK().Exec(ctxA); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("InsertMany", func(t *testing.T) {
		sc, _ := database.ScopeFrom(ctxB)
		many := []*org{newOrg("many1"), newOrg("many2")}
		if _, err := database.InsertMany(mustFor(t, ctxB, db), many).Exec(ctxB); err != nil {
			t.Fatal(err)
		}
		for _, o := range many {
			if o.TenantID != sc.TenantID {
				t.Errorf("got %s in tenant %q, want %q", o.Name, o.TenantID, sc.TenantID)
			}
		}
		if _, err := mustFor(t, ctxB, db).Delete((*org)(nil)).Where("o.name LIKE 'many%'").Exec(ctxB); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("SelectSeesOwnTenant", func(t *testing.T) {
		var list []org
		if err := mustFor(t, ctxA, db).Select(&list).OrderExpr("o.name").Scan(ctxA); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range list {
			got = append(got, o.Name)
		}
		if strings.Join(got, ",") != "A1,A2" {
			t.Errorf("got %v from tenant A, want [A1 A2]", got)
		}
	})

	t.Run("SelectOtherTenantNotFound", func(t *testing.T) {
		o := new(org)
		err := mustFor(t, ctxA, db).Select(o).Where("o.id = ?", b[0].ID).Scan(ctxA)
		if !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("got %v (%q) reading tenant B's row from A, want sql.ErrNoRows", err, o.Name)
		}
	})

	t.Run("UpdateTouchesOwnTenant", func(t *testing.T) {
		res, err := mustFor(t, ctxA, db).Update((*org)(nil)).Set("name = name || '*'").Where("1 = 1").Exec(ctxA)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 2 {
			t.Errorf("got %d rows updated, want tenant A's 2", n)
		}
		res, err = mustFor(t, ctxA, db).Update((*org)(nil)).Set("name = 'stolen'").Where("o.id = ?", b[0].ID).Exec(ctxA)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 0 {
			t.Errorf("got %d rows of tenant B updated from A, want 0", n)
		}
		if got, want := strings.Join(names(t, db, both), ","), "A/A1*,A/A2*,B/B1"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})

	t.Run("DeleteTouchesOwnTenant", func(t *testing.T) {
		res, err := mustFor(t, ctxB, db).Delete((*org)(nil)).Where("o.id IN (?)", bun.In([]string{a[0].ID, a[1].ID})).Exec(ctxB)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 0 {
			t.Errorf("got %d rows of tenant A deleted from B, want 0", n)
		}
		if _, err := mustFor(t, ctxA, db).Delete((*org)(nil)).Where("o.id = ?", a[0].ID).Exec(ctxA); err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(names(t, db, both), ","), "A/A2*,B/B1"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
}

func TestIsUniqueViolation(t *testing.T) {
	db := dbtest.Open(t)
	ctx := newTenant(t, db)
	o := insert(t, ctx, db, "twice")[0]

	t.Run("DuplicateKey", func(t *testing.T) {
		_, err := mustFor(t, ctx, db).Insert(o).Exec(ctx)
		if err == nil || !database.IsUniqueViolation(err) {
			t.Errorf("got %v for a duplicate primary key, want a unique violation", err)
		}
	})
	t.Run("DuplicateIndex", func(t *testing.T) {
		_, err := mustFor(t, ctx, db).Insert(newOrg("twice")).Exec(ctx) // organisations_tenant_kind_name
		if err == nil || !database.IsUniqueViolation(err) {
			t.Errorf("got %v for a duplicate name, want a unique violation", err)
		}
	})
	t.Run("OtherErrors", func(t *testing.T) {
		_, err := db.ExecContext(ctx, "SELECT * FROM no_such_table")
		if err == nil || database.IsUniqueViolation(err) {
			t.Errorf("got %v, unique %v for a missing table, want an error that is not a unique violation", err, database.IsUniqueViolation(err))
		}
		if database.IsUniqueViolation(nil) {
			t.Error("got true for nil, want false")
		}
	})
}

func TestInTx(t *testing.T) {
	db := dbtest.Open(t)
	ctx := newTenant(t, db)
	count := func(t *testing.T) int {
		t.Helper()
		n, err := mustFor(t, ctx, db).Select((*org)(nil)).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	boom := errors.New("boom")

	t.Run("OK", func(t *testing.T) {
		err := database.InTx(ctx, db, func(ctx context.Context) error {
			_, err := mustFor(t, ctx, db).Insert(newOrg("committed")).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t); n != 1 {
			t.Errorf("got %d rows after a committed transaction, want 1", n)
		}
	})

	t.Run("RollbackOnError", func(t *testing.T) {
		err := database.InTx(ctx, db, func(ctx context.Context) error {
			if _, err := mustFor(t, ctx, db).Insert(newOrg("rolled back")).Exec(ctx); err != nil {
				return err
			}
			// The helper reads through the transaction: the row is there inside it.
			n, err := mustFor(t, ctx, db).Select((*org)(nil)).Count(ctx)
			if err != nil || n != 2 {
				t.Errorf("got %d rows inside the transaction (err %v), want 2", n, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("got %v, want the function's error", err)
		}
		if n := count(t); n != 1 {
			t.Errorf("got %d rows after a failed transaction, want 1", n)
		}
	})

	t.Run("ReusesOuterTransaction", func(t *testing.T) {
		err := database.InTx(ctx, db, func(outer context.Context) error {
			return database.InTx(outer, db, func(inner context.Context) error {
				if database.Conn(inner, db) != database.Conn(outer, db) {
					t.Error("got a new transaction inside the outer one, want the outer reused")
				}
				if _, err := mustFor(t, inner, db).Insert(newOrg("inner")).Exec(inner); err != nil {
					return err
				}
				return boom // rolls back the outer transaction, with the inner's row
			})
		})
		if !errors.Is(err, boom) {
			t.Errorf("got %v, want the inner function's error", err)
		}
		if n := count(t); n != 1 {
			t.Errorf("got %d rows, want 1: the inner write belongs to the rolled-back outer transaction", n)
		}
	})

	t.Run("InnerErrorHandledOuterCommits", func(t *testing.T) {
		err := database.InTx(ctx, db, func(outer context.Context) error {
			if _, err := mustFor(t, outer, db).Insert(newOrg("outer")).Exec(outer); err != nil {
				return err
			}
			if err := database.InTx(outer, db, func(context.Context) error { return boom }); !errors.Is(err, boom) {
				t.Errorf("got %v from the inner call, want its error", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t); n != 2 {
			t.Errorf("got %d rows, want 2", n)
		}
	})

	t.Run("ConnWithoutTx", func(t *testing.T) {
		if database.Conn(ctx, db) != bun.IDB(db) {
			t.Error("got a transaction from a context without one, want the database")
		}
	})
}
