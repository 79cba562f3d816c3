package database

import (
	"database/sql"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uptrace/bun"
)

// pools are the pgx pools behind the PostgreSQL databases Open made, by their database/sql
// handle: database/sql does not show its connector.
var pools sync.Map // *sql.DB -> *pgxpool.Pool

func rememberPool(db *sql.DB, p *pgxpool.Pool) { pools.Store(db, p) }

func forgetPool(p *pgxpool.Pool) {
	pools.Range(func(k, v any) bool {
		if v == p {
			pools.Delete(k)
		}
		return true
	})
}

// PoolStat is the connection pool's figures now (pgx's own counters), or nil for a database
// without one (SQLite). For /metrics: new connections opened under load (each a PostgreSQL
// backend whose first plans are slow), acquires that found no idle connection and how long
// they waited.
func PoolStat(db *bun.DB) *pgxpool.Stat {
	if p, ok := pools.Load(db.DB); ok {
		return p.(*pgxpool.Pool).Stat()
	}
	return nil
}
