package tenants_test

import (
	"context"
	"testing"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/tenants"
)

// TestKeptTenantCount: the layout's count of a person's tenants is kept a minute, so a
// membership written behind the application's back shows only later; but a membership added,
// deactivated or reactivated through the application shows at once, and a change that rolls
// back forgets nothing it should not.
func TestKeptTenantCount(t *testing.T) {
	e := newEnv(t)
	svc := tenants.NewService(e.db, e.store, e.acc, audit.New(e.db), mail.New(e.db, nil, nil, "x@y.z"), "http://holdspace.test")
	bg := context.Background()
	ctxA := e.tenant(t, "kc-a-"+dbtest.RandomHex(3), "A")
	ctxB := e.tenant(t, "kc-b-"+dbtest.RandomHex(3), "B")
	ctxC := e.tenant(t, "kc-c-"+dbtest.RandomHex(3), "C")
	ada := e.user(t, "ada.kc"+dbtest.RandomHex(3)+"@example.org")
	bob := e.user(t, "bob.kc"+dbtest.RandomHex(3)+"@example.org")
	want := func(userID string, n int, what string) {
		t.Helper()
		got, err := e.store.KeptTenantCount(bg, userID)
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Fatalf("%s: kept count %d, want %d", what, got, n)
		}
	}
	want(ada.ID, 0, "no membership yet")
	if _, err := svc.AddMember(ctxA, ada.ID, authz.Consultant, ""); err != nil {
		t.Fatal(err)
	}
	want(ada.ID, 1, "added to A")
	m, err := svc.AddMember(ctxB, ada.ID, authz.Supervisor, "")
	if err != nil {
		t.Fatal(err)
	}
	want(ada.ID, 2, "added to B")

	if _, err := svc.DeactivateMember(ctxB, m.ID); err != nil {
		t.Fatal(err)
	}
	want(ada.ID, 1, "deactivated in B")
	if _, err := svc.ReactivateMember(ctxB, m.ID); err != nil {
		t.Fatal(err)
	}
	want(ada.ID, 2, "reactivated in B")

	// Written straight to the database, as another process would: kept for the minute.
	owner := dbtest.Owner(t, e.db)
	now := database.Now()
	if _, err := owner.NewRaw("INSERT INTO memberships (id, tenant_id, user_id, role, organisation_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, '', true, ?, ?)",
		database.NewID(), tenantOf(t, ctxC), ada.ID, authz.Consultant, now, now).Exec(bg); err != nil {
		t.Fatal(err)
	}
	want(ada.ID, 2, "a membership written by another process, within the minute")
	if n, err := e.store.CountTenantsOf(bg, ada.ID); err != nil || n != 3 {
		t.Fatalf("CountTenantsOf = %d, %v; want 3 at once", n, err)
	}

	// One person's count is theirs: bob's is counted for bob, and his change forgets his own
	// (ada's stays as it was kept).
	want(bob.ID, 0, "bob, in no tenant")
	if _, err := svc.AddMember(ctxA, bob.ID, authz.Consultant, ""); err != nil {
		t.Fatal(err)
	}
	want(bob.ID, 1, "bob added to A")
	want(ada.ID, 2, "ada, after bob was added")
}

func tenantOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sc.TenantID
}
