package mail

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

func TestSendQueuesAfterCommit(t *testing.T) {
	e := newEnv(t)
	m := e.mailer(nil)
	ctx := tenantCtx("tenant-a")
	err := database.InTx(ctx, e.db, func(ctx context.Context) error {
		if err := m.Send(ctx, "ada@example.org", "Welcome", "Hello Ada"); err != nil {
			return err
		}
		if n := len(e.tasks(t)); n != 0 {
			t.Errorf("got %d tasks before the commit, want 0", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.tasks(t)); n != 1 {
		t.Fatalf("got %d tasks after the commit, want 1", n)
	}
	t.Run("RolledBackQueuesNothing", func(t *testing.T) {
		err := database.InTx(ctx, e.db, func(ctx context.Context) error {
			if err := m.Send(ctx, "bo@example.org", "Welcome", "Hello Bo"); err != nil {
				return err
			}
			return errors.New("the form was invalid after all")
		})
		if err == nil {
			t.Fatal("want the error back")
		}
		if n := len(e.tasks(t)); n != 1 {
			t.Fatalf("got %d tasks, want still 1", n)
		}
	})
}

func TestRequeue(t *testing.T) {
	e := newEnv(t)
	m := e.mailer(nil)
	ctx := tenantCtx("tenant-a")
	task := e.sendOne(t, ctx, m)
	// The task is lost (Redis was flushed, say) and the row is old enough to be swept.
	if err := asynqInspector(e).DeleteTask(e.queue, task.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := dbtest.Owner(t, e.db).NewUpdate().Model((*Email)(nil)).Set("created_at = ?", database.Now().Add(-5*time.Minute)).
		Where("1 = 1").Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	n, err := m.Requeue(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("got %d requeued (%v), want 1", n, err)
	}
	t.Run("NeverTwiceInTheQueue", func(t *testing.T) {
		if _, err := m.Requeue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := len(e.tasks(t)); got != 1 {
			t.Fatalf("got %d tasks, want 1", got)
		}
	})
	t.Run("DeliveredIsNotRequeued", func(t *testing.T) {
		if err := e.run(t, m, e.tasks(t)[0]); err != nil {
			t.Fatal(err)
		}
		if got := e.email(t).Status; got != StatusOutbox {
			t.Fatalf("got status %q, want %q", got, StatusOutbox)
		}
		if n, err := m.Requeue(context.Background()); err != nil || n != 0 {
			t.Fatalf("got %d requeued (%v), want 0", n, err)
		}
	})
}

func asynqInspector(e *env) *asynq.Inspector { return asynq.NewInspectorFromRedisClient(e.rdb) }

// TestRequeueStaleSending: a message left "sending" long after its attempt must have ended
// (its worker was killed and the task is gone too) is queued again; one whose attempt may
// still run is not.
func TestRequeueStaleSending(t *testing.T) {
	e := newEnv(t)
	m := e.mailer(&fakeSender{})
	task := e.sendOne(t, tenantCtx("tenant-a"), m)
	if err := asynqInspector(e).DeleteTask(e.queue, task.ID); err != nil {
		t.Fatal(err)
	}
	set := func(since time.Time) {
		t.Helper()
		if _, err := dbtest.Owner(t, e.db).NewUpdate().Model((*Email)(nil)).Set("status = ?", StatusSending).Set("attempts = 1").
			Set("sending_since = ?", since).Where("1 = 1").Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	set(database.Now().Add(-10 * time.Second))
	if n, err := m.Requeue(context.Background()); err != nil || n != 0 {
		t.Fatalf("got %d requeued (%v) while the attempt may still run, want 0", n, err)
	}
	set(database.Now().Add(-10 * time.Minute))
	if n, err := m.Requeue(context.Background()); err != nil || n != 1 || len(e.tasks(t)) != 1 {
		t.Fatalf("got %d requeued (%v), %d tasks, want 1 and 1", n, err, len(e.tasks(t)))
	}
}
