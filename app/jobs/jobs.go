// Package jobs wires asynq in one place: the client that enqueues, the server that runs
// handlers, the scheduler, and the embedded Redis-compatible server of the one-process default.
//
// Task types are named "domain:verb". Payloads carry ids and the tenant id, never personal data;
// the handler wrapper restores the tenant scope before a handler touches a store. asynq
// delivers at least once, so every handler must be safe to run twice.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/holdspace/holdspace/app/database"
)

// Tenant is embedded in every payload: the tenant the task works in ("" for platform work).
type Tenant struct {
	TenantID string `json:"tenant_id"`
}

func (t Tenant) tenant() string { return t.TenantID }

type tenantPayload interface{ tenant() string }

// DefaultQueue is the asynq queue Holdspace's tasks go to and its workers read.
const DefaultQueue = "default"

// Queue enqueues tasks.
type Queue struct {
	c    *asynq.Client
	name string
}

// NewQueue returns a queue on the shared Redis client, enqueuing into DefaultQueue.
func NewQueue(rdb redis.UniversalClient) *Queue {
	return NewNamedQueue(rdb, DefaultQueue)
}

// NewNamedQueue returns a queue enqueuing into the asynq queue name. Tests sharing one Redis
// give each its own name, so that no test's worker runs another test's tasks.
func NewNamedQueue(rdb redis.UniversalClient, name string) *Queue {
	return &Queue{c: asynq.NewClientFromRedisClient(rdb), name: name}
}

// Enqueue adds a task of type typ with payload. Default: 8 retries with asynq's exponential
// backoff, then the task is archived (visible in asynqmon), never retried forever.
func (q *Queue) Enqueue(ctx context.Context, typ string, payload any, opts ...asynq.Option) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("%s: encode payload: %w", typ, err)
	}
	opts = append([]asynq.Option{asynq.Queue(q.name), asynq.MaxRetry(8), asynq.Timeout(2 * time.Minute)}, opts...)
	if _, err := q.c.EnqueueContext(ctx, asynq.NewTask(typ, b, opts...)); err != nil {
		return fmt.Errorf("enqueue %s: %w", typ, err)
	}
	return nil
}

// Close releases the client (not the shared Redis connection).
func (q *Queue) Close() error { return nil }

// Mux routes task types to handlers.
type Mux struct {
	m     *asynq.ServeMux
	types []string
}

// NewMux returns an empty mux.
func NewMux() *Mux { return &Mux{m: asynq.NewServeMux()} }

// Types lists the registered task types.
func (m *Mux) Types() []string { return m.types }

// Handle registers fn for typ. The payload P embeds Tenant; the handler runs with the tenant's
// scope in its context. A payload that cannot be decoded is archived at once (retrying would
// not help).
func Handle[P tenantPayload](m *Mux, typ string, fn func(ctx context.Context, p P) error) {
	m.types = append(m.types, typ)
	m.m.HandleFunc(typ, func(ctx context.Context, t *asynq.Task) error {
		var p P
		if err := json.Unmarshal(t.Payload(), &p); err != nil {
			return fmt.Errorf("%s: bad payload: %v: %w", typ, err, asynq.SkipRetry)
		}
		if id := p.tenant(); id != "" {
			ctx = database.WithScope(ctx, database.Scope{TenantID: id})
		}
		return fn(ctx, p)
	})
}

// NewServer returns the asynq server that runs the mux's handlers from DefaultQueue.
func NewServer(rdb redis.UniversalClient, log *slog.Logger, concurrency int) *asynq.Server {
	return NewServerWith(rdb, log, ServerOptions{Concurrency: concurrency})
}

// ServerOptions tune a worker. Only Concurrency is needed: the zero value of the others is
// production's behaviour.
type ServerOptions struct {
	Concurrency int
	// Queue is the asynq queue to read ("" is DefaultQueue); see NewNamedQueue.
	Queue string
	// RetryDelay replaces asynq's exponential backoff (nil keeps it); tests make it short.
	RetryDelay asynq.RetryDelayFunc
	// DelayedCheck is how often retried and scheduled tasks are moved back to the queue
	// (0 keeps asynq's 5 s).
	DelayedCheck time.Duration
}

// NewServerWith returns the asynq server that runs the mux's handlers, tuned by o.
func NewServerWith(rdb redis.UniversalClient, log *slog.Logger, o ServerOptions) *asynq.Server {
	queue := o.Queue
	if queue == "" {
		queue = DefaultQueue
	}
	return asynq.NewServerFromRedisClient(rdb, asynq.Config{
		Concurrency:              o.Concurrency,
		Queues:                   map[string]int{queue: 1},
		RetryDelayFunc:           o.RetryDelay,
		DelayedTaskCheckInterval: o.DelayedCheck,
		ShutdownTimeout:          25 * time.Second,
		Logger:                   &asynqLogger{log.With("component", "jobs")},
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			retried, _ := asynq.GetRetryCount(ctx)
			max, _ := asynq.GetMaxRetry(ctx)
			log.WarnContext(ctx, "task failed", "type", t.Type(), "err", err, "retry", retried, "max_retry", max)
		}),
	})
}

// Handler returns the mux as an asynq handler.
func (m *Mux) Handler() asynq.Handler { return m.m }

// Periodic is a task the scheduler enqueues on a cron spec.
type Periodic struct {
	Spec, Type string
}

// NewScheduler returns a scheduler enqueuing each periodic task. Each is unique for its period,
// so several schedulers (one per worker process) do not run it twice.
//
// The scheduler gets a connection of its own (from redisURL): asynq closes the scheduler's
// client when it stops, and would complain about closing a shared one.
func NewScheduler(redisURL, queue string, log *slog.Logger, tasks []Periodic) (*asynq.Scheduler, error) {
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	s := asynq.NewScheduler(opt, &asynq.SchedulerOpts{
		Location: time.UTC,
		Logger:   &asynqLogger{log.With("component", "scheduler")},
	})
	for _, p := range tasks {
		b, _ := json.Marshal(Tenant{})
		if _, err := s.Register(p.Spec, asynq.NewTask(p.Type, b, asynq.Queue(queue), asynq.Unique(55*time.Second), asynq.MaxRetry(3))); err != nil {
			return nil, fmt.Errorf("schedule %s: %w", p.Type, err)
		}
	}
	return s, nil
}

type asynqLogger struct{ l *slog.Logger }

func (a *asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a *asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a *asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a *asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a *asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
