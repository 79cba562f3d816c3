package server

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/web"
)

// TestRouteTableRefusesRoutesWithoutPermission: the server does not start with such a route.
func TestRouteTableRefusesRoutesWithoutPermission(t *testing.T) {
	env := newTestEnv(t)
	h := func(c *fiber.Ctx) error { return nil }
	cases := []struct {
		name  string
		route web.Route
		want  string
	}{
		{"ErrNoAccess", web.Route{Method: "GET", Path: "/t/:slug/secret", Handler: h}, "has no permission"},
		{"ErrUnknownPermission", web.NewRoute("GET", "/t/:slug/x", web.Tenant("nuclear", "launch"), h), "no role in policies/roles.csv holds nuclear:launch"},
		{"ErrNoHandler", web.NewRoute("GET", "/x", web.Public, nil), "has no handler"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := env.app.checkRoutes(append(env.app.Routes(), tc.route))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		if err := env.app.checkRoutes(env.app.Routes()); err != nil {
			t.Fatal(err)
		}
	})
}
