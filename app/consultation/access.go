package consultation

import (
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
)

// Who sees which engagement — the one rule every list and page of this package goes through,
// on top of the tenant scoping of database.For:
//
//   - a consultant: the engagements of their own profile;
//   - a supervisor: those of the consultants they supervise (app/supervision's assignments);
//   - a program user: those with their program (the organisation of their membership);
//   - a funder: those with the programs it funds (a funding of any year);
//   - a tenant admin: all of the tenant's.
//
// Anyone else sees none. A record outside the rule is "not found", never "forbidden".

// Visible narrows q — a query on a table with profile_id and program_id columns under alias —
// to the rows the scope's person may see.
func Visible(q *bun.SelectQuery, sc database.Scope, alias string) *bun.SelectQuery {
	profile := bun.Ident(alias + ".profile_id")
	program := bun.Ident(alias + ".program_id")
	switch sc.Role {
	case authz.TenantAdmin:
		return q
	case authz.Consultant:
		return q.Where("? IN (SELECT cp.id FROM consultant_profiles AS cp WHERE cp.tenant_id = ? AND cp.user_id = ?)",
			profile, sc.TenantID, sc.UserID)
	case authz.Supervisor:
		return q.Where(`? IN (SELECT cp.id FROM consultant_profiles AS cp
			JOIN supervision_assignments AS sa ON sa.tenant_id = cp.tenant_id AND sa.consultant_id = cp.user_id
			WHERE cp.tenant_id = ? AND sa.supervisor_id = ?)`, profile, sc.TenantID, sc.UserID)
	case authz.Program:
		return q.Where("? = ?", program, sc.OrganisationID)
	case authz.Funder:
		return q.Where("? IN (SELECT f.program_id FROM fundings AS f WHERE f.tenant_id = ? AND f.funder_id = ?)",
			program, sc.TenantID, sc.OrganisationID)
	default:
		return q.Where("1 = 0")
	}
}

// CanReadNotes reports whether the scope's person may read a session's notes: the consultant
// who holds the engagement, their supervisor, and tenant admins. Call it only for a session
// already found through Visible (so a consultant or supervisor seeing it is the right one).
// Every read of notes is an audit event.
func CanReadNotes(sc database.Scope) bool {
	switch sc.Role {
	case authz.TenantAdmin, authz.Consultant, authz.Supervisor:
		return true
	}
	return false
}

// SeesFocusDetails reports whether the person may see a child/family focus's initials and age
// band: not funders (they see counts and stages only).
func SeesFocusDetails(sc database.Scope) bool { return sc.Role != authz.Funder }
