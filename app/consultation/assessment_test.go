package consultation_test

import (
	"context"
	"sync"
	"testing"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/tenants"
)

func TestInstrumentBuiltinsAreIdempotent(t *testing.T) {
	db := dbtest.Open(t)
	bg := context.Background()
	ts := tenants.NewStore(db)
	var ctxs []context.Context
	for _, slug := range []string{"alpha", "beta"} {
		tn := &tenants.Tenant{Slug: slug, Name: slug, Kind: tenants.KindStateSystem, State: "NC", Status: tenants.StatusTrial,
			Plan: "trial", TimeZone: "America/New_York"}
		if err := ts.CreateTenant(bg, tn); err != nil {
			t.Fatal(err)
		}
		ctxs = append(ctxs, database.WithScope(bg, database.Scope{TenantID: tn.ID, TenantSlug: slug, Role: "tenant_admin"}))
	}
	ins := consultation.NewInstruments(db, audit.New(db))
	// Twice at once, then again: the same four instruments with their subscales.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = ins.EnsureBuiltins(ctxs[0]) }()
	}
	wg.Wait()
	for _, err := range errs {
		// SQLite may refuse a second writer while the first holds the lock; a retry is fine.
		if err != nil && !dbtest.IsPostgres(db) {
			if err := ins.EnsureBuiltins(ctxs[0]); err != nil {
				t.Fatal(err)
			}
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if err := ins.EnsureBuiltins(ctxs[0]); err != nil {
		t.Fatal(err)
	}
	list, err := ins.List(ctxs[0])
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"TPITOS": 3, "TPOT": 3, "CLASS Pre-K": 3, "DECA-P2": 5}
	if len(list) != len(want) {
		t.Fatalf("got %d instruments, want %d", len(list), len(want))
	}
	for _, x := range list {
		if want[x.ShortName] != len(x.Subscales) {
			t.Errorf("%s has %d subscales, want %d", x.ShortName, len(x.Subscales), want[x.ShortName])
		}
		for _, s := range x.Subscales {
			if s.Name == "Red flags (count)" || s.Name == "Behavioral Concerns" {
				if s.HigherIsBetter {
					t.Errorf("%s %s: lower should be better", x.ShortName, s.Name)
				}
			} else if !s.HigherIsBetter {
				t.Errorf("%s %s: higher should be better", x.ShortName, s.Name)
			}
		}
	}
	n, err := dbtest.Owner(t, db).NewSelect().Table("instrument_subscales").Count(bg)
	if err != nil || n != 14 {
		t.Fatalf("subscales: %d, %v; want 14 (only the first tenant has them yet)", n, err)
	}
	n, err = dbtest.Owner(t, db).NewSelect().Table("audit_events").Where("action = ?", "instrument.builtin").Count(bg)
	if err != nil || n != 1 {
		t.Fatalf("audit events: %d, %v; want 1", n, err)
	}
	// The other tenant gets its own, lazily, on first use.
	other, err := ins.List(ctxs[1])
	if err != nil || len(other) != 4 || other[0].ID == list[0].ID {
		t.Fatalf("the other tenant's instruments: %v, %v", other, err)
	}
	// A tenant's own instrument: validated, named, and its short name unique.
	in := consultation.InstrumentInput{Name: "Family Engagement Checklist", ShortName: "tpot",
		Subscales: []consultation.SubscaleInput{{Name: "Warmth", Min: "5", Max: "1"}, {Name: "", Min: "", Max: ""}, {Name: "Concerns", Min: "0", Max: "x"}}}
	_, err = ins.Create(ctxs[0], in)
	fields := apperr.FieldsOf(err)
	if fields["short_name"] == "" || fields["sub_max_0"] != "The highest score must be above the lowest." || fields["sub_max_2"] == "" {
		t.Fatalf("want named errors, got %v", err)
	}
	in.ShortName = "FEC"
	in.Subscales = []consultation.SubscaleInput{{Name: "Warmth", Min: "1", Max: "5.5"}, {Name: "Concerns", Min: "0", Max: "10", LowerIsBetter: true}}
	got, err := ins.Create(ctxs[0], in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Subscales) != 2 || got.Subscales[0].MaxHundredths != 550 || got.Subscales[1].HigherIsBetter {
		t.Fatalf("subscales stored wrong: %+v", got.Subscales)
	}
	if _, err := ins.Create(ctxs[0], in); apperr.FieldsOf(err)["short_name"] == "" {
		t.Fatalf("a second FEC: want a short_name error, got %v", err)
	}
	if _, err := ins.Create(ctxs[1], in); err != nil {
		t.Fatalf("another tenant may use the same short name: %v", err)
	}
	if _, err := ins.ByID(ctxs[1], got.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another tenant's instrument: want ENOTFOUND, got %v", err)
	}
}

func TestScoreParsing(t *testing.T) {
	for in, want := range map[string]int64{"85": 8500, "3.5": 350, "3.25": 325, "-1.25": -125, "0": 0, ".5": 50, " 72 ": 7200} {
		got, ok := consultation.ParseScore(in)
		if !ok || got != want {
			t.Errorf("ParseScore(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "1.234", "1.", "1,5", "--1", "1e3", "."} {
		if _, ok := consultation.ParseScore(in); ok {
			t.Errorf("ParseScore(%q) accepted", in)
		}
	}
	for v, want := range map[int64]string{8500: "85", 350: "3.5", 325: "3.25", -125: "-1.25", 5: "0.05", -50: "-0.5"} {
		if got := consultation.ScoreText(v); got != want {
			t.Errorf("ScoreText(%d) = %q, want %q", v, got, want)
		}
	}
}

func TestAssessmentValidationAndChange(t *testing.T) {
	ins := &consultation.Instrument{ID: "i", ShortName: "DECA-P2", Subscales: []consultation.Subscale{
		{ID: "a", Name: "Initiative", MinHundredths: 2800, MaxHundredths: 7200, HigherIsBetter: true},
		{ID: "b", Name: "Self-Regulation", MinHundredths: 2800, MaxHundredths: 7200, HigherIsBetter: true},
		{ID: "c", Name: "Behavioral Concerns", MinHundredths: 2800, MaxHundredths: 7200, HigherIsBetter: false},
	}}
	_, err := consultation.ValidateAssessment(consultation.AssessmentInput{InstrumentID: "i", Phase: "during",
		AdministeredOn: "2026-03-16", Scores: map[string]string{"a": "", "b": "80", "c": "5x"}}, ins, "2026-03-15")
	f := apperr.FieldsOf(err)
	for field, want := range map[string]string{
		"phase":           "Choose pre-assessment or post-assessment.",
		"administered_on": "The date cannot be in the future.",
		"score_a":         "Enter the Initiative score.",
		"score_b":         "The Self-Regulation score must be from 28 to 72.",
		"score_c":         "Enter the Behavioral Concerns score as a number, with at most two decimals.",
	} {
		if f[field] != want {
			t.Errorf("%s: got %q, want %q", field, f[field], want)
		}
	}
	pre, err := consultation.ValidateAssessment(consultation.AssessmentInput{InstrumentID: "i", Phase: "pre",
		AdministeredOn: "2026-03-15", Scores: map[string]string{"a": "40", "b": "42.5", "c": "65"}}, ins, "2026-03-15")
	if err != nil {
		t.Fatal(err)
	}
	rows := consultation.CompareScores(ins.Subscales, &consultation.Assessment{Scores: pre},
		&consultation.Assessment{Scores: map[string]int64{"a": 4825, "b": 4250, "c": 5800}})
	want := []struct{ change, dir string }{{"+8.25", "better"}, {"0", "same"}, {"-7", "better"}}
	for i, w := range want {
		if rows[i].ChangeText() != w.change || rows[i].Direction != w.dir {
			t.Errorf("%s: got %s %s, want %s %s", rows[i].Subscale.Name, rows[i].ChangeText(), rows[i].Direction, w.change, w.dir)
		}
	}
	// Worse: higher concerns, lower initiative. Without a post, nothing is compared.
	rows = consultation.CompareScores(ins.Subscales, &consultation.Assessment{Scores: pre},
		&consultation.Assessment{Scores: map[string]int64{"a": 3900, "c": 7000}})
	if rows[0].Direction != "worse" || rows[1].Direction != "" || rows[1].DirectionWords() != "Not yet compared" || rows[2].Direction != "worse" {
		t.Errorf("got %+v", rows)
	}
}

func TestPlanGoalValidation(t *testing.T) {
	p := &consultation.Plan{StartsOn: "2026-03-01", EndsOn: "2026-06-30"}
	_, err := consultation.ValidateGoal(consultation.GoalInput{Indicator: "TPOT key practices", DueOn: "2026-07-15", Status: "done"}, p)
	f := apperr.FieldsOf(err)
	for field, want := range map[string]string{
		"goal":   "Enter the goal.",
		"target": "Enter the target.",
		"owner":  "Enter who is responsible.",
		"due_on": "The due date must fall within the plan, from 2026-03-01 to 2026-06-30.",
		"status": "Choose a status.",
	} {
		if f[field] != want {
			t.Errorf("%s: got %q, want %q", field, f[field], want)
		}
	}
	if _, ok := f["indicator"]; ok {
		t.Error("the indicator was typed")
	}
	g, err := consultation.ValidateGoal(consultation.GoalInput{Goal: " Calm transitions ", Indicator: "TPOT transitions item", Target: "80%",
		Owner: "Lead teacher", DueOn: "2026-05-01"}, p)
	if err != nil || g.Text != "Calm transitions" || g.Status != consultation.GoalNotStarted {
		t.Fatalf("got %+v, %v", g, err)
	}
}
