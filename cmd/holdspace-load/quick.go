package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/server"
	"github.com/holdspace/holdspace/migrations"
)

// Quick mode (make load-quick, TestQuickLoad) is for CI: no PostgreSQL needed, seconds not
// minutes. The same volume tenant is seeded at two sizes into two scratch databases, every
// page is opened by every role on each, and a page whose statement count grows with the rows
// it shows (an N+1) fails, as does any 5xx. The server runs in this process (server.Open, then
// app.Web() on a listener): no binary to build, and memory is not what quick mode measures.

// quickSize is one of the two databases.
type quickSize struct {
	Name string
	Opt  consultation.VolumeOptions
	Load demo.LoadOptions
}

// quickSizes: the larger has twice the consultants, engagements each, programs and sessions
// each, so every list a page shows (a consultant's engagements, an admin's consultants, a
// supervisor's supervisees) is longer on it.
var quickSizes = []quickSize{
	{"small", consultation.VolumeOptions{Slug: "volume", Sessions: 2000, Consultants: 20, EngagementsEach: 3, Programs: 4},
		demo.LoadOptions{AuditEvents: 60, Requests: 5, Amendments: 3}},
	{"large", consultation.VolumeOptions{Slug: "volume", Sessions: 8000, Consultants: 40, EngagementsEach: 6, Programs: 8},
		demo.LoadOptions{AuditEvents: 240, Requests: 20, Amendments: 12}},
}

// quickGrowth is how many statements more the large database may take before a page counts
// as an N+1: one, for a query that only runs once there is more than one page of rows (the
// pagination's), which does not grow with rows.
const quickGrowth = 1

// runQuick seeds, drives and compares; its error names every page that failed.
func runQuick(ctx context.Context, o *options, stdout, progress io.Writer) error {
	start := time.Now()
	results := make([][]Row, len(quickSizes))
	for i, size := range quickSizes {
		rows, err := quickRun(ctx, o, size, progress)
		if err != nil {
			return fmt.Errorf("%s database: %w", size.Name, err)
		}
		results[i] = rows
	}
	failures := printQuick(stdout, results[0], results[1])
	fmt.Fprintf(stdout, "\nQuick load took %s.\n", time.Since(start).Round(100*time.Millisecond))
	if len(failures) > 0 {
		return fmt.Errorf("%d pages failed:\n  %s", len(failures), strings.Join(failures, "\n  "))
	}
	return nil
}

// quickRun is one size: a scratch database, seeded, served in-process, every page opened.
func quickRun(ctx context.Context, o *options, size quickSize, progress io.Writer) ([]Row, error) {
	dir, err := os.MkdirTemp("", "holdspace-load-quick-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dsn, drop, err := scratchDatabase(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer drop()
	if err := migrate(ctx, dsn); err != nil {
		return nil, err
	}
	redisURL, stopRedis, err := quickRedis()
	if err != nil {
		return nil, err
	}
	defer stopRedis()
	app, err := openApp(ctx, dsn, redisURL, dir)
	if err != nil {
		return nil, err
	}
	defer app.Close()
	fmt.Fprintf(progress, "quick load, %s: seeding %d sessions for %d consultants\n", size.Name, size.Opt.Sessions, size.Opt.Consultants)
	v, err := consultation.SeedVolume(ctx, app.DB, size.Opt)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := demo.SeedLoad(ctx, app.DB, v, size.Load); err != nil {
		return nil, fmt.Errorf("seed the people: %w", err)
	}
	people := loadPeople(size.Opt.Slug)
	base, stop, err := serveInProcess(app)
	if err != nil {
		return nil, err
	}
	defer stop()
	pages := pagesOf(app.Routes(), app.Authz, selectRoles(people, o.Roles), nil)
	d := &drive{Base: base, DB: app.DB, Slug: size.Opt.Slug, People: people, Password: loadPassword, Pages: pages,
		Warm: 1, N: 2, Timeout: 30 * time.Second, Log: io.Discard}
	return d.run(ctx)
}

// scratchDatabase is a fresh database: a SQLite file in dir, or, with
// HOLDSPACE_TEST_DATABASE_URL set, a new schema there, dropped afterwards.
func scratchDatabase(ctx context.Context, dir string) (dsn string, drop func(), err error) {
	pg := os.Getenv("HOLDSPACE_TEST_DATABASE_URL")
	if pg == "" {
		return filepath.Join(dir, "holdspace.db"), func() {}, nil
	}
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	schema := "holdspace_loadq_" + hex.EncodeToString(raw)
	owner, err := database.Open(ctx, pg)
	if err != nil {
		return "", nil, err
	}
	if _, err := owner.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		owner.Close()
		return "", nil, err
	}
	drop = func() {
		_, _ = owner.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		owner.Close()
	}
	if dsn, err = withSchema(pg, schema); err != nil {
		drop()
		return "", nil, err
	}
	return dsn, drop, nil
}

func migrate(ctx context.Context, dsn string) error {
	db, err := database.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = migrations.Up(ctx, db)
	return err
}

// quickRedis is HOLDSPACE_TEST_REDIS_URL, or an in-process one.
func quickRedis() (string, func(), error) {
	if v := os.Getenv("HOLDSPACE_TEST_REDIS_URL"); v != "" {
		return v, func() {}, nil
	}
	mr, err := jobs.StartEmbedded()
	if err != nil {
		return "", nil, err
	}
	return mr.URL(), mr.Close, nil
}

// serveInProcess serves the app on a free local port.
func serveInProcess(app *server.App) (string, func(), error) {
	web, err := app.Web()
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go func() { _ = web.Listener(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = web.ShutdownWithTimeout(5 * time.Second) }, nil
}

// printQuick prints each page's statements on both databases and returns the failures: a 5xx
// on either, or statements that grow by more than quickGrowth.
func printQuick(w io.Writer, small, large []Row) []string {
	byKey := map[string]Row{}
	for _, r := range large {
		byKey[r.Page+"\x00"+r.Role] = r
	}
	// Bytes show that the larger database's pages do show more rows.
	t := newTable("page", "role", "stmts (small)", "stmts (large)", "bytes (small)", "bytes (large)", "status", "verdict")
	var failures []string
	for _, s := range small {
		l, ok := byKey[s.Page+"\x00"+s.Role]
		verdict := "ok"
		switch {
		case !ok:
			verdict = "not on the large database"
		case s.Status >= 500 || l.Status >= 500:
			verdict = fmt.Sprintf("FAIL: %d / %d", s.Status, l.Status)
		case s.Problem != "" || l.Problem != "":
			verdict = "not measured: " + firstOf(s.Problem, l.Problem)
		case l.Statements > s.Statements+quickGrowth:
			verdict = fmt.Sprintf("FAIL: N+1 (%d more statements with more rows)", l.Statements-s.Statements)
		case l.Statements > s.Statements:
			verdict = "ok (+1: a query for the next page)"
		}
		if strings.HasPrefix(verdict, "FAIL") {
			failures = append(failures, fmt.Sprintf("%s (%s): %s", s.Page, s.Role, verdict))
		}
		t.add(s.Page, s.Role, fmt.Sprint(s.Statements), fmt.Sprint(l.Statements), fmt.Sprint(s.Bytes), fmt.Sprint(l.Bytes), statusPair(s, l), verdict)
	}
	t.print(w)
	return failures
}

func statusPair(s, l Row) string {
	if s.Status == l.Status {
		return fmt.Sprint(s.Status)
	}
	return fmt.Sprintf("%d / %d", s.Status, l.Status)
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
