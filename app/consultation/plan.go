package consultation

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
)

// Quality improvement plans (seeds/001: "development of a quality improvement plan with
// measurable results"; "educators indicate an agreement to and participation in guided action
// plan"). One plan per engagement. The consultant drafts it; a user of the engagement's program
// records, in the browser, that the educators agreed — who recorded it, the educators' names and
// when. Once agreed, the goals' text is frozen: changing a goal, the plan's dates, or the goals
// themselves returns the plan to draft, needing agreement again. A goal's status and its
// progress notes change at any time.

// Goal statuses in words are GoalStatusLabels and GoalStatusLabel (session.go), shared with
// the progress recorded at a session.

func validGoalStatus(v string) bool {
	for _, s := range GoalStatusLabels {
		if s.Value == v {
			return true
		}
	}
	return false
}

// StatusLabel is the goal's status in words.
func (g Goal) StatusLabel() string { return GoalStatusLabel(g.Status) }

// StatusLabel is the update's status in words.
func (u GoalUpdate) StatusLabel() string { return GoalStatusLabel(u.Status) }

// StatusLabel is the plan's status in words.
func (p *Plan) StatusLabel() string {
	if p.Status == PlanAgreed {
		return "Agreed by the program"
	}
	return "Draft: waiting for the program's agreement"
}

// Limits of a plan's fields.
const (
	PlanMaxGoals      = 20
	goalTextMax       = 500
	goalShortMax      = 300
	goalOwnerMax      = 120
	progressNoteMax   = 2000
	agreedNamesMax    = 500
	planMaxMonths     = 36
	planListPageSize  = 50
	planAwaitingLimit = 20
)

// Plans is the quality improvement plans' rules.
type Plans struct {
	db    *bun.DB
	audit *audit.Log
}

// NewPlans returns the plans service.
func NewPlans(db *bun.DB, log *audit.Log) *Plans { return &Plans{db: db, audit: log} }

// GoalView is a goal with its progress updates, newest first.
type GoalView struct {
	Goal
	Updates []GoalUpdateView
}

// GoalUpdateView is a progress update with who recorded it.
type GoalUpdateView struct {
	GoalUpdate
	ByName string
}

// PlanView is an engagement's plan (nil when none yet) as the person in ctx may see it.
type PlanView struct {
	Engagement   *Engagement
	Focus        string
	Plan         *Plan
	Goals        []GoalView
	AgreedByName string
	CanEdit      bool // the consultant holding the engagement, or a tenant admin
	CanAgree     bool // a user of the engagement's program, while the plan waits for agreement
}

// Awaiting reports whether the plan waits for the program's agreement (a draft with goals).
func (v *PlanView) Awaiting() bool {
	return v.Plan != nil && v.Plan.Status == PlanDraft && len(v.Goals) > 0
}

// View returns an engagement's plan. Errors: ENOTFOUND for an engagement the person may not
// see (funders see none).
func (s *Plans) View(ctx context.Context, engagementID string) (*PlanView, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := engagementForRecords(ctx, s.db, engagementID)
	if err != nil {
		return nil, err
	}
	return s.viewOf(ctx, sc, e)
}

// ViewOf is View for an engagement the caller has already found through Visible (the
// engagement's page), without reading it again. Funders see no plan: ENOTFOUND.
func (s *Plans) ViewOf(ctx context.Context, e *Engagement) (*PlanView, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role == authz.Funder {
		return nil, apperr.NotFound("engagement")
	}
	return s.viewOf(ctx, sc, e)
}

func (s *Plans) viewOf(ctx context.Context, sc database.Scope, e *Engagement) (*PlanView, error) {
	v := &PlanView{Engagement: e, Focus: recordsFocusText(e, sc), CanEdit: canWriteRecords(sc)}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	p := new(Plan)
	err = t.Select(p).Where("qp.engagement_id = ?", e.ID).OrderExpr("qp.created_at").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return v, nil
	} else if err != nil {
		return nil, err
	}
	v.Plan = p
	var goals []Goal
	if err := t.Select(&goals).Where("qg.plan_id = ?", p.ID).OrderExpr("qg.position, qg.created_at").Scan(ctx); err != nil {
		return nil, err
	}
	ids := make([]string, len(goals))
	for i, g := range goals {
		ids[i] = g.ID
	}
	by := map[string][]GoalUpdateView{}
	users := []string{p.AgreedBy}
	if len(ids) > 0 {
		var ups []GoalUpdate
		if err := t.Select(&ups).Where("qgu.goal_id IN (?)", bun.In(ids)).OrderExpr("qgu.created_at DESC").Scan(ctx); err != nil {
			return nil, err
		}
		for _, u := range ups {
			users = append(users, u.CreatedBy)
		}
		names, err := userNames(ctx, s.db, users)
		if err != nil {
			return nil, err
		}
		for _, u := range ups {
			by[u.GoalID] = append(by[u.GoalID], GoalUpdateView{GoalUpdate: u, ByName: names[u.CreatedBy]})
		}
		v.AgreedByName = names[p.AgreedBy]
	} else if p.AgreedBy != "" {
		names, err := userNames(ctx, s.db, users)
		if err != nil {
			return nil, err
		}
		v.AgreedByName = names[p.AgreedBy]
	}
	for _, g := range goals {
		v.Goals = append(v.Goals, GoalView{Goal: g, Updates: by[g.ID]})
	}
	v.CanAgree = sc.Role == authz.Program && v.Awaiting()
	return v, nil
}

// userNames maps user ids to names.
func userNames(ctx context.Context, db *bun.DB, ids []string) (map[string]string, error) {
	out := map[string]string{}
	var want []string
	for _, id := range ids {
		if id != "" && database.IsID(id) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   string `bun:"id"`
		Name string `bun:"name"`
	}
	if err := database.Conn(ctx, db).NewSelect().TableExpr("users").Column("id", "name").
		Where("id IN (?)", bun.In(want)).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// PlanInput is the plan's dates as typed.
type PlanInput struct{ StartsOn, EndsOn string }

func validatePlanDates(in PlanInput) (string, string, error) {
	bad := map[string]string{}
	from, to := dates.Normalize(in.StartsOn), dates.Normalize(in.EndsOn)
	f, errF := time.Parse(time.DateOnly, from)
	if errF != nil {
		bad["starts_on"] = dates.Message("the start date")
	}
	tt, errT := time.Parse(time.DateOnly, to)
	switch {
	case errT != nil:
		bad["ends_on"] = dates.Message("the end date")
	case errF == nil && !tt.After(f):
		bad["ends_on"] = "The plan must end after it starts."
	case errF == nil && tt.After(f.AddDate(0, planMaxMonths, 0)):
		bad["ends_on"] = "A plan runs at most three years; end it sooner."
	}
	if len(bad) > 0 {
		return "", "", apperr.Invalid(bad)
	}
	return from, to, nil
}

// writable loads what the person in ctx may change: the engagement's consultant or a tenant
// admin. Errors: ENOTFOUND; EFORBIDDEN for readers.
func (s *Plans) writable(ctx context.Context, engagementID string) (*Engagement, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := engagementForRecords(ctx, s.db, engagementID)
	if err != nil {
		return nil, err
	}
	if !canWriteRecords(sc) {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the engagement's consultant drafts its plan.")
	}
	return e, nil
}

// Save creates the engagement's plan, or changes its dates (which returns an agreed plan to
// draft). Errors: ENOTFOUND; EFORBIDDEN; EINVALID naming each bad field.
func (s *Plans) Save(ctx context.Context, engagementID string, in PlanInput) (*Plan, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.writable(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	from, to, err := validatePlanDates(in)
	if err != nil {
		return nil, err
	}
	var p *Plan
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		p = new(Plan)
		err = t.Select(p).Where("qp.engagement_id = ?", e.ID).OrderExpr("qp.created_at").Limit(1).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			now := database.Now()
			p = &Plan{ID: database.NewID(), EngagementID: e.ID, Status: PlanDraft, StartsOn: from, EndsOn: to,
				CreatedBy: sc.UserID, CreatedAt: now, UpdatedAt: now}
			if _, err := t.Insert(p).Exec(ctx); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, "qi_plan.create", "qi_plan", p.ID, "Plan from "+from+" to "+to+", "+e.ProgramName); err != nil {
				return err
			}
			// Starting the plan is the quality improvement plan stage (dated today, or the
			// plan's start if that is earlier).
			return followRecord(ctx, s.db, s.audit, time.Now(), e.ID, StagePlan, from, "Quality improvement plan started")
		} else if err != nil {
			return err
		}
		if p.StartsOn == from && p.EndsOn == to {
			return nil
		}
		p.StartsOn, p.EndsOn, p.UpdatedAt = from, to, database.Now()
		if _, err := t.Update(p).Column("starts_on", "ends_on", "updated_at").Where("qp.id = ?", p.ID).Exec(ctx); err != nil {
			return err
		}
		detail := "Plan dates changed to " + from + " – " + to
		if reopened, err := s.backToDraft(ctx, t, p); err != nil {
			return err
		} else if reopened {
			detail += "; back to draft, needs the program's agreement again"
		}
		return s.audit.Record(ctx, "qi_plan.update", "qi_plan", p.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// backToDraft returns an agreed plan to draft, clearing the agreement (the audit log keeps it).
func (s *Plans) backToDraft(ctx context.Context, t database.Tenant, p *Plan) (bool, error) {
	if p.Status != PlanAgreed {
		return false, nil
	}
	p.Status, p.AgreedBy, p.AgreedNames, p.AgreedAt, p.UpdatedAt = PlanDraft, "", "", nil, database.Now()
	_, err := t.Update(p).Column("status", "agreed_by", "agreed_names", "agreed_at", "updated_at").Where("qp.id = ?", p.ID).Exec(ctx)
	return err == nil, err
}

// planForWrite loads a plan by id for a change by the person in ctx.
func (s *Plans) planForWrite(ctx context.Context, planID string) (*Plan, *Engagement, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, nil, err
	}
	if !database.IsID(planID) {
		return nil, nil, apperr.NotFound("plan")
	}
	p := new(Plan)
	if err := t.Select(p).Where("qp.id = ?", planID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, apperr.NotFound("plan")
		}
		return nil, nil, err
	}
	e, err := engagementForRecords(ctx, s.db, p.EngagementID)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil, nil, apperr.NotFound("plan")
	}
	return p, e, err
}

// goalForWrite loads a goal with its plan and engagement, for a change by the person in ctx.
func (s *Plans) goalForWrite(ctx context.Context, goalID string) (*Goal, *Plan, *Engagement, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, nil, nil, err
	}
	if !database.IsID(goalID) {
		return nil, nil, nil, apperr.NotFound("goal")
	}
	g := new(Goal)
	if err := t.Select(g).Where("qg.id = ?", goalID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, nil, apperr.NotFound("goal")
		}
		return nil, nil, nil, err
	}
	p, e, err := s.planForWrite(ctx, g.PlanID)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil, nil, nil, apperr.NotFound("goal")
	}
	return g, p, e, err
}

// GoalInput is the goal form as typed.
type GoalInput struct {
	Goal, Indicator, Baseline, Target, Owner, DueOn, Status string
}

// GoalValues is a goal's form values.
func GoalValues(g *Goal) GoalInput {
	return GoalInput{Goal: g.Text, Indicator: g.Indicator, Baseline: g.Baseline, Target: g.Target, Owner: g.Owner,
		DueOn: g.DueOn, Status: g.Status}
}

// ValidateGoal checks the goal form against the plan's dates. Errors: EINVALID naming each bad
// field.
func ValidateGoal(in GoalInput, p *Plan) (*Goal, error) {
	bad := map[string]string{}
	g := &Goal{Text: strings.TrimSpace(in.Goal), Indicator: strings.TrimSpace(in.Indicator),
		Baseline: strings.TrimSpace(in.Baseline), Target: strings.TrimSpace(in.Target), Owner: strings.TrimSpace(in.Owner),
		DueOn: strings.TrimSpace(in.DueOn), Status: in.Status}
	text := func(field, v string, required bool, max int, what string) {
		switch {
		case required && v == "":
			bad[field] = "Enter " + what + "."
		case utf8.RuneCountInString(v) > max:
			bad[field] = "Keep " + what + " shorter."
		}
	}
	text("goal", g.Text, true, goalTextMax, "the goal")
	text("indicator", g.Indicator, true, goalTextMax, "how progress will be measured")
	text("baseline", g.Baseline, false, goalShortMax, "the baseline")
	text("target", g.Target, true, goalShortMax, "the target")
	text("owner", g.Owner, true, goalOwnerMax, "who is responsible")
	g.DueOn = dates.Normalize(g.DueOn)
	if _, err := time.Parse(time.DateOnly, g.DueOn); err != nil {
		bad["due_on"] = dates.Message("the due date")
	} else if g.DueOn < p.StartsOn || g.DueOn > p.EndsOn {
		bad["due_on"] = "The due date must fall within the plan, from " + p.StartsOn + " to " + p.EndsOn + "."
	}
	if g.Status == "" {
		g.Status = GoalNotStarted
	}
	if !validGoalStatus(g.Status) {
		bad["status"] = "Choose a status."
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	return g, nil
}

// AddGoal adds a goal to a plan; an agreed plan returns to draft. Errors: ENOTFOUND;
// EFORBIDDEN; EINVALID naming each bad field.
func (s *Plans) AddGoal(ctx context.Context, planID string, in GoalInput) (*Goal, error) {
	p, e, err := s.planForWrite(ctx, planID)
	if err != nil {
		return nil, err
	}
	if _, err := s.writable(ctx, e.ID); err != nil {
		return nil, err
	}
	g, err := ValidateGoal(in, p)
	if err != nil {
		return nil, err
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		var last struct {
			N   int `bun:"n"`
			Max int `bun:"m"`
		}
		if err := t.Select((*Goal)(nil)).ColumnExpr("COUNT(*) AS n, COALESCE(MAX(qg.position), 0) AS m").
			Where("qg.plan_id = ?", p.ID).Scan(ctx, &last); err != nil {
			return err
		}
		if last.N >= PlanMaxGoals {
			return apperr.Invalid(map[string]string{"goal": "A plan has at most 20 goals; finish or remove one first."})
		}
		now := database.Now()
		g.ID, g.PlanID, g.Position, g.CreatedAt, g.UpdatedAt = database.NewID(), p.ID, last.Max+1, now, now
		if _, err := t.Insert(g).Exec(ctx); err != nil {
			return err
		}
		detail := "Goal added: " + clipText(g.Text, 80)
		if reopened, err := s.backToDraft(ctx, t, p); err != nil {
			return err
		} else if reopened {
			detail += "; back to draft, needs the program's agreement again"
		}
		return s.audit.Record(ctx, "qi_goal.create", "qi_goal", g.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// GoalEdit is a goal being edited, with its plan and engagement.
type GoalEdit struct {
	Goal       *Goal
	Plan       *Plan
	Engagement *Engagement
}

// GoalForEdit loads a goal the person in ctx may change. Errors: ENOTFOUND; EFORBIDDEN.
func (s *Plans) GoalForEdit(ctx context.Context, goalID string) (*GoalEdit, error) {
	g, p, e, err := s.goalForWrite(ctx, goalID)
	if err != nil {
		return nil, err
	}
	if _, err := s.writable(ctx, e.ID); err != nil {
		return nil, err
	}
	return &GoalEdit{Goal: g, Plan: p, Engagement: e}, nil
}

// UpdateGoal changes a goal. Changing its text (anything but its status) returns an agreed plan
// to draft; a status change alone does not. Errors: ENOTFOUND; EFORBIDDEN; EINVALID.
func (s *Plans) UpdateGoal(ctx context.Context, goalID string, in GoalInput) (*Goal, bool, error) {
	ge, err := s.GoalForEdit(ctx, goalID)
	if err != nil {
		return nil, false, err
	}
	g, err := ValidateGoal(in, ge.Plan)
	if err != nil {
		return nil, false, err
	}
	old := ge.Goal
	textChanged := g.Text != old.Text || g.Indicator != old.Indicator || g.Baseline != old.Baseline ||
		g.Target != old.Target || g.Owner != old.Owner || g.DueOn != old.DueOn
	if !textChanged && g.Status == old.Status {
		return old, false, nil
	}
	reopened := false
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		g.ID, g.PlanID, g.Position, g.CreatedAt, g.UpdatedAt = old.ID, old.PlanID, old.Position, old.CreatedAt, database.Now()
		if _, err := t.Update(g).Column("goal", "indicator", "baseline", "target", "owner", "due_on", "status", "updated_at").
			Where("qg.id = ?", g.ID).Exec(ctx); err != nil {
			return err
		}
		detail := "Goal changed: " + clipText(g.Text, 80)
		if g.Status != old.Status {
			detail += "; status " + GoalStatusLabel(old.Status) + " → " + GoalStatusLabel(g.Status)
		}
		if textChanged {
			if reopened, err = s.backToDraft(ctx, t, ge.Plan); err != nil {
				return err
			} else if reopened {
				detail += "; back to draft, needs the program's agreement again"
			}
		}
		return s.audit.Record(ctx, "qi_goal.update", "qi_goal", g.ID, detail)
	})
	if err != nil {
		return nil, false, err
	}
	return g, reopened, nil
}

// DeleteGoal removes a goal and its progress updates; an agreed plan returns to draft.
// Errors: ENOTFOUND; EFORBIDDEN.
func (s *Plans) DeleteGoal(ctx context.Context, goalID string) (*GoalEdit, error) {
	ge, err := s.GoalForEdit(ctx, goalID)
	if err != nil {
		return nil, err
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Delete((*GoalUpdate)(nil)).Where("qgu.goal_id = ?", ge.Goal.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := t.Delete((*Goal)(nil)).Where("qg.id = ?", ge.Goal.ID).Exec(ctx); err != nil {
			return err
		}
		detail := "Goal removed: " + clipText(ge.Goal.Text, 80)
		if reopened, err := s.backToDraft(ctx, t, ge.Plan); err != nil {
			return err
		} else if reopened {
			detail += "; back to draft, needs the program's agreement again"
		}
		return s.audit.Record(ctx, "qi_goal.delete", "qi_goal", ge.Goal.ID, detail)
	})
	return ge, err
}

// ProgressInput is a progress update as typed.
type ProgressInput struct{ Status, Note string }

// RecordProgress records progress on a goal (its status, with a note), from the plan page or a
// session (sessionID set). The goal's status follows; an agreed plan stays agreed.
// Errors: ENOTFOUND; EFORBIDDEN; EINVALID naming the bad field.
func (s *Plans) RecordProgress(ctx context.Context, goalID string, in ProgressInput, sessionID string) (*GoalUpdate, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	ge, err := s.GoalForEdit(ctx, goalID)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	note := strings.TrimSpace(in.Note)
	if !validGoalStatus(in.Status) {
		bad["status"] = "Choose the goal's status."
	}
	if utf8.RuneCountInString(note) > progressNoteMax {
		bad["note"] = "Keep the note to 2,000 characters or fewer."
	}
	if in.Status == ge.Goal.Status && note == "" {
		bad["note"] = "Write what progress was made, or change the status."
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	u := &GoalUpdate{ID: database.NewID(), GoalID: ge.Goal.ID, SessionID: sessionID, Status: in.Status, Note: note,
		CreatedBy: sc.UserID, CreatedAt: database.Now()}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(u).Exec(ctx); err != nil {
			return err
		}
		if u.Status != ge.Goal.Status {
			if _, err := t.Update((*Goal)(nil)).Set("status = ?", u.Status).Set("updated_at = ?", u.CreatedAt).
				Where("qg.id = ?", ge.Goal.ID).Exec(ctx); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, "qi_goal.progress", "qi_goal", ge.Goal.ID,
			GoalStatusLabel(u.Status)+": "+clipText(ge.Goal.Text, 80))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// AgreeInput is the agreement form: the educators' names as typed, and the confirmation.
type AgreeInput struct {
	Names   string
	Confirm bool
}

// Agree records that the program's educators agreed to the plan: only a user of the
// engagement's program may, for a draft with goals. Errors: ENOTFOUND; EFORBIDDEN for any other
// role; ECONFLICT when there is nothing to agree to; EINVALID naming the bad field.
func (s *Plans) Agree(ctx context.Context, planID string, in AgreeInput) (*Plan, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	p, e, err := s.planForWrite(ctx, planID)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Program || e.ProgramID != sc.OrganisationID {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the program's own people record its agreement to the plan.")
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		n, err := t.Select((*Goal)(nil)).Where("qg.plan_id = ?", p.ID).Count(ctx)
		if err != nil {
			return err
		}
		switch {
		case p.Status == PlanAgreed:
			return apperr.Errorf(apperr.ECONFLICT, "This plan is agreed already.")
		case n == 0:
			return apperr.Errorf(apperr.ECONFLICT, "This plan has no goals yet: there is nothing to agree to.")
		}
		bad := map[string]string{}
		names := strings.Join(strings.Fields(in.Names), " ")
		switch {
		case names == "":
			bad["names"] = "Enter the names of the educators who agree to the plan."
		case utf8.RuneCountInString(names) > agreedNamesMax:
			bad["names"] = "Keep the names to 500 characters or fewer."
		}
		if !in.Confirm {
			bad["confirm"] = "Confirm that these educators agree to the plan and its goals."
		}
		if len(bad) > 0 {
			return apperr.Invalid(bad)
		}
		now := database.Now()
		p.Status, p.AgreedBy, p.AgreedNames, p.AgreedAt, p.UpdatedAt = PlanAgreed, sc.UserID, names, &now, now
		if _, err := t.Update(p).Column("status", "agreed_by", "agreed_names", "agreed_at", "updated_at").
			Where("qp.id = ?", p.ID).Where("qp.status = ?", PlanDraft).Exec(ctx); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, "qi_plan.agree", "qi_plan", p.ID, "Agreed by "+clipText(names, 200)+", "+e.ProgramName); err != nil {
			return err
		}
		// The program's agreement completes the plan stage: implementation starts.
		return followRecord(ctx, s.db, s.audit, time.Now(), e.ID, StageImplementation, "",
			"The program agreed to the quality improvement plan")
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PlanRow is a plan in a list, with its engagement's names.
type PlanRow struct {
	ID             string     `bun:"id"`
	EngagementID   string     `bun:"engagement_id"`
	Status         string     `bun:"status"`
	StartsOn       string     `bun:"starts_on"`
	EndsOn         string     `bun:"ends_on"`
	AgreedAt       *time.Time `bun:"agreed_at"`
	Goals          int        `bun:"goals"`
	ProgramName    string     `bun:"program_name"`
	ConsultantName string     `bun:"consultant_name"`
	Stage          string     `bun:"stage"`
	Focus          string     `bun:"-"`
}

// Awaiting reports whether the plan waits for the program's agreement.
func (r PlanRow) Awaiting() bool { return r.Status == PlanDraft && r.Goals > 0 }

// StatusWords is the plan's status in words.
func (r PlanRow) StatusWords() string {
	switch {
	case r.Status == PlanAgreed:
		return "Agreed"
	case r.Goals == 0:
		return "Draft, no goals yet"
	}
	return "Waiting for agreement"
}

// StageLabel is the engagement's stage in words.
func (r PlanRow) StageLabel() string { return StageOf(r.Stage).Label }

// Plan list filters.
const (
	PlanFilterAwaiting = "awaiting"
	PlanFilterAgreed   = "agreed"
	PlanFilterDraft    = "draft"
)

// PlanFilter narrows the plans list; Page counts from 1.
type PlanFilter struct {
	Status string
	Page   int
}

// List returns the plans the person in ctx may see (Visible; none for funders), plans waiting
// for agreement first, then by program; and whether there is a next page.
func (s *Plans) List(ctx context.Context, f PlanFilter) ([]PlanRow, bool, error) {
	return s.list(ctx, f.Status, max(f.Page, 1), planListPageSize)
}

// AwaitingAgreement lists the plans waiting for agreement that the person in ctx may see: for a
// program user, its own program's (for its home page or engagements list).
func (s *Plans) AwaitingAgreement(ctx context.Context) ([]PlanRow, error) {
	list, _, err := s.list(ctx, PlanFilterAwaiting, 1, planAwaitingLimit)
	return list, err
}

func (s *Plans) list(ctx context.Context, status string, page, size int) ([]PlanRow, bool, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, false, err
	}
	if sc.Role == authz.Funder {
		return nil, false, nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, false, err
	}
	type row struct {
		PlanRow
		F  string `bun:"focus"`
		FL string `bun:"focus_label"`
		CI string `bun:"child_initials"`
		CA string `bun:"child_age_band"`
		SN string `bun:"site_name"`
		CU string `bun:"consultant_user"`
	}
	goals := "(SELECT COUNT(*) FROM qi_goals AS g WHERE g.tenant_id = qp.tenant_id AND g.plan_id = qp.id)"
	q := t.Select((*Plan)(nil)).
		ColumnExpr("qp.id, qp.engagement_id, qp.status, qp.starts_on, qp.ends_on, qp.agreed_at").
		ColumnExpr(goals + " AS goals").
		ColumnExpr("e.stage, e.focus, e.focus_label, e.child_initials, e.child_age_band").
		Join("JOIN engagements AS e ON e.tenant_id = qp.tenant_id AND e.id = qp.engagement_id").
		Apply(engagementNames)
	q = Visible(q, sc, "e")
	switch status {
	case PlanFilterAwaiting:
		q = q.Where("qp.status = ?", PlanDraft).Where(goals + " > 0")
	case PlanFilterAgreed:
		q = q.Where("qp.status = ?", PlanAgreed)
	case PlanFilterDraft:
		q = q.Where("qp.status = ?", PlanDraft)
	}
	var rows []row
	err = q.OrderExpr("CASE WHEN qp.status = ? THEN 0 ELSE 1 END, o.name, qp.starts_on DESC, qp.id", PlanDraft).
		Limit(int64(size+1)).Offset(int64((page-1)*size)).Scan(ctx, &rows)
	if err != nil {
		return nil, false, err
	}
	more := len(rows) > size
	if more {
		rows = rows[:size]
	}
	out := make([]PlanRow, len(rows))
	for i, r := range rows {
		e := &Engagement{Focus: r.F, FocusLabel: r.FL, ChildInitials: r.CI, ChildAgeBand: r.CA, SiteName: r.SN}
		r.PlanRow.Focus = recordsFocusText(e, sc)
		out[i] = r.PlanRow
	}
	return out, more, nil
}

// clipText shortens s to n characters for an audit line.
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
