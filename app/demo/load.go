package demo

// The load harness's data (issue 14): people of every role in the volume tenant
// (consultation.SeedVolume) with the lists around them filled to a real state's size (a
// staffing roster, five years of audit log, a requests queue, budget amendments), and a
// thousand small tenants, each with a tenant admin, a consultant, a supervisor, a program
// person and a funder person. Rows are built in Go and written in multi-row INSERTs: the small
// tenants a hundred at a time, in one transaction each, so a small tenant is there whole or not
// at all. Seeding twice adds nothing.

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/credentials"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/tenants"
)

// LoadPassword is the password of every person SeedLoad makes.
const LoadPassword = "holdspace-load"

// LoadOptions size the load harness's data.
type LoadOptions struct {
	SmallTenants int // ordinary tenants small-0001 … (1,000 for make load)
	AuditEvents  int // audit events in the volume tenant (100,000+ so page 2,000 of 50 exists)
	Requests     int // consultant requests in the volume tenant (e.g. 500)
	Amendments   int // budget amendments in the volume tenant (e.g. 300)
	Progress     io.Writer
}

// SmallSlug is the slug of small tenant i (from 1).
func SmallSlug(i int) string { return fmt.Sprintf("small-%04d", i) }

// LoadPeople are the sign-in emails per role of a tenant that SeedLoad made (for the harness):
// role (authz.TenantAdmin, authz.Consultant, authz.Supervisor, authz.Program, authz.Funder) →
// email. Every one signs in with LoadPassword.
func LoadPeople(slug string) map[string]string {
	if strings.HasPrefix(slug, "small-") {
		return map[string]string{
			authz.TenantAdmin: "admin@" + slug + ".example",
			authz.Consultant:  "consultant@" + slug + ".example",
			authz.Supervisor:  "supervisor@" + slug + ".example",
			authz.Program:     "program@" + slug + ".example",
			authz.Funder:      "funder@" + slug + ".example",
		}
	}
	return map[string]string{
		authz.TenantAdmin: slug + ".admin@" + slug + ".example",
		authz.Consultant:  volumeConsultantEmail(1),
		authz.Supervisor:  slug + ".supervisor@" + slug + ".example",
		authz.Program:     slug + ".program@" + slug + ".example",
		authz.Funder:      slug + ".funder@" + slug + ".example",
	}
}

// volumeConsultantEmail is consultation.SeedVolume's consultant n (from 1).
func volumeConsultantEmail(n int) string {
	return fmt.Sprintf("volume.consultant.%03d@volume.example", n)
}

// loadChunk is how many rows one INSERT carries: under SQLite's 32,766 and PostgreSQL's 65,535
// bound parameters for the widest table written (about 30 columns).
const loadChunk = 500

// smallBatch is how many small tenants one transaction writes.
const smallBatch = 100

// volumeSupervised is how many of the volume tenant's consultants its supervisor supervises.
const volumeSupervised = 20

type loader struct {
	db    *bun.DB
	hash  string // LoadPassword, hashed once for everyone
	now   time.Time
	today time.Time
	say   func(format string, args ...any)
	added int // rows written, to know whether statistics need refreshing
}

// SeedLoad adds, to a database that already holds the volume tenant (consultation.SeedVolume,
// v), people of every role in it with the lists they read filled to volume, and the small
// tenants. With v nil only the small tenants are added. Twice changes nothing.
func SeedLoad(ctx context.Context, db *bun.DB, v *consultation.Volume, opt LoadOptions) error {
	hash, err := accounts.HashPassword(LoadPassword)
	if err != nil {
		return err
	}
	l := &loader{db: db, hash: hash, now: database.Now(), today: time.Now().UTC(),
		say: func(format string, args ...any) {
			if opt.Progress != nil {
				fmt.Fprintf(opt.Progress, format+"\n", args...)
			}
		}}
	ctx = audit.WithActor(ctx, audit.Actor{Email: "load seed"})
	if v != nil {
		if err := l.volume(ctx, v, opt); err != nil {
			return fmt.Errorf("volume tenant: %w", err)
		}
	}
	if opt.SmallTenants > 0 {
		if err := l.smallTenants(ctx, opt.SmallTenants); err != nil {
			return fmt.Errorf("small tenants: %w", err)
		}
	}
	if l.added == 0 {
		return nil
	}
	if strings.Contains(db.Dialect().Name().String(), "pg") {
		// Fresh statistics and the visibility map after the bulk insert, as SeedVolume does.
		for _, table := range []string{"tenants", "users", "memberships", "organisations", "consultant_profiles",
			"consultant_facets", "consultant_assignments", "engagements", "consultation_sessions", "session_months",
			"program_months", "supervision_assignments", "program_sites", "fundings", "budget_lines", "budget_versions",
			"audit_events", "consultant_requests", "amendments", "amendment_lines", "amendment_versions",
			"amendment_decisions", "consultant_credentials", "staffing_requirements", "credential_kinds", "ncpc_activities",
			"instruments", "instrument_subscales", "assessments", "assessment_scores"} {
			if _, err := db.ExecContext(ctx, "VACUUM ANALYZE "+table); err != nil {
				return err
			}
		}
		return nil
	}
	_, err = db.ExecContext(ctx, "ANALYZE")
	return err
}

// insertAll writes rows (pointers to models) in multi-row INSERTs of loadChunk rows.
func insertAll[M any](ctx context.Context, idb bun.IDB, rows []M) error {
	for i := 0; i < len(rows); i += loadChunk {
		chunk := rows[i:min(i+loadChunk, len(rows))]
		if _, err := idb.NewInsert().Model(&chunk).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// insertScoped writes tenant-owned rows of ctx's tenant in multi-row INSERTs.
func insertScoped[M database.TenantOwned](ctx context.Context, db *bun.DB, rows []M) error {
	t, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	for i := 0; i < len(rows); i += loadChunk {
		if _, err := database.InsertMany(t, rows[i:min(i+loadChunk, len(rows))]).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// user returns the id of the account with email, making it (with LoadPassword) when missing,
// and giving it LoadPassword when it has no password yet.
func (l *loader) user(ctx context.Context, email, name string) (string, error) {
	var u accounts.User
	err := l.db.NewSelect().Model(&u).Column("id", "password_hash").Where("email = ?", email).Limit(1).Scan(ctx)
	if err == nil {
		if u.PasswordHash == "" {
			if _, err := l.db.NewUpdate().Model((*accounts.User)(nil)).Set("password_hash = ?", l.hash).
				Set("updated_at = ?", l.now).Where("id = ?", u.ID).Exec(ctx); err != nil {
				return "", err
			}
			l.added++
		}
		return u.ID, nil
	}
	u = accounts.User{ID: database.NewID(), Email: email, Name: name, PasswordHash: l.hash, Active: true, CreatedAt: l.now, UpdatedAt: l.now}
	if _, err := l.db.NewInsert().Model(&u).Exec(ctx); err != nil {
		return "", err
	}
	l.added++
	return u.ID, nil
}

// org returns the id of the organisation of ctx's tenant of that kind and name, making it.
func (l *loader) org(ctx context.Context, kind, name, short string) (string, error) {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return "", err
	}
	var id string
	err = t.Select((*tenants.Organisation)(nil)).Column("o.id").Where("o.kind = ? AND o.name = ?", kind, name).Limit(1).Scan(ctx, &id)
	if err == nil {
		return id, nil
	}
	o := &tenants.Organisation{ID: database.NewID(), Kind: kind, Name: name, ShortName: short, CreatedAt: l.now, UpdatedAt: l.now}
	if _, err := t.Insert(o).Exec(ctx); err != nil {
		return "", err
	}
	l.added++
	return o.ID, nil
}

// member gives userID role in ctx's tenant unless they hold a membership there.
func (l *loader) member(ctx context.Context, userID, role, orgID string) error {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return err
	}
	n, err := t.Select((*tenants.Membership)(nil)).Where("m.user_id = ?", userID).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	m := &tenants.Membership{ID: database.NewID(), UserID: userID, Role: role, OrganisationID: orgID, Active: true, CreatedAt: l.now, UpdatedAt: l.now}
	if _, err := t.Insert(m).Exec(ctx); err != nil {
		return err
	}
	l.added++
	return nil
}

// Words for the rows, picked by index.
var (
	loadFirstNames = []string{"Avery", "Jordan", "Morgan", "Riley", "Casey", "Jamie", "Quinn", "Taylor", "Reese", "Rowan",
		"Elena", "Marcus", "Priya", "Samuel", "Grace", "Tomas", "Aisha", "Hannah", "Luis", "Mei"}
	loadLastNames = []string{"Bennett", "Castillo", "Douglas", "Ellison", "Fischer", "Garcia", "Hayes", "Ibarra", "Jensen",
		"Kowalski", "Lindqvist", "Morales", "Nakamura", "Okafor", "Patel", "Reyes", "Sullivan", "Thompson", "Underwood", "Vasquez"}
	loadLanguages   = [][]string{{"English"}, {"English", "Spanish"}, {"English", "Polish"}, {"English", "Arabic"}, {"English", "Spanish", "Arabic"}}
	loadSettings    = [][]string{{"child_care_center", "family_child_care_home"}, {"home_visiting", "doula"}, {"child_care_center", "head_start"}, {"early_intervention", "home_visiting"}}
	loadModes       = [][]string{{"in_person", "hybrid"}, {"in_person", "virtual"}, {"in_person", "virtual", "hybrid"}}
	loadServices    = []string{"reflective_individual", "reflective_group", "classroom_observation", "mini_training", "policy_support"}
	loadAuditAction = []struct{ action, record, detail string }{
		{"user.signin", "user", ""},
		{"session.create", "consultation_session", "Session recorded"},
		{"session.update", "consultation_session", "Session changed"},
		{"engagement.start", "engagement", "Program consultation"},
		{"engagement.advance", "engagement", "to implementation"},
		{"membership.create", "membership", "as consultant"},
		{"consultant_assignment.create", "consultant_assignment", "to a program"},
		{"credential.create", "consultant_credential", "Bachelor’s degree in a related field"},
		{"credential.verify", "consultant_credential", "verified"},
		{"funding.update", "funding", "budget lines"},
		{"request.create", "consultant_request", "from the public form"},
		{"supervision.create", "supervision_record", "60 minutes, individual"},
	}
)

func loadName(i int) string {
	return loadFirstNames[i%len(loadFirstNames)] + " " + loadLastNames[(i/len(loadFirstNames)+i)%len(loadLastNames)]
}

func (l *loader) date(daysAgo int) string {
	return l.today.AddDate(0, 0, -daysAgo).Format(time.DateOnly)
}

// volume fills the volume tenant.
func (l *loader) volume(ctx context.Context, v *consultation.Volume, opt LoadOptions) error {
	ctx = database.WithScope(ctx, database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug})
	people := LoadPeople(v.Slug)
	ids := map[string]string{}
	for _, p := range []struct{ role, name string }{
		{authz.TenantAdmin, "Volume Admin"}, {authz.Supervisor, "Volume Supervisor"},
		{authz.Program, "Volume Program Director"}, {authz.Funder, "Volume Funder Officer"}, {authz.Consultant, ""},
	} {
		id, err := l.user(ctx, people[p.role], p.name)
		if err != nil {
			return err
		}
		ids[p.role] = id
	}
	// Every consultant of the volume signs in with LoadPassword (the harness picks any).
	res, err := l.db.NewUpdate().Model((*accounts.User)(nil)).Set("password_hash = ?", l.hash).Set("updated_at = ?", l.now).
		Where("email LIKE ? AND password_hash = ''", "volume.consultant.%@volume.example").Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		l.added += int(n)
	}
	t, err := database.For(ctx, l.db)
	if err != nil {
		return err
	}
	var ten tenants.Tenant
	if err := l.db.NewSelect().Model(&ten).Where("id = ?", v.TenantID).Scan(ctx); err != nil {
		return err
	}
	if ten.SettingsConfirmedAt == nil {
		counties := tenants.BuiltinCounties(ten.State)
		if _, err := l.db.NewUpdate().Model((*tenants.Tenant)(nil)).Set("counties = ?", database.StringList(counties)).
			Set("languages = ?", database.StringList{"English", "Spanish", "Polish", "Arabic"}).
			Set("settings_confirmed_at = ?", l.now).Set("updated_at = ?", l.now).
			Where("id = ? AND settings_confirmed_at IS NULL", ten.ID).Exec(ctx); err != nil {
			return err
		}
		ten.Counties, ten.Languages, ten.SettingsConfirmedAt = counties, database.StringList{"English", "Spanish", "Polish", "Arabic"}, &l.now
		l.added++
	}
	funderID, err := l.org(ctx, tenants.OrgFunder, "Volume Funder", "VF")
	if err != nil {
		return err
	}
	agencyID, err := l.org(ctx, tenants.OrgConsultantAgency, "Volume Consultation Agency", "")
	if err != nil {
		return err
	}
	var programID string
	if err := t.Select((*consultation.Engagement)(nil)).Column("e.program_id").Where("e.id = ?", v.EngagementID).Scan(ctx, &programID); err != nil {
		return fmt.Errorf("the measured engagement's program: %w", err)
	}
	for role, org := range map[string]string{authz.TenantAdmin: "", authz.Supervisor: "", authz.Program: programID, authz.Funder: funderID} {
		if err := l.member(ctx, ids[role], role, org); err != nil {
			return err
		}
	}
	if err := l.volumeSupervision(ctx, ids[authz.Supervisor]); err != nil {
		return fmt.Errorf("supervision: %w", err)
	}
	if err := l.volumeRoster(ctx, &ten, agencyID, ids[authz.TenantAdmin]); err != nil {
		return fmt.Errorf("roster: %w", err)
	}
	if err := l.volumeCredentials(ctx, ids[authz.TenantAdmin]); err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	fundings, err := l.volumeFundings(ctx, &ten, funderID, ids[authz.TenantAdmin])
	if err != nil {
		return fmt.Errorf("fundings: %w", err)
	}
	if err := l.volumeNCPC(ctx, &ten, fundings, ids[authz.TenantAdmin]); err != nil {
		return fmt.Errorf("NCPC activities and assessments: %w", err)
	}
	if err := l.volumeAudit(ctx, opt.AuditEvents, ids[authz.TenantAdmin], people[authz.TenantAdmin]); err != nil {
		return fmt.Errorf("audit events: %w", err)
	}
	if err := l.volumeRequests(ctx, &ten, opt.Requests, ids[authz.TenantAdmin]); err != nil {
		return fmt.Errorf("requests: %w", err)
	}
	if err := l.volumeAmendments(ctx, fundings, opt.Amendments, ids[authz.Program], ids[authz.Funder]); err != nil {
		return fmt.Errorf("amendments: %w", err)
	}
	return nil
}

// volumeSupervision has the supervisor supervise consultants 001–020.
func (l *loader) volumeSupervision(ctx context.Context, supervisorID string) error {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return err
	}
	var emails []string
	for i := 1; i <= volumeSupervised; i++ {
		emails = append(emails, volumeConsultantEmail(i))
	}
	var consultantIDs []string
	if err := l.db.NewSelect().Model((*accounts.User)(nil)).Column("id").Where("email IN (?)", bun.In(emails)).
		OrderExpr("email").Scan(ctx, &consultantIDs); err != nil {
		return err
	}
	var have []supervision.Assignment
	if err := t.Select(&have).Where("sa.supervisor_id = ?", supervisorID).Scan(ctx); err != nil {
		return err
	}
	got := map[string]bool{}
	for _, a := range have {
		got[a.ConsultantID] = true
	}
	var rows []*supervision.Assignment
	for _, c := range consultantIDs {
		if !got[c] {
			rows = append(rows, &supervision.Assignment{ID: database.NewID(), SupervisorID: supervisorID, ConsultantID: c, CreatedAt: l.now})
		}
	}
	l.added += len(rows)
	return insertScoped(ctx, l.db, rows)
}

// volumeRoster makes every consultant's profile look like a staffing roster's: languages,
// counties, settings, specialties, hire date and a bio, with their search facets. A profile
// with a bio is left as it is.
func (l *loader) volumeRoster(ctx context.Context, ten *tenants.Tenant, agencyID, adminID string) error {
	return database.InTx(ctx, l.db, func(ctx context.Context) error {
		t, err := database.For(ctx, l.db)
		if err != nil {
			return err
		}
		var profiles []*consultants.Profile
		if err := t.Select(&profiles).Where("cp.bio = ''").OrderExpr("cp.display_name").Scan(ctx); err != nil {
			return err
		}
		var facets []*consultants.Facet
		counties := ten.Counties
		for i, p := range profiles {
			p.AgencyID = agencyID
			p.Languages = loadLanguages[i%len(loadLanguages)]
			p.Counties = nil
			for k := 0; k < 3 && len(counties) > 0; k++ {
				p.Counties = append(p.Counties, counties[(i*3+k)%len(counties)])
			}
			p.Settings = loadSettings[i%len(loadSettings)]
			p.Specialties = database.StringList{consultants.Specialties[i%len(consultants.Specialties)], consultants.Specialties[(i+3)%len(consultants.Specialties)]}
			p.Modes = loadModes[i%len(loadModes)]
			p.Capacity = 1 + i%4
			p.Bio = "Infant and early childhood mental health consultant working with programs across the state."
			p.HiredOn = l.date(120 + (i*37)%1500)
			p.ReviewedBy = adminID
			reviewed := l.now.AddDate(0, 0, -30-i%300)
			p.SubmittedAt, p.ReviewedAt = &reviewed, &reviewed
			p.UpdatedAt = l.now
			if _, err := t.Update(p).Column("agency_id", "languages", "counties", "settings", "specialties", "modes", "capacity",
				"bio", "hired_on", "reviewed_by", "submitted_at", "reviewed_at", "updated_at").WherePK().Exec(ctx); err != nil {
				return err
			}
			add := func(kind string, values []string) {
				for _, v := range values {
					facets = append(facets, &consultants.Facet{ProfileID: p.ID, Facet: kind, Value: v})
				}
			}
			add(consultants.FacetLanguage, p.Languages)
			add(consultants.FacetCounty, p.Counties)
			add(consultants.FacetSetting, p.Settings)
			add(consultants.FacetSpecialty, p.Specialties)
			add(consultants.FacetMode, p.Modes)
		}
		l.added += len(profiles) + len(facets)
		return insertScoped(ctx, l.db, facets)
	})
}

// volumeCredentials adds North Carolina's built-in staffing requirements and three credentials
// to every consultant who has none.
func (l *loader) volumeCredentials(ctx context.Context, adminID string) error {
	store := tenants.NewStore(l.db)
	log := audit.New(l.db)
	svc := credentials.NewService(l.db, store, consultants.NewRegistry(l.db, store, log, nil), supervision.NewService(l.db, store, log), log, nil, nil, "")
	if _, err := svc.AddBuiltin(ctx, credentials.BuiltinNC); err != nil {
		return err
	}
	kinds, err := svc.Store().Kinds(ctx)
	if err != nil {
		return err
	}
	byName := map[string]credentials.Kind{}
	for _, k := range kinds {
		byName[k.Name] = k
	}
	var use []credentials.Kind
	for _, name := range []string{"Bachelor’s degree in a related field",
		"Center of Excellence Foundational Modules (The Mental Health Consultation Tool)",
		"2 years’ experience in or supporting early care and education (employer letter)"} {
		if k, ok := byName[name]; ok {
			use = append(use, k)
		}
	}
	if len(use) == 0 {
		return fmt.Errorf("the built-in kinds are missing")
	}
	t, err := database.For(ctx, l.db)
	if err != nil {
		return err
	}
	var profileIDs []string
	if err := t.Select((*consultants.Profile)(nil)).Column("cp.id").
		Where("NOT EXISTS (SELECT 1 FROM consultant_credentials AS cc WHERE cc.tenant_id = cp.tenant_id AND cc.profile_id = cp.id)").
		OrderExpr("cp.display_name").Scan(ctx, &profileIDs); err != nil {
		return err
	}
	var rows []*credentials.Credential
	for i, pid := range profileIDs {
		for j, k := range use {
			c := &credentials.Credential{ID: database.NewID(), ProfileID: pid, KindID: k.ID, Issuer: k.Issuer,
				IssuedOn: l.date(100 + (i*53+j*400)%3000), Status: credentials.StatusVerified, VerifiedBy: adminID,
				VerifiedAt: &l.now, CreatedAt: l.now, UpdatedAt: l.now}
			if (i+j)%7 == 0 {
				c.Status, c.VerifiedBy, c.VerifiedAt = credentials.StatusSubmitted, "", nil
			}
			rows = append(rows, c)
		}
	}
	l.added += len(rows)
	return insertScoped(ctx, l.db, rows)
}

// loadFunding is a funding with its budget lines, for the amendments.
type loadFunding struct {
	programs.Funding
	lines []*programs.BudgetLine
}

// volumeFundings has the volume funder fund every program of the tenant for the current fiscal
// year (with a budget), and returns those fundings.
func (l *loader) volumeFundings(ctx context.Context, ten *tenants.Tenant, funderID, adminID string) ([]*loadFunding, error) {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return nil, err
	}
	funder := &tenants.Organisation{ID: funderID, Kind: tenants.OrgFunder, Name: "Volume Funder", ShortName: "VF"}
	k, _ := programs.Known(ten, funder)
	fy := tenants.FiscalYear(ten.Local(l.now), programs.StartMonth(ten, k.Calendar))
	var programIDs []string
	if err := t.Select((*tenants.Organisation)(nil)).Column("o.id").Where("o.kind = ?", tenants.OrgProgram).
		Where("NOT EXISTS (SELECT 1 FROM fundings AS f WHERE f.tenant_id = o.tenant_id AND f.program_id = o.id AND f.funder_id = ?)", funderID).
		OrderExpr("o.name").Scan(ctx, &programIDs); err != nil {
		return nil, err
	}
	if len(programIDs) > 0 {
		var fs []*programs.Funding
		var lines []*programs.BudgetLine
		var versions []*programs.BudgetVersion
		for i, pid := range programIDs {
			f := &programs.Funding{ID: database.NewID(), ProgramID: pid, FunderID: funderID, FiscalYear: fy, IECMHCFunded: true, CreatedAt: l.now, UpdatedAt: l.now}
			fs = append(fs, f)
			amounts := []struct {
				cat   string
				cents int64
			}{{"Personnel", int64(120_000_00 + i*1_000_00)}, {"Fringe benefits", 30_000_00}, {"Travel", 4_000_00}, {programs.CategoryIECMHC, 20_000_00}}
			var vl []programs.VersionLine
			var total money.Cents
			for pos, a := range amounts {
				lines = append(lines, &programs.BudgetLine{ID: database.NewID(), FundingID: f.ID, Category: a.cat, AmountCents: a.cents, Position: pos})
				vl = append(vl, programs.VersionLine{Category: a.cat, AmountCents: money.Cents(a.cents)})
				total += money.Cents(a.cents)
			}
			versions = append(versions, &programs.BudgetVersion{ID: database.NewID(), FundingID: f.ID, Number: 1, EffectiveOn: l.date(0),
				Reason: "Budget set up", Lines: vl, TotalCents: total, CreatedBy: adminID, CreatedAt: l.now})
		}
		err := database.InTx(ctx, l.db, func(ctx context.Context) error {
			if err := insertScoped(ctx, l.db, fs); err != nil {
				return err
			}
			if err := insertScoped(ctx, l.db, lines); err != nil {
				return err
			}
			return insertScoped(ctx, l.db, versions)
		})
		if err != nil {
			return nil, err
		}
		l.added += len(fs) + len(lines) + len(versions)
	}
	var all []*loadFunding
	var fs []programs.Funding
	if err := t.Select(&fs).Where("f.funder_id = ?", funderID).OrderExpr("f.created_at, f.id").Scan(ctx); err != nil {
		return nil, err
	}
	var lines []*programs.BudgetLine
	if err := t.Select(&lines).Join("JOIN fundings AS f ON f.tenant_id = bl.tenant_id AND f.id = bl.funding_id").
		Where("f.funder_id = ?", funderID).OrderExpr("bl.funding_id, bl.position").Scan(ctx); err != nil {
		return nil, err
	}
	byID := map[string]*loadFunding{}
	for _, f := range fs {
		lf := &loadFunding{Funding: f}
		byID[f.ID] = lf
		all = append(all, lf)
	}
	for _, bl := range lines {
		if lf := byID[bl.FundingID]; lf != nil {
			lf.lines = append(lf.lines, bl)
		}
	}
	return all, nil
}

// volumeAudit adds audit events up to want, spread evenly over the last five years.
func (l *loader) volumeAudit(ctx context.Context, want int, adminID, adminEmail string) error {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return err
	}
	n, err := t.SelectFrom("audit_events", "ae").Count(ctx)
	have := int(n)
	if err != nil || have >= want {
		return err
	}
	var actors []struct {
		ID    string `bun:"id"`
		Email string `bun:"email"`
	}
	if err := l.db.NewSelect().Model((*accounts.User)(nil)).Column("id", "email").
		Where("email LIKE ?", "volume.consultant.%@volume.example").OrderExpr("email").Scan(ctx, &actors); err != nil {
		return err
	}
	start := l.now.AddDate(-5, 0, 0)
	span := l.now.Sub(start)
	for from := have; from < want; from += 5000 {
		to := min(from+5000, want)
		rows := make([]*audit.Event, 0, to-from)
		for i := from; i < to; i++ {
			a := loadAuditAction[i%len(loadAuditAction)]
			e := &audit.Event{ID: database.NewID(), Action: a.action, RecordType: a.record, RecordID: database.NewID(),
				Detail: a.detail, IP: fmt.Sprintf("10.%d.%d.%d", i%7, (i/7)%250, 1+i%250),
				CreatedAt: start.Add(time.Duration(int64(span) / int64(want) * int64(i))).Truncate(time.Microsecond)}
			if i%5 == 0 || len(actors) == 0 {
				e.ActorID, e.ActorEmail = adminID, adminEmail
			} else {
				ac := actors[i%len(actors)]
				e.ActorID, e.ActorEmail = ac.ID, ac.Email
			}
			if a.action == "user.signin" {
				e.RecordID = e.ActorID
			}
			rows = append(rows, e)
		}
		if err := insertScoped(ctx, l.db, rows); err != nil {
			return err
		}
		l.added += len(rows)
		if to/20000 != from/20000 || to == want {
			l.say("  %d of %d audit events in the volume tenant", to, want)
		}
	}
	return nil
}

// volumeRequests adds consultant requests up to want: most open in the admin's queue, the
// others waiting for their email, assigned or closed.
func (l *loader) volumeRequests(ctx context.Context, ten *tenants.Tenant, want int, adminID string) error {
	t, err := database.For(ctx, l.db)
	if err != nil {
		return err
	}
	n, err := t.Select((*consultants.Request)(nil)).Count(ctx)
	have := int(n)
	if err != nil || have >= want {
		return err
	}
	var rows []*consultants.Request
	kinds := []string{"Child Care Center", "Family Child Care Home", "Head Start", "Home Visiting Program", "Early Learning Academy"}
	needs := []string{
		"Two toddlers in our room are biting and staff are worn out; we would like help with routines.",
		"A family we visit is dealing with postpartum depression; our home visitor wants reflective support.",
		"Our new teachers need support with challenging behaviour at circle time.",
		"We want to talk through a child's trauma history with our staff before a transition.",
	}
	for i := have; i < want; i++ {
		created := l.now.Add(-time.Duration(want-i) * 37 * time.Hour)
		r := &consultants.Request{ID: database.NewID(), OrganisationName: fmt.Sprintf("%s %s %03d", loadLastNames[i%len(loadLastNames)], kinds[i%len(kinds)], i+1),
			Need: needs[i%len(needs)], PreferredLanguage: loadLanguages[i%len(loadLanguages)][len(loadLanguages[i%len(loadLanguages)])-1],
			ContactName: loadName(i + 7), ContactEmail: fmt.Sprintf("director%03d@families.example", i+1),
			ContactPhone: fmt.Sprintf("(312) 555-%04d", i%10000), Status: consultants.RequestOpen, CreatedAt: created, UpdatedAt: created}
		if len(ten.Counties) > 0 {
			r.County = ten.Counties[i%len(ten.Counties)]
		}
		confirmed := created.Add(10 * time.Minute)
		switch i % 10 {
		case 7:
			r.Status = consultants.RequestUnconfirmed
		case 8:
			r.Status, r.DecidedAt, r.DecidedBy = consultants.RequestAssigned, &confirmed, adminID
			r.ConfirmedAt = &confirmed
		case 9:
			r.Status, r.DecidedAt, r.DecidedBy = consultants.RequestClosed, &confirmed, adminID
			r.ConfirmedAt, r.DecisionNote = &confirmed, "The program found a consultant through its own agency."
		default:
			r.ConfirmedAt = &confirmed
		}
		if r.Status == consultants.RequestUnconfirmed {
			_, r.ConfirmTokenHash = accounts.NewToken()
		}
		rows = append(rows, r)
	}
	l.added += len(rows)
	return insertScoped(ctx, l.db, rows)
}

// volumeAmendments adds budget amendments of the volume funder's fundings up to want: drafts,
// submitted ones waiting on the funder (one per funding, which each holds) and approved ones
// already applied.
func (l *loader) volumeAmendments(ctx context.Context, fundings []*loadFunding, want int, programUserID, funderUserID string) error {
	if len(fundings) == 0 || want <= 0 {
		return nil
	}
	return database.InTx(ctx, l.db, func(ctx context.Context) error {
		t, err := database.For(ctx, l.db)
		if err != nil {
			return err
		}
		n, err := t.Select((*amendments.Amendment)(nil)).Count(ctx)
		have := int(n)
		if err != nil || have >= want {
			return err
		}
		var number int
		if err := t.Select((*amendments.Amendment)(nil)).ColumnExpr("COALESCE(MAX(am.number), 0)").Scan(ctx, &number); err != nil {
			return err
		}
		held := map[string]bool{}
		for _, f := range fundings {
			held[f.ID] = f.HeldBy != ""
		}
		var rows []*amendments.Amendment
		var lines []*amendments.Line
		var versions []*amendments.Version
		var decisions []*amendments.Decision
		var holds [][2]string
		for i := have; i < want; i++ {
			f := fundings[i%len(fundings)]
			if len(f.lines) < 2 {
				continue
			}
			from, to := f.lines[0], f.lines[len(f.lines)-1]
			moved := money.Cents(int64(500_00 + (i%40)*250_00))
			var total money.Cents
			for _, bl := range f.lines {
				total += money.Cents(bl.AmountCents)
			}
			number++
			created := l.now.Add(-time.Duration(want-i) * 29 * time.Hour)
			a := &amendments.Amendment{ID: database.NewID(), Number: number, FundingID: f.ID, ProgramID: f.ProgramID, FunderID: f.FunderID,
				Status: amendments.StatusDraft, Class: amendments.ClassApproval, Steps: []amendments.StepSnapshot{},
				EffectiveOn:   created.AddDate(0, 1, 0).Format(time.DateOnly),
				Justification: "Move personnel savings from a vacancy to consultation hours for the classrooms.",
				BeforeCents:   total, AfterCents: total, MovedCents: moved, CreatedBy: programUserID, CreatedAt: created, UpdatedAt: created}
			lv := []amendments.LineValue{
				{BudgetLineID: from.ID, Category: from.Category, CurrentCents: money.Cents(from.AmountCents), ProposedCents: money.Cents(from.AmountCents) - moved},
				{BudgetLineID: to.ID, Category: to.Category, CurrentCents: money.Cents(to.AmountCents), ProposedCents: money.Cents(to.AmountCents) + moved},
			}
			for pos, v := range lv {
				lines = append(lines, &amendments.Line{AmendmentID: a.ID, Position: pos, BudgetLineID: v.BudgetLineID, Category: v.Category,
					CurrentCents: v.CurrentCents, ProposedCents: v.ProposedCents})
			}
			status := []string{amendments.StatusDraft, amendments.StatusSubmitted, amendments.StatusApproved}[i%3]
			if status == amendments.StatusSubmitted && held[f.ID] {
				status = amendments.StatusDraft
			}
			if status != amendments.StatusDraft {
				step := amendments.StepSnapshot{Name: "Funder review", Decider: amendments.DeciderFunder, ResponseDays: amendments.DefaultResponseDays}
				submitted := created.Add(2 * time.Hour)
				a.Status, a.Version, a.Steps, a.SubmittedAt, a.UpdatedAt = status, 1, []amendments.StepSnapshot{step}, &submitted, submitted
				versions = append(versions, &amendments.Version{ID: database.NewID(), AmendmentID: a.ID, Number: 1, Class: a.Class, Lines: lv,
					Justification: a.Justification, EffectiveOn: a.EffectiveOn, SubmittedBy: programUserID, SubmittedAt: submitted})
				if status == amendments.StatusSubmitted {
					// Due well after the sweep's horizon, so no worker reminds anyone of it.
					a.StepOpenedAt, a.StepDueOn = &submitted, l.date(-(20 + i%20))
					a.WaitingOn = amendments.WaitingOn(a, step)
					held[f.ID] = true
					holds = append(holds, [2]string{f.ID, a.ID})
				} else {
					decided := submitted.Add(72 * time.Hour)
					a.DecidedAt, a.AppliedAt, a.UpdatedAt = &decided, &decided, decided
					decisions = append(decisions, &amendments.Decision{ID: database.NewID(), AmendmentID: a.ID, Version: 1, Step: 0,
						StepName: step.Name, Decision: amendments.DecisionApproved, Comment: "Approved as proposed.",
						Adjusted: []amendments.LineValue{}, DecidedBy: funderUserID, DecidedAt: decided})
				}
			}
			rows = append(rows, a)
		}
		for _, err := range []error{insertScoped(ctx, l.db, rows), insertScoped(ctx, l.db, lines),
			insertScoped(ctx, l.db, versions), insertScoped(ctx, l.db, decisions)} {
			if err != nil {
				return err
			}
		}
		for _, h := range holds {
			if _, err := t.Update((*programs.Funding)(nil)).Set("held_by = ?", h[1]).Where("f.id = ? AND f.held_by = ''", h[0]).Exec(ctx); err != nil {
				return err
			}
		}
		l.added += len(rows) + len(lines) + len(versions) + len(decisions)
		return nil
	})
}

// smallPlace is where a small tenant is.
type smallPlace struct{ state, tz string }

var smallPlaces = []smallPlace{
	{"NC", "America/New_York"}, {"IL", "America/Chicago"}, {"OH", "America/New_York"}, {"CO", "America/Denver"},
	{"OR", "America/Los_Angeles"}, {"WI", "America/Chicago"}, {"GA", "America/New_York"}, {"AZ", "America/Phoenix"},
}

// smallRows are the rows of a batch of small tenants.
type smallRows struct {
	tenants     []*tenants.Tenant
	users       []*accounts.User
	orgs        []*tenants.Organisation
	members     []*tenants.Membership
	profiles    []*consultants.Profile
	facets      []*consultants.Facet
	assignments []*consultants.Assignment
	engagements []*consultation.Engagement
	sessions    []*consultation.Session
	months      []*consultation.SessionMonth
	pmonths     []*consultation.ProgramMonth
	supervision []*supervision.Assignment
	sites       []*programs.Site
	fundings    []*programs.Funding
	lines       []*programs.BudgetLine
	versions    []*programs.BudgetVersion
	events      []*audit.Event
}

// smallTenants adds the small tenants 1…n that are missing, smallBatch per transaction.
func (l *loader) smallTenants(ctx context.Context, n int) error {
	actx := database.AcrossTenants(ctx, "demo.load")
	var slugs []string
	if err := l.db.NewSelect().Model((*tenants.Tenant)(nil)).Column("slug").Where("slug LIKE 'small-%'").Scan(actx, &slugs); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, s := range slugs {
		have[s] = true
	}
	var missing []int
	for i := 1; i <= n; i++ {
		if !have[SmallSlug(i)] {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	l.say("Adding %d small tenants (%d there already).", len(missing), n-len(missing))
	for b := 0; b < len(missing); b += smallBatch {
		batch := missing[b:min(b+smallBatch, len(missing))]
		var r smallRows
		for _, i := range batch {
			l.smallTenant(&r, i)
		}
		err := database.InTx(actx, l.db, func(ctx context.Context) error {
			idb := database.Conn(ctx, l.db)
			for _, err := range []error{
				insertAll(ctx, idb, r.tenants), insertAll(ctx, idb, r.users), insertAll(ctx, idb, r.orgs),
				insertAll(ctx, idb, r.members), insertAll(ctx, idb, r.profiles), insertAll(ctx, idb, r.facets),
				insertAll(ctx, idb, r.assignments), insertAll(ctx, idb, r.engagements), insertAll(ctx, idb, r.sessions),
				insertAll(ctx, idb, r.months), insertAll(ctx, idb, r.pmonths), insertAll(ctx, idb, r.supervision),
				insertAll(ctx, idb, r.sites), insertAll(ctx, idb, r.fundings), insertAll(ctx, idb, r.lines),
				insertAll(ctx, idb, r.versions), insertAll(ctx, idb, r.events),
			} {
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		l.added += len(r.tenants)
		l.say("  %d of %d small tenants added", b+len(batch), len(missing))
	}
	return nil
}

// smallTenant builds small tenant i's rows into r: a local partnership with a funder funding
// two programs, a consultant agency, five people (one per role), the consultant's approved
// profile, two assignments, three engagements and thirty sessions, and a few audit events.
func (l *loader) smallTenant(r *smallRows, i int) {
	slug := SmallSlug(i)
	place := smallPlaces[i%len(smallPlaces)]
	counties := tenants.BuiltinCounties(place.state)
	if len(counties) > 5 {
		counties = counties[(i*5)%(len(counties)-5):][:5]
	}
	created := l.now.AddDate(0, 0, -(30 + i%700))
	ten := &tenants.Tenant{ID: database.NewID(), Slug: slug, Name: fmt.Sprintf("Small Partnership %04d", i),
		Kind: tenants.KindLocalPartnership, State: place.state, Status: tenants.StatusActive, Plan: "partnership",
		TimeZone: place.tz, LastActiveAt: &l.now, CreatedAt: created, UpdatedAt: l.now, StateFYStartMonth: 7, FederalFYStartMonth: 10,
		Counties: counties, Languages: database.StringList{"English", "Spanish"}, SettingsConfirmedAt: &created}
	r.tenants = append(r.tenants, ten)
	tid := ten.ID
	org := func(kind, name, short, programKind, county string) string {
		o := &tenants.Organisation{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(), Kind: kind, Name: name,
			ShortName: short, ProgramKind: programKind, County: county, CreatedAt: created, UpdatedAt: created}
		if kind == tenants.OrgProgram {
			o.Languages = database.StringList{"English", "Spanish"}
		}
		r.orgs = append(r.orgs, o)
		return o.ID
	}
	county := func(k int) string {
		if len(counties) == 0 {
			return ""
		}
		return counties[k%len(counties)]
	}
	funder := org(tenants.OrgFunder, fmt.Sprintf("Community Fund %04d", i), "CF", "", "")
	prog1 := org(tenants.OrgProgram, fmt.Sprintf("Little Steps Child Care Center %04d", i), "", "child_care_center", county(0))
	prog2 := org(tenants.OrgProgram, fmt.Sprintf("Bright Start Home Visiting %04d", i), "", "home_visiting", county(1))
	agency := org(tenants.OrgConsultantAgency, fmt.Sprintf("Partnership Consultation Services %04d", i), "", "", "")
	people := LoadPeople(slug)
	users := map[string]string{}
	for k, p := range []struct{ role, org string }{
		{authz.TenantAdmin, ""}, {authz.Consultant, ""}, {authz.Supervisor, ""}, {authz.Program, prog1}, {authz.Funder, funder},
	} {
		u := &accounts.User{ID: database.NewID(), Email: people[p.role], Name: loadName(i*5 + k), PasswordHash: l.hash, Active: true,
			CreatedAt: created, UpdatedAt: created}
		r.users = append(r.users, u)
		users[p.role] = u.ID
		r.members = append(r.members, &tenants.Membership{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(),
			UserID: u.ID, Role: p.role, OrganisationID: p.org, Active: true, CreatedAt: created, UpdatedAt: created})
	}
	consultantID, adminID := users[authz.Consultant], users[authz.TenantAdmin]
	reviewed := created.Add(48 * time.Hour)
	prof := &consultants.Profile{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(), UserID: consultantID,
		AgencyID: agency, DisplayName: loadName(i*5 + 1), Languages: database.StringList{"English", "Spanish"},
		Counties: database.StringList{county(0), county(1)}, Settings: database.StringList{"child_care_center", "home_visiting"},
		Specialties: database.StringList{"Attachment", "Child development"}, Modes: database.StringList{"in_person", "virtual"},
		Capacity: 3, Bio: "Consults with the partnership's child care centers and home visiting program.",
		HiredOn: created.Format(time.DateOnly), Status: consultants.StatusApproved, Active: true, ReviewChecklist: database.StringList{},
		SubmittedAt: &reviewed, ReviewedAt: &reviewed, ReviewedBy: adminID, CreatedAt: created, UpdatedAt: reviewed}
	if prof.Counties[0] == "" {
		prof.Counties = database.StringList{}
	}
	r.profiles = append(r.profiles, prof)
	for kind, values := range map[string][]string{consultants.FacetLanguage: prof.Languages, consultants.FacetCounty: prof.Counties,
		consultants.FacetSetting: prof.Settings, consultants.FacetSpecialty: prof.Specialties, consultants.FacetMode: prof.Modes} {
		for _, v := range values {
			r.facets = append(r.facets, &consultants.Facet{TenantScoped: database.TenantScoped{TenantID: tid}, ProfileID: prof.ID, Facet: kind, Value: v})
		}
	}
	r.supervision = append(r.supervision, &supervision.Assignment{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(),
		SupervisorID: users[authz.Supervisor], ConsultantID: consultantID, CreatedAt: reviewed})
	opened := l.date(365)
	assignments := map[string]string{}
	for _, p := range []string{prog1, prog2} {
		a := &consultants.Assignment{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(), ProfileID: prof.ID,
			ProgramID: p, Status: consultants.AssignmentActive, StartedOn: opened, CreatedBy: adminID, CreatedAt: reviewed, UpdatedAt: reviewed}
		r.assignments = append(r.assignments, a)
		assignments[p] = a.ID
		r.sites = append(r.sites, &programs.Site{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(), ProgramID: p,
			Name: "Main office", Kind: programs.SiteKindSite, CreatedAt: created})
	}
	months := map[[2]string]*consultation.SessionMonth{}
	pmonths := map[[2]string]*consultation.ProgramMonth{}
	for e, p := range []string{prog1, prog2, prog1} {
		eng := &consultation.Engagement{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(),
			AssignmentID: assignments[p], ProfileID: prof.ID, ProgramID: p, Focus: consultation.FocusProgram,
			Stage: consultation.StageImplementation, Kind: consultation.KindConsultation, OpenedOn: opened,
			DefaultParticipants: database.Counts{"educators": 3}, CreatedBy: consultantID, CreatedAt: reviewed, UpdatedAt: l.now}
		r.engagements = append(r.engagements, eng)
		for s := 0; s < 10; s++ {
			k := e*10 + s
			held := l.date(355 - s*35 - e*3)
			x := &consultation.Session{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(), EngagementID: eng.ID,
				ProfileID: prof.ID, ProgramID: p, HeldOn: held, Minutes: 30 + (k%6)*15, Mode: consultation.Modes[k%len(consultation.Modes)].Value,
				Service: loadServices[k%len(loadServices)], Participants: database.Counts{"educators": 1 + k%4},
				Topics:  database.StringList{consultation.Topics[k%len(consultation.Topics)]},
				Summary: "Talked through the week's routines and next steps.", CreatedBy: consultantID, CreatedAt: l.now, UpdatedAt: l.now}
			if x.Service == consultation.ServiceMiniTraining {
				x.TrainingTopic = consultation.Topics[k%len(consultation.Topics)]
			}
			r.sessions = append(r.sessions, x)
			eng.Contacts++
			eng.Minutes += x.Minutes
			if eng.FirstContactOn == "" || held < eng.FirstContactOn {
				eng.FirstContactOn = held
			}
			if held > eng.LastContactOn {
				eng.LastContactOn, eng.LastMode = held, x.Mode
			}
			month := held[:7]
			sm := months[[2]string{p, month}]
			if sm == nil {
				sm = &consultation.SessionMonth{TenantScoped: database.TenantScoped{TenantID: tid}, ProgramID: p, ProfileID: prof.ID, Month: month}
				months[[2]string{p, month}] = sm
				r.months = append(r.months, sm)
			}
			sm.Sessions++
			sm.Minutes += x.Minutes
			pm := pmonths[[2]string{p, month}]
			if pm == nil {
				pm = &consultation.ProgramMonth{TenantScoped: database.TenantScoped{TenantID: tid}, ProgramID: p, Month: month}
				pmonths[[2]string{p, month}] = pm
				r.pmonths = append(r.pmonths, pm)
			}
			pm.Sessions++
			pm.Minutes += x.Minutes
		}
	}
	k, _ := programs.Known(ten, &tenants.Organisation{Kind: tenants.OrgFunder, Name: fmt.Sprintf("Community Fund %04d", i), ShortName: "CF"})
	fy := tenants.FiscalYear(ten.Local(l.now), programs.StartMonth(ten, k.Calendar))
	for n, p := range []string{prog1, prog2} {
		f := &programs.Funding{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(), ProgramID: p, FunderID: funder,
			FiscalYear: fy, IECMHCFunded: true, CreatedAt: created, UpdatedAt: created}
		r.fundings = append(r.fundings, f)
		var vl []programs.VersionLine
		var total money.Cents
		for pos, a := range []struct {
			cat   string
			cents int64
		}{{programs.CategoryIECMHC, int64(18_000_00 + n*4_000_00)}, {"Training", 2_500_00}, {"Supplies", 1_200_00}} {
			r.lines = append(r.lines, &programs.BudgetLine{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(),
				FundingID: f.ID, Category: a.cat, AmountCents: a.cents, Position: pos})
			vl = append(vl, programs.VersionLine{Category: a.cat, AmountCents: money.Cents(a.cents)})
			total += money.Cents(a.cents)
		}
		r.versions = append(r.versions, &programs.BudgetVersion{TenantScoped: database.TenantScoped{TenantID: tid}, ID: database.NewID(),
			FundingID: f.ID, Number: 1, EffectiveOn: created.Format(time.DateOnly), Reason: "Budget set up", Lines: vl,
			TotalCents: total, CreatedBy: adminID, CreatedAt: created})
	}
	for e, ev := range []struct{ action, record, id, detail string }{
		{"tenant.create", "tenant", tid, slug},
		{"membership.create", "membership", consultantID, consultantID + " as consultant"},
		{"consultant_profile.approve", "consultant_profile", prof.ID, prof.DisplayName},
		{"funding.create", "funding", r.fundings[len(r.fundings)-1].ID, "Community Fund"},
		{"session.create", "consultation_session", r.sessions[len(r.sessions)-1].ID, "Session recorded"},
	} {
		r.events = append(r.events, &audit.Event{TenantID: tid, ID: database.NewID(), ActorID: adminID, ActorEmail: people[authz.TenantAdmin],
			Action: ev.action, RecordType: ev.record, RecordID: ev.id, Detail: ev.detail, CreatedAt: created.Add(time.Duration(e) * time.Hour)})
	}
}
