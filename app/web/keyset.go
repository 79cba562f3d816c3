package web

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Keyset paging: a list page starts just after a row ("after", the older or next rows) or
// just before one ("before", the newer or previous rows), named by the row's sort key values
// (its cursor), never by an offset, so page 2,000 costs what page 1 costs.
//
// A cursor is the key values joined by "~"; a "~" or "%" inside a value is escaped ("%7E",
// "%25"), so names with any character survive the round trip.

// Cursor is the cursor of a row whose sort keys are keys, in the list's order.
func Cursor(keys ...string) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('~')
		}
		b.WriteString(cursorEscaper.Replace(k))
	}
	return b.String()
}

var cursorEscaper = strings.NewReplacer("%", "%25", "~", "%7E")

// ParseCursor splits cursor c into its n key values; ok is false for anything else (a
// cursor made up by hand is treated as no cursor: the first page).
func ParseCursor(c string, n int) ([]string, bool) {
	if c == "" || len(c) > 2000 {
		return nil, false
	}
	parts := strings.Split(c, "~")
	if len(parts) != n {
		return nil, false
	}
	for i, p := range parts {
		v, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = v
	}
	return parts, true
}

// Keyset is where a page starts, from the query string.
type Keyset struct {
	After  string // the page shows the rows after this cursor
	Before string // the page shows the rows before this cursor (going back)
}

// KeysetFrom reads "after" and "before" from the query string (copied: fiber's strings are
// only good during the handler).
func KeysetFrom(c *fiber.Ctx) Keyset {
	return Keyset{After: strings.Clone(c.Query("after")), Before: strings.Clone(c.Query("before"))}
}

// Keys are the cursor's n key values and whether the page goes backwards (before the cursor);
// ok is false on the first page.
func (k Keyset) Keys(n int) (keys []string, backward, ok bool) {
	if k.Before != "" {
		if keys, ok = ParseCursor(k.Before, n); ok {
			return keys, true, true
		}
	}
	keys, ok = ParseCursor(k.After, n)
	return keys, false, ok
}

// Comparison is the SQL the store needs for a list ordered desc (true: newest first) or asc:
// the operator a row's keys take against the cursor, and the direction of ORDER BY, for this
// page (a backward page reads the other way, and KeysetPage turns it round).
func (k Keyset) Comparison(n int, desc bool) (op, order string) {
	_, backward, _ := k.Keys(n)
	if desc != backward {
		return "<", "DESC"
	}
	return ">", "ASC"
}

// KeysetPage cuts rows, read with limit+1 in the order of Comparison, to the page: it turns a
// backward page round and says the cursors of the next page (more rows after) and of the
// previous one (rows before; "" on the first page).
func KeysetPage[T any](k Keyset, n int, rows []T, limit int, cursor func(*T) string) (page []T, next, prev string) {
	_, backward, ok := k.Keys(n)
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if len(rows) == 0 {
		return rows, "", ""
	}
	if !backward {
		if more {
			next = cursor(&rows[len(rows)-1])
		}
		if ok {
			prev = cursor(&rows[0])
		}
		return rows, next, prev
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	next = cursor(&rows[len(rows)-1])
	if more {
		prev = cursor(&rows[0])
	}
	return rows, next, prev
}

// TrimToWeight cuts rows, read in the page's order with limit+1, for a page whose rows weigh
// differently (a program and its consultants): it keeps rows while their weights add up to at
// most budget (always the first), and returns them with the row after (so KeysetPage sees that
// more follow) and the limit to give KeysetPage.
func TrimToWeight[T any](rows []T, limit, budget int, weight func(*T) int) ([]T, int) {
	sum := 0
	for i := range rows {
		if i == limit {
			break
		}
		sum += weight(&rows[i])
		if i > 0 && sum > budget {
			return rows[:i+1], i
		}
	}
	return rows, limit
}

// Pager is what a list's pagination links need: the page's path, the filter (kept in every
// link) and the cursors of the next and previous pages.
type Pager struct {
	Base   string
	Filter url.Values
	Next   string
	Prev   string
	// First is whether this is the first page (no cursor): no "Back to the start" link.
	First bool
	// For the shared links (views/audit/_pager.html): the nav's name, the element an htmx
	// link swaps (an id, without "#"; "" for plain links) and the links' words.
	Label, Target, NextText, PrevText, FirstText string
}

// Words sets the pager's nav label, htmx target and link words; it returns the pager.
func (p Pager) Words(label, target, next, prev, first string) Pager {
	p.Label, p.Target, p.NextText, p.PrevText, p.FirstText = label, target, next, prev, first
	return p
}

// NewPager is the pager of a page at base with filter q (its "after"/"before" are dropped).
func NewPager(base string, q url.Values, k Keyset, next, prev string) Pager {
	f := url.Values{}
	for key, vs := range q {
		if key != "after" && key != "before" && key != "page" && len(vs) > 0 && vs[0] != "" {
			f.Set(key, vs[0])
		}
	}
	return Pager{Base: base, Filter: f, Next: next, Prev: prev, First: k.After == "" && k.Before == ""}
}

// NextURL is the link to the next page ("" when there is none).
func (p Pager) NextURL() template.URL { return p.link("after", p.Next) }

// PrevURL is the link to the previous page ("" when there is none).
func (p Pager) PrevURL() template.URL { return p.link("before", p.Prev) }

// FirstURL is the link to the first page, filter kept.
func (p Pager) FirstURL() template.URL {
	if len(p.Filter) == 0 {
		return template.URL(p.Base)
	}
	return template.URL(p.Base + "?" + p.Filter.Encode())
}

// Any is whether there is a link to show.
func (p Pager) Any() bool { return p.Next != "" || p.Prev != "" || !p.First }

func (p Pager) link(key, cursor string) template.URL {
	if cursor == "" {
		return ""
	}
	v := url.Values{}
	for k, vs := range p.Filter {
		v[k] = vs
	}
	v.Set(key, cursor)
	return template.URL(p.Base + "?" + v.Encode())
}
