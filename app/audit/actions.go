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
	"user.signin": "Signed in", "user.signout": "Signed out",
	"request.create": "Consultant requested", "consultant_profile.create": "Consultant profile started",
	"consultant_profile.update": "Consultant profile saved", "consultant_profile.submit": "Registry application submitted",
	"consultant_profile.approve": "Registry application approved", "consultant_profile.return": "Registry application returned",
	"consultant_document.upload":    "Document uploaded",
	"supervision_assignment.create": "Supervisor assigned", "supervision_assignment.delete": "Supervisor unassigned",
	"supervision.create": "Supervision recorded", "supervision.notes_read": "Supervision notes read",
}

// Words is the action in plain words ("invitation.create" → "Invitation sent"); an action
// without words comes back as it is.
func (e Event) Words() string {
	if w, ok := actionWords[e.Action]; ok {
		return w
	}
	return e.Action
}
