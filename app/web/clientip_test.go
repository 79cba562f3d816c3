package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// ipApp answers with c.IP(), configured the way the server is (app/server/http.go).
func ipApp(trusted []string) *fiber.App {
	app := fiber.New(fiber.Config{EnableTrustedProxyCheck: true, TrustedProxies: trusted,
		ProxyHeader: fiber.HeaderXForwardedFor, EnableIPValidation: true})
	app.Use(ForwardedFor(trusted))
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(c.IP()) })
	return app
}

func ipOf(t *testing.T, app *fiber.App, xff ...string) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, v := range xff {
		req.Header.Add("X-Forwarded-For", v)
	}
	res, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func TestClientAddress(t *testing.T) {
	// app.Test's connections come from 0.0.0.0: that is "the proxy" here.
	direct := ipOf(t, ipApp(nil))
	if direct == "" {
		t.Fatal("no address at all")
	}
	t.Run("NoTrustedProxyHeaderIgnored", func(t *testing.T) {
		if got := ipOf(t, ipApp(nil), "203.0.113.9"); got != direct {
			t.Fatalf("with no trusted proxy, X-Forwarded-For 203.0.113.9 gave %q, want the connection's %q", got, direct)
		}
	})
	t.Run("UntrustedProxyHeaderIgnored", func(t *testing.T) {
		if got := ipOf(t, ipApp([]string{"10.0.0.0/8"}), "203.0.113.9"); got != direct {
			t.Fatalf("from a connection not in TRUSTED_PROXIES, X-Forwarded-For gave %q, want %q", got, direct)
		}
	})
	trusted := ipApp([]string{direct, "10.0.0.0/8"})
	for _, tc := range []struct {
		name string
		xff  []string
		want string
	}{
		{"OneAddress", []string{"203.0.113.9"}, "203.0.113.9"},
		{"ClientPrependsAFakeOne", []string{"198.51.100.1, 203.0.113.9"}, "203.0.113.9"},
		{"ChainOfTrustedProxies", []string{"198.51.100.1, 203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"SeveralHeaderLines", []string{"198.51.100.1", "203.0.113.9"}, "203.0.113.9"},
		{"IPv6", []string{"2001:db8::7"}, "2001:db8::7"},
		{"MappedIPv4", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"Garbage", []string{"not an address"}, direct},
		{"GarbageOnTheRight", []string{"203.0.113.9, <script>"}, direct},
		{"NoHeader", nil, direct},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ipOf(t, trusted, tc.xff...); got != tc.want {
				t.Fatalf("X-Forwarded-For %q from a trusted proxy gave %q, want %q", tc.xff, got, tc.want)
			}
		})
	}
}
