package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/migrations"
)

// envOf is a getenv over a map: the tests never touch the process environment.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// syncBuffer is a bytes.Buffer that the program and the test may use at the same time.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string // in the error text
	}{
		{"serve without anything", []string{"holdspace", "serve"}, nil, "DATABASE_URL"},
		{"serve without redis", []string{"holdspace", "serve"}, map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "hs.db")}, "REDIS_URL"},
		{"worker without anything", []string{"holdspace", "worker"}, nil, "DATABASE_URL"},
		{"unknown command", []string{"holdspace", "frobnicate"}, nil, "unknown command"},
		{"migrate sideways", []string{"holdspace", "migrate", "sideways"}, nil, "migrate"},
		{"migrate alone", []string{"holdspace", "migrate"}, nil, "migrate"},
		{"createadmin without email", []string{"holdspace", "createadmin"}, nil, "createadmin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(ctx, tc.args, envOf(tc.env), &out)
			if err == nil {
				t.Fatalf("run %v: no error; output:\n%s", tc.args[1:], out.String())
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run %v: error %q does not mention %q", tc.args[1:], err, tc.want)
			}
		})
	}

	t.Run("help", func(t *testing.T) {
		for _, arg := range []string{"help", "-h", "--help"} {
			var out bytes.Buffer
			if err := run(ctx, []string{"holdspace", arg}, envOf(nil), &out); err != nil {
				t.Fatalf("%s: %v", arg, err)
			}
			for _, want := range []string{"Usage: holdspace", "serve", "worker", "migrate up|down|status", "createadmin EMAIL", "routes"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("%s: usage lacks %q:\n%s", arg, want, out.String())
				}
			}
		}
	})
}

// cliEnv is the production-shaped environment of the one-part commands: a fresh database
// (a SQLite file in a temporary folder, or a new PostgreSQL schema when
// HOLDSPACE_TEST_DATABASE_URL is set) and Redis (miniredis, or HOLDSPACE_TEST_REDIS_URL).
//
// On PostgreSQL, as in production: migrations run as the schema's owner (MIGRATE_DATABASE_URL)
// and everything else as a role that owns nothing (DATABASE_URL); dsn is the owner's, which
// sees every tenant's rows.
func cliEnv(t *testing.T) (env func(string) string, dsn string) {
	t.Helper()
	dsn = filepath.Join(t.TempDir(), "hs.db")
	app := dsn
	if dbtest.PostgresURL() != "" {
		dsn, app = dbtest.DSNs(t)
	}
	return envOf(map[string]string{
		"DATABASE_URL":         app,
		"MIGRATE_DATABASE_URL": dsn,
		"REDIS_URL":            dbtest.Redis(t),
		"BASE_URL":             "http://localhost:8080",
		"SECRET_KEY":           strings.Repeat("s3cret-", 6),
		"LOG_LEVEL":            "error",
	}), dsn
}

// runOK runs a command that must succeed and returns what it printed.
func runOK(t *testing.T, env func(string) string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"holdspace"}, args...), env, &out); err != nil {
		t.Fatalf("holdspace %s: %v\noutput:\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func TestSeedTwiceChangesNothing(t *testing.T) {
	env, dsn := cliEnv(t)
	runOK(t, env, "migrate", "up")

	count := func() map[string]int {
		t.Helper()
		db, err := database.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		n := map[string]int{}
		for _, table := range []string{"users", "tenants", "memberships", "organisations"} {
			c, err := db.NewSelect().Table(table).Count(context.Background())
			if err != nil {
				t.Fatalf("count %s: %v", table, err)
			}
			n[table] = int(c)
		}
		return n
	}

	out := runOK(t, env, "seed")
	if !strings.Contains(out, "Demo data is in place.") || !strings.Contains(out, "holdspace-demo") {
		t.Errorf("seed printed:\n%s", out)
	}
	first := count()
	for table, n := range first {
		if n == 0 {
			t.Errorf("after seed, %s is empty", table)
		}
	}
	runOK(t, env, "seed")
	if second := count(); !equalCounts(first, second) {
		t.Errorf("the second seed changed the rows: before %v, after %v", first, second)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestMigrateUpDownStatus(t *testing.T) {
	env, _ := cliEnv(t)
	sorted := migrations.Migrations.Sorted()
	if len(sorted) == 0 {
		t.Fatal("no migrations registered")
	}
	foundation := sorted[0].Name

	statusOf := func(out, name string) string {
		t.Helper()
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == name {
				return f[1]
			}
		}
		t.Fatalf("migrate status does not list %s:\n%s", name, out)
		return ""
	}

	if got := statusOf(runOK(t, env, "migrate", "status"), foundation); got != "pending" {
		t.Errorf("fresh database: %s is %q, want pending", foundation, got)
	}
	if out := runOK(t, env, "migrate", "up"); !strings.Contains(out, "Migrated to") {
		t.Errorf("migrate up printed %q", out)
	}
	if out := runOK(t, env, "migrate", "up"); !strings.Contains(out, "Nothing to migrate") {
		t.Errorf("second migrate up printed %q", out)
	}
	if got := statusOf(runOK(t, env, "migrate", "status"), foundation); got != "applied" {
		t.Errorf("after up: %s is %q, want applied", foundation, got)
	}
	if out := runOK(t, env, "migrate", "down"); !strings.Contains(out, "Rolled back") {
		t.Errorf("migrate down printed %q", out)
	}
	if got := statusOf(runOK(t, env, "migrate", "status"), foundation); got != "pending" {
		t.Errorf("after down: %s is %q, want pending", foundation, got)
	}
	// And up again, on the database down left behind.
	runOK(t, env, "migrate", "up")
	if got := statusOf(runOK(t, env, "migrate", "status"), foundation); got != "applied" {
		t.Errorf("after up again: %s is %q, want applied", foundation, got)
	}
}

func TestCreateAdmin(t *testing.T) {
	env, _ := cliEnv(t)
	runOK(t, env, "migrate", "up")
	out := runOK(t, env, "createadmin", "new.admin@agency.example")
	if !strings.Contains(out, "new.admin@agency.example") || !strings.Contains(out, "http://localhost:8080/password/reset/") {
		t.Errorf("createadmin printed:\n%s", out)
	}
	// Again, for a person who now exists: still a link, and not "created".
	out = runOK(t, env, "createadmin", "New.Admin@agency.example")
	if !strings.Contains(out, "/password/reset/") || strings.Contains(out, "was created") {
		t.Errorf("second createadmin printed:\n%s", out)
	}
	var buf bytes.Buffer
	if err := run(context.Background(), []string{"holdspace", "createadmin", "not-an-email"}, env, &buf); err == nil {
		t.Errorf("createadmin not-an-email: no error; output:\n%s", buf.String())
	}
}

func TestRoutes(t *testing.T) {
	env, _ := cliEnv(t)
	runOK(t, env, "migrate", "up")
	out := runOK(t, env, "routes")
	for _, want := range []string{"METHOD", "PERMISSION", "/t/:slug/audit", "tenant audit:read", "/healthz", "public"} {
		if !strings.Contains(out, want) {
			t.Errorf("routes lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "/t/:slug/audit") && !strings.Contains(line, "tenant audit:read") {
			t.Errorf("the audit route's line has another permission: %q", line)
		}
		if strings.Contains(line, "NONE") {
			t.Errorf("a route without a permission: %q", line)
		}
	}
}

// freePort returns a TCP port that was free a moment ago (PORT=0 is refused by the config).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// TestEmbeddedDefault runs `holdspace` with no command, as a newcomer would, probes it and
// stops it the way Ctrl+C does.
func TestEmbeddedDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole program")
	}
	dataDir := t.TempDir()
	port := freePort(t)
	env := envOf(map[string]string{"DATA_DIR": dataDir, "PORT": strconv.Itoa(port)})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"holdspace"}, env, out) }()

	urlRe := regexp.MustCompile(`Holdspace is running at (http://\S+)`)
	var base string
	deadline := time.After(90 * time.Second)
	for base == "" {
		select {
		case err := <-done:
			t.Fatalf("run returned before it was ready: %v\noutput:\n%s", err, out.String())
		case <-deadline:
			cancel()
			t.Fatalf("not ready after 90 s; output:\n%s", out.String())
		case <-time.After(50 * time.Millisecond):
			if m := urlRe.FindStringSubmatch(out.String()); m != nil {
				base = m[1]
			}
		}
	}
	if want := ":" + strconv.Itoa(port); !strings.HasSuffix(base, want) {
		t.Errorf("running at %s, want port %d", base, port)
	}
	for _, want := range []string{"demo data seeded", "holdspace-demo", "/admin/outbox", filepath.Join(dataDir, "holdspace.db")} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("start-up text lacks %q:\n%s", want, out.String())
		}
	}

	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, string) {
		t.Helper()
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return res.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\"", code, body)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("GET /readyz = %d %q, want 200", code, body)
	}
	if code, body := get("/signin"); code != 200 || !strings.Contains(body, "Sign in") {
		t.Errorf("GET /signin = %d, want 200 with \"Sign in\"; body:\n%.500s", code, body)
	}

	// Ctrl+C: the keep-alive connection the client still holds must not hold shutdown up.
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel: %v\noutput:\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("run did not return within 30 s of cancel; output:\n%s", out.String())
	}
}
