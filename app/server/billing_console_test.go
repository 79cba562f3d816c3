package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/billing"
)

// billingSubscribe records a subscription of a demo tenant as Stripe's event would.
func (e *testEnv) billingSubscribe(slug, id, status string, seats, unit int64) {
	e.t.Helper()
	now := time.Now().UTC()
	sub := &stripe.Subscription{ID: id, Status: stripe.SubscriptionStatus(status), Customer: &stripe.Customer{ID: "cus_" + id},
		CollectionMethod: stripe.SubscriptionCollectionMethodChargeAutomatically, CurrentPeriodEnd: now.AddDate(0, 1, 0).Unix(),
		Items: &stripe.SubscriptionItemList{Data: []*stripe.SubscriptionItem{{ID: "si_" + id, Quantity: seats,
			Price: &stripe.Price{ID: "price_test", UnitAmount: unit, Currency: "usd",
				Recurring: &stripe.PriceRecurring{Interval: stripe.PriceRecurringIntervalMonth}}}}}}
	if _, err := e.app.Billing.ApplySubscription(e.scoped(slug), sub, now.Unix(), "evt_"+id+"_"+status); err != nil {
		e.t.Fatal(err)
	}
}

// billingFailed records an open invoice of the subscription whose payment failed at at.
func (e *testEnv) billingFailed(slug, id, sub string, due int64, at time.Time) {
	e.t.Helper()
	inv := &stripe.Invoice{ID: id, Number: "INV-" + id, Status: stripe.InvoiceStatusOpen, AmountDue: due, AmountRemaining: due,
		Currency: "usd", Subscription: &stripe.Subscription{ID: sub}, Created: at.Unix()}
	if _, err := e.app.Billing.ApplyInvoice(e.scoped(slug), inv, at.Unix(), "evt_"+id+"_failed", true); err != nil {
		e.t.Fatal(err)
	}
}

// TestBillingConsole: the platform admin reads revenue, statuses, a trial ending soon and a
// failed payment; comps a tenant through the form (a bad date refused, naming the field,
// nothing written), then reads the comp on its page and in the audit logs; records a contract.
// A tenant admin finds no console.
func TestBillingConsole(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	store := env.app.Tenants.Store()

	// Ohio pays $40.00 a seat for 3 seats; Illinois's payment of $50.00 failed two days ago;
	// Piedmont's trial ends in 5 days.
	env.billingSubscribe("ohio", "sub_ohio", billing.SubActive, 3, 4000)
	env.billingSubscribe("illinois", "sub_il", billing.SubPastDue, 1, 5000)
	failed := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	env.billingFailed("illinois", "in_il", "sub_il", 5000, failed)
	soon := time.Now().UTC().Add(5 * 24 * time.Hour)
	pied := env.tenantID("nc-piedmont")
	if _, err := env.raw().NewUpdate().Table("tenants").Set("trial_ends_at = ?", soon).Where("id = ?", pied).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := env.app.Billing.Refresh(ctx, pied); err != nil {
		t.Fatal(err)
	}

	pc := env.client(t)
	pc.signIn(platformEmail)
	r := pc.get("/admin/billing").mustStatus(t, http.StatusOK)
	body := html.UnescapeString(r.body)
	for _, want := range []string{
		"Monthly recurring revenue", "$170.00", "2 subscriptions and 0 contracts",
		"Tenants by status", "Past due", "Free use (comped)", "Paid by contract", "read-only now",
		"Trials ending in the next 7 days", "Piedmont Partnership for Children", soon.Format("Jan 2, 2006"),
		"Failed payments", "Illinois I/ECMHC in Home Visiting", "INV-in_il", "$50.00", failed.Format("Jan 2, 2006"),
		failed.AddDate(0, 0, 14).Format("Jan 2, 2006"),
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("the revenue view does not say %q\n%s", want, truncateBody(r.body))
		}
	}
	if !strings.Contains(r.body, `href="/admin/tenants/`+pied+`/billing"`) {
		t.Error("the trial ending does not link to the tenant's billing")
	}
	if leak := goSyntaxLeak(r.body); leak != "" {
		t.Errorf("the revenue view shows %q: %s", leak, around(r.body, leak))
	}

	// The tenant's page and the list link to its billing.
	il := env.tenantID("illinois")
	page := "/admin/tenants/" + il + "/billing"
	pc.get("/admin/tenants/"+il).mustStatus(t, http.StatusOK).mustContain(t, `href="`+page+`"`)
	pc.get("/admin").mustStatus(t, http.StatusOK).mustContain(t, `href="`+page+`"`)
	pc.get("/admin?status=comped").mustStatus(t, http.StatusOK).mustContain(t, `<option value="comped" selected>`)
	r = pc.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Billing of Illinois", "Past due", "Seats paid", "INV-in_il", "$50.00",
		"has no free use", "No contract is recorded")
	if leak := goSyntaxLeak(r.body); leak != "" {
		t.Errorf("the tenant's billing shows %q: %s", leak, around(r.body, leak))
	}

	// A bad date and no reason: both named, typed values kept, nothing written.
	events := func() int {
		n, err := env.raw().NewSelect().Table("audit_events").Where("tenant_id = ? AND action LIKE 'billing.%'", il).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	r = pc.post(page+"/comp", url.Values{"until": {"2020-01-01"}, "reason": {""}}).mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Enter a date after today", "Say why this tenant uses Holdspace for free", `value="2020-01-01"`)
	if n := events(); n != 0 {
		t.Fatalf("a refused comp wrote %d audit events", n)
	}
	until := time.Now().UTC().AddDate(0, 3, 0)
	r = pc.post(page+"/comp", url.Values{"until": {until.Format(time.DateOnly)}, "reason": {"Pilot with the state office"}})
	r.mustStatus(t, http.StatusSeeOther)
	pc.get(page).mustStatus(t, http.StatusOK).mustContain(t, "uses Holdspace for free until the end of "+until.Format("Jan 2, 2006"),
		"Pilot with the state office", "End the free use now")
	pc.get("/admin/audit?tenant="+il).mustStatus(t, http.StatusOK).mustContain(t, "Free use (comp) granted", "Pilot with the state office")
	if tn, err := store.TenantByID(ctx, il); err != nil || tn.AccessUntil == nil || tn.AccessUntil.Before(until) {
		t.Errorf("the comp did not extend the tenant's access: %+v %v", tn, err)
	}
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/audit").mustStatus(t, http.StatusOK).mustContain(t, "Free use (comp) granted")

	// A contract: a bad amount refused; a good one listed.
	r = pc.post(page+"/contracts", url.Values{"po_number": {"PO-77"}, "starts_on": {"2026-07-01"}, "ends_on": {"2027-06-30"}, "amount": {"0"}})
	r.mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "more than zero", `value="PO-77"`)
	pc.post(page+"/contracts", url.Values{"po_number": {"PO-77"}, "starts_on": {"2026-07-01"}, "ends_on": {"2027-06-30"},
		"amount": {"24,000.00"}, "note": {"Paid by check"}}).mustStatus(t, http.StatusSeeOther)
	pc.get(page).mustStatus(t, http.StatusOK).mustContain(t, "PO-77", "2026-07-01 to 2027-06-30", "$24,000.00", "Paid by check")

	// Ending the comp.
	pc.post(page+"/comp/end", nil).mustStatus(t, http.StatusSeeOther)
	pc.get(page).mustStatus(t, http.StatusOK).mustContain(t, "has no free use")
	if n := events(); n != 3 {
		t.Errorf("%d billing audit events, want 3 (comp, contract, end)", n)
	}

	// Not the console for a tenant admin.
	admin.get("/admin/billing").mustStatus(t, http.StatusNotFound)
	admin.get(page).mustStatus(t, http.StatusNotFound)
}

// TestBillingPastDueBanner: while a payment is past due (and the tenant not yet read-only), the
// tenant admin's pages say so with the date to pay by and a link to billing; a consultant's
// do not.
func TestBillingPastDueBanner(t *testing.T) {
	env := newTestEnv(t)
	// The trial is over (else it would let the tenant write longer than the grace).
	if _, err := env.raw().NewUpdate().Table("tenants").Set("trial_ends_at = ?", time.Now().UTC().AddDate(0, 0, -3)).
		Where("id = ?", env.tenantID("illinois")).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	env.billingSubscribe("illinois", "sub_il", billing.SubPastDue, 1, 5000)
	failed := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	env.billingFailed("illinois", "in_il", "sub_il", 5000, failed)

	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/").mustStatus(t, http.StatusOK).mustContain(t, "A payment failed.",
		"Pay by "+failed.AddDate(0, 0, 14).Format("January 2, 2006"), `href="/t/illinois/billing">Go to billing`)

	consultant := env.client(t)
	consultant.signIn("maria.alvarez@consult.example")
	r := consultant.get("/t/illinois/").mustStatus(t, http.StatusOK)
	if strings.Contains(r.body, "A payment failed") || strings.Contains(r.body, "/t/illinois/billing") {
		t.Errorf("a consultant sees the payment banner:\n%s", around(r.body, "payment"))
	}
}
