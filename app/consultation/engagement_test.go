package consultation_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/sealed"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/views"
)

// engWorld is one tenant with two consultants, a supervisor of the first, two programs (the
// second an Early Intervention team), a funder of the first program and a site of it; and a
// second tenant with its own consultant and program.
type engWorld struct {
	db  *bun.DB
	svc *consultation.Engagements

	tenantID, otherTenantID               string
	ana, ben, sue, prog, fund, admin, zed string // user ids (zed: the other tenant's consultant)
	anaProfile, benProfile, zedProfile    string
	prairie, hmg, funder, site, otherProg string
	anaPrairie, benHMG, anaHMGEnded, zedA string // assignments
}

// engNow is the fixed clock: March 15, 2026, early afternoon in Chicago.
var engNow = time.Date(2026, 3, 15, 19, 0, 0, 0, time.UTC)

func newEngWorld(t *testing.T) *engWorld {
	t.Helper()
	db := dbtest.Open(t)
	w := &engWorld{db: db, svc: consultation.NewEngagements(db, audit.New(db))}
	w.svc.Now = func() time.Time { return engNow }
	ts := tenants.NewStore(db)
	bg := context.Background()
	mkTenant := func(slug string) string {
		tn := &tenants.Tenant{Slug: slug, Name: slug, Kind: tenants.KindStateSystem, State: "OH", Status: tenants.StatusTrial,
			Plan: "trial", TimeZone: "America/Chicago"}
		if err := ts.CreateTenant(bg, tn); err != nil {
			t.Fatal(err)
		}
		return tn.ID
	}
	w.tenantID, w.otherTenantID = mkTenant("alpha"), mkTenant("beta")
	if _, err := db.ExecContext(bg, "UPDATE tenants SET state_fy_start_month = 7"); err != nil {
		t.Fatal(err)
	}
	now := database.Now()
	mkUser := func(name string) string {
		id := database.NewID()
		if _, err := db.ExecContext(bg, "INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
			id, id+"@example.org", name, now, now); err != nil {
			t.Fatal(err)
		}
		return id
	}
	w.ana, w.ben, w.sue, w.prog, w.fund, w.admin, w.zed = mkUser("Ana Avila"), mkUser("Ben Brooks"), mkUser("Sue Stone"),
		mkUser("Pat Program"), mkUser("Fran Funder"), mkUser("Ada Admin"), mkUser("Zed Zimmer")
	ctxA, ctxB := w.ctx(authz.TenantAdmin, w.admin, ""), w.ctxOther(authz.TenantAdmin, w.admin)
	insert := func(ctx context.Context, m database.TenantOwned) {
		t.Helper()
		tx, err := database.For(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Insert(m).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	org := func(ctx context.Context, kind, name, programKind string) string {
		o := &tenants.Organisation{ID: database.NewID(), Kind: kind, Name: name, ProgramKind: programKind, CreatedAt: now, UpdatedAt: now}
		insert(ctx, o)
		return o.ID
	}
	w.prairie = org(ctxA, tenants.OrgProgram, "Prairie Home Visiting", "home_visiting")
	w.hmg = org(ctxA, tenants.OrgProgram, "Help Me Grow EI Team", consultation.EIProgramKind)
	w.funder = org(ctxA, tenants.OrgFunder, "State Funder", "")
	w.otherProg = org(ctxB, tenants.OrgProgram, "Other Program", "home_visiting")
	site := &programs.Site{ID: database.NewID(), ProgramID: w.prairie, Name: "Cicero office", Kind: programs.SiteKindSite, CreatedAt: now}
	insert(ctxA, site)
	w.site = site.ID
	insert(ctxA, &programs.Funding{ID: database.NewID(), ProgramID: w.prairie, FunderID: w.funder, FiscalYear: 2026, CreatedAt: now, UpdatedAt: now})
	profile := func(ctx context.Context, user, name string) string {
		p := &consultants.Profile{ID: database.NewID(), UserID: user, DisplayName: name, Status: consultants.StatusApproved,
			Active: true, CreatedAt: now, UpdatedAt: now}
		insert(ctx, p)
		return p.ID
	}
	w.anaProfile, w.benProfile, w.zedProfile = profile(ctxA, w.ana, "Ana Avila"), profile(ctxA, w.ben, "Ben Brooks"), profile(ctxB, w.zed, "Zed Zimmer")
	assign := func(ctx context.Context, profileID, programID, status, started string) string {
		a := &consultants.Assignment{ID: database.NewID(), ProfileID: profileID, ProgramID: programID, Status: status,
			StartedOn: started, CreatedBy: w.admin, CreatedAt: now, UpdatedAt: now}
		insert(ctx, a)
		return a.ID
	}
	w.anaPrairie = assign(ctxA, w.anaProfile, w.prairie, consultants.AssignmentActive, "2025-06-01")
	w.benHMG = assign(ctxA, w.benProfile, w.hmg, consultants.AssignmentActive, "2025-09-10")
	w.anaHMGEnded = assign(ctxA, w.anaProfile, w.hmg, consultants.AssignmentEnded, "2025-01-01")
	w.zedA = assign(ctxB, w.zedProfile, w.otherProg, consultants.AssignmentActive, "2025-06-01")
	insert(ctxA, &supervision.Assignment{ID: database.NewID(), SupervisorID: w.sue, ConsultantID: w.ana, CreatedAt: now})
	return w
}

func (w *engWorld) ctx(role, user, org string) context.Context {
	return database.WithScope(context.Background(), database.Scope{TenantID: w.tenantID, TenantSlug: "alpha", UserID: user,
		Role: role, OrganisationID: org})
}

func (w *engWorld) ctxOther(role, user string) context.Context {
	return database.WithScope(context.Background(), database.Scope{TenantID: w.otherTenantID, TenantSlug: "beta", UserID: user, Role: role})
}

// engagement inserts an engagement directly (as D2's sessions would leave its counters).
func (w *engWorld) engagement(t *testing.T, e consultation.Engagement) *consultation.Engagement {
	t.Helper()
	ctx := w.ctx(authz.TenantAdmin, w.admin, "")
	if e.ProfileID == w.zedProfile {
		ctx = w.ctxOther(authz.TenantAdmin, w.admin)
	}
	if e.ID == "" {
		e.ID = database.NewID()
	}
	if e.Stage == "" {
		e.Stage = consultation.StageInitialContact
	}
	if e.Kind == "" {
		e.Kind = consultation.KindConsultation
	}
	if e.Focus == "" {
		e.Focus = consultation.FocusProgram
	}
	if e.OpenedOn == "" {
		e.OpenedOn = "2025-09-01"
	}
	e.CreatedBy, e.CreatedAt, e.UpdatedAt = w.admin, database.Now(), database.Now()
	tx, err := database.For(ctx, w.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Insert(&e).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	return &e
}

func (w *engWorld) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	n, err := dbtest.Owner(t, w.db).NewSelect().TableExpr(table).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func wantInvalid(t *testing.T, err error, fields ...string) {
	t.Helper()
	if apperr.Code(err) != apperr.EINVALID {
		t.Fatalf("got %v, want invalid input", err)
	}
	got := apperr.FieldsOf(err)
	for _, f := range fields {
		if got[f] == "" {
			t.Errorf("no message for %s; got %v", f, got)
		}
	}
	if len(got) != len(fields) {
		t.Errorf("got messages for %v, want exactly %v", got, fields)
	}
}

func TestEngagementStart(t *testing.T) {
	w := newEngWorld(t)
	ana := w.ctx(authz.Consultant, w.ana, "")
	// Only the consultant's own active assignments.
	list, err := w.svc.Assignments(ana)
	if err != nil || len(list) != 1 || list[0].ID != w.anaPrairie {
		t.Fatalf("Ana's assignments: %v %v", list, err)
	}
	_, err = w.svc.Start(ana, consultation.StartInput{AssignmentID: w.benHMG, Focus: consultation.FocusProgram})
	wantInvalid(t, err, "assignment_id")
	_, err = w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaHMGEnded, Focus: consultation.FocusProgram})
	wantInvalid(t, err, "assignment_id")
	_, err = w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusChildFamily,
		ChildInitials: "Jane", ChildAgeBand: "7 years"})
	wantInvalid(t, err, "child_initials", "child_age_band")
	_, err = w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusStaffGroup, FocusLabel: "  "})
	wantInvalid(t, err, "focus_label")
	_, err = w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusSite, SiteID: database.NewID()})
	wantInvalid(t, err, "site_id")
	_, err = w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: "diagnosis"})
	wantInvalid(t, err, "focus")
	if n := w.count(t, "engagements", "1 = 1"); n != 0 {
		t.Fatalf("bad input wrote %d engagements", n)
	}
	if _, err := w.svc.Start(w.ctx(authz.Supervisor, w.sue, ""), consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusProgram}); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("a supervisor started an engagement: %v", err)
	}

	e, err := w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusChildFamily,
		ChildInitials: "j. r.", ChildAgeBand: "1–2 years"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.svc.Engagement(ana, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != consultation.StageInitialContact || got.Kind != consultation.KindConsultation || got.OpenedOn != "2026-03-15" ||
		got.ChildInitials != "JR" || got.ProfileID != w.anaProfile || got.ProgramID != w.prairie || got.ProgramName != "Prairie Home Visiting" {
		t.Fatalf("started %+v", got)
	}
	if got.FocusText(true) != "Child and family JR, 1–2 years" || got.FocusText(false) != "A child and family" {
		t.Fatalf("focus text %q / %q", got.FocusText(true), got.FocusText(false))
	}
	if w.count(t, "audit_events", "action = ? AND record_id = ?", "engagement.start", e.ID) != 1 {
		t.Fatal("no audit event for the start")
	}
	// A tenant admin starts one for any active assignment, on a site of its program.
	admin := w.ctx(authz.TenantAdmin, w.admin, "")
	s, err := w.svc.Start(admin, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusSite, SiteID: w.site})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := w.svc.Engagement(admin, s.ID); got.SiteName != "Cicero office" || got.FocusText(true) != "Cicero office" {
		t.Fatalf("site focus %+v", got)
	}
	// The other tenant does not find it.
	if _, err := w.svc.Engagement(w.ctxOther(authz.TenantAdmin, w.admin), e.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another tenant found the engagement: %v", err)
	}
}

// TestEngagementStartDate: an engagement starts on the day given (a first visit may come before
// it is entered), never in the future; the first move carries the same date.
func TestEngagementStartDate(t *testing.T) {
	w := newEngWorld(t)
	ana := w.ctx(authz.Consultant, w.ana, "")
	for _, bad := range []string{"2026-03-16", "15/03/2026", "2020-01-01"} {
		_, err := w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusProgram, OpenedOn: bad})
		wantInvalid(t, err, "opened_on")
		if msg := apperr.FieldsOf(err)["opened_on"]; !strings.Contains(msg, "start date") {
			t.Fatalf("the message for %s does not name the start date: %q", bad, msg)
		}
	}
	if n := w.count(t, "engagements", "1 = 1"); n != 0 {
		t.Fatalf("bad start dates wrote %d engagements", n)
	}
	e, err := w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusProgram, OpenedOn: " 2026-02-20 "})
	if err != nil || e.OpenedOn != "2026-02-20" {
		t.Fatalf("back-dated start: %+v %v", e, err)
	}
	moves, err := w.svc.Moves(ana, e.ID)
	if err != nil || len(moves) != 1 || moves[0].MovedOn != "2026-02-20" {
		t.Fatalf("the first move: %+v %v", moves, err)
	}
	// A move may then be dated from the start on.
	if _, err := w.svc.Advance(ana, e.ID, consultation.MoveInput{MovedOn: "2026-02-21"}); err != nil {
		t.Fatalf("a move after the back-dated start: %v", err)
	}
}

func TestEngagementCycle(t *testing.T) {
	w := newEngWorld(t)
	ana := w.ctx(authz.Consultant, w.ana, "")
	e, err := w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusProgram})
	if err != nil {
		t.Fatal(err)
	}
	// Forward: the next stage by default, today by default.
	if got, err := w.svc.Advance(ana, e.ID, consultation.MoveInput{}); err != nil || got.Stage != consultation.StageNeedsDiscussion {
		t.Fatalf("advance: %v %v", got, err)
	}
	// Dates: not in the future, not before the last move, a real date.
	_, err = w.svc.Advance(ana, e.ID, consultation.MoveInput{MovedOn: "2026-03-16"})
	wantInvalid(t, err, "moved_on")
	_, err = w.svc.Advance(ana, e.ID, consultation.MoveInput{MovedOn: "2026-03-14"})
	wantInvalid(t, err, "moved_on")
	_, err = w.svc.Advance(ana, e.ID, consultation.MoveInput{MovedOn: "15/03/2026"})
	wantInvalid(t, err, "moved_on")
	// Not backwards through "forward".
	_, err = w.svc.Advance(ana, e.ID, consultation.MoveInput{ToStage: consultation.StageInitialContact})
	wantInvalid(t, err, "to_stage")
	// Forward to a later stage, passing over two with nothing recorded for them: the reason
	// is required, and the move lists them as skipped.
	_, err = w.svc.Advance(ana, e.ID, consultation.MoveInput{ToStage: consultation.StagePlan, MovedOn: "2026-03-15"})
	wantInvalid(t, err, "reason")
	if msg := apperr.FieldsOf(err)["reason"]; !strings.Contains(msg, "Pre-assessment and Discussion of findings") {
		t.Fatalf("the reason's message does not name the skipped stages: %q", msg)
	}
	if got, err := w.svc.Advance(ana, e.ID, consultation.MoveInput{ToStage: consultation.StagePlan, MovedOn: "2026-03-15",
		Reason: "The program had its own assessment."}); err != nil || got.Stage != consultation.StagePlan {
		t.Fatalf("advance to plan: %v %v", got, err)
	}
	moves, err := w.svc.Moves(ana, e.ID)
	if err != nil || len(moves) != 3 {
		t.Fatalf("moves: %d %v", len(moves), err)
	}
	if got := moves[2].Skipped; len(got) != 2 || got[0] != consultation.StagePreAssessment || got[1] != consultation.StageFindings {
		t.Fatalf("the jump's skipped stages: %v", got)
	}
	wantSteps := []string{consultation.StepCompleted, consultation.StepCompleted, consultation.StepSkipped, consultation.StepSkipped,
		consultation.StepCurrent, consultation.StepNotYet, consultation.StepNotYet, consultation.StepNotYet, consultation.StepNotYet}
	if got := consultation.StepStatuses(consultation.StagePlan, moves); strings.Join(got, ",") != strings.Join(wantSteps, ",") {
		t.Fatalf("steps after the jump: %v, want %v", got, wantSteps)
	}
	// Back needs a reason and an earlier stage.
	_, err = w.svc.WalkBack(ana, e.ID, consultation.MoveInput{ToStage: consultation.StagePreAssessment})
	wantInvalid(t, err, "reason")
	_, err = w.svc.WalkBack(ana, e.ID, consultation.MoveInput{ToStage: consultation.StageImplementation, Reason: "x"})
	wantInvalid(t, err, "to_stage")
	got, err := w.svc.WalkBack(ana, e.ID, consultation.MoveInput{ToStage: consultation.StagePreAssessment, Reason: "The classroom changed teachers."})
	if err != nil || got.Stage != consultation.StagePreAssessment {
		t.Fatalf("walk back: %v %v", got, err)
	}
	moves, err = w.svc.Moves(ana, e.ID)
	if err != nil || len(moves) != 4 {
		t.Fatalf("moves: %d %v", len(moves), err)
	}
	last := moves[3]
	if last.FromStage != consultation.StagePlan || last.ToStage != consultation.StagePreAssessment || last.Reason != "The classroom changed teachers." ||
		last.MovedBy != w.ana || last.MovedByName != "Ana Avila" || last.MovedOn != "2026-03-15" {
		t.Fatalf("last move %+v", last)
	}
	// Walking back makes the stages from the target on "not reached" again.
	wantSteps = []string{consultation.StepCompleted, consultation.StepCompleted, consultation.StepCurrent, consultation.StepNotYet,
		consultation.StepNotYet, consultation.StepNotYet, consultation.StepNotYet, consultation.StepNotYet, consultation.StepNotYet}
	if got := consultation.StepStatuses(consultation.StagePreAssessment, moves); strings.Join(got, ",") != strings.Join(wantSteps, ",") {
		t.Fatalf("steps after walking back: %v, want %v", got, wantSteps)
	}

	// Only the holder and tenant admins move it: a supervisor reads it but may not; another
	// consultant does not even find it.
	sue := w.ctx(authz.Supervisor, w.sue, "")
	if _, err := w.svc.Engagement(sue, e.ID); err != nil {
		t.Fatalf("the supervisor cannot read it: %v", err)
	}
	if _, err := w.svc.Advance(sue, e.ID, consultation.MoveInput{}); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("a supervisor moved it: %v", err)
	}
	if _, err := w.svc.Advance(w.ctx(authz.Consultant, w.ben, ""), e.ID, consultation.MoveInput{}); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another consultant moved it: %v", err)
	}

	// Coaching: dated, not before the engagement opened; then continued support.
	_, err = w.svc.StartCoaching(ana, e.ID, "2026-03-01")
	wantInvalid(t, err, "started_on")
	if got, err := w.svc.StartCoaching(ana, e.ID, ""); err != nil || got.Kind != consultation.KindCoaching || got.CoachingStartedOn != "2026-03-15" {
		t.Fatalf("coaching: %+v %v", got, err)
	}
	if _, err := w.svc.StartCoaching(ana, e.ID, ""); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("coaching twice: %v", err)
	}
	if got, err := w.svc.ContinueSupport(ana, e.ID, ""); err != nil || got.Kind != consultation.KindContinuedSupport {
		t.Fatalf("continued support: %+v %v", got, err)
	}
	if _, err := w.svc.ContinueSupport(ana, e.ID, ""); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("continued support twice: %v", err)
	}

	// Close, then reopen as continued support with a reason.
	admin := w.ctx(authz.TenantAdmin, w.admin, "")
	if _, err := w.svc.Reopen(admin, e.ID, consultation.MoveInput{Reason: "x"}); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("reopened an open engagement: %v", err)
	}
	got, err = w.svc.Advance(admin, e.ID, consultation.MoveInput{ToStage: consultation.StageClosed, Reason: "The program closed its classroom."})
	if err != nil || !got.Closed() || got.ClosedOn != "2026-03-15" {
		t.Fatalf("close: %+v %v", got, err)
	}
	if _, err := w.svc.Advance(ana, e.ID, consultation.MoveInput{}); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("moved a closed engagement forward: %v", err)
	}
	if _, err := w.svc.StartCoaching(ana, e.ID, ""); apperr.Code(err) != apperr.ECONFLICT {
		t.Fatalf("coaching on a closed engagement: %v", err)
	}
	_, err = w.svc.Reopen(ana, e.ID, consultation.MoveInput{})
	wantInvalid(t, err, "reason")
	got, err = w.svc.Reopen(ana, e.ID, consultation.MoveInput{Reason: "The director asked for more support."})
	if err != nil || got.Stage != consultation.StageSustainability || got.Kind != consultation.KindContinuedSupport || got.ClosedOn != "" {
		t.Fatalf("reopen: %+v %v", got, err)
	}
	for action, want := range map[string]int{"engagement.advance": 3, "engagement.walk_back": 1, "engagement.coaching": 1,
		"engagement.continued_support": 1, "engagement.reopen": 1} {
		if n := w.count(t, "audit_events", "action = ? AND record_id = ?", action, e.ID); n != want {
			t.Errorf("%s: %d audit events, want %d", action, n, want)
		}
	}
	moves, _ = w.svc.Moves(ana, e.ID)
	kindChanges := 0
	for _, m := range moves {
		if m.IsKindChange() {
			kindChanges++
		}
	}
	if len(moves) != 8 || kindChanges != 2 {
		t.Fatalf("%d moves (%d kind changes), want 8 and 2", len(moves), kindChanges)
	}
}

func TestEngagementFlags(t *testing.T) {
	today := "2026-03-15"
	cases := []struct {
		name  string
		e     consultation.Engagement
		facts consultation.FlagFacts
		want  consultation.Flags
	}{
		{"initial contact, no contacts yet", consultation.Engagement{Stage: consultation.StageInitialContact}, consultation.FlagFacts{}, consultation.Flags{}},
		{"past initial contact with one contact", consultation.Engagement{Stage: consultation.StageNeedsDiscussion, Contacts: 1}, consultation.FlagFacts{},
			consultation.Flags{FewContacts: true}},
		{"two contacts", consultation.Engagement{Stage: consultation.StagePlan, Contacts: 2}, consultation.FlagFacts{}, consultation.Flags{}},
		{"coaching 12 months exactly", consultation.Engagement{Stage: consultation.StagePlan, Contacts: 9, Kind: consultation.KindCoaching,
			CoachingStartedOn: "2025-03-15"}, consultation.FlagFacts{}, consultation.Flags{}},
		{"coaching beyond 12 months", consultation.Engagement{Stage: consultation.StagePlan, Contacts: 9, Kind: consultation.KindCoaching,
			CoachingStartedOn: "2025-03-14"}, consultation.FlagFacts{}, consultation.Flags{CoachingOverdue: true}},
		{"closed coaching is not flagged", consultation.Engagement{Stage: consultation.StageClosed, Contacts: 9, Kind: consultation.KindCoaching,
			CoachingStartedOn: "2024-01-01"}, consultation.FlagFacts{}, consultation.Flags{}},
		{"plan ended, no post", consultation.Engagement{Stage: consultation.StageImplementation, Contacts: 5}, consultation.FlagFacts{PlanEnded: true},
			consultation.Flags{PostMissing: true}},
		{"plan ended, post done", consultation.Engagement{Stage: consultation.StageImplementation, Contacts: 5},
			consultation.FlagFacts{PlanEnded: true, HasPost: true}, consultation.Flags{}},
		{"follow-ups overdue", consultation.Engagement{Stage: consultation.StageImplementation, Contacts: 5},
			consultation.FlagFacts{OverdueFollowUps: 2}, consultation.Flags{OverdueFollowUps: 2}},
	}
	for _, tc := range cases {
		if got := consultation.ComputeFlags(&tc.e, tc.facts, today); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if d := consultation.DosageOf(&consultation.Engagement{Contacts: 3, Minutes: 270, FirstContactOn: "2025-11-20"}, today); d.Months != 3 || d.Hours() != "4.5" {
		t.Fatalf("dosage %+v hours %s", d, d.Hours())
	}
	if d := consultation.DosageOf(&consultation.Engagement{Minutes: 120}, today); d.Months != 0 || d.Hours() != "2" {
		t.Fatalf("dosage %+v hours %s", d, d.Hours())
	}

	// The same rule from the database: each engagement's facts, and the "flagged" filter agrees.
	w := newEngWorld(t)
	admin := w.ctx(authz.TenantAdmin, w.admin, "")
	mk := func(e consultation.Engagement) string {
		e.AssignmentID, e.ProfileID, e.ProgramID = w.anaPrairie, w.anaProfile, w.prairie
		return w.engagement(t, e).ID
	}
	fine := mk(consultation.Engagement{Stage: consultation.StageImplementation, Contacts: 4, Minutes: 240, FirstContactOn: "2025-10-01"})
	few := mk(consultation.Engagement{Stage: consultation.StageNeedsDiscussion, Contacts: 1})
	coach := mk(consultation.Engagement{Stage: consultation.StageImplementation, Contacts: 20, Kind: consultation.KindCoaching, CoachingStartedOn: "2024-12-01"})
	post := mk(consultation.Engagement{Stage: consultation.StagePostAssessment, Contacts: 8})
	postDone := mk(consultation.Engagement{Stage: consultation.StageSustainability, Contacts: 8})
	late := mk(consultation.Engagement{Stage: consultation.StageImplementation, Contacts: 8})
	tx, _ := database.For(admin, w.db)
	now := database.Now()
	for _, id := range []string{post, postDone} {
		p := &consultation.Plan{ID: database.NewID(), EngagementID: id, Status: consultation.PlanAgreed, StartsOn: "2025-09-01", EndsOn: "2026-02-28",
			CreatedBy: w.ana, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.Insert(p).Exec(admin); err != nil {
			t.Fatal(err)
		}
	}
	// A plan still running does not flag "fine".
	if _, err := tx.Insert(&consultation.Plan{ID: database.NewID(), EngagementID: fine, Status: consultation.PlanAgreed, StartsOn: "2025-09-01",
		EndsOn: "2026-06-30", CreatedBy: w.ana, CreatedAt: now, UpdatedAt: now}).Exec(admin); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Insert(&consultation.Assessment{ID: database.NewID(), EngagementID: postDone, InstrumentID: database.NewID(),
		Phase: consultation.PhasePost, AdministeredOn: "2026-03-01", AdministeredBy: w.ana, CreatedAt: now, UpdatedAt: now}).Exec(admin); err != nil {
		t.Fatal(err)
	}
	for _, fu := range []*consultation.FollowUp{
		{ID: database.NewID(), SessionID: database.NewID(), EngagementID: late, ProfileID: w.anaProfile, Description: "Send the visual schedule", DueOn: "2026-03-01"},
		{ID: database.NewID(), SessionID: database.NewID(), EngagementID: fine, ProfileID: w.anaProfile, Description: "Done already", DueOn: "2026-03-01", DoneOn: "2026-03-02"},
		{ID: database.NewID(), SessionID: database.NewID(), EngagementID: fine, ProfileID: w.anaProfile, Description: "Due today", DueOn: "2026-03-15"},
	} {
		fu.CreatedAt = now
		if _, err := tx.Insert(fu).Exec(admin); err != nil {
			t.Fatal(err)
		}
	}
	all, err := w.svc.List(admin, consultation.CaseloadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]consultation.Flags{fine: {}, few: {FewContacts: true}, coach: {CoachingOverdue: true}, post: {PostMissing: true},
		postDone: {}, late: {OverdueFollowUps: 1}}
	flagged := map[string]bool{}
	for _, r := range all.Rows {
		if r.Flags != want[r.ID] {
			t.Errorf("%s: flags %+v, want %+v", r.StageLabel(), r.Flags, want[r.ID])
		}
		if r.ID == fine && (r.Dosage.Months != 5 || r.Dosage.Hours() != "4") {
			t.Errorf("dosage of fine: %+v", r.Dosage)
		}
		flagged[r.ID] = r.Flags.Any()
	}
	if len(all.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(all.Rows), len(want))
	}
	only, err := w.svc.List(admin, consultation.CaseloadFilter{Flagged: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range only.Rows {
		if !flagged[r.ID] {
			t.Errorf("the flagged filter kept %s, which has no flag", r.ID)
		}
		n++
	}
	if n != 4 {
		t.Fatalf("the flagged filter kept %d, want 4", n)
	}
	fus, err := w.svc.OverdueFollowUps(w.ctx(authz.Consultant, w.ana, ""), 10)
	if err != nil || len(fus) != 1 || fus[0].Description != "Send the visual schedule" || fus[0].ProgramName != "Prairie Home Visiting" {
		t.Fatalf("overdue follow-ups: %+v %v", fus, err)
	}
	if fus, _ := w.svc.OverdueFollowUps(w.ctx(authz.Consultant, w.ben, ""), 10); len(fus) != 0 {
		t.Fatalf("Ben sees Ana's follow-ups: %+v", fus)
	}
}

func TestEngagementListsByRole(t *testing.T) {
	w := newEngWorld(t)
	anaE := w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie,
		Focus: consultation.FocusChildFamily, ChildInitials: "JR", ChildAgeBand: "1–2 years", Stage: consultation.StagePlan, Contacts: 3})
	anaClosed := w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie,
		Stage: consultation.StageClosed, ClosedOn: "2026-01-10", Contacts: 6})
	benE := w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg,
		Stage: consultation.StageNeedsDiscussion, Contacts: 2, Kind: consultation.KindCoaching, CoachingStartedOn: "2026-01-01"})
	zedE := w.engagement(t, consultation.Engagement{AssignmentID: w.zedA, ProfileID: w.zedProfile, ProgramID: w.otherProg})
	_ = zedE
	ids := func(ctx context.Context, f consultation.CaseloadFilter) map[string]bool {
		t.Helper()
		p, err := w.svc.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, r := range p.Rows {
			out[r.ID] = true
		}
		return out
	}
	same := func(name string, got map[string]bool, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: got %d engagements, want %d", name, len(got), len(want))
		}
		for _, id := range want {
			if !got[id] {
				t.Errorf("%s: %s missing", name, id)
			}
		}
	}
	admin := w.ctx(authz.TenantAdmin, w.admin, "")
	same("admin", ids(admin, consultation.CaseloadFilter{}), anaE.ID, anaClosed.ID, benE.ID)
	same("admin, Ben", ids(admin, consultation.CaseloadFilter{ProfileID: w.benProfile}), benE.ID)
	same("admin, Prairie", ids(admin, consultation.CaseloadFilter{ProgramID: w.prairie}), anaE.ID, anaClosed.ID)
	same("admin, plan stage", ids(admin, consultation.CaseloadFilter{Stage: consultation.StagePlan}), anaE.ID)
	same("admin, coaching", ids(admin, consultation.CaseloadFilter{Kind: consultation.KindCoaching}), benE.ID)
	same("admin, open", ids(admin, consultation.CaseloadFilter{Open: true}), anaE.ID, benE.ID)
	same("Ana", ids(w.ctx(authz.Consultant, w.ana, ""), consultation.CaseloadFilter{}), anaE.ID, anaClosed.ID)
	same("Ana asking for Ben's", ids(w.ctx(authz.Consultant, w.ana, ""), consultation.CaseloadFilter{ProfileID: w.benProfile}))
	same("Sue (supervises Ana)", ids(w.ctx(authz.Supervisor, w.sue, ""), consultation.CaseloadFilter{}), anaE.ID, anaClosed.ID)
	same("Prairie's program user", ids(w.ctx(authz.Program, w.prog, w.prairie), consultation.CaseloadFilter{}), anaE.ID, anaClosed.ID)
	same("the EI team's program user", ids(w.ctx(authz.Program, w.prog, w.hmg), consultation.CaseloadFilter{}), benE.ID)
	funder := w.ctx(authz.Funder, w.fund, w.funder)
	same("the funder of Prairie", ids(funder, consultation.CaseloadFilter{}), anaE.ID, anaClosed.ID)
	same("the other tenant's admin", ids(w.ctxOther(authz.TenantAdmin, w.admin), consultation.CaseloadFilter{}), zedE.ID)

	// Funders see counts and stages, never the child's initials.
	counts, err := w.svc.StageCounts(funder, consultation.CaseloadFilter{}, "")
	if err != nil || len(counts) != 1 || counts[0].ProgramName != "Prairie Home Visiting" || counts[0].Count("Plan") != 1 ||
		counts[0].Closed != 1 || counts[0].Total != 2 {
		t.Fatalf("funder's counts: %+v %v", counts, err)
	}
	if !consultation.SeesFocusDetails(database.Scope{Role: authz.Program}) || consultation.SeesFocusDetails(database.Scope{Role: authz.Funder}) {
		t.Fatal("SeesFocusDetails")
	}
	e, err := w.svc.Engagement(funder, anaE.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.FocusText(consultation.SeesFocusDetails(database.Scope{Role: authz.Funder})); got != "A child and family" {
		t.Fatalf("a funder sees %q", got)
	}
	if _, err := w.svc.Engagement(funder, benE.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("the funder found an engagement of a program it does not fund: %v", err)
	}
	// Filter choices are only what the person sees.
	cons, progs, err := w.svc.FilterChoices(w.ctx(authz.Supervisor, w.sue, ""))
	if err != nil || len(cons) != 1 || cons[0].Name != "Ana Avila" || len(progs) != 1 {
		t.Fatalf("Sue's filter choices: %v %v %v", cons, progs, err)
	}
	// Pagination: 25 a page, the rest on the next.
	for i := 0; i < consultation.CaseloadPageSize; i++ {
		w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg})
	}
	p1, err := w.svc.List(admin, consultation.CaseloadFilter{Page: 1})
	if err != nil || len(p1.Rows) != consultation.CaseloadPageSize || !p1.HasMore {
		t.Fatalf("page 1: %d rows, more %v, %v", len(p1.Rows), p1.HasMore, err)
	}
	p2, err := w.svc.List(admin, consultation.CaseloadFilter{Page: 2})
	if err != nil || len(p2.Rows) != 3 || p2.HasMore {
		t.Fatalf("page 2: %d rows, more %v, %v", len(p2.Rows), p2.HasMore, err)
	}
}

func TestEIExpectations(t *testing.T) {
	w := newEngWorld(t)
	e := w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg})
	other := w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie})
	admin := w.ctx(authz.TenantAdmin, w.admin, "")
	tx, _ := database.For(admin, w.db)
	now := database.Now()
	session := func(eng *consultation.Engagement, on, service string) {
		s := &consultation.Session{ID: database.NewID(), EngagementID: eng.ID, ProfileID: eng.ProfileID, ProgramID: eng.ProgramID, HeldOn: on,
			Minutes: 60, Mode: "virtual", Service: service, CreatedBy: w.ben, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.Insert(s).Exec(admin); err != nil {
			t.Fatal(err)
		}
	}
	// FY 2026 runs July 2025 to June 2026; Ben was assigned on September 10.
	session(e, "2025-06-20", consultation.ServiceEITeamMeeting) // FY 2025: not counted
	session(e, "2025-10-02", consultation.ServiceEITeamMeeting)
	session(e, "2025-10-16", consultation.ServiceEITeamMeeting)
	session(e, "2025-11-05", consultation.ServiceEITeamMeeting)
	session(e, "2025-11-06", "reflective_group") // not a team meeting
	session(e, "2026-03-02", consultation.ServiceEITeamMeeting)
	session(e, "2026-03-03", consultation.ServiceEITeamMeeting)
	session(other, "2025-10-02", consultation.ServiceEITeamMeeting) // not an EI team
	r, err := w.svc.EIExpectations(admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.FY != 2026 || r.Months[0] != "2025-07" || r.Months[11] != "2026-06" || len(r.Rows) != 1 {
		t.Fatalf("report FY %d months %v rows %+v", r.FY, r.Months, r.Rows)
	}
	row := r.Rows[0]
	if row.ConsultantName != "Ben Brooks" || row.ProgramName != "Help Me Grow EI Team" {
		t.Fatalf("row %+v", row)
	}
	states := map[string]string{}
	for _, m := range row.Months {
		states[m.Month] = m.State + "/" + string(rune('0'+m.Meetings))
	}
	want := map[string]string{"2025-07": "not_assigned/0", "2025-08": "not_assigned/0", "2025-09": "gap/0", "2025-10": "met/2",
		"2025-11": "gap/1", "2025-12": "gap/0", "2026-01": "gap/0", "2026-02": "gap/0", "2026-03": "met/2", "2026-04": "future/0",
		"2026-05": "future/0", "2026-06": "future/0"}
	for k, v := range want {
		if states[k] != v {
			t.Errorf("%s: %s, want %s", k, states[k], v)
		}
	}
	if row.Gaps != 5 || row.TrainingState != consultation.EITrainingDue {
		t.Fatalf("gaps %d training %s", row.Gaps, row.TrainingState)
	}
	// A training, and the year over: met; the previous year without one: a gap.
	session(e, "2026-01-20", consultation.ServiceMiniTraining)
	r, _ = w.svc.EIExpectations(admin, 0)
	if r.Rows[0].Trainings != 1 || r.Rows[0].TrainingState != consultation.EITrainingMet {
		t.Fatalf("trainings %d %s", r.Rows[0].Trainings, r.Rows[0].TrainingState)
	}
	prev, _ := w.svc.EIExpectations(admin, 2025)
	if len(prev.Rows) != 1 || prev.Rows[0].TrainingState != consultation.EITrainingGap {
		t.Fatalf("FY 2025: %+v", prev.Rows)
	}
	// Who sees what: Ben his own, Ana (not assigned to an EI team now) nothing, the other
	// tenant nothing.
	if r, _ := w.svc.EIExpectations(w.ctx(authz.Consultant, w.ben, ""), 0); len(r.Rows) != 1 {
		t.Fatalf("Ben sees %d rows", len(r.Rows))
	}
	if r, _ := w.svc.EIExpectations(w.ctx(authz.Consultant, w.ana, ""), 0); len(r.Rows) != 0 {
		t.Fatalf("Ana sees %+v", r.Rows)
	}
	if r, _ := w.svc.EIExpectations(w.ctxOther(authz.TenantAdmin, w.admin), 0); len(r.Rows) != 0 {
		t.Fatalf("another tenant sees %+v", r.Rows)
	}
}

// The engagements page's summary (issue 14: read with the page, in one statement): the
// filter's choices are the consultants and programs of every engagement the person sees,
// whatever the filter; the counts by program and stage are those the filter keeps; a funder
// sees nothing of a program it does not fund, even when it asks for it.
func TestEngagementPageSummary(t *testing.T) {
	w := newEngWorld(t)
	w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie,
		Stage: consultation.StagePlan, LastContactOn: "2026-03-02"})
	w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie,
		Stage: consultation.StageClosed, ClosedOn: "2026-01-10"})
	w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg,
		Stage: consultation.StageNeedsDiscussion, LastContactOn: "2026-03-01"})
	w.engagement(t, consultation.Engagement{AssignmentID: w.zedA, ProfileID: w.zedProfile, ProgramID: w.otherProg})
	names := func(list []consultation.FilterChoice) string {
		var out []string
		for _, c := range list {
			out = append(out, c.Name)
		}
		return strings.Join(out, ", ")
	}
	counts := func(list []consultation.StageCount) string {
		var out []string
		for _, c := range list {
			out = append(out, fmt.Sprintf("%s: %d preparation, %d plan, %d closed, %d in all", c.ProgramName,
				c.Count("Preparation"), c.Count("Plan"), c.Closed, c.Total))
		}
		return strings.Join(out, "; ")
	}
	both := "Help Me Grow EI Team, Prairie Home Visiting"
	hmg := "Help Me Grow EI Team: 1 preparation, 0 plan, 0 closed, 1 in all"
	prairie := "Prairie Home Visiting: 0 preparation, 1 plan, 1 closed, 2 in all"
	admin, funder := w.ctx(authz.TenantAdmin, w.admin, ""), w.ctx(authz.Funder, w.fund, w.funder)
	cases := []struct {
		name                          string
		ctx                           context.Context
		f                             consultation.CaseloadFilter
		rows                          int
		consultants, programs, counts string
	}{
		{"admin", admin, consultation.CaseloadFilter{}, 3, "Ana Avila, Ben Brooks", both, hmg + "; " + prairie},
		{"admin, Prairie", admin, consultation.CaseloadFilter{ProgramID: w.prairie}, 2, "Ana Avila, Ben Brooks", both, prairie},
		{"admin, Ben", admin, consultation.CaseloadFilter{ProfileID: w.benProfile}, 1, "Ana Avila, Ben Brooks", both, hmg},
		{"admin, open", admin, consultation.CaseloadFilter{Open: true}, 2, "Ana Avila, Ben Brooks", both,
			hmg + "; Prairie Home Visiting: 0 preparation, 1 plan, 0 closed, 1 in all"},
		{"funder", funder, consultation.CaseloadFilter{}, 2, "Ana Avila", "Prairie Home Visiting", prairie},
		{"funder asking for a program it does not fund", funder, consultation.CaseloadFilter{ProgramID: w.hmg}, 0,
			"Ana Avila", "Prairie Home Visiting", ""},
		{"supervisor", w.ctx(authz.Supervisor, w.sue, ""), consultation.CaseloadFilter{}, 2, "Ana Avila", "Prairie Home Visiting", prairie},
		{"program", w.ctx(authz.Program, w.prog, w.hmg), consultation.CaseloadFilter{}, 1, "Ben Brooks", "Help Me Grow EI Team", hmg},
		{"consultant", w.ctx(authz.Consultant, w.ben, ""), consultation.CaseloadFilter{}, 1, "Ben Brooks", "Help Me Grow EI Team", hmg},
		{"the other tenant's admin", w.ctxOther(authz.TenantAdmin, w.admin), consultation.CaseloadFilter{}, 1, "Zed Zimmer", "Other Program",
			"Other Program: 1 preparation, 0 plan, 0 closed, 1 in all"},
	}
	for _, c := range cases {
		r, err := w.svc.ListAll(c.ctx, c.f, consultation.ListWant{Choices: true, Counts: true})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(r.Page.Rows) != c.rows {
			t.Errorf("%s: %d engagements, want %d", c.name, len(r.Page.Rows), c.rows)
		}
		if got := names(r.Consultants); got != c.consultants {
			t.Errorf("%s: consultants %q, want %q", c.name, got, c.consultants)
		}
		if got := names(r.Programs); got != c.programs {
			t.Errorf("%s: programs %q, want %q", c.name, got, c.programs)
		}
		if got := counts(r.Counts); got != c.counts {
			t.Errorf("%s: counts %q, want %q", c.name, got, c.counts)
		}
		// The same, asked one at a time.
		cons, progs, err := w.svc.FilterChoices(c.ctx)
		if err != nil || names(cons) != c.consultants || names(progs) != c.programs {
			t.Errorf("%s: FilterChoices %q %q %v", c.name, names(cons), names(progs), err)
		}
		sc, err := w.svc.StageCounts(c.ctx, c.f, "")
		if err != nil || counts(sc) != c.counts {
			t.Errorf("%s: StageCounts %q %v", c.name, counts(sc), err)
		}
	}
}

// The engagements page keeps its filter's consultants a minute per view (issue 14: reading them
// was most of a funder's page): the second page reads one statement fewer and shows the same
// names; an engagement written behind the page's back shows in the filter within the minute
// (FilterChoices, read now, has it at once); an engagement started through Start shows at
// once; a funder's view and another tenant's are never handed the tenant admin's list.
func TestEngagementFilterConsultantsKept(t *testing.T) {
	w := newEngWorld(t)
	w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie})
	w.engagement(t, consultation.Engagement{AssignmentID: w.zedA, ProfileID: w.zedProfile, ProgramID: w.otherProg})
	admin, funder := w.ctx(authz.TenantAdmin, w.admin, ""), w.ctx(authz.Funder, w.fund, w.funder)
	other := w.ctxOther(authz.TenantAdmin, w.admin)
	want := consultation.ListWant{Choices: true, Counts: true}
	page := func(ctx context.Context) (string, int64) {
		t.Helper()
		ctx, stats := database.WithStats(ctx)
		r, err := w.svc.ListAll(ctx, consultation.CaseloadFilter{}, want)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range r.Consultants {
			out = append(out, c.Name)
		}
		return strings.Join(out, ", "), stats.Statements()
	}
	first, n1 := page(admin)
	again, n2 := page(admin)
	if first != "Ana Avila" || again != first {
		t.Fatalf("admin's consultants: %q then %q, want Ana Avila twice", first, again)
	}
	if n2 != n1-1 {
		t.Errorf("the second page read %d statements, the first %d: want one fewer (the consultants kept)", n2, n1)
	}

	// Written behind the page's back: the kept list until it is a minute old; read now, at once.
	w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg})
	if got, _ := page(admin); got != "Ana Avila" {
		t.Errorf("within the minute: %q, want the kept Ana Avila", got)
	}
	cons, _, err := w.svc.FilterChoices(admin)
	if err != nil || len(cons) != 2 {
		t.Errorf("FilterChoices, read now: %v %v; want Ana and Ben", cons, err)
	}

	// Started: shown at once.
	if _, err := w.svc.Start(admin, consultation.StartInput{AssignmentID: w.benHMG, Focus: consultation.FocusProgram}); err != nil {
		t.Fatal(err)
	}
	if got, _ := page(admin); got != "Ana Avila, Ben Brooks" {
		t.Errorf("after an engagement started: %q, want Ana Avila, Ben Brooks", got)
	}

	// Other views keep their own: the funder of Prairie alone, the other tenant's admin theirs.
	if got, _ := page(funder); got != "Ana Avila" {
		t.Errorf("funder of Prairie: %q, want Ana Avila (not the admin's list)", got)
	}
	if got, _ := page(other); got != "Zed Zimmer" {
		t.Errorf("the other tenant's admin: %q, want Zed Zimmer", got)
	}
}

// The engagements page as a tenant admin reads it: the table of counts by program and TA stage
// (written in Go, each name escaped), the filter's choices and the rows.
func TestEngagementsPageShowsCounts(t *testing.T) {
	w := newEngWorld(t)
	w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie,
		Stage: consultation.StagePlan, Contacts: 3, Minutes: 90, LastContactOn: "2026-03-02"})
	w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie,
		Stage: consultation.StageClosed, ClosedOn: "2026-01-10"})
	w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg,
		Stage: consultation.StageNeedsDiscussion, Focus: consultation.FocusChildFamily, ChildInitials: "JR", ChildAgeBand: "1–2 years"})
	admin := w.ctx(authz.TenantAdmin, w.admin, "")
	if _, err := dbtest.Owner(t, w.db).NewRaw("UPDATE organisations SET name = ? WHERE id = ?", "Help Me Grow & EI <Team>", w.hmg).
		Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	get := func(ctx context.Context, path string, fragment bool) string {
		t.Helper()
		log := audit.New(w.db)
		keys, err := sealed.New(sealed.NewKey())
		if err != nil {
			t.Fatal(err)
		}
		eh := consultation.NewEngagementHandler(w.svc, consultation.NewSessions(w.db, log, keys),
			consultation.NewAssessments(w.db, log, consultation.NewInstruments(w.db, log)), consultation.NewPlans(w.db, log))
		app := fiber.New(fiber.Config{Views: web.NewEngine(views.FS)})
		app.Use(func(c *fiber.Ctx) error { c.SetUserContext(ctx); return c.Next() })
		app.Get("/t/:slug/engagements", eh.List)
		app.Get("/t/:slug/caseload", eh.Caseload)
		req := httptest.NewRequest("GET", path, nil)
		if fragment {
			req.Header.Set("HX-Request", "true")
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, body)
		}
		return string(body)
	}
	page := get(admin, "/t/alpha/engagements", false)
	for _, want := range []string{
		`<tr><th scope="row" data-label="Program">Help Me Grow &amp; EI &lt;Team&gt;</th><td data-label="Preparation">1</td><td data-label="Plan">0</td>` +
			`<td data-label="Implementation">0</td><td data-label="Evaluation">0</td><td data-label="Sustainability">0</td>` +
			`<td data-label="Closed">0</td><td data-label="Total">1</td></tr>`,
		`<tr><th scope="row" data-label="Program">Prairie Home Visiting</th><td data-label="Preparation">0</td><td data-label="Plan">1</td>` +
			`<td data-label="Implementation">0</td><td data-label="Evaluation">0</td><td data-label="Sustainability">0</td>` +
			`<td data-label="Closed">1</td><td data-label="Total">2</td></tr>`,
		`<option value="` + w.anaProfile + `">Ana Avila</option><option value="` + w.benProfile + `">Ben Brooks</option>`,
		`<option value="` + w.hmg + `">Help Me Grow &amp; EI &lt;Team&gt;</option><option value="` + w.prairie + `">Prairie Home Visiting</option>`,
		`<td data-label="Consultant">Ana Avila</td>`, `<td data-label="Focus">Child and family JR, 1–2 years</td>`,
		`<td data-label="Stage">Discussion of needs <span class="text-base">(Preparation)</span></td>`,
		`<td data-label="Contacts">3</td>`, `<td data-label="Hours">1.5</td>`, `None yet`, "Fewer than",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// The htmx answer is the list alone: no counts, no filter.
	list := get(admin, "/t/alpha/engagements?program="+w.prairie, true)
	if strings.Contains(list, "By program and TA stage") || strings.Contains(list, "<option") || strings.Contains(list, "Help Me Grow") ||
		!strings.Contains(list, "Prairie Home Visiting") {
		t.Errorf("the htmx list:\n%s", list)
	}
	// A consultant's caseload: no consultant column, a link to record a session on each row.
	caseload := get(w.ctx(authz.Consultant, w.ana, ""), "/t/alpha/caseload", false)
	if strings.Contains(caseload, `data-label="Consultant"`) || !strings.Contains(caseload, "Record a session") {
		t.Errorf("Ana's caseload:\n%s", caseload)
	}
	// A funder: no child's initials, no program it does not fund.
	funded := get(w.ctx(authz.Funder, w.fund, w.funder), "/t/alpha/engagements", false)
	if strings.Contains(funded, "Help Me Grow") || strings.Contains(funded, "JR") || strings.Contains(funded, "Record a session") ||
		!strings.Contains(funded, `<td data-label="Consultant">Ana Avila</td>`) {
		t.Errorf("the funder's page:\n%s", funded)
	}
}
