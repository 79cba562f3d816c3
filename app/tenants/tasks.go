package tenants

import (
	"context"
	"log/slog"

	"github.com/holdspace/holdspace/app/jobs"
)

// TaskPurge removes the tenants whose grace period after deletion has passed; the scheduler
// runs it every hour.
const TaskPurge = "tenants:purge"

// Register adds the tenants' tasks to mux.
func (s *Service) Register(mux *jobs.Mux, log *slog.Logger) {
	jobs.Handle(mux, TaskPurge, func(ctx context.Context, _ jobs.Tenant) error {
		n, err := s.PurgeDue(ctx)
		if n > 0 {
			log.InfoContext(ctx, "purged deleted tenants", "tenants", n)
		}
		return err
	})
}

// Periodic lists the tenants' scheduled tasks.
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "@every 1h", Type: TaskPurge}}
}
