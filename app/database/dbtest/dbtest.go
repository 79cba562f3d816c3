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
	"sync"
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

// AppRole is the PostgreSQL role the tests' application connects as: it owns nothing and has
// no BYPASSRLS, as in production, so row-level security applies to every query a test makes
// through Open's database.
const AppRole = "holdspace_test_app"

// Open returns a migrated database for tb. On PostgreSQL the schema is migrated by the owner
// (the test server's user) and the database returned connects as AppRole.
func Open(tb testing.TB) *bun.DB {
	tb.Helper()
	owner, app := DSNs(tb)
	odb := openURL(tb, owner)
	if _, err := migrations.Up(context.Background(), odb); err != nil {
		tb.Fatalf("migrate up: %v", err)
	}
	if app == owner {
		return odb
	}
	if err := migrations.GrantApp(context.Background(), odb, AppRole); err != nil {
		tb.Fatalf("grant the application role: %v", err)
	}
	return openURL(tb, app)
}

// Owner returns a connection to db's schema as its owner (the test server's user, who bypasses
// row-level security), for a test that must see every tenant's rows or change the schema; db
// itself when it is SQLite.
func Owner(tb testing.TB, db *bun.DB) *bun.DB {
	tb.Helper()
	if !IsPostgres(db) {
		return db
	}
	if o, ok := owners.Load(db); ok {
		return o.(*bun.DB)
	}
	var schema string
	if err := db.NewRaw("SELECT current_schema()").Scan(context.Background(), &schema); err != nil {
		tb.Fatal(err)
	}
	o := openURL(tb, withParams(tb, PostgresURL(), "", schema))
	owners.Store(db, o)
	tb.Cleanup(func() { owners.Delete(db) })
	return o
}

// owners keeps one owner connection per test database.
var owners sync.Map

// DSN returns a fresh database address for tb (a new PostgreSQL schema, or a SQLite file), for
// its owner.
func DSN(tb testing.TB) string {
	tb.Helper()
	owner, _ := DSNs(tb)
	return owner
}

// DSNs returns a fresh database's address for its owner (who migrates it) and for the
// application. They are the same SQLite file; on PostgreSQL a new schema, the owner being the
// test server's user and the application AppRole, which owns nothing.
func DSNs(tb testing.TB) (owner, app string) {
	tb.Helper()
	pg := PostgresURL()
	if pg == "" {
		f := filepath.Join(tb.TempDir(), "test.db")
		return f, f
	}
	schema := "t_" + RandomHex(6)
	admin, err := database.Open(context.Background(), pg)
	if err != nil {
		tb.Fatalf("connect to HOLDSPACE_TEST_DATABASE_URL: %v", err)
	}
	// Two packages may create the role at once: the loser's error is expected.
	if _, err := admin.Exec(`DO $$ BEGIN
			CREATE ROLE ` + AppRole + ` LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`); err != nil {
		tb.Fatalf("create role %s: %v", AppRole, err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE") //nolint:errcheck
		admin.Close()
	})
	return withParams(tb, pg, "", schema), withParams(tb, pg, AppRole, schema)
}

// withParams returns the PostgreSQL URL pg for user (or pg's own) with schema as search_path.
func withParams(tb testing.TB, pg, user, schema string) string {
	tb.Helper()
	u, err := url.Parse(pg)
	if err != nil {
		tb.Fatal(err)
	}
	if user != "" {
		u.User = url.User(user)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx passes unknown parameters to the server
	u.RawQuery = q.Encode()
	return u.String()
}

func openURL(tb testing.TB, dsn string) *bun.DB {
	tb.Helper()
	db, err := database.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// OpenEmpty returns a database with no tables, connected as its owner.
func OpenEmpty(tb testing.TB) *bun.DB {
	tb.Helper()
	return openURL(tb, DSN(tb))
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
