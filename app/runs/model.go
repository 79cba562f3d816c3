// Package runs is report runs: anything long that a person asks for and then downloads (an
// amendment's PDF, the tenant export, an import's problems file, the NCPC and funder reports).
// A run records who asked, for what (a kind, a subject and parameters), its status and
// progress; a background task (reports:build) streams its file into app/storage while the kind
// writes it, never holding it whole in memory nor in a database column; the file is kept for
// the kind's lifetime and then deleted by runs:expire. One progress page (polled by htmx) and
// one download handler serve every kind; a kind says who may see its runs, and every download
// is audited. The one progress partial (Progress, views/runs/_progress.html) shows a run's
// progress and an import's alike.
package runs

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// Statuses of a run.
const (
	StatusQueued   = "queued"   // waiting for its task (or for a retry after a failed attempt)
	StatusBuilding = "building" // its file is being written
	StatusReady    = "ready"    // its file can be downloaded (until ExpiresAt, if set)
	StatusFailed   = "failed"   // it could not be built: Problem says why
	StatusExpired  = "expired"  // its file has been deleted
)

// Run is one requested report: a row of report_runs.
type Run struct {
	bun.BaseModel `bun:"table:report_runs,alias:rr"`
	database.TenantScoped

	ID          string     `bun:"id,pk"`
	Kind        string     `bun:"kind"`
	SubjectID   string     `bun:"subject_id"`
	Params      string     `bun:"params"` // JSON
	RequestedBy string     `bun:"requested_by"`
	Status      string     `bun:"status"`
	Done        int        `bun:"done"`
	Total       int        `bun:"total"`
	FileKey     string     `bun:"file_key"` // in app/storage; the key of the attempt building, then of the file
	FileName    string     `bun:"file_name"`
	ContentType string     `bun:"content_type"`
	SizeBytes   int64      `bun:"size_bytes"`
	Problem     string     `bun:"problem"` // for people: why it failed, or why an attempt is retried
	CreatedAt   time.Time  `bun:"created_at"`
	StartedAt   *time.Time `bun:"started_at"`
	FinishedAt  *time.Time `bun:"finished_at"`
	ExpiresAt   *time.Time `bun:"expires_at"`

	RequesterName string `bun:"requester_name,scanonly"`
}

// DecodeParams reads the run's parameters (as given to Start) into v.
func (r *Run) DecodeParams(v any) error {
	if r.Params == "" {
		return nil
	}
	return json.Unmarshal([]byte(r.Params), v)
}

// Working reports whether the run is waiting for or being built (its page keeps polling).
func (r *Run) Working() bool { return r.Status == StatusQueued || r.Status == StatusBuilding }

// Expired reports whether the run's file can no longer be downloaded because of its age:
// deleted, or past its expiry and not yet deleted by runs:expire.
func (r *Run) Expired() bool {
	return r.Status == StatusExpired || (r.Status == StatusReady && r.ExpiresAt != nil && !time.Now().Before(*r.ExpiresAt))
}

// Downloadable reports whether the file can be downloaded now.
func (r *Run) Downloadable() bool { return r.Status == StatusReady && r.FileKey != "" && !r.Expired() }

// StatusLabel is the plain name of the run's state.
func (r *Run) StatusLabel() string {
	switch {
	case r.Status == StatusQueued && r.Problem != "":
		return "Trying again"
	case r.Status == StatusQueued:
		return "Waiting to be built"
	case r.Status == StatusBuilding:
		return "Being built"
	case r.Expired():
		return "Expired"
	case r.Status == StatusReady:
		return "Ready"
	case r.Status == StatusFailed:
		return "Could not be built"
	}
	return r.Status
}

// Percent is how far the build is, 0 to 100 (0 while the total is unknown).
func (r *Run) Percent() int {
	if r.Total <= 0 {
		return 0
	}
	p := r.Done * 100 / r.Total
	return max(0, min(100, p))
}

// Size is the file's size for people ("2.4 MB").
func (r *Run) Size() string { return SizeText(r.SizeBytes) }

// SizeText writes a number of bytes for people.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	case n == 1:
		return "1 byte"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
