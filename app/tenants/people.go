package tenants

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// People management: list and filter a tenant's people, change a person's role or
// organisation, deactivate and reactivate them, resend and revoke invitations.

// Member statuses, for the filter.
const (
	MemberActive      = "active"
	MemberDeactivated = "deactivated"
)

// PeopleFilter narrows the people list. Every field is optional.
type PeopleFilter struct {
	Role           string // a tenant role
	OrganisationID string
	Status         string // MemberActive, MemberDeactivated or "" for both
	Q              string // part of a name or an email
}

// PeopleLimit is how many people one listing shows; a filter narrows a longer list.
const PeopleLimit = 500

// People lists the tenant's memberships with their people, by name, narrowed by f. It returns
// at most PeopleLimit rows, and whether more matched.
func (s *Store) People(ctx context.Context, f PeopleFilter) ([]Member, bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, false, err
	}
	var list []Member
	q := peopleQuery(t.Select((*Membership)(nil)).Apply(memberColumns), f)
	err = q.OrderExpr("u.name, u.email").Limit(PeopleLimit+1).Scan(ctx, &list)
	more := len(list) > PeopleLimit
	if more {
		list = list[:PeopleLimit]
	}
	return list, more, err
}

// PeoplePageSize is how many people a page of the people list shows.
const PeoplePageSize = 50

// PeoplePage is one page of the people list and the cursors of the pages around it.
type PeoplePage struct {
	Members    []Member
	Next, Prev string
}

// Cursor is the member's keyset position in the people list (name~email~id).
func (m *Member) Cursor() string { return web.Cursor(m.Name, m.Email, m.ID) }

// PeoplePage returns a page of the tenant's people by (name, email, id), narrowed by f,
// after (or before) the cursor of k: one statement, whatever the page's depth.
func (s *Store) PeoplePage(ctx context.Context, f PeopleFilter, k web.Keyset, limit int) (*PeoplePage, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = PeoplePageSize
	}
	q := peopleQuery(t.Select((*Membership)(nil)).Apply(memberColumns), f)
	keys, _, ok := k.Keys(3)
	if ok && !database.IsID(keys[2]) {
		ok, k = false, web.Keyset{}
	}
	op, order := k.Comparison(3, false)
	if ok {
		q = q.Where("(u.name, u.email, m.id) "+op+" (?, ?, ?)", keys[0], keys[1], keys[2])
	}
	var list []Member
	if err := q.OrderExpr("u.name "+order+", u.email "+order+", m.id "+order).Limit(int64(limit+1)).Scan(ctx, &list); err != nil {
		return nil, err
	}
	p := &PeoplePage{}
	p.Members, p.Next, p.Prev = web.KeysetPage(k, 3, list, limit, (*Member).Cursor)
	return p, nil
}

// peopleQuery narrows q (memberships with their people) by f.
func peopleQuery(q *bun.SelectQuery, f PeopleFilter) *bun.SelectQuery {
	if authz.IsTenantRole(f.Role) {
		q = q.Where("m.role = ?", f.Role)
	}
	if f.OrganisationID != "" {
		q = q.Where("m.organisation_id = ?", f.OrganisationID)
	}
	switch f.Status {
	case MemberActive:
		q = q.Where("m.active")
	case MemberDeactivated:
		q = q.Where("NOT m.active")
	}
	if s := strings.ToLower(strings.TrimSpace(f.Q)); s != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(s) + "%"
		q = q.Where("(LOWER(u.name) LIKE ? OR LOWER(u.email) LIKE ?)", like, like)
	}
	return q
}

func memberColumns(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("m.*, u.email, u.name, COALESCE(o.name, '') AS organisation_name").
		Join("JOIN users AS u ON u.id = m.user_id").
		Join("LEFT JOIN organisations AS o ON o.tenant_id = m.tenant_id AND o.id = m.organisation_id")
}

// MemberByID returns one membership of the tenant with its person, or ENOTFOUND.
func (s *Store) MemberByID(ctx context.Context, id string) (*Member, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("person")
	}
	m := new(Member)
	err = t.Select((*Membership)(nil)).Apply(memberColumns).Where("m.id = ?", id).Scan(ctx, m)
	return m, notFound(err, "person")
}

// InvitationByID returns one invitation of the tenant, or ENOTFOUND.
func (s *Store) InvitationByID(ctx context.Context, id string) (*Invitation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("invitation")
	}
	inv := new(Invitation)
	err = t.Select(inv).Where("i.id = ?", id).Scan(ctx)
	return inv, notFound(err, "invitation")
}

// lockTenant takes the tenant's row lock for the rest of the transaction (PostgreSQL; SQLite
// has one writer anyway), so that two admins changing people at once cannot both pass the
// "last tenant admin" check.
func (s *Store) lockTenant(ctx context.Context, tenantID string) error {
	_, err := database.Conn(ctx, s.db).NewUpdate().TableExpr("tenants").Set("updated_at = updated_at").
		Where("id = ?", tenantID).Exec(ctx)
	return err
}

// countActiveAdmins counts the tenant's active tenant admins.
func (s *Store) countActiveAdmins(ctx context.Context) (int, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return 0, err
	}
	n, err := t.Select((*Membership)(nil)).Where("m.active AND m.role = ?", authz.TenantAdmin).Count(ctx)
	return int(n), err
}

// lastAdmin is the refusal to leave a tenant without an active admin.
func lastAdmin(m *Member, what string) error {
	who := m.Name
	if who == "" {
		who = m.Email
	}
	return apperr.Errorf(apperr.ECONFLICT, "%s is the last active tenant admin, so they cannot be %s. "+
		"Make someone else a tenant admin first.", who, what)
}

// ChangeRoleInput is what the person page's form sends.
type ChangeRoleInput struct {
	Role, OrganisationID string
}

// ChangeRole gives a member another role or organisation. Funder and program roles must name
// an organisation of that kind; other roles have none.
//
// Errors: ENOTFOUND; EINVALID naming the field; ECONFLICT for the last active tenant admin.
func (s *Service) ChangeRole(ctx context.Context, memberID string, in ChangeRoleInput) (*Member, error) {
	var m *Member
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		sc, err := database.ScopeFrom(ctx)
		if err != nil {
			return err
		}
		if err := s.store.lockTenant(ctx, sc.TenantID); err != nil {
			return err
		}
		if m, err = s.store.MemberByID(ctx, memberID); err != nil {
			return err
		}
		if msg := s.store.checkRole(ctx, in.Role, in.OrganisationID); msg != nil {
			return apperr.Invalid(msg)
		}
		if _, bound := authz.NeedsOrganisation(in.Role); !bound {
			in.OrganisationID = ""
		}
		if in.Role == m.Role && in.OrganisationID == m.OrganisationID {
			return nil
		}
		if m.Active && m.Role == authz.TenantAdmin && in.Role != authz.TenantAdmin {
			n, err := s.store.countActiveAdmins(ctx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return lastAdmin(m, "given another role")
			}
		}
		before := describeRole(ctx, s.store, m.Role, m.OrganisationID)
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		m.Role, m.OrganisationID, m.UpdatedAt = in.Role, in.OrganisationID, database.Now()
		if _, err := t.Update(&m.Membership).Column("role", "organisation_id", "updated_at").WherePK().Exec(ctx); err != nil {
			return err
		}
		after := describeRole(ctx, s.store, m.Role, m.OrganisationID)
		s.MembersChanged(ctx, sc.TenantID)
		forgetPersonTenants(ctx, m.UserID)
		return s.audit.Record(ctx, "membership.update", "membership", m.ID, fmt.Sprintf("%s: %s → %s", m.Email, before, after))
	})
	if err != nil {
		return nil, err
	}
	return s.store.MemberByID(ctx, memberID)
}

// describeRole is a role with its organisation, for the audit log.
func describeRole(ctx context.Context, store *Store, role, orgID string) string {
	d := authz.RoleLabel(role)
	if orgID != "" {
		if o, err := store.Organisation(ctx, orgID); err == nil {
			d += " (" + o.Name + ")"
		}
	}
	return d
}

// DeactivateMember ends a person's membership of the tenant: they can no longer open it, at once
// (the tenant middleware reads the membership on every request, so a signed-in browser gets
// "not found" from its next request). Only this tenant's access ends: their sessions stay, for
// the other tenants they work in. Their records stay. Deactivating someone already deactivated
// changes nothing.
//
// Errors: ENOTFOUND; ECONFLICT for the last active tenant admin or for oneself.
func (s *Service) DeactivateMember(ctx context.Context, memberID string) (*Member, error) {
	var m *Member
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		sc, err := database.ScopeFrom(ctx)
		if err != nil {
			return err
		}
		if err := s.store.lockTenant(ctx, sc.TenantID); err != nil {
			return err
		}
		if m, err = s.store.MemberByID(ctx, memberID); err != nil {
			return err
		}
		if !m.Active {
			return nil
		}
		if m.UserID == sc.UserID {
			return apperr.Errorf(apperr.ECONFLICT, "You cannot deactivate yourself. Ask another tenant admin to do it.")
		}
		if m.Role == authz.TenantAdmin {
			n, err := s.store.countActiveAdmins(ctx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return lastAdmin(m, "deactivated")
			}
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		m.Active, m.UpdatedAt = false, database.Now()
		if _, err := t.Update(&m.Membership).Column("active", "updated_at").WherePK().Exec(ctx); err != nil {
			return err
		}
		forgetPersonTenants(ctx, m.UserID)
		s.MembersChanged(ctx, sc.TenantID)
		return s.audit.Record(ctx, "membership.deactivate", "membership", m.ID, m.Email+", access to this tenant ended")
	})
	return m, err
}

// ReactivateMember gives a deactivated person back their membership, with the role they had.
//
// Errors: ENOTFOUND.
func (s *Service) ReactivateMember(ctx context.Context, memberID string) (*Member, error) {
	var m *Member
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if m, err = s.store.MemberByID(ctx, memberID); err != nil {
			return err
		}
		if m.Active {
			return nil
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		m.Active, m.UpdatedAt = true, database.Now()
		if _, err := t.Update(&m.Membership).Column("active", "updated_at").WherePK().Exec(ctx); err != nil {
			return err
		}
		forgetPersonTenants(ctx, m.UserID)
		s.MembersChanged(ctx, t.ID)
		return s.audit.Record(ctx, "membership.reactivate", "membership", m.ID, m.Email+" as "+m.Role)
	})
	return m, err
}

// ResendInvitation sends a new link for an invitation that was not accepted; the old link
// stops working.
//
// Errors: ENOTFOUND; ECONFLICT when it was accepted, or the person is already a member.
func (s *Service) ResendInvitation(ctx context.Context, id string) (*Invitation, error) {
	var inv *Invitation
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		old, err := s.store.InvitationByID(ctx, id)
		if err != nil {
			return err
		}
		if old.AcceptedAt != nil {
			return apperr.Errorf(apperr.ECONFLICT, "The invitation to %s was accepted: there is nothing to resend.", old.Email)
		}
		// Invite revokes the pending invitations to the same email, this one included.
		if inv, err = s.Invite(ctx, InviteInput{Email: old.Email, Name: old.Name, Role: old.Role, OrganisationID: old.OrganisationID}); err != nil {
			return err
		}
		return s.audit.Record(ctx, "invitation.resend", "invitation", inv.ID, old.Email+", replaces "+old.ID)
	})
	return inv, err
}

// RevokeInvitation stops an invitation's link from working. Revoking it twice changes nothing.
//
// Errors: ENOTFOUND; ECONFLICT when it was accepted.
func (s *Service) RevokeInvitation(ctx context.Context, id string) (*Invitation, error) {
	var inv *Invitation
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if inv, err = s.store.InvitationByID(ctx, id); err != nil {
			return err
		}
		if inv.AcceptedAt != nil {
			return apperr.Errorf(apperr.ECONFLICT, "The invitation to %s was already accepted. To remove the person, deactivate them.", inv.Email)
		}
		if inv.RevokedAt != nil {
			return nil
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		now := database.Now()
		inv.RevokedAt = &now
		if _, err := t.Update(inv).Column("revoked_at").WherePK().Where("i.revoked_at IS NULL").Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "invitation.revoke", "invitation", inv.ID, inv.Email)
	})
	return inv, err
}
