// Package money is Holdspace's one way of holding, reading and writing amounts of money: whole
// cents in an int64 (Cents), and shares and thresholds in basis points (BasisPoints: 1 % is 100),
// so "2 %" and "10 %" compare exactly, without floating point.
package money

import (
	"errors"
	"strconv"
	"strings"
)

// Cents is an amount of money in whole cents: 1250000 is $12,500.00.
type Cents int64

// Max is the largest amount Holdspace takes: $100,000,000.00.
const Max Cents = 100_000_000_00

// Why an amount is not money, in words a person can act on.
var (
	ErrAmountEmpty    = errors.New("Enter an amount in dollars, for example 12,500.00.")
	ErrAmountNotMoney = errors.New("Enter an amount in dollars, for example 12,500.00: only digits, commas between thousands and a point before the cents.")
	ErrAmountCents    = errors.New("Use at most two digits after the point (the cents).")
	ErrAmountNegative = errors.New("Enter an amount of zero or more.")
	ErrAmountTooLarge = errors.New("Enter an amount of at most $100,000,000.00.")
)

// Parse reads an amount typed in dollars ("12,500.00", "$12500", "12500", "$ 12,500.5")
// and returns it in cents. Commas must group thousands; at most two digits follow the point.
// Errors: ErrAmountEmpty, ErrAmountNotMoney, ErrAmountCents, ErrAmountNegative,
// ErrAmountTooLarge.
func Parse(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrAmountEmpty
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "$-") || strings.HasPrefix(s, "($") || strings.HasPrefix(s, "−") {
		return 0, ErrAmountNegative
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "$"))
	whole, frac, hasPoint := strings.Cut(s, ".")
	if hasPoint {
		if frac == "" || !allDigits(frac) {
			return 0, ErrAmountNotMoney
		}
		if len(frac) > 2 {
			return 0, ErrAmountCents
		}
	}
	if whole == "" {
		if !hasPoint {
			return 0, ErrAmountNotMoney
		}
		whole = "0"
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, ErrAmountNotMoney
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrAmountNotMoney
			}
		}
		whole = strings.Join(groups, "")
	}
	if !allDigits(whole) {
		return 0, ErrAmountNotMoney
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 10 { // more than $9,999,999,999: too large, and safe from overflow below
		return 0, ErrAmountTooLarge
	}
	dollars := int64(0)
	if whole != "" {
		d, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return 0, ErrAmountNotMoney
		}
		dollars = d
	}
	cents := int64(0)
	if frac != "" {
		c, _ := strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			c *= 10
		}
		cents = c
	}
	total := dollars*100 + cents
	if Cents(total) > Max {
		return 0, ErrAmountTooLarge
	}
	return Cents(total), nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String writes cents as dollars: 1250000 → "$12,500.00", -50 → "-$0.50".
func (c Cents) String() string {
	cents := int64(c)
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return sign + "$" + groupThousands(cents/100) + "." + twoDigits(cents%100)
}

// Input writes cents as a person would type them: "12,500.00".
func (c Cents) Input() string { return strings.TrimPrefix(c.String(), "$") }

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// BasisPoints is a share in hundredths of a percent: 200 is 2 %, 1000 is 10 %.
type BasisPoints int64

// String writes the share as a percentage: 200 → "2 %", 250 → "2.5 %", 1 → "0.01 %".
func (b BasisPoints) String() string {
	sign := ""
	if b < 0 {
		sign, b = "-", -b
	}
	s := strconv.FormatInt(int64(b)/100, 10)
	if frac := int64(b) % 100; frac != 0 {
		s += "." + strings.TrimRight(twoDigits(frac), "0")
	}
	return sign + s + " %"
}

// Of is share b of c, rounded to the nearest cent (halves away from zero): 2 % of $60,000.00
// is $1,200.00.
func (c Cents) Of(b BasisPoints) Cents {
	n := int64(c) * int64(b)
	if n < 0 {
		return Cents((n - 5000) / 10000)
	}
	return Cents((n + 5000) / 10000)
}

// ShareOf is c as a share of whole, rounded down to the basis point (0 when whole is 0): for
// showing. To compare with a threshold, use AtMost, which is exact.
func (c Cents) ShareOf(whole Cents) BasisPoints {
	if whole == 0 {
		return 0
	}
	return BasisPoints(int64(c) * 10000 / int64(whole))
}

// AtMost reports whether c is at most share b of whole, exactly (c × 10,000 ≤ b × whole): $1,200.00
// is at most 2 % of $60,000.00; $1,200.01 is not. Amounts up to Max cannot overflow.
func (c Cents) AtMost(b BasisPoints, whole Cents) bool {
	return int64(c)*10000 <= int64(b)*int64(whole)
}

// Abs is c without its sign.
func (c Cents) Abs() Cents {
	if c < 0 {
		return -c
	}
	return c
}

// Larger is the larger of a and b.
func Larger(a, b Cents) Cents {
	if a > b {
		return a
	}
	return b
}
