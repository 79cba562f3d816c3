// Package supervision holds reflective supervision: which supervisor supervises which
// consultants, the supervision records (individual or group, with who attended) and each
// consultant's hours against the tenant's monthly target. A record's notes are private to the
// supervisor who wrote it and the consultants who attended; every read of them is audited.
package supervision

import (
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// Formats of a supervision session.
const (
	FormatIndividual = "individual"
	FormatGroup      = "group"
)

// Limits on a record.
const (
	MinMinutes = 15
	MaxMinutes = 480
	MaxNotes   = 5000
)

// Assignment says a supervisor supervises a consultant (both user ids).
type Assignment struct {
	bun.BaseModel `bun:"table:supervision_assignments,alias:sa"`
	database.TenantScoped

	ID           string    `bun:"id,pk"`
	SupervisorID string    `bun:"supervisor_id"`
	ConsultantID string    `bun:"consultant_id"`
	CreatedAt    time.Time `bun:"created_at"`

	SupervisorName string `bun:"supervisor_name,scanonly"`
	ConsultantName string `bun:"consultant_name,scanonly"`
}

// Record is one supervision session.
type Record struct {
	bun.BaseModel `bun:"table:supervision_records,alias:sr"`
	database.TenantScoped

	ID           string    `bun:"id,pk"`
	SupervisorID string    `bun:"supervisor_id"`
	HeldOn       string    `bun:"held_on"` // YYYY-MM-DD
	Minutes      int       `bun:"minutes"`
	Format       string    `bun:"format"`
	Notes        string    `bun:"notes"`
	CreatedAt    time.Time `bun:"created_at"`
	UpdatedAt    time.Time `bun:"updated_at"`

	SupervisorName string `bun:"supervisor_name,scanonly"`
}

// FormatLabel is the format in plain words.
func (r *Record) FormatLabel() string {
	if r.Format == FormatGroup {
		return "Group"
	}
	return "Individual"
}

// Duration is the record's length in hours and minutes.
func (r *Record) Duration() string { return HoursText(r.Minutes) }

// Attendee is a consultant who attended a record's session.
type Attendee struct {
	bun.BaseModel `bun:"table:supervision_attendees,alias:sat"`
	database.TenantScoped

	RecordID     string `bun:"record_id,pk"`
	ConsultantID string `bun:"consultant_id,pk"`

	Name string `bun:"name,scanonly"`
}

// Session is one session a consultant attended, for the hours math.
type Session struct {
	ConsultantID string `bun:"consultant_id"`
	HeldOn       string `bun:"held_on"`
	Minutes      int    `bun:"minutes"`
}

// Calendar is what the hours math needs of a tenant.
type Calendar struct {
	Today        time.Time // today in the tenant's time zone (the date matters)
	FYStartMonth int       // the state fiscal year's first month
	TargetMonth  int       // minutes a month
}

// Hours is a consultant's supervision this month and this fiscal year, against target.
type Hours struct {
	Month, FY             int // minutes
	TargetMonth, TargetFY int // minutes
}

// Behind reports whether the month's minutes are short of the monthly target.
func (h Hours) Behind() bool { return h.Month < h.TargetMonth }

// MonthText, FYText, TargetMonthText and TargetFYText say the figures in hours.
func (h Hours) MonthText() string       { return HoursText(h.Month) }
func (h Hours) FYText() string          { return HoursText(h.FY) }
func (h Hours) TargetMonthText() string { return HoursText(h.TargetMonth) }
func (h Hours) TargetFYText() string    { return HoursText(h.TargetFY) }

// HoursText says minutes as hours and minutes: "1 h 30 min", "2 h", "45 min".
func HoursText(m int) string {
	switch {
	case m%60 == 0:
		return fmt.Sprintf("%d h", m/60)
	case m < 60:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// Tally adds up sessions (of one consultant) into this month's and this fiscal year's
// minutes. A session counts in the month when it falls in today's calendar month, and in the
// fiscal year when it falls in the same state fiscal year as today; sessions after today or
// with a date that does not parse count in neither. The FY target is 12 × the monthly one.
func Tally(sessions []Session, cal Calendar) Hours {
	h := Hours{TargetMonth: cal.TargetMonth, TargetFY: 12 * cal.TargetMonth}
	today := cal.Today.Format(time.DateOnly)
	fy := fyOf(cal.Today, cal.FYStartMonth)
	for _, s := range sessions {
		d, err := time.Parse(time.DateOnly, s.HeldOn)
		if err != nil || s.HeldOn > today {
			continue
		}
		if s.HeldOn[:7] == today[:7] {
			h.Month += s.Minutes
		}
		if fyOf(d, cal.FYStartMonth) == fy {
			h.FY += s.Minutes
		}
	}
	return h
}

// FYStart is the first day of the fiscal year today falls in, as YYYY-MM-DD.
func FYStart(today time.Time, startMonth int) string {
	if startMonth < 1 || startMonth > 12 {
		startMonth = 1
	}
	y := today.Year()
	if int(today.Month()) < startMonth {
		y--
	}
	return time.Date(y, time.Month(startMonth), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
