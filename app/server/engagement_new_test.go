package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
)

// assignedConsultant is a consultant added with an account, a profile and active assignments.
type assignedConsultant struct {
	ProfileID   string
	Assignments []string // one per program, in the order given
}

// addAssignedConsultant adds a consultant named name to slug, with an active assignment to each
// program (by id).
func addAssignedConsultant(t *testing.T, env *testEnv, slug, name string, programs ...string) assignedConsultant {
	t.Helper()
	ctx, now := context.Background(), database.Now()
	uid := database.NewID()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "." + uid[len(uid)-6:] + "@consult.example"
	if _, err := env.raw().ExecContext(ctx, `INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		uid, email, name, now, now); err != nil {
		t.Fatal(err)
	}
	p := &consultants.Profile{ID: database.NewID(), UserID: uid, DisplayName: name, Status: "approved",
		Languages: database.StringList{}, Counties: database.StringList{}, Settings: database.StringList{},
		Specialties: database.StringList{}, Modes: database.StringList{}, ReviewChecklist: database.StringList{},
		CreatedAt: now, UpdatedAt: now}
	p.TenantID = env.tenantID(slug)
	if _, err := env.raw().NewInsert().Model(p).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	out := assignedConsultant{ProfileID: p.ID}
	for _, program := range programs {
		a := &consultants.Assignment{ID: database.NewID(), ProfileID: p.ID, ProgramID: program, Status: consultants.AssignmentActive,
			StartedOn: "2026-01-05", CreatedBy: uid, CreatedAt: now, UpdatedAt: now}
		a.TenantID = p.TenantID
		if _, err := env.raw().NewInsert().Model(a).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		out.Assignments = append(out.Assignments, a.ID)
	}
	return out
}

// addProgramWithSite adds a program to slug with one site, and returns the program's id.
func addProgramWithSite(t *testing.T, env *testEnv, slug, name, site string) string {
	t.Helper()
	ctx, now, id := context.Background(), database.Now(), database.NewID()
	if _, err := env.raw().ExecContext(ctx, `INSERT INTO organisations (tenant_id, id, kind, name, created_at, updated_at) VALUES (?, ?, 'program', ?, ?, ?)`,
		env.tenantID(slug), id, name, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := env.raw().ExecContext(ctx, `INSERT INTO program_sites (tenant_id, id, program_id, name, kind, created_at) VALUES (?, ?, ?, ?, 'site', ?)`,
		env.tenantID(slug), database.NewID(), id, site, now); err != nil {
		t.Fatal(err)
	}
	return id
}

// selectOptions are the texts of the options of the select with id, as a person reads them
// (nil when the page has no such select); selected is the text of the chosen one.
func selectOptions(t *testing.T, body, id string) (texts []string, selected string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if m == nil {
		return nil, ""
	}
	for _, o := range regexp.MustCompile(`<option value="[^"]*"( selected)?>([^<]*)</option>`).FindAllStringSubmatch(m[1], -1) {
		text := html.UnescapeString(o[2])
		texts = append(texts, text)
		if o[1] != "" {
			selected = text
		}
	}
	return texts, selected
}

func mustOptions(t *testing.T, what, body, id string, want ...string) {
	t.Helper()
	if got, _ := selectOptions(t, body, id); !slices.Equal(got, want) {
		t.Fatalf("%s: the select #%s offers %q, want %q", what, id, got, want)
	}
}

func mustLack(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Fatalf("%s shows %q", what, p)
		}
	}
}

// TestStartEngagementConsultantFirst: a tenant admin starts an engagement in two steps, the
// consultant first (by name), then one of that consultant's programs and its sites; the page
// reads only that consultant's assignments, and runs as many statements with a hundred more
// assignments. The assignment link still chooses its assignment, a failed form keeps the
// consultant and what was typed, and a consultant who is not in the list (another tenant's
// too) gets the first step with its message, never a page of theirs.
func TestStartEngagementConsultantFirst(t *testing.T) {
	env := timedEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	maria := env.matchProfile("illinois", demo.SharedConsultantEmail)
	const intro = "An engagement is one consultant with one program. Choose the consultant first"

	// One consultant with assignments (the demo's Maria): no first step.
	r := admin.get("/t/illinois/engagements/new").mustStatus(t, http.StatusOK).
		mustContain(t, "<strong>Consultant:</strong> Maria Alvarez", `name="consultant" value="`+maria.ID+`"`)
	mustOptions(t, "the only consultant's form", r.body, "assignment_id", "- Choose -", "Prairie Families Home Visiting", "Southside Community Doula Program")
	mustLack(t, "the only consultant's form", r.body, "Choose another consultant", intro)

	lakeside := addProgramWithSite(t, env, "illinois", "Lakeside Early Learning", "North room")
	abigail := addAssignedConsultant(t, env, "illinois", "Abigail Zeller", lakeside)

	// Step 1: the consultants by name, in a form that comes back to the same page.
	r = admin.get("/t/illinois/engagements/new").mustStatus(t, http.StatusOK).
		mustContain(t, intro, `<form class="usa-form usa-form--large" method="get" action="/t/illinois/engagements/new"`,
			`<label class="usa-label" for="consultant">Consultant</label>`, `<button class="usa-button" type="submit">Continue</button>`)
	mustOptions(t, "step 1", r.body, "consultant", "- Choose -", "Abigail Zeller", "Maria Alvarez")
	mustLack(t, "step 1", r.body, "Prairie Families Home Visiting", "Lakeside Early Learning", `id="assignment_id"`)
	step1 := statementsOf(t, r)

	// Step 2: Abigail's one program (chosen, the only one) and its sites; none of Maria's.
	r = admin.get("/t/illinois/engagements/new?consultant="+abigail.ProfileID).mustStatus(t, http.StatusOK).
		mustContain(t, "<strong>Consultant:</strong> Abigail Zeller", `name="consultant" value="`+abigail.ProfileID+`"`,
			`<a href="/t/illinois/engagements/new">Choose another consultant</a>`, `<label class="usa-label" for="assignment_id">Program</label>`)
	mustOptions(t, "Abigail's form", r.body, "assignment_id", "- Choose -", "Lakeside Early Learning")
	mustOptions(t, "Abigail's sites", r.body, "site_id", "- Choose -", "Lakeside Early Learning: North room")
	if _, chosen := selectOptions(t, r.body, "assignment_id"); chosen != "Lakeside Early Learning" {
		t.Fatalf("Abigail's only program is not chosen (%q)", chosen)
	}
	mustLack(t, "Abigail's form", r.body, "Prairie Families Home Visiting", "Southside Community Doula Program", "Cicero office", intro)
	step2 := statementsOf(t, r)
	r = admin.get("/t/illinois/engagements/new?consultant="+maria.ID).mustStatus(t, http.StatusOK).mustContain(t, "<strong>Consultant:</strong> Maria Alvarez")
	mustOptions(t, "Maria's form", r.body, "assignment_id", "- Choose -", "Prairie Families Home Visiting", "Southside Community Doula Program")
	mustLack(t, "Maria's form", r.body, "Lakeside Early Learning", "North room")
	if _, chosen := selectOptions(t, r.body, "assignment_id"); chosen != "" {
		t.Fatalf("Maria's form chose %q before she did", chosen)
	}

	// The assignment link chooses the assignment and its consultant.
	mariaAs, err := env.app.Engagements.AssignmentsOf(env.scoped("illinois"), maria.ID, "")
	if err != nil || len(mariaAs.Assignments) != 2 {
		t.Fatalf("Maria's assignments: %v %v", mariaAs, err)
	}
	southside := mariaAs.Assignments[1]
	r = admin.get("/t/illinois/engagements/new?assignment="+southside.ID).mustStatus(t, http.StatusOK).
		mustContain(t, "<strong>Consultant:</strong> Maria Alvarez")
	if _, chosen := selectOptions(t, r.body, "assignment_id"); chosen != "Southside Community Doula Program" {
		t.Fatalf("the assignment link chose %q", chosen)
	}

	// A failed form comes back as the same consultant's, with what was typed and the field named.
	form := pageFormValues(t, r.body, "/t/illinois/engagements")
	form.Set("focus", consultation.FocusChildFamily)
	form.Set("child_initials", "Jonah")
	form.Set("focus_label", "kept as typed")
	before := env.count("engagements", "1 = 1")
	r = admin.post("/t/illinois/engagements", form).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "<strong>Consultant:</strong> Maria Alvarez", `name="consultant" value="`+maria.ID+`"`,
			`id="child_initials-error">Enter the child’s initials: 1 to 3 letters`, `id="child_age_band-error">Choose the child’s age band.`, `value="Jonah"`, `value="kept as typed"`, `id="focus-child_family" type="radio" name="focus" value="child_family" checked`)
	if _, chosen := selectOptions(t, r.body, "assignment_id"); chosen != "Southside Community Doula Program" {
		t.Fatalf("the failed form lost its program (%q)", chosen)
	}
	mustLack(t, "Maria's failed form", r.body, "Lakeside Early Learning")
	form.Set("assignment_id", "")
	admin.post("/t/illinois/engagements", form).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="assignment_id-error">Choose a consultant’s active assignment to a program.`, "<strong>Consultant:</strong> Maria Alvarez", `value="Jonah"`)
	if env.count("engagements", "1 = 1") != before {
		t.Fatal("a failed form started an engagement")
	}
	// Sent right, Abigail's form starts her engagement.
	body := admin.get("/t/illinois/engagements/new?consultant="+abigail.ProfileID).mustStatus(t, http.StatusOK).body
	form = pageFormValues(t, body, "/t/illinois/engagements")
	form.Set("focus", consultation.FocusSite)
	form.Set("site_id", regexp.MustCompile(`<option value="([^"]+)">Lakeside Early Learning: North room`).FindStringSubmatch(body)[1])
	loc := admin.post("/t/illinois/engagements", form).mustStatus(t, http.StatusSeeOther).header.Get("Location")
	admin.get(loc).mustStatus(t, http.StatusOK).mustContain(t, "Lakeside Early Learning", "North room")

	// A consultant not in the list: the first step with its message, never a 500. Another
	// tenant's consultant (Maria's own profile there) is not found either.
	var other struct {
		ProfileID   string `bun:"profile_id"`
		ProgramName string `bun:"program_name"`
	}
	if err := env.raw().NewSelect().TableExpr("consultant_assignments AS ca").ColumnExpr("ca.profile_id, o.name AS program_name").
		Join("JOIN organisations AS o ON o.tenant_id = ca.tenant_id AND o.id = ca.program_id").
		Where("ca.tenant_id <> ? AND ca.status = ?", env.tenantID("illinois"), consultants.AssignmentActive).
		Limit(1).Scan(context.Background(), &other); err != nil {
		t.Fatalf("another tenant's active assignment: %v", err)
	}
	for _, bad := range []string{"", "no-such-consultant", other.ProfileID, "'; DROP TABLE users; --"} {
		r = admin.get("/t/illinois/engagements/new?consultant="+url.QueryEscape(bad)).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, intro, `<span class="usa-error-message" id="consultant-error">Choose a consultant from the list.</span>`, `aria-invalid="true"`)
		mustOptions(t, "step 1 after "+bad, r.body, "consultant", "- Choose -", "Abigail Zeller", "Maria Alvarez")
		mustLack(t, "step 1 after another tenant's consultant", r.body, other.ProgramName)
	}
	// A failed form whose consultant is not in the list comes back to the first step, saying
	// what else was wrong; nothing is written.
	before = env.count("engagements", "1 = 1")
	r = admin.post("/t/illinois/engagements", url.Values{"consultant": {other.ProfileID}, "assignment_id": {southside.ID},
		"focus": {consultation.FocusChildFamily}, "child_initials": {"Jonah"}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, intro, `id="consultant-error">Choose a consultant from the list.`, "<li>Enter the child’s initials: 1 to 3 letters")
	mustLack(t, "the failed form of another tenant's consultant", r.body, "<strong>Consultant:</strong>", other.ProgramName)
	if env.count("engagements", "1 = 1") != before {
		t.Fatal("a form with another tenant's consultant started an engagement")
	}
	admin.get("/t/illinois/engagements/new?assignment=no-such-assignment").mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, `id="consultant-error">That assignment is not active any more. Choose a consultant from the list.`)

	// A consultant's own form is as it was: their programs, whatever the address asks.
	mariaC := env.signedIn(t, demo.SharedConsultantEmail)
	r = mariaC.get("/t/illinois/engagements/new?consultant="+abigail.ProfileID).mustStatus(t, http.StatusOK)
	mustOptions(t, "the consultant's own form", r.body, "assignment_id", "- Choose -", "Prairie Families Home Visiting", "Southside Community Doula Program")
	mustLack(t, "the consultant's own form", r.body, "Lakeside Early Learning", `id="consultant"`, "<strong>Consultant:</strong>")

	// A hundred and twenty more assignments: the same statements, and Abigail's form the same.
	var programs []string
	for i := 0; i < 4; i++ {
		programs = append(programs, addProgramWithSite(t, env, "illinois", fmt.Sprintf("Zz Volume Program %d", i), "Volume room"))
	}
	for i := 0; i < 40; i++ {
		addAssignedConsultant(t, env, "illinois", fmt.Sprintf("Zz Volume Consultant %02d", i), programs[i%4], programs[(i+1)%4], programs[(i+2)%4])
	}
	r = admin.get("/t/illinois/engagements/new").mustStatus(t, http.StatusOK)
	if got, _ := selectOptions(t, r.body, "consultant"); len(got) != 43 {
		t.Fatalf("step 1 offers %d options, want 43 (a prompt and 42 consultants)", len(got))
	}
	if n := statementsOf(t, r); n != step1 {
		t.Fatalf("step 1 runs %d statements with 120 more assignments, %d before", n, step1)
	}
	r = admin.get("/t/illinois/engagements/new?consultant="+abigail.ProfileID).mustStatus(t, http.StatusOK)
	mustOptions(t, "Abigail's form among many", r.body, "assignment_id", "- Choose -", "Lakeside Early Learning")
	mustLack(t, "Abigail's form among many", r.body, "Zz Volume")
	if n := statementsOf(t, r); n != step2 {
		t.Fatalf("step 2 runs %d statements with 120 more assignments, %d before", n, step2)
	}
}

// TestBrowserAdminStartsEngagementByKeyboard: in headless Chromium, with the keyboard alone, a
// tenant admin chooses the consultant (typing the first letters of the name in the select,
// Tab to "Continue", Enter), reads the consultant's name above their one program, goes back
// with "Choose another consultant" and on, and starts the engagement. Each page passes the
// page audit.
func TestBrowserAdminStartsEngagementByKeyboard(t *testing.T) {
	env := newTestEnv(t)
	lakeside := addProgramWithSite(t, env, "illinois", "Lakeside Early Learning", "North room")
	addAssignedConsultant(t, env, "illinois", "Abigail Zeller", lakeside)
	b := openBrowser(t, env)
	b.who = "the tenant admin"
	b.signIn("admin@illinois.example")

	b.open("/t/illinois/engagements/new", "#consultant")
	b.says("An engagement is one consultant with one program. Choose the consultant first")
	b.lacks("Prairie Families Home Visiting", "Lakeside Early Learning")
	b.do("choose Abigail by keyboard", chromedp.Focus(chromedp.ID("consultant")), chromedp.KeyEvent("Abi"))
	if got := evalJS[string](b, `(s => s.options[s.selectedIndex].text)(document.getElementById("consultant"))`); got != "Abigail Zeller" {
		b.fail("typing the first letters chose %q, want Abigail Zeller", got)
	}
	b.load("continue by keyboard", chromedp.KeyEvent("\t\r"))
	b.screenshot("engagement-new-consultant-chosen")
	b.says("Consultant: Abigail Zeller", "Choose another consultant", "Lakeside Early Learning: North room")
	b.lacks("Prairie Families Home Visiting")
	if got := evalJS[string](b, `(s => s.options[s.selectedIndex].text)(document.getElementById("assignment_id"))`); got != "Lakeside Early Learning" {
		b.fail("Abigail's only program is not chosen: %q", got)
	}

	// Back to the first step and on with Maria, by keyboard too.
	b.load("choose another consultant", chromedp.Click(`//main//a[normalize-space()="Choose another consultant"]`))
	b.do("choose Maria by keyboard", chromedp.WaitVisible(chromedp.ID("consultant")), chromedp.Focus(chromedp.ID("consultant")), chromedp.KeyEvent("Mar"))
	b.load("continue by keyboard", chromedp.KeyEvent("\t\r"))
	b.says("Consultant: Maria Alvarez", "Prairie Families Home Visiting", "Southside Community Doula Program")
	b.lacks("Lakeside Early Learning")
	b.choose("assignment_id", "Southside Community Doula Program")
	b.fill(map[string]string{"focus_label": "Doulas, Englewood"}, "focus-staff_group")
	b.press("Start the engagement")
	b.says("Engagement started at initial contact on", "Southside Community Doula Program", "Staff group: Doulas, Englewood")
}
