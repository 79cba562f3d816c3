package server

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/tenants"
)

// sessionConsultant is the demo consultant of slug who records sessions in these tests.
func sessionConsultant(slug string) string {
	if slug == "ohio" {
		return "consultant@ohio.example"
	}
	return demo.SharedConsultantEmail
}

// sessionEngagement inserts an open engagement of slug's demo consultant with a program of
// slug (named, or the first), and returns it.
func (e *testEnv) sessionEngagement(slug, program string) *consultation.Engagement {
	e.t.Helper()
	ctx := e.scoped(slug)
	orgs, err := e.app.Tenants.Store().Organisations(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	var programID string
	for _, o := range orgs {
		if o.Kind == tenants.OrgProgram && (program == "" || o.Name == program) && programID == "" {
			programID = o.ID
		}
	}
	p := e.profileOf(slug, sessionConsultant(slug))
	now := database.Now()
	eng := &consultation.Engagement{ID: database.NewID(), AssignmentID: database.NewID(), ProfileID: p.ID, ProgramID: programID,
		Focus: consultation.FocusProgram, Stage: consultation.StageImplementation, Kind: consultation.KindConsultation,
		OpenedOn: time.Now().UTC().AddDate(0, -2, 0).Format(time.DateOnly), DefaultParticipants: database.Counts{"home_visitors": 3},
		LastMode: "hybrid", CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	t, err := database.For(ctx, e.app.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := t.Insert(eng).Exec(ctx); err != nil {
		e.t.Fatal(err)
	}
	return eng
}

func sessionForm(heldOn string) url.Values {
	return url.Values{"held_on": {heldOn}, "minutes": {"50"}, "mode": {"in_person"}, "service": {"reflective_individual"},
		"p_home_visitors": {"2"}, "topics": {"Attachment", "Safe sleep"},
		"notes":           {"Private: the home visitor feels overwhelmed by one family's situation."},
		"summary":         {"Reflected on a hard visit; planned supports."},
		"followup_desc_0": {"Share the safe sleep handout"}, "followup_due_0": {heldOn}}
}

// sessionRecordFixtures are a real session, follow-up and library resource of slug.
func (e *testEnv) sessionRecordFixtures(slug string) fixtures {
	e.t.Helper()
	eng := e.sessionEngagement(slug, "")
	ctx := e.as(slug, e.userID(sessionConsultant(slug)), authz.Consultant)
	if err := e.app.Resources.EnsureBuiltin(ctx); err != nil {
		e.t.Fatal(err)
	}
	lib, err := e.app.Resources.All(ctx)
	if err != nil || len(lib) == 0 {
		e.t.Fatalf("the library of %s: %v", slug, err)
	}
	x, err := e.app.Sessions.Record(ctx, eng.ID, consultation.SessionInput{HeldOn: time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly),
		Minutes: "45", Mode: "virtual", Service: "reflective_group", Participants: map[string]string{"educators": "2"},
		Notes: "Fixture notes.", FollowUps: []consultation.FollowUpInput{{Description: "Fixture follow-up", DueOn: time.Now().UTC().Format(time.DateOnly)}}})
	if err != nil {
		e.t.Fatal(err)
	}
	var fu string
	if err := e.raw().NewSelect().Table("session_followups").Column("id").Where("session_id = ?", x.ID).Scan(ctx, &fu); err != nil {
		e.t.Fatal(err)
	}
	return fixtures{"sessionID": x.ID, "followUpID": fu, "resourceID": lib[0].ID}
}

func TestRecordSessionFlow(t *testing.T) {
	env := newTestEnv(t)
	eng := env.sessionEngagement("illinois", "Prairie Families Home Visiting")
	newURL := "/t/illinois/engagements/" + eng.ID + "/sessions/new"
	today := time.Now().In(mustLoc(t, "America/Chicago")).Format(time.DateOnly)

	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)
	// Defaults: today, the engagement's last mode, its usual participants.
	maria.get(newURL).mustStatus(t, http.StatusOK).mustContain(t, "Record a session", `value="`+today+`"`,
		`id="mode-hybrid" type="radio" name="mode" value="hybrid" checked`, `id="p_home_visitors" name="p_home_visitors" type="number" inputmode="numeric" min="0" max="500" value="3"`,
		"autofocus", "<legend", "Safe sleep")

	// Bad input: everything typed comes back, each problem at its field, nothing written.
	bad := sessionForm(time.Now().AddDate(0, 0, 3).Format(time.DateOnly))
	bad.Set("minutes", "3")
	bad.Set("followup_due_1", today) // a date without a description: the row's own error
	before := env.count("consultation_sessions", "1 = 1")
	maria.post(newURL, bad).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "The date cannot be in the future.",
		"from 5 to 600", "Private: the home visitor feels overwhelmed", `value="Share the safe sleep handout"`, `value="3"`,
		`value="Attachment" checked`,
		`<div class="usa-form-group usa-form-group--error"><span class="usa-error-message" id="followup_1-error">Describe the follow-up, or clear its date.</span>`,
		`<label class="usa-label" for="followup_due_1">Due on</label><input class="usa-input" id="followup_due_1" name="followup_due_1" type="date" value="`+today+`" aria-describedby="followup_1-error" aria-invalid="true">`,
		`<label class="usa-label" for="referral_kind_0">Referral 1: to</label>`, `<label class="usa-label" for="resource_with_0">Shared with</label>`)
	if env.count("consultation_sessions", "1 = 1") != before || env.count("session_followups", "1 = 1") != env.count("session_followups", "1 = 1") {
		t.Fatal("bad input wrote a session")
	}

	// With htmx: the fragment (a message, a fresh form, the recent list), not a whole page.
	r := maria.post(newURL, sessionForm(today), "HX-Request", "true").mustStatus(t, http.StatusOK).
		mustContain(t, "recorded (50 minutes)", `id="session-record"`, "Recent sessions of this engagement", "Contacts so far: 1")
	if strings.Contains(r.body, "<html") || strings.Contains(r.body, "overwhelmed") {
		t.Fatal("the htmx answer is a whole page, or the fresh form still holds the notes")
	}
	// Without JavaScript: a redirect to the session.
	r = maria.post(newURL, sessionForm(today)).mustStatus(t, http.StatusSeeOther)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/t/illinois/sessions/") {
		t.Fatalf("redirected to %q", loc)
	}
	sessionID := strings.TrimPrefix(loc, "/t/illinois/sessions/")
	maria.get(loc).mustStatus(t, http.StatusOK).mustContain(t, "overwhelmed", "Share the safe sleep handout", "Change the session")
	var got consultation.Engagement
	if err := env.raw().NewSelect().Table("engagements").Column("contacts", "minutes", "last_mode").Where("id = ?", eng.ID).Scan(env.scoped("illinois"), &got.Contacts, &got.Minutes, &got.LastMode); err != nil {
		t.Fatal(err)
	}
	if got.Contacts != 2 || got.Minutes != 100 || got.LastMode != "in_person" {
		t.Fatalf("counters: %+v", got)
	}

	// The program sees that it happened and the summary, never the notes.
	prog := env.client(t)
	prog.signIn("program@illinois.example")
	pr := prog.get(loc).mustStatus(t, http.StatusOK).mustContain(t, "Reflected on a hard visit")
	if strings.Contains(pr.body, "overwhelmed") || strings.Contains(pr.body, "Share the safe sleep handout") {
		t.Fatal("the program's page shows the notes or the follow-ups")
	}
	lr := prog.get("/t/illinois/sessions").mustStatus(t, http.StatusOK).mustContain(t, sessionID)
	if strings.Contains(lr.body, "overwhelmed") {
		t.Fatal("the program's list shows notes")
	}
	// A funder finds no session page.
	fund := env.client(t)
	fund.signIn("funder@illinois.example")
	if st := fund.get(loc).status; st != http.StatusNotFound && st != http.StatusForbidden {
		t.Fatalf("a funder got %d for a session", st)
	}
	// The supervisor reads the notes; the read is in the audit log.
	reads := env.count("audit_events", "action = 'session.notes_read'")
	sup := env.client(t)
	sup.signIn("supervisor@illinois.example")
	sup.get(loc).mustStatus(t, http.StatusOK).mustContain(t, "overwhelmed", "Your reading is logged")
	if env.count("audit_events", "action = 'session.notes_read'") != reads+1 {
		t.Fatal("the supervisor's read of the notes is not audited")
	}
	// A tenant admin may not record in Maria's engagement.
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get(newURL).mustStatus(t, http.StatusForbidden)
	admin.get("/t/illinois/audit?action=session.").mustStatus(t, http.StatusOK).mustContain(t, "Session notes read", "Session recorded")

	// Maria's list, her follow-ups (mark one done), her CSV without notes.
	maria.get("/t/illinois/sessions").mustStatus(t, http.StatusOK).mustContain(t, "Open follow-ups", "Share the safe sleep handout", sessionID)
	var fu string
	if err := env.raw().NewSelect().Table("session_followups").Column("id").Where("session_id = ?", sessionID).Scan(env.scoped("illinois"), &fu); err != nil {
		t.Fatal(err)
	}
	maria.post("/t/illinois/followups/"+fu+"/done", nil).mustStatus(t, http.StatusSeeOther)
	if env.count("session_followups", "id = ? AND done_on <> ''", fu) != 1 {
		t.Fatal("the follow-up is not done")
	}
	csv := maria.get("/t/illinois/sessions.csv").mustStatus(t, http.StatusOK).mustContain(t, "Date,Program,Minutes", "Reflected on a hard visit")
	if strings.Contains(csv.body, "overwhelmed") || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") {
		t.Fatal("the CSV holds the notes, or is not CSV")
	}
	admin.get("/t/illinois/sessions.csv").mustStatus(t, http.StatusForbidden)

	// The edit form, then a change.
	edit := sessionForm(today)
	edit.Set("minutes", "70")
	maria.get(loc+"/edit").mustStatus(t, http.StatusOK).mustContain(t, "overwhelmed")
	maria.post(loc+"/edit", edit).mustStatus(t, http.StatusSeeOther)
	if env.count("engagements", "id = ? AND minutes = 120", eng.ID) != 1 {
		t.Fatal("the change did not re-balance the minutes")
	}
}

func TestSessionUnlockOverHTTP(t *testing.T) {
	env := newTestEnv(t)
	eng := env.sessionEngagement("illinois", "")
	ctx := env.as("illinois", env.userID(demo.SharedConsultantEmail), authz.Consultant)
	x, err := env.app.Sessions.Record(ctx, eng.ID, consultation.SessionInput{HeldOn: time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly),
		Minutes: "30", Mode: "virtual", Service: "policy_support", Participants: map[string]string{"administrators": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	// Recorded 20 days ago.
	if _, err := env.raw().NewUpdate().Table("consultation_sessions").Set("created_at = ?", database.Now().Add(-20*24*time.Hour)).Where("id = ?", x.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	page := "/t/illinois/sessions/" + x.ID
	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)
	maria.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Locked")
	maria.get(page+"/edit").mustStatus(t, http.StatusForbidden)
	maria.post(page+"/unlock", url.Values{"reason": {"mine"}}).mustStatus(t, http.StatusForbidden)
	sup := env.client(t)
	sup.signIn("supervisor@illinois.example")
	sup.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Unlock for 7 days")
	sup.post(page+"/unlock", url.Values{"reason": {""}}).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Say why the session is unlocked.")
	sup.post(page+"/unlock", url.Values{"reason": {"The minutes were wrong"}}).mustStatus(t, http.StatusSeeOther)
	maria.get(page+"/edit").mustStatus(t, http.StatusOK)
	if env.count("audit_events", "action = 'session.unlock' AND record_id = ?", x.ID) != 1 {
		t.Fatal("the unlock is not audited")
	}
}

func TestResourceLibraryAndLists(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/resources").mustStatus(t, http.StatusOK).mustContain(t, "Trauma and toxic stress", "Center of Excellence for IECMH Consultation")
	admin.get("/t/illinois/resources?topic=Caregiver+well-being").mustStatus(t, http.StatusOK).mustContain(t, "Parent Well-Being Matters")
	admin.post("/t/illinois/resources", url.Values{"title": {"Calm transitions"}, "url": {"ftp://nope"}, "topic": {""}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "https://", "Enter the topic.", "Choose who the resource is for.", `value="Calm transitions"`)
	admin.post("/t/illinois/resources", url.Values{"title": {"Calm transitions"}, "url": {"https://example.org/calm"}, "topic": {"Challenging behaviors"},
		"audience": {"families"}}).mustStatus(t, http.StatusSeeOther)
	// The first people to open an empty library at once: every page answers, and the list is
	// there once (it deadlocked under load when they raced).
	for round := range 5 {
		if _, err := env.raw().NewDelete().Table("resources").Where("tenant_id = ?", env.tenantID("nc-piedmont")).Exec(env.scoped("nc-piedmont")); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, 16)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs <- env.app.Resources.EnsureBuiltin(env.scoped("nc-piedmont"))
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: opening an empty library at once: %v", round, err)
			}
		}
	}
	raced := env.count("resources", "tenant_id = ?", env.tenantID("nc-piedmont"))
	if err := env.app.Resources.EnsureBuiltin(env.scoped("nc-piedmont")); err != nil || raced == 0 ||
		env.count("resources", "tenant_id = ?", env.tenantID("nc-piedmont")) != raced {
		t.Fatalf("after the race the library holds %d entries, and seeding again changed it (%v)", raced, err)
	}
	// Seeding twice changes nothing.
	n := env.count("resources", "tenant_id = ?", env.tenantID("illinois"))
	if err := env.app.Resources.EnsureBuiltin(env.scoped("illinois")); err != nil || env.count("resources", "tenant_id = ?", env.tenantID("illinois")) != n {
		t.Fatalf("seeding the library again changed it: %v", err)
	}
	var res string
	if err := env.raw().NewSelect().Table("resources").Column("id").Where("title = 'Calm transitions'").Scan(env.scoped("illinois"), &res); err != nil {
		t.Fatal(err)
	}
	// Shared with a family at a session: the program sees it, labelled.
	prog := env.client(t)
	prog.signIn("program@illinois.example")
	pr := prog.get("/t/illinois/resources").mustStatus(t, http.StatusOK)
	if strings.Contains(pr.body, "Calm transitions") {
		t.Fatal("the program sees a resource nobody shared with it")
	}
	eng := env.sessionEngagement("illinois", "Prairie Families Home Visiting")
	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)
	maria.get("/t/illinois/sessions").mustStatus(t, http.StatusOK)
	f := sessionForm(time.Now().In(mustLoc(t, "America/Chicago")).Format(time.DateOnly))
	f.Set("resource_id_0", res)
	f.Set("resource_with_0", "family")
	maria.post("/t/illinois/engagements/"+eng.ID+"/sessions/new", f).mustStatus(t, http.StatusSeeOther)
	prog.get("/t/illinois/resources").mustStatus(t, http.StatusOK).mustContain(t, "Calm transitions", "Shared with the family")

	// The tenant's own session topics and services.
	admin.post("/t/illinois/session-lists", url.Values{"list": {"topic"}, "topic": {"Attachment"}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "already on the list")
	admin.post("/t/illinois/session-lists", url.Values{"list": {"topic"}, "topic": {"Fatherhood"}}).mustStatus(t, http.StatusSeeOther)
	admin.post("/t/illinois/session-lists", url.Values{"list": {"service"}, "service": {"Doula circle"}}).mustStatus(t, http.StatusSeeOther)
	admin.get("/t/illinois/session-lists").mustStatus(t, http.StatusOK).mustContain(t, "Fatherhood", "Doula circle")
	maria.get("/t/illinois/engagements/"+eng.ID+"/sessions/new").mustStatus(t, http.StatusOK).mustContain(t, "Fatherhood", `value="Doula circle"`)
	// Not in Ohio's lists.
	ohio := env.client(t)
	ohio.signIn("admin@ohio.example")
	if r := ohio.get("/t/ohio/session-lists").mustStatus(t, http.StatusOK); strings.Contains(r.body, "Fatherhood") {
		t.Fatal("one tenant's topic shows in another")
	}
}
