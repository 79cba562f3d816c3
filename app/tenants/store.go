package tenants

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/recent"
)

// Store reads and writes tenants, organisations, memberships and invitations.
type Store struct {
	db  *bun.DB
	ids sync.Map // a tenant's id by its slug, for the tenant middleware (memberOf)
}

// NewStore returns the store on db.
func NewStore(db *bun.DB) *Store { return &Store{db: db} }

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// TenantBySlug returns the tenant with slug, or ENOTFOUND. (Tenants are not tenant-owned: this
// is how the middleware finds the tenant of the URL.)
func (s *Store) TenantBySlug(ctx context.Context, slug string) (*Tenant, error) {
	ctx = database.PlatformTablesOnly(ctx) // every tenant page starts with it
	t := new(Tenant)
	err := database.Conn(ctx, s.db).NewSelect().Model(t).Where("t.slug = ?", strings.ToLower(slug)).Scan(ctx)
	return t, notFound(err, "tenant")
}

// TenantByID returns the tenant with id, or ENOTFOUND.
func (s *Store) TenantByID(ctx context.Context, id string) (*Tenant, error) {
	ctx = database.PlatformTablesOnly(ctx)
	t := new(Tenant)
	err := database.Conn(ctx, s.db).NewSelect().Model(t).Where("t.id = ?", id).Scan(ctx)
	return t, notFound(err, "tenant")
}

// RequestTenant is the tenant of ctx's scope as the tenant middleware (Member) read it at the
// start of the request, a copy; outside such a request, or for another tenant, it reads the row
// (TenantByID). For pages that only read the tenant's settings: most pages had read the same
// row a second time (issue 14). A change to the tenant reads it in its own transaction.
func (s *Store) RequestTenant(ctx context.Context) (*Tenant, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if t, ok := ctx.Value(requestTenantKey{}).(*Tenant); ok && t.ID == sc.TenantID {
		cp := *t
		return &cp, nil
	}
	return s.TenantByID(ctx, sc.TenantID)
}

// requestTenantKey holds the tenant the middleware read, in the request's context.
type requestTenantKey struct{}

// withRequestTenant is ctx carrying t for RequestTenant.
func withRequestTenant(ctx context.Context, t *Tenant) context.Context {
	return context.WithValue(ctx, requestTenantKey{}, t)
}

// CreateTenant inserts a tenant; ECONFLICT when the slug is taken.
func (s *Store) CreateTenant(ctx context.Context, t *Tenant) error {
	now := database.Now()
	t.Slug = strings.ToLower(strings.TrimSpace(t.Slug))
	if t.StateFYStartMonth == 0 {
		t.StateFYStartMonth = 7 // July, the state fiscal year
	}
	if t.FederalFYStartMonth == 0 {
		t.FederalFYStartMonth = 10 // October, the federal fiscal year (MIECHV)
	}
	if t.ID == "" {
		t.ID = database.NewID()
	}
	t.CreatedAt, t.UpdatedAt = now, now
	if t.AccessUntil == nil && t.TrialEndsAt != nil && t.Status == StatusTrial {
		t.AccessUntil = t.TrialEndsAt // until billing says otherwise, the trial decides
	}
	_, err := database.Conn(ctx, s.db).NewInsert().Model(t).Exec(ctx)
	if database.IsUniqueViolation(err) {
		return apperr.Errorf(apperr.ECONFLICT, "The address /t/%s is already taken.", t.Slug)
	}
	return err
}

// Access is what app/billing decides for a tenant: its status and plan as the platform console
// and the layout show them, and until when its people may write (nil: no limit).
type Access struct {
	Status, Plan string
	Until        *time.Time
	Reason       string
}

// SetAccess records the tenant's access (app/billing, in its transaction). A suspended tenant
// keeps the status "suspended" until it is reactivated.
func (s *Store) SetAccess(ctx context.Context, tenantID string, a Access) error {
	q := database.Conn(ctx, s.db).NewUpdate().Table("tenants").
		Set("access_until = ?", a.Until).Set("access_reason = ?", a.Reason).Set("updated_at = ?", database.Now())
	if a.Status != "" {
		q = q.Set("status = CASE WHEN suspended_at IS NULL THEN ? ELSE status END", a.Status)
	}
	if a.Plan != "" {
		q = q.Set("plan = ?", a.Plan)
	}
	_, err := q.Where("id = ?", tenantID).Exec(ctx)
	return err
}

// TouchTenant records that the tenant was used, at most once an hour.
func (s *Store) TouchTenant(ctx context.Context, t *Tenant) error {
	now := database.Now()
	if t.LastActiveAt != nil && now.Sub(*t.LastActiveAt) < time.Hour {
		return nil
	}
	t.LastActiveAt = &now
	_, err := s.db.NewUpdate().Model(t).Column("last_active_at").WherePK().Exec(ctx)
	return err
}

// ActiveMembership returns userID's active membership of tenantID, or ENOTFOUND. It runs before
// the scope exists (it decides the scope), so it names the tenant itself.
func (s *Store) ActiveMembership(ctx context.Context, tenantID, userID string) (*Membership, error) {
	m := new(Membership)
	ctx = database.WithScope(ctx, database.Scope{TenantID: tenantID})
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	err = t.Select(m).Where("m.user_id = ? AND m.active", userID).Scan(ctx)
	return m, notFound(err, "membership")
}

// PersonTenant is one of a person's tenants, for the switcher.
type PersonTenant struct {
	Slug, Name, Role string
}

// TenantsOf lists the tenants userID is an active member of, by name (deleted tenants left out).
func (s *Store) TenantsOf(ctx context.Context, userID string) ([]PersonTenant, error) {
	var out []PersonTenant
	err := s.db.NewSelect().TableExpr("memberships AS m").Join("JOIN tenants AS t ON t.id = m.tenant_id").
		ColumnExpr("t.slug, t.name, m.role").Where("m.user_id = ? AND m.active AND t.deleted_at IS NULL", userID).
		OrderExpr("t.name").Scan(database.WithPerson(ctx, userID), &out)
	return out, err
}

// KeptTenantsMaxAge is how long KeptTenantsOf keeps a person's list of tenants.
const KeptTenantsMaxAge = time.Minute

// personTenants are the lists KeptTenantsOf keeps, by person ("userID|"), for the process: one
// set however many Stores are made. personTenantsBound bounds it (a state's workforce is a few
// thousand people).
var personTenants recent.Cache[[]PersonTenant]

const personTenantsBound = 20_000

// KeptTenantsOf is TenantsOf kept a minute per person: the tenant home page's "your other
// tenants" and, counted, every page's "Switch tenant" link (KeptTenantCount). Read fresh, it
// ran under the person's row settings, which switched the connection's settings away from the
// tenant's and back: two round trips on every page. A membership added, given another role,
// deactivated or reactivated in this process forgets the person's list once it commits
// (forgetPersonTenants); a tenant renamed or deleted, or a change made by another process,
// shows within the minute. The list is shared: callers must not change it. The tenant switcher
// (/tenants) reads TenantsOf itself, so it lists the person's tenants as they are.
func (s *Store) KeptTenantsOf(ctx context.Context, userID string) ([]PersonTenant, error) {
	l, _, err := personTenants.Get(ctx, userID+"|", KeptTenantsMaxAge, personTenantsBound, func(ctx context.Context) ([]PersonTenant, error) {
		return s.TenantsOf(ctx, userID)
	})
	return l, err
}

// KeptTenantCount is how many tenants userID belongs to, from KeptTenantsOf: what the layout
// asks for its "Switch tenant" link.
func (s *Store) KeptTenantCount(ctx context.Context, userID string) (int, error) {
	l, err := s.KeptTenantsOf(ctx, userID)
	return len(l), err
}

// forgetPersonTenants drops userID's kept list (KeptTenantsOf) once ctx's transaction commits.
func forgetPersonTenants(ctx context.Context, userID string) {
	database.AfterCommit(ctx, func(context.Context) { personTenants.Delete(userID + "|") })
}

// organisationsFor narrows organisations to what the scope's role may see: funder and
// program people see their own organisation.
func organisationsFor(sc database.Scope) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if _, bound := authz.NeedsOrganisation(sc.Role); bound {
			return q.Where("o.id = ?", sc.OrganisationID)
		}
		return q
	}
}

// Organisations lists the tenant's organisations the caller may see, by kind then name.
func (s *Store) Organisations(ctx context.Context) ([]Organisation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	var list []Organisation
	err = t.Select(&list).Apply(organisationsFor(sc)).OrderExpr("o.kind, o.name").Scan(ctx)
	return list, err
}

// OrganisationsOfKind lists the tenant's organisations of one kind (for pickers).
func (s *Store) OrganisationsOfKind(ctx context.Context, kind string) ([]Organisation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Organisation
	err = t.Select(&list).Where("o.kind = ?", kind).OrderExpr("o.name").Scan(ctx)
	return list, err
}

// Organisation returns one organisation the caller may see, or ENOTFOUND.
func (s *Store) Organisation(ctx context.Context, id string) (*Organisation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("organisation")
	}
	sc, _ := database.ScopeFrom(ctx)
	o := new(Organisation)
	err = t.Select(o).Apply(organisationsFor(sc)).Where("o.id = ?", id).Scan(ctx)
	return o, notFound(err, "organisation")
}

// CreateOrganisation adds an organisation to the tenant; ECONFLICT when one of that kind
// already has the name.
func (s *Store) CreateOrganisation(ctx context.Context, o *Organisation) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	now := database.Now()
	o.ID, o.CreatedAt, o.UpdatedAt = database.NewID(), now, now
	_, err = t.Insert(o).Exec(ctx)
	if database.IsUniqueViolation(err) {
		return apperr.Errorf(apperr.ECONFLICT, "A %s named %q already exists.", strings.ToLower(OrgKindLabel(o.Kind)), o.Name)
	}
	return err
}

// CountOrganisations counts the tenant's organisations by kind.
func (s *Store) CountOrganisations(ctx context.Context) (map[string]int, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Kind string
		N    int
	}
	if err := t.Select((*Organisation)(nil)).ColumnExpr("o.kind, COUNT(*) AS n").GroupExpr("o.kind").Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Kind] = r.N
	}
	return out, nil
}

// ProgramKindEarlyIntervention is the kind of an Early Intervention team.
const ProgramKindEarlyIntervention = "early_intervention"

// Members lists the tenant's memberships with their people, by name. orgID, if set, limits
// the list to one organisation.
func (s *Store) Members(ctx context.Context, orgID string) ([]Member, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Member
	q := t.Select((*Membership)(nil)).ColumnExpr("m.*, u.email, u.name, COALESCE(o.name, '') AS organisation_name").
		Join("JOIN users AS u ON u.id = m.user_id").
		Join("LEFT JOIN organisations AS o ON o.tenant_id = m.tenant_id AND o.id = m.organisation_id")
	if orgID != "" {
		q = q.Where("m.organisation_id = ?", orgID)
	}
	err = q.OrderExpr("u.name, u.email").Scan(ctx, &list)
	return list, err
}

// AddMember gives userID role in the tenant of ctx (bound to orgID for funder and program
// roles). A person already in the tenant gets the new role.
func (s *Store) AddMember(ctx context.Context, userID, role, orgID string) (*Membership, error) {
	if msg := s.checkRole(ctx, role, orgID); msg != nil {
		return nil, apperr.Invalid(msg)
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if _, bound := authz.NeedsOrganisation(role); !bound {
		orgID = ""
	}
	now := database.Now()
	existing := new(Membership)
	err = t.Select(existing).Where("m.user_id = ?", userID).Scan(ctx)
	switch {
	case err == nil:
		existing.Role, existing.OrganisationID, existing.Active, existing.UpdatedAt = role, orgID, true, now
		_, err = t.Update(existing).Column("role", "organisation_id", "active", "updated_at").WherePK().Exec(ctx)
		forgetPersonTenants(ctx, userID)
		return existing, err
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	m := &Membership{ID: database.NewID(), UserID: userID, Role: role, OrganisationID: orgID, Active: true,
		CreatedAt: now, UpdatedAt: now}
	_, err = t.Insert(m).Exec(ctx)
	forgetPersonTenants(ctx, userID)
	return m, err
}

// checkRole returns what is wrong with a role and organisation choice, or nil.
func (s *Store) checkRole(ctx context.Context, role, orgID string) map[string]string {
	if !authz.IsTenantRole(role) {
		return map[string]string{"role": "Choose a role from the list."}
	}
	kind, bound := authz.NeedsOrganisation(role)
	if !bound {
		return nil
	}
	if orgID == "" {
		return map[string]string{"organisation_id": "A " + strings.ToLower(authz.RoleLabel(role)) + " belongs to a " + OrgKindLabel(kind) + ": choose one."}
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return map[string]string{"organisation_id": "Choose an organisation from the list."}
	}
	n, err := t.Select((*Organisation)(nil)).Where("o.id = ? AND o.kind = ?", orgID, kind).Count(ctx)
	if err != nil || n != 1 {
		return map[string]string{"organisation_id": "Choose a " + strings.ToLower(OrgKindLabel(kind)) + " from the list."}
	}
	return nil
}

// CountMembers counts the tenant's active memberships by role.
func (s *Store) CountMembers(ctx context.Context) (map[string]int, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Role string
		N    int
	}
	if err := t.Select((*Membership)(nil)).ColumnExpr("m.role, COUNT(*) AS n").Where("m.active").GroupExpr("m.role").Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Role] = r.N
	}
	return out, nil
}

// Invitations lists the tenant's invitations, newest first.
func (s *Store) Invitations(ctx context.Context) ([]Invitation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Invitation
	err = t.Select(&list).ColumnExpr("i.*, COALESCE(o.name, '') AS organisation_name").
		Join("LEFT JOIN organisations AS o ON o.tenant_id = i.tenant_id AND o.id = i.organisation_id").
		OrderExpr("i.created_at DESC").Limit(200).Scan(ctx)
	return list, err
}

// InvitationByToken returns the tenant's pending invitation for token, or ENOTFOUND.
func (s *Store) InvitationByToken(ctx context.Context, tokenHash string) (*Invitation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	inv := new(Invitation)
	err = t.Select(inv).ColumnExpr("i.*, COALESCE(o.name, '') AS organisation_name").
		Join("LEFT JOIN organisations AS o ON o.tenant_id = i.tenant_id AND o.id = i.organisation_id").
		Where("i.token_hash = ?", tokenHash).Scan(ctx)
	if err == nil && inv.State() != "pending" {
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "This invitation has been " + inv.State() +
			". Ask your agency’s Holdspace administrator to send a new one."}
	}
	return inv, notFound(err, "invitation")
}
