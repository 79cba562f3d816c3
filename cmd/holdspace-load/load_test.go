package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// TestQuickLoad is make load-quick: every page for every role on a small and a larger
// database; it fails on a 5xx, or a page whose statements grow with the rows it shows.
func TestQuickLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two databases")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out, progress bytes.Buffer
	err := runQuick(ctx, &options{}, &out, &progress)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	// What a person reads: the table names the pages, the roles and the verdicts.
	for _, want := range []string{"/t/:slug/sessions", "tenant_admin", "consultant", "supervisor", "ok"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the quick table does not mention %q", want)
		}
	}
}

func TestParseServerTiming(t *testing.T) {
	st, ok := parseServerTiming(`db;desc="12 statements";dur=3.250, app;dur=7.125, draw;dur=1.500`)
	if want := (timing{Statements: 12, SQL: 3.25, App: 7.125, Draw: 1.5}); !ok || st != want {
		t.Fatalf("got %+v %v, want %+v", st, ok, want)
	}
	// A server from before the drawing time.
	st, ok = parseServerTiming(`db;desc="1 statement";dur=0.250, app;dur=0.500`)
	if want := (timing{Statements: 1, SQL: 0.25, App: 0.5}); !ok || st != want {
		t.Fatalf("got %+v %v, want %+v", st, ok, want)
	}
	if _, ok := parseServerTiming(""); ok {
		t.Fatal("an absent header parsed")
	}
}

func TestPagesSkipFilesAndGiveEachRoleItsPages(t *testing.T) {
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	routes := []web.Route{
		{Method: "GET", Path: "/t/:slug/audit", Access: web.Tenant("audit", "read")},
		{Method: "GET", Path: "/t/:slug/engagements", Access: web.Tenant("engagements", "read")},
		{Method: "GET", Path: "/t/:slug/runs/:runID/download", Access: web.Tenant("runs", "read")},
		{Method: "GET", Path: "/t/:slug/sessions.csv", Access: web.Tenant("sessions_csv", "read")},
		{Method: "POST", Path: "/t/:slug/engagements", Access: web.Tenant("engagements", "create")},
		{Method: "GET", Path: "/static/*", Access: web.Public},
		{Method: "GET", Path: "/signin", Access: web.Public},
	}
	roles := []string{authz.TenantAdmin, authz.Consultant, anonymous}
	pages := pagesOf(routes, az, roles, nil)
	got := map[string]string{}
	for _, p := range pages {
		got[p.Name()] = strings.Join(p.Roles, ",")
	}
	want := map[string]string{
		"/t/:slug/audit":             "tenant_admin",
		"/t/:slug/audit, page 2,000": "tenant_admin",
		"/t/:slug/engagements":       "tenant_admin,consultant",
		"/signin":                    "anonymous",
	}
	if len(got) != len(want) {
		t.Errorf("pages: %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: roles %q, want %q", k, got[k], v)
		}
	}
}

func TestOverGoal(t *testing.T) {
	fast := Row{Status: 200, ServerMS: 3, SQLMS: 2, Rates: []RateResult{{Rate: 200, P50MS: 2, P99MS: 8}}}
	if why := overGoal(fast); why != "" {
		t.Errorf("a fast page is over the goal: %s", why)
	}
	slow := Row{Status: 200, ServerMS: 30, SQLMS: 10, Rates: []RateResult{{Rate: 200, Skipped: "fell behind at 50/s"}}}
	why := overGoal(slow)
	if !strings.Contains(why, "fell behind") || !strings.Contains(why, "3.0× SQL") {
		t.Errorf("a slow page's reasons: %q", why)
	}
}

// TestUnderFloorIsListed: a page under the ratio's floor is not over the goal, but the report
// lists it when its server time is over the ratio, worst first, and says so in the text.
func TestUnderFloorIsListed(t *testing.T) {
	rep := &Report{Rows: []Row{
		{Page: "/a", Role: "consultant", Status: 200, ServerMS: 1.0, SQLMS: 0.5, DrawMS: 0.2},     // 2×
		{Page: "/b", Role: "consultant", Status: 200, ServerMS: 1.2, SQLMS: 0.4},                  // 3×
		{Page: "/c", Role: "consultant", Status: 200, ServerMS: 0.6, SQLMS: 0.5},                  // within
		{Page: "/d", Role: "consultant", Status: 200, ServerMS: 3.0, SQLMS: 1.0},                  // over the goal
		{Page: "/e", Role: "consultant", Status: 404, ServerMS: 1.0, SQLMS: 0.1, Problem: "gone"}, // not measured
	}}
	rep.finish()
	if len(rep.Over) != 1 || !strings.HasPrefix(rep.Over[0], "/d ") {
		t.Fatalf("over the goal: %q", rep.Over)
	}
	if len(rep.UnderFloor) != 2 || !strings.HasPrefix(rep.UnderFloor[0], "/b ") || !strings.Contains(rep.UnderFloor[1], "/a (consultant): server 1.00 ms = 2.00× SQL (drawing 0.20 ms)") {
		t.Fatalf("under the floor: %q", rep.UnderFloor)
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "Under the 2 ms floor, not counted: 2 with server over 1.5× SQL") {
		t.Errorf("the report does not list the pages under the floor:\n%s", out.String())
	}
}

func TestQuickFailsOnGrowthAndServerErrors(t *testing.T) {
	small := []Row{
		{Page: "/a", Role: "consultant", Status: 200, Statements: 8},
		{Page: "/b", Role: "consultant", Status: 200, Statements: 8},
		{Page: "/c", Role: "consultant", Status: 200, Statements: 8},
		{Page: "/d", Role: "consultant", Status: 200, Statements: 8},
	}
	large := []Row{
		{Page: "/a", Role: "consultant", Status: 200, Statements: 8},
		{Page: "/b", Role: "consultant", Status: 200, Statements: 9},  // a next-page query
		{Page: "/c", Role: "consultant", Status: 200, Statements: 14}, // one per row
		{Page: "/d", Role: "consultant", Status: 500, Statements: 8},
	}
	var out bytes.Buffer
	failures := printQuick(&out, small, large)
	if len(failures) != 2 || !strings.Contains(failures[0], "/c") || !strings.Contains(failures[0], "N+1") ||
		!strings.Contains(failures[1], "/d") || !strings.Contains(failures[1], "500") {
		t.Errorf("failures: %q\n%s", failures, out.String())
	}
}
