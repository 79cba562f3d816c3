package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// Facts are what decides a tenant's access.
type Facts struct {
	TrialEndsAt *time.Time
	Account     *Account // nil: the tenant has never been near billing
	// PastDueSince is the first failure of the oldest unpaid invoice of the subscription.
	PastDueSince *time.Time
	Contracts    []Contract
	GraceDays    int
	Now          time.Time
}

// grant is one reason the tenant may write, until a time (nil: no end).
type grant struct {
	status string
	until  *time.Time
	reason string // what its people read once it has passed
}

func day(t time.Time) string { return t.UTC().Format("January 2, 2006") }

// Decide is the one rule of a tenant's access. Each of these lets it write, until a time:
//
//   - a subscription that is active (or in Stripe's trial): no end;
//   - a subscription past due (or unpaid): the grace days after the first failed payment;
//   - a cancelled subscription: the end of the period paid for;
//   - the trial, until the tenant subscribes: its end (30 days from sign-up, or as a platform
//     admin extended it);
//   - a comp: the end of its last day; a contract paid outside Stripe: the end of its term.
//
// The tenant may write until the latest of them; after that it is read-only, and its people
// read the reason of the one that ended last. A tenant with no trial date and nothing in
// billing (made before billing existed) has no limit.
func Decide(f Facts) tenants.Access {
	var gs []grant
	a := f.Account
	// The trial counts until the tenant subscribes: a subscription (even one whose payment
	// then fails) replaces it, so a failed payment's grace is 14 days, not the trial's rest.
	if f.TrialEndsAt != nil && (a == nil || !a.subscribedOnce()) {
		gs = append(gs, grant{tenants.StatusTrial, f.TrialEndsAt, "The trial ended on " + day(*f.TrialEndsAt) + "."})
	}
	if a != nil {
		switch a.Status {
		case SubActive, SubTrialing:
			gs = append(gs, grant{tenants.StatusActive, nil, ""})
		case SubPastDue, SubUnpaid:
			since := f.PastDueSince
			if since == nil {
				t := time.Unix(a.SubEventAt, 0).UTC()
				since = &t
			}
			until := since.AddDate(0, 0, f.GraceDays)
			gs = append(gs, grant{tenants.StatusPastDue, &until, fmt.Sprintf(
				"A payment failed on %s and is still unpaid: the %d days of grace ended on %s.", day(*since), f.GraceDays, day(until))})
		case SubCanceled:
			end := a.EndedAt
			if end == nil {
				end = a.CurrentPeriodEnd
			}
			if end != nil {
				gs = append(gs, grant{tenants.StatusCanceled, end, "The subscription ended on " + day(*end) + "."})
			}
		}
		if a.CompUntil != nil {
			until := endOfDay(*a.CompUntil)
			gs = append(gs, grant{tenants.StatusComped, &until, "Free use ended on " + day(*a.CompUntil) + "."})
		}
	}
	for _, c := range f.Contracts {
		end, err := time.Parse(time.DateOnly, c.EndsOn)
		if err != nil {
			continue
		}
		until := endOfDay(end)
		gs = append(gs, grant{tenants.StatusContract, &until, fmt.Sprintf("The contract (PO %s) ended on %s.", c.PONumber, day(end))})
	}
	if len(gs) == 0 {
		return tenants.Access{}
	}
	// The latest end wins (no end beats every end).
	best := gs[0]
	for _, g := range gs[1:] {
		if best.until == nil {
			break
		}
		if g.until == nil || g.until.After(*best.until) {
			best = g
		}
	}
	out := tenants.Access{Until: best.until, Reason: best.reason, Status: statusOf(gs, a, f.Now)}
	if out.Status == "" {
		out.Status = best.status
	}
	// The account's plan, whatever its status: the plan of the newest subscription event,
	// so the same whatever order the events came in (a cancelled tenant keeps its last plan).
	if a != nil && a.PlanCode != "" {
		out.Plan = a.PlanCode
	}
	return out
}

// statusOf is the status the console and the layout show: what describes the tenant now, the
// subscription first.
func statusOf(gs []grant, a *Account, now time.Time) string {
	if a != nil {
		switch a.Status {
		case SubActive, SubTrialing:
			return tenants.StatusActive
		case SubPastDue, SubUnpaid:
			return tenants.StatusPastDue
		}
	}
	live := func(status string) bool {
		for _, g := range gs {
			if g.status == status && (g.until == nil || now.Before(*g.until)) {
				return true
			}
		}
		return false
	}
	for _, s := range []string{tenants.StatusContract, tenants.StatusComped, tenants.StatusCanceled, tenants.StatusTrial} {
		if live(s) {
			return s
		}
	}
	if a != nil && a.Status == SubCanceled {
		return tenants.StatusCanceled
	}
	return ""
}

// Refresh decides the tenant's access again from what billing holds and records it on the
// tenant's row, in ctx's transaction (or its own). Every change to an account, an invoice, a
// comp or a contract ends with it; so does a change to the tenant's trial.
func (s *Service) Refresh(ctx context.Context, tenantID string) error {
	ctx = database.WithScope(ctx, database.Scope{TenantID: tenantID})
	return database.InTx(ctx, s.d.DB, func(ctx context.Context) error {
		t, err := s.d.Tenants.TenantByID(ctx, tenantID)
		if err != nil {
			return err
		}
		f, err := s.facts(ctx, t.TrialEndsAt)
		if err != nil {
			return err
		}
		return s.d.Tenants.SetAccess(ctx, tenantID, Decide(f))
	})
}

// facts reads what Decide needs, in ctx's tenant.
func (s *Service) facts(ctx context.Context, trialEnds *time.Time) (Facts, error) {
	f := Facts{TrialEndsAt: trialEnds, GraceDays: s.d.Cfg.GraceDays, Now: s.now()}
	db, err := database.For(ctx, s.d.DB)
	if err != nil {
		return f, err
	}
	acct := new(Account)
	switch err := db.Select(acct).Scan(ctx); {
	case err == nil:
		f.Account = acct
	case errors.Is(err, sql.ErrNoRows):
	default:
		return f, err
	}
	if f.Account != nil {
		var since []time.Time
		if err := db.SelectFrom("billing_invoices", "bi").ColumnExpr("bi.first_failed_at").
			Where("bi.status = 'open' AND bi.first_failed_at IS NOT NULL").
			Where("bi.subscription_id = ?", f.Account.StripeSubscriptionID).
			OrderExpr("bi.first_failed_at").Limit(1).Scan(ctx, &since); err != nil {
			return f, err
		}
		if len(since) > 0 {
			t := since[0].UTC()
			f.PastDueSince = &t
		}
	}
	if err := db.Select(&f.Contracts).OrderExpr("bc.ends_on").Scan(ctx); err != nil {
		return f, err
	}
	return f, nil
}

// Account returns the tenant's account, or ENOTFOUND before it has one.
func (s *Service) Account(ctx context.Context) (*Account, error) {
	db, err := database.For(ctx, s.d.DB)
	if err != nil {
		return nil, err
	}
	a := new(Account)
	if err := db.Select(a).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFound("billing account")
		}
		return nil, err
	}
	return a, nil
}

// lockAccount makes sure the tenant of ctx has an account and locks its row until ctx's
// transaction ends, so two workers handling the same tenant's events take turns (and each
// decides the access from what the other committed).
func (s *Service) lockAccount(ctx context.Context) error {
	db, err := database.For(ctx, s.d.DB)
	if err != nil {
		return err
	}
	now := s.now()
	a := &Account{Currency: "usd", NetDays: s.d.Cfg.NetDays, CreatedAt: now, UpdatedAt: now}
	if _, err := db.Insert(a).On("CONFLICT (tenant_id) DO NOTHING").Exec(ctx); err != nil {
		return err
	}
	_, err = db.Update((*Account)(nil)).Set("updated_at = ?", now).Exec(ctx)
	return err
}
