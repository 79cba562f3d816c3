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
		r("GET", "/signup", web.Public, a.signupH.Page),
		r("POST", "/signup", web.Public, a.signupH.SignUp),
		r("GET", "/signup/slug", web.Public, a.signupH.Slug),
		r("GET", "/signup/confirm/:token", web.Public, a.signupH.ConfirmPage),
		r("POST", "/signup/confirm/:token", web.Public, a.signupH.Confirm),

		// Settings, onboarding checklist and people management (app/tenants).
		r("GET", "/t/:slug/settings", tenant("settings", "read"), ten.SettingsPage),
		r("POST", "/t/:slug/settings", tenant("settings", "update"), ten.SaveSettings),
		// People management: GET /t/:slug/people and POST .../people/invitations are above.
		r("POST", "/t/:slug/people/invitations/:invitationID/resend", tenant("people", "invite"), ten.ResendInvitation),
		r("POST", "/t/:slug/people/invitations/:invitationID/revoke", tenant("people", "invite"), ten.RevokeInvitation),
		r("GET", "/t/:slug/people/:memberID", tenant("people", "read"), ten.PersonPage),
		r("POST", "/t/:slug/people/:memberID", tenant("people", "update"), ten.UpdatePerson),
		r("POST", "/t/:slug/people/:memberID/deactivate", tenant("people", "update"), ten.DeactivatePerson),
		r("POST", "/t/:slug/people/:memberID/reactivate", tenant("people", "update"), ten.ReactivatePerson),

		// Funders, programs, consultant agencies, sites and fundings (app/programs).
		r("GET", "/t/:slug/funders", tenant("organisations", "read"), a.programsH.FundersPage),
		r("POST", "/t/:slug/funders", tenant("organisations", "create"), a.programsH.CreateFunder),
		r("POST", "/t/:slug/funders/usual", tenant("organisations", "create"), a.programsH.AddUsualFunders),
		r("GET", "/t/:slug/funders/:funderID/edit", tenant("organisations", "update"), a.programsH.EditFunderPage),
		r("POST", "/t/:slug/funders/:funderID/edit", tenant("organisations", "update"), a.programsH.UpdateFunder),
		r("GET", "/t/:slug/programs", tenant("organisations", "read"), a.programsH.ProgramsPage),
		r("POST", "/t/:slug/programs", tenant("organisations", "create"), a.programsH.CreateProgram),
		r("GET", "/t/:slug/programs/new", tenant("organisations", "create"), a.programsH.NewProgramPage),
		r("GET", "/t/:slug/programs/:programID", tenant("organisations", "read"), a.programsH.ProgramPage),
		r("GET", "/t/:slug/programs/:programID/edit", tenant("organisations", "update"), a.programsH.EditProgramPage),
		r("POST", "/t/:slug/programs/:programID/edit", tenant("organisations", "update"), a.programsH.UpdateProgram),
		r("POST", "/t/:slug/programs/:programID/sites", tenant("organisations", "update"), a.programsH.AddSite),
		r("POST", "/t/:slug/programs/:programID/sites/:siteID/delete", tenant("organisations", "update"), a.programsH.RemoveSite),
		r("GET", "/t/:slug/programs/:programID/fundings/new", tenant("fundings", "update"), a.programsH.NewFundingPage),
		r("POST", "/t/:slug/programs/:programID/fundings", tenant("fundings", "update"), a.programsH.AddFunding),
		r("GET", "/t/:slug/programs/:programID/fundings/:fundingID/edit", tenant("fundings", "update"), a.programsH.EditFundingPage),
		r("POST", "/t/:slug/programs/:programID/fundings/:fundingID/edit", tenant("fundings", "update"), a.programsH.UpdateFunding),
		r("GET", "/t/:slug/agencies", tenant("organisations", "read"), a.programsH.AgenciesPage),
		r("POST", "/t/:slug/agencies", tenant("organisations", "create"), a.programsH.CreateAgency),
		r("GET", "/t/:slug/agencies/:agencyID/edit", tenant("organisations", "update"), a.programsH.EditAgencyPage),
		r("POST", "/t/:slug/agencies/:agencyID/edit", tenant("organisations", "update"), a.programsH.UpdateAgency),

		// Imports and exports (app/imports, app/exports).
		r("GET", "/t/:slug/imports", tenant("imports", "read"), a.importsH.Page),
		r("POST", "/t/:slug/imports", tenant("imports", "create"), a.importsH.Upload),
		r("GET", "/t/:slug/imports/template/programs", tenant("imports", "read"), a.importsH.Template),
		r("GET", "/t/:slug/imports/template/people", tenant("imports", "read"), a.importsH.Template),
		r("GET", "/t/:slug/imports/:importID", tenant("imports", "read"), a.importsH.Show),
		r("GET", "/t/:slug/imports/:importID/problems", tenant("imports", "read"), a.importsH.Problems),
		r("POST", "/t/:slug/imports/:importID/confirm", tenant("imports", "create"), a.importsH.Confirm),
		r("GET", "/t/:slug/exports", tenant("exports", "read"), a.exportsH.Page),
		r("POST", "/t/:slug/exports", tenant("exports", "create"), a.exportsH.Request),
		r("GET", "/t/:slug/exports/:exportID/download", tenant("exports", "read"), a.exportsH.Download),

		// Consultant workforce (app/consultants).
		// Public consultant search and requests for a consultant (search team).
		r("GET", "/t/:slug/find-a-consultant", web.TenantPublic, a.searchH.Find),
		r("GET", "/t/:slug/find-a-consultant/request", web.TenantPublic, a.searchH.RequestPage),
		r("POST", "/t/:slug/find-a-consultant/request", web.TenantPublic, a.searchH.Request),
		r("GET", "/t/:slug/find-a-consultant/confirm/:requestToken", web.TenantPublic, a.searchH.ConfirmPage),
		r("POST", "/t/:slug/find-a-consultant/confirm/:requestToken", web.TenantPublic, a.searchH.Confirm),
		r("GET", "/t/:slug/requests", tenant("requests", "read"), a.searchH.QueuePage),
		// Consultant profiles, documents and the registry review (registry team).
		r("GET", "/t/:slug/profile", tenant("profile", "read"), a.registryH.ProfilePage),
		r("POST", "/t/:slug/profile", tenant("profile", "update"), a.registryH.SaveProfile),
		r("POST", "/t/:slug/profile/documents", tenant("profile", "update"), a.registryH.UploadDocument),
		r("GET", "/t/:slug/profile/documents/:documentID", tenant("profile", "read"), a.registryH.MyDocument),
		r("POST", "/t/:slug/profile/submit", tenant("profile", "update"), a.registryH.Submit),
		r("GET", "/t/:slug/registry", tenant("registry", "read"), a.registryH.RegistryPage),
		r("GET", "/t/:slug/registry/:profileID", tenant("registry", "read"), a.registryH.ReviewPage),
		r("POST", "/t/:slug/registry/:profileID", tenant("registry", "update"), a.registryH.Review),
		r("GET", "/t/:slug/registry/:profileID/documents/:documentID", tenant("registry", "read"), a.registryH.ReviewDocument),

		// Reflective supervision (app/supervision).
		r("GET", "/t/:slug/supervision", tenant("supervision", "read"), a.supervisionH.Overview),
		r("GET", "/t/:slug/supervision/mine", tenant("supervision_own", "read"), a.supervisionH.Mine),
		r("GET", "/t/:slug/supervision/assignments", tenant("supervision_assignments", "read"), a.supervisionH.AssignmentsPage),
		r("POST", "/t/:slug/supervision/assignments", tenant("supervision_assignments", "update"), a.supervisionH.Assign),
		r("POST", "/t/:slug/supervision/assignments/:assignmentID/delete", tenant("supervision_assignments", "update"), a.supervisionH.Unassign),
		r("GET", "/t/:slug/supervision/records/new", tenant("supervision", "create"), a.supervisionH.NewRecordPage),
		r("POST", "/t/:slug/supervision/records/new", tenant("supervision", "create"), a.supervisionH.CreateRecord),
		r("GET", "/t/:slug/supervision/records/:recordID", tenant("supervision_records", "read"), a.supervisionH.RecordPage),

		// The platform console.
		r("GET", "/admin", platform("tenants", "read"), plat.TenantsPage),
		r("GET", "/admin/outbox", platform("outbox", "read"), plat.OutboxPage),
		r("GET", "/admin/outbox/:id", platform("outbox", "read"), plat.MessagePage),
		r("GET", "/admin/audit", platform("audit", "read"), aud.PlatformLog),
		// Platform console additions (app/platform).
		r("GET", "/admin/tenants/new", platform("tenants", "create"), plat.NewTenantPage),
		r("POST", "/admin/tenants", platform("tenants", "create"), plat.CreateTenant),
		r("GET", "/admin/tenants/:tenantID", platform("tenants", "read"), plat.TenantPage),
		r("POST", "/admin/tenants/:tenantID/suspend", platform("tenants", "update"), plat.SuspendTenant),
		r("POST", "/admin/tenants/:tenantID/reactivate", platform("tenants", "update"), plat.ReactivateTenant),
		r("POST", "/admin/tenants/:tenantID/trial", platform("tenants", "update"), plat.ExtendTrial),
		r("GET", "/admin/tenants/:tenantID/delete", platform("tenants", "delete"), plat.DeletePage),
		r("POST", "/admin/tenants/:tenantID/delete", platform("tenants", "delete"), plat.DeleteTenant),
		r("POST", "/admin/tenants/:tenantID/restore", platform("tenants", "delete"), plat.RestoreTenant),
		r("POST", "/admin/tenants/:tenantID/support", platform("support", "create"), plat.StartSupport),
		r("POST", "/admin/tenants/:tenantID/support/end", platform("support", "create"), plat.EndSupport),
	}
}
