package reports

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// Child outcomes: where the child is when a child and family engagement closes (stayed in the
// setting, moved to another setting, removed, expelled or suspended; consultation.ChildOutcomes),
// counted over a fiscal year for the dashboards and the equity view. Every count is of
// children, so every count under ten reads "fewer than 10" (suppress.go).

// OutcomeRow is one outcome and how many closed engagements ended with it.
type OutcomeRow struct {
	Value, Label string
	Count        Count
}

// OutcomeSummary is the child and family engagements closed in a year (Closed) and where the
// children were when they closed (Rows, one per outcome and a last "Not recorded" for those
// closed before the question was asked), suppressed with SuppressRow: the rows add up to
// Closed, so one hidden row hides the next smallest too.
type OutcomeSummary struct {
	Closed Count
	Rows   []OutcomeRow
}

// outcomeNotRecorded is the value of the row of engagements closed without an outcome.
const outcomeNotRecorded = ""

// outcomeChoices are the outcomes in the order they are counted, with "Not recorded" last.
func outcomeChoices() []struct{ Value, Label string } {
	return append(append([]struct{ Value, Label string }{}, consultation.ChildOutcomes...),
		struct{ Value, Label string }{outcomeNotRecorded, consultation.NotRecorded})
}

// ChildOutcomes counts the child and family engagements closed in year y (closed_on in it) by
// where the child was when they closed, for the person in ctx: a tenant admin the tenant's,
// a funder those of the programs it funds (consultation.Visible), and so on.
func ChildOutcomes(ctx context.Context, db *bun.DB, y Year) (*OutcomeSummary, error) {
	sc, t, err := database.Scoped(ctx, db)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		Outcome string `bun:"outcome"`
		N       int    `bun:"n"`
	}
	q := t.Select((*consultation.Engagement)(nil)).ColumnExpr("e.child_outcome AS outcome, COUNT(*) AS n").
		Where("e.focus = ? AND e.stage = ?", consultation.FocusChildFamily, consultation.StageClosed).
		Where("e.closed_on BETWEEN ? AND ?", y.From(), y.To()).
		GroupExpr("e.child_outcome")
	if err := consultation.Visible(q, sc, "e").Scan(ctx, &counts); err != nil {
		return nil, err
	}
	by := map[string]int{}
	total := 0
	for _, c := range counts {
		v := c.Outcome
		if !knownOutcome(v) {
			v = outcomeNotRecorded
		}
		by[v] += c.N
		total += c.N
	}
	choices := outcomeChoices()
	ns := make([]int, len(choices))
	for i, o := range choices {
		ns[i] = by[o.Value]
	}
	shown := SuppressRow(ns)
	s := &OutcomeSummary{Closed: Count{N: total}}
	for i, o := range choices {
		s.Rows = append(s.Rows, OutcomeRow{Value: o.Value, Label: o.Label, Count: shown[i]})
	}
	return s, nil
}

func knownOutcome(v string) bool {
	for _, o := range consultation.ChildOutcomes {
		if o.Value == v {
			return true
		}
	}
	return false
}
