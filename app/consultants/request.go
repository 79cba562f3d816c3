package consultants

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	mailer "github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/steps"
	"github.com/holdspace/holdspace/app/web"
)

// RequestLimits are how many public requests for a consultant a network and an email address
// may send.
type RequestLimits struct {
	PerIP, PerEmail       int64
	IPWindow, EmailWindow time.Duration
}

// DefaultRequestLimits: 5 an hour from one network, 3 a day for one email address.
var DefaultRequestLimits = RequestLimits{PerIP: 5, IPWindow: time.Hour, PerEmail: 3, EmailWindow: 24 * time.Hour}

// NeedMax is the longest a request's "need" may be.
const NeedMax = 2000

// RequestLinkLifetime is how long the link that confirms a public request works. A request
// still unconfirmed after it is deleted by the hourly consultants:cleanup_requests task.
const RequestLinkLifetime = 72 * time.Hour

// Requests takes public requests for a consultant: held until the email is confirmed, then
// open in the tenant admin's queue.
type Requests struct {
	db      *bun.DB
	audit   *audit.Log
	mailer  *mailer.Mailer
	limiter *accounts.Limiter
	baseURL string
	Limits  RequestLimits
}

// NewRequests returns the request service.
func NewRequests(db *bun.DB, log *audit.Log, m *mailer.Mailer, limiter *accounts.Limiter, baseURL string) *Requests {
	return &Requests{db: db, audit: log, mailer: m, limiter: limiter, baseURL: baseURL, Limits: DefaultRequestLimits}
}

// RequestInput is the public form.
type RequestInput struct {
	ConsultantID      string
	Organisation      string
	County            string
	Need              string
	PreferredLanguage string
	ContactName       string
	Email             string
	Phone             string
	Website           string // the honeypot: people never see it, so it stays empty
}

// Consultant returns the approved, active consultant id names in ctx's tenant (for the form),
// with whether they take new programs.
//
// Errors: ENOTFOUND for anyone else.
func (s *Requests) Consultant(ctx context.Context, id string) (*SearchListing, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var p Profile
	err = t.Select(&p).Column("cp.id", "cp.display_name", "cp.capacity").Where("cp.id = ?", id).
		Where("cp.status = ?", StatusApproved).Where("cp.active = ?", true).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("consultant")
	}
	if err != nil {
		return nil, err
	}
	return &SearchListing{ID: p.ID, Name: p.DisplayName, Taking: p.Capacity > 0}, nil
}

// Create checks the form, keeps the request unconfirmed and emails a link that confirms it.
// A filled-in honeypot gets the same answer and nothing is written or sent.
//
// Errors: EINVALID naming each bad field (a named consultant who is not listed or not taking
// new programs is one); ETOOMANY when the network or the address has sent too many.
func (s *Requests) Create(ctx context.Context, in RequestInput, ip string) (*Request, error) {
	ipLimit := accounts.Limit{Key: "rl:consultant-request:ip:" + ip, Max: s.Limits.PerIP, Window: s.Limits.IPWindow}
	if err := s.blocked(ctx, ipLimit, "Too many requests from your network. Try again in %s."); err != nil {
		return nil, err
	}
	in, fields := checkRequest(in)
	if in.ConsultantID != "" {
		if p, err := s.Consultant(ctx, in.ConsultantID); apperr.Code(err) == apperr.ENOTFOUND {
			fields["consultant"] = "Consultant: this consultant is not listed any more. Ask for a consultant without naming one."
		} else if err != nil {
			return nil, err
		} else if !p.Taking {
			fields["consultant"] = "Consultant: " + p.Name + " is not taking new programs now. Send the form again without naming a consultant, and we will look for one who is."
		}
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	r := &Request{ID: database.NewID(), ProfileID: in.ConsultantID, OrganisationName: in.Organisation, County: in.County,
		Need: in.Need, PreferredLanguage: in.PreferredLanguage, ContactName: in.ContactName, ContactEmail: in.Email,
		ContactPhone: in.Phone, Status: RequestUnconfirmed, CreatedAt: database.Now()}
	r.UpdatedAt = r.CreatedAt
	if in.Website != "" {
		return r, nil // a bot: it is told the same as a person, and nothing happens
	}
	emailLimit := accounts.Limit{Key: "rl:consultant-request:email:" + strings.ToLower(in.Email), Max: s.Limits.PerEmail, Window: s.Limits.EmailWindow}
	if err := s.blocked(ctx, emailLimit, "Too many requests for this email address. Confirm one already sent to it, or try again in %s."); err != nil {
		return nil, err
	}
	for _, l := range []accounts.Limit{ipLimit, emailLimit} {
		if err := s.limiter.Hit(ctx, l); err != nil {
			return nil, err
		}
	}
	token, hash := accounts.NewToken()
	r.ConfirmTokenHash = hash
	scope, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	link := fmt.Sprintf("%s/t/%s/find-a-consultant/confirm/%s", s.baseURL, scope.TenantSlug, token)
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(r).Exec(ctx); err != nil {
			return err
		}
		return s.mailer.Send(ctx, r.ContactEmail, "Confirm your request for a consultant", fmt.Sprintf(
			"Hello %s,\n\nSomeone (we hope you) asked for an infant and early childhood mental health consultant for %s, with this email address as the contact.\n\n"+
				"To send the request, open this link and press the button (the link works for 3 days):\n\n%s\n\n"+
				"If you did not ask for this, ignore this email: nothing is sent until the link is opened.\n",
			r.ContactName, r.OrganisationName, link), mailer.SecretLink(link))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// checkRequest trims the form and names each bad field.
func checkRequest(in RequestInput) (RequestInput, map[string]string) {
	tr := strings.TrimSpace
	in.ConsultantID, in.Organisation, in.County, in.Need = tr(in.ConsultantID), tr(in.Organisation), tr(in.County), tr(in.Need)
	in.PreferredLanguage, in.ContactName, in.Email, in.Phone = tr(in.PreferredLanguage), tr(in.ContactName), tr(in.Email), tr(in.Phone)
	f := map[string]string{}
	if in.Organisation == "" {
		f["organisation"] = "Organisation: enter the name of your program or organisation."
	} else if utf8.RuneCountInString(in.Organisation) > 200 {
		f["organisation"] = "Organisation: use at most 200 characters."
	}
	if in.County == "" {
		f["county"] = "County: enter the county where you need a consultant."
	} else if utf8.RuneCountInString(in.County) > 100 {
		f["county"] = "County: use at most 100 characters."
	}
	if in.Need == "" {
		f["need"] = "What you need: say in a few words what you would like a consultant's help with."
	} else if n := utf8.RuneCountInString(in.Need); n > NeedMax {
		f["need"] = fmt.Sprintf("What you need: use at most %d characters (you have %d).", NeedMax, n)
	}
	if utf8.RuneCountInString(in.PreferredLanguage) > 100 {
		f["preferred_language"] = "Preferred language: use at most 100 characters."
	}
	if in.ContactName == "" {
		f["contact_name"] = "Your name: enter the name of the person we should contact."
	} else if utf8.RuneCountInString(in.ContactName) > 200 {
		f["contact_name"] = "Your name: use at most 200 characters."
	}
	if a, err := mail.ParseAddress(in.Email); in.Email == "" {
		f["email"] = "Email: enter your email address; we send a link to it to confirm the request."
	} else if err != nil || a.Address != in.Email || !strings.Contains(in.Email, ".") || len(in.Email) > 254 {
		f["email"] = "Email: enter an address like name@example.org."
	}
	if len(in.Phone) > 40 {
		f["phone"] = "Phone: use at most 40 characters."
	}
	return in, f
}

// blocked returns ETOOMANY when l is used up; msg has a %s for the time to wait.
func (s *Requests) blocked(ctx context.Context, l accounts.Limit, msg string) error {
	blocked, wait, err := s.limiter.Blocked(ctx, l)
	if err != nil || !blocked {
		return err
	}
	mins := int(wait.Minutes()) + 1
	w := fmt.Sprintf("%d minutes", mins)
	if mins > 90 {
		w = fmt.Sprintf("%d hours", int(wait.Hours())+1)
	}
	return &apperr.Error{Code: apperr.ETOOMANY, Message: fmt.Sprintf(msg, w)}
}

// Pending returns the unconfirmed request a confirmation token names.
//
// Errors: ENOTFOUND for a token that is not a live one of ctx's tenant (already used,
// expired — older than RequestLinkLifetime —, or not ours).
func (s *Requests) Pending(ctx context.Context, token string) (*Request, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var r Request
	err = t.Select(&r).Where("cr.confirm_token_hash = ?", accounts.HashToken(token)).
		Where("cr.status = ?", RequestUnconfirmed).Where("cr.created_at > ?", database.Now().Add(-RequestLinkLifetime)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || token == "" {
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "This confirmation link does not work: it has been used already, it was cut short, or it is more than 3 days old. If you sent the request, it is confirmed; otherwise ask again."}
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Confirm opens the request a token names, once: the token is spent.
//
// Errors: ENOTFOUND as Pending.
func (s *Requests) Confirm(ctx context.Context, token string) (*Request, error) {
	var r *Request
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if r, err = s.Pending(ctx, token); err != nil {
			return err
		}
		now := database.Now()
		r.Status, r.ConfirmedAt, r.UpdatedAt, r.ConfirmTokenHash = RequestOpen, &now, now, ""
		err = requestFlow.Apply(ctx, s.db, s.audit, steps.Move{
			ID: r.ID, From: RequestUnconfirmed, To: RequestOpen,
			Set: []steps.Cond{steps.C("confirmed_at = ?", now), steps.C("updated_at = ?", now), steps.C("confirm_token_hash = ?", "")},
			// The second click on one link finds it spent.
			Refused: apperr.NotFound("request"),
			Action:  "request.create", Detail: r.OrganisationName + " (" + r.County + ")",
		})
		if err != nil {
			return err
		}
		return notifyQueue(ctx, s.db, s.mailer, s.baseURL, r)
	})
	return r, err
}

// QueueItem is a confirmed request in the tenant admin's queue.
type QueueItem struct {
	Request
	ConsultantName string
}

// RequestStatusLabel is a request status in plain words.
func RequestStatusLabel(status string) string {
	switch status {
	case RequestUnconfirmed:
		return "Waiting for email confirmation"
	case RequestOpen:
		return "Open"
	case RequestAssigned:
		return "Assigned"
	case RequestClosed:
		return "Closed"
	}
	return status
}

// StatusLabel is the request's status in plain words.
func (r Request) StatusLabel() string { return RequestStatusLabel(r.Status) }

// QueuePageSize is how many requests a page of the queue shows.
const QueuePageSize = 50

// QueuePage is one page of the queue and the cursors of the pages around it.
type QueuePage struct {
	Items      []QueueItem
	Next, Prev string
}

// queueRank puts open requests first: the queue's order is (rank, created_at, id), all
// descending, so one row comparison is its keyset.
const queueRank = "(CASE WHEN cr.status = 'open' THEN 1 ELSE 0 END)"

// Cursor is the request's keyset position in the queue (rank~created_at~id).
func (r *QueueItem) Cursor() string {
	rank := "0"
	if r.Status == RequestOpen {
		rank = "1"
	}
	return web.Cursor(rank, r.CreatedAt.UTC().Format(time.RFC3339Nano), r.ID)
}

// Queue returns the tenant's confirmed requests with the given status ("" for every one),
// open ones first, then newest first (at most limit).
func (s *Requests) Queue(ctx context.Context, status string, limit int) ([]QueueItem, error) {
	p, err := s.QueuePage(ctx, status, web.Keyset{}, limit)
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// QueuePage returns a page of the tenant's confirmed requests with the given status ("" for
// every one), open ones first, then newest first, after (or before) the cursor of k: two
// statements (the requests, the names of the consultants asked for), whatever the depth.
func (s *Requests) QueuePage(ctx context.Context, status string, k web.Keyset, limit int) (*QueuePage, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = QueuePageSize
	}
	var rs []QueueItem
	q := t.Select((*Request)(nil)).Where("cr.status <> ?", RequestUnconfirmed)
	if status != "" {
		q = q.Where("cr.status = ?", status)
	}
	if keys, _, ok := k.Keys(3); ok {
		at, err := time.Parse(time.RFC3339Nano, keys[1])
		if (keys[0] == "0" || keys[0] == "1") && err == nil && database.IsID(keys[2]) {
			op, _ := k.Comparison(3, true)
			rank := 0
			if keys[0] == "1" {
				rank = 1
			}
			q = q.Where("("+queueRank+", cr.created_at, cr.id) "+op+" (?, ?, ?)", rank, at.UTC(), keys[2])
		} else {
			k = web.Keyset{}
		}
	}
	_, order := k.Comparison(3, true)
	if err := q.OrderExpr(queueRank+" "+order+", cr.created_at "+order+", cr.id "+order).
		Limit(int64(limit+1)).Scan(ctx, &rs); err != nil {
		return nil, err
	}
	p := &QueuePage{}
	rs, p.Next, p.Prev = web.KeysetPage(k, 3, rs, limit, (*QueueItem).Cursor)
	var ids []string
	for _, r := range rs {
		if r.ProfileID != "" {
			ids = append(ids, r.ProfileID)
		}
	}
	names := map[string]string{}
	if len(ids) > 0 {
		var ps []Profile
		if err := t.Select(&ps).Column("cp.id", "cp.display_name").Where("cp.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
			return nil, err
		}
		for _, p := range ps {
			names[p.ID] = p.DisplayName
		}
	}
	for i := range rs {
		rs[i].ConsultantName = names[rs[i].ProfileID]
	}
	p.Items = rs
	return p, nil
}
