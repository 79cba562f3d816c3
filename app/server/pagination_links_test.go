package server

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
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
