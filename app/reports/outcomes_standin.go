package reports

// A stand-in for the child outcomes (issue 12, section 4), written by another part of the
// issue in outcomes.go: the same signature, so the dashboards build and their tests run. The
// lead deletes this file when the parts are merged.

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// OutcomeRow is one child outcome with its count.
type OutcomeRow struct {
	Value, Label string
	Count        Count
}

// OutcomeSummary is the year's closed child-and-family engagements by where the child is.
type OutcomeSummary struct {
	Closed Count
	Rows   []OutcomeRow
}

// ChildOutcomes counts the child outcomes recorded on engagements closed in year y that the
// person in ctx may see.
func ChildOutcomes(ctx context.Context, db *bun.DB, y Year) (*OutcomeSummary, error) {
	sc, t, err := database.Scoped(ctx, db)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Outcome string `bun:"child_outcome"`
		N       int    `bun:"n"`
	}
	q := t.SelectFrom("engagements", "e").ColumnExpr("e.child_outcome, COUNT(*) AS n").
		Where("e.child_outcome <> ''").Where("e.closed_on BETWEEN ? AND ?", y.From(), y.To()).
		GroupExpr("e.child_outcome").OrderExpr("e.child_outcome")
	if err := consultation.Visible(q, sc, "e").Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := &OutcomeSummary{}
	total := 0
	for _, r := range rows {
		out.Rows = append(out.Rows, OutcomeRow{Value: r.Outcome, Label: r.Outcome, Count: Count{N: r.N}})
		total += r.N
	}
	out.Closed = Count{N: total}
	return out, nil
}
