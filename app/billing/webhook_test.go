package billing

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/billing/stripetest"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/tenants"
)

// TestWebhookRefusesWhatStripeDidNotSign: a missing, forged, wrongly keyed or stale signature
// is 400, an event over 64 KiB is 413; none of them writes a row or queues a task.
func TestWebhookRefusesWhatStripeDidNotSign(t *testing.T) {
	e := newWhEnv(t, whOffline(), nil)
	body := stripetest.Event("evt_refused", EventSubscriptionUpdated, time.Now().Unix(), map[string]any{"id": "sub_1", "object": "subscription"})
	big := stripetest.Event("evt_big", EventSubscriptionUpdated, time.Now().Unix(), map[string]any{"id": "sub_1", "object": "subscription",
		"metadata": map[string]any{"note": strings.Repeat("x", MaxWebhookBody)}})
	good := stripetest.Sign(body, stripetest.WebhookSecret, time.Now())
	cases := []struct {
		name string
		body []byte
		sig  string
		code int
		text string
	}{
		{"NoHeader", body, "", 400, "The Stripe signature is missing, wrong or too old."},
		{"Forged", body, fmt.Sprintf("t=%d,v1=%064x", time.Now().Unix(), 42), 400, "The Stripe signature is missing, wrong or too old."},
		{"OtherSecret", body, stripetest.Sign(body, "whsec_someoneelse0000000000000000", time.Now()), 400, "The Stripe signature is missing, wrong or too old."},
		{"Stale", body, stripetest.Sign(body, stripetest.WebhookSecret, time.Now().Add(-10*time.Minute)), 400, "The Stripe signature is missing, wrong or too old."},
		{"BodyChanged", []byte(strings.Replace(string(body), "sub_1", "sub_2", 1)), good, 400, "The Stripe signature is missing, wrong or too old."},
		{"TooLarge", big, stripetest.Sign(big, stripetest.WebhookSecret, time.Now()), 413, "The event is too large."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, text := e.post(t, c.body, c.sig)
			if code != c.code || text != c.text {
				t.Fatalf("answered %d %q, want %d %q", code, text, c.code, c.text)
			}
			if rows := e.events(t); len(rows) != 0 {
				t.Fatalf("stored %d events, want none", len(rows))
			}
			if n := e.queued(t); n != 0 {
				t.Fatalf("queued %d tasks, want none", n)
			}
		})
	}
	// The same event, signed now with the endpoint's secret, is taken: the refusals above
	// were for the signature, not the event.
	e.deliver(t, body)
	if rows := e.events(t); len(rows) != 1 {
		t.Fatalf("stored %d events after a good delivery, want 1", len(rows))
	}
}

// TestWebhookStoresOnceAndQueues: a good event is answered at once, stored once however often
// Stripe sends it, and queued once under its id.
func TestWebhookStoresOnceAndQueues(t *testing.T) {
	e := newWhEnv(t, whOffline(), nil)
	body := stripetest.Event("evt_twice", "customer.created", 1790000000, map[string]any{"id": "cus_1", "object": "customer"})
	e.deliver(t, body)
	e.deliver(t, body)
	rows := e.events(t)
	if len(rows) != 1 {
		t.Fatalf("stored %d events, want 1", len(rows))
	}
	r := rows[0]
	if r.ID != "evt_twice" || r.Type != "customer.created" || r.Created != 1790000000 || r.Livemode || r.Payload != string(body) ||
		r.ProcessedAt != nil || r.Outcome != "" || r.ReceivedAt.IsZero() {
		t.Fatalf("stored %+v, want the raw event, unprocessed", r)
	}
	info, err := e.insp.GetTaskInfo(e.queue, "billing:event:evt_twice")
	if err != nil {
		t.Fatalf("the event's task: %v", err)
	}
	if info.Type != TaskEvent || !strings.Contains(string(info.Payload), `"event_id":"evt_twice"`) {
		t.Fatalf("queued %s %s, want %s for evt_twice", info.Type, info.Payload, TaskEvent)
	}
	if n := e.queued(t); n != 1 {
		t.Fatalf("queued %d tasks for two deliveries of one event, want 1", n)
	}
}

// TestWebhookOffWithoutStripe: with no Stripe keys (the embedded default) the endpoint is not
// there.
func TestWebhookOffWithoutStripe(t *testing.T) {
	e := newWhEnv(t, config.Stripe{}, nil)
	body := stripetest.Event("evt_off", "customer.created", 1790000000, map[string]any{"id": "cus_1"})
	if code, text := e.post(t, body, stripetest.Sign(body, stripetest.WebhookSecret, time.Now())); code != 404 || text != "Billing is not set up." {
		t.Fatalf("answered %d %q, want 404", code, text)
	}
	if rows := e.events(t); len(rows) != 0 {
		t.Fatalf("stored %d events, want none", len(rows))
	}
}

// TestEventsIgnoredOrWithoutTenant: a type the worker does not handle is kept and marked
// ignored; an event about a customer no tenant has (or naming a deleted tenant) is marked
// "no tenant"; one whose customer an account has reaches that tenant without metadata.
func TestEventsIgnoredOrWithoutTenant(t *testing.T) {
	e := newWhEnv(t, whOffline(), nil)
	ctx := context.Background()
	alive := e.tenant(t, whTenantID(100), "alive", whT0)
	gone := e.tenant(t, whTenantID(101), "gone", whT0)
	if _, err := e.owner.NewUpdate().Table("tenants").Set("deleted_at = ?", whNow).Where("id = ?", gone.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	sub := func(cus string, meta map[string]any) map[string]any {
		return map[string]any{"id": "sub_" + cus, "object": "subscription", "customer": cus, "status": "active",
			"metadata": meta, "items": map[string]any{"data": []any{map[string]any{"id": "si_" + cus, "quantity": 2,
				"price": map[string]any{"id": "price_partnershipMonthly", "unit_amount": 4500, "currency": "usd"}}}}}
	}
	evs := []struct{ id, typ, want string }{
		{"evt_ignored", "charge.refunded", "ignored: charge.refunded"},
		{"evt_stranger", EventSubscriptionUpdated, OutcomeNoTenant},
		{"evt_deleted", EventSubscriptionUpdated, OutcomeNoTenant},
		{"evt_checkout", EventCheckoutCompleted, OutcomeApplied},
		{"evt_bycustomer", EventSubscriptionCreated, OutcomeApplied},
		{"evt_bycustomer_old", EventSubscriptionUpdated, OutcomeOlder},
	}
	objs := map[string]map[string]any{
		"evt_ignored":  {"id": "ch_1", "object": "charge", "metadata": map[string]any{MetadataTenant: alive.ID}},
		"evt_stranger": sub("cus_stranger", nil),
		"evt_deleted":  sub("cus_gone", map[string]any{MetadataTenant: gone.ID}),
		"evt_checkout": {"id": "cs_1", "object": "checkout.session", "client_reference_id": alive.ID, "customer": "cus_alive",
			"subscription": "sub_cus_alive"},
		"evt_bycustomer":     sub("cus_alive", nil),
		"evt_bycustomer_old": sub("cus_alive", nil),
	}
	created := map[string]int64{"evt_bycustomer": 1790000100, "evt_bycustomer_old": 1790000050}
	for _, ev := range evs {
		c := created[ev.id]
		if c == 0 {
			c = 1790000000
		}
		e.deliver(t, stripetest.Event(ev.id, ev.typ, c, objs[ev.id]))
		got, err := e.svc.ProcessEvent(ctx, ev.id)
		if err != nil {
			t.Fatalf("%s: %v", ev.id, err)
		}
		if got != ev.want {
			t.Errorf("%s: outcome %q, want %q", ev.id, got, ev.want)
		}
		// Processed: again, nothing.
		if again, err := e.svc.ProcessEvent(ctx, ev.id); err != nil || again != "" {
			t.Errorf("%s processed again: %q %v, want nothing", ev.id, again, err)
		}
	}
	want := map[string]string{"evt_ignored": "ignored: charge.refunded|", "evt_stranger": "no tenant|", "evt_deleted": "no tenant|",
		"evt_checkout": "applied|" + alive.ID, "evt_bycustomer": "applied|" + alive.ID, "evt_bycustomer_old": "older than what we hold|" + alive.ID}
	for _, r := range e.events(t) {
		if r.ProcessedAt == nil || r.Outcome+"|"+r.ForTenant != want[r.ID] {
			t.Errorf("event %s: processed %v, outcome|tenant %q, want %q", r.ID, r.ProcessedAt != nil, r.Outcome+"|"+r.ForTenant, want[r.ID])
		}
	}
	var a Account
	if err := e.owner.NewSelect().Model(&a).Where("ba.tenant_id = ?", alive.ID).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if a.StripeCustomerID != "cus_alive" || a.StripeSubscriptionID != "sub_cus_alive" || a.Status != SubActive || a.SeatsPaid != 2 ||
		a.PlanCode != "partnership" || a.SubEventID != "3/evt_bycustomer" {
		t.Fatalf("the account: %+v", a)
	}
	if n, _ := e.owner.NewSelect().Table("billing_accounts").Where("tenant_id = ?", gone.ID).Count(ctx); n != 0 {
		t.Fatalf("the deleted tenant got an account")
	}
	tn, _ := e.store.TenantByID(ctx, alive.ID)
	if tn.Status != tenants.StatusActive || tn.AccessUntil != nil || tn.Plan != "partnership" {
		t.Fatalf("the tenant is %s (%s) until %v, want active on partnership with no limit", tn.Status, tn.Plan, tn.AccessUntil)
	}
}

// proofEnv is a fresh database with the history's five tenants, deciding access at whNow.
func proofEnv(t *testing.T) *whEnv {
	e := newWhEnv(t, whOffline(), nil)
	e.setClock(whNow)
	for n := 0; n < 5; n++ {
		e.tenant(t, whTenantID(n), fmt.Sprintf("proof%d", n), whT0.AddDate(0, 0, 30))
	}
	return e
}

// TestDeliveryOrderDoesNotMatter is the order proof: the history delivered once, in Stripe's
// order, ends in the same accounts, invoices and tenant access as 1,000 deliveries of the same
// events shuffled with duplicates and handled by several workers at once.
func TestDeliveryOrderDoesNotMatter(t *testing.T) {
	hist := whHistory()
	ctx := context.Background()

	ordered := proofEnv(t)
	for _, ev := range whOrdered(hist) {
		ordered.deliver(t, ev.body)
		if _, err := ordered.svc.ProcessEvent(ctx, ev.id); err != nil {
			t.Fatal(err)
		}
	}
	want := ordered.dump(t)
	t.Logf("state after the ordered delivery:\n%s", want)

	// The ordered state is the story told: what each tenant's people read.
	day := func(tm time.Time) string { return tm.Format("January 2, 2006") }
	t1Failed := whT0.Add(time.Hour).AddDate(0, 0, 30).Add(2 * time.Hour)
	t4Failed := whT0.Add(4*time.Hour).AddDate(0, 0, 14).Add(time.Hour)
	t0Ended := whT0.AddDate(0, 0, 60)
	for _, line := range []string{
		fmt.Sprintf("tenant %s status=canceled plan=partnership until=%s reason=%q", whTenantID(0), t0Ended.Format(time.RFC3339),
			"The subscription ended on "+day(t0Ended)+"."),
		fmt.Sprintf("tenant %s status=past_due plan=partnership until=%s reason=%q", whTenantID(1), t1Failed.AddDate(0, 0, 14).Format(time.RFC3339),
			"A payment failed on "+day(t1Failed)+" and is still unpaid: the 14 days of grace ended on "+day(t1Failed.AddDate(0, 0, 14))+"."),
		fmt.Sprintf("tenant %s status=active plan=partnership until=- reason=\"\"", whTenantID(2)),
		fmt.Sprintf("tenant %s status=active plan=statewide until=- reason=\"\"", whTenantID(3)),
		// Unpaid after Stripe's trial: once subscribed, the trial no longer counts; the grace
		// from the first failure is what its people read.
		fmt.Sprintf("tenant %s status=past_due plan=partnership until=%s reason=%q", whTenantID(4), t4Failed.AddDate(0, 0, 14).Format(time.RFC3339),
			"A payment failed on "+day(t4Failed)+" and is still unpaid: the 14 days of grace ended on "+day(t4Failed.AddDate(0, 0, 14))+"."),
		fmt.Sprintf("first_failed=%s", t4Failed.Format(time.RFC3339)),
		fmt.Sprintf("account %s cus=cus_0 sub=sub_0 item=si_0 plan=partnership price=price_partnershipMonthly interval=month unit=4500 usd status=canceled seats=6", whTenantID(0)),
		fmt.Sprintf("account %s cus=cus_2 sub=sub_2 item=si_2 plan=partnership price=price_partnershipMonthly interval=month unit=4500 usd status=active seats=4", whTenantID(2)),
		fmt.Sprintf("invoice %s in_3_1 sub=sub_3 number=HS-3-0001 status=paid due=5760000 paid=5760000 remaining=0 usd", whTenantID(3)),
		`po="PO-2027-0042"`,
		fmt.Sprintf("invoice %s in_1_2 sub=sub_1 number=HS-1-0002 status=open due=13500 paid=0 remaining=13500 usd", whTenantID(1)),
	} {
		if !strings.Contains(want, line) {
			t.Errorf("the ordered state lacks %q", line)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	const deliveries, workers = 1000, 4
	for _, seed := range []int64{1, 20261206} {
		t.Run(fmt.Sprintf("Seed%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			all := append([]whEvent(nil), hist...)
			for len(all) < deliveries {
				all = append(all, hist[rng.Intn(len(hist))])
			}
			rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

			e := proofEnv(t)
			work := make(chan whEvent)
			errs := make(chan error, deliveries)
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for ev := range work {
						if code, text := e.post(t, ev.body, stripetest.Sign(ev.body, e.secret, time.Now())); code != 200 {
							errs <- fmt.Errorf("%s: delivery answered %d %s", ev.id, code, text)
							continue
						}
						if _, err := e.svc.ProcessEvent(ctx, ev.id); err != nil {
							errs <- err
						}
					}
				}()
			}
			for _, ev := range all {
				work <- ev
			}
			close(work)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if got := e.dump(t); got != want {
				t.Fatalf("shuffled deliveries ended in another state:\n%s", lineDiff(want, got))
			}
			rows := e.events(t)
			if len(rows) != len(hist) {
				t.Fatalf("stored %d events for %d distinct ones", len(rows), len(hist))
			}
			for _, r := range rows {
				if r.ProcessedAt == nil {
					t.Fatalf("event %s left unprocessed", r.ID)
				}
			}
		})
	}
}

// lineDiff lists the lines of want and got that the other lacks.
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// TestWorkerHandlesDeliveries: through the program's path, a delivery is stored, queued, and
// handled by an asynq worker running the registered task: the tenant's account and access
// follow, and the event is marked applied.
func TestWorkerHandlesDeliveries(t *testing.T) {
	e := newBenchEnv(t)
	ctx := context.Background()
	tenant := whTenantID(1000)
	_, body := benchEvent("worker", 0) // a subscription of 1 seat, active, for tenant 1000
	e.post(t, body)
	deadline := time.Now().Add(20 * time.Second)
	for e.unprocessed(t) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the event was not processed within 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	rows := e.events(t)
	if len(rows) != 1 || rows[0].Outcome != OutcomeApplied || rows[0].ForTenant != tenant {
		t.Fatalf("the event: %+v", rows)
	}
	a, err := e.svc.Account(scoped(tenant))
	if err != nil || a.Status != SubActive || a.SeatsPaid != 1 || a.PlanCode != "partnership" {
		t.Fatalf("the account: %+v %v", a, err)
	}
	tn, _ := e.store.TenantByID(ctx, tenant)
	if tn.Status != tenants.StatusActive || tn.AccessUntil != nil {
		t.Fatalf("the tenant is %s until %v, want active with no limit", tn.Status, tn.AccessUntil)
	}
}

// TestWebhookWhenQueueOrDatabaseFails: stored but not queued (Redis down) is still 200, and the
// reconcile queues it once it has waited StaleAfter; not stored (the database down) is 500, so
// that Stripe sends it again.
func TestWebhookWhenQueueOrDatabaseFails(t *testing.T) {
	e := newWhEnv(t, whOffline(), nil)
	down, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	down.Close()
	good := e.svc.d.Queue
	e.svc.d.Queue = jobs.NewNamedQueue(down, e.queue)
	now := time.Now().UTC()
	e.setClock(now)
	body := stripetest.Event("evt_noqueue", "customer.created", now.Unix(), map[string]any{"id": "cus_1"})
	e.deliver(t, body)
	if rows := e.events(t); len(rows) != 1 || rows[0].ID != "evt_noqueue" {
		t.Fatalf("stored %+v, want evt_noqueue", rows)
	}
	if n := e.queued(t); n != 0 {
		t.Fatalf("queued %d tasks with Redis down", n)
	}
	e.svc.d.Queue = good
	sc := e.svc.sc
	e.svc.sc = nil // the reconcile's first step only: this Stripe answers nothing
	if got, err := e.svc.Reconcile(context.Background()); err != nil || got.Requeued != 0 {
		t.Fatalf("a reconcile at once: %+v %v, want nothing queued (the event is fresh)", got, err)
	}
	e.setClock(now.Add(StaleAfter + time.Second))
	if got, err := e.svc.Reconcile(context.Background()); err != nil || got.Requeued != 1 {
		t.Fatalf("a reconcile later: %+v %v, want the event queued", got, err)
	}
	if n := e.queued(t); n != 1 {
		t.Fatalf("queued %d tasks, want 1", n)
	}

	e.svc.sc = sc
	e.db.Close()
	other := stripetest.Event("evt_nodb", "customer.created", now.Unix(), map[string]any{"id": "cus_2"})
	if code, text := e.post(t, other, stripetest.Sign(other, e.secret, time.Now())); code != 500 || text != "The event could not be stored; send it again." {
		t.Fatalf("with the database down: %d %q, want 500", code, text)
	}
}

// TestSameSecondFurtherAlongWins: two events of the same second about one object: the one
// further along its life wins, whichever arrives first and whatever their ids.
func TestSameSecondFurtherAlongWins(t *testing.T) {
	for _, c := range []struct {
		ranks      map[string]int
		early, far string
	}{
		{subRank, SubIncomplete, SubActive}, {subRank, SubActive, SubCanceled}, {subRank, SubActive, SubPastDue},
		{invoiceRank, "draft", "open"}, {invoiceRank, "open", "paid"},
	} {
		// The earlier status with the larger id still loses.
		if !(tieKey(c.ranks, c.early, "evt_zzzz") < tieKey(c.ranks, c.far, "evt_aaaa")) {
			t.Errorf("%s then %s in the same second: %s does not win", c.early, c.far, c.far)
		}
	}
}
