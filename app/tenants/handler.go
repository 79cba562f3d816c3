package tenants

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the tenant pages.
type Handler struct {
	svc      *Service
	store    *Store
	authz    *authz.Authorizer
	audit    *audit.Log
	sessions *accounts.Handler
	notices  []NoticeSource // what other domains ask the person to act on (AddNotices)
	// fundersOffer words what the funders page offers a tenant to start from (app/programs
	// knows it; this package cannot import that one).
	fundersOffer func(*Tenant) string
	// dashboard is the role's dashboard on the home page (app/reports builds it; this package
	// cannot import that one).
	dashboard func(c *fiber.Ctx) (any, error)
}

// SetDashboard tells the home page how to build the signed-in person's dashboard; what it
// returns is given to the template "reports/_dashboard" (nil: no dashboard).
func (h *Handler) SetDashboard(f func(c *fiber.Ctx) (any, error)) { h.dashboard = f }

// SetFundersOffer tells the onboarding checklist how to word the funders step.
func (h *Handler) SetFundersOffer(f func(*Tenant) string) { h.fundersOffer = f }

// NewHandler returns the tenant handlers.
func NewHandler(svc *Service, az *authz.Authorizer, log *audit.Log, sessions *accounts.Handler) *Handler {
	return &Handler{svc: svc, store: svc.store, authz: az, audit: log, sessions: sessions}
}

// Landing sends a signed-in person where they work: their one tenant, the platform console,
// or the tenant switcher.
func (h *Handler) Landing(c *fiber.Ctx) error {
	id := web.IdentityOf(c)
	list, err := h.store.TenantsOf(c.UserContext(), id.UserID)
	if err != nil {
		return err
	}
	switch {
	case len(list) == 1 && !id.IsPlatformAdmin:
		return c.Redirect("/t/"+list[0].Slug+"/", fiber.StatusSeeOther)
	case len(list) == 0 && id.IsPlatformAdmin:
		return c.Redirect("/admin", fiber.StatusSeeOther)
	}
	return h.Switcher(c)
}

// Switcher lists the person's tenants.
func (h *Handler) Switcher(c *fiber.Ctx) error {
	id := web.IdentityOf(c)
	list, err := h.store.TenantsOf(c.UserContext(), id.UserID)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "tenants/switcher", "", web.View{Title: "Your tenants", D: list})
}

// HomeData is what a role's home page shows.
type HomeData struct {
	Tenant       *Tenant
	Role         string
	Organisation *Organisation
	Others       []PersonTenant
	// Tenant admins.
	Members      map[string]int
	Orgs         map[string]int
	Pending      int
	RecentEvents []audit.Event
	Checklist    *Checklist
	// Every role: what other domains ask the person to act on (a consultant's new assignments).
	Notices []Notice
	// Every role: the dashboard (SetDashboard), nil without one.
	Dashboard any
}

// Home is the tenant home page; what it shows depends on the role.
func (h *Handler) Home(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc := web.ScopeOf(c)
	t, err := h.store.RequestTenant(ctx)
	if err != nil {
		return err
	}
	d := HomeData{Tenant: t, Role: sc.Role}
	if sc.OrganisationID != "" {
		if d.Organisation, err = h.store.Organisation(ctx, sc.OrganisationID); err != nil {
			return err
		}
	}
	all, err := h.store.KeptTenantsOf(ctx, sc.UserID)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.Slug != t.Slug {
			d.Others = append(d.Others, o)
		}
	}
	if sc.Role == authz.TenantAdmin {
		if d.Members, err = h.store.CountMembers(ctx); err != nil {
			return err
		}
		if d.Orgs, err = h.store.CountOrganisations(ctx); err != nil {
			return err
		}
		inv, err := h.store.Invitations(ctx)
		if err != nil {
			return err
		}
		for _, i := range inv {
			if i.State() == "pending" {
				d.Pending++
			}
		}
		events, _, err := h.audit.List(ctx, audit.Filter{})
		if err != nil {
			return err
		}
		if len(events) > 5 {
			events = events[:5]
		}
		d.RecentEvents = events
		counts, err := h.store.OnboardingCounts(ctx)
		if err != nil {
			return err
		}
		offer := ""
		if h.fundersOffer != nil {
			offer = h.fundersOffer(t)
		}
		d.Checklist = NewChecklist(t, counts, offer)
	}
	if d.Notices, err = h.homeNotices(ctx); err != nil {
		return err
	}
	if h.dashboard != nil {
		if d.Dashboard, err = h.dashboard(c); err != nil {
			return err
		}
	}
	return web.Render(c, fiber.StatusOK, "tenants/home", "", web.View{Title: t.Name, D: d})
}

// OrganisationsPage lists the organisations the person may see.
func (h *Handler) OrganisationsPage(c *fiber.Ctx) error {
	list, err := h.store.Organisations(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "tenants/organisations", "", web.View{Title: "Organisations",
		D: struct {
			List     []Organisation
			RowsHTML template.HTML
		}{list, organisationRowsHTML(web.TenantOf(c).Slug, list)}})
}

// OrganisationPage shows one organisation and its people.
func (h *Handler) OrganisationPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	o, err := h.store.Organisation(ctx, c.Params("orgID"))
	if err != nil {
		return err
	}
	var members []Member
	if h.authz.Allowed(web.ScopeOf(c).UserID, o.TenantID, authz.Perm{Obj: "people", Act: "read"}) {
		if members, err = h.store.Members(ctx, o.ID); err != nil {
			return err
		}
	}
	return web.Render(c, fiber.StatusOK, "tenants/organisation", "", web.View{Title: o.Name,
		D: struct {
			Org     *Organisation
			Members []Member
		}{o, members}})
}

// AcceptData is the invitation page.
type AcceptData struct {
	Invitation *Invitation
	TenantName string
	HasAccount bool
	SignedInAs string
}

// AcceptPage shows an invitation.
func (h *Handler) AcceptPage(c *fiber.Ctx) error {
	return h.renderAccept(c, fiber.StatusOK, &web.Form{})
}

func (h *Handler) renderAccept(c *fiber.Ctx, status int, f *web.Form) error {
	ctx := c.UserContext()
	inv, err := h.store.InvitationByToken(ctx, accounts.HashToken(c.Params("token")))
	if err != nil {
		return err
	}
	d := AcceptData{Invitation: inv, TenantName: web.TenantOf(c).Name, HasAccount: h.svc.HasAccount(ctx, inv.Email)}
	if id := web.IdentityOf(c); id != nil {
		d.SignedInAs = id.Email
	}
	return web.Render(c, status, "tenants/accept", "", web.View{Title: "Join " + d.TenantName, D: d, Form: f})
}

// Accept accepts an invitation and signs the person in.
func (h *Handler) Accept(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var token string
	err := f.Err() // a value that cannot be kept: refused before anything is written
	if err == nil {
		token, err = h.svc.Accept(c.UserContext(), AcceptInput{Token: c.Params("token"), Name: f.Get("name"),
			Password: f.Get("password"), Confirm: f.Get("confirm"), IP: c.IP(), UserAgent: c.Get("User-Agent")})
	}
	if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ETOOMANY {
		f.Values.Del("password")
		f.Values.Del("confirm")
		f.Errors = apperr.FieldsOf(err)
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["_form"] = apperr.Message(err)
		return h.renderAccept(c, web.Status(code), f)
	} else if err != nil {
		return err
	}
	h.sessions.StartSession(c, token)
	web.Flash(c, "Welcome to "+web.TenantOf(c).Name+".")
	return web.Redirect(c, "/t/"+web.TenantOf(c).Slug+"/")
}
