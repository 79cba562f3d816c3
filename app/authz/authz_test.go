package authz_test

import (
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/policies"
)

func newAuthorizer(t *testing.T) *authz.Authorizer {
	t.Helper()
	a, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// domainOf is where a role is held: platform admins in the platform console, the others in a
// tenant.
func domainOf(role string) string {
	if role == authz.PlatformAdmin {
		return authz.PlatformDomain
	}
	return "tenant-a"
}

var allRoles = append([]string{authz.PlatformAdmin}, authz.TenantRoles...)

// The table: every line of policies/roles.csv is allowed for its role, and each permission is
// denied to every role whose line is missing.
func TestPolicyTable(t *testing.T) {
	a := newAuthorizer(t)
	rules, err := authz.ParseRoles(policies.Roles)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, l := range strings.Split(policies.Roles, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "p,") {
			lines++
		}
	}
	if len(rules) != lines || lines == 0 {
		t.Fatalf("got %d rules from policies/roles.csv, want one per policy line (%d)", len(rules), lines)
	}
	granted := map[authz.Perm]map[string]bool{}
	for _, r := range rules {
		p := authz.Perm{Obj: r[1], Act: r[2]}
		if granted[p] == nil {
			granted[p] = map[string]bool{}
		}
		granted[p][r[0]] = true
	}
	for _, role := range allRoles {
		a.Sync("user-"+role, domainOf(role), role)
	}

	type row struct {
		role string
		perm authz.Perm
		want bool
	}
	var table []row
	for p, roles := range granted {
		denied := 0
		for _, role := range allRoles {
			table = append(table, row{role, p, roles[role]})
			if !roles[role] {
				denied++
			}
		}
		if denied == 0 {
			t.Errorf("%s is granted to every role: the table cannot show it denied", p)
		}
	}
	// Lines written out, so a change to roles.csv that drops one shows here too.
	for _, r := range []row{
		{authz.TenantAdmin, authz.Perm{Obj: "people", Act: "invite"}, true},
		{authz.Program, authz.Perm{Obj: "people", Act: "invite"}, false},
		{authz.TenantAdmin, authz.Perm{Obj: "audit", Act: "read"}, true},
		{authz.Supervisor, authz.Perm{Obj: "audit", Act: "read"}, false},
		{authz.PlatformAdmin, authz.Perm{Obj: "outbox", Act: "read"}, true},
		{authz.TenantAdmin, authz.Perm{Obj: "outbox", Act: "read"}, false},
		{authz.Funder, authz.Perm{Obj: "organisations", Act: "read"}, true},
		{authz.PlatformAdmin, authz.Perm{Obj: "home", Act: "read"}, false},
		// Billing (issue 13) is the tenant admin's and the platform admin's only.
		{authz.TenantAdmin, authz.Perm{Obj: "billing", Act: "read"}, true},
		{authz.TenantAdmin, authz.Perm{Obj: "billing", Act: "update"}, true},
		{authz.PlatformAdmin, authz.Perm{Obj: "billing", Act: "read"}, true},
		{authz.PlatformAdmin, authz.Perm{Obj: "billing", Act: "update"}, true},
	} {
		table = append(table, r)
	}
	for _, role := range []string{authz.Funder, authz.Program, authz.Consultant, authz.Supervisor} {
		for _, act := range []string{"read", "update"} {
			table = append(table, row{role, authz.Perm{Obj: "billing", Act: act}, false})
		}
	}

	for _, r := range table {
		if got := a.Allowed("user-"+r.role, domainOf(r.role), r.perm); got != r.want {
			t.Errorf("%s %s in %s: got allowed %v, want %v", r.role, r.perm, domainOf(r.role), got, r.want)
		}
		if got := a.RoleGrants(r.role, r.perm); got != r.want {
			t.Errorf("RoleGrants(%s, %s): got %v, want %v", r.role, r.perm, got, r.want)
		}
	}
}

func TestDomains(t *testing.T) {
	a := newAuthorizer(t)
	home := authz.Perm{Obj: "home", Act: "read"}
	a.Sync("alice", "tenant-a", authz.TenantAdmin)

	t.Run("OK", func(t *testing.T) {
		if !a.Allowed("alice", "tenant-a", home) {
			t.Error("got denied in her own tenant, want allowed")
		}
	})
	t.Run("DeniedInOtherTenant", func(t *testing.T) {
		if a.Allowed("alice", "tenant-b", home) {
			t.Error("got allowed in tenant-b, where she has no role, want denied")
		}
	})
	t.Run("TenantRoleNotPlatform", func(t *testing.T) {
		if a.Allowed("alice", authz.PlatformDomain, authz.Perm{Obj: "tenants", Act: "read"}) {
			t.Error("got a tenant admin allowed into the platform console, want denied")
		}
	})
	t.Run("UnknownUser", func(t *testing.T) {
		if a.Allowed("bob", "tenant-a", home) {
			t.Error("got allowed for a person with no role, want denied")
		}
	})
}

func TestSync(t *testing.T) {
	a := newAuthorizer(t)
	invite := authz.Perm{Obj: "people", Act: "invite"}
	home := authz.Perm{Obj: "home", Act: "read"}

	a.Sync("alice", "tenant-a", authz.TenantAdmin)
	a.Sync("alice", "tenant-b", authz.TenantAdmin)
	if !a.Allowed("alice", "tenant-a", invite) {
		t.Fatal("got a tenant admin denied people:invite, want allowed")
	}

	t.Run("ReplaceRole", func(t *testing.T) {
		a.Sync("alice", "tenant-a", authz.Program)
		if a.Allowed("alice", "tenant-a", invite) {
			t.Error("got people:invite still allowed after the role became program, want denied")
		}
		if !a.Allowed("alice", "tenant-a", home) {
			t.Error("got home:read denied for a program, want allowed")
		}
		if !a.Allowed("alice", "tenant-b", invite) {
			t.Error("got her role in tenant-b changed too, want it left as tenant admin")
		}
	})
	t.Run("SameRoleAgain", func(t *testing.T) {
		a.Sync("alice", "tenant-a", authz.Program)
		if !a.Allowed("alice", "tenant-a", home) || a.Allowed("alice", "tenant-a", invite) {
			t.Error("got the answer changed by syncing the same role, want it unchanged")
		}
	})
	t.Run("Remove", func(t *testing.T) {
		a.Sync("alice", "tenant-a", "")
		if a.Allowed("alice", "tenant-a", home) {
			t.Error("got home:read allowed after the role was removed, want denied")
		}
		if !a.Allowed("alice", "tenant-b", home) {
			t.Error("got her tenant-b role removed too, want it kept")
		}
	})
}

func TestParseRoles(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		rules, err := authz.ParseRoles("# comment\n\np, funder, home, read\n  p ,program,organisations , read  \n")
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(rules))
		for i, r := range rules {
			got[i] = strings.Join(r, "|")
		}
		want := "funder|home|read program|organisations|read"
		if strings.Join(got, " ") != want {
			t.Errorf("got %q, want %q", strings.Join(got, " "), want)
		}
	})
	for _, tc := range []struct {
		name, text, wantLine, wantText string
	}{
		{"ErrTooFewFields", "p, funder, home, read\np, funder, home\n", "line 2", `want "p, role, object, action"`},
		{"ErrTooManyFields", "p, funder, home, read, extra\n", "line 1", `want "p, role, object, action"`},
		{"ErrNotPolicy", "# roles\ng, funder, home, read\n", "line 2", `want "p, role, object, action"`},
		{"ErrEmptyField", "p, funder, , read\n", "line 1", `want "p, role, object, action"`},
		{"ErrUnknownRole", "p, funder, home, read\n\np, janitor, home, read\n", "line 3", `unknown role "janitor"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := authz.ParseRoles(tc.text)
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if !strings.Contains(err.Error(), tc.wantLine) || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("got %q, want it to name %s and say %s", err, tc.wantLine, tc.wantText)
			}
		})
	}
	t.Run("ErrNewFromUnknownRole", func(t *testing.T) {
		if _, err := authz.NewFrom(policies.Model, "p, janitor, home, read\n"); err == nil {
			t.Error("got an authorizer from a table with an unknown role, want an error")
		}
	})
}

func TestKnown(t *testing.T) {
	a := newAuthorizer(t)
	for _, tc := range []struct {
		perm authz.Perm
		want bool
	}{
		{authz.Perm{Obj: "home", Act: "read"}, true},
		{authz.Perm{Obj: "tenants", Act: "read"}, true}, // platform admins only
		{authz.Perm{Obj: "home", Act: "delete"}, false},
		{authz.Perm{Obj: "payroll", Act: "read"}, false},
	} {
		if got := a.Known(tc.perm); got != tc.want {
			t.Errorf("Known(%s): got %v, want %v", tc.perm, got, tc.want)
		}
	}
}
