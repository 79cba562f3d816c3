package billing_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/billing"
	"github.com/holdspace/holdspace/app/billing/stripetest"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/tenants"
)

// recorder keeps the form body of each call to Stripe by "METHOD /path", in order, and passes
// the call on (to the counter's client).
type recorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	calls map[string][]url.Values
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	v, _ := url.ParseQuery(string(body))
	if req.Method == http.MethodGet {
		v = req.URL.Query()
	}
	r.mu.Lock()
	r.calls[req.Method+" "+req.URL.Path] = append(r.calls[req.Method+" "+req.URL.Path], v)
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// last is the body of the last call to key.
func (r *recorder) last(t *testing.T, key string) url.Values {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.calls[key]
	if len(l) == 0 {
		t.Fatalf("no call to %s", key)
	}
	return l[len(l)-1]
}

type env struct {
	db     *bun.DB
	owner  *bun.DB
	svc    *billing.Service
	off    *billing.Service // billing not set up
	cnt    *stripetest.Counter
	rec    *recorder
	store  *tenants.Store
	acc    *accounts.Service
	insp   *asynq.Inspector
	rdb    redis.UniversalClient
	jobs   *jobs.Queue
	queue  string
	now    time.Time
	nowMu  sync.Mutex
	config config.Stripe
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := dbtest.Open(t)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	prefix := "test:" + dbtest.RandomHex(6) + ":"
	qname := prefix + jobs.DefaultQueue
	queue := jobs.NewNamedQueue(rdb, qname)
	insp := asynq.NewInspectorFromRedisClient(rdb)
	t.Cleanup(func() { _ = insp.DeleteQueue(qname, true) })
	log := audit.New(db)
	mailer := mail.New(db, queue, nil, "x@y.z")
	e := &env{db: db, owner: dbtest.Owner(t, db), cnt: stripetest.NewCounter(), store: tenants.NewStore(db), insp: insp, queue: qname,
		now: time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC), config: stripetest.Config(t), rdb: rdb, jobs: queue}
	e.acc = accounts.New(db, log, mailer, accounts.NewLimiter(rdb, prefix), "http://holdspace.test", slog.New(slog.DiscardHandler))
	e.rec = &recorder{next: e.cnt.Client.Transport, calls: map[string][]url.Values{}}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: e.rec}
	clock := func() time.Time { e.nowMu.Lock(); defer e.nowMu.Unlock(); return e.now }
	d := billing.Deps{DB: db, Audit: log, Mail: mailer, Queue: queue, Tenants: e.store, Cfg: e.config,
		BaseURL: "http://holdspace.test", Log: slog.New(slog.DiscardHandler), HTTPClient: hc, Now: clock}
	e.svc = billing.New(d)
	d.Cfg = config.Stripe{}
	e.off = billing.New(d)
	return e
}

// tenant makes a tenant whose trial ends at trialEnds (with fyStart its fiscal year's first
// month, 0 for July) and consultants active consultants, and returns its admin's context.
func (e *env) tenant(t *testing.T, trialEnds time.Time, fyStart, consultants int) context.Context {
	t.Helper()
	bg := context.Background()
	tn := &tenants.Tenant{Slug: "bill-" + dbtest.RandomHex(3), Name: "Billing tenant", Kind: tenants.KindStateSystem, State: "IL",
		Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago", TrialEndsAt: &trialEnds, StateFYStartMonth: fyStart}
	if err := e.store.CreateTenant(bg, tn); err != nil {
		t.Fatal(err)
	}
	admin, err := e.acc.CreateUser(bg, "admin."+dbtest.RandomHex(3)+"@example.gov", "Admin", "", false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := database.WithScope(bg, database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, UserID: admin.ID, Role: authz.TenantAdmin})
	ctx = audit.WithActor(ctx, audit.Actor{ID: admin.ID, Email: admin.Email})
	if _, err := e.store.AddMember(ctx, admin.ID, authz.TenantAdmin, ""); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < consultants; i++ {
		e.addConsultant(t, ctx)
	}
	// A supervisor is a free seat.
	u, err := e.acc.CreateUser(bg, "sup."+dbtest.RandomHex(3)+"@example.gov", "Supervisor", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AddMember(ctx, u.ID, authz.Supervisor, ""); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func (e *env) addConsultant(t *testing.T, ctx context.Context) *tenants.Membership {
	t.Helper()
	u, err := e.acc.CreateUser(context.Background(), "c."+dbtest.RandomHex(4)+"@example.gov", "Consultant", "", false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.store.AddMember(ctx, u.ID, authz.Consultant, "")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func tenantID(ctx context.Context) string {
	sc, _ := database.ScopeFrom(ctx)
	return sc.TenantID
}

// count is how many rows of table the tenant of ctx has (as the owner, past row security).
func (e *env) count(t *testing.T, ctx context.Context, table string) int {
	t.Helper()
	n, err := e.owner.NewSelect().TableExpr(table).Where("tenant_id = ?", tenantID(ctx)).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func (e *env) account(t *testing.T, ctx context.Context) *billing.Account {
	t.Helper()
	a, err := e.svc.Account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestFiscalAnchor: an annual subscription paid by invoice renews on the next first day of the
// tenant's fiscal year, at 00:00 UTC.
func TestFiscalAnchor(t *testing.T) {
	d := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, c := range []struct {
		now   string
		month int
		want  string
	}{
		{"2026-12-06T15:00:00Z", 7, "2027-07-01T00:00:00Z"},
		{"2026-12-06T15:00:00Z", 0, "2027-07-01T00:00:00Z"}, // no month: July
		{"2027-01-01T00:00:00Z", 7, "2027-07-01T00:00:00Z"},
		{"2027-06-30T23:59:59Z", 7, "2027-07-01T00:00:00Z"},
		{"2027-07-01T00:00:00Z", 7, "2028-07-01T00:00:00Z"}, // the start itself is not "next"
		{"2027-07-01T09:30:00Z", 7, "2028-07-01T00:00:00Z"},
		{"2027-07-01T01:00:00+05:00", 7, "2027-07-01T00:00:00Z"}, // June 30, 20:00 UTC
		{"2026-12-06T15:00:00Z", 1, "2027-01-01T00:00:00Z"},      // a January fiscal year
		{"2027-01-15T00:00:00Z", 1, "2028-01-01T00:00:00Z"},
		{"2026-09-30T12:00:00Z", 10, "2026-10-01T00:00:00Z"},
	} {
		got := billing.FiscalAnchor(d(c.now), c.month)
		if !got.Equal(d(c.want)) || got.Location() != time.UTC {
			t.Errorf("FiscalAnchor(%s, %d) = %s, want %s", c.now, c.month, got, c.want)
		}
	}
}

// TestCheckoutParams: the Checkout session is a subscription for the tenant's customer (made
// once, with the tenant's id), one line of the plan's price with the active consultants as
// quantity, the plan and tenant in the subscription's metadata, the trial's end when it is more
// than 48 hours away, and the billing page as where to come back.
func TestCheckoutParams(t *testing.T) {
	e := newEnv(t)
	trial := e.now.Add(20 * 24 * time.Hour).Truncate(time.Second)
	ctx := e.tenant(t, trial, 0, 3)
	sc, _ := database.ScopeFrom(ctx)

	u, err := e.svc.CheckoutURL(ctx, billing.CheckoutInput{Plan: "partnership", Interval: "month", TenantName: "Billing tenant", AdminEmail: "admin@example.gov"})
	if err != nil {
		t.Fatal(err)
	}
	if pu, err := url.Parse(u); err != nil || pu.Scheme != "https" || pu.Host != "checkout.stripe.com" {
		t.Fatalf("Checkout URL %q, want stripe-mock's checkout.stripe.com page", u)
	}
	if n := e.cnt.Calls("POST /v1/customers"); n != 1 {
		t.Fatalf("%d customers made, want 1", n)
	}
	cust := e.rec.last(t, "POST /v1/customers")
	if cust.Get("metadata[tenant_id]") != sc.TenantID || cust.Get("name") != "Billing tenant" || cust.Get("email") != "admin@example.gov" {
		t.Errorf("customer made with %v, want the tenant's id, name and the admin's email", cust)
	}
	a := e.account(t, ctx)
	if a.StripeCustomerID == "" {
		t.Fatal("the customer is not kept on the account")
	}
	cs := e.rec.last(t, "POST /v1/checkout/sessions")
	want := map[string]string{
		"mode": "subscription", "customer": a.StripeCustomerID, "client_reference_id": sc.TenantID,
		"line_items[0][price]": "price_partnershipMonthly", "line_items[0][quantity]": "3",
		"subscription_data[metadata][tenant_id]": sc.TenantID, "subscription_data[metadata][plan]": "partnership",
		"subscription_data[trial_end]": strconv.FormatInt(trial.Unix(), 10),
		"success_url":                  "http://holdspace.test/t/" + sc.TenantSlug + "/billing?checkout=done",
		"cancel_url":                   "http://holdspace.test/t/" + sc.TenantSlug + "/billing?checkout=cancelled",
	}
	for k, v := range want {
		if got := cs.Get(k); got != v {
			t.Errorf("checkout %s = %q, want %q", k, got, v)
		}
	}
	var audits int
	if err := e.owner.NewSelect().TableExpr("audit_events").ColumnExpr("COUNT(*)").Where("tenant_id = ? AND action = 'billing.checkout'", sc.TenantID).
		Scan(context.Background(), &audits); err != nil || audits != 1 {
		t.Errorf("%d billing.checkout audit events (%v), want 1", audits, err)
	}

	// Again, annual, with the trial a day away: the same customer, no trial end, quantity 3.
	e.nowMu.Lock()
	e.now = trial.Add(-24 * time.Hour)
	e.nowMu.Unlock()
	if _, err := e.svc.CheckoutURL(ctx, billing.CheckoutInput{Plan: "statewide", Interval: "year"}); err != nil {
		t.Fatal(err)
	}
	if n := e.cnt.Calls("POST /v1/customers"); n != 1 {
		t.Errorf("%d customers made after a second checkout, want still 1", n)
	}
	cs = e.rec.last(t, "POST /v1/checkout/sessions")
	if cs.Get("customer") != a.StripeCustomerID || cs.Get("line_items[0][price]") != "price_statewideAnnual" || cs.Has("subscription_data[trial_end]") {
		t.Errorf("second checkout %v: want the same customer, the annual price and no trial end (a day away)", cs)
	}

	// A tenant with no consultant pays one seat.
	ctx2 := e.tenant(t, trial, 0, 0)
	if _, err := e.svc.CheckoutURL(ctx2, billing.CheckoutInput{Plan: "partnership", Interval: "month"}); err != nil {
		t.Fatal(err)
	}
	if q := e.rec.last(t, "POST /v1/checkout/sessions").Get("line_items[0][quantity]"); q != "1" {
		t.Errorf("quantity %s with no consultant, want 1", q)
	}
}

// TestCheckoutRefusals: a bad plan or interval is named and nothing is asked of Stripe or
// written; billing not set up says so.
func TestCheckoutRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, e.now.Add(10*24*time.Hour), 0, 1)
	for _, c := range []struct{ plan, interval, field string }{
		{"gold", "month", "plan"}, {"", "month", "plan"}, {"partnership", "week", "interval"}, {"partnership", "", "interval"},
	} {
		_, err := e.svc.CheckoutURL(ctx, billing.CheckoutInput{Plan: c.plan, Interval: c.interval})
		if apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)[c.field] == "" {
			t.Errorf("plan %q interval %q: %v, want %s named", c.plan, c.interval, err, c.field)
		}
	}
	if e.cnt.Total() != 0 || e.count(t, ctx, "billing_accounts") != 0 {
		t.Errorf("refused checkouts made %d calls and %d accounts, want none", e.cnt.Total(), e.count(t, ctx, "billing_accounts"))
	}
	_, err := e.off.CheckoutURL(ctx, billing.CheckoutInput{Plan: "partnership", Interval: "month"})
	if apperr.Code(err) != apperr.ECONFLICT || !bytes.Contains([]byte(apperr.Message(err)), []byte("not set up")) {
		t.Errorf("checkout with billing off: %v, want it to say billing is not set up", err)
	}
}

// TestInvoicingValidation: each bad field is named, and nothing is written or asked of Stripe.
func TestInvoicingValidation(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, e.now.Add(10*24*time.Hour), 0, 2)
	long := string(bytes.Repeat([]byte("P"), 101))
	for _, c := range []struct {
		in     billing.InvoicingInput
		fields []string
	}{
		{billing.InvoicingInput{}, []string{"plan", "po_number", "billing_email"}},
		{billing.InvoicingInput{Plan: "partnership", PONumber: "PO-1", BillingEmail: "not an email"}, []string{"billing_email"}},
		{billing.InvoicingInput{Plan: "partnership", PONumber: long, BillingEmail: "ap@state.gov"}, []string{"po_number"}},
		{billing.InvoicingInput{Plan: "partnership", PONumber: "PO-1", BillingEmail: "ap@state.gov", NetDays: "0"}, []string{"net_days"}},
		{billing.InvoicingInput{Plan: "partnership", PONumber: "PO-1", BillingEmail: "ap@state.gov", NetDays: "121"}, []string{"net_days"}},
		{billing.InvoicingInput{Plan: "partnership", PONumber: "PO-1", BillingEmail: "ap@state.gov", NetDays: "thirty"}, []string{"net_days"}},
		{billing.InvoicingInput{Plan: "partnership", Interval: "fortnight", PONumber: "PO-1", BillingEmail: "ap@state.gov"}, []string{"interval"}},
		{billing.InvoicingInput{Plan: "nope", PONumber: "  ", BillingEmail: "ap@state.gov", NetDays: "-3"}, []string{"plan", "po_number", "net_days"}},
	} {
		_, err := e.svc.StartInvoicing(ctx, c.in)
		if apperr.Code(err) != apperr.EINVALID {
			t.Errorf("%+v: %v, want invalid", c.in, err)
			continue
		}
		got := apperr.FieldsOf(err)
		for _, f := range c.fields {
			if got[f] == "" {
				t.Errorf("%+v: %s not named (%v)", c.in, f, got)
			}
		}
		if len(got) != len(c.fields) {
			t.Errorf("%+v: named %v, want only %v", c.in, got, c.fields)
		}
	}
	if e.cnt.Total() != 0 {
		t.Errorf("refused forms made %d calls to Stripe, want none", e.cnt.Total())
	}
	if n := e.count(t, ctx, "billing_accounts"); n != 0 {
		t.Errorf("refused forms wrote %d accounts, want none", n)
	}
	if n, err := e.owner.NewSelect().TableExpr("audit_events").Where("tenant_id = ? AND action LIKE 'billing.%'", tenantID(ctx)).
		Count(context.Background()); err != nil || n != 0 {
		t.Errorf("refused forms wrote %d audit events (%v), want none", n, err)
	}
}

// TestInvoicing: paying by invoice makes the customer (billing email, tax exempt, the PO as an
// invoice custom field) and a subscription sent as invoices with net terms, paid by bank
// transfer or ACH, anchored to the tenant's fiscal year, with the trial's end; the account is
// subscribed at once and keeps the invoicing details.
func TestInvoicing(t *testing.T) {
	for _, c := range []struct {
		name   string
		fy     int
		anchor time.Time
	}{
		{"July fiscal year", 0, time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"January fiscal year", 1, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			trial := e.now.Add(20 * 24 * time.Hour).Truncate(time.Second)
			ctx := e.tenant(t, trial, c.fy, 4)
			sc, _ := database.ScopeFrom(ctx)
			a, err := e.svc.StartInvoicing(ctx, billing.InvoicingInput{Plan: "statewide", PONumber: " PO-2027-0042 ",
				BillingEmail: "AP@State.gov", NetDays: "45", TaxExempt: true})
			if err != nil {
				t.Fatal(err)
			}
			cust := e.rec.last(t, "POST /v1/customers/"+a.StripeCustomerID)
			for k, v := range map[string]string{"email": "ap@state.gov", "tax_exempt": "exempt",
				"invoice_settings[custom_fields][0][name]": billing.POFieldName, "invoice_settings[custom_fields][0][value]": "PO-2027-0042",
				"metadata[tenant_id]": sc.TenantID} {
				if got := cust.Get(k); got != v {
					t.Errorf("customer %s = %q, want %q", k, got, v)
				}
			}
			sub := e.rec.last(t, "POST /v1/subscriptions")
			want := map[string]string{"customer": a.StripeCustomerID, "collection_method": "send_invoice", "days_until_due": "45",
				"items[0][price]": "price_statewideAnnual", "items[0][quantity]": "4",
				"metadata[tenant_id]": sc.TenantID, "metadata[plan]": "statewide",
				"billing_cycle_anchor": strconv.FormatInt(c.anchor.Unix(), 10), "proration_behavior": "create_prorations"}
			if trial.Before(c.anchor) {
				want["trial_end"] = strconv.FormatInt(trial.Unix(), 10)
			}
			for k, v := range want {
				if got := sub.Get(k); got != v {
					t.Errorf("subscription %s = %q, want %q", k, got, v)
				}
			}
			if !trial.Before(c.anchor) && sub.Has("trial_end") {
				t.Errorf("trial_end %s sent though the trial ends after the anchor", sub.Get("trial_end"))
			}
			if got := sub.Get("payment_settings[payment_method_types][0]") + " " + sub.Get("payment_settings[payment_method_types][1]"); got != "customer_balance us_bank_account" {
				t.Errorf("payment method types %q, want bank transfer (customer_balance) and ACH (us_bank_account)", got)
			}
			a = e.account(t, ctx)
			if a.StripeSubscriptionID == "" || !a.Subscribed() || a.CollectionMethod != billing.SendInvoice || a.PlanCode != "statewide" ||
				a.PONumber != "PO-2027-0042" || a.NetDays != 45 || a.BillingEmail != "ap@state.gov" || !a.TaxExempt {
				t.Errorf("account after invoicing: %+v", a)
			}
			ten, err := e.store.TenantByID(ctx, sc.TenantID)
			if err != nil {
				t.Fatal(err)
			}
			if ten.Status != tenants.StatusActive || ten.AccessUntil != nil {
				t.Errorf("tenant status %s, access until %v: want active, no limit", ten.Status, ten.AccessUntil)
			}
			// A second subscription is refused.
			if _, err := e.svc.StartInvoicing(ctx, billing.InvoicingInput{Plan: "statewide", PONumber: "PO-2", BillingEmail: "ap@state.gov"}); apperr.Code(err) != apperr.ECONFLICT {
				t.Errorf("a second subscription: %v, want a conflict", err)
			}
		})
	}
}

// subscribe gives ctx's tenant an active subscription of item with seats paid.
func (e *env) subscribe(t *testing.T, ctx context.Context, item string, seats int) {
	t.Helper()
	db, err := database.For(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	a := &billing.Account{StripeCustomerID: "cus_seats", StripeSubscriptionID: "sub_seats", SubscriptionItemID: item, PlanCode: "partnership",
		Status: billing.SubActive, SeatsPaid: seats, Currency: "usd", NetDays: 30, CreatedAt: now, UpdatedAt: now}
	if _, err := db.Insert(a).Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestSeatSync: the quantity follows the active consultants (one at least), and running the
// sync twice sets it once.
func TestSeatSync(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, e.now.Add(10*24*time.Hour), 0, 3)
	task := database.WithScope(context.Background(), database.Scope{TenantID: tenantID(ctx)})

	// No account, or billing off: nothing.
	if did, err := e.svc.SyncSeats(task); err != nil || did {
		t.Fatalf("sync without an account: %v %v, want nothing", did, err)
	}
	e.subscribe(t, ctx, "si_seats", 1)
	if did, err := e.off.SyncSeats(task); err != nil || did || e.cnt.Total() != 0 {
		t.Fatalf("sync with billing off: %v %v, %d calls", did, err, e.cnt.Total())
	}
	for i := 0; i < 2; i++ {
		if _, err := e.svc.SyncSeats(task); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.cnt.Calls("POST /v1/subscription_items/si_seats"); n != 1 {
		t.Fatalf("the sync run twice updated the quantity %d times, want 1", n)
	}
	if q := e.rec.last(t, "POST /v1/subscription_items/si_seats"); q.Get("quantity") != "3" || q.Get("proration_behavior") != "create_prorations" {
		t.Errorf("quantity update %v, want 3, prorated", q)
	}
	a := e.account(t, ctx)
	if a.SeatsPaid != 3 || a.SeatsSyncedAt == nil {
		t.Errorf("seats paid %d, synced %v: want 3, a time", a.SeatsPaid, a.SeatsSyncedAt)
	}
	// One more consultant: one more update, to 4.
	e.addConsultant(t, ctx)
	for i := 0; i < 2; i++ {
		if _, err := e.svc.SyncSeats(task); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.cnt.Calls("POST /v1/subscription_items/si_seats"); n != 2 {
		t.Errorf("%d quantity updates after a consultant joined, want 2", n)
	}
	if q := e.rec.last(t, "POST /v1/subscription_items/si_seats").Get("quantity"); q != "4" {
		t.Errorf("quantity %s, want 4", q)
	}
}

// TestSeatsChangedDebounced: changes of people queue one seat sync per tenant, two minutes on;
// the daily sweep queues one per live subscription, across tenants.
func TestSeatsChangedDebounced(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, e.now.Add(10*24*time.Hour), 0, 1)
	other := e.tenant(t, e.now.Add(10*24*time.Hour), 0, 1)
	for i := 0; i < 3; i++ {
		e.svc.SeatsChanged(ctx, tenantID(ctx))
	}
	e.off.SeatsChanged(other, tenantID(other))
	tasks, err := e.insp.ListScheduledTasks(e.queue)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || tasks[0].Type != billing.TaskSeats || tasks[0].ID != billing.TaskSeats+":"+tenantID(ctx) {
		t.Fatalf("scheduled %v, want one seat sync of the tenant", tasks)
	}
	if d := tasks[0].NextProcessAt.Sub(time.Now()); d < time.Minute || d > 2*time.Minute+5*time.Second {
		t.Errorf("the seat sync runs in %s, want about 2 minutes", d)
	}

	// The sweep: only the subscribed tenant; its waiting task is not doubled.
	e.subscribe(t, other, "si_other", 1)
	n, err := e.svc.QueueAllSeats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the sweep queued %d, want 1 (the subscribed tenant)", n)
	}
	pending, err := e.insp.ListPendingTasks(e.queue)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != billing.TaskSeats+":"+tenantID(other) {
		t.Errorf("pending %v, want the subscribed tenant's seat sync", pending)
	}
}

// TestSeatTasks: the daily task, run by a worker, queues the seat sync of each live
// subscription, which sets the quantity in the tenant's scope.
func TestSeatTasks(t *testing.T) {
	e := newEnv(t)
	m := jobs.NewMux()
	e.svc.Register(m)
	var periodic bool
	for _, p := range billing.Periodic() {
		periodic = periodic || p.Type == billing.TaskSeatsAll
	}
	if !periodic {
		t.Fatalf("no periodic %s in %v", billing.TaskSeatsAll, billing.Periodic())
	}
	ctx := e.tenant(t, e.now.Add(10*24*time.Hour), 0, 2)
	e.subscribe(t, ctx, "si_worker", 1)
	srv := jobs.NewServerWith(e.rdb, slog.New(slog.DiscardHandler), jobs.ServerOptions{Concurrency: 2, Queue: e.queue})
	if err := srv.Start(m.Handler()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	if err := e.jobs.Enqueue(context.Background(), billing.TaskSeatsAll, jobs.Tenant{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if a := e.account(t, ctx); a.SeatsPaid == 2 && a.SeatsSyncedAt != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the seat sync did not run: %d quantity updates", e.cnt.Calls("POST /v1/subscription_items/si_worker"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := e.cnt.Calls("POST /v1/subscription_items/si_worker"); n != 1 {
		t.Errorf("%d quantity updates, want 1", n)
	}
}
