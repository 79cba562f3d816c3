package billing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/billing/stripetest"
	"github.com/holdspace/holdspace/app/jobs"
)

// The webhook's speed targets (issue 13): POST /webhooks/stripe answers in under 5 ms p99
// while the worker is busy, and 1,000 events are processed end to end (stored, queued, handled
// by an asynq worker) in under 10 s, on PostgreSQL and Redis:
//
//	make bench-billing
//
// (HOLDSPACE_TEST_DATABASE_URL and HOLDSPACE_TEST_REDIS_URL; without them, SQLite and an
// in-process Redis.)

// benchTenants is how many tenants the events are spread over.
const benchTenants = 20

// benchEnv is a whEnv with tenants, the webhook listening on a port, and an asynq worker
// (as many at once as the program's default, WORKER_CONCURRENCY: the CPUs, at least 2)
// handling the events.
type benchEnv struct {
	*whEnv
	url    string
	client *http.Client
}

func newBenchEnv(b testing.TB) *benchEnv {
	b.Helper()
	e := &benchEnv{whEnv: newWhEnv(b, whOffline(), nil)}
	for n := 0; n < benchTenants; n++ {
		e.tenant(b, whTenantID(1000+n), fmt.Sprintf("bench%d", n), time.Now().AddDate(0, 0, 30))
	}
	mux := jobs.NewMux()
	e.svc.registerEvents(mux)
	jobs.Handle(mux, TaskDunning, func(context.Context, jobs.Tenant) error { return nil })
	srv := jobs.NewServerWith(e.rdb, slog.New(slog.DiscardHandler), jobs.ServerOptions{Concurrency: max(2, runtime.GOMAXPROCS(0)), Queue: e.queue,
		RetryDelay: func(int, error, *asynq.Task) time.Duration { return 50 * time.Millisecond }, DelayedCheck: 100 * time.Millisecond})
	if err := srv.Start(mux.Handler()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Shutdown)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go e.app.Listener(ln) //nolint:errcheck
	b.Cleanup(func() { _ = e.app.Shutdown() })
	e.url = "http://" + ln.Addr().String() + "/webhooks/stripe"
	e.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return e
}

// benchEvent is the i-th event of a run: subscriptions changing seats, invoices finalized,
// failed and paid, spread over the tenants.
func benchEvent(run string, i int) (string, []byte) {
	n := i % benchTenants
	tenant := whTenantID(1000 + n)
	id := fmt.Sprintf("evt_%s_%06d", run, i)
	created := time.Now().Unix() - 86400 + int64(i)
	cus, sub := fmt.Sprintf("cus_b%d", n), fmt.Sprintf("sub_b%d", n)
	switch i % 4 {
	case 0, 1:
		return id, stripetest.Event(id, EventSubscriptionUpdated, created, map[string]any{
			"id": sub, "object": "subscription", "customer": cus, "status": SubActive, "collection_method": ChargeAutomatically,
			"current_period_end": created + 30*86400, "metadata": map[string]any{MetadataTenant: tenant},
			"items": map[string]any{"object": "list", "data": []any{map[string]any{"id": "si_" + sub, "quantity": 1 + i%17,
				"price": map[string]any{"id": "price_partnershipMonthly", "unit_amount": 4500, "currency": "usd",
					"recurring": map[string]any{"interval": "month"}}}}}})
	default:
		typ, status := EventInvoiceFinalized, "open"
		switch i % 12 {
		case 3:
			typ = EventInvoiceFailed
		case 7:
			typ, status = EventInvoicePaid, "paid"
		}
		return id, stripetest.Event(id, typ, created, map[string]any{
			"id": fmt.Sprintf("in_%s_%d", run, i/12), "object": "invoice", "customer": cus, "subscription": sub, "status": status,
			"amount_due": 9000, "currency": "usd", "created": created,
			"subscription_details": map[string]any{"metadata": map[string]any{MetadataTenant: tenant}}})
	}
}

// post delivers body signed now and returns how long the answer took.
func (e *benchEnv) post(b testing.TB, body []byte) time.Duration {
	req, err := http.NewRequest("POST", e.url, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Stripe-Signature", stripetest.Sign(body, e.secret, time.Now()))
	start := time.Now()
	resp, err := e.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != 200 {
		b.Fatalf("the webhook answered %d", resp.StatusCode)
	}
	return took
}

// unprocessed counts the stored events not yet processed (done: the processed ones).
func (e *benchEnv) unprocessed(b testing.TB, done ...bool) int {
	where := "se.processed_at IS NULL"
	if len(done) > 0 {
		where = "se.processed_at IS NOT NULL"
	}
	n, err := e.owner.NewSelect().Model((*Event)(nil)).Where(where).Count(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return int(n)
}

// BenchmarkWebhook is the endpoint's latency (p50, p99) while the worker is busy (WorkerBusy:
// a backlog of stored and queued events it works through the whole time), and, to compare,
// with only the posted events to handle (Idle).
func BenchmarkWebhook(b *testing.B) {
	b.Run("WorkerBusy", func(b *testing.B) { benchWebhook(b, true) })
	b.Run("Idle", func(b *testing.B) { benchWebhook(b, false) })
}

func benchWebhook(b *testing.B, busy bool) {
	e := newBenchEnv(b)
	ctx := context.Background()
	// Busy: before the clock starts, a backlog the worker cannot finish during the
	// measurement (about 400 events a second on the 2-core machine, and the posts take a few
	// seconds) is stored and queued, so the worker is handling events throughout. An earlier
	// version kept the queue topped up from a feeder in this process, which stored and queued
	// as fast as the worker handled, and so measured the webhook against two loads, not one.
	if busy {
		for k := 0; k < 1500+2*b.N; k++ {
			id, body := benchEvent(fmt.Sprintf("feed%d", b.N), k)
			ev := mustEvent(body)
			if _, err := e.svc.storeEvent(ctx, &ev, string(body)); err != nil {
				b.Fatal(err)
			}
			if err := e.svc.queueEvent(ctx, id, "billing:event:"+id); err != nil {
				b.Fatal(err)
			}
		}
	}
	// Let the worker get busy.
	time.Sleep(500 * time.Millisecond)
	before := e.unprocessed(b, true)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, body := benchEvent(fmt.Sprintf("w%d", b.N), i)
		lat = append(lat, e.post(b, body))
	}
	b.StopTimer()
	worked := e.unprocessed(b, true) - before
	left := e.unprocessed(b)
	b.Logf("%d posts: the worker processed %d events meanwhile, %d left waiting", b.N, worked, left)
	if busy && b.N > 1 && (worked == 0 || left == 0) {
		b.Fatalf("the worker was not busy throughout: %d events processed, %d left", worked, left)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(worked), "worker-events")
}

// BenchmarkEvents: 1,000 events per op, delivered to the webhook by 8 senders, stored,
// queued and handled by the asynq worker; the op ends when every one is processed.
func BenchmarkEvents(b *testing.B) {
	e := newBenchEnv(b)
	b.StopTimer()
	const events, senders = 1000, 8
	var total time.Duration
	for op := 0; op < b.N; op++ {
		run := fmt.Sprintf("e%d_%d", b.N, op)
		bodies := make([][]byte, events)
		for i := range bodies {
			_, bodies[i] = benchEvent(run, i)
		}
		b.StartTimer()
		start := time.Now()
		work := make(chan []byte)
		var wg sync.WaitGroup
		for s := 0; s < senders; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for body := range work {
					e.post(b, body)
				}
			}()
		}
		for _, body := range bodies {
			work <- body
		}
		close(work)
		wg.Wait()
		b.Logf("1,000 events stored and queued in %v", time.Since(start))
		for e.unprocessed(b) > 0 {
			if time.Since(start) > 2*time.Minute {
				b.Fatalf("%d events still unprocessed after 2 minutes", e.unprocessed(b))
			}
			time.Sleep(5 * time.Millisecond)
		}
		total += time.Since(start)
		b.StopTimer()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/1000-events")
	b.ReportMetric(float64(events*b.N)/total.Seconds(), "events/s")
}

func mustEvent(body []byte) stripe.Event {
	var ev stripe.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		panic(err)
	}
	return ev
}
