package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
)

const taskPing = "test:ping"

type pingPayload struct {
	jobs.Tenant
	Note string `json:"note"`
}

// run is one call of a handler: what it was given and what it found in its context.
type run struct {
	note     string
	tenantID string // from database.ScopeFrom; "" when it failed
	retry    int    // asynq's retry count: 0 on the first run
}

// eachBroker runs test against the embedded server (always) and against the test Redis
// (when HOLDSPACE_TEST_REDIS_URL is set), each in its own subtest.
func eachBroker(t *testing.T, test func(t *testing.T, rdb redis.UniversalClient)) {
	t.Run("Embedded", func(t *testing.T) {
		e, err := jobs.StartEmbedded()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Close)
		test(t, connect(t, e.URL()))
	})
	t.Run("Redis", func(t *testing.T) {
		u := dbtest.RedisURL()
		if u == "" {
			t.Skip("HOLDSPACE_TEST_REDIS_URL is not set")
		}
		test(t, connect(t, u))
	})
}

func connect(t *testing.T, url string) redis.UniversalClient {
	t.Helper()
	rdb, err := jobs.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// worker starts a server on a queue of its own (so that tests sharing a Redis never run each
// other's tasks) with retries made fast, and returns the queue to enqueue into. The server is
// stopped and the queue deleted when the test ends.
func worker(t *testing.T, rdb redis.UniversalClient, mux *jobs.Mux) (*jobs.Queue, string) {
	t.Helper()
	name := "test-" + dbtest.RandomHex(6)
	srv := jobs.NewServerWith(rdb, slog.New(slog.DiscardHandler), jobs.ServerOptions{
		Concurrency:  2,
		Queue:        name,
		RetryDelay:   func(int, error, *asynq.Task) time.Duration { return 10 * time.Millisecond },
		DelayedCheck: 100 * time.Millisecond,
	})
	if err := srv.Start(mux.Handler()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Shutdown()
		// Best effort: keep the shared Redis tidy (DeleteQueue leaves the counters).
		insp := asynq.NewInspectorFromRedisClient(rdb)
		insp.DeleteQueue(name, true) //nolint:errcheck
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, "asynq:{"+name+"}:*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...) //nolint:errcheck
		}
	})
	return jobs.NewNamedQueue(rdb, name), name
}

// recorder is a handler that reports each run on a channel; fail decides whether a run fails.
func recorder(fail func(r run) error) (func(ctx context.Context, p pingPayload) error, <-chan run) {
	runs := make(chan run, 10)
	return func(ctx context.Context, p pingPayload) error {
		r := run{note: p.Note}
		if sc, err := database.ScopeFrom(ctx); err == nil {
			r.tenantID = sc.TenantID
		}
		r.retry, _ = asynq.GetRetryCount(ctx)
		runs <- r
		if fail != nil {
			return fail(r)
		}
		return nil
	}, runs
}

func next(t *testing.T, runs <-chan run) run {
	t.Helper()
	select {
	case r := <-runs:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("got no run of the handler within 10 s, want one")
	}
	return run{}
}

// none fails if the handler runs again within d.
func none(t *testing.T, runs <-chan run, d time.Duration) {
	t.Helper()
	select {
	case r := <-runs:
		t.Fatalf("got another run %+v, want none", r)
	case <-time.After(d):
	}
}

func TestRoundTrip(t *testing.T) {
	eachBroker(t, func(t *testing.T, rdb redis.UniversalClient) {
		handler, runs := recorder(nil)
		mux := jobs.NewMux()
		jobs.Handle(mux, taskPing, handler)
		q, _ := worker(t, rdb, mux)
		ctx := context.Background()

		t.Run("OK", func(t *testing.T) {
			if err := q.Enqueue(ctx, taskPing, pingPayload{Tenant: jobs.Tenant{TenantID: "tenant-a"}, Note: "hello"}); err != nil {
				t.Fatal(err)
			}
			r := next(t, runs)
			if r.note != "hello" {
				t.Errorf("got payload note %q, want %q", r.note, "hello")
			}
			if r.tenantID != "tenant-a" {
				t.Errorf("got tenant %q in the handler's scope, want %q", r.tenantID, "tenant-a")
			}
			none(t, runs, 300*time.Millisecond)
		})

		t.Run("NoTenantNoScope", func(t *testing.T) {
			if err := q.Enqueue(ctx, taskPing, pingPayload{Note: "platform"}); err != nil {
				t.Fatal(err)
			}
			r := next(t, runs)
			if r.note != "platform" || r.tenantID != "" {
				t.Errorf("got note %q tenant %q, want note %q and no tenant scope", r.note, r.tenantID, "platform")
			}
		})
	})
}

func TestBadPayloadArchived(t *testing.T) {
	eachBroker(t, func(t *testing.T, rdb redis.UniversalClient) {
		handler, runs := recorder(nil)
		mux := jobs.NewMux()
		jobs.Handle(mux, taskPing, handler)
		_, queue := worker(t, rdb, mux)

		client := asynq.NewClientFromRedisClient(rdb)
		info, err := client.Enqueue(asynq.NewTask(taskPing, []byte("{not json"), asynq.Queue(queue), asynq.MaxRetry(5)))
		if err != nil {
			t.Fatal(err)
		}
		insp := asynq.NewInspectorFromRedisClient(rdb)
		deadline := time.Now().Add(10 * time.Second)
		var archived []*asynq.TaskInfo
		for time.Now().Before(deadline) {
			if archived, err = insp.ListArchivedTasks(queue); err != nil {
				t.Fatal(err)
			}
			if len(archived) > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(archived) != 1 || archived[0].ID != info.ID {
			t.Fatalf("got %d archived tasks, want the one with the bad payload", len(archived))
		}
		if archived[0].Retried != 0 {
			t.Errorf("got %d retries, want 0 (retrying a bad payload cannot help)", archived[0].Retried)
		}
		if !strings.Contains(archived[0].LastErr, "bad payload") {
			t.Errorf("got last error %q, want it to say bad payload", archived[0].LastErr)
		}
		none(t, runs, 100*time.Millisecond) // the handler itself never ran
	})
}

func TestFailureRetried(t *testing.T) {
	eachBroker(t, func(t *testing.T, rdb redis.UniversalClient) {
		handler, runs := recorder(func(r run) error {
			if r.retry == 0 {
				return errors.New("the mail server is down")
			}
			return nil
		})
		mux := jobs.NewMux()
		jobs.Handle(mux, taskPing, handler)
		q, queue := worker(t, rdb, mux)

		if err := q.Enqueue(context.Background(), taskPing, pingPayload{Tenant: jobs.Tenant{TenantID: "tenant-a"}, Note: "again"},
			asynq.MaxRetry(1)); err != nil {
			t.Fatal(err)
		}
		first, second := next(t, runs), next(t, runs)
		if first.retry != 0 || second.retry != 1 {
			t.Errorf("got runs with retry counts %d and %d, want 0 then 1", first.retry, second.retry)
		}
		if second.note != "again" || second.tenantID != "tenant-a" {
			t.Errorf("got retry with note %q tenant %q, want the same payload and scope", second.note, second.tenantID)
		}
		none(t, runs, 300*time.Millisecond)
		archived, err := asynq.NewInspectorFromRedisClient(rdb).ListArchivedTasks(queue)
		if err != nil {
			t.Fatal(err)
		}
		if len(archived) != 0 {
			t.Errorf("got %d archived tasks, want 0: the retry succeeded", len(archived))
		}
	})
}

// StartEmbedded moves miniredis's clock with the wall clock; without that, no key would ever
// expire, and neither would asynq's unique-task locks nor the rate-limit windows.
func TestEmbeddedClock(t *testing.T) {
	e, err := jobs.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rdb := connect(t, e.URL())
	ctx := context.Background()
	if err := rdb.Set(ctx, "lock", "1", time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if n := rdb.Exists(ctx, "lock").Val(); n != 1 {
		t.Fatalf("got %d keys right after SET, want 1", n)
	}
	time.Sleep(2 * time.Second)
	if n := rdb.Exists(ctx, "lock").Val(); n != 0 {
		t.Fatalf("got %d keys 2 s after a SET with a 1 s TTL, want 0", n)
	}
}

// Two queues on one Redis do not see each other's tasks: what keeps parallel test packages
// (and the tests above) apart.
func TestNamedQueuesApart(t *testing.T) {
	eachBroker(t, func(t *testing.T, rdb redis.UniversalClient) {
		var mu sync.Mutex
		seen := map[string][]string{}
		for _, name := range []string{"a", "b"} {
			mux := jobs.NewMux()
			jobs.Handle(mux, taskPing, func(ctx context.Context, p pingPayload) error {
				mu.Lock()
				defer mu.Unlock()
				seen[name] = append(seen[name], p.Note)
				return nil
			})
			q, _ := worker(t, rdb, mux)
			if err := q.Enqueue(context.Background(), taskPing, pingPayload{Note: name}); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			done := len(seen["a"]) > 0 && len(seen["b"]) > 0
			mu.Unlock()
			if done || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		for _, name := range []string{"a", "b"} {
			if got := strings.Join(seen[name], ","); got != name {
				t.Errorf("got worker %s ran %q, want only its own task %q", name, got, name)
			}
		}
	})
}
