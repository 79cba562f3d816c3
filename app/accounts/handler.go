package accounts

import (
	"context"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/web"
)

// SessionCookie holds the session token (named "__Host-hs_session" over https: web.SetCookie).
const SessionCookie = "hs_session"

// Handler serves the sign-in, sign-out and password pages.
type Handler struct {
	svc *Service
}

// NewHandler returns the handlers.
func NewHandler(svc *Service) *Handler {
	return &Handler{svc: svc}
}

// Middleware loads the session of the cookie, if any, and records the person on the request:
// the identity, the audit actor, and the CSRF binding. countTenants says how many tenants the
// person belongs to (for the tenant switcher); it is asked only when a page shows the switcher
// and the tenant middleware has not said.
func (h *Handler) Middleware(countTenants func(ctx context.Context, userID string) (int, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		// Behind a trusted proxy c.IP() points into the request's header buffer: the actor
		// keeps a copy.
		ip := strings.Clone(c.IP())
		ctx := audit.WithActor(c.UserContext(), audit.Actor{IP: ip})
		if token := web.ReadCookie(c, SessionCookie); token != "" {
			sess, u, err := h.svc.SessionFor(ctx, token)
			switch apperr.Code(err) {
			case "":
				// Counted only for a page that shows it: web.Render asks when it draws one
				// (the server passes tenants.Store.KeptTenantCount, kept a minute).
				personCtx := ctx
				web.SetIdentity(c, &web.Identity{UserID: u.ID, Email: u.Email, Name: u.Name,
					IsPlatformAdmin: u.IsPlatformAdmin, SessionID: sess.ID, Memberships: -1,
					CountTenants: func() (int, error) { return countTenants(personCtx, u.ID) }})
				web.SetCSRFBinding(c, token)
				ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Email: u.Email, IP: ip})
			case apperr.EUNAUTHORIZED:
				h.clearCookie(c)
			default:
				return err
			}
		}
		c.SetUserContext(ctx)
		return c.Next()
	}
}

func (h *Handler) setCookie(c *fiber.Ctx, token string) {
	web.SetCookie(c, &fiber.Cookie{Name: SessionCookie, Value: token, MaxAge: int(AbsoluteTimeout.Seconds())})
}

func (h *Handler) clearCookie(c *fiber.Ctx) {
	web.ClearCookie(c, SessionCookie)
}

// safeNext keeps a post-sign-in destination on this site (web.LocalPath); anything else goes
// to the home page.
func safeNext(next string) string {
	p, _ := web.LocalPath(next)
	return p
}

// SignInPage shows the sign-in form.
func (h *Handler) SignInPage(c *fiber.Ctx) error {
	if web.IdentityOf(c) != nil {
		return web.Redirect(c, safeNext(c.Query("next")))
	}
	f := &web.Form{Values: map[string][]string{"next": {c.Query("next")}, "email": {c.Query("email")}}, Errors: map[string]string{}}
	return web.Render(c, fiber.StatusOK, "accounts/signin", "", web.View{Title: "Sign in", Form: f})
}

// SignIn checks the credentials and starts a new session.
func (h *Handler) SignIn(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var token string
	err := f.Err() // a value that cannot be kept is refused before the attempt counts
	if err == nil {
		token, _, err = h.svc.SignIn(c.UserContext(), f.Get("email"), f.Get("password"), c.IP(), c.Get("User-Agent"))
	}
	if err != nil {
		code := apperr.Code(err)
		if code != apperr.EINVALID && code != apperr.ETOOMANY {
			return err
		}
		f.Values.Del("password") // never echo a password back
		f.Errors = apperr.FieldsOf(err)
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["_form"] = apperr.Message(err)
		return web.Render(c, web.Status(code), "accounts/signin", "", web.View{Title: "Sign in", Form: f})
	}
	h.StartSession(c, token)
	return web.Redirect(c, safeNext(f.Get("next")))
}

// SignOut ends the session.
func (h *Handler) SignOut(c *fiber.Ctx) error {
	if token := web.ReadCookie(c, SessionCookie); token != "" {
		if err := h.svc.SignOut(c.UserContext(), token); err != nil {
			return err
		}
	}
	h.clearCookie(c)
	web.Flash(c, "You are signed out.")
	return web.Redirect(c, "/signin")
}

// ForgotPage shows the form that asks for a reset link.
func (h *Handler) ForgotPage(c *fiber.Ctx) error {
	return web.Render(c, fiber.StatusOK, "accounts/forgot", "", web.View{Title: "Reset your password", Form: &web.Form{}})
}

// Forgot sends a reset link (if the account exists) and says to check email.
func (h *Handler) Forgot(c *fiber.Ctx) error {
	f := web.NewForm(c)
	err := f.Err()
	if err == nil {
		err = h.svc.RequestReset(c.UserContext(), f.Get("email"), c.IP())
	}
	if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ETOOMANY {
		f.Errors = apperr.FieldsOf(err)
		if f.Errors == nil {
			f.Errors = map[string]string{"_form": apperr.Message(err)}
		}
		return web.Render(c, web.Status(code), "accounts/forgot", "", web.View{Title: "Reset your password", Form: f})
	} else if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "accounts/forgot_sent", "", web.View{Title: "Check your email", D: f.Get("email")})
}

// ResetPage shows the new-password form for a valid link.
func (h *Handler) ResetPage(c *fiber.Ctx) error {
	_, u, err := h.svc.ResetFor(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "accounts/reset", "", web.View{Title: "Choose a new password", D: u.Email, Form: &web.Form{}})
}

// Reset sets the new password and sends the person to sign in.
func (h *Handler) Reset(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var u *User
	err := f.Err()
	if err == nil {
		u, err = h.svc.ResetPassword(c.UserContext(), c.Params("token"), f.Get("password"), f.Get("confirm"))
	}
	if apperr.Code(err) == apperr.EINVALID {
		_, u, lookupErr := h.svc.ResetFor(c.UserContext(), c.Params("token"))
		if lookupErr != nil {
			return lookupErr
		}
		f := &web.Form{Errors: apperr.FieldsOf(err)}
		return web.Render(c, fiber.StatusUnprocessableEntity, "accounts/reset", "", web.View{Title: "Choose a new password", D: u.Email, Form: f})
	}
	if err != nil {
		return err
	}
	h.clearCookie(c)
	web.Flash(c, "Your password is changed. Sign in with it now.")
	return web.Redirect(c, "/signin?email="+url.QueryEscape(u.Email))
}

// StartSession puts a new session's token in the cookie, ending the browser's previous one.
func (h *Handler) StartSession(c *fiber.Ctx, token string) {
	if old := web.ReadCookie(c, SessionCookie); old != "" && old != token {
		_ = h.svc.SignOut(c.UserContext(), old)
	}
	h.setCookie(c, token)
}
