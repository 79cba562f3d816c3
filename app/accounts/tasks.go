package accounts

import (
	"context"

	"github.com/holdspace/holdspace/app/jobs"
)

// TaskPurge deletes ended sessions and old reset links; the scheduler runs it every hour.
const TaskPurge = "accounts:purge"

// Register adds the accounts tasks to mux.
func (s *Service) Register(mux *jobs.Mux) {
	jobs.Handle(mux, TaskPurge, func(ctx context.Context, _ jobs.Tenant) error {
		n, err := s.PurgeExpired(ctx)
		if err == nil && n > 0 {
			s.log.InfoContext(ctx, "purged ended sessions and reset links", "rows", n)
		}
		return err
	})
}

// Periodic lists the accounts' scheduled tasks.
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "@every 1h", Type: TaskPurge}}
}
