package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/storage"
)

// exportCSV writes the export of span sp as CSV and reads it back.
func exportCSV(t *testing.T, fx *funderFixture, sp exportSpan) (string, [][]string) {
	t.Helper()
	var b bytes.Buffer
	var last [2]int
	if err := writeSessionsCSV(fx.ctx, fx.db, sp, &b, func(done, total int) { last = [2]int{done, total} }); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if last[0] != len(rows)-1 || last[1] != len(rows)-1 {
		t.Errorf("last progress %v for %d rows", last, len(rows)-1)
	}
	return b.String(), rows
}

func TestSessionsExport(t *testing.T) {
	fx := newFunderFixture(t)
	head := sessionColumns()
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q", name)
		return -1
	}

	t.Run("a year, every program, de-identified", func(t *testing.T) {
		// State FY 2026 (July 2025–June 2026): S3, S4 and S6, program by program (P1 was made
		// before P2), each in date order: S3, S6, then S4.
		y := Year{Calendar: CalendarState, FY: 2026, StartMonth: 7}
		text, rows := exportCSV(t, fx, exportSpan{From: y.From(), To: y.To(), FY: y.FY, Year: y})
		if len(rows) != 4 || strings.Join(rows[0], "|") != strings.Join(head, "|") {
			t.Fatalf("rows %q", rows)
		}
		if rows[1][0] != "2025-08-15" || rows[2][0] != "2025-10-02" || rows[3][0] != "2025-08-20" {
			t.Fatalf("dates %q %q %q", rows[1][0], rows[2][0], rows[3][0])
		}
		s4 := rows[3]
		for name, want := range map[string]string{
			"Minutes": "40", "Mode": "Virtual", "Service": "Mini-training", "Training topic": "Trauma",
			"Topics": "Attachment; Safe sleep", "Participants: Teachers / educators": "4", "Participants: Family members": "0",
			"Program": "Maple Early Head Start", "County": "Lake", "Engagement focus": "A child and family",
			"TA stage": "Evaluation", "Fiscal quarter": "FY 2025–26 Q1",
		} {
			if got := s4[col(name)]; got != want {
				t.Errorf("%s: got %q, want %q", name, got, want)
			}
		}
		if got := rows[1][col("Participants: Family members")]; got != "1" {
			t.Errorf("S3's family members %q", got)
		}
		if got := rows[2][col("Fiscal quarter")]; got != "FY 2025–26 Q2" {
			t.Errorf("S6's quarter %q", got)
		}
		// Nothing that names or describes a person: the notes (neither sealed nor opened), the
		// summary, the child's initials and age band, the follow-up's text, the staff group.
		for _, secret := range []string{fx.noteSealed, fx.noteText, "SEALED-NOTE", fx.summary, "SUMMARY-", "QXZ", "2–3 years", fx.followUp, "FOLLOWUP-"} {
			if strings.Contains(text, secret) {
				t.Errorf("the export holds %q", secret)
			}
		}
	})

	t.Run("the federal calendar and a funder's programs", func(t *testing.T) {
		// Federal FY 2025 Q4 (July–September 2025) of MIECHV's FY 2025 programs: S3 and S4,
		// both "FY 2024–25 Q4" on this calendar.
		y := Year{Calendar: CalendarFederal, FY: 2025, StartMonth: 10}
		p := PeriodOf(y, 4)
		_, rows := exportCSV(t, fx, exportSpan{From: p.From, To: p.To, FunderID: fx.miechv, FY: 2025, Year: y})
		if len(rows) != 3 || rows[1][col("Fiscal quarter")] != "FY 2024–25 Q4" || rows[2][col("Program")] != "Maple Early Head Start" {
			t.Fatalf("rows %q", rows)
		}
		// Other Funder, the whole federal FY 2025: S5 only.
		_, rows = exportCSV(t, fx, exportSpan{From: y.From(), To: y.To(), FunderID: fx.other, FY: 2025, Year: y})
		if len(rows) != 2 || rows[1][col("Program")] != "Cedar Child Care" || rows[1][col("Fiscal quarter")] != "FY 2024–25 Q2" {
			t.Fatalf("rows %q", rows)
		}
	})

	t.Run("XLSX, past a sheet's rows", func(t *testing.T) {
		// Three rows and the header with sheets of 3 lines: the header and two rows on
		// "Sessions", the header and the third on "Sessions 2".
		defer func(n int) { maxSheetRows = n }(maxSheetRows)
		maxSheetRows = 3
		y := Year{Calendar: CalendarState, FY: 2026, StartMonth: 7}
		var b bytes.Buffer
		if err := writeSessionsXLSX(fx.ctx, fx.db, exportSpan{From: y.From(), To: y.To(), FY: y.FY, Year: y}, &b, func(int, int) {}); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := strings.Join(x.GetSheetList(), ","); got != "Sessions,Sessions 2" {
			t.Fatalf("sheets %q", got)
		}
		one, _ := x.GetRows("Sessions")
		two, _ := x.GetRows("Sessions 2")
		if len(one) != 3 || len(two) != 2 || one[0][0] != "Date" || two[0][0] != "Date" || one[2][0] != "2025-10-02" || two[1][0] != "2025-08-20" {
			t.Fatalf("sheets %q / %q", one, two)
		}
		if two[1][col("Minutes")] != "40" || two[1][col("TA stage")] != "Evaluation" || two[1][col("Participants: Teachers / educators")] != "4" {
			t.Errorf("S4 in the XLSX %q", two[1])
		}
		// A count of none is a blank cell (a sum reads it as 0).
		if len(two[1]) > col("Participants: Family members") && two[1][col("Participants: Family members")] != "" {
			t.Errorf("S4's family members %q", two[1][col("Participants: Family members")])
		}
		if typ, _ := x.GetCellType("Sessions 2", "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("minutes stored as %v", typ)
		}
	})
}

func TestParseCounts(t *testing.T) {
	if len(participantRoles) > maxRoles {
		t.Fatalf("%d participant roles: raise maxRoles", len(participantRoles))
	}
	counts := make([]int, len(participantRoles))
	for in, want := range map[string]map[string]int{
		`{"educators":3,"family_members":1}`:    {"educators": 3, "family_members": 1},
		`{ "ei_team" : 2 , "other": 10 }`:       {"ei_team": 2, "other": 10},
		`{}`:                                    {},
		``:                                      {},
		`{"educ\u0061tors":5}`:                  {"educators": 5}, // escaped: through encoding/json
		`{"educators":1,"not_a_role":4}`:        {"educators": 1},
		`{"supervisors":12345678901,"other":1}`: {"supervisors": 12345678901, "other": 1},
		`{"administrators":-1,"home_visitors":0}`: {"administrators": -1},
	} {
		if err := parseCounts(in, counts); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		for i, r := range participantRoles {
			if counts[i] != want[r] {
				t.Errorf("%s: %s = %d, want %d", in, r, counts[i], want[r])
			}
		}
	}
	if err := parseCounts(`{"educators":`, counts); err == nil {
		t.Error("a broken column was read")
	}
	for in, want := range map[string]string{
		`["Attachment","Safe sleep"]`: "Attachment; Safe sleep",
		`["One"]`:                     "One",
		`[]`:                          "",
		`["Quote \"here\"","x"]`:      `Quote "here"; x`,
		`["a, b","c"]`:                "a, b; c",
	} {
		if got, err := joinTopics(in); err != nil || got != want {
			t.Errorf("joinTopics(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestReportRuns: both kinds are runs of app/runs: built from their parameters, seen only by
// who asked, each download audited.
func TestReportRuns(t *testing.T) {
	fx := newFunderFixture(t)
	rs := runs.NewService(fx.db, fx.deps.Audit, nil, storage.NewLocal(t.TempDir()))
	fx.deps.Runs = rs
	funders := NewFunderReports(fx.deps)
	export := NewSessionsExport(fx.deps, funders)
	build := func(r *runs.Run) {
		t.Helper()
		if err := rs.Build(database.WithScope(context.Background(), database.Scope{TenantID: fx.tenantID}), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	download := func(ctx context.Context, id string) (*runs.Run, string) {
		t.Helper()
		r, rc, err := rs.Download(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return r, string(b)
	}
	audited := func() int {
		t.Helper()
		n, err := dbtestCount(fx, "audit_events", "action = 'run.download'")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// A funder's person asks for its sessions export: whatever the form said, its programs only.
	funderCtx := fx.as(authz.Funder, fx.other)
	r, err := export.Start(funderCtx, SessionsFilter{Calendar: "federal", FY: 2025, FunderID: fx.miechv, Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	if r.SubjectID != fx.other {
		t.Fatalf("a funder's export is of %q, want its own funder", r.SubjectID)
	}
	build(r)
	before := audited()
	got, body := download(funderCtx, r.ID)
	if got.FileName != "Sessions FY 2024–25 (federal).csv" || !strings.Contains(body, "Cedar Child Care") || strings.Contains(body, "Sunrise") {
		t.Fatalf("%s:\n%s", got.FileName, body)
	}
	if audited() != before+1 {
		t.Error("the download was not audited")
	}
	// Someone else, even a tenant admin, does not find it.
	if _, _, err := rs.Download(fx.ctx, r.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another person's download: %v", err)
	}
	if _, err := export.Start(funderCtx, SessionsFilter{Format: "pdf"}); apperr.Code(err) != apperr.EINVALID {
		t.Fatalf("a pdf: %v", err)
	}
	if _, err := export.Start(fx.ctx, SessionsFilter{Format: "csv", FunderID: fx.p1}); apperr.Code(err) != apperr.EINVALID {
		t.Fatalf("a program as the funder filter: %v", err)
	}

	// The admin's funder report as XLSX.
	rep, err := funders.Start(fx.ctx, fx.miechv, Year{Calendar: CalendarFederal, FY: 2025, StartMonth: 10}, "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := rs.Kind(FunderReportKind); k.Lifetime != 30*24*60*60*1e9 {
		t.Errorf("lifetime %v", k.Lifetime)
	}
	if label, path := mustKind(t, rs, FunderReportKind).Back(rep); label != "Back to the report" || path != "reports/funders/"+fx.miechv+"?calendar=federal&fy=2025" {
		t.Errorf("back %q %q", label, path)
	}
	build(rep)
	got, body = download(fx.ctx, rep.ID)
	if got.FileName != "MIECHV report FY 2024–25 (federal).xlsx" || got.ExpiresAt == nil {
		t.Fatalf("%+v", got)
	}
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	fig, _ := x.GetRows("Figures")
	if len(fig) < 3 || fig[2][5] != "5" {
		t.Errorf("figures %q", fig)
	}
	// Another funder does not start MIECHV's.
	if _, err := funders.Start(funderCtx, fx.miechv, Year{Calendar: CalendarFederal, FY: 2025, StartMonth: 10}, "csv"); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another funder's report: %v", err)
	}
}

func mustKind(t *testing.T, rs *runs.Service, name string) runs.Kind {
	t.Helper()
	k, ok := rs.Kind(name)
	if !ok {
		t.Fatalf("no kind %s", name)
	}
	return k
}

func dbtestCount(fx *funderFixture, table, where string) (int, error) {
	t, err := database.For(fx.ctx, fx.db)
	if err != nil {
		return 0, err
	}
	n, err := t.SelectFrom(table, "x").Where(where).Count(fx.ctx)
	return int(n), err
}

// TestPipelineStops: a writer that fails stops the reading too, and its error is returned.
func TestPipelineStops(t *testing.T) {
	fx := newFunderFixture(t)
	y := Year{Calendar: CalendarFederal, FY: 2025, StartMonth: 10}
	stop := io.ErrShortWrite
	seen := 0
	err := eachSessionPipelined(fx.ctx, fx.db, exportSpan{From: "0000-01-01", To: "9999-12-31", Year: y}, func(int, int) {}, func(*sessionRecord) error {
		seen++
		return stop
	})
	if err != stop || seen != 1 {
		t.Fatalf("got %v after %d rows, want %v after 1", err, seen, stop)
	}
	all := 0
	if err := eachSessionPipelined(fx.ctx, fx.db, exportSpan{From: "0000-01-01", To: "9999-12-31", Year: y}, func(int, int) {}, func(*sessionRecord) error {
		all++
		return nil
	}); err != nil || all != 8 {
		t.Fatalf("%d rows, %v; want the fixture's 8", all, err)
	}
}
