package billing

// The seat sync: the subscription's quantity is the tenant's active consultants (at least
// one). It runs about two minutes after people change (debounced: one task waits per tenant)
// and daily for every subscription; a change is prorated (create_prorations) and shows on the
// next invoice. Running it twice changes nothing the second time.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
)

// TaskSeatsAll queues the seat sync of every subscription (daily).
const TaskSeatsAll = "billing:seats_all"

// SeatsDelay is how long the seat sync waits after a change of people, so that a run of
// changes (an admin deactivating five people) makes one update.
const SeatsDelay = 2 * time.Minute

// seatsWhy names the daily sweep's work across tenants.
const seatsWhy = "billing.seats_all"

// SeatsChanged queues the seat sync (debounced): one task waits per tenant, and a change
// while it waits is counted when it runs.
func (s *Service) SeatsChanged(ctx context.Context, tenantID string) {
	if !s.On() || s.d.Queue == nil || tenantID == "" {
		return
	}
	err := s.d.Queue.Enqueue(context.WithoutCancel(ctx), TaskSeats, jobs.Tenant{TenantID: tenantID},
		asynq.ProcessIn(SeatsDelay), asynq.TaskID(TaskSeats+":"+tenantID))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		// The daily sync corrects the quantity if this one is lost.
		s.d.Log.WarnContext(ctx, "billing: queue the seat sync", "tenant", tenantID, "err", err)
	}
}

func (s *Service) registerSeats(m *jobs.Mux) {
	jobs.Handle(m, TaskSeats, func(ctx context.Context, p jobs.Tenant) error {
		if p.TenantID == "" {
			return nil
		}
		_, err := s.SyncSeats(ctx)
		return err
	})
	jobs.Handle(m, TaskSeatsAll, func(ctx context.Context, _ jobs.Tenant) error {
		_, err := s.QueueAllSeats(ctx)
		return err
	})
}

func seatsPeriodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "20 6 * * *", Type: TaskSeatsAll}}
}

// SyncSeats sets the subscription's quantity of ctx's tenant to its active consultants (at
// least one), prorated, and reports whether it asked Stripe to. Nothing happens while billing
// is not set up, without a live subscription, or when the quantity already matches.
func (s *Service) SyncSeats(ctx context.Context) (bool, error) {
	if !s.On() {
		return false, nil
	}
	a, err := s.Account(ctx)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if a.SubscriptionItemID == "" || !a.Subscribed() {
		return false, nil
	}
	n, err := s.activeConsultants(ctx)
	if err != nil {
		return false, err
	}
	n = max(1, n)
	if n == a.SeatsPaid && a.SeatsSyncedAt != nil {
		return false, nil
	}
	if _, err := s.sc.SubscriptionItems.Update(a.SubscriptionItemID, &stripe.SubscriptionItemParams{
		Params: stripe.Params{Context: ctx}, Quantity: stripe.Int64(int64(n)),
		ProrationBehavior: stripe.String("create_prorations")}); err != nil {
		return false, fmt.Errorf("seat sync: update %s to %d: %w", a.SubscriptionItemID, n, err)
	}
	db, err := database.For(ctx, s.d.DB)
	if err != nil {
		return true, err
	}
	now := s.now()
	_, err = db.Update((*Account)(nil)).Set("seats_paid = ?", n).Set("seats_synced_at = ?", now).Set("updated_at = ?", now).
		Where("ba.subscription_item_id = ?", a.SubscriptionItemID).Exec(ctx)
	return true, err
}

// QueueAllSeats queues the seat sync of every tenant with a live subscription and returns how
// many.
func (s *Service) QueueAllSeats(ctx context.Context) (int, error) {
	if !s.On() || s.d.Queue == nil {
		return 0, nil
	}
	ids, err := s.subscribedTenants(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, id := range ids {
		err := s.d.Queue.Enqueue(ctx, TaskSeats, jobs.Tenant{TenantID: id}, asynq.TaskID(TaskSeats+":"+id))
		switch {
		case err == nil:
			n++
		case errors.Is(err, asynq.ErrTaskIDConflict): // one is already waiting
		default:
			errs = append(errs, err)
		}
	}
	if n > 0 {
		if err := database.AuditAcross(ctx, s.d.DB, seatsWhy, fmt.Sprintf("%d subscriptions queued for the seat sync", n), "", ""); err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

// subscribedTenants lists, across tenants on the named path, the tenants whose account has a
// subscription item of a live subscription: only their ids (each syncs in its own scope).
func (s *Service) subscribedTenants(ctx context.Context) ([]string, error) {
	actx := database.AcrossTenants(database.WithScope(ctx, database.Scope{}), seatsWhy)
	var ids []string
	err := s.d.DB.NewSelect().TableExpr("billing_accounts AS ba").ColumnExpr("ba.tenant_id").
		Where("ba.subscription_item_id <> ''").
		Where("ba.status IN (?, ?, ?, ?, ?)", SubTrialing, SubActive, SubPastDue, SubUnpaid, SubPaused).
		OrderExpr("ba.tenant_id").Scan(actx, &ids)
	return ids, err
}
