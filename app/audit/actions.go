package audit

// actionWords says each action in plain words, for people reading the log.
var actionWords = map[string]string{
	"agency.create": "Consultant agency added", "export.download": "Export downloaded",
	"export.ready": "Export ready", "export.request": "Export requested", "funder.create": "Funder added",
	"funding.create": "Funding added", "funding.update": "Funding changed", "import.run": "Import run",
	"import.upload": "File uploaded for import", "invitation.accept": "Invitation accepted",
	"invitation.create": "Invitation sent", "invitation.resend": "Invitation sent again",
	"invitation.revoke": "Invitation revoked", "membership.create": "Person added",
	"membership.deactivate": "Person deactivated", "membership.reactivate": "Person reactivated",
	"membership.update": "Role or organisation changed", "organisation.create": "Organisation added",
	"program.create": "Program added", "program.update": "Program changed", "settings.update": "Settings saved",
	"site.create": "Site added", "site.delete": "Site removed", "support.end": "Support access ended",
	"support.start": "Support access started", "tenant.create": "Tenant created", "tenant.delete": "Tenant deleted",
	"tenant.purge": "Tenant purged", "tenant.reactivate": "Tenant reactivated", "tenant.restore": "Tenant restored",
	"tenant.signup": "Agency signed up", "tenant.suspend": "Tenant suspended", "tenant.trial_extend": "Trial extended",
	"user.create": "Account created", "user.password_reset": "Password reset",
	"user.password_reset_requested": "Password reset asked for", "user.platform_admin_granted": "Made a platform admin",
	"user.signin": "Signed in", "user.signout": "Signed out", "user.signin_locked": "Sign-in paused after wrong passwords",
	"request.create": "Consultant requested", "consultant_profile.create": "Consultant profile started",
	"consultant_profile.update": "Consultant profile saved", "consultant_profile.submit": "Registry application submitted",
	"consultant_profile.approve": "Registry application approved", "consultant_profile.return": "Registry application returned",
	"consultant_document.upload":    "Document uploaded",
	"supervision_assignment.create": "Supervisor assigned", "supervision_assignment.delete": "Supervisor unassigned",
	"supervision.create": "Supervision recorded", "supervision.notes_read": "Supervision notes read",
	"session.create": "Session recorded", "session.update": "Session changed", "session.notes_read": "Session notes read",
	"session.unlock": "Session unlocked", "followup.done": "Follow-up done", "session_list.add": "Session topic or service added",
	"session_list.remove": "Session topic or service removed", "resource.create": "Resource added", "resource.update": "Resource changed",
	"engagement.start": "Engagement started", "engagement.advance": "Engagement moved forward",
	"engagement.walk_back": "Engagement walked back", "engagement.coaching": "Engagement turned into coaching",
	"engagement.continued_support": "Engagement continued as continued support", "engagement.reopen": "Engagement reopened",
	"staffing_requirement.create": "Staffing requirement added", "staffing_requirement.update": "Staffing requirement changed",
	"staffing_requirement.builtin": "Built-in staffing requirements added", "credential_kind.create": "Credential kind added",
	"credential_kind.delete": "Credential kind removed", "credential.create": "Credential added",
	"credential.update": "Credential changed", "credential.delete": "Credential deleted", "credential.verify": "Credential verified",
	"credential.return": "Credential returned", "consultant_profile.hired": "Hire date set", "staffing.reminder": "Staffing reminder sent",
	"consultant_assignment.create": "Consultant assigned to a program", "consultant_assignment.end": "Consultant assignment ended",
	"request.close": "Request closed without a consultant",

	// Assessments and quality improvement plans (app/consultation, D3).
	"instrument.builtin": "Built-in assessment instruments added", "instrument.create": "Assessment instrument added",
	"assessment.create": "Assessment recorded", "assessment.update": "Assessment changed", "assessment.delete": "Assessment deleted",
	"qi_plan.create": "Quality improvement plan started", "qi_plan.update": "Quality improvement plan dates changed",
	"qi_plan.agree": "Quality improvement plan agreed by the program", "qi_goal.create": "Plan goal added",
	"qi_goal.update": "Plan goal changed", "qi_goal.delete": "Plan goal removed", "qi_goal.progress": "Plan goal progress recorded",

	// The tenant's monthly supervision target (app/supervision).
	"supervision.target_update": "Supervision target changed",

	// Report runs (app/runs): the detail names the kind ("Budget amendment document") and the file.
	"run.start": "Report asked for", "run.ready": "Report ready", "run.failed": "Report could not be built",
	"run.download": "Report downloaded",
	// Budget amendments' tasks (app/amendments, tasks.go).
	"amendment.overdue": "Budget amendment overdue: admins told", "amendment.apply": "Budget amendment applied to the budget",
	// Budget versions (app/programs, issue 11): a budget's changes and its holds by amendments.
	"funding.budget": "Budget changed (a new budget version)", "funding.hold": "Budget held by an amendment waiting for a decision",
	"funding.release": "Budget no longer held by an amendment",
	// Budget amendments: requests (app/amendments).
	"amendment.create": "Budget amendment drafted", "amendment.update": "Budget amendment draft changed",
	"amendment.submit": "Budget amendment submitted", "amendment.record": "Budget amendment recorded (notice only)",
	"amendment.withdraw": "Budget amendment withdrawn", "amendment_attachment.upload": "Budget amendment file attached",
	"amendment_attachment.read": "Budget amendment file downloaded",
	// Budget amendments: decisions (app/amendments).
	"amendment.approve": "Budget amendment approved (last step)", "amendment.approve_step": "Budget amendment step approved",
	"amendment.adjust": "Budget amendment approved with adjusted amounts", "amendment.return": "Budget amendment returned for changes",
	"amendment.deny": "Budget amendment denied", "amendment.refused": "Budget amendment decision refused",
	"amendment.comment": "Budget amendment comment added",
	// Budget amendments: processes (app/amendments).
	"amendment_process.update": "Budget amendment process changed", "amendment_process.template": "Budget amendment process set from a template",
	"amendment_rules.update": "Budget amendment rules changed",

	// Billing in the platform console (app/billing, issue 13): comps, contracts paid outside Stripe.
	"billing.comp": "Free use (comp) granted", "billing.comp_end": "Free use (comp) ended",
	"billing.contract": "Contract paid outside Stripe recorded",

	// Work that read or wrote more than one tenant on purpose (database.AuditAcross).
	"platform.across_tenants": "Work across tenants",
}

// Words is the action in plain words ("invitation.create" → "Invitation sent"); an action
// without words comes back as it is.
func (e Event) Words() string {
	if w, ok := actionWords[e.Action]; ok {
		return w
	}
	return e.Action
}
