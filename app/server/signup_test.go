package server

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/signup"
	"github.com/holdspace/holdspace/app/tenants"
)

var signupLinkRe = regexp.MustCompile(`http://holdspace\.test(/signup/confirm/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`)

// signupLink returns the confirmation link of the newest email to addr.
func (e *testEnv) signupLink(to string) string {
	e.t.Helper()
	m := signupLinkRe.FindStringSubmatch(e.lastEmailTo(to).Body)
	if m == nil {
		e.t.Fatalf("no sign-up link in the email to %s:\n%s", to, e.lastEmailTo(to).Body)
	}
	return m[1]
}

// signupCounts counts what a sign-up must not write before it is confirmed.
func (e *testEnv) signupCounts(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"tenants", "users", "memberships", "sessions", "emails", "audit_events"} {
		n, err := e.raw().NewSelect().Table(table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out[table] = int(n)
	}
	return out
}

// mustChange fails unless each table changed by exactly its delta (0 when not named).
func mustChange(t *testing.T, before, after map[string]int, delta map[string]int) {
	t.Helper()
	for k := range before {
		if after[k]-before[k] != delta[k] {
			t.Errorf("%s: got %d more rows, want %d", k, after[k]-before[k], delta[k])
		}
	}
}

func signupForm(name, slug, email string) url.Values {
	return url.Values{"name": {name}, "kind": {tenants.KindLocalPartnership}, "state": {"IL"},
		"admin_name": {"Ana Ruiz"}, "email": {email}, "slug": {slug}}
}

func TestSignupForm(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)

	t.Run("SignInPageLinksToIt", func(t *testing.T) {
		c.t = t
		c.get("/signin").mustStatus(t, http.StatusOK).mustContain(t, `<a href="/signup">Sign up your agency</a>`)
	})
	t.Run("Page", func(t *testing.T) {
		c.t = t
		c.get("/signup").mustStatus(t, http.StatusOK).mustContain(t, "Sign up your agency", `action="/signup"`,
			`<option value="IL">Illinois</option>`, `<option value="DC">District of Columbia</option>`, `<option value="WY">Wyoming</option>`,
			`value="state_system"`, `value="local_partnership"`, `name="_csrf"`,
			`hx-get="/signup/slug"`, `hx-trigger="input changed delay:300ms"`, `hx-target="#slug-status"`)
	})

	good := signupForm("Cook County Infant Mental Health Partnership", "cook-county", "ana.ruiz@example.org")
	cases := []struct {
		name, field, value, want string
	}{
		{"ErrNameRequired", "name", "", "Enter your agency’s name."},
		{"ErrNameTooLong", "name", strings.Repeat("n", 201), "Name is longer than 200 characters (this has 201)."},
		{"ErrKind", "kind", "county", "Choose whether your agency is a state system or a local partnership."},
		{"ErrKindMissing", "kind", "", "Choose whether your agency is a state system or a local partnership."},
		{"ErrState", "state", "ZZ", "Choose your agency’s state from the list."},
		{"ErrAdminName", "admin_name", "", "Enter your name (the administrator’s)."},
		{"ErrEmail", "email", "ana at example", "Enter an email address in the form name@example.org."},
		{"ErrSlugFormat", "slug", "Cook County!", "Web address: use only lower-case letters, digits and hyphens"},
		{"ErrSlugReserved", "slug", "admin", "Web address: “admin” is reserved for Holdspace itself."},
		{"ErrSlugTaken", "slug", "illinois", "Web address: /t/illinois is already taken."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			form.Set(tc.field, tc.value)
			before := env.signupCounts(t)
			r := c.post("/signup", form).mustStatus(t, http.StatusUnprocessableEntity).
				mustContain(t, tc.want, `id="`+tc.field+`-error"`, "Please correct the fields marked below.")
			// What was typed comes back.
			for _, k := range []string{"name", "admin_name", "email", "slug"} {
				if k != tc.field {
					r.mustContain(t, `value="`+good.Get(k)+`"`)
				}
			}
			if tc.field != "state" {
				r.mustContain(t, `<option value="IL" selected>Illinois</option>`)
			}
			if tc.field != "kind" {
				r.mustContain(t, `value="local_partnership" checked`)
			}
			mustChange(t, before, env.signupCounts(t), nil)
		})
	}
	t.Run("ErrEveryFieldAtOnce", func(t *testing.T) {
		c.t = t
		before := env.signupCounts(t)
		c.post("/signup", url.Values{"name": {""}, "kind": {""}, "state": {""}, "admin_name": {""}, "email": {"x"}, "slug": {"t"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Enter your agency’s name.", "Choose whether your agency",
			"Choose your agency’s state", "Enter your name", "Enter an email address in the form", "Web address: use 3 to 40 characters")
		mustChange(t, before, env.signupCounts(t), nil)
	})
	t.Run("OKAnExistingAccountMayBeTheAdmin", func(t *testing.T) {
		c.t = t
		before := env.signupCounts(t)
		c.post("/signup", signupForm("Ohio Early Childhood Mental Health West", "ohio-west", "Consultant@Ohio.example")).
			mustStatus(t, http.StatusOK).mustContain(t, "Check your email", "consultant@ohio.example", "Ohio Early Childhood Mental Health West")
		mustChange(t, before, env.signupCounts(t), map[string]int{"emails": 1}) // the email, and nothing else
		env.signupLink("consultant@ohio.example")
	})
	t.Run("PrefilledFromALink", func(t *testing.T) {
		c.t = t
		c.get("/signup?name=Lake+County+Partnership&state=NC&kind=local_partnership&admin_name=Ana+Ruiz&email=ana%40example.org").
			mustStatus(t, http.StatusOK).mustContain(t, `value="Lake County Partnership"`, `<option value="NC" selected>`,
			`value="local_partnership" checked`, `value="Ana Ruiz"`, `value="ana@example.org"`)
	})
}

func TestSignupSlugCheck(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)
	// A tenant being deleted keeps its address until it is purged.
	if _, err := env.raw().NewUpdate().Table("tenants").Set("deleted_at = ?", database.Now()).
		Where("slug = ?", "nc-piedmont").Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, slug, want string }{
		{"OKFree", "cook-county", `/t/cook-county is free.`},
		{"OKNormalised", " Cook-County ", `/t/cook-county is free.`},
		{"ErrEmpty", "", "Web address: choose one"},
		{"ErrTooShort", "ab", "Web address: use 3 to 40 characters (this has 2)."},
		{"ErrTooLong", strings.Repeat("a", 41), "Web address: use 3 to 40 characters (this has 41)."},
		{"ErrCharacters", "cook_county", "Web address: use only lower-case letters, digits and hyphens"},
		{"ErrStartsWithDigit", "9lives", "Web address: start with a letter."},
		{"ErrEndsWithHyphen", "cook-", "Web address: do not end with a hyphen."},
		{"ErrDoubleHyphen", "cook--county", "Web address: use single hyphens"},
		{"ErrReserved", "signup", "Web address: “signup” is reserved"},
		{"ErrReservedHoldspace", "holdspace", "Web address: “holdspace” is reserved"},
		{"ErrTaken", "illinois", "Web address: /t/illinois is already taken."},
		{"ErrTakenByATenantBeingDeleted", "nc-piedmont", "Web address: /t/nc-piedmont is already taken."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			r := c.get("/signup/slug?"+url.Values{"slug": {tc.slug}}.Encode(), "HX-Request", "true").
				mustStatus(t, http.StatusOK).mustContain(t, tc.want)
			if strings.Contains(r.body, "<html") {
				t.Fatal("got a whole page, want the fragment")
			}
			isError := strings.Contains(r.body, `class="usa-error-message"`)
			if wantError := strings.HasPrefix(tc.name, "Err"); isError != wantError {
				t.Fatalf("got error message %v, want %v:\n%s", isError, wantError, r.body)
			}
		})
	}
}

func TestSignupRateLimit(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)
	t.Run("PerNetwork", func(t *testing.T) {
		c.t = t
		for i := range 5 {
			slug := "agency-" + string(rune('a'+i))
			c.post("/signup", signupForm("Agency "+slug, slug, slug+"@example.org")).mustStatus(t, http.StatusOK)
		}
		before := env.signupCounts(t)
		c.post("/signup", signupForm("Agency six", "agency-six", "six@example.org")).
			mustStatus(t, http.StatusTooManyRequests).mustContain(t, "Too many sign-ups from your network. Try again in 60 minutes.",
			`value="Agency six"`, `value="six@example.org"`)
		mustChange(t, before, env.signupCounts(t), nil)
	})
	t.Run("PerEmail", func(t *testing.T) {
		c.t = t
		env.app.Signup.Limits.PerIP = 100 // every test request comes from the same address
		for i := range 3 {
			slug := "repeat-" + string(rune('a'+i))
			c.post("/signup", signupForm("Agency "+slug, slug, "repeat@example.org")).mustStatus(t, http.StatusOK)
		}
		before := env.signupCounts(t)
		c.post("/signup", signupForm("Agency repeat", "repeat-d", "Repeat@Example.org")).
			mustStatus(t, http.StatusTooManyRequests).mustContain(t, "Too many sign-ups for this email address.", "try again in 24 hours.")
		mustChange(t, before, env.signupCounts(t), nil)
		// Another address is not held back.
		c.post("/signup", signupForm("Agency other", "other-agency", "other@example.org")).mustStatus(t, http.StatusOK)
	})
}

func TestSignupConfirm(t *testing.T) {
	env := newTestEnv(t)
	env.app.Signup.Limits.PerIP = 100 // every test request comes from the same address
	ctx := context.Background()

	var link string
	t.Run("NewAccount", func(t *testing.T) {
		c := env.client(t)
		before := env.signupCounts(t)
		c.post("/signup", signupForm("Cook County Infant Mental Health Partnership", "Cook-County", "Ana.Ruiz@Example.org")).
			mustStatus(t, http.StatusOK).mustContain(t, "Check your email", "ana.ruiz@example.org")
		mustChange(t, before, env.signupCounts(t), map[string]int{"emails": 1})
		mail := env.lastEmailTo("ana.ruiz@example.org")
		if !strings.Contains(mail.Subject, "Cook County Infant Mental Health Partnership") || !strings.Contains(mail.Body, "http://holdspace.test/t/cook-county/") {
			t.Fatalf("the email does not name the agency and its address:\n%s\n%s", mail.Subject, mail.Body)
		}
		link = env.signupLink("ana.ruiz@example.org")

		guest := env.client(t)
		guest.get(link).mustStatus(t, http.StatusOK).mustContain(t, "Confirm your sign-up", "Cook County Infant Mental Health Partnership",
			"Local partnership", "Illinois", "/t/cook-county", "Ana Ruiz (ana.ruiz@example.org)", "30 days", "Choose a password", "Type it again")
		before = env.signupCounts(t)
		guest.post(link, url.Values{"password": {"short"}, "confirm": {"short"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Use at least 12 characters.", "Choose a password")
		guest.post(link, url.Values{"password": {"anas long password"}, "confirm": {"anas long passwore"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "The two passwords do not match.")
		mustChange(t, before, env.signupCounts(t), nil)

		r := guest.post(link, url.Values{"password": {"anas long password"}, "confirm": {"anas long password"}}).mustStatus(t, http.StatusSeeOther)
		if got := r.header.Get("Location"); got != "/t/cook-county/" {
			t.Fatalf("got Location %q, want /t/cook-county/", got)
		}
		after := env.signupCounts(t)
		for table, want := range map[string]int{"tenants": 1, "users": 1, "memberships": 1, "sessions": 1, "emails": 0} {
			if after[table]-before[table] != want {
				t.Errorf("%s: got %d more rows, want %d", table, after[table]-before[table], want)
			}
		}

		tn, err := env.app.Tenants.Store().TenantBySlug(ctx, "cook-county")
		if err != nil {
			t.Fatal(err)
		}
		if tn.Status != tenants.StatusTrial || tn.Plan != "trial" || tn.State != "IL" || tn.Kind != tenants.KindLocalPartnership ||
			tn.TimeZone != "America/Chicago" || tn.Name != "Cook County Infant Mental Health Partnership" {
			t.Fatalf("got tenant %+v", tn)
		}
		if tn.TrialEndsAt == nil {
			t.Fatal("the trial has no end")
		}
		if d := time.Until(*tn.TrialEndsAt) - 30*24*time.Hour; d > time.Minute || d < -time.Minute {
			t.Fatalf("the trial ends %v, want 30 days from now", tn.TrialEndsAt)
		}
		u, err := env.app.Accounts.UserByEmail(ctx, "ana.ruiz@example.org")
		if err != nil || u.Name != "Ana Ruiz" {
			t.Fatalf("the admin's account: %v %+v", err, u)
		}
		m, err := env.app.Tenants.Store().ActiveMembership(ctx, tn.ID, u.ID)
		if err != nil || m.Role != "tenant_admin" {
			t.Fatalf("the admin's membership: %v %+v", err, m)
		}

		// Signed in, at home, and the trial's end is shown.
		guest.get("/t/cook-county/").mustStatus(t, http.StatusOK).mustContain(t, "Welcome, Ana Ruiz", "Tenant admin",
			"Cook County Infant Mental Health Partnership is on a trial that ends "+tn.TrialEndsAt.UTC().Format("Jan 2, 2006"))
		guest.get("/t/cook-county/audit").mustStatus(t, http.StatusOK).mustContain(t, "tenant.signup", "tenant.create",
			"membership.create", "user.create", "ana.ruiz@example.org")
	})

	t.Run("ErrSecondUse", func(t *testing.T) {
		c := env.client(t)
		c.get(link).mustStatus(t, http.StatusConflict).mustContain(t, "Cook County Infant Mental Health Partnership is already set up",
			`href="/signin?email=ana.ruiz%40example.org&amp;next=%2Ft%2Fcook-county%2F"`)
		before := env.signupCounts(t)
		c.post(link, url.Values{"password": {"anas long password"}, "confirm": {"anas long password"}}).
			mustStatus(t, http.StatusConflict).mustContain(t, "is already set up")
		mustChange(t, before, env.signupCounts(t), nil)
	})

	t.Run("ExistingAccount", func(t *testing.T) {
		c := env.client(t)
		before := env.signupCounts(t)
		c.post("/signup", signupForm("Ohio Early Childhood Mental Health West", "ohio-west", "consultant@ohio.example")).mustStatus(t, http.StatusOK)
		link := env.signupLink("consultant@ohio.example")
		guest := env.client(t)
		guest.get(link).mustStatus(t, http.StatusOK).mustContain(t, "consultant@ohio.example already has a Holdspace account",
			"Your Holdspace password", "Forgot your password?")
		guest.post(link, url.Values{"password": {"not the password"}}).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, "This is not the password of your Holdspace account.")
		guest.post(link, url.Values{}).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, "Enter the password of your Holdspace account.")
		mustChange(t, before, env.signupCounts(t), map[string]int{"emails": 1})

		guest.post(link, url.Values{"password": {demo.Password}}).mustStatus(t, http.StatusSeeOther)
		after := env.signupCounts(t)
		for table, want := range map[string]int{"tenants": 1, "users": 0, "memberships": 1} {
			if after[table]-before[table] != want {
				t.Errorf("%s: got %d more rows, want %d", table, after[table]-before[table], want)
			}
		}
		guest.get("/t/ohio-west/").mustStatus(t, http.StatusOK).mustContain(t, "is on a trial that ends", "Tenant admin")
		guest.get("/tenants").mustStatus(t, http.StatusOK).mustContain(t, "Ohio Early Childhood Mental Health West", "Ohio Department of Children and Youth")
	})

	t.Run("ErrAddressTakenBeforeConfirming", func(t *testing.T) {
		c := env.client(t)
		c.post("/signup", signupForm("Lake County Partnership", "lake-county", "lee@example.org")).mustStatus(t, http.StatusOK)
		link := env.signupLink("lee@example.org")
		if err := env.app.Tenants.CreateTenant(ctx, &tenants.Tenant{Slug: "lake-county", Name: "Someone Else", Kind: tenants.KindStateSystem,
			State: "IL", Status: tenants.StatusActive, Plan: "standard", TimeZone: "America/Chicago"}); err != nil {
			t.Fatal(err)
		}
		guest := env.client(t)
		guest.get(link).mustStatus(t, http.StatusConflict).mustContain(t, "Another agency has taken the address /t/lake-county",
			"Sign up again", `href="/signup?admin_name=Ana&#43;Ruiz&amp;email=lee%40example.org&amp;kind=local_partnership&amp;name=Lake&#43;County&#43;Partnership&amp;state=IL"`)
		before := env.signupCounts(t)
		guest.post(link, url.Values{"password": {"lees long password"}, "confirm": {"lees long password"}}).
			mustStatus(t, http.StatusConflict).mustContain(t, "Another agency has taken the address /t/lake-county")
		mustChange(t, before, env.signupCounts(t), nil)
	})

	t.Run("ErrTamperedLink", func(t *testing.T) {
		c := env.client(t)
		c.post("/signup", signupForm("Will County Partnership", "will-county", "wes@example.org")).mustStatus(t, http.StatusOK)
		link := env.signupLink("wes@example.org")
		token := strings.TrimPrefix(link, "/signup/confirm/")
		payload, sig, _ := strings.Cut(token, ".")
		raw, err := base64.RawURLEncoding.DecodeString(payload)
		if err != nil {
			t.Fatal(err)
		}
		forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "will-county", "wil-county", 1)))
		// Change the signature's first character to another one (a fixed
		// replacement would equal the real signature one time in 64).
		other := "x"
		if sig[0] == 'x' {
			other = "y"
		}
		guest := env.client(t)
		for _, bad := range []string{"/signup/confirm/" + forged + "." + sig, "/signup/confirm/" + payload + "." + other + sig[1:], "/signup/confirm/nonsense"} {
			guest.get(bad).mustStatus(t, http.StatusNotFound).mustContain(t, "This sign-up link is not valid", `href="/signup"`)
			before := env.signupCounts(t)
			guest.post(bad, url.Values{"password": {"wes long password!"}, "confirm": {"wes long password!"}}).
				mustStatus(t, http.StatusNotFound).mustContain(t, "This sign-up link is not valid")
			mustChange(t, before, env.signupCounts(t), nil)
		}
		guest.get(link).mustStatus(t, http.StatusOK) // the real one still works
	})

	t.Run("ErrExpiredLink", func(t *testing.T) {
		env.app.Signup.TokenLifetime = -time.Minute
		defer func() { env.app.Signup.TokenLifetime = signup.TokenLifetime }()
		c := env.client(t)
		c.post("/signup", signupForm("DuPage Partnership", "dupage", "dee@example.org")).mustStatus(t, http.StatusOK)
		link := env.signupLink("dee@example.org")
		guest := env.client(t)
		guest.get(link).mustStatus(t, http.StatusNotFound).mustContain(t, "This sign-up link has expired", "Sign up again")
		before := env.signupCounts(t)
		guest.post(link, url.Values{"password": {"dees long password"}, "confirm": {"dees long password"}}).
			mustStatus(t, http.StatusNotFound).mustContain(t, "has expired")
		mustChange(t, before, env.signupCounts(t), nil)

		// And a link signed by hand with an expiry a second ago.
		token, err := env.app.Signup.Sign(&signup.Request{ID: database.NewID(), Name: "Kane Partnership", Kind: tenants.KindStateSystem,
			State: "IL", AdminName: "Kay", AdminEmail: "kay@example.org", Slug: "kane", ExpiresAt: time.Now().Add(-time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		guest.get("/signup/confirm/"+token).mustStatus(t, http.StatusNotFound).mustContain(t, "has expired")
	})
}

// TestBrowserSignup signs an agency up in headless Chromium: the address is checked as it is
// typed (htmx), the form is sent, the emailed link opened, a password chosen, and the new
// admin lands on the tenant's home page with the trial's end.
func TestBrowserSignup(t *testing.T) {
	env := newTestEnv(t)
	b := openBrowser(t, env)
	waitStatus := func(want string) {
		t.Helper()
		_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector("#slug-status").textContent.includes(`+strconv.Quote(want)+`)`,
			chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil {
			status, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("slug-status")))
			t.Fatalf("the address check says %q, want %q: %v", status, want, err)
		}
	}
	b.open("/signin", "main")
	b.do("follow the sign-up link and type a taken address",
		chromedp.Click(chromedp.CSS(`a[href="/signup"]`)),
		chromedp.WaitVisible(chromedp.ID("slug")),
		chromedp.SendKeys(chromedp.ID("slug"), "illinois"),
	)
	waitStatus("/t/illinois is already taken.")
	retype := func(what, slug string) {
		t.Helper()
		b.js(`document.getElementById("slug").value = ""`)
		b.do(what, chromedp.SendKeys(chromedp.ID("slug"), slug))
	}
	retype("type a reserved word", "admin")
	waitStatus("is reserved")
	retype("type a free address", "cook-county")
	waitStatus("/t/cook-county is free.")
	b.do("fill in the rest",
		chromedp.SendKeys(chromedp.ID("name"), "Cook County Partnership"),
		chromedp.Click(chromedp.CSS(`label[for="kind-local_partnership"]`)), // USWDS hides the input itself
		chromedp.SetValue(chromedp.ID("state"), "IL"),
		chromedp.SendKeys(chromedp.ID("admin_name"), "Ana Ruiz"),
		chromedp.SendKeys(chromedp.ID("email"), "ana.ruiz@example.org"),
	)
	b.screenshot("signup-form")
	b.load("send the form", chromedp.Submit(chromedp.ID("email")))
	sent := b.shown()
	if !strings.Contains(sent, "Check your email") || !strings.Contains(sent, "ana.ruiz@example.org") {
		t.Fatalf("after sending the form the page says %q", sent)
	}
	b.open(env.signupLink("ana.ruiz@example.org"), "#password")
	b.do("choose a password",
		chromedp.SendKeys(chromedp.ID("password"), "anas long password"),
		chromedp.SendKeys(chromedp.ID("confirm"), "anas long password"),
	)
	b.screenshot("signup-confirm")
	b.load("confirm", chromedp.Submit(chromedp.ID("confirm")))
	path := b.path()
	home := b.shown()
	b.screenshot("signup-home")
	if path != "/t/cook-county/" || !strings.Contains(home, "Welcome, Ana Ruiz") || !strings.Contains(home, "is on a trial that ends") {
		t.Fatalf("after confirming the browser is at %q and the page says %q", path, home)
	}
}
