package web

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, keys := range [][]string{{"Ana", "a@x", "01"}, {"a~b", "100%", "~%7E"}, {"", "", "x"}} {
		got, ok := ParseCursor(Cursor(keys...), len(keys))
		if !ok || strings.Join(got, "|") != strings.Join(keys, "|") {
			t.Fatalf("Cursor(%q) came back as %q (%v)", keys, got, ok)
		}
	}
	if _, ok := ParseCursor("a~b", 3); ok {
		t.Fatal("a cursor with two keys parsed as three")
	}
	if _, ok := ParseCursor("%zz~b", 2); ok {
		t.Fatal("a malformed escape parsed")
	}
}

// keysetWalk pages through rows sorted by (name, id), as a store would with the cursor's
// comparison, forwards then backwards, and returns what each page shows.
func keysetWalk(t *testing.T, rows [][2]string, limit int) {
	t.Helper()
	sort.Slice(rows, func(i, j int) bool {
		if rows[i][0] != rows[j][0] {
			return rows[i][0] < rows[j][0]
		}
		return rows[i][1] < rows[j][1]
	})
	read := func(k Keyset) [][2]string {
		op, order := k.Comparison(2, false)
		keys, _, ok := k.Keys(2)
		var out [][2]string
		for _, r := range rows {
			if ok {
				c := strings.Compare(r[0], keys[0])
				if c == 0 {
					c = strings.Compare(r[1], keys[1])
				}
				if op == ">" && c <= 0 || op == "<" && c >= 0 {
					continue
				}
			}
			out = append(out, r)
		}
		if order == "DESC" {
			for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
				out[i], out[j] = out[j], out[i]
			}
		}
		if len(out) > limit+1 {
			out = out[:limit+1]
		}
		return out
	}
	cursor := func(r *[2]string) string { return Cursor(r[0], r[1]) }
	var pages [][][2]string
	var prevs []string
	k := Keyset{}
	for {
		page, next, prev := KeysetPage(k, 2, read(k), limit, cursor)
		pages, prevs = append(pages, page), append(prevs, prev)
		if next == "" {
			break
		}
		k = Keyset{After: next}
	}
	var all []string
	for _, p := range pages {
		for _, r := range p {
			all = append(all, r[0]+"/"+r[1])
		}
	}
	var want []string
	for _, r := range rows {
		want = append(want, r[0]+"/"+r[1])
	}
	if strings.Join(all, ",") != strings.Join(want, ",") {
		t.Fatalf("forward pages show %v, want every row once in order %v", all, want)
	}
	// Backwards from the last page, each "previous" link shows the page before it.
	for i := len(pages) - 1; i > 0; i-- {
		if prevs[i] == "" {
			t.Fatalf("page %d has no link back", i+1)
		}
		back, _, _ := KeysetPage(Keyset{Before: prevs[i]}, 2, read(Keyset{Before: prevs[i]}), limit, cursor)
		if fmt.Sprint(back) != fmt.Sprint(pages[i-1]) {
			t.Fatalf("back from page %d shows %v, want %v", i+1, back, pages[i-1])
		}
	}
	if prevs[0] != "" {
		t.Fatal("the first page links to a previous one")
	}
}

func TestKeysetPagesShowEveryRowOnce(t *testing.T) {
	var rows [][2]string
	for i := 0; i < 23; i++ {
		name := fmt.Sprintf("n%02d", i/2) // pairs of equal names: the id orders them
		if i >= 10 && i < 17 {
			name = "same" // a run of equal names across a page boundary
		}
		rows = append(rows, [2]string{name, fmt.Sprintf("id%03d", i)})
	}
	for _, limit := range []int{1, 3, 5, 7, 23, 50} {
		keysetWalk(t, append([][2]string(nil), rows...), limit)
	}
}

func TestPagerKeepsTheFilter(t *testing.T) {
	q := url.Values{"action": {"a b"}, "after": {"old"}, "empty": {""}}
	p := NewPager("/t/x/audit", q, Keyset{After: "old"}, Cursor("2026", "id1"), Cursor("2027", "id2"))
	if got := string(p.NextURL()); got != "/t/x/audit?action=a+b&after=2026~id1" {
		t.Fatalf("next link %q", got)
	}
	if got := string(p.PrevURL()); got != "/t/x/audit?action=a+b&before=2027~id2" {
		t.Fatalf("previous link %q", got)
	}
	if got := string(p.FirstURL()); got != "/t/x/audit?action=a+b" || p.First {
		t.Fatalf("first link %q (first page: %v)", got, p.First)
	}
}

// TestTrimToWeight: pages of rows that weigh differently (a program and its consultants) show
// every row once, forward and backward, each page within the budget unless it holds one row.
func TestTrimToWeight(t *testing.T) {
	weights := []int{3, 40, 70, 1, 1, 250, 20, 20, 20, 20, 20, 0, 99, 2}
	type row struct {
		id string
		w  int
	}
	var rows []row
	for i, w := range weights {
		rows = append(rows, row{fmt.Sprintf("id%02d", i), w})
	}
	const limit, budget = 4, 100
	read := func(k Keyset) []row {
		op, order := k.Comparison(1, false)
		keys, _, ok := k.Keys(1)
		var out []row
		for _, r := range rows {
			if !ok || op == ">" && r.id > keys[0] || op == "<" && r.id < keys[0] {
				out = append(out, r)
			}
		}
		if order == "DESC" {
			for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
				out[i], out[j] = out[j], out[i]
			}
		}
		return out[:min(len(out), limit+1)]
	}
	cursor := func(r *row) string { return Cursor(r.id) }
	walk := func(k Keyset, backward bool) (seen []string) {
		for n := 0; n < 50; n++ {
			got, lim := TrimToWeight(read(k), limit, budget, func(r *row) int { return r.w })
			page, next, prev := KeysetPage(k, 1, got, lim, cursor)
			sum := 0
			var ids []string
			for _, r := range page {
				sum += r.w
				ids = append(ids, r.id)
			}
			if len(page) == 0 || len(page) > limit || len(page) > 1 && sum > budget {
				t.Fatalf("page %v weighs %d in %d rows: want 1 to %d rows within %d (or one row)", ids, sum, len(page), limit, budget)
			}
			if backward {
				seen = append(ids, seen...)
				if prev == "" {
					return seen
				}
				k = Keyset{Before: prev}
			} else {
				seen = append(seen, ids...)
				if next == "" {
					return seen
				}
				k = Keyset{After: next}
			}
		}
		t.Fatal("the pages never end")
		return nil
	}
	var want []string
	for _, r := range rows {
		want = append(want, r.id)
	}
	if got := walk(Keyset{}, false); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("forward: %v, want %v", got, want)
	}
	if got := walk(Keyset{Before: "zz"}, true); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("backward: %v, want %v", got, want)
	}
}
