// Package dates reads the dates people enter in forms. A date field is a native date input:
// the browser shows it as mm/dd/yyyy and submits it as YYYY-MM-DD; without the date picker (an
// older browser, a plain text field, a screen reader's text mode) a person types what they
// see, mm/dd/yyyy or m/d/yyyy. Both are accepted; Holdspace stores and compares YYYY-MM-DD.
// Hints and messages name the format the person sees: Format and Example.
package dates

import (
	"fmt"
	"strings"
	"time"
)

// Format is how a date reads to the person entering it, and Example one such date.
const (
	Format  = "mm/dd/yyyy"
	Example = "11/26/2026"
)

// Parse reads s, trimmed: YYYY-MM-DD (what a date input submits), or mm/dd/yyyy and
// m/d/yyyy (what a person types). The year has four digits; the date must exist.
func Parse(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.DateOnly, "01/02/2006", "1/2/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ISO returns s as YYYY-MM-DD, and whether s is a date (see Parse).
func ISO(s string) (string, bool) {
	t, ok := Parse(s)
	if !ok {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// Show writes a stored YYYY-MM-DD date as the person reads it (mm/dd/yyyy); anything else
// is returned as it is.
func Show(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("01/02/2006")
}

// Message is the message for a date field that is not a date: what names the field ("the date
// of the session"); the format and an example follow.
func Message(what string) string {
	return fmt.Sprintf("Enter %s as %s, for example %s.", what, Format, Example)
}

// Hint is the start of a date field's hint: the format and an example.
func Hint() string {
	return fmt.Sprintf("%s, for example: %s", Format, Example)
}

// Normalize returns s as YYYY-MM-DD when it is a date (see Parse), else s trimmed: for a
// value to store once it has been checked, or to check further as it is.
func Normalize(s string) string {
	if iso, ok := ISO(s); ok {
		return iso
	}
	return strings.TrimSpace(s)
}
