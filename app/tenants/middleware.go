package tenants

import (
	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// Nav is every link a tenant page can offer; each person sees those their role permits.
func Nav(slug string) []web.NavItem {
	base := "/t/" + slug
	return []web.NavItem{
		{Label: "Home", Href: base + "/", Perm: authz.Perm{Obj: "home", Act: "read"}},
		{Label: "Organisations", Href: base + "/organisations", Perm: authz.Perm{Obj: "organisations", Act: "read"}},
		{Label: "People", Href: base + "/people", Perm: authz.Perm{Obj: "people", Act: "read"}},
		{Label: "Audit log", Href: base + "/audit", Perm: authz.Perm{Obj: "audit", Act: "read"}},
	}
}

// Member is the one tenant middleware. The tenant comes from the URL's slug, never from a form
// or a query; the person must hold an active membership of it, else the answer is 404, the
// same as for a tenant that does not exist. Then the role must grant perm (else 403). It puts
// the tenant scope in the request context, which every store query needs.
func (h *Handler) Member(perm authz.Perm) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := web.IdentityOf(c)
		if id == nil {
			return apperr.Errorf(apperr.EUNAUTHORIZED, "Please sign in.")
		}
		t, err := h.store.TenantBySlug(c.UserContext(), c.Params("slug"))
		if err != nil {
			return err
		}
		m, err := h.store.ActiveMembership(c.UserContext(), t.ID, id.UserID)
		if apperr.Code(err) == apperr.ENOTFOUND {
			h.authz.Sync(id.UserID, t.ID, "")
			return apperr.NotFound("page")
		}
		if err != nil {
			return err
		}
		h.authz.Sync(id.UserID, t.ID, m.Role)
		web.SetTenant(c, &web.TenantInfo{ID: t.ID, Slug: t.Slug, Name: t.Name, Status: t.Status}, database.Scope{
			TenantID: t.ID, TenantSlug: t.Slug, UserID: id.UserID, Role: m.Role, OrganisationID: m.OrganisationID})
		var nav []web.NavItem
		for _, n := range Nav(t.Slug) {
			if h.authz.Allowed(id.UserID, t.ID, n.Perm) {
				nav = append(nav, n)
			}
		}
		web.SetNav(c, nav)
		// Checked after the tenant is set, so the refusal page keeps the tenant's navigation.
		if !h.authz.Allowed(id.UserID, t.ID, perm) {
			return apperr.Errorf(apperr.EFORBIDDEN, "Your role (%s) in %s does not include this page.", authz.RoleLabel(m.Role), t.Name)
		}
		if err := h.store.TouchTenant(c.UserContext(), t); err != nil {
			return err
		}
		return c.Next()
	}
}

// Public resolves the tenant of the URL for pages anyone may open (an invitation link): the
// tenant scope is set, without a person.
func (h *Handler) Public() fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := h.store.TenantBySlug(c.UserContext(), c.Params("slug"))
		if err != nil {
			return err
		}
		web.SetTenant(c, &web.TenantInfo{ID: t.ID, Slug: t.Slug, Name: t.Name, Status: t.Status},
			database.Scope{TenantID: t.ID, TenantSlug: t.Slug})
		return c.Next()
	}
}
