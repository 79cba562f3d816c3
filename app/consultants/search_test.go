package consultants_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/tenants"
)

// searchTenant creates a tenant and returns its scope (as the public pages set it).
func searchTenant(tb testing.TB, db *bun.DB, name string) context.Context {
	tb.Helper()
	slug := "s-" + dbtest.RandomHex(4)
	tn := &tenants.Tenant{Slug: slug, Name: name, Kind: tenants.KindStateSystem, State: "il", Status: tenants.StatusTrial,
		Plan: "trial", TimeZone: "America/Chicago"}
	if err := tenants.NewStore(db).CreateTenant(context.Background(), tn); err != nil {
		tb.Fatal(err)
	}
	return database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: slug, Role: authz.TenantAdmin})
}

// searchProfile is a profile to seed, with its facets derived from its lists.
func searchProfile(name string, counties, languages, settings, specialties, modes []string, capacity int) *consultants.Profile {
	now := database.Now()
	return &consultants.Profile{ID: database.NewID(), UserID: database.NewID(), DisplayName: name, Counties: counties,
		Languages: languages, Settings: settings, Specialties: specialties, Modes: modes, Capacity: capacity,
		Status: consultants.StatusApproved, Active: true, Bio: "Private bio " + name, CreatedAt: now, UpdatedAt: now}
}

func searchFacets(p *consultants.Profile) []*consultants.Facet {
	var fs []*consultants.Facet
	for facet, vs := range map[string][]string{consultants.FacetCounty: p.Counties, consultants.FacetLanguage: p.Languages,
		consultants.FacetSetting: p.Settings, consultants.FacetSpecialty: p.Specialties, consultants.FacetMode: p.Modes} {
		for _, v := range vs {
			fs = append(fs, &consultants.Facet{ProfileID: p.ID, Facet: facet, Value: v})
		}
	}
	return fs
}

// seedSearch inserts profiles and their facets in ctx's tenant, in batches.
func seedSearch(tb testing.TB, ctx context.Context, db *bun.DB, ps []*consultants.Profile) {
	tb.Helper()
	t, err := database.For(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	var fs []*consultants.Facet
	for i := 0; i < len(ps); i += 400 {
		batch := ps[i:min(i+400, len(ps))]
		if _, err := database.InsertMany(t, batch).Exec(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	for _, p := range ps {
		fs = append(fs, searchFacets(p)...)
	}
	for i := 0; i < len(fs); i += 1000 {
		if _, err := database.InsertMany(t, fs[i:min(i+1000, len(fs))]).Exec(ctx); err != nil {
			tb.Fatal(err)
		}
	}
}

func names(r *consultants.SearchResults) []string {
	var out []string
	for _, l := range r.Listings {
		out = append(out, l.Name)
	}
	return out
}

func TestSearchFilters(t *testing.T) {
	db := dbtest.Open(t)
	ctx := searchTenant(t, db, "Illinois")
	other := searchTenant(t, db, "Ohio")
	s := func(xs ...string) []string { return xs }
	ana := searchProfile("Ana", s("Cook"), s("English", "Spanish"), s("home_visiting"), s("Trauma"), s("in_person"), 2)
	ben := searchProfile("Ben", s("Cook", "DuPage"), s("English"), s("head_start"), s("Attachment"), s("virtual"), 0)
	cy := searchProfile("Cy", s("DuPage"), s("Polish"), s("home_visiting", "doula"), s("Trauma", "Safe sleep"), s("hybrid"), 1)
	draft := searchProfile("Drafty", s("Cook"), s("English"), s("home_visiting"), s("Trauma"), s("in_person"), 3)
	draft.Status = consultants.StatusSubmitted
	gone := searchProfile("Gone", s("Cook"), s("English"), s("home_visiting"), s("Trauma"), s("in_person"), 3)
	gone.Active = false
	seedSearch(t, ctx, db, []*consultants.Profile{ana, ben, cy, draft, gone})
	seedSearch(t, other, db, []*consultants.Profile{searchProfile("Otto", s("Cook"), s("English"), s("home_visiting"), s("Trauma"), s("in_person"), 3)})

	for _, tc := range []struct {
		name string
		f    consultants.SearchFilter
		want string
	}{
		{"all", consultants.SearchFilter{}, "[Ana Ben Cy]"},
		{"county", consultants.SearchFilter{County: "Cook"}, "[Ana Ben]"},
		{"language", consultants.SearchFilter{Language: "Spanish"}, "[Ana]"},
		{"setting", consultants.SearchFilter{Setting: "home_visiting"}, "[Ana Cy]"},
		{"specialty", consultants.SearchFilter{Specialty: "Trauma"}, "[Ana Cy]"},
		{"mode", consultants.SearchFilter{Mode: "virtual"}, "[Ben]"},
		{"taking", consultants.SearchFilter{Taking: true}, "[Ana Cy]"},
		{"combined", consultants.SearchFilter{County: "DuPage", Specialty: "Trauma", Taking: true}, "[Cy]"},
		{"none", consultants.SearchFilter{County: "Cook", Language: "Polish"}, "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := consultants.Search(ctx, db, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(names(r)); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
	r, _ := consultants.Search(ctx, db, consultants.SearchFilter{Setting: "home_visiting", Mode: "hybrid"})
	if len(r.Listings) != 1 || fmt.Sprint(r.Listings[0].Settings) != "[Home visiting Doula]" || fmt.Sprint(r.Listings[0].Modes) != "[Hybrid]" || !r.Listings[0].Taking {
		t.Fatalf("listing %+v: want labels and taking", r.Listings)
	}
	r, _ = consultants.Search(other, db, consultants.SearchFilter{})
	if got := fmt.Sprint(names(r)); got != "[Otto]" {
		t.Fatalf("other tenant: got %s, want only its own", got)
	}
	o, err := consultants.SearchOptions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(o.Counties) != "[{Cook Cook} {DuPage DuPage}]" || len(o.Languages) != 3 {
		t.Fatalf("options %+v: want the listed consultants' values only", o)
	}
}

func TestSearchPages(t *testing.T) {
	db := dbtest.Open(t)
	ctx := searchTenant(t, db, "Illinois")
	var ps []*consultants.Profile
	for i := 0; i < 30; i++ {
		ps = append(ps, searchProfile(fmt.Sprintf("C%02d", i), []string{"Cook"}, []string{"English"}, nil, nil, nil, 1))
	}
	seedSearch(t, ctx, db, ps)
	r, err := consultants.Search(ctx, db, consultants.SearchFilter{County: "Cook", Page: 1})
	if err != nil || len(r.Listings) != 25 || !r.HasMore || r.Listings[0].Name != "C00" {
		t.Fatalf("page 1: %d listings, more %v, err %v", len(r.Listings), r.HasMore, err)
	}
	r, _ = consultants.Search(ctx, db, consultants.SearchFilter{County: "Cook", Page: 2})
	if len(r.Listings) != 5 || r.HasMore || r.Listings[0].Name != "C25" {
		t.Fatalf("page 2: %d listings, more %v", len(r.Listings), r.HasMore)
	}
	if q := r.PrevQuery(); q != "county=Cook" {
		t.Fatalf("prev query %q", q)
	}
}

// Illinois-like values for the benchmark.
var (
	benchCounties = []string{"Cook", "DuPage", "Lake", "Will", "Kane", "McHenry", "Winnebago", "Madison", "St. Clair", "Champaign",
		"Sangamon", "Peoria", "McLean", "Rock Island", "Kankakee", "Tazewell", "Macon", "DeKalb", "Kendall", "LaSalle",
		"Jackson", "Vermilion", "Adams", "Coles", "Williamson", "Boone", "Ogle", "Knox", "Whiteside", "Grundy"}
	benchLanguages = []string{"English", "English", "English", "Spanish", "Spanish", "Polish", "Arabic", "Mandarin", "Tagalog", "Korean"}
	benchModes     = []string{"in_person", "virtual", "hybrid"}
)

func pick(r *rand.Rand, from []string, n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		v := from[r.Intn(len(from))]
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func benchProfiles(n int, seed int64) []*consultants.Profile {
	r := rand.New(rand.NewSource(seed))
	var settings []string
	for _, s := range consultants.Settings {
		settings = append(settings, s.Value)
	}
	ps := make([]*consultants.Profile, n)
	for i := range ps {
		ps[i] = searchProfile(fmt.Sprintf("Consultant %05d", i), pick(r, benchCounties, 2+r.Intn(2)), pick(r, benchLanguages, 1+r.Intn(3)),
			pick(r, settings, 2), pick(r, consultants.Specialties, 3), pick(r, benchModes, 1+r.Intn(2)), r.Intn(4))
		if i%20 == 0 {
			ps[i].Status = consultants.StatusSubmitted
		}
	}
	return ps
}

// BenchmarkSearch: 5,000 approved consultants in a tenant (and another tenant's), a filtered
// first page (county + language + specialty + taking new programs). The bar is 30 ms.
func BenchmarkSearch(b *testing.B) {
	db := dbtest.Open(b)
	ctx := searchTenant(b, db, "Illinois")
	seedSearch(b, ctx, db, benchProfiles(5250, 1)) // 5,000 approved, 250 submitted
	seedSearch(b, searchTenant(b, db, "Ohio"), db, benchProfiles(2000, 2))
	if dbtest.IsPostgres(db) {
		if _, err := db.ExecContext(context.Background(), "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	} else if _, err := db.ExecContext(context.Background(), "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		f    consultants.SearchFilter
	}{
		{"county+language+specialty+taking", consultants.SearchFilter{County: "Cook", Language: "Spanish", Specialty: "Trauma", Taking: true, Page: 1}},
		{"rare", consultants.SearchFilter{County: "Grundy", Language: "Korean", Specialty: "Safe sleep", Taking: true, Page: 1}},
		{"none", consultants.SearchFilter{Page: 1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, err := consultants.Search(ctx, db, bc.f)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(r.Listings)), "results")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := consultants.Search(ctx, db, bc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
