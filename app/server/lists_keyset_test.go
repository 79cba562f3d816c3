package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
)

// Lists paged by keyset (issue 14): following the "next" links shows every row once (rows with
// equal sort keys included), and a page runs as many SQL statements with many rows as with few.

var serverTimingStatements = regexp.MustCompile(`db;desc="(\d+) statements"`)

// statementsOf is how many SQL statements the page ran (its Server-Timing header).
func statementsOf(t *testing.T, r *resp) int {
	t.Helper()
	m := serverTimingStatements.FindStringSubmatch(r.header.Get("Server-Timing"))
	if m == nil {
		t.Fatalf("no statement count in Server-Timing %q", r.header.Get("Server-Timing"))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// walkPages follows the pages' next links from first, collecting the first group of row's
// matches on every page; it fails on a row shown twice.
func walkPages(t *testing.T, c *client, first string, row *regexp.Regexp) (rows []string, pages int) {
	return walkSection(t, c, first, row, "")
}

// walkSection is walkPages reading the rows only after the text from (a page's paged table).
func walkSection(t *testing.T, c *client, first string, row *regexp.Regexp, from string) (rows []string, pages int) {
	t.Helper()
	next := regexp.MustCompile(`href="([^"]*)"[^>]*usa-pagination__next-page`)
	seen := map[string]bool{}
	for link := first; link != ""; pages++ {
		if pages > 100 {
			t.Fatal("the next-page links do not end")
		}
		body := c.get(link).mustStatus(t, http.StatusOK).body
		part := body
		if from != "" {
			part = body[strings.Index(body, from):]
		}
		for _, m := range row.FindAllStringSubmatch(part, -1) {
			if seen[m[1]] {
				t.Fatalf("%s is shown twice (again on %s)", m[1], link)
			}
			seen[m[1]] = true
			rows = append(rows, m[1])
		}
		link = ""
		if m := next.FindStringSubmatch(body); m != nil {
			link = html.UnescapeString(m[1])
			if !strings.Contains(link, "after=") {
				t.Fatalf("the next-page link %q has no cursor", link)
			}
		}
	}
	return rows, pages
}

func timedEnv(t *testing.T) *testEnv {
	return newTestEnvWith(t, func(c *config.Config) { c.ServerTiming = true })
}

// addProfiles adds n consultant profiles to the tenant (without users: the staffing table
// lists profiles); every tenth shares one name, so the cursor's id must order them.
func addProfiles(t *testing.T, env *testEnv, slug string, n int) {
	addProfilesAs(t, env, slug, n, "draft")
}

func addProfilesAs(t *testing.T, env *testEnv, slug string, n int, status string) {
	t.Helper()
	now := database.Now()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Zz Volume %03d", i)
		if i%10 == 0 {
			name = "Zz Same Name"
		}
		p := &consultants.Profile{ID: database.NewID(), UserID: database.NewID(), DisplayName: name, Status: status,
			Languages: database.StringList{}, Counties: database.StringList{}, Settings: database.StringList{},
			Specialties: database.StringList{}, Modes: database.StringList{}, ReviewChecklist: database.StringList{},
			CreatedAt: now, UpdatedAt: now}
		p.TenantID = env.tenantID(slug)
		if _, err := env.raw().NewInsert().Model(p).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStaffingPagesByKeyset(t *testing.T) {
	env := timedEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.post("/t/illinois/staffing/requirements/builtin", url.Values{"set": {"nc"}}).mustStatus(t, http.StatusSeeOther)
	admin.get("/t/illinois/staffing").mustStatus(t, http.StatusOK) // the first request of a sign-in does more
	few := statementsOf(t, admin.get("/t/illinois/staffing").mustStatus(t, http.StatusOK))
	addProfiles(t, env, "illinois", 130)
	first := admin.get("/t/illinois/staffing").mustStatus(t, http.StatusOK)
	if many := statementsOf(t, first); many != few {
		t.Fatalf("the staffing page runs %d statements with 130 more consultants, %d before", many, few)
	}
	row := regexp.MustCompile(`<th scope="row"><a href="/t/illinois/staffing/([^"/]+)">`)
	if !row.MatchString(first.body) {
		t.Fatalf("no rows in\n%s", first.body[strings.Index(first.body, "staffing-table"):])
	}
	ids, pages := walkPages(t, admin, "/t/illinois/staffing", row)
	total := env.count("consultant_profiles", "tenant_id = ?", env.tenantID("illinois"))
	if len(ids) != total || pages < 3 {
		t.Fatalf("the staffing pages show %d consultants in %d pages, want all %d", len(ids), pages, total)
	}
	first.mustContain(t, fmt.Sprintf("%d consultants", total))
	// The filter is kept in the links.
	lacking := admin.get("/t/illinois/staffing?lacking=1").mustStatus(t, http.StatusOK)
	if m := regexp.MustCompile(`href="([^"]*)"[^>]*usa-pagination__next-page`).FindStringSubmatch(lacking.body); m == nil || !strings.Contains(m[1], "lacking=1") {
		t.Fatalf("the next link of the filtered table does not keep the filter: %v", m)
	}
}

// addMembers adds n supervisors to the tenant; a third of them share one name.
func addMembers(t *testing.T, env *testEnv, slug string, n int) {
	t.Helper()
	now := database.Now()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Pat Volume %03d", i)
		if i%3 == 0 {
			name = "Pat Same"
		}
		uid := database.NewID()
		if _, err := env.raw().ExecContext(context.Background(), `INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			uid, fmt.Sprintf("pat%03d.%s@volume.example", i, slug), name, now, now); err != nil {
			t.Fatal(err)
		}
		if _, err := env.raw().ExecContext(context.Background(), `INSERT INTO memberships (tenant_id, id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, 'supervisor', ?, ?)`,
			env.tenantID(slug), database.NewID(), uid, now, now); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPeoplePagesByKeyset(t *testing.T) {
	env := timedEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.get("/t/illinois/people").mustStatus(t, http.StatusOK)
	few := statementsOf(t, admin.get("/t/illinois/people").mustStatus(t, http.StatusOK))
	addMembers(t, env, "illinois", 140)
	if many := statementsOf(t, admin.get("/t/illinois/people").mustStatus(t, http.StatusOK)); many != few {
		t.Fatalf("the people page runs %d statements with 140 more people, %d before", many, few)
	}
	row := regexp.MustCompile(`href="/t/illinois/people/([^"/]+)">`)
	ids, pages := walkPages(t, admin, "/t/illinois/people", row)
	if total := env.count("memberships", "tenant_id = ?", env.tenantID("illinois")); len(ids) != total || pages < 3 {
		t.Fatalf("the people pages show %d people in %d pages, want all %d", len(ids), pages, total)
	}
	ids, _ = walkPages(t, admin, "/t/illinois/people?role=supervisor", row)
	if total := env.count("memberships", "tenant_id = ? AND role = 'supervisor'", env.tenantID("illinois")); len(ids) != total {
		t.Fatalf("the supervisors' pages show %d people, want all %d", len(ids), total)
	}
	// Back from the second page is the first page.
	first := admin.get("/t/illinois/people").body
	m := regexp.MustCompile(`href="([^"]*)"[^>]*usa-pagination__next-page`).FindStringSubmatch(first)
	second := admin.get(html.UnescapeString(m[1])).body
	p := regexp.MustCompile(`href="([^"]*)"[^>]*usa-pagination__previous-page`).FindStringSubmatch(second)
	if p == nil {
		t.Fatal("the second page has no link back")
	}
	back := admin.get(html.UnescapeString(p[1])).body
	if a, b := row.FindAllString(back, -1), row.FindAllString(first, -1); strings.Join(a, "") != strings.Join(b, "") {
		t.Fatalf("back from the second page shows %d people, not the first page's %d", len(a), len(b))
	}
}

func TestRequestQueuePagesByKeyset(t *testing.T) {
	env := timedEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.get("/t/illinois/requests").mustStatus(t, http.StatusOK)
	few := statementsOf(t, admin.get("/t/illinois/requests").mustStatus(t, http.StatusOK))
	now := database.Now()
	same := now.Add(-time.Hour)
	for i := 0; i < 130; i++ {
		status, at := consultants.RequestClosed, now.Add(-time.Duration(i)*time.Minute)
		if i%3 == 0 {
			status = consultants.RequestOpen
		}
		if i%5 == 0 {
			at = same // equal times: the id orders them
		}
		r := &consultants.Request{ID: database.NewID(), OrganisationName: fmt.Sprintf("Volume Center %03d", i), County: "Cook",
			Need: "Help", ContactName: "Pat", ContactEmail: "pat@volume.example", Status: status, ConfirmedAt: &at, CreatedAt: at, UpdatedAt: at}
		r.TenantID = env.tenantID("illinois")
		if _, err := env.raw().NewInsert().Model(r).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	first := admin.get("/t/illinois/requests").mustStatus(t, http.StatusOK)
	if many := statementsOf(t, first); many != few {
		t.Fatalf("the requests page runs %d statements with 130 more requests, %d before", many, few)
	}
	row := regexp.MustCompile(`<td data-label="Organisation"><a href="/t/illinois/requests/([^"/]+)">`)
	ids, pages := walkPages(t, admin, "/t/illinois/requests", row)
	if total := env.count("consultant_requests", "tenant_id = ? AND status <> 'unconfirmed'", env.tenantID("illinois")); len(ids) != total || pages < 3 {
		t.Fatalf("the request pages show %d requests in %d pages, want all %d", len(ids), pages, total)
	}
	// Open ones first: no open request after a closed one.
	var statuses []string
	for _, id := range ids {
		var s string
		if err := env.raw().NewSelect().Table("consultant_requests").Column("status").Where("id = ?", id).Scan(context.Background(), &s); err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, s)
	}
	if joined := strings.Join(statuses, ","); strings.Contains(joined, "closed,open") || strings.Contains(joined, "assigned,open") {
		t.Fatalf("an open request comes after a decided one: %s", joined)
	}
	open, _ := walkPages(t, admin, "/t/illinois/requests?status=open", row)
	if total := env.count("consultant_requests", "tenant_id = ? AND status = 'open'", env.tenantID("illinois")); len(open) != total {
		t.Fatalf("the open requests' pages show %d, want all %d", len(open), total)
	}
}

func TestRegistryApprovedPagesByKeyset(t *testing.T) {
	env := timedEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.get("/t/illinois/registry").mustStatus(t, http.StatusOK)
	few := statementsOf(t, admin.get("/t/illinois/registry").mustStatus(t, http.StatusOK))
	addProfilesAs(t, env, "illinois", 120, "approved")
	addProfilesAs(t, env, "illinois", 5, "submitted")
	if many := statementsOf(t, admin.get("/t/illinois/registry").mustStatus(t, http.StatusOK)); many != few {
		t.Fatalf("the registry runs %d statements with 125 more consultants, %d before", many, few)
	}
	row := regexp.MustCompile(`href="/t/illinois/registry/([^"/]+)">`)
	ids, pages := walkSection(t, admin, "/t/illinois/registry", row, "<h2>Approved</h2>")
	if total := env.count("consultant_profiles", "tenant_id = ? AND status = 'approved'", env.tenantID("illinois")); len(ids) != total || pages < 3 {
		t.Fatalf("the registry's pages show %d approved consultants in %d pages, want all %d", len(ids), pages, total)
	}
}

func TestConsoleTenantsPagesByKeyset(t *testing.T) {
	env := timedEnv(t)
	plat := env.signedIn(t, demo.PlatformAdminEmail)
	plat.get("/admin").mustStatus(t, http.StatusOK)
	few := statementsOf(t, plat.get("/admin").mustStatus(t, http.StatusOK))
	now := database.Now()
	for i := 0; i < 120; i++ {
		name := fmt.Sprintf("Volume Agency %03d", i)
		if i%4 == 0 {
			name = "Volume Same Agency" // equal names: the id orders them
		}
		if _, err := env.raw().ExecContext(context.Background(), `INSERT INTO tenants (id, slug, name, kind, state, status, plan, time_zone, created_at, updated_at)
			VALUES (?, ?, ?, 'state_system', 'IL', 'active', 'trial', 'America/Chicago', ?, ?)`,
			database.NewID(), fmt.Sprintf("volume-%03d", i), name, now, now); err != nil {
			t.Fatal(err)
		}
	}
	if many := statementsOf(t, plat.get("/admin").mustStatus(t, http.StatusOK)); many != few {
		t.Fatalf("the console runs %d statements with 120 more tenants, %d before", many, few)
	}
	row := regexp.MustCompile(`<th scope="row" data-label="Tenant"><a class="usa-link" href="/admin/tenants/([^"/]+)">`)
	ids, pages := walkPages(t, plat, "/admin", row)
	if total := env.count("tenants", "deleted_at IS NULL"); len(ids) != total || pages < 3 {
		t.Fatalf("the console's pages show %d tenants in %d pages, want all %d", len(ids), pages, total)
	}
	ids, _ = walkPages(t, plat, "/admin?q=volume", row)
	if len(ids) != 120 {
		t.Fatalf("the search's pages show %d tenants, want the 120 that match", len(ids))
	}
}

func TestPlatformAuditPagesByKeyset(t *testing.T) {
	env := timedEnv(t)
	for _, slug := range []string{"illinois", "ohio"} {
		for i := 0; i < 40; i++ {
			if err := env.app.Audit.Record(env.scoped(slug), "demo.event", "organisation", "", fmt.Sprintf("%s event %02d", slug, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	plat := env.signedIn(t, demo.PlatformAdminEmail)
	plat.get("/admin/audit?action=demo.event").mustStatus(t, http.StatusOK)
	row := regexp.MustCompile(`<td data-label="Detail">([a-z]+ event \d+)</td>`)
	ids, pages := walkPages(t, plat, "/admin/audit?action=demo.event", row)
	if len(ids) != 80 || pages != 2 {
		t.Fatalf("the platform's log shows %d events in %d pages, want 80 in 2", len(ids), pages)
	}
	ids, _ = walkPages(t, plat, "/admin/audit?action=demo.event&tenant="+env.tenantID("ohio"), row)
	if len(ids) != 40 || !strings.HasPrefix(ids[0], "ohio") {
		t.Fatalf("ohio's events: %d (%v)", len(ids), ids[:min(3, len(ids))])
	}
}

func TestConsultantsPagePagesPrograms(t *testing.T) {
	env := timedEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.get("/t/illinois/consultants").mustStatus(t, http.StatusOK)
	few := statementsOf(t, admin.get("/t/illinois/consultants").mustStatus(t, http.StatusOK))
	now := database.Now()
	for i := 0; i < 60; i++ {
		if _, err := env.raw().ExecContext(context.Background(), `INSERT INTO organisations (tenant_id, id, kind, name, created_at, updated_at) VALUES (?, ?, 'program', ?, ?, ?)`,
			env.tenantID("illinois"), database.NewID(), fmt.Sprintf("Zz Volume Program %03d", i), now, now); err != nil {
			t.Fatal(err)
		}
	}
	if many := statementsOf(t, admin.get("/t/illinois/consultants").mustStatus(t, http.StatusOK)); many != few {
		t.Fatalf("the consultants page runs %d statements with 60 more programs, %d before", many, few)
	}
	// Three programs with 45 consultants each: a page stops before passing 100 consultants.
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		program := database.NewID()
		if _, err := env.raw().ExecContext(ctx, `INSERT INTO organisations (tenant_id, id, kind, name, created_at, updated_at) VALUES (?, ?, 'program', ?, ?, ?)`,
			env.tenantID("illinois"), program, fmt.Sprintf("Zz Busy Program %d", i), now, now); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 45; j++ {
			p := &consultants.Profile{ID: database.NewID(), UserID: database.NewID(), DisplayName: fmt.Sprintf("Busy Consultant %d-%02d", i, j),
				Status: "approved", Languages: database.StringList{}, Counties: database.StringList{}, Settings: database.StringList{},
				Specialties: database.StringList{}, Modes: database.StringList{}, ReviewChecklist: database.StringList{}, CreatedAt: now, UpdatedAt: now}
			p.TenantID = env.tenantID("illinois")
			a := &consultants.Assignment{ID: database.NewID(), ProfileID: p.ID, ProgramID: program, Status: consultants.AssignmentActive,
				StartedOn: "2026-01-05", CreatedAt: now, UpdatedAt: now}
			a.TenantID = p.TenantID
			if _, err := env.raw().NewInsert().Model(p).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := env.raw().NewInsert().Model(a).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	row := regexp.MustCompile(`<h2>([^<]+?)(?: <span[^>]*>[^<]*</span>)?</h2>`)
	names, pages := walkPages(t, admin, "/t/illinois/consultants", row)
	if total := env.count("organisations", "tenant_id = ? AND kind = 'program'", env.tenantID("illinois")); len(names) != total || pages < 3 {
		t.Fatalf("the consultants pages show %d programs in %d pages, want all %d", len(names), pages, total)
	}
	// Every active consultant once, and no page past 100 consultants unless it holds one program.
	consultant := regexp.MustCompile(`<td data-label="Consultant">([^<]+)</td>`)
	next := regexp.MustCompile(`href="([^"]*)"[^>]*usa-pagination__next-page`)
	shown := 0
	for link, n := "/t/illinois/consultants", 0; link != "" && n < 100; n++ {
		body := admin.get(link).mustStatus(t, http.StatusOK).body
		rows, programs := len(consultant.FindAllString(body, -1)), len(row.FindAllString(body, -1))
		if rows > consultants.MineRows && programs > 1 {
			t.Errorf("%s shows %d consultants of %d programs: want at most %d", link, rows, programs, consultants.MineRows)
		}
		shown += rows
		link = ""
		if m := next.FindStringSubmatch(body); m != nil {
			link = html.UnescapeString(m[1])
		}
	}
	if want := env.count("consultant_assignments", "tenant_id = ? AND status = 'active'", env.tenantID("illinois")); shown != want || want < 135 {
		t.Errorf("the pages show %d consultants, want every active one: %d", shown, want)
	}
}
