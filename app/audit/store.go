package audit

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// Log writes and reads audit events.
type Log struct {
	db *bun.DB
}

// New returns the audit log on db.
func New(db *bun.DB) *Log { return &Log{db: db} }

// Record writes one event in the tenant of ctx (or platform-wide when ctx has none), by the
// actor of ctx, in ctx's transaction if there is one, so the event and the write it describes
// commit together.
func (l *Log) Record(ctx context.Context, action, recordType, recordID, detail string) error {
	a := ActorFrom(ctx)
	e := &Event{
		ID: database.NewID(), ActorID: a.ID, ActorEmail: a.Email, IP: a.IP,
		Action: action, RecordType: recordType, RecordID: recordID, Detail: detail,
		CreatedAt: database.Now(),
	}
	if t, err := database.For(ctx, l.db); err == nil {
		_, err := t.Insert(e).Exec(ctx)
		return err
	}
	_, err := database.Conn(ctx, l.db).NewInsert().Model(e).Exec(ctx)
	return err
}

// List returns a page of the tenant's events, newest first, and whether there are more.
func (l *Log) List(ctx context.Context, f Filter) ([]Event, bool, error) {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return nil, false, err
	}
	return page(ctx, t.Select((*Event)(nil)), f)
}

// ListAll returns a page of every tenant's events, for platform admins.
func (l *Log) ListAll(ctx context.Context, f Filter) ([]Event, bool, error) {
	q := l.db.NewSelect().Model((*Event)(nil))
	if f.Tenant != "" {
		q = q.Where("ae.tenant_id = ?", f.Tenant)
	}
	return page(ctx, q, f)
}

func page(ctx context.Context, q *bun.SelectQuery, f Filter) ([]Event, bool, error) {
	if f.Action != "" {
		q = q.Where("ae.action LIKE ?", strings.ReplaceAll(f.Action, "%", "")+"%")
	}
	if f.Actor != "" {
		q = q.Where("LOWER(ae.actor_email) LIKE ?", "%"+strings.ToLower(strings.ReplaceAll(f.Actor, "%", ""))+"%")
	}
	if !f.From.IsZero() {
		q = q.Where("ae.created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("ae.created_at < ?", f.To)
	}
	if f.Page < 1 {
		f.Page = 1
	}
	var events []Event
	err := q.OrderExpr("ae.created_at DESC, ae.id DESC").Limit(PageSize+1).Offset(int64((f.Page-1)*PageSize)).Scan(ctx, &events)
	if err != nil {
		return nil, false, err
	}
	more := len(events) > PageSize
	if more {
		events = events[:PageSize]
	}
	return events, more, nil
}
