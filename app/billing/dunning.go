package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
)

// Dunning: when a payment fails, the tenant's admins are emailed on the day of the first
// failure, then from the third day and from the seventh, each email once; once the invoice is
// paid (or a new failure replaces it) the count starts again. The account keeps which failure
// the emails are about (DunningSince) and how many went out (DunningSent); the count moves by
// compare-and-set, in the transaction that writes the emails to the outbox, so two workers
// never send one twice.

// TaskDunningAll queues TaskDunning for every tenant past due (hourly).
const TaskDunningAll = "billing:dunning_all"

// dunningDays are the days after the first failure the emails are due (email n at
// dunningDays[n-1]).
var dunningDays = []int{0, 3, 7}

// dunningAllWhy names the hourly sweep's work across tenants.
const dunningAllWhy = "billing:dunning_all"

func (s *Service) registerDunning(m *jobs.Mux) {
	jobs.Handle(m, TaskDunning, func(ctx context.Context, p jobs.Tenant) error { return s.Dunning(ctx) })
	jobs.Handle(m, TaskDunningAll, func(ctx context.Context, p jobs.Tenant) error { return s.DunningAll(ctx) })
}

func dunningPeriodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "17 * * * *", Type: TaskDunningAll}}
}

// dunningDue is how many of the emails are due at now for a failure at since.
func dunningDue(since, now time.Time) int {
	n := 0
	for i, d := range dunningDays {
		if !now.Before(since.AddDate(0, 0, d)) {
			n = i + 1
		}
	}
	return n
}

// Dunning sends what is due of the dunning emails of ctx's tenant, and clears the dunning once
// nothing is unpaid. It is safe to run any number of times, by any number of workers.
func (s *Service) Dunning(ctx context.Context) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	db, err := database.For(ctx, s.d.DB)
	if err != nil {
		return err
	}
	a := new(Account)
	if err := db.Select(a).Scan(ctx); errors.Is(err, sql.ErrNoRows) {
		return nil // never near billing: nothing to chase
	} else if err != nil {
		return err
	}
	// The failed payment: the oldest open invoice of the subscription with a failure (the
	// access rule's PastDueSince, facts in access.go).
	var invs []Invoice
	if err := db.Select(&invs).Where("bi.status = 'open' AND bi.first_failed_at IS NOT NULL").
		Where("bi.subscription_id = ?", a.StripeSubscriptionID).OrderExpr("bi.first_failed_at, bi.id").Limit(1).Scan(ctx); err != nil {
		return err
	}
	if len(invs) == 0 {
		if a.DunningSince == nil && a.DunningSent == 0 {
			return nil
		}
		_, err := db.Update((*Account)(nil)).Set("dunning_since = NULL").Set("dunning_sent = 0").Set("updated_at = ?", s.now()).Exec(ctx)
		return err
	}
	inv := invs[0]
	since := inv.FirstFailedAt.UTC()
	if a.DunningSince == nil || !a.DunningSince.Equal(since) {
		// A new failure (or the first): the emails start again. Only from the state read, so a
		// worker that lost the race changes nothing.
		q := db.Update((*Account)(nil)).Set("dunning_since = ?", since).Set("dunning_sent = 0").Set("updated_at = ?", s.now())
		if a.DunningSince == nil {
			q = q.Where("ba.dunning_since IS NULL")
		} else {
			q = q.Where("ba.dunning_since = ?", *a.DunningSince)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another worker started it again, and sends what is due
		}
		a.DunningSince, a.DunningSent = &since, 0
	}
	due := dunningDue(since, s.now())
	if due <= a.DunningSent {
		return nil
	}
	t, err := s.d.Tenants.TenantByID(ctx, sc.TenantID)
	if err != nil {
		return err
	}
	if t.Deleted() {
		return nil // nobody can open it to pay
	}
	return database.InTx(ctx, s.d.DB, func(ctx context.Context) error {
		db, err := database.For(ctx, s.d.DB)
		if err != nil {
			return err
		}
		// Compare-and-set: only the worker that moves the count from what it read sends.
		res, err := db.Update((*Account)(nil)).Set("dunning_sent = ?", due).Set("updated_at = ?", s.now()).
			Where("ba.dunning_sent = ? AND ba.dunning_since = ?", a.DunningSent, since).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another worker sent it
		}
		admins, _, err := s.d.Tenants.People(ctx, tenants.PeopleFilter{Role: authz.TenantAdmin, Status: tenants.MemberActive})
		if err != nil {
			return err
		}
		subject, body := s.dunningEmail(due, t, &inv, since)
		for _, m := range admins {
			if err := s.d.Mail.Send(ctx, m.Email, subject, body); err != nil {
				return err
			}
		}
		return nil
	})
}

// dunningEmail is email n (1 to 3) about the failed payment of inv, first failed at since.
func (s *Service) dunningEmail(n int, t *tenants.Tenant, inv *Invoice, since time.Time) (subject, body string) {
	readOnly := since.AddDate(0, 0, s.d.Cfg.GraceDays)
	link := strings.TrimRight(s.d.BaseURL, "/") + "/t/" + t.Slug + "/billing"
	amount := money.Cents(inv.AmountRemaining)
	if amount == 0 {
		amount = money.Cents(inv.AmountDue)
	}
	switch n {
	case 1:
		subject = "A payment for " + t.Name + " on Holdspace failed"
	case 2:
		subject = "Reminder: a payment for " + t.Name + " on Holdspace is unpaid"
	default:
		subject = "Last reminder: " + t.Name + " becomes read-only on " + readOnly.Format("January 2, 2006")
	}
	var b strings.Builder
	b.WriteString("Hello,\n\n")
	fmt.Fprintf(&b, "The payment of %s for the Holdspace subscription of %s failed on %s", amount, t.Name, since.Format("January 2, 2006"))
	if inv.Number != "" {
		fmt.Fprintf(&b, " (invoice %s)", inv.Number)
	}
	b.WriteString(", and it is still unpaid.\n\n")
	if s.now().Before(readOnly) {
		fmt.Fprintf(&b, "Please pay by %s. If it is still unpaid then, %s becomes read-only: everyone can still sign in, read records, and run reports and exports, but nobody can make changes until it is paid.\n\n",
			readOnly.Format("January 2, 2006"), t.Name)
	} else {
		fmt.Fprintf(&b, "%s has been read-only since %s: everyone can still sign in, read records, and run reports and exports, but nobody can make changes until it is paid.\n\n",
			t.Name, readOnly.Format("January 2, 2006"))
	}
	b.WriteString("Nothing will be deleted. Paying makes changes possible again at once.\n\n")
	fmt.Fprintf(&b, "Pay, or change the card, on the billing page:\n%s\n\n", link)
	b.WriteString("You receive this because you are an administrator of " + t.Name + " on Holdspace.\n")
	return subject, b.String()
}

// DunningAll queues the dunning task of every tenant past due (the hourly sweep, across
// tenants on the named path: it reads the tenants' statuses only).
func (s *Service) DunningAll(ctx context.Context) error {
	ids, err := s.pastDueTenants(database.AcrossTenants(ctx, dunningAllWhy))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.d.Queue.Enqueue(ctx, TaskDunning, jobs.Tenant{TenantID: id}); err != nil {
			return err
		}
	}
	return nil
}

// pastDueTenants are the ids of the tenants whose status is past due.
func (s *Service) pastDueTenants(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.d.DB.NewSelect().TableExpr("tenants AS t").ColumnExpr("t.id").
		Where("t.status = ? AND t.deleted_at IS NULL", tenants.StatusPastDue).OrderExpr("t.id").Scan(ctx, &ids)
	return ids, err
}
