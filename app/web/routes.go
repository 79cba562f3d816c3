package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/authz"
)

// AccessKind says which gate a route sits behind.
type AccessKind int

// The gates, from open to closed.
const (
	accessNone         AccessKind = iota // a route without access does not start
	AccessPublic                         // anyone, signed in or not
	AccessSignedIn                       // any signed-in person, outside a tenant
	AccessTenantPublic                   // anyone; the tenant comes from the URL (invitation links)
	AccessTenant                         // a member of the URL's tenant whose role grants Perm
	AccessPlatform                       // a platform admin whose role grants Perm
	// AccessWebhook is a machine's call (Stripe's): no session and no CSRF token; the handler
	// checks a signature instead, limits the body and stores the event before it answers.
	AccessWebhook
)

// Access is a route's gate and, inside a tenant or the platform console, the permission.
type Access struct {
	Kind AccessKind
	Perm authz.Perm
}

// The gates.
var (
	Public       = Access{Kind: AccessPublic}
	SignedIn     = Access{Kind: AccessSignedIn}
	TenantPublic = Access{Kind: AccessTenantPublic}
	Webhook      = Access{Kind: AccessWebhook}
)

// Tenant needs membership of the URL's tenant and a role that may do act on obj.
func Tenant(obj, act string) Access {
	return Access{Kind: AccessTenant, Perm: authz.Perm{Obj: obj, Act: act}}
}

// Platform needs a platform admin that may do act on obj.
func Platform(obj, act string) Access {
	return Access{Kind: AccessPlatform, Perm: authz.Perm{Obj: obj, Act: act}}
}

// Describe is the permission as the route table prints it.
func (a Access) Describe() string {
	switch a.Kind {
	case AccessPublic:
		return "public"
	case AccessSignedIn:
		return "signed in"
	case AccessTenantPublic:
		return "public, in tenant"
	case AccessTenant:
		return "tenant " + a.Perm.String()
	case AccessPlatform:
		return "platform " + a.Perm.String()
	case AccessWebhook:
		return "webhook (signed)"
	}
	return "NONE"
}

// Route is one line of the route table.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Handler fiber.Handler
	// Read marks a POST that does not change the tenant's records: asking for a report or an
	// export, or going to pay. A read-only tenant (a lapsed subscription) may still use it.
	Read bool
}

// AsRead marks a POST as one a read-only tenant may still use (see Writes).
func (r Route) AsRead() Route { r.Read = true; return r }

// Writes reports whether the route changes the tenant's records: every method but GET and
// HEAD, unless marked AsRead. A read-only tenant's write routes answer with one page that says
// why (the server's gate, from this table), whatever the handler.
func (r Route) Writes() bool {
	return r.Method != fiber.MethodGet && r.Method != fiber.MethodHead && !r.Read
}

// NewRoute is a line of the route table.
func NewRoute(method, path string, access Access, handler fiber.Handler) Route {
	return Route{Method: method, Path: path, Access: access, Handler: handler}
}
