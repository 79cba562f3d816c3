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
