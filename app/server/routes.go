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
		// Issue 11 (budget amendments, programs API): a funding's page, with its budget history.
		r("GET", "/t/:slug/programs/:programID/fundings/:fundingID", tenant("fundings", "read"), a.programsH.FundingPage),
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
		// Issue 12 (report runs): the problems file is a run; asking for it goes to the run's page.
		r("POST", "/t/:slug/imports/:importID/problems", tenant("imports", "read"), a.importsH.Problems).AsRead(),
		r("POST", "/t/:slug/imports/:importID/confirm", tenant("imports", "create"), a.importsH.Confirm),
		r("GET", "/t/:slug/exports", tenant("exports", "read"), a.exportsH.Page),
		r("POST", "/t/:slug/exports", tenant("exports", "create"), a.exportsH.Request).AsRead(),

		// Consultant workforce (app/consultants).
		// Public consultant search and requests for a consultant (search team).
		r("GET", "/t/:slug/find-a-consultant", web.TenantPublic, a.searchH.Find),
		r("GET", "/t/:slug/find-a-consultant/request", web.TenantPublic, a.searchH.RequestPage),
		r("POST", "/t/:slug/find-a-consultant/request", web.TenantPublic, a.searchH.Request),
		r("GET", "/t/:slug/find-a-consultant/confirm/:requestToken", web.TenantPublic, a.searchH.ConfirmPage),
		r("POST", "/t/:slug/find-a-consultant/confirm/:requestToken", web.TenantPublic, a.searchH.Confirm),
		// Matching: the queue, a request's suggestions, assign and close; the consultants page of
		// programs and funders (matching team).
		r("GET", "/t/:slug/requests", tenant("requests", "read"), a.matchH.QueuePage),
		r("GET", "/t/:slug/requests/:requestID", tenant("requests", "read"), a.matchH.RequestPage),
		r("POST", "/t/:slug/requests/:requestID/assign", tenant("requests", "update"), a.matchH.Assign),
		r("POST", "/t/:slug/requests/:requestID/close", tenant("requests", "update"), a.matchH.Close),
		r("POST", "/t/:slug/consultant-assignments/:consultantAssignmentID/end", tenant("requests", "update"), a.matchH.EndAssignment),
		r("GET", "/t/:slug/consultants", tenant("my_consultants", "read"), a.matchH.MinePage),
		r("POST", "/t/:slug/consultants/ask", tenant("my_consultants", "create"), a.matchH.Ask),
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
		r("GET", "/t/:slug/supervision/target", tenant("supervision_target", "read"), a.supervisionH.TargetPage),
		r("POST", "/t/:slug/supervision/target", tenant("supervision_target", "update"), a.supervisionH.SaveTarget),

		// Credentials against staffing requirements (app/credentials). The requirements pages
		// come before /staffing/:profileID, which would otherwise take "requirements".
		r("GET", "/t/:slug/staffing/requirements", tenant("staffing_requirements", "read"), a.credentialsH.RequirementsPage),
		r("POST", "/t/:slug/staffing/requirements", tenant("staffing_requirements", "update"), a.credentialsH.CreateRequirement),
		r("POST", "/t/:slug/staffing/requirements/builtin", tenant("staffing_requirements", "update"), a.credentialsH.AddBuiltin),
		r("GET", "/t/:slug/staffing/requirements/:requirementID/edit", tenant("staffing_requirements", "read"), a.credentialsH.EditRequirementPage),
		r("POST", "/t/:slug/staffing/requirements/:requirementID/edit", tenant("staffing_requirements", "update"), a.credentialsH.UpdateRequirement),
		r("POST", "/t/:slug/staffing/requirements/:requirementID/kinds", tenant("staffing_requirements", "update"), a.credentialsH.AddKind),
		r("POST", "/t/:slug/staffing/requirements/:requirementID/kinds/:kindID/delete", tenant("staffing_requirements", "update"), a.credentialsH.RemoveKind),
		r("GET", "/t/:slug/staffing", tenant("staffing", "read"), a.credentialsH.StaffingPage),
		r("GET", "/t/:slug/staffing/:profileID", tenant("staffing", "read"), a.credentialsH.ConsultantPage),
		r("POST", "/t/:slug/staffing/:profileID/hired", tenant("staffing", "update"), a.credentialsH.SetHired),
		r("POST", "/t/:slug/staffing/:profileID/credentials/:credentialID/verify", tenant("staffing", "update"), a.credentialsH.Verify),
		r("POST", "/t/:slug/staffing/:profileID/credentials/:credentialID/return", tenant("staffing", "update"), a.credentialsH.Return),
		r("GET", "/t/:slug/staffing/:profileID/credentials/:credentialID/evidence", tenant("staffing", "read"), a.credentialsH.StaffEvidence),
		r("GET", "/t/:slug/credentials", tenant("credentials", "read"), a.credentialsH.MinePage),
		r("POST", "/t/:slug/credentials", tenant("credentials", "update"), a.credentialsH.CreateCredential),
		r("GET", "/t/:slug/credentials/:credentialID/edit", tenant("credential_records", "read"), a.credentialsH.EditCredentialPage),
		r("POST", "/t/:slug/credentials/:credentialID/edit", tenant("credential_records", "update"), a.credentialsH.UpdateCredential),
		r("POST", "/t/:slug/credentials/:credentialID/delete", tenant("credential_records", "update"), a.credentialsH.DeleteCredential),
		r("GET", "/t/:slug/credentials/:credentialID/evidence", tenant("credential_records", "read"), a.credentialsH.Evidence),

		// Consultation records (app/consultation, D1): engagements through the cycle, caseloads,
		// dosage and fidelity, Ohio's EI expectations. /engagements/new comes before
		// /engagements/:engagementID, which would otherwise take "new".
		r("GET", "/t/:slug/engagements", tenant("engagements", "read"), a.engagementsH.List),
		r("GET", "/t/:slug/engagements/new", tenant("engagements", "create"), a.engagementsH.NewPage),
		r("POST", "/t/:slug/engagements", tenant("engagements", "create"), a.engagementsH.Start),
		r("GET", "/t/:slug/engagements/:engagementID", tenant("engagements", "read"), a.engagementsH.Show),
		r("POST", "/t/:slug/engagements/:engagementID/advance", tenant("engagements", "update"), a.engagementsH.Advance),
		r("POST", "/t/:slug/engagements/:engagementID/back", tenant("engagements", "update"), a.engagementsH.WalkBack),
		r("POST", "/t/:slug/engagements/:engagementID/coaching", tenant("engagements", "update"), a.engagementsH.StartCoaching),
		r("POST", "/t/:slug/engagements/:engagementID/continued-support", tenant("engagements", "update"), a.engagementsH.ContinueSupport),
		r("POST", "/t/:slug/engagements/:engagementID/reopen", tenant("engagements", "update"), a.engagementsH.Reopen),
		// Issue 12, part 4: a child and family focus's optional details (app/consultation).
		r("POST", "/t/:slug/engagements/:engagementID/child-details", tenant("engagements", "update"), a.engagementsH.ChildDetails),
		r("GET", "/t/:slug/caseload", tenant("caseload", "read"), a.engagementsH.Caseload),
		r("GET", "/t/:slug/ei-expectations", tenant("ei_expectations", "read"), a.engagementsH.EIExpectations),

		// Consultation records (app/consultation, D2): recording sessions (notes sealed, reads
		// audited), the 14-day lock and unlocking, follow-ups, the sessions list and CSV, the
		// tenant's session topics and services, the resource library.
		r("GET", "/t/:slug/engagements/:engagementID/sessions/new", tenant("sessions", "create"), a.sessionsH.NewSessionPage),
		r("POST", "/t/:slug/engagements/:engagementID/sessions/new", tenant("sessions", "create"), a.sessionsH.RecordSession),
		r("GET", "/t/:slug/sessions", tenant("sessions", "read"), a.sessionsH.SessionsPage),
		r("GET", "/t/:slug/sessions.csv", tenant("sessions_csv", "read"), a.sessionsH.SessionsCSV),
		r("GET", "/t/:slug/sessions/:sessionID", tenant("sessions", "read"), a.sessionsH.SessionPage),
		r("GET", "/t/:slug/sessions/:sessionID/edit", tenant("sessions", "update"), a.sessionsH.EditSessionPage),
		r("POST", "/t/:slug/sessions/:sessionID/edit", tenant("sessions", "update"), a.sessionsH.UpdateSession),
		r("POST", "/t/:slug/sessions/:sessionID/unlock", tenant("sessions", "unlock"), a.sessionsH.UnlockSession),
		r("POST", "/t/:slug/followups/:followUpID/done", tenant("followups", "update"), a.sessionsH.MarkFollowUpDone),
		r("GET", "/t/:slug/session-lists", tenant("session_lists", "read"), a.sessionsH.SessionListsPage),
		r("POST", "/t/:slug/session-lists", tenant("session_lists", "update"), a.sessionsH.SaveSessionLists),
		r("GET", "/t/:slug/resources", tenant("resources", "read"), a.resourcesH.LibraryPage),
		r("POST", "/t/:slug/resources", tenant("resources", "create"), a.resourcesH.AddResource),
		r("GET", "/t/:slug/resources/:resourceID/edit", tenant("resources", "update"), a.resourcesH.EditResourcePage),
		r("POST", "/t/:slug/resources/:resourceID/edit", tenant("resources", "update"), a.resourcesH.UpdateResource),

		// Consultation records (app/consultation, D3): assessment instruments, pre/post
		// assessments with the change per subscale, quality improvement plans agreed by the program.
		r("GET", "/t/:slug/instruments", tenant("instruments", "read"), a.assessmentsH.InstrumentsPage),
		r("POST", "/t/:slug/instruments", tenant("instruments", "create"), a.assessmentsH.CreateInstrument),
		r("GET", "/t/:slug/instruments/:instrumentID", tenant("instruments", "read"), a.assessmentsH.InstrumentPage),
		r("GET", "/t/:slug/engagements/:engagementID/assessments", tenant("assessments", "read"), a.assessmentsH.EngagementAssessments),
		r("GET", "/t/:slug/engagements/:engagementID/assessments/new", tenant("assessments", "update"), a.assessmentsH.NewAssessmentPage),
		r("POST", "/t/:slug/engagements/:engagementID/assessments/new", tenant("assessments", "update"), a.assessmentsH.CreateAssessment),
		r("GET", "/t/:slug/assessments/:assessmentID", tenant("assessments", "read"), a.assessmentsH.AssessmentPage),
		r("POST", "/t/:slug/assessments/:assessmentID", tenant("assessments", "update"), a.assessmentsH.UpdateAssessment),
		r("POST", "/t/:slug/assessments/:assessmentID/delete", tenant("assessments", "update"), a.assessmentsH.DeleteAssessment),
		r("GET", "/t/:slug/plans", tenant("plans", "read"), a.plansH.PlansPage),
		r("GET", "/t/:slug/engagements/:engagementID/plan", tenant("plans", "read"), a.plansH.PlanPage),
		r("POST", "/t/:slug/engagements/:engagementID/plan", tenant("plans", "update"), a.plansH.SavePlan),
		r("POST", "/t/:slug/plans/:planID/goals", tenant("plans", "update"), a.plansH.AddGoal),
		r("POST", "/t/:slug/plans/:planID/agree", tenant("plans", "agree"), a.plansH.Agree),
		r("GET", "/t/:slug/goals/:goalID/edit", tenant("plans", "update"), a.plansH.EditGoalPage),
		r("POST", "/t/:slug/goals/:goalID/edit", tenant("plans", "update"), a.plansH.UpdateGoal),
		r("POST", "/t/:slug/goals/:goalID/progress", tenant("plans", "update"), a.plansH.RecordProgress),
		r("POST", "/t/:slug/goals/:goalID/delete", tenant("plans", "update"), a.plansH.DeleteGoal),

		// Budget amendments: processes (app/amendments): each funder's steps (who decides, days to
		// respond), the built-in templates and the rules that classify a proposal. Tenant admins
		// keep every funder's, a funder's people their own funder's. These come before any
		// /amendments/:amendmentID route, which would otherwise take "processes".
		r("GET", "/t/:slug/amendments/processes", tenant("amendment_process", "read"), a.amendmentsH.ProcessesPage),
		r("GET", "/t/:slug/amendments/processes/:funderID", tenant("amendment_process", "read"), a.amendmentsH.ProcessPage),
		r("POST", "/t/:slug/amendments/processes/:funderID/steps", tenant("amendment_process", "update"), a.amendmentsH.AddStep),
		r("POST", "/t/:slug/amendments/processes/:funderID/steps/:stepID/edit", tenant("amendment_process", "update"), a.amendmentsH.UpdateStep),
		r("POST", "/t/:slug/amendments/processes/:funderID/steps/:stepID/up", tenant("amendment_process", "update"), a.amendmentsH.MoveStepUp),
		r("POST", "/t/:slug/amendments/processes/:funderID/steps/:stepID/down", tenant("amendment_process", "update"), a.amendmentsH.MoveStepDown),
		r("POST", "/t/:slug/amendments/processes/:funderID/steps/:stepID/delete", tenant("amendment_process", "update"), a.amendmentsH.RemoveStep),
		r("POST", "/t/:slug/amendments/processes/:funderID/rules", tenant("amendment_process", "update"), a.amendmentsH.SaveRules),
		r("POST", "/t/:slug/amendments/processes/:funderID/template", tenant("amendment_process", "update"), a.amendmentsH.ApplyTemplate),
		// Budget amendments: requests (app/amendments). A program's people propose, save, submit
		// and withdraw their program's amendments; the tenant admin holds "amendments update"
		// only so another tenant's ids are "not found", not "forbidden" (the service refuses
		// anyone but the program's people). /amendments/new must come before
		// /amendments/:amendmentID, which would otherwise take "new".
		r("GET", "/t/:slug/amendments", tenant("amendments", "read"), a.amendmentsH.ListPage),
		r("GET", "/t/:slug/amendments/new", tenant("amendments", "create"), a.amendmentsH.NewRequestPage),
		r("POST", "/t/:slug/amendments", tenant("amendments", "create"), a.amendmentsH.CreateRequest),
		r("POST", "/t/:slug/amendments/preview", tenant("amendments", "create"), a.amendmentsH.PreviewRequest).AsRead(), // saves nothing: the live preview
		r("GET", "/t/:slug/amendments/:amendmentID/edit", tenant("amendments", "update"), a.amendmentsH.EditRequestPage),
		r("POST", "/t/:slug/amendments/:amendmentID/edit", tenant("amendments", "update"), a.amendmentsH.UpdateRequest),
		r("POST", "/t/:slug/amendments/:amendmentID/attachments", tenant("amendments", "update"), a.amendmentsH.UploadAttachment),
		r("GET", "/t/:slug/amendments/:amendmentID/attachments/:attachmentID", tenant("amendments", "read"), a.amendmentsH.DownloadAttachment),
		r("POST", "/t/:slug/amendments/:amendmentID/submit", tenant("amendments", "update"), a.amendmentsH.SubmitRequest),
		r("POST", "/t/:slug/amendments/:amendmentID/withdraw", tenant("amendments", "update"), a.amendmentsH.WithdrawRequest),
		// Budget amendments: decisions (app/amendments). The inbox comes before
		// /amendments/:amendmentID, which would otherwise take "inbox".
		r("GET", "/t/:slug/amendments/inbox", tenant("amendments", "read"), a.amendmentsH.Inbox),
		r("GET", "/t/:slug/amendments/:amendmentID", tenant("amendments", "read"), a.amendmentsH.Show),
		r("POST", "/t/:slug/amendments/:amendmentID/decision", tenant("amendments", "decide"), a.amendmentsH.Decide),
		r("POST", "/t/:slug/amendments/:amendmentID/comments", tenant("amendment_comments", "create"), a.amendmentsH.AddComment),
		// Report runs (app/runs): one progress page and one download for every kind of run; the
		// kind's MaySee narrows who finds a run.
		r("GET", "/t/:slug/runs/:runID", tenant("runs", "read"), a.runsH.Show),
		r("GET", "/t/:slug/runs/:runID/download", tenant("runs", "read"), a.runsH.Download),
		// Issue 12 (reports index): the reports a person may open, and the files they asked for.
		r("GET", "/t/:slug/reports", tenant("reports", "read"), a.reportsIndexH.Page),
		// The NCPC report (app/reports, issue 12 section 2): its setup (tenant admins), the page
		// and the lists behind its figures, and its files (a run of kind "ncpc_report").
		r("GET", "/t/:slug/reports/ncpc/setup", tenant("reports_setup", "read"), a.ncpcH.SetupPage),
		r("POST", "/t/:slug/reports/ncpc/setup", tenant("reports_setup", "update"), a.ncpcH.SaveSetup),
		r("GET", "/t/:slug/reports/ncpc", tenant("reports", "read"), a.ncpcH.Page),
		r("GET", "/t/:slug/reports/ncpc/list", tenant("reports", "read"), a.ncpcH.List),
		r("POST", "/t/:slug/reports/ncpc/runs", tenant("reports", "create"), a.ncpcH.StartRun).AsRead(),

		// Funders' reports and the de-identified sessions export (app/reports, issue 12 section 3).
		// A funder's people open only their own funder's report; files are runs of app/runs.
		r("GET", "/t/:slug/reports/funders", tenant("reports", "read"), a.FunderReports.FundersPage),
		r("GET", "/t/:slug/reports/funders/:funderID", tenant("reports", "read"), a.FunderReports.FunderPage),
		r("POST", "/t/:slug/reports/funders/:funderID/runs", tenant("reports", "create"), a.FunderReports.StartFunderRun).AsRead(),
		r("GET", "/t/:slug/reports/sessions", tenant("reports", "read"), a.SessionsExport.SessionsPage),
		r("POST", "/t/:slug/reports/sessions/runs", tenant("reports", "create"), a.SessionsExport.StartSessionsRun).AsRead(),
		// Issue 12, part 4: child outcomes and the equity view (app/reports), its file a run.
		r("GET", "/t/:slug/reports/child-outcomes", tenant("reports", "read"), a.equityH.Page),
		r("POST", "/t/:slug/reports/child-outcomes/runs", tenant("reports", "create"), a.equityH.RequestFile).AsRead(),

		// Subscriptions and billing (app/billing, issue 13): the tenant admin's billing page. Going
		// to pay is not a write: a read-only tenant's admin can still pay (AsRead).
		r("GET", "/t/:slug/billing", tenant("billing", "read"), a.billingH.Page),
		r("POST", "/t/:slug/billing/checkout", tenant("billing", "update"), a.billingH.Checkout).AsRead(),
		r("POST", "/t/:slug/billing/portal", tenant("billing", "update"), a.billingH.Portal).AsRead(),
		r("POST", "/t/:slug/billing/invoicing", tenant("billing", "update"), a.billingH.Invoicing).AsRead(),
		// Stripe's events: a signed machine call, no session and no CSRF (web.Webhook).
		r("POST", "/webhooks/stripe", web.Webhook, a.webhookH.Receive),

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
		// Billing in the console (app/billing, issue 13): revenue, one tenant's subscription and
		// invoices, comps and contracts paid outside Stripe.
		r("GET", "/admin/billing", platform("billing", "read"), a.consoleH.Revenue),
		r("GET", "/admin/tenants/:tenantID/billing", platform("billing", "read"), a.consoleH.TenantBilling),
		r("POST", "/admin/tenants/:tenantID/billing/comp", platform("billing", "update"), a.consoleH.Comp),
		r("POST", "/admin/tenants/:tenantID/billing/comp/end", platform("billing", "update"), a.consoleH.EndComp),
		r("POST", "/admin/tenants/:tenantID/billing/contracts", platform("billing", "update"), a.consoleH.RecordContract),
	}
}
