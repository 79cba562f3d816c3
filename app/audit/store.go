package audit

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
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

// List returns a page of the tenant's events, newest first, and whether there are older ones.
func (l *Log) List(ctx context.Context, f Filter) ([]Event, bool, error) {
	p, err := l.Page(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return p.Events, p.Next != "", nil
}

// Page returns a page of the tenant's events, newest first, with the cursors around it.
func (l *Log) Page(ctx context.Context, f Filter) (*EventPage, error) {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return nil, err
	}
	return page(ctx, t.Select((*Event)(nil)), f)
}

// ListAll returns a page of every tenant's events (or f.Tenant's), newest first, with the
// cursors around it, for platform admins.
func (l *Log) ListAll(ctx context.Context, f Filter) (*EventPage, error) {
	q := l.db.NewSelect().Model((*Event)(nil))
	if f.Tenant != "" {
		q = q.Where("ae.tenant_id = ?", f.Tenant)
	}
	return page(ctx, q, f)
}

// EventPage is one page of events, newest first, and the cursors of the pages around it.
type EventPage struct {
	Events     []Event
	Next, Prev string // older events, newer events ("" when there are none)
}

// Cursor is the event's keyset position in the log (created_at~id).
func (e *Event) Cursor() string {
	return web.Cursor(e.CreatedAt.UTC().Format(time.RFC3339Nano), e.ID)
}

// page reads one page by keyset: the rows just older (or, going back, newer) than the cursor,
// on the (tenant_id, created_at, id) index, never counting or skipping rows.
func page(ctx context.Context, q *bun.SelectQuery, f Filter) (*EventPage, error) {
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
	op, order := f.Keyset.Comparison(2, true)
	if keys, _, ok := f.Keyset.Keys(2); ok {
		at, err := time.Parse(time.RFC3339Nano, keys[0])
		if err == nil && database.IsID(keys[1]) {
			q = q.Where("(ae.created_at, ae.id) "+op+" (?, ?)", at.UTC(), keys[1])
		} else {
			f.Keyset = web.Keyset{}
			op, order = f.Keyset.Comparison(2, true)
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = PageSize
	}
	var events []Event
	err := q.OrderExpr("ae.created_at "+order+", ae.id "+order).Limit(int64(limit+1)).Scan(ctx, &events)
	if err != nil {
		return nil, err
	}
	p := &EventPage{}
	p.Events, p.Next, p.Prev = web.KeysetPage(f.Keyset, 2, events, limit, (*Event).Cursor)
	return p, nil
}
