package signup

import (
	"github.com/holdspace/holdspace/app/tenants"

	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the sign-up pages.
type Handler struct {
	svc      *Service
	sessions *accounts.Handler
}

// NewHandler returns the sign-up handlers; sessions starts the new admin's session.
func NewHandler(svc *Service, sessions *accounts.Handler) *Handler {
	return &Handler{svc: svc, sessions: sessions}
}

// SlugCheck is the live answer about an address.
type SlugCheck struct {
	Slug    string
	Problem string
}

// FormData is the sign-up page.
type FormData struct {
	States []tenants.State
	Kinds  []struct{ Value, Label string }
	Check  SlugCheck
}

// prefill are the fields a "sign up again" link may carry (all but the address).
var prefill = []string{"name", "kind", "state", "admin_name", "email"}

// Page shows the sign-up form, filled in from the query when a link asks to start again.
func (h *Handler) Page(c *fiber.Ctx) error {
	f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	for _, k := range prefill {
		if v := c.Query(k); v != "" {
			f.Values.Set(k, v)
		}
	}
	return h.renderForm(c, fiber.StatusOK, f)
}

func (h *Handler) renderForm(c *fiber.Ctx, status int, f *web.Form) error {
	d := FormData{States: tenants.States, Kinds: Kinds}
	// The address's message shows in the live-check area, also when the address is empty.
	if slug := tenants.NormalizeSlug(f.Get("slug")); slug != "" || f.Error("slug") != "" {
		d.Check = SlugCheck{Slug: slug, Problem: f.Error("slug")}
	}
	return web.Render(c, status, "signup/new", "", web.View{Title: "Sign up your agency", D: d, Form: f})
}

// SignUp checks the form and emails the confirmation link; a bad form comes back with what was
// typed and each field's message, and nothing is written.
func (h *Handler) SignUp(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var r *Request
	err := f.Err()
	if err == nil {
		r, err = h.svc.Start(c.UserContext(), Input{Name: f.Get("name"), Kind: f.Get("kind"), State: f.Get("state"),
			AdminName: f.Get("admin_name"), AdminEmail: f.Get("email"), Slug: f.Get("slug")}, c.IP())
	}
	if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ETOOMANY {
		f.Errors = apperr.FieldsOf(err)
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["_form"] = apperr.Message(err)
		return h.renderForm(c, web.Status(code), f)
	} else if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "signup/sent", "", web.View{Title: "Check your email", D: r})
}

// Slug answers the live check of the address field with a small fragment: what is wrong, or
// that the address is free. It always answers 200: the check itself worked.
func (h *Handler) Slug(c *fiber.Ctx) error {
	slug, problem, err := h.svc.CheckSlug(c.UserContext(), c.Query("slug"))
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "no-store")
	c.Vary(web.HXRequest)
	return c.Render("signup/_slug", web.View{D: FormData{Check: SlugCheck{Slug: slug, Problem: problem}}})
}

// ConfirmPage shows what a confirmation link will create and asks for the admin's password.
func (h *Handler) ConfirmPage(c *fiber.Ctx) error {
	return h.renderConfirm(c, fiber.StatusOK, &web.Form{})
}

func (h *Handler) renderConfirm(c *fiber.Ctx, status int, f *web.Form) error {
	p, err := h.svc.Pending(c.UserContext(), c.Params("token"))
	if apperr.Code(err) == apperr.ENOTFOUND {
		return web.Render(c, fiber.StatusNotFound, "signup/invalid", "", web.View{Title: "This link does not work", D: apperr.Message(err)})
	}
	if err != nil {
		return err
	}
	if p.Done || p.Taken {
		return web.Render(c, fiber.StatusConflict, "signup/used", "", web.View{Title: "This link has been used", D: p})
	}
	return web.Render(c, status, "signup/confirm", "", web.View{Title: "Confirm your sign-up", D: p, Form: f})
}

// Confirm creates the tenant, the admin's account and membership, signs the admin in and
// takes them to the new tenant's home page.
func (h *Handler) Confirm(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var t *tenants.Tenant
	var session string
	err := f.Err()
	if err == nil {
		t, session, err = h.svc.Confirm(c.UserContext(), ConfirmInput{Token: c.Params("token"), Password: f.Get("password"),
			Confirm: f.Get("confirm"), IP: c.IP(), UserAgent: c.Get("User-Agent")})
	}
	switch code := apperr.Code(err); code {
	case "":
	case apperr.EINVALID, apperr.ETOOMANY:
		f := &web.Form{Values: url.Values{}, Errors: apperr.FieldsOf(err)} // never echo a password back
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["_form"] = apperr.Message(err)
		return h.renderConfirm(c, web.Status(code), f)
	case apperr.ENOTFOUND, apperr.ECONFLICT:
		// The link's own page says what is wrong (used, taken, expired).
		return h.renderConfirm(c, web.Status(code), &web.Form{Errors: map[string]string{"_form": apperr.Message(err)}})
	default:
		return err
	}
	h.sessions.StartSession(c, session)
	// The home page shows the trial's end and the setup checklist.
	web.Flash(c, "Welcome to Holdspace. "+t.Name+" is created: the checklist below walks you through setting it up.")
	return web.Redirect(c, "/t/"+t.Slug+"/")
}
