package reports

import (
	"context"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/credentials"
	"github.com/holdspace/holdspace/app/database"
)

// The dashboards' queries. Every one starts from database.For (the tenant, and row-level
// security on PostgreSQL) and narrows by consultation.Visible: a funder counts only the
// programs it funds, a program itself, a consultant their own work, a supervisor their
// supervisees'.

// FacilityKinds are the program kinds that count as child care facilities (the NCPC's
// "child care facilities receiving TA"): child care centers, family child care homes and
// Head Start.
var FacilityKinds = []string{"child_care_center", "family_child_care_home", "head_start"}

// monthRow is a month's sessions and minutes.
type monthRow struct {
	Month    string `bun:"month"`
	Sessions int    `bun:"sessions"`
	Minutes  int    `bun:"minutes"`
}

// rollup is the monthly rollup table the person's dashboard reads: per program for those who
// see whole programs (tenant admin, funder, program), per program and consultant for those who
// see some consultants' work (consultant, supervisor).
func (b *builder) rollup() string {
	if b.sc.Role == authz.Consultant || b.sc.Role == authz.Supervisor {
		return "session_months"
	}
	return "program_months"
}

// monthly reads the rollups of the months from..to (YYYY-MM) the person may see, by month.
func (b *builder) monthly(from, to string) (map[string]monthRow, error) {
	t, err := database.For(b.ctx, b.d.DB)
	if err != nil {
		return nil, err
	}
	var rows []monthRow
	q := t.SelectFrom(b.rollup(), "sm").
		ColumnExpr("sm.month, SUM(sm.sessions) AS sessions, SUM(sm.minutes) AS minutes").
		Where("sm.month BETWEEN ? AND ?", from, to).GroupExpr("sm.month")
	if err := consultation.Visible(q, b.sc, "sm").Scan(b.ctx, &rows); err != nil {
		return nil, err
	}
	out := make(map[string]monthRow, len(rows))
	for _, r := range rows {
		out[r.Month] = r
	}
	return out, nil
}

// stages counts the engagements open at some time in the year by their stage now.
func (b *builder) stages() (map[string]int, error) {
	t, err := database.For(b.ctx, b.d.DB)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Stage string `bun:"stage"`
		N     int    `bun:"n"`
	}
	q := t.SelectFrom("engagements", "e").ColumnExpr("e.stage, COUNT(*) AS n").
		Where("e.opened_on <= ?", b.y.To()).Where("(e.closed_on = '' OR e.closed_on >= ?)", b.y.From()).
		GroupExpr("e.stage")
	if err := consultation.Visible(q, b.sc, "e").Scan(b.ctx, &rows); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Stage] = r.N
	}
	return out, nil
}

// facilities counts the child care facilities (FacilityKinds) with a session in the year and
// in the year before, in one statement.
func (b *builder) facilities() (now, before int, err error) {
	t, err := database.For(b.ctx, b.d.DB)
	if err != nil {
		return 0, 0, err
	}
	m, p := b.y.Months(), b.y.Prev().Months()
	q := t.SelectFrom(b.rollup(), "sm").
		ColumnExpr("COUNT(DISTINCT CASE WHEN sm.month >= ? THEN sm.program_id END)", m[0].Key).
		ColumnExpr("COUNT(DISTINCT CASE WHEN sm.month < ? THEN sm.program_id END)", m[0].Key).
		Join("JOIN organisations AS o ON o.tenant_id = sm.tenant_id AND o.id = sm.program_id").
		Where("o.program_kind IN (?)", bun.In(FacilityKinds)).
		Where("sm.month BETWEEN ? AND ?", p[0].Key, m[11].Key).Where("sm.sessions > 0")
	err = consultation.Visible(q, b.sc, "sm").Scan(b.ctx, &now, &before)
	return now, before, err
}

// prePostRow is one instrument's mean change.
type prePostRow struct {
	Short, Subscale, Direction string
	Mean                       float64 // points (the scores' hundredths / 100)
	N                          int
}

// prePost is the mean change (post minus pre) of each instrument's first subscale over the
// engagements with a pre- and a post-assessment administered in the year: per engagement the
// first pre and the last post.
func (b *builder) prePost() ([]prePostRow, error) {
	t, err := database.For(b.ctx, b.d.DB)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		InstrumentID string `bun:"instrument_id"`
		Short        string `bun:"short_name"`
		Name         string `bun:"name"`
		Subscale     string `bun:"subscale"`
		Higher       bool   `bun:"higher_is_better"`
		EngagementID string `bun:"engagement_id"`
		Phase        string `bun:"phase"`
		On           string `bun:"administered_on"`
		Score        int64  `bun:"score_hundredths"`
	}
	q := t.SelectFrom("assessments", "asm").
		ColumnExpr("asm.instrument_id, ins.short_name, ins.name, sub.name AS subscale, sub.higher_is_better, asm.engagement_id, asm.phase, asm.administered_on, sc.score_hundredths").
		Join("JOIN engagements AS e ON e.tenant_id = asm.tenant_id AND e.id = asm.engagement_id").
		Join("JOIN instruments AS ins ON ins.tenant_id = asm.tenant_id AND ins.id = asm.instrument_id").
		Join(`JOIN instrument_subscales AS sub ON sub.tenant_id = asm.tenant_id AND sub.instrument_id = asm.instrument_id
			AND sub.position = (SELECT MIN(s2.position) FROM instrument_subscales AS s2 WHERE s2.tenant_id = asm.tenant_id AND s2.instrument_id = asm.instrument_id)`).
		Join("JOIN assessment_scores AS sc ON sc.tenant_id = asm.tenant_id AND sc.assessment_id = asm.id AND sc.subscale_id = sub.id").
		Where("asm.administered_on BETWEEN ? AND ?", b.y.From(), b.y.To()).
		OrderExpr("asm.administered_on, asm.created_at")
	if err := consultation.Visible(q, b.sc, "e").Scan(b.ctx, &rows); err != nil {
		return nil, err
	}
	type pair struct {
		pre, post       int64
		hasPre, hasPost bool
	}
	type inst struct {
		row   prePostRow
		pairs map[string]*pair
	}
	by := map[string]*inst{}
	var order []string
	for _, r := range rows {
		in := by[r.InstrumentID]
		if in == nil {
			short := r.Short
			if short == "" {
				short = r.Name
			}
			dir := "higher is better"
			if !r.Higher {
				dir = "lower is better"
			}
			in = &inst{row: prePostRow{Short: short, Subscale: r.Subscale, Direction: dir}, pairs: map[string]*pair{}}
			by[r.InstrumentID] = in
			order = append(order, r.InstrumentID)
		}
		p := in.pairs[r.EngagementID]
		if p == nil {
			p = &pair{}
			in.pairs[r.EngagementID] = p
		}
		switch r.Phase {
		case consultation.PhasePre:
			if !p.hasPre { // the first pre
				p.pre, p.hasPre = r.Score, true
			}
		case consultation.PhasePost:
			p.post, p.hasPost = r.Score, true // the last post
		}
	}
	var out []prePostRow
	for _, id := range order {
		in := by[id]
		var sum int64
		for _, p := range in.pairs {
			if p.hasPre && p.hasPost {
				sum += p.post - p.pre
				in.row.N++
			}
		}
		if in.row.N > 0 {
			in.row.Mean = float64(sum) / float64(in.row.N) / 100
			out = append(out, in.row)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Short < out[j].Short })
	return out, nil
}

// staffing counts the consultants meeting every required credential today and those lacking
// one or more, by app/credentials' staffing rule. A funder's count holds the consultants with
// an engagement with a program it funds: the staffing page is the tenant admins', so the rule
// runs in the tenant admin's role and the rows are narrowed to those consultants.
func (b *builder) staffing() (meet, lacking int, err error) {
	var only map[string]bool
	if b.sc.Role == authz.Funder {
		if only, err = b.fundedProfiles(); err != nil {
			return 0, 0, err
		}
	}
	rows, err := b.d.staffingRows(b.ctx, b.sc, b.now)
	if err != nil {
		return 0, 0, err
	}
	for id, short := range rows {
		if only != nil && !only[id] {
			continue
		}
		if short {
			lacking++
		} else {
			meet++
		}
	}
	return meet, lacking, nil
}

// staffingRows is every consultant profile of the tenant of sc, with whether it lacks a
// required credential on now's day, by app/credentials' staffing rule in the tenant admin's
// role (the staffing page is theirs). It reads every consultant's credentials and
// requirements (six statements, 15 to 30 ms in the volume tenant): the portfolio dashboards
// that show it are kept a minute (PortfolioMaxAge).
func (d *Dashboards) staffingRows(ctx context.Context, sc database.Scope, now time.Time) (map[string]bool, error) {
	admin := sc
	admin.Role = authz.TenantAdmin
	// Every consultant on one "page": the staffing table is paged (StaffingPageSize), and a
	// page's rows alone would count the first fifty.
	o, err := d.Credentials.Staffing(database.WithScope(ctx, admin), credentials.Filter{Limit: 1 << 30}, now)
	if err != nil {
		return nil, err
	}
	lacking := make(map[string]bool, len(o.Rows))
	for _, r := range o.Rows {
		lacking[r.Profile.ID] = r.Lacking > 0
	}
	return lacking, nil
}

// fundedProfiles are the consultant profiles with an engagement the person (a funder) sees.
func (b *builder) fundedProfiles() (map[string]bool, error) {
	if err := b.funded(); err != nil {
		return nil, err
	}
	return b.fundedProfileIDs, nil
}

// funded reads, once per dashboard, the consultants with an engagement the person (a funder)
// sees: their profiles (staffing) and their users (supervision), in one statement.
func (b *builder) funded() error {
	if b.fundedProfileIDs != nil {
		return nil
	}
	t, err := database.For(b.ctx, b.d.DB)
	if err != nil {
		return err
	}
	var rows []struct {
		ProfileID string `bun:"profile_id"`
		UserID    string `bun:"user_id"`
	}
	// Each profile once, by EXISTS: a DISTINCT over the engagements sorted their 2,000 rows by
	// text in the volume tenant (20 ms against 3).
	has := consultation.Visible(t.SelectFrom("engagements", "e").ColumnExpr("1").
		Where("e.profile_id = cp.id"), b.sc, "e")
	q := t.SelectFrom("consultant_profiles", "cp").ColumnExpr("cp.id AS profile_id, cp.user_id").Where("EXISTS (?)", has)
	if err := q.Scan(b.ctx, &rows); err != nil {
		return err
	}
	b.fundedProfileIDs = make(map[string]bool, len(rows))
	b.fundedUserIDs = make(map[string]bool, len(rows))
	for _, r := range rows {
		b.fundedProfileIDs[r.ProfileID] = true
		b.fundedUserIDs[r.UserID] = true
	}
	return nil
}

// supervised is one consultant's supervision in the year.
type supervised struct {
	UserID, Name string
	Minutes      int
}

// supervisionHours lists the supervised consultants the person sees (a supervisor their own,
// a funder those with an engagement with a program it funds, a tenant admin all) with their
// minutes of reflective supervision in the year, and the target to date in minutes: the
// tenant's monthly target times the months of the year gone by (all twelve for a past year).
func (b *builder) supervisionHours() ([]supervised, int, error) {
	monthly, err := b.d.Supervision.Target(b.ctx)
	if err != nil {
		return nil, 0, err
	}
	b.monthTarget = monthly
	supervisor := ""
	if b.sc.Role == authz.Supervisor {
		supervisor = b.sc.UserID
	}
	as, err := b.d.Supervision.Store().Assignments(b.ctx, supervisor)
	if err != nil {
		return nil, 0, err
	}
	var only map[string]bool
	if b.sc.Role == authz.Funder {
		if only, err = b.fundedUsers(); err != nil {
			return nil, 0, err
		}
	}
	seen := map[string]bool{}
	var list []supervised
	var ids []string
	for _, a := range as {
		if seen[a.ConsultantID] || (only != nil && !only[a.ConsultantID]) {
			continue
		}
		seen[a.ConsultantID] = true
		list = append(list, supervised{UserID: a.ConsultantID, Name: a.ConsultantName})
		ids = append(ids, a.ConsultantID)
	}
	sessions, err := b.d.Supervision.Store().Sessions(b.ctx, ids, b.y.From())
	if err != nil {
		return nil, 0, err
	}
	mins := map[string]int{}
	for _, s := range sessions {
		if s.HeldOn <= b.y.To() {
			mins[s.ConsultantID] += s.Minutes
		}
	}
	for i := range list {
		list[i].Minutes = mins[list[i].UserID]
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list, monthly * b.monthsGone(), nil
}

// monthsGone is how many of the year's months have begun by today (0 to 12).
func (b *builder) monthsGone() int {
	this := b.t.Local(b.now).Format("2006-01")
	n := 0
	for _, m := range b.y.Months() {
		if m.Key <= this {
			n++
		}
	}
	return n
}

// fundedUsers are the users of the consultant profiles with an engagement the funder sees.
func (b *builder) fundedUsers() (map[string]bool, error) {
	if err := b.funded(); err != nil {
		return nil, err
	}
	return b.fundedUserIDs, nil
}

// flagged lists the open engagements with a flag up that the person sees (the caseload's
// pages, by consultation's flag rule), and "+" when there are more than maxFlagged.
func (b *builder) flagged() ([]consultation.EngagementRow, string, error) {
	const maxPages = 8
	var out []consultation.EngagementRow
	f := consultation.CaseloadFilter{Flagged: true, Open: true}
	for page := 1; page <= maxPages; page++ {
		f.Page = page
		p, err := b.d.Engagements.List(b.ctx, f)
		if err != nil {
			return nil, "", err
		}
		out = append(out, p.Rows...)
		if !p.HasMore {
			return out, "", nil
		}
	}
	return out, "+", nil
}

// goals counts the goals of the plans of the program's engagements that run in the year, by
// status.
func (b *builder) goals() (map[string]int, error) {
	t, err := database.For(b.ctx, b.d.DB)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Status string `bun:"status"`
		N      int    `bun:"n"`
	}
	q := t.SelectFrom("qi_goals", "qg").ColumnExpr("qg.status, COUNT(*) AS n").
		Join("JOIN qi_plans AS qp ON qp.tenant_id = qg.tenant_id AND qp.id = qg.plan_id").
		Join("JOIN engagements AS e ON e.tenant_id = qp.tenant_id AND e.id = qp.engagement_id").
		Where("(qp.starts_on = '' OR qp.starts_on <= ?)", b.y.To()).
		Where("(qp.ends_on = '' OR qp.ends_on >= ?)", b.y.From()).
		GroupExpr("qg.status")
	if err := consultation.Visible(q, b.sc, "e").Scan(b.ctx, &rows); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
