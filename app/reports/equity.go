package reports

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// The equity view of child outcomes, after the Behavior Incident Report System's breakdowns:
// the child and family engagements active during a fiscal year — opened on or before its last
// day and not closed before its first — and where each stood at the year's end (still open, or
// closed in the year with where the child went), by the child's race or ethnicity, sex,
// dual-language learner and IEP/IFSP, each with a "Not recorded" row.
//
// Every count is of children. A count under ten reads "fewer than 10" (zero too), in the page
// and the files alike. Each row adds up to its total (the engagements of that category), and
// each column of a breakdown adds up to the count of all engagements above it: where exactly
// one count of such a line would be hidden, the next smallest is hidden too, and a hidden
// total hides its whole row, until no hidden count can be worked out by subtraction
// (suppressLines).

// EquityColumns are the columns after the total, in order: still open at the year's end, each
// outcome, closed without an outcome.
func EquityColumns() []string {
	cols := []string{"Still open at the end of the year"}
	for _, o := range consultation.ChildOutcomes {
		cols = append(cols, "Closed: "+equityLowerFirst(o.Label))
	}
	return append(cols, "Closed: where the child went not recorded")
}

func equityLowerFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// EquityRow is one category: its engagements and how they stood at the year's end.
type EquityRow struct {
	Label       string
	Engagements Count
	Cells       []Count // one per EquityColumns
}

// EquitySection is one breakdown (race or ethnicity, sex, …): a row per category.
type EquitySection struct {
	Title string
	Rows  []EquityRow
}

// Equity is the equity view of one year.
type Equity struct {
	Year     Year
	Columns  []string
	All      EquityRow
	Sections []EquitySection
}

// Width is how many columns the table has (the category, the total and Columns).
func (e *Equity) Width() int { return len(e.Columns) + 2 }

// equitySections are the breakdowns: each one's title, the engagement column it reads and its
// categories (then "Not recorded").
var equitySections = []struct {
	title   string
	pick    func(r *equityCount) string
	choices []struct{ Value, Label string }
}{
	{"By race or ethnicity", func(r *equityCount) string { return r.Race }, consultation.ChildRaceEthnicities},
	{"By sex", func(r *equityCount) string { return r.Sex }, consultation.ChildSexes},
	{"By dual-language learner", func(r *equityCount) string { return r.DLL }, consultation.ChildYesNo},
	{"By IEP or IFSP", func(r *equityCount) string { return r.IEP }, consultation.ChildYesNo},
}

type equityCount struct {
	Race     string `bun:"race"`
	Sex      string `bun:"sex"`
	DLL      string `bun:"dll"`
	IEP      string `bun:"iep"`
	Stage    string `bun:"stage"`
	ClosedOn string `bun:"closed_on"`
	Outcome  string `bun:"outcome"`
	N        int    `bun:"n"`
}

// column is the EquityColumns index the engagements of r count in, at the end of year y.
func (r *equityCount) column(y Year) int {
	if r.Stage != consultation.StageClosed || r.ClosedOn == "" || r.ClosedOn > y.To() {
		return 0
	}
	for i, o := range consultation.ChildOutcomes {
		if o.Value == r.Outcome {
			return i + 1
		}
	}
	return len(consultation.ChildOutcomes) + 1
}

// ChildEquity is the equity view of year y for the person in ctx: a tenant admin the tenant's
// child and family engagements, a funder those of the programs it funds (consultation.Visible).
func ChildEquity(ctx context.Context, db *bun.DB, y Year) (*Equity, error) {
	sc, t, err := database.Scoped(ctx, db)
	if err != nil {
		return nil, err
	}
	var counts []equityCount
	q := t.Select((*consultation.Engagement)(nil)).
		ColumnExpr("e.child_race_ethnicity AS race, e.child_sex AS sex, e.child_dll AS dll, e.child_iep_ifsp AS iep").
		ColumnExpr("e.stage, e.closed_on, e.child_outcome AS outcome, COUNT(*) AS n").
		Where("e.focus = ?", consultation.FocusChildFamily).
		Where("e.opened_on <= ?", y.To()).
		Where("(e.closed_on = '' OR e.closed_on >= ?)", y.From()).
		GroupExpr("e.child_race_ethnicity, e.child_sex, e.child_dll, e.child_iep_ifsp, e.stage, e.closed_on, e.child_outcome")
	if err := consultation.Visible(q, sc, "e").Scan(ctx, &counts); err != nil {
		return nil, err
	}
	cols := EquityColumns()
	eq := &Equity{Year: y, Columns: cols}

	all := make([]int, len(cols))
	for i := range counts {
		all[counts[i].column(y)] += counts[i].N
	}
	tot, cells := suppressLines([]int{equitySum(all)}, [][]int{all}, nil)
	eq.All = EquityRow{Label: "All child and family engagements", Engagements: tot[0], Cells: cells[0]}
	// A column of a breakdown adds up to the count above it only where that count is shown.
	shown := []bool{!eq.All.Engagements.Suppressed()}
	for _, c := range eq.All.Cells {
		shown = append(shown, !c.Suppressed())
	}

	for _, sec := range equitySections {
		values := append(append([]struct{ Value, Label string }{}, sec.choices...),
			struct{ Value, Label string }{"", consultation.NotRecorded})
		parts := make([][]int, len(values))
		for i := range parts {
			parts[i] = make([]int, len(cols))
		}
		for i := range counts {
			r := &counts[i]
			row := len(values) - 1 // not recorded, or a value no longer offered
			for j, v := range values {
				if v.Value != "" && v.Value == sec.pick(r) {
					row = j
				}
			}
			parts[row][r.column(y)] += r.N
		}
		totals := make([]int, len(values))
		for i := range parts {
			totals[i] = equitySum(parts[i])
		}
		tot, cells := suppressLines(totals, parts, shown)
		s := EquitySection{Title: sec.title}
		for i, v := range values {
			s.Rows = append(s.Rows, EquityRow{Label: v.Label, Engagements: tot[i], Cells: cells[i]})
		}
		eq.Sections = append(eq.Sections, s)
	}
	return eq, nil
}

func equitySum(ns []int) int {
	n := 0
	for _, x := range ns {
		n += x
	}
	return n
}

// suppressLines suppresses a table of counts: row i's parts add up to totals[i]; each column
// (the totals' column first, then the parts') adds up to a count shown elsewhere when
// colShown says so (nil: no column has a shown total). Every count under ten is hidden; then,
// until nothing changes: a hidden total hides its row's parts; a row with exactly one hidden
// part hides its next smallest part; a column with a shown total and exactly one hidden count
// hides its next smallest count. No hidden count can then be worked out by subtracting the
// others of a line from its total.
func suppressLines(totals []int, parts [][]int, colShown []bool) ([]Count, [][]Count) {
	rows, cols := len(totals), 1
	if rows > 0 {
		cols += len(parts[0])
	}
	n := func(r, c int) int {
		if c == 0 {
			return totals[r]
		}
		return parts[r][c-1]
	}
	hidden := make([][]bool, rows)
	for r := range hidden {
		hidden[r] = make([]bool, cols)
		for c := range hidden[r] {
			hidden[r][c] = n(r, c) < SuppressBelow
		}
	}
	// hideSmallest hides the smallest shown count among the cells, and reports whether it did.
	hideSmallest := func(cells [][2]int) bool {
		best := -1
		for i, rc := range cells {
			if !hidden[rc[0]][rc[1]] && (best < 0 || n(rc[0], rc[1]) < n(cells[best][0], cells[best][1])) {
				best = i
			}
		}
		if best < 0 {
			return false
		}
		hidden[cells[best][0]][cells[best][1]] = true
		return true
	}
	countHidden := func(cells [][2]int) int {
		k := 0
		for _, rc := range cells {
			if hidden[rc[0]][rc[1]] {
				k++
			}
		}
		return k
	}
	for changed := true; changed; {
		changed = false
		for r := 0; r < rows; r++ {
			var line [][2]int
			for c := 1; c < cols; c++ {
				line = append(line, [2]int{r, c})
			}
			if hidden[r][0] {
				for _, rc := range line {
					if !hidden[rc[0]][rc[1]] {
						hidden[rc[0]][rc[1]], changed = true, true
					}
				}
				continue
			}
			if countHidden(line) == 1 && hideSmallest(line) {
				changed = true
			}
		}
		for c := 0; c < cols && c < len(colShown); c++ {
			if !colShown[c] {
				continue
			}
			var line [][2]int
			for r := 0; r < rows; r++ {
				line = append(line, [2]int{r, c})
			}
			if countHidden(line) == 1 && hideSmallest(line) {
				changed = true
			}
		}
	}
	outTotals := make([]Count, rows)
	outParts := make([][]Count, rows)
	for r := 0; r < rows; r++ {
		outTotals[r] = Count{N: totals[r], forced: hidden[r][0] && totals[r] >= SuppressBelow}
		outParts[r] = make([]Count, cols-1)
		for c := 1; c < cols; c++ {
			outParts[r][c-1] = Count{N: parts[r][c-1], forced: hidden[r][c] && parts[r][c-1] >= SuppressBelow}
		}
	}
	return outTotals, outParts
}
