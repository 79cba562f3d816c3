package billing

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stripe/stripe-go/v76"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
)

// consoleEnv is billing on a fresh database with a clock the test moves.
type consoleEnv struct {
	db    *bun.DB
	s     *Service
	now   time.Time
	store *tenants.Store
	acc   *accounts.Service
	audit *audit.Log
	rdb   redis.UniversalClient
	queue string // the asynq queue of the test's tasks
}

func newConsoleEnv(t *testing.T) *consoleEnv {
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
	mailer := mail.New(db, queue, nil, "Holdspace <no-reply@holdspace.test>")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &consoleEnv{db: db, store: tenants.NewStore(db), audit: log, rdb: rdb, queue: prefix + jobs.DefaultQueue,
		acc: accounts.New(db, log, mailer, accounts.NewLimiter(rdb, prefix), "http://holdspace.test", quiet),
		now: time.Now().UTC().Truncate(time.Second)}
	e.s = New(Deps{DB: db, Audit: log, Mail: mailer, Queue: queue, Tenants: e.store, BaseURL: "http://holdspace.test/",
		Log: quiet, Now: func() time.Time { return e.now }})
	return e
}

// tenant makes a tenant whose trial ends at trialEnds, with its access decided.
func (e *consoleEnv) tenant(t *testing.T, word string, trialEnds time.Time) (*tenants.Tenant, context.Context) {
	t.Helper()
	tn := &tenants.Tenant{Slug: word + "-" + dbtest.RandomHex(3), Name: word + " tenant", Kind: tenants.KindStateSystem,
		State: "IL", Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago", TrialEndsAt: &trialEnds}
	if err := e.store.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug})
	if err := e.s.Refresh(ctx, tn.ID); err != nil {
		t.Fatal(err)
	}
	return tn, ctx
}

// person adds someone to the tenant.
func (e *consoleEnv) person(t *testing.T, ctx context.Context, email, role string, active bool) {
	t.Helper()
	u, err := e.acc.CreateUser(context.Background(), email, strings.Split(email, "@")[0], "", false)
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.For(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	now := database.Now()
	m := &tenants.Membership{ID: database.NewID(), UserID: u.ID, Role: role, Active: active, CreatedAt: now, UpdatedAt: now}
	if _, err := db.Insert(m).Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

// subscribe records a subscription (as Stripe's event would) of seats at unit cents per
// interval ("month" or "year"), in status.
func (e *consoleEnv) subscribe(t *testing.T, ctx context.Context, id, status, interval string, seats, unit int64) {
	t.Helper()
	sub := &stripe.Subscription{ID: id, Status: stripe.SubscriptionStatus(status), Customer: &stripe.Customer{ID: "cus_" + id},
		CollectionMethod: stripe.SubscriptionCollectionMethodChargeAutomatically, CurrentPeriodEnd: e.now.AddDate(0, 1, 0).Unix(),
		Items: &stripe.SubscriptionItemList{Data: []*stripe.SubscriptionItem{{ID: "si_" + id, Quantity: seats,
			Price: &stripe.Price{ID: "price_" + interval, UnitAmount: unit, Currency: "usd",
				Recurring: &stripe.PriceRecurring{Interval: stripe.PriceRecurringInterval(interval)}}}}}}
	if _, err := e.s.ApplySubscription(ctx, sub, e.now.Unix(), "evt_sub_"+id+"_"+status); err != nil {
		t.Fatal(err)
	}
}

// invoice records an invoice of the subscription, failed (a payment_failed event at at) or as
// it is.
func (e *consoleEnv) invoice(t *testing.T, ctx context.Context, id, sub, status string, due int64, at time.Time, failed bool) {
	t.Helper()
	inv := &stripe.Invoice{ID: id, Number: "INV-" + id, Status: stripe.InvoiceStatus(status), AmountDue: due, Currency: "usd",
		Subscription: &stripe.Subscription{ID: sub}, Created: at.Unix()}
	if status == "paid" {
		inv.AmountPaid = due
	} else {
		inv.AmountRemaining = due
	}
	if _, err := e.s.ApplyInvoice(ctx, inv, at.Unix(), "evt_"+id+"_"+status, failed); err != nil {
		t.Fatal(err)
	}
}

func (e *consoleEnv) tenantRow(t *testing.T, id string) *tenants.Tenant {
	t.Helper()
	tn, err := e.store.TenantByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

func (e *consoleEnv) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	n, err := dbtest.Owner(t, e.db).NewSelect().Table(table).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func ymd(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// TestCompValidation: every bad field is named, and nothing is written.
func TestCompValidation(t *testing.T) {
	e := newConsoleEnv(t)
	tn, _ := e.tenant(t, "comp", e.now.AddDate(0, 0, -1))
	today := e.now.Truncate(24 * time.Hour)
	long := strings.Repeat("x", 501)
	for _, c := range []struct {
		name   string
		in     CompInput
		fields []string
	}{
		{"empty", CompInput{}, []string{"until", "reason"}},
		{"not a date", CompInput{Until: "next June", Reason: "Pilot"}, []string{"until"}},
		{"impossible date", CompInput{Until: "2026-02-30", Reason: "Pilot"}, []string{"until"}},
		{"today", CompInput{Until: ymd(today), Reason: "Pilot"}, []string{"until"}},
		{"yesterday", CompInput{Until: ymd(today.AddDate(0, 0, -1)), Reason: "Pilot"}, []string{"until"}},
		{"beyond three years", CompInput{Until: ymd(today.AddDate(3, 0, 1)), Reason: "Pilot"}, []string{"until"}},
		{"no reason", CompInput{Until: ymd(today.AddDate(0, 1, 0)), Reason: "  "}, []string{"reason"}},
		{"reason too long", CompInput{Until: ymd(today.AddDate(0, 1, 0)), Reason: long}, []string{"reason"}},
	} {
		_, err := e.s.Comp(context.Background(), tn.ID, c.in)
		if apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("%s: got %v, want EINVALID", c.name, err)
		}
		fields := apperr.FieldsOf(err)
		if len(fields) != len(c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, fields, c.fields)
		}
		for _, f := range c.fields {
			if fields[f] == "" {
				t.Errorf("%s: the field %s is not named: %v", c.name, f, fields)
			}
		}
	}
	if n := e.count(t, "billing_accounts", "tenant_id = ?", tn.ID); n != 0 {
		t.Errorf("refused comps made %d accounts", n)
	}
	if n := e.count(t, "audit_events", "tenant_id = ? AND action LIKE 'billing.%'", tn.ID); n != 0 {
		t.Errorf("refused comps wrote %d audit events", n)
	}
	// The edges are accepted: tomorrow and three years from today.
	for _, d := range []time.Time{today.AddDate(0, 0, 1), today.AddDate(3, 0, 0)} {
		if _, err := e.s.Comp(context.Background(), tn.ID, CompInput{Until: ymd(d), Reason: "Edge"}); err != nil {
			t.Errorf("comp until %s: %v", ymd(d), err)
		}
	}
	if _, err := e.s.Comp(context.Background(), "not-a-tenant", CompInput{Until: ymd(today.AddDate(0, 0, 1)), Reason: "x"}); apperr.Code(err) != apperr.ENOTFOUND {
		t.Errorf("comp of no tenant: %v, want ENOTFOUND", err)
	}
}

// TestCompDecidesAccess: a tenant past its trial is read-only; comped, it may write until the
// end of the comp's last day; the comp ended, it is read-only again. Each change is audited in
// the tenant's log.
func TestCompDecidesAccess(t *testing.T) {
	e := newConsoleEnv(t)
	tn, ctx := e.tenant(t, "comped", e.now.AddDate(0, 0, -2))
	if e.tenantRow(t, tn.ID).ReadOnly(e.now) == "" {
		t.Fatal("a tenant whose trial ended is not read-only")
	}
	until := e.now.Truncate(24*time.Hour).AddDate(0, 2, 0)
	actx := audit.WithActor(context.Background(), audit.Actor{ID: "platform-user", Email: "platform@holdspace.example"})
	if _, err := e.s.Comp(actx, tn.ID, CompInput{Until: ymd(until), Reason: "Pilot with the state office"}); err != nil {
		t.Fatal(err)
	}
	row := e.tenantRow(t, tn.ID)
	if r := row.ReadOnly(e.now); r != "" {
		t.Fatalf("comped tenant is read-only: %s", r)
	}
	if r := row.ReadOnly(until.Add(23 * time.Hour)); r != "" {
		t.Errorf("comped tenant is read-only on the comp's last day: %s", r)
	}
	if r := row.ReadOnly(until.AddDate(0, 0, 1)); !strings.Contains(r, "Free use ended") {
		t.Errorf("the day after the comp: %q, want it read-only because free use ended", r)
	}
	if row.Status != tenants.StatusComped {
		t.Errorf("status %q, want comped", row.Status)
	}
	a, err := e.s.Account(ctx)
	if err != nil || a.CompReason != "Pilot with the state office" || ymd(*a.CompUntil) != ymd(until) {
		t.Fatalf("account %+v, %v", a, err)
	}
	events, _, err := e.audit.List(ctx, audit.Filter{Action: "billing.comp"})
	if err != nil || len(events) != 1 || !strings.Contains(events[0].Detail, "Pilot with the state office") || events[0].ActorEmail != "platform@holdspace.example" {
		t.Fatalf("audit: %+v, %v", events, err)
	}

	_, ended, err := e.s.EndComp(actx, tn.ID)
	if err != nil || !ended {
		t.Fatalf("end comp: %v %v", ended, err)
	}
	if e.tenantRow(t, tn.ID).ReadOnly(e.now) == "" {
		t.Error("the comp ended, yet the tenant past its trial may still write")
	}
	if _, ended, err := e.s.EndComp(actx, tn.ID); err != nil || ended {
		t.Errorf("ending no comp: %v %v, want nothing done", ended, err)
	}
	if n := e.count(t, "audit_events", "tenant_id = ? AND action = 'billing.comp_end'", tn.ID); n != 1 {
		t.Errorf("%d comp_end events, want 1", n)
	}
}

// TestContract: bad fields named and nothing written; a contract lets a tenant past its trial
// write through its last day.
func TestContract(t *testing.T) {
	e := newConsoleEnv(t)
	tn, ctx := e.tenant(t, "contract", e.now.AddDate(0, 0, -2))
	for _, c := range []struct {
		name   string
		in     ContractInput
		fields []string
	}{
		{"empty", ContractInput{}, []string{"po_number", "starts_on", "ends_on", "amount"}},
		{"bad dates", ContractInput{PONumber: "PO-1", StartsOn: "2026-02-30", EndsOn: "soon", Amount: "100"}, []string{"starts_on", "ends_on"}},
		{"ends before starts", ContractInput{PONumber: "PO-1", StartsOn: "2026-07-01", EndsOn: "2026-06-30", Amount: "100"}, []string{"ends_on"}},
		{"ends on the day it starts", ContractInput{PONumber: "PO-1", StartsOn: "2026-07-01", EndsOn: "2026-07-01", Amount: "100"}, []string{"ends_on"}},
		{"zero", ContractInput{PONumber: "PO-1", StartsOn: "2026-07-01", EndsOn: "2027-06-30", Amount: "0.00"}, []string{"amount"}},
		{"negative", ContractInput{PONumber: "PO-1", StartsOn: "2026-07-01", EndsOn: "2027-06-30", Amount: "-5"}, []string{"amount"}},
		{"not money", ContractInput{PONumber: "PO-1", StartsOn: "2026-07-01", EndsOn: "2027-06-30", Amount: "lots"}, []string{"amount"}},
		{"long PO and note", ContractInput{PONumber: strings.Repeat("9", 101), StartsOn: "2026-07-01", EndsOn: "2027-06-30", Amount: "5",
			Note: strings.Repeat("n", 2001)}, []string{"po_number", "note"}},
	} {
		_, _, err := e.s.RecordContract(context.Background(), tn.ID, c.in, "platform@holdspace.example")
		if apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("%s: got %v, want EINVALID", c.name, err)
		}
		fields := apperr.FieldsOf(err)
		if len(fields) != len(c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, fields, c.fields)
		}
		for _, f := range c.fields {
			if fields[f] == "" {
				t.Errorf("%s: the field %s is not named: %v", c.name, f, fields)
			}
		}
	}
	if n := e.count(t, "billing_contracts", "tenant_id = ?", tn.ID) + e.count(t, "billing_accounts", "tenant_id = ?", tn.ID); n != 0 {
		t.Fatalf("refused contracts wrote %d rows", n)
	}

	ends := e.now.Truncate(24*time.Hour).AddDate(0, 6, 0)
	_, k, err := e.s.RecordContract(context.Background(), tn.ID, ContractInput{PONumber: " PO-4471 ", StartsOn: ymd(e.now.AddDate(0, -6, 0)),
		EndsOn: ymd(ends), Amount: "$24,000.00", Note: "Paid by check"}, "platform@holdspace.example")
	if err != nil {
		t.Fatal(err)
	}
	if k.PONumber != "PO-4471" || k.Amount != 2400000 || k.RecordedBy != "platform@holdspace.example" {
		t.Errorf("contract %+v", k)
	}
	row := e.tenantRow(t, tn.ID)
	if r := row.ReadOnly(e.now); r != "" {
		t.Fatalf("tenant with a contract in force is read-only: %s", r)
	}
	if row.Status != tenants.StatusContract {
		t.Errorf("status %q, want contract", row.Status)
	}
	if r := row.ReadOnly(ends.AddDate(0, 0, 1)); !strings.Contains(r, "PO-4471") {
		t.Errorf("after the contract: %q, want read-only naming the PO", r)
	}
	var list []Contract
	db, _ := database.For(ctx, e.db)
	if err := db.Select(&list).Scan(ctx); err != nil || len(list) != 1 || list[0].Note != "Paid by check" {
		t.Fatalf("contracts %+v, %v", list, err)
	}
	if n := e.count(t, "audit_events", "tenant_id = ? AND action = 'billing.contract' AND detail LIKE ?", tn.ID, "%PO-4471%"); n != 1 {
		t.Errorf("%d contract audit events, want 1", n)
	}
}

// TestOverviewRevenue: MRR is monthly subscriptions plus annual ones divided by twelve plus
// contracts in force spread over their months; the rest of the view counts statuses, trials
// ending within 7 days and failed payments.
func TestOverviewRevenue(t *testing.T) {
	e := newConsoleEnv(t)
	_, monthly := e.tenant(t, "monthly", e.now.AddDate(0, 0, -40))
	e.subscribe(t, monthly, "sub_m", SubActive, "month", 3, 4000) // $120.00
	_, annual := e.tenant(t, "annual", e.now.AddDate(0, 0, -40))
	e.subscribe(t, annual, "sub_a", SubActive, "year", 2, 48000) // $960.00 a year: $80.00
	ct, _ := e.tenant(t, "contracted", e.now.AddDate(0, 0, -40))
	// A fiscal year from the first of last month: twelve months.
	first := time.Date(e.now.Year(), e.now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	if _, _, err := e.s.RecordContract(context.Background(), ct.ID, ContractInput{PONumber: "PO-1",
		StartsOn: ymd(first), EndsOn: ymd(first.AddDate(1, 0, -1)), Amount: "24,000"}, "x"); err != nil {
		t.Fatal(err)
	} // $2,000.00 a month
	old, _ := e.tenant(t, "ended", e.now.AddDate(0, 0, -40))
	if _, _, err := e.s.RecordContract(context.Background(), old.ID, ContractInput{PONumber: "PO-0",
		StartsOn: ymd(e.now.AddDate(-2, 0, 0)), EndsOn: ymd(e.now.AddDate(-1, 0, 0)), Amount: "99,000"}, "x"); err != nil {
		t.Fatal(err)
	}
	_, canceled := e.tenant(t, "canceled", e.now.AddDate(0, 0, -40))
	e.subscribe(t, canceled, "sub_c", SubCanceled, "month", 5, 4000)
	_, trialing := e.tenant(t, "trialing", e.now.AddDate(0, 0, 20))
	e.subscribe(t, trialing, "sub_t", SubTrialing, "month", 5, 4000)
	soon, _ := e.tenant(t, "soon", e.now.AddDate(0, 0, 5))
	e.tenant(t, "later", e.now.AddDate(0, 0, 9))
	pd, pastDue := e.tenant(t, "pastdue", e.now.AddDate(0, 0, -40))
	e.subscribe(t, pastDue, "sub_p", SubPastDue, "month", 1, 5000) // $50.00
	failedAt := e.now.Add(-2 * 24 * time.Hour)
	e.invoice(t, pastDue, "in_p", "sub_p", "open", 5000, failedAt, true)

	if _, err := e.s.Overview(context.Background()); err == nil {
		t.Error("the overview was read off the cross-tenant path")
	}
	o, err := e.s.Overview(database.AcrossTenants(context.Background(), "test"))
	if err != nil {
		t.Fatal(err)
	}
	if want := money.Cents(12000 + 8000 + 200000 + 5000); o.MRR != want {
		t.Errorf("MRR %s, want %s", o.MRR, want)
	}
	if o.Subscriptions != 3 || o.Contracts != 1 {
		t.Errorf("counted %d subscriptions and %d contracts, want 3 and 1", o.Subscriptions, o.Contracts)
	}
	by := map[string]int{}
	for _, s := range o.Statuses {
		by[s.Status] = s.Count
	}
	// "ended" is in trial: of what ran out (its trial, its contract), the trial ended last.
	want := map[string]int{"active": 3, "trial": 3, "past_due": 1, "contract": 1, "canceled": 1, "comped": 0, "suspended": 0}
	for k, v := range want {
		if by[k] != v {
			t.Errorf("status %s: %d, want %d (%v)", k, by[k], v, by)
		}
	}
	// Read-only now: the tenant whose contract ended (the cancelled one runs to its period's end).
	if o.ReadOnly != 1 {
		t.Errorf("%d read-only, want 1", o.ReadOnly)
	}
	if len(o.Trials) != 1 || o.Trials[0].ID != soon.ID {
		t.Errorf("trials ending: %+v, want only %s", o.Trials, soon.Name)
	}
	if len(o.Failed) != 1 || o.Failed[0].TenantID != pd.ID || o.Failed[0].Due() != 5000 ||
		!o.Failed[0].ReadOnlyAt.Equal(failedAt.AddDate(0, 0, 14)) {
		t.Errorf("failed payments: %+v", o.Failed)
	}
}

// TestContractMonths: a term is counted in whole months whatever day it starts on.
func TestContractMonths(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     int
	}{
		{"2026-07-01", "2027-06-30", 12},
		{"2026-11-06", "2027-11-05", 12},
		{"2026-01-15", "2026-01-31", 1},
		{"2026-01-01", "2026-03-31", 3},
		{"2027-01-01", "2026-01-01", 1},
	} {
		k := &Contract{StartsOn: c.from, EndsOn: c.to, Amount: 2_400_000}
		if got := k.Months(); got != c.want {
			t.Errorf("%s to %s: %d months, want %d", c.from, c.to, got, c.want)
		}
	}
	if got := (&Contract{StartsOn: "2026-11-06", EndsOn: "2027-11-05", Amount: 2_400_000}).MonthlyRevenue(); got != 200_000 {
		t.Errorf("a $24,000 year from November 6: %s a month, want $2,000.00", got)
	}
}
