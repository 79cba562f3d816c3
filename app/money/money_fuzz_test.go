package money

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: any text typed as an amount either is refused with one of Parse's own
// messages, or gives cents between zero and the maximum that read back the same however they
// are written (as the form shows them, and as the page shows them).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"12,500.00", "$12500", " $ 12,500.5 ", ".5", "0", "100,000,000", "100,000,000.01",
		"-5", "$-5", "($5)", "−5", "9999999999999999999999", "1e9", "1,2,3", "12.345", "١٢٣", "1_000", "+5", "0x10",
		"12.", ".", "$", "00000000000000000000001", "99999999999.99", "1,000,000,000.00", "\x00", "\xff"} {
		f.Add(s)
	}
	known := []error{ErrAmountEmpty, ErrAmountNotMoney, ErrAmountCents, ErrAmountNegative, ErrAmountTooLarge}
	f.Fuzz(func(t *testing.T, s string) {
		cents, err := Parse(s)
		if err != nil {
			ok := false
			for _, k := range known {
				ok = ok || errors.Is(err, k)
			}
			if !ok {
				t.Fatalf("Parse(%q): unknown error %v", s, err)
			}
			if cents != 0 {
				t.Fatalf("Parse(%q) = %d with an error", s, cents)
			}
			return
		}
		if cents < 0 || cents > Max {
			t.Fatalf("Parse(%q) = %d, outside 0..%d", s, cents, Max)
		}
		for _, again := range []string{cents.Input(), cents.String(), strings.ReplaceAll(cents.Input(), ",", "")} {
			if back, err := Parse(again); err != nil || back != cents {
				t.Fatalf("Parse(%q) = %d; written %q it reads %d, %v", s, cents, again, back, err)
			}
		}
		if out := cents.String(); !utf8.ValidString(out) || !strings.HasPrefix(out, "$") {
			t.Fatalf("%d.String() = %q", cents, out)
		}
	})
}
