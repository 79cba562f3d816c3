package server

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/supervision"
)

// supervisionFixtures are a real assignment (from the demo data) and a real record of slug.
func (e *testEnv) supervisionFixtures(slug string) fixtures {
	e.t.Helper()
	ctx := e.scoped(slug)
	as, err := e.app.Supervision.Store().Assignments(ctx, "")
	if err != nil || len(as) == 0 {
		e.t.Fatalf("a supervision assignment of %s: %v", slug, err)
	}
	r, err := e.app.Supervision.CreateRecord(e.as(slug, as[0].SupervisorID, authz.Supervisor), supervision.RecordInput{
		HeldOn: time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly), Minutes: "60", Format: "individual",
		Attendees: []string{as[0].ConsultantID}, Notes: "Fixture notes."}, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return fixtures{"assignmentID": as[0].ID, "recordID": r.ID}
}

// as is a context in slug's scope acting as userID with role.
func (e *testEnv) as(slug, userID, role string) context.Context {
	sc, _ := database.ScopeFrom(e.scoped(slug))
	sc.UserID, sc.Role = userID, role
	return database.WithScope(context.Background(), sc)
}

func (e *testEnv) userID(email string) string {
	e.t.Helper()
	u, err := e.app.Accounts.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func TestSupervisionFlow(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	helen, maria := env.userID("supervisor@illinois.example"), env.userID(demo.SharedConsultantEmail)
	mk := func(email, name, role string) string {
		u, err := env.app.Accounts.CreateUser(ctx, email, name, demo.Password, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.app.Tenants.AddMember(ctx, u.ID, role, ""); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	sam := mk("sam@illinois.example", "Sam Ortiz", authz.Consultant)
	other := mk("second.supervisor@illinois.example", "Grace Kim", authz.Supervisor)
	mk("third.consultant@illinois.example", "Ada Brown", authz.Consultant)

	// The tenant admin assigns; roles are checked.
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/supervision/assignments").mustStatus(t, 200).mustContain(t, "Helen Okafor", "Maria Alvarez")
	admin.post("/t/illinois/supervision/assignments", url.Values{"supervisor_id": {sam}, "consultant_id": {helen}}).
		mustStatus(t, 422).mustContain(t, "Choose a supervisor of this agency.", "Choose a consultant of this agency.")
	admin.post("/t/illinois/supervision/assignments", url.Values{"supervisor_id": {helen}, "consultant_id": {sam}}).mustStatus(t, 303)
	if n := env.count("audit_events", "action = ?", "supervision_assignment.create"); n < 1 {
		t.Fatal("no audit event for the assignment")
	}
	admin.post("/t/illinois/supervision/assignments", url.Values{"supervisor_id": {helen}, "consultant_id": {sam}}).mustStatus(t, 409)

	// Helen: both behind at first; records an individual session with Maria.
	sup := env.client(t)
	sup.signIn("supervisor@illinois.example")
	sup.get("/t/illinois/supervision").mustStatus(t, 200).mustContain(t, "Maria Alvarez", "Sam Ortiz", "2 consultants are behind", "Behind")
	sup.get("/t/illinois/supervision/records/new").mustStatus(t, 200).mustContain(t, "Sam Ortiz")
	records := env.count("supervision_records", "1 = 1")
	sup.post("/t/illinois/supervision/records/new", url.Values{"held_on": {"2001-01-01"}, "minutes": {"5"}, "format": {"individual"},
		"attendees": {maria, sam}, "notes": {"kept text"}}).mustStatus(t, 422).
		mustContain(t, "more than a year ago", "from 15 to 480", "exactly one consultant", "kept text")
	sup.post("/t/illinois/supervision/records/new", url.Values{"held_on": {time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)}, "minutes": {"60"},
		"format": {"individual"}, "attendees": {maria}}).mustStatus(t, 422).mustContain(t, "cannot be in the future")
	if n := env.count("supervision_records", "1 = 1"); n != records {
		t.Fatalf("bad input wrote a record: %d → %d", records, n)
	}
	// Today in the tenant's time zone, so the hours fall in this month.
	cal, err := env.app.Supervision.Calendar(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	today := cal.Today.Format(time.DateOnly)
	sup.post("/t/illinois/supervision/records/new", url.Values{"held_on": {today}, "minutes": {"120"}, "format": {"individual"},
		"attendees": {maria}, "notes": {"Talked through a hard home visit."}}).mustStatus(t, 303)
	var rec supervision.Record
	if err := env.raw().NewSelect().Model(&rec).Where("supervisor_id = ?", helen).OrderExpr("created_at DESC").Limit(1).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if env.count("audit_events", "action = ? AND record_id = ?", "supervision.create", rec.ID) != 1 {
		t.Fatal("no supervision.create event")
	}
	sup.get("/t/illinois/supervision").mustStatus(t, 200).mustContain(t, "1 consultant is behind", "2 h of 2 h")

	// Maria sees her own hours; Sam is behind.
	con := env.client(t)
	con.signIn(demo.SharedConsultantEmail)
	con.get("/t/illinois/supervision/mine").mustStatus(t, 200).mustContain(t, "2 h of 2 h", "24 h", "Helen Okafor")
	samC := env.client(t)
	samC.signIn("sam@illinois.example")
	samC.get("/t/illinois/supervision/mine").mustStatus(t, 200).mustContain(t, "0 h of 2 h", "Behind", "No supervision recorded yet.")

	// Notes: the supervisor and the attendee see them, each read audited; the admin sees the
	// record without them; another supervisor and a consultant who was not there get 404.
	path := "/t/illinois/supervision/records/" + rec.ID
	reads := func() int {
		return env.count("audit_events", "action = ? AND record_id = ?", "supervision.notes_read", rec.ID)
	}
	sup.get(path).mustStatus(t, 200).mustContain(t, "Talked through a hard home visit.")
	con.get(path).mustStatus(t, 200).mustContain(t, "Talked through a hard home visit.")
	if n := reads(); n != 2 {
		t.Fatalf("notes reads audited %d times, want 2", n)
	}
	page := admin.get(path).mustStatus(t, 200).mustContain(t, "Maria Alvarez", "private")
	if strings.Contains(page.body, "hard home visit") {
		t.Fatal("the tenant admin sees the notes")
	}
	samC.get(path).mustStatus(t, 404)
	grace := env.client(t)
	grace.signIn("second.supervisor@illinois.example")
	grace.get(path).mustStatus(t, 404)
	if n := reads(); n != 2 {
		t.Fatalf("notes reads audited %d times after refusals, want 2", n)
	}
	// Grace cannot record a session with Helen's supervisees.
	grace.post("/t/illinois/supervision/records/new", url.Values{"held_on": {today}, "minutes": {"60"}, "format": {"individual"},
		"attendees": {maria}}).mustStatus(t, 422).mustContain(t, "Choose only consultants you supervise.")
	_ = other

	// Remove an assignment.
	as, err := env.app.Supervision.Store().Assignments(ctx, helen)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.ConsultantID == sam {
			admin.post("/t/illinois/supervision/assignments/"+a.ID+"/delete", url.Values{}).mustStatus(t, 303)
		}
	}
	if env.count("supervision_assignments", "supervisor_id = ? AND consultant_id = ?", helen, sam) != 0 ||
		env.count("audit_events", "action = ?", "supervision_assignment.delete") != 1 {
		t.Fatal("the assignment was not removed with an audit event")
	}
}
