package credentials

import (
	"strconv"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// States of a requirement for one consultant.
const (
	StateMet      = "met"      // a good credential (or a supervisor) meets it
	StateExpiring = "expiring" // met, but the credential expires within ExpiringSoonDays
	StateLacking  = "lacking"  // not met, no deadline
	StateDue      = "due"      // not met, the deadline is today or later
	StateOverdue  = "overdue"  // not met, the deadline has passed
	StateExpired  = "expired"  // not met: the verified credential that met it has expired
)

// Subject is what the rule needs to know of one consultant besides their credentials.
type Subject struct {
	HiredOn       string // YYYY-MM-DD or ""
	Supervisors   []string
	SupervisionFY string // hours of supervision this fiscal year, in words ("" when unknown)
}

// Status is one requirement as it stands for one consultant.
type Status struct {
	Requirement *Requirement
	State       string
	Until       string      // met: the expiry of the credential that meets it ("" when it does not expire)
	DueOn       string      // the deadline (hire date + deadline days), when there is one and a hire date
	ExpiredOn   string      // expired: the day the last good credential expired
	NoHireDate  bool        // the requirement has a deadline but the hire date is not set
	Pending     int         // credentials of its kinds waiting for verification
	Credential  *Credential // the credential that meets it
	Supervisors []string    // a supervision requirement: who supervises
	Hours       string      // a supervision requirement: hours this fiscal year
}

// Met reports whether the requirement is met today.
func (s Status) Met() bool { return s.State == StateMet || s.State == StateExpiring }

// Lacking reports whether a required (not merely recommended) requirement is unmet: what the
// headline counts.
func (s Status) Lacking() bool { return !s.Met() && !s.Requirement.Recommended() }

// Text is the status in plain words.
func (s Status) Text() string {
	switch s.State {
	case StateMet:
		if s.Until != "" {
			return "Met until " + s.Until
		}
		return "Met"
	case StateExpiring:
		return "Met, expiring on " + s.Until
	case StateDue:
		return "Due by " + s.DueOn
	case StateOverdue:
		return "Overdue since " + s.DueOn
	case StateExpired:
		return "Expired on " + s.ExpiredOn
	}
	return "Lacking"
}

// Tag is the USWDS colour classes of the state's tag.
func (s Status) Tag() string {
	switch {
	case s.State == StateMet:
		return "bg-success-darker"
	case s.State == StateExpiring || s.State == StateDue:
		return "bg-warning text-ink"
	case s.Requirement.Recommended():
		return "bg-base-dark"
	}
	return "bg-error-dark"
}

// AddDays returns the date n days after day (YYYY-MM-DD), or "" when day is not a date.
func AddDays(day string, n int) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

// AddMonths returns the date n months after day (YYYY-MM-DD), or "" when day is not a date.
func AddMonths(day string, n int) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return d.AddDate(0, n, 0).Format(time.DateOnly)
}

// DaysBetween is the number of days from a to b (both YYYY-MM-DD; negative when b is before
// a), and false when either is not a date.
func DaysBetween(a, b string) (int, bool) {
	da, err1 := time.Parse(time.DateOnly, a)
	db, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return int(db.Sub(da).Hours() / 24), true
}

// Evaluate says where each requirement stands for a consultant today (YYYY-MM-DD, in the
// tenant's time zone), given their credentials (with RequirementID filled in) and subject.
//
// A credential requirement is met by a verified credential of one of its kinds that has not
// expired (good through its expiry date); the one that lasts longest is shown. A supervision
// requirement is met when someone supervises the consultant. An unmet requirement is
// "expired" when a verified credential of it has expired, else "due by" or "overdue" when it
// has a deadline and the hire date is set, else "lacking".
func Evaluate(reqs []Requirement, creds []Credential, sub Subject, today string) []Status {
	out := make([]Status, 0, len(reqs))
	for i := range reqs {
		r := &reqs[i]
		st := Status{Requirement: r, State: StateLacking}
		if r.Rule == RuleSupervision {
			st.Supervisors, st.Hours = sub.Supervisors, sub.SupervisionFY
			if len(sub.Supervisors) > 0 {
				st.State = StateMet
			}
		} else {
			var best *Credential
			for j := range creds {
				c := &creds[j]
				if c.RequirementID != r.ID {
					continue
				}
				switch {
				case c.Status == StatusSubmitted:
					st.Pending++
				case c.Good(today):
					if best == nil || (best.ExpiresOn != "" && (c.ExpiresOn == "" || c.ExpiresOn > best.ExpiresOn)) {
						best = c
					}
				case c.Verified() && c.ExpiresOn > st.ExpiredOn:
					st.ExpiredOn = c.ExpiresOn
				}
			}
			if best != nil {
				st.Credential, st.Until, st.ExpiredOn = best, best.ExpiresOn, ""
				st.State = StateMet
				if n, ok := DaysBetween(today, best.ExpiresOn); ok && n <= ExpiringSoonDays {
					st.State = StateExpiring
				}
			} else if st.ExpiredOn != "" {
				st.State = StateExpired
			}
		}
		if !st.Met() && st.State != StateExpired && r.DeadlineDays > 0 {
			if due := AddDays(sub.HiredOn, r.DeadlineDays); due != "" {
				st.DueOn = due
				st.State = StateDue
				if due < today {
					st.State = StateOverdue
				}
			} else {
				st.NoHireDate = true
			}
		}
		out = append(out, st)
	}
	return out
}
