package billing

import (
	"fmt"
	"sort"
	"time"

	"github.com/holdspace/holdspace/app/billing/stripetest"
)

// A realistic history of Stripe events for a few tenants: Checkout completed, the subscription
// created, its seats changed, renewals finalized, payments failed (twice) and paid, past due
// and back, cancelled at the period's end and deleted; some events of an object share their
// created second (Stripe's clock is in seconds), as the failed payment and the past due do.

// whT0 is the first day of the history; whNow is the clock the proof decides access at.
var (
	whT0  = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	whNow = whT0.AddDate(0, 0, 75)
)

type whEvent struct {
	id, typ string
	created int64
	body    []byte
}

// whTenant is one tenant of the history.
type whTenant struct {
	n                    int
	id, cus, sub, item   string
	price                string
	unit                 int64
	interval, method, po string
	seq                  int
	out                  *[]whEvent
	base                 int64
	status               string
	qty                  int64
	cancel               bool
	periodEnd, endedAt   int64
	trialEnd             int64
}

func whTenantID(n int) string { return fmt.Sprintf("0193f000-0000-7000-8000-%012d", n) }

func (t *whTenant) at(days, hours, secs int) int64 {
	return t.base + int64(days*86400+hours*3600+secs)
}

func (t *whTenant) emit(typ string, created int64, obj map[string]any) string {
	t.seq++
	id := fmt.Sprintf("evt_%d_%02d", t.n, t.seq)
	*t.out = append(*t.out, whEvent{id: id, typ: typ, created: created, body: stripetest.Event(id, typ, created, obj)})
	return id
}

func (t *whTenant) subObj() map[string]any {
	var ended any
	if t.endedAt > 0 {
		ended = t.endedAt
	}
	var trialEnd any
	if t.trialEnd > 0 {
		trialEnd = t.trialEnd
	}
	return map[string]any{
		"id": t.sub, "object": "subscription", "customer": t.cus, "status": t.status,
		"cancel_at_period_end": t.cancel, "current_period_end": t.periodEnd, "ended_at": ended, "trial_end": trialEnd,
		"collection_method": t.method, "metadata": map[string]any{MetadataTenant: t.id},
		"items": map[string]any{"object": "list", "data": []any{map[string]any{
			"id": t.item, "object": "subscription_item", "quantity": t.qty,
			"price": map[string]any{"id": t.price, "object": "price", "unit_amount": t.unit, "currency": "usd",
				"recurring": map[string]any{"interval": t.interval}},
		}}},
	}
}

func (t *whTenant) sub_(typ string, created int64) { t.emit(typ, created, t.subObj()) }

// invoice is one of the tenant's invoices in a state.
func (t *whTenant) invoice(typ string, created int64, k int, status string, createdAt int64, paidAt int64) {
	due := t.unit * t.qty
	paid, remaining := int64(0), due
	if status == "paid" {
		paid, remaining = due, 0
	}
	obj := map[string]any{
		"id": fmt.Sprintf("in_%d_%d", t.n, k), "object": "invoice", "customer": t.cus, "subscription": t.sub,
		"number": fmt.Sprintf("HS-%d-%04d", t.n, k), "status": status, "amount_due": due, "amount_paid": paid,
		"amount_remaining": remaining, "currency": "usd", "created": createdAt, "collection_method": t.method,
		"hosted_invoice_url":   fmt.Sprintf("https://invoice.stripe.com/i/%d_%d", t.n, k),
		"invoice_pdf":          fmt.Sprintf("https://pay.stripe.com/invoice/%d_%d/pdf", t.n, k),
		"status_transitions":   map[string]any{"paid_at": paidAt, "finalized_at": createdAt},
		"subscription_details": map[string]any{"metadata": map[string]any{MetadataTenant: t.id}},
	}
	if t.method == SendInvoice {
		obj["due_date"] = createdAt + 30*86400
	}
	if t.po != "" {
		obj["custom_fields"] = []any{map[string]any{"name": POFieldName, "value": t.po}}
	}
	t.emit(typ, created, obj)
}

func (t *whTenant) checkout(created int64) {
	t.emit(EventCheckoutCompleted, created, map[string]any{
		"id": fmt.Sprintf("cs_%d", t.n), "object": "checkout.session", "mode": "subscription", "status": "complete",
		"client_reference_id": t.id, "customer": t.cus, "subscription": t.sub,
	})
}

// whHistory is the events of five tenants (whTenantID(0..4)) and a few others: types the
// worker ignores, and a customer no tenant has.
func whHistory() []whEvent {
	var out []whEvent
	mk := func(n int, price string, unit int64, interval, method, po string) *whTenant {
		return &whTenant{n: n, id: whTenantID(n), cus: fmt.Sprintf("cus_%d", n), sub: fmt.Sprintf("sub_%d", n),
			item: fmt.Sprintf("si_%d", n), price: price, unit: unit, interval: interval, method: method, po: po,
			out: &out, base: whT0.Unix() + int64(n)*3600, qty: 3}
	}
	month := int64(30 * 86400)

	// 0: the whole life: paid, seats changed twice in one second, a renewal failed twice then
	// paid, cancelled at the period's end, deleted.
	t := mk(0, "price_partnershipMonthly", 4500, "month", ChargeAutomatically, "")
	t.status, t.periodEnd = SubActive, t.at(30, 0, 0)
	t.checkout(t.at(0, 0, 0))
	t.sub_(EventSubscriptionCreated, t.at(0, 0, 0)) // the same second as Checkout
	t.invoice(EventInvoiceFinalized, t.at(0, 0, 0), 1, "open", t.at(0, 0, 0), 0)
	t.invoice(EventInvoicePaid, t.at(0, 0, 5), 1, "paid", t.at(0, 0, 0), t.at(0, 0, 5))
	t.qty = 5
	t.sub_(EventSubscriptionUpdated, t.at(2, 0, 0))
	t.qty = 6
	t.sub_(EventSubscriptionUpdated, t.at(2, 0, 0)) // the same second: the greater id is the newer
	t.periodEnd = t.at(30, 0, 0) + month
	t.invoice(EventInvoiceFinalized, t.at(30, 0, 0), 2, "open", t.at(30, 0, 0), 0)
	t.invoice(EventInvoiceFailed, t.at(30, 1, 0), 2, "open", t.at(30, 0, 0), 0)
	t.status = SubPastDue
	t.sub_(EventSubscriptionUpdated, t.at(30, 1, 0)) // the same second as the failure
	t.invoice(EventInvoiceFailed, t.at(33, 1, 0), 2, "open", t.at(30, 0, 0), 0)
	t.invoice(EventInvoicePaid, t.at(35, 0, 0), 2, "paid", t.at(30, 0, 0), t.at(35, 0, 0))
	t.status = SubActive
	t.sub_(EventSubscriptionUpdated, t.at(35, 0, 0))
	t.cancel = true
	t.sub_(EventSubscriptionUpdated, t.at(40, 0, 0))
	t.status, t.endedAt = SubCanceled, t.periodEnd
	t.sub_(EventSubscriptionDeleted, t.periodEnd)
	t.emit("customer.updated", t.at(40, 0, 0), map[string]any{"id": t.cus, "object": "customer",
		"metadata": map[string]any{MetadataTenant: t.id}})

	// 1: lapsed: the renewal failed twice and was never paid (read-only after the grace).
	t = mk(1, "price_partnershipMonthly", 4500, "month", ChargeAutomatically, "")
	t.status, t.periodEnd = SubActive, t.at(30, 0, 0)
	t.checkout(t.at(0, 0, 0))
	t.sub_(EventSubscriptionCreated, t.at(0, 0, 0))
	t.invoice(EventInvoiceFinalized, t.at(0, 0, 1), 1, "open", t.at(0, 0, 1), 0)
	t.invoice(EventInvoicePaid, t.at(0, 0, 1), 1, "paid", t.at(0, 0, 1), t.at(0, 0, 1)) // same second as finalized
	t.periodEnd = t.at(30, 0, 0) + month
	t.invoice(EventInvoiceFinalized, t.at(30, 0, 0), 2, "open", t.at(30, 0, 0), 0)
	t.invoice(EventInvoiceFailed, t.at(30, 2, 0), 2, "open", t.at(30, 0, 0), 0)
	t.status = SubPastDue
	t.sub_(EventSubscriptionUpdated, t.at(30, 2, 0))
	t.invoice(EventInvoiceFailed, t.at(33, 2, 0), 2, "open", t.at(30, 0, 0), 0)
	t.emit("charge.failed", t.at(33, 2, 0), map[string]any{"id": "ch_1", "object": "charge", "customer": t.cus})

	// 2: past due and back, cancelled at the period's end, then kept after all; seats down.
	t = mk(2, "price_partnershipMonthly", 4500, "month", ChargeAutomatically, "")
	t.status, t.periodEnd, t.qty = SubActive, t.at(30, 0, 0), 8
	t.checkout(t.at(0, 0, 0))
	t.sub_(EventSubscriptionCreated, t.at(0, 0, 0))
	t.invoice(EventInvoiceFinalized, t.at(0, 0, 0), 1, "open", t.at(0, 0, 0), 0)
	t.invoice(EventInvoicePaid, t.at(0, 0, 3), 1, "paid", t.at(0, 0, 0), t.at(0, 0, 3))
	t.periodEnd = t.at(30, 0, 0) + month
	t.invoice(EventInvoiceFinalized, t.at(30, 0, 0), 2, "open", t.at(30, 0, 0), 0)
	t.invoice(EventInvoiceFailed, t.at(30, 0, 0), 2, "open", t.at(30, 0, 0), 0) // failed in the same second
	t.status = SubPastDue
	t.sub_(EventSubscriptionUpdated, t.at(30, 0, 0))
	t.invoice(EventInvoicePaid, t.at(31, 0, 0), 2, "paid", t.at(30, 0, 0), t.at(31, 0, 0))
	t.status = SubActive
	t.sub_(EventSubscriptionUpdated, t.at(31, 0, 0))
	t.cancel = true
	t.sub_(EventSubscriptionUpdated, t.at(45, 0, 0))
	t.cancel, t.qty = false, 4
	t.sub_(EventSubscriptionUpdated, t.at(50, 0, 0))

	// 3: the public sector: statewide, annual, paid by invoice with a PO, paid late; seats up.
	t = mk(3, "price_statewideAnnual", 480000, "year", SendInvoice, "PO-2027-0042")
	t.status, t.periodEnd, t.qty = SubActive, t.at(365, 0, 0), 12
	t.checkout(t.at(0, 0, 0))
	t.sub_(EventSubscriptionCreated, t.at(0, 0, 0))
	t.invoice(EventInvoiceFinalized, t.at(0, 0, 0), 1, "open", t.at(0, 0, 0), 0)
	t.invoice(EventInvoicePaid, t.at(41, 0, 0), 1, "paid", t.at(0, 0, 0), t.at(41, 0, 0))
	t.qty = 14
	t.sub_(EventSubscriptionUpdated, t.at(20, 0, 0)) // made before the payment, listed after it

	// 4: Stripe's trial, then active, then the first invoice fails twice: unpaid.
	t = mk(4, "price_partnershipMonthly", 4500, "month", ChargeAutomatically, "")
	t.status, t.trialEnd, t.periodEnd, t.qty = SubTrialing, t.at(14, 0, 0), t.at(14, 0, 0), 2
	t.checkout(t.at(0, 0, 0))
	t.sub_(EventSubscriptionCreated, t.at(0, 0, 0))
	t.status, t.periodEnd = SubActive, t.at(44, 0, 0)
	t.sub_(EventSubscriptionUpdated, t.at(14, 0, 0))
	t.invoice(EventInvoiceFinalized, t.at(14, 0, 0), 1, "open", t.at(14, 0, 0), 0)
	t.invoice(EventInvoiceFailed, t.at(14, 1, 0), 1, "open", t.at(14, 0, 0), 0)
	t.status = SubPastDue
	t.sub_(EventSubscriptionUpdated, t.at(14, 1, 0))
	t.invoice(EventInvoiceFailed, t.at(21, 1, 0), 1, "open", t.at(14, 0, 0), 0)
	t.status = SubUnpaid
	t.sub_(EventSubscriptionUpdated, t.at(28, 1, 0))

	// A customer no tenant has, with no metadata.
	stranger := &whTenant{n: 9, cus: "cus_stranger", sub: "sub_stranger", item: "si_stranger", price: "price_partnershipMonthly",
		unit: 4500, interval: "month", method: ChargeAutomatically, out: &out, base: whT0.Unix(), qty: 1, status: SubActive}
	obj := stranger.subObj()
	delete(obj, "metadata")
	stranger.emit(EventSubscriptionUpdated, stranger.at(3, 0, 0), obj)
	return out
}

// whOrdered is events in the order Stripe made them (created, then id).
func whOrdered(evs []whEvent) []whEvent {
	out := append([]whEvent(nil), evs...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].created != out[j].created {
			return out[i].created < out[j].created
		}
		return out[i].id < out[j].id
	})
	return out
}
