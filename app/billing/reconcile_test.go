package billing

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/billing/stripetest"
	"github.com/holdspace/holdspace/app/database"
)

// TestReconcileAgainstStripeMock: the nightly reconcile queues again an event stored and left
// unprocessed for more than StaleAfter (not a fresh one), asks Stripe for the events of the
// last days, and reads each live subscription from Stripe (not a cancelled one), recording it
// as the current object.
func TestReconcileAgainstStripeMock(t *testing.T) {
	cnt := stripetest.NewCounter()
	e := newWhEnv(t, stripetest.Config(t), cnt)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	live := e.tenant(t, whTenantID(200), "live", now.AddDate(0, 0, 10))
	over := e.tenant(t, whTenantID(201), "over", now.AddDate(0, 0, 10))

	// The accounts: one live subscription, one cancelled for good.
	for _, a := range []struct{ tenant, sub, status string }{{live.ID, "sub_live", SubActive}, {over.ID, "sub_over", SubCanceled}} {
		body := stripetest.Event("evt_"+a.sub, EventSubscriptionUpdated, now.Add(-48*time.Hour).Unix(), map[string]any{
			"id": a.sub, "object": "subscription", "customer": "cus_" + a.sub, "status": a.status,
			"metadata": map[string]any{MetadataTenant: a.tenant}})
		e.deliver(t, body)
		if out, err := e.svc.ProcessEvent(ctx, "evt_"+a.sub); err != nil || out != OutcomeApplied {
			t.Fatalf("%s: %q %v", a.sub, out, err)
		}
	}
	// An event stored an hour ago whose task was lost, and one stored a minute ago.
	e.setClock(now.Add(-time.Hour))
	e.deliver(t, stripetest.Event("evt_lost", "customer.created", now.Add(-time.Hour).Unix(), map[string]any{"id": "cus_9"}))
	e.setClock(now.Add(-time.Minute))
	e.deliver(t, stripetest.Event("evt_fresh", "customer.created", now.Add(-time.Minute).Unix(), map[string]any{"id": "cus_9"}))
	e.setClock(now)

	got, err := e.svc.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Requeued != 1 || got.Subscriptions != 1 {
		t.Fatalf("reconciled %+v, want 1 event queued again and 1 subscription updated", got)
	}
	tasks, err := e.insp.ListPendingTasks(e.queue)
	if err != nil {
		t.Fatal(err)
	}
	var again []string
	for _, tk := range tasks {
		if strings.Contains(tk.ID, ":reconcile:") {
			again = append(again, string(tk.Payload))
		}
	}
	if len(again) != 1 || !strings.Contains(again[0], `"event_id":"evt_lost"`) {
		t.Fatalf("queued again %v, want evt_lost only", again)
	}
	if n := cnt.Calls("GET /v1/events"); n != 1 {
		t.Errorf("listed Stripe's events %d times, want 1", n)
	}
	if a, b := cnt.Calls("GET /v1/subscriptions/sub_live"), cnt.Calls("GET /v1/subscriptions/sub_over"); a != 1 || b != 0 {
		t.Errorf("read the live subscription %d times and the cancelled one %d times, want 1 and 0", a, b)
	}
	acct, err := e.svc.Account(scoped(live.ID))
	if err != nil {
		t.Fatal(err)
	}
	if acct.SubEventAt != now.Unix() || !strings.HasSuffix(acct.SubEventID, "/") || acct.StripeSubscriptionID != "sub_live" {
		t.Fatalf("the live account holds %s at %d/%q, want Stripe's object at %d", acct.StripeSubscriptionID, acct.SubEventAt, acct.SubEventID, now.Unix())
	}
	// An event older than the object read changes nothing now.
	e.deliver(t, stripetest.Event("evt_late", EventSubscriptionUpdated, now.Add(-time.Hour).Unix(), map[string]any{
		"id": "sub_live", "object": "subscription", "customer": "cus_sub_live", "status": SubPastDue,
		"metadata": map[string]any{MetadataTenant: live.ID}}))
	if out, err := e.svc.ProcessEvent(ctx, "evt_late"); err != nil || out != OutcomeOlder {
		t.Fatalf("a late event: %q %v, want %q", out, err, OutcomeOlder)
	}

	// Nothing differs now: a second run reads the subscription again and changes nothing.
	got, err = e.svc.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subscriptions != 0 {
		t.Fatalf("the second run updated %d subscriptions, want 0 (Stripe's object did not change)", got.Subscriptions)
	}
	acct2, _ := e.svc.Account(scoped(live.ID))
	if acct2.SubEventAt != now.Unix() {
		t.Fatalf("the second run moved the account's guard to %d", acct2.SubEventAt)
	}
}

// scoped is a background context in tenantID's scope.
func scoped(tenantID string) context.Context {
	return database.WithScope(context.Background(), database.Scope{TenantID: tenantID})
}

// TestReconcileStoresMissedEvents: an event of a handled type that Stripe lists but that never
// reached the webhook is stored (as the worker reads events) and queued; one stored already is
// left alone; a type the worker ignores is not stored.
func TestReconcileStoresMissedEvents(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	missed := stripetest.Event("evt_missed", EventSubscriptionUpdated, now.Add(-26*time.Hour).Unix(), map[string]any{
		"id": "sub_m", "object": "subscription", "customer": "cus_m", "status": SubPastDue,
		"metadata": map[string]any{MetadataTenant: whTenantID(300)}})
	known := stripetest.Event("evt_known", "invoice.paid", now.Add(-2*time.Hour).Unix(), map[string]any{"id": "in_k", "object": "invoice"})
	other := stripetest.Event("evt_other", "plan.created", now.Add(-2*time.Hour).Unix(), map[string]any{"id": "plan_1"})
	var asked string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/events" {
			http.NotFound(w, r)
			return
		}
		asked = r.URL.RawQuery
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"object":"list","url":"/v1/events","has_more":false,"data":[%s,%s,%s]}`, missed, known, other)
	}))
	defer fake.Close()
	cfg := whOffline()
	cfg.APIURL = fake.URL
	e := newWhEnv(t, cfg, nil)
	ctx := context.Background()
	e.tenant(t, whTenantID(300), "missed", now.AddDate(0, 0, 10))
	e.deliver(t, known)
	e.setClock(now)

	got, err := e.svc.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Missing != 1 {
		t.Fatalf("reconciled %+v, want 1 missing event stored", got)
	}
	q, _ := url.ParseQuery(asked)
	types := 0
	for k := range q {
		if strings.HasPrefix(k, "types[") {
			types++
		}
	}
	if q.Get("created[gte]") != fmt.Sprint(now.AddDate(0, 0, -ReconcileDays).Unix()) || types != len(HandledEvents) {
		t.Errorf("asked Stripe for %s, want the handled types of the last %d days", asked, ReconcileDays)
	}
	var ids []string
	for _, r := range e.events(t) {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "evt_known,evt_missed" {
		t.Fatalf("stored %v, want evt_known and evt_missed", ids)
	}
	if _, err := e.insp.GetTaskInfo(e.queue, "billing:event:evt_missed"); err != nil {
		t.Fatalf("the missed event's task: %v", err)
	}
	if out, err := e.svc.ProcessEvent(ctx, "evt_missed"); err != nil || out != OutcomeApplied {
		t.Fatalf("the missed event, processed: %q %v", out, err)
	}
	acct, err := e.svc.Account(scoped(whTenantID(300)))
	if err != nil || acct.Status != SubPastDue || acct.StripeSubscriptionID != "sub_m" {
		t.Fatalf("the account after the missed event: %+v %v", acct, err)
	}
}
