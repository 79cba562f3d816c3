// Package mail sends email through the job queue. Every message is first written to the
// outbox table; the email:send task carries only its id. With SMTP_URL set the task sends it
// over SMTP; without, the message stays in the outbox, which platform admins read at a page.
package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"
	gomail "github.com/wneessen/go-mail"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
)

// Statuses of a message.
const (
	StatusQueued = "queued" // waiting for the worker
	StatusSent   = "sent"   // handed to the SMTP server
	StatusOutbox = "outbox" // kept here: no SMTP server is configured
	StatusFailed = "failed" // the last attempt failed; asynq retries it
)

// TaskSend is the task type.
const TaskSend = "email:send"

// Email is one message.
type Email struct {
	bun.BaseModel `bun:"table:emails,alias:em"`

	TenantID  string     `bun:"tenant_id,pk"`
	ID        string     `bun:"id,pk"`
	To        string     `bun:"to_addr"`
	Subject   string     `bun:"subject"`
	Body      string     `bun:"body_text"`
	Status    string     `bun:"status"`
	Attempts  int        `bun:"attempts"`
	LastError string     `bun:"last_error"`
	CreatedAt time.Time  `bun:"created_at"`
	SentAt    *time.Time `bun:"sent_at"`
}

// SetTenantID implements database.TenantOwned.
func (e *Email) SetTenantID(id string) { e.TenantID = id }

type sendPayload struct {
	jobs.Tenant
	EmailID string `json:"email_id"`
}

// Sender delivers one message (SMTP in production; tests use a fake).
type Sender interface {
	Send(ctx context.Context, from string, e *Email) error
}

// Mailer writes messages to the outbox and queues them.
type Mailer struct {
	db     *bun.DB
	queue  *jobs.Queue
	sender Sender // nil: keep in the outbox
	from   string
}

// New returns a mailer. sender may be nil.
func New(db *bun.DB, queue *jobs.Queue, sender Sender, from string) *Mailer {
	return &Mailer{db: db, queue: queue, sender: sender, from: from}
}

// Send writes a message to the outbox (in the tenant of ctx, if any, and in ctx's transaction)
// and queues its delivery.
func (m *Mailer) Send(ctx context.Context, to, subject, body string) error {
	e := &Email{ID: database.NewID(), To: to, Subject: subject, Body: body, Status: StatusQueued, CreatedAt: database.Now()}
	if t, err := database.For(ctx, m.db); err == nil {
		if _, err := t.Insert(e).Exec(ctx); err != nil {
			return err
		}
	} else if _, err := database.Conn(ctx, m.db).NewInsert().Model(e).Exec(ctx); err != nil {
		return err
	}
	// The task is queued once the row is committed. Should queuing fail, the message stays
	// "queued" and the email:requeue sweep queues it again.
	var err error
	database.AfterCommit(ctx, func(ctx context.Context) { err = m.enqueue(ctx, e.TenantID, e.ID) })
	return err
}

// enqueue queues delivery of one message. The task id is the message's, so a message is never
// in the queue twice.
func (m *Mailer) enqueue(ctx context.Context, tenantID, id string) error {
	err := m.queue.Enqueue(ctx, TaskSend, sendPayload{Tenant: jobs.Tenant{TenantID: tenantID}, EmailID: id},
		asynq.TaskID("email:"+tenantID+":"+id))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// TaskRequeue queues again the messages still "queued" a while after they were written (their
// task was lost: Redis was down when it was queued, say). The scheduler runs it every minute.
const TaskRequeue = "email:requeue"

// Requeue is the email:requeue task.
func (m *Mailer) Requeue(ctx context.Context) (int, error) {
	now := database.Now()
	var stale []Email
	const why = "email.requeue"
	err := m.db.NewSelect().Model(&stale).Column("tenant_id", "id").
		Where("status = ? AND created_at < ? AND created_at > ?", StatusQueued, now.Add(-2*time.Minute), now.Add(-24*time.Hour)).
		Limit(500).Scan(database.AcrossTenants(ctx, why))
	if err != nil {
		return 0, err
	}
	if len(stale) > 0 {
		if err := database.AuditAcross(ctx, m.db, why, fmt.Sprintf("%d stale messages queued again", len(stale)), "", ""); err != nil {
			return 0, err
		}
	}
	for _, e := range stale {
		if err := m.enqueue(ctx, e.TenantID, e.ID); err != nil {
			return 0, err
		}
	}
	return len(stale), nil
}

// Periodic lists the mail's scheduled tasks.
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "@every 1m", Type: TaskRequeue}}
}

// Register adds the email:send handler to mux.
func (m *Mailer) Register(mux *jobs.Mux) {
	jobs.Handle(mux, TaskSend, m.handleSend)
	jobs.Handle(mux, TaskRequeue, func(ctx context.Context, _ jobs.Tenant) error {
		_, err := m.Requeue(ctx)
		return err
	})
}

// handleSend delivers one message. Run twice, it sends once: a message already sent or kept
// is left alone.
func (m *Mailer) handleSend(ctx context.Context, p sendPayload) error {
	e := new(Email)
	err := m.db.NewSelect().Model(e).Where("tenant_id = ? AND id = ?", p.TenantID, p.EmailID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("email %s not found (yet)", p.EmailID)
	}
	if err != nil {
		return err
	}
	if e.Status == StatusSent || e.Status == StatusOutbox {
		return nil
	}
	now := database.Now()
	if m.sender == nil {
		e.Status, e.SentAt = StatusOutbox, &now
		_, err := m.db.NewUpdate().Model(e).Column("status", "sent_at").WherePK().Exec(ctx)
		return err
	}
	sendErr := m.sender.Send(ctx, m.from, e)
	e.Attempts++
	if sendErr != nil {
		e.Status, e.LastError = StatusFailed, sendErr.Error()
	} else {
		e.Status, e.LastError, e.SentAt = StatusSent, "", &now
	}
	if _, err := m.db.NewUpdate().Model(e).Column("status", "attempts", "last_error", "sent_at").WherePK().Exec(ctx); err != nil {
		return err
	}
	if sendErr != nil && apperr.Code(sendErr) == apperr.EINVALID {
		return fmt.Errorf("%v: %w", sendErr, asynq.SkipRetry) // a bad address will not get better
	}
	return sendErr
}

// Outbox lists the most recent messages of every tenant, for platform admins.
func (m *Mailer) Outbox(ctx context.Context, limit int) ([]Email, error) {
	var list []Email
	err := m.db.NewSelect().Model(&list).OrderExpr("created_at DESC, id DESC").Limit(int64(limit)).Scan(ctx)
	return list, err
}

// OutboxMessage returns one message by id, for platform admins.
func (m *Mailer) OutboxMessage(ctx context.Context, id string) (*Email, error) {
	e := new(Email)
	err := m.db.NewSelect().Model(e).Where("id = ?", id).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("message")
	}
	return e, err
}

// SMTP sends through an SMTP server named by a URL: smtp://user:pass@host:587 (STARTTLS when
// offered) or smtps://user:pass@host:465 (TLS from the start).
type SMTP struct {
	u *url.URL
}

// NewSMTP parses the SMTP_URL.
func NewSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return &SMTP{u: u}, nil
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, from string, e *Email) error {
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return apperr.Errorf(apperr.EINVALID, "sender address %q: %v", from, err)
	}
	if err := msg.To(e.To); err != nil {
		return apperr.Errorf(apperr.EINVALID, "recipient address %q: %v", e.To, err)
	}
	msg.Subject(e.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, e.Body)
	opts := []gomail.Option{gomail.WithTimeout(20 * time.Second), gomail.WithTLSPolicy(gomail.TLSOpportunistic)}
	port := 25
	if s.u.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL())
		port = 465
	}
	if p := s.u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	opts = append(opts, gomail.WithPort(port))
	if user := s.u.User.Username(); user != "" {
		// Credentials never cross the network in the clear: with a user, STARTTLS is required.
		pass, _ := s.u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user), gomail.WithPassword(pass))
		if s.u.Scheme == "smtp" {
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		}
	}
	c, err := gomail.NewClient(s.u.Hostname(), opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
