package tenants_test

import (
	"context"
	"sync"
	"testing"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/tenants"
)

// TestMembersChangedHooks: a member added, given another role, deactivated or reactivated tells
// the hooks (billing's seat sync) once the change commits; a change that changes nothing (or is
// refused) does not.
func TestMembersChangedHooks(t *testing.T) {
	e := newEnv(t)
	svc := tenants.NewService(e.db, e.store, e.acc, audit.New(e.db), mail.New(e.db, nil, nil, "x@y.z"), "http://holdspace.test")
	var mu sync.Mutex
	var calls []string
	svc.OnMembersChanged(func(_ context.Context, tenantID string) {
		mu.Lock()
		calls = append(calls, tenantID)
		mu.Unlock()
	})
	took := func(want int, what string) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if len(calls) != want {
			t.Fatalf("after %s: %d calls of the hooks, want %d", what, len(calls), want)
		}
	}
	ctx := e.tenant(t, "m-"+dbtest.RandomHex(3), "M")
	admin, ada := e.user(t, "admin.m"+dbtest.RandomHex(3)+"@example.org"), e.user(t, "ada.m"+dbtest.RandomHex(3)+"@example.org")
	if _, err := svc.AddMember(ctx, admin.ID, authz.TenantAdmin, ""); err != nil {
		t.Fatal(err)
	}
	took(1, "adding the admin")
	m, err := svc.AddMember(ctx, ada.ID, authz.Consultant, "")
	if err != nil {
		t.Fatal(err)
	}
	took(2, "adding a consultant")
	if calls[1] != m.TenantID {
		t.Fatalf("the hook was told tenant %q, want %q", calls[1], m.TenantID)
	}
	if _, err := svc.ChangeRole(ctx, m.ID, tenants.ChangeRoleInput{Role: authz.Consultant}); err != nil {
		t.Fatal(err)
	}
	took(2, "giving the same role again")
	if _, err := svc.ChangeRole(ctx, m.ID, tenants.ChangeRoleInput{Role: authz.Supervisor}); err != nil {
		t.Fatal(err)
	}
	took(3, "a change of role")
	if _, err := svc.DeactivateMember(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	took(4, "deactivating")
	if _, err := svc.DeactivateMember(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	took(4, "deactivating again")
	if _, err := svc.ReactivateMember(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	took(5, "reactivating")
}
