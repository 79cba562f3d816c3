package credentials_test

import (
	"testing"

	"github.com/holdspace/holdspace/app/credentials"
)

func TestEvaluate(t *testing.T) {
	reqs := []credentials.Requirement{
		{ID: "degree", Name: "Degree", Level: credentials.LevelRequired, Rule: credentials.RuleCredential},
		{ID: "endorse", Name: "Endorsement", Level: credentials.LevelRecommended, Rule: credentials.RuleCredential, DeadlineDays: 365},
		{ID: "modules", Name: "Modules", Level: credentials.LevelRequired, Rule: credentials.RuleCredential, DeadlineDays: 90},
		{ID: "super", Name: "Supervision", Level: credentials.LevelRequired, Rule: credentials.RuleSupervision},
	}
	const today = "2026-06-15"
	cred := func(req, status, expires string) credentials.Credential {
		return credentials.Credential{ID: req + status + expires, RequirementID: req, Status: status, IssuedOn: "2020-01-01", ExpiresOn: expires}
	}
	byID := func(list []credentials.Status) map[string]credentials.Status {
		out := map[string]credentials.Status{}
		for _, s := range list {
			out[s.Requirement.ID] = s
		}
		return out
	}

	t.Run("NothingHeld", func(t *testing.T) {
		got := byID(credentials.Evaluate(reqs, nil, credentials.Subject{}, today))
		if s := got["degree"]; s.State != credentials.StateLacking || !s.Lacking() {
			t.Fatalf("degree: %+v", s)
		}
		// A deadline without a hire date: lacking, and said so.
		if s := got["endorse"]; s.State != credentials.StateLacking || !s.NoHireDate || s.Lacking() {
			t.Fatalf("endorsement (recommended, not counted): %+v", s)
		}
		if s := got["super"]; s.State != credentials.StateLacking || !s.Lacking() {
			t.Fatalf("supervision: %+v", s)
		}
	})

	t.Run("MetExpiringExpiredPending", func(t *testing.T) {
		creds := []credentials.Credential{
			cred("degree", credentials.StatusVerified, ""),             // never expires
			cred("endorse", credentials.StatusVerified, "2026-07-01"),  // 16 days: expiring
			cred("endorse", credentials.StatusVerified, "2026-06-14"),  // expired yesterday
			cred("modules", credentials.StatusVerified, "2026-06-14"),  // expired yesterday
			cred("modules", credentials.StatusSubmitted, "2027-06-14"), // waiting
			cred("modules", credentials.StatusReturned, "2027-06-14"),  // returned: does not count
			cred("unknown", credentials.StatusVerified, ""),            // another requirement's
		}
		got := byID(credentials.Evaluate(reqs, creds, credentials.Subject{HiredOn: "2026-01-01", Supervisors: []string{"Helen"}}, today))
		if s := got["degree"]; s.State != credentials.StateMet || s.Until != "" || s.Text() != "Met" {
			t.Fatalf("degree: %+v %q", s, s.Text())
		}
		if s := got["endorse"]; s.State != credentials.StateExpiring || s.Until != "2026-07-01" || !s.Met() {
			t.Fatalf("endorsement: %+v", s)
		}
		s := got["modules"]
		if s.State != credentials.StateExpired || s.ExpiredOn != "2026-06-14" || s.Pending != 1 || !s.Lacking() || s.Text() != "Expired on 2026-06-14" {
			t.Fatalf("modules: %+v %q", s, s.Text())
		}
		if s := got["super"]; !s.Met() || len(s.Supervisors) != 1 {
			t.Fatalf("supervision: %+v", s)
		}
	})

	t.Run("GoodThroughExpiryDayAndLongestWins", func(t *testing.T) {
		creds := []credentials.Credential{
			cred("degree", credentials.StatusVerified, today),
			cred("degree", credentials.StatusVerified, "2030-01-01"),
			cred("degree", credentials.StatusVerified, "2028-01-01"),
		}
		s := byID(credentials.Evaluate(reqs, creds, credentials.Subject{}, today))["degree"]
		if s.State != credentials.StateMet || s.Until != "2030-01-01" {
			t.Fatalf("degree: %+v", s)
		}
		s = byID(credentials.Evaluate(reqs, creds[:1], credentials.Subject{}, today))["degree"]
		if s.State != credentials.StateExpiring || !s.Met() {
			t.Fatalf("expiring today is still met: %+v", s)
		}
	})

	t.Run("Deadlines", func(t *testing.T) {
		// Hired 2026-01-01: modules due 2026-04-01 (overdue), endorsement 2027-01-01 (due).
		got := byID(credentials.Evaluate(reqs, nil, credentials.Subject{HiredOn: "2026-01-01"}, today))
		if s := got["modules"]; s.State != credentials.StateOverdue || s.DueOn != "2026-04-01" || s.Text() != "Overdue since 2026-04-01" {
			t.Fatalf("modules: %+v", s)
		}
		if s := got["endorse"]; s.State != credentials.StateDue || s.DueOn != "2027-01-01" || s.Lacking() || s.Text() != "Due by 2027-01-01" {
			t.Fatalf("endorsement: %+v", s)
		}
		// Due today is not overdue yet.
		s := byID(credentials.Evaluate(reqs, nil, credentials.Subject{HiredOn: "2026-03-17"}, today))["modules"]
		if s.State != credentials.StateDue || s.DueOn != today {
			t.Fatalf("due today: %+v", s)
		}
		// A verified, unexpired credential meets it whatever the deadline.
		s = byID(credentials.Evaluate(reqs, []credentials.Credential{cred("modules", credentials.StatusVerified, "")},
			credentials.Subject{HiredOn: "2026-01-01"}, today))["modules"]
		if !s.Met() || s.DueOn != "" {
			t.Fatalf("met: %+v", s)
		}
	})
}

func TestDates(t *testing.T) {
	if got := credentials.AddDays("2026-01-31", 365); got != "2027-01-31" {
		t.Fatalf("AddDays = %s", got)
	}
	if got := credentials.AddMonths("2025-03-01", 12); got != "2026-03-01" {
		t.Fatalf("AddMonths = %s", got)
	}
	if got := credentials.AddDays("", 10); got != "" {
		t.Fatalf("AddDays of nothing = %q", got)
	}
	if n, ok := credentials.DaysBetween("2026-03-01", "2026-02-22"); !ok || n != -7 {
		t.Fatalf("DaysBetween = %d %v", n, ok)
	}
	// Across the change to daylight saving time the dates still count whole days.
	if n, ok := credentials.DaysBetween("2026-03-01", "2026-03-31"); !ok || n != 30 {
		t.Fatalf("DaysBetween = %d %v", n, ok)
	}
}

func TestBuiltinSetsFromTheDocuments(t *testing.T) {
	for _, set := range credentials.BuiltinSets {
		if set.Button == "" || set.Label == "" {
			t.Fatalf("set %q has no button", set.Key)
		}
	}
	k := credentials.Kind{ValidMonths: 0}
	if k.ValidText() != "Does not expire" {
		t.Fatal(k.ValidText())
	}
	k.ValidMonths = 60
	if k.ValidText() != "5 years" {
		t.Fatal(k.ValidText())
	}
	r := credentials.Requirement{DeadlineDays: 365}
	if r.DeadlineText() != "Within one year of hire" {
		t.Fatal(r.DeadlineText())
	}
}
