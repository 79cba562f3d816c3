package platform

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// The tenant's life in the console: create a tenant for an agency, see one, suspend and
// reactivate it, extend its trial, delete and restore it, and enter it for support.

// NewTenantData is the new-tenant form's choices.
type NewTenantData struct {
	States []tenants.State
	Kinds  []struct{ Value, Label string }
}

var kinds = []struct{ Value, Label string }{
	{tenants.KindStateSystem, "State system"},
	{tenants.KindLocalPartnership, "Local partnership"},
}

// NewTenantPage shows the form that creates a tenant for an agency.
func (h *Handler) NewTenantPage(c *fiber.Ctx) error {
	f := &web.Form{Values: url.Values{"kind": {tenants.KindStateSystem}}, Errors: map[string]string{}}
	return web.Render(c, fiber.StatusOK, "platform/tenant_new", "platform/_tenant_new", web.View{Title: "New tenant",
		D: NewTenantData{States: tenants.States, Kinds: kinds}, Form: f})
}

// CreateTenant creates the tenant on a trial and emails its first admin an invitation.
func (h *Handler) CreateTenant(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var t *tenants.Tenant
	err := f.Err() // a value that cannot be kept: refused before anything is created
	if err == nil {
		t, err = h.life.CreateForAgency(c.UserContext(), tenants.NewTenantInput{
			Name: f.Get("name"), Kind: f.Get("kind"), State: f.Get("state"), Slug: f.Get("slug"),
			AdminName: f.Get("admin_name"), AdminEmail: f.Get("admin_email"),
			InvitedBy: web.IdentityOf(c).UserID,
		})
	}
	if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ECONFLICT {
		f.Errors = apperr.FieldsOf(err)
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["_form"] = apperr.Message(err)
		return web.Render(c, web.Status(code), "platform/tenant_new", "platform/_tenant_new", web.View{Title: "New tenant",
			D: NewTenantData{States: tenants.States, Kinds: kinds}, Form: f})
	} else if err != nil {
		return err
	}
	web.Flash(c, t.Name+" is created, on a trial until "+t.TrialEndsAt.Format("January 2, 2006")+
		". An invitation to be its admin is sent to "+strings.ToLower(strings.TrimSpace(f.Get("admin_email")))+".")
	return web.Redirect(c, "/admin/tenants/"+t.ID)
}

// TenantDetail is one tenant's page in the console.
type TenantDetail struct {
	Tenant        *tenants.Tenant
	Row           TenantRow
	StateName     string
	SuspendReason string
	Events        []audit.Event
	Grants        []tenants.SupportGrant
	Live          *tenants.SupportGrant // the viewer's live support access
	Today         string
	MaxDays       int
	MinReason     int
}

func (h *Handler) tenantDetail(c *fiber.Ctx) (*TenantDetail, error) {
	ctx := c.UserContext()
	id := c.Params("tenantID")
	if !database.IsID(id) {
		return nil, apperr.NotFound("tenant")
	}
	store := h.life.Store()
	t, err := store.TenantByID(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &TenantDetail{Tenant: t, Today: database.Now().Format("2006-01-02"), MaxDays: tenants.MaxTrialExt,
		MinReason: tenants.MinSupportReason}
	if st, ok := tenants.StateByCode(t.State); ok {
		d.StateName = st.Name
	}
	if err := h.tenantRows(nil).Where("t.id = ?", id).Scan(ctx, &d.Row); err != nil {
		return nil, err
	}
	if t.Suspended() {
		ev, err := h.audit.ListAll(ctx, audit.Filter{Tenant: id, Action: "tenant.suspend", Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(ev.Events) > 0 {
			d.SuspendReason = ev.Events[0].Detail
		}
	}
	ev, err := h.audit.ListAll(ctx, audit.Filter{Tenant: id, Limit: 10})
	if err != nil {
		return nil, err
	}
	d.Events = ev.Events
	if len(d.Events) > 10 {
		d.Events = d.Events[:10]
	}
	if d.Grants, err = store.SupportGrants(ctx, id, 10); err != nil {
		return nil, err
	}
	if g, err := store.LiveSupportGrant(ctx, id, web.IdentityOf(c).UserID); err == nil {
		d.Live = g
	} else if apperr.Code(err) != apperr.ENOTFOUND {
		return nil, err
	}
	return d, nil
}

func (h *Handler) renderTenant(c *fiber.Ctx, status int, f *web.Form) error {
	d, err := h.tenantDetail(c)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	return web.Render(c, status, "platform/tenant", "", web.View{Title: d.Tenant.Name, D: d, Form: f})
}

// TenantPage shows one tenant with what a platform admin can do to it.
func (h *Handler) TenantPage(c *fiber.Ctx) error {
	return h.renderTenant(c, fiber.StatusOK, nil)
}

// tenantAction runs one action on the tenant of the URL. A refusal (bad input, a conflict)
// comes back on the tenant's page with what was typed; rename maps the service's field names
// to the page's, where two forms would share one.
func (h *Handler) tenantAction(c *fiber.Ctx, act func(f *web.Form) (*tenants.Tenant, error), done func(*tenants.Tenant) string, rename map[string]string) error {
	f := web.NewForm(c)
	var t *tenants.Tenant
	err := f.Err()
	if err == nil {
		t, err = act(f)
	}
	if handled, rerr := h.refused(c, f, err, rename); handled {
		return rerr
	}
	web.Flash(c, done(t))
	return web.Redirect(c, "/admin/tenants/"+t.ID)
}

// refused handles an action's error: bad input or a conflict re-renders the tenant's page
// with the messages (handled, and the render's error); another error is returned as is.
func (h *Handler) refused(c *fiber.Ctx, f *web.Form, err error, rename map[string]string) (bool, error) {
	switch code := apperr.Code(err); code {
	case "":
		return false, nil
	case apperr.EINVALID, apperr.ECONFLICT:
		f.Errors = map[string]string{}
		for k, v := range apperr.FieldsOf(err) {
			if r, ok := rename[k]; ok {
				k = r
			}
			f.Errors[k] = v
		}
		if len(f.Errors) == 0 {
			f.Errors["_form"] = apperr.Message(err)
		}
		return true, h.renderTenant(c, web.Status(code), f)
	}
	return true, err
}

// SuspendTenant suspends the tenant, with a reason.
func (h *Handler) SuspendTenant(c *fiber.Ctx) error {
	return h.tenantAction(c, func(f *web.Form) (*tenants.Tenant, error) {
		return h.life.SuspendTenant(c.UserContext(), c.Params("tenantID"), f.Get("reason"))
	}, func(t *tenants.Tenant) string {
		return t.Name + " is suspended. Its people see a page that says so; nothing is deleted."
	}, nil)
}

// ReactivateTenant lifts a suspension.
func (h *Handler) ReactivateTenant(c *fiber.Ctx) error {
	return h.tenantAction(c, func(*web.Form) (*tenants.Tenant, error) {
		return h.life.ReactivateTenant(c.UserContext(), c.Params("tenantID"))
	}, func(t *tenants.Tenant) string { return t.Name + " is reactivated: its people can work in it again." }, nil)
}

// ExtendTrial moves the end of the trial, by days or to a date.
func (h *Handler) ExtendTrial(c *fiber.Ctx) error {
	return h.tenantAction(c, func(f *web.Form) (*tenants.Tenant, error) {
		return h.life.ExtendTrial(c.UserContext(), c.Params("tenantID"), f.Get("days"), f.Get("date"))
	}, func(t *tenants.Tenant) string {
		return "The trial of " + t.Name + " now ends " + t.TrialEndsAt.Format("January 2, 2006") + "."
	}, nil)
}

// DeletePage asks the platform admin to type the tenant's slug before deleting it.
func (h *Handler) DeletePage(c *fiber.Ctx) error {
	return h.renderDelete(c, fiber.StatusOK, &web.Form{Values: url.Values{}, Errors: map[string]string{}})
}

func (h *Handler) renderDelete(c *fiber.Ctx, status int, f *web.Form) error {
	d, err := h.tenantDetail(c)
	if err != nil {
		return err
	}
	if d.Tenant.Deleted() {
		return web.Redirect(c, "/admin/tenants/"+d.Tenant.ID)
	}
	return web.Render(c, status, "platform/tenant_delete", "", web.View{Title: "Delete " + d.Tenant.Name, D: d, Form: f})
}

// DeleteTenant deletes the tenant once its slug is typed; it can be restored for 30 days.
func (h *Handler) DeleteTenant(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var t *tenants.Tenant
	err := f.Err()
	if err == nil {
		t, err = h.life.DeleteTenant(c.UserContext(), c.Params("tenantID"), f.Get("confirm"))
	}
	if apperr.Code(err) == apperr.EINVALID {
		f.Errors = apperr.FieldsOf(err)
		return h.renderDelete(c, fiber.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, t.Name+" is deleted. Nobody can open it now. It can be restored until "+
		t.PurgeAfter.Format("January 2, 2006")+"; then every record of it is removed.")
	return web.Redirect(c, "/admin/tenants/"+t.ID)
}

// RestoreTenant undoes a deletion during the grace period.
func (h *Handler) RestoreTenant(c *fiber.Ctx) error {
	return h.tenantAction(c, func(*web.Form) (*tenants.Tenant, error) {
		return h.life.RestoreTenant(c.UserContext(), c.Params("tenantID"))
	}, func(t *tenants.Tenant) string { return t.Name + " is restored: nothing will be purged." }, nil)
}

// StartSupport enters the tenant as its admin for an hour, for the reason given.
func (h *Handler) StartSupport(c *fiber.Ctx) error {
	id := web.IdentityOf(c)
	f := web.NewForm(c)
	var g *tenants.SupportGrant
	var t *tenants.Tenant
	err := f.Err()
	if err == nil {
		g, t, err = h.life.StartSupport(c.UserContext(), c.Params("tenantID"), id.UserID, id.Email, f.Get("support_reason"))
	}
	if handled, rerr := h.refused(c, f, err, map[string]string{"reason": "support_reason"}); handled {
		return rerr
	}
	web.Flash(c, "You are in "+t.Name+" as its admin until "+g.ExpiresAt.Format("15:04")+" UTC. Everything you do is in its audit log.")
	return web.Redirect(c, "/t/"+t.Slug+"/")
}

// EndSupport ends the viewer's support access to the tenant.
func (h *Handler) EndSupport(c *fiber.Ctx) error {
	t, err := h.life.EndSupport(c.UserContext(), c.Params("tenantID"), web.IdentityOf(c).UserID)
	if err != nil {
		return err
	}
	web.Flash(c, "Your support access to "+t.Name+" has ended.")
	return web.Redirect(c, "/admin/tenants/"+t.ID)
}
