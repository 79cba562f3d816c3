package imports

import (
	"context"

	"github.com/holdspace/holdspace/app/jobs"
)

// Task types.
const (
	TaskValidate = "imports:validate" // check every row of an uploaded file
	TaskRun      = "imports:run"      // write a checked and confirmed file
)

// taskPayload names the import, and for a run the person who confirmed it.
type taskPayload struct {
	jobs.Tenant
	ImportID string `json:"import_id"`
	UserID   string `json:"user_id,omitempty"`
}

// Register adds the imports tasks to mux. Both are safe to run twice: each acts only on an
// import in the status it expects.
func (s *Service) Register(mux *jobs.Mux) {
	jobs.Handle(mux, TaskValidate, func(ctx context.Context, p taskPayload) error {
		return s.Validate(ctx, p.ImportID)
	})
	jobs.Handle(mux, TaskRun, func(ctx context.Context, p taskPayload) error {
		return s.Run(ctx, p.ImportID, p.UserID)
	})
}
