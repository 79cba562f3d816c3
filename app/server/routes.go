package server

import (
	"github.com/holdspace/holdspace/app/web"
)

// Routes is the route table: every route next to the permission it needs. A route without
// one does not start (see checkRoutes), and the isolation test walks this table, so a new
// tenant route is tested against other tenants without anyone remembering to.
func (a *App) Routes() []web.Route {
	acc, ten, aud, plat := a.accountsH, a.tenantsH, a.auditH, a.platformH
	tenant, platform, r := web.Tenant, web.Platform, web.NewRoute
	return []web.Route{
		// Operations.
		r("GET", "/healthz", web.Public, a.healthz),
		r("GET", "/readyz", web.Public, a.readyz),
		r("GET", "/metrics", web.Public, a.metricsHandler()),
		r("GET", "/static/*", web.Public, serveStatic),

		// Accounts.
		r("GET", "/signin", web.Public, acc.SignInPage),
		r("POST", "/signin", web.Public, acc.SignIn),
		r("POST", "/signout", web.Public, acc.SignOut),
		r("GET", "/password/forgot", web.Public, acc.ForgotPage),
		r("POST", "/password/forgot", web.Public, acc.Forgot),
		r("GET", "/password/reset/:token", web.Public, acc.ResetPage),
		r("POST", "/password/reset/:token", web.Public, acc.Reset),

		// Where a signed-in person lands, and the tenant switcher.
		r("GET", "/", web.SignedIn, ten.Landing),
		r("GET", "/tenants", web.SignedIn, ten.Switcher),

		// Invitation links: anyone holding the link.
		r("GET", "/t/:slug/invitations/:token", web.TenantPublic, ten.AcceptPage),
		r("POST", "/t/:slug/invitations/:token", web.TenantPublic, ten.Accept),

		// Inside a tenant.
		r("GET", "/t/:slug/", tenant("home", "read"), ten.Home),
		r("GET", "/t/:slug/organisations", tenant("organisations", "read"), ten.OrganisationsPage),
		r("GET", "/t/:slug/organisations/:orgID", tenant("organisations", "read"), ten.OrganisationPage),
		r("GET", "/t/:slug/people", tenant("people", "read"), ten.PeoplePage),
		r("POST", "/t/:slug/people/invitations", tenant("people", "invite"), ten.Invite),
		r("GET", "/t/:slug/audit", tenant("audit", "read"), aud.TenantLog),

		// == Issue 3 sections: each team adds its lines under its own heading. ==

		// Sign-up (app/signup).

		// Settings, onboarding checklist and people management (app/tenants).

		// Funders, programs, consultant agencies, sites and fundings (app/programs).

		// Imports and exports (app/imports, app/exports).

		// The platform console.
		r("GET", "/admin", platform("tenants", "read"), plat.TenantsPage),
		r("GET", "/admin/outbox", platform("outbox", "read"), plat.OutboxPage),
		r("GET", "/admin/outbox/:id", platform("outbox", "read"), plat.MessagePage),
		r("GET", "/admin/audit", platform("audit", "read"), aud.PlatformLog),
		// Platform console additions (app/platform).

	}
}
