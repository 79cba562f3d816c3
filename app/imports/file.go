package imports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Columns of each kind of file, in the order the template has them. A file may have them in
// any order, in any letter case.
var (
	ProgramColumns = []string{"program_name", "program_kind", "county", "languages", "funder", "fiscal_year",
		"iecmhc_funded", "budget_category", "budget_amount"}
	PeopleColumns = []string{"email", "name", "role", "organisation"}
)

// ColumnsOf returns the columns of a kind of file, or nil for an unknown kind.
func ColumnsOf(kind string) []string {
	switch kind {
	case KindPrograms:
		return ProgramColumns
	case KindPeople:
		return PeopleColumns
	}
	return nil
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// notUTF8 is the message for a file in another encoding: spreadsheet programs offer "CSV
// UTF-8" as a format of its own, which is what the person has to choose.
const notUTF8 = "The file is not UTF-8 text: save it as CSV UTF-8"

// decodeText checks that b is UTF-8 text and returns it without a byte order mark; otherwise
// the message says what is wrong. A NUL byte is refused too (it is not text, and
// PostgreSQL cannot keep it in a TEXT column): UTF-16 without a BOM shows up that way.
func decodeText(b []byte) (string, string) {
	if len(bytes.TrimSpace(b)) == 0 {
		return "", "The file is empty: it needs a header row and at least one row of data."
	}
	if bytes.HasPrefix(b, bomUTF16LE) || bytes.HasPrefix(b, bomUTF16BE) {
		return "", notUTF8 + " (it is UTF-16, which some spreadsheet programs call “Unicode text”)."
	}
	b = bytes.TrimPrefix(b, bomUTF8)
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return "", notUTF8 + fmt.Sprintf(" (line %d holds a NUL byte).", bytes.Count(b[:i], []byte{'\n'})+1)
	}
	if !utf8.Valid(b) {
		line := 1
		for i := 0; i < len(b); {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			if b[i] == '\n' {
				line++
			}
			i += n
		}
		return "", notUTF8 + fmt.Sprintf(" (line %d is the first with a character that is not UTF-8, such as an accented letter saved by an older program).", line)
	}
	return string(b), ""
}

// record is one data row of a file: its line number (the header is line 1, as a spreadsheet
// numbers its rows) and its cells, trimmed, in the kind's column order.
type record struct {
	Row   int
	Cells []string
	// Width is how many values the row had, when that differs from the header (else 0).
	Width int
}

// get returns the cell of a column.
func (r record) get(cols []string, name string) string {
	for i, c := range cols {
		if c == name {
			return r.Cells[i]
		}
	}
	return ""
}

// sheet reads a file's rows one at a time, after its header has been checked.
type sheet struct {
	r     *csv.Reader
	kind  string
	index []int // for each of the kind's columns, its position in the file
	width int   // the header's width (trailing unnamed columns excluded)
}

// openSheet reads the header of text as a file of kind. The message names what is wrong with
// the header: missing, unknown and repeated columns.
func openSheet(text, kind string) (*sheet, string) {
	want := ColumnsOf(kind)
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, "The file is empty: it needs a header row and at least one row of data."
	}
	if err != nil {
		return nil, csvProblem(err)
	}
	// Spreadsheets often add empty columns at the end of the header: those are ignored.
	width := len(header)
	for width > 0 && strings.TrimSpace(header[width-1]) == "" {
		width--
	}
	pos := map[string]int{}
	var problems []string
	var unknown []string
	for i, h := range header[:width] {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			problems = append(problems, fmt.Sprintf("Column %d of the header row has no name.", i+1))
		case !contains(want, name):
			unknown = append(unknown, strings.TrimSpace(h))
		default:
			if _, seen := pos[name]; seen {
				problems = append(problems, fmt.Sprintf("Column %s appears twice.", name))
			}
			pos[name] = i
		}
	}
	var missing []string
	for _, c := range want {
		if _, ok := pos[c]; !ok {
			missing = append(missing, c)
		}
	}
	var msg []string
	if len(missing) > 0 {
		msg = append(msg, columnList("Missing column", missing))
	}
	if len(unknown) > 0 {
		msg = append(msg, columnList("Unknown column", unknown))
	}
	msg = append(msg, problems...)
	if len(msg) > 0 {
		return nil, strings.Join(msg, " ") + " The header row of a " + strings.ToLower(KindLabel(kind)) +
			" file names these columns, in any order: " + strings.Join(want, ", ") + "."
	}
	s := &sheet{r: r, kind: kind, width: width}
	for _, c := range want {
		s.index = append(s.index, pos[c])
	}
	return s, ""
}

func columnList(what string, names []string) string {
	if len(names) == 1 {
		return what + ": " + names[0] + "."
	}
	return what + "s: " + strings.Join(names, ", ") + "."
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// csvProblem names the line of a CSV syntax error.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("Line %d of the file is not valid CSV (%v): check the quotation marks on that line.", pe.StartLine, pe.Err)
	}
	return "The file is not valid CSV: " + err.Error()
}

// next returns the next data row, skipping rows with nothing in them. It returns io.EOF at
// the end, or a message for a CSV syntax error.
func (s *sheet) next() (record, string, error) {
	for {
		cells, err := s.r.Read()
		if err == io.EOF {
			return record{}, "", io.EOF
		}
		if err != nil {
			return record{}, csvProblem(err), nil
		}
		line, _ := s.r.FieldPos(0)
		empty := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		rec := record{Row: line, Cells: make([]string, len(s.index))}
		// Values beyond the header's named columns are allowed only when empty.
		n := len(cells)
		for n > s.width && strings.TrimSpace(cells[n-1]) == "" {
			n--
		}
		if n != s.width {
			rec.Width = n
		}
		for i, p := range s.index {
			if p < len(cells) {
				rec.Cells[i] = strings.TrimSpace(cells[p])
			}
		}
		return rec, "", nil
	}
}

// checkFile is what the upload checks at once, before anything is stored: the encoding, the
// header and the number of rows. It returns the text (UTF-8, without BOM) and the number of
// data rows, or a message about the file.
func checkFile(b []byte, kind string) (string, int, string) {
	if len(b) > MaxFileBytes {
		return "", 0, fmt.Sprintf("The file is %.1f MB; the limit is %d MB: split it into smaller files.",
			float64(len(b))/(1<<20), MaxFileBytes>>20)
	}
	text, msg := decodeText(b)
	if msg != "" {
		return "", 0, msg
	}
	s, msg := openSheet(text, kind)
	if msg != "" {
		return "", 0, msg
	}
	n := 0
	for {
		_, msg, err := s.next()
		if err == io.EOF {
			break
		}
		if msg != "" {
			return "", 0, msg
		}
		n++
		if n > MaxRows {
			// Count on, to say how many: the file is at most 5 MB.
			continue
		}
	}
	switch {
	case n == 0:
		return "", 0, "The file has a header row but no rows of data."
	case n > MaxRows:
		return "", 0, fmt.Sprintf("The file has %s rows of data; the limit is %s: split it into smaller files.",
			thousands(n), thousands(MaxRows))
	}
	return text, n, ""
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
