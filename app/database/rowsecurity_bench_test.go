package database_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// BenchmarkRowSecurity measures what the second wall costs a query: one page of a tenant's
// organisations (of 20,000 in 4 tenants) through the helper, as the application's role (row-level
// security applies, and the pool writes the tenant on the connections it hands out) and as the
// owner (it does not). Two tenants take turns, so the pool's settings change as they would
// between requests. PostgreSQL only:
//
//	HOLDSPACE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test ./app/database/ -run '^$' -bench RowSecurity
func BenchmarkRowSecurity(b *testing.B) {
	if dbtest.PostgresURL() == "" {
		b.Skip("set HOLDSPACE_TEST_DATABASE_URL")
	}
	db := dbtest.Open(b)
	owner := dbtest.Owner(b, db)
	var ctxs []context.Context
	for i := 0; i < 4; i++ {
		ctx := newTenantB(b, owner)
		ctxs = append(ctxs, ctx)
		sc, _ := database.ScopeFrom(ctx)
		if _, err := owner.NewRaw(`INSERT INTO organisations (tenant_id, id, kind, name, created_at, updated_at)
			SELECT ?, gen_random_uuid()::text, 'program', 'Org ' || g, now(), now() FROM generate_series(1, 5000) AS g`, sc.TenantID).
			Exec(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := owner.Exec("ANALYZE organisations"); err != nil {
		b.Fatal(err)
	}
	for name, conn := range map[string]*bun.DB{"application role (RLS)": db, "owner (no RLS)": owner} {
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				ctx := ctxs[i%2]
				var page []org
				tn, _ := database.For(ctx, conn)
				if err := tn.Select(&page).OrderExpr("o.tenant_id, o.id").Limit(25).Scan(ctx); err != nil {
					b.Fatal(err)
				}
				if len(page) != 25 {
					b.Fatal(fmt.Sprint("got ", len(page)))
				}
			}
		})
	}
}

func newTenantB(b *testing.B, db *bun.DB) context.Context {
	now := database.Now()
	slug := "b-" + dbtest.RandomHex(4)
	tn := &tenant{ID: database.NewID(), Slug: slug, Name: slug, Kind: "state_system", State: "IL", Status: "trial",
		CreatedAt: now, UpdatedAt: now}
	if _, err := db.NewInsert().Model(tn).Exec(context.Background()); err != nil {
		b.Fatal(err)
	}
	return database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: slug})
}
