package database

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// Stats counts the SQL statements run under one context (one web request) and the time they
// took. The web server puts one on every request (WithStats); the load harness reads it from
// the Server-Timing header and fails a page whose statements grow with the rows it shows.
type Stats struct {
	statements atomic.Int64
	nanos      atomic.Int64
}

// Statements is how many statements ran.
func (s *Stats) Statements() int64 { return s.statements.Load() }

// Duration is the time they took, as the database client saw it.
func (s *Stats) Duration() time.Duration { return time.Duration(s.nanos.Load()) }

type statsKey struct{}

// WithStats returns ctx carrying a new Stats, which every statement run under it adds to.
func WithStats(ctx context.Context) (context.Context, *Stats) {
	s := &Stats{}
	return context.WithValue(ctx, statsKey{}, s), s
}

// StatsOf is the Stats of ctx, or nil.
func StatsOf(ctx context.Context) *Stats {
	s, _ := ctx.Value(statsKey{}).(*Stats)
	return s
}

// statsHook is the bun query hook that feeds Stats.
type statsHook struct{}

// BeforeQuery also checks a PlatformTablesOnly context's statement.
func (statsHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	return checkPlatformOnly(ctx, e.Query)
}

func (statsHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if s := StatsOf(ctx); s != nil {
		s.statements.Add(1)
		s.nanos.Add(int64(time.Since(e.StartTime)))
	}
}
