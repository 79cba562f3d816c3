// Package authz answers "may this person do this here?" with casbin: RBAC with domains, the
// domain being the tenant. Role permissions come from policies/ and are the same in every
// tenant; role assignments come from the memberships table.
//
// The enforcer holds the (user, role, tenant) links it has been told about. The tenant
// middleware reads the membership from the database on every request anyway (to check it), and
// reconciles the link with Sync before asking; so a role changed by another process is right on
// the next request, and nothing has to be loaded at start however many tenants there are.
package authz

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/holdspace/holdspace/policies"
)

// Roles.
const (
	PlatformAdmin = "platform_admin"
	TenantAdmin   = "tenant_admin"
	Funder        = "funder"
	Program       = "program"
	Consultant    = "consultant"
	Supervisor    = "supervisor"
)

// TenantRoles are the roles a membership can hold, in the order people see them.
var TenantRoles = []string{TenantAdmin, Funder, Program, Consultant, Supervisor}

// RoleLabel is the plain name of a role.
func RoleLabel(role string) string {
	switch role {
	case PlatformAdmin:
		return "Platform admin"
	case TenantAdmin:
		return "Tenant admin"
	case Funder:
		return "Funder"
	case Program:
		return "Program"
	case Consultant:
		return "Consultant"
	case Supervisor:
		return "Supervisor"
	}
	return role
}

// IsTenantRole reports whether role can be held in a tenant.
func IsTenantRole(role string) bool {
	for _, r := range TenantRoles {
		if r == role {
			return true
		}
	}
	return false
}

// NeedsOrganisation reports whether a role is bound to one organisation, and of which kind.
func NeedsOrganisation(role string) (kind string, ok bool) {
	switch role {
	case Funder:
		return "funder", true
	case Program:
		return "program", true
	}
	return "", false
}

// PlatformDomain is the domain of the platform console.
const PlatformDomain = "platform"

// Perm is a permission: an action on an object.
type Perm struct{ Obj, Act string }

func (p Perm) String() string { return p.Obj + ":" + p.Act }

// Authorizer checks permissions. The matcher in policies/model.conf compares object and action
// before it asks the role manager, so a check costs the same however many tenants and people
// there are (see the benchmark).
type Authorizer struct {
	e *casbin.SyncedEnforcer
	// grants are the role table's rules, for RoleGrants: the rules never change after NewFrom
	// (only who holds which role does), and every page asks it once per link of its menu.
	grants map[[3]string]bool
}

// New builds the authorizer from the embedded policies.
func New() (*Authorizer, error) {
	return NewFrom(policies.Model, policies.Roles)
}

// NewFrom builds an authorizer from a model and a role table (for tests over other policies).
func NewFrom(modelText, roles string) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policies/model.conf: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m)
	if err != nil {
		return nil, err
	}
	e.EnableAutoSave(false)
	rules, err := ParseRoles(roles)
	if err != nil {
		return nil, err
	}
	if _, err := e.AddPolicies(rules); err != nil {
		return nil, err
	}
	grants := make(map[[3]string]bool, len(rules))
	for _, r := range rules {
		grants[[3]string{r[0], r[1], r[2]}] = true
	}
	return &Authorizer{e: e, grants: grants}, nil
}

// ParseRoles reads "p, role, obj, act" lines; blank lines and # comments are skipped.
func ParseRoles(text string) ([][]string, error) {
	var rules [][]string
	sc := bufio.NewScanner(strings.NewReader(text))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		if len(parts) != 4 || parts[0] != "p" || parts[1] == "" || parts[2] == "" || parts[3] == "" {
			return nil, fmt.Errorf("policies/roles.csv line %d: want \"p, role, object, action\", got %q", n, line)
		}
		if parts[1] != PlatformAdmin && !IsTenantRole(parts[1]) {
			return nil, fmt.Errorf("policies/roles.csv line %d: unknown role %q", n, parts[1])
		}
		rules = append(rules, parts[1:])
	}
	return rules, sc.Err()
}

// Allowed reports whether user may do perm in domain (a tenant id, or PlatformDomain).
//
// It is the model's matcher (policies/model.conf: the object and action of a rule of one of
// the user's roles in the domain) read directly: casbin's role manager for the roles the user
// holds in the domain, the role table (RoleGrants) for the rule. Enforce evaluated the matcher
// as an expression over every rule, 60 µs and 419 allocations a check, a sixth of a page's
// memory (issue 14). TestAllowedIsEnforce holds the two to the same answers.
func (a *Authorizer) Allowed(userID, domain string, perm Perm) bool {
	for _, role := range a.e.GetRolesForUserInDomain(userID, domain) {
		if a.RoleGrants(role, perm) {
			return true
		}
	}
	return false
}

// Sync makes the enforcer hold exactly role for user in domain ("" for none). It is cheap when
// nothing changed, which is nearly always.
func (a *Authorizer) Sync(userID, domain, role string) {
	have := a.e.GetRolesForUserInDomain(userID, domain)
	if role != "" && len(have) == 1 && have[0] == role {
		return
	}
	if role == "" && len(have) == 0 {
		return
	}
	for _, r := range have {
		a.e.DeleteRoleForUserInDomain(userID, r, domain) //nolint:errcheck // in-memory
	}
	if role != "" {
		a.e.AddRoleForUserInDomain(userID, role, domain) //nolint:errcheck // in-memory
	}
}

// RoleGrants reports whether role is granted perm by the role table (for nav links and the
// start-up check of the route table).
func (a *Authorizer) RoleGrants(role string, perm Perm) bool {
	return a.grants[[3]string{role, perm.Obj, perm.Act}]
}

// Known reports whether any role is granted perm.
func (a *Authorizer) Known(perm Perm) bool {
	for _, r := range append([]string{PlatformAdmin}, TenantRoles...) {
		if a.RoleGrants(r, perm) {
			return true
		}
	}
	return false
}
