package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/mail"
)

// Service is the accounts domain.
type Service struct {
	db      *bun.DB
	audit   *audit.Log
	mailer  *mail.Mailer
	limiter *Limiter
	baseURL string
	log     *slog.Logger
}

// New returns the accounts service.
func New(db *bun.DB, log *audit.Log, mailer *mail.Mailer, limiter *Limiter, baseURL string, logger *slog.Logger) *Service {
	return &Service{db: db, audit: log, mailer: mailer, limiter: limiter, baseURL: baseURL, log: logger}
}

// UserByEmail returns the account with email (already normalised), or ENOTFOUND.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	err := database.Conn(ctx, s.db).NewSelect().Model(u).Where("u.email = ?", strings.ToLower(email)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("account")
	}
	return u, err
}

// UserByID returns the account with id, or ENOTFOUND.
func (s *Service) UserByID(ctx context.Context, id string) (*User, error) {
	u := new(User)
	err := database.Conn(ctx, s.db).NewSelect().Model(u).Where("u.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("account")
	}
	return u, err
}

// CreateUser makes an account. password may be "" (the person sets one through a link).
// It returns ECONFLICT when the email already has an account.
func (s *Service) CreateUser(ctx context.Context, email, name, password string, platformAdmin bool) (*User, error) {
	email, msg := NormalizeEmail(email)
	if msg != "" {
		return nil, apperr.Invalid(map[string]string{"email": msg})
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, apperr.Invalid(map[string]string{"name": "Enter the person’s name."})
	}
	hash := ""
	if password != "" {
		var err error
		if hash, err = HashPassword(password); err != nil {
			return nil, err
		}
	}
	now := database.Now()
	u := &User{ID: database.NewID(), Email: email, Name: name, PasswordHash: hash, IsPlatformAdmin: platformAdmin,
		Active: true, CreatedAt: now, UpdatedAt: now}
	_, err := database.Conn(ctx, s.db).NewInsert().Model(u).Exec(ctx)
	if database.IsUniqueViolation(err) {
		return nil, apperr.Errorf(apperr.ECONFLICT, "An account with the email %s already exists.", email)
	}
	if err != nil {
		return nil, err
	}
	return u, s.audit.Record(ctx, "user.create", "user", u.ID, email)
}

// SetPassword replaces a person's password, ends all their sessions and ends every reset link
// of theirs still outstanding: a link mailed before the change must not change the password
// again. Every way a password changes goes through here.
func (s *Service) SetPassword(ctx context.Context, userID, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		db := database.Conn(ctx, s.db)
		now := database.Now()
		if _, err := db.NewUpdate().Model((*User)(nil)).Set("password_hash = ?", hash).Set("updated_at = ?", now).
			Where("id = ?", userID).Exec(ctx); err != nil {
			return err
		}
		if _, err := db.NewUpdate().Model((*PasswordReset)(nil)).Set("used_at = ?", now).
			Where("user_id = ? AND used_at IS NULL", userID).Exec(ctx); err != nil {
			return err
		}
		if err := s.EndSessions(ctx, userID); err != nil {
			return err
		}
		// A new password ends a lock on the account: guesses at the old one are worthless.
		u, err := s.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		return s.limiter.Reset(ctx, accountLimit(u.Email))
	})
}

// SignIn checks an email and password and starts a new session (a new id every time, so a
// session id planted before sign-in is worth nothing). It returns the cookie token.
//
// Errors: EINVALID for a wrong email or password (the same message for both), ETOOMANY when
// this address has failed too often for this account (MaxFailuresPerAddress) or for any
// accounts (MaxFailuresFromAddress), or the account has from every address
// (MaxFailuresPerAccount).
func (s *Service) SignIn(ctx context.Context, email, password, ip, userAgent string) (string, *User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || password == "" {
		f := map[string]string{}
		if email == "" {
			f["email"] = "Enter your email address."
		}
		if password == "" {
			f["password"] = "Enter your password."
		}
		return "", nil, apperr.Invalid(f)
	}
	limits := []Limit{pairLimit(email, ip), accountLimit(email), ipLimit(ip)}
	for _, l := range limits {
		blocked, wait, err := s.limiter.Blocked(ctx, l)
		if err != nil {
			return "", nil, err
		}
		if blocked {
			return "", nil, tooMany(l, wait)
		}
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil && apperr.Code(err) != apperr.ENOTFOUND {
		return "", nil, err
	}
	hash := dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok := CheckPassword(hash, password) && u != nil && u.PasswordHash != ""
	if !ok || !u.Active {
		for _, l := range limits {
			n, err := s.limiter.HitCount(ctx, l)
			if err != nil {
				return "", nil, err
			}
			if n == l.Max && u != nil && u.Active && l.Key != ipLimit(ip).Key {
				if err := s.lockedOut(ctx, u, l, ip); err != nil {
					return "", nil, err
				}
			}
		}
		if ok && !u.Active {
			return "", nil, &apperr.Error{Code: apperr.EINVALID, Message: "This account has been deactivated. Ask your agency’s Holdspace administrator to reactivate it."}
		}
		return "", nil, &apperr.Error{Code: apperr.EINVALID, Message: "The email or password is not right. Check them and try again.",
			Fields: map[string]string{"password": "The email or password is not right."}}
	}
	// The owner's own address starts afresh; the account's ceiling does not (it counts guesses
	// from everywhere, and only lapses or a new password clears it).
	if err := s.limiter.Reset(ctx, pairLimit(email, ip)); err != nil {
		return "", nil, err
	}
	token, id := NewToken()
	now := database.Now()
	sess := &Session{ID: id, UserID: u.ID, IP: ip, UserAgent: truncate(userAgent, 300), CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(AbsoluteTimeout)}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		db := database.Conn(ctx, s.db)
		if _, err := db.NewInsert().Model(sess).Exec(ctx); err != nil {
			return err
		}
		if _, err := db.NewUpdate().Model((*User)(nil)).Set("last_signin_at = ?", now).Where("id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Email: u.Email, IP: ip})
		return s.audit.Record(ctx, "user.signin", "session", "", "")
	})
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// lockedOut tells the owner, once per lock, that their account hit a sign-in lock, and records
// it in the audit log.
func (s *Service) lockedOut(ctx context.Context, u *User, l Limit, ip string) error {
	whole := strings.HasPrefix(l.Key, "rl:signin:account:")
	kind := "address"
	if whole {
		kind = "account"
	}
	first, err := s.limiter.Once(ctx, "rl:signin:notified:"+kind+":"+u.Email, l.Window)
	if err != nil || !first {
		return err
	}
	mins := int(l.Window.Minutes())
	forgot := s.baseURL + "/password/forgot"
	var subject, body, detail string
	if whole {
		detail = fmt.Sprintf("%d wrong passwords from several addresses: signing in paused for everyone for %d minutes", l.Max, mins)
		subject = "Signing in to your Holdspace account is paused"
		body = fmt.Sprintf("Hello %s,\n\n"+
			"In the last %d minutes, someone tried to sign in to your Holdspace account (%s) with a wrong password "+
			"%d times, from several addresses. To protect it, signing in to your account is paused for everyone, you "+
			"included, for %d minutes.\n\n"+
			"If this was not you, someone may be guessing your password. Choose a new one now: a new password also "+
			"ends the pause, and ends every session signed in with the old one:\n\n%s\n\n"+
			"If it was you, wait %d minutes, or reset your password at the same address.\n",
			u.Name, mins, u.Email, l.Max, mins, forgot, mins)
	} else {
		detail = fmt.Sprintf("%d wrong passwords from %s: that address paused for %d minutes", l.Max, ip, mins)
		subject = "Failed sign-ins to your Holdspace account"
		body = fmt.Sprintf("Hello %s,\n\n"+
			"Someone tried to sign in to your Holdspace account (%s) with a wrong password %d times from the address "+
			"%s. Signing in from that address is paused for %d minutes. You can still sign in from your usual device "+
			"and network.\n\n"+
			"If this was not you, someone may be guessing your password. Choose a new one, long and used nowhere "+
			"else:\n\n%s\n\n"+
			"If it was you, wait %d minutes, or reset your password at the same address.\n",
			u.Name, u.Email, l.Max, ip, mins, forgot, mins)
	}
	// The actor is whoever sent the wrong passwords (the request's address), not the owner.
	if err := s.audit.Record(ctx, "user.signin_locked", "user", u.ID, detail); err != nil {
		return err
	}
	return s.mailer.Send(ctx, u.Email, subject, body)
}

func tooMany(l Limit, wait time.Duration) error {
	mins := int(math.Ceil(wait.Minutes()))
	if mins < 1 {
		mins = 1
	}
	msg := fmt.Sprintf("Too many failed sign-ins for this account from your address. For its safety, signing in from here is paused for %d more minute(s). You can reset your password meanwhile.", mins)
	if strings.HasPrefix(l.Key, "rl:signin:account:") {
		msg = fmt.Sprintf("Too many failed sign-ins for this account, from several places. For its safety, signing in to it is paused for everyone for %d more minute(s). You can reset your password meanwhile: a new password ends the pause.", mins)
	}
	if strings.HasPrefix(l.Key, "rl:signin:ip:") {
		msg = fmt.Sprintf("Too many sign-in attempts from your network. Try again in %d minute(s).", mins)
	}
	if strings.HasPrefix(l.Key, "rl:reset:") {
		msg = fmt.Sprintf("Too many password reset requests. Try again in %d minute(s).", mins)
	}
	return &apperr.Error{Code: apperr.ETOOMANY, Message: msg}
}

// SessionFor returns the live session of a cookie token and its person, or EUNAUTHORIZED. It
// ends a session past its idle or absolute limit, and records activity at most once a minute.
func (s *Service) SessionFor(ctx context.Context, token string) (*Session, *User, error) {
	if token == "" {
		return nil, nil, apperr.Errorf(apperr.EUNAUTHORIZED, "Please sign in.")
	}
	// One statement for the session and its person (every signed-in request runs it). The
	// password hash is not read: nothing of a request needs it. Sessions and people are
	// platform tables: the connection's row settings need not be written for them.
	ctx = database.PlatformTablesOnly(ctx)
	sess, u := new(Session), new(User)
	err := s.db.NewSelect().Model((*Session)(nil)).
		ColumnExpr("s.id, s.user_id, s.ip, s.user_agent, s.created_at, s.last_seen_at, s.expires_at").
		ColumnExpr("u.id, u.email, u.name, u.is_platform_admin, u.active, u.last_signin_at, u.created_at, u.updated_at").
		Join("JOIN users AS u ON u.id = s.user_id").
		Where("s.id = ?", HashToken(token)).
		Scan(ctx, &sess.ID, &sess.UserID, &sess.IP, &sess.UserAgent, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt,
			&u.ID, &u.Email, &u.Name, &u.IsPlatformAdmin, &u.Active, &u.LastSignInAt, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		// No session, or (never, with the foreign key) one whose person is gone.
		return nil, nil, apperr.Errorf(apperr.EUNAUTHORIZED, "Please sign in.")
	}
	if err != nil {
		return nil, nil, err
	}
	now := database.Now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > IdleTimeout {
		if _, err := s.db.NewDelete().Model(sess).WherePK().Exec(ctx); err != nil {
			return nil, nil, err
		}
		return nil, nil, apperr.Errorf(apperr.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
	}
	if !u.Active {
		return nil, nil, apperr.Errorf(apperr.EUNAUTHORIZED, "Please sign in.")
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		sess.LastSeenAt = now
		if _, err := s.db.NewUpdate().Model(sess).Column("last_seen_at").WherePK().Exec(ctx); err != nil {
			return nil, nil, err
		}
	}
	return sess, u, nil
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		res, err := database.Conn(ctx, s.db).NewDelete().Model((*Session)(nil)).Where("id = ?", HashToken(token)).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.audit.Record(ctx, "user.signout", "session", "", "")
	})
}

// EndSessions ends every session of a person (password changed).
func (s *Service) EndSessions(ctx context.Context, userID string) error {
	_, err := database.Conn(ctx, s.db).NewDelete().Model((*Session)(nil)).Where("user_id = ?", userID).Exec(ctx)
	return err
}

// RequestReset emails a single-use reset link if email has an account. It answers the same
// whether or not it does, so the form does not reveal who has an account.
func (s *Service) RequestReset(ctx context.Context, email, ip string) error {
	email, msg := NormalizeEmail(email)
	if msg != "" {
		return apperr.Invalid(map[string]string{"email": msg})
	}
	for _, l := range []Limit{resetIPLimit(ip), resetAccountLimit(email)} {
		blocked, wait, err := s.limiter.Blocked(ctx, l)
		if err != nil {
			return err
		}
		if blocked {
			return tooMany(l, wait)
		}
		if err := s.limiter.Hit(ctx, l); err != nil {
			return err
		}
	}
	u, err := s.UserByEmail(ctx, email)
	if apperr.Code(err) == apperr.ENOTFOUND || (u != nil && !u.Active) {
		return nil
	}
	if err != nil {
		return err
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		link, err := s.newResetLink(ctx, u.ID, ResetLifetime)
		if err != nil {
			return err
		}
		ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Email: u.Email, IP: ip})
		if err := s.audit.Record(ctx, "user.password_reset_requested", "user", u.ID, ""); err != nil {
			return err
		}
		return s.mailer.Send(ctx, u.Email, "Reset your Holdspace password", fmt.Sprintf(
			"Hello %s,\n\nSomeone (we hope you) asked to reset the password of your Holdspace account.\n\n"+
				"To choose a new password, open this link within the next hour:\n\n%s\n\n"+
				"The link works once. If you did not ask for this, ignore this email: your password stays as it is.\n",
			u.Name, link), mail.SecretLink(link))
	})
}

func (s *Service) newResetLink(ctx context.Context, userID string, life time.Duration) (string, error) {
	token, id := NewToken()
	now := database.Now()
	r := &PasswordReset{ID: id, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(life)}
	if _, err := database.Conn(ctx, s.db).NewInsert().Model(r).Exec(ctx); err != nil {
		return "", err
	}
	return s.baseURL + "/password/reset/" + token, nil
}

// LinkEndedMessage is what a reset link that no longer works says.
const LinkEndedMessage = "This password link no longer works: it has expired, it was already used, or the password " +
	"was changed after it was sent (a change ends every earlier link). Ask for a new one on the “Forgot your password?” page if you still need it."

// ResetFor returns the unused, unexpired reset of token and its person, or ENOTFOUND.
func (s *Service) ResetFor(ctx context.Context, token string) (*PasswordReset, *User, error) {
	r := new(PasswordReset)
	err := database.Conn(ctx, s.db).NewSelect().Model(r).Where("pr.id = ?", HashToken(token)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (r.UsedAt != nil || database.Now().After(r.ExpiresAt))) {
		return nil, nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: LinkEndedMessage}
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.UserByID(ctx, r.UserID)
	return r, u, err
}

// ResetPassword sets a new password through a reset link, uses the link up, and ends every
// session of the person.
func (s *Service) ResetPassword(ctx context.Context, token, password, confirm string) (*User, error) {
	if field, msg := CheckNewPassword(password, confirm); msg != "" {
		return nil, apperr.Invalid(map[string]string{field: msg})
	}
	var user *User
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		r, u, err := s.ResetFor(ctx, token)
		if err != nil {
			return err
		}
		now := database.Now()
		res, err := database.Conn(ctx, s.db).NewUpdate().Model(r).Set("used_at = ?", now).
			Where("id = ? AND used_at IS NULL", r.ID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &apperr.Error{Code: apperr.ENOTFOUND, Message: LinkEndedMessage}
		}
		if err := s.SetPassword(ctx, u.ID, password); err != nil {
			return err
		}
		user = u
		ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Email: u.Email, IP: audit.ActorFrom(ctx).IP})
		return s.audit.Record(ctx, "user.password_reset", "user", u.ID, "")
	})
	return user, err
}

// CreatePlatformAdmin makes email a platform admin (creating the account if needed) and
// returns a link where they set their password.
func (s *Service) CreatePlatformAdmin(ctx context.Context, email string) (link string, created bool, err error) {
	email, msg := NormalizeEmail(email)
	if msg != "" {
		return "", false, apperr.Errorf(apperr.EINVALID, "EMAIL: %s", msg)
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		u, err := s.UserByEmail(ctx, email)
		switch apperr.Code(err) {
		case "":
			if _, err := database.Conn(ctx, s.db).NewUpdate().Model(u).Set("is_platform_admin = TRUE").
				Set("updated_at = ?", database.Now()).WherePK().Exec(ctx); err != nil {
				return err
			}
		case apperr.ENOTFOUND:
			name := email[:strings.Index(email, "@")]
			if u, err = s.CreateUser(ctx, email, name, "", true); err != nil {
				return err
			}
			created = true
		default:
			return err
		}
		if err := s.audit.Record(ctx, "user.platform_admin_granted", "user", u.ID, email); err != nil {
			return err
		}
		link, err = s.newResetLink(ctx, u.ID, AdminSetupLifetime)
		return err
	})
	return link, created, err
}

// PurgeExpired deletes ended sessions and used or expired reset links.
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	now := database.Now()
	r1, err := s.db.NewDelete().Model((*Session)(nil)).
		Where("expires_at < ? OR last_seen_at < ?", now, now.Add(-IdleTimeout)).Exec(ctx)
	if err != nil {
		return 0, err
	}
	r2, err := s.db.NewDelete().Model((*PasswordReset)(nil)).Where("expires_at < ? OR used_at IS NOT NULL", now.Add(-24*time.Hour)).Exec(ctx)
	if err != nil {
		return 0, err
	}
	a, _ := r1.RowsAffected()
	b, _ := r2.RowsAffected()
	return a + b, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
