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

	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
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
	t.Helper()
	next := regexp.MustCompile(`href="([^"]*)"[^>]*usa-pagination__next-page`)
	seen := map[string]bool{}
	for link := first; link != ""; pages++ {
		if pages > 100 {
			t.Fatal("the next-page links do not end")
		}
		body := c.get(link).mustStatus(t, http.StatusOK).body
		for _, m := range row.FindAllStringSubmatch(body, -1) {
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
	t.Helper()
	now := database.Now()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Zz Volume %03d", i)
		if i%10 == 0 {
			name = "Zz Same Name"
		}
		p := &consultants.Profile{ID: database.NewID(), UserID: database.NewID(), DisplayName: name, Status: "draft",
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
