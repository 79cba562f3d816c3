package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
)

// assessmentFixtures are a real instrument, assessment, plan and goal of slug (on one of its
// demo engagements, as its tenant admin).
func (e *testEnv) assessmentFixtures(slug string) fixtures {
	e.t.Helper()
	admin := e.as(slug, e.userID("admin@"+slug+".example"), authz.TenantAdmin)
	list, err := e.app.Instruments.List(admin)
	if err != nil || len(list) == 0 {
		e.t.Fatalf("the instruments of %s: %v", slug, err)
	}
	engs, err := e.app.Engagements.List(e.scoped(slug), consultation.CaseloadFilter{})
	if err != nil || len(engs.Rows) == 0 {
		e.t.Fatalf("an engagement of %s: %v", slug, err)
	}
	engID := engs.Rows[0].ID
	ins := list[0]
	scores := map[string]string{}
	for _, s := range ins.Subscales {
		scores[s.ID] = consultation.ScoreText(s.MinHundredths)
	}
	a, err := e.app.Assessments.Create(admin, engID, consultation.AssessmentInput{InstrumentID: ins.ID, Phase: consultation.PhasePre,
		AdministeredOn: time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly), Scores: scores}, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	f := fixtures{"instrumentID": ins.ID, "assessmentID": a.ID}
	plans, _, err := e.app.Plans.List(admin, consultation.PlanFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(plans) > 0 {
		v, err := e.app.Plans.View(admin, plans[0].EngagementID)
		if err != nil || len(v.Goals) == 0 {
			e.t.Fatalf("the demo plan of %s: %v", slug, err)
		}
		f["planID"], f["goalID"] = v.Plan.ID, v.Goals[0].ID
		return f
	}
	p, err := e.app.Plans.Save(admin, engID, consultation.PlanInput{StartsOn: time.Now().UTC().Format(time.DateOnly),
		EndsOn: time.Now().UTC().AddDate(0, 3, 0).Format(time.DateOnly)})
	if err != nil {
		e.t.Fatal(err)
	}
	g, err := e.app.Plans.AddGoal(admin, p.ID, consultation.GoalInput{Goal: "Fixture goal", Indicator: "A count", Target: "3",
		Owner: "Director", DueOn: p.EndsOn})
	if err != nil {
		e.t.Fatal(err)
	}
	f["planID"], f["goalID"] = p.ID, g.ID
	return f
}

// fresh is a copy of a form without the CSRF token a client's post left in it (so another
// client, or a later page, sends its own).
func fresh(v url.Values) url.Values {
	out := url.Values{}
	for k, vals := range v {
		if k != "_csrf" {
			out[k] = append([]string(nil), vals...)
		}
	}
	return out
}

// scoreForm is an assessment form with the scores by subscale name.
func scoreForm(ins *consultation.Instrument, phase, on string, byName map[string]string) url.Values {
	v := url.Values{"instrument_id": {ins.ID}, "phase": {phase}, "administered_on": {on}}
	for _, s := range ins.Subscales {
		v.Set(consultation.ScoreField(s.ID), byName[s.Name])
	}
	return v
}

func TestAssessmentsInTheBrowser(t *testing.T) {
	env := newTestEnv(t)
	child := env.demoEngagement("illinois", consultation.FocusChildFamily) // Southside, not Latoya's program
	today := time.Now().In(mustLoc(t, "America/Chicago"))
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	list, err := env.app.Instruments.List(env.scoped("illinois"))
	if err != nil {
		t.Fatal(err)
	}
	var deca *consultation.Instrument
	for i := range list {
		if list[i].ShortName == "DECA-P2" {
			deca = &list[i]
		}
	}
	if deca == nil {
		t.Fatal("no DECA-P2")
	}
	base := "/t/illinois/engagements/" + child.ID + "/assessments"

	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)
	maria.get(base+"/new").mustStatus(t, 200).mustContain(t, "DECA-P2", "TPITOS", "CLASS Pre-K", "Continue")
	maria.get(base+"/new?instrument_id="+deca.ID).mustStatus(t, 200).
		mustContain(t, "Self-Regulation", "Behavioral Concerns", "From 28 to 72. Lower is better.", `value="`+day(0)+`"`, `value="pre" checked`)

	// Bad input: named messages, the input kept, nothing written.
	bad := scoreForm(deca, "pre", day(1), map[string]string{"Initiative": "", "Self-Regulation": "80", "Attachment/Relationships": "4x",
		"Total Protective Factors": "50.123", "Behavioral Concerns": "60"})
	maria.post(base+"/new", bad).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "The date cannot be in the future.", "Enter the Initiative score.", "The Self-Regulation score must be from 28 to 72.",
			"Enter the Attachment/Relationships score as a number, with at most two decimals.", `value="4x"`, `value="50.123"`, `value="60"`)
	if n := env.count("assessments", "engagement_id = ?", child.ID); n != 0 {
		t.Fatalf("%d assessments written from bad input", n)
	}

	pre := scoreForm(deca, "pre", day(-30), map[string]string{"Initiative": "40", "Self-Regulation": "42.5", "Attachment/Relationships": "45",
		"Total Protective Factors": "41", "Behavioral Concerns": "65"})
	maria.post(base+"/new", pre).mustStatus(t, http.StatusSeeOther)
	early := scoreForm(deca, "post", day(-31), map[string]string{"Initiative": "48", "Self-Regulation": "42.5", "Attachment/Relationships": "44",
		"Total Protective Factors": "47.25", "Behavioral Concerns": "58"})
	maria.post(base+"/new", fresh(early)).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "A post-assessment cannot come before the pre-assessment of "+day(-30)+".")
	post := fresh(early)
	post.Set("administered_on", day(-1))
	maria.post(base+"/new", post).mustStatus(t, http.StatusSeeOther)
	if n := env.count("audit_events", "action = ?", "assessment.create"); n < 2 {
		t.Fatalf("%d audit events for the assessments", n)
	}

	// Pre against post, the change per subscale in words.
	r := maria.get(base).mustStatus(t, 200).mustContain(t, "DECA-P2: pre-assessment of "+day(-30)+", post-assessment of "+day(-1),
		"3 subscales better, 1 worse", "&#43;8", "&#43;6.25", "No change", "-1", "-7", "<strong>Better</strong>", "<strong>Worse</strong>",
		"Record an assessment")
	if !strings.Contains(r.body, "Behavioral Concerns") {
		t.Fatal("the subscales are not listed")
	}
	// The same section as an htmx fragment (for the engagement page).
	frag := maria.get(base, "HX-Request", "true").mustStatus(t, 200)
	if strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `id="assessments"`) {
		t.Fatal("the htmx request did not get the fragment alone")
	}

	// Correcting one: the form keeps the values; a bad score is named.
	sec, err := env.app.Assessments.Section(env.as("illinois", env.userID(demo.SharedConsultantEmail), authz.Consultant), child.ID)
	if err != nil || len(sec.Assessments) != 2 {
		t.Fatalf("section: %v, %v", sec, err)
	}
	postID := sec.Assessments[1].ID
	maria.get("/t/illinois/assessments/"+postID).mustStatus(t, 200).mustContain(t, `value="47.25"`, "Save the changes", "Delete the Post-assessment")
	post.Set(consultation.ScoreField(deca.Subscales[0].ID), "27")
	maria.post("/t/illinois/assessments/"+postID, fresh(post)).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "The Initiative score must be from 28 to 72.", `value="27"`)
	post.Set(consultation.ScoreField(deca.Subscales[0].ID), "50")
	maria.post("/t/illinois/assessments/"+postID, fresh(post)).mustStatus(t, http.StatusSeeOther)
	maria.get(base).mustContain(t, "&#43;10")

	// Who else sees it: her supervisor reads; the other program's user and funders do not.
	helen := env.client(t)
	helen.signIn("supervisor@illinois.example")
	helen.get(base).mustStatus(t, 200).mustContain(t, "DECA-P2")
	if strings.Contains(helen.get(base).body, "Record an assessment") {
		t.Fatal("a supervisor is offered to record an assessment")
	}
	helen.post(base+"/new", fresh(pre)).mustStatus(t, http.StatusForbidden)
	latoya := env.client(t)
	latoya.signIn("program@illinois.example")
	latoya.get(base).mustStatus(t, http.StatusNotFound)
	latoya.get("/t/illinois/assessments/"+postID).mustStatus(t, http.StatusNotFound)
	funder := env.client(t)
	funder.signIn("funder@illinois.example")
	funder.get(base).mustStatus(t, http.StatusForbidden)
	fctx := env.as("illinois", env.userID("funder@illinois.example"), authz.Funder)
	if s, err := env.app.Assessments.Section(fctx, child.ID); s != nil || err != nil {
		t.Fatalf("a funder's section: %v, %v", s, err)
	}
	if _, err := env.app.Assessments.ByID(fctx, postID, time.Now()); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("a funder loading an assessment: want not found, got %v", err)
	}

	// Deleting, audited.
	maria.post("/t/illinois/assessments/"+postID+"/delete", nil).mustStatus(t, http.StatusSeeOther)
	if env.count("assessments", "id = ?", postID) != 0 || env.count("assessment_scores", "assessment_id = ?", postID) != 0 ||
		env.count("audit_events", "action = ?", "assessment.delete") != 1 {
		t.Fatal("the assessment was not deleted, or not audited")
	}
}

func TestInstrumentsPage(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/instruments").mustStatus(t, 200).mustContain(t, "TPITOS", "TPOT", "CLASS Pre-K", "DECA-P2", "Add an instrument")
	form := url.Values{"name": {"Family Engagement Checklist"}, "short_name": {"TPOT"},
		"sub_name_0": {"Warmth"}, "sub_min_0": {"5"}, "sub_max_0": {"1"}, "sub_name_7": {"Concerns"}, "sub_min_7": {"0"}, "sub_max_7": {"ten"},
		"sub_lower_7": {"yes"}}
	admin.post("/t/illinois/instruments", form).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "TPOT is built in already; choose another short name.", "The highest score must be above the lowest.",
			"Enter the highest possible score as a number", `value="Family Engagement Checklist"`, `value="Concerns"`, `value="ten"`,
			// Row 8 is shown with what was typed, its error tied to its field, its box still ticked.
			"Subscale 8", `<label class="usa-label" for="sub_min_7">Lowest possible score</label>`,
			`<span class="usa-error-message" id="sub_max_7-error">`,
			`name="sub_max_7" inputmode="decimal" value="ten" aria-describedby="sub_max_7-error" aria-invalid="true">`,
			`name="sub_lower_7" value="yes" checked>`)
	form.Set("short_name", "FEC")
	form.Set("sub_min_0", "1")
	form.Set("sub_max_0", "5")
	form.Set("sub_max_7", "10")
	form.Set("sub_lower_7", "yes")
	r := admin.post("/t/illinois/instruments", fresh(form)).mustStatus(t, http.StatusSeeOther)
	admin.get(r.header.Get("Location")).mustStatus(t, 200).mustContain(t, "FEC", "Warmth", "1 to 5", "Higher is better", "Concerns", "Lower is better",
		"Added by this agency")
	if env.count("audit_events", "action = ?", "instrument.create") != 1 {
		t.Fatal("no audit event for the instrument")
	}
	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)
	if body := maria.get("/t/illinois/instruments").mustStatus(t, 200).mustContain(t, "FEC").body; strings.Contains(body, "Add an instrument") {
		t.Fatal("a consultant is offered to add an instrument")
	}
	maria.post("/t/illinois/instruments", fresh(form)).mustStatus(t, http.StatusForbidden)
}

func TestPlanAgreedByTheProgram(t *testing.T) {
	env := newTestEnv(t)
	child := env.demoEngagement("illinois", consultation.FocusChildFamily) // with Southside Community Doula Program
	today := time.Now().In(mustLoc(t, "America/Chicago"))
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	planURL := "/t/illinois/engagements/" + child.ID + "/plan"
	mariaCtx := env.as("illinois", env.userID(demo.SharedConsultantEmail), authz.Consultant)

	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)
	maria.get(planURL).mustStatus(t, 200).mustContain(t, "There is no plan for this engagement yet.", "Start the plan")
	maria.post(planURL, url.Values{"starts_on": {day(0)}, "ends_on": {day(-5)}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "The plan must end after it starts.", `value="`+day(-5)+`"`)
	maria.post(planURL, url.Values{"starts_on": {day(-10)}, "ends_on": {day(90)}}).mustStatus(t, http.StatusSeeOther)
	v, err := env.app.Plans.View(mariaCtx, child.ID)
	if err != nil || v.Plan == nil {
		t.Fatalf("the plan: %v", err)
	}
	planID := v.Plan.ID

	// A goal: named errors with the input kept, then a good one.
	goal := url.Values{"goal": {""}, "indicator": {"Times the family group meets each month"}, "target": {"2 a month"},
		"owner": {"Family group facilitator"}, "due_on": {day(120)}, "status": {"not_started"}}
	maria.post("/t/illinois/plans/"+planID+"/goals", fresh(goal)).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Enter the goal.", "The due date must fall within the plan", "Times the family group meets each month")
	goal.Set("goal", "The doulas meet as a reflective group after difficult births.")
	goal.Set("due_on", day(60))
	maria.post("/t/illinois/plans/"+planID+"/goals", fresh(goal)).mustStatus(t, http.StatusSeeOther)
	maria.get(planURL).mustStatus(t, 200).mustContain(t, "Waiting for the program's agreement", "The doulas meet as a reflective group")

	// Latoya's program is another: the plan is not found for her, and she cannot agree to it.
	latoya := env.client(t)
	latoya.signIn("program@illinois.example")
	latoya.get(planURL).mustStatus(t, http.StatusNotFound)
	agree := url.Values{"names": {"Dana Reed,  Kim Lee"}, "confirm": {"yes"}}
	latoya.post("/t/illinois/plans/"+planID+"/agree", fresh(agree)).mustStatus(t, http.StatusNotFound)
	if body := latoya.get("/t/illinois/plans").mustStatus(t, 200).body; strings.Contains(body, planURL) {
		t.Fatal("another program's plan is listed for Latoya")
	}

	// Southside's own program user sees it waiting and agrees.
	ctx := env.scoped("illinois")
	orgs, err := env.app.Tenants.Store().Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	southside := ""
	for _, o := range orgs {
		if o.Name == "Southside Community Doula Program" {
			southside = o.ID
		}
	}
	u, err := env.app.Accounts.CreateUser(ctx, "director@southside.example", "Gwen Harris", demo.Password, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.Tenants.AddMember(ctx, u.ID, authz.Program, southside); err != nil {
		t.Fatal(err)
	}
	gwen := env.client(t)
	gwen.signIn("director@southside.example")
	gwen.get("/t/illinois/plans?status=awaiting").mustStatus(t, 200).mustContain(t, planURL, "Waiting for agreement", "Your quality improvement plans")
	gwen.get(planURL).mustStatus(t, 200).mustContain(t, "Agree to the plan", "The doulas meet as a reflective group")
	gwen.post("/t/illinois/plans/"+planID+"/agree", url.Values{"names": {"  "}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Enter the names of the educators who agree to the plan.", "Confirm that these educators agree to the plan and its goals.")
	if v, _ := env.app.Plans.View(mariaCtx, child.ID); v.Plan.Status != consultation.PlanDraft {
		t.Fatal("agreed from bad input")
	}
	gwen.post("/t/illinois/plans/"+planID+"/agree", fresh(agree)).mustStatus(t, http.StatusSeeOther)
	gwen.get(planURL).mustStatus(t, 200).mustContain(t, "Agreed on", "by Dana Reed, Kim Lee", "(recorded by Gwen Harris)")
	if body := gwen.get(planURL).body; strings.Contains(body, "Agree to the plan") {
		t.Fatal("an agreed plan still asks for agreement")
	}
	gwen.post("/t/illinois/plans/"+planID+"/agree", fresh(agree)).mustStatus(t, http.StatusConflict)
	if env.count("audit_events", "action = ? AND record_id = ?", "qi_plan.agree", planID) != 1 {
		t.Fatal("the agreement is not audited")
	}
	// Only the program agrees: the consultant's role may not, a tenant admin is refused by the rule.
	maria.post("/t/illinois/plans/"+planID+"/agree", fresh(agree)).mustStatus(t, http.StatusForbidden)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.post("/t/illinois/plans/"+planID+"/agree", fresh(agree)).mustStatus(t, http.StatusForbidden)

	// Agreed: the page says what changing does. A status change keeps the agreement…
	v, _ = env.app.Plans.View(mariaCtx, child.ID)
	goalID := v.Goals[0].ID
	maria.get(planURL).mustContain(t, "The goals are fixed now.")
	maria.get("/t/illinois/goals/"+goalID+"/edit").mustStatus(t, 200).mustContain(t, "Changing only the status keeps the agreement.")
	edit := fresh(goal)
	edit.Set("status", "in_progress")
	maria.post("/t/illinois/goals/"+goalID+"/edit", fresh(edit)).mustStatus(t, http.StatusSeeOther)
	if v, _ := env.app.Plans.View(mariaCtx, child.ID); v.Plan.Status != consultation.PlanAgreed || v.Goals[0].Status != consultation.GoalInProgress {
		t.Fatalf("a status change: plan %s, goal %s", v.Plan.Status, v.Goals[0].Status)
	}
	// …progress is recorded and listed under the goal…
	maria.post("/t/illinois/goals/"+goalID+"/progress", url.Values{"status": {"in_progress"}, "note": {""}}).
		mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Write what progress was made, or change the status.")
	maria.post("/t/illinois/goals/"+goalID+"/progress", url.Values{"status": {"met"}, "note": {"Met twice this month."}}).
		mustStatus(t, http.StatusSeeOther)
	gwen.get(planURL).mustContain(t, "Met twice this month.", "<strong>Met</strong>", "Agreed on")
	// …and changing the goal's words returns it to draft, needing agreement again.
	edit.Set("status", "met")
	edit.Set("target", "3 a month")
	maria.post("/t/illinois/goals/"+goalID+"/edit", fresh(edit)).mustStatus(t, http.StatusSeeOther)
	if v, _ := env.app.Plans.View(mariaCtx, child.ID); v.Plan.Status != consultation.PlanDraft || v.Plan.AgreedNames != "" {
		t.Fatalf("after changing the target: %s", v.Plan.Status)
	}
	gwen.get(planURL).mustContain(t, "Agree to the plan", "3 a month")
	gwen.post("/t/illinois/plans/"+planID+"/agree", fresh(agree)).mustStatus(t, http.StatusSeeOther)

	// Supervisors read; funders see nothing of it.
	helen := env.client(t)
	helen.signIn("supervisor@illinois.example")
	helen.get(planURL).mustStatus(t, 200).mustContain(t, "The doulas meet as a reflective group")
	helen.post("/t/illinois/plans/"+planID+"/goals", fresh(goal)).mustStatus(t, http.StatusForbidden)
	funder := env.client(t)
	funder.signIn("funder@illinois.example")
	funder.get(planURL).mustStatus(t, http.StatusForbidden)
	funder.get("/t/illinois/plans").mustStatus(t, http.StatusForbidden)
	fctx := env.as("illinois", env.userID("funder@illinois.example"), authz.Funder)
	fctx = withOrg(env, fctx, "IDHS Division of Early Childhood")
	if _, err := env.app.Plans.View(fctx, child.ID); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("a funder's plan view: want not found, got %v", err)
	}
	if list, _, err := env.app.Plans.List(fctx, consultation.PlanFilter{}); err != nil || len(list) != 0 {
		t.Fatalf("a funder's plans: %v, %v", list, err)
	}

	// Removing a goal of an agreed plan returns it to draft too.
	maria.post("/t/illinois/goals/"+goalID+"/delete", nil).mustStatus(t, http.StatusSeeOther)
	if v, _ := env.app.Plans.View(mariaCtx, child.ID); v.Plan.Status != consultation.PlanDraft || len(v.Goals) != 0 ||
		env.count("qi_goal_updates", "goal_id = ?", goalID) != 0 {
		t.Fatal("the goal was not removed, or the plan stayed agreed")
	}
}

func TestDemoPlanAndAssessments(t *testing.T) {
	env := newTestEnv(t)
	// Seeding again changes nothing.
	count := func() [4]int {
		return [4]int{env.count("instruments", "1 = 1"), env.count("assessments", "1 = 1"), env.count("qi_plans", "1 = 1"), env.count("qi_goals", "1 = 1")}
	}
	before := count()
	if err := demo.Seed(context.Background(), env.app.DB, env.app.Accounts, env.app.Tenants); err != nil {
		t.Fatal(err)
	}
	if after := count(); after != before || before[0] != 12 || before[1] < 3 || before[2] < 1 || before[3] < 2 {
		t.Fatalf("before %v, after %v", before, after)
	}
	latoya := env.client(t)
	latoya.signIn("program@illinois.example")
	r := latoya.get("/t/illinois/plans?status=agreed").mustStatus(t, 200).mustContain(t, "Prairie Families Home Visiting", "Agreed")
	i := strings.Index(r.body, "/plan\">")
	if i < 0 {
		t.Fatal("no plan link")
	}
	link := r.body[strings.LastIndex(r.body[:i], "href=\"")+6 : i+5]
	latoya.get(link).mustStatus(t, 200).mustContain(t, "by Latoya Brooks, Ana Ruiz, Tom Baker", "TPOT key practices")
	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)
	maria.get(strings.TrimSuffix(link, "/plan")+"/assessments").mustStatus(t, 200).mustContain(t, "TPOT: pre-assessment of", "no post-assessment yet")
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/plans").mustStatus(t, 200)
	// The closed engagement shows change on every TPOT subscale.
	sc := env.as("illinois", env.userID("admin@illinois.example"), authz.TenantAdmin)
	closed := 0
	rows := []struct {
		ID string `bun:"id"`
	}{}
	if err := env.raw().NewSelect().Table("engagements").Column("id").Where("stage = ?", consultation.StageClosed).Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	for _, e := range rows {
		s, err := env.app.Assessments.Section(sc, e.ID)
		if err != nil || len(s.Comparisons) == 0 {
			continue
		}
		if c := s.Comparisons[0]; c.Pre != nil && c.Post != nil && c.Better == 3 {
			closed++
		}
	}
	if closed != 1 {
		t.Fatalf("%d closed engagements show the change", closed)
	}
}

// withOrg sets the scope's organisation to the named one.
func withOrg(env *testEnv, ctx context.Context, name string) context.Context {
	env.t.Helper()
	sc, _ := database.ScopeFrom(ctx)
	orgs, err := env.app.Tenants.Store().Organisations(env.scoped(sc.TenantSlug))
	if err != nil {
		env.t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Name == name {
			sc.OrganisationID = o.ID
			return database.WithScope(ctx, sc)
		}
	}
	env.t.Fatalf("no organisation %s", name)
	return ctx
}
