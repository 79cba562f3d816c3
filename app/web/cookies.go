package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// Cookies: every cookie Holdspace sets goes through SetCookie, so they share one rule. When the
// site is served over https (BASE_URL says so), a cookie is Secure, has Path=/ and no Domain,
// and its name carries the __Host- prefix, which makes the browser refuse it from plain http or
// from another subdomain. On http (the embedded default on localhost) the plain name is used:
// browsers refuse __Host- cookies that are not Secure.
const hostPrefix = "__Host-"

// CookieMode is the first middleware: it records whether the site is served over https, for
// SetCookie, ReadCookie and ClearCookie.
func CookieMode(https bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localHTTPS, https)
		return c.Next()
	}
}

func servedOverHTTPS(c *fiber.Ctx) bool {
	b, _ := c.Locals(localHTTPS).(bool)
	return b
}

// CookieName is the name a cookie called name has on this request: "__Host-"+name over https.
func CookieName(c *fiber.Ctx, name string) string {
	if servedOverHTTPS(c) {
		return hostPrefix + name
	}
	return name
}

// SetCookie sets ck under the site's rule: Path=/, no Domain, HttpOnly, SameSite=Lax unless
// ck says otherwise, and over https the Secure flag and the __Host- name.
func SetCookie(c *fiber.Ctx, ck *fiber.Cookie) {
	out := *ck
	out.Name = CookieName(c, ck.Name)
	out.Path, out.Domain = "/", ""
	out.HTTPOnly = true
	if out.SameSite == "" {
		out.SameSite = fiber.CookieSameSiteLaxMode
	}
	out.Secure = servedOverHTTPS(c)
	c.Cookie(&out)
}

// ReadCookie returns the value of the cookie called name (under its name on this request).
func ReadCookie(c *fiber.Ctx, name string) string {
	return c.Cookies(CookieName(c, name))
}

// ClearCookie tells the browser to forget the cookie called name.
func ClearCookie(c *fiber.Ctx, name string) {
	SetCookie(c, &fiber.Cookie{Name: name, Value: "", Expires: time.Unix(0, 0)})
}
