package amendments

import (
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/money"
)

// lines builds a proposal: existing lines (id set) with their current and proposed amounts in
// cents, and new lines (id "").
func line(id, category string, current, proposed money.Cents) Line {
	return Line{BudgetLineID: id, Category: category, CurrentCents: current, ProposedCents: proposed}
}

func TestClassifyHandComputed(t *testing.T) {
	r := DefaultRules("f")
	cases := []struct {
		name    string
		lines   []Line
		earlier money.Cents
		class   string
		moved   money.Cents
		limit   money.Cents
		rule    string
	}{
		{
			// $50,000 total: 2 % is $1,000, the same as the floor. Exactly $1,000 moved: notice.
			name:  "exactly $1,000 of $50,000",
			lines: []Line{line("a", "Personnel", 40_000_00, 39_000_00), line("b", "Travel", 10_000_00, 11_000_00)},
			class: ClassNotice, moved: 1_000_00, limit: 1_000_00, rule: "no approval is needed (89 Ill. Adm. Code 1400.240)",
		},
		{
			name:  "one cent over $1,000 of $50,000",
			lines: []Line{line("a", "Personnel", 40_000_00, 38_999_99), line("b", "Travel", 10_000_00, 11_000_01)},
			class: ClassApproval, moved: 1_000_01, limit: 1_000_00, rule: "more than the greater of $1,000.00 and 2 % of the total ($1,000.00)",
		},
		{
			// $132,500 (Prairie Families' ISBE PI budget): 2 % is $2,650, above the $1,000 floor.
			name: "exactly 2 % of $132,500",
			lines: []Line{line("a", "Personnel", 96_000_00, 93_350_00), line("b", "Supplies", 3_500_00, 6_150_00),
				line("c", "Fringe benefits", 24_000_00, 24_000_00), line("d", "Indirect costs", 9_000_00, 9_000_00)},
			class: ClassNotice, moved: 2_650_00, limit: 2_650_00,
		},
		{
			name: "2 % of $132,500 and a cent",
			lines: []Line{line("a", "Personnel", 96_000_00, 93_349_99), line("b", "Supplies", 3_500_00, 6_150_01),
				line("c", "Fringe benefits", 24_000_00, 24_000_00), line("d", "Indirect costs", 9_000_00, 9_000_00)},
			class: ClassApproval, moved: 2_650_01, limit: 2_650_00,
		},
		{
			// $20,000 total: the notice limit is the $1,000 floor (2 % is $400). Earlier notice-only
			// transfers moved $1,000: this $1,000 makes $2,000, exactly 10 % — not over it.
			name:    "cumulative exactly 10 %",
			lines:   []Line{line("a", "Training", 15_000_00, 14_000_00), line("b", "Supplies", 5_000_00, 6_000_00)},
			earlier: 1_000_00, class: ClassNotice, moved: 1_000_00, limit: 1_000_00,
		},
		{
			name:    "cumulative a cent over 10 %",
			lines:   []Line{line("a", "Training", 15_000_00, 14_000_00), line("b", "Supplies", 5_000_00, 6_000_00)},
			earlier: 1_000_01, class: ClassApproval, moved: 1_000_00, limit: 1_000_00, rule: "more than 10 % of the approved total of $20,000.00",
		},
		{
			// Adding the I/ECMH consultation line, paid for from Personnel: a new line item needs
			// approval whatever its size.
			name:  "a new line funded from another",
			lines: []Line{line("a", "Personnel", 96_000_00, 95_500_00), line("", "I/ECMH consultation", 0, 500_00)},
			class: ClassApproval, moved: 500_00, limit: 1_920_00, // 2 % of $96,000 rule: "adds a line item (I/ECMH consultation)",
		},
		{
			name:  "a raised total",
			lines: []Line{line("a", "Personnel", 96_000_00, 96_000_00), line("", "I/ECMH consultation", 0, 12_500_00)},
			class: ClassTotal, limit: 1_920_00, rule: "It raises the funding's total from $96,000.00 to $108,500.00",
		},
		{
			name:  "a lowered total",
			lines: []Line{line("a", "Personnel", 10_000_00, 9_000_00)},
			class: ClassTotal, limit: 1_000_00, rule: "It lowers the funding's total",
		},
		{
			// Removing a line (to zero) and moving its money is a transfer.
			name:  "a line removed into another",
			lines: []Line{line("a", "Personnel", 60_000_00, 60_800_00), line("b", "Supplies", 800_00, 0)},
			class: ClassNotice, moved: 800_00, limit: 1_216_00, // 2 % of $60,800
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Classify(c.lines, r, c.earlier)
			if got.Class != c.class {
				t.Fatalf("class %q, want %q (rule: %s)", got.Class, c.class, got.Rule)
			}
			if c.class != ClassTotal && got.Moved != c.moved {
				t.Errorf("moved %s, want %s", got.Moved, c.moved)
			}
			if got.NoticeLimit != c.limit {
				t.Errorf("notice limit %s, want %s", got.NoticeLimit, c.limit)
			}
			if c.rule != "" && !strings.Contains(got.Rule, c.rule) {
				t.Errorf("rule %q does not say %q", got.Rule, c.rule)
			}
			if got.Cumulative != c.earlier+got.Moved && c.class != ClassTotal {
				t.Errorf("cumulative %s, want %s", got.Cumulative, c.earlier+got.Moved)
			}
		})
	}
}

func TestClassifyEditedRules(t *testing.T) {
	r := Rules{NoticeCents: 5_000_00, NoticeBP: 500, ApprovalBP: 2500}
	// $100,000: the notice limit is 5 % = $5,000 (equal to the floor); $5,000 moved is notice.
	got := Classify([]Line{line("a", "Personnel", 90_000_00, 85_000_00), line("b", "Travel", 10_000_00, 15_000_00)}, r, 0)
	if got.Class != ClassNotice || got.NoticeLimit != 5_000_00 {
		t.Fatalf("got %s with limit %s: %s", got.Class, got.NoticeLimit, got.Rule)
	}
	if !strings.Contains(got.Rule, "5 % of the total") {
		t.Errorf("the rule names the funder's own share: %s", got.Rule)
	}
	if got.CumulativeBP != 500 {
		t.Errorf("cumulative share %s, want 5 %%", got.CumulativeBP)
	}
}

func TestClassifyNothingChanged(t *testing.T) {
	got := Classify([]Line{line("a", "Personnel", 1_000_00, 1_000_00)}, DefaultRules("f"), 0)
	if !got.Empty() {
		t.Fatal("a proposal that changes nothing is empty")
	}
}

func BenchmarkClassify50Lines(b *testing.B) {
	lines := make([]Line, 50)
	for i := range lines {
		lines[i] = line("l"+itoa(i), "Line "+itoa(i), money.Cents(10_000_00+i*100), money.Cents(10_000_00+i*100))
	}
	lines[3].ProposedCents -= 750_00
	lines[40].ProposedCents += 750_00
	r := DefaultRules("f")
	b.ReportAllocs()
	for b.Loop() {
		_ = Classify(lines, r, 0)
	}
}
