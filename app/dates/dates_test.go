package dates

import (
	"strings"
	"testing"
)

func TestISO(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-11-26", "2026-11-26", true},   // what a date input submits
		{"11/26/2026", "2026-11-26", true},   // what a person types
		{"1/5/2026", "2026-01-05", true},     // without leading zeros
		{"01/5/2026", "2026-01-05", true},    // mixed
		{" 11/26/2026 ", "2026-11-26", true}, // spaces around
		{"2024-02-29", "2024-02-29", true},   // a leap day
		{"02/29/2024", "2024-02-29", true},   //
		{"02/29/2025", "", false},            // not a leap year
		{"2025-02-29", "", false},            //
		{"26/11/2026", "", false},            // day first
		{"13/01/2026", "", false},            // no 13th month
		{"11/26/26", "", false},              // two-digit year
		{"2026/11/26", "", false},            //
		{"11-26-2026", "", false},            //
		{"Nov 26, 2026", "", false},          //
		{"", "", false},                      //
		{"2026-11-26T00:00:00Z", "", false},  //
		{"11/26/2026 extra", "", false},      //
	}
	for _, tt := range tests {
		got, ok := ISO(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ISO(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestShowAndMessages(t *testing.T) {
	if got := Show("2026-11-26"); got != "11/26/2026" {
		t.Errorf("Show = %q", got)
	}
	if got := Show(""); got != "" {
		t.Errorf("Show of nothing = %q", got)
	}
	msg := Message("the date of the session")
	for _, want := range []string{"the date of the session", "mm/dd/yyyy", "11/26/2026"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Message = %q, want it to contain %q", msg, want)
		}
	}
	if strings.Contains(msg+Hint(), "YYYY") {
		t.Errorf("the message or hint still says YYYY-MM-DD: %q %q", msg, Hint())
	}
}
