package main

import (
	"fmt"
	"strings"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/demo"
)

// The load people and their password are the load seed's (demo.SeedLoad, run by
// `holdspace benchdata`).
const loadPassword = demo.LoadPassword

// loadPeople is each tenant role's person in a load tenant: the volume tenant's, or a small
// tenant's (small-0001 … small-1000).
func loadPeople(slug string) map[string]string { return demo.LoadPeople(slug) }

// roleOrder is the order of the table's rows for one page: the tenant admin first.
var roleOrder = []string{authz.TenantAdmin, authz.Consultant, authz.Supervisor, authz.Program, authz.Funder, anonymous}

// anonymous is the "role" of a public page's visitor, who does not sign in.
const anonymous = "anonymous"

// parsePeople reads -people: "role=email,role=email", which replaces the load people (to drive
// the demo data, say, whose people have other addresses).
func parsePeople(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		role, email, ok := strings.Cut(kv, "=")
		if !ok || !authz.IsTenantRole(role) || !strings.Contains(email, "@") {
			return nil, fmt.Errorf("-people: %q is not role=email with a tenant role (%s)", kv, strings.Join(authz.TenantRoles, ", "))
		}
		out[role] = email
	}
	return out, nil
}

// selectRoles keeps the roles named in -roles (all when empty), in the table's order.
func selectRoles(people map[string]string, only string) []string {
	want := map[string]bool{}
	for _, r := range strings.Split(only, ",") {
		if r = strings.TrimSpace(r); r != "" {
			want[r] = true
		}
	}
	var out []string
	for _, r := range roleOrder {
		if _, ok := people[r]; (ok || r == anonymous) && (len(want) == 0 || want[r]) {
			out = append(out, r)
		}
	}
	return out
}
