package mail

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/mail/mailtest"
)

// blockingSender stands for an SMTP server that never answers: Send signals that it started
// and then waits until release is closed (the worker was killed meanwhile, as far as the
// database can tell).
type blockingSender struct {
	started chan *Email
	release chan struct{}
}

func (b *blockingSender) Send(ctx context.Context, _ string, e *Email) error {
	b.started <- e
	<-b.release
	return ctx.Err()
}

// idSender records the Message-ID of each message it sends.
type idSender struct {
	mu  sync.Mutex
	ids []string
}

func (s *idSender) Send(_ context.Context, _ string, e *Email) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, e.MessageID)
	return nil
}

func (s *idSender) sent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ids...)
}

// TestAttemptRecordedBeforeSMTP: the attempt is committed before the message goes to SMTP, so a
// worker killed while SMTP has the message leaves a row that says so; the retry after the kill
// sends it again with the same Message-ID, and no later task sends it a third time.
func TestAttemptRecordedBeforeSMTP(t *testing.T) {
	e := newEnv(t)
	block := &blockingSender{started: make(chan *Email, 1), release: make(chan struct{})}
	m := e.mailer(block)
	task := e.sendOne(t, tenantCtx("tenant-a"), m)
	written := e.email(t)
	if !strings.HasPrefix(written.MessageID, "<"+written.ID+"@") || written.MessageID != m.messageID(written.ID) {
		t.Fatalf("got Message-ID %q when written, want <%s@host>", written.MessageID, written.ID)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		mux := newMux(m)
		done <- mux.Handler().ProcessTask(ctx, asynqTask(task))
	}()
	var handed *Email
	select {
	case handed = <-block.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the message never reached the sender")
	}
	// SMTP holds the message and never answers: what does the database say meanwhile?
	inFlight := e.email(t)
	if inFlight.Status != StatusSending || inFlight.Attempts != 1 || inFlight.SendingSince == nil || inFlight.SentAt != nil {
		t.Fatalf("while SMTP holds the message: got status %q attempts %d sending_since %v sent_at %v, want sending 1 set nil",
			inFlight.Status, inFlight.Attempts, inFlight.SendingSince, inFlight.SentAt)
	}
	if handed.MessageID != written.MessageID {
		t.Fatalf("handed to SMTP with Message-ID %q, want %q", handed.MessageID, written.MessageID)
	}

	t.Run("DuplicateWhileInFlightSendsNothing", func(t *testing.T) {
		again := &idSender{}
		err := e.run(t, e.mailer(again), task)
		if err == nil || !strings.Contains(err.Error(), "in flight") {
			t.Fatalf("got %v, want a retryable in-flight error", err)
		}
		if n := len(again.sent()); n != 0 {
			t.Fatalf("got %d sends while another attempt was in flight, want 0", n)
		}
	})

	// The worker dies here: cancel and let the blocked call go without writing anything more
	// than a crash would (ctx.Err is a failure, which a dead worker could not have written, so
	// put the row back the way the kill left it).
	cancel()
	close(block.release)
	<-done
	if _, err := dbtest.Owner(t, e.db).NewUpdate().Model((*Email)(nil)).
		Set("status = ?", StatusSending).Set("last_error = ''").Set("sending_since = ?", database.Now().Add(-InFlightWindow-time.Second)).
		Where("id = ?", written.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}

	t.Run("RetryAfterTheKillResendsWithTheSameMessageID", func(t *testing.T) {
		retry := &idSender{}
		if err := e.run(t, e.mailer(retry), task); err != nil {
			t.Fatal(err)
		}
		if got := retry.sent(); len(got) != 1 || got[0] != written.MessageID {
			t.Fatalf("got sends %v, want one with %s", got, written.MessageID)
		}
		em := e.email(t)
		if em.Status != StatusSent || em.Attempts != 2 || em.SendingSince != nil || em.SentAt == nil || em.MessageID != written.MessageID {
			t.Errorf("got status %q attempts %d sending_since %v sent_at %v id %q, want sent 2 nil set %s",
				em.Status, em.Attempts, em.SendingSince, em.SentAt, em.MessageID, written.MessageID)
		}

		t.Run("DuplicateTaskAfterSentSendsNothing", func(t *testing.T) {
			dup := &idSender{}
			for i := 0; i < 3; i++ {
				if err := e.run(t, e.mailer(dup), task); err != nil {
					t.Fatal(err)
				}
			}
			if n := len(dup.sent()); n != 0 {
				t.Fatalf("got %d sends of a sent message, want 0", n)
			}
			if em := e.email(t); em.Attempts != 2 || em.Status != StatusSent {
				t.Errorf("got status %q attempts %d, want sent 2", em.Status, em.Attempts)
			}
		})
	})
}

// TestRacingTasksSendOnce: two workers given the same message at once (a task recovered while
// its first worker still runs) send it once: the attempt is recorded by one of them only.
func TestRacingTasksSendOnce(t *testing.T) {
	e := newEnv(t)
	slow := &slowSender{delay: 200 * time.Millisecond}
	m := e.mailer(slow)
	task := e.sendOne(t, tenantCtx("tenant-a"), m)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.run(t, m, task) //nolint:errcheck // the losers answer "retry later"
		}()
	}
	wg.Wait()
	if n := slow.count(); n != 1 {
		t.Fatalf("got %d sends from 4 racing tasks, want 1", n)
	}
	if em := e.email(t); em.Attempts != 1 || em.Status != StatusSent {
		t.Errorf("got status %q attempts %d, want sent 1", em.Status, em.Attempts)
	}
}

type slowSender struct {
	mu    sync.Mutex
	n     int
	delay time.Duration
}

func (s *slowSender) Send(context.Context, string, *Email) error {
	time.Sleep(s.delay)
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	return nil
}

func (s *slowSender) count() int { s.mu.Lock(); defer s.mu.Unlock(); return s.n }

// TestSMTPMessageIDHeader: the Message-ID written with the message is the header SMTP carries,
// on every attempt, and it ends in the host of the public address.
func TestSMTPMessageIDHeader(t *testing.T) {
	sink, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	smtp, err := NewSMTP(sink.URL())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	m := New(e.db, nil, smtp, "Holdspace <no-reply@holdspace.test>", MessageIDHost("https://app.holdspace.example/"))
	m.queue = e.mailer(nil).queue
	task := e.sendOne(t, tenantCtx("tenant-a"), m)
	em := e.email(t)
	if want := "<" + em.ID + "@app.holdspace.example>"; em.MessageID != want {
		t.Fatalf("got Message-ID %q, want %q", em.MessageID, want)
	}
	if err := e.run(t, m, task); err != nil {
		t.Fatal(err)
	}
	// A resend (the row put back as a kill leaves it) carries the same header.
	if _, err := dbtest.Owner(t, e.db).NewUpdate().Model((*Email)(nil)).Set("status = ?", StatusSending).
		Set("sending_since = ?", database.Now().Add(-time.Hour)).Where("id = ?", em.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.run(t, m, task); err != nil {
		t.Fatal(err)
	}
	got := sink.Messages()
	if len(got) != 2 || got[0].MessageID != em.MessageID || got[1].MessageID != em.MessageID {
		ids := []string{}
		for _, g := range got {
			ids = append(ids, g.MessageID)
		}
		t.Fatalf("got Message-ID headers %v, want twice %s", ids, em.MessageID)
	}
}
