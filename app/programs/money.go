package programs

import (
	"errors"
	"strconv"
	"strings"
)

// MaxAmountCents is the largest budget amount Holdspace takes: $100,000,000.00.
const MaxAmountCents int64 = 100_000_000_00

// Why an amount is not money, in words a person can act on.
var (
	ErrAmountEmpty    = errors.New("Enter an amount in dollars, for example 12,500.00.")
	ErrAmountNotMoney = errors.New("Enter an amount in dollars, for example 12,500.00: only digits, commas between thousands and a point before the cents.")
	ErrAmountCents    = errors.New("Use at most two digits after the point (the cents).")
	ErrAmountNegative = errors.New("Enter an amount of zero or more.")
	ErrAmountTooLarge = errors.New("Enter an amount of at most $100,000,000.00.")
)

// ParseMoney reads an amount typed in dollars ("12,500.00", "$12500", "12500", "$ 12,500.5")
// and returns it in cents. Commas must group thousands; at most two digits follow the point.
// Errors: ErrAmountEmpty, ErrAmountNotMoney, ErrAmountCents, ErrAmountNegative,
// ErrAmountTooLarge.
func ParseMoney(s string) (int64, error) {
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
	if total > MaxAmountCents {
		return 0, ErrAmountTooLarge
	}
	return total, nil
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

// FormatMoney writes cents as dollars: 1250000 → "$12,500.00", -50 → "-$0.50".
func FormatMoney(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return sign + "$" + groupThousands(cents/100) + "." + twoDigits(cents%100)
}

// amountInput writes cents as a person would type them: "12,500.00".
func amountInput(cents int64) string { return strings.TrimPrefix(FormatMoney(cents), "$") }

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
