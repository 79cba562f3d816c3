package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
)

// TaskReconcile is the nightly reconcile against Stripe; payload jobs.Tenant (none).
const TaskReconcile = "billing:reconcile"

// Tuning of the reconcile.
const (
	// StaleAfter is how long a stored event may wait unprocessed before the reconcile queues
	// it again (its task was lost, or its queuing failed after it was stored).
	StaleAfter = 10 * time.Minute
	// ReconcileDays is how far back the reconcile reads Stripe's list of events (Stripe keeps
	// 30 days; it retries a failed delivery for 3 days).
	ReconcileDays = 3
)

func eventsPeriodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "30 3 * * *", Type: TaskReconcile}}
}

// Reconciled is what a reconcile did.
type Reconciled struct {
	Requeued      int // stored events left unprocessed, queued again
	Missing       int // events Stripe lists that had not reached the webhook, stored and queued
	Subscriptions int // accounts whose subscription was read from Stripe and changed
}

// Reconcile queues again the stored events left unprocessed, then (with Stripe on) stores and
// queues the events of the last days Stripe lists that never arrived, and records each live
// subscription as Stripe has it now. It goes on past a failure and returns the first.
func (s *Service) Reconcile(ctx context.Context) (Reconciled, error) {
	var out Reconciled
	var errs []error
	now := s.now()
	// One task id per event and run: a queued task of the event (waiting, retrying, or
	// archived after its retries) does not stop this run from queuing it again.
	run := now.Format("20060102T150405")

	ids, err := s.unprocessedEvents(ctx, now.Add(-StaleAfter))
	errs = append(errs, err)
	for _, id := range ids {
		if err := s.queueEvent(ctx, id, "billing:event:"+id+":reconcile:"+run); err != nil {
			errs = append(errs, err)
			break
		}
		out.Requeued++
	}

	if s.On() {
		n, err := s.storeMissing(ctx, now, run)
		out.Missing = n
		errs = append(errs, err)
		n, err = s.reconcileSubscriptions(ctx, now)
		out.Subscriptions = n
		errs = append(errs, err)
	}
	if out != (Reconciled{}) {
		detail := fmt.Sprintf("Stripe reconcile: %d events queued again, %d missing events stored, %d subscriptions updated",
			out.Requeued, out.Missing, out.Subscriptions)
		errs = append(errs, database.AuditAcross(ctx, s.d.DB, "billing.reconcile", detail, "", ""))
	}
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// unprocessedEvents lists the stored events received before cutoff and still unprocessed
// (stripe_events: a platform table).
func (s *Service) unprocessedEvents(ctx context.Context, cutoff time.Time) ([]string, error) {
	var ids []string
	err := s.d.DB.NewSelect().Model((*Event)(nil)).Column("se.id").
		Where("se.processed_at IS NULL AND se.received_at < ?", cutoff).OrderExpr("se.received_at").Limit(10000).
		Scan(ctx, &ids)
	return ids, err
}

// storeMissing stores and queues the events of the handled types Stripe lists for the last
// ReconcileDays that are not stored yet.
func (s *Service) storeMissing(ctx context.Context, now time.Time, run string) (int, error) {
	p := &stripe.EventListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: now.AddDate(0, 0, -ReconcileDays).Unix()}}
	p.Context = ctx
	for _, t := range HandledEvents {
		p.Types = append(p.Types, stripe.String(t))
	}
	n := 0
	it := s.Stripe().Events.List(p)
	for it.Next() {
		ev := it.Event()
		if ev == nil || ev.ID == "" || !handled(string(ev.Type)) {
			continue
		}
		b, err := json.Marshal(ev)
		if err != nil {
			return n, err
		}
		fresh, err := s.storeEvent(ctx, ev, string(b))
		if err != nil {
			return n, err
		}
		if !fresh {
			continue
		}
		n++
		if err := s.queueEvent(ctx, ev.ID, "billing:event:"+ev.ID); err != nil {
			return n, err
		}
	}
	return n, it.Err()
}

// reconcileSubscriptions reads each live subscription from Stripe and, where it differs from
// what the account holds, records it as the current object (at now: newer than any event
// already applied). One that does not differ is left alone, so that the account keeps the
// time of the event that last changed it.
func (s *Service) reconcileSubscriptions(ctx context.Context, now time.Time) (int, error) {
	accts, err := s.subscribedAccounts(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var first error
	for _, a := range accts {
		p := &stripe.SubscriptionParams{}
		p.Context = ctx
		sub, err := s.Stripe().Subscriptions.Get(a.StripeSubscriptionID, p)
		if err == nil && !sameSubscription(&a, sub) {
			var changed bool
			changed, err = s.ApplySubscription(database.WithScope(ctx, database.Scope{TenantID: a.TenantID}), sub, now.Unix(), "")
			if changed {
				n++
			}
		}
		if err != nil {
			s.d.Log.WarnContext(ctx, "billing: reconcile a subscription", "tenant", a.TenantID,
				"subscription", a.StripeSubscriptionID, "err", err)
			if first == nil {
				first = err
			}
		}
	}
	return n, first
}

// subscribedAccounts lists, across tenants (on the named path), the accounts of tenants not
// deleted whose subscription is not over for good.
func (s *Service) subscribedAccounts(ctx context.Context) ([]Account, error) {
	var accts []Account
	err := s.d.DB.NewSelect().Model(&accts).Column("ba.tenant_id", "ba.stripe_customer_id", "ba.stripe_subscription_id",
		"ba.subscription_item_id", "ba.price_id", "ba.status", "ba.seats_paid", "ba.current_period_end", "ba.cancel_at_period_end",
		"ba.ended_at", "ba.collection_method").
		Join("JOIN tenants AS t ON t.id = ba.tenant_id").
		Where("ba.stripe_subscription_id <> '' AND t.deleted_at IS NULL").
		Where("ba.status NOT IN (?, ?)", SubCanceled, SubIncompleteExpired).
		OrderExpr("ba.tenant_id").Scan(database.AcrossTenants(ctx, "billing.reconcile"))
	if err != nil {
		return nil, err
	}
	return accts, nil
}

// sameSubscription reports whether a holds what sub says (the fields ApplySubscription keeps
// that can change).
func sameSubscription(a *Account, sub *stripe.Subscription) bool {
	unix := func(t *time.Time) int64 {
		if t == nil {
			return 0
		}
		return t.Unix()
	}
	if a.StripeSubscriptionID != sub.ID || a.Status != string(sub.Status) || a.CancelAtPeriodEnd != sub.CancelAtPeriodEnd ||
		a.CollectionMethod != string(sub.CollectionMethod) || unix(a.CurrentPeriodEnd) != sub.CurrentPeriodEnd ||
		unix(a.EndedAt) != sub.EndedAt {
		return false
	}
	if sub.Customer != nil && sub.Customer.ID != a.StripeCustomerID {
		return false
	}
	var item, price string
	var qty int64
	if sub.Items != nil && len(sub.Items.Data) > 0 {
		it := sub.Items.Data[0]
		item, qty = it.ID, it.Quantity
		if it.Price != nil {
			price = it.Price.ID
		}
	}
	return a.SubscriptionItemID == item && int64(a.SeatsPaid) == qty && a.PriceID == price
}
