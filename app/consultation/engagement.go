package consultation

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/recent"
	"github.com/holdspace/holdspace/app/steps"
	"github.com/holdspace/holdspace/app/tenants"
)

// Engagements is the rules of an engagement's life: starting one for an assignment, moving it
// through the consultation cycle (forward, or back with a reason), turning it into coaching,
// going on as continued support, reopening it. Every change is dated, by whom, and audited.
type Engagements struct {
	db    *bun.DB
	audit *audit.Log
	// Now is the clock (tests set it).
	Now func() time.Time
	// consultants are the engagements filter's consultants, per view, kept a minute
	// (filterConsultants).
	consultants recent.Cache[[]FilterChoice]
}

// NewEngagements returns the engagement rules.
func NewEngagements(db *bun.DB, log *audit.Log) *Engagements {
	return &Engagements{db: db, audit: log, Now: time.Now}
}

// Limits of the engagement forms.
const (
	MaxFocusLabel  = 100
	MaxMoveReason  = 1000
	MaxInitials    = 3
	engagementWord = "engagement"
)

// Focuses are the kinds of focus, in the order the form offers them.
var Focuses = []struct{ Value, Label string }{
	{FocusProgram, "The whole program"},
	{FocusSite, "A site or classroom"},
	{FocusStaffGroup, "A staff group"},
	{FocusChildFamily, "A child and family"},
}

// Kinds are the engagement kinds with their words.
var Kinds = []struct{ Value, Label string }{
	{KindConsultation, "Consultation"},
	{KindCoaching, "Coaching"},
	{KindContinuedSupport, "Continued support"},
}

func engLabel(set []struct{ Value, Label string }, v string) string {
	for _, s := range set {
		if s.Value == v {
			return s.Label
		}
	}
	return v
}

// KindLabel is the engagement's kind in words.
func (e *Engagement) KindLabel() string { return engLabel(Kinds, e.Kind) }

// StageLabel is the engagement's stage in words.
func (e *Engagement) StageLabel() string { return StageOf(e.Stage).Label }

// TAStage is the TA stage the engagement's stage belongs to.
func (e *Engagement) TAStage() string { return StageOf(e.Stage).TAStage }

// Closed reports whether the engagement is closed.
func (e *Engagement) Closed() bool { return e.Stage == StageClosed }

// FocusText says what the engagement is about. A child/family focus shows its initials and age
// band only when details is true (never to a funder: see SeesFocusDetails).
func (e *Engagement) FocusText(details bool) string {
	switch e.Focus {
	case FocusProgram:
		return "The whole program"
	case FocusSite:
		if e.SiteName != "" {
			return e.SiteName
		}
		return "A site or classroom"
	case FocusStaffGroup:
		if e.FocusLabel != "" {
			return "Staff group: " + e.FocusLabel
		}
		return "A staff group"
	case FocusChildFamily:
		if details && e.ChildInitials != "" {
			return "Child and family " + e.ChildInitials + ", " + e.ChildAgeBand
		}
		return "A child and family"
	}
	return e.Focus
}

// IsKindChange reports whether the move records a change of kind (coaching, continued support)
// rather than a change of stage.
func (m Move) IsKindChange() bool { return m.FromStage != "" && m.FromStage == m.ToStage }

// FromLabel and ToLabel are the move's stages in words.
func (m Move) FromLabel() string { return StageOf(m.FromStage).Label }

// ToLabel is the stage moved to, in words.
func (m Move) ToLabel() string { return StageOf(m.ToStage).Label }

// engNotFound turns "no rows" into the engagement's not-found error.
func engNotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// engagementColumns adds the consultant's, program's and site's names to an engagement query.
func engagementColumns(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("e.*").
		ColumnExpr("u.name AS consultant_name, u.id AS consultant_user, o.name AS program_name, COALESCE(ps.name, '') AS site_name").
		Join("JOIN consultant_profiles AS cp ON cp.tenant_id = e.tenant_id AND cp.id = e.profile_id").
		Join("JOIN users AS u ON u.id = cp.user_id").
		Join("JOIN organisations AS o ON o.tenant_id = e.tenant_id AND o.id = e.program_id").
		Join("LEFT JOIN program_sites AS ps ON ps.tenant_id = e.tenant_id AND ps.id = e.site_id")
}

// Engagement returns one engagement the person in ctx may see (Visible), or ENOTFOUND.
func (s *Engagements) Engagement(ctx context.Context, id string) (*Engagement, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound(engagementWord)
	}
	e := new(Engagement)
	q := Visible(t.Select(e).Apply(engagementColumns), sc, "e").Where("e.id = ?", id)
	return e, engNotFound(q.Scan(ctx), engagementWord)
}

// Moves lists an engagement's moves, oldest first, with who made them. The caller has found
// the engagement through Visible.
func (s *Engagements) Moves(ctx context.Context, engagementID string) ([]Move, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Move
	err = t.Select(&list).ColumnExpr("em.*, COALESCE(u.name, '') AS moved_by_name").
		Join("LEFT JOIN users AS u ON u.id = em.moved_by").
		Where("em.engagement_id = ?", engagementID).OrderExpr("em.moved_on, em.created_at").Scan(ctx)
	return list, err
}

// Today is the date in the tenant's time zone (at midnight UTC, for date arithmetic), and the
// month its state fiscal year starts in.
func (s *Engagements) Today(ctx context.Context) (time.Time, int, error) {
	return engTenantToday(ctx, s.db, s.Now())
}

func engTenantToday(ctx context.Context, db *bun.DB, now time.Time) (time.Time, int, error) {
	t, err := tenants.NewStore(db).RequestTenant(ctx)
	if err != nil {
		return time.Time{}, 0, err
	}
	local := t.Local(now)
	return time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC), t.StateFYStartMonth, nil
}

// AssignmentChoice is an active assignment someone may start an engagement for.
type AssignmentChoice struct {
	ID, ProfileID, ProgramID, ConsultantName, ProgramName string
}

// Assignments lists the active assignments the person in ctx may start an engagement for: a
// consultant their own, a tenant admin every one of the tenant.
func (s *Engagements) Assignments(ctx context.Context) ([]AssignmentChoice, error) {
	return s.assignmentChoices(ctx, "")
}

// assignmentChoices is Assignments, only assignment id when id is given.
func (s *Engagements) assignmentChoices(ctx context.Context, id string) ([]AssignmentChoice, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Consultant && sc.Role != authz.TenantAdmin {
		return nil, nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []AssignmentChoice
	q := activeAssignments(t).ColumnExpr("ca.id, ca.profile_id, ca.program_id, u.name AS consultant_name, o.name AS program_name")
	if id != "" {
		q = q.Where("ca.id = ?", id)
	}
	err = Visible(q, sc, "ca").OrderExpr("u.name, o.name").Scan(ctx, &list)
	return list, err
}

// activeAssignments starts a query on the tenant's active assignments (alias ca) with their
// consultant's profile (cp) and user (u) and their program (o) joined; the caller names the
// columns and applies Visible.
func activeAssignments(t database.Tenant) *bun.SelectQuery {
	return t.Select((*consultants.Assignment)(nil)).
		Join("JOIN consultant_profiles AS cp ON cp.tenant_id = ca.tenant_id AND cp.id = ca.profile_id").
		Join("JOIN users AS u ON u.id = cp.user_id").
		Join("JOIN organisations AS o ON o.tenant_id = ca.tenant_id AND o.id = ca.program_id").
		Where("ca.status = ?", consultants.AssignmentActive)
}

// SiteChoice is a site or classroom of a program.
type SiteChoice struct {
	ID, ProgramID, Name, ProgramName string
}

// Sites lists the sites and classrooms of the given programs.
func (s *Engagements) Sites(ctx context.Context, programIDs []string) ([]SiteChoice, error) {
	if len(programIDs) == 0 {
		return nil, nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []SiteChoice
	err = t.SelectFrom("program_sites", "ps").
		ColumnExpr("ps.id, ps.program_id, ps.name, o.name AS program_name").
		Join("JOIN organisations AS o ON o.tenant_id = ps.tenant_id AND o.id = ps.program_id").
		Where("ps.program_id IN (?)", bun.In(programIDs)).
		OrderExpr("o.name, ps.name").Scan(ctx, &list)
	return list, err
}

// StartInput is the form that starts an engagement.
type StartInput struct {
	AssignmentID  string
	Focus         string
	SiteID        string
	FocusLabel    string
	ChildInitials string
	ChildAgeBand  string
	// OpenedOn is the day the engagement started (YYYY-MM-DD; today when empty): a first visit
	// may come before the engagement is entered here.
	OpenedOn string
	// Child is a child focus's optional details (ignored for other foci).
	Child ChildDetailsInput
}

// MaxBackdateYears is how far back an engagement's start may be dated.
const MaxBackdateYears = 5

// checkOpenedOn validates the start date of a new engagement: a date, not in the future, not
// more than MaxBackdateYears ago. Empty is today.
func checkOpenedOn(bad map[string]string, value string, today time.Time) string {
	v := strings.TrimSpace(value)
	if v == "" {
		return today.Format(time.DateOnly)
	}
	d, isDate := dates.Parse(v)
	switch {
	case !isDate:
		bad["opened_on"] = dates.Message("the start date")
	case d.After(today):
		bad["opened_on"] = "The start date cannot be in the future."
	case d.Before(today.AddDate(-MaxBackdateYears, 0, 0)):
		bad["opened_on"] = "The start date cannot be more than five years ago."
	default:
		return d.Format(time.DateOnly)
	}
	return ""
}

// NormalizeInitials keeps the letters of what was typed ("j.r." → "JR").
func NormalizeInitials(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '.' || unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func validInitials(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 1 || n > MaxInitials {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// Start opens an engagement at initial contact, as consultation, on its start date (today in
// the tenant's time zone unless an earlier day is given): a consultant for one of their own
// active assignments, a tenant admin for any. The first move is dated the same day.
// Errors: EINVALID naming each bad field (nothing is written); EFORBIDDEN for other roles.
func (s *Engagements) Start(ctx context.Context, in StartInput) (*Engagement, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Consultant && sc.Role != authz.TenantAdmin {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only consultants and tenant admins start engagements.")
	}
	today, _, err := s.Today(ctx)
	if err != nil {
		return nil, err
	}
	// The one assignment named, if the person may start an engagement for it (a tenant's
	// admin has 2,000 to choose from).
	var choices []AssignmentChoice
	if database.IsID(in.AssignmentID) {
		if choices, err = s.assignmentChoices(ctx, in.AssignmentID); err != nil {
			return nil, err
		}
	}
	bad := map[string]string{}
	var a *AssignmentChoice
	for i := range choices {
		if choices[i].ID == in.AssignmentID {
			a = &choices[i]
		}
	}
	if a == nil {
		bad["assignment_id"] = "Choose one of the programs you are assigned to."
		if sc.Role == authz.TenantAdmin {
			bad["assignment_id"] = "Choose a consultant’s active assignment to a program."
		}
	}
	e := &Engagement{Focus: in.Focus}
	switch in.Focus {
	case FocusProgram:
	case FocusSite:
		if a != nil {
			sites, err := s.Sites(ctx, []string{a.ProgramID})
			if err != nil {
				return nil, err
			}
			for _, x := range sites {
				if x.ID == in.SiteID {
					e.SiteID = x.ID
				}
			}
			if e.SiteID == "" {
				bad["site_id"] = "Choose a site or classroom of this program."
			}
		} else if in.SiteID == "" {
			bad["site_id"] = "Choose a site or classroom of this program."
		}
	case FocusStaffGroup:
		e.FocusLabel = strings.TrimSpace(in.FocusLabel)
		switch n := utf8.RuneCountInString(e.FocusLabel); {
		case n == 0:
			bad["focus_label"] = "Name the staff group (for example “Infant room teachers”)."
		case n > MaxFocusLabel:
			bad["focus_label"] = "Keep the staff group’s name to 100 characters or fewer."
		}
	case FocusChildFamily:
		e.ChildInitials = NormalizeInitials(in.ChildInitials)
		if !validInitials(e.ChildInitials) {
			bad["child_initials"] = "Enter the child’s initials: 1 to 3 letters, nothing else."
		}
		for _, b := range AgeBands {
			if b == in.ChildAgeBand {
				e.ChildAgeBand = b
			}
		}
		if e.ChildAgeBand == "" {
			bad["child_age_band"] = "Choose the child’s age band."
		}
		d := checkChildDetails(bad, in.Child)
		e.ChildRaceEthnicity, e.ChildSex, e.ChildDLL, e.ChildIEPIFSP = d.RaceEthnicity, d.Sex, d.DLL, d.IEPIFSP
	default:
		bad["focus"] = "Choose what the engagement is about."
	}
	openedOn := checkOpenedOn(bad, in.OpenedOn, today)
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	now := database.Now()
	e.ID, e.AssignmentID, e.ProfileID, e.ProgramID = database.NewID(), a.ID, a.ProfileID, a.ProgramID
	e.Stage, e.Kind, e.OpenedOn = StageInitialContact, KindConsultation, openedOn
	e.DefaultParticipants = database.Counts{}
	e.CreatedBy, e.CreatedAt, e.UpdatedAt = sc.UserID, now, now
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(e).Exec(ctx); err != nil {
			return err
		}
		m := &Move{ID: database.NewID(), EngagementID: e.ID, ToStage: StageInitialContact, MovedOn: e.OpenedOn,
			MovedBy: sc.UserID, CreatedAt: now}
		if _, err := t.Insert(m).Exec(ctx); err != nil {
			return err
		}
		// The consultant may be new to the filters of the lists that see the engagement.
		database.AfterCommit(ctx, func(context.Context) { s.consultants.Forget(sc.TenantID + "|") })
		return s.audit.Record(ctx, "engagement.start", engagementWord, e.ID,
			a.ConsultantName+" with "+a.ProgramName+": "+strings.ToLower(engLabel(Focuses, e.Focus)))
	})
	if err != nil {
		return nil, err
	}
	e.ConsultantName, e.ProgramName = a.ConsultantName, a.ProgramName
	return e, nil
}

// CanMove reports whether the person in ctx may change the engagement: the consultant who
// holds it and tenant admins.
func CanMove(sc database.Scope, e *Engagement) bool {
	return sc.Role == authz.TenantAdmin || (sc.Role == authz.Consultant && e.ConsultantUser == sc.UserID)
}

// MoveInput is a move's form: the stage to go to, its date (YYYY-MM-DD, default today) and,
// walking back or reopening, the reason. ChildOutcome is where the child is now, required to
// close a child and family engagement (ChildOutcomes) and ignored otherwise.
type MoveInput struct {
	ToStage      string
	MovedOn      string
	Reason       string
	ChildOutcome string
}

// change loads the engagement for a change by the person in ctx and the date of its last move.
func (s *Engagements) change(ctx context.Context, id string) (*Engagement, string, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	e, err := s.Engagement(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if !CanMove(sc, e) {
		return nil, "", apperr.Errorf(apperr.EFORBIDDEN, "Only the consultant who holds this engagement and tenant admins change it.")
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, "", err
	}
	var last string
	err = t.Select((*Move)(nil)).ColumnExpr("COALESCE(MAX(em.moved_on), '')").Where("em.engagement_id = ?", e.ID).Scan(ctx, &last)
	if err != nil {
		return nil, "", err
	}
	if last < e.OpenedOn {
		last = e.OpenedOn
	}
	return e, last, nil
}

// checkDate validates a move's date: a date, not after today, not before notBefore.
func engCheckDate(bad map[string]string, field, value string, today time.Time, notBefore, what string) string {
	v := strings.TrimSpace(value)
	if v == "" {
		return today.Format(time.DateOnly)
	}
	v, ok := dates.ISO(v)
	if !ok {
		bad[field] = dates.Message("the date of the move")
		return ""
	}
	if v > today.Format(time.DateOnly) {
		bad[field] = "The date cannot be in the future."
		return ""
	}
	if v < notBefore {
		bad[field] = "The date cannot be before " + what + " (" + notBefore + ")."
		return ""
	}
	return v
}

func engCheckReason(bad map[string]string, reason string, required bool, message string) string {
	r := strings.TrimSpace(strings.ReplaceAll(reason, "\r\n", "\n"))
	switch {
	case r == "" && required:
		bad["reason"] = message
	case utf8.RuneCountInString(r) > MaxMoveReason:
		bad["reason"] = "Keep the reason to 1,000 characters or fewer."
	}
	return r
}

// record moves the engagement from fromStage to e.Stage through engagementFlow (only if it is
// still at fromStage, else ECONFLICT), setting the other columns set names to e's values, with
// the move and the audit event.
func (s *Engagements) record(ctx context.Context, e *Engagement, fromStage string, m *Move, action, detail string, set ...steps.Cond) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	now := database.Now()
	m.ID, m.EngagementID, m.MovedBy, m.CreatedAt = database.NewID(), e.ID, sc.UserID, now
	e.UpdatedAt = now
	return engagementFlow.Apply(ctx, s.db, s.audit, steps.Move{ID: e.ID, From: fromStage, To: e.Stage,
		Set: append(set, steps.C("updated_at = ?", now)), History: m, Action: action, Detail: detail})
}

// AdvanceCheck is a forward move checked and ready to make: from where to where, on which
// day, why, and the stages it skips.
type AdvanceCheck struct {
	E        *Engagement
	From, To string
	On       string
	Reason   string
	Skipped  []string
}

// SkippedLabels is the skipped stages in words.
func (a *AdvanceCheck) SkippedLabels() string { return StageLabels(a.Skipped) }

// ToLabel is the stage moved to, in words.
func (a *AdvanceCheck) ToLabel() string { return StageOf(a.To).Label }

// CheckAdvance validates a forward move without making it: to a later stage of the cycle (the
// next one when ToStage is empty), on MovedOn (today when empty; not in the future, not before
// the last move), with a reason when it skips stages (passes over them with nothing recorded
// that does them).
// Errors: ENOTFOUND, EFORBIDDEN, EINVALID naming the field, ECONFLICT when closed.
func (s *Engagements) CheckAdvance(ctx context.Context, id string, in MoveInput) (*AdvanceCheck, error) {
	e, last, err := s.change(ctx, id)
	if err != nil {
		return nil, err
	}
	today, _, err := s.Today(ctx)
	if err != nil {
		return nil, err
	}
	from := StageIndex(e.Stage)
	bad := map[string]string{}
	to := in.ToStage
	if to == "" && from+1 < len(Stages) {
		to = Stages[from+1].Value
	}
	if e.Closed() {
		return nil, apperr.Errorf(apperr.ECONFLICT, "This engagement is closed. Reopen it as continued support to go on.")
	}
	var skipped []string
	if i := StageIndex(to); i <= from {
		bad["to_stage"] = "Choose a later stage of the cycle."
	} else if skipped, err = skippedStages(ctx, s.db, e.ID, from, i); err != nil {
		return nil, err
	}
	on := engCheckDate(bad, "moved_on", in.MovedOn, today, last, "the last move")
	reason := engCheckReason(bad, in.Reason, len(skipped) > 0,
		"Say why the engagement skips "+StageLabels(skipped)+": nothing is recorded for "+plural(len(skipped), "that stage", "those stages")+".")
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	return &AdvanceCheck{E: e, From: e.Stage, To: to, On: on, Reason: reason, Skipped: skipped}, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Advance moves the engagement forward as CheckAdvance allows; the stages it skips are listed
// on the move. Reaching "closed" closes it on that date; a child and family engagement closes
// only with where the child is now (in.ChildOutcome, the field child_outcome).
// Errors: ENOTFOUND, EFORBIDDEN, EINVALID naming the field, ECONFLICT.
func (s *Engagements) Advance(ctx context.Context, id string, in MoveInput) (*Engagement, error) {
	a, err := s.CheckAdvance(ctx, id, in)
	if err != nil {
		return nil, err
	}
	e := a.E
	var set []steps.Cond
	if a.To == StageClosed && e.Focus == FocusChildFamily {
		bad := map[string]string{}
		e.ChildOutcome = checkChildOutcome(bad, in.ChildOutcome)
		if len(bad) > 0 {
			return nil, apperr.Invalid(bad)
		}
		set = append(set, steps.C("child_outcome = ?", e.ChildOutcome))
	}
	e.Stage = a.To
	if a.To == StageClosed {
		e.ClosedOn = a.On
		set = append(set, steps.C("closed_on = ?", e.ClosedOn))
	}
	m := &Move{FromStage: a.From, ToStage: a.To, MovedOn: a.On, Reason: a.Reason, Skipped: a.Skipped}
	detail := StageOf(a.From).Label + " → " + StageOf(a.To).Label + ", " + a.On
	if len(a.Skipped) > 0 {
		detail += "; skipped " + StageLabels(a.Skipped)
	}
	if e.ChildOutcome != "" && a.To == StageClosed {
		detail += "; where the child is now recorded"
	}
	err = s.record(ctx, e, a.From, m, "engagement.advance", detail, set...)
	return e, err
}

// WalkBack moves the engagement back to an earlier stage, with a required reason. Walking a
// closed engagement back opens it again (same kind).
// Errors: ENOTFOUND, EFORBIDDEN, EINVALID naming the field, ECONFLICT.
func (s *Engagements) WalkBack(ctx context.Context, id string, in MoveInput) (*Engagement, error) {
	e, last, err := s.change(ctx, id)
	if err != nil {
		return nil, err
	}
	today, _, err := s.Today(ctx)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	if i := StageIndex(in.ToStage); i < 0 || i >= StageIndex(e.Stage) {
		bad["to_stage"] = "Choose an earlier stage of the cycle."
	}
	on := engCheckDate(bad, "moved_on", in.MovedOn, today, last, "the last move")
	reason := engCheckReason(bad, in.Reason, true, "Say why the engagement goes back to an earlier stage.")
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	fromStage := e.Stage
	// Opened again, the child's outcome is asked again when it next closes.
	e.Stage, e.ClosedOn, e.ChildOutcome = in.ToStage, "", ""
	m := &Move{FromStage: fromStage, ToStage: in.ToStage, MovedOn: on, Reason: reason}
	err = s.record(ctx, e, fromStage, m, "engagement.walk_back",
		StageOf(fromStage).Label+" → "+StageOf(in.ToStage).Label+", "+on, steps.C("closed_on = ?", e.ClosedOn),
		steps.C("child_outcome = ?", e.ChildOutcome))
	return e, err
}

// StartCoaching turns a consultation into coaching from startedOn (today when empty; not in the
// future, not before the engagement opened). Coaching runs 6–12 months.
// Errors: ENOTFOUND, EFORBIDDEN, EINVALID naming the field, ECONFLICT when not a consultation
// or closed.
func (s *Engagements) StartCoaching(ctx context.Context, id, startedOn string) (*Engagement, error) {
	e, _, err := s.change(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Kind != KindConsultation || e.Closed() {
		return nil, apperr.Errorf(apperr.ECONFLICT, "Only an open consultation can turn into coaching.")
	}
	today, _, err := s.Today(ctx)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	on := engCheckDate(bad, "started_on", startedOn, today, e.OpenedOn, "the engagement opened")
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	e.Kind, e.CoachingStartedOn = KindCoaching, on
	m := &Move{FromStage: e.Stage, ToStage: e.Stage, MovedOn: on, Reason: "Turned into coaching (6–12 months)."}
	err = s.record(ctx, e, e.Stage, m, "engagement.coaching", "Coaching from "+on,
		steps.C("kind = ?", e.Kind), steps.C("coaching_started_on = ?", e.CoachingStartedOn))
	return e, err
}

// ContinueSupport goes on after coaching as continued support, from on (today when empty; not
// before coaching started).
// Errors: ENOTFOUND, EFORBIDDEN, EINVALID naming the field, ECONFLICT when not coaching.
func (s *Engagements) ContinueSupport(ctx context.Context, id, on string) (*Engagement, error) {
	e, _, err := s.change(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Kind != KindCoaching || e.Closed() {
		return nil, apperr.Errorf(apperr.ECONFLICT, "Only an open coaching engagement goes on as continued support.")
	}
	today, _, err := s.Today(ctx)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	d := engCheckDate(bad, "moved_on", on, today, e.CoachingStartedOn, "coaching started")
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	e.Kind = KindContinuedSupport
	m := &Move{FromStage: e.Stage, ToStage: e.Stage, MovedOn: d, Reason: "Coaching completed; continued support."}
	err = s.record(ctx, e, e.Stage, m, "engagement.continued_support", "Continued support from "+d, steps.C("kind = ?", e.Kind))
	return e, err
}

// Reopen opens a closed engagement again as continued support, at the sustainability stage,
// with a required reason.
// Errors: ENOTFOUND, EFORBIDDEN, EINVALID naming the field, ECONFLICT when not closed.
func (s *Engagements) Reopen(ctx context.Context, id string, in MoveInput) (*Engagement, error) {
	e, last, err := s.change(ctx, id)
	if err != nil {
		return nil, err
	}
	if !e.Closed() {
		return nil, apperr.Errorf(apperr.ECONFLICT, "Only a closed engagement can be reopened.")
	}
	today, _, err := s.Today(ctx)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	on := engCheckDate(bad, "moved_on", in.MovedOn, today, last, "the last move")
	reason := engCheckReason(bad, in.Reason, true, "Say why the engagement is reopened.")
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	e.Stage, e.Kind, e.ClosedOn, e.ChildOutcome = StageSustainability, KindContinuedSupport, "", ""
	m := &Move{FromStage: StageClosed, ToStage: StageSustainability, MovedOn: on, Reason: reason}
	err = s.record(ctx, e, StageClosed, m, "engagement.reopen", "Reopened as continued support, "+on,
		steps.C("kind = ?", e.Kind), steps.C("closed_on = ?", e.ClosedOn), steps.C("child_outcome = ?", e.ChildOutcome))
	return e, err
}
