package database

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The pool keeps idle connections for an hour and spreads their ends, unless the URL sets
// pgx's own pool parameters.
func TestSetPool(t *testing.T) {
	const base = "postgres://u@127.0.0.1:5432/test?sslmode=disable"
	cfg, err := pgxpool.ParseConfig(base)
	if err != nil {
		t.Fatal(err)
	}
	setPool(cfg, base)
	if cfg.MaxConns != 20 || cfg.MinConns != 0 || cfg.MaxConnIdleTime != time.Hour || cfg.MaxConnLifetime != 2*time.Hour || cfg.MaxConnLifetimeJitter != 30*time.Minute {
		t.Errorf("defaults: max %d, min %d, idle %s, lifetime %s, jitter %s", cfg.MaxConns, cfg.MinConns, cfg.MaxConnIdleTime, cfg.MaxConnLifetime, cfg.MaxConnLifetimeJitter)
	}
	own := base + "&pool_max_conns=8&pool_min_conns=2&pool_max_conn_idle_time=5m&pool_max_conn_lifetime=10m&pool_max_conn_lifetime_jitter=1m"
	if cfg, err = pgxpool.ParseConfig(own); err != nil {
		t.Fatal(err)
	}
	setPool(cfg, own)
	if cfg.MaxConns != 8 || cfg.MinConns != 2 || cfg.MaxConnIdleTime != 5*time.Minute || cfg.MaxConnLifetime != 10*time.Minute || cfg.MaxConnLifetimeJitter != time.Minute {
		t.Errorf("the URL's: max %d, min %d, idle %s, lifetime %s, jitter %s", cfg.MaxConns, cfg.MinConns, cfg.MaxConnIdleTime, cfg.MaxConnLifetime, cfg.MaxConnLifetimeJitter)
	}
}
