package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// engagementSeed is a demo engagement: a consultant (by email) with a program, at a stage
// reached over the months since it opened, with its sessions (which keep its dosage counters).
type engagementSeed struct {
	slug, consultant, program string
	focus, site, label        string
	initials, ageBand         string
	stage                     string
	openedMonthsAgo           int
	coachingMonthsAgo         int // > 0: turned into coaching that many months ago
	sessions                  []sessionSeed
	// eiMeetings: team meetings twice a month since the fiscal year began, except gapMonth
	// (months ago) with one; plus one mini-training.
	eiMeetings bool
	gapMonth   int
	// child: a child focus's optional details (and, closed, where the child went).
	child childSeed
}

// childSeed is a child focus's details for the equity view of child outcomes (issue 12):
// race or ethnicity, sex, dual-language learner, IEP/IFSP, and the outcome of a closed one.
type childSeed struct {
	race, sex, dll, iep, outcome string
}

type sessionSeed struct {
	daysAgo, minutes int
	mode, service    string
	topic            string
}

var engagementSeeds = []engagementSeed{
	// Illinois: Maria Alvarez at mid-cycle with Prairie Families (its plan being implemented).
	{slug: "illinois", consultant: SharedConsultantEmail, program: "Prairie Families Home Visiting", focus: consultation.FocusProgram,
		stage: consultation.StageImplementation, openedMonthsAgo: 5, sessions: []sessionSeed{
			{140, 60, "in_person", "reflective_supervisor", ""}, {120, 90, "in_person", "reflective_group", ""},
			{95, 60, "virtual", "mini_training", "Postpartum depression"}, {60, 90, "in_person", "reflective_group", ""},
			{30, 60, "hybrid", "reflective_individual", ""}, {9, 60, "in_person", "reflective_group", ""}}},
	// Coaching with the Cicero office's home visitors, begun seven months ago.
	{slug: "illinois", consultant: SharedConsultantEmail, program: "Prairie Families Home Visiting", focus: consultation.FocusSite,
		site: "Cicero office", stage: consultation.StageImplementation, openedMonthsAgo: 9, coachingMonthsAgo: 7, sessions: []sessionSeed{
			{250, 60, "in_person", "classroom_observation", ""}, {200, 60, "in_person", "reflective_individual", ""},
			{150, 60, "in_person", "reflective_individual", ""}, {100, 60, "in_person", "reflective_individual", ""},
			{45, 60, "virtual", "reflective_individual", ""}, {14, 60, "in_person", "reflective_individual", ""}}},
	// A child and family with the Southside doulas: initials and an age band only.
	{slug: "illinois", consultant: SharedConsultantEmail, program: "Southside Community Doula Program", focus: consultation.FocusChildFamily,
		initials: "DR", ageBand: "0–1 years", stage: consultation.StageNeedsDiscussion, openedMonthsAgo: 1, sessions: []sessionSeed{
			{20, 45, "in_person", "family_engagement", ""}},
		child: childSeed{race: "hispanic_latino", sex: "male", dll: "yes"}},
	// Ohio: Daniel Kim with the Franklin County EI team, meeting with the team twice a month.
	{slug: "ohio", consultant: "consultant@ohio.example", program: "Franklin County Help Me Grow Early Intervention Team",
		focus: consultation.FocusProgram, stage: consultation.StagePreAssessment, openedMonthsAgo: 8, eiMeetings: true, gapMonth: 2},
}

// seedEngagements adds the tenant's demo engagements with their moves and sessions, unless an
// engagement of the same consultant, program and focus is there already. The consultant's
// assignment to the program comes from the matching seed; if it is missing it is added.
func seedEngagements(ctx context.Context, db *bun.DB, acc *accounts.Service, t *tenants.Tenant, ts tenantSeed, orgIDs map[string]string) error {
	tx, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	local := t.Local(time.Now())
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	log := audit.New(db)
	for _, es := range engagementSeeds {
		if es.slug != ts.slug {
			continue
		}
		u, err := acc.UserByEmail(ctx, es.consultant)
		if err != nil {
			return err
		}
		var p consultants.Profile
		if err := tx.Select(&p).Column("cp.id").Where("cp.user_id = ?", u.ID).Scan(ctx); err != nil {
			return fmt.Errorf("the profile of %s: %w", es.consultant, err)
		}
		programID := orgIDs[es.program]
		kind := ""
		for _, o := range ts.orgs {
			if o.name == es.program {
				kind = o.programKind
			}
		}
		siteID := ""
		if es.site != "" {
			if err := tx.SelectFrom("program_sites", "ps").Column("ps.id").
				Where("ps.program_id = ? AND ps.name = ?", programID, es.site).Scan(ctx, &siteID); err != nil {
				return fmt.Errorf("site %s: %w", es.site, err)
			}
		}
		n, err := tx.Select((*consultation.Engagement)(nil)).
			Where("e.profile_id = ? AND e.program_id = ? AND e.focus = ? AND e.site_id = ? AND e.child_initials = ?",
				p.ID, programID, es.focus, siteID, es.initials).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			// Seeded before the child's details existed: fill them in, never over what a person
			// recorded since.
			if es.focus == consultation.FocusChildFamily {
				if err := seedChildDetails(ctx, tx, p.ID, programID, es); err != nil {
					return err
				}
			}
			continue
		}
		opened := today.AddDate(0, -es.openedMonthsAgo, 0)
		a := new(consultants.Assignment)
		err = tx.Select(a).Where("ca.profile_id = ? AND ca.program_id = ? AND ca.status = ?", p.ID, programID, consultants.AssignmentActive).
			Limit(1).Scan(ctx)
		if apperr.Code(engSeedNotFound(err)) == apperr.ENOTFOUND {
			now := database.Now()
			a = &consultants.Assignment{ID: database.NewID(), ProfileID: p.ID, ProgramID: programID, Status: consultants.AssignmentActive,
				StartedOn: day(opened), CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
			if _, err := tx.Insert(a).Exec(ctx); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}

		now := database.Now()
		e := &consultation.Engagement{ID: database.NewID(), AssignmentID: a.ID, ProfileID: p.ID, ProgramID: programID, Focus: es.focus,
			SiteID: siteID, FocusLabel: es.label, ChildInitials: es.initials, ChildAgeBand: es.ageBand, Stage: es.stage,
			Kind: consultation.KindConsultation, OpenedOn: day(opened), DefaultParticipants: database.Counts{}, CreatedBy: u.ID,
			CreatedAt: now, UpdatedAt: now, ChildRaceEthnicity: es.child.race, ChildSex: es.child.sex, ChildDLL: es.child.dll,
			ChildIEPIFSP: es.child.iep}
		if es.stage == consultation.StageClosed {
			e.ChildOutcome = es.child.outcome
		}
		// The moves: evenly over the months since it opened, up to the stage reached.
		target := consultation.StageIndex(es.stage)
		var moves []*consultation.Move
		moves = append(moves, &consultation.Move{ToStage: consultation.StageInitialContact, MovedOn: e.OpenedOn})
		span := int(today.Sub(opened).Hours()/24) - 1
		for i := 1; i <= target; i++ {
			on := opened.AddDate(0, 0, span*i/(target+1)+1)
			moves = append(moves, &consultation.Move{FromStage: consultation.Stages[i-1].Value, ToStage: consultation.Stages[i].Value, MovedOn: day(on)})
		}
		if es.coachingMonthsAgo > 0 {
			e.Kind, e.CoachingStartedOn = consultation.KindCoaching, day(today.AddDate(0, -es.coachingMonthsAgo, 0))
			moves = append(moves, &consultation.Move{FromStage: es.stage, ToStage: es.stage, MovedOn: e.CoachingStartedOn,
				Reason: "Turned into coaching (6–12 months)."})
		}
		// The sessions, and the dosage counters they keep.
		var sessions []*consultation.Session
		add := func(held time.Time, minutes int, mode, service, topic string) {
			if held.Before(opened) || held.After(today) {
				return
			}
			created := time.Date(held.Year(), held.Month(), held.Day(), 18, 0, 0, 0, time.UTC)
			sessions = append(sessions, &consultation.Session{ID: database.NewID(), EngagementID: e.ID, ProfileID: p.ID, ProgramID: programID,
				HeldOn: day(held), Minutes: minutes, Mode: mode, Service: service, TrainingTopic: topic, Participants: usualParticipants(kind, es.focus, service),
				Topics: database.StringList{}, Summary: demoSummary(service, topic), CreatedBy: u.ID, CreatedAt: created, UpdatedAt: created})
		}
		for _, s := range es.sessions {
			add(today.AddDate(0, 0, -s.daysAgo), s.minutes, s.mode, s.service, s.topic)
		}
		if es.eiMeetings {
			for m := 0; m <= es.openedMonthsAgo; m++ {
				first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
				add(first.AddDate(0, 0, 3), 60, "virtual", consultation.ServiceEITeamMeeting, "")
				if m != es.gapMonth {
					add(first.AddDate(0, 0, 17), 60, "in_person", consultation.ServiceEITeamMeeting, "")
				}
			}
			add(today.AddDate(0, -3, 5), 90, "in_person", consultation.ServiceMiniTraining, "Social-emotional development")
		}
		for _, s := range sessions {
			e.Contacts++
			e.Minutes += s.Minutes
			if e.FirstContactOn == "" || s.HeldOn < e.FirstContactOn {
				e.FirstContactOn = s.HeldOn
			}
			if s.HeldOn > e.LastContactOn {
				e.LastContactOn, e.LastMode = s.HeldOn, s.Mode
				e.DefaultParticipants = s.Participants // the usual participants: the latest session's
			}
		}
		if _, err := tx.Insert(e).Exec(ctx); err != nil {
			return err
		}
		for _, m := range moves {
			m.ID, m.EngagementID, m.MovedBy, m.CreatedAt = database.NewID(), e.ID, u.ID, now
			if _, err := tx.Insert(m).Exec(ctx); err != nil {
				return err
			}
		}
		if len(sessions) > 0 {
			if _, err := database.InsertMany(tx, sessions).Exec(ctx); err != nil {
				return err
			}
		}
		if err := log.Record(ctx, "engagement.start", "engagement", e.ID, u.Name+" with "+es.program+" (demo)"); err != nil {
			return err
		}
	}
	return nil
}

// seedChildDetails gives an existing demo child focus its details (and, closed, its outcome)
// when none is recorded yet.
func seedChildDetails(ctx context.Context, tx database.Tenant, profileID, programID string, es engagementSeed) error {
	c := es.child
	q := tx.Update((*consultation.Engagement)(nil)).
		Set("child_race_ethnicity = ?", c.race).Set("child_sex = ?", c.sex).Set("child_dll = ?", c.dll).Set("child_iep_ifsp = ?", c.iep).
		Where("e.profile_id = ? AND e.program_id = ? AND e.focus = ? AND e.child_initials = ?", profileID, programID, es.focus, es.initials).
		Where("e.child_race_ethnicity = '' AND e.child_sex = '' AND e.child_dll = '' AND e.child_iep_ifsp = ''")
	if _, err := q.Exec(ctx); err != nil {
		return err
	}
	if c.outcome == "" {
		return nil
	}
	_, err := tx.Update((*consultation.Engagement)(nil)).Set("child_outcome = ?", c.outcome).
		Where("e.profile_id = ? AND e.program_id = ? AND e.focus = ? AND e.child_initials = ?", profileID, programID, es.focus, es.initials).
		Where("e.stage = ? AND e.child_outcome = ''", consultation.StageClosed).Exec(ctx)
	return err
}

func engSeedNotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound("assignment")
	}
	return err
}

// demoSummary is what a demo session shares with the program: plain words, nothing about a
// child or family that identifies them.
func demoSummary(service, topic string) string {
	switch service {
	case "reflective_group":
		return "Reflective consultation with the team: we looked at what families' stress brings up for staff, and practised noticing before problem-solving."
	case "reflective_individual":
		return "Reflective time with one staff member about a visit that felt hard; next time she will name the feelings she notices."
	case "reflective_supervisor":
		return "Met the program supervisor about how the team is doing and what the consultation will focus on."
	case consultation.ServiceMiniTraining:
		return "Mini-training for the staff on " + strings.ToLower(topic) + ", with the handout shared."
	case "family_engagement":
		return "Co-facilitated the family group; parents shared the routines that help at bedtime."
	case consultation.ServiceEITeamMeeting:
		return "EI team meeting: social-emotional strategies for the IFSPs on the agenda."
	}
	return ""
}
