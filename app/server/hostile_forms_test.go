package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun/dialect"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// The hostile-forms test walks the route table: every POST/PUT/PATCH/DELETE route is posted,
// as a person whose role may use it, with hostile values in every field its form has (NUL,
// bytes that are not UTF-8, 100,000 characters, markup, huge and negative numbers, an
// impossible date, another tenant's ids), with the tenant's real ids in the URL and, as a
// second probe, another tenant's. It asserts: no answer of 500; every refusal (4xx) names a
// field or says not found; a refusal writes nothing (the rows of every table, counted from
// the database's catalog as the tenant purge reads it); no markup comes back unescaped.
//
// Which fields a route reads is read from its form: every page of the route table is opened as
// each role and every <form method="post"> collected (inputs, selects, textareas and their
// values). A route no page has a form for needs a line in routeFields, or in unprobed with the
// reason: a new write route without either fails this test.

// unprobed are the write routes this test cannot post to, with the reason.
var unprobed = map[string]string{
	// Stripe's signed call: no form posts to it (no session, no CSRF token; web.Webhook). The
	// signature, size and storage checks are app/billing's tests.
	"POST /webhooks/stripe": "no form posts to it: a machine's signed call (Stripe's events)",
}

// routeFields names the fields of routes whose form no page of the demo data shows (the page
// shows it only in a state the demo data is not in); an empty list is a button (a form of no
// field but its token), posted with nothing else.
var routeFields = map[string][]string{
	// The registry's review form shows only for a submitted application.
	"POST /t/:slug/registry/:profileID": {"decision", "comments", "checklist"},
	// The engagement page shows these forms only at some stages.
	"POST /t/:slug/engagements/:engagementID/reopen":            {"moved_on", "reason"},
	"POST /t/:slug/engagements/:engagementID/continued-support": {"moved_on"},
	"POST /t/:slug/engagements/:engagementID/coaching":          {"started_on"},
	"POST /t/:slug/engagements/:engagementID/back":              {"to_stage", "moved_on", "reason"},
	// Issue 12, part 4: the child's details show only on a child and family engagement; the
	// equity view's file.
	"POST /t/:slug/engagements/:engagementID/child-details": {"child_race_ethnicity", "child_sex", "child_dll", "child_iep_ifsp"},
	"POST /t/:slug/reports/child-outcomes/runs":             {"format", "calendar", "fy"},
	// A locked session shows the unlock form; the links' pages need a live link.
	"POST /t/:slug/sessions/:sessionID/unlock":              {"reason"},
	"POST /signup/confirm/:token":                           {"password", "confirm"},
	"POST /password/reset/:token":                           {"password", "confirm"},
	"POST /t/:slug/plans/:planID/agree":                     {"names", "confirm"},
	"POST /t/:slug/invitations/:token":                      {"name", "password", "confirm"},
	"POST /t/:slug/find-a-consultant/confirm/:requestToken": {},
	// Buttons shown only in a state the demo data is not in.
	"POST /admin/tenants/:tenantID/reactivate":                                {},
	"POST /admin/tenants/:tenantID/restore":                                   {},
	"POST /admin/tenants/:tenantID/support/end":                               {},
	"POST /t/:slug/people/:memberID/reactivate":                               {},
	"POST /t/:slug/profile/submit":                                            {},
	"POST /t/:slug/followups/:followUpID/done":                                {},
	"POST /t/:slug/staffing/requirements/:requirementID/kinds/:kindID/delete": {},
	"POST /t/:slug/credentials/:credentialID/delete":                          {},
	// Budget amendments: requests. The preview is posted by the proposal form as the person
	// types (hx-post); the amendment page (its own part) shows the submit button.
	"POST /t/:slug/amendments/preview":             {"funding_id", "justification", "effective_on", "line_proposed_0"},
	"POST /t/:slug/amendments/:amendmentID/submit": {},
	// Budget amendments: decisions. The fixture amendment is a draft (for the request's
	// forms); the decision form shows only on a submitted one.
	"POST /t/:slug/amendments/:amendmentID/decision": {"decision", "comment", "version", "step"},
	// Issue 12 (report runs: imports): the problems file's button shows only for an import
	// with problems; the fixture import is valid (409, "no problems to download").
	"POST /t/:slug/imports/:importID/problems": {},
	// Billing in the console (issue 13): the tenant's billing page shows the comp and contract
	// forms; ending a comp shows only while the tenant has one.
	"POST /admin/tenants/:tenantID/billing/comp":      {"until", "reason"},
	"POST /admin/tenants/:tenantID/billing/comp/end":  {},
	"POST /admin/tenants/:tenantID/billing/contracts": {"po_number", "starts_on", "ends_on", "amount", "note"},
	// Issue 13 (billing): the pay forms and the portal's button show only when billing is set
	// up and the tenant can pay (the demo's installation has no Stripe keys: 409, not set up).
	"POST /t/:slug/billing/checkout":  {"plan", "interval"},
	"POST /t/:slug/billing/invoicing": {"plan", "interval", "po_number", "billing_email", "net_days", "tax_exempt"},
	"POST /t/:slug/billing/portal":    {},
}

// routeRole is who posts a route when the first role holding its permission is not the one
// the domain lets do it.
var routeRole = map[string]string{
	"POST /t/:slug/plans/:planID/agree": authz.Program, // tenant admins hold the permission; only the program's people agree
	// Budget amendments: requests. Tenant admins hold the permission; only the program's people submit.
	"POST /t/:slug/amendments/:amendmentID/submit": authz.Program,
}

// hostileForm is one form found on a page: where it posts, how, and its fields with the values
// the page filled in.
type hostileForm struct {
	action    string
	multipart bool
	fields    []string
	values    url.Values
	files     []string
	choices   map[string]string // each select's first option with a value
}

var (
	formRe     = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	fieldRe    = regexp.MustCompile(`(?is)<(input|select|textarea)\b([^>]*)>`)
	attrRe     = regexp.MustCompile(`([a-zA-Z_:-]+)(?:\s*=\s*"([^"]*)")?`)
	selectedRe = regexp.MustCompile(`(?is)<option\b([^>]*)>`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = html.UnescapeString(m[2])
	}
	return out
}

// formsOf reads the forms of a page served at path: those it posts, and those that get the
// same page again with a choice made (an instrument chosen shows the assessment's form).
func formsOf(path, body string) (posts, gets []hostileForm) {
	for _, m := range formRe.FindAllStringSubmatch(body, -1) {
		fa := attrs(m[1])
		post := strings.EqualFold(fa["method"], "post")
		f := hostileForm{action: fa["action"], multipart: strings.Contains(fa["enctype"], "multipart"), values: url.Values{},
			choices: map[string]string{}}
		if f.action == "" {
			f.action = path
		}
		if u, err := url.Parse(f.action); err == nil {
			f.action = u.Path
		}
		seen := map[string]bool{}
		inner := m[2]
		for _, fm := range fieldRe.FindAllStringSubmatchIndex(inner, -1) {
			tag := strings.ToLower(inner[fm[2]:fm[3]])
			a := attrs(inner[fm[4]:fm[5]])
			name := a["name"]
			if name == "" || name == web.CSRFField {
				continue
			}
			switch {
			case tag == "input" && a["type"] == "file":
				f.files = append(f.files, name)
				continue
			case tag == "input" && (a["type"] == "checkbox" || a["type"] == "radio"):
				if _, checked := a["checked"]; checked {
					f.values.Add(name, a["value"])
				}
			case tag == "input" && (a["type"] == "submit" || a["type"] == "button"):
				// a button's value is sent only when it is the one clicked
			case tag == "input":
				f.values.Add(name, a["value"])
			case tag == "textarea":
				rest := inner[fm[1]:]
				if end := strings.Index(strings.ToLower(rest), "</textarea>"); end >= 0 {
					f.values.Add(name, html.UnescapeString(strings.TrimPrefix(rest[:end], "\n")))
				}
			case tag == "select":
				rest := inner[fm[1]:]
				end := strings.Index(strings.ToLower(rest), "</select>")
				if end < 0 {
					end = len(rest)
				}
				first, chosen := "", false
				for i, om := range selectedRe.FindAllStringSubmatch(rest[:end], -1) {
					oa := attrs(om[1])
					if i == 0 {
						first = oa["value"]
					}
					if _, has := f.choices[name]; !has && oa["value"] != "" {
						f.choices[name] = oa["value"]
					}
					if _, sel := oa["selected"]; sel {
						f.values.Add(name, oa["value"])
						chosen = true
					}
				}
				if !chosen {
					f.values.Add(name, first)
				}
			}
			if !seen[name] {
				seen[name] = true
				f.fields = append(f.fields, name)
			}
		}
		if post {
			posts = append(posts, f)
		} else if f.action == path {
			gets = append(gets, f)
		}
	}
	return posts, gets
}

// routeKey is how a route is named in the maps above.
func hostileRouteKey(r web.Route) string { return r.Method + " " + r.Path }

// pathRe turns a route path into a regexp matching its filled paths.
func pathRe(path string) *regexp.Regexp {
	return regexp.MustCompile("^" + paramRe.ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`) + "/?$")
}

// demoRoles are the demo people of illinois, by role, in the order a route's person is chosen.
var demoRoles = []struct{ role, email string }{
	{authz.TenantAdmin, "admin@illinois.example"},
	{authz.Consultant, "maria.alvarez@consult.example"},
	{authz.Supervisor, "supervisor@illinois.example"},
	{authz.Program, "program@illinois.example"},
	{authz.Funder, "funder@illinois.example"},
}

const platformEmail = "platform@holdspace.example"

// hostile values: each is posted into every field of a form at once.
type hostileKind struct {
	name string
	// value gives the value for a field (foreign ids depend on the field)
	value func(field string) string
	// mustRefuse: a form read through web.NewForm must refuse it, naming each field
	mustRefuse func(field string) string
}

func hostileKinds(foreign fixtures) []hostileKind {
	labelled := func(tail string) func(string) string {
		return func(field string) string { return web.FieldLabel(field) + tail }
	}
	long := strings.Repeat("x", 100000)
	return []hostileKind{
		{name: "NUL", value: func(string) string { return "Hostile\x00value" }, mustRefuse: labelled(" contains a character that cannot be stored")},
		{name: "not UTF-8", value: func(string) string { return "Hostile\xff\xfe value" }, mustRefuse: labelled(" contains a character that cannot be stored")},
		{name: "100,000 characters", value: func(string) string { return long }, mustRefuse: labelled(" is longer than")},
		{name: "markup", value: func(string) string { return `<script>alert("hs")</script><b>bold</b>` }},
		{name: "huge number", value: func(string) string { return "99999999999999999999999999" }},
		{name: "negative number", value: func(string) string { return "-1" }},
		{name: "impossible date", value: func(string) string { return "2026-02-30" }},
		{name: "another tenant's ids", value: func(field string) string { return foreignID(foreign, field) }},
	}
}

// foreignID is a record of the other tenant of the kind a field names.
func foreignID(b fixtures, field string) string {
	for _, k := range []struct{ part, fixture string }{
		{"program", "programID"}, {"funder", "funderID"}, {"agency", "agencyID"}, {"organisation", "orgID"},
		{"consultant", "profileID"}, {"profile", "profileID"}, {"engagement", "engagementID"}, {"instrument", "instrumentID"},
		{"requirement", "requirementID"}, {"kind", "kindID"}, {"site", "siteID"}, {"assignment", "assignmentID"},
		{"goal", "goalID"}, {"supervisor", "memberID"}, {"resource", "resourceID"},
	} {
		if strings.Contains(field, k.part) {
			if v, ok := b[k.fixture]; ok {
				return v
			}
		}
	}
	return b["orgID"]
}

// allTables lists every table of the database from its catalog (the tenant purge reads the
// tenant tables the same way), the migrations' own table left out.
func allTables(t *testing.T, env *testEnv) []string {
	t.Helper()
	ctx := context.Background()
	tenantTables, err := tenants.TenantTables(ctx, env.raw())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	if env.raw().Dialect().Name() == dialect.PG {
		err = env.raw().NewRaw(`SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`).Scan(ctx, &names)
	} else {
		err = env.raw().NewRaw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).Scan(ctx, &names)
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, "bun_migration") {
			out = append(out, n)
		}
	}
	for _, tt := range tenantTables {
		found := false
		for _, n := range out {
			found = found || n == tt
		}
		if !found {
			t.Fatalf("tenant table %s is not in the catalog's list", tt)
		}
	}
	return out
}

func countAll(t *testing.T, env *testEnv, tables []string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range tables {
		q := env.raw().NewSelect().Table(table)
		if table == "audit_events" {
			// Reading sealed notes is audited, and so is every request to the platform console
			// (work across tenants): records of access, not writes of the input.
			q = q.Where("action NOT LIKE ? AND action <> ?", "%_read", "platform.across_tenants")
		}
		n, err := q.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out[table] = int(n)
	}
	return out
}

// postHostile posts values to path the way the form does (url-encoded or multipart).
func postHostile(c *client, path string, form hostileForm, values url.Values) *resp {
	c.t.Helper()
	c.refreshCSRF()
	if !form.multipart {
		values.Set(web.CSRFField, c.csrf)
		return c.post(path, values)
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField(web.CSRFField, c.csrf)
	for k, vs := range values {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, name := range form.files {
		part, _ := w.CreateFormFile(name, "hostile.pdf")
		_, _ = part.Write([]byte("%PDF-1.4 hostile"))
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

var notFoundWords = []string{"not found", "There is no page at this address", "does not work", "has been used", "expired"}

// namesAField: the page has an error message at a field, or its summary links to one.
var fieldErrorRe = regexp.MustCompile(`class="usa-error-message"|href="#[^"]+"[^>]*>[^<]+</a>\s*</li>|usa-error-message`)

func TestHostileForms(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every write route with hostile values")
	}
	env := newTestEnv(t)
	a := env.tenantFixtures("illinois")
	b := env.tenantFixtures("ohio")
	tables := allTables(t, env)
	routes := env.app.Routes()

	// Every page of the route table, opened as each role, for its post forms.
	forms := map[string][]hostileForm{} // by who: role, "platform" or "public"
	collect := func(who string, c *client, kinds ...web.AccessKind) {
		for _, r := range routes {
			if r.Method != http.MethodGet || strings.Contains(r.Path, "*") || strings.HasSuffix(r.Path, ".csv") ||
				strings.Contains(r.Path, "/download") || strings.Contains(r.Path, "/evidence") || strings.Contains(r.Path, "/documents/") ||
				strings.Contains(r.Path, "/template/") || r.Path == "/metrics" {
				continue
			}
			ok := false
			for _, k := range kinds {
				ok = ok || r.Access.Kind == k
			}
			if !ok {
				continue
			}
			c.t = t
			path := a.fill(t, r.Path)
			res := c.get(path)
			if res.status != http.StatusOK {
				continue
			}
			posts, gets := formsOf(path, res.body)
			forms[who] = append(forms[who], posts...)
			for _, g := range gets {
				for k, v := range g.choices {
					if g.values.Get(k) == "" {
						g.values.Set(k, v)
					}
				}
				if again := c.get(path + "?" + g.values.Encode()); again.status == http.StatusOK {
					more, _ := formsOf(path, again.body)
					forms[who] = append(forms[who], more...)
				}
			}
		}
	}
	for _, dr := range demoRoles {
		c := env.client(t)
		c.signIn(dr.email)
		collect(dr.role, c, web.AccessTenant, web.AccessTenantPublic)
	}
	pc := env.client(t)
	pc.signIn(platformEmail)
	collect("platform", pc, web.AccessPlatform)
	collect("public", env.client(t), web.AccessPublic, web.AccessTenantPublic)

	// Every page's filters (its query string) with a NUL and bytes that are not UTF-8: refused
	// before the page reads them, naming the parameter; never a 500.
	qc := env.client(t)
	qc.signIn("admin@illinois.example")
	for _, r := range routes {
		if r.Method != http.MethodGet || strings.Contains(r.Path, "*") {
			continue
		}
		qc.t = t
		for _, q := range []string{"q=a%00b", "status=%FF%FE"} {
			res := qc.get(a.fill(t, r.Path) + "?" + q)
			label := "Search"
			if strings.HasPrefix(q, "status") {
				label = "Status"
			}
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, label+" contains a character that cannot be stored") {
				t.Errorf("GET %s?%s: %d, want 422 naming %s\n%s", r.Path, q, res.status, label, truncateBody(res.body))
			}
		}
	}

	// who may use a route, and the client for it: a role holding its permission whose pages
	// have its form, else the first role holding it.
	whoFor := func(r web.Route) (string, string) {
		switch r.Access.Kind {
		case web.AccessPlatform:
			return "platform", platformEmail
		case web.AccessPublic, web.AccessTenantPublic:
			return "public", ""
		case web.AccessSignedIn:
			return authz.TenantAdmin, "admin@illinois.example"
		}
		re := pathRe(r.Path)
		first, firstEmail := "", ""
		for _, dr := range demoRoles {
			if !env.app.Authz.RoleGrants(dr.role, r.Access.Perm) {
				continue
			}
			if dr.role == routeRole[hostileRouteKey(r)] {
				return dr.role, dr.email
			}
			if first == "" {
				first, firstEmail = dr.role, dr.email
			}
			for _, f := range forms[dr.role] {
				if re.MatchString(f.action) && routeRole[hostileRouteKey(r)] == "" {
					return dr.role, dr.email
				}
			}
		}
		return first, firstEmail
	}
	newClient := func(t *testing.T, email string) *client {
		c := env.client(t)
		if email != "" {
			c.signIn(email)
		}
		return c
	}

	kinds := hostileKinds(b)
	var probed, posts, refusals, accepted int
	var noForm []string
	for _, r := range routes {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue
		}
		key := hostileRouteKey(r)
		if reason, skip := unprobed[key]; skip {
			t.Logf("not probed: %s (%s)", key, reason)
			continue
		}
		if r.Access.Kind == web.AccessWebhook {
			// A machine's signed call, with no form and no person: TestIsolationMatrix posts to
			// it unsigned, and app/billing's webhook tests post bad, stale and good signatures.
			t.Logf("not probed: %s (a webhook: signed, no form)", key)
			continue
		}
		who, email := whoFor(r)
		if who == "" {
			t.Errorf("%s: no demo role may use it", key)
			continue
		}
		re := pathRe(r.Path)
		var form *hostileForm
		var everyone []hostileForm
		for _, list := range forms {
			everyone = append(everyone, list...)
		}
		for _, list := range [][]hostileForm{forms[who], forms["public"], everyone} {
			if form != nil {
				break
			}
			for i := range list {
				if re.MatchString(list[i].action) && (form == nil || len(list[i].fields) > len(form.fields)) {
					form = &list[i]
				}
			}
		}
		if fields, ok := routeFields[key]; ok {
			if form == nil {
				form = &hostileForm{values: url.Values{}}
			}
			for _, f := range fields {
				if !form.values.Has(f) {
					form.fields = append(form.fields, f)
					form.values.Set(f, "")
				}
			}
		}
		if form == nil {
			noForm = append(noForm, key)
			continue
		}
		probed++
		t.Run(key, func(t *testing.T) {
			for _, probe := range []struct {
				name string
				fx   fixtures
			}{{"own ids", a}, {"other tenant's ids", foreignFixtures(a, b)}} {
				if probe.name != "own ids" && (strings.Count(r.Path, ":") < 2 || r.Access.Kind == web.AccessPlatform) {
					continue // no record id in the URL (or the console, which spans tenants)
				}
				path := probe.fx.fill(t, r.Path)
				for _, k := range kinds {
					c := newClient(t, email)
					values := url.Values{}
					for name, vs := range form.values {
						values[name] = append([]string(nil), vs...)
					}
					for _, f := range form.fields {
						values.Set(f, k.value(f))
					}
					before := countAll(t, env, tables)
					res := postHostile(c, path, *form, values)
					posts++
					what := fmt.Sprintf("%s (%s, %s) as %s", path, probe.name, k.name, who)
					if res.status >= 500 {
						t.Errorf("%s: answered %d\n%s", what, res.status, truncateBody(res.body))
						continue
					}
					if strings.Contains(res.body, `<script>alert("hs")`) {
						t.Errorf("%s: the markup came back unescaped", what)
					}
					if res.status < 400 {
						accepted++
						if probe.name != "own ids" {
							t.Errorf("%s: answered %d with another tenant's ids in the URL, want 404", what, res.status)
						}
						if k.mustRefuse != nil && len(form.fields) > 0 {
							t.Errorf("%s: answered %d: a value that cannot be kept was accepted", what, res.status)
						}
						continue
					}
					refusals++
					if after := countAll(t, env, tables); !sameCounts(before, after) {
						t.Errorf("%s: refused (%d) yet wrote: %s", what, res.status, diffCounts(before, after))
					}
					body := html.UnescapeString(res.body)
					if probe.name != "own ids" {
						if res.status != http.StatusNotFound {
							t.Errorf("%s: answered %d with another tenant's ids in the URL, want 404\n%s", what, res.status, truncateBody(res.body))
						}
						continue
					}
					notFound := res.status == http.StatusNotFound || res.status == http.StatusConflict || containsAny(body, notFoundWords)
					if k.mustRefuse != nil && !notFound {
						for _, f := range form.fields {
							if want := k.mustRefuse(f); !strings.Contains(body, want) {
								t.Errorf("%s: answered %d without %q (the field %s)\n%s", what, res.status, want, f, truncateBody(res.body))
							}
						}
						continue
					}
					if !notFound && res.status != http.StatusTooManyRequests && !fieldErrorRe.MatchString(res.body) {
						t.Errorf("%s: refused (%d) without naming a field or saying not found\n%s", what, res.status, truncateBody(res.body))
					}
				}
			}
		})
	}
	sort.Strings(noForm)
	for _, key := range noForm {
		t.Errorf("%s: no page has a form that posts to it: add its fields to routeFields, or it to unprobed with the reason", key)
	}
	t.Logf("%d write routes probed with %d posts: %d refused, %d accepted", probed, posts, refusals, accepted)
	if probed < 50 {
		t.Fatalf("only %d write routes probed: is the route table read?", probed)
	}
}

// foreignFixtures are tenant A's address with tenant B's ids.
func foreignFixtures(a, b fixtures) fixtures {
	out := fixtures{}
	for k, v := range b {
		out[k] = v
	}
	out["slug"] = a["slug"]
	return out
}

func containsAny(s string, parts []string) bool {
	for _, p := range parts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func sameCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func diffCounts(a, b map[string]int) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s %d→%d", k, v, b[k]))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
