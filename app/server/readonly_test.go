package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// readOnlyPOSTs are the tenant POST routes a read-only tenant may still use (Route.AsRead),
// each with why. A POST route marked AsRead that is not here fails TestReadOnlyTenant: a route
// that skips the read-only gate is a decision, written down, not a default.
var readOnlyPOSTs = map[string]string{
	"POST /t/:slug/imports/:importID/problems":     "asks for an import's problems file (a run); imports nothing",
	"POST /t/:slug/exports":                        "asks for a full export (a run); changes no record",
	"POST /t/:slug/reports/ncpc/runs":              "asks for the NCPC report file (a run); changes no record",
	"POST /t/:slug/reports/funders/:funderID/runs": "asks for a funder's report file (a run); changes no record",
	"POST /t/:slug/reports/sessions/runs":          "asks for the de-identified sessions export (a run)",
	"POST /t/:slug/reports/child-outcomes/runs":    "asks for the child outcomes file (a run)",
	"POST /t/:slug/amendments/preview":             "the new amendment's live preview (htmx): it saves nothing",
	"POST /t/:slug/billing/checkout":               "going to pay by card is how a read-only tenant becomes writable",
	"POST /t/:slug/billing/portal":                 "the customer portal: the payment method and invoices",
	"POST /t/:slug/billing/invoicing":              "paying by invoice (public sector) is paying too",
}

// readOnlyReason is the sentence the tenant's people read: set on the row as billing would.
const readOnlyReason = "A payment failed on November 1, 2026 and is still unpaid: the 14 days of grace ended on November 15, 2026."

// standIn is fiber's 501, what the skeleton's billing handlers answer until theirs are merged.
const standIn = http.StatusNotImplemented

// TestReadOnlyTenant is the proof from the route table: a read-only tenant's every write route
// is refused with the page that says why (and writes nothing), every read route still
// answers, the AsRead POSTs (reports, exports, paying) go through, and paying makes the tenant
// writable again at once.
func TestReadOnlyTenant(t *testing.T) {
	env := newTestEnv(t)
	fx := env.tenantFixtures("illinois")
	tables := allTables(t, env)
	slug := fx["slug"]
	tenantID := fx["tenantID"]
	billingURL := "/t/" + slug + "/billing"

	// One browser per demo role, signed in before anything is counted.
	clients := map[string]*client{}
	for _, dr := range demoRoles {
		c := env.client(t)
		c.signIn(dr.email)
		clients[dr.role] = c
	}
	anon := env.client(t)
	anon.refreshCSRF()

	// roleFor is the first demo role holding the route's permission; "" for the public ones.
	roleFor := func(r web.Route) (string, *client) {
		if r.Access.Kind == web.AccessTenantPublic {
			return "", anon
		}
		for _, dr := range demoRoles {
			if env.app.Authz.RoleGrants(dr.role, r.Access.Perm) {
				return dr.role, clients[dr.role]
			}
		}
		return "", nil
	}
	tenantRoute := func(r web.Route) bool {
		return r.Access.Kind == web.AccessTenant || r.Access.Kind == web.AccessTenantPublic
	}

	// The tenant's people may write before: the home page has no banner.
	if r := clients["tenant_admin"].get("/t/" + slug + "/"); strings.Contains(r.body, "is read-only") {
		t.Fatalf("the banner shows before the tenant is read-only\n%s", truncateBody(r.body))
	}

	// Read-only, as billing records it when a payment's grace has ended.
	past := time.Now().UTC().Add(-time.Hour)
	if err := env.app.Tenants.Store().SetAccess(context.Background(), tenantID,
		tenants.Access{Status: tenants.StatusPastDue, Until: &past, Reason: readOnlyReason}); err != nil {
		t.Fatal(err)
	}

	// post sends a form as c without loading a page first (the CSRF token is the client's).
	post := func(c *client, path string, values url.Values, headers ...string) *resp {
		c.t.Helper()
		form := url.Values{}
		for k, v := range values {
			form[k] = append([]string(nil), v...)
		}
		form.Set(web.CSRFField, c.csrf)
		return c.post(path, form, headers...)
	}
	plausible := url.Values{"email": {"read.only@example.org"}, "name": {"Read Only"}, "role": {"consultant"},
		"title": {"A title"}, "note": {"A note"}, "date": {"2026-12-01"}, "password": {"a long enough password"},
		"confirm": {"a long enough password"}}

	routes := env.app.Routes()

	// Every read route (GET, tenant access) still answers, as every role that may open it;
	// the banner says why on the pages. The forms on the pages are kept for the AsRead POSTs.
	forms := map[string][]hostileForm{}
	var gets int
	t.Run("ReadRoutesAnswer", func(t *testing.T) {
		for _, r := range routes {
			if r.Method != http.MethodGet || !tenantRoute(r) {
				continue
			}
			type who struct {
				role string
				c    *client
			}
			var people []who
			if r.Access.Kind == web.AccessTenantPublic {
				people = append(people, who{"anyone", anon})
			}
			for _, dr := range demoRoles {
				if r.Access.Kind == web.AccessTenant && env.app.Authz.RoleGrants(dr.role, r.Access.Perm) {
					people = append(people, who{dr.role, clients[dr.role]})
				}
			}
			if len(people) == 0 {
				t.Errorf("GET %s: no demo role holds %s", r.Path, r.Access.Perm)
				continue
			}
			path := fx.fill(t, r.Path)
			for _, p := range people {
				p.c.t = t
				res := p.c.get(path)
				gets++
				switch {
				case res.status == http.StatusLocked || strings.Contains(res.body, "Nothing was saved"):
					t.Errorf("GET %s as %s: refused as read-only (%d)", path, p.role, res.status)
				case res.status == standIn:
					t.Logf("GET %s as %s: 501, the skeleton's stand-in", path, p.role)
				case res.status >= 500:
					t.Errorf("GET %s as %s: %d\n%s", path, p.role, res.status, truncateBody(res.body))
				}
				if res.status == http.StatusOK && strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
					posts, _ := formsOf(path, res.body)
					forms[p.role] = append(forms[p.role], posts...)
				}
			}
		}
		if gets < 100 {
			t.Fatalf("only %d pages opened: is the route table read?", gets)
		}
	})

	t.Run("Banner", func(t *testing.T) {
		admin := clients["tenant_admin"]
		admin.t = t
		body := html.UnescapeString(admin.get("/t/"+slug+"/").mustStatus(t, http.StatusOK).body)
		for _, want := range []string{"is read-only.", readOnlyReason, "You can still read, run reports and exports.",
			`href="` + billingURL + `"`, "Pay to make changes again"} {
			if !strings.Contains(body, want) {
				t.Fatalf("the admin's home page does not say %q\n%s", want, truncateBody(body))
			}
		}
		cons := clients["consultant"]
		cons.t = t
		body = html.UnescapeString(cons.get("/t/"+slug+"/engagements").mustStatus(t, http.StatusOK).body)
		if !strings.Contains(body, "is read-only.") || !strings.Contains(body, readOnlyReason) {
			t.Fatalf("a consultant's page has no read-only banner\n%s", truncateBody(body))
		}
		if strings.Contains(body, billingURL) {
			t.Fatal("a consultant's page links to billing, which they may not open")
		}
	})

	var refused int
	t.Run("WriteRoutesRefused", func(t *testing.T) {
		for _, r := range routes {
			if r.Method == http.MethodGet || r.Method == http.MethodHead || !tenantRoute(r) {
				continue
			}
			key := r.Method + " " + r.Path
			_, listed := readOnlyPOSTs[key]
			if !r.Writes() {
				if !listed {
					t.Errorf("%s is marked AsRead (a read-only tenant may use it) but is not in readOnlyPOSTs: "+
						"say why it changes no record there, or let the gate refuse it", key)
				}
				continue
			}
			if listed {
				t.Errorf("%s is in readOnlyPOSTs but the route table has it as a write (no AsRead)", key)
			}
			role, c := roleFor(r)
			if c == nil {
				t.Errorf("%s: no demo role holds %s", key, r.Access.Perm)
				continue
			}
			c.t = t
			path := fx.fill(t, r.Path)
			before := countAll(t, env, tables)
			res := post(c, path, plausible)
			body := html.UnescapeString(res.body)
			what := key + " as " + role
			if res.status != http.StatusLocked {
				t.Errorf("%s: %d, want 423 (read-only)\n%s", what, res.status, truncateBody(res.body))
				continue
			}
			refused++
			wants := []string{"is read-only", "Nothing was saved", readOnlyReason}
			if role == "" {
				// A member of the public (an invitation link, a consultant request) reads that the
				// organisation cannot take it now: not its billing, nor who should pay.
				wants = []string{"is read-only", "Nothing was sent", "contact"}
				if strings.Contains(body, readOnlyReason) || strings.Contains(body, "administrator can pay") {
					t.Errorf("%s: the public's refusal tells them about the tenant's payments", what)
				}
			}
			for _, want := range wants {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the refusal does not say %q\n%s", what, want, truncateBody(body))
				}
			}
			if role == "" {
				if after := countAll(t, env, tables); !sameCounts(before, after) {
					t.Errorf("%s: refused, yet wrote: %s", what, diffCounts(before, after))
				}
				continue
			}
			if role == "tenant_admin" {
				if !strings.Contains(body, `href="`+billingURL+`"`) {
					t.Errorf("%s: the tenant admin's refusal does not link to %s", what, billingURL)
				}
			} else if strings.Contains(body, billingURL) {
				t.Errorf("%s: a %q refusal links to billing, which they may not open", what, role)
			} else if !strings.Contains(body, "Your tenant administrator can pay") {
				t.Errorf("%s: the refusal does not say who can pay\n%s", what, truncateBody(body))
			}
			if after := countAll(t, env, tables); !sameCounts(before, after) {
				t.Errorf("%s: refused, yet wrote: %s", what, diffCounts(before, after))
			}
		}
		if refused < 50 {
			t.Fatalf("only %d write routes refused: is the route table read?", refused)
		}
		t.Logf("%d pages of read routes answered (each as every role that may open it), %d write routes refused", gets, refused)
	})

	t.Run("HTMXWriteGetsThePageInMain", func(t *testing.T) {
		admin := clients["tenant_admin"]
		admin.t = t
		res := post(admin, "/t/"+slug+"/people/invitations", plausible, "HX-Request", "true")
		if res.status != http.StatusLocked {
			t.Fatalf("htmx write: %d, want 423", res.status)
		}
		if got := res.header.Get(web.HXRetarget); got != "#main-content" {
			t.Fatalf("HX-Retarget %q, want #main-content", got)
		}
		if got := res.header.Get(web.HXReswap); got != "innerHTML" {
			t.Fatalf("HX-Reswap %q, want innerHTML", got)
		}
		if !strings.Contains(html.UnescapeString(res.body), readOnlyReason) {
			t.Fatalf("the htmx answer does not say why\n%s", truncateBody(res.body))
		}
	})

	// The AsRead POSTs are not refused by the gate: a report request goes through (a run).
	t.Run("AsReadPOSTsGoThrough", func(t *testing.T) {
		var through int
		for _, r := range routes {
			if !tenantRoute(r) || r.Writes() || r.Method == http.MethodGet || r.Method == http.MethodHead {
				continue
			}
			role, c := roleFor(r)
			if c == nil {
				t.Errorf("%s %s: no demo role holds %s", r.Method, r.Path, r.Access.Perm)
				continue
			}
			c.t = t
			path := fx.fill(t, r.Path)
			values := plausible
			re := pathRe(r.Path)
			for _, f := range forms[role] {
				if re.MatchString(f.action) {
					values = f.values
					for k, v := range f.choices {
						if values.Get(k) == "" {
							values.Set(k, v)
						}
					}
					break
				}
			}
			res := post(c, path, values)
			what := r.Method + " " + path + " as " + role
			switch {
			case res.status == http.StatusLocked || strings.Contains(res.body, "Nothing was saved"):
				t.Errorf("%s: refused as read-only (%d); it is marked AsRead", what, res.status)
			case res.status == standIn:
				t.Logf("%s: 501, the skeleton's stand-in", what)
			case res.status >= 500:
				t.Errorf("%s: %d\n%s", what, res.status, truncateBody(res.body))
			case res.status == http.StatusSeeOther && strings.Contains(res.header.Get("Location"), "/runs/"):
				through++
			default:
				t.Logf("%s: %d", what, res.status)
			}
		}
		if through == 0 {
			t.Fatal("no report or export request of a read-only tenant went through to its run")
		}
		t.Logf("%d report and export requests went through to their runs", through)
	})

	// Paying makes the tenant writable at once: an active subscription, applied as the webhook
	// worker applies it, and the next write goes through.
	t.Run("PayingMakesItWritable", func(t *testing.T) {
		ctx := env.scoped(slug)
		sub := &stripe.Subscription{ID: "sub_readonly_paid", Status: stripe.SubscriptionStatusActive,
			Customer: &stripe.Customer{ID: "cus_readonly"}, CurrentPeriodEnd: time.Now().AddDate(0, 1, 0).Unix()}
		if _, err := env.app.Billing.ApplySubscription(ctx, sub, time.Now().Unix(), "evt_readonly_paid"); err != nil {
			t.Fatal(err)
		}
		admin := clients["tenant_admin"]
		admin.t = t
		home := html.UnescapeString(admin.get("/t/"+slug+"/").mustStatus(t, http.StatusOK).body)
		if strings.Contains(home, "is read-only") {
			t.Fatal("paid, yet the banner still shows")
		}
		before := countAll(t, env, tables)
		res := post(admin, "/t/"+slug+"/people/invitations", url.Values{"email": {"paid.again@example.org"},
			"name": {"Paid Again"}, "role": {"supervisor"}})
		if res.status == http.StatusLocked || res.status >= 400 {
			t.Fatalf("a write after paying: %d, want it to go through\n%s", res.status, truncateBody(res.body))
		}
		if after := countAll(t, env, tables); sameCounts(before, after) {
			t.Fatal("a write after paying wrote nothing")
		}
	})
}

// TestReadOnlyTrialEndedThenExtended: a trial that ended makes the tenant read-only with the
// trial's sentence; the platform console still works on it (its routes are not the tenant's),
// and extending the trial there makes the tenant writable at once (tenants' OnLifeChanged hook,
// wired to billing's Refresh by the server).
func TestReadOnlyTrialEndedThenExtended(t *testing.T) {
	env := newTestEnv(t)
	slug := "ohio"
	id := env.tenantID(slug)
	ended := time.Now().UTC().AddDate(0, 0, -3).Truncate(time.Second)
	if _, err := env.raw().NewUpdate().Table("tenants").Set("trial_ends_at = ?", ended).Set("status = ?", tenants.StatusTrial).
		Where("id = ?", id).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := env.app.Billing.Refresh(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	admin := env.client(t)
	admin.signIn("admin@ohio.example")
	home := html.UnescapeString(admin.get("/t/"+slug+"/").mustStatus(t, http.StatusOK).body)
	sentence := "The trial ended on " + ended.Format("January 2, 2006") + "."
	if !strings.Contains(home, "is read-only.") || !strings.Contains(home, sentence) {
		t.Fatalf("the home page of a tenant whose trial ended does not say %q\n%s", sentence, truncateBody(home))
	}
	invite := url.Values{"email": {"after.trial@example.org"}, "name": {"After Trial"}, "role": {"supervisor"}}
	admin.post("/t/"+slug+"/people/invitations", invite).mustStatus(t, http.StatusLocked).mustContain(t, "is read-only")

	platform := env.client(t)
	platform.signIn(platformEmail)
	platform.get("/admin/tenants/" + id)
	res := platform.post("/admin/tenants/"+id+"/trial", url.Values{"days": {"14"}})
	if res.status != http.StatusSeeOther && res.status != http.StatusOK {
		t.Fatalf("the platform admin extending a read-only tenant's trial: %d\n%s", res.status, truncateBody(res.body))
	}
	tn, err := env.app.Tenants.Store().TenantByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if tn.AccessUntil == nil || !tn.AccessUntil.After(time.Now().AddDate(0, 0, 13)) || tn.ReadOnly(time.Now()) != "" {
		t.Fatalf("after the extension: access until %v, read-only %q; want two weeks from now, writable", tn.AccessUntil, tn.ReadOnly(time.Now()))
	}
	admin.get("/t/" + slug + "/people")
	res = admin.post("/t/"+slug+"/people/invitations", invite)
	if res.status == http.StatusLocked || res.status >= 400 {
		t.Fatalf("a write after the trial was extended: %d\n%s", res.status, truncateBody(res.body))
	}
}
