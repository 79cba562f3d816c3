package reports_test

import (
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/reports"
	"github.com/holdspace/holdspace/app/tenants"
)

func TestYears(t *testing.T) {
	ten := &tenants.Tenant{StateFYStartMonth: 7, FederalFYStartMonth: 10, TimeZone: "America/New_York"}
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	st := reports.YearOf(ten, reports.CalendarState, now)
	if st.FY != 2026 || st.From() != "2025-07-01" || st.To() != "2026-06-30" || st.Label() != "FY 2025–26" {
		t.Errorf("state year: %+v %s %s %s", st, st.From(), st.To(), st.Label())
	}
	qs := st.Quarters()
	if qs[0].From != "2025-07-01" || qs[0].To != "2025-09-30" || qs[3].To != "2026-06-30" || qs[0].DueOn != "" {
		t.Errorf("state quarters: %+v", qs)
	}
	if qs[0].Label != "Q1 (July–September 2025)" || qs[1].Label != "Q2 (October–December 2025)" {
		t.Errorf("quarter labels: %q %q", qs[0].Label, qs[1].Label)
	}
	fed := reports.YearOf(ten, reports.CalendarFederal, now)
	if fed.FY != 2026 || fed.From() != "2025-10-01" || fed.To() != "2026-09-30" {
		t.Errorf("federal year: %+v", fed)
	}
	var due []string
	for _, q := range fed.Quarters() {
		due = append(due, q.DueOn)
	}
	if want := []string{"2026-02-15", "2026-05-15", "2026-08-15", "2026-11-15"}; len(due) != 4 || due[0] != want[0] || due[1] != want[1] || due[2] != want[2] || due[3] != want[3] {
		t.Errorf("federal due dates %v, want %v", due, want)
	}
	if got := fed.Quarters()[1].Label; got != "Q2 (January–March 2026)" {
		t.Errorf("federal Q2 label %q", got)
	}
	if fed.Quarters()[0].Label != "Q1 (October–December 2025)" {
		t.Errorf("federal Q1 label %q", fed.Quarters()[0].Label)
	}
	m := st.Months()
	if len(m) != 12 || m[0].Key != "2025-07" || m[11].Key != "2026-06" || m[7].To != "2026-02-28" {
		t.Errorf("months %+v", m)
	}
	if st.QuarterOf("2025-12-31") != 2 || st.QuarterOf("2026-07-01") != 0 {
		t.Error("QuarterOf")
	}
	if y := reports.ParseYear(ten, "federal", "2024", now); y.FY != 2024 || y.Calendar != "federal" {
		t.Errorf("ParseYear %+v", y)
	}
	if y := reports.ParseYear(ten, "bogus", "99999", now); y.FY != 2026 || y.Calendar != "state" {
		t.Errorf("ParseYear fallback %+v", y)
	}
}

func TestSuppression(t *testing.T) {
	for n, want := range map[int]string{0: "fewer than 10", 1: "fewer than 10", 9: "fewer than 10", 10: "10", 125: "125"} {
		if got := (reports.Count{N: n}).String(); got != want {
			t.Errorf("Count{%d} = %q, want %q", n, got, want)
		}
	}
	row := reports.SuppressRow([]int{40, 3, 12, 25})
	var shown []string
	for _, c := range row {
		shown = append(shown, c.String())
	}
	if shown[1] != "fewer than 10" || shown[2] != "fewer than 10" || shown[0] != "40" || shown[3] != "25" {
		t.Errorf("one small cell hides the next smallest too: %v", shown)
	}
	row = reports.SuppressRow([]int{40, 3, 2, 25})
	if row[0].Suppressed() || row[3].Suppressed() || !row[1].Suppressed() || !row[2].Suppressed() {
		t.Errorf("two small cells hide only themselves: %+v", row)
	}
}
