package server

import (
	"context"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/demo"
)

// TestDemoAmendments: the demo's budget amendments are there in every state the issue names,
// each as its people read it, and seeding again changes nothing.
func TestDemoAmendments(t *testing.T) {
	env := newTestEnv(t)
	seed := func() {
		t.Helper()
		if err := demo.SeedAmendments(context.Background(), env.app.Accounts, env.app.Tenants, env.app.Amendments); err != nil {
			t.Fatal(err)
		}
	}
	seed()
	states := func(slug string) map[string]int {
		t.Helper()
		var rows []struct {
			Status  string
			Applied bool
		}
		if err := env.raw().NewSelect().Table("amendments").ColumnExpr("status, applied_at IS NOT NULL AS applied").
			Where("tenant_id = ?", env.tenantID(slug)).Scan(context.Background(), &rows); err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, r := range rows {
			k := r.Status
			if r.Applied {
				k += " applied"
			}
			out[k]++
		}
		return out
	}
	il := states("illinois")
	for k, n := range map[string]int{"approved applied": 1, "submitted": 1, "draft": 1, "recorded applied": 1} {
		if il[k] != n {
			t.Errorf("illinois: %d %q amendments, want %d (all: %v)", il[k], k, n, il)
		}
	}
	nc := states("nc-piedmont")
	for k, n := range map[string]int{"submitted": 1, "recorded applied": 1} {
		if nc[k] != n {
			t.Errorf("nc-piedmont: %d %q amendments, want %d (all: %v)", nc[k], k, n, nc)
		}
	}
	versions := env.count("budget_versions", "amendment_id <> ''")
	seed()
	if again := states("illinois"); len(again) != len(il) || again["draft"] != 1 {
		t.Errorf("seeding again changed Illinois' amendments: %v, was %v", again, il)
	}
	if n := env.count("budget_versions", "amendment_id <> ''"); n != versions || n != 3 {
		t.Errorf("%d budget versions from amendments after seeding twice, want 3 (was %d)", n, versions)
	}

	// The program reads its amendments; ISBE PI's fiscal office has the one waiting on it; the
	// partnership's board has Little Acorns'.
	c := env.client(t)
	c.signIn("program@illinois.example")
	res := c.get("/t/illinois/amendments")
	for _, want := range []string{"Approved", "Waiting for a decision", "Draft", "Recorded (notice only)", "ISBE PI"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the program's list does not say %q", want)
		}
	}
	c = env.client(t)
	c.signIn("isbe.fiscal@illinois.example")
	res = c.get("/t/illinois/amendments/inbox")
	if !strings.Contains(res.body, "Prairie Families Home Visiting") {
		t.Errorf("ISBE PI's fiscal office does not see the amendment waiting on it:\n%s", truncateBody(res.body))
	}
	c = env.client(t)
	c.signIn("board@nc-piedmont.example")
	res = c.get("/t/nc-piedmont/amendments/inbox")
	if !strings.Contains(res.body, "Little Acorns Child Care Center") {
		t.Errorf("the partnership board does not see the amendment waiting on it:\n%s", truncateBody(res.body))
	}
	res = c.get("/t/nc-piedmont/")
	if !strings.Contains(res.body, "waiting for your decision") {
		t.Errorf("the board member's home page does not say an amendment waits on them:\n%s", truncateBody(res.body))
	}
}
