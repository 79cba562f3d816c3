package signup

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/tenants"
)

// Limits bound how many sign-ups (confirmation emails) one network and one email address may
// ask for, so a bot cannot use the form to flood inboxes.
type Limits struct {
	PerIP       int64
	IPWindow    time.Duration
	PerEmail    int64
	EmailWindow time.Duration
}

// DefaultLimits: 5 sign-ups an hour from one address, 3 a day for one email.
var DefaultLimits = Limits{PerIP: 5, IPWindow: time.Hour, PerEmail: 3, EmailWindow: 24 * time.Hour}

// Service is the sign-up's rules.
type Service struct {
	db       *bun.DB
	tenants  *tenants.Service
	accounts *accounts.Service
	audit    *audit.Log
	mailer   *mail.Mailer
	limiter  *accounts.Limiter
	secret   []byte
	baseURL  string

	// TokenLifetime is how long a confirmation link works; TrialLength a new tenant's trial.
	TokenLifetime time.Duration
	TrialLength   time.Duration
	Limits        Limits
}

// NewService returns the sign-up service. secret signs the confirmation links.
func NewService(db *bun.DB, ten *tenants.Service, acc *accounts.Service, log *audit.Log, mailer *mail.Mailer,
	limiter *accounts.Limiter, secret []byte, baseURL string) *Service {
	return &Service{db: db, tenants: ten, accounts: acc, audit: log, mailer: mailer, limiter: limiter,
		secret: secret, baseURL: baseURL, TokenLifetime: TokenLifetime, TrialLength: TrialLength, Limits: DefaultLimits}
}

// CheckSlug normalises an address and says what is wrong with it (format, reserved word, or
// taken by a tenant, including one being deleted), or "" when it is free.
func (s *Service) CheckSlug(ctx context.Context, raw string) (slug, problem string, err error) {
	slug = tenants.NormalizeSlug(raw)
	if msg := tenants.CheckSlug(slug); msg != "" {
		return slug, msg, nil
	}
	taken, err := s.slugTaken(ctx, slug)
	if err != nil || !taken {
		return slug, "", err
	}
	return slug, takenMessage(slug), nil
}

func takenMessage(slug string) string {
	return fmt.Sprintf("Web address: /t/%s is already taken. Choose another.", slug)
}

// slugTaken reports whether a tenant has slug. Deleted tenants keep theirs until purged.
func (s *Service) slugTaken(ctx context.Context, slug string) (bool, error) {
	_, err := s.tenants.Store().TenantBySlug(ctx, slug)
	switch apperr.Code(err) {
	case "":
		return true, nil
	case apperr.ENOTFOUND:
		return false, nil
	}
	return false, err
}

// Start checks the sign-up form and emails the admin a link that confirms it. The email is the
// only thing written: the link carries the form, signed.
//
// Errors: EINVALID naming each bad field; ETOOMANY when this network or this email address has
// asked for too many sign-ups.
func (s *Service) Start(ctx context.Context, in Input, ip string) (*Request, error) {
	ipLimit := accounts.Limit{Key: "rl:signup:ip:" + ip, Max: s.Limits.PerIP, Window: s.Limits.IPWindow}
	if err := s.blocked(ctx, ipLimit, "Too many sign-ups from your network. Try again in %s."); err != nil {
		return nil, err
	}
	in, fields := checkInput(in)
	if _, bad := fields["slug"]; !bad {
		taken, err := s.slugTaken(ctx, in.Slug)
		if err != nil {
			return nil, err
		}
		if taken {
			fields["slug"] = takenMessage(in.Slug)
		}
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	emailLimit := accounts.Limit{Key: "rl:signup:email:" + in.AdminEmail, Max: s.Limits.PerEmail, Window: s.Limits.EmailWindow}
	if err := s.blocked(ctx, emailLimit, "Too many sign-ups for this email address. Use a link already sent to it, or try again in %s."); err != nil {
		return nil, err
	}
	for _, l := range []accounts.Limit{ipLimit, emailLimit} {
		if err := s.limiter.Hit(ctx, l); err != nil {
			return nil, err
		}
	}
	r := &Request{ID: database.NewID(), Name: in.Name, Kind: in.Kind, State: in.State, AdminName: in.AdminName,
		AdminEmail: in.AdminEmail, Slug: in.Slug, ExpiresAt: database.Now().Add(s.TokenLifetime)}
	token, err := s.Sign(r)
	if err != nil {
		return nil, err
	}
	link := s.baseURL + "/signup/confirm/" + token
	err = s.mailer.Send(ctx, r.AdminEmail, "Confirm your Holdspace sign-up for "+r.Name, fmt.Sprintf(
		"Hello %s,\n\nSomeone (we hope you) asked to set up %s (%s, %s) on Holdspace, with this email address as its administrator.\n\n"+
			"To confirm and create it, open this link by %s:\n\n%s\n\n"+
			"Its address will be %s/t/%s/, on a free trial of %d days.\n\n"+
			"If you did not ask for this, ignore this email: nothing is created until the link is opened.\n",
		r.AdminName, r.Name, strings.ToLower(r.KindLabel()), r.StateName(), r.ExpiresAt.UTC().Format("January 2, 2006 at 15:04 UTC"),
		link, s.baseURL, r.Slug, int(s.TrialLength.Hours()/24)), mail.SecretLink(link))
	return r, err
}

// blocked returns ETOOMANY when l is used up; msg has a %s for the time to wait.
func (s *Service) blocked(ctx context.Context, l accounts.Limit, msg string) error {
	blocked, wait, err := s.limiter.Blocked(ctx, l)
	if err != nil || !blocked {
		return err
	}
	return &apperr.Error{Code: apperr.ETOOMANY, Message: fmt.Sprintf(msg, waitText(wait))}
}

func waitText(d time.Duration) string {
	if d > 90*time.Minute {
		h := int(math.Ceil(d.Hours()))
		return plural(h, "hour")
	}
	m := int(math.Ceil(d.Minutes()))
	if m < 1 {
		m = 1
	}
	return plural(m, "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// tokenContext keeps these signatures apart from anything else signed with the same key.
const tokenContext = "holdspace signup v1\x00"

// Sign returns the link token of r: its JSON and an HMAC-SHA256 of it under the secret key,
// both base64url, joined by a dot. r.ExpiresAt is signed too.
func (s *Service) Sign(r *Request) (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	p := base64.RawURLEncoding.EncodeToString(b)
	return p + "." + s.mac(p), nil
}

func (s *Service) mac(payload string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(tokenContext))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Messages of a link that does not work.
const (
	badLinkMessage     = "This sign-up link is not valid: it may have been cut short or changed. Open the link from the email again, or sign up again."
	expiredLinkMessage = "This sign-up link has expired: links work for 48 hours. Sign up again to get a new one."
)

// Verify returns the request a token carries.
//
// Errors: ENOTFOUND for a token that is not ours, was changed, or has expired.
func (s *Service) Verify(token string) (*Request, error) {
	bad := &apperr.Error{Code: apperr.ENOTFOUND, Message: badLinkMessage}
	p, sig, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(p))) {
		return nil, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return nil, bad
	}
	r := new(Request)
	if err := json.Unmarshal(b, r); err != nil || r.ID == "" {
		return nil, bad
	}
	if !database.Now().Before(r.ExpiresAt) {
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: expiredLinkMessage}
	}
	// Signed by us, so checked already; checked again in case the rules have tightened since.
	if _, fields := checkInput(Input{Name: r.Name, Kind: r.Kind, State: r.State, AdminName: r.AdminName,
		AdminEmail: r.AdminEmail, Slug: r.Slug}); len(fields) > 0 {
		return nil, bad
	}
	return r, nil
}

// Pending is what a confirmation link would create, and whether it still can.
type Pending struct {
	*Request
	HasAccount bool // the admin's email already has an account: confirm with its password
	Done       bool // this link already created its tenant
	Taken      bool // another tenant has taken the address since the sign-up
	TrialDays  int
}

// Pending reads a confirmation link.
//
// Errors: ENOTFOUND for a bad or expired link.
func (s *Service) Pending(ctx context.Context, token string) (*Pending, error) {
	r, err := s.Verify(token)
	if err != nil {
		return nil, err
	}
	p := &Pending{Request: r, TrialDays: int(s.TrialLength.Hours() / 24)}
	if p.Done, p.Taken, err = s.state(ctx, r); err != nil {
		return nil, err
	}
	_, err = s.accounts.UserByEmail(ctx, r.AdminEmail)
	switch apperr.Code(err) {
	case "":
		p.HasAccount = true
	case apperr.ENOTFOUND:
	default:
		return nil, err
	}
	return p, nil
}

// state says whether r's tenant exists (done) or another tenant has its address (taken).
func (s *Service) state(ctx context.Context, r *Request) (done, taken bool, err error) {
	st := s.tenants.Store()
	t, err := st.TenantBySlug(ctx, r.Slug)
	switch apperr.Code(err) {
	case "":
		return t.ID == r.ID, t.ID != r.ID, nil
	case apperr.ENOTFOUND:
	default:
		return false, false, err
	}
	// Its address may have been changed since.
	_, err = st.TenantByID(ctx, r.ID)
	switch apperr.Code(err) {
	case "":
		return true, false, nil
	case apperr.ENOTFOUND:
		return false, false, nil
	}
	return false, false, err
}

func conflict(r *Request, done bool) error {
	if done {
		return apperr.Errorf(apperr.ECONFLICT, "%s is already set up on Holdspace: this link has been used. Sign in to work in it.", r.Name)
	}
	return apperr.Errorf(apperr.ECONFLICT, "Another agency has taken the address /t/%s since you signed up. Sign up again with another address.", r.Slug)
}

// ConfirmInput is what the confirmation form sends.
type ConfirmInput struct {
	Token, Password, Confirm, IP, UserAgent string
}

// Confirm creates, in one transaction, what a confirmation link asks for: the tenant on a
// trial, the admin's account if the email has none (with the password chosen now), the
// admin's membership, and their audit events; then signs the admin in. It returns the tenant
// and the new session's token.
//
// Errors: ENOTFOUND for a bad or expired link; EINVALID for a password that is too weak, does
// not match, or (an existing account) is not the account's; ETOOMANY after too many wrong
// passwords; ECONFLICT when the link has been used or the address taken since.
func (s *Service) Confirm(ctx context.Context, in ConfirmInput) (*tenants.Tenant, string, error) {
	r, err := s.Verify(in.Token)
	if err != nil {
		return nil, "", err
	}
	var t *tenants.Tenant
	var session string
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		done, taken, err := s.state(ctx, r)
		if err != nil {
			return err
		}
		if done || taken {
			return conflict(r, done)
		}
		scope := database.Scope{TenantID: r.ID, TenantSlug: r.Slug}
		u, err := s.accounts.UserByEmail(ctx, r.AdminEmail)
		existing := err == nil
		switch apperr.Code(err) {
		case "":
			if in.Password == "" {
				return apperr.Invalid(map[string]string{"password": "Enter the password of your Holdspace account."})
			}
		case apperr.ENOTFOUND:
			if field, msg := accounts.CheckNewPassword(in.Password, in.Confirm); msg != "" {
				return apperr.Invalid(map[string]string{field: msg})
			}
			// The account's creation goes in the new tenant's audit log, by the person it is for.
			actx := audit.WithActor(database.WithScope(ctx, scope), audit.Actor{Email: r.AdminEmail, IP: in.IP})
			if u, err = s.accounts.CreateUser(actx, r.AdminEmail, r.AdminName, in.Password, false); err != nil {
				return err
			}
		default:
			return err
		}
		session, _, err = s.accounts.SignIn(ctx, r.AdminEmail, in.Password, in.IP, in.UserAgent)
		if existing && apperr.Code(err) == apperr.EINVALID && apperr.FieldsOf(err)["password"] != "" {
			return &apperr.Error{Code: apperr.EINVALID, Message: "That is not the password of the Holdspace account " + r.AdminEmail + ".",
				Fields: map[string]string{"password": "This is not the password of your Holdspace account."}}
		}
		if err != nil {
			return err
		}
		ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Email: u.Email, IP: in.IP})
		ends := database.Now().Add(s.TrialLength)
		t = &tenants.Tenant{ID: r.ID, Slug: r.Slug, Name: r.Name, Kind: r.Kind, State: r.State,
			Status: tenants.StatusTrial, Plan: TrialPlan, TimeZone: tenants.TimeZoneOf(r.State), TrialEndsAt: &ends}
		if err := s.tenants.CreateTenant(ctx, t); err != nil {
			if apperr.Code(err) == apperr.ECONFLICT { // taken a moment ago
				return conflict(r, false)
			}
			return err
		}
		scope.UserID, scope.Role = u.ID, authz.TenantAdmin
		ctx = database.WithScope(ctx, scope)
		if _, err := s.tenants.AddMember(ctx, u.ID, authz.TenantAdmin, ""); err != nil {
			return err
		}
		account := "a new account"
		if existing {
			account = "an existing account"
		}
		return s.audit.Record(ctx, "tenant.signup", "tenant", t.ID, fmt.Sprintf("%s (%s, %s) signed up; administrator %s with %s; trial ends %s",
			t.Name, strings.ToLower(r.KindLabel()), t.State, u.Email, account, ends.UTC().Format("2006-01-02")))
	})
	if err != nil {
		return nil, "", err
	}
	return t, session, nil
}
