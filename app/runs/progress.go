package runs

import (
	"strconv"
	"strings"
)

// Progress is what the one progress partial (views/runs/_progress.html) shows: a label with
// the figures and a <progress> bar, then, while the work goes on, that the page updates by
// itself with a link to check again (for a browser without JavaScript). A run's page and an
// import's page both show their progress through it, so it looks and reads the same.
type Progress struct {
	ID    string // the <progress> element's id, which its label names
	Label string // what is going on: "Being built", "Importing"
	Done  int    // how much is done, of Total
	Total int    // 0 while unknown: the bar moves without figures
	Unit  string // what Done and Total count ("rows"); empty names nothing
	// Working: the work goes on, so the partial says the page updates by itself.
	Working bool
	// Poll is the page's own address: the "Check again" link.
	Poll string
}

// Percent is how far the work is, 0 to 100 (0 while the total is unknown).
func (p Progress) Percent() int {
	if p.Total <= 0 {
		return 0
	}
	return max(0, min(100, p.Done*100/p.Total))
}

// Text is the label's words: "Importing: 5,500 of 10,000 rows done (55%)", or, while the
// total is unknown, "Being built…".
func (p Progress) Text() string {
	if p.Total <= 0 {
		return p.Label + "…"
	}
	var b strings.Builder
	if p.Label != "" {
		b.WriteString(p.Label + ": ")
	}
	b.WriteString(Thousands(max(0, min(p.Done, p.Total))) + " of " + Thousands(p.Total))
	if p.Unit != "" {
		b.WriteString(" " + p.Unit)
	}
	b.WriteString(" done (" + strconv.Itoa(p.Percent()) + "%)")
	return b.String()
}

// Progress is the run's progress for the partial; poll is the run's page.
func (r *Run) Progress(poll string) Progress {
	return Progress{ID: "run-progress", Label: r.StatusLabel(), Done: r.Done, Total: r.Total, Working: r.Working(), Poll: poll}
}

// Thousands writes a whole number with commas: 10,000.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
