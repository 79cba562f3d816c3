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

// TestKeptTenantsOf: a person's tenants (the home page's list, the layout's count) are kept a
// minute, so a membership written behind the application's back shows only later; but a
// membership added, given another role, deactivated or reactivated through the application
// shows at once, and so does a tenant deleted or restored.
func TestKeptTenantsOf(t *testing.T) {
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
	if _, err := svc.ChangeRole(ctxB, m.ID, tenants.ChangeRoleInput{Role: authz.Consultant}); err != nil {
		t.Fatal(err)
	}
	list, err := e.store.KeptTenantsOf(bg, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	for _, pt := range list {
		roles[pt.Slug] = pt.Role
	}
	if b := scopeOf(t, ctxB).TenantSlug; len(list) != 2 || roles[b] != authz.Consultant {
		t.Fatalf("after a change of role in %s, kept list %+v: want ada as a consultant there, in 2 tenants", b, list)
	}

	// Written straight to the database, as another process would: kept for the minute.
	owner := dbtest.Owner(t, e.db)
	now := database.Now()
	if _, err := owner.NewRaw("INSERT INTO memberships (id, tenant_id, user_id, role, organisation_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, '', true, ?, ?)",
		database.NewID(), scopeOf(t, ctxC).TenantID, ada.ID, authz.Consultant, now, now).Exec(bg); err != nil {
		t.Fatal(err)
	}
	want(ada.ID, 2, "a membership written by another process, within the minute")
	if l, err := e.store.TenantsOf(bg, ada.ID); err != nil || len(l) != 3 {
		t.Fatalf("TenantsOf = %+v, %v; want 3 tenants at once", l, err)
	}

	// One person's count is theirs: bob's is counted for bob, and his change forgets his own
	// (ada's stays as it was kept).
	want(bob.ID, 0, "bob, in no tenant")
	if _, err := svc.AddMember(ctxA, bob.ID, authz.Consultant, ""); err != nil {
		t.Fatal(err)
	}
	want(bob.ID, 1, "bob added to A")
	want(ada.ID, 2, "ada, after bob was added")

	// A tenant deleted leaves everyone's list at once, and comes back when it is restored.
	a := scopeOf(t, ctxA).TenantID
	slugA := scopeOf(t, ctxA).TenantSlug
	if _, err := svc.DeleteTenant(bg, a, slugA); err != nil {
		t.Fatal(err)
	}
	want(ada.ID, 2, "ada, A deleted (B and C left)")
	want(bob.ID, 0, "bob, A deleted")
	if _, err := svc.RestoreTenant(bg, a); err != nil {
		t.Fatal(err)
	}
	want(bob.ID, 1, "bob, A restored")
}

func scopeOf(t *testing.T, ctx context.Context) database.Scope {
	t.Helper()
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
