package consultants

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
)

// TaskCleanupRequests deletes the public requests still unconfirmed after their link expired;
// the scheduler runs it every hour.
const TaskCleanupRequests = "consultants:cleanup_requests"

// DeleteExpired deletes, in every tenant, the public requests still unconfirmed once their
// confirmation link has expired (older than RequestLinkLifetime at now), and returns how many.
//
// It is platform housekeeping like runs:expire, so it is not scoped to one tenant, and it
// writes no audit event: such a request never reached anyone's queue (its sender never proved
// the address, and it may well come from a bot), so there is nothing a tenant's people saw or
// decided to account for, and a flood of spam would otherwise become a flood of log lines in
// the tenant's audit log. The count goes to the worker's log.
func (s *Requests) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	const why = "requests.delete_unconfirmed"
	res, err := s.db.NewDelete().Model((*Request)(nil)).
		Where("cr.status = ? AND cr.created_at <= ?", RequestUnconfirmed, now.Add(-RequestLinkLifetime)).
		Exec(database.AcrossTenants(ctx, why))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err == nil && n > 0 {
		// The platform's log, not the tenants': one line per sweep that removed something.
		err = database.AuditAcross(ctx, s.db, why, fmt.Sprintf("%d unconfirmed requests deleted", n), "", "")
	}
	return n, err
}

// Register adds the requests' tasks to mux.
func (s *Requests) Register(mux *jobs.Mux, log *slog.Logger) {
	jobs.Handle(mux, TaskCleanupRequests, func(ctx context.Context, _ jobs.Tenant) error {
		n, err := s.DeleteExpired(ctx, time.Now().UTC())
		if n > 0 {
			log.InfoContext(ctx, "deleted unconfirmed requests for a consultant", "requests", n)
		}
		return err
	})
}

// Periodic lists the requests' scheduled tasks.
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "@every 1h", Type: TaskCleanupRequests}}
}
