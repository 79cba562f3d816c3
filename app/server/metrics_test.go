package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/demo"
)

// metricLine is one sample of holdspace_http_requests_total.
var metricLine = regexp.MustCompile(`(?m)^holdspace_http_requests_total\{method="([^"]*)",route="([^"]*)",status="([^"]*)"\} (\d+)$`)

// requestCounts reads the request counter from a scrape: "METHOD route status" → count.
func requestCounts(t *testing.T, body string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, m := range metricLine.FindAllStringSubmatch(body, -1) {
		n, err := strconv.Atoi(m[4])
		if err != nil {
			t.Fatalf("count %q: %v", m[4], err)
		}
		counts[m[1]+" "+m[2]+" "+m[3]] += n
	}
	return counts
}

// mixedTraffic sends rounds of GET and POST requests (pages, a form post, a sign-in, a 404)
// through the application, the way a browser and a bot would interleave them.
func mixedTraffic(t *testing.T, env *testEnv, rounds int) {
	t.Helper()
	anon := env.client(t)
	for i := 0; i < rounds; i++ {
		anon.get("/signin").mustStatus(t, http.StatusOK)
		anon.post("/password/forgot", url.Values{"email": {fmt.Sprintf("nobody%d@example.org", i)}})
		anon.get("/healthz").mustStatus(t, http.StatusOK)
		anon.post("/signin", url.Values{"email": {"nobody@example.org"}, "password": {"wrong password"}})
		anon.get(fmt.Sprintf("/no-such-page-%d", i)).mustStatus(t, http.StatusNotFound)
		anon.get("/password/forgot").mustStatus(t, http.StatusOK)
	}
	person := env.client(t)
	person.signIn(demo.PlatformAdminEmail)
	person.get("/admin").mustStatus(t, http.StatusOK)
}

// TestMetricsLabelsAfterMixedTraffic: the labels of the request counter are the methods and
// routes that were served, even after fiber reused its request buffers for other requests
// (a method kept from the buffer read "POS" and the scrape answered 500).
func TestMetricsLabelsAfterMixedTraffic(t *testing.T) {
	env := newTestEnv(t)
	env.app.Cfg.MetricsToken = testMetricsToken
	const rounds = 12
	mixedTraffic(t, env, rounds)

	r := env.client(t).get("/metrics", "Authorization", "Bearer "+testMetricsToken)
	if r.status != http.StatusOK {
		t.Fatalf("/metrics after mixed traffic: status %d, want 200\n%s", r.status, truncateBody(r.body))
	}
	counts := requestCounts(t, r.body)
	if len(counts) == 0 {
		t.Fatalf("the scrape has no holdspace_http_requests_total samples:\n%s", truncateBody(r.body))
	}
	for key := range counts {
		method := strings.Fields(key)[0]
		if method != "GET" && method != "POST" {
			t.Errorf("a sample has method label %q (%s): not a method that was sent", method, key)
		}
	}
	for key, want := range map[string]int{
		"GET /signin 200":          rounds + 1, // and once more by signIn
		"GET /password/forgot 200": rounds,
		"GET /healthz 200":         rounds,
		"GET none 404":             rounds, // no route took /no-such-page-N (not "/", the home page)
		"GET /admin 200":           1,
		"POST /signin 303":         1, // the one good sign-in
	} {
		if got := counts[key]; got != want {
			t.Errorf("%s: counted %d, want %d\nall samples: %v", key, got, want, counts)
		}
	}
	// The posts were answered, refused or slowed down (429) by the rate limits: whatever the
	// status, each counts once under its method and route.
	for _, prefix := range []string{"POST /password/forgot ", "POST /signin "} {
		want := rounds
		if prefix == "POST /signin " {
			want = rounds + 1
		}
		got := 0
		for key, n := range counts {
			if strings.HasPrefix(key, prefix) {
				got += n
			}
		}
		if got != want {
			t.Errorf("%s*: counted %d, want %d\nall samples: %v", prefix, got, want, counts)
		}
	}
}

// TestMetricsNeedToken: /metrics is not there on the public port without METRICS_TOKEN, and
// with it only a request carrying the token gets the metrics.
func TestMetricsNeedToken(t *testing.T) {
	env := newTestEnv(t)
	anon := env.client(t)
	anon.get("/healthz").mustStatus(t, http.StatusOK)

	t.Run("NoTokenConfigured", func(t *testing.T) {
		env.app.Cfg.MetricsToken = ""
		for _, auth := range []string{"", "Bearer ", "Bearer " + testMetricsToken} {
			r := anon.get("/metrics", "Authorization", auth)
			if r.status != http.StatusNotFound || strings.Contains(r.body, "holdspace_http_requests_total") {
				t.Errorf("Authorization %q: status %d, want 404 without metrics\n%s", auth, r.status, truncateBody(r.body))
			}
		}
	})
	t.Run("TokenConfigured", func(t *testing.T) {
		env.app.Cfg.MetricsToken = testMetricsToken
		for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer wrong", "Bearer " + testMetricsToken + "x",
			"Bearer " + testMetricsToken[:len(testMetricsToken)-1], "Basic " + testMetricsToken, testMetricsToken} {
			r := anon.get("/metrics", "Authorization", auth)
			if r.status != http.StatusUnauthorized || strings.Contains(r.body, "holdspace_http_requests_total") {
				t.Errorf("Authorization %q: status %d, want 401 without metrics\n%s", auth, r.status, truncateBody(r.body))
			}
			if !strings.Contains(r.body, "Authorization: Bearer METRICS_TOKEN") {
				t.Errorf("Authorization %q: the refusal does not say what is needed: %q", auth, r.body)
			}
			if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="metrics"` {
				t.Errorf("Authorization %q: WWW-Authenticate %q", auth, got)
			}
		}
		for _, auth := range []string{"Bearer " + testMetricsToken, "bearer " + testMetricsToken} {
			r := anon.get("/metrics", "Authorization", auth).mustStatus(t, http.StatusOK)
			if got := requestCounts(t, r.body)["GET /healthz 200"]; got != 1 {
				t.Errorf("Authorization %q: GET /healthz 200 counted %d, want 1\n%s", auth, got, r.body)
			}
		}
	})
	// A signed-in person is no metrics reader either.
	t.Run("SignedIn", func(t *testing.T) {
		env.app.Cfg.MetricsToken = testMetricsToken
		admin := env.client(t)
		admin.signIn(demo.PlatformAdminEmail)
		admin.get("/metrics").mustStatus(t, http.StatusUnauthorized)
	})
}

// TestMetricsHandlerNeedsNoToken: the internal listener's handler (METRICS_ADDR) serves the
// same metrics without a token.
func TestMetricsHandlerNeedsNoToken(t *testing.T) {
	env := newTestEnv(t)
	env.app.Cfg.MetricsToken = ""
	mixedTraffic(t, env, 3)
	rec := httptest.NewRecorder()
	env.app.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body.String())
	}
	counts := requestCounts(t, rec.Body.String())
	if counts["GET /healthz 200"] != 3 || counts["GET none 404"] != 3 {
		t.Errorf("got %v, want GET /healthz 200 and GET none 404 counted 3 times each", counts)
	}
}

// testMetricsToken is METRICS_TOKEN in these tests.
const testMetricsToken = "test-metrics-token-0123456789abcdef"

// TestServerTiming: with SERVER_TIMING on, a page says how many SQL statements it ran, their
// time, the server's and the templates' (draw), which the load harness reads; off (the
// default), it says nothing.
func TestServerTiming(t *testing.T) {
	on := newTestEnvWith(t, func(c *config.Config) { c.ServerTiming = true })
	r := on.signedIn(t, "admin@illinois.example").get("/t/illinois/engagements").mustStatus(t, http.StatusOK)
	st := r.header.Get("Server-Timing")
	m := regexp.MustCompile(`^db;desc="(\d+) statements";dur=([0-9.]+), app;dur=([0-9.]+), draw;dur=([0-9.]+)$`).FindStringSubmatch(st)
	if m == nil {
		t.Fatalf("Server-Timing is %q", st)
	}
	if n, _ := strconv.Atoi(m[1]); n < 2 {
		t.Errorf("the engagements page ran %d statements, by the header; it reads the tenant, the person and the list at least", n)
	}
	db, _ := strconv.ParseFloat(m[2], 64)
	app, _ := strconv.ParseFloat(m[3], 64)
	if db <= 0 || app < db {
		t.Errorf("SQL time %v ms, server time %v ms: want 0 < SQL <= server", db, app)
	}
	if draw, _ := strconv.ParseFloat(m[4], 64); draw <= 0 || draw+db > app {
		t.Errorf("drawing %v ms, SQL %v ms, server %v ms: want drawing > 0 and drawing + SQL <= server", draw, db, app)
	}
	off := newTestEnv(t)
	if st := off.signedIn(t, "admin@illinois.example").get("/t/illinois/engagements").header.Get("Server-Timing"); st != "" {
		t.Errorf("Server-Timing without SERVER_TIMING: %q", st)
	}
}

// poolLine is one sample of the PostgreSQL pool's figures.
var poolLine = regexp.MustCompile(`(?m)^(holdspace_db_pool_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$`)

// TestMetricsShowThePool: on PostgreSQL the scrape carries the connection pool's figures (the
// connections handed out by the traffic, none waited for past the pool's size); on SQLite,
// which has no pool, none.
func TestMetricsShowThePool(t *testing.T) {
	env := newTestEnv(t)
	env.app.Cfg.MetricsToken = testMetricsToken
	mixedTraffic(t, env, 2)
	r := env.client(t).get("/metrics", "Authorization", "Bearer "+testMetricsToken)
	if r.status != http.StatusOK {
		t.Fatalf("/metrics: status %d", r.status)
	}
	got := map[string]float64{}
	for _, m := range poolLine.FindAllStringSubmatch(r.body, -1) {
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("%s: %v", m[0], err)
		}
		got[m[1]+m[2]] = v
	}
	if env.app.DB.Dialect().Name().String() != "pg" {
		if len(got) > 0 {
			t.Errorf("SQLite has no pool, the scrape shows %v", got)
		}
		return
	}
	if got["holdspace_db_pool_acquires_total"] < 10 || got["holdspace_db_pool_new_connections_total"] < 1 {
		t.Errorf("after the traffic: %v; want connections handed out and opened", got)
	}
	if got["holdspace_db_pool_max_connections"] != 20 {
		t.Errorf("max connections %v, want 20", got["holdspace_db_pool_max_connections"])
	}
	for _, k := range []string{`holdspace_db_pool_connections{state="idle"}`, `holdspace_db_pool_connections{state="acquired"}`,
		`holdspace_db_pool_closed_connections_total{reason="idle"}`, "holdspace_db_pool_empty_acquire_wait_seconds_total"} {
		if _, ok := got[k]; !ok {
			t.Errorf("the scrape has no %s: %v", k, got)
		}
	}
}
