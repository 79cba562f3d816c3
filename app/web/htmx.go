package web

import (
	"github.com/gofiber/fiber/v2"
)

// htmx request and response headers, in one place.
const (
	HXRequest  = "HX-Request"
	HXBoosted  = "HX-Boosted"
	HXTarget   = "HX-Target"
	HXRedirect = "HX-Redirect"
	HXRetarget = "HX-Retarget"
	HXReswap   = "HX-Reswap"
	HXPushURL  = "HX-Push-Url"
)

// IsHTMX reports whether the request came from htmx.
func IsHTMX(c *fiber.Ctx) bool { return c.Get(HXRequest) == "true" }

// WantsFragment reports whether to answer with a fragment rather than the full page: an htmx
// request that is not boosted (a boosted one swaps the whole body, so it needs the layout).
func WantsFragment(c *fiber.Ctx) bool { return IsHTMX(c) && c.Get(HXBoosted) != "true" }

// Redirect sends the browser to url after a form post: 303 See Other for a plain request, and
// HX-Redirect for an htmx one (htmx would otherwise follow the redirect and swap the result).
// url must be a path on this site (LocalPath); anything else goes to the home page.
func Redirect(c *fiber.Ctx, url string) error {
	url, _ = LocalPath(url)
	if WantsFragment(c) {
		c.Set(HXRedirect, url)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(url, fiber.StatusSeeOther)
}
