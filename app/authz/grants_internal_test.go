package authz

import "testing"

// TestRoleGrantsIsTheEnforcers: the role table kept for RoleGrants answers as the enforcer's
// own policy does, for every role and every object and action the table names, granted or not.
func TestRoleGrantsIsTheEnforcers(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	rules, err := a.e.GetPolicy()
	if err != nil {
		t.Fatal(err)
	}
	perms := map[Perm]bool{{Obj: "nothing", Act: "read"}: true}
	for _, r := range rules {
		perms[Perm{Obj: r[1], Act: r[2]}] = true
	}
	n := 0
	for _, role := range append([]string{PlatformAdmin, "nobody"}, TenantRoles...) {
		for p := range perms {
			want, _ := a.e.HasPolicy(role, p.Obj, p.Act)
			if got := a.RoleGrants(role, p); got != want {
				t.Errorf("RoleGrants(%s, %s) = %v, the enforcer says %v", role, p, got, want)
			}
			if want {
				n++
			}
		}
	}
	if n != len(rules) || n == 0 {
		t.Fatalf("%d grants found for %d rules", n, len(rules))
	}
}
