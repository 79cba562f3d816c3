package programs

import (
	"errors"
	"testing"
)

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  error
	}{
		{"12,500.00", 1250000, nil},
		{"$12500", 1250000, nil},
		{"12500", 1250000, nil},
		{" $ 12,500.5 ", 1250050, nil},
		{"0", 0, nil},
		{"0.99", 99, nil},
		{".5", 50, nil},
		{"1,234,567.89", 123456789, nil},
		{"007", 700, nil},
		{"100,000,000", MaxAmountCents, nil},
		{"$100000000.00", MaxAmountCents, nil},
		{"", 0, ErrAmountEmpty},
		{"   ", 0, ErrAmountEmpty},
		{"12.345", 0, ErrAmountCents},
		{"abc", 0, ErrAmountNotMoney},
		{"12a", 0, ErrAmountNotMoney},
		{"1,2,3", 0, ErrAmountNotMoney},
		{"12,50", 0, ErrAmountNotMoney},
		{"1234,567", 0, ErrAmountNotMoney},
		{",500", 0, ErrAmountNotMoney},
		{"12.", 0, ErrAmountNotMoney},
		{".", 0, ErrAmountNotMoney},
		{"$", 0, ErrAmountNotMoney},
		{"1.2.3", 0, ErrAmountNotMoney},
		{"1e6", 0, ErrAmountNotMoney},
		{"12 500", 0, ErrAmountNotMoney},
		{"-5", 0, ErrAmountNegative},
		{"$-5.00", 0, ErrAmountNegative},
		{"100,000,000.01", 0, ErrAmountTooLarge},
		{"100000001", 0, ErrAmountTooLarge},
		{"99999999999999999999999", 0, ErrAmountTooLarge},
	} {
		got, err := ParseMoney(tc.in)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{1250000, "$12,500.00"},
		{0, "$0.00"},
		{5, "$0.05"},
		{99, "$0.99"},
		{100, "$1.00"},
		{99999, "$999.99"},
		{100000, "$1,000.00"},
		{123456789, "$1,234,567.89"},
		{MaxAmountCents, "$100,000,000.00"},
		{-1250, "-$12.50"},
	} {
		if got := FormatMoney(tc.in); got != tc.want {
			t.Errorf("FormatMoney(%d) = %q, want %q", tc.in, got, tc.want)
		}
		if tc.in >= 0 {
			back, err := ParseMoney(FormatMoney(tc.in))
			if err != nil || back != tc.in {
				t.Errorf("ParseMoney(FormatMoney(%d)) = %d, %v", tc.in, back, err)
			}
		}
	}
}
