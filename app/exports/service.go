package exports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
)

// Task types.
const (
	TaskBuild  = "exports:build"  // build one export's zip
	TaskExpire = "exports:expire" // clear the files of expired exports (every hour)
)

// Service is the exports domain.
type Service struct {
	db    *bun.DB
	audit *audit.Log
	queue *jobs.Queue
}

// NewService returns the service.
func NewService(db *bun.DB, log *audit.Log, queue *jobs.Queue) *Service {
	return &Service{db: db, audit: log, queue: queue}
}

// List returns the tenant's latest exports, newest first, without their files.
func (s *Service) List(ctx context.Context, limit int) ([]Export, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Export
	err = t.Select(&list).ExcludeColumn("content").ColumnExpr("COALESCE(u.name, '') AS requested_by_name").
		Join("LEFT JOIN users AS u ON u.id = ex.requested_by").
		OrderExpr("ex.created_at DESC, ex.id DESC").Limit(int64(limit)).Scan(ctx)
	return list, err
}

// Get returns one export of the tenant, with its file when withContent, or ENOTFOUND.
func (s *Service) Get(ctx context.Context, id string, withContent bool) (*Export, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("export")
	}
	e := new(Export)
	q := t.Select(e).Where("ex.id = ?", id)
	if !withContent {
		q = q.ExcludeColumn("content")
	}
	if err := q.Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFound("export")
		}
		return nil, err
	}
	return e, nil
}

// Request queues a full export of the tenant of ctx. While one is waiting or being built,
// another request returns that one (created false) instead of building the same thing twice.
func (s *Service) Request(ctx context.Context) (*Export, bool, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, false, err
	}
	var e *Export
	created := false
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		busy := new(Export)
		err = t.Select(busy).ExcludeColumn("content").Where("ex.status IN (?)", bun.In([]string{StatusQueued, StatusBuilding})).
			OrderExpr("ex.created_at DESC").Limit(1).Scan(ctx)
		enqueue := func() {
			database.AfterCommit(ctx, func(ctx context.Context) {
				if s.queue != nil {
					_ = s.queue.Enqueue(ctx, TaskBuild, buildPayload{Tenant: jobs.Tenant{TenantID: sc.TenantID}, ExportID: e.ID},
						asynq.Timeout(30*time.Minute))
				}
			})
		}
		switch {
		case err == nil:
			e = busy
			// Its task may have been lost: queue it again (building is safe to run twice).
			if time.Since(busy.CreatedAt) > StallAfter {
				enqueue()
			}
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		e = &Export{ID: database.NewID(), Status: StatusQueued, RequestedBy: sc.UserID, CreatedAt: database.Now()}
		if _, err := t.Insert(e).Exec(ctx); err != nil {
			return err
		}
		created = true
		if err := s.audit.Record(ctx, "export.request", "export", e.ID, "full export"); err != nil {
			return err
		}
		enqueue()
		return nil
	})
	return e, created, err
}

// StallAfter is how long an export may wait or build before a new request queues it again.
const StallAfter = 15 * time.Minute

// Build builds an export's zip (the exports:build task) and keeps it for Lifetime. Safe to
// run twice: an export that is no longer waiting or being built is left alone, and the last
// step only moves an export still being built.
func (s *Service) Build(ctx context.Context, id string) error {
	e, err := s.Get(ctx, id, false)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !e.Working() {
		return nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	if e.Status == StatusQueued {
		if _, err := t.Update((*Export)(nil)).Set("status = ?", StatusBuilding).
			Where("ex.id = ? AND ex.status = ?", id, StatusQueued).Exec(ctx); err != nil {
			return err
		}
	}
	zipped, err := s.buildZip(ctx)
	if err != nil {
		return err
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		now := database.Now()
		expires := now.Add(Lifetime)
		res, err := t.Update((*Export)(nil)).Set("status = ?", StatusReady).Set("content = ?", zipped).
			Set("size_bytes = ?", len(zipped)).Set("finished_at = ?", now).Set("expires_at = ?", expires).
			Where("ex.id = ? AND ex.status = ?", id, StatusBuilding).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // another delivery of this task finished first
		}
		return s.audit.Record(ctx, "export.ready", "export", id, fmt.Sprintf("%d bytes, until %s", len(zipped), expires.Format(time.RFC3339)))
	})
}

// Download returns a ready export with its file, and records that it was downloaded.
//
// Errors: ENOTFOUND, with a message saying so when the export has expired or is not ready.
func (s *Service) Download(ctx context.Context, id string) (*Export, error) {
	e, err := s.Get(ctx, id, true)
	if err != nil {
		return nil, err
	}
	switch {
	case e.Expired():
		when := ""
		if e.ExpiresAt != nil {
			when = " on " + e.ExpiresAt.UTC().Format("January 2, 2006 at 15:04 UTC")
		}
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "This export expired" + when +
			" and its file has been deleted. Request a new export on the Exports page."}
	case e.Status != StatusReady || e.Content == nil:
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "This export is not ready yet. The Exports page shows when it is."}
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		return s.audit.Record(ctx, "export.download", "export", e.ID, fmt.Sprintf("%d bytes", len(e.Content)))
	})
	return e, err
}

// Expire clears the file of every export past its expiry, in every tenant (the
// exports:expire task), and returns how many it cleared. It is work across tenants on the
// named path: the platform's housekeeping, it reads nothing out, and it only ever removes.
func (s *Service) Expire(ctx context.Context, now time.Time) (int64, error) {
	const why = "exports.expire"
	res, err := s.db.NewUpdate().Model((*Export)(nil)).Set("status = ?", StatusExpired).Set("content = NULL").
		Where("ex.status = ? AND ex.expires_at <= ?", StatusReady, now).Exec(database.AcrossTenants(ctx, why))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err == nil && n > 0 {
		err = database.AuditAcross(ctx, s.db, why, fmt.Sprintf("%d expired exports cleared", n), "", "")
	}
	return n, err
}

// buildPayload names the export to build.
type buildPayload struct {
	jobs.Tenant
	ExportID string `json:"export_id"`
}

// Register adds the exports tasks to mux.
func (s *Service) Register(mux *jobs.Mux) {
	jobs.Handle(mux, TaskBuild, func(ctx context.Context, p buildPayload) error {
		return s.Build(ctx, p.ExportID)
	})
	jobs.Handle(mux, TaskExpire, func(ctx context.Context, _ jobs.Tenant) error {
		_, err := s.Expire(ctx, database.Now())
		return err
	})
}

// Periodic lists the exports' scheduled tasks.
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "@every 1h", Type: TaskExpire}}
}
