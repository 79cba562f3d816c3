package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
)

// sessionWorkOf is a session's follow-ups, referrals and resources shared, as one string.
func (e *testEnv) sessionWorkOf(slug, sessionID string) string {
	e.t.Helper()
	ctx := e.scoped(slug)
	var fus []consultation.FollowUp
	if err := e.raw().NewSelect().Model(&fus).Where("session_id = ?", sessionID).OrderExpr("description").Scan(ctx); err != nil {
		e.t.Fatal(err)
	}
	var refs []consultation.Referral
	if err := e.raw().NewSelect().Model(&refs).Where("session_id = ?", sessionID).OrderExpr("kind, note").Scan(ctx); err != nil {
		e.t.Fatal(err)
	}
	var shares []consultation.SessionResource
	if err := e.raw().NewSelect().Model(&shares).Where("session_id = ?", sessionID).OrderExpr("resource_id").Scan(ctx); err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range fus {
		b.WriteString("F " + f.Description + " " + f.DueOn + " " + f.DoneOn + "\n")
	}
	for _, r := range refs {
		b.WriteString("R " + r.Kind + " " + r.Note + "\n")
	}
	for _, r := range shares {
		b.WriteString("S " + r.ResourceID + " " + r.SharedWith + "\n")
	}
	return b.String()
}

func TestEditSessionWorkOverHTTP(t *testing.T) {
	env := newTestEnv(t)
	eng := env.sessionEngagement("illinois", "Prairie Families Home Visiting")
	ctx := env.as("illinois", env.userID(demo.SharedConsultantEmail), authz.Consultant)
	if err := env.app.Resources.EnsureBuiltin(ctx); err != nil {
		t.Fatal(err)
	}
	lib, err := env.app.Resources.All(ctx)
	if err != nil || len(lib) < 2 {
		t.Fatalf("library: %v", err)
	}
	today := time.Now().In(mustLoc(t, "America/Chicago")).Format(time.DateOnly)
	due := time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	x, err := env.app.Sessions.Record(ctx, eng.ID, consultation.SessionInput{HeldOn: today, Minutes: "45", Mode: "virtual",
		Service: "reflective_group", Participants: map[string]string{"educators": "2"}, Notes: "Private words.",
		FollowUps: []consultation.FollowUpInput{{Description: "Call the director", DueOn: due}, {Description: "Send the visuals", DueOn: due}},
		Referrals: []consultation.ReferralInput{{Kind: "early_intervention", Note: "Family asked"}},
		Resources: []consultation.ResourceShareInput{{ResourceID: lib[0].ID, SharedWith: "program"}}})
	if err != nil {
		t.Fatal(err)
	}
	fus, err := env.app.Sessions.SessionFollowUps(ctx, x.ID)
	if err != nil || len(fus) != 2 {
		t.Fatal(err)
	}
	director, visuals := fus[0], fus[1]
	if director.Description != "Call the director" {
		director, visuals = visuals, director
	}
	if _, err := env.app.Sessions.MarkFollowUpDone(ctx, director.ID); err != nil {
		t.Fatal(err)
	}
	page := "/t/illinois/sessions/" + x.ID
	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)

	// The edit form: the open follow-up as a row to change, the done one shown as done, the
	// referral and the resource as recorded, and empty rows to add.
	maria.get(page+"/edit").mustStatus(t, http.StatusOK).mustContain(t,
		`name="followup_id_0" value="`+visuals.ID+`"`, `id="followup_desc_0" name="followup_desc_0" type="text" maxlength="500" value="Send the visuals"`,
		`name="followup_rows" value="4"`, `id="done-followups"`, "Call the director — due "+due+", done ",
		`<option value="early_intervention" selected>`, `value="Family asked"`, `<option value="`+lib[0].ID+`" selected>`,
		`name="referral_rows" value="4"`, `name="resource_rows" value="4"`, "Private words.")
	if r := maria.get(page + "/edit"); strings.Contains(r.body, `value="`+director.ID+`"`) {
		t.Fatal("the done follow-up is a row to change")
	}

	form := func() url.Values {
		return url.Values{"held_on": {today}, "minutes": {"45"}, "mode": {"virtual"}, "service": {"reflective_group"}, "p_educators": {"2"},
			"notes": {"Private words."}, "followup_rows": {"4"}, "referral_rows": {"4"}, "resource_rows": {"4"},
			"followup_id_0": {visuals.ID}, "followup_desc_0": {"Send the transition visuals"}, "followup_due_0": {due},
			"followup_desc_1": {"Visit again"}, "followup_due_1": {due},
			"referral_kind_0": {"parenting_support"}, "referral_note_0": {"Group on Tuesdays"},
			"resource_id_0": {lib[0].ID}, "resource_with_0": {"family"}, "resource_id_1": {lib[1].ID}, "resource_with_1": {"program"}}
	}

	// Bad input: everything typed comes back, each problem at its row, nothing written.
	before, audits := env.sessionWorkOf("illinois", x.ID), env.count("audit_events", "action = 'session.update'")
	bad := form()
	bad.Set("followup_due_1", "soon")
	bad.Set("referral_kind_1", "diagnosis")
	maria.post(page+"/edit", bad).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t,
		"Enter the due date as mm/dd/yyyy, for example 11/26/2026.", "Choose the kind of service referred to.", "Nothing was saved",
		`value="Send the transition visuals"`, `name="followup_id_0" value="`+visuals.ID+`"`, `value="Visit again"`, `value="soon"`,
		`value="Group on Tuesdays"`, `<option value="family" selected>`, `<option value="`+lib[1].ID+`" selected>`, `id="done-followups"`)
	if env.sessionWorkOf("illinois", x.ID) != before || env.count("audit_events", "action = 'session.update'") != audits {
		t.Fatal("bad input wrote something")
	}

	// Saved: the follow-up changed, one added, the done one kept; referrals and resources as
	// the form holds them.
	maria.post(page+"/edit", form()).mustStatus(t, http.StatusSeeOther)
	want := "F Call the director " + due + " " + today + "\n" + "F Send the transition visuals " + due + " \n" + "F Visit again " + due + " \n" +
		"R parenting_support Group on Tuesdays\n"
	got := env.sessionWorkOf("illinois", x.ID)
	if !strings.HasPrefix(got, want) || !strings.Contains(got, "S "+lib[0].ID+" family\n") || !strings.Contains(got, "S "+lib[1].ID+" program\n") {
		t.Fatalf("after the change:\n%s\nwant\n%s(and the two resources)", got, want)
	}
	maria.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Send the transition visuals", "Visit again", "(done "+today+")", "Parenting support: Group on Tuesdays")
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/audit?action=session.update").mustStatus(t, http.StatusOK).mustContain(t, "Session changed", "Follow-up added", "Referral removed")

	// The program still sees the resources shared, with whom.
	prog := env.client(t)
	prog.signIn("program@illinois.example")
	prog.get("/t/illinois/resources").mustStatus(t, http.StatusOK).mustContain(t, lib[0].Title, lib[1].Title, "Shared with the family", "Shared with the program")
	prog.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Resources shared", lib[1].Title)

	// Removed by clearing the rows; the done follow-up stays.
	fus, _ = env.app.Sessions.SessionFollowUps(ctx, x.ID)
	clear := url.Values{"held_on": {today}, "minutes": {"45"}, "mode": {"virtual"}, "service": {"reflective_group"}, "p_educators": {"2"},
		"followup_rows": {"5"}, "referral_rows": {"4"}, "resource_rows": {"5"}}
	for i, f := range fus {
		if f.DoneOn == "" {
			clear.Set("followup_id_"+string(rune('0'+i)), f.ID)
		}
	}
	maria.post(page+"/edit", clear).mustStatus(t, http.StatusSeeOther)
	if got := env.sessionWorkOf("illinois", x.ID); got != "F Call the director "+due+" "+today+"\n" {
		t.Fatalf("after removing:\n%s", got)
	}

	// Locked: the form and the save are refused, nothing changes.
	if _, err := env.raw().NewUpdate().Table("consultation_sessions").Set("created_at = ?", database.Now().Add(-20*24*time.Hour)).Where("id = ?", x.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	before = env.sessionWorkOf("illinois", x.ID)
	maria.get(page+"/edit").mustStatus(t, http.StatusForbidden)
	maria.post(page+"/edit", form()).mustStatus(t, http.StatusForbidden)
	if env.sessionWorkOf("illinois", x.ID) != before {
		t.Fatal("a locked session changed")
	}
}
