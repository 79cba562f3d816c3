package supervision_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/supervision"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSupervisionTallyAcrossBoundaries(t *testing.T) {
	sessions := []supervision.Session{
		{HeldOn: "2025-06-30", Minutes: 60}, // last day of FY 2025 (July start)
		{HeldOn: "2025-07-01", Minutes: 45}, // first day of FY 2026
		{HeldOn: "2025-07-31", Minutes: 30}, // end of July
		{HeldOn: "2025-08-01", Minutes: 90}, // this month
		{HeldOn: "2025-08-02", Minutes: 15}, // tomorrow: not yet
		{HeldOn: "not a date", Minutes: 999},
	}
	cal := supervision.Calendar{Today: day("2025-08-01"), FYStartMonth: 7, TargetMonth: 120}
	h := supervision.Tally(sessions, cal)
	if h.Month != 90 || h.FY != 165 {
		t.Fatalf("month %d FY %d, want 90 and 165", h.Month, h.FY)
	}
	if h.TargetFY != 1440 || !h.Behind() {
		t.Fatalf("FY target %d behind %v, want 1440 and behind", h.TargetFY, h.Behind())
	}
	// The day before, July is the month and June 30 is still outside the fiscal year.
	h = supervision.Tally(sessions, supervision.Calendar{Today: day("2025-07-31"), FYStartMonth: 7, TargetMonth: 60})
	if h.Month != 75 || h.FY != 75 || h.Behind() {
		t.Fatalf("July: month %d FY %d behind %v, want 75, 75, not behind", h.Month, h.FY, h.Behind())
	}
	// With a January start the fiscal year is the calendar year.
	h = supervision.Tally(sessions, supervision.Calendar{Today: day("2025-12-31"), FYStartMonth: 1, TargetMonth: 120})
	if h.Month != 0 || h.FY != 240 {
		t.Fatalf("calendar year: month %d FY %d, want 0 and 240", h.Month, h.FY)
	}
	if got := supervision.FYStart(day("2025-06-30"), 7); got != "2024-07-01" {
		t.Fatalf("FYStart = %s", got)
	}
	if got := supervision.FYStart(day("2025-07-01"), 7); got != "2025-07-01" {
		t.Fatalf("FYStart = %s", got)
	}
	if got := supervision.HoursText(90); got != "1 h 30 min" {
		t.Fatalf("HoursText = %q", got)
	}
}

func TestSupervisionValidateRecord(t *testing.T) {
	today := day("2026-11-22")
	mine := map[string]bool{"a": true, "b": true}
	ok := supervision.RecordInput{HeldOn: "2026-11-22", Minutes: "60", Format: "individual", Attendees: []string{"a"}, Notes: " fine "}
	r, who, err := supervision.ValidateRecord(ok, today, mine)
	if err != nil || r.Minutes != 60 || r.Notes != "fine" || len(who) != 1 {
		t.Fatalf("good input: %v %+v %v", err, r, who)
	}
	cases := []struct {
		name  string
		edit  func(*supervision.RecordInput)
		field string
	}{
		{"future", func(in *supervision.RecordInput) { in.HeldOn = "2026-11-23" }, "held_on"},
		{"over a year ago", func(in *supervision.RecordInput) { in.HeldOn = "2025-11-21" }, "held_on"},
		{"bad date", func(in *supervision.RecordInput) { in.HeldOn = "22/11/2026" }, "held_on"},
		{"too short", func(in *supervision.RecordInput) { in.Minutes = "14" }, "minutes"},
		{"too long", func(in *supervision.RecordInput) { in.Minutes = "481" }, "minutes"},
		{"not a number", func(in *supervision.RecordInput) { in.Minutes = "an hour" }, "minutes"},
		{"format", func(in *supervision.RecordInput) { in.Format = "therapy" }, "format"},
		{"nobody", func(in *supervision.RecordInput) { in.Attendees = nil }, "attendees"},
		{"individual with two", func(in *supervision.RecordInput) { in.Attendees = []string{"a", "b"} }, "attendees"},
		{"not a supervisee", func(in *supervision.RecordInput) { in.Attendees = []string{"z"} }, "attendees"},
		{"notes too long", func(in *supervision.RecordInput) { in.Notes = strings.Repeat("é", 5001) }, "notes"},
	}
	for _, c := range cases {
		in := ok
		c.edit(&in)
		_, _, err := supervision.ValidateRecord(in, today, mine)
		if apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)[c.field] == "" {
			t.Errorf("%s: got %v, want a message for %s", c.name, err, c.field)
		}
	}
	// Edges that pass: a year ago to the day, 15 and 480 minutes, a group of two.
	for _, in := range []supervision.RecordInput{
		{HeldOn: "2025-11-22", Minutes: "15", Format: "group", Attendees: []string{"a", "b"}},
		{HeldOn: "2026-01-01", Minutes: "480", Format: "group", Attendees: []string{"a"}, Notes: strings.Repeat("é", 5000)},
	} {
		if _, _, err := supervision.ValidateRecord(in, today, mine); err != nil {
			t.Errorf("%+v: %v", in, err)
		}
	}
}
