package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/billing/stripetest"
	"github.com/holdspace/holdspace/app/config"
)

// TestBillingJourney is issue 13's "done when", end to end through the routes: a tenant admin
// on a trial pays by card through Checkout (stripe-mock answers the client's calls; Stripe's
// events arrive signed at POST /webhooks/stripe and the worker handles them), sees the plan,
// seats and invoice; a payment fails and the 14 days of grace pass: the tenant is read-only
// (writes refused with the page, reads and reports still work, the admin can still pay); it
// is paid: writable again at once, with nothing lost.
func TestBillingJourney(t *testing.T) {
	e := newTestEnvWith(t, func(c *config.Config) { c.Stripe = stripetest.Config(t) })
	const slug = "nc-piedmont"
	tenantID := e.tenantID(slug)
	admin := e.client(t)
	admin.signIn("admin@nc-piedmont.example")

	page := admin.get("/t/"+slug+"/billing").mustStatus(t, http.StatusOK)
	page.mustContain(t, "Trial", "Pay by card", "Pay by invoice")

	// Checkout: a 303 to Stripe's hosted page, never a card form of ours.
	r := admin.post("/t/"+slug+"/billing/checkout", url.Values{"plan": {"partnership"}, "interval": {"month"}})
	r.mustStatus(t, http.StatusSeeOther)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "https://") || strings.Contains(loc, "holdspace.test") {
		t.Fatalf("checkout went to %q, want Stripe's Checkout page", loc)
	}
	acct, err := e.app.Billing.Account(e.scoped(slug))
	if err != nil || acct.StripeCustomerID == "" {
		t.Fatalf("after checkout the account has no Stripe customer: %v %+v", err, acct)
	}
	cus := acct.StripeCustomerID

	// Stripe's events, as Stripe signs and sends them.
	now := time.Now().Unix()
	day := int64(24 * 3600)
	send := func(id, typ string, created int64, obj map[string]any) {
		t.Helper()
		body := stripetest.Event(id, typ, created, obj)
		req := httptest.NewRequest(http.MethodPost, "/webhooks/stripe", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Stripe-Signature", stripetest.Sign(body, stripetest.WebhookSecret, time.Now()))
		res, err := e.web.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("webhook %s: status %d", typ, res.StatusCode)
		}
		e.runQueued(t)
	}
	sub := func(status string, created int64) map[string]any {
		return map[string]any{"id": "sub_journey", "object": "subscription", "status": status, "customer": cus,
			"collection_method": "charge_automatically", "current_period_end": created + 30*day, "created": now - 40*day,
			"metadata": map[string]string{"tenant_id": tenantID, "plan": "partnership"},
			"items": map[string]any{"object": "list", "data": []any{map[string]any{"id": "si_journey", "object": "subscription_item", "quantity": 3,
				"price": map[string]any{"id": "price_partnershipMonthly", "object": "price", "unit_amount": 4500, "currency": "usd",
					"recurring": map[string]any{"interval": "month"}}}}}}
	}
	inv := func(id, number, status string, created int64, paid bool) map[string]any {
		m := map[string]any{"id": id, "object": "invoice", "number": number, "status": status, "customer": cus,
			"subscription": "sub_journey", "amount_due": 13500, "amount_paid": 0, "amount_remaining": 13500, "currency": "usd",
			"hosted_invoice_url": "https://invoice.stripe.com/i/" + id, "invoice_pdf": "https://pay.stripe.com/invoice/" + id + "/pdf",
			"created": created}
		if paid {
			m["amount_paid"], m["amount_remaining"] = 13500, 0
			m["status_transitions"] = map[string]any{"paid_at": created}
		}
		return m
	}
	send("evt_j1", "checkout.session.completed", now-40*day, map[string]any{"id": "cs_journey", "object": "checkout.session",
		"customer": cus, "subscription": "sub_journey", "client_reference_id": tenantID, "mode": "subscription"})
	send("evt_j2", "customer.subscription.created", now-40*day, sub("active", now-40*day))
	send("evt_j3", "invoice.paid", now-40*day+1, inv("in_j1", "HOLD-0001", "paid", now-40*day+1, true))

	page = admin.get("/t/"+slug+"/billing").mustStatus(t, http.StatusOK)
	page.mustContain(t, "Partnership", "Active", "HOLD-0001", "$135.00", "https://invoice.stripe.com/i/in_j1")

	// A payment fails 15 days ago and is still unpaid: past the 14 days of grace.
	send("evt_j4", "invoice.payment_failed", now-15*day, inv("in_j2", "HOLD-0002", "open", now-15*day, false))
	send("evt_j5", "customer.subscription.updated", now-15*day, sub("past_due", now-15*day))

	home := admin.get("/t/"+slug+"/").mustStatus(t, http.StatusOK)
	home.mustContain(t, "is read-only", "A payment failed on")
	w := admin.post("/t/"+slug+"/funders", url.Values{"name": {"Smart Start of Journey County"}})
	w.mustStatus(t, http.StatusLocked).mustContain(t, "is read-only", "Nothing was saved", `href="/t/`+slug+`/billing"`)
	if admin.get("/t/"+slug+"/funders").mustStatus(t, http.StatusOK); strings.Contains(admin.get("/t/"+slug+"/funders").body, "Smart Start of Journey County") {
		t.Fatal("a refused write was saved")
	}
	// Reads, reports and paying still work.
	admin.get("/t/"+slug+"/engagements").mustStatus(t, http.StatusOK)
	admin.get("/t/"+slug+"/reports/ncpc").mustStatus(t, http.StatusOK)
	if st := admin.post("/t/"+slug+"/exports", url.Values{}).status; st == http.StatusLocked {
		t.Fatal("an export was refused for a read-only tenant")
	}
	if st := admin.post("/t/"+slug+"/billing/portal", url.Values{}).status; st != http.StatusSeeOther {
		t.Fatalf("the admin of a read-only tenant could not open the customer portal: status %d", st)
	}

	// Paid: writable at once, and what was there is still there.
	send("evt_j6", "invoice.paid", now, inv("in_j2", "HOLD-0002", "paid", now-15*day, true))
	send("evt_j7", "customer.subscription.updated", now, sub("active", now))
	admin.post("/t/"+slug+"/funders", url.Values{"name": {"Smart Start of Journey County"}}).mustStatus(t, http.StatusSeeOther)
	admin.get("/t/"+slug+"/funders").mustStatus(t, http.StatusOK).mustContain(t, "Smart Start of Journey County")
	admin.get("/t/"+slug+"/billing").mustStatus(t, http.StatusOK).mustContain(t, "HOLD-0001", "HOLD-0002", "Active")
	tn, err := e.app.Tenants.Store().TenantByID(context.Background(), tenantID)
	if err != nil || tn.ReadOnly(time.Now()) != "" || tn.Status != "active" {
		t.Fatalf("after paying: status %q, read-only %q (%v)", tn.Status, tn.ReadOnly(time.Now()), err)
	}
}
