package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/mail"
)

func TestSignIn(t *testing.T) {
	env := newTestEnv(t)

	t.Run("OK", func(t *testing.T) {
		c := env.client(t)
		c.get("/signin").mustStatus(t, http.StatusOK)
		r := c.post("/signin", url.Values{"email": {"Admin@Illinois.example"}, "password": {demo.Password}})
		r.mustStatus(t, http.StatusSeeOther)
		if r.header.Get("Location") != "/" {
			t.Fatalf("got redirect to %q, want /", r.header.Get("Location"))
		}
		c.get("/").mustStatus(t, http.StatusSeeOther)
		c.get("/t/illinois/").mustStatus(t, http.StatusOK).mustContain(t, "Denise Carter", "Tenant admin", "Illinois I/ECMHC in Home Visiting")
	})

	t.Run("NewSessionIDAtSignIn", func(t *testing.T) {
		c := env.client(t)
		c.signIn("funder@illinois.example")
		first := c.cookies[accounts.SessionCookie]
		c.signIn("funder@illinois.example")
		second := c.cookies[accounts.SessionCookie]
		if first == "" || second == "" || first == second {
			t.Fatalf("got session cookies %q then %q, want two different ones", first, second)
		}
		// The first session ended: its cookie no longer signs anyone in.
		old := env.client(t)
		old.cookies[accounts.SessionCookie] = first
		old.get("/t/illinois/").mustStatus(t, http.StatusSeeOther)
		// A session id planted before sign-in is replaced.
		planted := env.client(t)
		planted.cookies[accounts.SessionCookie] = "planted-by-an-attacker"
		planted.signIn("funder@illinois.example")
		if planted.cookies[accounts.SessionCookie] == "planted-by-an-attacker" {
			t.Fatal("the planted session id survived sign-in")
		}
	})

	t.Run("ErrWrongPassword", func(t *testing.T) {
		c := env.client(t)
		r := c.post("/signin", url.Values{"email": {"program@illinois.example"}, "password": {"not the password"}})
		r.mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "The email or password is not right", `value="program@illinois.example"`)
		if strings.Contains(r.body, "not the password") {
			t.Fatal("the page echoes the password back")
		}
		if _, ok := c.cookies[accounts.SessionCookie]; ok {
			t.Fatal("a failed sign-in set a session cookie")
		}
	})

	t.Run("ErrEmptyFields", func(t *testing.T) {
		env.client(t).post("/signin", url.Values{}).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, "Enter your email address.", "Enter your password.")
	})

	t.Run("ErrUnknownEmailSameMessage", func(t *testing.T) {
		env.client(t).post("/signin", url.Values{"email": {"nobody@nowhere.example"}, "password": {"whatever-it-is"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "The email or password is not right")
	})

	t.Run("RedirectsToNextOnThisSiteOnly", func(t *testing.T) {
		c := env.client(t)
		r := c.post("/signin", url.Values{"email": {"admin@ohio.example"}, "password": {demo.Password}, "next": {"/t/ohio/audit"}})
		if got := r.header.Get("Location"); got != "/t/ohio/audit" {
			t.Fatalf("got redirect %q, want /t/ohio/audit", got)
		}
		r = env.client(t).post("/signin", url.Values{"email": {"admin@ohio.example"}, "password": {demo.Password}, "next": {"//evil.example/x"}})
		if got := r.header.Get("Location"); got != "/" {
			t.Fatalf("got redirect %q, want /", got)
		}
	})

	t.Run("SignedOutIsSentToSignIn", func(t *testing.T) {
		r := env.client(t).get("/t/illinois/people").mustStatus(t, http.StatusSeeOther)
		if got := r.header.Get("Location"); got != "/signin?next=%2Ft%2Fillinois%2Fpeople" {
			t.Fatalf("got redirect %q", got)
		}
	})
}

func TestSignOut(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)
	c.signIn("supervisor@ohio.example")
	token := c.cookies[accounts.SessionCookie]
	c.get("/t/ohio/").mustStatus(t, http.StatusOK)
	c.post("/signout", nil).mustStatus(t, http.StatusSeeOther)
	if _, ok := c.cookies[accounts.SessionCookie]; ok {
		t.Fatal("the session cookie is still set after sign-out")
	}
	// The session is gone on the server too: replaying the old cookie does not work.
	replay := env.client(t)
	replay.cookies[accounts.SessionCookie] = token
	replay.get("/t/ohio/").mustStatus(t, http.StatusSeeOther)
	c.get("/signin").mustContain(t, "You are signed out.")
}

func TestCSRF(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)
	c.signIn("admin@illinois.example")
	invite := url.Values{"email": {"new.person@illinois.example"}, "role": {"consultant"}}

	t.Run("ErrMissingToken", func(t *testing.T) {
		form := url.Values{"_csrf": {""}}
		for k, v := range invite {
			form[k] = v
		}
		c.post("/t/illinois/people/invitations", form).mustStatus(t, http.StatusForbidden).mustContain(t, "This form has expired")
	})
	t.Run("ErrTokenOfAnotherSession", func(t *testing.T) {
		other := env.client(t)
		other.signIn("admin@illinois.example")
		other.get("/t/illinois/people")
		form := url.Values{"_csrf": {other.csrf}}
		for k, v := range invite {
			form[k] = v
		}
		c.post("/t/illinois/people/invitations", form).mustStatus(t, http.StatusForbidden)
	})
	t.Run("ErrBadHeaderOnHTMX", func(t *testing.T) {
		form := url.Values{"_csrf": {""}}
		for k, v := range invite {
			form[k] = v
		}
		r := c.post("/t/illinois/people/invitations", form, "HX-Request", "true", "X-CSRF-Token", "forged")
		r.mustStatus(t, http.StatusForbidden)
		if r.header.Get("HX-Retarget") != "#main-content" {
			t.Fatalf("an htmx error should retarget the main region, got %q", r.header.Get("HX-Retarget"))
		}
	})
	t.Run("NothingWritten", func(t *testing.T) {
		ctx := env.scoped("illinois")
		list, err := env.app.Tenants.Store().Invitations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Fatalf("got %d invitations after rejected posts, want 0", len(list))
		}
	})
	t.Run("OKWithHeaderOnHTMX", func(t *testing.T) {
		c.get("/t/illinois/people")
		form := url.Values{"_csrf": {""}}
		for k, v := range invite {
			form[k] = v
		}
		r := c.post("/t/illinois/people/invitations", form, "HX-Request", "true", "X-CSRF-Token", c.csrf)
		r.mustStatus(t, http.StatusNoContent)
		if r.header.Get("HX-Redirect") != "/t/illinois/people" {
			t.Fatalf("got HX-Redirect %q", r.header.Get("HX-Redirect"))
		}
	})
	t.Run("SignInFormNeedsToken", func(t *testing.T) {
		fresh := env.client(t)
		fresh.post("/signin", url.Values{"_csrf": {"x"}, "email": {"admin@illinois.example"}, "password": {demo.Password}}).
			mustStatus(t, http.StatusForbidden)
	})
}

// countEmails counts the outbox messages to addr with subject.
func (e *testEnv) countEmails(addr, subject string) int {
	e.t.Helper()
	list, err := e.app.Mail.Outbox(context.Background(), 500)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, m := range list {
		if m.To == addr && m.Subject == subject {
			n++
		}
	}
	return n
}

// behindProxy is a test server behind a reverse proxy: app.Test's connections (from 0.0.0.0)
// are the proxy's, listed in TRUSTED_PROXIES, and each request says its person's address in
// X-Forwarded-For.
func behindProxy(t *testing.T) *testEnv {
	return newTestEnvWith(t, func(c *config.Config) { c.TrustedProxies = []string{"0.0.0.0"} })
}

// signInFrom posts the sign-in form as if from addr.
func (c *client) signInFrom(addr, email, password string) *resp {
	c.t.Helper()
	c.refreshCSRF()
	return c.post("/signin", url.Values{"email": {email}, "password": {password}}, "X-Forwarded-For", addr)
}

func TestSignInRateLimit(t *testing.T) {
	const (
		attacker = "203.0.113.9"
		owner    = "198.51.100.7"
		who      = "program@ohio.example"
		notice   = "Failed sign-ins to your Holdspace account"
		paused   = "Signing in to your Holdspace account is paused"
	)

	// Five wrong passwords from one address lock that address out of the account — and only
	// it: the owner signs in from their own address meanwhile, and is told once by email.
	t.Run("PerAccountAndAddress", func(t *testing.T) {
		env := behindProxy(t)
		c := env.client(t)
		for i := 0; i < accounts.MaxFailuresPerAddress; i++ {
			c.signInFrom(attacker, who, "wrong password "+string(rune('a'+i))).mustStatus(t, http.StatusUnprocessableEntity)
		}
		// Locked now from that address, even with the right password, with a clear message.
		c.signInFrom(attacker, who, demo.Password).mustStatus(t, http.StatusTooManyRequests).
			mustContain(t, "Too many failed sign-ins for this account from your address", "paused for 15 more minute(s)", "reset your password")
		// Another browser at the same address is locked too (every web process shares Redis).
		env.client(t).signInFrom(attacker, who, demo.Password).mustStatus(t, http.StatusTooManyRequests)
		// The owner, elsewhere, signs in.
		env.client(t).signInFrom(owner, who, demo.Password).mustStatus(t, http.StatusSeeOther)
		// Other accounts from the attacker's address are not locked.
		env.client(t).signInFrom(attacker, "funder@ohio.example", demo.Password).mustStatus(t, http.StatusSeeOther)

		// The owner is told, once for the lock (not once per failure), with what to do.
		if n := env.countEmails(who, notice); n != 1 {
			t.Fatalf("the owner got %d emails %q, want 1", n, notice)
		}
		body := env.lastEmailTo(who).Body
		for _, want := range []string{"wrong password 5 times from the address " + attacker, "paused for 15 minutes",
			"You can still sign in", "http://holdspace.test/password/forgot"} {
			if !strings.Contains(body, want) {
				t.Errorf("the email does not say %q:\n%s", want, body)
			}
		}
		for i := 0; i < 3; i++ {
			c.signInFrom(attacker, who, "still guessing").mustStatus(t, http.StatusTooManyRequests)
		}
		if n := env.countEmails(who, notice); n != 1 {
			t.Fatalf("after more attempts the owner got %d emails, want still 1", n)
		}
		prog, err := env.app.Accounts.UserByEmail(context.Background(), who)
		if err != nil {
			t.Fatal(err)
		}
		if n := env.count("audit_events", "action = ? AND record_id = ? AND ip = ? AND actor_id = ''", "user.signin_locked", prog.ID, attacker); n != 1 {
			t.Fatalf("got %d user.signin_locked events, want 1", n)
		}
		// No email for an address that has no account.
		for i := 0; i < accounts.MaxFailuresPerAddress; i++ {
			c.signInFrom(attacker, "nobody@nowhere.example", "guess")
		}
		if n := env.count("emails", "to_addr = ?", "nobody@nowhere.example"); n != 0 {
			t.Fatalf("%d emails went to an address without an account", n)
		}
	})

	// Guesses spread over many addresses hit the account's ceiling: the account is paused for
	// everyone, the owner is told once, and a new password ends the pause.
	t.Run("CeilingAcrossAddresses", func(t *testing.T) {
		env := behindProxy(t)
		c := env.client(t)
		for i := 0; i < accounts.MaxFailuresPerAccount; i++ {
			addr := "192.0.2." + strconv.Itoa(i+1)
			c.signInFrom(addr, who, "guess number "+strconv.Itoa(i)).mustStatus(t, http.StatusUnprocessableEntity)
		}
		env.client(t).signInFrom(owner, who, demo.Password).mustStatus(t, http.StatusTooManyRequests).
			mustContain(t, "from several places", "paused for everyone", "a new password ends the pause")
		if n := env.countEmails(who, paused); n != 1 {
			t.Fatalf("the owner got %d emails %q, want 1", n, paused)
		}
		body := env.lastEmailTo(who).Body
		for _, want := range []string{"with a wrong password 50 times, from several addresses", "paused for everyone",
			"a new password also ends the pause", "http://holdspace.test/password/forgot"} {
			if !strings.Contains(body, want) {
				t.Errorf("the email does not say %q:\n%s", want, body)
			}
		}
		// Other accounts are not paused.
		env.client(t).signInFrom(owner, "funder@ohio.example", demo.Password).mustStatus(t, http.StatusSeeOther)

		// The owner resets the password: the pause ends.
		env.client(t).post("/password/forgot", url.Values{"email": {who}}, "X-Forwarded-For", owner).mustStatus(t, http.StatusOK)
		link := resetLink.FindStringSubmatch(env.lastEmailTo(who).Body)[1]
		env.client(t).post(link, url.Values{"password": {"a brand new password"}, "confirm": {"a brand new password"}}).
			mustStatus(t, http.StatusSeeOther)
		env.client(t).signInFrom(owner, who, "a brand new password").mustStatus(t, http.StatusSeeOther)
	})

	// Without TRUSTED_PROXIES X-Forwarded-For is not believed: an attacker who writes a new
	// address in it each time is still one address.
	t.Run("HeaderNotBelievedWithoutTrustedProxies", func(t *testing.T) {
		env := newTestEnv(t)
		c := env.client(t)
		for i := 0; i < accounts.MaxFailuresPerAddress; i++ {
			c.signInFrom("192.0.2."+strconv.Itoa(i+1), who, "guess").mustStatus(t, http.StatusUnprocessableEntity)
		}
		c.signInFrom("192.0.2.99", who, demo.Password).mustStatus(t, http.StatusTooManyRequests).
			mustContain(t, "from your address")
		if body := env.lastEmailTo(who).Body; !strings.Contains(body, "from the address 0.0.0.0") {
			t.Errorf("the email names another address than the connection's:\n%s", body)
		}
	})

	// Behind a trusted proxy that appends to X-Forwarded-For, the address the client wrote
	// first is not believed either.
	t.Run("PrependedAddressNotBelieved", func(t *testing.T) {
		env := behindProxy(t)
		c := env.client(t)
		for i := 0; i < accounts.MaxFailuresPerAddress; i++ {
			c.signInFrom("192.0.2."+strconv.Itoa(i+1)+", "+attacker, who, "guess").mustStatus(t, http.StatusUnprocessableEntity)
		}
		c.signInFrom("192.0.2.99, "+attacker, who, demo.Password).mustStatus(t, http.StatusTooManyRequests)
		env.client(t).signInFrom(attacker+", "+owner, who, demo.Password).mustStatus(t, http.StatusSeeOther)
	})

	t.Run("PerAddressAcrossAccounts", func(t *testing.T) {
		env := newTestEnv(t)
		c := env.client(t)
		for i := 0; i < accounts.MaxFailuresFromAddress; i++ {
			c.post("/signin", url.Values{"email": {"someone" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@nowhere.example"}, "password": {"guess"}})
		}
		c.post("/signin", url.Values{"email": {"admin@ohio.example"}, "password": {demo.Password}}).
			mustStatus(t, http.StatusTooManyRequests).mustContain(t, "Too many sign-in attempts from your network")
	})
}

var resetLink = regexp.MustCompile(`http://holdspace\.test(/password/reset/[A-Za-z0-9_-]+)`)

// lastEmailTo returns the newest outbox message to addr.
func (e *testEnv) lastEmailTo(addr string) *mail.Email {
	e.t.Helper()
	list, err := e.app.Mail.Outbox(database.AcrossTenants(context.Background(), "test: the outbox"), 50)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := range list {
		if list[i].To == addr {
			return &list[i]
		}
	}
	e.t.Fatalf("no email to %s in the outbox", addr)
	return nil
}

func TestPasswordReset(t *testing.T) {
	env := newTestEnv(t)
	const who = "consultant@ohio.example"
	c := env.client(t)
	c.signIn(who)
	signedIn := c.cookies[accounts.SessionCookie]

	anon := env.client(t)
	anon.get("/password/forgot").mustStatus(t, http.StatusOK)
	anon.post("/password/forgot", url.Values{"email": {who}}).mustStatus(t, http.StatusOK).mustContain(t, "Check your email")
	m := resetLink.FindStringSubmatch(env.lastEmailTo(who).Body)
	if m == nil {
		t.Fatal("the reset email has no link")
	}
	link := m[1]

	t.Run("UnknownEmailSameAnswer", func(t *testing.T) {
		anon.post("/password/forgot", url.Values{"email": {"nobody@nowhere.example"}}).mustStatus(t, http.StatusOK).mustContain(t, "Check your email")
	})
	t.Run("ErrMalformedEmail", func(t *testing.T) {
		anon.post("/password/forgot", url.Values{"email": {"not an email"}}).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, "Enter an email address in the form")
	})
	t.Run("ErrShortPassword", func(t *testing.T) {
		anon.get(link).mustStatus(t, http.StatusOK).mustContain(t, "Choose a new password")
		anon.post(link, url.Values{"password": {"short"}, "confirm": {"short"}}).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, "Use at least 12 characters.")
	})
	t.Run("ErrMismatch", func(t *testing.T) {
		anon.post(link, url.Values{"password": {"a long new password"}, "confirm": {"a different one!!"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "The two passwords do not match.")
	})
	t.Run("OK", func(t *testing.T) {
		anon.post(link, url.Values{"password": {"a long new password"}, "confirm": {"a long new password"}}).mustStatus(t, http.StatusSeeOther)
		anon.post("/signin", url.Values{"email": {who}, "password": {"a long new password"}}).mustStatus(t, http.StatusSeeOther)
		env.client(t).post("/signin", url.Values{"email": {who}, "password": {demo.Password}}).mustStatus(t, http.StatusUnprocessableEntity)
	})
	t.Run("EndsOtherSessions", func(t *testing.T) {
		old := env.client(t)
		old.cookies[accounts.SessionCookie] = signedIn
		old.get("/t/ohio/").mustStatus(t, http.StatusSeeOther)
	})
	t.Run("ErrSingleUse", func(t *testing.T) {
		env.client(t).get(link).mustStatus(t, http.StatusNotFound).mustContain(t, "no longer works", "already used")
		env.client(t).post(link, url.Values{"password": {"another long password"}, "confirm": {"another long password"}}).
			mustStatus(t, http.StatusNotFound)
	})
	t.Run("ErrExpired", func(t *testing.T) {
		env.client(t).post("/password/forgot", url.Values{"email": {"admin@ohio.example"}})
		m := resetLink.FindStringSubmatch(env.lastEmailTo("admin@ohio.example").Body)
		if _, err := env.raw().NewUpdate().Model((*accounts.PasswordReset)(nil)).
			Set("expires_at = ?", "2000-01-01 00:00:00+00:00").Where("used_at IS NULL").Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		env.client(t).get(m[1]).mustStatus(t, http.StatusNotFound)
	})
	t.Run("Audited", func(t *testing.T) {
		n, err := env.raw().NewSelect().Table("audit_events").Where("action = ?", "user.password_reset").Count(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("got %d user.password_reset events (%v), want 1", n, err)
		}
	})
}

// A password change ends every reset link sent before it: the older, unused link of two no
// longer changes the password once the newer one has.
func TestPasswordChangeEndsOlderResetLinks(t *testing.T) {
	env := newTestEnv(t)
	const who = "supervisor@ohio.example"
	link := func() string {
		t.Helper()
		env.client(t).post("/password/forgot", url.Values{"email": {who}}).mustStatus(t, http.StatusOK)
		m := resetLink.FindStringSubmatch(env.lastEmailTo(who).Body)
		if m == nil {
			t.Fatal("the reset email has no link")
		}
		return m[1]
	}
	older, newer := link(), link()
	if older == newer {
		t.Fatal("two requests gave the same link")
	}
	c := env.client(t)
	c.get(newer).mustStatus(t, http.StatusOK)
	c.post(newer, url.Values{"password": {"the newest password"}, "confirm": {"the newest password"}}).mustStatus(t, http.StatusSeeOther)

	// The older link: the page says it no longer works and why, and posting to it changes nothing.
	env.client(t).get(older).mustStatus(t, http.StatusNotFound).
		mustContain(t, "This password link no longer works", "the password was changed after it was sent", "Ask for a new one")
	env.client(t).post(older, url.Values{"password": {"an attacker password"}, "confirm": {"an attacker password"}}).
		mustStatus(t, http.StatusNotFound).mustContain(t, "no longer works")
	env.client(t).post("/signin", url.Values{"email": {who}, "password": {"an attacker password"}}).mustStatus(t, http.StatusUnprocessableEntity)
	env.client(t).post("/signin", url.Values{"email": {who}, "password": {"the newest password"}}).mustStatus(t, http.StatusSeeOther)

	// The same holds when the password changes some other way (SetPassword is every way).
	third := link()
	u, err := env.app.Accounts.UserByEmail(context.Background(), who)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.app.Accounts.SetPassword(context.Background(), u.ID, "set another way entirely"); err != nil {
		t.Fatal(err)
	}
	env.client(t).get(third).mustStatus(t, http.StatusNotFound).mustContain(t, "no longer works")
}

// Sign-in's next= goes only to a path on this site: every hostile value lands on the home
// page, after a password and for a person already signed in.
func TestSignInNextStaysOnSite(t *testing.T) {
	env := newTestEnv(t)
	hostile := []string{
		"/\t/evil.example", "/%09/evil.example", "/\\evil.example", "//evil.example", "///evil.example",
		"https://evil.example/", "javascript:alert(1)", "/\r\n/evil.example", "/%2F%2Fevil.example",
		"/%5Cevil.example", "/%2509/evil.example", "\t//evil.example", "evil.example",
	}
	signedIn := env.client(t)
	signedIn.signIn("admin@ohio.example")
	for _, next := range hostile {
		c := env.client(t)
		c.refreshCSRF()
		r := c.post("/signin", url.Values{"email": {"admin@ohio.example"}, "password": {demo.Password}, "next": {next}}).
			mustStatus(t, http.StatusSeeOther)
		if got := r.header.Get("Location"); got != "/" {
			t.Errorf("sign-in with next=%q redirected to %q, want /", next, got)
		}
		c.refreshCSRF()
		r = c.post("/signin", url.Values{"email": {"admin@ohio.example"}, "password": {demo.Password}, "next": {next}},
			"HX-Request", "true")
		if got := r.header.Get("HX-Redirect"); got != "/" {
			t.Errorf("htmx sign-in with next=%q: HX-Redirect %q, want /", next, got)
		}
		r = signedIn.get("/signin?next="+url.QueryEscape(next)).mustStatus(t, http.StatusSeeOther)
		if got := r.header.Get("Location"); got != "/" {
			t.Errorf("signed in, /signin?next=%q redirected to %q, want /", next, got)
		}
	}
	// A path on this site is kept.
	r := env.client(t).post("/signin", url.Values{"email": {"admin@ohio.example"}, "password": {demo.Password},
		"next": {"/t/ohio/people?role=consultant"}}).mustStatus(t, http.StatusSeeOther)
	if got := r.header.Get("Location"); got != "/t/ohio/people?role=consultant" {
		t.Fatalf("got redirect %q, want /t/ohio/people?role=consultant", got)
	}
}
