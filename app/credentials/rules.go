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
	facts := make([]fact, len(creds))
	for i := range creds {
		c := &creds[i]
		facts[i] = fact{RequirementID: c.RequirementID, Status: c.Status, ExpiresOn: c.ExpiresOn}
	}
	return newEvaluator(today).evaluate(make([]Status, 0, len(reqs)), reqs, facts, creds, sub)
}

// evaluator is Evaluate for one day, worked out once for many consultants: the staffing table
// evaluates every consultant of a tenant on each request.
type evaluator struct {
	today string
	soon  string // today + ExpiringSoonDays: an expiry after it is not "expiring"
}

func newEvaluator(today string) evaluator {
	return evaluator{today: today, soon: AddDays(today, ExpiringSoonDays)}
}

// evaluate appends to out each requirement's status (Evaluate) given what the rule needs of
// the consultant's credentials (facts), parsing the hire date at most once and an expiry only
// when it may be within ExpiringSoonDays. Status.Credential is the credential of creds (the
// facts' own, in their order) that meets it, or nil when creds is nil.
func (e evaluator) evaluate(out []Status, reqs []Requirement, facts []fact, creds []Credential, sub Subject) []Status {
	today := e.today
	var hired time.Time
	hiredRead, hiredOK := false, false
	for i := range reqs {
		r := &reqs[i]
		st := Status{Requirement: r, State: StateLacking}
		if r.Rule == RuleSupervision {
			st.Supervisors, st.Hours = sub.Supervisors, sub.SupervisionFY
			if len(sub.Supervisors) > 0 {
				st.State = StateMet
			}
		} else {
			var best *fact
			bestAt := -1
			for j := range facts {
				c := &facts[j]
				if c.RequirementID != r.ID {
					continue
				}
				verified := c.Status == StatusVerified
				switch {
				case c.Status == StatusSubmitted:
					st.Pending++
				case verified && (c.ExpiresOn == "" || c.ExpiresOn >= today): // Credential.Good
					if best == nil || (best.ExpiresOn != "" && (c.ExpiresOn == "" || c.ExpiresOn > best.ExpiresOn)) {
						best, bestAt = c, j
					}
				case verified && c.ExpiresOn > st.ExpiredOn:
					st.ExpiredOn = c.ExpiresOn
				}
			}
			if best != nil {
				if creds != nil {
					st.Credential = &creds[bestAt]
				}
				st.Until, st.ExpiredOn = best.ExpiresOn, ""
				st.State = StateMet
				// A date (YYYY-MM-DD) after soon is more than ExpiringSoonDays away; one on or
				// before it is parsed, as DaysBetween would (what is not a date never expires soon).
				if best.ExpiresOn != "" && best.ExpiresOn <= e.soon {
					if n, ok := DaysBetween(today, best.ExpiresOn); ok && n <= ExpiringSoonDays {
						st.State = StateExpiring
					}
				}
			} else if st.ExpiredOn != "" {
				st.State = StateExpired
			}
		}
		if !st.Met() && st.State != StateExpired && r.DeadlineDays > 0 {
			if !hiredRead {
				d, err := time.Parse(time.DateOnly, sub.HiredOn)
				hired, hiredRead, hiredOK = d, true, err == nil
			}
			if hiredOK { // AddDays(sub.HiredOn, r.DeadlineDays)
				due := hired.AddDate(0, 0, r.DeadlineDays).Format(time.DateOnly)
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
