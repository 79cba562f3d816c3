package dates

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse: any text typed in a date field is either refused, or is a date that exists, at
// midnight UTC, with a four-digit year, that reads back the same from how Holdspace stores it
// (YYYY-MM-DD) and from how it shows it (mm/dd/yyyy). Impossible dates (February 30) are
// refused, never moved to the next month.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-11-26", "11/26/2026", "1/2/2026", " 2026-02-28 ", "2026-02-30", "02/30/2026",
		"2024-02-29", "2025-02-29", "13/01/2026", "2026-13-01", "0000-01-01", "9999-12-31", "26-11-2026", "2026/11/26",
		"11/26/26", "2026-11-26T00:00:00Z", "+2026-01-01", "-001-01-01", "2026-1-5", "\x002026-01-01", "2026-01-01\xff",
		"１１/２６/２０２６", "", "  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := Parse(s)
		iso, isoOK := ISO(s)
		if ok != isoOK {
			t.Fatalf("Parse(%q) ok %v, ISO ok %v", s, ok, isoOK)
		}
		norm := Normalize(s)
		if !ok {
			if iso != "" || norm != strings.TrimSpace(s) {
				t.Fatalf("refused %q, yet ISO %q, Normalize %q", s, iso, norm)
			}
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("Parse(%q) = %v: not a day", s, d)
		}
		if d.Year() < 0 || d.Year() > 9999 {
			t.Fatalf("Parse(%q) = year %d", s, d.Year())
		}
		if iso != d.Format(time.DateOnly) || norm != iso || !utf8.ValidString(iso) {
			t.Fatalf("Parse(%q) = %v, ISO %q, Normalize %q", s, d, iso, norm)
		}
		// The date exists: the numbers typed are the numbers read (no rolling over).
		y, m, day := d.Date()
		trimmed := strings.TrimSpace(s)
		var want string
		if strings.Contains(trimmed, "/") {
			want = strings.Join([]string{itoa(int(m)), itoa(day), pad4(y)}, "/")
			trimmed = strings.Join(stripZeros(strings.Split(trimmed, "/")), "/")
		} else {
			want = d.Format(time.DateOnly)
		}
		if trimmed != want {
			t.Fatalf("Parse(%q) = %s: not the date typed", s, d.Format(time.DateOnly))
		}
		for _, again := range []string{iso, Show(iso), " " + Show(iso) + " "} {
			if back, ok := Parse(again); !ok || !back.Equal(d) {
				t.Fatalf("Parse(%q) = %v; written %q it reads %v, %v", s, d, again, back, ok)
			}
		}
		if Show(Normalize(Show(iso))) != Show(iso) {
			t.Fatalf("Show/Normalize of %q do not agree", iso)
		}
	})
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func pad4(n int) string { return strings.Repeat("0", 4-len(itoa(n))) + itoa(n) }

// stripZeros drops leading zeros of the month and day (m/d/yyyy and mm/dd/yyyy are one date).
func stripZeros(parts []string) []string {
	for i := 0; i < len(parts)-1; i++ {
		if p := strings.TrimLeft(parts[i], "0"); p != "" {
			parts[i] = p
		}
	}
	return parts
}
