// Package reports is what people read about the work as a whole: the NCPC report and the
// funders' reports (built by workers as report runs of app/runs, on screen and as CSV and
// XLSX), the child outcomes and their equity view, and each role's dashboard on its home page.
// It reads the domains below it (consultation, programs, supervision, consultants) and writes
// nothing of theirs.
//
// Every figure is counted on one of the tenant's two fiscal calendars (period.go): the state
// fiscal year (July–June by default, the NCPC's) or the federal one (October–September, the
// MIECHV's). Every count of children is suppressed under ten (suppress.go).
package reports

import (
	"fmt"
	"strconv"
	"time"

	"github.com/holdspace/holdspace/app/tenants"
)

// Calendars a report or dashboard is counted on.
const (
	CalendarState   = "state"   // the tenant's state fiscal year (July–June by default)
	CalendarFederal = "federal" // the federal fiscal year (October–September)
)

// Year is one fiscal year on one calendar: FY is the calendar year it ends in (FY 2026 on a
// July calendar is July 2025 to June 2026), StartMonth the month it starts in (1–12).
type Year struct {
	Calendar   string
	FY         int
	StartMonth int
}

// StartMonthOf is the month tenant t's calendar starts in.
func StartMonthOf(t *tenants.Tenant, calendar string) int {
	if calendar == CalendarFederal {
		if t.FederalFYStartMonth >= 1 && t.FederalFYStartMonth <= 12 {
			return t.FederalFYStartMonth
		}
		return 10
	}
	if t.StateFYStartMonth >= 1 && t.StateFYStartMonth <= 12 {
		return t.StateFYStartMonth
	}
	return 7
}

// YearOf is the fiscal year of tenant t on calendar that holds the day now (in the tenant's
// time zone).
func YearOf(t *tenants.Tenant, calendar string, now time.Time) Year {
	if calendar != CalendarFederal {
		calendar = CalendarState
	}
	m := StartMonthOf(t, calendar)
	return Year{Calendar: calendar, FY: tenants.FiscalYear(t.Local(now), m), StartMonth: m}
}

// First is the year's first day.
func (y Year) First() time.Time {
	if y.StartMonth <= 1 {
		return time.Date(y.FY, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y.FY-1, time.Month(y.StartMonth), 1, 0, 0, 0, 0, time.UTC)
}

// From and To are the year's first and last days as YYYY-MM-DD (the form dates are stored in),
// so a period is "held_on BETWEEN From AND To".
func (y Year) From() string { return y.First().Format(time.DateOnly) }

// To is the year's last day.
func (y Year) To() string { return y.First().AddDate(1, 0, -1).Format(time.DateOnly) }

// Label names the year as people write it: "FY 2025–26".
func (y Year) Label() string { return tenants.FiscalYearLabel(y.FY, y.StartMonth) }

// Span says which months it covers: "July 2025 to June 2026".
func (y Year) Span() string { return tenants.FiscalYearSpan(y.FY, y.StartMonth) }

// CalendarLabel names the calendar: "State fiscal year" or "Federal fiscal year".
func (y Year) CalendarLabel() string {
	if y.Calendar == CalendarFederal {
		return "Federal fiscal year"
	}
	return "State fiscal year"
}

// Prev is the year before.
func (y Year) Prev() Year { y.FY--; return y }

// Next is the year after.
func (y Year) Next() Year { y.FY++; return y }

// Query is the year as a query string: "calendar=state&fy=2026".
func (y Year) Query() string { return "calendar=" + y.Calendar + "&fy=" + strconv.Itoa(y.FY) }

// Month is one month of a year.
type Month struct {
	Key   string // YYYY-MM
	Label string // "Jul 2025"
	From  string // YYYY-MM-DD
	To    string
}

// Months are the year's twelve months in order.
func (y Year) Months() []Month {
	out := make([]Month, 12)
	d := y.First()
	for i := range out {
		next := d.AddDate(0, 1, 0)
		out[i] = Month{Key: d.Format("2006-01"), Label: d.Format("Jan 2006"),
			From: d.Format(time.DateOnly), To: next.AddDate(0, 0, -1).Format(time.DateOnly)}
		d = next
	}
	return out
}

// Quarter is one quarter of a year. DueOn is the day its report is due, on the federal
// calendar (MIECHV): February 15, May 15, August 15 and November 15 for the quarters ending
// December, March, June and September; empty on the state calendar.
type Quarter struct {
	N     int    // 1–4
	Label string // "Q1 (July–September 2025)"
	From  string // YYYY-MM-DD
	To    string
	DueOn string
}

// Quarters are the year's four quarters in order.
func (y Year) Quarters() []Quarter {
	out := make([]Quarter, 4)
	d := y.First()
	for i := range out {
		next := d.AddDate(0, 3, 0)
		last := next.AddDate(0, 0, -1)
		q := Quarter{N: i + 1, From: d.Format(time.DateOnly), To: last.Format(time.DateOnly),
			Label: fmt.Sprintf("Q%d (%s–%s %d)", i+1, d.Month(), last.Month(), last.Year())}
		if d.Year() != last.Year() {
			q.Label = fmt.Sprintf("Q%d (%s %d–%s %d)", i+1, d.Month(), d.Year(), last.Month(), last.Year())
		}
		if y.Calendar == CalendarFederal {
			// Due the 15th of the second month after the quarter ends.
			q.DueOn = time.Date(last.Year(), last.Month()+2, 15, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		out[i] = q
		d = next
	}
	return out
}

// QuarterOf is the quarter (1–4) of the year that day (YYYY-MM-DD) falls in, or 0 outside it.
func (y Year) QuarterOf(day string) int {
	for _, q := range y.Quarters() {
		if day >= q.From && day <= q.To {
			return q.N
		}
	}
	return 0
}

// ParseYear reads the fiscal year switch ("calendar" and "fy" of a query string) for tenant t,
// falling back to the year holding now on the state calendar. A year more than 20 years from
// now's is refused (the fallback is used), so a typed address cannot ask for year 99999.
func ParseYear(t *tenants.Tenant, calendar, fy string, now time.Time) Year {
	y := YearOf(t, calendar, now)
	if n, err := strconv.Atoi(fy); err == nil && n >= y.FY-20 && n <= y.FY+1 {
		y.FY = n
	}
	return y
}

// Choices are the years the switch offers on both calendars, newest first: the next five years
// back from the current one.
func Choices(t *tenants.Tenant, now time.Time) []Year {
	var out []Year
	for _, cal := range []string{CalendarState, CalendarFederal} {
		y := YearOf(t, cal, now)
		for i := 0; i < 5; i++ {
			out = append(out, y)
			y = y.Prev()
		}
	}
	return out
}

// Switch is the fiscal year switch a dashboard or report shows: the year shown, the years to
// choose from on both calendars, and the address the choice is sent to (a GET form with
// "calendar" and "fy").
type Switch struct {
	Year    Year
	Choices []Year
	Action  string // the page's address, without a query string
}

// NewSwitch is the switch for tenant t showing year y on the page at action.
func NewSwitch(t *tenants.Tenant, y Year, action string, now time.Time) Switch {
	return Switch{Year: y, Choices: Choices(t, now), Action: action}
}

// Value is a choice as one select value: "state:2026".
func (y Year) Value() string { return y.Calendar + ":" + strconv.Itoa(y.FY) }
