package consultation

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// Ohio's expectations of an ECMH consultant working with Early Intervention teams (seeds/002):
// at least two EI team meetings a month with each local team, and at least one training a
// year, over the state fiscal year.
const (
	EIProgramKind      = tenants.ProgramKindEarlyIntervention
	EIMeetingsPerMonth = 2
	EITrainingsPerYear = 1
	// EIRuleState is the state whose rule this is, and EIRuleSource the document that says it:
	// the page cites it as the source, and words it as the tenant's own only in that state.
	EIRuleState  = "OH"
	EIRuleSource = "Ohio Department of Children and Youth, Help Me Grow Early Intervention: “Clarifying the Roles of the Infant Mental Health (IMH) Provider and the Early Childhood Mental Health (ECMH) Consultant”, ECMH consultant service expectations 1 and 8"
)

// Month states on the EI expectations page.
const (
	EIMonthMet      = "met"
	EIMonthGap      = "gap"
	EIMonthSoFar    = "so_far" // the current month, still going
	EIMonthFuture   = "future"
	EIMonthNotYet   = "not_assigned" // before the consultant's assignment to the team began
	EITrainingDue   = "due"          // none yet, the year is not over
	EITrainingGap   = "gap"          // none, and the year is over
	EITrainingMet   = "met"
	eiMonthKeyWidth = 7 // YYYY-MM
)

// EIMonth is one month of a consultant's meetings with one team.
type EIMonth struct {
	Month    string // YYYY-MM
	Meetings int
	State    string
}

// EIRow is one consultant with one EI team over the fiscal year.
type EIRow struct {
	ProfileID, ConsultantName, ProgramID, ProgramName string
	Months                                            []EIMonth
	Trainings                                         int
	TrainingState                                     string
	Gaps                                              int // months below the expectation
}

// EIReport is the EI expectations page's data.
type EIReport struct {
	FY, StartMonth int
	FYLabel        string
	// The tenant, so the page speaks in its words, and how many Early Intervention teams it
	// has among its programs (none: the page says so instead of a table).
	TenantName, State, StateName string
	EITeams                      int64
	Months                       []string // YYYY-MM of each month of the fiscal year
	Rows                         []EIRow
	Today                        string
}

// MonthLabel names a YYYY-MM month ("Jul 2025").
func MonthLabel(key string) string {
	t, err := time.Parse("2006-01", key)
	if err != nil {
		return key
	}
	return t.Format("Jan 2006")
}

// FYMonths are the months (YYYY-MM) of fiscal year fy starting in startMonth, in order.
func FYMonths(fy, startMonth int) []string {
	if startMonth < 1 || startMonth > 12 {
		startMonth = 1
	}
	year := fy
	if startMonth > 1 {
		year = fy - 1
	}
	first := time.Date(year, time.Month(startMonth), 1, 0, 0, 0, 0, time.UTC)
	out := make([]string, 12)
	for i := range out {
		out[i] = first.AddDate(0, i, 0).Format("2006-01")
	}
	return out
}

// EIExpectations reports, for fiscal year fy (0: the current one), each consultant's EI team
// meetings month by month and trainings over the year with each EI team, as the person in ctx
// may see them (Visible: a consultant their own, a supervisor their supervisees', a tenant
// admin all). The pairs are the active assignments to EI teams and any pair with sessions in
// the year.
func (s *Engagements) EIExpectations(ctx context.Context, fy int) (*EIReport, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	day, start, err := s.Today(ctx)
	if err != nil {
		return nil, err
	}
	if fy == 0 {
		fy = tenants.FiscalYear(day, start)
	}
	r := &EIReport{FY: fy, StartMonth: start, FYLabel: tenants.FiscalYearLabel(fy, start), Months: FYMonths(fy, start),
		Today: day.Format(time.DateOnly)}
	tn, err := tenants.NewStore(s.db).RequestTenant(ctx)
	if err != nil {
		return nil, err
	}
	r.TenantName, r.State, r.StateName = tn.Name, strings.ToUpper(tn.State), tenants.StateName(tn.State)
	// The EI teams by id: the sessions are read by program (an index range per team), and a
	// tenant without a team reads none.
	var teams []string
	if err := t.Select((*tenants.Organisation)(nil)).Column("o.id").Where("o.kind = ? AND o.program_kind = ?", tenants.OrgProgram, EIProgramKind).
		Scan(ctx, &teams); err != nil {
		return nil, err
	}
	r.EITeams = int64(len(teams))
	from, to := r.Months[0]+"-01", r.Months[11]+"-31"

	type pairKey struct{ profile, program string }
	rows := map[pairKey]*EIRow{}
	startedOn := map[pairKey]string{}
	get := func(k pairKey, consultant, program string) *EIRow {
		if x := rows[k]; x != nil {
			return x
		}
		x := &EIRow{ProfileID: k.profile, ProgramID: k.program, ConsultantName: consultant, ProgramName: program}
		rows[k] = x
		return x
	}

	meetings := map[pairKey]map[string]int{}
	if len(teams) > 0 { // a tenant without an EI team has nothing to read
		var assigned []struct {
			ProfileID      string `bun:"profile_id"`
			ProgramID      string `bun:"program_id"`
			StartedOn      string `bun:"started_on"`
			ConsultantName string `bun:"consultant_name"`
			ProgramName    string `bun:"program_name"`
		}
		q := activeAssignments(t).
			ColumnExpr("ca.profile_id, ca.program_id, ca.started_on, u.name AS consultant_name, o.name AS program_name").
			Where("ca.program_id IN (?)", bun.In(teams)).Where("ca.started_on <= ?", to)
		if err := Visible(q, sc, "ca").Scan(ctx, &assigned); err != nil {
			return nil, err
		}
		for _, a := range assigned {
			k := pairKey{a.ProfileID, a.ProgramID}
			get(k, a.ConsultantName, a.ProgramName)
			if cur, ok := startedOn[k]; !ok || a.StartedOn < cur {
				startedOn[k] = a.StartedOn
			}
		}

		var counts []struct {
			ProfileID      string `bun:"profile_id"`
			ProgramID      string `bun:"program_id"`
			Month          string `bun:"month"`
			Meetings       int    `bun:"meetings"`
			Trainings      int    `bun:"trainings"`
			ConsultantName string `bun:"consultant_name"`
			ProgramName    string `bun:"program_name"`
		}
		sq := t.Select((*Session)(nil)).
			ColumnExpr("s.profile_id, s.program_id, substr(s.held_on, 1, 7) AS month").
			ColumnExpr("SUM(CASE WHEN s.service = ? THEN 1 ELSE 0 END) AS meetings", ServiceEITeamMeeting).
			ColumnExpr("SUM(CASE WHEN s.service = ? THEN 1 ELSE 0 END) AS trainings", ServiceMiniTraining).
			ColumnExpr("u.name AS consultant_name, o.name AS program_name").
			Join("JOIN organisations AS o ON o.tenant_id = s.tenant_id AND o.id = s.program_id").
			Join("JOIN consultant_profiles AS cp ON cp.tenant_id = s.tenant_id AND cp.id = s.profile_id").
			Join("JOIN users AS u ON u.id = cp.user_id").
			Where("s.program_id IN (?)", bun.In(teams)).
			Where("s.held_on >= ? AND s.held_on <= ?", from, to).
			Where("s.service IN (?, ?)", ServiceEITeamMeeting, ServiceMiniTraining)
		sq = Visible(sq, sc, "s").GroupExpr("s.profile_id, s.program_id, substr(s.held_on, 1, 7), u.name, o.name")
		if err := sq.Scan(ctx, &counts); err != nil {
			return nil, err
		}
		for _, c := range counts {
			k := pairKey{c.ProfileID, c.ProgramID}
			x := get(k, c.ConsultantName, c.ProgramName)
			x.Trainings += c.Trainings
			if meetings[k] == nil {
				meetings[k] = map[string]int{}
			}
			meetings[k][c.Month] += c.Meetings
		}
	}

	thisMonth := r.Today[:eiMonthKeyWidth]
	yearOver := r.Today > to
	for k, x := range rows {
		began := ""
		if s := startedOn[k]; len(s) >= eiMonthKeyWidth {
			began = s[:eiMonthKeyWidth]
		}
		for _, m := range r.Months {
			em := EIMonth{Month: m, Meetings: meetings[k][m]}
			switch {
			case m > thisMonth:
				em.State = EIMonthFuture
			case began != "" && m < began && em.Meetings == 0:
				em.State = EIMonthNotYet
			case em.Meetings >= EIMeetingsPerMonth:
				em.State = EIMonthMet
			case m == thisMonth:
				em.State = EIMonthSoFar
			default:
				em.State = EIMonthGap
				x.Gaps++
			}
			x.Months = append(x.Months, em)
		}
		switch {
		case x.Trainings >= EITrainingsPerYear:
			x.TrainingState = EITrainingMet
		case yearOver:
			x.TrainingState = EITrainingGap
		default:
			x.TrainingState = EITrainingDue
		}
		r.Rows = append(r.Rows, *x)
	}
	sort.Slice(r.Rows, func(i, j int) bool {
		a, b := r.Rows[i], r.Rows[j]
		if a.ConsultantName != b.ConsultantName {
			return a.ConsultantName < b.ConsultantName
		}
		return a.ProgramName < b.ProgramName
	})
	return r, nil
}

// RuleIsLocal reports whether the EI expectations are the tenant's own state's rule.
func (r *EIReport) RuleIsLocal() bool { return r.State == EIRuleState }

// RuleStateName names the state whose rule the EI expectations are.
func (r *EIReport) RuleStateName() string { return tenants.StateName(EIRuleState) }

// RuleSource is the document the EI expectations come from.
func (r *EIReport) RuleSource() string { return EIRuleSource }

// StateText says a month's state plainly.
func (m EIMonth) StateText() string {
	switch m.State {
	case EIMonthMet:
		return fmt.Sprintf("%d meetings: met", m.Meetings)
	case EIMonthGap:
		return fmt.Sprintf("%d of %d meetings: gap", m.Meetings, EIMeetingsPerMonth)
	case EIMonthSoFar:
		return fmt.Sprintf("%d of %d so far", m.Meetings, EIMeetingsPerMonth)
	case EIMonthNotYet:
		return "Not yet assigned"
	}
	return ""
}

// TrainingText says the year's trainings plainly.
func (r EIRow) TrainingText() string {
	switch r.TrainingState {
	case EITrainingMet:
		if r.Trainings == 1 {
			return "1 training: met"
		}
		return fmt.Sprintf("%d trainings: met", r.Trainings)
	case EITrainingGap:
		return "No training this year: gap"
	}
	return "No training yet this year"
}

// Label names the month ("Jul 2025").
func (m EIMonth) Label() string { return MonthLabel(m.Month) }
