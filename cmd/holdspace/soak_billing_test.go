//go:build soak

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/app/billing"
	"github.com/holdspace/holdspace/app/billing/stripetest"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
)

// billingKinds soak billing's tasks (issue 13). The worker runs without Stripe keys, as the
// embedded default does: events are stored as the webhook stores them and handled from their
// payload; the seat sync and the reconcile have nothing to ask Stripe and must still complete.
func (s *soak) billingKinds() []soakKind {
	const slug = "illinois"
	var (
		newest  int64 // the quantity of the newest subscription event stored
		base    = time.Now().Add(-time.Hour).Unix()
		dunning bool
	)
	sub := func(n int64) map[string]any {
		return map[string]any{"id": "sub_soak", "object": "subscription", "status": "active", "customer": "cus_soak",
			"collection_method": "charge_automatically", "current_period_end": base + 30*86400,
			"metadata": map[string]string{"tenant_id": s.tenant[slug].TenantID, "plan": "partnership"},
			"items": map[string]any{"object": "list", "data": []any{map[string]any{"id": "si_soak", "object": "subscription_item",
				"quantity": n, "price": map[string]any{"id": "price_soak", "object": "price", "unit_amount": 4500, "currency": "usd",
					"recurring": map[string]any{"interval": "month"}}}}}}
	}
	return []soakKind{
		{
			name: "billing events", types: []string{billing.TaskEvent, billing.TaskReconcile},
			produce: func(ctx context.Context, round int) error {
				// Five subscription events a round, each delivered twice, newest last; the
				// reconcile every ten rounds.
				for i := 0; i < 5; i++ {
					n := int64(round*5 + i + 1)
					id := fmt.Sprintf("evt_soak_%08d", n)
					ev := &billing.Event{ID: id, Type: "customer.subscription.updated", Created: base + n,
						Payload: string(stripetest.Event(id, "customer.subscription.updated", base+n, sub(n))), ReceivedAt: database.Now()}
					if _, err := s.app.DB.NewInsert().Model(ev).Exec(ctx); err != nil {
						return err
					}
					s.setup(billing.TaskEvent, id)
					for k := 0; k < 2; k++ {
						if err := s.enqueue(ctx, billing.TaskEvent, billing.EventPayload{EventID: id}); err != nil {
							return err
						}
					}
					s.mu.Lock()
					newest = n
					s.mu.Unlock()
				}
				if round%10 == 9 {
					return s.enqueue(ctx, billing.TaskReconcile, jobs.Tenant{})
				}
				return nil
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(billing.TaskEvent)
				rasked, rnotDone := s.tasksNotDone(billing.TaskReconcile)
				left, _ := s.app.DB.NewSelect().Model((*billing.Event)(nil)).
					Where("se.id IN (?) AND se.processed_at IS NULL", bunIn(s.setupOf(billing.TaskEvent))).Count(ctx)
				s.mu.Lock()
				want := newest
				s.mu.Unlock()
				var seats int64
				_ = s.app.DB.NewSelect().Table("billing_accounts").Column("seats_paid").
					Where("tenant_id = ?", s.tenant[slug].TenantID).Scan(s.scoped(slug), &seats)
				wrong := 0
				if seats != want {
					wrong = 1
				}
				return asked + rasked, notDone + rnotDone + int(left) + wrong, 0, 0,
					fmt.Sprintf("events not handled %d; seats %d, the newest event says %d; reconciles not completed %d", left, seats, want, rnotDone)
			},
		},
		{
			name: "billing dunning", types: []string{billing.TaskDunning, billing.TaskDunningAll},
			produce: func(ctx context.Context, round int) error {
				if !dunning {
					// A failed payment a day old: the day-0 email is due, once to each admin.
					inv := map[string]any{"id": "in_soak", "object": "invoice", "status": "open", "customer": "cus_soak",
						"subscription": "sub_soak", "amount_due": 13500, "amount_remaining": 13500, "currency": "usd",
						"number": "SOAK-0001", "created": base}
					id := "evt_soak_failed"
					ev := &billing.Event{ID: id, Type: "invoice.payment_failed", Created: time.Now().Add(-24 * time.Hour).Unix(),
						Payload: string(stripetest.Event(id, "invoice.payment_failed", time.Now().Add(-24*time.Hour).Unix(), inv)), ReceivedAt: database.Now()}
					if _, err := s.app.DB.NewInsert().Model(ev).Exec(ctx); err != nil {
						return err
					}
					if err := s.enqueue(ctx, billing.TaskEvent, billing.EventPayload{EventID: id}); err != nil {
						return err
					}
					s.setup(billing.TaskEvent, id)
					dunning = true
				}
				if round%3 != 1 {
					return nil
				}
				if round%9 == 1 {
					return s.enqueue(ctx, billing.TaskDunningAll, jobs.Tenant{})
				}
				return s.enqueue(ctx, billing.TaskDunning, jobs.Tenant{TenantID: s.tenant[slug].TenantID})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(billing.TaskDunning)
				aasked, anotDone := s.tasksNotDone(billing.TaskDunningAll)
				// The day-0 email to each admin once: none written twice, none lost.
				var rows []struct {
					To string `bun:"to_addr"`
					N  int    `bun:"n"`
				}
				_ = s.app.DB.NewSelect().Model((*mail.Email)(nil)).ColumnExpr("to_addr, count(*) AS n").
					Where("subject LIKE 'A payment for %'").Group("to_addr").Scan(ctx, &rows)
				dup, lost := 0, 0
				for _, r := range rows {
					dup += r.N - 1
				}
				if len(rows) == 0 && asked > 0 {
					lost = 1
				}
				_, mlost, mdup, allowed, _ := s.mailCheck(ctx, s.emailIDs("A payment for "))
				return asked + aasked, notDone + anotDone + lost + mlost, dup + mdup, allowed,
					fmt.Sprintf("tasks not completed %d; %d admins emailed, %d written twice", notDone+anotDone, len(rows), dup)
			},
		},
		{
			name: "billing seats", types: []string{billing.TaskSeats, billing.TaskSeatsAll},
			produce: func(ctx context.Context, round int) error {
				if round%5 != 3 {
					return nil
				}
				if round%10 == 3 {
					return s.enqueue(ctx, billing.TaskSeatsAll, jobs.Tenant{})
				}
				return s.enqueue(ctx, billing.TaskSeats, jobs.Tenant{TenantID: s.tenant[slug].TenantID})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(billing.TaskSeats)
				aasked, anotDone := s.tasksNotDone(billing.TaskSeatsAll)
				return asked + aasked, notDone + anotDone, 0, 0, fmt.Sprintf("tasks not completed %d (billing is off: nothing to ask Stripe)", notDone+anotDone)
			},
		},
	}
}
