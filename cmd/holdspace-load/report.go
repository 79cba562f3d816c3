package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// The goals of issue 14, on this machine.
const (
	goalP50MS      = 10.0
	goalP99MS      = 50.0
	goalGoalRate   = 200 // the rate the latency goals hold at
	goalRatio      = 1.5 // server time over SQL time
	goalSmallRatio = 1.2 // a small tenant's page over the same page on a 10-tenant database
	goalRSSkB      = 150 * 1024
	// ratioFloorMS: a page whose server time is under this is not held to the server/SQL ratio:
	// the fixed cost of every request (session, CSRF, the layout) outweighs a few fast statements.
	ratioFloorMS = 2.0
)

// Compare is a page for a small tenant's person on the full database and on the 10-tenant one.
type Compare struct {
	Page       string  `json:"page"`
	Role       string  `json:"role"`
	Statements int     `json:"statements"`
	ServerMS   float64 `json:"server_ms"`    // on the database with every small tenant
	ServerMS10 float64 `json:"server_ms_10"` // on the 10-tenant database
	Problem    string  `json:"problem,omitempty"`
}

// Ratio is the full database's server time over the 10-tenant one's.
func (c Compare) Ratio() float64 {
	if c.ServerMS10 <= 0 {
		return 0
	}
	return c.ServerMS / c.ServerMS10
}

// Report is a run's result, printed as a table and written as JSON.
type Report struct {
	Database  string    `json:"database"`
	Tenant    string    `json:"tenant"`
	Rates     []int     `json:"rates"`
	Duration  string    `json:"duration"`
	WarmLoad  string    `json:"warm_load"`       // unmeasured, at the highest rate, before a page's rates
	Burst     int       `json:"burst,omitempty"` // unmeasured, requests at once (twice) after the warm load
	Rows      []Row     `json:"rows"`
	Small     []Compare `json:"small,omitempty"`
	SmallNote string    `json:"small_note,omitempty"`
	MaxRSSkB  int64     `json:"max_rss_kb"`
	HWMkB     int64     `json:"hwm_kb"`
	Elapsed   string    `json:"elapsed"`
	Over      []string  `json:"over_goal"`
	// UnderFloor are the pages under ratioFloorMS whose server time is over goalRatio× their
	// SQL: not counted against the goal, listed so that they are seen (worst first).
	UnderFloor []string `json:"under_floor,omitempty"`
	// Machine is how steady the machine was over the volume tenant's pages (nil: not
	// sampled); Again are the windows measured again because it was not, and Unsteady those
	// it was not steady through in any try.
	Machine      *Steadiness `json:"machine,omitempty"`
	ProbeUsualMS float64     `json:"probe_usual_ms,omitempty"` // the CPU probe's job, its usual CPU time
	Again        int         `json:"measured_again,omitempty"`
	Unsteady     []string    `json:"unsteady,omitempty"`
}

// overGoal says which goals a row misses ("" when none, or when it was not measured).
func overGoal(r Row) string {
	if r.Status != 200 {
		return ""
	}
	var why []string
	for _, rr := range r.Rates {
		if rr.Rate != goalGoalRate {
			continue
		}
		switch {
		case rr.Skipped != "":
			why = append(why, fmt.Sprintf("not run at %d/s (%s)", rr.Rate, rr.Skipped))
		case rr.P50MS >= goalP50MS || rr.P99MS >= goalP99MS:
			why = append(why, fmt.Sprintf("p50 %.1f / p99 %.1f ms at %d/s", rr.P50MS, rr.P99MS, rr.Rate)+unsteadyNote(rr.Machine))
		case rr.Errors > 0:
			why = append(why, fmt.Sprintf("%d errors at %d/s", rr.Errors, rr.Rate))
		}
	}
	if r.ServerMS >= ratioFloorMS && r.Ratio() > goalRatio {
		why = append(why, fmt.Sprintf("server %.1f ms = %.1f× SQL", r.ServerMS, r.Ratio())+unsteadyNote(r.Machine))
	}
	return strings.Join(why, "; ")
}

// unsteadyNote is " (the machine was unsteady: …)" for a window the machine was not steady
// through in any try, else "".
func unsteadyNote(st *Steadiness) string {
	if st == nil || st.Unsteady == "" {
		return ""
	}
	return fmt.Sprintf(" (machine unsteady in every try: %s)", st.Unsteady)
}

// finish fills the list of pages over the goal.
func (rep *Report) finish() {
	rep.Again, rep.Unsteady = 0, nil
	note := func(r Row, window string, st *Steadiness) {
		if st == nil {
			return
		}
		if st.Tries > 1 {
			rep.Again++
		}
		if st.Unsteady != "" {
			rep.Unsteady = append(rep.Unsteady, fmt.Sprintf("%s (%s), %s: %s", r.Page, r.Role, window, st.Unsteady))
		}
	}
	for _, r := range rep.Rows {
		note(r, "single requests", r.Machine)
		for _, rr := range r.Rates {
			note(r, fmt.Sprintf("%d req/s", rr.Rate), rr.Machine)
		}
	}
	rep.Over = nil
	for _, r := range rep.Rows {
		if why := overGoal(r); why != "" {
			rep.Over = append(rep.Over, fmt.Sprintf("%s (%s): %s", r.Page, r.Role, why))
		}
	}
	rep.UnderFloor = nil
	var under []Row
	for _, r := range rep.Rows {
		if r.Status == 200 && r.ServerMS < ratioFloorMS && r.Ratio() > goalRatio {
			under = append(under, r)
		}
	}
	sort.SliceStable(under, func(i, j int) bool { return under[i].Ratio() > under[j].Ratio() })
	for _, r := range under {
		rep.UnderFloor = append(rep.UnderFloor, fmt.Sprintf("%s (%s): server %.2f ms = %.2f× SQL (drawing %.2f ms)", r.Page, r.Role, r.ServerMS, r.Ratio(), r.DrawMS))
	}
	for _, c := range rep.Small {
		if c.Ratio() > goalSmallRatio && c.ServerMS >= ratioFloorMS {
			rep.Over = append(rep.Over, fmt.Sprintf("%s (%s, small tenant): %.2f× the 10-tenant time", c.Page, c.Role, c.Ratio()))
		}
	}
	if rep.MaxRSSkB > goalRSSkB || rep.HWMkB > goalRSSkB {
		rep.Over = append(rep.Over, fmt.Sprintf("web process memory: max RSS %d MB, high-water %d MB (goal under 150 MB)", rep.MaxRSSkB/1024, rep.HWMkB/1024))
	}
}

// Print writes the report as plain text whose tables are Markdown.
func (rep *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "Holdspace load: tenant %q on %s; single requests, then %s at %s req/s", rep.Tenant, rep.Database, rep.Duration, joinInts(rep.Rates, ", "))
	if rep.WarmLoad != "" && rep.WarmLoad != "0s" && len(rep.Rates) > 0 {
		fmt.Fprintf(w, " (after %s at %d req/s", rep.WarmLoad, rep.Rates[len(rep.Rates)-1])
		if rep.Burst > 0 {
			fmt.Fprintf(w, " and two bursts of %d requests at once", rep.Burst)
		}
		fmt.Fprint(w, ", not measured)")
	}
	fmt.Fprint(w, "\n\n")
	head := []string{"page", "role", "stmts", "server ms", "SQL ms", "srv/SQL", "draw ms", "single p50"}
	for _, r := range rep.Rates {
		head = append(head, fmt.Sprintf("p50/p99 @%d", r))
	}
	head = append(head, "bytes", "status")
	t := newTable(head...)
	for _, r := range rep.Rows {
		t.add(rowCells(r, rep.Rates)...)
	}
	t.print(w)
	if len(rep.Small) > 0 || rep.SmallNote != "" {
		fmt.Fprintf(w, "\nA small tenant's people: the same pages on the database with every small tenant, and on a 10-tenant one (server ms, p50)\n\n")
		if rep.SmallNote != "" {
			fmt.Fprintf(w, "%s\n\n", rep.SmallNote)
		}
		s := newTable("page", "role", "stmts", "server ms", "server ms (10 tenants)", "ratio", "status")
		for _, c := range rep.Small {
			s.add(c.Page, c.Role, fmt.Sprint(c.Statements), f1(c.ServerMS), f1(c.ServerMS10), f2(c.Ratio()), orOK(c.Problem))
		}
		s.print(w)
	}
	fmt.Fprintf(w, "\nWeb process memory: max RSS %d MB (sampled every 100 ms), high-water mark %d MB.\n", rep.MaxRSSkB/1024, rep.HWMkB/1024)
	fmt.Fprintf(w, "Run took %s.\n", rep.Elapsed)
	if m := rep.Machine; m != nil {
		fmt.Fprintf(w, "\nThe machine through the volume tenant's pages: the hypervisor took %.2f%% of its CPU time (at most %.0f%% in one second), every task waited on I/O for %.0f ms in all, and the CPU probe's job took %.3f ms of CPU as a rule (%.2f× that as the run's median).\n",
			m.StealPct, m.PeakStealPct, m.IOStallMS, rep.ProbeUsualMS, m.Probe)
		fmt.Fprintf(w, "A window with steal of %.0f%% or more in one second, I/O stalled %.0f%% of it, or the probe %.1f× its usual time or more, is measured again (%d tries at most; the steadiest kept): %d measured again, %d unsteady in every try (marked *).\n",
			unsteadyStealPct, unsteadyIOStallPct, unsteadyProbe, maxTries, rep.Again, len(rep.Unsteady))
		for _, u := range rep.Unsteady {
			fmt.Fprintf(w, "- %s\n", u)
		}
	}
	fmt.Fprintf(w, "\nOver the goal (p50 < %.0f ms and p99 < %.0f ms at %d req/s; server ≤ %.1f× SQL and small tenant ≤ %.1f×, both where server ≥ %.0f ms; memory < 150 MB): %d\n",
		goalP50MS, goalP99MS, goalGoalRate, goalRatio, goalSmallRatio, ratioFloorMS, len(rep.Over))
	for _, o := range rep.Over {
		fmt.Fprintf(w, "- %s\n", o)
	}
	if len(rep.UnderFloor) > 0 {
		fmt.Fprintf(w, "\nUnder the %.0f ms floor, not counted: %d with server over %.1f× SQL\n", ratioFloorMS, len(rep.UnderFloor), goalRatio)
		for _, o := range rep.UnderFloor {
			fmt.Fprintf(w, "- %s\n", o)
		}
	}
}

func rowCells(r Row, rates []int) []string {
	if r.Problem != "" && r.Status == 0 {
		cells := []string{r.Page, r.Role, "", "", "", "", "", ""}
		for range rates {
			cells = append(cells, "")
		}
		return append(cells, "", r.Problem)
	}
	cells := []string{r.Page, r.Role, fmt.Sprint(r.Statements), f1(r.ServerMS) + star(r.Machine), f1(r.SQLMS), f1(r.Ratio()), f1(r.DrawMS), f1(r.ClientMS)}
	for _, rate := range rates {
		cells = append(cells, rateCell(r, rate))
	}
	bytes := fmt.Sprint(r.Bytes)
	if r.Encoding != "" {
		bytes += " " + r.Encoding
	}
	status := fmt.Sprint(r.Status)
	if r.Problem != "" {
		status += " " + r.Problem
	}
	return append(cells, bytes, status)
}

func rateCell(r Row, rate int) string {
	for _, rr := range r.Rates {
		if rr.Rate != rate {
			continue
		}
		if rr.Skipped != "" {
			return "—"
		}
		s := f1(rr.P50MS) + " / " + f1(rr.P99MS) + star(rr.Machine)
		if rr.Errors > 0 {
			s += fmt.Sprintf(" (%d err", rr.Errors)
			if rr.Timeouts > 0 {
				s += fmt.Sprintf(", %d timeouts", rr.Timeouts)
			}
			s += ")"
		}
		return s
	}
	return ""
}

// WriteJSON writes the report to path.
func (rep *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// table prints Markdown-compatible rows, padded to line up in plain text too.
type table struct{ rows [][]string }

func newTable(head ...string) *table { return &table{rows: [][]string{head}} }

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) print(w io.Writer) {
	width := make([]int, len(t.rows[0]))
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			b.WriteString(" " + c + strings.Repeat(" ", width[i]-len([]rune(c))) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(t.rows[0])
	sep := make([]string, len(width))
	for i, n := range width {
		sep[i] = strings.Repeat("-", n)
	}
	line(sep)
	for _, r := range t.rows[1:] {
		line(r)
	}
}

// star marks a window the machine was unsteady through in every try.
func star(st *Steadiness) string {
	if st != nil && st.Unsteady != "" {
		return "*"
	}
	return ""
}

func f1(x float64) string { return fmt.Sprintf("%.1f", x) }
func f2(x float64) string { return fmt.Sprintf("%.2f", x) }

func orOK(problem string) string {
	if problem == "" {
		return "ok"
	}
	return problem
}

func joinInts(xs []int, sep string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, sep)
}
