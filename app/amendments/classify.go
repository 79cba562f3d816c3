package amendments

import (
	"github.com/holdspace/holdspace/app/money"
)

// Classification is what a proposal is and why, as the request page shows it while the person
// types.
type Classification struct {
	Class  string
	Rule   string // the rule behind the class, in one sentence
	Before money.Cents
	After  money.Cents
	// Moved is the money moved between lines by this proposal: the sum of the increases of
	// existing lines (equal to the sum of the decreases when the total stays the same).
	Moved money.Cents
	// Earlier is what notice-only transfers already moved since the budget was last approved;
	// Cumulative is Earlier + Moved, and CumulativeBP its share of the approved total.
	Earlier      money.Cents
	Cumulative   money.Cents
	CumulativeBP money.BasisPoints
	// NoticeLimit is the greater of the rules' amount and share of the total.
	NoticeLimit money.Cents
	NewLines    []string // categories of the lines the proposal adds
	Changed     int      // lines whose amount changes
}

// Net is the change of the total.
func (c Classification) Net() money.Cents { return c.After - c.Before }

// ClassLabel is the class in words.
func (c Classification) ClassLabel() string { return ClassLabel(c.Class) }

// Empty reports whether the proposal changes nothing.
func (c Classification) Empty() bool { return c.Changed == 0 }

// Classify says what a proposal is under a funder's rules. earlier is what notice-only
// transfers on the funding have moved since its budget was last approved (a notice-only
// transfer never changes the total, so the current total is the last approved one).
//
//   - The total changes (up or down): it goes through every step.
//   - Otherwise it needs approval when it adds a line (a new line item), when the cumulative
//     transfers exceed r.ApprovalBP of the approved total (2 CFR 200.308), or when this
//     transfer exceeds the greater of r.NoticeCents and r.NoticeBP of the total
//     (89 Ill. Adm. Code 1400.240).
//   - Otherwise it is notice only. "At most" is exact: $1,000.00 moved is notice only,
//     $1,000.01 is not.
func Classify(lines []Line, r Rules, earlier money.Cents) Classification {
	c := Classification{Earlier: earlier}
	for _, l := range lines {
		c.Before += l.CurrentCents
		c.After += l.ProposedCents
		d := l.Change()
		if d != 0 {
			c.Changed++
		}
		if l.IsNew() && l.ProposedCents > 0 {
			c.NewLines = append(c.NewLines, l.Category)
		}
		if d > 0 && !l.IsNew() {
			c.Moved += d
		}
	}
	if c.After == c.Before {
		// Every increase is matched by decreases; a new line funded from others is a transfer too.
		c.Moved = 0
		for _, l := range lines {
			if d := l.Change(); d > 0 {
				c.Moved += d
			}
		}
	}
	c.NoticeLimit = money.Larger(r.NoticeCents, c.Before.Of(r.NoticeBP))
	c.Cumulative = c.Earlier + c.Moved
	c.CumulativeBP = c.Cumulative.ShareOf(c.Before)
	switch {
	case c.After != c.Before:
		c.Class = ClassTotal
		verb := "raises"
		if c.After < c.Before {
			verb = "lowers"
		}
		c.Rule = "It " + verb + " the funding's total from " + c.Before.String() + " to " + c.After.String() +
			", so it goes through every step of the funder's process."
	case len(c.NewLines) > 0:
		c.Class = ClassApproval
		c.Rule = "It adds a line item (" + joinWords(c.NewLines) + "), which needs the funder's prior approval (2 CFR 200.308)."
	case !c.Cumulative.AtMost(r.ApprovalBP, c.Before):
		c.Class = ClassApproval
		c.Rule = "Transfers among lines since the last approved budget would come to " + c.Cumulative.String() + ", more than " +
			r.ApprovalBP.String() + " of the approved total of " + c.Before.String() + ", which needs the funder's prior approval (2 CFR 200.308)."
	case c.Moved > c.NoticeLimit:
		c.Class = ClassApproval
		c.Rule = "It moves " + c.Moved.String() + " between lines, more than the greater of " + r.NoticeCents.String() + " and " +
			r.NoticeBP.String() + " of the total (" + c.NoticeLimit.String() + "), so it needs the funder's approval (89 Ill. Adm. Code 1400.240)."
	default:
		c.Class = ClassNotice
		c.Rule = "It moves " + c.Moved.String() + " between existing lines, at most the greater of " + r.NoticeCents.String() + " and " +
			r.NoticeBP.String() + " of the total (" + c.NoticeLimit.String() + "): the funder is told and no approval is needed (89 Ill. Adm. Code 1400.240)."
	}
	return c
}

// joinWords joins words for a sentence: "a", "a and b", "a, b and c".
func joinWords(w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	}
	s := w[0]
	for _, x := range w[1 : len(w)-1] {
		s += ", " + x
	}
	return s + " and " + w[len(w)-1]
}
