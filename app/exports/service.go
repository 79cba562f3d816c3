package exports

import (
	"context"
	"database/sql"
	"errors"
	"io"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
)

// Service is the exports domain: it asks app/runs for exports and lists them.
type Service struct {
	db    *bun.DB
	audit *audit.Log
	runs  *runs.Service
}

// NewService returns the service and registers the export's kind of run on rs.
func NewService(db *bun.DB, log *audit.Log, rs *runs.Service) *Service {
	s := &Service{db: db, audit: log, runs: rs}
	rs.Register(s.Kind())
	return s
}

// Kind is the export's kind of run: built by build, seen by the tenant admins only, kept for
// Lifetime, its page linking back to the exports page.
func (s *Service) Kind() runs.Kind {
	return runs.Kind{
		Name: KindName, Label: KindLabel, Lifetime: Lifetime,
		Build: func(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
			return s.build(ctx, r, w, progress)
		},
		MaySee: func(ctx context.Context, _ *runs.Run) (bool, error) {
			sc, err := database.ScopeFrom(ctx)
			if err != nil {
				return false, err
			}
			return sc.Role == authz.TenantAdmin, nil
		},
		Back: func(*runs.Run) (string, string) { return "Back to exports", "exports" },
	}
}

// List returns the tenant's export runs, newest first, with who asked.
func (s *Service) List(ctx context.Context, limit int) ([]runs.Run, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []runs.Run
	err = t.Select(&list).ColumnExpr("rr.*").ColumnExpr("COALESCE(u.name, '') AS requester_name").
		Join("LEFT JOIN users AS u ON u.id = rr.requested_by").Where("rr.kind = ?", KindName).
		OrderExpr("rr.created_at DESC, rr.id DESC").Limit(int64(limit)).Scan(ctx)
	return list, err
}

// Request asks for a full export of the tenant of ctx: it starts a run of the export's kind
// (queued for runs:build) and records export.request. While an export is waiting or being
// built, another request returns that one (created false) instead of building it twice.
func (s *Service) Request(ctx context.Context) (*runs.Run, bool, error) {
	var r *runs.Run
	created := false
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		busy := new(runs.Run)
		err = t.Select(busy).Where("rr.kind = ? AND rr.status IN (?)", KindName, bun.In([]string{runs.StatusQueued, runs.StatusBuilding})).
			OrderExpr("rr.created_at DESC, rr.id DESC").Limit(1).Scan(ctx)
		switch {
		case err == nil:
			r = busy
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if r, err = s.runs.Start(ctx, KindName, "", nil); err != nil {
			return err
		}
		created = true
		return s.audit.Record(ctx, "export.request", "run", r.ID, KindLabel)
	})
	return r, created, err
}
