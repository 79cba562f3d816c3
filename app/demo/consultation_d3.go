package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// seedAssessmentsAndPlans gives every demo tenant the built-in instruments, and Illinois a
// story to show: Maria Alvarez's mid-cycle engagement with Prairie Families has a TPOT
// pre-assessment and a plan with two goals the program agreed to; a closed engagement has a
// pre- and a post-assessment, showing the change. It uses the engagements already seeded
// (a mid-cycle one and a closed one of Maria's); when there are none it starts them, on
// Maria's assignments to the programs (made here if the matching seed has not). Seeding twice
// changes nothing.
func seedAssessmentsAndPlans(ctx context.Context, db *bun.DB, acc *accounts.Service, ts tenantSeed, orgIDs map[string]string) error {
	log := audit.New(db)
	ins := consultation.NewInstruments(db, log)
	if err := ins.EnsureBuiltins(ctx); err != nil {
		return err
	}
	if ts.slug != "illinois" {
		return nil
	}
	maria, err := acc.UserByEmail(ctx, SharedConsultantEmail)
	if err != nil {
		return err
	}
	latoya, err := acc.UserByEmail(ctx, "program@illinois.example")
	if err != nil {
		return err
	}
	t, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	var profile consultants.Profile
	if err := t.Select(&profile).Column("cp.id").Where("cp.user_id = ?", maria.ID).Scan(ctx); err != nil {
		return fmt.Errorf("the profile of %s: %w", SharedConsultantEmail, err)
	}
	prairie, southside := orgIDs["Prairie Families Home Visiting"], orgIDs["Southside Community Doula Program"]
	today := time.Now().UTC()
	day := func(daysAgo int) string { return today.AddDate(0, 0, -daysAgo).Format(time.DateOnly) }

	mid, err := demoEngagement(ctx, t, maria.ID, profile.ID, prairie, false, day(120), consultation.StageImplementation, 14)
	if err != nil {
		return err
	}
	closed, err := demoEngagement(ctx, t, maria.ID, profile.ID, southside, true, day(300), consultation.StageClosed, 30)
	if err != nil {
		return err
	}

	// As Maria, holding both engagements.
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	sc.UserID, sc.Role, sc.OrganisationID = maria.ID, authz.Consultant, ""
	mctx := database.WithScope(ctx, sc)
	asm := consultation.NewAssessments(db, log, ins)
	list, err := ins.List(mctx)
	if err != nil {
		return err
	}
	var tpot *consultation.Instrument
	for i := range list {
		if list[i].Builtin == "tpot" {
			tpot = &list[i]
		}
	}
	if tpot == nil || len(tpot.Subscales) != 3 {
		return fmt.Errorf("the built-in TPOT is missing")
	}
	scores := func(key, challenging, flags string) map[string]string {
		return map[string]string{tpot.Subscales[0].ID: key, tpot.Subscales[1].ID: challenging, tpot.Subscales[2].ID: flags}
	}
	give := func(e *consultation.Engagement, phase, on string, s map[string]string) error {
		n, err := t.Select((*consultation.Assessment)(nil)).Where("asm.engagement_id = ? AND asm.phase = ?", e.ID, phase).Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		_, err = asm.Create(mctx, e.ID, consultation.AssessmentInput{InstrumentID: tpot.ID, Phase: phase, AdministeredOn: on, Scores: s}, today)
		return err
	}
	if err := give(mid, consultation.PhasePre, day(90), scores("48.5", "40", "5")); err != nil {
		return fmt.Errorf("the pre-assessment: %w", err)
	}
	if err := give(closed, consultation.PhasePre, day(235), scores("52", "45", "4")); err != nil {
		return fmt.Errorf("the closed engagement's pre-assessment: %w", err)
	}
	if err := give(closed, consultation.PhasePost, day(85), scores("71.25", "66.5", "1")); err != nil {
		return fmt.Errorf("the closed engagement's post-assessment: %w", err)
	}

	// The plan of the mid-cycle engagement: two goals, agreed by the program.
	plans := consultation.NewPlans(db, log)
	n, err := t.Select((*consultation.Plan)(nil)).Where("qp.engagement_id = ?", mid.ID).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	p, err := plans.Save(mctx, mid.ID, consultation.PlanInput{StartsOn: day(64), EndsOn: today.AddDate(0, 0, 60).Format(time.DateOnly)})
	if err != nil {
		return fmt.Errorf("the plan: %w", err)
	}
	goals := []consultation.GoalInput{
		{Goal: "Home visitors plan each visit with the family's routines in mind and name the feelings they notice.",
			Indicator: "TPOT key practices: percentage of indicators met", Baseline: "48.5% (pre-assessment)", Target: "65% or more",
			Owner: "Home visiting supervisor", DueOn: today.AddDate(0, 0, 45).Format(time.DateOnly), Status: consultation.GoalInProgress},
		{Goal: "Each home visitor takes part in reflective consultation at least twice a month.",
			Indicator: "Reflective consultation contacts per home visitor per month", Baseline: "None in the last quarter", Target: "2 a month",
			Owner: "Program director", DueOn: today.AddDate(0, 0, 30).Format(time.DateOnly), Status: consultation.GoalInProgress},
	}
	for _, g := range goals {
		if _, err := plans.AddGoal(mctx, p.ID, g); err != nil {
			return fmt.Errorf("a goal: %w", err)
		}
	}
	sc.UserID, sc.Role, sc.OrganisationID = latoya.ID, authz.Program, prairie
	if _, err := plans.Agree(database.WithScope(ctx, sc), p.ID,
		consultation.AgreeInput{Names: "Latoya Brooks, Ana Ruiz, Tom Baker", Confirm: true}); err != nil {
		return fmt.Errorf("the agreement: %w", err)
	}
	return nil
}

// demoEngagement finds Maria's engagement with the program — a closed one when closed, else one
// in the middle of the cycle (from the discussion of findings to the post-assessment) — or
// starts one at stage, with its moves every spacing days, on her assignment to the program.
func demoEngagement(ctx context.Context, t database.Tenant, userID, profileID, programID string, closed bool, openedOn, stage string, spacing int) (*consultation.Engagement, error) {
	e := new(consultation.Engagement)
	q := t.Select(e).Where("e.profile_id = ? AND e.program_id = ?", profileID, programID)
	if closed {
		q = q.Where("e.stage = ?", consultation.StageClosed)
	} else {
		q = q.Where("e.stage IN (?)", bun.In([]string{consultation.StageFindings, consultation.StagePlan,
			consultation.StageImplementation, consultation.StagePostAssessment}))
	}
	err := q.OrderExpr("CASE WHEN e.focus = ? THEN 0 ELSE 1 END, e.opened_on, e.id", consultation.FocusProgram).Limit(1).Scan(ctx)
	if err == nil {
		return e, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var a consultants.Assignment
	err = t.Select(&a).Where("ca.profile_id = ? AND ca.program_id = ?", profileID, programID).OrderExpr("ca.created_at").Limit(1).Scan(ctx)
	if err != nil {
		now := database.Now()
		a = consultants.Assignment{ID: database.NewID(), ProfileID: profileID, ProgramID: programID, Status: consultants.AssignmentActive,
			StartedOn: openedOn, CreatedBy: userID, CreatedAt: now, UpdatedAt: now}
		if _, err := t.Insert(&a).Exec(ctx); err != nil {
			return nil, err
		}
	}
	now := database.Now()
	opened, _ := time.Parse(time.DateOnly, openedOn)
	e = &consultation.Engagement{ID: database.NewID(), AssignmentID: a.ID, ProfileID: profileID, ProgramID: programID,
		Focus: consultation.FocusProgram, Stage: stage, Kind: consultation.KindConsultation, OpenedOn: openedOn,
		CreatedBy: userID, CreatedAt: now, UpdatedAt: now}
	moves := []*consultation.Move{{ID: database.NewID(), EngagementID: e.ID, ToStage: consultation.StageInitialContact,
		MovedOn: openedOn, MovedBy: userID, CreatedAt: now}}
	for i := 1; i <= consultation.StageIndex(stage); i++ {
		on := opened.AddDate(0, 0, spacing*i)
		if on.After(time.Now().UTC()) {
			on = time.Now().UTC()
		}
		moves = append(moves, &consultation.Move{ID: database.NewID(), EngagementID: e.ID, FromStage: consultation.Stages[i-1].Value,
			ToStage: consultation.Stages[i].Value, MovedOn: on.Format(time.DateOnly), MovedBy: userID, CreatedAt: now.Add(time.Duration(i) * time.Microsecond)})
	}
	if closed {
		e.ClosedOn = moves[len(moves)-1].MovedOn
	}
	// A contact every few weeks until it closed, and the dosage counters they keep.
	var sessions []*consultation.Session
	last, _ := time.Parse(time.DateOnly, moves[len(moves)-1].MovedOn)
	for on := opened.AddDate(0, 0, 7); !on.After(last); on = on.AddDate(0, 0, 28) {
		created := time.Date(on.Year(), on.Month(), on.Day(), 18, 0, 0, 0, time.UTC)
		s := &consultation.Session{ID: database.NewID(), EngagementID: e.ID, ProfileID: profileID, ProgramID: programID,
			HeldOn: on.Format(time.DateOnly), Minutes: 60, Mode: "in_person", Service: "reflective_group",
			Participants: database.Counts{"home_visitors": 4}, Topics: database.StringList{"Attachment"},
			Summary: "Reflective consultation with the team.", CreatedBy: userID, CreatedAt: created, UpdatedAt: created}
		sessions = append(sessions, s)
		e.Contacts++
		e.Minutes += s.Minutes
		if e.FirstContactOn == "" {
			e.FirstContactOn = s.HeldOn
		}
		e.LastContactOn, e.LastMode = s.HeldOn, s.Mode
	}
	if _, err := t.Insert(e).Exec(ctx); err != nil {
		return nil, err
	}
	if _, err := database.InsertMany(t, moves).Exec(ctx); err != nil {
		return nil, err
	}
	if len(sessions) > 0 {
		if _, err := database.InsertMany(t, sessions).Exec(ctx); err != nil {
			return nil, err
		}
	}
	return e, nil
}
