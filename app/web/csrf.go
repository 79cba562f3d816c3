package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
)

// CSRF: the token is an HMAC of the session token (or, before sign-in, of a random visitor
// cookie) under the server's secret key. It is bound to the session, needs no storage, and
// every web process computes the same one. Forms send it in CSRFField; htmx sends it in
// CSRFHeader (static/js/holdspace.js adds it from the page's meta tag).
const (
	CSRFField     = "_csrf"
	CSRFHeader    = "X-CSRF-Token"
	visitorCookie = "hs_visitor"
)

// SetCSRFBinding names the secret the CSRF token is bound to (the session middleware calls it
// with the session token).
func SetCSRFBinding(c *fiber.Ctx, binding string) { c.Locals(localBinding, binding) }

// CSRFToken returns the request's CSRF token.
func CSRFToken(c *fiber.Ctx) string {
	t, _ := c.Locals(localCSRF).(string)
	return t
}

// CSRF returns the middleware that issues tokens and rejects a state-changing request without
// the right one. It runs after the session middleware.
func CSRF(secret []byte) fiber.Handler {
	sign := func(binding string) string {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("csrf\x00" + binding))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
	return func(c *fiber.Ctx) error {
		binding, _ := c.Locals(localBinding).(string)
		if binding == "" {
			binding = ReadCookie(c, visitorCookie)
			if len(binding) < 32 {
				raw := make([]byte, 32)
				if _, err := rand.Read(raw); err != nil {
					return err
				}
				binding = base64.RawURLEncoding.EncodeToString(raw)
				SetCookie(c, &fiber.Cookie{Name: visitorCookie, Value: binding})
			}
		}
		want := sign(binding)
		masked, err := maskToken(want)
		if err != nil {
			return err
		}
		c.Locals(localCSRF, masked)
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
			return c.Next()
		}
		got := c.Get(CSRFHeader)
		if got == "" {
			got = c.FormValue(CSRFField)
		}
		if !hmac.Equal([]byte(unmaskToken(got)), []byte(want)) {
			return &apperr.Error{Code: apperr.EFORBIDDEN,
				Message: "This form has expired or did not come from Holdspace. Go back, reload the page and try again."}
		}
		return c.Next()
	}
}

// maskToken hides the token behind a fresh random mask: mask, then token XOR mask, in base64.
// Every response then carries different bytes for the same token, so a compressed page's size
// tells nothing about it (BREACH; pages are compressed, see Compress).
func maskToken(token string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", err
	}
	out := make([]byte, 2*len(raw))
	if _, err := rand.Read(out[:len(raw)]); err != nil {
		return "", err
	}
	for i, b := range raw {
		out[len(raw)+i] = b ^ out[i]
	}
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// unmaskToken is the token a masked one hides ("" if it is not one).
func unmaskToken(masked string) string {
	b, err := base64.RawURLEncoding.DecodeString(masked)
	if err != nil || len(b) == 0 || len(b)%2 != 0 {
		return ""
	}
	n := len(b) / 2
	raw := make([]byte, n)
	for i := range raw {
		raw[i] = b[n+i] ^ b[i]
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}
