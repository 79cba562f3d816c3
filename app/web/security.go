package web

import "github.com/gofiber/fiber/v2"

// contentSecurityPolicy allows only our own scripts and styles: no inline script anywhere
// and no inline style (htmx's inline indicator styles are switched off in the layout's
// htmx-config, and so is its settling of the style attribute: htmx copied an element's old
// style attribute onto its swapped-in twin with setAttribute, which the CSP refuses).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders() fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := &c.Response().Header
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return c.Next()
	}
}

// NoStoreSignedIn marks every response to a signed-in person "Cache-Control: no-store": pages,
// htmx fragments, downloads and error pages behind sign-in (sealed session notes among them)
// must not stay in a browser's or a proxy's cache. It is set after the handler, so a handler's
// own caching header cannot undo it. Requests without a session (public pages, static files)
// keep their own rules.
func NoStoreSignedIn() fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := c.Next()
		if IdentityOf(c) != nil {
			c.Set(fiber.HeaderCacheControl, "no-store")
		}
		return err
	}
}
