package supervision

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
)

// Store reads and writes the supervision tables of the tenant in the context.
type Store struct{ db *bun.DB }

// NewStore returns the store.
func NewStore(db *bun.DB) *Store { return &Store{db: db} }

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// calendarRow is the tenant's settings the hours math needs.
type calendarRow struct {
	TimeZone     string `bun:"time_zone"`
	FYStartMonth int    `bun:"state_fy_start_month"`
	Target       int    `bun:"supervision_target_minutes"`
}

func (s *Store) calendar(ctx context.Context) (calendarRow, error) {
	var row calendarRow
	t, err := database.For(ctx, s.db)
	if err != nil {
		return row, err
	}
	err = database.Conn(ctx, s.db).NewSelect().TableExpr("tenants").
		ColumnExpr("time_zone, state_fy_start_month, supervision_target_minutes").
		Where("id = ?", t.ID).Scan(ctx, &row)
	return row, err
}

func assignmentColumns(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("sa.*, sup.name AS supervisor_name, con.name AS consultant_name").
		Join("JOIN users AS sup ON sup.id = sa.supervisor_id").
		Join("JOIN users AS con ON con.id = sa.consultant_id")
}

// Assignments lists the tenant's assignments, by supervisor then consultant; supervisorID
// narrows them to one supervisor when not empty.
func (s *Store) Assignments(ctx context.Context, supervisorID string) ([]Assignment, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Assignment
	q := t.Select(&list).Apply(assignmentColumns)
	if supervisorID != "" {
		q = q.Where("sa.supervisor_id = ?", supervisorID)
	}
	err = q.OrderExpr("sup.name, con.name").Scan(ctx)
	return list, err
}

// AssignmentByID returns one assignment, or ENOTFOUND.
func (s *Store) AssignmentByID(ctx context.Context, id string) (*Assignment, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("assignment")
	}
	a := new(Assignment)
	err = t.Select(a).Apply(assignmentColumns).Where("sa.id = ?", id).Scan(ctx)
	return a, notFound(err, "assignment")
}

// RecordByID returns one record with its supervisor's name, or ENOTFOUND.
func (s *Store) RecordByID(ctx context.Context, id string) (*Record, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("supervision record")
	}
	r := new(Record)
	err = t.Select(r).ColumnExpr("sr.*, u.name AS supervisor_name").Join("JOIN users AS u ON u.id = sr.supervisor_id").
		Where("sr.id = ?", id).Scan(ctx)
	return r, notFound(err, "supervision record")
}

// Attendees lists who attended a record, by name.
func (s *Store) Attendees(ctx context.Context, recordID string) ([]Attendee, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Attendee
	err = t.Select(&list).ColumnExpr("sat.*, u.name AS name").Join("JOIN users AS u ON u.id = sat.consultant_id").
		Where("sat.record_id = ?", recordID).OrderExpr("u.name").Scan(ctx)
	return list, err
}

// RecordsBy lists a supervisor's records, newest first.
func (s *Store) RecordsBy(ctx context.Context, supervisorID string, limit int) ([]Record, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Record
	err = t.Select(&list).Where("sr.supervisor_id = ?", supervisorID).OrderExpr("sr.held_on DESC, sr.created_at DESC").
		Limit(int64(limit)).Scan(ctx)
	return list, err
}

// RecordsOf lists the records a consultant attended, newest first.
func (s *Store) RecordsOf(ctx context.Context, consultantID string, limit int) ([]Record, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Record
	err = t.Select(&list).ColumnExpr("sr.*, u.name AS supervisor_name").
		Join("JOIN users AS u ON u.id = sr.supervisor_id").
		Join("JOIN supervision_attendees AS sat ON sat.tenant_id = sr.tenant_id AND sat.record_id = sr.id").
		Where("sat.consultant_id = ?", consultantID).OrderExpr("sr.held_on DESC, sr.created_at DESC").
		Limit(int64(limit)).Scan(ctx)
	return list, err
}

// Sessions lists the sessions the consultants attended on or after since (YYYY-MM-DD).
func (s *Store) Sessions(ctx context.Context, consultantIDs []string, since string) ([]Session, error) {
	if len(consultantIDs) == 0 {
		return nil, nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Session
	err = t.Select((*Attendee)(nil)).ColumnExpr("sat.consultant_id, sr.held_on, sr.minutes").
		Join("JOIN supervision_records AS sr ON sr.tenant_id = sat.tenant_id AND sr.id = sat.record_id").
		Where("sat.consultant_id IN (?)", bun.In(consultantIDs)).Where("sr.held_on >= ?", since).
		Scan(ctx, &list)
	return list, err
}
