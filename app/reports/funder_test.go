package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/sealed"
	"github.com/holdspace/holdspace/app/tenants"
)

// funderFixture is a small tenant built by hand, so every figure of the reports can be worked
// out on paper (the arithmetic is in the tests' comments).
//
// Funders: MIECHV (federal calendar) and "Other Funder" (state calendar).
// Programs and fundings:
//
//	P1 "Sunrise Home Visiting":   MIECHV FY 2025 and FY 2026
//	P2 "Maple Early Head Start":  MIECHV FY 2025
//	P3 "Cedar Child Care":        Other Funder FY 2025 (and FY 2026)
//	P4 "Birch Doulas":            MIECHV FY 2025, no session
//
// Engagements (stage now → TA stage): E1 P1 implementation → Implementation; E2 P1
// pre_assessment → Preparation; E3 P2 post_assessment → Evaluation (a child and family
// focus, initials QXZ); E4 P3 qi_plan → Plan.
//
// Sessions (participants; staff = all but family members):
//
//	S1 E1 2024-11-05  60 min  educators 3, family 2   staff 3   fed FY25 Q1
//	S2 E1 2025-02-10  90 min  educators 2, admins 1   staff 3   fed FY25 Q2
//	S3 E2 2025-08-15  45 min  home visitors 1, family 1 staff 1 fed FY25 Q4, state FY26 Q1
//	S4 E3 2025-08-20  40 min  educators 4             staff 4   fed FY25 Q4, state FY26 Q1 (sealed notes, summary, a follow-up)
//	S5 E4 2025-03-01 120 min  educators 5             staff 5   Other Funder's program
//	S6 E1 2025-10-02  50 min  educators 1             staff 1   fed FY26 Q1, state FY26 Q2
//	S7 E1 2024-09-30  30 min  educators 1             staff 1   fed FY24 Q4, state FY25 Q1
//	S8 E1 2024-11-20  30 min  educators 3, family 2   staff 3   fed FY25 Q1 (like S1: counted together)
type funderFixture struct {
	db                   *bun.DB
	ctx                  context.Context // the tenant admin
	tenantID             string
	miechv, other        string
	p1, p2, p3, p4       string
	e1, e2, e3, e4       string
	noteText, noteSealed string
	summary, followUp    string
	deps                 Deps
}

func newFunderFixture(t *testing.T) *funderFixture {
	t.Helper()
	db := dbtest.Open(t)
	ctx0 := context.Background()
	fx := &funderFixture{db: db, tenantID: database.NewID(), noteText: "SEALED-NOTE-Ava cried at drop-off",
		summary: "SUMMARY-Talked through the morning routine", followUp: "FOLLOWUP-Call the family on Tuesday"}
	now := database.Now()
	if _, err := dbtest.Owner(t, db).ExecContext(ctx0, `INSERT INTO tenants (id, slug, name, kind, state, status, plan, time_zone, created_at, updated_at)
		VALUES (?, ?, 'Fixture Partnership', 'state_system', 'IL', 'active', 'trial', 'America/Chicago', ?, ?)`,
		fx.tenantID, "fixture-"+dbtest.RandomHex(4), now, now); err != nil {
		t.Fatal(err)
	}
	fx.ctx = audit.WithActor(database.WithScope(ctx0, database.Scope{TenantID: fx.tenantID, TenantSlug: "fixture", UserID: database.NewID(), Role: authz.TenantAdmin}),
		audit.Actor{Email: "admin@fixture.example"})
	fx.deps = Deps{DB: db, Audit: audit.New(db), Tenants: tenants.NewStore(db),
		Now: func() time.Time { return time.Date(2025, 12, 1, 12, 0, 0, 0, time.UTC) }}
	tx, err := database.For(fx.ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	org := func(kind, name, short, programKind, county string) string {
		o := &tenants.Organisation{ID: database.NewID(), Kind: kind, Name: name, ShortName: short, ProgramKind: programKind, County: county,
			CreatedAt: now, UpdatedAt: now}
		must(tx.Insert(o).Exec(fx.ctx))
		return o.ID
	}
	fx.miechv = org(tenants.OrgFunder, "Maternal, Infant, and Early Childhood Home Visiting", "MIECHV", "", "")
	fx.other = org(tenants.OrgFunder, "Other Funder", "", "", "")
	fx.p1 = org(tenants.OrgProgram, "Sunrise Home Visiting", "", "home_visiting", "Cook")
	fx.p2 = org(tenants.OrgProgram, "Maple Early Head Start", "", "head_start", "Lake")
	fx.p3 = org(tenants.OrgProgram, "Cedar Child Care", "", "child_care_center", "Will")
	fx.p4 = org(tenants.OrgProgram, "Birch Doulas", "", "doula", "Cook")
	for _, f := range []struct {
		program, funder string
		fy              int
	}{{fx.p1, fx.miechv, 2025}, {fx.p1, fx.miechv, 2026}, {fx.p2, fx.miechv, 2025}, {fx.p3, fx.other, 2025}, {fx.p3, fx.other, 2026}, {fx.p4, fx.miechv, 2025}} {
		must(tx.Insert(&programs.Funding{ID: database.NewID(), ProgramID: f.program, FunderID: f.funder, FiscalYear: f.fy, CreatedAt: now, UpdatedAt: now}).Exec(fx.ctx))
	}
	profile := database.NewID()
	eng := func(program, stage, focus string) string {
		e := &consultation.Engagement{ID: database.NewID(), AssignmentID: database.NewID(), ProfileID: profile, ProgramID: program,
			Focus: focus, Stage: stage, Kind: consultation.KindConsultation, OpenedOn: "2024-09-01", CreatedBy: "x", CreatedAt: now, UpdatedAt: now}
		if focus == consultation.FocusChildFamily {
			e.ChildInitials, e.ChildAgeBand = "QXZ", "2–3 years"
		}
		must(tx.Insert(e).Exec(fx.ctx))
		return e.ID
	}
	fx.e1 = eng(fx.p1, consultation.StageImplementation, consultation.FocusProgram)
	fx.e2 = eng(fx.p1, consultation.StagePreAssessment, consultation.FocusStaffGroup)
	fx.e3 = eng(fx.p2, consultation.StagePostAssessment, consultation.FocusChildFamily)
	fx.e4 = eng(fx.p3, consultation.StagePlan, consultation.FocusProgram)
	keys, err := sealed.New(sealed.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	session := func(e, program, day string, minutes int, p database.Counts) *consultation.Session {
		s := &consultation.Session{ID: database.NewID(), EngagementID: e, ProfileID: profile, ProgramID: program, HeldOn: day,
			Minutes: minutes, Mode: "in_person", Service: "reflective_group", Participants: p, Topics: database.StringList{"Attachment", "Safe sleep"},
			CreatedBy: "x", CreatedAt: now, UpdatedAt: now}
		return s
	}
	s4 := session(fx.e3, fx.p2, "2025-08-20", 40, database.Counts{"educators": 4})
	s4.Mode, s4.Service, s4.TrainingTopic = "virtual", "mini_training", "Trauma"
	s4.Summary = fx.summary
	if fx.noteSealed, err = keys.Seal(fx.noteText, fx.tenantID, s4.ID); err != nil {
		t.Fatal(err)
	}
	s4.NotesSealed = fx.noteSealed
	for _, s := range []*consultation.Session{
		session(fx.e1, fx.p1, "2024-11-05", 60, database.Counts{"educators": 3, "family_members": 2}),
		session(fx.e1, fx.p1, "2025-02-10", 90, database.Counts{"educators": 2, "administrators": 1}),
		session(fx.e2, fx.p1, "2025-08-15", 45, database.Counts{"home_visitors": 1, "family_members": 1}),
		s4,
		session(fx.e4, fx.p3, "2025-03-01", 120, database.Counts{"educators": 5}),
		session(fx.e1, fx.p1, "2025-10-02", 50, database.Counts{"educators": 1}),
		session(fx.e1, fx.p1, "2024-09-30", 30, database.Counts{"educators": 1}),
		session(fx.e1, fx.p1, "2024-11-20", 30, database.Counts{"educators": 3, "family_members": 2}),
	} {
		must(tx.Insert(s).Exec(fx.ctx))
	}
	must(tx.Insert(&consultation.FollowUp{ID: database.NewID(), SessionID: s4.ID, EngagementID: fx.e3, ProfileID: profile,
		Description: fx.followUp, DueOn: "2025-08-27", CreatedAt: now}).Exec(fx.ctx))

	// An instrument: subscale A (higher is better, first), subscale B (lower is better).
	ins := &consultation.Instrument{ID: database.NewID(), Name: "Fixture Interaction Scale", ShortName: "FIS", HigherIsBetter: true, CreatedAt: now}
	must(tx.Insert(ins).Exec(fx.ctx))
	subA := &consultation.Subscale{ID: database.NewID(), InstrumentID: ins.ID, Name: "Responsive practices", Position: 0, MaxHundredths: 1000, HigherIsBetter: true}
	subB := &consultation.Subscale{ID: database.NewID(), InstrumentID: ins.ID, Name: "Red flags", Position: 1, MaxHundredths: 1000}
	must(tx.Insert(subA).Exec(fx.ctx))
	must(tx.Insert(subB).Exec(fx.ctx))
	assess := func(e, phase, day string, a, b int64, withB bool) {
		x := &consultation.Assessment{ID: database.NewID(), EngagementID: e, InstrumentID: ins.ID, Phase: phase, AdministeredOn: day,
			AdministeredBy: "x", CreatedAt: now, UpdatedAt: now}
		must(tx.Insert(x).Exec(fx.ctx))
		must(tx.Insert(&consultation.Score{AssessmentID: x.ID, SubscaleID: subA.ID, ScoreHundredths: a}).Exec(fx.ctx))
		if withB {
			must(tx.Insert(&consultation.Score{AssessmentID: x.ID, SubscaleID: subB.ID, ScoreHundredths: b}).Exec(fx.ctx))
		}
	}
	// E1: pre 2.00/3.00; an earlier post 2.50; the latest post 3.50/2.00 → A +1.50 (better), B −1.00.
	assess(fx.e1, consultation.PhasePre, "2024-11-01", 200, 300, true)
	assess(fx.e1, consultation.PhasePost, "2025-03-01", 250, 300, true)
	assess(fx.e1, consultation.PhasePost, "2025-06-01", 350, 200, true)
	// E2: the first pre 4.00/1.00 (a later pre 0.00 is not the one compared); post 3.00/1.50 →
	// A −1.00 (not improved), B +0.50.
	assess(fx.e2, consultation.PhasePre, "2025-01-15", 400, 100, true)
	assess(fx.e2, consultation.PhasePre, "2025-03-01", 0, 0, true)
	assess(fx.e2, consultation.PhasePost, "2025-07-01", 300, 150, true)
	// E3: a pre without a post: not compared.
	assess(fx.e3, consultation.PhasePre, "2025-02-01", 100, 0, false)
	// E4 (Other Funder's program): pre and post, never in MIECHV's report.
	assess(fx.e4, consultation.PhasePre, "2024-12-01", 100, 900, true)
	assess(fx.e4, consultation.PhasePost, "2025-05-01", 900, 100, true)
	return fx
}

func (fx *funderFixture) tenant(t *testing.T) *tenants.Tenant {
	t.Helper()
	ten, err := fx.deps.Tenants.TenantByID(fx.ctx, fx.tenantID)
	if err != nil {
		t.Fatal(err)
	}
	return ten
}

func (fx *funderFixture) as(role, org string) context.Context {
	return database.WithScope(context.Background(), database.Scope{TenantID: fx.tenantID, TenantSlug: "fixture", UserID: database.NewID(), Role: role, OrganisationID: org})
}

func columnValues(r *FunderReport, row []FigureRow, name string) []string {
	for _, f := range row {
		if f.Name == name {
			return f.Values
		}
	}
	return nil
}

func TestFunderReportFigures(t *testing.T) {
	fx := newFunderFixture(t)
	f := NewFunderReports(fx.deps)
	ten := fx.tenant(t)
	miechv, err := f.Funder(fx.ctx, fx.miechv)
	if err != nil {
		t.Fatal(err)
	}
	if got := OwnCalendar(ten, miechv); got != CalendarFederal {
		t.Fatalf("MIECHV's calendar %q, want federal", got)
	}

	t.Run("federal FY 2025", func(t *testing.T) {
		y := Year{Calendar: CalendarFederal, FY: 2025, StartMonth: 10}
		r, err := f.Report(fx.ctx, fx.miechv, y)
		if err != nil {
			t.Fatal(err)
		}
		// Funded in FY 2025: P1, P2, P4 = 3.
		if r.Funded != 3 {
			t.Errorf("funded %d, want 3", r.Funded)
		}
		var due []string
		for _, c := range r.Columns {
			due = append(due, c.DueOn)
		}
		if strings.Join(due, "|") != "February 15, 2025|May 15, 2025|August 15, 2025|November 15, 2025|" {
			t.Errorf("due dates %q", due)
		}
		want := map[string][]string{
			// Q1: S1, S8 (P1). Q2: S2 (P1). Q3: none. Q4: S3 (P1), S4 (P2). Year: P1, P2.
			"Programs served": {"1", "1", "0", "2", "2"},
			// S5 is Other Funder's; S6 and S7 are outside the year.
			"Sessions": {"2", "1", "0", "2", "5"},
			// Q1 (60+30)/60 = 1.5; Q2 90/60 = 1.5; Q4 (45+40)/60 = 1.416 → 1.4; year 265/60 = 4.416 → 4.4.
			"Hours": {"1.5", "1.5", "0.0", "1.4", "4.4"},
			// Q1 3+3 (family members left out); Q2 2+1 = 3; Q4 1 + 4 = 5; year 6+3+5 = 14.
			"Staff reached (attendances)": {"6", "3", "0", "5", "14"},
		}
		for name, w := range want {
			if got := columnValues(r, r.Figures(), name); strings.Join(got, " ") != strings.Join(w, " ") {
				t.Errorf("%s: got %v, want %v", name, got, w)
			}
		}
		// Engagements with a session in the period, by their stage now: Q1 and Q2 E1
		// (Implementation); Q4 E2 (Preparation) and E3 (Evaluation); the year all three.
		stages := map[string][]string{
			"Preparation":    {"0", "0", "0", "1", "1"},
			"Plan":           {"0", "0", "0", "0", "0"},
			"Implementation": {"1", "1", "0", "0", "1"},
			"Evaluation":     {"0", "0", "0", "1", "1"},
			"Sustainability": {"0", "0", "0", "0", "0"},
		}
		if got := r.TAStages; strings.Join(got, ",") != "Preparation,Plan,Implementation,Evaluation,Sustainability" {
			t.Errorf("TA stages %v", got)
		}
		for name, w := range stages {
			if got := columnValues(r, r.StageRows(), name); strings.Join(got, " ") != strings.Join(w, " ") {
				t.Errorf("stage %s: got %v, want %v", name, got, w)
			}
		}
		// Outcomes: E1 (A +1.50 better, B −1.00) and E2 (A −1.00, B +0.50); E3 has no post,
		// E4 is another funder's. Improved on A: 1 of 2. Mean A (1.50 − 1.00)/2 = +0.25; mean B
		// (−1.00 + 0.50)/2 = −0.25.
		if len(r.Outcomes) != 1 {
			t.Fatalf("outcomes %+v", r.Outcomes)
		}
		o := r.Outcomes[0]
		if o.Short != "FIS" || o.Engagements != 2 || o.Improved != 1 || o.FirstSubscale != "Responsive practices" {
			t.Errorf("outcome %+v", o)
		}
		if len(o.Subscales) != 2 || o.Subscales[0].Mean != "+0.25" || o.Subscales[1].Mean != "-0.25" ||
			o.Subscales[0].Compared != 2 || o.Subscales[1].BetterWhen() != "lower" {
			t.Errorf("subscales %+v", o.Subscales)
		}
	})

	t.Run("state FY 2026", func(t *testing.T) {
		// July 2025–June 2026. Funded in FY 2026: P1 only (P2's funding is FY 2025's, so S4
		// is not counted). S3 (2025-08-15) is Q1 here, although it is federal FY 2025 Q4;
		// S6 (2025-10-02) is Q2.
		y := Year{Calendar: CalendarState, FY: 2026, StartMonth: 7}
		if y.QuarterOf("2025-08-15") != 1 || (Year{Calendar: CalendarFederal, FY: 2025, StartMonth: 10}).QuarterOf("2025-08-15") != 4 {
			t.Fatal("2025-08-15 is state FY 2026 Q1 and federal FY 2025 Q4")
		}
		r, err := f.Report(fx.ctx, fx.miechv, y)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Columns {
			if c.DueOn != "" {
				t.Errorf("a state quarter has a due date: %+v", c)
			}
		}
		want := map[string][]string{
			"Programs served": {"1", "1", "0", "0", "1"},
			"Sessions":        {"1", "1", "0", "0", "2"},
			// 45/60 = 0.75 → 0.8; 50/60 = 0.83 → 0.8; 95/60 = 1.58 → 1.6.
			"Hours":                       {"0.8", "0.8", "0.0", "0.0", "1.6"},
			"Staff reached (attendances)": {"1", "1", "0", "0", "2"},
		}
		for name, w := range want {
			if got := columnValues(r, r.Figures(), name); strings.Join(got, " ") != strings.Join(w, " ") {
				t.Errorf("%s: got %v, want %v", name, got, w)
			}
		}
		if len(r.Outcomes) != 0 {
			t.Errorf("no pre and post of FY 2026, got %+v", r.Outcomes)
		}
	})

	t.Run("a funder sees its own report only", func(t *testing.T) {
		y := Year{Calendar: CalendarFederal, FY: 2025, StartMonth: 10}
		if _, err := f.Report(fx.as(authz.Funder, fx.other), fx.miechv, y); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("another funder's report: %v, want not found", err)
		}
		if _, err := f.Report(fx.as(authz.Program, fx.p1), fx.miechv, y); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("a program's person: %v, want not found", err)
		}
		// Other Funder's own report holds only P3: S5 (Q2 of federal FY 2025, 120 min, 5 staff).
		r, err := f.Report(fx.as(authz.Funder, fx.other), fx.other, y)
		if err != nil {
			t.Fatal(err)
		}
		if got := columnValues(r, r.Figures(), "Sessions"); strings.Join(got, " ") != "0 1 0 0 1" {
			t.Errorf("Other Funder's sessions %v", got)
		}
		if got := columnValues(r, r.Figures(), "Hours"); got[4] != "2.0" {
			t.Errorf("Other Funder's hours %v", got)
		}
		if len(r.Outcomes) != 1 || r.Outcomes[0].Engagements != 1 || r.Outcomes[0].Improved != 1 {
			t.Errorf("Other Funder's outcomes %+v", r.Outcomes)
		}
		list, err := f.FundersFor(fx.as(authz.Funder, fx.other))
		if err != nil || len(list) != 1 || list[0].ID != fx.other {
			t.Errorf("a funder's list: %v %v", list, err)
		}
		list, err = f.FundersFor(fx.ctx)
		if err != nil || len(list) != 2 {
			t.Errorf("the admin's list: %v %v", list, err)
		}
	})

	t.Run("files", func(t *testing.T) {
		r, err := f.Report(fx.ctx, fx.miechv, Year{Calendar: CalendarFederal, FY: 2025, StartMonth: 10})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := r.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		rd := csv.NewReader(&b)
		rd.FieldsPerRecord = -1
		rows, err := rd.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, row := range rows {
			if row[0] == "Hours" && strings.Join(row[1:6], " ") == "1.5 1.5 0.0 1.4 4.4" && row[6] == howHours {
				found = true
			}
		}
		if !found {
			t.Errorf("the CSV has no hours line:\n%v", rows)
		}
		b.Reset()
		if err := r.WriteXLSX(&b); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := strings.Join(x.GetSheetList(), ","); got != "About,Figures,TA stages,Outcomes" {
			t.Fatalf("sheets %q", got)
		}
		fig, err := x.GetRows("Figures")
		if err != nil {
			t.Fatal(err)
		}
		if fig[0][4] != "Q4 (July–September 2025), due November 15, 2025" || fig[2][0] != "Sessions" || fig[2][5] != "5" {
			t.Errorf("Figures sheet %q", fig)
		}
		if typ, _ := x.GetCellType("Figures", "F3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("a count is stored as %v, want a number", typ)
		}
		out, err := x.GetRows("Outcomes")
		if err != nil {
			t.Fatal(err)
		}
		if out[1][0] != "FIS" || out[1][1] != "Responsive practices" || out[1][3] != "2" || out[1][4] != "1" || out[1][6] != "0.25" {
			t.Errorf("Outcomes sheet %q", out)
		}
	})
}
