// Command holdspace-load drives every page of Holdspace that a role can open, signed in as
// that role, against the real server binary in its own process: single requests first (SQL
// statements, server and SQL time from the Server-Timing header, bytes), then fixed rates with
// vegeta. It prints one table, the same pages for a small tenant as a ratio to a 10-tenant
// database, the web process's memory, and the pages over issue 14's goals.
//
// `make load` runs it on the PostgreSQL benchmark data; `make load-quick` (and -quick) is the
// CI mode: small data, no load, fails on an N+1 or a 5xx. See README, "Speed and the load
// harness".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/server"
)

// options are the flags.
type options struct {
	Database, Schema, CompareSchema, Redis string
	Server                                 string // a built holdspace binary; empty builds one
	Tenant, SmallTenant                    string
	People, Password, Platform             string
	Pages, Roles, Rates                    string
	Duration, Timeout, Budget              time.Duration
	WarmLoad                               time.Duration
	Singles, CompareSingles, Burst         int
	JSON                                   string
	Quick                                  bool
	Seed                                   string // auto, always or never
}

func defaultDatabase() string {
	if v := os.Getenv("HOLDSPACE_TEST_DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

func defaultRedis() string {
	if v := os.Getenv("HOLDSPACE_TEST_REDIS_URL"); v != "" {
		return v
	}
	return "redis://127.0.0.1:6379/0"
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("holdspace-load", flag.ContinueOnError)
	fs.StringVar(&o.Database, "database", defaultDatabase(), "PostgreSQL URL (without search_path)")
	fs.StringVar(&o.Schema, "schema", "holdspace_bench", "the schema holding the volume tenant and the small tenants")
	fs.StringVar(&o.CompareSchema, "compare-schema", "holdspace_load10", "a 10-tenant schema to compare a small tenant's pages with (empty: skip)")
	fs.StringVar(&o.Redis, "redis", defaultRedis(), "Redis URL for the server")
	fs.StringVar(&o.Server, "server", "", "a built holdspace binary (default: go build ./cmd/holdspace into a temporary folder)")
	fs.StringVar(&o.Tenant, "tenant", "volume", "the tenant whose pages are driven")
	fs.StringVar(&o.SmallTenant, "small-tenant", "small-0001", "the small tenant compared (empty: skip)")
	fs.StringVar(&o.People, "people", "", "role=email,… to drive instead of the load people (such as the demo data's)")
	fs.StringVar(&o.Password, "password", loadPassword, "the people's password")
	fs.StringVar(&o.Platform, "platform", "", "a platform admin's email, to drive /admin and /admin/audit too")
	fs.StringVar(&o.Pages, "pages", "", "only the routes whose pattern matches this regular expression")
	fs.StringVar(&o.Roles, "roles", "", "only these roles (comma-separated: tenant_admin, consultant, supervisor, program, funder, anonymous)")
	fs.StringVar(&o.Rates, "rates", "50,100,200", "fixed rates in requests per second (empty: single requests only)")
	fs.DurationVar(&o.Duration, "duration", 2*time.Second, "how long each rate runs (at most 30s)")
	fs.DurationVar(&o.Timeout, "timeout", 2*time.Second, "a request's timeout under load")
	fs.DurationVar(&o.WarmLoad, "warm-load", time.Second, "before a page's measured rates, this long at the highest rate, not measured (0: none)")
	fs.IntVar(&o.Burst, "burst", 24, "after the warm load, this many requests at once, twice, not measured: more than the server works on at once (6 a core, at least 8: 12 on 2 cores), so every connection its database pool has busy meets the page's statements before a measured window (0: none)")
	fs.DurationVar(&o.Budget, "budget", 40*time.Minute, "no load starts after this much of the run (single requests still run)")
	fs.IntVar(&o.Singles, "singles", 50, "sequential requests measured per page (after 3 warm-ups); their medians are the table's single-request figures (the median of 20 moves by a tenth from one pass to the next on a page of 1 to 2 ms)")
	fs.IntVar(&o.CompareSingles, "compare-singles", 50, "sequential requests per page and pass of the small tenant's comparison (a page of 1 to 2 ms varies by a tenth from one pass of 20 to the next)")
	fs.StringVar(&o.JSON, "json", "", "also write the table as JSON to this file")
	fs.StringVar(&o.Seed, "seed", "auto", "auto: seed a schema (holdspace benchdata) only when its tenants are missing; always; never")
	fs.BoolVar(&o.Quick, "quick", false, "CI mode: small data in a scratch database, no load; fails on an N+1 or a 5xx")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.Duration <= 0 || o.Duration > 30*time.Second {
		return nil, errors.New("-duration must be between 0 and 30s")
	}
	if o.Seed != "auto" && o.Seed != "always" && o.Seed != "never" {
		return nil, errors.New("-seed must be auto, always or never")
	}
	if o.CompareSingles < 1 || o.CompareSingles > 1000 {
		return nil, errors.New("-compare-singles must be between 1 and 1000")
	}
	if o.Singles < 1 || o.Singles > 1000 {
		return nil, errors.New("-singles must be between 1 and 1000")
	}
	return o, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if o.Quick {
		err = runQuick(ctx, o, os.Stdout, os.Stderr)
	} else {
		err = runFull(ctx, o, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "holdspace-load:", err)
		os.Exit(1)
	}
}

// withSchema is a PostgreSQL URL with its search_path set to schema.
func withSchema(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("-database: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// openApp opens Holdspace on the database for its route table, its role table and a
// connection to read ids with; it serves nothing.
func openApp(ctx context.Context, dsn, redisURL, dataDir string) (*server.App, error) {
	env := map[string]string{}
	for _, kv := range serverEnv(dsn, redisURL, dataDir, 8080) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, false)
	if err != nil {
		return nil, err
	}
	return server.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func parseRates(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 5000 {
			return nil, fmt.Errorf("-rates: %q is not a rate between 1 and 5000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// singleTimeout bounds one sequential request: far above any page's time, so that a slow
// page is measured rather than lost, yet the run stays bounded.
const singleTimeout = 30 * time.Second

// runFull is `make load`: the volume tenant's pages on the real binary, at every rate, then a
// small tenant's pages on the full database and on the 10-tenant one.
func runFull(ctx context.Context, o *options, stdout, progress io.Writer) error {
	start := time.Now()
	rates, err := parseRates(o.Rates)
	if err != nil {
		return err
	}
	var match *regexp.Regexp
	if o.Pages != "" {
		if match, err = regexp.Compile(o.Pages); err != nil {
			return fmt.Errorf("-pages: %w", err)
		}
	}
	dsn, err := withSchema(o.Database, o.Schema)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "holdspace-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := o.Server
	if bin == "" {
		fmt.Fprintln(progress, "building ./cmd/holdspace …")
		if bin, err = buildServer(ctx, dir); err != nil {
			return err
		}
	}
	if err := seedSchemas(ctx, o, bin, dir, progress); err != nil {
		return err
	}
	app, err := openApp(ctx, dsn, o.Redis, dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", o.Schema, err)
	}
	defer app.Close()

	people := loadPeople(o.Tenant)
	if o.People != "" {
		if people, err = parsePeople(o.People); err != nil {
			return err
		}
	}
	if o.Platform != "" {
		people[authz.PlatformAdmin] = o.Platform
	}
	roles := selectRoles(people, o.Roles)
	if o.Platform != "" && (o.Roles == "" || strings.Contains(o.Roles, authz.PlatformAdmin)) {
		roles = append(roles, authz.PlatformAdmin)
	}
	pages := pagesOf(app.Routes(), app.Authz, roles, match)
	fmt.Fprintf(progress, "%d pages for %s\n", len(pages), strings.Join(roles, ", "))

	srv, err := startServer(ctx, bin, dsn, o.Redis, dir, progress)
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Fprintf(progress, "holdspace serve (pid %d) at %s on %s\n", srv.cmd.Process.Pid, srv.URL, o.Schema)

	mach := watchMachine()
	defer mach.Stop()
	var plan *loadPlan
	if len(rates) > 0 {
		plan = &loadPlan{Rates: rates, Duration: o.Duration, Warm: o.WarmLoad, Burst: o.Burst, Timeout: o.Timeout, Deadline: start.Add(o.Budget),
			Quiet: func() { srv.Quiet(60 * time.Second) }, Machine: mach}
	}
	d := &drive{Base: srv.URL, DB: app.DB, Slug: o.Tenant, People: people, Password: o.Password, Pages: pages,
		Warm: 3, N: o.Singles, Plan: plan, Timeout: singleTimeout, Log: progress, Machine: mach}
	rows, err := d.run(ctx)
	if err != nil {
		return err
	}
	rep := &Report{Database: o.Schema, Tenant: o.Tenant, Rates: rates, Duration: o.Duration.String(), WarmLoad: o.WarmLoad.String(), Burst: o.Burst, Rows: rows}
	if mach != nil {
		run := mach.Run() // the volume tenant's part, before the small tenant's comparison
		rep.Machine, rep.ProbeUsualMS = &run, ms(mach.ProbeUsual())
	}
	if o.SmallTenant != "" && o.CompareSchema != "" {
		rep.Small, rep.SmallNote = compareSmall(ctx, o, app, bin, dir, tenantPages(pages), mach, progress)
	}
	srv.Stop()
	rep.MaxRSSkB, rep.HWMkB = srv.Memory()
	rep.Elapsed = time.Since(start).Round(time.Second).String()
	rep.finish()
	rep.Print(stdout)
	if o.JSON != "" {
		return rep.WriteJSON(o.JSON)
	}
	return nil
}

// seedSchemas seeds the run's schema (the volume tenant and the small ones) and the 10-tenant
// one, when they lack the tenants the run drives (see ensureSeeded).
func seedSchemas(ctx context.Context, o *options, bin, dir string, progress io.Writer) error {
	slugs := []string{o.Tenant}
	if o.SmallTenant != "" {
		slugs = append(slugs, o.SmallTenant)
	}
	if err := ensureSeeded(ctx, o, bin, dir, o.Schema, slugs, nil, progress); err != nil {
		return err
	}
	if o.SmallTenant == "" || o.CompareSchema == "" {
		return nil
	}
	return ensureSeeded(ctx, o, bin, dir, o.CompareSchema, []string{o.SmallTenant}, []string{"-volume=false", "-small", "10"}, progress)
}

// tenantPages are the pages inside a tenant, for its people (not the console's, not a
// visitor's).
func tenantPages(pages []Page) []Page {
	var out []Page
	for _, p := range pages {
		if !strings.HasPrefix(p.Pattern, "/t/:slug/") {
			continue
		}
		var roles []string
		for _, r := range p.Roles {
			if authz.IsTenantRole(r) {
				roles = append(roles, r)
			}
		}
		if len(roles) > 0 {
			p.Roles = roles
			out = append(out, p)
		}
	}
	return out
}

// compareSmall measures a small tenant's pages (single requests) on the full database and on
// the 10-tenant schema, each with a fresh server (the run's own server has just carried the
// load: its heap and the database's autovacuum after the run's writes would be counted against
// the full database), after one unmeasured pass on each, in the order full, 10, 10, full,
// so that a drift of the machine over the minute it takes weighs on both alike; each side's
// figure is the mean of its two passes. A missing tenant is a note.
//
// Each page's requests in a pass are measured again when the machine was not steady through
// them (mach; see steadiest), as the volume tenant's are.
func compareSmall(ctx context.Context, o *options, app *server.App, bin, dir string, pages []Page, mach *machine, progress io.Writer) ([]Compare, string) {
	people := loadPeople(o.SmallTenant)
	dsnFull, err := withSchema(o.Database, o.Schema)
	if err != nil {
		return nil, err.Error()
	}
	srvFull, err := startServer(ctx, bin, dsnFull, o.Redis, dir, progress)
	if err != nil {
		return nil, fmt.Sprintf("Not compared: a second server on %s: %v.", o.Schema, err)
	}
	defer srvFull.Stop()
	dsn10, err := withSchema(o.Database, o.CompareSchema)
	if err != nil {
		return nil, err.Error()
	}
	db10, err := database.Open(ctx, dsn10)
	if err != nil {
		return nil, fmt.Sprintf("Not compared: %s: %v.", o.CompareSchema, err)
	}
	defer db10.Close()
	srv10, err := startServer(ctx, bin, dsn10, o.Redis, dir, progress)
	if err != nil {
		return nil, fmt.Sprintf("Not compared: the server on %s: %v.", o.CompareSchema, err)
	}
	defer srv10.Stop()
	full := &drive{Base: srvFull.URL, DB: app.DB, Slug: o.SmallTenant, People: people, Password: o.Password, Pages: pages,
		Warm: 3, N: o.CompareSingles, Timeout: singleTimeout, Log: progress, Machine: mach}
	ten := &drive{Base: srv10.URL, DB: db10, Slug: o.SmallTenant, People: people, Password: o.Password, Pages: pages,
		Warm: 3, N: o.CompareSingles, Timeout: singleTimeout, Log: progress, Machine: mach}
	// One unmeasured pass on each side first: the full schema's pages are in PostgreSQL's
	// buffers after the load run and the 10-tenant schema's are not, which made the first
	// passes on the 10-tenant schema slower (a mean ratio of 0.91 at stop 21).
	for _, side := range []struct {
		d      *drive
		schema string
	}{{ten, o.CompareSchema}, {full, o.Schema}} {
		fmt.Fprintf(progress, "small tenant %s on %s (warm-up, not measured)\n", o.SmallTenant, side.schema)
		warm := *side.d
		warm.Warm, warm.N, warm.Log, warm.Machine = 1, 3, io.Discard, nil
		if _, err := warm.run(ctx); err != nil {
			return nil, fmt.Sprintf("Not compared: %s on %s: %v.", o.SmallTenant, side.schema, err)
		}
	}
	var runs [4][]Row
	for i, side := range []struct {
		d      *drive
		schema string
	}{{full, o.Schema}, {ten, o.CompareSchema}, {ten, o.CompareSchema}, {full, o.Schema}} {
		fmt.Fprintf(progress, "small tenant %s on %s (pass %d of 4)\n", o.SmallTenant, side.schema, i+1)
		if runs[i], err = side.d.run(ctx); err != nil {
			return nil, fmt.Sprintf("Not compared: %s on %s: %v.", o.SmallTenant, side.schema, err)
		}
	}
	return pair(meanRows(runs[0], runs[3]), meanRows(runs[1], runs[2])), ""
}

// meanRows is a's rows with each server time the mean of a's and b's (the same pages, in the
// same order; a page with a problem in either keeps a's).
func meanRows(a, b []Row) []Row {
	out := append([]Row(nil), a...)
	byKey := map[string]Row{}
	for _, r := range b {
		byKey[r.Page+"\x00"+r.Role] = r
	}
	for i := range out {
		if r, ok := byKey[out[i].Page+"\x00"+out[i].Role]; ok && r.Problem == "" && out[i].Problem == "" {
			out[i].ServerMS = (out[i].ServerMS + r.ServerMS) / 2
		}
	}
	return out
}

// pair matches each page and role on the two databases.
func pair(full, ten []Row) []Compare {
	byKey := map[string]Row{}
	for _, r := range ten {
		byKey[r.Page+"\x00"+r.Role] = r
	}
	var out []Compare
	for _, r := range full {
		t := byKey[r.Page+"\x00"+r.Role]
		c := Compare{Page: r.Page, Role: r.Role, Statements: r.Statements, ServerMS: r.ServerMS, ServerMS10: t.ServerMS}
		switch {
		case r.Problem != "" || r.Status != 200:
			c.Problem = strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, r.Problem))
		case t.Problem != "" || t.Status != 200:
			c.Problem = strings.TrimSpace(fmt.Sprintf("10 tenants: %d %s", t.Status, t.Problem))
		}
		out = append(out, c)
	}
	return out
}
