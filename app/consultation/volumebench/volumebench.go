// Package volumebench opens the speed benchmarks' data for any package's benchmarks: the
// volume tenant (consultation.SeedVolume: 1,000,000 sessions over five years) in its own
// PostgreSQL schema, holdspace_bench, migrated and kept between runs (the first run seeds it, a
// few minutes; later ones find it). One opener, so every benchmark measures the same data.
//
//	HOLDSPACE_BENCH_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	  go test ./app/reports/ -run '^$' -bench .
//
// Without a PostgreSQL address the benchmark is skipped, unless HOLDSPACE_BENCH_SESSIONS is set:
// then it runs on a SQLite file in the temp folder, with that many sessions. Plain "go test"
// never runs benchmarks.
package volumebench

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/migrations"
)

// Data is the opened benchmark data.
type Data struct {
	DB *bun.DB
	V  *consultation.Volume
	// DSN is the server's address as given, without the schema (for psql, which then sets
	// search_path to Schema itself); empty on SQLite.
	DSN string
}

// Schema is the PostgreSQL schema the data lives in.
const Schema = "holdspace_bench"

var (
	once   sync.Once
	opened *Data
	failed error
	skip   string
)

// Open returns the benchmark data, opening (and, the first time, seeding) it once per process.
func Open(b testing.TB) *Data {
	b.Helper()
	once.Do(func() { opened, skip, failed = open(b) })
	if skip != "" {
		b.Skip(skip)
	}
	if failed != nil {
		b.Fatal(failed)
	}
	return opened
}

func open(b testing.TB) (*Data, string, error) {
	ctx := context.Background()
	base := os.Getenv("HOLDSPACE_BENCH_DATABASE_URL")
	if base == "" {
		base = os.Getenv("HOLDSPACE_TEST_DATABASE_URL")
	}
	dsn := base
	if base != "" {
		admin, err := database.Open(ctx, base)
		if err != nil {
			return nil, "", err
		}
		_, err = admin.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+Schema)
		admin.Close()
		if err != nil {
			return nil, "", err
		}
		u, err := url.Parse(base)
		if err != nil {
			return nil, "", err
		}
		q := u.Query()
		q.Set("search_path", Schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	} else {
		// The targets are PostgreSQL's; seeding a million rows into SQLite takes minutes, so a
		// plain "make bench" leaves it out unless asked for.
		if os.Getenv("HOLDSPACE_BENCH_SESSIONS") == "" {
			return nil, "set HOLDSPACE_BENCH_DATABASE_URL (PostgreSQL, the targets' engine) or HOLDSPACE_BENCH_SESSIONS for a SQLite run", nil
		}
		dsn = filepath.Join(os.TempDir(), "holdspace-bench.db")
	}
	db, err := database.Open(ctx, dsn)
	if err != nil {
		return nil, "", err
	}
	if _, err := migrations.Up(ctx, db); err != nil {
		return nil, "", err
	}
	opt := consultation.VolumeOptions{}
	if n, err := strconv.Atoi(os.Getenv("HOLDSPACE_BENCH_SESSIONS")); err == nil && n > 0 {
		opt.Sessions = n
	}
	start := time.Now()
	v, err := consultation.SeedVolume(ctx, db, opt)
	if err != nil {
		return nil, "", err
	}
	if v.Created > 0 {
		b.Logf("seeded %d sessions in %s", v.Created, time.Since(start).Round(time.Second))
	}
	b.Logf("tenant holds %d sessions; the measured consultant %d (%s)", v.Sessions, v.ConsultantSessions, db.Dialect().Name())
	return &Data{DB: db, V: v, DSN: base}, "", nil
}
