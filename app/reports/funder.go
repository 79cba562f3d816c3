package reports

import (
	"context"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/recent"
	"github.com/holdspace/holdspace/app/tenants"
)

// A funder's report (issue 12, section 3): for one funder, on either fiscal calendar, per
// quarter and for the year, what consultation its programs received — programs served,
// sessions, hours, staff reached, engagements by TA stage — and the pre/post outcomes of the
// year. Only the funder's programs are counted, whoever reads it: the programs with a funding
// from it of the fiscal year shown. A funder's own people open only their own funder's report.

// FunderReportKind is the kind of run that writes a funder's report as a file.
const (
	FunderReportKind  = "funder_report"
	FunderReportLabel = "Funder report"
)

// FunderReports builds funders' reports, on screen and as files (runs of FunderReportKind).
type FunderReports struct {
	d     Deps
	cache recent.Cache[*FunderReport] // the reports on screen, a minute at most (funder_cache.go)
}

// NewFunderReports returns the funder reports and registers their kind of run on d.Runs.
func NewFunderReports(d Deps) *FunderReports {
	f := &FunderReports{d: d}
	if d.Runs != nil {
		d.Runs.Register(f.kind())
	}
	return f
}

// The words that say how each figure is counted, on the page and in the files.
const (
	howPrograms = "Programs this funder funds in the fiscal year (a funding of that year) with at least one session in the period."
	howSessions = "Sessions held in the period with those programs."
	howHours    = "The sessions’ minutes added up and divided by 60, to one decimal."
	howStaff    = "Participants of those sessions other than family members, added up session by session: it counts attendances, not named people (a teacher at three sessions counts three times)."
	howStages   = "Engagements with those programs that had at least one session in the period, by the TA stage of the stage they are in now (not the one they were in then)."
	howOutcomes = "Per instrument, the engagements with those programs that have a pre-assessment and a post-assessment both given in the fiscal year (the first pre against the latest post). Improved: the first subscale moved the way that is better for it. Mean change: post minus pre, averaged over the engagements with both scores."
)

// FunderColumn is one period of the report: a quarter, or the whole year (the last column).
type FunderColumn struct {
	Label    string // "Q1 (October–December 2024)", or the year's label
	DueOn    string // "February 15, 2025" on the federal calendar; "" otherwise and for the year
	From, To string
	Programs int
	Sessions int
	Minutes  int
	Staff    int
	ByStage  []int // engagements per TAStages entry

	programs    map[string]struct{}
	engagements map[string]struct{}
}

// Hours is the minutes in hours, to one decimal.
func (c FunderColumn) Hours() string { return strconv.FormatFloat(float64(c.Minutes)/60, 'f', 1, 64) }

// SubscaleMean is the mean change of one subscale of an instrument.
type SubscaleMean struct {
	Name           string
	HigherIsBetter bool
	Compared       int    // engagements with both scores
	Mean           string // "+0.45", "-1", "0"; "" when none was compared
}

// BetterWhen says which way is better, in words.
func (s SubscaleMean) BetterWhen() string {
	if s.HigherIsBetter {
		return "higher"
	}
	return "lower"
}

// InstrumentOutcome is the pre/post outcomes of one instrument in the year.
type InstrumentOutcome struct {
	Name, Short   string
	Engagements   int // with a pre and a post in the year
	Improved      int // of them, improved on the first subscale
	FirstSubscale string
	Subscales     []SubscaleMean
}

// FunderReport is a funder's report for one fiscal year.
type FunderReport struct {
	Funder      tenants.Organisation
	Year        Year
	OwnCalendar string // the calendar the funder budgets by (state or federal)
	Funded      int    // programs with a funding from the funder of the year
	Columns     []FunderColumn
	TAStages    []string
	Outcomes    []InstrumentOutcome
}

// Name is the funder's short name, or its name.
func (r *FunderReport) Name() string {
	if r.Funder.ShortName != "" {
		return r.Funder.ShortName
	}
	return r.Funder.Name
}

// FigureRow is one line of the report's table: a figure, its value per column, and how it is
// counted.
type FigureRow struct {
	Name   string
	Values []string
	How    string
}

// Figures are the report's main lines.
func (r *FunderReport) Figures() []FigureRow {
	row := func(name, how string, v func(c FunderColumn) string) FigureRow {
		out := FigureRow{Name: name, How: how}
		for _, c := range r.Columns {
			out.Values = append(out.Values, v(c))
		}
		return out
	}
	return []FigureRow{
		row("Programs served", howPrograms, func(c FunderColumn) string { return strconv.Itoa(c.Programs) }),
		row("Sessions", howSessions, func(c FunderColumn) string { return strconv.Itoa(c.Sessions) }),
		row("Hours", howHours, func(c FunderColumn) string { return c.Hours() }),
		row("Staff reached (attendances)", howStaff, func(c FunderColumn) string { return strconv.Itoa(c.Staff) }),
	}
}

// StageRows are the engagements by TA stage, one line per stage.
func (r *FunderReport) StageRows() []FigureRow {
	out := make([]FigureRow, len(r.TAStages))
	for i, s := range r.TAStages {
		out[i] = FigureRow{Name: s}
		for _, c := range r.Columns {
			out[i].Values = append(out[i].Values, strconv.Itoa(c.ByStage[i]))
		}
	}
	return out
}

// HowStages and HowOutcomes say how the stage and outcome sections are counted.
func (r *FunderReport) HowStages() string { return howStages }

// HowOutcomes says how the outcomes are counted.
func (r *FunderReport) HowOutcomes() string { return howOutcomes }

// TAStages are the NC framework's TA stages in order (consultation.Stages' TAStage).
func TAStages() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range consultation.Stages {
		if !seen[s.TAStage] {
			seen[s.TAStage] = true
			out = append(out, s.TAStage)
		}
	}
	return out
}

// FundersFor lists the funders the person in ctx may see a report of: every funder of the
// tenant for a tenant admin, their own for a funder's people, none for anyone else.
func (f *FunderReports) FundersFor(ctx context.Context) ([]tenants.Organisation, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	switch sc.Role {
	case authz.TenantAdmin:
		return f.d.Tenants.OrganisationsOfKind(ctx, tenants.OrgFunder)
	case authz.Funder:
		o, err := f.Funder(ctx, sc.OrganisationID)
		if err != nil {
			return nil, err
		}
		return []tenants.Organisation{*o}, nil
	}
	return nil, nil
}

// Funder returns funder id if the person in ctx may see its report: a tenant admin any funder
// of the tenant, a funder's people only their own. Errors: ENOTFOUND otherwise.
func (f *FunderReports) Funder(ctx context.Context, id string) (*tenants.Organisation, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("funder")
	}
	switch {
	case sc.Role == authz.TenantAdmin:
	case sc.Role == authz.Funder && sc.OrganisationID == id:
	default:
		return nil, apperr.NotFound("funder")
	}
	o, err := f.d.Tenants.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.Kind != tenants.OrgFunder {
		return nil, apperr.NotFound("funder")
	}
	return o, nil
}

// OwnCalendar is the calendar funder o budgets by, as a report calendar: federal for the
// federal funders (MIECHV), the state fiscal year for every other (a funder on the calendar
// year is shown on the state one).
func OwnCalendar(t *tenants.Tenant, o *tenants.Organisation) string {
	if k, _ := programs.Known(t, o); k.Calendar == programs.CalendarFederal {
		return CalendarFederal
	}
	return CalendarState
}

// fundedPrograms is the subquery of the programs funder funds with a funding of fiscal year fy.
func fundedPrograms(t database.Tenant, funderID string, fy int) *bun.SelectQuery {
	return t.SelectFrom("fundings", "f").Column("f.program_id").Where("f.funder_id = ? AND f.fiscal_year = ?", funderID, fy)
}

// Report computes funder id's report for year y. Errors: ENOTFOUND for a funder the person in
// ctx may not see.
func (f *FunderReports) Report(ctx context.Context, id string, y Year) (*FunderReport, error) {
	o, err := f.Funder(ctx, id)
	if err != nil {
		return nil, err
	}
	return f.report(ctx, o, y)
}

// report computes funder o's report for year y, for whoever asks (a run's build has no person:
// who asked was checked when the run was started).
func (f *FunderReports) report(ctx context.Context, o *tenants.Organisation, y Year) (*FunderReport, error) {
	ten, err := f.d.tenant(ctx)
	if err != nil {
		return nil, err
	}
	t, err := database.For(ctx, f.d.DB)
	if err != nil {
		return nil, err
	}
	r := &FunderReport{Funder: *o, Year: y, OwnCalendar: OwnCalendar(ten, o), TAStages: TAStages()}
	if err := t.SelectFrom("fundings", "f").ColumnExpr("COUNT(DISTINCT f.program_id)").
		Where("f.funder_id = ? AND f.fiscal_year = ?", o.ID, y.FY).Scan(ctx, &r.Funded); err != nil {
		return nil, err
	}
	for _, q := range y.Quarters() {
		c := FunderColumn{Label: q.Label, From: q.From, To: q.To}
		if q.DueOn != "" {
			d, _ := time.Parse(time.DateOnly, q.DueOn)
			c.DueOn = d.Format("January 2, 2006")
		}
		r.Columns = append(r.Columns, c)
	}
	r.Columns = append(r.Columns, FunderColumn{Label: y.Label(), From: y.From(), To: y.To()})
	for i := range r.Columns {
		r.Columns[i].ByStage = make([]int, len(r.TAStages))
		r.Columns[i].programs = map[string]struct{}{}
		r.Columns[i].engagements = map[string]struct{}{}
	}
	if err := f.countSessions(ctx, t, r); err != nil {
		return nil, err
	}
	if err := f.countStages(ctx, t, r); err != nil {
		return nil, err
	}
	if r.Outcomes, err = f.outcomes(ctx, t, o.ID, y); err != nil {
		return nil, err
	}
	return r, nil
}

// countSessions adds up the year's sessions of the funder's programs per quarter and for the
// year. The database groups them by quarter, program, engagement and participants (a few
// rows per engagement and quarter, not one per session), with their count and minutes; the
// participants are read here, the same way on both databases.
func (f *FunderReports) countSessions(ctx context.Context, t database.Tenant, r *FunderReport) error {
	y := r.Year
	qs := y.Quarters()
	rows, err := t.SelectFrom("consultation_sessions", "s").
		ColumnExpr("CASE WHEN s.held_on <= ? THEN 0 WHEN s.held_on <= ? THEN 1 WHEN s.held_on <= ? THEN 2 ELSE 3 END AS quarter", qs[0].To, qs[1].To, qs[2].To).
		ColumnExpr("s.program_id, s.engagement_id, s.participants, COUNT(*) AS sessions, CAST(SUM(s.minutes) AS BIGINT) AS minutes").
		Where("s.held_on BETWEEN ? AND ?", y.From(), y.To()).
		Where("s.program_id IN (?)", fundedPrograms(t, r.Funder.ID, y.FY)).
		GroupExpr("1, 2, 3, 4").Rows(ctx)
	if err != nil {
		return err
	}
	defer rows.Close()
	counts := make([]int, len(participantRoles))
	family := roleIndex("family_members")
	year := len(r.Columns) - 1
	var participants, program, engagement string
	var quarter, sessions, minutes int
	for rows.Next() {
		if err := rows.Scan(&quarter, &program, &engagement, &participants, &sessions, &minutes); err != nil {
			return err
		}
		staff := 0
		if err := parseCounts(participants, counts); err != nil {
			return err
		}
		for i, n := range counts {
			if i != family {
				staff += n
			}
		}
		for _, i := range []int{quarter, year} {
			c := &r.Columns[i]
			c.Sessions += sessions
			c.Minutes += minutes
			c.Staff += staff * sessions
			c.programs[program] = struct{}{}
			c.engagements[engagement] = struct{}{}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range r.Columns {
		r.Columns[i].Programs = len(r.Columns[i].programs)
	}
	return nil
}

// countStages sorts each period's engagements by the TA stage they are in now.
func (f *FunderReports) countStages(ctx context.Context, t database.Tenant, r *FunderReport) error {
	var list []struct {
		ID    string `bun:"id"`
		Stage string `bun:"stage"`
	}
	err := t.SelectFrom("engagements", "e").Column("e.id", "e.stage").
		Where("e.program_id IN (?)", fundedPrograms(t, r.Funder.ID, r.Year.FY)).Scan(ctx, &list)
	if err != nil {
		return err
	}
	index := map[string]int{}
	for i, s := range r.TAStages {
		index[s] = i
	}
	for _, e := range list {
		i, ok := index[consultation.StageOf(e.Stage).TAStage]
		if !ok {
			continue
		}
		for c := range r.Columns {
			if _, had := r.Columns[c].engagements[e.ID]; had {
				r.Columns[c].ByStage[i]++
			}
		}
	}
	return nil
}

// outcomes compares, per instrument and engagement, the first pre-assessment of the year with
// its latest post-assessment.
func (f *FunderReports) outcomes(ctx context.Context, t database.Tenant, funderID string, y Year) ([]InstrumentOutcome, error) {
	var given []consultation.Assessment
	err := t.Select(&given).Column("asm.id", "asm.engagement_id", "asm.instrument_id", "asm.phase", "asm.administered_on").
		Join("JOIN engagements AS e ON e.tenant_id = asm.tenant_id AND e.id = asm.engagement_id").
		Where("asm.administered_on BETWEEN ? AND ?", y.From(), y.To()).
		Where("e.program_id IN (?)", fundedPrograms(t, funderID, y.FY)).
		OrderExpr("asm.administered_on, asm.created_at, asm.id").Scan(ctx)
	if err != nil || len(given) == 0 {
		return nil, err
	}
	type pair struct{ pre, post *consultation.Assessment }
	pairs := map[[2]string]*pair{}
	var order [][2]string
	for i := range given {
		a := &given[i]
		k := [2]string{a.InstrumentID, a.EngagementID}
		p := pairs[k]
		if p == nil {
			p = &pair{}
			pairs[k] = p
			order = append(order, k)
		}
		switch a.Phase {
		case consultation.PhasePre:
			if p.pre == nil {
				p.pre = a
			}
		case consultation.PhasePost:
			p.post = a // the latest, in date order
		}
	}
	byID := map[string]*consultation.Assessment{}
	instrumentIDs := map[string]bool{}
	var ids []string
	for _, k := range order {
		if p := pairs[k]; p.pre != nil && p.post != nil {
			for _, a := range []*consultation.Assessment{p.pre, p.post} {
				a.Scores = map[string]int64{}
				byID[a.ID] = a
				ids = append(ids, a.ID)
			}
			instrumentIDs[k[0]] = true
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var scores []consultation.Score
	for start := 0; start < len(ids); start += 500 {
		var part []consultation.Score
		if err := t.Select(&part).Where("sc.assessment_id IN (?)", bun.In(ids[start:min(start+500, len(ids))])).Scan(ctx); err != nil {
			return nil, err
		}
		scores = append(scores, part...)
	}
	for _, s := range scores {
		byID[s.AssessmentID].Scores[s.SubscaleID] = s.ScoreHundredths
	}
	var instruments []consultation.Instrument
	if err := t.Select(&instruments).Where("ins.id IN (?)", bun.In(keys(instrumentIDs))).Scan(ctx); err != nil {
		return nil, err
	}
	var subs []consultation.Subscale
	if err := t.Select(&subs).Where("sub.instrument_id IN (?)", bun.In(keys(instrumentIDs))).OrderExpr("sub.position, sub.id").Scan(ctx); err != nil {
		return nil, err
	}
	var out []InstrumentOutcome
	for _, ins := range instruments {
		var own []consultation.Subscale
		for _, s := range subs {
			if s.InstrumentID == ins.ID {
				own = append(own, s)
			}
		}
		o := InstrumentOutcome{Name: ins.Name, Short: ins.ShortName}
		sums := make([]int64, len(own))
		counted := make([]int, len(own))
		for _, k := range order {
			p := pairs[k]
			if k[0] != ins.ID || p.pre == nil || p.post == nil {
				continue
			}
			o.Engagements++
			for i, ch := range consultation.CompareScores(own, p.pre, p.post) {
				if ch.Direction == "" {
					continue
				}
				sums[i] += ch.Change
				counted[i]++
				if i == 0 && ch.Direction == consultation.ChangeBetter {
					o.Improved++
				}
			}
		}
		for i, s := range own {
			m := SubscaleMean{Name: s.Name, HigherIsBetter: s.HigherIsBetter, Compared: counted[i]}
			if counted[i] > 0 {
				mean := int64(math.Round(float64(sums[i]) / float64(counted[i])))
				m.Mean = consultation.ScoreText(mean)
				if mean > 0 {
					m.Mean = "+" + m.Mean
				}
			}
			o.Subscales = append(o.Subscales, m)
		}
		if len(own) > 0 {
			o.FirstSubscale = own[0].Name
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Short+out[i].Name < out[j].Short+out[j].Name })
	return out, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// errFormat is the refusal of a file format other than CSV and XLSX.
var errFormat = apperr.Invalid(map[string]string{"format": "Choose CSV or Excel (XLSX)."})

// FileFormat checks a requested file format: "csv" or "xlsx".
func FileFormat(v string) (string, error) {
	switch v {
	case "csv", "xlsx":
		return v, nil
	}
	return "", errFormat
}
