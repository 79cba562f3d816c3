package database_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

func pgOnly(t *testing.T) {
	t.Helper()
	if dbtest.PostgresURL() == "" {
		t.Skip("row-level security is PostgreSQL's: set HOLDSPACE_TEST_DATABASE_URL")
	}
}

// TestEveryTenantTableHasForcedPolicy fails when a table with a tenant_id is not under a forced
// tenant policy on PostgreSQL: the list comes from the schema itself, so a new table is in it.
func TestEveryTenantTableHasForcedPolicy(t *testing.T) {
	pgOnly(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	tables, err := database.TenantTables(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) < 30 {
		t.Fatalf("the catalog lists %d tenant tables, want the schema's (more than 30): %v", len(tables), tables)
	}
	for _, table := range tables {
		var row struct {
			Enabled bool   `bun:"relrowsecurity"`
			Forced  bool   `bun:"relforcerowsecurity"`
			Using   string `bun:"qual"`
			Check   string `bun:"with_check"`
		}
		err := db.NewRaw(`SELECT c.relrowsecurity, c.relforcerowsecurity, COALESCE(p.qual, '') AS qual,
				COALESCE(p.with_check, '') AS with_check
			FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
			LEFT JOIN pg_policies AS p ON p.schemaname = n.nspname AND p.tablename = c.relname AND p.policyname = 'tenant_isolation'
			WHERE n.nspname = current_schema() AND c.relname = ?`, table).Scan(ctx, &row)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if !row.Enabled || !row.Forced {
			t.Errorf("%s: row-level security enabled=%v forced=%v, want both", table, row.Enabled, row.Forced)
		}
		for name, expr := range map[string]string{"USING": row.Using, "WITH CHECK": row.Check} {
			if !strings.Contains(expr, "app.tenant_id") || !strings.Contains(expr, "tenant_id") {
				t.Errorf("%s: policy tenant_isolation %s is %q, want the tenant setting", table, name, expr)
			}
		}
	}
}

// TestAppRoleOwnsNothing: the role the application connects as is no superuser, cannot bypass
// row-level security, and owns no table, so FORCE is not even needed to hold it.
func TestAppRoleOwnsNothing(t *testing.T) {
	pgOnly(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	var role struct {
		Name   string `bun:"rolname"`
		Super  bool   `bun:"rolsuper"`
		Bypass bool   `bun:"rolbypassrls"`
	}
	if err := db.NewRaw(`SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(ctx, &role); err != nil {
		t.Fatal(err)
	}
	if role.Super || role.Bypass {
		t.Errorf("application role %s: superuser=%v bypassrls=%v, want neither", role.Name, role.Super, role.Bypass)
	}
	n, err := db.NewSelect().TableExpr("pg_tables").Where("schemaname = current_schema() AND tableowner = current_user").Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("application role %s owns %d tables, want 0", role.Name, n)
	}
	if _, err := db.NewRaw("CREATE TABLE sneaky (id TEXT)").Exec(ctx); err == nil {
		t.Error("the application role created a table; it must not change the schema")
	}
	if _, err := db.NewRaw("DELETE FROM bun_migrations").Exec(ctx); err == nil {
		t.Error("the application role deleted the migrations' record")
	}
}

// TestRowSecurityAloneKeepsTenantsApart switches the helper's tenant filter off: every refusal
// then comes from the database.
func TestRowSecurityAloneKeepsTenantsApart(t *testing.T) {
	pgOnly(t)
	db := dbtest.Open(t)
	owner := dbtest.Owner(t, db)
	ctxA, ctxB := newTenant(t, owner), newTenant(t, owner)
	a := insert(t, ctxA, db, "A1", "A2")
	insert(t, ctxB, db, "B1")
	database.TenantFilterOffForTest(t)

	var seen []org
	if err := mustFor(t, ctxA, db).Select(&seen).Scan(ctxA); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Errorf("tenant A with the filter off sees %d organisations, want its 2", len(seen))
	}
	for _, o := range seen {
		if !strings.HasPrefix(o.Name, "A") {
			t.Errorf("tenant A sees %s", o.Name)
		}
	}
	// A raw query with no WHERE at all, in B's scope, and with no scope at all.
	for label, ctx := range map[string]context.Context{"B": ctxB, "no scope": context.Background()} {
		var list []org
		if err := db.NewSelect().Model(&list).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		for _, o := range list {
			if strings.HasPrefix(o.Name, "A") {
				t.Errorf("%s reads tenant A's %s", label, o.Name)
			}
		}
	}
	// B cannot change or remove A's rows, nor write a row into A.
	res, err := mustFor(t, ctxB, db).Update((*org)(nil)).Set("name = 'stolen'").Where("o.id = ?", a[0].ID).Exec(ctxB)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 0 {
		t.Errorf("B updated %d of A's rows", n)
	}
	res, err = mustFor(t, ctxB, db).Delete((*org)(nil)).Where("1 = 1").Exec(ctxB)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Errorf("B's delete-everything removed %d rows, want its own 1", n)
	}
	scA, _ := database.ScopeFrom(ctxA)
	forged := newOrg("forged")
	forged.TenantID = scA.TenantID
	if _, err := db.NewInsert().Model(forged).Exec(ctxB); err == nil {
		t.Error("B inserted a row with A's tenant id")
	}
	// The named cross-tenant path sees both.
	var all []org
	if err := db.NewSelect().Model(&all).Scan(database.AcrossTenants(context.Background(), "test")); err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Errorf("across tenants: %d organisations, want A's 2 (B's was deleted)", len(all))
	}
	// A connection goes back to the pool and out again with other settings: A then B then A.
	for i := 0; i < 20; i++ {
		ctx, want := ctxA, int64(2)
		if i%2 == 1 {
			ctx, want = ctxB, 0
		}
		n, err := db.NewSelect().Model((*org)(nil)).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("round %d: %d rows, want %d", i, n, want)
		}
	}
}

// TestRoleProblems: the start-up check finds nothing wrong with the application's role and
// names what is wrong with the owner's (the test server's superuser).
func TestRoleProblems(t *testing.T) {
	pgOnly(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	if p, err := database.RoleProblems(ctx, db); err != nil || len(p) != 0 {
		t.Errorf("application role: %v, %v; want no problem", p, err)
	}
	p, err := database.RoleProblems(ctx, dbtest.Owner(t, db))
	if err != nil || len(p) < 2 || !strings.Contains(strings.Join(p, "\n"), "superuser") ||
		!strings.Contains(strings.Join(p, "\n"), "owns") {
		t.Errorf("owner role: %v, %v; want superuser and owns named", p, err)
	}
}

// TestPlatformTablesOnly: on a pool of one connection left with tenant A's settings, a
// statement said to read only platform tables keeps them (no round trip), and one that names a
// tenant table under the same claim gets the context's own settings (no tenant): A's rows stay
// A's.
func TestPlatformTablesOnly(t *testing.T) {
	pgOnly(t)
	db := dbtest.Open(t)
	owner := dbtest.Owner(t, db)
	ctxA := newTenant(t, owner)
	insert(t, ctxA, db, "A1")
	scA, _ := database.ScopeFrom(ctxA)

	var schema string
	if err := db.NewRaw("SELECT current_schema()").Scan(context.Background(), &schema); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbtest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(dbtest.AppRole)
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("pool_max_conns", "1")
	u.RawQuery = q.Encode()
	one, err := database.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()

	setting := func(ctx context.Context, query string) string {
		t.Helper()
		var v []string
		if err := one.NewRaw(query).Scan(ctx, &v); err != nil {
			t.Fatal(err)
		}
		if len(v) == 0 {
			return "(no row)"
		}
		return v[0]
	}
	plat := database.PlatformTablesOnly(context.Background())
	for round := 0; round < 3; round++ {
		if n, err := one.NewSelect().Model((*org)(nil)).Count(ctxA); err != nil || n != 1 {
			t.Fatalf("tenant A counts %d organisations (%v), want 1", n, err)
		}
		// Platform tables only: the connection keeps A's settings.
		if got := setting(plat, `SELECT current_setting('app.tenant_id', true) FROM tenants LIMIT 1`); got != scA.TenantID {
			t.Errorf("a platform statement ran with app.tenant_id %q, want the connection's %q (no round trip)", got, scA.TenantID)
		}
		// The same claim on a tenant table is not trusted.
		if n, err := one.NewSelect().Model((*org)(nil)).Count(plat); err != nil || n != 0 {
			t.Errorf("a tenant table read as platform-only counts %d organisations (%v), want 0", n, err)
		}
		if n, err := one.NewSelect().Model((*org)(nil)).Count(ctxA); err != nil || n != 1 {
			t.Fatalf("tenant A counts %d organisations (%v), want 1", n, err)
		}
		if got := setting(plat, `SELECT (SELECT count(*) FROM organisations)::text FROM tenants LIMIT 1`); got != "0" {
			t.Errorf("a sub-select of a tenant table under the platform claim counts %s organisations, want 0", got)
		}
		// Without the claim nothing changes: no scope is no tenant.
		if got := setting(context.Background(), `SELECT current_setting('app.tenant_id', true) FROM tenants LIMIT 1`); got != "" {
			t.Errorf("a statement with no scope ran with app.tenant_id %q, want none", got)
		}
	}
}
