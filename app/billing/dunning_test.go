package billing

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/mail"
)

// sent lists the dunning emails of the tenant in the outbox, by recipient.
func (e *consoleEnv) sent(t *testing.T, tenantID string) map[string][]mail.Email {
	t.Helper()
	var list []mail.Email
	if err := dbtest.Owner(t, e.db).NewSelect().Model(&list).Where("em.tenant_id = ?", tenantID).
		OrderExpr("em.created_at, em.id").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := map[string][]mail.Email{}
	for _, m := range list {
		out[m.To] = append(out[m.To], m)
	}
	return out
}

func (e *consoleEnv) dunning(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := e.s.Dunning(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestDunning: the admins are emailed on the day of the failure, from the third day and from
// the seventh, each once however often the task runs; paying clears it; a later failure starts
// the emails again.
func TestDunning(t *testing.T) {
	e := newConsoleEnv(t)
	tn, ctx := e.tenant(t, "dunned", e.now.AddDate(0, 0, -40))
	w := tn.Slug
	admins := []string{"ada@" + w + ".test", "abe@" + w + ".test"}
	for _, a := range admins {
		e.person(t, ctx, a, authz.TenantAdmin, true)
	}
	e.person(t, ctx, "gone@"+w+".test", authz.TenantAdmin, false)
	e.person(t, ctx, "cole@"+w+".test", authz.Consultant, true)

	// Nothing failed: nothing is sent.
	e.subscribe(t, ctx, "sub_d", SubActive, "month", 3, 4000)
	e.dunning(t, ctx)
	if got := e.sent(t, tn.ID); len(got) != 0 {
		t.Fatalf("emails before any failure: %v", got)
	}

	start := e.now
	e.subscribe(t, ctx, "sub_d", SubPastDue, "month", 3, 4000)
	e.invoice(t, ctx, "in_1", "sub_d", "open", 12000, start, true)
	expect := func(when string, n int, subject string) {
		t.Helper()
		got := e.sent(t, tn.ID)
		if len(got) != len(admins) {
			t.Fatalf("%s: emails to %d people, want the %d active admins: %v", when, len(got), len(admins), got)
		}
		for _, a := range admins {
			if len(got[a]) != n {
				t.Fatalf("%s: %d emails to %s, want %d", when, len(got[a]), a, n)
			}
			if last := got[a][n-1]; !strings.Contains(last.Subject, subject) {
				t.Errorf("%s: subject %q, want %q", when, last.Subject, subject)
			}
		}
	}

	// Day 0: one email to each active admin, none to the others; running again sends nothing.
	e.dunning(t, ctx)
	expect("day 0", 1, "A payment for "+tn.Name+" on Holdspace failed")
	body := e.sent(t, tn.ID)[admins[0]][0].Body
	readOnly := start.AddDate(0, 0, 14).Format("January 2, 2006")
	for _, want := range []string{"$120.00", "failed on " + start.Format("January 2, 2006"), "Please pay by " + readOnly,
		"becomes read-only", "http://holdspace.test/t/" + tn.Slug + "/billing", "Nothing will be deleted"} {
		if !strings.Contains(body, want) {
			t.Errorf("the email does not say %q:\n%s", want, body)
		}
	}
	e.dunning(t, ctx)
	e.now = start.AddDate(0, 0, 2)
	e.dunning(t, ctx)
	expect("day 2", 1, "failed")

	// Day 3: the second, once; day 7: the third, once; after that nothing more.
	e.now = start.AddDate(0, 0, 3)
	e.dunning(t, ctx)
	e.dunning(t, ctx)
	expect("day 3", 2, "Reminder: a payment for "+tn.Name)
	e.now = start.AddDate(0, 0, 7).Add(time.Hour)
	e.dunning(t, ctx)
	expect("day 7", 3, "Last reminder: "+tn.Name+" becomes read-only on "+readOnly)
	e.now = start.AddDate(0, 0, 9)
	e.dunning(t, ctx)
	expect("day 9", 3, "Last reminder")

	// Paid: the dunning is cleared, and nothing more is sent.
	e.subscribe(t, ctx, "sub_d", SubActive, "month", 3, 4000)
	e.invoice(t, ctx, "in_1", "sub_d", "paid", 12000, e.now, false)
	e.dunning(t, ctx)
	a, err := e.s.Account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.DunningSince != nil || a.DunningSent != 0 {
		t.Errorf("after paying: dunning since %v, sent %d; want cleared", a.DunningSince, a.DunningSent)
	}
	expect("paid", 3, "Last reminder")

	// A new failure later starts again at the first email.
	e.now = start.AddDate(0, 1, 0)
	again := e.now
	e.subscribe(t, ctx, "sub_d", SubPastDue, "month", 3, 4000)
	e.invoice(t, ctx, "in_2", "sub_d", "open", 9000, again, true)
	e.dunning(t, ctx)
	expect("new failure", 4, "A payment for "+tn.Name+" on Holdspace failed")
	if body := e.sent(t, tn.ID)[admins[1]][3].Body; !strings.Contains(body, "$90.00") ||
		!strings.Contains(body, again.AddDate(0, 0, 14).Format("January 2, 2006")) {
		t.Errorf("the new failure's email:\n%s", body)
	}
	if a, _ := e.s.Account(ctx); a.DunningSince == nil || !a.DunningSince.Equal(again) || a.DunningSent != 1 {
		t.Errorf("dunning %v %d, want since the new failure, one sent", a.DunningSince, a.DunningSent)
	}

	// Workers racing on the same tenant send each email once.
	e.now = again.AddDate(0, 0, 3)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- e.s.Dunning(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && !dbtest.IsPostgres(e.db) {
			// SQLite may answer "busy" to a writer that lost the race; the task is retried.
			t.Logf("racing worker: %v", err)
		} else if err != nil {
			t.Errorf("racing worker: %v", err)
		}
	}
	e.dunning(t, ctx)
	expect("racing workers", 5, "Reminder")
}

// TestDunningAll queues the dunning of tenants past due only, on the cross-tenant path.
func TestDunningAll(t *testing.T) {
	e := newConsoleEnv(t)
	pd, pctx := e.tenant(t, "late", e.now.AddDate(0, 0, -40))
	e.subscribe(t, pctx, "sub_l", SubPastDue, "month", 1, 4000)
	e.invoice(t, pctx, "in_l", "sub_l", "open", 4000, e.now, true)
	_, actx := e.tenant(t, "fine", e.now.AddDate(0, 0, -40))
	e.subscribe(t, actx, "sub_f", SubActive, "month", 1, 4000)
	ids, err := e.s.pastDueTenants(database.AcrossTenants(context.Background(), dunningAllWhy))
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0] != pd.ID {
		t.Errorf("past due tenants %v, want [%s]", ids, pd.ID)
	}
	if err := e.s.DunningAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	tasks, err := asynq.NewInspectorFromRedisClient(e.rdb).ListPendingTasks(e.queue)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || tasks[0].Type != TaskDunning || !strings.Contains(string(tasks[0].Payload), `"tenant_id":"`+pd.ID+`"`) {
		for _, ti := range tasks {
			t.Logf("queued %s %s", ti.Type, ti.Payload)
		}
		t.Errorf("%d tasks queued, want one %s for %s", len(tasks), TaskDunning, pd.ID)
	}
	if len(dunningPeriodic()) != 1 || dunningPeriodic()[0].Type != TaskDunningAll {
		t.Errorf("periodic %v", dunningPeriodic())
	}
}
