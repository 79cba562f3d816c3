package consultation_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/sealed"
)

// sessWorld is a small volume tenant: two consultants with one engagement each (and four
// sessions already), a supervisor of the first, and the sessions service on a fixed clock.
type sessWorld struct {
	db      *bun.DB
	keys    *sealed.Keyring
	svc     *consultation.Sessions
	res     *consultation.Resources
	v       *consultation.Volume
	eng     *consultation.Engagement
	other   string // the second consultant's user id
	sup     string // the first consultant's supervisor
	now     time.Time
	program string
}

func newSessWorld(t *testing.T) *sessWorld {
	t.Helper()
	db := dbtest.Open(t)
	bg := context.Background()
	v, err := consultation.SeedVolume(bg, db, consultation.VolumeOptions{Slug: "small", Sessions: 8, Consultants: 2, EngagementsEach: 1, Programs: 2})
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := sealed.New(sealed.NewKey())
	w := &sessWorld{db: db, keys: keys, v: v, now: time.Now().UTC()}
	w.svc = consultation.NewSessions(db, audit.New(db), keys)
	w.svc.Now = func() time.Time { return w.now }
	w.res = consultation.NewResources(db, audit.New(db))
	if w.eng, err = w.svc.Engagement(w.as(authz.TenantAdmin, ""), v.EngagementID); err != nil {
		t.Fatal(err)
	}
	w.program = w.eng.ProgramID
	if err := db.NewSelect().TableExpr("users").Column("id").Where("email = ?", "volume.consultant.002@volume.example").Scan(bg, &w.other); err != nil {
		t.Fatal(err)
	}
	w.sup = database.NewID()
	now := database.Now()
	if _, err := db.ExecContext(bg, "INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, 'Sue Supervisor', ?, ?)", w.sup, w.sup+"@example.org", now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := dbtest.Owner(t, db).ExecContext(bg, "INSERT INTO supervision_assignments (tenant_id, id, supervisor_id, consultant_id, created_at) VALUES (?, ?, ?, ?, ?)",
		v.TenantID, database.NewID(), w.sup, v.ConsultantUserID, now); err != nil {
		t.Fatal(err)
	}
	if err := w.res.EnsureBuiltin(w.as(authz.TenantAdmin, "")); err != nil {
		t.Fatal(err)
	}
	return w
}

// as is the volume tenant's scope for a role (the consultant's user for consultant).
func (w *sessWorld) as(role, userID string) context.Context {
	sc := w.v.Scope()
	sc.Role, sc.UserID = role, userID
	if role == authz.Consultant && userID == "" {
		sc.UserID = w.v.ConsultantUserID
	}
	if role == authz.Program {
		sc.OrganisationID = w.program
	}
	if role == authz.Supervisor && userID == "" {
		sc.UserID = w.sup
	}
	return audit.WithActor(database.WithScope(context.Background(), sc), audit.Actor{ID: sc.UserID, Email: role + "@example.org"})
}

func (w *sessWorld) input() consultation.SessionInput {
	return consultation.SessionInput{HeldOn: w.now.In(mustLoc("America/Chicago")).Format(time.DateOnly), Minutes: "75", Mode: "virtual",
		Service: "reflective_group", Participants: map[string]string{"educators": "4", "administrators": "1"},
		Topics: []string{"Attachment", "Trauma"}, Notes: "The lead teacher is worried about the toddler room's transitions.",
		Summary:   "We planned calmer transitions.",
		FollowUps: []consultation.FollowUpInput{{Description: "Send the transition visuals", DueOn: w.now.AddDate(0, 0, 7).Format(time.DateOnly)}, {}}}
}

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func (w *sessWorld) engagement(t *testing.T) *consultation.Engagement {
	t.Helper()
	e, err := w.svc.Engagement(w.as(authz.TenantAdmin, ""), w.v.EngagementID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (w *sessWorld) count(t *testing.T, table string) int {
	t.Helper()
	n, err := dbtest.Owner(t, w.db).NewSelect().TableExpr(table).Where("tenant_id = ?", w.v.TenantID).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func (w *sessWorld) audits(t *testing.T, action string) int {
	t.Helper()
	n, err := dbtest.Owner(t, w.db).NewSelect().TableExpr("audit_events").Where("tenant_id = ? AND action = ?", w.v.TenantID, action).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestRecordSession(t *testing.T) {
	w := newSessWorld(t)
	before := w.engagement(t)
	lib, err := w.res.All(w.as(authz.TenantAdmin, ""))
	if err != nil || len(lib) == 0 {
		t.Fatalf("library: %d, %v", len(lib), err)
	}
	in := w.input()
	in.Resources = []consultation.ResourceShareInput{{ResourceID: lib[0].ID, SharedWith: consultation.SharedWithFamily}}
	in.Referrals = []consultation.ReferralInput{{Kind: "early_intervention", Note: "Family asked about an evaluation"}}
	x, err := w.svc.Record(w.as(authz.Consultant, ""), w.v.EngagementID, in)
	if err != nil {
		t.Fatal(err)
	}
	after := w.engagement(t)
	if after.Contacts != before.Contacts+1 || after.Minutes != before.Minutes+75 || after.LastMode != "virtual" ||
		after.LastContactOn != x.HeldOn || after.DefaultParticipants["educators"] != 4 || after.DefaultParticipants["administrators"] != 1 {
		t.Fatalf("counters: before %+v after %+v", before, after)
	}
	if w.count(t, "session_followups") != 1 || w.count(t, "session_referrals") != 1 || w.count(t, "session_resources") != 1 {
		t.Fatal("follow-up, referral or resource not stored")
	}
	// Sealed at rest: the column holds no readable text and opens only for its own row.
	var raw string
	if err := dbtest.Owner(t, w.db).NewSelect().TableExpr("consultation_sessions").Column("notes_sealed").Where("id = ?", x.ID).Scan(context.Background(), &raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, "toddler") || !strings.HasPrefix(raw, "s1.") {
		t.Fatalf("notes stored as %q", raw)
	}
	if got, err := w.keys.Open(raw, w.v.TenantID, x.ID); err != nil || !strings.Contains(got, "toddler") {
		t.Fatalf("open: %q %v", got, err)
	}
	if w.audits(t, "session.create") != 1 {
		t.Fatal("no audit event for the session")
	}
	// Another consultant cannot record in it (not found), a tenant admin is refused.
	if _, err := w.svc.Record(w.as(authz.Consultant, w.other), w.v.EngagementID, w.input()); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another consultant: %v", err)
	}
	if _, err := w.svc.Record(w.as(authz.TenantAdmin, ""), w.v.EngagementID, w.input()); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("a tenant admin: %v", err)
	}
	// A sealed value moved to another session's row does not open there.
	page, err := w.svc.List(w.as(authz.Consultant, ""), consultation.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	victim := page.Sessions[1].ID
	if _, err := dbtest.Owner(t, w.db).ExecContext(context.Background(), "UPDATE consultation_sessions SET notes_sealed = ? WHERE id = ?", raw, victim); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.View(w.as(authz.Consultant, ""), victim); apperr.Code(err) != apperr.EINTERNAL {
		t.Fatalf("a moved sealed value was opened: %v", err)
	}
}

func TestRecordSessionBadInput(t *testing.T) {
	w := newSessWorld(t)
	before := w.count(t, "consultation_sessions")
	cases := map[string]func(*consultation.SessionInput){
		"held_on":        func(in *consultation.SessionInput) { in.HeldOn = w.now.AddDate(0, 0, 2).Format(time.DateOnly) },
		"minutes":        func(in *consultation.SessionInput) { in.Minutes = "4" },
		"mode":           func(in *consultation.SessionInput) { in.Mode = "carrier pigeon" },
		"service":        func(in *consultation.SessionInput) { in.Service = "therapy" },
		"training_topic": func(in *consultation.SessionInput) { in.Service = "mini_training" },
		"participants":   func(in *consultation.SessionInput) { in.Participants = map[string]string{"educators": "lots"} },
		"topics":         func(in *consultation.SessionInput) { in.Topics = []string{"Diagnosis"} },
		"followup_1": func(in *consultation.SessionInput) {
			in.FollowUps[1] = consultation.FollowUpInput{Description: "Call", DueOn: "soon"}
		},
		"referral_0": func(in *consultation.SessionInput) {
			in.Referrals = []consultation.ReferralInput{{Kind: "", Note: "a note"}}
		},
		"resource_0": func(in *consultation.SessionInput) {
			in.Resources = []consultation.ResourceShareInput{{ResourceID: database.NewID(), SharedWith: "program"}}
		},
	}
	for field, spoil := range cases {
		in := w.input()
		spoil(&in)
		_, err := w.svc.Record(w.as(authz.Consultant, ""), w.v.EngagementID, in)
		if apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)[field] == "" {
			t.Errorf("%s: got %v (%v), want it named", field, err, apperr.FieldsOf(err))
		}
	}
	in := w.input()
	in.HeldOn = "2000-01-01"
	if _, err := w.svc.Record(w.as(authz.Consultant, ""), w.v.EngagementID, in); !strings.Contains(apperr.FieldsOf(err)["held_on"], "before the engagement opened") {
		t.Errorf("a date before the engagement: %v", apperr.FieldsOf(err))
	}
	if w.count(t, "consultation_sessions") != before || w.count(t, "session_followups") != 0 {
		t.Fatal("a bad session wrote something")
	}
}

func TestSessionLockAndUnlock(t *testing.T) {
	w := newSessWorld(t)
	x, err := w.svc.Record(w.as(authz.Consultant, ""), w.v.EngagementID, w.input())
	if err != nil {
		t.Fatal(err)
	}
	change := w.input()
	change.Minutes = "90"
	change.Notes = "Changed notes."
	if _, err := w.svc.Update(w.as(authz.Consultant, ""), x.ID, change); err != nil {
		t.Fatalf("a change on day one: %v", err)
	}
	e := w.engagement(t)
	total := e.Minutes
	// Day 15: locked.
	w.now = w.now.Add(15 * 24 * time.Hour)
	change.Minutes = "30"
	if _, err := w.svc.Update(w.as(authz.Consultant, ""), x.ID, change); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("a change after 14 days: %v", err)
	}
	v, err := w.svc.View(w.as(authz.Supervisor, ""), x.ID)
	if err != nil || !v.Locked || !v.CanUnlock || v.Notes != "Changed notes." {
		t.Fatalf("supervisor's view: %+v %v", v, err)
	}
	if _, err := w.svc.Unlock(w.as(authz.Consultant, ""), x.ID, "please"); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("a consultant unlocking: %v", err)
	}
	if _, err := w.svc.Unlock(w.as(authz.Supervisor, database.NewID()), x.ID, "not theirs"); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("another supervisor unlocking: %v", err)
	}
	if _, err := w.svc.Unlock(w.as(authz.Supervisor, ""), x.ID, "  "); apperr.FieldsOf(err)["reason"] == "" {
		t.Fatalf("an unlock without a reason: %v", err)
	}
	if _, err := w.svc.Unlock(w.as(authz.Supervisor, ""), x.ID, "The date was wrong"); err != nil {
		t.Fatal(err)
	}
	if w.audits(t, "session.unlock") != 1 {
		t.Fatal("the unlock is not audited")
	}
	if _, err := w.svc.Update(w.as(authz.Consultant, ""), x.ID, change); err != nil {
		t.Fatalf("a change while unlocked: %v", err)
	}
	if e := w.engagement(t); e.Minutes != total-60 {
		t.Fatalf("minutes after the change: %d, want %d", e.Minutes, total-60)
	}
	// Seven days later the unlock is over.
	w.now = w.now.Add(8 * 24 * time.Hour)
	if _, err := w.svc.Update(w.as(authz.Consultant, ""), x.ID, change); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("a change after the unlock ended: %v", err)
	}
}

func TestSessionWhoSeesWhat(t *testing.T) {
	w := newSessWorld(t)
	x, err := w.svc.Record(w.as(authz.Consultant, ""), w.v.EngagementID, w.input())
	if err != nil {
		t.Fatal(err)
	}
	reads := w.audits(t, "session.notes_read")
	v, err := w.svc.View(w.as(authz.Program, ""), x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.ShowNotes || v.Notes != "" || v.Session.NotesSealed != "" || v.ShowWork || v.Session.Summary != "We planned calmer transitions." {
		t.Fatalf("the program's view: %+v", v)
	}
	if w.audits(t, "session.notes_read") != reads {
		t.Fatal("a program's view was audited as a notes read")
	}
	for name, ctx := range map[string]context.Context{"funder": w.as(authz.Funder, database.NewID()),
		"another consultant": w.as(authz.Consultant, w.other), "another supervisor": w.as(authz.Supervisor, database.NewID())} {
		if _, err := w.svc.View(ctx, x.ID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, ctx := range []context.Context{w.as(authz.Consultant, ""), w.as(authz.Supervisor, ""), w.as(authz.TenantAdmin, "")} {
		v, err := w.svc.View(ctx, x.ID)
		if err != nil || !strings.Contains(v.Notes, "toddler") {
			t.Fatalf("notes: %v %v", v, err)
		}
	}
	if got := w.audits(t, "session.notes_read"); got != reads+3 {
		t.Fatalf("notes reads audited: %d, want %d", got, reads+3)
	}
}

func TestSessionListAndCSV(t *testing.T) {
	w := newSessWorld(t)
	ctx := w.as(authz.Consultant, "")
	seen := map[string]bool{}
	f := consultation.SessionFilter{Limit: 3}
	pages := 0
	for {
		p, err := w.svc.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for i, s := range p.Sessions {
			if seen[s.ID] || s.ProfileID != w.v.ProfileID || s.NotesSealed != "" {
				t.Fatalf("row %v repeated, someone else's or with notes", s.ID)
			}
			if i > 0 && s.HeldOn > p.Sessions[i-1].HeldOn {
				t.Fatal("not newest first")
			}
			seen[s.ID] = true
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	if len(seen) != 4 || pages != 2 {
		t.Fatalf("got %d sessions on %d pages, want 4 on 2", len(seen), pages)
	}
	if p, _ := w.svc.List(w.as(authz.Consultant, w.other), consultation.SessionFilter{}); len(p.Sessions) != 4 || p.Sessions[0].ProfileID == w.v.ProfileID {
		t.Fatal("the other consultant's list")
	}
	if p, _ := w.svc.List(w.as(authz.TenantAdmin, ""), consultation.SessionFilter{}); len(p.Sessions) != 8 {
		t.Fatalf("the admin's list: %d", len(p.Sessions))
	}
	if _, err := w.svc.List(w.as(authz.Funder, database.NewID()), consultation.SessionFilter{}); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("a funder's list: %v", err)
	}
	in := w.input()
	in.Summary = `=HYPERLINK("http://evil.example","We planned calmer transitions.")` // guarded as it leaves
	if _, err := w.svc.Record(ctx, w.v.EngagementID, in); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.svc.WriteCSV(ctx, &buf, consultation.SessionFilter{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "Date,Program,Minutes") || !strings.Contains(buf.String(), "We planned calmer transitions.") {
		t.Fatalf("CSV:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), `"'=HYPERLINK(""http://evil.example""`) {
		t.Fatalf("the typed formula is not guarded:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), "toddler") {
		t.Fatal("the CSV holds the notes")
	}
	if err := w.svc.WriteCSV(w.as(authz.TenantAdmin, ""), &buf, consultation.SessionFilter{}); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("an admin's CSV: %v", err)
	}
}

func TestSeedVolumeTwice(t *testing.T) {
	w := newSessWorld(t)
	v, err := consultation.SeedVolume(context.Background(), w.db, consultation.VolumeOptions{Slug: "small", Sessions: 8, Consultants: 2, EngagementsEach: 1, Programs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if v.Created != 0 || v.Sessions != 8 || v.ConsultantSessions != 4 || v.EngagementID != w.v.EngagementID {
		t.Fatalf("second run: %+v", v)
	}
	if e := w.engagement(t); e.Contacts != 4 || e.FirstContactOn == "" {
		t.Fatalf("counters of the volume: %+v", e)
	}
}

// sessWork is what is stored with a session besides its own fields, as one string per table.
func (w *sessWork) String() string { return w.followUps + " | " + w.referrals + " | " + w.resources }

type sessWork struct{ followUps, referrals, resources string }

func (w *sessWorld) work(t *testing.T, sessionID string) *sessWork {
	t.Helper()
	bg := context.Background()
	var fus []consultation.FollowUp
	if err := dbtest.Owner(t, w.db).NewSelect().Model(&fus).Where("session_id = ?", sessionID).OrderExpr("description").Scan(bg); err != nil {
		t.Fatal(err)
	}
	var refs []consultation.Referral
	if err := dbtest.Owner(t, w.db).NewSelect().Model(&refs).Where("session_id = ?", sessionID).OrderExpr("kind, note").Scan(bg); err != nil {
		t.Fatal(err)
	}
	var shares []consultation.SessionResource
	if err := dbtest.Owner(t, w.db).NewSelect().Model(&shares).Where("session_id = ?", sessionID).OrderExpr("resource_id").Scan(bg); err != nil {
		t.Fatal(err)
	}
	out := &sessWork{}
	for _, f := range fus {
		out.followUps += f.Description + "@" + f.DueOn + "/" + f.DoneOn + ";"
	}
	for _, r := range refs {
		out.referrals += r.Kind + ":" + r.Note + ";"
	}
	for _, r := range shares {
		out.resources += r.ResourceID + ":" + r.SharedWith + ";"
	}
	return out
}

func (w *sessWorld) lastAudit(t *testing.T, action string) string {
	t.Helper()
	var detail string
	if err := dbtest.Owner(t, w.db).NewSelect().TableExpr("audit_events").Column("detail").Where("tenant_id = ? AND action = ?", w.v.TenantID, action).
		OrderExpr("created_at DESC, id DESC").Limit(1).Scan(context.Background(), &detail); err != nil {
		t.Fatal(err)
	}
	return detail
}

func TestEditSessionWork(t *testing.T) {
	w := newSessWorld(t)
	ctx := w.as(authz.Consultant, "")
	lib, err := w.res.All(w.as(authz.TenantAdmin, ""))
	if err != nil || len(lib) < 3 {
		t.Fatalf("library: %d, %v", len(lib), err)
	}
	due := w.now.AddDate(0, 0, 7).Format(time.DateOnly)
	in := w.input()
	in.FollowUps = []consultation.FollowUpInput{{Description: "Call the director", DueOn: due}, {Description: "Send the visuals", DueOn: due}}
	in.Referrals = []consultation.ReferralInput{{Kind: "early_intervention", Note: "Family asked"}}
	in.Resources = []consultation.ResourceShareInput{{ResourceID: lib[0].ID, SharedWith: consultation.SharedWithProgram}}
	x, err := w.svc.Record(ctx, w.v.EngagementID, in)
	if err != nil {
		t.Fatal(err)
	}
	fus, err := w.svc.SessionFollowUps(ctx, x.ID)
	if err != nil || len(fus) != 2 {
		t.Fatalf("follow-ups: %v %v", fus, err)
	}
	var director, visuals *consultation.FollowUp
	for _, f := range fus {
		if f.Description == "Call the director" {
			director = f
		} else {
			visuals = f
		}
	}
	done, err := w.svc.MarkFollowUpDone(ctx, director.ID)
	if err != nil {
		t.Fatal(err)
	}

	// The edit form holds the open follow-up (not the done one), the referral and the resource.
	_, _, form, err := w.svc.EditForm(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(form.FollowUps) != 1 || form.FollowUps[0].ID != visuals.ID || len(form.Referrals) != 1 || form.Referrals[0].Note != "Family asked" ||
		len(form.Resources) != 1 || form.Resources[0].ResourceID != lib[0].ID {
		t.Fatalf("the edit form: %+v", form)
	}

	// Change the open follow-up, add one; a referral changed and one added; a resource now shared
	// with the family and another added.
	later := w.now.AddDate(0, 0, 10).Format(time.DateOnly)
	form.FollowUps = []consultation.FollowUpInput{{ID: visuals.ID, Description: "Send the transition visuals", DueOn: later}, {}, {Description: "Visit again", DueOn: later}}
	form.Referrals = []consultation.ReferralInput{{Kind: "early_intervention", Note: "Family asked for an evaluation"}, {Kind: "parenting_support"}}
	form.Resources = []consultation.ResourceShareInput{{ResourceID: lib[0].ID, SharedWith: consultation.SharedWithFamily}, {ResourceID: lib[1].ID, SharedWith: consultation.SharedWithProgram}}
	if _, err := w.svc.Update(ctx, x.ID, form); err != nil {
		t.Fatal(err)
	}
	got := w.work(t, x.ID)
	wantFU := "Call the director@" + due + "/" + done.DoneOn + ";Send the transition visuals@" + later + "/;Visit again@" + later + "/;"
	if got.followUps != wantFU {
		t.Fatalf("follow-ups after the change:\n got %s\nwant %s", got.followUps, wantFU)
	}
	if got.referrals != "early_intervention:Family asked for an evaluation;parenting_support:;" {
		t.Fatalf("referrals: %s", got.referrals)
	}
	shares := map[string]string{lib[0].ID: "family", lib[1].ID: "program"}
	if strings.Count(got.resources, ";") != 2 || !strings.Contains(got.resources, lib[0].ID+":family") || !strings.Contains(got.resources, lib[1].ID+":program") {
		t.Fatalf("resources: %s, want %v", got.resources, shares)
	}
	kept := false
	fus, _ = w.svc.SessionFollowUps(ctx, x.ID)
	for _, f := range fus {
		kept = kept || (f.ID == visuals.ID && f.Description == "Send the transition visuals")
	}
	if !kept {
		t.Fatal("the changed follow-up is a new row, not the same follow-up")
	}
	detail := w.lastAudit(t, "session.update")
	for _, part := range []string{`Follow-up changed: "Send the transition visuals"`, `Follow-up added: "Visit again"`, "Referral added: ", "Referral removed: ",
		"Resource now shared with the family: ", "Resource shared with the program: "} {
		if !strings.Contains(detail, part) {
			t.Errorf("the audit event %q does not say %q", detail, part)
		}
	}
	if strings.Contains(detail, "toddler") {
		t.Fatal("the audit event holds the notes")
	}
	// A program user sees the resources shared after the change, with whom.
	entries, _, err := w.res.List(w.as(authz.Program, ""), consultation.ResourceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, e := range entries {
		seen[e.ID] = e.SharedWith
	}
	if seen[lib[0].ID] != "family" || seen[lib[1].ID] != "program" {
		t.Fatalf("the program's resources after the change: %v", seen)
	}
	if v, err := w.svc.View(w.as(authz.Program, ""), x.ID); err != nil || len(v.Resources) != 2 {
		t.Fatalf("the program's view of the session: %v %v", v, err)
	}

	// Remove: the open follow-ups cleared, referrals and resources emptied; the done one stays.
	_, _, form, err = w.svc.EditForm(ctx, x.ID)
	if err != nil || len(form.FollowUps) != 2 {
		t.Fatalf("second edit form: %+v %v", form.FollowUps, err)
	}
	form.FollowUps[0].Description, form.FollowUps[0].DueOn = "", ""
	form.FollowUps[1].Description, form.FollowUps[1].DueOn = "", ""
	form.Referrals, form.Resources = nil, []consultation.ResourceShareInput{{}}
	if _, err := w.svc.Update(ctx, x.ID, form); err != nil {
		t.Fatal(err)
	}
	got = w.work(t, x.ID)
	if got.String() != "Call the director@"+due+"/"+done.DoneOn+"; |  | " {
		t.Fatalf("after removing: %s", got)
	}
	if d := w.lastAudit(t, "session.update"); !strings.Contains(d, `Follow-up removed: "Visit again"`) || !strings.Contains(d, "Resource no longer listed as shared") {
		t.Fatalf("the removal's audit event: %s", d)
	}
	if seen, _, _ := w.res.List(w.as(authz.Program, ""), consultation.ResourceFilter{}); len(seen) != 0 {
		t.Fatalf("the program still sees resources no longer shared: %v", seen)
	}

	// A done follow-up is not changed or removed by a row naming it.
	before, audits := w.work(t, x.ID).String(), w.audits(t, "session.update")
	form.FollowUps = []consultation.FollowUpInput{{ID: director.ID}}
	if _, err := w.svc.Update(ctx, x.ID, form); apperr.FieldsOf(err)["followups"] == "" {
		t.Fatalf("clearing a done follow-up: %v", err)
	}
	form.FollowUps = []consultation.FollowUpInput{{ID: director.ID, Description: "Call the director twice", DueOn: due}}
	if _, err := w.svc.Update(ctx, x.ID, form); !strings.Contains(apperr.FieldsOf(err)["followup_0"], "marked done") {
		t.Fatalf("changing a done follow-up: %v", err)
	}
	// Unchanged, it is simply kept.
	form.FollowUps = []consultation.FollowUpInput{{ID: director.ID, Description: "Call the director", DueOn: due}}
	if _, err := w.svc.Update(ctx, x.ID, form); err != nil {
		t.Fatalf("a done follow-up left as it was: %v", err)
	}
	if w.work(t, x.ID).String() != before || w.audits(t, "session.update") != audits+1 {
		t.Fatal("a done follow-up was changed")
	}
}

func TestEditSessionWorkBadInputAndLock(t *testing.T) {
	w := newSessWorld(t)
	ctx := w.as(authz.Consultant, "")
	lib, err := w.res.All(w.as(authz.TenantAdmin, ""))
	if err != nil || len(lib) == 0 {
		t.Fatal(err)
	}
	in := w.input()
	in.Referrals = []consultation.ReferralInput{{Kind: "early_intervention"}}
	in.Resources = []consultation.ResourceShareInput{{ResourceID: lib[0].ID, SharedWith: consultation.SharedWithProgram}}
	x, err := w.svc.Record(ctx, w.v.EngagementID, in)
	if err != nil {
		t.Fatal(err)
	}
	before, audits, minutes := w.work(t, x.ID).String(), w.audits(t, "session.update"), w.engagement(t).Minutes
	_, _, good, err := w.svc.EditForm(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*consultation.SessionInput){
		"followup_0": func(in *consultation.SessionInput) { in.FollowUps[0].DueOn = "next week" },
		"followup_1": func(in *consultation.SessionInput) {
			in.FollowUps = append(in.FollowUps, consultation.FollowUpInput{Description: "Before the session", DueOn: "2000-01-01"})
		},
		"referral_1": func(in *consultation.SessionInput) {
			in.Referrals = append(in.Referrals, consultation.ReferralInput{Kind: "diagnosis", Note: "x"})
		},
		"resource_0": func(in *consultation.SessionInput) { in.Resources[0].ResourceID = database.NewID() },
		"resource_1": func(in *consultation.SessionInput) { in.Resources = append(in.Resources, in.Resources[0]) },
		"followup_2": func(in *consultation.SessionInput) { // another session's follow-up
			in.FollowUps = append(in.FollowUps, consultation.FollowUpInput{}, consultation.FollowUpInput{ID: database.NewID(), Description: "Not mine", DueOn: "2099-01-01"})
		},
	}
	for field, spoil := range cases {
		in := good
		in.FollowUps = append([]consultation.FollowUpInput{}, good.FollowUps...)
		in.Referrals = append([]consultation.ReferralInput{}, good.Referrals...)
		in.Resources = append([]consultation.ResourceShareInput{}, good.Resources...)
		in.Minutes = "80"
		spoil(&in)
		_, err := w.svc.Update(ctx, x.ID, in)
		if apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)[field] == "" {
			t.Errorf("%s: got %v (%v), want it named", field, err, apperr.FieldsOf(err))
		}
	}
	if w.work(t, x.ID).String() != before || w.audits(t, "session.update") != audits || w.engagement(t).Minutes != minutes {
		t.Fatal("bad input wrote something")
	}
	// Locked after 14 days: nothing changes.
	w.now = w.now.Add(15 * 24 * time.Hour)
	locked := good
	locked.FollowUps = []consultation.FollowUpInput{{Description: "Too late", DueOn: "2099-01-01"}}
	locked.Referrals, locked.Resources = nil, nil
	if _, err := w.svc.Update(ctx, x.ID, locked); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("a change of a locked session: %v", err)
	}
	if _, _, _, err := w.svc.EditForm(ctx, x.ID); apperr.Code(err) != apperr.EFORBIDDEN {
		t.Fatalf("the edit form of a locked session: %v", err)
	}
	if w.work(t, x.ID).String() != before || w.audits(t, "session.update") != audits {
		t.Fatal("a locked session changed")
	}
}
