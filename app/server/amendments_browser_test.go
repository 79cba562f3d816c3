package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hibiken/asynq"

	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/tenants"
)

// runQueued runs every task waiting in the test app's queue through the worker's handlers,
// until none is left (a task may queue the next: an approval queues the budget's application,
// which queues the PDF's build).
func (e *testEnv) runQueued(t *testing.T) int {
	t.Helper()
	mux, _ := e.app.Jobs()
	in := asynq.NewInspectorFromRedisClient(e.app.Redis)
	ran := 0
	for round := 0; round < 10; round++ {
		list, err := in.ListPendingTasks(e.app.queueName(), asynq.PageSize(500))
		if err != nil {
			if strings.Contains(err.Error(), "does not exist") {
				return ran
			}
			t.Fatal(err)
		}
		if len(list) == 0 {
			return ran
		}
		for _, ti := range list {
			if err := in.DeleteTask(e.app.queueName(), ti.ID); err != nil {
				t.Fatal(err)
			}
			if err := mux.Handler().ProcessTask(context.Background(), asynq.NewTask(ti.Type, ti.Payload)); err != nil {
				t.Fatalf("task %s: %v", ti.Type, err)
			}
			ran++
		}
	}
	return ran
}

// proposedField is the id of the proposal form's amount field of a budget line, by its label.
func (b *browser) fieldLabelled(label string) string {
	b.t.Helper()
	id := evalJS[string](b, `(() => { const l = Array.from(document.querySelectorAll("main label")).find(l => l.textContent.trim() === `+jsString(label)+`); return l ? l.htmlFor : ""; })()`)
	if id == "" {
		b.fail("no field labelled %q at %s", label, browserLocation(b.ctx))
	}
	return id
}

func jsString(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "`", "\\`") + "`"
}

// TestBrowserAmendmentJourney is the "done when": in Illinois, Prairie Families asks ISBE
// PI to add an I/ECMH consultation line paid for from Personnel; it is classified as typed and
// submitted; ISBE PI's program area approves, its fiscal office returns it once, the program
// resubmits, both tiers approve; the budget on the funding page changes to the approved figures
// with its history, and both sides download the PDF.
func TestBrowserAmendmentJourney(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	isbe := env.setupOrgID("illinois", tenants.OrgFunder, "ISBE Prevention Initiative")
	for _, p := range []struct{ email, name string }{
		{"isbe.programs@illinois.example", "Amanda Reyes"}, {"isbe.fiscal@illinois.example", "Marcus Webb"}} {
		u, err := env.app.Accounts.CreateUser(ctx, p.email, p.name, demo.Password, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.app.Tenants.AddMember(ctx, u.ID, authz.Funder, isbe); err != nil {
			t.Fatal(err)
		}
	}
	sc, _ := database.ScopeFrom(ctx)
	sc.UserID, sc.Role = env.userID("admin@illinois.example"), authz.TenantAdmin
	if _, err := env.app.Amendments.ApplyTemplate(database.WithScope(ctx, sc), isbe, amendments.TemplateTwoTiers, ""); err != nil {
		t.Fatal(err)
	}
	j := openBrowser(t, env)

	// Latoya proposes from the funding's page.
	j.signIn("program@illinois.example")
	j.open("/t/illinois/programs/"+env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting"), "main h1")
	j.load("open the ISBE PI funding", chromedp.Click(`//main//a[contains(normalize-space(), "ISBE")]`))
	j.shows("Budget history", "$132,500.00")
	j.load("propose an amendment", chromedp.Click(`//main//a[normalize-space()="Propose a budget amendment"]`))
	personnel := j.fieldLabelled("Personnel: proposed amount")
	j.fill(map[string]string{personnel: "83,500.00", j.fieldLabelled("Personnel: why it changes"): "The open post pays for the consultant."})
	j.choose(j.fieldLabelled("New line: category"), "I/ECMH consultation")
	j.fill(map[string]string{j.fieldLabelled("New line: amount"): "12,500.00",
		j.fieldLabelled("New line: why"): "A consultant two days a month for the home visitors.",
		"justification":                  "Add infant and early childhood mental health consultation for the home visitors.",
		"effective_on":                   time.Now().Format(time.DateOnly)})
	j.waitFor("the live classification", `(document.getElementById("proposal-rule")||{textContent:""}).textContent.includes("adds a line item (I/ECMH consultation)")`)
	j.says("Needs approval", "Program area review: decided by ISBE PI", "Fiscal office review: decided by ISBE PI", "Net change")
	j.screenshot("amendment-01-proposed")
	j.press("Submit")
	j.says("Waiting for a decision")
	id := strings.TrimPrefix(j.path(), "/t/illinois/amendments/")
	env.runQueued(t)

	decide := func(email, choice, comment string) {
		t.Helper()
		j.signIn(email)
		j.open("/t/illinois/amendments/inbox", "main h1")
		j.shows("Prairie Families Home Visiting")
		j.screenshot("amendment-inbox")
		j.open("/t/illinois/amendments/"+id, "main h1")
		j.tick(choice)
		if comment != "" {
			j.fill(map[string]string{"decision-comment": comment})
		}
		j.press("Send the decision")
		env.runQueued(t)
	}
	decide("isbe.programs@illinois.example", "Approve", "")
	decide("isbe.fiscal@illinois.example", "Return for changes (the program edits and resubmits; a comment is required)",
		"Please take $500 less from Personnel: the fringe on the open post is committed.")
	j.says("Returned for changes")

	// Latoya reads the comment and resubmits a new version.
	j.signIn("program@illinois.example")
	j.open("/t/illinois/amendments/"+id, "main h1")
	j.shows("Please take $500 less from Personnel")
	j.load("edit and resubmit", chromedp.Click(`//main//a[starts-with(normalize-space(), "Edit")]`))
	j.fill(map[string]string{j.fieldLabelled("Personnel: proposed amount"): "84,000.00", j.fieldLabelled("New line: amount"): "12,000.00"})
	j.press("Submit")
	env.runQueued(t)

	decide("isbe.programs@illinois.example", "Approve", "")
	decide("isbe.fiscal@illinois.example", "Approve", "Approved by the fiscal office.")
	j.says("Approved")
	j.screenshot("amendment-02-approved")

	// The budget changed to the approved figures, with its history; both sides have the PDF.
	j.signIn("program@illinois.example")
	j.open("/t/illinois/amendments/"+id, "main h1")
	j.load("open the funding", chromedp.Click(`//main//a[contains(normalize-space(), "the funding's budget")]`))
	j.shows("I/ECMH consultation", "$12,000.00", "$84,000.00", "$132,500.00", "Amendment", "Already funded in this budget")
	j.screenshot("amendment-03-budget")
	for _, who := range []string{"program@illinois.example", "isbe.fiscal@illinois.example"} {
		j.signIn(who)
		j.open("/t/illinois/amendments/"+id, "main h1")
		j.load("open the amendment document", chromedp.Click(`//main//a[contains(normalize-space(), "amendment document")]`))
		j.shows("Ready", "PDF")
		href := evalJS[string](j, `(Array.from(document.querySelectorAll("main a")).find(a => a.textContent.startsWith("Download"))||{href:""}).href`)
		if href == "" {
			t.Fatalf("%s: no download of the amendment document", who)
		}
		head, err := chromedp.Run(j.ctx, chromedp.Evaluate[string](`fetch(`+jsString(href)+`).then(r => r.ok ? r.text() : "HTTP " + r.status).then(t => t.slice(0, 5))`, chromedp.EvalAwaitPromise))
		j.step("download the amendment document", err)
		if head != "%PDF-" {
			t.Errorf("%s downloads %q, not a PDF", who, head)
		}
	}
	if n := env.count("audit_events", "action = 'run.download'"); n < 2 {
		t.Errorf("%d downloads audited, want 2", n)
	}
}
