// Package csvout writes every CSV file Holdspace hands out (the tenant export, the sessions
// download, the import template and problem list). A spreadsheet reads a cell that starts with
// = + - @, a tab or a carriage return as a formula, so text a person typed ("=HYPERLINK(…)")
// could run when the file is opened: every cell goes through Cell, which puts an apostrophe
// before such a cell (the spreadsheet shows the text as typed). A plain number ("-12.50") is
// left as it is: it cannot be a formula. Every CSV writer in the repository is this one (a
// test fails on another csv.NewWriter).
package csvout

import (
	"encoding/csv"
	"io"
)

// Cell is s made safe to open in a spreadsheet.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if isNumber(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// isNumber reports whether s is a plain decimal number: a sign, digits, at most one point.
func isNumber(s string) bool {
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	digits, point := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0
}

// Writer is a csv.Writer whose every cell goes through Cell.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter writes CSV to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell guarded.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// Flush writes what is buffered to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error is the first error of a Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }
