package demo

import (
	"context"
	"time"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/reports"
	"github.com/holdspace/holdspace/app/tenants"
)

// loadNCPCAssessor is the administered_by of the volume's NCPC assessments: how a second run
// knows they are there.
const loadNCPCAssessor = "load seed (NCPC)"

// phaseAt is an assessment of the seed: its phase, day and first subscale's score.
type phaseAt struct {
	phase string
	on    time.Time
	score int64
}

// volumeNCPC makes the volume funder's fundings of the newest fiscal year the NCPC activity
// (seeds/001: the program identifier, the PSCs in turn), and gives every other engagement a
// TPITOS or TPOT pre-assessment in that year, most with a post-assessment after it. So the
// harness opens the NCPC report a partnership of this size would: the year's sessions of fifty
// programs counted, and its outcomes, rather than a report of zeros. Twice adds nothing.
func (l *loader) volumeNCPC(ctx context.Context, ten *tenants.Tenant, fundings []*loadFunding, adminID string) error {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return err
	}
	fy := 0
	for _, f := range fundings {
		fy = max(fy, f.FiscalYear)
	}
	var have []string
	if err := t.SelectFrom("ncpc_activities", "na").Column("na.funding_id").Scan(ctx, &have); err != nil {
		return err
	}
	set := map[string]bool{}
	for _, id := range have {
		set[id] = true
	}
	var acts []*reports.NCPCActivity
	for _, f := range fundings {
		if f.FiscalYear != fy || set[f.ID] {
			continue
		}
		acts = append(acts, &reports.NCPCActivity{FundingID: f.ID, ProgramIdentifier: reports.DefaultProgramIdentifier,
			PSC: reports.PSCs[len(acts)%len(reports.PSCs)].Code, UpdatedBy: adminID, UpdatedAt: l.now})
	}
	if len(acts) > 0 {
		if err := insertScoped(ctx, l.db, acts); err != nil {
			return err
		}
		l.added += len(acts)
	}

	n, err := t.Select((*consultation.Assessment)(nil)).Where("asm.administered_by = ?", loadNCPCAssessor).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	if err := consultation.NewInstruments(l.db, audit.New(l.db)).EnsureBuiltins(ctx); err != nil {
		return err
	}
	type firstSubscale struct {
		Builtin    string `bun:"builtin"`
		Instrument string `bun:"ins"`
		Subscale   string `bun:"sub"`
	}
	var firsts []firstSubscale
	if err := t.SelectFrom("instruments", "i").ColumnExpr("i.builtin, i.id AS ins, s.id AS sub").
		Join("JOIN instrument_subscales AS s ON s.tenant_id = i.tenant_id AND s.instrument_id = i.id AND s.position = 1").
		Where("i.builtin IN ('tpitos', 'tpot')").OrderExpr("i.builtin").Scan(ctx, &firsts); err != nil {
		return err
	}
	if len(firsts) != 2 {
		return nil // the built-in instruments lack a subscale: nothing to assess with
	}
	var engs []string
	if err := t.Select((*consultation.Engagement)(nil)).Column("e.id").OrderExpr("e.id").Scan(ctx, &engs); err != nil {
		return err
	}
	y := reports.YearOf(ten, reports.CalendarState, l.now)
	from := y.First()
	today := time.Date(l.today.Year(), l.today.Month(), l.today.Day(), 0, 0, 0, 0, time.UTC)
	days := max(1, int(today.Sub(from).Hours()/24)/2) // the pre-assessments in the year's first half so far
	var asm []*consultation.Assessment
	var scores []*consultation.Score
	for i := 0; i < len(engs); i += 2 {
		ins := firsts[(i/2)%2]
		pre := from.AddDate(0, 0, (i/2)%days)
		post := pre.AddDate(0, 0, 60+(i/2)%30)
		score := int64(4000 + ((i/2)%30)*100)
		phases := []phaseAt{{consultation.PhasePre, pre, score}}
		if !post.After(today) {
			phases = append(phases, phaseAt{consultation.PhasePost, post, score + int64((i/2)%5-1)*500})
		}
		for _, ph := range phases {
			a := &consultation.Assessment{ID: database.NewID(), EngagementID: engs[i], InstrumentID: ins.Instrument, Phase: ph.phase,
				AdministeredOn: ph.on.Format(time.DateOnly), AdministeredBy: loadNCPCAssessor, CreatedAt: l.now, UpdatedAt: l.now}
			asm = append(asm, a)
			scores = append(scores, &consultation.Score{AssessmentID: a.ID, SubscaleID: ins.Subscale, ScoreHundredths: ph.score})
		}
	}
	if len(asm) == 0 {
		return nil
	}
	err = database.InTx(ctx, l.db, func(ctx context.Context) error {
		if err := insertScoped(ctx, l.db, asm); err != nil {
			return err
		}
		return insertScoped(ctx, l.db, scores)
	})
	if err == nil {
		l.added += len(asm) + len(scores)
	}
	return err
}
