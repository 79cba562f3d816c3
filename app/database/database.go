// Package database opens Holdspace's database (PostgreSQL in production, SQLite on the embedded
// default) and holds the one tenant-scoping helper every store query goes through.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
)

// setPool sizes the pool, unless the URL sets pgx's own pool_* parameters (pool_max_conns,
// pool_min_conns, pool_max_conn_idle_time, pool_max_conn_lifetime…), which win.
//
// A new connection is a new PostgreSQL backend whose caches are cold: its first plan of each
// statement reads the catalog and the statistics (about 5 ms for a two-table query, against
// 0.4 ms warm). Connections closed after a few idle minutes and opened again when a burst
// came made every burst pay that on every statement, and the requests queued behind it
// (issue 14: stalls of 100-600 ms at 200 req/s, all of it SQL time, the PostgreSQL log showing
// slow "bind" steps). So idle connections are kept for an hour, and their lifetimes are
// spread so that they do not all end at once.
func setPool(cfg *pgxpool.Config, dsn string) {
	set := map[string]bool{}
	if u, err := url.Parse(dsn); err == nil {
		for k := range u.Query() {
			set[k] = true
		}
	}
	if !set["pool_max_conns"] {
		cfg.MaxConns = 20
	}
	if !set["pool_min_conns"] {
		cfg.MinConns = 0
	}
	if !set["pool_max_conn_idle_time"] {
		cfg.MaxConnIdleTime = time.Hour
	}
	if !set["pool_max_conn_lifetime"] {
		cfg.MaxConnLifetime = 2 * time.Hour
	}
	if !set["pool_max_conn_lifetime_jitter"] {
		cfg.MaxConnLifetimeJitter = 30 * time.Minute
	}
}

// Open connects to a postgres:// URL or opens (creating) a SQLite file.
//
// On PostgreSQL every connection is handed out through one pool whose PrepareConn hook sets the
// row-level security settings of the context that asks for it (see rowsecurity.go): the tenant
// of the scope, the person, or the named cross-tenant path. A connection is never used with
// another request's settings.
func Open(ctx context.Context, dsn string) (*bun.DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		setPool(cfg, dsn)
		cfg.PrepareConn = prepareConn
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqldb := sql.OpenDB(poolConnector{Connector: stdlib.GetPoolConnector(pool), pool: pool})
		sqldb.SetMaxIdleConns(0) // the pgx pool keeps the idle connections
		rememberPool(sqldb, pool)
		db := bun.NewDB(sqldb, pgdialect.New())
		db.AddQueryHook(statsHook{})
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to postgres: %w", err)
		}
		return db, nil
	}
	if dir := filepath.Dir(dsn); dir != "." && dsn != ":memory:" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	if dsn != ":memory:" {
		// The file holds every tenant's records: readable by its owner only. SQLite gives its
		// -wal and -shm files the same mode.
		f, err := os.OpenFile(dsn, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		f.Close()
		if err := os.Chmod(dsn, 0o600); err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
	}
	// WAL lets readers work while one writer writes; busy_timeout makes a second writer wait
	// instead of failing; foreign keys are off by default in SQLite.
	q := "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	sqldb, err := sql.Open(sqliteshim.ShimName, "file:"+dsn+q)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	db.AddQueryHook(statsHook{})
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	return db, nil
}

// NewID returns a new record id: a UUIDv7, time-ordered so it indexes well, and random enough
// in its low bits that it cannot be guessed.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// IsID reports whether s looks like an id (so a malformed id in a URL is simply not found).
func IsID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// Now is the current time in UTC, truncated to microseconds (what both databases keep).
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

type txKey struct{}

// txState is the transaction in a context, and what to do once it commits.
type txState struct {
	tx    bun.Tx
	after []func(context.Context)
	pg    bool        // row-level security settings apply
	rs    rowSettings // the settings the transaction's statements run under now
}

// Conn returns the transaction in ctx, or db. Inside a transaction on PostgreSQL, a context
// whose scope differs from the one the transaction began with (a sign-up creating a tenant,
// then writing in it) has its settings written for the rest of the transaction first.
func Conn(ctx context.Context, db *bun.DB) bun.IDB {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		if st.pg {
			if want := settingsOf(ctx); want != st.rs {
				// A failure aborts the transaction, and its next statement reports it.
				_, _ = st.tx.ExecContext(ctx, setLocal, want.tenant, want.user, want.all)
				st.rs = want
			}
		}
		return st.tx
	}
	return db
}

// InTx runs fn in a transaction carried by the context; an outer transaction is reused.
// Functions given to AfterCommit run once the outermost transaction has committed.
func InTx(ctx context.Context, db *bun.DB, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return fn(ctx)
	}
	st := &txState{pg: db.Dialect().Name() == dialect.PG, rs: settingsOf(ctx)}
	err := db.RunInTx(ctx, nil, func(txctx context.Context, tx bun.Tx) error {
		st.tx = tx
		return fn(context.WithValue(txctx, txKey{}, st))
	})
	if err == nil {
		for _, f := range st.after {
			f(ctx)
		}
	}
	return err
}

// AfterCommit runs f when ctx's transaction commits (never, if it rolls back), or now when
// ctx has no transaction. Use it for what must not happen for a write that did not: queuing a
// task about a new row, say.
func AfterCommit(ctx context.Context, f func(ctx context.Context)) {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		st.after = append(st.after, f)
		return
	}
	f(ctx)
}

// IsUniqueViolation reports whether err is a unique-constraint failure on either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") ||
		strings.Contains(s, "duplicate key value")
}
