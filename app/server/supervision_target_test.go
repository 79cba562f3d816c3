package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/demo"
)

func TestSupervisionTarget(t *testing.T) {
	env := newTestEnv(t)
	const path = "/t/illinois/supervision/target"
	target := func(slug string) int {
		t.Helper()
		m, err := env.app.Supervision.Target(env.scoped(slug))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	changes := func() int { return env.count("audit_events", "action = ?", "supervision.target_update") }

	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	// Linked for admins from the overview and the assignments page.
	admin.get("/t/illinois/supervision").mustStatus(t, 200).mustContain(t, `href="`+path+`"`, "2 h a month")
	admin.get("/t/illinois/supervision/assignments").mustStatus(t, 200).mustContain(t, `href="`+path+`"`)
	admin.get(path).mustStatus(t, 200).mustContain(t, "120 minutes (2 h)", "24 h a fiscal year", `value="120"`)

	t.Run("BadValuesNamedAndKept", func(t *testing.T) {
		for _, in := range []string{"ninety", "14", "2401", ""} {
			admin.post(path, url.Values{"target_minutes": {in}}).mustStatus(t, 422).
				mustContain(t, "Please correct the fields marked below.", "whole number from 15 to 2,400", `id="target_minutes-error"`,
					`aria-invalid="true"`, `value="`+in+`"`)
		}
		if m, n := target("illinois"), changes(); m != 120 || n != 0 {
			t.Fatalf("bad values: target %d, %d audit events; want 120 and none", m, n)
		}
	})

	t.Run("AdminChangesIt", func(t *testing.T) {
		admin.post(path, url.Values{"target_minutes": {"180"}}).mustStatus(t, 303)
		if m := target("illinois"); m != 180 {
			t.Fatalf("target %d, want 180", m)
		}
		if env.count("audit_events", "action = ? AND detail = ?", "supervision.target_update",
			"Monthly target 120 minutes (2 h) → 180 minutes (3 h)") != 1 {
			t.Fatal("no audit event saying old → new")
		}
		admin.get("/t/illinois/supervision").mustStatus(t, 200).
			mustContain(t, "Target changed from 2 h to 3 h a month.", "The target is 3 h a month (36 h a fiscal year)")
		admin.get("/t/illinois/audit").mustStatus(t, 200).mustContain(t, "Supervision target changed")
		// Supervisors and consultants measure against the new target too.
		sup := env.client(t)
		sup.signIn("supervisor@illinois.example")
		sup.get("/t/illinois/supervision").mustStatus(t, 200).mustContain(t, "of 3 h")
		if strings.Contains(sup.get("/t/illinois/supervision").body, `href="`+path+`"`) {
			t.Fatal("a supervisor is offered the target page")
		}
		con := env.client(t)
		con.signIn(demo.SharedConsultantEmail)
		con.get("/t/illinois/supervision/mine").mustStatus(t, 200).mustContain(t, "of 3 h", "36 h")
		// Another tenant keeps its own.
		if m := target("ohio"); m != 120 {
			t.Fatalf("ohio's target changed to %d", m)
		}
		// "2,400" is read as written in the hint.
		admin.post(path, url.Values{"target_minutes": {"2,400"}}).mustStatus(t, 303)
		if m := target("illinois"); m != 2400 {
			t.Fatalf("target %d, want 2400", m)
		}
	})

	t.Run("OtherRolesRefused", func(t *testing.T) {
		before, n := target("illinois"), changes()
		for _, email := range []string{"supervisor@illinois.example", demo.SharedConsultantEmail, "program@illinois.example", "funder@illinois.example"} {
			c := env.client(t)
			c.signIn(email)
			c.get(path).mustStatus(t, http.StatusForbidden).mustContain(t, "does not include this page")
			c.post(path, url.Values{"target_minutes": {"60"}}).mustStatus(t, http.StatusForbidden)
		}
		if target("illinois") != before || changes() != n {
			t.Fatal("a role without the permission changed the target")
		}
	})
}
