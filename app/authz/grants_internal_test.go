package authz

import "testing"

// tablePerms is an authorizer on the embedded policies, its rules, and every object and action
// the role table names plus one it does not.
func tablePerms(t *testing.T) (*Authorizer, [][]string, map[Perm]bool) {
	t.Helper()
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
	return a, rules, perms
}

// TestRoleGrantsIsTheEnforcers: the role table kept for RoleGrants answers as the enforcer's
// own policy does, for every role and every object and action the table names, granted or not.
func TestRoleGrantsIsTheEnforcers(t *testing.T) {
	a, rules, perms := tablePerms(t)
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

// TestAllowedIsEnforce: Allowed, which reads the user's roles in the domain and the role
// table, answers as casbin's Enforce (the model's matcher) does: for every role, in its own
// domain, in another tenant, in the platform's, after the role changes and after it is taken
// away, for every object and action the table names and one it does not.
func TestAllowedIsEnforce(t *testing.T) {
	a, _, perms := tablePerms(t)
	domains := []string{"tenant-a", "tenant-b", PlatformDomain}
	users := []string{"nobody"}
	for _, role := range TenantRoles {
		u := "user-" + role
		a.Sync(u, "tenant-a", role)
		users = append(users, u)
	}
	a.Sync("admin", PlatformDomain, PlatformAdmin)
	a.Sync("moved", "tenant-a", Consultant)
	a.Sync("moved", "tenant-a", Supervisor) // Sync replaces the role
	a.Sync("gone", "tenant-b", TenantAdmin)
	a.Sync("gone", "tenant-b", "") // and takes it away
	users = append(users, "admin", "moved", "gone")
	allowed := 0
	for _, u := range users {
		for _, d := range domains {
			for p := range perms {
				want, err := a.e.Enforce(u, d, p.Obj, p.Act)
				if err != nil {
					t.Fatal(err)
				}
				if got := a.Allowed(u, d, p); got != want {
					t.Errorf("Allowed(%s, %s, %s) = %v, Enforce says %v", u, d, p, got, want)
				}
				if want {
					allowed++
				}
			}
		}
	}
	if allowed == 0 {
		t.Fatal("nothing was allowed: the test compares nothing")
	}
}
