package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/server"
	"github.com/holdspace/holdspace/migrations"
	"github.com/uptrace/bun/migrate"
)

const usage = `Usage: holdspace [command]

With no command, Holdspace runs everything in one process on the embedded default
(SQLite in ./data, an in-process Redis-compatible server, demo data).

Commands (configured from the environment; see README.md):
  serve                 the web server
  worker                the background worker and scheduler
  migrate up|down|status
  seed                  add the demo tenants and people (twice changes nothing)
  createadmin EMAIL     make EMAIL a platform admin and print a link to set the password
  routes                print the route table with each route's permission
  benchdata [flags]     add the speed benchmark's and load harness's data (twice changes
                        nothing): a tenant "volume" holding 1,000,000 sessions, 5,000 per
                        consultant, with a person of every role (password holdspace-load),
                        audit events, requests and amendments; and 1,000 small tenants
                        small-0001 … Flags: -small N (small tenants, 1000), -audit N (audit
                        events in volume, 120000), -requests N (500), -amendments N (300),
                        -volume=false (no volume tenant: only the small tenants)
  help                  this text
`

// run is the whole program; main only calls it, so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := ""
	if len(args) > 1 {
		cmd = args[1]
	}
	switch cmd {
	case "":
		return runEmbedded(ctx, getenv, stdout)
	case "serve", "worker", "seed", "createadmin", "migrate", "routes", "benchdata":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
	if cmd == "createadmin" && len(args) != 3 {
		return errors.New("createadmin needs one EMAIL: holdspace createadmin admin@agency.gov")
	}
	var bench *benchFlags
	if cmd == "benchdata" {
		var err error
		if bench, err = parseBenchFlags(args[2:], stdout); err != nil {
			return err
		}
	}
	if cmd == "migrate" && (len(args) != 3 || (args[2] != "up" && args[2] != "down" && args[2] != "status")) {
		return errors.New("migrate needs one of up, down or status")
	}
	cfg, err := config.Load(getenv, false)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stdout)
	if cmd == "serve" || cmd == "worker" {
		if err := cfg.RequireNotesKey(); err != nil {
			return err
		}
	}
	if cmd == "migrate" {
		return runMigrate(ctx, cfg, args[2], stdout)
	}
	app, err := server.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	switch cmd {
	case "serve":
		// A soft memory limit, unless GOMEMLIMIT sets one: the collector works harder as the
		// heap nears it instead of letting it double (GOGC) under a burst of large pages. With
		// the bound on requests in flight (server: requestsInFlight) the web process stays
		// under ~150 MB. Not for the embedded default, whose one process also builds the
		// exports (a million-row XLSX needs more).
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(defaultMemoryLimit)
		}
		return serve(ctx, app, stdout, nil)
	case "worker":
		return work(ctx, app)
	case "seed":
		if err := demo.Seed(ctx, app.DB, app.Accounts, app.Tenants); err != nil {
			return err
		}
		if err := demo.SeedAmendments(ctx, app.Accounts, app.Tenants, app.Amendments); err != nil {
			return err
		}
		// The NCPC report's demo (issue 12, section 2).
		if err := demo.SeedNCPC(ctx, app.DB, app.Accounts, app.Tenants); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "Demo data is in place.")
		demo.PrintSignIns(stdout)
		return nil
	case "createadmin":
		link, created, err := app.Accounts.CreatePlatformAdmin(ctx, args[2])
		if err != nil {
			return err
		}
		verb := "is now"
		if created {
			verb = "was created as"
		}
		fmt.Fprintf(stdout, "%s %s a platform admin.\nSet the password within 24 hours at:\n  %s\n", strings.ToLower(args[2]), verb, link)
		return nil
	case "routes":
		return printRoutes(app, stdout)
	case "benchdata":
		return benchdata(ctx, app, bench, stdout)
	}
	return nil
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// runEmbedded is the one-process default.
func runEmbedded(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	start := time.Now()
	cfg, err := config.Load(getenv, true)
	if err != nil {
		return err
	}
	log := newLogger(cfg, os.Stderr)
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	if cfg.RedisURL == "" {
		mr, err := jobs.StartEmbedded()
		if err != nil {
			return err
		}
		defer mr.Close()
		cfg.RedisURL = mr.URL()
	}
	if _, err := migrateUp(ctx, cfg); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	app, err := server.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	seeded := false
	if !demo.IsSeeded(ctx, app.Tenants.Store()) {
		if err := demo.Seed(ctx, app.DB, app.Accounts, app.Tenants); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
		if err := demo.SeedAmendments(ctx, app.Accounts, app.Tenants, app.Amendments); err != nil {
			return fmt.Errorf("seed demo amendments: %w", err)
		}
		// The NCPC report's demo (issue 12, section 2).
		if err := demo.SeedNCPC(ctx, app.DB, app.Accounts, app.Tenants); err != nil {
			return fmt.Errorf("seed the NCPC demo: %w", err)
		}
		seeded = true
	}
	workerDone := make(chan error, 1)
	wctx, stopWorker := context.WithCancel(ctx)
	defer stopWorker()
	go func() { workerDone <- work(wctx, app) }()

	err = serve(ctx, app, stdout, func(url string) {
		fmt.Fprintf(stdout, "Holdspace is running at %s (started in %s)\n", url, time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(stdout, "Data: %s", cfg.DatabaseURL)
		if seeded {
			fmt.Fprint(stdout, " (demo data seeded)")
		}
		fmt.Fprintf(stdout, "\nMail is kept in the outbox: sign in as %s and open %s/admin/outbox\n\n", demo.PlatformAdminEmail, url)
		demo.PrintSignIns(stdout)
		fmt.Fprintln(stdout, "\nPress Ctrl+C to stop.")
	})
	// The worker lets its tasks in flight finish before the connections close (deferred above).
	stopWorker()
	if werr := <-workerDone; err == nil {
		err = werr
	}
	return err
}

// defaultMemoryLimit is the web process's soft memory limit when GOMEMLIMIT is not set.
const defaultMemoryLimit = 100 << 20

// serve runs the web server until ctx ends, then lets in-flight requests finish.
func serve(ctx context.Context, app *server.App, stdout io.Writer, ready func(url string)) error {
	web, err := app.Web()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", app.Cfg.Port))
	if err != nil {
		return fmt.Errorf("PORT %d: %w", app.Cfg.Port, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	url := fmt.Sprintf("http://localhost:%d", port)
	if ready != nil {
		ready(url)
	} else {
		app.Log.Info("listening", "addr", ln.Addr().String(), "base_url", app.Cfg.BaseURL)
	}
	errc := make(chan error, 2)
	stopMetrics, err := serveMetrics(app, errc)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()
	go func() { errc <- web.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "Stopping: letting requests in flight finish…")
	if err := web.ShutdownWithTimeout(25 * time.Second); err != nil {
		return err
	}
	return nil
}

// serveMetrics serves /metrics, without a token, on METRICS_ADDR (an internal address such as
// 127.0.0.1:9090) when it is set; the public port serves it only with METRICS_TOKEN. A failure
// of the listener is sent on errc; stop closes it.
func serveMetrics(app *server.App, errc chan<- error) (stop func(), err error) {
	addr := app.Cfg.MetricsAddr
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("METRICS_ADDR %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", app.MetricsHandler())
	if app.Cfg.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 90 * time.Second} // a CPU profile takes its seconds
	app.Log.Info("metrics listening", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("METRICS_ADDR %s: %w", addr, err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// work runs the task server and the scheduler until ctx ends; tasks in flight finish first.
func work(ctx context.Context, app *server.App) error {
	srv, mux, sched, err := app.Worker(app.Cfg.WorkerConcurrency)
	if err != nil {
		return err
	}
	if err := srv.Start(mux.Handler()); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	if err := sched.Start(); err != nil {
		srv.Shutdown()
		return fmt.Errorf("start scheduler: %w", err)
	}
	app.Log.Info("worker running", "tasks", strings.Join(mux.Types(), ", "))
	<-ctx.Done()
	sched.Shutdown()
	srv.Shutdown() // waits for tasks in flight (up to the shutdown timeout)
	return nil
}

// migrateUp runs the pending migrations as the schema's owner (MIGRATE_DATABASE_URL), then,
// on PostgreSQL, grants the application's role (DATABASE_URL's) row access and nothing more.
func migrateUp(ctx context.Context, cfg *config.Config) (*migrate.MigrationGroup, error) {
	db, err := database.Open(ctx, cfg.MigrateURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	g, err := migrations.Up(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := migrations.GrantApp(ctx, db, cfg.AppRole()); err != nil {
		return nil, fmt.Errorf("grant the application role %s: %w", cfg.AppRole(), err)
	}
	return g, nil
}

func runMigrate(ctx context.Context, cfg *config.Config, sub string, stdout io.Writer) error {
	db, err := database.Open(ctx, cfg.MigrateURL)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "up":
		g, err := migrateUp(ctx, cfg)
		if err != nil {
			return err
		}
		if g.IsZero() {
			fmt.Fprintln(stdout, "Nothing to migrate: the database is up to date.")
		} else {
			fmt.Fprintf(stdout, "Migrated to %s.\n", g)
		}
	case "down":
		g, err := migrations.Down(ctx, db)
		if err != nil {
			return err
		}
		if g.IsZero() {
			fmt.Fprintln(stdout, "Nothing to roll back.")
		} else {
			fmt.Fprintf(stdout, "Rolled back %s.\n", g)
		}
	case "status":
		m := migrations.NewMigrator(db)
		if err := m.Init(ctx); err != nil {
			return err
		}
		ms, err := m.MigrationsWithStatus(ctx)
		if err != nil {
			return err
		}
		for _, mg := range ms {
			state := "pending"
			if mg.IsApplied() {
				state = "applied " + mg.MigratedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%s  %s\n", mg.Name, state)
		}
	}
	return nil
}

func printRoutes(app *server.App, w io.Writer) error {
	routes := app.Routes()
	sort.SliceStable(routes, func(i, j int) bool { return routes[i].Path < routes[j].Path })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tPERMISSION")
	for _, r := range routes {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Method, r.Path, r.Access.Describe())
	}
	return tw.Flush()
}

// benchFlags are benchdata's flags.
type benchFlags struct {
	volume bool
	load   demo.LoadOptions
}

func parseBenchFlags(args []string, stdout io.Writer) (*benchFlags, error) {
	fs := flag.NewFlagSet("benchdata", flag.ContinueOnError)
	fs.SetOutput(stdout)
	b := &benchFlags{}
	fs.BoolVar(&b.volume, "volume", true, "add the volume tenant (1,000,000 sessions) and its people")
	fs.IntVar(&b.load.SmallTenants, "small", 1000, "small tenants small-0001 …")
	fs.IntVar(&b.load.AuditEvents, "audit", 120000, "audit events in the volume tenant")
	fs.IntVar(&b.load.Requests, "requests", 500, "consultant requests in the volume tenant")
	fs.IntVar(&b.load.Amendments, "amendments", 300, "budget amendments in the volume tenant")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("benchdata takes only flags, not %q", fs.Arg(0))
	}
	return b, nil
}

// benchdata adds the speed benchmark's volume tenant and the load harness's people and small
// tenants (issue 14).
func benchdata(ctx context.Context, app *server.App, b *benchFlags, stdout io.Writer) error {
	start := time.Now()
	var v *consultation.Volume
	if b.volume {
		fmt.Fprintln(stdout, "Adding the benchmark data (tenant \"volume\"); this takes a few minutes the first time.")
		var err error
		v, err = consultation.SeedVolume(ctx, app.DB, consultation.VolumeOptions{Progress: stdout})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Tenant %q holds %d sessions (%d added now); the measured consultant holds %d.\n",
			v.Slug, v.Sessions, v.Created, v.ConsultantSessions)
	}
	b.load.Progress = stdout
	if err := demo.SeedLoad(ctx, app.DB, v, b.load); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The load harness's data is in place (%s); every person's password is %s.\n",
		time.Since(start).Round(time.Second), demo.LoadPassword)
	slugs := []string{}
	if v != nil {
		slugs = append(slugs, v.Slug)
	}
	if b.load.SmallTenants > 0 {
		slugs = append(slugs, demo.SmallSlug(1))
	}
	for _, slug := range slugs {
		people := demo.LoadPeople(slug)
		for _, role := range authz.TenantRoles {
			fmt.Fprintf(stdout, "  %-44s %s in %s\n", people[role], authz.RoleLabel(role), slug)
		}
	}
	return nil
}
