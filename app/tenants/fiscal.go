package tenants

import (
	"fmt"
	"time"
)

// FiscalYear is the fiscal year t falls in, for a year that starts on the first day of
// startMonth (1–12). Fiscal years are named by the calendar year they end in: with a July
// start, 2025-07-01 is in FY 2026 and 2025-06-30 in FY 2025; with a January start the fiscal
// year is the calendar year. A startMonth out of range counts as January.
func FiscalYear(t time.Time, startMonth int) int {
	if startMonth <= 1 || startMonth > 12 {
		return t.Year()
	}
	if int(t.Month()) >= startMonth {
		return t.Year() + 1
	}
	return t.Year()
}

// FiscalYearLabel names fiscal year fy as people write it: "FY 2025–26" for the year from July
// 2025 to June 2026, "FY 2026" when the fiscal year is the calendar year.
func FiscalYearLabel(fy, startMonth int) string {
	if startMonth <= 1 || startMonth > 12 {
		return fmt.Sprintf("FY %d", fy)
	}
	return fmt.Sprintf("FY %d–%02d", fy-1, fy%100)
}

// FiscalYearSpan says which months a fiscal year covers: "July 2025 to June 2026".
func FiscalYearSpan(fy, startMonth int) string {
	if startMonth <= 1 || startMonth > 12 {
		return fmt.Sprintf("January to December %d", fy)
	}
	return fmt.Sprintf("%s %d to %s %d", time.Month(startMonth), fy-1, time.Month(startMonth-1), fy)
}

// MonthName is the English name of month m (1–12), or "" when out of range.
func MonthName(m int) string {
	if m < 1 || m > 12 {
		return ""
	}
	return time.Month(m).String()
}
