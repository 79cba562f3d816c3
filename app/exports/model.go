// Package exports builds a full export of a tenant's data: a zip of CSV files, one per kind
// of record, built by a background task (exports:build), kept for seven days for the tenant
// admins to download, then cleared by a periodic task (exports:expire). Requesting, finishing
// and downloading an export are audited.
package exports

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// Statuses of an export.
const (
	StatusQueued   = "queued"
	StatusBuilding = "building"
	StatusReady    = "ready"
	StatusExpired  = "expired" // its file has been cleared
)

// Lifetime is how long an export can be downloaded after it is built.
const Lifetime = 7 * 24 * time.Hour

// Export is one requested export of a tenant's data.
type Export struct {
	bun.BaseModel `bun:"table:exports,alias:ex"`
	database.TenantScoped

	ID          string     `bun:"id,pk"`
	Status      string     `bun:"status"`
	RequestedBy string     `bun:"requested_by"`
	Content     []byte     `bun:"content"` // the zip, while ready
	SizeBytes   int64      `bun:"size_bytes"`
	Problem     string     `bun:"problem"`
	CreatedAt   time.Time  `bun:"created_at"`
	FinishedAt  *time.Time `bun:"finished_at"`
	ExpiresAt   *time.Time `bun:"expires_at"`

	RequestedByName string `bun:"requested_by_name,scanonly"`
}

// Working reports whether the export is waiting for or being built (the page keeps polling).
func (e *Export) Working() bool { return e.Status == StatusQueued || e.Status == StatusBuilding }

// Expired reports whether the export can no longer be downloaded: cleared, or past its
// expiry and not yet cleared by the periodic task.
func (e *Export) Expired() bool {
	return e.Status == StatusExpired || (e.ExpiresAt != nil && !time.Now().Before(*e.ExpiresAt))
}

// Downloadable reports whether the file can be downloaded now.
func (e *Export) Downloadable() bool { return e.Status == StatusReady && !e.Expired() }

// StatusLabel is the plain name of the export's state.
func (e *Export) StatusLabel() string {
	switch {
	case e.Status == StatusQueued:
		return "Waiting to be built"
	case e.Status == StatusBuilding:
		return "Being built"
	case e.Expired():
		return "Expired"
	case e.Status == StatusReady:
		return "Ready"
	}
	return e.Status
}

// Size is the file's size for people.
func (e *Export) Size() string {
	switch {
	case e.SizeBytes >= 1<<20:
		return formatFloat(float64(e.SizeBytes)/(1<<20)) + " MB"
	case e.SizeBytes >= 1<<10:
		return formatFloat(float64(e.SizeBytes)/(1<<10)) + " KB"
	}
	return itoa(e.SizeBytes) + " bytes"
}
