package reports

import "testing"

func shownOf(cs []Count) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

// TestSuppressLines: under ten is hidden; a line (row or column with a shown total) with one
// hidden count hides its next smallest; a hidden total hides its row.
func TestSuppressLines(t *testing.T) {
	t.Run("Row", func(t *testing.T) {
		tot, parts := suppressLines([]int{30}, [][]int{{12, 3, 15}}, nil)
		if got := shownOf(parts[0]); tot[0].String() != "30" || got[0] != FewerText || got[1] != FewerText || got[2] != "15" {
			t.Fatalf("got %s %v, want 30 and 12 hidden beside the 3", tot[0], got)
		}
	})
	t.Run("RowTwoHidden", func(t *testing.T) {
		_, parts := suppressLines([]int{35}, [][]int{{30, 3, 2}}, nil)
		if got := shownOf(parts[0]); got[0] != "30" || got[1] != FewerText || got[2] != FewerText {
			t.Fatalf("got %v, want only the two small ones hidden", got)
		}
	})
	t.Run("ColumnThenRow", func(t *testing.T) {
		// Row 3's 2 hides its 30. Column 1 (its total shown): 12, 11 and the hidden 2 → the 11
		// too; row 2 then has one hidden part beside a shown 14: the 14 too. Row 1 stays.
		tot, parts := suppressLines([]int{32, 25, 32}, [][]int{{12, 20}, {11, 14}, {2, 30}}, []bool{false, true, false})
		want := [][]string{{"12", "20"}, {FewerText, FewerText}, {FewerText, FewerText}}
		for i := range want {
			if got := shownOf(parts[i]); got[0] != want[i][0] || got[1] != want[i][1] || tot[i].Suppressed() {
				t.Fatalf("row %d: %s %v, want %v", i+1, tot[i], got, want[i])
			}
		}
	})
	t.Run("HiddenTotalHidesRow", func(t *testing.T) {
		// The totals' column (shown total 32): 20, 10, 2 → the 2 alone hidden, so the 10 too,
		// and its row's 10 with it.
		tot, parts := suppressLines([]int{20, 10, 2}, [][]int{{20}, {10}, {2}}, []bool{true})
		if tot[1].String() != FewerText || parts[1][0].String() != FewerText || tot[0].String() != "20" {
			t.Fatalf("got %v %v", shownOf(tot), parts)
		}
	})
}
