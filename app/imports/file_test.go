package imports

import (
	"fmt"
	"strings"
	"testing"
)

const programsHeader = "program_name,program_kind,county,languages,funder,fiscal_year,iecmhc_funded,budget_category,budget_amount\n"

func TestDecodeText(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		got, msg := decodeText([]byte("a,b\n1,2\n"))
		if msg != "" || got != "a,b\n1,2\n" {
			t.Fatalf("got %q, %q", got, msg)
		}
	})
	t.Run("StripsTheUTF8BOM", func(t *testing.T) {
		got, msg := decodeText([]byte("\xEF\xBB\xBFemail,name\n"))
		if msg != "" || got != "email,name\n" {
			t.Fatalf("got %q, %q, want the text without its BOM", got, msg)
		}
	})
	for name, in := range map[string][]byte{
		"ErrLatin1":      []byte("program_name\nCaf\xe9 Familias\n"),
		"ErrUTF16LE":     append([]byte{0xFF, 0xFE}, []byte("e\x00m\x00")...),
		"ErrUTF16BE":     append([]byte{0xFE, 0xFF}, []byte("\x00e\x00m")...),
		"ErrUTF16NoBOM":  []byte("e\x00m\x00a\x00i\x00l\x00"),
		"ErrWindows1252": []byte("name\n\x93quoted\x94\n"),
	} {
		t.Run(name, func(t *testing.T) {
			_, msg := decodeText(in)
			if !strings.HasPrefix(msg, "The file is not UTF-8 text: save it as CSV UTF-8") {
				t.Fatalf("got %q, want the UTF-8 message", msg)
			}
		})
	}
	t.Run("ErrLatin1NamesTheLine", func(t *testing.T) {
		_, msg := decodeText([]byte("a\nb\nCaf\xe9\n"))
		if !strings.Contains(msg, "line 3") {
			t.Fatalf("got %q, want it to name line 3", msg)
		}
	})
	t.Run("ErrEmpty", func(t *testing.T) {
		if _, msg := decodeText([]byte(" \n")); !strings.Contains(msg, "The file is empty") {
			t.Fatalf("got %q", msg)
		}
	})
}

func TestCheckFile(t *testing.T) {
	row := "Prairie Families,Home visiting,Cook,English,IDHS-DEC,2026,yes,Personnel,\"12,500.00\"\n"
	t.Run("OK", func(t *testing.T) {
		text, n, msg := checkFile([]byte(programsHeader+row+row+"\n,,,,,,,,\n"), KindPrograms)
		if msg != "" || n != 2 || !strings.HasPrefix(text, "program_name") {
			t.Fatalf("got %d rows, %q; want 2 rows (blank rows skipped) and no message", n, msg)
		}
	})
	t.Run("AnyOrderAnyCase", func(t *testing.T) {
		_, n, msg := checkFile([]byte("Budget_Amount, PROGRAM_NAME ,program_kind,county,languages,funder,fiscal_year,iecmhc_funded,budget_category,,\n1,A,doula,Cook,,X,2026,,Other,,\n"), KindPrograms)
		if msg != "" || n != 1 {
			t.Fatalf("got %d rows, %q", n, msg)
		}
	})
	cases := []struct {
		name, kind, text string
		want             []string
	}{
		{"ErrMissingColumn", KindPrograms, strings.Replace(programsHeader, "county,", "", 1) + "a\n", []string{"Missing column: county."}},
		{"ErrUnknownColumn", KindPrograms, strings.TrimSuffix(programsHeader, "\n") + ",colour\n" + strings.TrimSuffix(row, "\n") + ",red\n", []string{"Unknown column: colour."}},
		{"ErrWrongColumns", KindPeople, "e-mail,name,role\nx@y.org,X,consultant\n", []string{"Missing columns: email, organisation.", "Unknown column: e-mail."}},
		{"ErrRepeatedColumn", KindPeople, "email,name,role,organisation,email\n", []string{"Column email appears twice."}},
		{"ErrUnnamedColumn", KindPeople, "email,,name,role,organisation\n", []string{"Column 2 of the header row has no name."}},
		{"ErrHeaderOnly", KindPeople, "email,name,role,organisation\n", []string{"no rows of data"}},
		{"ErrEmpty", KindPeople, "", []string{"The file is empty"}},
		{"ErrBadQuotes", KindPeople, "email,name,role,organisation\na@b.org,\"Jo,consultant,\n", []string{"is not valid CSV"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, msg := checkFile([]byte(tc.text), tc.kind)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Fatalf("got %q, want it to contain %q", msg, w)
				}
			}
		})
	}
	t.Run("ErrTooManyRows", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(programsHeader)
		for i := 0; i < MaxRows+1; i++ {
			b.WriteString(row)
		}
		_, _, msg := checkFile([]byte(b.String()), KindPrograms)
		if !strings.Contains(msg, "10,001 rows of data; the limit is 10,000") {
			t.Fatalf("got %q", msg)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		_, _, msg := checkFile(make([]byte, MaxFileBytes+1), KindPrograms)
		if !strings.Contains(msg, "the limit is 5 MB") {
			t.Fatalf("got %q", msg)
		}
	})
}

func TestParseFiscalYear(t *testing.T) {
	for in, want := range map[string]int{"2026": 2026, "FY 2026": 2026, "fy2026": 2026, "FY 26": 2026, "FY 2025-26": 2026,
		"2025-2026": 2026, "2025/26": 2026, "FY 24-25": 2025, " FY 2025 - 26 ": 2026, "FY 2025–26": 2026} {
		if got, ok := parseFiscalYear(in); !ok || got != want {
			t.Errorf("parseFiscalYear(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "FY", "26-27-28", "2025-27", "1999", "20266", "next year", "2026.0", "FY 2026-25"} {
		if got, ok := parseFiscalYear(in); ok {
			t.Errorf("parseFiscalYear(%q) = %d, want a refusal", in, got)
		}
	}
}

// TestProblemsCSVGuardsFormulas: a problem repeats what the file held; a cell a spreadsheet
// would run as a formula comes out with an apostrophe before it.
func TestProblemsCSVGuardsFormulas(t *testing.T) {
	imp := &Import{Problems: ProblemList{{Row: 2, Field: "program_name", Message: `=HYPERLINK("http://evil.example","x") is not a program.`},
		{Row: 3, Field: "@funder", Message: "-2+3"}}}
	var b strings.Builder
	if err := WriteProblems(&b, imp, func(int, int) {}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{`2,program_name,"'=HYPERLINK(""http://evil.example"",""x"") is not a program."`, "3,'@funder,'-2+3"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems CSV:\n%s\nwant a line %s", got, want)
		}
	}
}

// TestWriteProblems: every problem, one line each, in order, with its progress; a whole-file
// problem has no row.
func TestWriteProblems(t *testing.T) {
	imp := &Import{}
	imp.Problems = append(imp.Problems, Problem{Message: "The file has no rows of data."})
	for i := 0; i < 1200; i++ {
		imp.Problems = append(imp.Problems, Problem{Row: i + 2, Field: "email", Message: "not an email address"})
	}
	var b strings.Builder
	var seen []string
	if err := WriteProblems(&b, imp, func(done, total int) { seen = append(seen, fmt.Sprintf("%d/%d", done, total)) }); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 1202 || lines[0] != "row,column,problem" || lines[1] != ",,The file has no rows of data." ||
		lines[1201] != "1201,email,not an email address" {
		t.Fatalf("got %d lines: %q … %q", len(lines), lines[:min(3, len(lines))], lines[len(lines)-1])
	}
	if got := strings.Join(seen, " "); got != "0/1201 500/1201 1000/1201 1201/1201" {
		t.Errorf("progress %s", got)
	}
	if got := ProblemsFileName("Lakeview programs (été).csv"); got != "Lakeview_programs___t__-problems.csv" {
		t.Errorf("file name %q", got)
	}
}
