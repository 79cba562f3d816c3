package server

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// A pagination link's query string must reach the server as a query string: html/template
// percent-encodes a plain string after "?" ("page%3d2"), which the server reads as no page at
// all. The link is followed as a person without JavaScript would.
func TestPaginationLinksCarryTheirQuery(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	for i := 0; i < 60; i++ {
		if err := env.app.Audit.Record(ctx, "demo.event", "organisation", "", fmt.Sprintf("event %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	c := env.client(t)
	c.signIn("admin@illinois.example")
	first := c.get("/t/illinois/audit?action=demo.event").mustStatus(t, http.StatusOK)
	m := regexp.MustCompile(`href="(/t/illinois/audit\?[^"]*)"[^>]*usa-pagination__next-page`).FindStringSubmatch(first.body)
	if m == nil {
		t.Fatal("the audit log has no link to its next page")
	}
	link := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(link, "page=2") || !strings.Contains(link, "action=demo.event") {
		t.Fatalf("the next page link is %q, want page=2 with the filter kept", link)
	}
	c.get(link).mustStatus(t, http.StatusOK).mustContain(t, "Page 2")
}

// The sessions list's "Older sessions" link carries its cursor, and following it shows the
// next sessions.
func TestSessionListNextLinkCarriesItsCursor(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	var e consultation.Engagement
	if err := env.raw().NewSelect().Model(&e).Where("e.tenant_id = ?", env.tenantID("illinois")).
		Where("e.stage <> ?", consultation.StageClosed).OrderExpr("e.id").Limit(1).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i := 0; i < 30; i++ {
		s := &consultation.Session{ID: database.NewID(), EngagementID: e.ID, ProfileID: e.ProfileID, ProgramID: e.ProgramID,
			HeldOn: fmt.Sprintf("2001-01-%02d", i+1), Minutes: 30, Mode: "virtual", Service: "reflective_group",
			Participants: database.Counts{}, Topics: database.StringList{}, CreatedBy: "test", CreatedAt: now, UpdatedAt: now}
		s.TenantID = env.tenantID("illinois")
		if _, err := env.raw().NewInsert().Model(s).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c := env.client(t)
	c.signIn("maria.alvarez@consult.example")
	first := c.get("/t/illinois/sessions").mustStatus(t, http.StatusOK)
	m := regexp.MustCompile(`href="(/t/illinois/sessions\?[^"]*)"[^>]*usa-pagination__next-page`).FindStringSubmatch(first.body)
	if m == nil {
		t.Fatal("the sessions list has no link to older sessions")
	}
	link := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(link, "after=") {
		t.Fatalf("the older-sessions link is %q, want the cursor in it", link)
	}
	older := c.get(link).mustStatus(t, http.StatusOK)
	// The link's cursor is the first page's last session: the next page starts just after it.
	cursorDay := strings.SplitN(link[strings.Index(link, "after=")+len("after="):], "~", 2)[0]
	if strings.Contains(older.body, ">"+cursorDay+"<") || !strings.Contains(older.body, "2001-01-") {
		t.Fatalf("following the link (%s) does not show the sessions after the cursor", link)
	}
}

// The engagements list pages by its keyset (newest contact first): the "Next page" link carries
// the cursor and the filter, the next page shows the engagements after it — none twice, none
// missed — with a link back to the first page, and the htmx request gets the list alone.
func TestEngagementListPagesByItsCursor(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	var e consultation.Engagement
	if err := env.raw().NewSelect().Model(&e).Where("e.tenant_id = ?", env.tenantID("illinois")).
		OrderExpr("e.id").Limit(1).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	var program int
	if err := env.raw().NewSelect().TableExpr("engagements").ColumnExpr("COUNT(*)").
		Where("tenant_id = ? AND program_id = ?", env.tenantID("illinois"), e.ProgramID).Scan(ctx, &program); err != nil {
		t.Fatal(err)
	}
	added := map[string]bool{}
	for i := 0; i < 30; i++ {
		x := e
		x.ID, x.LastContactOn, x.FirstContactOn, x.Contacts = database.NewID(), fmt.Sprintf("2001-02-%02d", i%28+1), "2001-01-01", 3
		if _, err := env.raw().NewInsert().Model(&x).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		added[x.ID] = true
	}
	c := env.client(t)
	c.signIn("admin@illinois.example")
	rows := regexp.MustCompile(`href="/t/illinois/engagements/([0-9a-f-]{36})"`)
	seen := map[string]bool{}
	collect := func(body string) int {
		n := 0
		for _, m := range rows.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Fatalf("engagement %s is on two pages", m[1])
			}
			seen[m[1]] = true
			n++
		}
		return n
	}
	next := regexp.MustCompile(`href="(/t/illinois/engagements\?[^"]*)"[^>]*usa-pagination__next-page`)
	path := "/t/illinois/engagements?program=" + e.ProgramID
	first := c.get(path).mustStatus(t, http.StatusOK).mustContain(t, "Next page")
	if strings.Contains(first.body, "First page") {
		t.Fatal("the first page links to the first page")
	}
	if n := collect(first.body); n != consultation.CaseloadPageSize {
		t.Fatalf("the first page shows %d engagements, want %d", n, consultation.CaseloadPageSize)
	}
	for page := 2; ; page++ {
		m := next.FindStringSubmatch(first.body)
		if m == nil {
			break
		}
		link := strings.ReplaceAll(m[1], "&amp;", "&")
		if !strings.Contains(link, "after=") || !strings.Contains(link, "program="+e.ProgramID) {
			t.Fatalf("the next page link is %q, want the cursor and the filter in it", link)
		}
		frag := c.get(link, "HX-Request", "true").mustStatus(t, http.StatusOK)
		if strings.Contains(frag.body, "<h1") || !strings.Contains(frag.body, `id="engagement-list"`) {
			t.Fatalf("the htmx request for page %d got more than the list", page)
		}
		first = c.get(link).mustStatus(t, http.StatusOK).mustContain(t, "First page")
		collect(first.body)
		if page > 10 {
			t.Fatal("the pages do not end")
		}
	}
	if len(seen) != program+30 {
		t.Fatalf("the pages showed %d engagements, want %d", len(seen), program+30)
	}
	for id := range added {
		if !seen[id] {
			t.Fatalf("engagement %s is on no page", id)
		}
	}
}
