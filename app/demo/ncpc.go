package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/reports"
	"github.com/holdspace/holdspace/app/tenants"
)

// The NCPC report's demo: Maria Alvarez's FY 2025–26 (July 2025 to June 2026) consultation
// with nc-piedmont's two child care centers, one engagement per classroom, on fixed dates so
// the report's figures are the same whenever the demo is seeded (TestNCPCDemo checks them by
// hand). Both programs' FY 2026 NCPC fundings are the NCPC activity: Little Acorns under PSC
// 3125 (Quality Child Care), Sunrise under PSC 3105. A session before July 2025 is outside the
// year. TPITOS in the infant, toddler and twos rooms, TPOT in the preschool and pre-K rooms:
// three improved, the toddler room did not, and the pre-K room has no post-assessment yet.

// NCPCDemoFY is the fiscal year of the NCPC demo.
const NCPCDemoFY = 2026

type ncpcSessionSeed struct {
	on        string
	educators int
}

type ncpcAssessmentSeed struct {
	builtin, phase, on string
	first              string // the first subscale's score ("55", "72.5")
}

type ncpcEngagementSeed struct {
	program, classroom, opened, stage string
	sessions                          []ncpcSessionSeed
	assessments                       []ncpcAssessmentSeed
}

const (
	littleAcorns = "Little Acorns Child Care Center"
	sunrise      = "Sunrise Early Learning Center"
)

var ncpcEngagements = []ncpcEngagementSeed{
	{littleAcorns, "Infant room", "2025-06-02", consultation.StagePostAssessment,
		[]ncpcSessionSeed{{"2025-06-17", 5}, {"2025-08-12", 2}, {"2025-10-14", 3}, {"2026-01-20", 2}},
		[]ncpcAssessmentSeed{{"tpitos", consultation.PhasePre, "2025-08-26", "55"}, {"tpitos", consultation.PhasePost, "2026-03-17", "72.5"}}},
	{littleAcorns, "Toddler room", "2025-09-02", consultation.StagePostAssessment,
		[]ncpcSessionSeed{{"2025-09-09", 3}, {"2025-11-18", 3}, {"2026-02-10", 4}},
		[]ncpcAssessmentSeed{{"tpitos", consultation.PhasePre, "2025-09-23", "60"}, {"tpitos", consultation.PhasePost, "2026-04-21", "58"}}},
	{littleAcorns, "Preschool room", "2025-10-01", consultation.StagePostAssessment,
		[]ncpcSessionSeed{{"2025-10-07", 2}, {"2026-01-13", 3}, {"2026-04-14", 2}},
		[]ncpcAssessmentSeed{{"tpot", consultation.PhasePre, "2025-10-21", "48.5"}, {"tpot", consultation.PhasePost, "2026-05-12", "66"}}},
	{sunrise, "Twos classroom", "2025-10-27", consultation.StagePostAssessment,
		[]ncpcSessionSeed{{"2025-11-04", 2}, {"2026-02-17", 2}, {"2026-05-05", 3}},
		[]ncpcAssessmentSeed{{"tpitos", consultation.PhasePre, "2025-11-18", "40"}, {"tpitos", consultation.PhasePost, "2026-05-26", "61.25"}}},
	{sunrise, "Pre-K classroom", "2026-01-20", consultation.StageFindings,
		[]ncpcSessionSeed{{"2026-01-27", 3}, {"2026-03-10", 4}, {"2026-05-19", 4}},
		[]ncpcAssessmentSeed{{"tpot", consultation.PhasePre, "2026-02-03", "52"}}},
}

// ncpcActivities: the PSC of each program's FY 2026 NCPC funding.
var ncpcActivities = map[string]string{littleAcorns: "3125", sunrise: "3105"}

// SeedNCPC adds the NCPC report's demo to nc-piedmont: the FY 2026 fundings and their NCPC
// activity, and the engagements, sessions and assessments of the year. Only what is missing
// is added: seeding twice changes nothing.
func SeedNCPC(ctx context.Context, db *bun.DB, acc *accounts.Service, ten *tenants.Service) error {
	ctx = audit.WithActor(ctx, audit.Actor{Email: "demo seed"})
	store := ten.Store()
	t, err := store.TenantBySlug(ctx, "nc-piedmont")
	if err != nil {
		return fmt.Errorf("the NCPC demo: %w", err)
	}
	ctx = database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug})
	return database.InTx(ctx, db, func(ctx context.Context) error {
		if err := seedNCPCFundings(ctx, db, store, t); err != nil {
			return fmt.Errorf("the NCPC demo's fundings: %w", err)
		}
		if err := seedNCPCEngagements(ctx, db, acc, store); err != nil {
			return fmt.Errorf("the NCPC demo's engagements: %w", err)
		}
		// Its sessions went in directly: the monthly rollups the dashboards read are recounted.
		return consultation.RecountSessionMonths(ctx, db)
	})
}

func ncpcOrgs(ctx context.Context, store *tenants.Store) (map[string]string, error) {
	list, err := store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, o := range list {
		ids[o.Name] = o.ID
	}
	return ids, nil
}

// seedNCPCFundings adds the programs' FY 2026 NCPC fundings (through the programs service, as
// the tenant admin would) and their NCPC activity.
func seedNCPCFundings(ctx context.Context, db *bun.DB, store *tenants.Store, t *tenants.Tenant) error {
	orgs, err := ncpcOrgs(ctx, store)
	if err != nil {
		return err
	}
	prog := programs.NewService(db, store, audit.New(db))
	tx, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	funder := orgs["North Carolina Partnership for Children"]
	for _, name := range []string{littleAcorns, sunrise} {
		pid := orgs[name]
		if pid == "" || funder == "" {
			return fmt.Errorf("%s or its funder is missing (seed the demo first)", name)
		}
		var f programs.Funding
		err := tx.Select(&f).Where("f.program_id = ? AND f.funder_id = ? AND f.fiscal_year = ?", pid, funder, NCPCDemoFY).Scan(ctx)
		if err != nil {
			lines := []programs.LineInput{{Category: "I/ECMH consultation", Amount: money.Cents(16_500_00).String()},
				{Category: "Training", Amount: money.Cents(2_000_00).String()}}
			created, aerr := prog.AddFunding(ctx, pid, programs.FundingInput{FunderID: funder, IECMHCFunded: true,
				FiscalYear: strconv.Itoa(NCPCDemoFY), Lines: lines})
			if aerr != nil {
				return fmt.Errorf("FY %d funding of %s: %w", NCPCDemoFY, name, aerr)
			}
			f = *created
		}
		n, err := tx.Select((*reports.NCPCActivity)(nil)).Where("na.funding_id = ?", f.ID).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			a := &reports.NCPCActivity{FundingID: f.ID, ProgramIdentifier: reports.DefaultProgramIdentifier, PSC: ncpcActivities[name],
				UpdatedAt: database.Now()}
			if _, err := tx.Insert(a).Exec(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedNCPCEngagements adds Maria Alvarez's classroom engagements of the year with their moves,
// sessions (and the dosage counters they keep) and assessments, written directly: the services
// refuse dates this far back (a session is recorded within days of being held).
func seedNCPCEngagements(ctx context.Context, db *bun.DB, acc *accounts.Service, store *tenants.Store) error {
	orgs, err := ncpcOrgs(ctx, store)
	if err != nil {
		return err
	}
	tx, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	maria, err := acc.UserByEmail(ctx, SharedConsultantEmail)
	if err != nil {
		return err
	}
	var profile consultants.Profile
	if err := tx.Select(&profile).Column("cp.id").Where("cp.user_id = ?", maria.ID).Scan(ctx); err != nil {
		return fmt.Errorf("the profile of %s: %w", SharedConsultantEmail, err)
	}
	// The instruments' subscales, by position.
	var ins []consultation.Instrument
	if err := tx.Select(&ins).Where("ins.builtin IN ('tpitos', 'tpot')").Scan(ctx); err != nil {
		return err
	}
	subs := map[string][]consultation.Subscale{}
	insID := map[string]string{}
	for _, i := range ins {
		var list []consultation.Subscale
		if err := tx.Select(&list).Where("sub.instrument_id = ?", i.ID).OrderExpr("sub.position").Scan(ctx); err != nil {
			return err
		}
		subs[i.Builtin], insID[i.Builtin] = list, i.ID
	}
	if len(subs["tpitos"]) == 0 || len(subs["tpot"]) == 0 {
		return fmt.Errorf("the built-in TPITOS and TPOT are missing")
	}
	log := audit.New(db)
	for _, es := range ncpcEngagements {
		programID := orgs[es.program]
		var siteID string
		if err := tx.SelectFrom("program_sites", "ps").Column("ps.id").
			Where("ps.program_id = ? AND ps.name = ?", programID, es.classroom).Scan(ctx, &siteID); err != nil {
			return fmt.Errorf("classroom %s: %w", es.classroom, err)
		}
		n, err := tx.Select((*consultation.Engagement)(nil)).
			Where("e.profile_id = ? AND e.program_id = ? AND e.site_id = ? AND e.opened_on = ?", profile.ID, programID, siteID, es.opened).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		a := new(consultants.Assignment)
		err = tx.Select(a).Where("ca.profile_id = ? AND ca.program_id = ?", profile.ID, programID).OrderExpr("ca.created_at").Limit(1).Scan(ctx)
		if apperr.Code(engSeedNotFound(err)) == apperr.ENOTFOUND {
			now := database.Now()
			a = &consultants.Assignment{ID: database.NewID(), ProfileID: profile.ID, ProgramID: programID, Status: consultants.AssignmentActive,
				StartedOn: "2025-06-01", CreatedBy: maria.ID, CreatedAt: now, UpdatedAt: now}
			if _, err := tx.Insert(a).Exec(ctx); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		now := database.Now()
		e := &consultation.Engagement{ID: database.NewID(), AssignmentID: a.ID, ProfileID: profile.ID, ProgramID: programID,
			Focus: consultation.FocusSite, SiteID: siteID, Stage: es.stage, Kind: consultation.KindConsultation, OpenedOn: es.opened,
			DefaultParticipants: database.Counts{}, CreatedBy: maria.ID, CreatedAt: now, UpdatedAt: now}
		var sessions []*consultation.Session
		for i, s := range es.sessions {
			held, _ := time.Parse(time.DateOnly, s.on)
			created := held.Add(18 * time.Hour)
			service := "reflective_group"
			if i%2 == 0 {
				service = "classroom_observation"
			}
			x := &consultation.Session{ID: database.NewID(), EngagementID: e.ID, ProfileID: profile.ID, ProgramID: programID,
				HeldOn: s.on, Minutes: 60, Mode: "in_person", Service: service, Participants: database.Counts{"educators": s.educators},
				Topics: database.StringList{"Social-emotional development"}, Summary: demoSummary(service, ""),
				CreatedBy: maria.ID, CreatedAt: created, UpdatedAt: created}
			if x.Summary == "" {
				x.Summary = "Observed the classroom's routines and transitions, and shared what went well with the teachers."
			}
			sessions = append(sessions, x)
			e.Contacts++
			e.Minutes += x.Minutes
			if e.FirstContactOn == "" {
				e.FirstContactOn = x.HeldOn
			}
			e.LastContactOn, e.LastMode, e.DefaultParticipants = x.HeldOn, x.Mode, x.Participants
		}
		// The moves: one stage every week from the day it opened (the demo's story, not a
		// record of each step).
		opened, _ := time.Parse(time.DateOnly, es.opened)
		moves := []*consultation.Move{{ID: database.NewID(), EngagementID: e.ID, ToStage: consultation.StageInitialContact,
			MovedOn: es.opened, MovedBy: maria.ID, CreatedAt: now}}
		for i := 1; i <= consultation.StageIndex(es.stage); i++ {
			moves = append(moves, &consultation.Move{ID: database.NewID(), EngagementID: e.ID, FromStage: consultation.Stages[i-1].Value,
				ToStage: consultation.Stages[i].Value, MovedOn: opened.AddDate(0, 0, 7*i).Format(time.DateOnly), MovedBy: maria.ID,
				CreatedAt: now.Add(time.Duration(i) * time.Microsecond)})
		}
		if _, err := tx.Insert(e).Exec(ctx); err != nil {
			return err
		}
		if _, err := database.InsertMany(tx, moves).Exec(ctx); err != nil {
			return err
		}
		if _, err := database.InsertMany(tx, sessions).Exec(ctx); err != nil {
			return err
		}
		for _, as := range es.assessments {
			first, err := money.Parse(as.first) // hundredths, as money's cents
			if err != nil {
				return err
			}
			on, _ := time.Parse(time.DateOnly, as.on)
			x := &consultation.Assessment{ID: database.NewID(), EngagementID: e.ID, InstrumentID: insID[as.builtin], Phase: as.phase,
				AdministeredOn: as.on, AdministeredBy: maria.ID, CreatedAt: on.Add(18 * time.Hour), UpdatedAt: on.Add(18 * time.Hour)}
			if _, err := tx.Insert(x).Exec(ctx); err != nil {
				return err
			}
			var scores []*consultation.Score
			for i, sub := range subs[as.builtin] {
				v := int64(first)
				switch {
				case i == 1:
					v = int64(first) - 5_00 // the second percentage follows the first
				case i >= 2:
					v = 2_00 // red flags
				}
				scores = append(scores, &consultation.Score{AssessmentID: x.ID, SubscaleID: sub.ID, ScoreHundredths: max(v, sub.MinHundredths)})
			}
			if _, err := database.InsertMany(tx, scores).Exec(ctx); err != nil {
				return err
			}
		}
		if err := log.Record(ctx, "engagement.start", "engagement", e.ID, "Maria Alvarez with "+es.program+", "+es.classroom+" (demo)"); err != nil {
			return err
		}
	}
	return nil
}
