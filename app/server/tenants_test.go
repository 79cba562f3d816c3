package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/demo"
)

var inviteLink = regexp.MustCompile(`http://holdspace\.test(/t/[a-z0-9-]+/invitations/[A-Za-z0-9_-]+)`)

func (e *testEnv) invitationLink(to string) string {
	e.t.Helper()
	m := inviteLink.FindStringSubmatch(e.lastEmailTo(to).Body)
	if m == nil {
		e.t.Fatalf("no invitation link in the email to %s", to)
	}
	return m[1]
}

func TestInvitations(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/people").mustStatus(t, http.StatusOK).mustContain(t, "Invite someone", "Denise Carter")

	t.Run("ErrBadInputKeepsWhatWasTyped", func(t *testing.T) {
		admin.t = t
		r := admin.post("/t/illinois/people/invitations", url.Values{"email": {"not-an-email"}, "name": {"Jo Doe"}, "role": {"funder"}})
		r.mustStatus(t, http.StatusUnprocessableEntity).mustContain(t,
			"Enter an email address in the form name@example.org.",
			"A funder belongs to a Funder: choose one.",
			`value="not-an-email"`, `value="Jo Doe"`)
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"jo@example.org"}, "role": {"wizard"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Choose a role from the list.")
	})
	t.Run("ErrProgramBoundToAFunder", func(t *testing.T) {
		admin.t = t
		ctx := env.scoped("illinois")
		orgs, _ := env.app.Tenants.Store().OrganisationsOfKind(ctx, "funder")
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"jo@example.org"}, "role": {"program"}, "organisation_id": {orgs[0].ID}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Choose a program from the list.")
	})
	t.Run("ErrAlreadyAMember", func(t *testing.T) {
		admin.t = t
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"funder@illinois.example"}, "role": {"consultant"}}).
			mustStatus(t, http.StatusConflict).mustContain(t, "is already a member")
	})
	t.Run("HTMXFormSwapsItsFragment", func(t *testing.T) {
		admin.t = t
		r := admin.post("/t/illinois/people/invitations", url.Values{"email": {""}, "role": {"consultant"}}, "HX-Request", "true")
		r.mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, `<section id="invite"`, "Enter an email address.")
		if strings.Contains(r.body, "<html") {
			t.Fatal("an htmx request got the whole page, want the form fragment")
		}
		if !strings.Contains(r.header.Get("Vary"), "HX-Request") {
			t.Fatalf("got Vary %q, want HX-Request in it", r.header.Get("Vary"))
		}
	})

	var newLink string
	t.Run("NewPersonAccepts", func(t *testing.T) {
		admin.t = t
		ctx := env.scoped("illinois")
		progs, _ := env.app.Tenants.Store().OrganisationsOfKind(ctx, "program")
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"Jordan.Lee@Example.org"}, "name": {"Jordan Lee"},
			"role": {"program"}, "organisation_id": {progs[0].ID}}).mustStatus(t, http.StatusSeeOther)
		admin.get("/t/illinois/people").mustContain(t, "Invitation sent to jordan.lee@example.org.", "jordan.lee@example.org", "pending")
		newLink = env.invitationLink("jordan.lee@example.org")

		guest := env.client(t)
		guest.get(newLink).mustStatus(t, http.StatusOK).mustContain(t, "Join Illinois I/ECMHC in Home Visiting", "Program", progs[0].Name, `value="Jordan Lee"`)
		guest.post(newLink, url.Values{"name": {"Jordan Lee"}, "password": {"short"}, "confirm": {"short"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Use at least 12 characters.", `value="Jordan Lee"`)
		guest.post(newLink, url.Values{"name": {"Jordan Lee"}, "password": {"jordans long password"}, "confirm": {"jordans long password"}}).
			mustStatus(t, http.StatusSeeOther)
		guest.get("/t/illinois/").mustStatus(t, http.StatusOK).mustContain(t, "Welcome, Jordan Lee", "Program", progs[0].Name)
	})
	t.Run("ErrLinkWorksOnce", func(t *testing.T) {
		env.client(t).get(newLink).mustStatus(t, http.StatusNotFound).mustContain(t, "This invitation has been accepted")
	})
	t.Run("ExistingAccountJoinsWithItsPassword", func(t *testing.T) {
		admin.t = t
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"consultant@ohio.example"}, "role": {"supervisor"}}).mustStatus(t, http.StatusSeeOther)
		link := env.invitationLink("consultant@ohio.example")
		guest := env.client(t)
		guest.get(link).mustStatus(t, http.StatusOK).mustContain(t, "You already have a Holdspace account")
		guest.post(link, url.Values{"password": {"wrong password!"}}).mustStatus(t, http.StatusUnprocessableEntity)
		guest.post(link, url.Values{"password": {demo.Password}}).mustStatus(t, http.StatusSeeOther)
		// Two tenants now: the switcher lists both, and the menu offers it on every page: one
		// outside a tenant (the count asked for by the page) and one inside (the count read
		// with the membership by the tenant middleware).
		const switchLink = `href="/tenants"><span>Switch tenant</span>`
		guest.get("/tenants").mustStatus(t, http.StatusOK).mustContain(t, "Illinois I/ECMHC in Home Visiting", "Ohio Department of Children and Youth", switchLink)
		guest.get("/t/illinois/").mustContain(t, switchLink, "Supervisor")
		// A person of one tenant is not offered it.
		for _, page := range []string{"/t/illinois/", "/t/illinois/organisations"} {
			if r := admin.get(page).mustStatus(t, http.StatusOK); strings.Contains(r.body, switchLink) {
				t.Errorf("%s offers a person of one tenant to switch tenants", page)
			}
		}
	})
	t.Run("ReinvitingRevokesTheOldLink", func(t *testing.T) {
		admin.t = t
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"sam@example.org"}, "role": {"consultant"}}).mustStatus(t, http.StatusSeeOther)
		first := env.invitationLink("sam@example.org")
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"sam@example.org"}, "role": {"supervisor"}}).mustStatus(t, http.StatusSeeOther)
		env.client(t).get(first).mustStatus(t, http.StatusNotFound).mustContain(t, "revoked")
	})
	t.Run("ErrExpired", func(t *testing.T) {
		admin.t = t
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"late@example.org"}, "role": {"consultant"}}).mustStatus(t, http.StatusSeeOther)
		link := env.invitationLink("late@example.org")
		if _, err := env.raw().NewUpdate().Table("invitations").Set("expires_at = ?", "2000-01-01 00:00:00+00:00").
			Where("email = ?", "late@example.org").Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		env.client(t).get(link).mustStatus(t, http.StatusNotFound).mustContain(t, "expired")
	})
	t.Run("Audited", func(t *testing.T) {
		admin.t = t
		admin.get("/t/illinois/audit?action=invitation.").mustStatus(t, http.StatusOK).
			mustContain(t, "invitation.create", "invitation.accept", "admin@illinois.example")
	})
}

func TestPagesAndErrors(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)

	t.Run("SecurityHeaders", func(t *testing.T) {
		c.t = t
		r := c.get("/signin")
		for h, want := range map[string]string{
			"Content-Security-Policy":   "script-src 'self'",
			"Strict-Transport-Security": "max-age=",
			"X-Content-Type-Options":    "nosniff",
		} {
			if !strings.Contains(r.header.Get(h), want) {
				t.Fatalf("got %s %q, want it to contain %q", h, r.header.Get(h), want)
			}
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Fatal("the CSP does not forbid framing")
		}
		if strings.Contains(r.body, "<script>") || regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>`).MatchString(r.body) {
			t.Fatal("the page has an inline script")
		}
	})
	t.Run("NotFoundPage", func(t *testing.T) {
		c.t = t
		c.get("/no/such/page").mustStatus(t, http.StatusNotFound).mustContain(t, "Page not found", "<html")
		r := c.get("/no/such/page", "HX-Request", "true").mustStatus(t, http.StatusNotFound).mustContain(t, "Page not found")
		if strings.Contains(r.body, "<html") || r.header.Get("HX-Retarget") != "#main-content" {
			t.Fatal("an htmx request for a missing page should get a fragment aimed at the main region")
		}
	})
	t.Run("NoStateChangeOnGET", func(t *testing.T) {
		c.t = t
		c.get("/signout").mustStatus(t, http.StatusNotFound)
	})
	t.Run("Probes", func(t *testing.T) {
		c.t = t
		c.get("/healthz").mustStatus(t, http.StatusOK).mustContain(t, "ok")
		c.get("/readyz").mustStatus(t, http.StatusOK).mustContain(t, "ready")
		// Metrics only to the holder of METRICS_TOKEN (metrics_test.go).
		c.get("/metrics").mustStatus(t, http.StatusNotFound)
		c.env.app.Cfg.MetricsToken = testMetricsToken
		defer func() { c.env.app.Cfg.MetricsToken = "" }()
		c.get("/metrics", "Authorization", "Bearer "+testMetricsToken).mustStatus(t, http.StatusOK).
			mustContain(t, "holdspace_http_requests_total", `route="/healthz"`)
	})
	t.Run("StaticAssets", func(t *testing.T) {
		c.t = t
		c.get("/static/vendor/htmx/htmx.min.js").mustStatus(t, http.StatusOK)
		c.get("/static/vendor/uswds/css/uswds.min.css").mustStatus(t, http.StatusOK)
		c.get("/static/js/holdspace.js").mustStatus(t, http.StatusOK).mustContain(t, "X-CSRF-Token")
	})
	t.Run("EachRoleHasAHome", func(t *testing.T) {
		for email, want := range map[string][]string{
			"admin@nc-piedmont.example":      {"Tenant admin", "Your tenant at a glance", "Audit log"},
			"funder@nc-piedmont.example":     {"Funder", "North Carolina Partnership for Children"},
			"program@nc-piedmont.example":    {"Program", "Little Acorns Child Care Center"},
			"supervisor@nc-piedmont.example": {"Supervisor", "Your supervisees"},
			"maria.alvarez@consult.example":  {"Consultant", "Your consultation work", "Illinois I/ECMHC in Home Visiting"},
		} {
			u := env.client(t)
			u.signIn(email)
			u.get("/t/nc-piedmont/").mustStatus(t, http.StatusOK).mustContain(t, append(want, "Piedmont Partnership for Children")...)
		}
	})
}

func TestPlatformConsole(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)
	c.signIn("platform@holdspace.example")
	c.get("/").mustStatus(t, http.StatusSeeOther)
	c.get("/admin").mustStatus(t, http.StatusOK).mustContain(t, "Illinois I/ECMHC in Home Visiting", "Piedmont Partnership for Children", "/t/ohio", "trial")
	r := c.get("/admin?q=piedmont", "HX-Request", "true").mustStatus(t, http.StatusOK).mustContain(t, "Piedmont Partnership for Children")
	if strings.Contains(r.body, "Illinois") || strings.Contains(r.body, "<html") {
		t.Fatal("the search fragment should list only the matching tenant")
	}
	// The outbox holds a reset email, readable with its link.
	env.client(t).post("/password/forgot", url.Values{"email": {"admin@ohio.example"}})
	mail := env.lastEmailTo("admin@ohio.example")
	c.get("/admin/outbox").mustStatus(t, http.StatusOK).mustContain(t, "Reset your Holdspace password")
	c.get("/admin/outbox/"+mail.ID).mustStatus(t, http.StatusOK).mustContain(t, "/password/reset/")
	c.get("/admin/audit?action=user.signin").mustStatus(t, http.StatusOK).mustContain(t, "user.signin", "platform@holdspace.example")
	c.get("/admin/audit?from=yesterday").mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Enter the first date as mm/dd/yyyy, for example 11/26/2026.")
}
