package consultation

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
)

// VolumeOptions size the benchmark data: a tenant holding Sessions sessions, spread evenly
// over Consultants consultants (5,000 each by default), each with EngagementsEach engagements.
type VolumeOptions struct {
	Slug            string
	Sessions        int
	Consultants     int
	EngagementsEach int
	Programs        int
	Progress        io.Writer // where to say how far it is; nil for quiet
}

// Volume is the data SeedVolume made (or found): the tenant and the consultant the
// benchmarks act as, with one of their engagements.
type Volume struct {
	TenantID, Slug                        string
	ConsultantUserID, ProfileID           string
	EngagementID                          string
	Sessions, ConsultantSessions, Created int
}

// Scope is the measured consultant's scope in the volume tenant.
func (v *Volume) Scope() database.Scope {
	return database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug, UserID: v.ConsultantUserID, Role: authz.Consultant}
}

func (o *VolumeOptions) defaults() {
	if o.Slug == "" {
		o.Slug = "volume"
	}
	if o.Sessions <= 0 {
		o.Sessions = 1_000_000
	}
	if o.Consultants <= 0 {
		o.Consultants = 200
	}
	if o.EngagementsEach <= 0 {
		o.EngagementsEach = 10
	}
	if o.Programs <= 0 {
		o.Programs = 50
	}
}

// volumeBatch is how many sessions one INSERT carries (about 20 columns each: well under
// both engines' limits on bound parameters).
const volumeBatch = 1000

// SeedVolume makes the speed benchmark's data: a tenant (slug "volume") with programs,
// consultants, their assignments and engagements, and their sessions, inserted in batched
// multi-row INSERTs, with every engagement's dosage counters right. It is idempotent: what is
// there is kept, and only a consultant's missing sessions are added (so an interrupted run
// goes on where it stopped).
func SeedVolume(ctx context.Context, db *bun.DB, opt VolumeOptions) (*Volume, error) {
	opt.defaults()
	say := func(format string, args ...any) {
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, format+"\n", args...)
		}
	}
	v := &Volume{Slug: opt.Slug}
	now := database.Now()
	err := db.NewSelect().TableExpr("tenants").Column("id").Where("slug = ?", opt.Slug).Scan(ctx, &v.TenantID)
	if err != nil {
		v.TenantID = database.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO tenants (id, slug, name, kind, state, status, plan, time_zone, created_at, updated_at)
			VALUES (?, ?, ?, 'state_system', 'IL', 'active', 'trial', 'America/Chicago', ?, ?)`,
			v.TenantID, opt.Slug, "Volume benchmark", now, now); err != nil {
			return nil, fmt.Errorf("volume tenant: %w", err)
		}
	}
	ctx = database.WithScope(ctx, database.Scope{TenantID: v.TenantID, TenantSlug: opt.Slug})
	programs, err := volumePrograms(ctx, db, v.TenantID, opt.Programs, now)
	if err != nil {
		return nil, err
	}
	perConsultant := opt.Sessions / opt.Consultants
	today := time.Now().UTC()
	for c := 0; c < opt.Consultants; c++ {
		userID, profileID, engs, err := volumeConsultant(ctx, db, v.TenantID, c, programs, opt.EngagementsEach, today, now)
		if err != nil {
			return nil, err
		}
		if c == 0 {
			v.ConsultantUserID, v.ProfileID, v.EngagementID = userID, profileID, engs[0].ID
		}
		added, err := volumeSessions(ctx, db, engs, perConsultant, today, now)
		if err != nil {
			return nil, err
		}
		v.Created += added
		if added > 0 && (c+1)%10 == 0 {
			say("  %d of %d consultants have their %d sessions", c+1, opt.Consultants, perConsultant)
		}
	}
	if v.Created > 0 {
		// The dashboards' monthly rollups of the sessions just added (issue 12).
		if err := RecountSessionMonths(ctx, db); err != nil {
			return nil, err
		}
	}
	t, err := database.For(ctx, db)
	if err != nil {
		return nil, err
	}
	n, err := t.Select((*Session)(nil)).Count(ctx)
	if err != nil {
		return nil, err
	}
	v.Sessions = int(n)
	cn, err := t.Select((*Session)(nil)).Where("s.profile_id = ?", v.ProfileID).Count(ctx)
	if err != nil {
		return nil, err
	}
	v.ConsultantSessions = int(cn)
	if v.Created > 0 && strings.Contains(db.Dialect().Name().String(), "pg") {
		// Fresh statistics for the planner, and a vacuum so the visibility map is set after
		// the bulk insert (else the first reads of each page pay for it).
		for _, table := range []string{"consultation_sessions", "engagements", "consultant_profiles", "consultant_assignments", "organisations", "users", "memberships", "session_months", "program_months"} {
			if _, err := db.ExecContext(ctx, "VACUUM ANALYZE "+table); err != nil {
				return nil, err
			}
		}
	} else if v.Created > 0 {
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func volumePrograms(ctx context.Context, db *bun.DB, tenantID string, count int, now time.Time) ([]string, error) {
	var ids []string
	for i := 0; i < count; i++ {
		name := fmt.Sprintf("Volume Program %03d", i+1)
		var id string
		err := db.NewSelect().TableExpr("organisations").Column("id").
			Where("tenant_id = ? AND kind = 'program' AND name = ?", tenantID, name).Scan(ctx, &id)
		if err != nil {
			id = database.NewID()
			if _, err := db.ExecContext(ctx, `INSERT INTO organisations (tenant_id, id, kind, name, program_kind, created_at, updated_at)
				VALUES (?, ?, 'program', ?, 'child_care_center', ?, ?)`, tenantID, id, name, now, now); err != nil {
				return nil, fmt.Errorf("volume program: %w", err)
			}
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// volumeConsultant finds or makes consultant c: user, membership, approved profile,
// assignments and engagements.
func volumeConsultant(ctx context.Context, db *bun.DB, tenantID string, c int, programs []string, each int, today, now time.Time) (string, string, []*Engagement, error) {
	email := fmt.Sprintf("volume.consultant.%03d@volume.example", c+1)
	name := fmt.Sprintf("Volume Consultant %03d", c+1)
	var userID, profileID string
	if err := db.NewSelect().TableExpr("users").Column("id").Where("email = ?", email).Scan(ctx, &userID); err != nil {
		userID = database.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			userID, email, name, now, now); err != nil {
			return "", "", nil, fmt.Errorf("volume user: %w", err)
		}
	}
	var m int
	if err := db.NewSelect().TableExpr("memberships").ColumnExpr("COUNT(*)").Where("tenant_id = ? AND user_id = ?", tenantID, userID).Scan(ctx, &m); err != nil {
		return "", "", nil, err
	}
	if m == 0 {
		if _, err := db.ExecContext(ctx, `INSERT INTO memberships (tenant_id, id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			tenantID, database.NewID(), userID, authz.Consultant, now, now); err != nil {
			return "", "", nil, err
		}
	}
	if err := db.NewSelect().TableExpr("consultant_profiles").Column("id").Where("tenant_id = ? AND user_id = ?", tenantID, userID).Scan(ctx, &profileID); err != nil {
		profileID = database.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO consultant_profiles (tenant_id, id, user_id, display_name, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'approved', ?, ?)`, tenantID, profileID, userID, name, now, now); err != nil {
			return "", "", nil, err
		}
	}
	t, err := database.For(ctx, db)
	if err != nil {
		return "", "", nil, err
	}
	var engs []*Engagement
	if err := t.Select(&engs).Where("e.profile_id = ?", profileID).OrderExpr("e.created_at, e.id").Scan(ctx); err != nil {
		return "", "", nil, err
	}
	opened := today.AddDate(-5, 0, 0).Format(time.DateOnly)
	for i := len(engs); i < each; i++ {
		program := programs[(c*each+i)%len(programs)]
		assignment := database.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO consultant_assignments (tenant_id, id, profile_id, program_id, status, started_on, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)`, tenantID, assignment, profileID, program, opened, userID, now, now); err != nil {
			return "", "", nil, err
		}
		e := &Engagement{ID: database.NewID(), AssignmentID: assignment, ProfileID: profileID, ProgramID: program,
			Focus: FocusProgram, Stage: StageImplementation, Kind: KindConsultation, OpenedOn: opened,
			CreatedBy: userID, CreatedAt: now, UpdatedAt: now, DefaultParticipants: database.Counts{"educators": 3}}
		if _, err := t.Insert(e).Exec(ctx); err != nil {
			return "", "", nil, err
		}
		engs = append(engs, e)
	}
	return userID, profileID, engs[:each], nil
}

// volumeSessions adds the consultant's missing sessions (want in all, spread over their
// engagements and the last five years) and sets the engagements' counters.
func volumeSessions(ctx context.Context, db *bun.DB, engs []*Engagement, want int, today, now time.Time) (int, error) {
	t, err := database.For(ctx, db)
	if err != nil {
		return 0, err
	}
	n, err := t.Select((*Session)(nil)).Where("s.profile_id = ?", engs[0].ProfileID).Count(ctx)
	have := int(n)
	if err != nil || have >= want {
		return 0, err
	}
	services := []string{"reflective_individual", "reflective_group", "classroom_observation", "mini_training", "policy_support"}
	span := 5 * 365
	added := 0
	for start := have; start < want; start += volumeBatch {
		end := min(start+volumeBatch, want)
		rows := make([]*Session, 0, end-start)
		for i := start; i < end; i++ {
			e := engs[i%len(engs)]
			held := today.AddDate(0, 0, -span+(i*span)/want).Format(time.DateOnly)
			s := &Session{ID: database.NewID(), EngagementID: e.ID, ProfileID: e.ProfileID, ProgramID: e.ProgramID,
				HeldOn: held, Minutes: 30 + (i%6)*15, Mode: Modes[i%len(Modes)].Value, Service: services[i%len(services)],
				Participants: database.Counts{"educators": 1 + i%4}, Topics: database.StringList{Topics[i%len(Topics)]},
				Summary: "Talked through the week's routines and next steps.", CreatedBy: e.CreatedBy,
				CreatedAt: now, UpdatedAt: now}
			if s.Service == ServiceMiniTraining {
				s.TrainingTopic = Topics[i%len(Topics)]
			}
			rows = append(rows, s)
		}
		if _, err := database.InsertMany(t, rows).Exec(ctx); err != nil {
			return added, fmt.Errorf("volume sessions: %w", err)
		}
		added += len(rows)
	}
	s := &Sessions{db: db}
	for _, e := range engs {
		if err := s.rebalance(ctx, e.ID); err != nil {
			return added, err
		}
	}
	return added, nil
}
