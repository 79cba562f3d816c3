// Package dbtest opens a fresh, migrated database for a test: SQLite in a temporary folder
// always, or, when HOLDSPACE_TEST_DATABASE_URL is set, a new schema of that PostgreSQL
// database, dropped when the test ends. The same for Redis: HOLDSPACE_TEST_REDIS_URL, or an
// in-process miniredis.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/migrations"
)

// PostgresURL is the test PostgreSQL server, or "".
func PostgresURL() string { return os.Getenv("HOLDSPACE_TEST_DATABASE_URL") }

// RedisURL is the test Redis server, or "".
func RedisURL() string { return os.Getenv("HOLDSPACE_TEST_REDIS_URL") }

// Open returns a migrated database for tb.
func Open(tb testing.TB) *bun.DB {
	tb.Helper()
	db := OpenEmpty(tb)
	if _, err := migrations.Up(context.Background(), db); err != nil {
		tb.Fatalf("migrate up: %v", err)
	}
	return db
}

// DSN returns a fresh database address for tb (a new PostgreSQL schema, or a SQLite file).
func DSN(tb testing.TB) string {
	tb.Helper()
	if pg := PostgresURL(); pg != "" {
		schema := "t_" + RandomHex(6)
		admin, err := database.Open(context.Background(), pg)
		if err != nil {
			tb.Fatalf("connect to HOLDSPACE_TEST_DATABASE_URL: %v", err)
		}
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			tb.Fatalf("create schema: %v", err)
		}
		tb.Cleanup(func() {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE") //nolint:errcheck
			admin.Close()
		})
		u, err := url.Parse(pg)
		if err != nil {
			tb.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema) // pgx passes unknown parameters to the server
		u.RawQuery = q.Encode()
		return u.String()
	}
	return filepath.Join(tb.TempDir(), "test.db")
}

// OpenEmpty returns a database with no tables.
func OpenEmpty(tb testing.TB) *bun.DB {
	tb.Helper()
	db, err := database.Open(context.Background(), DSN(tb))
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// IsPostgres reports whether db is PostgreSQL.
func IsPostgres(db *bun.DB) bool { return strings.Contains(db.Dialect().Name().String(), "pg") }

// Redis returns a Redis URL for tb: the test server, or a new miniredis.
func Redis(tb testing.TB) string {
	tb.Helper()
	if u := RedisURL(); u != "" {
		return u
	}
	mr := miniredis.RunT(tb)
	return "redis://" + mr.Addr() + "/0"
}

// RandomHex returns n random bytes in hex, for names that must not collide between tests.
func RandomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck
	return hex.EncodeToString(b)
}
