package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/migrations"
)

// member returns the membership of email in a demo tenant.
func (e *testEnv) member(slug, email string) *tenants.Member {
	e.t.Helper()
	list, _, err := e.app.Tenants.Store().People(e.scoped(slug), tenants.PeopleFilter{Q: email})
	if err != nil || len(list) != 1 {
		e.t.Fatalf("member %s of %s: got %d, %v", email, slug, len(list), err)
	}
	return &list[0]
}

// signedIn returns a browser signed in as email, holding its new CSRF token.
func (e *testEnv) signedIn(t *testing.T, email string) *client {
	c := e.client(t)
	c.signIn(email)
	c.refreshCSRF()
	return c
}

// count counts rows of table matching where.
func (e *testEnv) count(table, where string, args ...any) int {
	e.t.Helper()
	n, err := e.raw().NewSelect().Table(table).Where(where, args...).Count(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return int(n)
}

func TestPeopleList(t *testing.T) {
	env := newTestEnv(t)
	c := env.signedIn(t, "admin@illinois.example")
	funder := env.member("illinois", "funder@illinois.example")

	cases := []struct {
		name, query   string
		want, notWant []string
	}{
		{"Everyone", "", []string{"Denise Carter", "Robert Nguyen", "Latoya Brooks", "Maria Alvarez", "Helen Okafor", "5 people"}, nil},
		{"ByRole", "?role=funder", []string{"Robert Nguyen", "1 person matches the filter"}, []string{"Helen Okafor", "Denise Carter"}},
		{"ByOrganisation", "?organisation_id=" + funder.OrganisationID, []string{"Robert Nguyen"}, []string{"Latoya Brooks"}},
		{"ByName", "?q=okaf", []string{"Helen Okafor"}, []string{"Robert Nguyen"}},
		{"ByEmail", "?q=PROGRAM%40illinois", []string{"Latoya Brooks"}, []string{"Helen Okafor"}},
		{"Deactivated", "?status=deactivated", []string{"Nobody matches the filter."}, []string{"Helen Okafor"}},
		{"Combined", "?role=consultant&status=active&q=maria", []string{"Maria Alvarez"}, []string{"Helen Okafor"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			r := c.get("/t/illinois/people"+tc.query).mustStatus(t, http.StatusOK).mustContain(t, tc.want...)
			list := r.body[strings.Index(r.body, `id="people-list"`):strings.Index(r.body, `id="invitations"`)]
			for _, s := range tc.notWant {
				if strings.Contains(list, s) {
					t.Fatalf("the list for %q shows %q", tc.query, s)
				}
			}
		})
	}
	t.Run("HTMXGetsTheListOnly", func(t *testing.T) {
		c.t = t
		r := c.get("/t/illinois/people?role=supervisor", "HX-Request", "true").mustStatus(t, http.StatusOK).
			mustContain(t, `id="people-list"`, "Helen Okafor")
		if strings.Contains(r.body, "<html") || strings.Contains(r.body, "Robert Nguyen") || strings.Contains(r.body, "Invite someone") {
			t.Fatal("an htmx filter request should get only the filtered list")
		}
	})
	t.Run("FilterIsKeptInTheForm", func(t *testing.T) {
		c.t = t
		c.get("/t/illinois/people?role=supervisor&q=hel").mustContain(t, `<option value="supervisor" selected>`, `value="hel"`)
	})
	t.Run("RowsLinkToThePerson", func(t *testing.T) {
		c.t = t
		c.get("/t/illinois/people").mustContain(t, `href="/t/illinois/people/`+funder.ID+`"`)
		c.get("/t/illinois/people/"+funder.ID).mustStatus(t, http.StatusOK).
			mustContain(t, "Robert Nguyen", "funder@illinois.example", "IDHS Division of Early Childhood", "Deactivate",
				// The role form holds the person's role and organisation.
				`<option value="funder" selected>Funder</option>`, `<option value="supervisor">`,
				`" selected>IDHS Division of Early Childhood</option>`)
		c.get("/t/illinois/people/"+database.NewID()).mustStatus(t, http.StatusNotFound)
		c.get("/t/illinois/people/not-an-id").mustStatus(t, http.StatusNotFound)
	})
}

func TestChangeRole(t *testing.T) {
	env := newTestEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	robert := env.member("illinois", "funder@illinois.example")
	path := "/t/illinois/people/" + robert.ID
	progs, _ := env.app.Tenants.Store().OrganisationsOfKind(env.scoped("illinois"), tenants.OrgProgram)

	// Robert's own browser, signed in throughout: what it may do follows his role.
	rc := env.signedIn(t, "funder@illinois.example")
	rc.get("/t/illinois/people").mustStatus(t, http.StatusForbidden)

	t.Run("ErrProgramNeedsAProgram", func(t *testing.T) {
		admin.t = t
		admin.post(path, url.Values{"role": {"program"}, "organisation_id": {robert.OrganisationID}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Choose a program from the list.")
		admin.post(path, url.Values{"role": {"program"}}).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "A program belongs to a Program: choose one.")
		admin.post(path, url.Values{"role": {"wizard"}}).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Choose a role from the list.")
		if m := env.member("illinois", "funder@illinois.example"); m.Role != "funder" || m.OrganisationID != robert.OrganisationID {
			t.Fatalf("a refused change was written: %s %s", m.Role, m.OrganisationID)
		}
	})
	t.Run("ToProgram", func(t *testing.T) {
		admin.t = t
		admin.post(path, url.Values{"role": {"program"}, "organisation_id": {progs[0].ID}}).mustStatus(t, http.StatusSeeOther)
		admin.get(path).mustContain(t, "Robert Nguyen is now Program ("+progs[0].Name+").")
		rc.t = t
		rc.get("/t/illinois/").mustStatus(t, http.StatusOK).mustContain(t, "Your program", progs[0].Name)
	})
	t.Run("ToTenantAdminDropsTheOrganisation", func(t *testing.T) {
		admin.t = t
		admin.post(path, url.Values{"role": {"tenant_admin"}, "organisation_id": {progs[0].ID}}).mustStatus(t, http.StatusSeeOther)
		if m := env.member("illinois", "funder@illinois.example"); m.Role != "tenant_admin" || m.OrganisationID != "" {
			t.Fatalf("got %s %q, want tenant_admin without an organisation", m.Role, m.OrganisationID)
		}
		rc.t = t
		rc.get("/t/illinois/people").mustStatus(t, http.StatusOK) // authz follows on the next request
	})
	t.Run("HTMXFormSwapsItsFragment", func(t *testing.T) {
		admin.t = t
		r := admin.post(path, url.Values{"role": {"funder"}}, "HX-Request", "true").mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, `id="person-role"`, "A funder belongs to a Funder: choose one.")
		if strings.Contains(r.body, "<html") {
			t.Fatal("an htmx post got the whole page")
		}
	})
	t.Run("Back", func(t *testing.T) {
		admin.t = t
		admin.post(path, url.Values{"role": {"funder"}, "organisation_id": {robert.OrganisationID}}).mustStatus(t, http.StatusSeeOther)
		rc.t = t
		rc.get("/t/illinois/people").mustStatus(t, http.StatusForbidden)
	})
	t.Run("ErrLastAdminCannotBeDemoted", func(t *testing.T) {
		admin.t = t
		denise := env.member("illinois", "admin@illinois.example")
		admin.post("/t/illinois/people/"+denise.ID, url.Values{"role": {"supervisor"}}).
			mustStatus(t, http.StatusConflict).mustContain(t, "Denise Carter is the last active tenant admin", "Make someone else a tenant admin first.",
			`<option value="supervisor" selected>`)
		if m := env.member("illinois", "admin@illinois.example"); m.Role != "tenant_admin" {
			t.Fatal("the last admin was demoted")
		}
	})
	t.Run("Audited", func(t *testing.T) {
		admin.t = t
		admin.get("/t/illinois/audit?action=membership.update").mustContain(t,
			"funder@illinois.example: Funder (IDHS Division of Early Childhood) → Program ("+progs[0].Name+")")
	})
}

func TestDeactivateAndReactivate(t *testing.T) {
	env := newTestEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	maria := env.member("illinois", demo.SharedConsultantEmail)
	path := "/t/illinois/people/" + maria.ID

	// Maria works in Illinois and North Carolina, in two browsers.
	mc := env.signedIn(t, demo.SharedConsultantEmail)
	mc.get("/t/illinois/").mustStatus(t, http.StatusOK)
	other := env.signedIn(t, demo.SharedConsultantEmail)
	memberships := env.count("memberships", "tenant_id = ?", env.tenantID("illinois"))
	events := env.count("audit_events", "actor_email = ?", demo.SharedConsultantEmail)

	admin.post(path+"/deactivate", nil).mustStatus(t, http.StatusSeeOther)
	admin.get(path).mustContain(t, "Maria Alvarez is deactivated and can no longer open Illinois I/ECMHC in Home Visiting. Their records stay.", "Reactivate")

	// She loses Illinois in both browsers at once — pages, htmx fragments and posts are "not
	// found" — and stays signed in to North Carolina, where she still works.
	t.Run("SheLosesOnlyThisTenant", func(t *testing.T) {
		for _, c := range []*client{mc, other} {
			c.t = t
			c.get("/t/illinois/").mustStatus(t, http.StatusNotFound).mustContain(t, "That page was not found.")
			c.get("/t/illinois/caseload", "HX-Request", "true").mustStatus(t, http.StatusNotFound)
			c.get("/t/nc-piedmont/").mustStatus(t, http.StatusOK).mustContain(t, "Maria Alvarez")
			c.refreshCSRF()
			c.post("/t/illinois/profile", url.Values{"display_name": {"Maria A."}}).mustStatus(t, http.StatusNotFound)
			// The tenant switcher leads only to her other tenant.
			if got := c.get("/").mustStatus(t, http.StatusSeeOther).header.Get("Location"); got != "/t/nc-piedmont/" {
				t.Fatalf("her landing page sends her to %q, want /t/nc-piedmont/", got)
			}
		}
		if n := env.count("sessions", "user_id = ?", maria.UserID); n != 2 {
			t.Fatalf("%d sessions of hers remain, want her 2", n)
		}
	})
	t.Run("HerRecordsStay", func(t *testing.T) {
		if got := env.count("memberships", "tenant_id = ?", env.tenantID("illinois")); got != memberships {
			t.Fatalf("got %d memberships, want %d", got, memberships)
		}
		if got := env.count("audit_events", "actor_email = ?", demo.SharedConsultantEmail); got < events {
			t.Fatalf("her audit events went from %d to %d", events, got)
		}
		admin.t = t
		admin.get("/t/illinois/people?status=deactivated").mustContain(t, "Maria Alvarez", "Deactivated")
	})
	t.Run("DeactivatingTwiceChangesNothing", func(t *testing.T) {
		admin.t = t
		admin.post(path+"/deactivate", nil).mustStatus(t, http.StatusSeeOther)
		if n := env.count("audit_events", "action = ? AND record_id = ?", "membership.deactivate", maria.ID); n != 1 {
			t.Fatalf("got %d deactivation events, want 1", n)
		}
	})
	t.Run("Reactivate", func(t *testing.T) {
		admin.t = t
		admin.post(path+"/reactivate", nil).mustStatus(t, http.StatusSeeOther)
		admin.get(path).mustContain(t, "Maria Alvarez is active again, as Consultant.")
		mc.t = t
		mc.get("/t/illinois/").mustStatus(t, http.StatusOK)
	})
	t.Run("ErrNotYourself", func(t *testing.T) {
		admin.t = t
		denise := env.member("illinois", "admin@illinois.example")
		admin.get("/t/illinois/people/"+denise.ID).mustContain(t, "You cannot deactivate yourself.")
		admin.post("/t/illinois/people/"+denise.ID+"/deactivate", nil).mustStatus(t, http.StatusConflict).
			mustContain(t, "You cannot deactivate yourself.")
		admin.get("/t/illinois/").mustStatus(t, http.StatusOK)
	})
	t.Run("ErrLastAdmin", func(t *testing.T) {
		denise := env.member("illinois", "admin@illinois.example")
		ctx := env.scoped("illinois") // an actor who is not Denise (as under support access)
		_, err := env.app.Tenants.DeactivateMember(ctx, denise.ID)
		if err == nil || !strings.Contains(err.Error(), "last active tenant admin") {
			t.Fatalf("got %v, want the last-admin refusal", err)
		}
		if !env.member("illinois", "admin@illinois.example").Active {
			t.Fatal("the last admin was deactivated")
		}
	})
	t.Run("Audited", func(t *testing.T) {
		admin.t = t
		admin.get("/t/illinois/audit?action=membership.").mustContain(t, "membership.deactivate", "membership.reactivate",
			demo.SharedConsultantEmail+", access to this tenant ended")
	})
}

func TestResendAndRevokeInvitations(t *testing.T) {
	env := newTestEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.post("/t/illinois/people/invitations", url.Values{"email": {"sam@example.org"}, "name": {"Sam Reyes"}, "role": {"supervisor"}}).
		mustStatus(t, http.StatusSeeOther)
	first := env.invitationLink("sam@example.org")
	inv := pendingInvitation(t, env, "sam@example.org")
	admin.get("/t/illinois/people").mustContain(t, "/people/invitations/"+inv.ID+"/resend", "/people/invitations/"+inv.ID+"/revoke")

	var second string
	t.Run("Resend", func(t *testing.T) {
		admin.t = t
		admin.post("/t/illinois/people/invitations/"+inv.ID+"/resend", nil).mustStatus(t, http.StatusSeeOther)
		admin.get("/t/illinois/people").mustContain(t, "A new invitation link is sent to sam@example.org; the old link no longer works.")
		second = env.invitationLink("sam@example.org")
		if second == first {
			t.Fatal("the resent email has the old link")
		}
		env.client(t).get(first).mustStatus(t, http.StatusNotFound).mustContain(t, "revoked")
		env.client(t).get(second).mustStatus(t, http.StatusOK).mustContain(t, "Sam Reyes", "Supervisor")
	})
	t.Run("Revoke", func(t *testing.T) {
		admin.t = t
		newer := pendingInvitation(t, env, "sam@example.org")
		admin.post("/t/illinois/people/invitations/"+newer.ID+"/revoke", nil).mustStatus(t, http.StatusSeeOther)
		admin.get("/t/illinois/people").mustContain(t, "The invitation to sam@example.org is revoked.")
		env.client(t).get(second).mustStatus(t, http.StatusNotFound).mustContain(t, "revoked")
		admin.post("/t/illinois/people/invitations/"+newer.ID+"/revoke", nil).mustStatus(t, http.StatusSeeOther) // twice: nothing changes
		if n := env.count("audit_events", "action = ? AND record_id = ?", "invitation.revoke", newer.ID); n != 1 {
			t.Fatalf("got %d revoke events, want 1", n)
		}
	})
	t.Run("ErrAccepted", func(t *testing.T) {
		admin.t = t
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"kim@example.org"}, "role": {"consultant"}}).mustStatus(t, http.StatusSeeOther)
		link := env.invitationLink("kim@example.org")
		accepted := pendingInvitation(t, env, "kim@example.org")
		env.client(t).post(link, url.Values{"name": {"Kim Lee"}, "password": {"kims long password"}, "confirm": {"kims long password"}}).
			mustStatus(t, http.StatusSeeOther)
		admin.post("/t/illinois/people/invitations/"+accepted.ID+"/resend", nil).mustStatus(t, http.StatusConflict).
			mustContain(t, "was accepted")
		admin.post("/t/illinois/people/invitations/"+accepted.ID+"/revoke", nil).mustStatus(t, http.StatusConflict).
			mustContain(t, "already accepted")
	})
	t.Run("ErrOtherTenantsInvitation", func(t *testing.T) {
		admin.t = t
		ohio := env.signedIn(t, "admin@ohio.example")
		ohio.post("/t/ohio/people/invitations/"+inv.ID+"/resend", nil).mustStatus(t, http.StatusNotFound)
	})
	t.Run("Audited", func(t *testing.T) {
		admin.t = t
		admin.get("/t/illinois/audit?action=invitation.").mustContain(t, "invitation.resend", "invitation.revoke", "replaces "+inv.ID)
	})
}

// pendingInvitation returns the pending invitation to email in Illinois.
func pendingInvitation(t *testing.T, env *testEnv, email string) tenants.Invitation {
	t.Helper()
	list, err := env.app.Tenants.Store().Invitations(env.scoped("illinois"))
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range list {
		if i.Email == email && i.State() == "pending" {
			return i
		}
	}
	t.Fatalf("no pending invitation to %s", email)
	return tenants.Invitation{}
}

func TestSuspendedTenant(t *testing.T) {
	env := newTestEnv(t)
	plat := env.signedIn(t, demo.PlatformAdminEmail)
	id := env.tenantID("illinois")
	admin := env.signedIn(t, "admin@illinois.example")
	admin.post("/t/illinois/people/invitations", url.Values{"email": {"new@example.org"}, "role": {"consultant"}}).mustStatus(t, http.StatusSeeOther)
	link := env.invitationLink("new@example.org")
	before := tenantRowCounts(t, env)

	plat.post("/admin/tenants/"+id+"/suspend", url.Values{"reason": {""}}).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Say why the tenant is suspended")
	admin.get("/t/illinois/").mustStatus(t, http.StatusOK)
	plat.post("/admin/tenants/"+id+"/suspend", url.Values{"reason": {"Unpaid invoice 2026-114"}}).mustStatus(t, http.StatusSeeOther)
	plat.get("/admin/tenants/"+id).mustContain(t, "is suspended. Its people see a page", "Reason: Unpaid invoice 2026-114", "Reactivate")
	plat.get("/admin?status=suspended").mustContain(t, "Illinois I/ECMHC in Home Visiting")

	t.Run("ItsPeopleSeeAClearPage", func(t *testing.T) {
		admin.t = t
		for _, p := range []string{"/t/illinois/", "/t/illinois/people", "/t/illinois/audit", "/t/illinois/organisations/" + database.NewID()} {
			admin.get(p).mustStatus(t, http.StatusLocked).mustContain(t, "Illinois I/ECMHC in Home Visiting is suspended",
				"Nothing has been deleted", "Holdspace platform team")
		}
		r := admin.get("/t/illinois/people", "HX-Request", "true").mustStatus(t, http.StatusLocked).mustContain(t, "is suspended")
		if strings.Contains(r.body, "<html") || r.header.Get("HX-Retarget") != "#main-content" {
			t.Fatal("an htmx request should get the suspended page aimed at the main region")
		}
		if strings.Contains(r.body, "Unpaid invoice") {
			t.Fatal("the tenant's people see the platform's reason")
		}
		admin.post("/t/illinois/people/invitations", url.Values{"email": {"blocked@example.org"}, "role": {"consultant"}}).
			mustStatus(t, http.StatusLocked)
		env.client(t).get(link).mustStatus(t, http.StatusLocked).mustContain(t, "is suspended")
	})
	t.Run("OthersStill404", func(t *testing.T) {
		ohio := env.signedIn(t, "admin@ohio.example")
		ohio.get("/t/illinois/").mustStatus(t, http.StatusNotFound)
	})
	t.Run("ItsPeopleWorkElsewhere", func(t *testing.T) {
		m := env.signedIn(t, demo.SharedConsultantEmail)
		m.get("/t/nc-piedmont/").mustStatus(t, http.StatusOK)
		m.get("/t/illinois/").mustStatus(t, http.StatusLocked)
	})
	t.Run("NothingDeleted", func(t *testing.T) {
		// Only the audit log grows (the suspension, sign-ins); every other row is as it was.
		after := tenantRowCounts(t, env)
		for k, n := range before {
			if after[k] < n || (after[k] != n && !strings.HasPrefix(k, "audit_events ")) {
				t.Errorf("%s: %d rows before the suspension, %d after", k, n, after[k])
			}
		}
	})
	t.Run("Reactivate", func(t *testing.T) {
		plat.t = t
		plat.post("/admin/tenants/"+id+"/reactivate", nil).mustStatus(t, http.StatusSeeOther)
		admin.t = t
		admin.get("/t/illinois/people").mustStatus(t, http.StatusOK).mustContain(t, "Denise Carter")
		env.client(t).get(link).mustStatus(t, http.StatusOK)
		tn, _ := env.app.Tenants.Store().TenantByID(context.Background(), id)
		if tn.Status != tenants.StatusTrial || tn.SuspendedAt != nil {
			t.Fatalf("got status %s, suspended at %v; want trial, not suspended", tn.Status, tn.SuspendedAt)
		}
	})
	t.Run("AuditedInTheTenantsLog", func(t *testing.T) {
		admin.t = t
		admin.get("/t/illinois/audit?action=tenant.").mustContain(t, "tenant.suspend", "Unpaid invoice 2026-114", "tenant.reactivate",
			demo.PlatformAdminEmail)
	})
}

func TestCreateTenant(t *testing.T) {
	env := newTestEnv(t)
	plat := env.signedIn(t, demo.PlatformAdminEmail)
	plat.get("/admin").mustContain(t, `href="/admin/tenants/new"`)
	plat.get("/admin/tenants/new").mustStatus(t, http.StatusOK).mustContain(t, "Create a tenant for an agency", "Illinois")
	tenantsBefore := env.count("tenants", "1 = 1")

	t.Run("ErrBadInput", func(t *testing.T) {
		plat.t = t
		cases := []struct {
			form url.Values
			want []string
		}{
			{url.Values{"name": {""}, "kind": {"club"}, "state": {"ZZ"}, "slug": {"-bad"}, "admin_name": {""}, "admin_email": {"nope"}},
				[]string{"Enter the agency’s name.", "Choose a state system or a local partnership.", "Choose a state from the list.",
					"start with a letter.", "Enter the name of the agency’s first admin.", "Enter an email address in the form name@example.org."}},
			{url.Values{"name": {"Michigan IECMHC"}, "kind": {"state_system"}, "state": {"MI"}, "slug": {"admin"}, "admin_name": {"Ann"}, "admin_email": {"ann@mi.example"}},
				[]string{"“admin” is reserved for Holdspace itself."}},
			{url.Values{"name": {"Michigan IECMHC"}, "kind": {"state_system"}, "state": {"MI"}, "slug": {"illinois"}, "admin_name": {"Ann"}, "admin_email": {"ann@mi.example"}},
				[]string{"The address /t/illinois is already taken.", `value="Michigan IECMHC"`, `value="ann@mi.example"`, `<option value="MI" selected>`}},
			{url.Values{"name": {"Michigan IECMHC"}, "kind": {"state_system"}, "state": {"MI"}, "slug": {"mi--iecmhc"}, "admin_name": {"Ann"}, "admin_email": {"ann@mi.example"}},
				[]string{"use single hyphens, not two in a row"}},
		}
		for _, tc := range cases {
			plat.post("/admin/tenants", tc.form).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, tc.want...)
		}
		if got := env.count("tenants", "1 = 1"); got != tenantsBefore {
			t.Fatalf("a refused form wrote a tenant: %d, want %d", got, tenantsBefore)
		}
	})

	var id string
	t.Run("OK", func(t *testing.T) {
		plat.t = t
		r := plat.post("/admin/tenants", url.Values{"name": {"Michigan IECMHC"}, "kind": {"state_system"}, "state": {"MI"},
			"slug": {"michigan"}, "admin_name": {"Ann Porter"}, "admin_email": {"Ann.Porter@MI.example"}}).mustStatus(t, http.StatusSeeOther)
		id = strings.TrimPrefix(r.header.Get("Location"), "/admin/tenants/")
		tn, err := env.app.Tenants.Store().TenantByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if tn.Slug != "michigan" || tn.Status != tenants.StatusTrial || tn.TimeZone != "America/New_York" || tn.TrialEndsAt == nil ||
			tn.TrialEndsAt.Sub(time.Now()) < 29*24*time.Hour || tn.TrialEndsAt.Sub(time.Now()) > 31*24*time.Hour {
			t.Fatalf("got %+v, want michigan on a 30-day trial", tn)
		}
		plat.get("/admin/tenants/"+id).mustContain(t, "Michigan IECMHC is created, on a trial until", "ann.porter@mi.example")
		plat.get("/admin").mustContain(t, "Michigan IECMHC", "/t/michigan")
	})
	t.Run("TheAdminIsInvited", func(t *testing.T) {
		mail := env.lastEmailTo("ann.porter@mi.example")
		if !strings.Contains(mail.Body, "as tenant admin") {
			t.Fatalf("the invitation does not say the role:\n%s", mail.Body)
		}
		link := env.invitationLink("ann.porter@mi.example")
		if !strings.HasPrefix(link, "/t/michigan/invitations/") {
			t.Fatalf("got link %s", link)
		}
		ann := env.client(t)
		ann.get(link).mustStatus(t, http.StatusOK).mustContain(t, "Join Michigan IECMHC", `value="Ann Porter"`)
		ann.post(link, url.Values{"name": {"Ann Porter"}, "password": {"anns long password"}, "confirm": {"anns long password"}}).
			mustStatus(t, http.StatusSeeOther)
		ann.get("/t/michigan/").mustStatus(t, http.StatusOK).mustContain(t, "Tenant admin")
		ann.get("/t/michigan/audit").mustStatus(t, http.StatusOK).mustContain(t, "tenant.create", "invitation.create", demo.PlatformAdminEmail)
	})
}

func TestExtendTrial(t *testing.T) {
	env := newTestEnv(t)
	plat := env.signedIn(t, demo.PlatformAdminEmail)
	id := env.tenantID("ohio")
	trialEnd := func() time.Time {
		tn, err := env.app.Tenants.Store().TenantByID(context.Background(), id)
		if err != nil || tn.TrialEndsAt == nil {
			t.Fatalf("trial end: %v", err)
		}
		return *tn.TrialEndsAt
	}
	start := trialEnd()
	path := "/admin/tenants/" + id + "/trial"

	for name, tc := range map[string]struct {
		form url.Values
		want string
	}{
		"ErrZeroDays":  {url.Values{"days": {"0"}}, "Enter a whole number of days from 1 to 365."},
		"ErrTooMany":   {url.Values{"days": {"366"}}, "Enter a whole number of days from 1 to 365."},
		"ErrNotNumber": {url.Values{"days": {"ten"}}, "Enter a whole number of days from 1 to 365."},
		"ErrBoth":      {url.Values{"days": {"3"}, "date": {"2099-01-01"}}, "Give a number of days or a date, not both."},
		"ErrNeither":   {url.Values{}, "Enter a number of days, or a date."},
		"ErrPastDate":  {url.Values{"date": {"2001-01-01"}}, "Choose a date after today."},
		"ErrBadDate":   {url.Values{"date": {"next week"}}, "Enter the new end of the trial as mm/dd/yyyy, for example 11/26/2026."},
	} {
		t.Run(name, func(t *testing.T) {
			plat.t = t
			plat.post(path, tc.form).mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, tc.want)
			if !trialEnd().Equal(start) {
				t.Fatal("a refused extension was written")
			}
		})
	}
	t.Run("ByDays", func(t *testing.T) {
		plat.t = t
		plat.post(path, url.Values{"days": {"10"}}).mustStatus(t, http.StatusSeeOther)
		if got, want := trialEnd(), start.AddDate(0, 0, 10); !got.Equal(want) {
			t.Fatalf("got trial end %v, want %v", got, want)
		}
		plat.get("/admin/tenants/"+id).mustContain(t, "now ends "+start.AddDate(0, 0, 10).Format("January 2, 2006"))
	})
	t.Run("ToADate", func(t *testing.T) {
		plat.t = t
		to := time.Now().UTC().AddDate(0, 3, 0).Format("2006-01-02")
		plat.post(path, url.Values{"date": {to}}).mustStatus(t, http.StatusSeeOther)
		if got := trialEnd().Format("2006-01-02"); got != to {
			t.Fatalf("got trial end %s, want %s", got, to)
		}
		plat.get("/admin").mustContain(t, trialEnd().Format("Jan 2, 2006"))
	})
	t.Run("Audited", func(t *testing.T) {
		plat.t = t
		plat.get("/admin/audit?action=tenant.trial_extend&tenant="+id).mustContain(t, "tenant.trial_extend", "trial ends ")
	})
}

func TestDeleteAndRestore(t *testing.T) {
	env := newTestEnv(t)
	plat := env.signedIn(t, demo.PlatformAdminEmail)
	id := env.tenantID("nc-piedmont")
	admin := env.signedIn(t, "admin@nc-piedmont.example")

	plat.get("/admin/tenants/"+id+"/delete").mustStatus(t, http.StatusOK).
		mustContain(t, "Delete Piedmont Partnership for Children?", "type the tenant’s address", "nc-piedmont")
	t.Run("ErrSlugMismatch", func(t *testing.T) {
		plat.t = t
		for _, typed := range []string{"", "nc-piedmon", "NC-PIEDMONT", "illinois"} {
			plat.post("/admin/tenants/"+id+"/delete", url.Values{"confirm": {typed}}).mustStatus(t, http.StatusUnprocessableEntity).
				mustContain(t, "Type nc-piedmont exactly to confirm")
		}
		admin.t = t
		admin.get("/t/nc-piedmont/").mustStatus(t, http.StatusOK)
	})
	t.Run("Delete", func(t *testing.T) {
		plat.t = t
		plat.post("/admin/tenants/"+id+"/delete", url.Values{"confirm": {"nc-piedmont"}}).mustStatus(t, http.StatusSeeOther)
		plat.get("/admin/tenants/"+id).mustContain(t, "is deleted. Nobody can open it now", "Restore Piedmont Partnership for Children")
		tn, _ := env.app.Tenants.Store().TenantByID(context.Background(), id)
		if tn.DeletedAt == nil || tn.PurgeAfter == nil || tn.PurgeAfter.Sub(*tn.DeletedAt) != 30*24*time.Hour {
			t.Fatalf("got deleted %v, purge after %v; want a 30-day grace period", tn.DeletedAt, tn.PurgeAfter)
		}
	})
	t.Run("Gone404ForEveryone", func(t *testing.T) {
		admin.t = t
		admin.get("/t/nc-piedmont/").mustStatus(t, http.StatusNotFound)
		admin.get("/t/nc-piedmont/people").mustStatus(t, http.StatusNotFound)
		plat.t = t
		plat.post("/admin/tenants/"+id+"/support", url.Values{"support_reason": {"Checking the deleted tenant"}}).
			mustStatus(t, http.StatusConflict)
		plat.get("/t/nc-piedmont/").mustStatus(t, http.StatusNotFound)
		m := env.signedIn(t, demo.SharedConsultantEmail)
		m.get("/t/illinois/").mustStatus(t, http.StatusOK)
		m.get("/t/nc-piedmont/").mustStatus(t, http.StatusNotFound)
		if r := m.get("/tenants").mustStatus(t, http.StatusOK); strings.Contains(r.body, "Piedmont Partnership") {
			t.Fatal("the tenant switcher lists a deleted tenant")
		}
	})
	t.Run("ListedOnlyAsDeleted", func(t *testing.T) {
		plat.t = t
		r := plat.get("/admin").mustStatus(t, http.StatusOK)
		if strings.Contains(r.body, "Piedmont Partnership") {
			t.Fatal("a deleted tenant is in the default list")
		}
		plat.get("/admin?status=deleted").mustContain(t, "Piedmont Partnership for Children", "purged after")
	})
	t.Run("SlugStaysTaken", func(t *testing.T) {
		plat.t = t
		plat.post("/admin/tenants", url.Values{"name": {"Another"}, "kind": {"local_partnership"}, "state": {"NC"}, "slug": {"nc-piedmont"},
			"admin_name": {"Jo"}, "admin_email": {"jo@nc.example"}}).mustStatus(t, http.StatusUnprocessableEntity).
			mustContain(t, "The address /t/nc-piedmont is already taken.")
	})
	t.Run("Restore", func(t *testing.T) {
		plat.t = t
		plat.post("/admin/tenants/"+id+"/restore", nil).mustStatus(t, http.StatusSeeOther)
		plat.get("/admin/tenants/"+id).mustContain(t, "is restored")
		admin.t = t
		admin.get("/t/nc-piedmont/people").mustStatus(t, http.StatusOK).mustContain(t, "James Whitaker")
		tn, _ := env.app.Tenants.Store().TenantByID(context.Background(), id)
		if tn.DeletedAt != nil || tn.PurgeAfter != nil {
			t.Fatal("the restored tenant is still marked deleted")
		}
		admin.get("/t/nc-piedmont/audit?action=tenant.").mustContain(t, "tenant.delete", "tenant.restore")
	})
}

// tenantRowCounts counts the rows of every tenant table, by table and tenant id.
func tenantRowCounts(t *testing.T, env *testEnv) map[string]int {
	t.Helper()
	ctx := context.Background()
	tables, err := tenants.TenantTables(ctx, env.app.DB)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, table := range tables {
		var rows []struct {
			TenantID string `bun:"tenant_id"`
			N        int    `bun:"n"`
		}
		if err := env.raw().NewSelect().Table(table).ColumnExpr("tenant_id, COUNT(*) AS n").GroupExpr("tenant_id").Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[table+" "+r.TenantID] = r.N
		}
	}
	return out
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// fillTenant adds a row of each onboarding record kind to a demo tenant, so that no table is
// empty for it.
func fillTenant(t *testing.T, env *testEnv, slug string) {
	t.Helper()
	ctx := env.scoped(slug)
	id := env.tenantID(slug)
	progs, _ := env.app.Tenants.Store().OrganisationsOfKind(ctx, tenants.OrgProgram)
	funders, _ := env.app.Tenants.Store().OrganisationsOfKind(ctx, tenants.OrgFunder)
	now := database.Now()
	funding := database.NewID()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"INSERT INTO program_sites (tenant_id, id, program_id, name, kind, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			[]any{id, database.NewID(), progs[0].ID, "Purge test classroom", "classroom", now}},
		{"INSERT INTO fundings (tenant_id, id, program_id, funder_id, fiscal_year, iecmhc_funded, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			[]any{id, funding, progs[0].ID, funders[0].ID, 1999, true, now, now}},
		{"INSERT INTO budget_lines (tenant_id, id, funding_id, category, amount_cents, position) VALUES (?, ?, ?, ?, ?, ?)",
			[]any{id, database.NewID(), funding, "I/ECMHC consultation", 1250000, 1}},
		{"INSERT INTO imports (tenant_id, id, kind, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			[]any{id, database.NewID(), "programs", "done", now, now}},
		{"INSERT INTO exports (tenant_id, id, status, created_at) VALUES (?, ?, ?, ?)",
			[]any{id, database.NewID(), "done", now}},
		{"INSERT INTO support_grants (tenant_id, id, admin_id, admin_email, reason, started_at, expires_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			[]any{id, database.NewID(), database.NewID(), demo.PlatformAdminEmail, "Purge test support", now, now.Add(time.Hour), now}},
	} {
		if _, err := env.raw().ExecContext(context.Background(), q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if _, err := env.app.Tenants.Invite(ctx, tenants.InviteInput{Email: "purge." + slug + "@example.org", Role: "consultant"}); err != nil {
		t.Fatal(err)
	}
}

// TestPurge: a deleted tenant past its grace period loses every row, in every table with a
// tenant_id column; the other tenants (one of them deleted but not yet due) keep all of theirs.
func TestPurge(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	for _, slug := range []string{"illinois", "nc-piedmont", "ohio"} {
		fillTenant(t, env, slug)
	}
	ohio, piedmont := env.tenantID("ohio"), env.tenantID("nc-piedmont")
	if _, err := env.app.Tenants.DeleteTenant(ctx, ohio, "ohio"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.Tenants.DeleteTenant(ctx, piedmont, "nc-piedmont"); err != nil {
		t.Fatal(err)
	}
	// Ohio's grace period has passed; the Piedmont's has not.
	if _, err := env.raw().NewUpdate().Table("tenants").Set("purge_after = ?", database.Now().Add(-time.Minute)).
		Where("id = ?", ohio).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	tables, err := tenants.TenantTables(ctx, env.app.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"organisations", "memberships", "invitations", "program_sites", "fundings", "budget_lines",
		"imports", "exports", "support_grants", "audit_events", "emails"} {
		if !contains(tables, want) {
			t.Fatalf("the catalog's tenant tables %v miss %s", tables, want)
		}
	}
	before := tenantRowCounts(t, env)
	for _, table := range tables {
		if before[table+" "+ohio] == 0 {
			t.Logf("note: table %s has no row of ohio to purge (a table this test does not fill)", table)
		}
	}
	for _, table := range []string{"organisations", "memberships", "invitations", "program_sites", "fundings", "budget_lines",
		"imports", "exports", "support_grants", "audit_events", "emails"} {
		if before[table+" "+ohio] == 0 {
			t.Fatalf("the test is not filled: %s has no row of ohio", table)
		}
	}

	mux, periodic := env.app.Jobs()
	found := false
	for _, p := range periodic {
		found = found || (p.Type == tenants.TaskPurge && p.Spec == "@every 1h")
	}
	if !found {
		t.Fatalf("%s is not scheduled every hour: %v", tenants.TaskPurge, periodic)
	}
	runErr := func() error {
		return mux.Handler().ProcessTask(ctx, asynq.NewTask(tenants.TaskPurge, []byte(`{"tenant_id":""}`)))
	}
	run := func() {
		t.Helper()
		if err := runErr(); err != nil {
			t.Fatal(err)
		}
	}
	run()

	after := tenantRowCounts(t, env)
	for _, table := range tables {
		if n := after[table+" "+ohio]; n != 0 {
			t.Errorf("%s still holds %d rows of the purged tenant", table, n)
		}
	}
	for k, n := range before {
		if strings.HasSuffix(k, " "+ohio) || k == "audit_events " { // platform events: the purge adds its own
			continue
		}
		if after[k] != n {
			t.Errorf("%s: %d rows before the purge, %d after", k, n, after[k])
		}
	}
	if n := env.count("tenants", "id = ?", ohio); n != 0 {
		t.Fatal("the purged tenant's row remains")
	}
	if n := env.count("tenants", "id = ?", piedmont); n != 1 {
		t.Fatal("a tenant within its grace period was purged")
	}
	if n := env.count("audit_events", "tenant_id = '' AND action = ? AND record_id = ?", "tenant.purge", ohio); n != 1 {
		t.Fatalf("got %d platform events for the purge, want 1", n)
	}
	// People's accounts are global: Ohio's admin still has one, with no tenant.
	if _, err := env.app.Accounts.UserByEmail(ctx, "admin@ohio.example"); err != nil {
		t.Fatal(err)
	}

	t.Run("SafeToRunTwice", func(t *testing.T) {
		run()
		if again := tenantRowCounts(t, env); !equalCounts(after, again) {
			t.Fatalf("the second run changed rows:\nbefore %v\nafter  %v", after, again)
		}
	})
	exec := func(t *testing.T, sql string, args ...any) {
		t.Helper()
		if _, err := env.raw().ExecContext(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// migrated does what a migration run does after new tables (row-level security on those
	// with a tenant_id, and the application's grants), as the owner.
	migrated := func(t *testing.T) {
		t.Helper()
		if err := migrations.SecureTenantTables(ctx, env.raw()); err != nil {
			t.Fatal(err)
		}
		if dbtest.IsPostgres(env.raw()) {
			if err := migrations.GrantApp(ctx, env.raw(), dbtest.AppRole); err != nil {
				t.Fatal(err)
			}
		}
	}
	due := func(t *testing.T, id string) {
		t.Helper()
		exec(t, "UPDATE tenants SET deleted_at = ?, purge_after = ? WHERE id = ?", database.Now(), database.Now().Add(-time.Minute), id)
	}
	illinois := env.tenantID("illinois")
	t.Run("NewTablesAreFoundInTheCatalog", func(t *testing.T) {
		// Tables added later, with a tenant_id: the catalog finds them. purge_ref's rows hold
		// purge_probe's (no ON DELETE CASCADE), so purge_probe can only go second.
		exec(t, "CREATE TABLE purge_probe (tenant_id TEXT NOT NULL, id TEXT NOT NULL PRIMARY KEY)")
		exec(t, "CREATE TABLE purge_ref (tenant_id TEXT NOT NULL, id TEXT NOT NULL, probe_id TEXT NOT NULL REFERENCES purge_probe (id))")
		migrated(t)
		exec(t, "INSERT INTO purge_probe (tenant_id, id) VALUES (?, 'p1'), (?, 'i1')", piedmont, illinois)
		exec(t, "INSERT INTO purge_ref (tenant_id, id, probe_id) VALUES (?, 'r1', 'p1'), (?, 'r2', 'i1')", piedmont, illinois)
		due(t, piedmont)
		run()
		if n := env.count("purge_probe", "tenant_id = ?", piedmont) + env.count("purge_ref", "tenant_id = ?", piedmont); n != 0 {
			t.Fatalf("the purge left %d rows in tables found in the catalog", n)
		}
		if n := env.count("purge_probe", "tenant_id = ?", illinois) + env.count("purge_ref", "tenant_id = ?", illinois); n != 2 {
			t.Fatalf("the purge removed another tenant's rows: %d left, want 2", n)
		}
	})
	t.Run("ErrFailsLoudlyAndRemovesNothing", func(t *testing.T) {
		// A row that cannot be deleted (held by a table without tenant_id): the purge fails
		// and the whole tenant stays.
		exec(t, "CREATE TABLE purge_guard (probe_id TEXT NOT NULL REFERENCES purge_probe (id))")
		migrated(t)
		exec(t, "INSERT INTO purge_guard (probe_id) VALUES ('i1')")
		due(t, illinois)
		held := tenantRowCounts(t, env)
		err := runErr()
		if err == nil || !strings.Contains(err.Error(), "purge_probe") {
			t.Fatalf("got %v, want an error naming purge_probe", err)
		}
		if now := tenantRowCounts(t, env); !equalCounts(held, now) {
			t.Fatalf("a failed purge removed rows:\nbefore %v\nafter  %v", held, now)
		}
		if n := env.count("tenants", "id = ?", illinois); n != 1 {
			t.Fatal("a failed purge removed the tenant")
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var supportBanner = regexp.MustCompile(`Support access:</strong> you are in Illinois I/ECMHC in Home Visiting as its admin until \d\d:\d\d UTC, because: Ticket 4821: the admin cannot see Cook County programs`)

func TestSupportAccess(t *testing.T) {
	env := newTestEnv(t)
	plat := env.signedIn(t, demo.PlatformAdminEmail)
	id := env.tenantID("illinois")
	const reason = "Ticket 4821: the admin cannot see Cook County programs"

	plat.get("/t/illinois/people").mustStatus(t, http.StatusNotFound)
	plat.get("/admin/tenants/"+id).mustContain(t, "Enter as tenant admin", "Why you need to enter")

	t.Run("ErrNeedsAReason", func(t *testing.T) {
		plat.t = t
		for _, r := range []string{"", "   ", "because"} {
			plat.post("/admin/tenants/"+id+"/support", url.Values{"support_reason": {r}}).mustStatus(t, http.StatusUnprocessableEntity).
				mustContain(t, "Say why you need to enter the tenant, in at least 10 characters.")
		}
		if n := env.count("support_grants", "tenant_id = ?", id); n != 0 {
			t.Fatalf("a refused request wrote %d grants", n)
		}
		plat.get("/t/illinois/people").mustStatus(t, http.StatusNotFound)
	})
	t.Run("Enter", func(t *testing.T) {
		plat.t = t
		r := plat.post("/admin/tenants/"+id+"/support", url.Values{"support_reason": {reason}}).mustStatus(t, http.StatusSeeOther)
		if loc := r.header.Get("Location"); loc != "/t/illinois/" {
			t.Fatalf("got redirect %q, want the tenant's home", loc)
		}
		for _, p := range []string{"/t/illinois/", "/t/illinois/people", "/t/illinois/audit"} {
			r := plat.get(p).mustStatus(t, http.StatusOK).mustContain(t, "End support access", `action="/admin/tenants/`+id+`/support/end"`)
			if !supportBanner.MatchString(r.body) {
				t.Fatalf("%s has no support banner:\n%s", p, truncateBody(r.body))
			}
		}
		plat.get("/admin/tenants/"+id).mustContain(t, "You are in Illinois I/ECMHC in Home Visiting as its admin until", reason)
	})
	t.Run("AnAuditedAction", func(t *testing.T) {
		plat.t = t
		plat.post("/t/illinois/people/invitations", url.Values{"email": {"helped@example.org"}, "role": {"consultant"}}).mustStatus(t, http.StatusSeeOther)
		denise := env.member("illinois", "admin@illinois.example")
		plat.post("/t/illinois/people/"+denise.ID+"/deactivate", nil).mustStatus(t, http.StatusConflict).
			mustContain(t, "Denise Carter is the last active tenant admin")
	})
	t.Run("TheTenantsAuditLogShowsIt", func(t *testing.T) {
		admin := env.signedIn(t, "admin@illinois.example")
		r := admin.get("/t/illinois/audit").mustStatus(t, http.StatusOK).
			mustContain(t, "support.start", reason, "invitation.create", demo.PlatformAdminEmail+" (support)")
		if supportBanner.MatchString(r.body) {
			t.Fatal("the tenant's own admin sees the support banner")
		}
		if n := env.count("audit_events", "tenant_id = ? AND action = ? AND actor_email = ?", id, "invitation.create",
			demo.PlatformAdminEmail+" (support)"); n != 1 {
			t.Fatalf("got %d support invitation events, want 1", n)
		}
	})
	t.Run("ExpiresOnItsOwn", func(t *testing.T) {
		plat.t = t
		if _, err := env.raw().NewUpdate().Table("support_grants").Set("expires_at = ?", database.Now().Add(-time.Second)).
			Where("tenant_id = ?", id).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		plat.get("/t/illinois/people").mustStatus(t, http.StatusNotFound)
		plat.post("/t/illinois/people/invitations", url.Values{"email": {"late@example.org"}, "role": {"consultant"}}).mustStatus(t, http.StatusNotFound)
		plat.get("/admin/tenants/"+id).mustContain(t, "Enter as tenant admin", "an hour passed")
	})
	t.Run("EndEarly", func(t *testing.T) {
		plat.t = t
		plat.post("/admin/tenants/"+id+"/support", url.Values{"support_reason": {"A second look at the same ticket"}}).mustStatus(t, http.StatusSeeOther)
		plat.get("/t/illinois/").mustStatus(t, http.StatusOK)
		plat.post("/admin/tenants/"+id+"/support/end", nil).mustStatus(t, http.StatusSeeOther)
		plat.get("/admin/tenants/"+id).mustContain(t, "Your support access to Illinois I/ECMHC in Home Visiting has ended.")
		plat.get("/t/illinois/").mustStatus(t, http.StatusNotFound)
		if n := env.count("audit_events", "tenant_id = ? AND action = ? AND actor_email = ?", id, "support.end", demo.PlatformAdminEmail); n != 1 {
			t.Fatalf("got %d support.end events by the platform admin, want 1", n)
		}
	})
	t.Run("ErrSuspendedTenant", func(t *testing.T) {
		plat.t = t
		plat.post("/admin/tenants/"+id+"/suspend", url.Values{"reason": {"Testing"}}).mustStatus(t, http.StatusSeeOther)
		plat.post("/admin/tenants/"+id+"/support", url.Values{"support_reason": {"Checking the suspended tenant"}}).
			mustStatus(t, http.StatusConflict).mustContain(t, "is suspended: reactivate it before entering it.")
	})
}

// TestPlatformRoutesHiddenFromTenantPeople: every /admin route is a 404 to anyone who is not a
// platform admin (the isolation test checks tenant admins; this checks the other roles).
func TestPlatformRoutesHiddenFromTenantPeople(t *testing.T) {
	env := newTestEnv(t)
	fx := fixtures{"tenantID": env.tenantID("illinois"), "id": database.NewID()}
	before := env.count("tenants", "1 = 1")
	for _, email := range []string{"funder@illinois.example", demo.SharedConsultantEmail} {
		c := env.signedIn(t, email)
		for _, r := range env.app.Routes() {
			if r.Access.Kind != web.AccessPlatform {
				continue
			}
			path := fx.fill(t, r.Path)
			if got := send(c, r.Method, path).status; got != http.StatusNotFound {
				t.Errorf("%s got %d for %s %s, want 404", email, got, r.Method, path)
			}
		}
	}
	if got := env.count("tenants", "1 = 1"); got != before {
		t.Fatal("a tenant person changed the tenants")
	}
	// Signed out, the console asks for a sign-in and reveals nothing.
	r := env.client(t).get("/admin/tenants/"+fx["tenantID"]).mustStatus(t, http.StatusSeeOther)
	if !strings.HasPrefix(r.header.Get("Location"), "/signin") {
		t.Fatalf("got redirect %q, want the sign-in page", r.header.Get("Location"))
	}
}
