package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
)

// Applying what Stripe says. Each object carries the (created, id) of the event it came in
// (or, for an object Stripe just returned, the time it was read and no id). An object older
// than what is recorded changes nothing, so events delivered out of order, twice, or a
// thousand times shuffled end in the state of the newest; then the tenant's access is decided
// again (Refresh), in the same transaction.

// newer is the guard, as SQL on the columns at and id: true when (at, key) is newer.
func newer(atCol, idCol string) string {
	return "(" + atCol + " < ? OR (" + atCol + " = ? AND " + idCol + " < ?))"
}

// Stripe's times are whole seconds, and one action often sends several events in the same
// second (a subscription created incomplete and made active; an invoice finalized and paid).
// Between two events of the same second the one further along the object's life wins, and
// only then the event id (random, but the same whatever the order): the key stored in the
// guard's id column is the status's rank, then the event id.
var (
	subRank = map[string]int{SubIncomplete: 0, SubIncompleteExpired: 1, SubTrialing: 2, SubActive: 3, SubPaused: 4,
		SubPastDue: 5, SubUnpaid: 6, SubCanceled: 7}
	invoiceRank = map[string]int{"draft": 0, "open": 1, "uncollectible": 2, "void": 3, "paid": 4}
)

// tieKey is the guard's key of an event about an object in status (rank from ranks).
func tieKey(ranks map[string]int, status, eventID string) string {
	return fmt.Sprintf("%d/%s", ranks[status], eventID)
}

// ApplySubscription records sub on the account of ctx's tenant if (at, eventID) is newer than
// what the account holds. It reports whether it changed anything.
func (s *Service) ApplySubscription(ctx context.Context, sub *stripe.Subscription, at int64, eventID string) (bool, error) {
	if sub == nil || sub.ID == "" {
		return false, apperr.Errorf(apperr.EINVALID, "The subscription has no id.")
	}
	var changed bool
	eventID = tieKey(subRank, string(sub.Status), eventID)
	err := s.inTenantTx(ctx, func(ctx context.Context, db database.Tenant) error {
		a := &Account{StripeSubscriptionID: sub.ID, Status: string(sub.Status), CancelAtPeriodEnd: sub.CancelAtPeriodEnd,
			CollectionMethod: string(sub.CollectionMethod), SubEventAt: at, SubEventID: eventID, UpdatedAt: s.now()}
		if sub.Customer != nil {
			a.StripeCustomerID = sub.Customer.ID
		}
		if sub.CurrentPeriodEnd > 0 {
			t := time.Unix(sub.CurrentPeriodEnd, 0).UTC()
			a.CurrentPeriodEnd = &t
		}
		if sub.EndedAt > 0 {
			t := time.Unix(sub.EndedAt, 0).UTC()
			a.EndedAt = &t
		}
		if sub.Items != nil && len(sub.Items.Data) > 0 {
			it := sub.Items.Data[0]
			a.SubscriptionItemID, a.SeatsPaid = it.ID, int(it.Quantity)
			if it.Price != nil {
				a.PriceID, a.UnitAmount, a.Currency = it.Price.ID, it.Price.UnitAmount, string(it.Price.Currency)
				if it.Price.Recurring != nil {
					a.Interval = string(it.Price.Recurring.Interval)
				}
				a.PlanCode, _ = s.planOfPrice(it.Price.ID)
			}
		}
		if a.PlanCode == "" {
			a.PlanCode = sub.Metadata["plan"]
		}
		if a.Currency == "" {
			a.Currency = "usd"
		}
		cols := []string{"stripe_subscription_id", "status", "cancel_at_period_end", "collection_method", "sub_event_at",
			"sub_event_id", "updated_at", "current_period_end", "ended_at", "subscription_item_id", "seats_paid", "price_id",
			"unit_amount", "currency", "billing_interval", "plan_code"}
		q := db.Update(a).Column(cols...).Where(newer("ba.sub_event_at", "ba.sub_event_id"), at, at, eventID)
		if a.StripeCustomerID != "" {
			q = q.Set("stripe_customer_id = ?", a.StripeCustomerID)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		changed = n > 0
		return nil
	})
	return changed, err
}

// ApplyInvoice records inv for ctx's tenant if (at, eventID) is newer than what is recorded of
// it; failed says the event was a failed payment, which is kept as the invoice's first failure
// (the earliest, whatever the order). It reports whether it changed anything.
func (s *Service) ApplyInvoice(ctx context.Context, inv *stripe.Invoice, at int64, eventID string, failed bool) (bool, error) {
	if inv == nil || inv.ID == "" {
		return false, apperr.Errorf(apperr.EINVALID, "The invoice has no id.")
	}
	var changed bool
	eventID = tieKey(invoiceRank, string(inv.Status), eventID)
	err := s.inTenantTx(ctx, func(ctx context.Context, db database.Tenant) error {
		row := &Invoice{ID: inv.ID, Number: inv.Number, Status: string(inv.Status), AmountDue: inv.AmountDue,
			AmountPaid: inv.AmountPaid, AmountRemaining: inv.AmountRemaining, Currency: string(inv.Currency),
			HostedURL: inv.HostedInvoiceURL, PDFURL: inv.InvoicePDF, CreatedAt: time.Unix(inv.Created, 0).UTC(),
			EventAt: at, EventID: eventID}
		row.TenantID = db.ID
		if inv.Subscription != nil {
			row.SubscriptionID = inv.Subscription.ID
		}
		if row.Currency == "" {
			row.Currency = "usd"
		}
		if inv.DueDate > 0 {
			t := time.Unix(inv.DueDate, 0).UTC()
			row.DueAt = &t
		}
		if inv.StatusTransitions != nil && inv.StatusTransitions.PaidAt > 0 {
			t := time.Unix(inv.StatusTransitions.PaidAt, 0).UTC()
			row.PaidAt = &t
		}
		for _, f := range inv.CustomFields {
			if f != nil && f.Name == POFieldName {
				row.PONumber = f.Value
			}
		}
		// Insert it with the oldest possible guard if it is new, then update it if newer.
		blank := *row
		blank.EventAt, blank.EventID = 0, ""
		if _, err := db.Insert(&blank).On("CONFLICT (tenant_id, id) DO NOTHING").Exec(ctx); err != nil {
			return err
		}
		res, err := db.Update(row).ExcludeColumn("tenant_id", "id", "first_failed_at").WherePK().
			Where(newer("bi.event_at", "bi.event_id"), at, at, eventID).Exec(ctx)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		changed = n > 0
		if failed {
			t := time.Unix(at, 0).UTC()
			res, err := db.Update((*Invoice)(nil)).Set("first_failed_at = ?", t).Where("bi.id = ?", inv.ID).
				Where("(bi.first_failed_at IS NULL OR bi.first_failed_at > ?)", t).Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				changed = true
			}
		}
		return nil
	})
	return changed, err
}

// POFieldName is the invoice custom field that carries the tenant's purchase order number.
const POFieldName = "PO number"

// inTenantTx runs fn in a transaction of ctx's tenant with its account locked (made if it has
// none), then decides the tenant's access again.
func (s *Service) inTenantTx(ctx context.Context, fn func(ctx context.Context, db database.Tenant) error) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	return database.InTx(ctx, s.d.DB, func(ctx context.Context) error {
		if err := s.lockAccount(ctx); err != nil {
			return err
		}
		db, err := database.For(ctx, s.d.DB)
		if err != nil {
			return err
		}
		if err := fn(ctx, db); err != nil {
			return err
		}
		return s.Refresh(ctx, sc.TenantID)
	})
}
