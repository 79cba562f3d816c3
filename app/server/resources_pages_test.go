package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The resource library is paginated, and its pages keep the filter.
func TestResourceLibraryPages(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	admin.get("/t/illinois/resources").mustStatus(t, http.StatusOK) // the built-in entries
	for i := 0; i < 30; i++ {
		admin.post("/t/illinois/resources", url.Values{"title": {fmt.Sprintf("Calm transitions %02d", i)}, "topic": {"Zz paging"},
			"audience": {"families"}}).mustStatus(t, http.StatusSeeOther)
	}
	first := admin.get("/t/illinois/resources?topic=Zz+paging").mustStatus(t, http.StatusOK)
	first.mustContain(t, "Calm transitions 00", "Calm transitions 24", "Page 1", "page=2")
	if !strings.Contains(first.body, "Zz") || !strings.Contains(first.body[strings.Index(first.body, "usa-pagination__list"):], "paging") {
		t.Fatal("the next page link drops the filter")
	}
	if strings.Contains(first.body, "Calm transitions 25") {
		t.Fatal("the first page shows more than 25 resources")
	}
	second := admin.get("/t/illinois/resources?topic=Zz+paging&page=2").mustStatus(t, http.StatusOK)
	second.mustContain(t, "Calm transitions 25", "Calm transitions 29", "Page 2", "page=1")
	if strings.Contains(second.body, "Calm transitions 24") || strings.Contains(second.body, "usa-pagination__next-page") {
		t.Fatal("the second page repeats the first or offers a third")
	}
	admin.get("/t/illinois/resources?page=-3").mustStatus(t, http.StatusOK).mustContain(t, "Page 1")
}
