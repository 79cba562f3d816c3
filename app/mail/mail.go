// Package mail sends email through the job queue. Every message is first written to the
// outbox table; the email:send task carries only its id. With SMTP_URL set the task sends it
// over SMTP; without, the message stays in the outbox, which platform admins read at a page.
//
// Crashes: the worker records an attempt (attempts + 1, "sending since") and commits it before
// it hands a message to SMTP, and marks it sent after. A worker killed between the two leaves
// the message "sending": only such a message may be sent again, and it carries the same
// Message-ID (given once, when the message is written), so the receiver drops the repeat. A
// message marked sent is never sent again.
//
// Secret links (password reset, invitation, sign-up confirmation) are named by the caller with
// SecretLink. Once the message is delivered over SMTP the kept copy loses them; before that,
// the outbox shows them only on the embedded default (no SMTP: the outbox is how mail is read).
package mail

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
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
	StatusQueued  = "queued"  // waiting for the worker
	StatusSending = "sending" // an attempt is recorded and the message is (or was, if the worker died) with SMTP
	StatusSent    = "sent"    // handed to the SMTP server
	StatusOutbox  = "outbox"  // kept here: no SMTP server is configured
	StatusFailed  = "failed"  // the last attempt failed; asynq retries it
)

// SendWindow bounds one attempt: the SMTP conversation is cancelled after it. A message
// "sending" for longer than InFlightWindow is no longer with a live worker.
const (
	SendWindow     = 30 * time.Second
	InFlightWindow = SendWindow + 5*time.Second
)

// Texts that stand in for a secret link in the kept copy of a message.
const (
	LinkRemoved = "[link removed after delivery]"
	LinkHidden  = "[secret link: shown only to the recipient]"
)

// TaskSend is the task type.
const TaskSend = "email:send"

// Email is one message.
type Email struct {
	bun.BaseModel `bun:"table:emails,alias:em"`

	TenantID  string `bun:"tenant_id,pk"`
	ID        string `bun:"id,pk"`
	MessageID string `bun:"message_id"` // "<id@host>", given once when the message is written
	To        string `bun:"to_addr"`
	Subject   string `bun:"subject"`
	Body      string `bun:"body_text"`
	// Secrets lists (JSON) the secret links in Body; emptied when they are cut out on delivery.
	Secrets      string     `bun:"secret_links"`
	Status       string     `bun:"status"`
	Attempts     int        `bun:"attempts"`
	SendingSince *time.Time `bun:"sending_since"` // when the last attempt began (nil: none in flight)
	LastError    string     `bun:"last_error"`
	CreatedAt    time.Time  `bun:"created_at"`
	SentAt       *time.Time `bun:"sent_at"`
}

// secretLinks decodes Secrets.
func (e *Email) secretLinks() []string {
	var out []string
	_ = json.Unmarshal([]byte(e.Secrets), &out)
	return out
}

// bodyWithout returns Body with every secret link replaced by stand.
func (e *Email) bodyWithout(stand string) string {
	body := e.Body
	for _, l := range e.secretLinks() {
		if l != "" {
			body = strings.ReplaceAll(body, l, stand)
		}
	}
	return body
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
	host   string // the right-hand side of Message-IDs
}

// Option tunes a Mailer.
type Option func(*Mailer)

// MessageIDHost makes Message-IDs end in the host of baseURL (the public address), instead of
// the domain of the sender address.
func MessageIDHost(baseURL string) Option {
	return func(m *Mailer) {
		if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
			m.host = u.Hostname()
		}
	}
}

// New returns a mailer. sender may be nil.
func New(db *bun.DB, queue *jobs.Queue, sender Sender, from string, opts ...Option) *Mailer {
	m := &Mailer{db: db, queue: queue, sender: sender, from: from, host: "holdspace.local"}
	if a, err := mail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 && i < len(a.Address)-1 {
			m.host = a.Address[i+1:]
		}
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// messageID is the stable Message-ID of message id.
func (m *Mailer) messageID(id string) string { return "<" + id + "@" + m.host + ">" }

// SendOption marks something about one message.
type SendOption func(*Email) error

// SecretLink names a link in the body that gives whoever holds it an account or a tenant (a
// password reset, an invitation, a sign-up confirmation). The kept copy loses it once the
// message is delivered, and the outbox shows it only where the outbox is how mail is read.
func SecretLink(link string) SendOption {
	return func(e *Email) error {
		if link == "" || !strings.Contains(e.Body, link) {
			return fmt.Errorf("mail: the secret link %q is not in the body of %q", link, e.Subject)
		}
		list := append(e.secretLinks(), link)
		b, _ := json.Marshal(list)
		e.Secrets = string(b)
		return nil
	}
}

// ShowsSecrets reports whether the outbox shows secret links: only on the embedded default,
// where no SMTP server is configured and the outbox is how mail is read.
func (m *Mailer) ShowsSecrets() bool { return m.sender == nil }

// Readable is the body of e as the outbox may show it: secret links stand replaced unless
// ShowsSecrets.
func (m *Mailer) Readable(e *Email) string {
	if m.ShowsSecrets() {
		return e.Body
	}
	return e.bodyWithout(LinkHidden)
}

// Send writes a message to the outbox (in the tenant of ctx, if any, and in ctx's transaction)
// and queues its delivery.
func (m *Mailer) Send(ctx context.Context, to, subject, body string, opts ...SendOption) error {
	e := &Email{ID: database.NewID(), To: to, Subject: subject, Body: body, Secrets: "[]", Status: StatusQueued, CreatedAt: database.Now()}
	e.MessageID = m.messageID(e.ID)
	for _, o := range opts {
		if err := o(e); err != nil {
			return err
		}
	}
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
// task was lost: Redis was down when it was queued, say), and those left "sending" long after
// their attempt must have ended. The scheduler runs it every minute.
const TaskRequeue = "email:requeue"

// Requeue is the email:requeue task.
func (m *Mailer) Requeue(ctx context.Context) (int, error) {
	now := database.Now()
	var stale []Email
	const why = "email.requeue"
	err := m.db.NewSelect().Model(&stale).Column("tenant_id", "id").
		Where("created_at > ?", now.Add(-24*time.Hour)).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("status = ? AND created_at < ?", StatusQueued, now.Add(-2*time.Minute)).
				WhereOr("status = ? AND sending_since < ?", StatusSending, now.Add(-5*time.Minute))
		}).
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
// is left alone. The attempt is recorded and committed before the message goes to SMTP, so a
// worker killed in between leaves it "sending": only such a message is sent again (with the
// same Message-ID), and only once its attempt is surely over.
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
	if e.Status == StatusSending && e.SendingSince != nil && now.Sub(*e.SendingSince) < InFlightWindow {
		// Another attempt may still be talking to SMTP: look again once it must be over.
		return fmt.Errorf("email %s: an attempt is in flight since %s", e.ID, e.SendingSince.Format(time.RFC3339))
	}
	if e.MessageID == "" { // written before messages had one
		e.MessageID = m.messageID(e.ID)
	}
	// Record the attempt. The update names the state it read, so of two tasks racing for the
	// message one records the attempt and the other sends nothing.
	res, err := m.db.NewUpdate().Model((*Email)(nil)).
		Set("status = ?", StatusSending).Set("attempts = attempts + 1").Set("sending_since = ?", now).
		Set("message_id = ?", e.MessageID).
		Where("tenant_id = ? AND id = ? AND status = ? AND attempts = ?", e.TenantID, e.ID, e.Status, e.Attempts).Exec(ctx)
	if err != nil {
		return fmt.Errorf("email %s: record the attempt: %w", e.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("email %s: another attempt took it first", e.ID)
	}
	attempt := e.Attempts + 1
	sctx, cancel := context.WithTimeout(ctx, SendWindow)
	sendErr := m.sender.Send(sctx, m.from, e)
	cancel()
	q := m.db.NewUpdate().Model((*Email)(nil)).Set("sending_since = NULL")
	if sendErr != nil {
		q = q.Set("status = ?", StatusFailed).Set("last_error = ?", sendErr.Error())
	} else {
		// Delivered: the kept copy loses its secret links.
		q = q.Set("status = ?", StatusSent).Set("last_error = ''").Set("sent_at = ?", database.Now()).
			Set("body_text = ?", e.bodyWithout(LinkRemoved)).Set("secret_links = '[]'")
	}
	// Context.WithoutCancel: the message went (or not) whatever happens to the task now; the
	// row should say so.
	if _, err := q.Where("tenant_id = ? AND id = ? AND attempts = ?", e.TenantID, e.ID, attempt).
		Exec(context.WithoutCancel(ctx)); err != nil {
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
	if id := strings.Trim(e.MessageID, "<>"); id != "" {
		msg.SetMessageIDWithValue(id) // the same on every attempt: receivers drop a repeat
	}
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
