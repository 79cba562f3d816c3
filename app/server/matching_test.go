package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/tenants"
)

// openRequest adds a confirmed (open) request for a consultant to a demo tenant.
func (e *testEnv) openRequest(slug string, r consultants.Request) *consultants.Request {
	e.t.Helper()
	ctx := e.scoped(slug)
	t, err := database.For(ctx, e.app.DB)
	if err != nil {
		e.t.Fatal(err)
	}
	now := database.Now()
	r.ID, r.Status, r.ConfirmedAt, r.CreatedAt, r.UpdatedAt = database.NewID(), consultants.RequestOpen, &now, now, now
	if r.ContactName == "" {
		r.ContactName = "Pat Contact"
	}
	if _, err := t.Insert(&r).Exec(ctx); err != nil {
		e.t.Fatal(err)
	}
	return &r
}

// matchingFixtures: an open request of the tenant and one of its active assignments (demo data).
func (e *testEnv) matchingFixtures(slug string) fixtures {
	e.t.Helper()
	r := e.openRequest(slug, consultants.Request{OrganisationName: "Isolation Program", County: "Cook", Need: "Support.",
		ContactEmail: "iso.match." + slug + "@program.example"})
	as, err := e.app.Matching.Assignments(e.scoped(slug), consultants.AssignmentFilter{Status: consultants.AssignmentActive})
	if err != nil || len(as) == 0 {
		e.t.Fatalf("an active assignment of %s: %v", slug, err)
	}
	return fixtures{"requestID": r.ID, "consultantAssignmentID": as[0].ID}
}

// matchProfile returns the demo profile of a consultant's account in a tenant.
func (e *testEnv) matchProfile(slug, email string) *consultants.Profile {
	e.t.Helper()
	ctx := e.scoped(slug)
	t, _ := database.For(ctx, e.app.DB)
	p := new(consultants.Profile)
	if err := t.Select(p).Where("cp.user_id = ?", e.userID(email)).Scan(ctx); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *testEnv) requestByID(slug, id string) *consultants.Request {
	e.t.Helper()
	ctx := e.scoped(slug)
	t, _ := database.For(ctx, e.app.DB)
	r := new(consultants.Request)
	if err := t.Select(r).Where("cr.id = ?", id).Scan(ctx); err != nil {
		e.t.Fatal(err)
	}
	return r
}

func mustOrder(t *testing.T, body string, parts ...string) {
	t.Helper()
	last := -1
	for _, p := range parts {
		i := strings.Index(body, p)
		if i < 0 {
			t.Fatalf("the page does not contain %q\n%s", p, truncateBody(body))
		}
		if i < last {
			t.Fatalf("%q comes before what precedes it in %v\n%s", p, parts, truncateBody(body))
		}
		last = i
	}
}

func TestMatchingQueueAndSuggestions(t *testing.T) {
	env := newTestEnv(t)
	s := func(xs ...string) []string { return xs }
	// Against Maria (demo: Spanish, coordinated intake, Trauma, 1 place left after the demo's
	// two assignments): Zed serves Champaign County and knows Trauma but works in home visiting
	// (4 + 1); Yara meets everything but has no place free.
	env.searchSeed("illinois", "Zed Champaign", s("Champaign"), s("English"), s("Trauma"), nil)
	env.searchSeed("illinois", "Yara Full", s("Champaign"), s("Spanish"), s("Trauma"), func(p *consultants.Profile) {
		p.Capacity, p.Settings = 0, s("coordinated_intake")
	})
	env.searchSeed("ohio", "Otto Ohio", s("Champaign"), s("Spanish"), s("Trauma"), nil)
	admin := env.signedIn(t, "admin@illinois.example")

	q := admin.get("/t/illinois/requests").mustStatus(t, 200).
		mustContain(t, "Consultants working with programs", "Prairie Families Home Visiting", "Southside Community Doula Program", "End this assignment")
	if strings.Contains(q.body, "later change") {
		t.Fatal("the queue still says matching is not built")
	}
	// Open requests first, each linking to its page.
	mustOrder(t, q.body, "reflective consultation for the intake team", "postpartum depression and attachment")
	var open *consultants.Request
	items, err := env.app.ConsultantRequests.Queue(env.scoped("illinois"), consultants.RequestOpen, 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("open demo requests: %d, %v", len(items), err)
	}
	open = &items[0].Request
	q.mustContain(t, `href="/t/illinois/requests/`+open.ID+`"`)
	r := admin.get("/t/illinois/requests?status=assigned").mustStatus(t, 200).mustContain(t, "postpartum depression and attachment")
	if strings.Contains(r.body, "intake team") {
		t.Fatal("the assigned filter shows an open request")
	}
	admin.get("/t/illinois/requests?status=closed").mustStatus(t, 200).mustContain(t, "No requests with this status")

	// The request page: the program named like the organisation is chosen; ranked with reasons.
	champaign := env.setupOrgID("illinois", tenants.OrgProgram, "Champaign County Coordinated Intake")
	page := admin.get("/t/illinois/requests/"+open.ID).mustStatus(t, 200).
		mustContain(t, "Request from Champaign County Coordinated Intake", "gloria.reyes@champaign-intake.example",
			`<option value="`+champaign+`" selected>Champaign County Coordinated Intake (Champaign)</option>`, "Read from the need: Substance use, Trauma",
			"Ranked by county: Champaign · language: Spanish · setting: Coordinated intake · specialties: Substance use, Trauma",
			"speaks Spanish · works with coordinated intake · specialty: Trauma · 1 place free",
			"serves Champaign County · specialty: Trauma · 2 places free",
			"serves Champaign County · speaks Spanish · works with coordinated intake · specialty: Trauma · no places free",
			"No place free", "Assign to Champaign County Coordinated Intake", "Close the request", `hx-get="/t/illinois/requests/`+open.ID+`"`)
	mustOrder(t, page.body, "Maria Alvarez", "Zed Champaign", "Yara Full")
	admin.get("/t/illinois/requests/"+open.ID+"?specialty=Trauma").mustStatus(t, 200).mustContain(t, `<option value="Trauma" selected>Trauma</option>`)
	if strings.Contains(page.body, "Otto Ohio") {
		t.Fatal("another tenant's consultant is suggested")
	}
	// Another program (home visiting) and a chosen specialty re-rank; htmx gets the fragment.
	prairie := env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting")
	// Maria already consults with Prairie Families (demo): she is shown as already serving,
	// after the others, and cannot be picked.
	frag := admin.get("/t/illinois/requests/"+open.ID+"?program="+prairie+"&specialty=Attachment", "HX-Request", "true").mustStatus(t, 200).
		mustContain(t, `id="suggestions"`, "speaks Spanish · works with home visiting programs · specialty: Attachment · 1 place free",
			"serves Champaign County · works with home visiting programs · 2 places free", `name="program_id" value="`+prairie+`"`,
			"Already serving", "Already consults with Prairie Families Home Visiting (since ", "Assign to Prairie Families Home Visiting")
	if strings.Contains(frag.body, "<html") {
		t.Fatal("htmx got the whole page")
	}
	mustOrder(t, frag.body, "Zed Champaign", "Yara Full", "Maria Alvarez")
	if maria := env.matchProfile("illinois", demo.SharedConsultantEmail); strings.Contains(frag.body, `value="`+maria.ID+`"`) {
		t.Fatal("a consultant already serving the program can be picked")
	}
	// No program chosen: no assign button, a note instead.
	admin.get("/t/illinois/requests/"+open.ID+"?program=").mustStatus(t, 200).
		mustContain(t, "Choose the program the consultant will work with, above")
	// An unconfirmed request has no page.
	_, err = env.app.ConsultantRequests.Create(env.scoped("illinois"), consultants.RequestInput{Organisation: "Unconfirmed Org",
		County: "Cook", Need: "Help.", ContactName: "Un Confirmed", Email: "unconfirmed@program.example"}, "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	var pending consultants.Request
	if err := env.raw().NewSelect().Model(&pending).Where("contact_email = ?", "unconfirmed@program.example").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	admin.get("/t/illinois/requests/"+pending.ID).mustStatus(t, 404)
}

// TestMatchingAlreadyServing: the demo program asks for a consultant; the only consultant of
// the registry already serves it, so the request page shows her as already serving, offers no
// Assign button and says why (an assignment posted anyway is refused, nothing written). Every
// specialty the need names is read.
func TestMatchingAlreadyServing(t *testing.T) {
	env := newTestEnv(t)
	program := env.signedIn(t, "program@illinois.example")
	program.post("/t/illinois/consultants/ask", url.Values{"need": {"Our home visitors see maternal depression and domestic violence in many families."},
		"county": {"Cook"}, "preferred_language": {"Spanish"}}).mustStatus(t, http.StatusSeeOther)
	var r consultants.Request
	if err := env.raw().NewSelect().Model(&r).Where("need LIKE ?", "%domestic violence%").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	admin := env.signedIn(t, "admin@illinois.example")
	page := admin.get("/t/illinois/requests/"+r.ID).mustStatus(t, 200).
		mustContain(t, "Read from the need: Intimate partner violence, Postpartum depression", "Maria Alvarez", "Already serving",
			"Already consults with Prairie Families Home Visiting (since ",
			"None of these consultants can be assigned to Prairie Families Home Visiting", "Suggested consultants</legend>")
	for _, never := range []string{`name="profile_id"`, "Assign to Prairie", "Choose a consultant</legend>"} {
		if strings.Contains(page.body, never) {
			t.Errorf("the request page offers %q", never)
		}
	}
	maria := env.matchProfile("illinois", demo.SharedConsultantEmail)
	before := env.count("consultant_assignments", "1 = 1")
	admin.post("/t/illinois/requests/"+r.ID+"/assign", url.Values{"program_id": {r.ProgramID}, "profile_id": {maria.ID}, "confirm": {"yes"}}).
		mustStatus(t, 409).mustContain(t, "Maria Alvarez already consults with Prairie Families Home Visiting")
	if env.count("consultant_assignments", "1 = 1") != before || env.requestByID("illinois", r.ID).Status != consultants.RequestOpen {
		t.Fatal("a refused assignment wrote something")
	}
}

func TestMatchingAssignCloseEnd(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	admin := env.signedIn(t, "admin@illinois.example")
	maria := env.matchProfile("illinois", demo.SharedConsultantEmail)
	if maria.Capacity != 1 {
		t.Fatalf("Maria has %d places after the demo's two assignments, want 1", maria.Capacity)
	}
	champaign := env.setupOrgID("illinois", tenants.OrgProgram, "Champaign County Coordinated Intake")
	prairie := env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting")
	capacity := func(id string) int {
		t.Helper()
		var p consultants.Profile
		tt, _ := database.For(ctx, env.app.DB)
		if err := tt.Select(&p).Column("cp.capacity").Where("cp.id = ?", id).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		return p.Capacity
	}
	assignments := func() int { return env.count("consultant_assignments", "1 = 1") }
	emails := func() int { return env.count("emails", "1 = 1") }

	r1 := env.openRequest("illinois", consultants.Request{OrganisationName: "Champaign County Coordinated Intake", County: "Champaign",
		Need: "Reflective consultation for intake staff.", ContactName: "Ana Intake", ContactEmail: "ana@intake.example", ProfileID: maria.ID})
	admin.get("/t/illinois/requests/"+r1.ID).mustStatus(t, 200).mustContain(t, "Asked for", "Consultant asked for</dt><dd>Maria Alvarez")

	t.Run("bad input is named and nothing is written", func(t *testing.T) {
		a, m := assignments(), emails()
		admin.post("/t/illinois/requests/"+r1.ID+"/assign", url.Values{"profile_id": {maria.ID}}).mustStatus(t, 422).
			mustContain(t, "Program: choose the program the consultant will work with.")
		otto := env.searchSeed("ohio", "Otto Ohio", []string{"Cook"}, []string{"English"}, nil, nil)
		admin.post("/t/illinois/requests/"+r1.ID+"/assign", url.Values{"program_id": {champaign}, "profile_id": {otto.ID}}).mustStatus(t, 422).
			mustContain(t, "Consultant: choose an approved consultant of your registry.")
		ohioProgram := env.setupOrgID("ohio", tenants.OrgProgram, "Franklin County Help Me Grow Early Intervention Team")
		admin.post("/t/illinois/requests/"+r1.ID+"/assign", url.Values{"program_id": {ohioProgram}, "profile_id": {maria.ID}}).mustStatus(t, 422).
			mustContain(t, "Program: choose one of your programs.")
		if assignments() != a || emails() != m || capacity(maria.ID) != 1 || env.requestByID("illinois", r1.ID).Status != consultants.RequestOpen {
			t.Fatal("a refused assignment wrote something")
		}
	})

	var made consultants.AssignmentView
	t.Run("assign takes a place, answers the request and emails both sides", func(t *testing.T) {
		before := env.count("audit_events", "action = ?", "consultant_assignment.create")
		// First the confirmation: who, which program, the place it takes, who is emailed.
		a, m := assignments(), emails()
		admin.post("/t/illinois/requests/"+r1.ID+"/assign", url.Values{"program_id": {champaign}, "profile_id": {maria.ID}}).
			mustStatus(t, 200).mustContain(t, "Assign Maria Alvarez to Champaign County Coordinated Intake?",
			"It takes one of Maria Alvarez’s places: 1 place is free now, none after.", "These people are emailed",
			"Maria Alvarez ("+demo.SharedConsultantEmail+")", "the request&#39;s contact, Ana Intake (ana@intake.example)",
			`name="confirm" value="yes"`, "Yes, assign Maria Alvarez", "No, go back")
		if assignments() != a || emails() != m || capacity(maria.ID) != 1 || env.requestByID("illinois", r1.ID).Status != consultants.RequestOpen {
			t.Fatal("the confirmation step wrote something")
		}
		admin.post("/t/illinois/requests/"+r1.ID+"/assign", url.Values{"program_id": {champaign}, "profile_id": {maria.ID}, "confirm": {"yes"}}).
			mustStatus(t, http.StatusSeeOther)
		if c := capacity(maria.ID); c != 0 {
			t.Fatalf("Maria has %d places, want 0", c)
		}
		got := env.requestByID("illinois", r1.ID)
		if got.Status != consultants.RequestAssigned || got.ProgramID != champaign || got.DecidedBy != env.userID("admin@illinois.example") || got.DecidedAt == nil {
			t.Fatalf("request after assigning: %+v", got)
		}
		list, err := env.app.Matching.Assignments(ctx, consultants.AssignmentFilter{RequestID: r1.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("assignments of the request: %d, %v", len(list), err)
		}
		made = list[0]
		chicago, _ := time.LoadLocation("America/Chicago")
		if made.Status != consultants.AssignmentActive || made.ProfileID != maria.ID || made.ProgramID != champaign ||
			made.StartedOn != time.Now().In(chicago).Format(time.DateOnly) {
			t.Fatalf("assignment %+v", made.Assignment)
		}
		if n := env.count("audit_events", "action = ?", "consultant_assignment.create"); n != before+1 {
			t.Fatalf("%d assignment audit events, want %d", n, before+1)
		}
		toConsultant := env.lastEmailTo(demo.SharedConsultantEmail)
		if toConsultant.Subject != "You are assigned to Champaign County Coordinated Intake" ||
			!strings.Contains(toConsultant.Body, "ana@intake.example") || !strings.Contains(toConsultant.Body, "Reflective consultation for intake staff.") ||
			!strings.Contains(toConsultant.Body, "http://holdspace.test/t/illinois/engagements/new?assignment="+made.ID) {
			t.Fatalf("email to the consultant: %s\n%s", toConsultant.Subject, toConsultant.Body)
		}
		toProgram := env.lastEmailTo("ana@intake.example")
		if toProgram.Subject != "A consultant is assigned to Champaign County Coordinated Intake" ||
			!strings.Contains(toProgram.Body, "Maria Alvarez of Heartland Infant Mental Health Consultants") ||
			!strings.Contains(toProgram.Body, demo.SharedConsultantEmail) {
			t.Fatalf("email to the program: %s\n%s", toProgram.Subject, toProgram.Body)
		}
		admin.get("/t/illinois/requests/"+r1.ID).mustStatus(t, 200).mustContain(t, "Consultant assigned", "Working with the program")
		admin.post("/t/illinois/requests/"+r1.ID+"/assign", url.Values{"program_id": {champaign}, "profile_id": {maria.ID}}).
			mustStatus(t, 409).mustContain(t, "This request is assigned already")
	})

	r2 := env.openRequest("illinois", consultants.Request{OrganisationName: "Prairie Families Home Visiting", County: "Cook",
		Need: "More support.", ContactEmail: "second@prairie.example"})
	t.Run("no place free is refused and nothing is written", func(t *testing.T) {
		a, m := assignments(), emails()
		admin.post("/t/illinois/requests/"+r2.ID+"/assign", url.Values{"program_id": {prairie}, "profile_id": {maria.ID}}).mustStatus(t, 409)
		// Maria is already with Prairie (demo): that is named first. A consultant only full:
		yara := env.searchSeed("illinois", "Yara Full", []string{"Cook"}, []string{"English"}, nil, func(p *consultants.Profile) { p.Capacity = 0 })
		admin.post("/t/illinois/requests/"+r2.ID+"/assign", url.Values{"program_id": {prairie}, "profile_id": {yara.ID}}).mustStatus(t, 409).
			mustContain(t, "Yara Full has no places free: choose another consultant, or end one of their assignments first.")
		if assignments() != a || emails() != m || capacity(yara.ID) != 0 || env.requestByID("illinois", r2.ID).Status != consultants.RequestOpen {
			t.Fatal("a refused assignment wrote something")
		}
	})
	t.Run("the same consultant twice with a program is refused and nothing is written", func(t *testing.T) {
		if _, err := env.raw().NewUpdate().Table("consultant_profiles").Set("capacity = 2").Where("id = ?", maria.ID).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		a, m := assignments(), emails()
		admin.post("/t/illinois/requests/"+r2.ID+"/assign", url.Values{"program_id": {prairie}, "profile_id": {maria.ID}}).mustStatus(t, 409).
			mustContain(t, "Maria Alvarez already consults with Prairie Families Home Visiting (since ")
		if assignments() != a || emails() != m || capacity(maria.ID) != 2 || env.requestByID("illinois", r2.ID).Status != consultants.RequestOpen {
			t.Fatal("a refused assignment wrote something")
		}
	})
	t.Run("the program's people are emailed", func(t *testing.T) {
		zed := env.searchSeed("illinois", "Zed Newcomer", []string{"Cook"}, []string{"English"}, nil, nil)
		admin.post("/t/illinois/requests/"+r2.ID+"/assign", url.Values{"program_id": {prairie}, "profile_id": {zed.ID}}).mustStatus(t, 200).
			mustContain(t, "Latoya Brooks of Prairie Families Home Visiting (program@illinois.example)")
		admin.post("/t/illinois/requests/"+r2.ID+"/assign", url.Values{"program_id": {prairie}, "profile_id": {zed.ID}, "confirm": {"yes"}}).
			mustStatus(t, http.StatusSeeOther)
		for _, to := range []string{"second@prairie.example", "program@illinois.example"} {
			if m := env.lastEmailTo(to); m.Subject != "A consultant is assigned to Prairie Families Home Visiting" || !strings.Contains(m.Body, "Zed Newcomer") {
				t.Fatalf("email to %s: %s\n%s", to, m.Subject, m.Body)
			}
		}
	})

	r3 := env.openRequest("illinois", consultants.Request{OrganisationName: "Someone Else", County: "Cook", Need: "Help.", ContactEmail: "else@example.org"})
	t.Run("close needs a reason", func(t *testing.T) {
		admin.post("/t/illinois/requests/"+r3.ID+"/close", url.Values{"decision_note": {"  "}}).mustStatus(t, 422).
			mustContain(t, "Reason: say why the request is closed without a consultant.")
		if env.requestByID("illinois", r3.ID).Status != consultants.RequestOpen {
			t.Fatal("closed without a reason")
		}
		admin.post("/t/illinois/requests/"+r3.ID+"/close", url.Values{"decision_note": {"They found a consultant themselves."}}).mustStatus(t, 200).
			mustContain(t, "Close the request from Someone Else?", "Nobody is emailed", "“They found a consultant themselves.”",
				`name="confirm" value="yes"`, "Yes, close the request")
		if env.requestByID("illinois", r3.ID).Status != consultants.RequestOpen {
			t.Fatal("the confirmation step closed the request")
		}
		admin.post("/t/illinois/requests/"+r3.ID+"/close", url.Values{"decision_note": {"They found a consultant themselves."}, "confirm": {"yes"}}).
			mustStatus(t, http.StatusSeeOther)
		got := env.requestByID("illinois", r3.ID)
		if got.Status != consultants.RequestClosed || got.DecisionNote != "They found a consultant themselves." || got.DecidedAt == nil {
			t.Fatalf("closed request: %+v", got)
		}
		if n := env.count("audit_events", "action = ? AND record_id = ?", "request.close", r3.ID); n != 1 {
			t.Fatalf("%d close events", n)
		}
		admin.get("/t/illinois/requests/"+r3.ID).mustStatus(t, 200).mustContain(t, "They found a consultant themselves.")
		admin.post("/t/illinois/requests/"+r3.ID+"/close", url.Values{"decision_note": {"Again."}, "confirm": {"yes"}}).mustStatus(t, 409).
			mustContain(t, "This request is closed already")
		admin.post("/t/illinois/requests/"+r3.ID+"/assign", url.Values{"program_id": {prairie}, "profile_id": {maria.ID}}).mustStatus(t, 409)
	})

	t.Run("ending an assignment gives the place back", func(t *testing.T) {
		before := capacity(maria.ID)
		admin.post("/t/illinois/consultant-assignments/"+made.ID+"/end", nil).mustStatus(t, http.StatusSeeOther)
		if c := capacity(maria.ID); c != before+1 {
			t.Fatalf("Maria has %d places, want %d", c, before+1)
		}
		list, _ := env.app.Matching.Assignments(ctx, consultants.AssignmentFilter{ID: made.ID})
		if len(list) != 1 || list[0].Status != consultants.AssignmentEnded || list[0].EndedOn == "" {
			t.Fatalf("ended assignment: %+v", list)
		}
		if n := env.count("audit_events", "action = ? AND record_id = ?", "consultant_assignment.end", made.ID); n != 1 {
			t.Fatalf("%d end events", n)
		}
		admin.post("/t/illinois/consultant-assignments/"+made.ID+"/end", nil).mustStatus(t, 409)
		if c := capacity(maria.ID); c != before+1 {
			t.Fatal("ending twice gave two places back")
		}
		env.signedIn(t, "admin@ohio.example").post("/t/ohio/consultant-assignments/"+made.ID+"/end", nil).mustStatus(t, 404)
	})
}

// TestConsultantsPageRoles: program people see their program's consultants and requests (and
// ask for one); funders the consultants of the programs they fund; consultants and supervisors
// neither that page nor the queue.
func TestConsultantsPageRoles(t *testing.T) {
	env := newTestEnv(t)
	open, err := env.app.ConsultantRequests.Queue(env.scoped("illinois"), consultants.RequestOpen, 1)
	if err != nil || len(open) != 1 {
		t.Fatal("no open demo request")
	}
	as, _ := env.app.Matching.Assignments(env.scoped("illinois"), consultants.AssignmentFilter{Status: consultants.AssignmentActive})

	program := env.signedIn(t, "program@illinois.example")
	r := program.get("/t/illinois/consultants").mustStatus(t, 200).
		mustContain(t, `href="/t/illinois/consultants"`, "Your consultants", "Maria Alvarez", "Heartland Infant Mental Health Consultants",
			"English, Spanish", demo.SharedConsultantEmail, "postpartum depression and attachment", "Maria Alvarez assigned", "Ask for a consultant")
	for _, never := range []string{"Southside", "Champaign County Coordinated Intake", "intake team"} {
		if strings.Contains(r.body, never) {
			t.Errorf("the program sees %q", never)
		}
	}

	funder := env.signedIn(t, "funder@illinois.example") // IDHS-DEC funds Southside and Champaign
	r = funder.get("/t/illinois/consultants").mustStatus(t, 200).
		mustContain(t, `href="/t/illinois/consultants"`, "Southside Community Doula Program", "Maria Alvarez",
			"Champaign County Coordinated Intake", "No consultant is assigned to this program yet")
	for _, never := range []string{"Prairie Families", demo.SharedConsultantEmail, "Ask for a consultant"} {
		if strings.Contains(r.body, never) {
			t.Errorf("the funder sees %q", never)
		}
	}
	env.signedIn(t, "funder@ohio.example").get("/t/ohio/consultants").mustStatus(t, 200).
		mustContain(t, "Franklin County Help Me Grow Early Intervention Team", "Daniel Kim", "Hamilton County Help Me Grow Early Intervention Team")

	adminHome := env.signedIn(t, "admin@illinois.example").get("/t/illinois/").mustStatus(t, 200)
	if strings.Contains(adminHome.body, `href="/t/illinois/consultants"`) {
		t.Error("the admin's menu lists Consultants (they have Requests)")
	}
	env.signedIn(t, "admin@illinois.example").get("/t/illinois/consultants").mustStatus(t, 200).
		mustContain(t, "Prairie Families Home Visiting", "Southside Community Doula Program", "Champaign County Coordinated Intake")

	for _, who := range []string{demo.SharedConsultantEmail, "supervisor@illinois.example", "program@illinois.example", "funder@illinois.example"} {
		c := env.signedIn(t, who)
		for _, path := range []string{"/t/illinois/requests", "/t/illinois/requests/" + open[0].Request.ID} {
			c.get(path).mustStatus(t, http.StatusForbidden)
		}
		c.post("/t/illinois/requests/"+open[0].Request.ID+"/assign", url.Values{"program_id": {as[0].ProgramID}, "profile_id": {as[0].ProfileID}}).
			mustStatus(t, http.StatusForbidden)
		c.post("/t/illinois/requests/"+open[0].Request.ID+"/close", url.Values{"decision_note": {"no"}}).mustStatus(t, http.StatusForbidden)
		c.post("/t/illinois/consultant-assignments/"+as[0].ID+"/end", nil).mustStatus(t, http.StatusForbidden)
		if who == demo.SharedConsultantEmail || who == "supervisor@illinois.example" {
			c.get("/t/illinois/consultants").mustStatus(t, http.StatusForbidden)
			home := c.get("/t/illinois/").mustStatus(t, 200)
			if strings.Contains(home.body, `href="/t/illinois/consultants"`) {
				t.Errorf("%s's menu lists Consultants", who)
			}
		}
		if who != "program@illinois.example" {
			c.post("/t/illinois/consultants/ask", url.Values{"need": {"Help."}, "county": {"Cook"}}).mustStatus(t, http.StatusForbidden)
		}
	}
	if env.requestByID("illinois", open[0].Request.ID).Status != consultants.RequestOpen {
		t.Fatal("a refused role changed the request")
	}

	t.Run("a program asks for a consultant", func(t *testing.T) {
		before := env.count("consultant_requests", "1 = 1")
		program.post("/t/illinois/consultants/ask", url.Values{"need": {""}, "county": {"Nowhere"}, "preferred_language": {"Klingon"}}).
			mustStatus(t, 422).mustContain(t, "What you need: say in a few words", "County: choose one of the counties listed.",
			"Preferred language: choose one of the languages listed.")
		if env.count("consultant_requests", "1 = 1") != before {
			t.Fatal("a bad request was written")
		}
		program.post("/t/illinois/consultants/ask", url.Values{"need": {"Our visitors want help with safe sleep talks."}, "county": {"Cook"},
			"preferred_language": {"Spanish"}}).mustStatus(t, http.StatusSeeOther)
		var got consultants.Request
		if err := env.raw().NewSelect().Model(&got).Where("need = ?", "Our visitors want help with safe sleep talks.").Scan(context.Background()); err != nil {
			t.Fatal(err)
		}
		prairie := env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting")
		if got.Status != consultants.RequestOpen || got.ProgramID != prairie || got.ContactEmail != "program@illinois.example" ||
			got.ContactName != "Latoya Brooks" || got.OrganisationName != "Prairie Families Home Visiting" || got.ConfirmedAt == nil {
			t.Fatalf("asked: %+v", got)
		}
		if mail := env.lastEmailTo("admin@illinois.example"); mail == nil || !strings.Contains(mail.Body, "/t/illinois/requests/"+got.ID) ||
			!strings.Contains(mail.Body, "safe sleep") {
			t.Fatalf("the tenant admin was not told of the program's request: %+v", mail)
		}
		if n := env.count("emails", "to_addr = ?", "program@illinois.example"); n != 0 {
			t.Fatalf("%d emails to confirm a signed-in request", n)
		}
		program.get("/t/illinois/consultants").mustStatus(t, 200).mustContain(t, "safe sleep talks", "Waiting")
		env.signedIn(t, "admin@illinois.example").get("/t/illinois/requests?status=open").mustStatus(t, 200).mustContain(t, "safe sleep talks")
		env.signedIn(t, "program@ohio.example").get("/t/ohio/consultants").mustStatus(t, 200)
		for i := 0; i < consultants.MaxOpenProgramAsks-1; i++ {
			program.post("/t/illinois/consultants/ask", url.Values{"need": {"More."}, "county": {"Cook"}}).mustStatus(t, http.StatusSeeOther)
		}
		program.post("/t/illinois/consultants/ask", url.Values{"need": {"One too many."}, "county": {"Cook"}}).mustStatus(t, 409).
			mustContain(t, "Prairie Families Home Visiting has 5 open requests already")
	})
}

// TestCleanupUnconfirmedRequests: the hourly task deletes public requests still unconfirmed
// after their link expired, in every tenant, and nothing else; an expired link does not work.
func TestCleanupUnconfirmedRequests(t *testing.T) {
	env := newTestEnv(t)
	mk := func(slug, email string) string {
		t.Helper()
		_, err := env.app.ConsultantRequests.Create(env.scoped(slug), consultants.RequestInput{Organisation: "Org " + email, County: "Cook",
			Need: "Help.", ContactName: "Some One", Email: email}, "192.0.2.10")
		if err != nil {
			t.Fatal(err)
		}
		return email
	}
	age := func(email string, by time.Duration) {
		t.Helper()
		if _, err := env.raw().NewUpdate().Table("consultant_requests").Set("created_at = ?", database.Now().Add(-by)).
			Where("contact_email = ?", email).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	oldIL, oldOH, fresh := mk("illinois", "old.il@example.org"), mk("ohio", "old.oh@example.org"), mk("illinois", "fresh@example.org")
	age(oldIL, consultants.RequestLinkLifetime+time.Minute)
	age(oldOH, consultants.RequestLinkLifetime+time.Hour)
	age(fresh, consultants.RequestLinkLifetime-time.Hour)
	confirmed := env.openRequest("illinois", consultants.Request{OrganisationName: "Long Open", County: "Cook", Need: "Help.", ContactEmail: "long.open@example.org"})
	age("long.open@example.org", 30*24*time.Hour)

	link := requestLink.FindStringSubmatch(env.lastEmailTo(oldIL).Body)
	if link == nil {
		t.Fatal("no confirmation link")
	}
	env.client(t).get(link[1]).mustStatus(t, 404).mustContain(t, "more than 3 days old")

	mux, periodic := env.app.Jobs()
	scheduled := false
	for _, p := range periodic {
		scheduled = scheduled || (p.Type == consultants.TaskCleanupRequests && p.Spec == "@every 1h")
	}
	if !scheduled {
		t.Fatalf("%s is not scheduled hourly: %+v", consultants.TaskCleanupRequests, periodic)
	}
	run := func() {
		t.Helper()
		if err := mux.Handler().ProcessTask(context.Background(), asynq.NewTask(consultants.TaskCleanupRequests, []byte(`{"tenant_id":""}`))); err != nil {
			t.Fatal(err)
		}
	}
	run()
	for email, want := range map[string]int{oldIL: 0, oldOH: 0, fresh: 1, "long.open@example.org": 1} {
		if n := env.count("consultant_requests", "contact_email = ?", email); n != want {
			t.Errorf("%s: %d requests, want %d", email, n, want)
		}
	}
	if env.requestByID("illinois", confirmed.ID).Status != consultants.RequestOpen {
		t.Fatal("an open request was touched")
	}
	if n, err := env.app.ConsultantRequests.DeleteExpired(context.Background(), time.Now()); err != nil || n != 0 {
		t.Fatalf("a second run deleted %d (%v)", n, err)
	}
}

// TestDemoMatchingSeedsOnce: the demo has an open request in Illinois and consultants assigned
// to programs (their places taken); seeding again adds and changes nothing.
func TestDemoMatchingSeedsOnce(t *testing.T) {
	env := newTestEnv(t)
	state := func() string {
		t.Helper()
		maria := env.matchProfile("illinois", demo.SharedConsultantEmail)
		daniel := env.matchProfile("ohio", "consultant@ohio.example")
		return fmt.Sprintf("requests %d open %d assignments %d active %d maria %d daniel %d",
			env.count("consultant_requests", "1 = 1"), env.count("consultant_requests", "status = ?", consultants.RequestOpen),
			env.count("consultant_assignments", "1 = 1"), env.count("consultant_assignments", "status = ?", consultants.AssignmentActive),
			maria.Capacity, daniel.Capacity)
	}
	before := state()
	if want := "requests 4 open 1 assignments 3 active 3 maria 1 daniel 3"; before != want {
		t.Fatalf("demo: %s, want %s", before, want)
	}
	if err := demo.Seed(context.Background(), env.app.DB, env.app.Accounts, env.app.Tenants); err != nil {
		t.Fatal(err)
	}
	if after := state(); after != before {
		t.Fatalf("seeding again: %s, was %s", after, before)
	}
}
