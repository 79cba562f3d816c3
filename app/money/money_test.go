package money

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Cents
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
		{"100,000,000", Max, nil},
		{"$100000000.00", Max, nil},
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
		got, err := Parse(tc.in)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestCents(t *testing.T) {
	for _, tc := range []struct {
		in   Cents
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
		{Max, "$100,000,000.00"},
		{-1250, "-$12.50"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%d.String() = %q, want %q", tc.in, got, tc.want)
		}
		if tc.in >= 0 {
			back, err := Parse(tc.in.String())
			if err != nil || back != tc.in {
				t.Errorf("Parse(Cents(%d)) = %d, %v", tc.in, back, err)
			}
		}
	}
}

// The thresholds of budget amendments compare exactly at their boundaries: $1,000.00 against
// 2 % of $50,000.00 is exactly equal, and a cent more is over.
func TestBasisPoints(t *testing.T) {
	for _, tc := range []struct {
		b    BasisPoints
		want string
	}{{200, "2 %"}, {1000, "10 %"}, {250, "2.5 %"}, {1, "0.01 %"}, {10000, "100 %"}, {0, "0 %"}, {-150, "-1.5 %"}} {
		if got := tc.b.String(); got != tc.want {
			t.Errorf("%d basis points = %q, want %q", int64(tc.b), got, tc.want)
		}
	}
	whole := Cents(50_000_00)
	if got := whole.Of(200); got != 1_000_00 {
		t.Errorf("2 %% of $50,000.00 = %s, want $1,000.00", got)
	}
	if got := Cents(333).Of(5000); got != 167 { // $1.665 rounds half away from zero
		t.Errorf("50 %% of $3.33 = %d, want 167", got)
	}
	if got := Cents(-333).Of(5000); got != -167 {
		t.Errorf("50 %% of -$3.33 = %d, want -167", got)
	}
	if !Cents(1_000_00).AtMost(200, whole) {
		t.Error("$1,000.00 is at most 2 % of $50,000.00")
	}
	if Cents(1_000_01).AtMost(200, whole) {
		t.Error("$1,000.01 is more than 2 % of $50,000.00")
	}
	if !Cents(5_000_00).AtMost(1000, whole) || Cents(5_000_01).AtMost(1000, whole) {
		t.Error("10 % of $50,000.00 is exactly $5,000.00")
	}
	if !Max.AtMost(10000, Max) {
		t.Error("the largest amount is at most 100 % of itself (no overflow)")
	}
	if got := Cents(1_000_00).ShareOf(whole); got != 200 {
		t.Errorf("$1,000.00 of $50,000.00 = %s, want 2 %%", got)
	}
	if got := Cents(1).ShareOf(0); got != 0 {
		t.Errorf("a share of nothing = %s, want 0 %%", got)
	}
	if Larger(1_000_00, whole.Of(200)) != 1_000_00 || Larger(3, 7) != 7 || Cents(-5).Abs() != 5 {
		t.Error("Larger or Abs")
	}
}
