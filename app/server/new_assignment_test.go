package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/tenants"
)

// TestNewAssignmentNotice: once assigned to a program, a consultant reads "New: <program> asks
// you to start an engagement" on their home page and caseload, with a button to the
// new-engagement form with that assignment chosen; starting the engagement ends the notice.
// Nobody else reads it, and the consultant's other tenant does not show it.
func TestNewAssignmentNotice(t *testing.T) {
	env := newTestEnv(t)
	const notice = "New: Champaign County Coordinated Intake asks you to start an engagement."
	maria := env.signedIn(t, demo.SharedConsultantEmail)
	for _, path := range []string{"/t/illinois/", "/t/illinois/caseload"} {
		if r := maria.get(path).mustStatus(t, http.StatusOK); strings.Contains(r.body, "asks you to start an engagement") {
			t.Fatalf("%s shows a new assignment before any (every demo assignment has its engagement)", path)
		}
	}

	champaign := env.setupOrgID("illinois", tenants.OrgProgram, "Champaign County Coordinated Intake")
	admin := env.signedIn(t, "admin@illinois.example")
	r := env.openRequest("illinois", consultants.Request{OrganisationName: "Champaign County Coordinated Intake", County: "Champaign",
		Need: "Reflective consultation for intake staff.", ContactEmail: "ana@intake.example"})
	profile := env.matchProfile("illinois", demo.SharedConsultantEmail)
	admin.post("/t/illinois/requests/"+r.ID+"/assign", url.Values{"program_id": {champaign}, "profile_id": {profile.ID}, "confirm": {"yes"}}).
		mustStatus(t, http.StatusSeeOther)
	as, err := env.app.Matching.Assignments(env.scoped("illinois"), consultants.AssignmentFilter{RequestID: r.ID})
	if err != nil || len(as) != 1 {
		t.Fatalf("the assignment: %v %v", as, err)
	}
	start := `href="/t/illinois/engagements/new?assignment=` + as[0].ID + `"`
	maria.get("/t/illinois/").mustStatus(t, http.StatusOK).
		mustContain(t, notice, "You were assigned to Champaign County Coordinated Intake on "+as[0].StartedOn+".", start,
			"Start the engagement with Champaign County Coordinated Intake")
	maria.get("/t/illinois/caseload").mustStatus(t, http.StatusOK).mustContain(t, notice, start)
	for _, who := range []string{"admin@illinois.example", "supervisor@illinois.example", "program@illinois.example"} {
		if r := env.signedIn(t, who).get("/t/illinois/").mustStatus(t, http.StatusOK); strings.Contains(r.body, "asks you to start an engagement") {
			t.Errorf("%s's home shows the consultant's new assignment", who)
		}
	}
	if r := maria.get("/t/nc-piedmont/").mustStatus(t, http.StatusOK); strings.Contains(r.body, "asks you to start an engagement") {
		t.Error("another tenant's home shows the new assignment")
	}

	// The button's form has the assignment chosen; sent as it comes, it starts the engagement.
	form := maria.get("/t/illinois/engagements/new?assignment="+as[0].ID).mustStatus(t, http.StatusOK).
		mustContain(t, `<option value="`+as[0].ID+`" selected>Champaign County Coordinated Intake</option>`)
	values := pageFormValues(t, form.body, "/t/illinois/engagements")
	maria.post("/t/illinois/engagements", values).mustStatus(t, http.StatusSeeOther)
	for _, path := range []string{"/t/illinois/", "/t/illinois/caseload"} {
		if r := maria.get(path).mustStatus(t, http.StatusOK); strings.Contains(r.body, notice) {
			t.Errorf("%s still shows the assignment as new once its engagement started", path)
		}
	}
}
