package imports

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/money"
)

// rowsOf reads every data row of text (already checked) as the importer does.
func rowsOf(t *testing.T, text, kind string) []record {
	t.Helper()
	s, msg := openSheet(text, kind)
	if msg != "" {
		t.Fatalf("the header of an accepted file is refused: %s", msg)
	}
	var out []record
	for {
		rec, msg, err := s.next()
		if err == io.EOF {
			return out
		}
		if msg != "" {
			t.Fatalf("a row of an accepted file is refused: %s", msg)
		}
		rec.Cells = append([]string(nil), rec.Cells...)
		out = append(out, rec)
	}
}

// FuzzImportFile feeds any bytes to the CSV importer as a programs file and as a people file.
// It never panics; a file is refused with a message, or accepted as UTF-8 text without a NUL
// byte whose rows all read; every cell it hands on is valid UTF-8 without a NUL; every
// problem of a programs row names a column of the file and its row; an amount or a year it
// accepts is in range; and the rows written out again as CSV read back the same.
func FuzzImportFile(f *testing.F) {
	row := "Prairie Families,Home visiting,Cook,English;Spanish,IDHS-DEC,FY 2025-26,yes,Personnel,\"12,500.00\"\n"
	for _, s := range []string{
		programsHeader + row,
		programsHeader + row + "\n,,,,,,,,\n" + "=HYPERLINK(\"x\"),doula,Cook,,X,2026,no,Other,-5\n",
		"\xef\xbb\xbf" + programsHeader + "A,B,C,D,E,F,G,H,I,J,K\n",
		programsHeader + "\"unterminated,doula\n",
		programsHeader + "A\x00,doula,Cook,,X,2026,,Other,1\n",
		programsHeader + "Caf\xe9,doula,Cook,,X,2026,,Other,1\n",
		"\xff\xfe" + "p\x00r\x00",
		"email,name,role,organisation\njo@example.org,Jo,consultant,\nkim@example.org,\"Kim, K\",program,Prairie Families\n",
		"email,,name\n",
		"Budget_Amount, PROGRAM_NAME ,program_kind,county,languages,funder,fiscal_year,iecmhc_funded,budget_category,,\n" +
			"99999999999999,A,doula,Cook,,X,2026,,Other,,\n",
		programsHeader + strings.Repeat("x", 300) + ",doula,Cook,,X,FY 99-00,maybe,Other,1.234\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, kind := range Kinds {
			text, n, msg := checkFile(b, kind)
			if msg != "" {
				if text != "" || n != 0 || !utf8.ValidString(msg) {
					t.Fatalf("refused (%q) yet text %d bytes, %d rows", msg, len(text), n)
				}
				continue
			}
			if !utf8.ValidString(text) || strings.IndexByte(text, 0) >= 0 {
				t.Fatalf("accepted text that is not UTF-8 or holds a NUL")
			}
			rows := rowsOf(t, text, kind)
			if len(rows) != n || n == 0 || n > MaxRows {
				t.Fatalf("checkFile counted %d rows, the sheet gives %d", n, len(rows))
			}
			cols := ColumnsOf(kind)
			for _, r := range rows {
				if len(r.Cells) != len(cols) || r.Row < 2 {
					t.Fatalf("row %d has %d cells for %d columns", r.Row, len(r.Cells), len(cols))
				}
				for _, c := range r.Cells {
					if !utf8.ValidString(c) || strings.IndexByte(c, 0) >= 0 || c != strings.TrimSpace(c) {
						t.Fatalf("row %d hands on the cell %q", r.Row, c)
					}
				}
			}
			// Written out again, the rows read back the same.
			var out bytes.Buffer
			w := csv.NewWriter(&out)
			_ = w.Write(cols)
			for _, r := range rows {
				_ = w.Write(r.Cells)
			}
			w.Flush()
			again, n2, msg := checkFile(out.Bytes(), kind)
			if msg != "" || n2 != n {
				t.Fatalf("rows written out again: %d rows, %q (first time %d)", n2, msg, n)
			}
			back := rowsOf(t, again, kind)
			for i := range rows {
				if strings.Join(back[i].Cells, "\x1f") != strings.Join(rows[i].Cells, "\x1f") {
					t.Fatalf("row %d read back as %q, was %q", i, back[i].Cells, rows[i].Cells)
				}
			}
			if kind != KindPrograms {
				continue
			}
			for _, r := range rows {
				var problems []Problem
				p := parseProgramRow(r, func(pr Problem) { problems = append(problems, pr) })
				for _, pr := range problems {
					if pr.Row != r.Row || (pr.Field != "" && !contains(cols, pr.Field)) || pr.Message == "" || !utf8.ValidString(pr.Message) {
						t.Fatalf("problem %+v of row %d", pr, r.Row)
					}
				}
				if p.AmountCents < 0 || p.AmountCents > int64(money.Max) {
					t.Fatalf("row %d: amount %d", r.Row, p.AmountCents)
				}
				if p.FiscalYear != 0 && (p.FiscalYear < 1900 || p.FiscalYear > 9999) {
					t.Fatalf("row %d: fiscal year %d from %q", r.Row, p.FiscalYear, r.get(cols, "fiscal_year"))
				}
				if len(problems) == 0 && (p.Name == "" || p.Funder == "" || p.Category == "" || p.FiscalYear == 0) {
					t.Fatalf("row %d accepted without a name, funder, category or year: %+v", r.Row, p)
				}
			}
		}
	})
}
