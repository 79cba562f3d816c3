package consultation

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// Dosage is an engagement's dose of consultation: contacts, hours, and whole months since the
// first contact (from the counters kept on the engagement with every session).
type Dosage struct {
	Contacts int
	Minutes  int
	Months   int // since the first contact; 0 without one
}

// Hours is the dosage in hours, one decimal ("4.5").
func (d Dosage) Hours() string {
	h := fmt.Sprintf("%.1f", float64(d.Minutes)/60)
	if len(h) > 2 && h[len(h)-2:] == ".0" {
		h = h[:len(h)-2]
	}
	return h
}

// MonthsBetween is the number of whole months from a to b (dates YYYY-MM-DD), 0 when either is
// not a date or b is before a.
func MonthsBetween(a, b string) int {
	x, err1 := time.Parse(time.DateOnly, a)
	y, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil || y.Before(x) {
		return 0
	}
	m := (y.Year()-x.Year())*12 + int(y.Month()) - int(x.Month())
	if y.Day() < x.Day() {
		m--
	}
	return max(m, 0)
}

// Flags are the fidelity flags of an engagement.
type Flags struct {
	// FewContacts: fewer than MinContacts contacts once past initial contact.
	FewContacts bool
	// CoachingOverdue: an open coaching engagement beyond CoachingMaxMonths.
	CoachingOverdue bool
	// PostMissing: a plan's end has passed without a post-assessment.
	PostMissing bool
	// OverdueFollowUps counts follow-ups past their due date and not done.
	OverdueFollowUps int
}

// Any reports whether any flag is up.
func (f Flags) Any() bool {
	return f.FewContacts || f.CoachingOverdue || f.PostMissing || f.OverdueFollowUps > 0
}

// Labels are the flags in plain words.
func (f Flags) Labels() []string {
	var out []string
	if f.FewContacts {
		out = append(out, fmt.Sprintf("Fewer than %d contacts", MinContacts))
	}
	if f.CoachingOverdue {
		out = append(out, fmt.Sprintf("Coaching beyond %d months", CoachingMaxMonths))
	}
	if f.PostMissing {
		out = append(out, "Post-assessment missing after the plan’s end")
	}
	if f.OverdueFollowUps == 1 {
		out = append(out, "1 follow-up overdue")
	} else if f.OverdueFollowUps > 1 {
		out = append(out, fmt.Sprintf("%d follow-ups overdue", f.OverdueFollowUps))
	}
	return out
}

// FlagFacts are what the flags need beyond the engagement row.
type FlagFacts struct {
	PlanEnded        bool // a plan's ends_on is before today
	HasPost          bool // an assessment with phase post exists
	OverdueFollowUps int
}

// ComputeFlags is THE flag rule: every list and page computes an engagement's flags with it
// (and FlaggedWhere says the same in SQL, for the "flagged" filter).
func ComputeFlags(e *Engagement, facts FlagFacts, today string) Flags {
	var f Flags
	f.FewContacts = StageIndex(e.Stage) > 0 && e.Contacts < MinContacts
	f.CoachingOverdue = e.Kind == KindCoaching && !e.Closed() && e.CoachingStartedOn != "" &&
		e.CoachingStartedOn < engAddMonths(today, -CoachingMaxMonths)
	f.PostMissing = facts.PlanEnded && !facts.HasPost
	f.OverdueFollowUps = facts.OverdueFollowUps
	return f
}

// DosageOf is the engagement's dosage at today.
func DosageOf(e *Engagement, today string) Dosage {
	d := Dosage{Contacts: e.Contacts, Minutes: e.Minutes}
	if e.FirstContactOn != "" {
		end := today
		if e.ClosedOn != "" && e.ClosedOn < end {
			end = e.ClosedOn
		}
		d.Months = MonthsBetween(e.FirstContactOn, end)
	}
	return d
}

// addMonths moves a YYYY-MM-DD date by n months (the day clamped to the month's end).
func engAddMonths(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(t.Day(), last), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// FlaggedWhere narrows an engagement query (alias e) of the tenant to the flagged engagements
// at today: the same rule as ComputeFlags, in SQL that runs on both engines. The plans and the
// follow-ups are read once each, as sets (IN, not a correlated EXISTS per engagement), so a
// list walking the engagements in order looks each one up in a hashed set.
func FlaggedWhere(q *bun.SelectQuery, tenantID, today string) *bun.SelectQuery {
	return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("(e.stage <> ? AND e.contacts < ?)", StageInitialContact, MinContacts).
			WhereOr("(e.kind = ? AND e.stage <> ? AND e.coaching_started_on <> '' AND e.coaching_started_on < ?)",
				KindCoaching, StageClosed, engAddMonths(today, -CoachingMaxMonths)).
			WhereOr(`e.id IN (SELECT fqp.engagement_id FROM qi_plans AS fqp WHERE fqp.tenant_id = ? AND fqp.ends_on < ?
				AND NOT EXISTS (SELECT 1 FROM assessments AS fa WHERE fa.tenant_id = fqp.tenant_id AND fa.engagement_id = fqp.engagement_id AND fa.phase = ?))`,
				tenantID, today, PhasePost).
			WhereOr(`e.id IN (SELECT ffu.engagement_id FROM session_followups AS ffu WHERE ffu.tenant_id = ?
				AND ffu.done_on = '' AND ffu.due_on < ?)`, tenantID, today)
	})
}

// flagFacts reads the facts of the flags for the engagements, in three queries.
func flagFacts(ctx context.Context, db *bun.DB, ids []string, today string) (map[string]FlagFacts, error) {
	out := map[string]FlagFacts{}
	if len(ids) == 0 {
		return out, nil
	}
	t, err := database.For(ctx, db)
	if err != nil {
		return nil, err
	}
	type row struct {
		EngagementID string `bun:"engagement_id"`
		N            int    `bun:"n"`
	}
	var ended, posts, overdue []row
	if err := t.SelectFrom("qi_plans", "qp").ColumnExpr("engagement_id, COUNT(*) AS n").
		Where("engagement_id IN (?) AND ends_on < ?", bun.In(ids), today).
		GroupExpr("engagement_id").Scan(ctx, &ended); err != nil {
		return nil, err
	}
	if err := t.SelectFrom("assessments", "a").ColumnExpr("engagement_id, COUNT(*) AS n").
		Where("engagement_id IN (?) AND phase = ?", bun.In(ids), PhasePost).
		GroupExpr("engagement_id").Scan(ctx, &posts); err != nil {
		return nil, err
	}
	if err := t.SelectFrom("session_followups", "sf").ColumnExpr("engagement_id, COUNT(*) AS n").
		Where("engagement_id IN (?) AND done_on = '' AND due_on < ?", bun.In(ids), today).
		GroupExpr("engagement_id").Scan(ctx, &overdue); err != nil {
		return nil, err
	}
	for _, r := range ended {
		f := out[r.EngagementID]
		f.PlanEnded = true
		out[r.EngagementID] = f
	}
	for _, r := range posts {
		f := out[r.EngagementID]
		f.HasPost = true
		out[r.EngagementID] = f
	}
	for _, r := range overdue {
		f := out[r.EngagementID]
		f.OverdueFollowUps = r.N
		out[r.EngagementID] = f
	}
	return out, nil
}

// EngagementRow is an engagement in a list, with its dosage and flags.
type EngagementRow struct {
	Engagement
	Dosage Dosage
	Flags  Flags
}

// withFlags computes the dosage and flags of each engagement of a list (the one place lists
// get them).
func withFlags(ctx context.Context, db *bun.DB, list []Engagement, today string) ([]EngagementRow, error) {
	ids := make([]string, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	facts, err := flagFacts(ctx, db, ids, today)
	if err != nil {
		return nil, err
	}
	out := make([]EngagementRow, len(list))
	for i := range list {
		out[i] = EngagementRow{Engagement: list[i], Dosage: DosageOf(&list[i], today),
			Flags: ComputeFlags(&list[i], facts[list[i].ID], today)}
	}
	return out, nil
}

// Fidelity returns one engagement's dosage and flags (the engagement page).
func (s *Engagements) Fidelity(ctx context.Context, e *Engagement) (Dosage, Flags, error) {
	today, _, err := s.Today(ctx)
	if err != nil {
		return Dosage{}, Flags{}, err
	}
	return s.FidelityOn(ctx, e, today.Format(time.DateOnly))
}

// FidelityOn is Fidelity at today (the tenant's date, YYYY-MM-DD), for a page that has it.
func (s *Engagements) FidelityOn(ctx context.Context, e *Engagement, today string) (Dosage, Flags, error) {
	rows, err := withFlags(ctx, s.db, []Engagement{*e}, today)
	if err != nil {
		return Dosage{}, Flags{}, err
	}
	return rows[0].Dosage, rows[0].Flags, nil
}
