package tenants_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

func goodSettings() tenants.SettingsInput {
	return tenants.SettingsInput{Name: "Illinois I/ECMHC", TimeZone: "America/Chicago", StateFYStartMonth: "7",
		FederalFYStartMonth: "10", Counties: []string{"Will", "Cook", "St. Clair"}, Languages: []string{"Spanish", "English"},
		OtherLanguages: " Karen ,  Burmese,, karen"}
}

func TestValidateSettings(t *testing.T) {
	il := &tenants.Tenant{Name: "Old", State: "IL", TimeZone: "America/Chicago", StateFYStartMonth: 7, FederalFYStartMonth: 10}
	t.Run("OK", func(t *testing.T) {
		got, err := tenants.ValidateSettings(il, goodSettings())
		if err != nil {
			t.Fatal(err)
		}
		// Counties in the list's order; ticked languages in the list's order, then the typed
		// ones, without repeats.
		if strings.Join(got.Counties, "|") != "Cook|St. Clair|Will" || strings.Join(got.Languages, "|") != "English|Spanish|Karen|Burmese" {
			t.Fatalf("got counties %v, languages %v", got.Counties, got.Languages)
		}
		if strings.Join(got.OtherLanguages(), ",") != "Karen,Burmese" {
			t.Fatalf("got other languages %v", got.OtherLanguages())
		}
		if il.Name != "Old" {
			t.Fatal("ValidateSettings changed the tenant it was given")
		}
	})
	t.Run("AllCounties", func(t *testing.T) {
		in := goodSettings()
		in.AllCounties, in.Counties = true, nil
		got, err := tenants.ValidateSettings(il, in)
		if err != nil || len(got.Counties) != 102 {
			t.Fatalf("got %d counties, %v; want all 102", len(got.Counties), err)
		}
	})
	t.Run("ErrEveryFieldNamed", func(t *testing.T) {
		_, err := tenants.ValidateSettings(il, tenants.SettingsInput{Name: strings.Repeat("n", 201), TimeZone: "Europe/Paris",
			StateFYStartMonth: "13", FederalFYStartMonth: "abc", Counties: []string{"Cook", "Atlantis"},
			Languages: []string{"Klingon"}, OtherLanguages: "Karen, " + strings.Repeat("x", 41)})
		wantCode(t, err, apperr.EINVALID)
		fields := apperr.FieldsOf(err)
		for _, f := range []string{"name", "time_zone", "state_fy_start_month", "federal_fy_start_month", "counties", "languages", "languages_other"} {
			if fields[f] == "" {
				t.Errorf("no message for %s; got %v", f, fields)
			}
		}
		if !strings.Contains(fields["state_fy_start_month"], "state fiscal year") || !strings.Contains(fields["federal_fy_start_month"], "federal fiscal year") {
			t.Errorf("the month messages do not name their fiscal year: %v", fields)
		}
		_, err = tenants.ValidateSettings(il, tenants.SettingsInput{Name: " ", TimeZone: "", StateFYStartMonth: "0", FederalFYStartMonth: "10"})
		if f := apperr.FieldsOf(err); f["name"] == "" || f["time_zone"] == "" || f["state_fy_start_month"] == "" || f["federal_fy_start_month"] != "" {
			t.Errorf("got %v", f)
		}
	})
	t.Run("TypedCountiesWhereNoListExists", func(t *testing.T) {
		// Every state and DC has the Census list; a territory's counties are typed.
		tx := &tenants.Tenant{Name: "Guam", State: "GU"}
		in := goodSettings()
		in.Counties, in.CountiesText = nil, "Travis\n  Harris \n\nharris\r\nEl  Paso\n"
		got, err := tenants.ValidateSettings(tx, in)
		if err != nil || strings.Join(got.Counties, "|") != "El Paso|Harris|Travis" {
			t.Fatalf("got %v, %v", got.Counties, err)
		}
		in.CountiesText = strings.Repeat("y", 61)
		_, err = tenants.ValidateSettings(tx, in)
		if apperr.FieldsOf(err)["counties_text"] == "" {
			t.Fatalf("got %v, want a message on counties_text", err)
		}
	})
}

func TestSaveSettings(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "illinois", "Illinois")
	svc := tenants.NewService(e.db, e.store, e.acc, audit.New(e.db), nil, "http://holdspace.test")
	sc, _ := database.ScopeFrom(ctx)

	t.Run("ErrNothingWritten", func(t *testing.T) {
		in := goodSettings()
		in.StateFYStartMonth = "0"
		_, err := svc.SaveSettings(ctx, in)
		wantCode(t, err, apperr.EINVALID)
		got, _ := e.store.TenantByID(context.Background(), sc.TenantID)
		if got.Name != "Illinois" || got.SettingsConfirmedAt != nil || len(got.Counties) != 0 {
			t.Fatalf("a bad form changed the tenant: %+v", got)
		}
	})
	t.Run("OK", func(t *testing.T) {
		in := goodSettings()
		in.TimeZone, in.StateFYStartMonth = "America/Puerto_Rico", "1"
		if _, err := svc.SaveSettings(ctx, in); err != nil {
			t.Fatal(err)
		}
		got, _ := e.store.TenantByID(context.Background(), sc.TenantID)
		if got.Name != "Illinois I/ECMHC" || got.TimeZone != "America/Puerto_Rico" || got.StateFYStartMonth != 1 ||
			got.FederalFYStartMonth != 10 || len(got.Counties) != 3 || len(got.Languages) != 4 || got.SettingsConfirmedAt == nil {
			t.Fatalf("got %+v", got)
		}
		events, _, err := audit.New(e.db).List(ctx, audit.Filter{Action: "settings.update"})
		if err != nil || len(events) != 1 {
			t.Fatalf("got %d settings.update events, %v", len(events), err)
		}
	})
	t.Run("Checklist", func(t *testing.T) {
		tn, _ := e.store.TenantByID(context.Background(), sc.TenantID)
		counts, err := e.store.OnboardingCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cl := tenants.NewChecklist(tn, counts, "")
		if cl.Left != 4 || !cl.Steps[0].Done || cl.AllDone {
			t.Fatalf("got %+v, want only the settings done", cl)
		}
		cl = tenants.NewChecklist(tn, &tenants.OnboardingCounts{Funders: 1, FundedPrograms: 1, Agencies: 1, ActiveMembers: 2}, "")
		if !cl.AllDone || cl.Left != 0 {
			t.Fatalf("got %+v, want all done", cl)
		}
	})
}

// Local answers from the zones loaded once as time.LoadLocation would, for every zone of the
// list, one outside it, and none.
func TestLocalIsTheLoadedZone(t *testing.T) {
	now := time.Date(2026, time.December, 7, 3, 30, 0, 0, time.UTC) // still the 6th in the Americas
	names := []string{"Europe/Paris"}
	for _, z := range tenants.TimeZones {
		names = append(names, z.Value)
	}
	for _, name := range names {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		got := (&tenants.Tenant{TimeZone: name}).Local(now)
		if want := now.In(loc); !got.Equal(want) || got.Format(time.RFC3339) != want.Format(time.RFC3339) || got.Location().String() != name {
			t.Errorf("%s: Local is %s in %s, want %s", name, got.Format(time.RFC3339), got.Location(), want.Format(time.RFC3339))
		}
	}
	if got := (&tenants.Tenant{TimeZone: "America/Chicago"}).Local(now).Format(time.DateOnly); got != "2026-12-06" {
		t.Errorf("Chicago's day at 03:30 UTC on the 7th is %s, want 2026-12-06", got)
	}
	for _, name := range []string{"", "Not/AZone"} {
		if got := (&tenants.Tenant{TimeZone: name}).Local(now); got.Location() != time.UTC {
			t.Errorf("%q: Local is in %s, want UTC", name, got.Location())
		}
	}
}
