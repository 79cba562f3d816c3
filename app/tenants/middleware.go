package tenants

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// navEIExpectations is the EI expectations' permission object: its link shows only where the
// tenant has an Early Intervention program.
const navEIExpectations = "ei_expectations"

// billingRead is the billing page's permission: its holders see the payment banners.
var billingRead = authz.Perm{Obj: "billing", Act: "read"}

// Nav is every link a tenant page can offer; each person sees those their role permits.
func Nav(slug string) []web.NavItem {
	base := "/t/" + slug
	return []web.NavItem{
		{Label: "Home", Href: base + "/", Perm: authz.Perm{Obj: "home", Act: "read"}},
		{Label: "Caseload", Href: base + "/caseload", Perm: authz.Perm{Obj: "caseload", Act: "read"}},
		{Label: "Engagements", Href: base + "/engagements", Perm: authz.Perm{Obj: "engagements", Act: "read"}},
		{Label: "EI expectations", Href: base + "/ei-expectations", Perm: authz.Perm{Obj: navEIExpectations, Act: "read"}, Secondary: true},
		{Label: "Sessions", Href: base + "/sessions", Perm: authz.Perm{Obj: "sessions", Act: "read"}},
		{Label: "Plans", Href: base + "/plans", Perm: authz.Perm{Obj: "plans", Act: "read"}},
		{Label: "Assessment instruments", Href: base + "/instruments", Perm: authz.Perm{Obj: "instruments", Act: "create"}, Secondary: true},
		{Label: "Resources", Href: base + "/resources", Perm: authz.Perm{Obj: "resources", Act: "read"}, Secondary: true},
		{Label: "Session topics and services", Href: base + "/session-lists", Perm: authz.Perm{Obj: "session_lists", Act: "read"}, Secondary: true},
		{Label: "Funders", Href: base + "/funders", Perm: authz.Perm{Obj: "organisations", Act: "create"}, Group: "Organisations"},
		{Label: "Programs", Href: base + "/programs", Perm: authz.Perm{Obj: "organisations", Act: "read"}, Group: "Organisations"},
		{Label: "Agencies", Href: base + "/agencies", Perm: authz.Perm{Obj: "organisations", Act: "create"}, Group: "Organisations"},
		{Label: "Your profile", Href: base + "/profile", Perm: authz.Perm{Obj: "profile", Act: "update"}, Group: "You"},
		{Label: "Registry", Href: base + "/registry", Perm: authz.Perm{Obj: "registry", Act: "read"}, Group: "Workforce"},
		{Label: "Requests", Href: base + "/requests", Perm: authz.Perm{Obj: "requests", Act: "read"}, Group: "Workforce"},
		{Label: "Consultants", Href: base + "/consultants", Perm: authz.Perm{Obj: "my_consultants", Act: "menu"}},
		{Label: "Budget amendments", Href: base + "/amendments", Perm: authz.Perm{Obj: "amendments", Act: "menu"}, Group: "Budget amendments"},
		{Label: "Supervision", Href: base + "/supervision", Perm: authz.Perm{Obj: "supervision", Act: "read"}, Group: "Workforce"},
		{Label: "My supervision", Href: base + "/supervision/mine", Perm: authz.Perm{Obj: "supervision_own", Act: "read"}, Group: "You"},
		{Label: "Staffing", Href: base + "/staffing", Perm: authz.Perm{Obj: "staffing", Act: "read"}, Group: "Workforce"},
		{Label: "Credentials", Href: base + "/credentials", Perm: authz.Perm{Obj: "credentials", Act: "update"}, Group: "You"},
		{Label: "Amendment inbox", Href: base + "/amendments/inbox", Perm: authz.Perm{Obj: "amendments_inbox", Act: "menu"}, Group: "Budget amendments"}, // Budget amendments: decisions
		// Issue 12: the reports page (tenant admins and funders).
		{Label: "Reports", Href: base + "/reports", Perm: authz.Perm{Obj: "reports", Act: "menu"}},
		{Label: "People", Href: base + "/people", Perm: authz.Perm{Obj: "people", Act: "read"}, Group: "Administration"},
		{Label: "Imports", Href: base + "/imports", Perm: authz.Perm{Obj: "imports", Act: "read"}, Secondary: true},
		{Label: "Exports", Href: base + "/exports", Perm: authz.Perm{Obj: "exports", Act: "read"}, Secondary: true},
		{Label: "Audit log", Href: base + "/audit", Perm: authz.Perm{Obj: "audit", Act: "read"}, Secondary: true},
		{Label: "Settings", Href: base + "/settings", Perm: authz.Perm{Obj: "settings", Act: "read"}, Group: "Administration"},
		// Issue 13: the subscription, seats and invoices (tenant admins).
		{Label: "Billing", Href: base + "/billing", Perm: billingRead, Group: "Administration"},
	}
}

// Member is the one tenant middleware. The tenant comes from the URL's slug, never from a form
// or a query; the person must hold an active membership of it, else the answer is 404, the
// same as for a tenant that does not exist. Then the role must grant perm (else 403). It puts
// the tenant scope in the request context, which every store query needs.
//
// A deleted tenant is 404 to everyone. A suspended one shows its people (only them) a page
// saying so, whatever the address. A platform admin with a live support grant (and no
// membership) is the tenant's admin for the request, with a banner on every page and
// "(support)" after their email in the audit log.
func (h *Handler) Member(perm authz.Perm) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := web.IdentityOf(c)
		if id == nil {
			return apperr.Errorf(apperr.EUNAUTHORIZED, "Please sign in.")
		}
		ctx := c.UserContext()
		tm, err := h.store.memberOf(ctx, c.Params("slug"), id.UserID)
		if err != nil {
			return err
		}
		t := &tm.Tenant
		if t.Deleted() {
			return apperr.NotFound("page")
		}
		role, orgID := tm.Role, tm.OrganisationID
		var support *web.SupportInfo
		if tm.MemberID == "" && id.IsPlatformAdmin { // no membership: a platform admin may hold a live support grant
			g, err := h.store.LiveSupportGrant(ctx, t.ID, id.UserID)
			switch apperr.Code(err) {
			case "":
				role = authz.TenantAdmin
				support = &web.SupportInfo{Until: g.ExpiresAt, Reason: g.Reason, EndURL: "/admin/tenants/" + t.ID + "/support/end"}
				c.SetUserContext(audit.WithActor(ctx, audit.Actor{ID: id.UserID, Email: id.Email + SupportSuffix,
					IP: audit.ActorFrom(ctx).IP}))
			case apperr.ENOTFOUND:
			default:
				return err
			}
		}
		h.authz.Sync(id.UserID, t.ID, role)
		if role == "" {
			return apperr.NotFound("page")
		}
		info := &web.TenantInfo{ID: t.ID, Slug: t.Slug, Name: t.Name, Status: t.Status, Support: support, ReadOnly: t.ReadOnly(database.Now())}
		// The links and banners follow the role just synced (authz.RoleGrants: a map lookup,
		// where Allowed walks casbin's matcher for each of the thirty links of the menu); the
		// page's own permission below is still Allowed.
		if h.authz.RoleGrants(role, billingRead) {
			info.BillingURL = "/t/" + t.Slug + "/billing"
			if t.Status == StatusPastDue && info.ReadOnly == "" {
				info.PayBy = t.AccessUntil
			}
		}
		web.SetTenant(c, info, database.Scope{
			TenantID: t.ID, TenantSlug: t.Slug, UserID: id.UserID, Role: role, OrganisationID: orgID})
		c.SetUserContext(withRequestTenant(c.UserContext(), t))
		if t.Suspended() {
			return suspendedPage(c, t)
		}
		var nav []web.NavItem
		for _, n := range Nav(t.Slug) {
			if !h.authz.RoleGrants(role, n.Perm) {
				continue
			}
			// The EI expectations are offered where the tenant has Early Intervention teams.
			if n.Perm.Obj == navEIExpectations && !tm.ServesEI {
				continue
			}
			nav = append(nav, n)
		}
		web.SetNav(c, nav)
		// Checked after the tenant is set, so the refusal page keeps the tenant's navigation.
		if !h.authz.Allowed(id.UserID, t.ID, perm) {
			return apperr.Errorf(apperr.EFORBIDDEN, "Your role (%s) in %s does not include this page.", authz.RoleLabel(role), t.Name)
		}
		if support == nil {
			if err := h.store.TouchTenant(c.UserContext(), t); err != nil {
				return err
			}
		}
		return c.Next()
	}
}

// suspendedPage tells a suspended tenant's people what is going on (423 Locked), whatever they
// asked for; an htmx request gets it in the page's main region.
func suspendedPage(c *fiber.Ctx, t *Tenant) error {
	if web.IsHTMX(c) {
		c.Set(web.HXRetarget, "#main-content")
		c.Set(web.HXReswap, "innerHTML")
	}
	return web.Render(c, fiber.StatusLocked, "tenants/suspended", "tenants/_suspended",
		web.View{Title: t.Name + " is suspended", D: t})
}

// RefuseWhenReadOnly stands before every write route (the server's gate, from the route
// table): while the tenant is read-only it answers with one page that says why and, to those
// who may pay, links to billing (423 Locked); nothing is written. Reads, reports and exports
// go on.
func RefuseWhenReadOnly(c *fiber.Ctx) error {
	t := web.TenantOf(c)
	if t == nil || t.ReadOnly == "" {
		return c.Next()
	}
	if web.IsHTMX(c) {
		c.Set(web.HXRetarget, "#main-content")
		c.Set(web.HXReswap, "innerHTML")
	}
	// A member of the public (a consultant request, an invitation link) reads that the
	// organisation cannot take it now, not that their administrator should pay.
	return web.Render(c, fiber.StatusLocked, "tenants/read_only", "tenants/_read_only",
		web.View{Title: t.Name + " is read-only", D: readOnlyView{TenantInfo: t, Public: web.ScopeOf(c).Role == ""}})
}

// readOnlyView is the read-only page's data.
type readOnlyView struct {
	*web.TenantInfo
	Public bool
}

// Public resolves the tenant of the URL for pages anyone may open (an invitation link): the
// tenant scope is set, without a person. A deleted tenant is 404; a suspended one says so.
func (h *Handler) Public() fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := h.store.TenantBySlug(c.UserContext(), c.Params("slug"))
		if err != nil {
			return err
		}
		if t.Deleted() {
			return apperr.NotFound("page")
		}
		info := &web.TenantInfo{ID: t.ID, Slug: t.Slug, Name: t.Name, Status: t.Status}
		if t.ReadOnly(database.Now()) != "" {
			// The public reads that it cannot be done now, not why (the tenant's payments).
			info.ReadOnly = t.Name + " cannot take requests or new people on Holdspace at the moment."
		}
		web.SetTenant(c, info, database.Scope{TenantID: t.ID, TenantSlug: t.Slug})
		c.SetUserContext(withRequestTenant(c.UserContext(), t))
		if t.Suspended() {
			return suspendedPage(c, t)
		}
		return c.Next()
	}
}

// tenantMember is the tenant of an address with what the tenant middleware needs of the
// person in it: their active membership (MemberID "" when they hold none) and whether the
// tenant serves Early Intervention (the menu's EI expectations link).
type tenantMember struct {
	Tenant         `bun:",extend"`
	MemberID       string `bun:"member_id,scanonly"`
	Role           string `bun:"member_role,scanonly"`
	OrganisationID string `bun:"member_organisation_id,scanonly"`
	ServesEI       bool   `bun:"serves_ei,scanonly"`
}

// memberOf reads the tenant of slug with userID's place in it, in one statement where every
// tenant page ran three (the person's tenants counted, the tenant read, its membership read).
// It runs under the tenant's row settings alone, the same as the page's own statements after
// it, so a connection that last served this tenant is handed out as it is: no round trip to
// switch its settings, before or after. (It used to read the person's count of tenants too,
// under the person's settings: two switches, a third of a millisecond, on every page. The
// count is now KeptTenantCount's, asked only by a page that shows the switcher.)
//
// Those settings need the tenant's id before the statement: it is remembered by slug (s.ids).
// A slug that now names another tenant is read again; one that names none is forgotten.
func (s *Store) memberOf(ctx context.Context, slug, userID string) (*tenantMember, error) {
	slug = strings.ToLower(slug)
	for range 2 {
		id, known := s.ids.Load(slug)
		if !known {
			t, err := s.TenantBySlug(ctx, slug)
			if err != nil {
				return nil, err
			}
			id = t.ID
			s.ids.Store(strings.Clone(slug), t.ID) // slug may be the request's own memory
		}
		tm := new(tenantMember)
		sctx := database.WithScope(ctx, database.Scope{TenantID: id.(string)})
		err := database.Conn(sctx, s.db).NewSelect().Model(tm).ColumnExpr("?TableColumns").
			ColumnExpr("m.id AS member_id, m.role AS member_role, m.organisation_id AS member_organisation_id").
			ColumnExpr("EXISTS (SELECT 1 FROM organisations AS o WHERE o.tenant_id = t.id AND o.kind = ? AND o.program_kind = ?) AS serves_ei",
				OrgProgram, ProgramKindEarlyIntervention).
			Join("LEFT JOIN memberships AS m ON m.tenant_id = t.id AND m.user_id = ? AND m.active", userID).
			Where("t.slug = ?", slug).Scan(sctx)
		if errors.Is(err, sql.ErrNoRows) {
			s.ids.Delete(slug)
			return nil, apperr.NotFound("tenant")
		}
		if err != nil {
			return nil, err
		}
		if tm.ID == id.(string) {
			return tm, nil
		}
		s.ids.Delete(slug) // the slug names another tenant now: read it again
	}
	return nil, fmt.Errorf("tenant %q: its id changed twice while it was read", slug)
}
