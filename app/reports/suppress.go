package reports

import "strconv"

// SuppressBelow: a count of children (or of anything that could single a child out) under ten
// is never shown, in any report, chart or file: it reads "fewer than 10". Zero is under ten
// too and reads the same: beside a suppressed total, a shown zero would tell how the few are
// split.
const SuppressBelow = 10

// FewerText is what a suppressed count reads.
const FewerText = "fewer than 10"

// Count is a count of children that is suppressed under SuppressBelow wherever it is shown.
type Count struct {
	N      int
	forced bool // hidden although ten or more (SuppressRow's complementary suppression)
}

// Suppressed reports whether the count is hidden.
func (c Count) Suppressed() bool { return c.N < SuppressBelow || c.forced }

// String is the count for people and files: the number, or "fewer than 10".
func (c Count) String() string {
	if c.Suppressed() {
		return FewerText
	}
	return strconv.Itoa(c.N)
}

// Value is the count for a chart's bar: 0 when suppressed (the bar is not drawn; its label
// says "fewer than 10").
func (c Count) Value() int {
	if c.Suppressed() {
		return 0
	}
	return c.N
}

// SuppressRow suppresses a row of counts that add up to a shown total: each count under ten,
// and, when exactly one is hidden, the next smallest too, so the hidden one cannot be worked
// out by subtracting the others from the total (complementary suppression).
func SuppressRow(ns []int) []Count {
	out := make([]Count, len(ns))
	hidden := 0
	for i, n := range ns {
		out[i] = Count{N: n}
		if out[i].Suppressed() {
			hidden++
		}
	}
	if hidden == 1 {
		best := -1
		for i, c := range out {
			if !c.Suppressed() && (best < 0 || c.N < out[best].N) {
				best = i
			}
		}
		if best >= 0 {
			out[best] = Count{N: out[best].N, forced: true}
		}
	}
	return out
}
