package billing

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/billing/stripetest"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/tenants"
)

// whEnv is billing on a fresh database, with the webhook mounted on a small fiber app and a
// queue of its own.
type whEnv struct {
	db, owner *bun.DB
	svc       *Service
	app       *fiber.App
	rdb       redis.UniversalClient
	queue     string
	insp      *asynq.Inspector
	store     *tenants.Store
	clock     atomic.Int64 // unix microseconds; 0: the wall clock
	secret    string
}

// whOffline is a billing configuration that is on (keys given) but whose API address answers
// nothing: the webhook and the worker never call Stripe.
func whOffline() config.Stripe {
	return config.Stripe{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret,
		APIURL: "http://127.0.0.1:9", GraceDays: 14, NetDays: 30, Prices: whPrices()}
}

func whPrices() map[string]config.PlanPrices {
	return map[string]config.PlanPrices{
		"partnership": {Monthly: "price_partnershipMonthly", Annual: "price_partnershipAnnual"},
		"statewide":   {Monthly: "price_statewideMonthly", Annual: "price_statewideAnnual"},
	}
}

func newWhEnv(tb testing.TB, cfg config.Stripe, hc *stripetest.Counter) *whEnv {
	tb.Helper()
	db := dbtest.Open(tb)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rdb.Close() })
	queue := "test:" + dbtest.RandomHex(6) + ":" + jobs.DefaultQueue
	insp := asynq.NewInspectorFromRedisClient(rdb)
	tb.Cleanup(func() {
		_ = insp.DeleteQueue(queue, true)
		ctx := context.Background()
		if keys, _ := rdb.Keys(ctx, "asynq:{"+queue+"}:*").Result(); len(keys) > 0 {
			rdb.Del(ctx, keys...) //nolint:errcheck
		}
	})
	e := &whEnv{db: db, owner: dbtest.Owner(tb, db), rdb: rdb, queue: queue, insp: insp, store: tenants.NewStore(db),
		secret: cfg.WebhookSecret}
	d := Deps{DB: db, Audit: audit.New(db), Queue: jobs.NewNamedQueue(rdb, queue), Tenants: e.store, Cfg: cfg,
		BaseURL: "http://holdspace.test", Log: slog.New(slog.DiscardHandler),
		Now: func() time.Time {
			if us := e.clock.Load(); us != 0 {
				return time.UnixMicro(us).UTC()
			}
			return time.Now()
		}}
	if hc != nil {
		d.HTTPClient = hc.Client
	}
	e.svc = New(d)
	e.app = fiber.New(fiber.Config{Immutable: true, BodyLimit: 16 << 20, DisableStartupMessage: true})
	e.app.Post("/webhooks/stripe", NewWebhookHandler(e.svc).Receive)
	return e
}

func (e *whEnv) setClock(t time.Time) { e.clock.Store(t.UnixMicro()) }

// post sends body to the webhook with the Stripe-Signature header sig ("" sends none).
func (e *whEnv) post(tb testing.TB, body []byte, sig string) (int, string) {
	tb.Helper()
	req := httptest.NewRequest("POST", "/webhooks/stripe", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if sig != "" {
		req.Header.Set("Stripe-Signature", sig)
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// deliver sends body signed now, as Stripe does, and wants 200.
func (e *whEnv) deliver(tb testing.TB, body []byte) {
	tb.Helper()
	if code, text := e.post(tb, body, stripetest.Sign(body, e.secret, time.Now())); code != 200 || text != `{"received":true}` {
		tb.Fatalf("delivery answered %d %q, want 200 {\"received\":true}", code, text)
	}
}

// tenant makes a tenant in its trial (ending trialEnds) with id.
func (e *whEnv) tenant(tb testing.TB, id, word string, trialEnds time.Time) *tenants.Tenant {
	tb.Helper()
	t := &tenants.Tenant{ID: id, Slug: word, Name: word + " tenant", Kind: tenants.KindStateSystem, State: "IL",
		Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago", TrialEndsAt: &trialEnds}
	if err := e.store.CreateTenant(context.Background(), t); err != nil {
		tb.Fatal(err)
	}
	return t
}

// events is every stored event, by id.
func (e *whEnv) events(tb testing.TB) []Event {
	tb.Helper()
	var rows []Event
	if err := e.owner.NewSelect().Model(&rows).OrderExpr("se.id").Scan(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return rows
}

// queued is the number of tasks waiting in the env's queue (any state but done).
func (e *whEnv) queued(tb testing.TB) int {
	tb.Helper()
	info, err := e.insp.GetQueueInfo(e.queue)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") || strings.Contains(err.Error(), "not found") {
			return 0
		}
		tb.Fatal(err)
	}
	return info.Size
}

func tm(p *time.Time) string {
	if p == nil {
		return "-"
	}
	return p.UTC().Format(time.RFC3339)
}

// dump is what billing holds, in a stable order: every account and invoice, and each
// tenant's status, plan and access, without the times of the writes themselves.
func (e *whEnv) dump(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	var b strings.Builder
	var accts []Account
	if err := e.owner.NewSelect().Model(&accts).OrderExpr("ba.tenant_id").Scan(ctx); err != nil {
		tb.Fatal(err)
	}
	for _, a := range accts {
		fmt.Fprintf(&b, "account %s cus=%s sub=%s item=%s plan=%s price=%s interval=%s unit=%d %s status=%s seats=%d period_end=%s cancel=%v ended=%s method=%s guard=%d/%s po=%q net=%d comp=%s dunning=%s/%d\n",
			a.TenantID, a.StripeCustomerID, a.StripeSubscriptionID, a.SubscriptionItemID, a.PlanCode, a.PriceID, a.Interval,
			a.UnitAmount, a.Currency, a.Status, a.SeatsPaid, tm(a.CurrentPeriodEnd), a.CancelAtPeriodEnd, tm(a.EndedAt),
			a.CollectionMethod, a.SubEventAt, a.SubEventID, a.PONumber, a.NetDays, tm(a.CompUntil), tm(a.DunningSince), a.DunningSent)
	}
	var invs []Invoice
	if err := e.owner.NewSelect().Model(&invs).OrderExpr("bi.tenant_id, bi.id").Scan(ctx); err != nil {
		tb.Fatal(err)
	}
	for _, i := range invs {
		created := i.CreatedAt
		fmt.Fprintf(&b, "invoice %s %s sub=%s number=%s status=%s due=%d paid=%d remaining=%d %s hosted=%s pdf=%s po=%q created=%s due_at=%s paid_at=%s first_failed=%s guard=%d/%s\n",
			i.TenantID, i.ID, i.SubscriptionID, i.Number, i.Status, i.AmountDue, i.AmountPaid, i.AmountRemaining, i.Currency,
			i.HostedURL, i.PDFURL, i.PONumber, tm(&created), tm(i.DueAt), tm(i.PaidAt), tm(i.FirstFailedAt), i.EventAt, i.EventID)
	}
	var ts []tenants.Tenant
	if err := e.owner.NewSelect().Model(&ts).OrderExpr("t.id").Scan(ctx); err != nil {
		tb.Fatal(err)
	}
	for _, t := range ts {
		fmt.Fprintf(&b, "tenant %s status=%s plan=%s until=%s reason=%q\n", t.ID, t.Status, t.Plan, tm(t.AccessUntil), t.AccessReason)
	}
	return b.String()
}
