package programs

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseMoney: any text typed as an amount either is refused with one of ParseMoney's own
// messages, or gives cents between zero and the maximum that read back the same however they
// are written (as the form shows them, and as the page shows them).
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12,500.00", "$12500", " $ 12,500.5 ", ".5", "0", "100,000,000", "100,000,000.01",
		"-5", "$-5", "($5)", "−5", "9999999999999999999999", "1e9", "1,2,3", "12.345", "١٢٣", "1_000", "+5", "0x10",
		"12.", ".", "$", "00000000000000000000001", "99999999999.99", "1,000,000,000.00", "\x00", "\xff"} {
		f.Add(s)
	}
	known := []error{ErrAmountEmpty, ErrAmountNotMoney, ErrAmountCents, ErrAmountNegative, ErrAmountTooLarge}
	f.Fuzz(func(t *testing.T, s string) {
		cents, err := ParseMoney(s)
		if err != nil {
			ok := false
			for _, k := range known {
				ok = ok || errors.Is(err, k)
			}
			if !ok {
				t.Fatalf("ParseMoney(%q): unknown error %v", s, err)
			}
			if cents != 0 {
				t.Fatalf("ParseMoney(%q) = %d with an error", s, cents)
			}
			return
		}
		if cents < 0 || cents > MaxAmountCents {
			t.Fatalf("ParseMoney(%q) = %d, outside 0..%d", s, cents, MaxAmountCents)
		}
		for _, again := range []string{amountInput(cents), FormatMoney(cents), strings.ReplaceAll(amountInput(cents), ",", "")} {
			if back, err := ParseMoney(again); err != nil || back != cents {
				t.Fatalf("ParseMoney(%q) = %d; written %q it reads %d, %v", s, cents, again, back, err)
			}
		}
		if out := FormatMoney(cents); !utf8.ValidString(out) || !strings.HasPrefix(out, "$") {
			t.Fatalf("FormatMoney(%d) = %q", cents, out)
		}
	})
}
