package tenants_test

import (
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/tenants"
)

func fyDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFiscalYear(t *testing.T) {
	for _, tc := range []struct {
		date  string
		start int
		want  int
	}{
		{"2025-07-01", 7, 2026},
		{"2025-06-30", 7, 2025},
		{"2025-12-31", 7, 2026},
		{"2026-01-01", 7, 2026},
		{"2025-09-30", 10, 2025}, // federal: the last day of FFY 2025
		{"2025-10-01", 10, 2026},
		{"2025-01-01", 1, 2025}, // calendar year
		{"2025-12-31", 1, 2025},
		{"2025-12-31", 12, 2026},
		{"2025-11-30", 12, 2025},
		{"2025-05-15", 0, 2025}, // out of range counts as January
		{"2025-05-15", 13, 2025},
	} {
		if got := tenants.FiscalYear(fyDate(tc.date), tc.start); got != tc.want {
			t.Errorf("FiscalYear(%s, %d) = %d, want %d", tc.date, tc.start, got, tc.want)
		}
	}
}

func TestFiscalYearLabel(t *testing.T) {
	for _, tc := range []struct {
		fy, start int
		want      string
	}{
		{2026, 7, "FY 2025–26"},
		{2025, 7, "FY 2024–25"},
		{2026, 10, "FY 2025–26"},
		{2000, 7, "FY 1999–00"},
		{2010, 7, "FY 2009–10"},
		{2026, 1, "FY 2026"},
	} {
		if got := tenants.FiscalYearLabel(tc.fy, tc.start); got != tc.want {
			t.Errorf("FiscalYearLabel(%d, %d) = %q, want %q", tc.fy, tc.start, got, tc.want)
		}
	}
	if got, want := tenants.FiscalYearSpan(2026, 7), "July 2025 to June 2026"; got != want {
		t.Errorf("FiscalYearSpan(2026, 7) = %q, want %q", got, want)
	}
	if got, want := tenants.FiscalYearSpan(2026, 10), "October 2025 to September 2026"; got != want {
		t.Errorf("FiscalYearSpan(2026, 10) = %q, want %q", got, want)
	}
}
