package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// fixtures are real records of one tenant, one per route parameter. A new route parameter
// fails TestIsolationMatrix until it gets a fixture here: that is the point.
type fixtures map[string]string

var paramRe = regexp.MustCompile(`:([A-Za-z]+)`)

// fill puts the fixtures into a route path.
func (f fixtures) fill(t *testing.T, path string) string {
	t.Helper()
	return paramRe.ReplaceAllStringFunc(path, func(p string) string {
		v, ok := f[p[1:]]
		if !ok {
			t.Fatalf("route %s: no fixture for %s: add one to the isolation test", path, p)
		}
		return v
	})
}

// tenantFixtures makes (or finds) a record of every kind a route can name, in tenant slug.
func (e *testEnv) tenantFixtures(slug string) fixtures {
	e.t.Helper()
	ctx := e.scoped(slug)
	orgs, err := e.app.Tenants.Store().Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		e.t.Fatalf("organisations of %s: %v", slug, err)
	}
	// An invitation link of this tenant: its token only exists in the email.
	email := "isolation." + slug + "@invitee.example"
	inv, err := e.app.Tenants.Invite(ctx, tenants.InviteInput{Email: email, Role: "consultant"})
	if err != nil {
		e.t.Fatal(err)
	}
	m := regexp.MustCompile(`/t/` + slug + `/invitations/([A-Za-z0-9_-]+)`).FindStringSubmatch(e.lastEmailTo(email).Body)
	if m == nil {
		e.t.Fatal("no invitation link in the email")
	}
	// People management: a member who is not an admin. The platform console: the tenant itself.
	people, _, err := e.app.Tenants.Store().People(ctx, tenants.PeopleFilter{Role: "supervisor"})
	if err != nil || len(people) == 0 {
		e.t.Fatalf("a supervisor of %s: %v", slug, err)
	}
	return fixtures{"slug": slug, "orgID": orgs[0].ID, "token": m[1], "id": database.NewID(),
		"memberID": people[0].ID, "invitationID": inv.ID, "tenantID": e.tenantID(slug)}.merged(e.programFixtures(slug)).merged(e.importFixtures(slug)).merged(e.registryFixtures(slug)).merged(e.searchFixtures(slug)).merged(e.supervisionFixtures(slug)).merged(e.engagementFixtures(slug)).merged(e.matchingFixtures(slug)).merged(e.credentialsFixtures(slug)).merged(e.assessmentFixtures(slug)).merged(e.sessionRecordFixtures(slug)).merged(e.amendmentDecisionFixtures(slug)).merged(e.processFixtures(slug)).merged(e.requestFixtures(slug)).merged(e.runFixtures(slug))
}

// TestIsolationMatrix walks the route table: for every tenant route, a person of tenant B
// gets 404 for tenant A's URL with tenant A's real ids, and 404 for A's ids under B's own
// address; a state-changing request writes nothing. Platform routes are 404 to tenant people.
func TestIsolationMatrix(t *testing.T) { isolationMatrix(t, false) }

// TestIsolationMatrixRowSecurityAlone runs the matrix on PostgreSQL with the application's
// tenant filter switched off (the scoping helper adds no tenant to its WHERE clauses), so every
// refusal comes from the database's row-level security.
func TestIsolationMatrixRowSecurityAlone(t *testing.T) {
	if dbtest.PostgresURL() == "" {
		t.Skip("row-level security is PostgreSQL's: set HOLDSPACE_TEST_DATABASE_URL")
	}
	isolationMatrix(t, true)
}

func isolationMatrix(t *testing.T, filterOff bool) {
	env := newTestEnv(t)
	a := env.tenantFixtures("illinois")
	b := env.tenantFixtures("ohio")
	if filterOff {
		database.TenantFilterOffForTest(t)
	}
	owner := dbtest.Owner(t, env.app.DB)
	tables, err := database.TenantTables(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	tables = append(tables, "users", "tenants", "stripe_events")

	insider := env.client(t)
	insider.signIn("admin@illinois.example")
	// The most powerful role of tenant B only, signed in afresh for each route (an invitation
	// link, accepted, would sign the browser in as someone else).
	newOutsider := func(t *testing.T) *client {
		c := env.client(t)
		c.signIn("admin@ohio.example")
		return c
	}

	countRows := func() map[string]int {
		out := map[string]int{}
		for _, table := range tables {
			n, err := owner.NewSelect().Table(table).Count(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			out[table] = int(n)
		}
		return out
	}

	// Tenant A's people, one per demo role, for the routes only some roles may use.
	members := map[string]*client{}
	memberOf := func(t *testing.T, role, email string) *client {
		c, ok := members[role]
		if !ok {
			c = env.client(t)
			c.signIn(email)
			members[role] = c
		}
		c.t = t
		return c
	}
	for _, dr := range demoRoles {
		memberOf(t, dr.role, dr.email) // signing in is audited: before anything is counted
	}

	tested := 0
	for _, r := range env.app.Routes() {
		switch r.Access.Kind {
		case web.AccessTenant, web.AccessTenantPublic:
		case web.AccessPlatform:
			t.Run("platform "+r.Method+" "+r.Path, func(t *testing.T) {
				path := a.fill(t, r.Path)
				outsider := newOutsider(t) // signing in is audited: before the count
				before := countRows()
				if got := send(outsider, r.Method, path).status; got != http.StatusNotFound {
					t.Fatalf("a tenant admin got %d for %s, want 404", got, path)
				}
				// Nobody but a platform admin finds the console: every role of a tenant.
				for _, dr := range demoRoles {
					if got := send(memberOf(t, dr.role, dr.email), r.Method, path).status; got != http.StatusNotFound {
						t.Fatalf("%s (%s) got %d for %s %s, want 404", dr.email, dr.role, got, r.Method, path)
					}
				}
				if after := countRows(); !sameCounts(before, after) {
					t.Fatalf("refused, yet wrote: %s", diffCounts(before, after))
				}
			})
			continue
		case web.AccessWebhook:
			// A machine's signed call, outside any tenant: without Stripe's signature it writes
			// nothing, whoever sends it; it needs no session and no CSRF token (so it is never
			// refused as an expired form), and carries no tenant in its address.
			t.Run("webhook "+r.Method+" "+r.Path, func(t *testing.T) {
				if strings.Contains(r.Path, ":") {
					t.Fatalf("webhook route %s names a parameter: a webhook finds its tenant in the signed event, never in the URL", r.Path)
				}
				before := countRows()
				for _, who := range []*client{env.client(t), memberOf(t, "tenant_admin", "admin@illinois.example")} {
					req := httptest.NewRequest(r.Method, r.Path, strings.NewReader(`{"id":"evt_isolation","type":"customer.subscription.deleted"}`))
					req.Header.Set("Content-Type", "application/json")
					res := who.do(req)
					if res.status < 300 {
						t.Fatalf("an unsigned %s %s answered %d, want it refused (400)", r.Method, r.Path, res.status)
					}
					if strings.Contains(res.body, "did not come from Holdspace") {
						t.Fatalf("%s %s asked for a CSRF token: a webhook has none (web.Webhook)", r.Method, r.Path)
					}
				}
				if after := countRows(); !sameCounts(before, after) {
					t.Fatalf("an unsigned webhook wrote: %s", diffCounts(before, after))
				}
			})
			continue
		case web.AccessPublic, web.AccessSignedIn:
			// Outside any tenant: no tenant's records in the address (the signed-in pages list
			// only the person's own tenants; TestRoleChecks, the accounts tests).
			continue
		default:
			t.Fatalf("route %s %s: access kind %d is unknown to the isolation matrix: say how it is isolated", r.Method, r.Path, r.Access.Kind)
		}
		// Routes of a permission only some roles hold: every demo role of tenant A without it
		// is refused (403, or 404 where the role may not know the page exists), and writes
		// nothing. Billing is the tenant admin's alone.
		if r.Access.Kind == web.AccessTenant {
			t.Run("roles "+r.Method+" "+r.Path, func(t *testing.T) {
				path := a.fill(t, r.Path)
				before := countRows()
				for _, dr := range demoRoles {
					grants := env.app.Authz.RoleGrants(dr.role, r.Access.Perm)
					if r.Access.Perm.Obj == "billing" && grants != (dr.role == authz.TenantAdmin) {
						t.Fatalf("%s: role %s holds it = %v; billing is the tenant admin's only", r.Access.Perm, dr.role, grants)
					}
					if grants {
						continue
					}
					got := send(memberOf(t, dr.role, dr.email), r.Method, path).status
					if got != http.StatusForbidden && got != http.StatusNotFound {
						t.Fatalf("%s (%s, without %s) got %d for %s %s, want 403 or 404", dr.email, dr.role, r.Access.Perm, got, r.Method, path)
					}
				}
				if after := countRows(); !sameCounts(before, after) {
					t.Fatalf("refused, yet wrote: %s", diffCounts(before, after))
				}
			})
		}
		tested++
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			insider.t = t
			outsider := newOutsider(t)
			pathA := a.fill(t, r.Path)
			// The URL works for tenant A's own people (so the ids are real, and a 404 below
			// means isolation, not a broken fixture). POSTs are not replayed by the insider.
			if r.Method == http.MethodGet {
				if got := send(insider, r.Method, pathA).status; got == http.StatusNotFound {
					t.Fatalf("tenant A's admin got 404 for %s: the fixture is not real", pathA)
				}
			}
			before := countRows()
			// An invitation link is for whoever holds it (the token is the secret), so only
			// its use under another tenant's address is checked.
			if r.Access.Kind == web.AccessTenant {
				if got := send(outsider, r.Method, pathA).status; got != http.StatusNotFound {
					t.Fatalf("tenant B's admin got %d for tenant A's %s %s, want 404", got, r.Method, pathA)
				}
			}
			// Tenant A's ids under tenant B's own address.
			if strings.Count(r.Path, ":") > 1 {
				mixed := fixtures{}
				for k, v := range a {
					mixed[k] = v
				}
				mixed["slug"] = b["slug"]
				path := mixed.fill(t, r.Path)
				if got := send(outsider, r.Method, path).status; got != http.StatusNotFound {
					t.Fatalf("tenant B's admin got %d for %s %s (tenant A's ids under B), want 404", got, r.Method, path)
				}
			}
			after := countRows()
			for k := range before {
				if before[k] != after[k] {
					t.Fatalf("%s changed from %d to %d rows", k, before[k], after[k])
				}
			}
		})
	}
	if tested < 5 {
		t.Fatalf("only %d tenant routes tested: is the route table read?", tested)
	}
}

// send makes a request of a route's method, with a plausible form for a POST.
func send(c *client, method, path string) *resp {
	c.t.Helper()
	if method == http.MethodPost {
		c.refreshCSRF()
		return c.post(path, url.Values{"email": {"someone.new@example.org"}, "name": {"Someone New"}, "role": {"consultant"},
			"password": {"a long enough password"}, "confirm": {"a long enough password"}})
	}
	return c.get(path)
}

// TestRoleChecks: inside a tenant, a role without the permission gets 403 with a message.
func TestRoleChecks(t *testing.T) {
	env := newTestEnv(t)
	cases := []struct {
		email, path string
		want        int
	}{
		{"program@illinois.example", "/t/illinois/audit", http.StatusForbidden},
		{"program@illinois.example", "/t/illinois/people", http.StatusForbidden},
		{"funder@illinois.example", "/t/illinois/people", http.StatusForbidden},
		{"supervisor@illinois.example", "/t/illinois/audit", http.StatusForbidden},
		{"maria.alvarez@consult.example", "/t/illinois/audit", http.StatusForbidden},
		{"admin@illinois.example", "/t/illinois/audit", http.StatusOK},
		{"admin@illinois.example", "/t/illinois/people", http.StatusOK},
		{"program@illinois.example", "/t/illinois/", http.StatusOK},
		{"maria.alvarez@consult.example", "/t/nc-piedmont/", http.StatusOK},
		{"platform@holdspace.example", "/admin", http.StatusOK},
		{"platform@holdspace.example", "/t/illinois/", http.StatusNotFound}, // not a member
	}
	for _, tc := range cases {
		t.Run(tc.email+" "+tc.path, func(t *testing.T) {
			c := env.client(t)
			c.signIn(tc.email)
			r := c.get(tc.path).mustStatus(t, tc.want)
			if tc.want == http.StatusForbidden {
				r.mustContain(t, "does not include this page")
			}
		})
	}
	t.Run("FunderSeesOnlyItsOrganisation", func(t *testing.T) {
		c := env.client(t)
		c.signIn("funder@illinois.example")
		r := c.get("/t/illinois/organisations").mustStatus(t, http.StatusOK).mustContain(t,
			">IDHS Division of Early Childhood</a>", `<th scope="row" data-label="Name"><a href="/t/illinois/organisations/`, `<td data-label="Kind">Funder</td>`)
		if strings.Contains(r.body, "ISBE Prevention Initiative") {
			t.Fatal("a funder sees another funder")
		}
	})
}
