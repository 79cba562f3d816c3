// Package demo seeds the demo tenants, drawn from the source documents: Illinois (home
// visiting, doula and coordinated intake programs and their four funders), a North Carolina
// local partnership (NCPC and child care centers) and Ohio (Early Intervention teams and a
// community mental health agency that employs the consultants). Seeding twice changes nothing.
package demo

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/tenants"
)

// Password is every demo account's password.
const Password = "holdspace-demo"

// PlatformAdminEmail signs in to the platform console.
const PlatformAdminEmail = "platform@holdspace.example"

// SharedConsultantEmail is the consultant who works in two tenants (Illinois and North Carolina).
const SharedConsultantEmail = "maria.alvarez@consult.example"

type org struct {
	kind, name, short, programKind, county string
}

type person struct {
	email, name, role, org string // org: the name of the organisation a funder or program user belongs to
}

type tenantSeed struct {
	slug, name, kind, state, tz string
	orgs                        []org
	people                      []person
	settings                    settingsSeed
	programLanguages            map[string][]string // program name → languages, set when the program is created
	sites                       []siteSeed
	fundings                    []fundingSeed
}

// settingsSeed is a tenant's agency settings: the counties it serves (all of the state's when
// allCounties) and the languages it offers.
type settingsSeed struct {
	allCounties    bool
	counties       []string
	languages      []string
	otherLanguages string
}

type siteSeed struct {
	program, name, kind string
}

// fundingSeed is a funding of the current fiscal year (on the funder's calendar); a program
// already funded by the funder, for any year, is left as it is.
type fundingSeed struct {
	program, funder string
	iecmhc          bool
	lines           []lineSeed
}

type lineSeed struct {
	category string
	cents    int64
}

// Tenants is the demo data.
var Tenants = []tenantSeed{
	{
		slug: "illinois", name: "Illinois I/ECMHC in Home Visiting", kind: tenants.KindStateSystem, state: "IL", tz: "America/Chicago",
		orgs: []org{
			{tenants.OrgFunder, "IDHS Division of Early Childhood", "IDHS-DEC", "", ""},
			{tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI", "", ""},
			{tenants.OrgFunder, "Chicago Department of Family and Support Services", "DFSS", "", ""},
			{tenants.OrgFunder, "Maternal, Infant, and Early Childhood Home Visiting", "MIECHV", "", ""},
			{tenants.OrgProgram, "Prairie Families Home Visiting", "", "home_visiting", "Cook"},
			{tenants.OrgProgram, "Southside Community Doula Program", "", "doula", "Cook"},
			{tenants.OrgProgram, "Champaign County Coordinated Intake", "", "coordinated_intake", "Champaign"},
			{tenants.OrgConsultantAgency, "Heartland Infant Mental Health Consultants", "", "", ""},
		},
		people: []person{
			{"admin@illinois.example", "Denise Carter", authz.TenantAdmin, ""},
			{"funder@illinois.example", "Robert Nguyen", authz.Funder, "IDHS Division of Early Childhood"},
			{"program@illinois.example", "Latoya Brooks", authz.Program, "Prairie Families Home Visiting"},
			{SharedConsultantEmail, "Maria Alvarez", authz.Consultant, ""},
			{"supervisor@illinois.example", "Helen Okafor", authz.Supervisor, ""},
		},
		settings: settingsSeed{allCounties: true, languages: []string{"English", "Spanish", "Polish", "Arabic"}},
		programLanguages: map[string][]string{
			"Prairie Families Home Visiting":      {"English", "Spanish"},
			"Southside Community Doula Program":   {"English"},
			"Champaign County Coordinated Intake": {"English", "Spanish", "Arabic"},
		},
		sites: []siteSeed{
			{"Prairie Families Home Visiting", "Cicero office", programs.SiteKindSite},
			{"Prairie Families Home Visiting", "Berwyn office", programs.SiteKindSite},
			{"Southside Community Doula Program", "Englewood family center", programs.SiteKindSite},
			{"Champaign County Coordinated Intake", "Urbana intake office", programs.SiteKindSite},
		},
		fundings: []fundingSeed{
			// MIECHV funds I/ECMHC in home visiting budgets; ISBE PI programs add it by an amendment.
			{"Prairie Families Home Visiting", "Maternal, Infant, and Early Childhood Home Visiting", true, []lineSeed{
				{"Personnel", 182_000_00}, {"Fringe benefits", 45_500_00}, {"Travel", 6_200_00},
				{"I/ECMH consultation", 24_000_00}, {"Indirect costs", 18_000_00}}},
			{"Prairie Families Home Visiting", "ISBE Prevention Initiative", false, []lineSeed{
				{"Personnel", 96_000_00}, {"Fringe benefits", 24_000_00}, {"Supplies", 3_500_00}, {"Indirect costs", 9_000_00}}},
			{"Southside Community Doula Program", "IDHS Division of Early Childhood", true, []lineSeed{
				{"Personnel", 120_000_00}, {"Fringe benefits", 30_000_00}, {"Training", 5_000_00}, {"I/ECMH consultation", 15_000_00}}},
			{"Champaign County Coordinated Intake", "IDHS Division of Early Childhood", true, []lineSeed{
				{"Personnel", 80_000_00}, {"Fringe benefits", 20_000_00}, {"I/ECMH consultation", 10_000_00}}},
		},
	},
	{
		slug: "nc-piedmont", name: "Piedmont Partnership for Children", kind: tenants.KindLocalPartnership, state: "NC", tz: "America/New_York",
		orgs: []org{
			{tenants.OrgFunder, "North Carolina Partnership for Children", "NCPC", "", ""},
			{tenants.OrgProgram, "Little Acorns Child Care Center", "", "child_care_center", "Guilford"},
			{tenants.OrgProgram, "Sunrise Early Learning Center", "", "child_care_center", "Forsyth"},
			{tenants.OrgConsultantAgency, "Piedmont IECMH Consultation Services", "", "", ""},
		},
		people: []person{
			{"admin@nc-piedmont.example", "James Whitaker", authz.TenantAdmin, ""},
			{"funder@nc-piedmont.example", "Angela Price", authz.Funder, "North Carolina Partnership for Children"},
			{"program@nc-piedmont.example", "Keisha Moore", authz.Program, "Little Acorns Child Care Center"},
			{SharedConsultantEmail, "Maria Alvarez", authz.Consultant, ""},
			{"supervisor@nc-piedmont.example", "Thomas Greene", authz.Supervisor, ""},
		},
		settings: settingsSeed{counties: []string{"Alamance", "Davidson", "Forsyth", "Guilford", "Randolph", "Rockingham"},
			languages: []string{"English", "Spanish", "Vietnamese", "Arabic"}, otherLanguages: "Rhade"},
		programLanguages: map[string][]string{
			"Little Acorns Child Care Center": {"English", "Spanish"},
			"Sunrise Early Learning Center":   {"English", "Vietnamese"},
		},
		sites: []siteSeed{
			{"Little Acorns Child Care Center", "Infant room", programs.SiteKindClassroom},
			{"Little Acorns Child Care Center", "Toddler room", programs.SiteKindClassroom},
			{"Little Acorns Child Care Center", "Preschool room", programs.SiteKindClassroom},
			{"Sunrise Early Learning Center", "Twos classroom", programs.SiteKindClassroom},
			{"Sunrise Early Learning Center", "Pre-K classroom", programs.SiteKindClassroom},
		},
		fundings: []fundingSeed{
			{"Little Acorns Child Care Center", "North Carolina Partnership for Children", true, []lineSeed{
				{"I/ECMH consultation", 18_000_00}, {"Training", 2_500_00}}},
			{"Sunrise Early Learning Center", "North Carolina Partnership for Children", true, []lineSeed{
				{"I/ECMH consultation", 14_000_00}, {"Supplies", 1_200_00}}},
		},
	},
	{
		slug: "ohio", name: "Ohio Department of Children and Youth, ECMH in Early Intervention", kind: tenants.KindStateSystem, state: "OH", tz: "America/New_York",
		orgs: []org{
			{tenants.OrgFunder, "Ohio Department of Children and Youth", "DCY", "", ""},
			{tenants.OrgProgram, "Franklin County Help Me Grow Early Intervention Team", "", "early_intervention", "Franklin"},
			{tenants.OrgProgram, "Hamilton County Help Me Grow Early Intervention Team", "", "early_intervention", "Hamilton"},
			{tenants.OrgConsultantAgency, "Buckeye Community Mental Health Center", "", "", ""},
		},
		people: []person{
			{"admin@ohio.example", "Susan Miller", authz.TenantAdmin, ""},
			{"funder@ohio.example", "Kevin Patel", authz.Funder, "Ohio Department of Children and Youth"},
			{"program@ohio.example", "Rachel Adams", authz.Program, "Franklin County Help Me Grow Early Intervention Team"},
			{"consultant@ohio.example", "Daniel Kim", authz.Consultant, ""},
			{"supervisor@ohio.example", "Patricia Lewis", authz.Supervisor, ""},
		},
		settings: settingsSeed{allCounties: true, languages: []string{"English", "Spanish", "Somali", "Nepali", "ASL"}},
		programLanguages: map[string][]string{
			"Franklin County Help Me Grow Early Intervention Team": {"English", "Somali", "Nepali"},
			"Hamilton County Help Me Grow Early Intervention Team": {"English", "Spanish"},
		},
		sites: []siteSeed{
			{"Franklin County Help Me Grow Early Intervention Team", "Columbus office", programs.SiteKindSite},
			{"Hamilton County Help Me Grow Early Intervention Team", "Cincinnati office", programs.SiteKindSite},
		},
		fundings: []fundingSeed{
			// ODCY grant funding for ECMH services: the consultants' time with the EI teams.
			{"Franklin County Help Me Grow Early Intervention Team", "Ohio Department of Children and Youth", true, []lineSeed{
				{"Contractual", 65_000_00}, {"I/ECMH consultation", 40_000_00}, {"Travel", 2_400_00}}},
			{"Hamilton County Help Me Grow Early Intervention Team", "Ohio Department of Children and Youth", true, []lineSeed{
				{"Contractual", 58_000_00}, {"I/ECMH consultation", 38_000_00}, {"Travel", 2_000_00}}},
		},
	},
}

// Seed creates whatever of the demo data is missing, and prints nothing.
func Seed(ctx context.Context, db *bun.DB, acc *accounts.Service, ten *tenants.Service) error {
	store := ten.Store()
	prog := programs.NewService(db, store, audit.New(db))
	reg := consultants.NewRegistry(db, store, audit.New(db), nil) // the demo profiles have no documents
	sup := supervision.NewService(db, store, audit.New(db))
	ctx = audit.WithActor(ctx, audit.Actor{Email: "demo seed"})
	return database.InTx(ctx, db, func(ctx context.Context) error {
		if err := ensureUser(ctx, acc, PlatformAdminEmail, "Pat Operator", true); err != nil {
			return err
		}
		for _, ts := range Tenants {
			t, err := store.TenantBySlug(ctx, ts.slug)
			if apperr.Code(err) == apperr.ENOTFOUND {
				trial := database.Now().Add(30 * 24 * time.Hour)
				t = &tenants.Tenant{Slug: ts.slug, Name: ts.name, Kind: ts.kind, State: ts.state, Status: tenants.StatusTrial,
					Plan: "trial", TimeZone: ts.tz, TrialEndsAt: &trial}
				err = ten.CreateTenant(ctx, t)
			}
			if err != nil {
				return fmt.Errorf("tenant %s: %w", ts.slug, err)
			}
			tctx := database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug})
			orgIDs := map[string]string{}
			have, err := store.Organisations(tctx)
			if err != nil {
				return err
			}
			for _, o := range have {
				orgIDs[o.Name] = o.ID
			}
			for _, o := range ts.orgs {
				if orgIDs[o.name] != "" {
					continue
				}
				rec := &tenants.Organisation{Kind: o.kind, Name: o.name, ShortName: o.short, ProgramKind: o.programKind, County: o.county,
					Languages: ts.programLanguages[o.name]}
				if err := ten.CreateOrganisation(tctx, rec); err != nil {
					return fmt.Errorf("organisation %s: %w", o.name, err)
				}
				orgIDs[o.name] = rec.ID
			}
			for _, p := range ts.people {
				if err := ensureUser(ctx, acc, p.email, p.name, false); err != nil {
					return err
				}
				u, err := acc.UserByEmail(ctx, p.email)
				if err != nil {
					return err
				}
				if _, err := store.ActiveMembership(ctx, t.ID, u.ID); err == nil {
					continue
				}
				if _, err := ten.AddMember(tctx, u.ID, p.role, orgIDs[p.org]); err != nil {
					return fmt.Errorf("member %s of %s: %w", p.email, ts.slug, err)
				}
			}
			if err := seedSetup(tctx, prog, ten, t, ts, orgIDs); err != nil {
				return fmt.Errorf("setup of %s: %w", ts.slug, err)
			}
			if err := seedProfiles(tctx, reg, acc, t, ts); err != nil {
				return fmt.Errorf("consultant profiles of %s: %w", ts.slug, err)
			}
			if err := seedSupervision(tctx, sup, acc, ts); err != nil {
				return fmt.Errorf("supervision of %s: %w", ts.slug, err)
			}
			if err := seedMatching(tctx, db, store, acc, ts, orgIDs); err != nil {
				return fmt.Errorf("requests and assignments of %s: %w", ts.slug, err)
			}
			if err := seedCredentials(tctx, db, store, reg, sup, acc, ts); err != nil {
				return fmt.Errorf("credentials of %s: %w", ts.slug, err)
			}
			if err := seedEngagements(tctx, db, acc, t, ts, orgIDs); err != nil {
				return fmt.Errorf("engagements of %s: %w", ts.slug, err)
			}
			if err := seedAssessmentsAndPlans(tctx, db, acc, ts, orgIDs); err != nil {
				return fmt.Errorf("assessments and plans of %s: %w", ts.slug, err)
			}
			if err := seedSessionsAndResources(tctx, db, ts.slug); err != nil {
				return fmt.Errorf("resources of %s: %w", ts.slug, err)
			}
			if err := seedParticipants(tctx, db); err != nil {
				return fmt.Errorf("participants of %s: %w", ts.slug, err)
			}
			// Dashboards (issue 12): the monthly rollups of the sessions seeded above.
			if err := consultation.RecountSessionMonths(tctx, db); err != nil {
				return fmt.Errorf("session rollups of %s: %w", ts.slug, err)
			}
		}
		return nil
	})
}

// seedSetup gives a demo tenant its settings, its programs' sites and their fundings, adding
// only what is missing.
func seedSetup(ctx context.Context, prog *programs.Service, ten *tenants.Service, t *tenants.Tenant, ts tenantSeed, orgIDs map[string]string) error {
	if t.SettingsConfirmedAt == nil {
		in := tenants.SettingsInput{Name: t.Name, TimeZone: t.TimeZone, StateFYStartMonth: strconv.Itoa(max(t.StateFYStartMonth, 1)),
			FederalFYStartMonth: strconv.Itoa(max(t.FederalFYStartMonth, 1)), AllCounties: ts.settings.allCounties,
			Counties: ts.settings.counties, CountiesText: strings.Join(ts.settings.counties, "\n"),
			Languages: ts.settings.languages, OtherLanguages: ts.settings.otherLanguages}
		saved, err := ten.SaveSettings(ctx, in)
		if err != nil {
			return err
		}
		*t = *saved
	}
	sites := map[string][]programs.Site{}
	for _, s := range ts.sites {
		pid := orgIDs[s.program]
		if _, loaded := sites[pid]; !loaded {
			list, err := prog.Store().Sites(ctx, pid)
			if err != nil {
				return err
			}
			sites[pid] = list
		}
		have := false
		for _, x := range sites[pid] {
			have = have || x.Name == s.name
		}
		if have {
			continue
		}
		if _, err := prog.AddSite(ctx, pid, programs.SiteInput{Name: s.name, Kind: s.kind}); err != nil {
			return fmt.Errorf("site %s: %w", s.name, err)
		}
	}
	for _, f := range ts.fundings {
		pid, fid := orgIDs[f.program], orgIDs[f.funder]
		existing, err := prog.Store().Fundings(ctx, pid)
		if err != nil {
			return err
		}
		have := false
		for _, x := range existing {
			have = have || x.FunderID == fid
		}
		if have {
			continue
		}
		funder, err := prog.Store().Organisation(ctx, tenants.OrgFunder, fid)
		if err != nil {
			return fmt.Errorf("funder %s: %w", f.funder, err)
		}
		k, _ := programs.Known(t, funder)
		in := programs.FundingInput{FunderID: fid, IECMHCFunded: f.iecmhc,
			FiscalYear: strconv.Itoa(tenants.FiscalYear(t.Local(database.Now()), programs.StartMonth(t, k.Calendar)))}
		for _, l := range f.lines {
			in.Lines = append(in.Lines, programs.LineInput{Category: l.category, Amount: money.Cents(l.cents).String()})
		}
		if _, err := prog.AddFunding(ctx, pid, in); err != nil {
			return fmt.Errorf("funding of %s by %s: %w", f.program, f.funder, err)
		}
	}
	return nil
}

func ensureUser(ctx context.Context, acc *accounts.Service, email, name string, platformAdmin bool) error {
	_, err := acc.UserByEmail(ctx, email)
	if apperr.Code(err) != apperr.ENOTFOUND {
		return err
	}
	_, err = acc.CreateUser(ctx, email, name, Password, platformAdmin)
	return err
}

// IsSeeded reports whether the demo tenants exist (the embedded default seeds on first start).
func IsSeeded(ctx context.Context, store *tenants.Store) bool {
	_, err := store.TenantBySlug(ctx, Tenants[0].slug)
	return err == nil
}

// PrintSignIns lists the demo accounts.
func PrintSignIns(w io.Writer) {
	fmt.Fprintf(w, "Demo sign-ins (every password: %s):\n", Password)
	fmt.Fprintf(w, "  %-36s platform admin\n", PlatformAdminEmail)
	seen := map[string]bool{}
	for _, t := range Tenants {
		for _, p := range t.people {
			label := authz.RoleLabel(p.role) + " in " + t.slug
			if p.email == SharedConsultantEmail {
				if seen[p.email] {
					continue
				}
				label = "Consultant in illinois and nc-piedmont"
			}
			seen[p.email] = true
			fmt.Fprintf(w, "  %-36s %s\n", p.email, label)
		}
		for _, p := range amendmentPeople[t.slug] {
			fmt.Fprintf(w, "  %-36s %s in %s (%s), budget amendments\n", p.email, authz.RoleLabel(p.role), t.slug, p.name)
		}
	}
}

// profileSeed is a demo consultant's approved registry profile in one tenant.
type profileSeed struct {
	slug, email, name            string
	counties, languages          []string
	settings, specialties, modes []string
	capacity                     int
	bio                          string
}

var profileSeeds = []profileSeed{
	{"illinois", SharedConsultantEmail, "Maria Alvarez", []string{"Cook", "DuPage", "Lake", "Will"}, []string{"English", "Spanish"},
		[]string{"home_visiting", "doula", "coordinated_intake"}, []string{"Attachment", "Postpartum depression", "Trauma", "Safe sleep"},
		[]string{"in_person", "hybrid"}, 3,
		"Infant and early childhood mental health consultant supporting home visitors and doulas across Chicagoland, in English and Spanish."},
	{"nc-piedmont", SharedConsultantEmail, "Maria Alvarez", []string{"Forsyth", "Guilford"}, []string{"English", "Spanish"},
		[]string{"child_care_center", "family_child_care_home"}, []string{"Child development", "Attachment", "Assessments and screenings"},
		[]string{"in_person", "virtual"}, 2,
		"Consults with child care centers and family child care homes in Forsyth and Guilford counties."},
	{"ohio", "consultant@ohio.example", "Daniel Kim", []string{"Franklin", "Hamilton", "Delaware"}, []string{"English", "Somali"},
		[]string{"early_intervention", "head_start"}, []string{"Trauma", "Child development", "Substance use"},
		[]string{"in_person", "virtual", "hybrid"}, 4,
		"Early childhood mental health consultant working alongside Help Me Grow Early Intervention teams."},
}

// seedProfiles gives the tenant's demo consultants approved profiles (with their search
// facets), unless they have them already. Only the tenant's own counties and languages are used.
func seedProfiles(ctx context.Context, reg *consultants.Registry, acc *accounts.Service, t *tenants.Tenant, ts tenantSeed) error {
	agency := ""
	if list, err := reg.Lists(ctx); err != nil {
		return err
	} else if len(list.Agencies) > 0 {
		agency = list.Agencies[0].ID
	}
	within := func(want, have []string) []string {
		var out []string
		for _, w := range want {
			if database.StringList(have).Has(w) {
				out = append(out, w)
			}
		}
		return out
	}
	for _, p := range profileSeeds {
		if p.slug != ts.slug {
			continue
		}
		u, err := acc.UserByEmail(ctx, p.email)
		if err != nil {
			return err
		}
		in := consultants.ProfileInput{DisplayName: p.name, AgencyID: agency, Languages: within(p.languages, t.Languages),
			Counties: within(p.counties, t.Counties), Settings: p.settings, Specialties: p.specialties, Modes: p.modes,
			Capacity: strconv.Itoa(p.capacity), Bio: p.bio}
		if err := reg.ApproveForDemo(ctx, u.ID, in); err != nil {
			return fmt.Errorf("%s: %w", p.email, err)
		}
	}
	return nil
}

// seedSupervision assigns the tenant's demo supervisors to its demo consultants, adding only
// the assignments that are missing.
func seedSupervision(ctx context.Context, sup *supervision.Service, acc *accounts.Service, ts tenantSeed) error {
	have, err := sup.Store().Assignments(ctx, "")
	if err != nil {
		return err
	}
	pairs := map[[2]string]bool{}
	for _, a := range have {
		pairs[[2]string{a.SupervisorID, a.ConsultantID}] = true
	}
	for _, s := range ts.people {
		if s.role != authz.Supervisor {
			continue
		}
		su, err := acc.UserByEmail(ctx, s.email)
		if err != nil {
			return err
		}
		for _, c := range ts.people {
			if c.role != authz.Consultant {
				continue
			}
			cu, err := acc.UserByEmail(ctx, c.email)
			if err != nil {
				return err
			}
			if pairs[[2]string{su.ID, cu.ID}] {
				continue
			}
			if _, err := sup.Assign(ctx, su.ID, cu.ID); err != nil {
				return fmt.Errorf("%s supervises %s: %w", s.email, c.email, err)
			}
		}
	}
	return nil
}
