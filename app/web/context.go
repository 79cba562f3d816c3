// Package web holds the shared HTTP pieces: the route table's types, rendering of full pages
// and htmx fragments, the error handler, CSRF, security headers and the request context.
// Domain packages use it; it imports no domain.
package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
)

// Identity is the signed-in person.
type Identity struct {
	UserID          string
	Email           string
	Name            string
	IsPlatformAdmin bool
	SessionID       string // the stored (hashed) session id
	// Memberships is how many tenants the person belongs to (the layout's "Switch tenant"), or
	// -1 until it is known: Render asks CountTenants when it draws a page.
	Memberships  int
	CountTenants func() (int, error)
}

// knowMemberships fills in id.Memberships when nothing has.
func (id *Identity) knowMemberships() error {
	if id == nil || id.Memberships >= 0 || id.CountTenants == nil {
		return nil
	}
	n, err := id.CountTenants()
	if err != nil {
		return err
	}
	id.Memberships = n
	return nil
}

// TenantInfo is the tenant of the URL, for the layout.
type TenantInfo struct {
	ID, Slug, Name, Status string
	// Support is set while a platform admin works in the tenant through support access; the
	// layout shows a banner on every page.
	Support *SupportInfo
	// ReadOnly is why the tenant is read-only (a lapsed subscription, an ended trial), or "".
	// Write routes answer with one page that says so (the server's gate); the layout shows a
	// banner. PayBy is when a tenant whose payment failed becomes read-only (the banner of
	// those who may pay). BillingURL is the billing page, for people who may open it.
	ReadOnly   string
	PayBy      *time.Time
	BillingURL string
}

// SupportInfo is a live support access, for the banner.
type SupportInfo struct {
	Until  time.Time
	Reason string
	EndURL string // where the "End support access" button posts
}

// UntilClock is the end of the access as HH:MM (UTC).
func (s *SupportInfo) UntilClock() string { return s.Until.UTC().Format("15:04") }

// NavItem is a link the person can reach.
type NavItem struct {
	Label, Href string
	Perm        authz.Perm
	Current     bool
	// Secondary links gather in a "More" drop-down at the end of the menu (kept short).
	Secondary bool
	// Group puts the link in a drop-down of that name in the menu, when the person can reach
	// more than one link of the group (one alone shows as a plain link).
	Group string
}

// MenuEntry is one entry of the menu: a link, or a drop-down of links (Items).
type MenuEntry struct {
	Label, Href string
	Current     bool
	Items       []NavItem
	ID          string // the drop-down's element id
}

// Menu arranges the person's links for the menu: links of one group gather in a drop-down
// where the group's first link would be, and secondary links in a "More" drop-down at the end,
// so the menu stays one short row whatever the role and every page is reachable from it.
func Menu(nav []NavItem) []MenuEntry {
	count := map[string]int{}
	for _, n := range nav {
		if !n.Secondary && n.Group != "" {
			count[n.Group]++
		}
	}
	var out []MenuEntry
	var more []NavItem
	at := map[string]int{}
	for _, n := range nav {
		if n.Secondary {
			more = append(more, n)
			continue
		}
		if n.Group == "" || count[n.Group] < 2 {
			out = append(out, MenuEntry{Label: n.Label, Href: n.Href, Current: n.Current})
			continue
		}
		i, ok := at[n.Group]
		if !ok {
			i = len(out)
			at[n.Group] = i
			out = append(out, MenuEntry{Label: n.Group, ID: fmt.Sprintf("hs-menu-%d", i)})
		}
		out[i].Items = append(out[i].Items, n)
		out[i].Current = out[i].Current || n.Current
	}
	switch {
	case len(more) == 1:
		out = append(out, MenuEntry{Label: more[0].Label, Href: more[0].Href, Current: more[0].Current})
	case len(more) > 1:
		e := MenuEntry{Label: "More", ID: fmt.Sprintf("hs-menu-%d", len(out)), Items: more}
		for _, n := range more {
			e.Current = e.Current || n.Current
		}
		out = append(out, e)
	}
	return out
}

const (
	localIdentity = "hs.identity"
	localTenant   = "hs.tenant"
	localCSRF     = "hs.csrf"
	localNav      = "hs.nav"
	localBinding  = "hs.csrf_binding"
	localHTTPS    = "hs.https"
)

// SetIdentity records the signed-in person on the request.
func SetIdentity(c *fiber.Ctx, id *Identity) { c.Locals(localIdentity, id) }

// IdentityOf returns the signed-in person, or nil.
func IdentityOf(c *fiber.Ctx) *Identity {
	id, _ := c.Locals(localIdentity).(*Identity)
	return id
}

// SetTenant records the tenant of the URL and the scope of the request.
func SetTenant(c *fiber.Ctx, t *TenantInfo, s database.Scope) {
	c.Locals(localTenant, t)
	c.SetUserContext(database.WithScope(c.UserContext(), s))
}

// TenantOf returns the tenant of the URL, or nil outside /t/{slug}.
func TenantOf(c *fiber.Ctx) *TenantInfo {
	t, _ := c.Locals(localTenant).(*TenantInfo)
	return t
}

// ScopeOf returns the request's tenant scope (zero outside a tenant).
func ScopeOf(c *fiber.Ctx) database.Scope {
	s, _ := database.ScopeFrom(c.UserContext())
	return s
}

// SetNav records the links the person can reach from this page.
func SetNav(c *fiber.Ctx, nav []NavItem) { c.Locals(localNav, nav) }

// NavOf returns the links set by SetNav.
func NavOf(c *fiber.Ctx) []NavItem {
	n, _ := c.Locals(localNav).([]NavItem)
	return n
}
