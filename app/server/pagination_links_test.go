package server

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// A pagination link's query string must reach the server as a query string: html/template
// percent-encodes a plain string after "?" ("after%3d..."), which the server reads as no
// cursor at all. The links are followed as a person without JavaScript would: the filter is
// kept, the older pages show older events, and across the pages (events recorded in the same
// microsecond included) no event is shown twice or skipped; "Newer events" goes back.
func TestPaginationLinksCarryTheirQuery(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	for i := 0; i < 120; i++ {
		if err := env.app.Audit.Record(ctx, "demo.event", "organisation", "", fmt.Sprintf("event %03d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// Ten events share one instant: the cursor's id orders them.
	if _, err := env.raw().NewUpdate().Table("audit_events").Set("created_at = ?", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)).
		Where("tenant_id = ? AND detail IN (?)", env.tenantID("illinois"), bun.In([]string{"event 040", "event 041", "event 042",
			"event 043", "event 044", "event 045", "event 046", "event 047", "event 048", "event 049"})).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	c := env.client(t)
	c.signIn("admin@illinois.example")
	next := regexp.MustCompile(`href="(/t/illinois/audit\?[^"]*)"[^>]*usa-pagination__next-page`)
	prev := regexp.MustCompile(`href="(/t/illinois/audit\?[^"]*)"[^>]*usa-pagination__previous-page`)
	detail := regexp.MustCompile(`<td data-label="Detail">(event \d+)</td>`)
	seen := map[string]int{}
	var pages []string
	link := "/t/illinois/audit?action=demo.event"
	for n := 1; link != ""; n++ {
		if n > 10 {
			t.Fatal("the older-events links do not end")
		}
		body := c.get(link).mustStatus(t, http.StatusOK).body
		pages = append(pages, link)
		for _, m := range detail.FindAllStringSubmatch(body, -1) {
			seen[m[1]]++
		}
		m := next.FindStringSubmatch(body)
		if m == nil {
			break
		}
		link = strings.ReplaceAll(m[1], "&amp;", "&")
		if !strings.Contains(link, "after=") || !strings.Contains(link, "action=demo.event") {
			t.Fatalf("the older-events link is %q, want the cursor with the filter kept", link)
		}
	}
	if len(pages) != 3 {
		t.Fatalf("120 events in %d pages, want 3 of at most 50", len(pages))
	}
	for i := 0; i < 120; i++ {
		if d := fmt.Sprintf("event %03d", i); seen[d] != 1 {
			t.Fatalf("%s shown %d times across the pages, want once", d, seen[d])
		}
	}
	// htmx asks for the list alone: the fragment has the events and the links, not the layout.
	frag := c.get(pages[1], "HX-Request", "true").mustStatus(t, http.StatusOK).body
	if strings.Contains(frag, "<html") || !strings.Contains(frag, `id="audit-events"`) || !next.MatchString(frag) {
		t.Fatalf("the htmx fragment of the second page is not the list with its links:\n%s", frag)
	}
	// Back from the last page: the newer events are the second page's.
	last := c.get(pages[2]).body
	m := prev.FindStringSubmatch(last)
	if m == nil || !strings.Contains(last, "Back to the newest") {
		t.Fatal("the last page has no link to newer events, or none back to the newest")
	}
	back := c.get(strings.ReplaceAll(m[1], "&amp;", "&")).mustStatus(t, http.StatusOK).body
	second := c.get(pages[1]).body
	if a, b := detail.FindAllString(back, -1), detail.FindAllString(second, -1); strings.Join(a, "") != strings.Join(b, "") {
		t.Fatalf("newer events from the last page show %d events, not the second page's %d", len(a), len(b))
	}
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
