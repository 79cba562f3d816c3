package supervision

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/tenants"
)

// Service is reflective supervision's rules.
type Service struct {
	db     *bun.DB
	store  *Store
	people *tenants.Store
	audit  *audit.Log
}

// NewService returns the service.
func NewService(db *bun.DB, people *tenants.Store, log *audit.Log) *Service {
	return &Service{db: db, store: NewStore(db), people: people, audit: log}
}

// Store returns the store.
func (s *Service) Store() *Store { return s.store }

// Members lists the tenant's active members holding role.
func (s *Service) Members(ctx context.Context, role string) ([]tenants.Member, error) {
	list, _, err := s.people.People(ctx, tenants.PeopleFilter{Role: role, Status: tenants.MemberActive})
	return list, err
}

func (s *Service) isMember(ctx context.Context, userID, role string) (string, bool, error) {
	list, err := s.Members(ctx, role)
	for _, m := range list {
		if m.UserID == userID {
			return m.Name, true, err
		}
	}
	return "", false, err
}

// Assign makes supervisorID the supervisor of consultantID (both user ids of active members
// with those roles). Errors: EINVALID naming the field; ECONFLICT when already assigned.
func (s *Service) Assign(ctx context.Context, supervisorID, consultantID string) (*Assignment, error) {
	bad := map[string]string{}
	supName, ok, err := s.isMember(ctx, supervisorID, authz.Supervisor)
	if err != nil {
		return nil, err
	}
	if !ok {
		bad["supervisor_id"] = "Choose a supervisor of this agency."
	}
	conName, ok, err := s.isMember(ctx, consultantID, authz.Consultant)
	if err != nil {
		return nil, err
	}
	if !ok {
		bad["consultant_id"] = "Choose a consultant of this agency."
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	a := &Assignment{ID: database.NewID(), SupervisorID: supervisorID, ConsultantID: consultantID, CreatedAt: database.Now()}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		n, err := t.Select((*Assignment)(nil)).Where("sa.supervisor_id = ? AND sa.consultant_id = ?", supervisorID, consultantID).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.Errorf(apperr.ECONFLICT, "%s already supervises %s.", supName, conName)
		}
		if _, err := t.Insert(a).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "supervision_assignment.create", "supervision_assignment", a.ID, supName+" supervises "+conName)
	})
	return a, err
}

// Unassign removes an assignment. Errors: ENOTFOUND.
func (s *Service) Unassign(ctx context.Context, id string) error {
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		a, err := s.store.AssignmentByID(ctx, id)
		if err != nil {
			return err
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Delete((*Assignment)(nil)).Where("sa.id = ?", a.ID).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "supervision_assignment.delete", "supervision_assignment", a.ID,
			a.SupervisorName+" no longer supervises "+a.ConsultantName)
	})
}

// Calendar returns the tenant's calendar for the hours math at now.
func (s *Service) Calendar(ctx context.Context, now time.Time) (Calendar, error) {
	row, err := s.store.calendar(ctx)
	if err != nil {
		return Calendar{}, err
	}
	t := &tenants.Tenant{TimeZone: row.TimeZone}
	return Calendar{Today: t.Local(now), FYStartMonth: row.FYStartMonth, TargetMonth: row.Target}, nil
}

// Supervisee is an assigned consultant with their hours.
type Supervisee struct {
	Assignment
	Hours Hours
}

// Supervisees lists the supervisor's consultants (every assignment when supervisorID is "")
// with their hours this month and this fiscal year.
func (s *Service) Supervisees(ctx context.Context, supervisorID string, now time.Time) ([]Supervisee, Calendar, error) {
	cal, err := s.Calendar(ctx, now)
	if err != nil {
		return nil, cal, err
	}
	as, err := s.store.Assignments(ctx, supervisorID)
	if err != nil {
		return nil, cal, err
	}
	ids := make([]string, 0, len(as))
	for _, a := range as {
		ids = append(ids, a.ConsultantID)
	}
	sessions, err := s.store.Sessions(ctx, ids, FYStart(cal.Today, cal.FYStartMonth))
	if err != nil {
		return nil, cal, err
	}
	by := map[string][]Session{}
	for _, x := range sessions {
		by[x.ConsultantID] = append(by[x.ConsultantID], x)
	}
	out := make([]Supervisee, len(as))
	for i, a := range as {
		out[i] = Supervisee{Assignment: a, Hours: Tally(by[a.ConsultantID], cal)}
	}
	return out, cal, nil
}

// HoursOf is one consultant's hours this month and this fiscal year.
func (s *Service) HoursOf(ctx context.Context, consultantID string, now time.Time) (Hours, Calendar, error) {
	cal, err := s.Calendar(ctx, now)
	if err != nil {
		return Hours{}, cal, err
	}
	sessions, err := s.store.Sessions(ctx, []string{consultantID}, FYStart(cal.Today, cal.FYStartMonth))
	return Tally(sessions, cal), cal, err
}

// RecordInput is the supervision record form.
type RecordInput struct {
	HeldOn    string
	Minutes   string
	Format    string
	Attendees []string
	Notes     string
}

// ValidateRecord checks a record form against today (in the tenant's time zone) and the
// supervisor's own supervisees (user ids), and returns the record to store and its attendees.
// Errors: EINVALID naming each bad field.
func ValidateRecord(in RecordInput, today time.Time, supervisees map[string]bool) (*Record, []string, error) {
	bad := map[string]string{}
	r := &Record{Format: in.Format, Notes: strings.TrimSpace(in.Notes)}
	d, isDate := dates.Parse(in.HeldOn)
	held := d.Format(time.DateOnly)
	todayS := today.Format(time.DateOnly)
	switch {
	case !isDate:
		bad["held_on"] = dates.Message("the date of the supervision")
	case held > todayS:
		bad["held_on"] = "The date cannot be in the future."
	case d.Before(time.Date(today.Year()-1, today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)):
		bad["held_on"] = "The date cannot be more than a year ago."
	default:
		r.HeldOn = held
	}
	m, err := strconv.Atoi(strings.TrimSpace(in.Minutes))
	if err != nil || m < MinMinutes || m > MaxMinutes {
		bad["minutes"] = "Enter the minutes as a whole number from 15 to 480."
	}
	r.Minutes = m
	if in.Format != FormatIndividual && in.Format != FormatGroup {
		bad["format"] = "Choose individual or group."
	}
	var who []string
	seen := map[string]bool{}
	for _, id := range in.Attendees {
		if seen[id] {
			continue
		}
		seen[id] = true
		if !supervisees[id] {
			bad["attendees"] = "Choose only consultants you supervise."
		}
		who = append(who, id)
	}
	if _, ok := bad["attendees"]; !ok {
		switch {
		case len(who) == 0:
			bad["attendees"] = "Choose who attended."
		case in.Format == FormatIndividual && len(who) != 1:
			bad["attendees"] = "An individual session has exactly one consultant; choose one, or record a group session."
		}
	}
	if utf8.RuneCountInString(r.Notes) > MaxNotes {
		bad["notes"] = "Keep the notes to 5,000 characters or fewer."
	}
	if len(bad) > 0 {
		return nil, nil, apperr.Invalid(bad)
	}
	return r, who, nil
}

// CreateRecord stores a supervision record written by the supervisor in ctx.
// Errors: EINVALID naming each bad field (nothing is written); EFORBIDDEN for a non-supervisor.
func (s *Service) CreateRecord(ctx context.Context, in RecordInput, now time.Time) (*Record, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Supervisor {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only supervisors write supervision records.")
	}
	cal, err := s.Calendar(ctx, now)
	if err != nil {
		return nil, err
	}
	as, err := s.store.Assignments(ctx, sc.UserID)
	if err != nil {
		return nil, err
	}
	mine := map[string]bool{}
	for _, a := range as {
		mine[a.ConsultantID] = true
	}
	r, who, err := ValidateRecord(in, cal.Today, mine)
	if err != nil {
		return nil, err
	}
	r.ID, r.SupervisorID = database.NewID(), sc.UserID
	r.CreatedAt = database.Now()
	r.UpdatedAt = r.CreatedAt
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(r).Exec(ctx); err != nil {
			return err
		}
		rows := make([]*Attendee, len(who))
		for i, id := range who {
			rows[i] = &Attendee{RecordID: r.ID, ConsultantID: id}
		}
		if _, err := database.InsertMany(t, rows).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "supervision.create", "supervision_record", r.ID,
			r.HeldOn+", "+HoursText(r.Minutes)+", "+strings.ToLower(r.FormatLabel()))
	})
	return r, err
}

// RecordView is one record as the person in ctx may see it.
type RecordView struct {
	Record    *Record
	Attendees []Attendee
	ShowNotes bool
}

// View returns a record for the person in ctx: its supervisor and its attendees see the notes
// (and the read is audited as supervision.notes_read); a tenant admin sees it without notes;
// anyone else finds nothing (ENOTFOUND).
func (s *Service) View(ctx context.Context, id string) (*RecordView, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.store.RecordByID(ctx, id)
	if err != nil {
		return nil, err
	}
	who, err := s.store.Attendees(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	v := &RecordView{Record: r, Attendees: who}
	if sc.Role == authz.Supervisor && r.SupervisorID == sc.UserID {
		v.ShowNotes = true
	}
	if sc.Role == authz.Consultant {
		for _, a := range who {
			v.ShowNotes = v.ShowNotes || a.ConsultantID == sc.UserID
		}
	}
	switch {
	case v.ShowNotes:
		err := database.InTx(ctx, s.db, func(ctx context.Context) error {
			return s.audit.Record(ctx, "supervision.notes_read", "supervision_record", r.ID, "Notes of "+r.HeldOn+" read")
		})
		if err != nil {
			return nil, err
		}
	case sc.Role == authz.TenantAdmin:
		r.Notes = ""
	default:
		return nil, apperr.NotFound("supervision record")
	}
	return v, nil
}
