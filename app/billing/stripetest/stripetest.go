// Package stripetest runs stripe-mock, Stripe's own mock of its API, for tests, and builds
// signed webhook events the way Stripe sends them.
//
// stripe-mock is a Go tool of this module (go.mod's tool line, pinned), so `go tool` builds it
// from the module proxy once and the build cache keeps it: nothing is downloaded from anywhere
// else, and no container is needed.
package stripetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/holdspace/holdspace/app/config"
)

// Keys the tests use: well-formed, and meaning nothing outside stripe-mock.
const (
	SecretKey     = "sk_test_holdspace0000000000000000"
	WebhookSecret = "whsec_holdspace0000000000000000"
)

var (
	once    sync.Once
	url     string
	startEr error
)

// URL starts stripe-mock once for the test binary and returns its address. It dies with the
// test binary.
func URL(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { url, startEr = start() })
	if startEr != nil {
		tb.Fatalf("stripe-mock: %v", startEr)
	}
	return url
}

func start() (string, error) {
	out, err := exec.Command("go", "tool", "-n", "stripe-mock").Output()
	if err != nil {
		return "", fmt.Errorf("go tool -n stripe-mock (the tool line of go.mod): %w", err)
	}
	cmd := exec.Command(strings.TrimSpace(string(out)), "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if _, addr, ok := strings.Cut(line, "Listening for HTTP at address: "); ok {
				select {
				case found <- strings.TrimSpace(addr):
				default:
				}
			}
		}
	}()
	select {
	case addr := <-found:
		return "http://" + addr, nil
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		return "", fmt.Errorf("it did not say where it listens within 60 s")
	}
}

// Config is a billing configuration on stripe-mock, with both plans' prices.
func Config(tb testing.TB) config.Stripe {
	return config.Stripe{SecretKey: SecretKey, WebhookSecret: WebhookSecret, APIURL: URL(tb), GraceDays: 14, NetDays: 30,
		Prices: map[string]config.PlanPrices{
			"partnership": {Monthly: "price_partnershipMonthly", Annual: "price_partnershipAnnual"},
			"statewide":   {Monthly: "price_statewideMonthly", Annual: "price_statewideAnnual"},
		}}
}

// Counter is an HTTP client that counts the calls to Stripe by "METHOD /path".
type Counter struct {
	Client *http.Client
	mu     sync.Mutex
	calls  map[string]int
	total  atomic.Int64
}

// NewCounter returns a counting client.
func NewCounter() *Counter {
	c := &Counter{calls: map[string]int{}}
	c.Client = &http.Client{Timeout: 30 * time.Second, Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		c.mu.Lock()
		c.calls[r.Method+" "+r.URL.Path]++
		c.mu.Unlock()
		c.total.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	return c
}

// Calls is how many calls went to "METHOD /path".
func (c *Counter) Calls(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[key]
}

// Total is how many calls went to Stripe.
func (c *Counter) Total() int { return int(c.total.Load()) }

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Event is a Stripe event of type typ about object (marshalled as its data.object), created at
// created, with id.
func Event(id, typ string, created int64, object any) []byte {
	obj, err := json.Marshal(object)
	if err != nil {
		panic(err)
	}
	b, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "type": typ, "created": created, "livemode": false,
		"api_version": "2023-10-16", "pending_webhooks": 1,
		"data": map[string]any{"object": json.RawMessage(obj)},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// Sign returns the Stripe-Signature header of payload signed with secret at t, as Stripe
// signs a delivery (stripe-go's own test helper).
func Sign(payload []byte, secret string, t time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: t}).Header
}
