package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/static"
)

// Web builds the HTTP application from the route table. It fails if a route has no permission,
// or names one that no role in policies/ holds.
func (a *App) Web() (*fiber.App, error) { return a.web(true) }

// web builds the application; immutable is fiber's Immutable option, off only in the benchmark
// that measures what it costs (BenchmarkPageImmutable).
//
// With Immutable off, every string fiber hands out (c.Method, c.Path, c.Params, c.Query,
// c.FormValue, c.Get, c.Cookies, a proxy header read by c.IP) points into fasthttp's request
// buffer, which the next request on any connection overwrites. Anything kept after the
// handler returns then changes under it: the request counter's method label read "POS" and
// "GETT", and the scrape failed on the duplicate series. Immutable makes each of them a
// copy, so no handler, middleware, stream writer, log or metric label has to remember to.
// It costs one small allocation per value read: 10 on a session list page of 12,681
// (BenchmarkPageImmutable, BenchmarkFiberImmutable; README, "Security notes").
func (a *App) web(immutable bool) (*fiber.App, error) {
	routes := a.Routes()
	if err := a.checkRoutes(routes); err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		Immutable:             immutable,
		Views:                 web.NewEngine(a.Views),
		ErrorHandler:          web.ErrorHandler(a.Log),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Above the largest upload (a 5 MB CSV import), so that one gets its own message.
		BodyLimit:     16 << 20,
		StrictRouting: false,
		// The person's address (c.IP()): the connection's, unless the connection comes from a
		// proxy listed in TRUSTED_PROXIES; then the address that proxy put in X-Forwarded-For.
		// With no trusted proxy the header is never believed, so no one picks their address.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          a.Cfg.TrustedProxies,
		ProxyHeader:             fiber.HeaderXForwardedFor,
		EnableIPValidation:      true,
	})
	app.Use(web.ForwardedFor(a.Cfg.TrustedProxies)) // before anything reads c.IP()
	app.Use(web.CookieMode(a.Cfg.SecureCookies()))
	app.Use(recover.New(recover.Config{EnableStackTrace: true}))
	app.Use(requestid.New())
	// Webhooks (web.Webhook in the route table) are a machine's signed calls: no session, no
	// CSRF token. The set comes from the table, not from a list of paths kept by hand.
	webhooks := map[string]bool{}
	for _, r := range routes {
		if r.Access.Kind == web.AccessWebhook {
			webhooks[r.Method+" "+r.Path] = true
		}
	}
	bare := func(c *fiber.Ctx) bool {
		// Static files and probes need neither a session nor a CSRF token; nor do webhooks.
		p := c.Path()
		return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics" ||
			webhooks[c.Method()+" "+p]
	}
	app.Use(a.observe())
	// Inside observe, so a request refused as busy is logged and counted; around everything
	// else (compressing included), so what a request holds is bounded with it. Static files
	// and probes pass: they hold nothing, and a probe must answer while pages queue.
	app.Use(web.Limit(requestsInFlight(), requestQueue, requestWait, func(c *fiber.Ctx) bool {
		p := c.Path()
		return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics"
	}))
	app.Use(web.Compress()) // inside observe, so the server time it reports includes compressing
	app.Use(web.SecurityHeaders())
	app.Use(web.NoStoreSignedIn())
	app.Use(web.CheckQuery()) // a query value that cannot be kept is refused before any handler reads it
	session := a.accountsH.Middleware(a.Tenants.Store().KeptTenantCount)
	csrf := web.CSRF(a.Cfg.SecretKey)
	app.Use(func(c *fiber.Ctx) error {
		if bare(c) {
			return c.Next()
		}
		return session(c)
	})
	app.Use(func(c *fiber.Ctx) error {
		if bare(c) {
			return c.Next()
		}
		return csrf(c)
	})
	for _, r := range routes {
		handlers := append([]fiber.Handler{routeLabel(r.Path)}, a.gate(r.Access)...)
		// A read-only tenant (a lapsed subscription, an ended trial): every write route of the
		// table answers with one page that says why, whatever its handler.
		if r.Writes() && (r.Access.Kind == web.AccessTenant || r.Access.Kind == web.AccessTenantPublic) {
			handlers = append(handlers, tenants.RefuseWhenReadOnly)
		}
		app.Add(r.Method, r.Path, append(handlers, r.Handler)...)
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app, nil
}

// The bound on requests in flight (web.Limit). A page is mostly waiting on the database
// (20 connections, database.Open), so a few per core keep the cores and the pool busy; more
// only hold more memory and make every one of them slower. Past them, a request waits up to
// requestWait with at most requestQueue others, then is told to come back (503, Retry-After).
const (
	requestQueue = 512
	requestWait  = 2 * time.Second
)

func requestsInFlight() int { return max(8, 6*runtime.GOMAXPROCS(0)) }

// checkRoutes refuses a route table with a route that has no permission.
func (a *App) checkRoutes(routes []web.Route) error {
	for _, r := range routes {
		switch r.Access.Kind {
		case web.AccessPublic, web.AccessSignedIn, web.AccessTenantPublic, web.AccessWebhook:
		case web.AccessTenant, web.AccessPlatform:
			if !a.Authz.Known(r.Access.Perm) {
				return fmt.Errorf("route %s %s: no role in policies/roles.csv holds %s", r.Method, r.Path, r.Access.Perm)
			}
		default:
			return fmt.Errorf("route %s %s has no permission: give it web.Public, web.SignedIn or a permission", r.Method, r.Path)
		}
		if r.Handler == nil {
			return fmt.Errorf("route %s %s has no handler", r.Method, r.Path)
		}
	}
	return nil
}

// gate returns the middleware of an access kind.
func (a *App) gate(acc web.Access) []fiber.Handler {
	switch acc.Kind {
	case web.AccessSignedIn:
		return []fiber.Handler{requireSignedIn}
	case web.AccessTenantPublic:
		return []fiber.Handler{a.tenantsH.Public()}
	case web.AccessTenant:
		return []fiber.Handler{requireSignedIn, a.tenantsH.Member(acc.Perm)}
	case web.AccessPlatform:
		return []fiber.Handler{requireSignedIn, a.platformGate(acc.Perm)}
	}
	return nil
}

func requireSignedIn(c *fiber.Ctx) error {
	if web.IdentityOf(c) == nil {
		return apperr.Errorf(apperr.EUNAUTHORIZED, "Please sign in.")
	}
	return c.Next()
}

// platformGate lets platform admins into the console; to anyone else it does not exist.
func (a *App) platformGate(perm authz.Perm) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := web.IdentityOf(c)
		role := ""
		if id.IsPlatformAdmin {
			role = authz.PlatformAdmin
		}
		a.Authz.Sync(id.UserID, authz.PlatformDomain, role)
		if !a.Authz.Allowed(id.UserID, authz.PlatformDomain, perm) {
			return apperr.NotFound("page")
		}
		// The console works across tenants by design: on the named path, and every page of it
		// (its reads too) is in the platform's audit log.
		const why = "platform.console"
		what := strings.Clone(c.Method()) + " " + strings.Clone(c.Path())
		if err := database.AuditAcross(c.UserContext(), a.DB, why, what, id.UserID, id.Email); err != nil {
			return err
		}
		c.SetUserContext(database.AcrossTenants(c.UserContext(), why))
		web.SetNav(c, []web.NavItem{
			{Label: "Tenants", Href: "/admin"},
			{Label: "Billing", Href: "/admin/billing"},
			{Label: "Mail outbox", Href: "/admin/outbox"},
			{Label: "Audit log", Href: "/admin/audit"},
		})
		return c.Next()
	}
}

// serveStatic serves static/ (embedded in the program), each file compressed once.
var serveStatic = web.StaticFiles(static.FS, "/static/")

func (a *App) healthz(c *fiber.Ctx) error { return c.SendString("ok") }

// readyz answers 200 when the database and Redis both answer.
func (a *App) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	var problems []string
	if err := a.DB.PingContext(ctx); err != nil {
		problems = append(problems, "database: "+err.Error())
	}
	if err := a.Redis.Ping(ctx).Err(); err != nil {
		problems = append(problems, "redis: "+err.Error())
	}
	if len(problems) > 0 {
		return c.Status(fiber.StatusServiceUnavailable).SendString(strings.Join(problems, "\n"))
	}
	return c.SendString("ready")
}

// metrics: request counts and durations by route pattern (not by URL, which would make a
// series per id), the PostgreSQL connection pool's figures, plus Go's own.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(db *bun.DB) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	if db != nil {
		m.reg.MustRegister(poolCollector{db})
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "holdspace_http_requests_total",
		Help: "HTTP requests by method, route pattern (none: no route took it) and status."}, []string{"method", "route", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "holdspace_http_request_duration_seconds",
		Help: "HTTP request duration by method and route.", Buckets: prometheus.DefBuckets}, []string{"method", "route"})
	m.reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// poolCollector reads the PostgreSQL pool's figures at each scrape (database.PoolStat);
// nothing on SQLite.
type poolCollector struct{ db *bun.DB }

var (
	poolConns = prometheus.NewDesc("holdspace_db_pool_connections",
		"PostgreSQL connections in the pool now, by state (idle, acquired, constructing).", []string{"state"}, nil)
	poolMax = prometheus.NewDesc("holdspace_db_pool_max_connections", "The pool's largest size.", nil, nil)
	poolNew = prometheus.NewDesc("holdspace_db_pool_new_connections_total",
		"Connections opened: each a PostgreSQL backend whose first plan of each statement is slow.", nil, nil)
	poolAcquires = prometheus.NewDesc("holdspace_db_pool_acquires_total", "Connections handed out.", nil, nil)
	poolEmpty    = prometheus.NewDesc("holdspace_db_pool_empty_acquires_total",
		"Connections asked for when none was idle: the request waited for one to be opened or freed.", nil, nil)
	poolEmptyWait = prometheus.NewDesc("holdspace_db_pool_empty_acquire_wait_seconds_total",
		"Time waited by the requests that found no idle connection.", nil, nil)
	poolClosed = prometheus.NewDesc("holdspace_db_pool_closed_connections_total",
		"Connections closed by the pool, by reason (idle, lifetime).", []string{"reason"}, nil)
)

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolConns, poolMax, poolNew, poolAcquires, poolEmpty, poolEmptyWait, poolClosed} {
		ch <- d
	}
}

func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := database.PoolStat(p.db)
	if st == nil {
		return
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge(poolConns, float64(st.IdleConns()), "idle")
	gauge(poolConns, float64(st.AcquiredConns()), "acquired")
	gauge(poolConns, float64(st.ConstructingConns()), "constructing")
	gauge(poolMax, float64(st.MaxConns()))
	counter(poolNew, float64(st.NewConnsCount()))
	counter(poolAcquires, float64(st.AcquireCount()))
	counter(poolEmpty, float64(st.EmptyAcquireCount()))
	counter(poolEmptyWait, st.EmptyAcquireWaitTime().Seconds())
	counter(poolClosed, float64(st.MaxIdleDestroyCount()), "idle")
	counter(poolClosed, float64(st.MaxLifetimeDestroyCount()), "lifetime")
}

// metricsHandler serves /metrics on the public port, only to a request carrying METRICS_TOKEN
// ("Authorization: Bearer TOKEN"). Without METRICS_TOKEN it is not there (404, as any unknown
// page); a missing or wrong token is 401. METRICS_ADDR serves the same without a token on a
// second, internal listener (MetricsHandler).
func (a *App) metricsHandler() fiber.Handler {
	serve := adaptor.HTTPHandler(a.MetricsHandler())
	return func(c *fiber.Ctx) error {
		if a.Cfg.MetricsToken == "" {
			return fiber.ErrNotFound
		}
		if !bearerIs(c.Get(fiber.HeaderAuthorization), a.Cfg.MetricsToken) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			c.Set(fiber.HeaderCacheControl, "no-store")
			return c.Status(fiber.StatusUnauthorized).SendString("/metrics needs the metrics token: Authorization: Bearer METRICS_TOKEN\n")
		}
		return serve(c)
	}
}

// bearerIs reports whether an Authorization header carries token as its bearer token. The
// comparison takes the same time wherever the two differ (and whatever their lengths: it
// compares their SHA-256 digests).
func bearerIs(header, token string) bool {
	const scheme = "Bearer "
	if len(header) < len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(header[len(scheme):])))
	want := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// MetricsHandler serves the Prometheus metrics: for METRICS_ADDR's internal listener, which
// asks for no token.
func (a *App) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(a.metrics().reg, promhttp.HandlerOpts{})
}

func (a *App) metrics() *metrics {
	if a.m == nil {
		a.m = newMetrics(a.DB)
	}
	return a.m
}

// routeKey holds, on a request, the route table's pattern of the route that matched.
type routeKey struct{}

// routeLabel records the route's pattern (a string of the route table, not of the request)
// before the route's gates run, so a refusal by a gate still counts under its route.
func routeLabel(pattern string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(routeKey{}, pattern)
		return c.Next()
	}
}

// noRoute is the route label of a request that no route of the table took: an unknown
// address, or one refused by a middleware before its route (CSRF).
const noRoute = "none"

// observe logs every request (with its id, tenant and person) and counts it.
func (a *App) observe() fiber.Handler {
	m := a.metrics()
	timing := a.Cfg.ServerTiming
	return func(c *fiber.Ctx) error {
		start := time.Now()
		ctx, stats := database.WithStats(c.UserContext())
		c.SetUserContext(ctx)
		err := c.Next()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		elapsed := time.Since(start)
		if timing {
			// The response is still buffered here, so the header goes out with it.
			c.Set("Server-Timing", fmt.Sprintf(`db;desc="%d statements";dur=%.3f, app;dur=%.3f, draw;dur=%.3f`,
				stats.Statements(), ms(stats.Duration()), ms(elapsed), ms(web.DrawTime(c))))
		}
		// Not c.Route().Path: that is the last middleware's prefix ("/") for an unknown
		// address, which would count 404s as the home page.
		route, _ := c.Locals(routeKey{}).(string)
		if route == "" {
			route = noRoute
		}
		m.requests.WithLabelValues(c.Method(), route, fmt.Sprint(status)).Inc()
		m.duration.WithLabelValues(c.Method(), route).Observe(elapsed.Seconds())
		attrs := []any{"method", c.Method(), "path", c.Path(), "status", status,
			"duration_ms", ms(elapsed), "statements", stats.Statements(), "sql_ms", ms(stats.Duration()),
			"request_id", c.Locals("requestid")}
		if t := web.TenantOf(c); t != nil {
			attrs = append(attrs, "tenant", t.Slug)
		}
		if id := web.IdentityOf(c); id != nil {
			attrs = append(attrs, "user", id.UserID)
		}
		if status >= 500 {
			a.Log.Error("request", attrs...)
		} else if !strings.HasPrefix(c.Path(), "/static/") {
			a.Log.Info("request", attrs...)
		}
		return nil
	}
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
