package accounts_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
)

const password = "correct horse battery"

type env struct {
	db  *bun.DB
	acc *accounts.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := dbtest.Open(t)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	acc := accounts.New(db, audit.New(db), mail.New(db, jobs.NewQueue(rdb), nil, "x@y.z"),
		accounts.NewLimiter(rdb, "test:"+dbtest.RandomHex(6)+":"), "http://holdspace.test", slog.New(slog.DiscardHandler))
	return &env{db: db, acc: acc}
}

func (e *env) user(t *testing.T, email string) *accounts.User {
	t.Helper()
	u, err := e.acc.CreateUser(context.Background(), email, "Ada Lovelace", password, false)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *env) signIn(t *testing.T, email string) string {
	t.Helper()
	token, _, err := e.acc.SignIn(context.Background(), email, password, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func (e *env) sessions(t *testing.T, userID string) int {
	t.Helper()
	n, err := e.db.NewSelect().Model((*accounts.Session)(nil)).Where("user_id = ?", userID).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// setSession moves a session's times (the only way to make time pass for it).
func (e *env) setSession(t *testing.T, token, column string, at time.Time) {
	t.Helper()
	res, err := e.db.NewUpdate().Model((*accounts.Session)(nil)).Set(column+" = ?", at).
		Where("id = ?", accounts.HashToken(token)).Exec(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("got %d sessions updated, want 1", n)
	}
}

func (e *env) events(t *testing.T, action string) []audit.Event {
	t.Helper()
	var list []audit.Event
	if err := e.db.NewSelect().Model(&list).Where("action = ?", action).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return list
}

func TestPassword(t *testing.T) {
	hash, err := accounts.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		if !strings.HasPrefix(hash, "$argon2id$") {
			t.Errorf("got hash %q, want argon2id", hash)
		}
		if !accounts.CheckPassword(hash, password) {
			t.Error("got the right password refused, want accepted")
		}
	})
	t.Run("SaltedHash", func(t *testing.T) {
		again, _ := accounts.HashPassword(password)
		if again == hash {
			t.Error("got the same hash twice, want a new salt each time")
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		for _, p := range []string{"", "correct horse battery ", "Correct horse battery"} {
			if accounts.CheckPassword(hash, p) {
				t.Errorf("got %q accepted, want refused", p)
			}
		}
	})
	t.Run("ErrMalformedHash", func(t *testing.T) {
		parts := strings.Split(hash, "$")
		for _, h := range []string{
			"",
			"plain text",
			"$2a$10$abcdefghijklmnopqrstuv", // bcrypt
			strings.Replace(hash, "argon2id", "argon2i", 1),             // another algorithm
			strings.Join(parts[:5], "$"),                                // no key
			strings.Replace(hash, parts[3], "m=x,t=2,p=1", 1),           // bad parameters
			strings.Replace(hash, parts[4], "!!not base64!!", 1),        // bad salt
			strings.Replace(hash, parts[5], parts[5][:10]+"!!", 1),      // bad key
			strings.Replace(hash, parts[5], strings.Repeat("A", 43), 1), // the wrong key
		} {
			if accounts.CheckPassword(h, password) {
				t.Errorf("got the password accepted against %q, want refused", h)
			}
		}
	})
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ada@example.org", "ada@example.org"},
		{"Ada.Lovelace@Example.ORG", "ada.lovelace@example.org"},
		{"  ada+holdspace@mail.example.co.uk\t", "ada+holdspace@mail.example.co.uk"},
	} {
		got, msg := accounts.NormalizeEmail(tc.in)
		if got != tc.want || msg != "" {
			t.Errorf("NormalizeEmail(%q): got %q, %q; want %q, no message", tc.in, got, msg, tc.want)
		}
	}
	for _, in := range []string{
		"", "   ", "a@b", "no at", "x@y.z>", "@example.org", "ada@", "Ada <ada@example.org>",
		"ada@example.org, bob@example.org", "ada@@example.org",
		strings.Repeat("a", 250) + "@example.org",
	} {
		got, msg := accounts.NormalizeEmail(in)
		if msg == "" || got != "" {
			t.Errorf("NormalizeEmail(%q): got %q, no message; want a message", in, got)
		}
	}
}

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	ada := e.user(t, "ada@example.org")

	t.Run("OK", func(t *testing.T) {
		token, u, err := e.acc.SignIn(context.Background(), "  ADA@example.org ", password, "192.0.2.1", "Firefox")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != ada.ID || token == "" {
			t.Fatalf("got user %q token %q, want ada and a token", u.ID, token)
		}
		sess := new(accounts.Session)
		if err := e.db.NewSelect().Model(sess).Where("s.id = ?", accounts.HashToken(token)).Scan(context.Background()); err != nil {
			t.Fatalf("got %v reading the session by the token's hash, want the row", err)
		}
		if sess.UserID != ada.ID || sess.IP != "192.0.2.1" || sess.UserAgent != "Firefox" {
			t.Errorf("got session %+v, want ada's from 192.0.2.1 with Firefox", sess)
		}
		if sess.ID == token {
			t.Error("got the token itself stored, want its hash")
		}
		events := e.events(t, "user.signin")
		if len(events) != 1 || events[0].ActorID != ada.ID || events[0].IP != "192.0.2.1" || events[0].TenantID != "" {
			t.Errorf("got signin events %+v, want one by ada from 192.0.2.1, platform-wide", events)
		}
		got, err := e.acc.UserByID(context.Background(), ada.ID)
		if err != nil || got.LastSignInAt == nil {
			t.Errorf("got last sign-in %v (err %v), want it set", got.LastSignInAt, err)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		before := e.sessions(t, ada.ID)
		_, _, err := e.acc.SignIn(context.Background(), "ada@example.org", "not the password", "192.0.2.1", "")
		if apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("got %v, want %s", err, apperr.EINVALID)
		}
		if n := e.sessions(t, ada.ID); n != before {
			t.Errorf("got %d sessions, want %d (no new one)", n, before)
		}
	})
	t.Run("ErrNoAccount", func(t *testing.T) {
		_, _, err := e.acc.SignIn(context.Background(), "nobody@example.org", password, "192.0.2.1", "")
		if apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("got %v, want %s", err, apperr.EINVALID)
		}
	})
}

func TestSessionFor(t *testing.T) {
	e := newEnv(t)
	ada := e.user(t, "ada@example.org")
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		token := e.signIn(t, "ada@example.org")
		sess, u, err := e.acc.SessionFor(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != ada.ID || sess.UserID != ada.ID {
			t.Errorf("got user %q, want ada", u.ID)
		}
	})
	t.Run("ActivityRecorded", func(t *testing.T) {
		token := e.signIn(t, "ada@example.org")
		e.setSession(t, token, "last_seen_at", database.Now().Add(-29*time.Minute))
		if _, _, err := e.acc.SessionFor(ctx, token); err != nil {
			t.Fatalf("got %v 29 minutes after the last request, want the session", err)
		}
		sess, _, err := e.acc.SessionFor(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(sess.LastSeenAt) > time.Minute {
			t.Errorf("got last seen %v ago, want just now", time.Since(sess.LastSeenAt))
		}
	})
	t.Run("ErrIdle", func(t *testing.T) {
		token := e.signIn(t, "ada@example.org")
		before := e.sessions(t, ada.ID)
		e.setSession(t, token, "last_seen_at", database.Now().Add(-31*time.Minute))
		_, _, err := e.acc.SessionFor(ctx, token)
		if apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Fatalf("got %v after 31 idle minutes, want %s", err, apperr.EUNAUTHORIZED)
		}
		if n := e.sessions(t, ada.ID); n != before-1 {
			t.Errorf("got %d sessions, want %d: the idle one ended", n, before-1)
		}
		if _, _, err := e.acc.SessionFor(ctx, token); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("got %v on the next request, want %s", err, apperr.EUNAUTHORIZED)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		token := e.signIn(t, "ada@example.org")
		before := e.sessions(t, ada.ID)
		e.setSession(t, token, "expires_at", database.Now().Add(-time.Second)) // active, but past 12 hours
		_, _, err := e.acc.SessionFor(ctx, token)
		if apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Fatalf("got %v past the absolute expiry, want %s", err, apperr.EUNAUTHORIZED)
		}
		if n := e.sessions(t, ada.ID); n != before-1 {
			t.Errorf("got %d sessions, want %d: the expired one ended", n, before-1)
		}
	})
	t.Run("ErrUnknownToken", func(t *testing.T) {
		for _, token := range []string{"", "made-up"} {
			if _, _, err := e.acc.SessionFor(ctx, token); apperr.Code(err) != apperr.EUNAUTHORIZED {
				t.Errorf("got %v for token %q, want %s", err, token, apperr.EUNAUTHORIZED)
			}
		}
	})
}

func TestEndSessions(t *testing.T) {
	e := newEnv(t)
	ada := e.user(t, "ada@example.org")
	e.user(t, "bob@example.org")
	ada1, ada2 := e.signIn(t, "ada@example.org"), e.signIn(t, "ada@example.org")
	bob := e.signIn(t, "bob@example.org")

	if err := e.acc.EndSessions(context.Background(), ada.ID); err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{ada1, ada2} {
		if _, _, err := e.acc.SessionFor(context.Background(), token); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("got %v for one of ada's sessions, want %s", err, apperr.EUNAUTHORIZED)
		}
	}
	if _, _, err := e.acc.SessionFor(context.Background(), bob); err != nil {
		t.Errorf("got %v for bob's session, want it untouched", err)
	}
}

func TestPurgeExpired(t *testing.T) {
	e := newEnv(t)
	ada := e.user(t, "ada@example.org")
	ctx := context.Background()
	now := database.Now()

	live, idle, expired := e.signIn(t, "ada@example.org"), e.signIn(t, "ada@example.org"), e.signIn(t, "ada@example.org")
	e.setSession(t, live, "last_seen_at", now.Add(-29*time.Minute))
	e.setSession(t, idle, "last_seen_at", now.Add(-31*time.Minute))
	e.setSession(t, expired, "expires_at", now.Add(-time.Minute))

	used := now.Add(-time.Minute)
	resets := []*accounts.PasswordReset{
		{ID: "fresh", ExpiresAt: now.Add(time.Hour)},
		{ID: "expired-recently", ExpiresAt: now.Add(-time.Hour)}, // kept a day, to tell "expired" from "unknown"
		{ID: "expired-long-ago", ExpiresAt: now.Add(-25 * time.Hour)},
		{ID: "used", ExpiresAt: now.Add(time.Hour), UsedAt: &used},
	}
	for _, r := range resets {
		r.UserID, r.CreatedAt = ada.ID, now.Add(-26*time.Hour)
	}
	if _, err := e.db.NewInsert().Model(&resets).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	n, err := e.acc.PurgeExpired(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("got %d rows purged, want 4", n)
	}
	var sessions []string
	if err := e.db.NewSelect().Model((*accounts.Session)(nil)).Column("id").Scan(ctx, &sessions); err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 || sessions[0] != accounts.HashToken(live) {
		t.Errorf("got %d sessions left, want only the live one", len(sessions))
	}
	var left []string
	if err := e.db.NewSelect().Model((*accounts.PasswordReset)(nil)).Column("id").OrderExpr("id").Scan(ctx, &left); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(left, ","); got != "expired-recently,fresh" {
		t.Errorf("got resets %s left, want expired-recently,fresh", got)
	}
}

func TestCreatePlatformAdmin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	token := func(t *testing.T, link string) string {
		t.Helper()
		i := strings.Index(link, "/password/reset/")
		if !strings.HasPrefix(link, "http://holdspace.test/") || i < 0 {
			t.Fatalf("got link %q, want http://holdspace.test/password/reset/…", link)
		}
		return link[i+len("/password/reset/"):]
	}

	t.Run("Creates", func(t *testing.T) {
		link, created, err := e.acc.CreatePlatformAdmin(ctx, "Root@Example.org")
		if err != nil {
			t.Fatal(err)
		}
		if !created {
			t.Error("got created false for a new email, want true")
		}
		u, err := e.acc.UserByEmail(ctx, "root@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if !u.IsPlatformAdmin || u.PasswordHash != "" {
			t.Errorf("got admin %v password set %v, want a platform admin with no password yet", u.IsPlatformAdmin, u.PasswordHash != "")
		}
		_, ru, err := e.acc.ResetFor(ctx, token(t, link))
		if err != nil || ru.ID != u.ID {
			t.Errorf("got %v following the link, want it to set root's password", err)
		}
	})
	t.Run("Promotes", func(t *testing.T) {
		ada := e.user(t, "ada@example.org")
		if ada.IsPlatformAdmin {
			t.Fatal("got ada a platform admin before, want not")
		}
		link, created, err := e.acc.CreatePlatformAdmin(ctx, "ada@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if created {
			t.Error("got created true for an existing account, want false")
		}
		u, err := e.acc.UserByID(ctx, ada.ID)
		if err != nil || !u.IsPlatformAdmin {
			t.Errorf("got admin %v (err %v), want ada promoted", u != nil && u.IsPlatformAdmin, err)
		}
		if !accounts.CheckPassword(u.PasswordHash, password) {
			t.Error("got ada's password changed, want it kept")
		}
		token(t, link)
		if got := e.events(t, "user.platform_admin_granted"); len(got) != 2 {
			t.Errorf("got %d platform_admin_granted events, want 2", len(got))
		}
	})
	t.Run("ErrEmail", func(t *testing.T) {
		_, _, err := e.acc.CreatePlatformAdmin(ctx, "root")
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "EMAIL") {
			t.Errorf("got %v, want %s naming EMAIL", err, apperr.EINVALID)
		}
	})
}

// Wrong passwords lock one address out of one account; the ceiling over every address locks
// the account; the owner is emailed once per lock; a new password ends the account's lock.
func TestSignInLocks(t *testing.T) {
	e := newEnv(t)
	ada := e.user(t, "ada@example.org")
	ctx := context.Background()
	try := func(pw, ip string) error {
		_, _, err := e.acc.SignIn(ctx, "ada@example.org", pw, ip, "")
		return err
	}
	mails := func(subject string) int {
		t.Helper()
		n, err := e.db.NewSelect().Table("emails").Where("to_addr = ? AND subject = ?", "ada@example.org", subject).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	for i := 0; i < accounts.MaxFailuresPerAddress; i++ {
		if err := try("wrong", "203.0.113.9"); apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("failure %d: got %v, want EINVALID", i+1, err)
		}
	}
	if err := try(password, "203.0.113.9"); apperr.Code(err) != apperr.ETOOMANY || !strings.Contains(apperr.Message(err), "from your address") {
		t.Fatalf("from the guessing address got %v, want ETOOMANY naming the address", err)
	}
	if err := try(password, "198.51.100.7"); err != nil {
		t.Fatalf("the owner from elsewhere got %v, want to sign in", err)
	}
	if n := mails("Failed sign-ins to your Holdspace account"); n != 1 {
		t.Fatalf("got %d emails for the address lock, want 1", n)
	}

	// The ceiling: guesses from many addresses.
	for i := 0; i < accounts.MaxFailuresPerAccount; i++ {
		_ = try("wrong", "192.0.2."+strconv.Itoa(i+1))
	}
	if err := try(password, "198.51.100.7"); apperr.Code(err) != apperr.ETOOMANY || !strings.Contains(apperr.Message(err), "for everyone") {
		t.Fatalf("after the ceiling got %v, want ETOOMANY for everyone", err)
	}
	if n := mails("Signing in to your Holdspace account is paused"); n != 1 {
		t.Fatalf("got %d emails for the account lock, want 1", n)
	}
	if err := e.acc.SetPassword(ctx, ada.ID, "a new password now"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.acc.SignIn(ctx, "ada@example.org", "a new password now", "198.51.100.7", ""); err != nil {
		t.Fatalf("after a new password got %v, want to sign in", err)
	}
}
