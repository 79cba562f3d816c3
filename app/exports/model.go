// Package exports is the full export of a tenant's data: a zip with one CSV per tenant table
// (every table with a tenant_id, from the database's catalog, the list the purge and the
// row-level security read), built as a report run (app/runs, kind "tenant_export") for the
// tenant admins: the run's one progress page and one audited download serve it, and its file
// is kept for 30 days. Asking for an export is audited (export.request); the run audits its
// start, its file being ready, and every download.
//
// Left out of every export: secrets (invitation and confirmation token hashes, an email's body,
// which may hold a sign-in or invitation link, and its secret links), the contents and storage
// keys of uploaded files, and sealed session notes (see Omitted).
package exports

import "time"

// The kind of run the export is.
const (
	KindName  = "tenant_export"
	KindLabel = "Full export of the tenant's data"
	// Lifetime is how long an export's file can be downloaded after it is built.
	Lifetime = 30 * 24 * time.Hour
)

// Omitted lists, per table, the columns an export leaves out, each with why. It is kept small
// and explicit: every other column of every tenant table is in the export.
var Omitted = map[string]map[string]string{
	"invitations":            {"token_hash": "a secret: the invitation link's token"},
	"consultant_requests":    {"confirm_token_hash": "a secret: the confirmation link's token"},
	"emails":                 {"body_text": "may hold a sign-in or invitation link", "secret_links": "secret links"},
	"imports":                {"content": "the uploaded file itself"},
	"exports":                {"content": "an old export's zip (exports are report runs now)"},
	"consultant_documents":   {"storage_key": "where an uploaded file is stored"},
	"consultant_credentials": {"evidence_key": "where an uploaded file is stored"},
	"amendment_attachments":  {"storage_key": "where an uploaded file is stored"},
	"report_runs":            {"file_key": "where a report's file is stored"},
	"consultation_sessions":  {"notes_sealed": "session notes stay sealed: their ciphertext is left out"},
}
