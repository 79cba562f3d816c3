package billing

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/tenants"
)

// TestDecide is the one access rule, case by case: until when a tenant may write, the status
// the console shows, and the sentence its people read once it has passed.
func TestDecide(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { v := now.AddDate(0, 0, days); return &v }
	eod := func(days int) *time.Time { v := endOfDay(now.AddDate(0, 0, days)); return &v }
	date := func(days int) string { return now.AddDate(0, 0, days).Format(time.DateOnly) }
	acct := func(status string, change func(a *Account)) *Account {
		a := &Account{Status: status, StripeSubscriptionID: "sub_1", PlanCode: "partnership", SubEventAt: now.AddDate(0, 0, -3).Unix()}
		if change != nil {
			change(a)
		}
		return a
	}
	cases := []struct {
		name      string
		f         Facts
		until     *time.Time // nil: no limit
		status    string
		readOnly  bool     // at now
		reasonHas []string // the sentence's words (checked when not empty)
		noReason  bool
		plan      string
	}{
		{name: "legacy tenant: no trial, no account, no limit", f: Facts{}, until: nil, status: "", noReason: true},
		{name: "trial before its end", f: Facts{TrialEndsAt: at(5)}, until: at(5), status: tenants.StatusTrial,
			reasonHas: []string{"The trial ended on December 11, 2026."}},
		{name: "trial after its end", f: Facts{TrialEndsAt: at(-1)}, until: at(-1), status: "", readOnly: true,
			reasonHas: []string{"The trial ended on December 5, 2026."}},
		{name: "active subscription: no limit, whatever the trial", f: Facts{TrialEndsAt: at(-40), Account: acct(SubActive, nil)},
			until: nil, status: tenants.StatusActive, noReason: true, plan: "partnership"},
		{name: "Stripe's own trial counts as active", f: Facts{TrialEndsAt: at(-40), Account: acct(SubTrialing, nil)},
			until: nil, status: tenants.StatusActive, noReason: true, plan: "partnership"},
		{name: "past due within grace (from the first failure)", f: Facts{TrialEndsAt: at(-40), Account: acct(SubPastDue, nil), PastDueSince: at(-10), GraceDays: 14},
			until: at(4), status: tenants.StatusPastDue, plan: "partnership",
			reasonHas: []string{"A payment failed on November 26, 2026", "14 days of grace ended on December 10, 2026."}},
		{name: "past due beyond grace", f: Facts{TrialEndsAt: at(-40), Account: acct(SubPastDue, nil), PastDueSince: at(-15), GraceDays: 14},
			until: at(-1), status: tenants.StatusPastDue, readOnly: true, plan: "partnership",
			reasonHas: []string{"A payment failed on November 21, 2026", "grace ended on December 5, 2026."}},
		{name: "past due without a failed invoice: grace from the subscription's event", f: Facts{TrialEndsAt: at(-40), Account: acct(SubPastDue, nil), GraceDays: 14},
			until: at(11), status: tenants.StatusPastDue, plan: "partnership", reasonHas: []string{"A payment failed on December 3, 2026"}},
		{name: "unpaid is past due", f: Facts{Account: acct(SubUnpaid, nil), PastDueSince: at(-20), GraceDays: 14},
			until: at(-6), status: tenants.StatusPastDue, readOnly: true, plan: "partnership"},
		{name: "another grace period", f: Facts{Account: acct(SubPastDue, nil), PastDueSince: at(-20), GraceDays: 30},
			until: at(10), status: tenants.StatusPastDue, plan: "partnership", reasonHas: []string{"30 days of grace"}},
		{name: "cancelled: until it ended", f: Facts{TrialEndsAt: at(-60), Account: acct(SubCanceled, func(a *Account) { a.EndedAt = at(-2); a.CurrentPeriodEnd = at(20) })},
			until: at(-2), status: tenants.StatusCanceled, readOnly: true, reasonHas: []string{"The subscription ended on December 4, 2026."}, plan: "partnership"},
		{name: "cancelled at period end: until the period's end", f: Facts{TrialEndsAt: at(-60), Account: acct(SubCanceled, func(a *Account) { a.CurrentPeriodEnd = at(9) })},
			until: at(9), status: tenants.StatusCanceled, reasonHas: []string{"The subscription ended on December 15, 2026."}, plan: "partnership"},
		{name: "comp extends beyond the trial", f: Facts{TrialEndsAt: at(-3), Account: &Account{CompUntil: at(30)}},
			until: eod(30), status: tenants.StatusComped, reasonHas: []string{"Free use ended on January 5, 2027."}},
		{name: "comp over, trial over: the one that ended last", f: Facts{TrialEndsAt: at(-10), Account: &Account{CompUntil: at(-2)}},
			until: eod(-2), status: "", readOnly: true, reasonHas: []string{"Free use ended on December 4, 2026."}},
		{name: "trial outlasts an old comp", f: Facts{TrialEndsAt: at(-1), Account: &Account{CompUntil: at(-5)}},
			until: at(-1), readOnly: true, reasonHas: []string{"The trial ended on December 5, 2026."}},
		{name: "contract extends beyond the trial", f: Facts{TrialEndsAt: at(-3), Contracts: []Contract{{PONumber: "PO-77", StartsOn: date(-30), EndsOn: date(200)}}},
			until: eod(200), status: tenants.StatusContract, reasonHas: []string{"The contract (PO PO-77) ended on June 24, 2027."}},
		{name: "the latest grant wins: contract over comp over trial", f: Facts{TrialEndsAt: at(10), Account: &Account{CompUntil: at(20)},
			Contracts: []Contract{{PONumber: "A", EndsOn: date(5)}, {PONumber: "B", EndsOn: date(40)}}},
			until: eod(40), status: tenants.StatusContract, reasonHas: []string{"(PO B)"}},
		{name: "a contract that ended, and a cancelled subscription that ended later", f: Facts{Account: acct(SubCanceled, func(a *Account) { a.EndedAt = at(-3) }),
			Contracts: []Contract{{PONumber: "OLD", EndsOn: date(-30)}}},
			until: at(-3), status: tenants.StatusCanceled, readOnly: true, reasonHas: []string{"The subscription ended on December 3, 2026."}, plan: "partnership"},
		{name: "past due beyond grace, but a comp runs on", f: Facts{Account: acct(SubPastDue, func(a *Account) { a.CompUntil = at(3) }), PastDueSince: at(-30), GraceDays: 14},
			until: eod(3), status: tenants.StatusPastDue, plan: "partnership", reasonHas: []string{"Free use ended on December 9, 2026."}},
		{name: "a contract with a malformed end is no grant", f: Facts{TrialEndsAt: at(-1), Contracts: []Contract{{PONumber: "X", EndsOn: "someday"}}},
			until: at(-1), readOnly: true, reasonHas: []string{"The trial ended"}},
		{name: "subscribed during the trial, then a payment failed: the grace, not the trial's rest", f: Facts{TrialEndsAt: at(20),
			Account: acct(SubPastDue, nil), PastDueSince: at(-15), GraceDays: 14},
			until: at(-1), status: tenants.StatusPastDue, readOnly: true, plan: "partnership", reasonHas: []string{"the 14 days of grace ended on"}},
		{name: "an incomplete subscription grants nothing", f: Facts{TrialEndsAt: at(-1), Account: acct(SubIncomplete, nil)},
			until: at(-1), readOnly: true, reasonHas: []string{"The trial ended"}, plan: "partnership"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Now = now
			if tc.f.GraceDays == 0 {
				tc.f.GraceDays = 14
			}
			got := Decide(tc.f)
			switch {
			case tc.until == nil && got.Until != nil:
				t.Fatalf("until %v, want no limit", got.Until)
			case tc.until != nil && (got.Until == nil || !got.Until.Equal(*tc.until)):
				t.Fatalf("until %v, want %v", got.Until, *tc.until)
			}
			if tc.status != "" && got.Status != tc.status {
				t.Errorf("status %q, want %q", got.Status, tc.status)
			}
			if tc.status == "" && tc.name == "legacy tenant: no trial, no account, no limit" && got.Status != "" {
				t.Errorf("status %q, want none (the tenant's own stays)", got.Status)
			}
			if got.Plan != tc.plan {
				t.Errorf("plan %q, want %q", got.Plan, tc.plan)
			}
			if tc.noReason && got.Reason != "" {
				t.Errorf("reason %q, want none", got.Reason)
			}
			for _, w := range tc.reasonHas {
				if !strings.Contains(got.Reason, w) {
					t.Errorf("reason %q, want it to say %q", got.Reason, w)
				}
			}
			// What the tenant's people see: read-only exactly when the limit has passed, with
			// the reason's sentence.
			tn := &tenants.Tenant{AccessUntil: got.Until, AccessReason: got.Reason}
			ro := tn.ReadOnly(now)
			if (ro != "") != tc.readOnly {
				t.Fatalf("read-only at now = %q, want read-only %v", ro, tc.readOnly)
			}
			if tc.readOnly && ro != got.Reason {
				t.Errorf("the page says %q, want the reason %q", ro, got.Reason)
			}
		})
	}
}

// TestDecideStatuses: the status the console shows describes the tenant now.
func TestDecideStatuses(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	at := func(days int) *time.Time { v := now.AddDate(0, 0, days); return &v }
	for _, tc := range []struct {
		f    Facts
		want string
	}{
		{Facts{TrialEndsAt: at(3)}, tenants.StatusTrial},
		{Facts{TrialEndsAt: at(3), Account: &Account{Status: SubActive}}, tenants.StatusActive},
		{Facts{TrialEndsAt: at(3), Account: &Account{Status: SubPastDue}, PastDueSince: at(-1)}, tenants.StatusPastDue},
		{Facts{TrialEndsAt: at(-3), Account: &Account{Status: SubCanceled, EndedAt: at(-1)}}, tenants.StatusCanceled},
		{Facts{TrialEndsAt: at(-3), Account: &Account{Status: SubCanceled, CurrentPeriodEnd: at(5)}}, tenants.StatusCanceled},
		{Facts{TrialEndsAt: at(3), Account: &Account{CompUntil: at(1)}}, tenants.StatusComped},
		{Facts{TrialEndsAt: at(3), Contracts: []Contract{{EndsOn: at(1).Format(time.DateOnly)}}}, tenants.StatusContract},
		// A live contract describes the tenant better than a live comp or trial.
		{Facts{TrialEndsAt: at(30), Account: &Account{CompUntil: at(30)}, Contracts: []Contract{{EndsOn: at(2).Format(time.DateOnly)}}}, tenants.StatusContract},
	} {
		tc.f.Now, tc.f.GraceDays = now, 14
		if got := Decide(tc.f).Status; got != tc.want {
			t.Errorf("Decide(%+v).Status = %q, want %q", tc.f, got, tc.want)
		}
	}
}

// accessEnv is billing on a fresh database, with the tenants service whose trial changes
// decide the access again (the server wires the same hook).
type accessEnv struct {
	svc   *Service
	ten   *tenants.Service
	store *tenants.Store
	now   time.Time
}

func newAccessEnv(t *testing.T) *accessEnv {
	t.Helper()
	db := dbtest.Open(t)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	prefix := "test:" + dbtest.RandomHex(6) + ":"
	queue := jobs.NewNamedQueue(rdb, prefix+jobs.DefaultQueue)
	log := audit.New(db)
	mailer := mail.New(db, queue, nil, "x@y.z")
	acc := accounts.New(db, log, mailer, accounts.NewLimiter(rdb, prefix), "http://holdspace.test", slog.New(slog.DiscardHandler))
	store := tenants.NewStore(db)
	ten := tenants.NewService(db, store, acc, log, mailer, "http://holdspace.test")
	e := &accessEnv{ten: ten, store: store, now: time.Now().UTC()}
	e.svc = New(Deps{DB: db, Audit: log, Mail: mailer, Queue: queue, Tenants: store,
		Cfg: config.Stripe{GraceDays: 14, NetDays: 30}, BaseURL: "http://holdspace.test", Now: func() time.Time { return e.now }})
	ten.OnLifeChanged(e.svc.Refresh)
	return e
}

// tenant makes a tenant whose trial ends at trialEnds (nil: a tenant from before billing) and
// returns its admin's context.
func (e *accessEnv) tenant(t *testing.T, trialEnds *time.Time) (context.Context, *tenants.Tenant) {
	t.Helper()
	status := tenants.StatusTrial
	if trialEnds == nil {
		status = tenants.StatusActive
	}
	tn := &tenants.Tenant{Slug: "acc-" + dbtest.RandomHex(4), Name: "Access tenant", Kind: tenants.KindStateSystem,
		State: "IL", Status: status, Plan: "trial", TimeZone: "America/Chicago", TrialEndsAt: trialEnds}
	if err := e.ten.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug,
		UserID: database.NewID(), Role: authz.TenantAdmin})
	return ctx, tn
}

func (e *accessEnv) reload(t *testing.T, id string) *tenants.Tenant {
	t.Helper()
	tn, err := e.store.TenantByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// TestRefreshRecordsAccess: through the database, on SQLite and PostgreSQL, the access Decide
// gives is what the tenant's row holds, and what its people read.
func TestRefreshRecordsAccess(t *testing.T) {
	e := newAccessEnv(t)
	ended := e.now.AddDate(0, 0, -2).Truncate(time.Second)

	t.Run("TrialEnded", func(t *testing.T) {
		_, tn := e.tenant(t, &ended)
		if err := e.svc.Refresh(context.Background(), tn.ID); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, tn.ID)
		if got.AccessUntil == nil || !got.AccessUntil.Equal(ended) {
			t.Fatalf("access until %v, want the trial's end %v", got.AccessUntil, ended)
		}
		if ro := got.ReadOnly(e.now); !strings.Contains(ro, "The trial ended on "+day(ended)) {
			t.Fatalf("read-only %q, want the trial's sentence", ro)
		}
	})

	t.Run("LegacyTenantHasNoLimit", func(t *testing.T) {
		_, tn := e.tenant(t, nil)
		if err := e.svc.Refresh(context.Background(), tn.ID); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, tn.ID)
		if got.AccessUntil != nil || got.ReadOnly(e.now) != "" || got.Status != tenants.StatusActive {
			t.Fatalf("a tenant from before billing: until %v, read-only %q, status %q; want no limit, active",
				got.AccessUntil, got.ReadOnly(e.now), got.Status)
		}
	})

	t.Run("ExtendTrialMovesAccess", func(t *testing.T) {
		_, tn := e.tenant(t, &ended)
		if err := e.svc.Refresh(context.Background(), tn.ID); err != nil {
			t.Fatal(err)
		}
		if e.reload(t, tn.ID).ReadOnly(e.now) == "" {
			t.Fatal("the trial ended, yet the tenant may write")
		}
		if _, err := e.ten.ExtendTrial(context.Background(), tn.ID, "10", ""); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, tn.ID)
		if got.AccessUntil == nil || got.TrialEndsAt == nil || !got.AccessUntil.Equal(*got.TrialEndsAt) {
			t.Fatalf("access until %v, want the trial's new end %v", got.AccessUntil, got.TrialEndsAt)
		}
		if !got.AccessUntil.After(e.now.AddDate(0, 0, 9)) {
			t.Fatalf("access until %v, want about ten days from now", got.AccessUntil)
		}
		if ro := got.ReadOnly(e.now); ro != "" {
			t.Fatalf("after the trial was extended the tenant is still read-only: %q", ro)
		}
	})

	t.Run("ExtendTrialDoesNotShortenAContract", func(t *testing.T) {
		ctx, tn := e.tenant(t, &ended)
		ends := e.now.AddDate(1, 0, 0).Format(time.DateOnly)
		db, err := database.For(ctx, e.svc.d.DB)
		if err != nil {
			t.Fatal(err)
		}
		c := &Contract{ID: database.NewID(), PONumber: "PO-9", StartsOn: e.now.Format(time.DateOnly), EndsOn: ends, Amount: 100000, CreatedAt: e.now}
		if _, err := db.Insert(c).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ten.ExtendTrial(context.Background(), tn.ID, "5", ""); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, tn.ID)
		want, _ := time.Parse(time.DateOnly, ends)
		if got.AccessUntil == nil || !got.AccessUntil.Equal(endOfDay(want)) || got.Status != tenants.StatusContract {
			t.Fatalf("access until %v, status %q; want the contract's end %v, contract", got.AccessUntil, got.Status, endOfDay(want))
		}
	})

	t.Run("PastDueGraceThenPaid", func(t *testing.T) {
		ctx, tn := e.tenant(t, &ended)
		at := e.now.AddDate(0, 0, -20).Unix()
		sub := &stripe.Subscription{ID: "sub_ro_" + dbtest.RandomHex(4), Status: stripe.SubscriptionStatusPastDue,
			Customer: &stripe.Customer{ID: "cus_ro"}, CurrentPeriodEnd: e.now.AddDate(0, 0, 10).Unix()}
		if _, err := e.svc.ApplySubscription(ctx, sub, at, "evt_1"); err != nil {
			t.Fatal(err)
		}
		failedAt := e.now.AddDate(0, 0, -15).Unix()
		inv := &stripe.Invoice{ID: "in_ro_" + dbtest.RandomHex(4), Status: stripe.InvoiceStatusOpen, Subscription: sub,
			Created: failedAt, AmountDue: 5000, AmountRemaining: 5000}
		if _, err := e.svc.ApplyInvoice(ctx, inv, failedAt, "evt_2", true); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, tn.ID)
		since := time.Unix(failedAt, 0).UTC()
		if got.AccessUntil == nil || !got.AccessUntil.Equal(since.AddDate(0, 0, 14)) {
			t.Fatalf("access until %v, want 14 days after the first failure %v", got.AccessUntil, since)
		}
		if got.Status != tenants.StatusPastDue {
			t.Fatalf("status %q, want past_due", got.Status)
		}
		if ro := got.ReadOnly(e.now); !strings.Contains(ro, "A payment failed on "+day(since)) {
			t.Fatalf("read-only %q, want the failed payment's sentence", ro)
		}
		// Paid: active again at once, no limit.
		sub.Status = stripe.SubscriptionStatusActive
		if _, err := e.svc.ApplySubscription(ctx, sub, e.now.Unix(), "evt_3"); err != nil {
			t.Fatal(err)
		}
		got = e.reload(t, tn.ID)
		if got.AccessUntil != nil || got.ReadOnly(e.now) != "" || got.Status != tenants.StatusActive {
			t.Fatalf("after paying: until %v, read-only %q, status %q; want no limit, active", got.AccessUntil, got.ReadOnly(e.now), got.Status)
		}
	})
}
