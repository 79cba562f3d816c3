package programs_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

type env struct {
	db    *bun.DB
	ten   *tenants.Store
	svc   *programs.Service
	store *programs.Store
	log   *audit.Log
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := dbtest.Open(t)
	ten := tenants.NewStore(db)
	log := audit.New(db)
	svc := programs.NewService(db, ten, log)
	return &env{db: db, ten: ten, svc: svc, store: svc.Store(), log: log}
}

// tenant creates a tenant of a state and returns a tenant admin's context in it.
func (e *env) tenant(t *testing.T, slug, name, state string) context.Context {
	t.Helper()
	tn := &tenants.Tenant{Slug: slug, Name: name, Kind: tenants.KindStateSystem, State: state, Status: tenants.StatusTrial,
		Plan: "trial", TimeZone: "America/Chicago"}
	if err := e.ten.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	return database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: slug, Role: authz.TenantAdmin})
}

func as(ctx context.Context, role, orgID string) context.Context {
	sc, _ := database.ScopeFrom(ctx)
	sc.Role, sc.OrganisationID = role, orgID
	return database.WithScope(ctx, sc)
}

func wantFields(t *testing.T, err error, code string, fields ...string) {
	t.Helper()
	if apperr.Code(err) != code {
		t.Fatalf("got %v, want a %s error", err, code)
	}
	got := apperr.FieldsOf(err)
	for _, f := range fields {
		if got[f] == "" {
			t.Errorf("no message for field %s; got %v", f, got)
		}
	}
	if len(got) != len(fields) {
		t.Errorf("got messages for %v, want exactly %v", got, fields)
	}
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	n, err := dbtest.Owner(t, e.db).NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func (e *env) funderNamed(t *testing.T, ctx context.Context, short string) *tenants.Organisation {
	t.Helper()
	list, err := e.store.Organisations(ctx, tenants.OrgFunder)
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if list[i].ShortName == short {
			return &list[i]
		}
	}
	t.Fatalf("no funder %s in %v", short, list)
	return nil
}

func (e *env) currentFY(t *testing.T, ctx context.Context, calendar string) int {
	t.Helper()
	tn, err := e.svc.Tenant(ctx)
	if err != nil {
		t.Fatal(err)
	}
	years := programs.FiscalYears(tn, calendar, database.Now())
	return years[2] // two ahead, then the current one
}

func TestUsualFunders(t *testing.T) {
	e := newEnv(t)
	il := e.tenant(t, "il", "Illinois I/ECMHC", "IL")
	// One of them is there already, under its short name only.
	if _, err := e.svc.CreateFunder(il, programs.OrgInput{Name: "MIECHV"}); err != nil {
		t.Fatal(err)
	}
	added, err := e.svc.AddUsualFunders(il)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"IDHS Division of Early Childhood", "ISBE Prevention Initiative", "Illinois Head Start Association",
		"Chicago Department of Family and Support Services"}
	if strings.Join(added, "|") != strings.Join(want, "|") {
		t.Fatalf("added %v, want %v", added, want)
	}
	again, err := e.svc.AddUsualFunders(il)
	if err != nil || len(again) != 0 {
		t.Fatalf("the second time added %v, %v; want nothing", again, err)
	}
	tn, _ := e.svc.Tenant(il)
	for short, want := range map[string]bool{"IDHS-DEC": true, "ISBE PI": false, "IHSA": false, "DFSS": false} {
		k, known := programs.Known(tn, e.funderNamed(t, il, short))
		if !known || k.FundsIECMHC != want {
			t.Errorf("%s: known %v, funds I/ECMHC %v; want %v", short, known, k.FundsIECMHC, want)
		}
	}
	miechv, _ := programs.Known(tn, &tenants.Organisation{Name: "MIECHV"})
	if !miechv.FundsIECMHC || miechv.Calendar != programs.CalendarFederal {
		t.Errorf("MIECHV: %+v, want I/ECMHC funded on the federal calendar", miechv)
	}

	nc := e.tenant(t, "nc", "Piedmont Partnership for Children", "NC")
	if added, err := e.svc.AddUsualFunders(nc); err != nil || strings.Join(added, "|") != "North Carolina Partnership for Children|Piedmont Partnership for Children" {
		t.Fatalf("NC added %v, %v", added, err)
	}
	oh := e.tenant(t, "oh", "Ohio ECMH", "OH")
	if added, err := e.svc.AddUsualFunders(oh); err != nil || strings.Join(added, "|") != "Ohio Department of Children and Youth" {
		t.Fatalf("Ohio added %v, %v", added, err)
	}
	// Texas has no state list: the federal funders every state has, whose budgets say on each
	// funding whether I/ECMHC is in them.
	tx := e.tenant(t, "tx", "Texas", "TX")
	added, err = e.svc.AddUsualFunders(tx)
	if err != nil || strings.Join(added, "|") != "Maternal, Infant, and Early Childhood Home Visiting Program|Head Start and Early Head Start|"+
		"Child Care and Development Fund|Individuals with Disabilities Education Act, Part C: Early Intervention Program for Infants and Toddlers with Disabilities" {
		t.Fatalf("Texas added %v, %v; want the four federal funders", added, err)
	}
	txTenant, _ := e.svc.Tenant(tx)
	if offer := programs.OfferFor(txTenant); offer.Button != "Add the federal funders every state has" || strings.Contains(offer.Sentence, "Texas") {
		t.Errorf("Texas is offered %+v", offer)
	}
	if offer := programs.OfferFor(tn); offer.Button != "Add the usual funders for Illinois" {
		t.Errorf("Illinois is offered %+v", offer)
	}
	for short, calendar := range map[string]string{"MIECHV": programs.CalendarFederal, "Head Start": programs.CalendarFederal,
		"CCDF": programs.CalendarState, "IDEA Part C": programs.CalendarState} {
		k, known := programs.Known(txTenant, e.funderNamed(t, tx, short))
		if !known || !k.IECMHCVaries || k.FundsIECMHC || k.Calendar != calendar {
			t.Errorf("Texas %s: %+v, known %v; want I/ECMHC varying, on the %s calendar", short, k, known, calendar)
		}
	}
	// Illinois's MIECHV stays what the Illinois document says of it.
	if k, _ := programs.Known(tn, &tenants.Organisation{Name: "MIECHV"}); k.IECMHCVaries || !k.FundsIECMHC {
		t.Errorf("Illinois's MIECHV: %+v", k)
	}
	events, _, err := e.log.List(il, audit.Filter{Action: "funder.create"})
	if err != nil || len(events) != 5 {
		t.Fatalf("got %d funder.create events, %v; want 5", len(events), err)
	}
}

func TestFundersAndAgencies(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "il", "Illinois", "IL")
	t.Run("ErrNameRequired", func(t *testing.T) {
		_, err := e.svc.CreateFunder(ctx, programs.OrgInput{Name: "  ", ShortName: strings.Repeat("x", 41)})
		wantFields(t, err, apperr.EINVALID, "name", "short_name")
	})
	f, err := e.svc.CreateFunder(ctx, programs.OrgInput{Name: "United Way of Metro Chicago", ShortName: "UWMC"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ErrNameTaken", func(t *testing.T) {
		_, err := e.svc.CreateFunder(ctx, programs.OrgInput{Name: "United Way of Metro Chicago"})
		wantFields(t, err, apperr.ECONFLICT, "name")
	})
	t.Run("SameNameAnotherKind", func(t *testing.T) {
		if _, err := e.svc.CreateAgency(ctx, programs.OrgInput{Name: "United Way of Metro Chicago"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		if _, err := e.svc.UpdateFunder(ctx, f.ID, programs.OrgInput{Name: "United Way", ShortName: "UW"}); err != nil {
			t.Fatal(err)
		}
		got, _ := e.store.Organisation(ctx, tenants.OrgFunder, f.ID)
		if got.Name != "United Way" || got.ShortName != "UW" {
			t.Fatalf("got %q (%q)", got.Name, got.ShortName)
		}
	})
	t.Run("ErrNotAFunder", func(t *testing.T) {
		a, _ := e.svc.CreateAgency(ctx, programs.OrgInput{Name: "Heartland"})
		_, err := e.svc.UpdateFunder(ctx, a.ID, programs.OrgInput{Name: "X"})
		wantFields(t, err, apperr.ENOTFOUND)
	})
	t.Run("ErrOtherTenant", func(t *testing.T) {
		other := e.tenant(t, "oh", "Ohio", "OH")
		_, err := e.svc.UpdateFunder(other, f.ID, programs.OrgInput{Name: "Stolen"})
		wantFields(t, err, apperr.ENOTFOUND)
	})
}

func TestPrograms(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "il", "Illinois", "IL")
	before := e.count(t, "organisations")
	t.Run("ErrEveryFieldNamed", func(t *testing.T) {
		_, err := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: "", Kind: "circus", County: "Atlantis", Languages: []string{"Klingon"}})
		wantFields(t, err, apperr.EINVALID, "name", "program_kind", "county", "languages")
		if n := e.count(t, "organisations"); n != before {
			t.Fatalf("organisations went from %d to %d", before, n)
		}
	})
	p, err := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: " Prairie  Families ", Kind: "home_visiting", County: "DuPage",
		Languages: []string{"Spanish", "English"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Prairie Families" || p.County != "DuPage" || strings.Join(p.Languages, ",") != "English,Spanish" {
		t.Fatalf("got %+v", p)
	}
	t.Run("ErrNameTaken", func(t *testing.T) {
		_, err := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: "Prairie Families", Kind: "doula", County: "Cook"})
		wantFields(t, err, apperr.ECONFLICT, "name")
	})
	t.Run("CountiesFollowTheSettings", func(t *testing.T) {
		tn, _ := e.svc.Tenant(ctx)
		tn, err := tenants.ValidateSettings(tn, tenants.SettingsInput{Name: tn.Name, TimeZone: "America/Chicago", StateFYStartMonth: "7",
			FederalFYStartMonth: "10", Counties: []string{"Cook", "Will"}, Languages: []string{"English"}, OtherLanguages: "Karen"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.NewUpdate().Model(tn).Column("counties", "languages").Where("id = ?", tn.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.CreateProgram(ctx, programs.ProgramInput{Name: "Lake Doulas", Kind: "doula", County: "DuPage", Languages: []string{"Spanish"}})
		wantFields(t, err, apperr.EINVALID, "county", "languages")
		if _, err := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: "Will Doulas", Kind: "doula", County: "Will", Languages: []string{"Karen"}}); err != nil {
			t.Fatal(err)
		}
		// A program keeps its county and languages when the tenant stops listing them.
		kept, err := e.svc.UpdateProgram(ctx, p.ID, programs.ProgramInput{Name: "Prairie Families", Kind: "home_visiting", County: "DuPage",
			Languages: []string{"Spanish", "English"}})
		if err != nil || kept.County != "DuPage" || strings.Join(kept.Languages, ",") != "English,Spanish" {
			t.Fatalf("got %+v, %v", kept, err)
		}
		_, err = e.svc.UpdateProgram(ctx, p.ID, programs.ProgramInput{Name: "Prairie Families", Kind: "home_visiting", County: "Kane"})
		wantFields(t, err, apperr.EINVALID, "county")
	})
	t.Run("Update", func(t *testing.T) {
		got, err := e.svc.UpdateProgram(ctx, p.ID, programs.ProgramInput{Name: "Prairie Families Home Visiting", Kind: "home_visiting", County: "Cook"})
		if err != nil || got.Name != "Prairie Families Home Visiting" || got.County != "Cook" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("Filter", func(t *testing.T) {
		list, err := e.store.Programs(ctx, programs.ProgramFilter{Kind: "doula"})
		if err != nil || len(list) != 1 || list[0].Name != "Will Doulas" {
			t.Fatalf("got %v, %v", list, err)
		}
		list, _ = e.store.Programs(ctx, programs.ProgramFilter{County: "Cook"})
		if len(list) != 1 || list[0].Name != "Prairie Families Home Visiting" {
			t.Fatalf("got %v", list)
		}
	})
	t.Run("Sites", func(t *testing.T) {
		s, err := e.svc.AddSite(ctx, p.ID, programs.SiteInput{Name: "Infant room", Kind: programs.SiteKindClassroom})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AddSite(ctx, p.ID, programs.SiteInput{Name: "Infant room", Kind: programs.SiteKindClassroom})
		wantFields(t, err, apperr.ECONFLICT, "site_name")
		_, err = e.svc.AddSite(ctx, p.ID, programs.SiteInput{Name: "", Kind: "tent"})
		wantFields(t, err, apperr.EINVALID, "site_name", "site_kind")
		other, _ := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: "Other", Kind: "doula", County: "Cook"})
		_, err = e.svc.RemoveSite(ctx, other.ID, s.ID)
		wantFields(t, err, apperr.ENOTFOUND)
		if _, err := e.svc.RemoveSite(ctx, p.ID, s.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := e.store.Sites(ctx, p.ID); len(list) != 0 {
			t.Fatalf("got %v after the removal", list)
		}
	})
}

func TestFundings(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "il", "Illinois", "IL")
	if _, err := e.svc.AddUsualFunders(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: "Prairie Families", Kind: "home_visiting", County: "Cook"})
	if err != nil {
		t.Fatal(err)
	}
	miechv := e.funderNamed(t, ctx, "MIECHV")
	fy := e.currentFY(t, ctx, programs.CalendarFederal)
	other := e.tenant(t, "oh", "Ohio", "OH")
	ohFunders, _ := e.svc.AddUsualFunders(other)
	_ = ohFunders
	dcy := e.funderNamed(t, other, "DCY")

	t.Run("ErrEveryFieldNamedNothingWritten", func(t *testing.T) {
		before := e.count(t, "fundings") + e.count(t, "budget_lines")
		_, err := e.svc.AddFunding(ctx, p.ID, programs.FundingInput{FunderID: dcy.ID, FiscalYear: "1999", Lines: []programs.LineInput{
			{Category: "Personnel", Amount: "12.345"}, {}, {Category: "Magic", Amount: "abc"}, {Category: "Travel", Amount: "-5"},
			{Category: "Other", Amount: "$100,000,000.01"}}})
		wantFields(t, err, apperr.EINVALID, "funder_id", "fiscal_year", "line_amount_0", "line_category_2", "line_amount_2", "line_amount_3", "line_amount_4")
		_, err = e.svc.AddFunding(ctx, p.ID, programs.FundingInput{FunderID: miechv.ID, FiscalYear: strconv.Itoa(fy + 3)})
		wantFields(t, err, apperr.EINVALID, "fiscal_year", "lines")
		if after := e.count(t, "fundings") + e.count(t, "budget_lines"); after != before {
			t.Fatalf("rows went from %d to %d", before, after)
		}
	})
	var f *programs.Funding
	t.Run("Add", func(t *testing.T) {
		f, err = e.svc.AddFunding(ctx, p.ID, programs.FundingInput{FunderID: miechv.ID, FiscalYear: strconv.Itoa(fy), IECMHCFunded: true,
			Lines: []programs.LineInput{{Category: "Personnel", Amount: "$182,000"}, {}, {Category: "I/ECMH consultation", Amount: "24000.50"}}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.store.Funding(ctx, p.ID, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total() != 206_000_50 || len(got.Lines) != 2 || got.Lines[1].Category != "I/ECMH consultation" || !got.IECMHCFunded || got.FunderShort != "MIECHV" {
			t.Fatalf("got %+v", got)
		}
		if got.TotalLabel() != "$206,000.50" {
			t.Fatalf("got total %s", got.TotalLabel())
		}
	})
	t.Run("ErrSameFunderSameYear", func(t *testing.T) {
		_, err := e.svc.AddFunding(ctx, p.ID, programs.FundingInput{FunderID: miechv.ID, FiscalYear: strconv.Itoa(fy),
			Lines: []programs.LineInput{{Category: "Travel", Amount: "1"}}})
		wantFields(t, err, apperr.ECONFLICT, "fiscal_year")
	})
	t.Run("UpdateReplacesTheLines", func(t *testing.T) {
		_, err := e.svc.UpdateFunding(ctx, p.ID, f.ID, programs.FundingInput{Lines: []programs.LineInput{{Category: "Travel", Amount: "oops"}}})
		wantFields(t, err, apperr.EINVALID, "line_amount_0")
		if _, err := e.svc.UpdateFunding(ctx, p.ID, f.ID, programs.FundingInput{IECMHCFunded: false,
			Lines: []programs.LineInput{{Category: "Training", Amount: "5,000"}}}); err != nil {
			t.Fatal(err)
		}
		got, _ := e.store.Funding(ctx, p.ID, f.ID)
		if got.Total() != 5_000_00 || len(got.Lines) != 1 || got.IECMHCFunded {
			t.Fatalf("got %+v", got)
		}
		if n := e.count(t, "budget_lines"); n != 1 {
			t.Fatalf("%d budget lines are stored, want 1", n)
		}
	})
	t.Run("ErrFundingOfAnotherProgram", func(t *testing.T) {
		q, _ := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: "Doulas", Kind: "doula", County: "Cook"})
		_, err := e.svc.UpdateFunding(ctx, q.ID, f.ID, programs.FundingInput{Lines: []programs.LineInput{{Category: "Travel", Amount: "1"}}})
		wantFields(t, err, apperr.ENOTFOUND)
		_, err = e.svc.AddFunding(other, p.ID, programs.FundingInput{FunderID: dcy.ID, FiscalYear: strconv.Itoa(fy),
			Lines: []programs.LineInput{{Category: "Travel", Amount: "1"}}})
		wantFields(t, err, apperr.ENOTFOUND)
	})
	t.Run("Audited", func(t *testing.T) {
		for _, action := range []string{"funding.create", "funding.update", "program.create"} {
			events, _, err := e.log.List(ctx, audit.Filter{Action: action})
			if err != nil || len(events) == 0 {
				t.Errorf("no %s event (%v)", action, err)
			}
		}
	})
}

// TestWhatEachRoleSees: a funder sees the programs it funds and its own fundings of them; a
// program sees itself and its fundings.
func TestWhatEachRoleSees(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "il", "Illinois", "IL")
	if _, err := e.svc.AddUsualFunders(ctx); err != nil {
		t.Fatal(err)
	}
	dec, isbe, miechv := e.funderNamed(t, ctx, "IDHS-DEC"), e.funderNamed(t, ctx, "ISBE PI"), e.funderNamed(t, ctx, "MIECHV")
	mk := func(name string) *tenants.Organisation {
		p, err := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: name, Kind: "home_visiting", County: "Cook"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	prairie, doulas, intake := mk("Prairie"), mk("Doulas"), mk("Intake")
	fund := func(p, funder *tenants.Organisation, cal string) {
		if _, err := e.svc.AddFunding(ctx, p.ID, programs.FundingInput{FunderID: funder.ID, FiscalYear: strconv.Itoa(e.currentFY(t, ctx, cal)),
			Lines: []programs.LineInput{{Category: "Personnel", Amount: "1000"}}}); err != nil {
			t.Fatal(err)
		}
	}
	fund(prairie, miechv, programs.CalendarFederal)
	fund(prairie, isbe, programs.CalendarState)
	fund(doulas, dec, programs.CalendarState)
	_ = intake

	names := func(list []programs.Program) string {
		var out []string
		for _, p := range list {
			out = append(out, p.Name+"="+strings.Join(p.Funders, "+"))
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name, role, org, want string
	}{
		{"Admin", authz.TenantAdmin, "", "Doulas=IDHS-DEC Intake= Prairie=ISBE PI+MIECHV"},
		{"Consultant", authz.Consultant, "", "Doulas=IDHS-DEC Intake= Prairie=ISBE PI+MIECHV"},
		{"FunderISBE", authz.Funder, isbe.ID, "Prairie=ISBE PI"},
		{"FunderDEC", authz.Funder, dec.ID, "Doulas=IDHS-DEC"},
		{"ProgramPrairie", authz.Program, prairie.ID, "Prairie=ISBE PI+MIECHV"},
		{"ProgramWithoutOrganisation", authz.Program, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rctx := as(ctx, tc.role, tc.org)
			list, err := e.store.Programs(rctx, programs.ProgramFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(list); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("FunderCannotOpenAnUnfundedProgram", func(t *testing.T) {
		_, err := e.store.Organisation(as(ctx, authz.Funder, isbe.ID), tenants.OrgProgram, doulas.ID)
		wantFields(t, err, apperr.ENOTFOUND)
		fs, err := e.store.Fundings(as(ctx, authz.Funder, isbe.ID), prairie.ID)
		if err != nil || len(fs) != 1 || fs[0].FunderID != isbe.ID {
			t.Fatalf("ISBE sees fundings %v, %v; want only its own", fs, err)
		}
	})
	t.Run("ProgramSeesItsFunders", func(t *testing.T) {
		list, err := e.store.Organisations(as(ctx, authz.Program, prairie.ID), tenants.OrgFunder)
		if err != nil || len(list) != 2 {
			t.Fatalf("got %v, %v; want MIECHV and ISBE PI", list, err)
		}
		_, err = e.store.Organisation(as(ctx, authz.Program, prairie.ID), tenants.OrgProgram, intake.ID)
		wantFields(t, err, apperr.ENOTFOUND)
		if list, _ := e.store.Organisations(as(ctx, authz.Program, prairie.ID), tenants.OrgConsultantAgency); len(list) != 0 {
			t.Fatalf("a program sees agencies %v", list)
		}
	})
}
