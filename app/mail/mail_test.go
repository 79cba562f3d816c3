package mail

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
)

// fakeSender records what it sends; err, if set, is returned instead.
type fakeSender struct {
	mu   sync.Mutex
	sent []string // "to|subject"
	err  error
}

func (f *fakeSender) Send(_ context.Context, from string, e *Email) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.sent = append(f.sent, e.To+"|"+e.Subject)
	return nil
}

func (f *fakeSender) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

type env struct {
	db    *bun.DB
	rdb   redis.UniversalClient
	queue string
}

// newEnv opens a database and a Redis queue of the test's own (deleted at the end), so the
// test sees exactly the tasks it enqueued.
func newEnv(t *testing.T) *env {
	t.Helper()
	db := dbtest.Open(t)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	queue := "test-mail-" + dbtest.RandomHex(6)
	t.Cleanup(func() {
		asynq.NewInspectorFromRedisClient(rdb).DeleteQueue(queue, true) //nolint:errcheck
		rdb.Close()
	})
	return &env{db: db, rdb: rdb, queue: queue}
}

func (e *env) mailer(sender Sender) *Mailer {
	return New(e.db, jobs.NewNamedQueue(e.rdb, e.queue), sender, "Holdspace <no-reply@holdspace.test>")
}

// tasks returns the email:send tasks waiting in the test's queue.
func (e *env) tasks(t *testing.T) []*asynq.TaskInfo {
	t.Helper()
	list, err := asynq.NewInspectorFromRedisClient(e.rdb).ListPendingTasks(e.queue)
	if err != nil && !errors.Is(err, asynq.ErrQueueNotFound) {
		t.Fatal(err)
	}
	return list
}

// email reads the one message in the outbox.
func (e *env) email(t *testing.T) *Email {
	t.Helper()
	var list []Email
	if err := dbtest.Owner(t, e.db).NewSelect().Model(&list).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("got %d messages in the outbox, want 1", len(list))
	}
	return &list[0]
}

func tenantCtx(id string) context.Context {
	return database.WithScope(context.Background(), database.Scope{TenantID: id})
}

// run runs the email:send task the way the worker would: through the mux, from the payload
// that Send queued.
func (e *env) run(t *testing.T, m *Mailer, task *asynq.TaskInfo) error {
	t.Helper()
	mux := jobs.NewMux()
	m.Register(mux)
	return mux.Handler().ProcessTask(context.Background(), asynq.NewTask(task.Type, task.Payload))
}

// sendOne sends one message and returns its queued task.
func (e *env) sendOne(t *testing.T, ctx context.Context, m *Mailer) *asynq.TaskInfo {
	t.Helper()
	if err := m.Send(ctx, "ada@example.org", "Welcome", "Hello Ada"); err != nil {
		t.Fatal(err)
	}
	tasks := e.tasks(t)
	if len(tasks) != 1 {
		t.Fatalf("got %d queued tasks, want 1", len(tasks))
	}
	return tasks[0]
}

func TestSend(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t)
		task := e.sendOne(t, tenantCtx("tenant-a"), e.mailer(&fakeSender{}))
		em := e.email(t)
		if em.TenantID != "tenant-a" || em.Status != StatusQueued || em.To != "ada@example.org" || em.Body != "Hello Ada" {
			t.Errorf("got tenant %q status %q to %q body %q, want tenant-a queued ada@example.org \"Hello Ada\"",
				em.TenantID, em.Status, em.To, em.Body)
		}
		var p sendPayload
		if err := json.Unmarshal(task.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if task.Type != TaskSend || p.EmailID != em.ID || p.TenantID != "tenant-a" {
			t.Errorf("got task %s %s, want %s with email %s in tenant-a", task.Type, task.Payload, TaskSend, em.ID)
		}
		if strings.Contains(string(task.Payload), "ada@example.org") {
			t.Errorf("got payload %s, want ids only, no address", task.Payload)
		}
	})

	t.Run("NoTenant", func(t *testing.T) {
		e := newEnv(t)
		e.sendOne(t, context.Background(), e.mailer(&fakeSender{}))
		if em := e.email(t); em.TenantID != "" {
			t.Errorf("got tenant %q, want \"\" (platform mail)", em.TenantID)
		}
	})

	t.Run("InCallersTransaction", func(t *testing.T) {
		e := newEnv(t)
		m := e.mailer(&fakeSender{})
		boom := errors.New("boom")
		err := database.InTx(tenantCtx("tenant-a"), e.db, func(ctx context.Context) error {
			if err := m.Send(ctx, "ada@example.org", "Welcome", "Hello"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
		n, err := dbtest.Owner(t, e.db).NewSelect().Model((*Email)(nil)).Count(context.Background())
		if err != nil || n != 0 {
			t.Errorf("got %d messages (err %v) after the caller's transaction rolled back, want 0", n, err)
		}
	})
}

func TestHandleSend(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t)
		fake := &fakeSender{}
		m := e.mailer(fake)
		task := e.sendOne(t, tenantCtx("tenant-a"), m)
		if err := e.run(t, m, task); err != nil {
			t.Fatal(err)
		}
		em := e.email(t)
		if em.Status != StatusSent || em.Attempts != 1 || em.SentAt == nil || em.LastError != "" {
			t.Errorf("got status %q attempts %d sent_at %v last_error %q, want sent 1 set \"\"",
				em.Status, em.Attempts, em.SentAt, em.LastError)
		}
		if fake.count() != 1 || fake.sent[0] != "ada@example.org|Welcome" {
			t.Errorf("got sent %v, want the one message", fake.sent)
		}

		t.Run("SecondRunSendsNothing", func(t *testing.T) {
			if err := e.run(t, m, task); err != nil {
				t.Fatal(err)
			}
			if fake.count() != 1 {
				t.Errorf("got %d sends after a second run, want 1", fake.count())
			}
			if em := e.email(t); em.Attempts != 1 || em.Status != StatusSent {
				t.Errorf("got status %q attempts %d, want sent 1", em.Status, em.Attempts)
			}
		})
	})

	t.Run("NoSenderKeepsInOutbox", func(t *testing.T) {
		e := newEnv(t)
		m := e.mailer(nil)
		task := e.sendOne(t, tenantCtx("tenant-a"), m)
		if err := e.run(t, m, task); err != nil {
			t.Fatal(err)
		}
		em := e.email(t)
		if em.Status != StatusOutbox || em.SentAt == nil {
			t.Errorf("got status %q sent_at %v, want %q with a time", em.Status, em.SentAt, StatusOutbox)
		}
		// A sender configured later does not send what was kept.
		fake := &fakeSender{}
		if err := e.run(t, e.mailer(fake), task); err != nil || fake.count() != 0 {
			t.Errorf("got err %v and %d sends of a kept message, want none", err, fake.count())
		}
	})

	t.Run("ErrSenderRetried", func(t *testing.T) {
		e := newEnv(t)
		fake := &fakeSender{err: errors.New("dial tcp: connection refused")}
		m := e.mailer(fake)
		task := e.sendOne(t, tenantCtx("tenant-a"), m)
		err := e.run(t, m, task)
		if err == nil || errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("got %v, want an error asynq retries", err)
		}
		em := e.email(t)
		if em.Status != StatusFailed || em.LastError != "dial tcp: connection refused" || em.Attempts != 1 || em.SentAt != nil {
			t.Errorf("got status %q last_error %q attempts %d sent_at %v, want failed, the error, 1, nil",
				em.Status, em.LastError, em.Attempts, em.SentAt)
		}

		t.Run("RetrySends", func(t *testing.T) {
			fake.err = nil
			if err := e.run(t, m, task); err != nil {
				t.Fatal(err)
			}
			em := e.email(t)
			if em.Status != StatusSent || em.Attempts != 2 || em.LastError != "" || fake.count() != 1 {
				t.Errorf("got status %q attempts %d last_error %q sends %d, want sent 2 \"\" 1",
					em.Status, em.Attempts, em.LastError, fake.count())
			}
		})
	})

	t.Run("ErrInvalidNotRetried", func(t *testing.T) {
		e := newEnv(t)
		m := e.mailer(&fakeSender{err: apperr.Errorf(apperr.EINVALID, "recipient address %q: bad", "ada@")})
		task := e.sendOne(t, tenantCtx("tenant-a"), m)
		err := e.run(t, m, task)
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("got %v, want an error wrapping asynq.SkipRetry", err)
		}
		if em := e.email(t); em.Status != StatusFailed || !strings.Contains(em.LastError, "recipient address") {
			t.Errorf("got status %q last_error %q, want failed with the sender's message", em.Status, em.LastError)
		}
	})

	t.Run("ErrNotFoundYetRetried", func(t *testing.T) {
		e := newEnv(t)
		m := e.mailer(&fakeSender{})
		err := m.handleSend(tenantCtx("tenant-a"), sendPayload{Tenant: jobs.Tenant{TenantID: "tenant-a"}, EmailID: database.NewID()})
		if err == nil || errors.Is(err, asynq.SkipRetry) {
			t.Errorf("got %v for a message not committed yet, want an error asynq retries", err)
		}
	})

	t.Run("OtherTenantsMessageNotSent", func(t *testing.T) {
		e := newEnv(t)
		fake := &fakeSender{}
		m := e.mailer(fake)
		e.sendOne(t, tenantCtx("tenant-a"), m)
		em := e.email(t)
		err := m.handleSend(tenantCtx("tenant-b"), sendPayload{Tenant: jobs.Tenant{TenantID: "tenant-b"}, EmailID: em.ID})
		if err == nil || fake.count() != 0 {
			t.Errorf("got err %v and %d sends for another tenant's id, want not found and none", err, fake.count())
		}
	})
}

func newMux(m *Mailer) *jobs.Mux {
	mux := jobs.NewMux()
	m.Register(mux)
	return mux
}

func asynqTask(task *asynq.TaskInfo) *asynq.Task { return asynq.NewTask(task.Type, task.Payload) }
