package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStripeConfigErrors: a malformed or half Stripe setup stops every command before it
// starts anything, and the error (what main prints after "holdspace:") names the variable.
func TestStripeConfigErrors(t *testing.T) {
	base := func(t *testing.T) map[string]string {
		return map[string]string{
			"DATABASE_URL": filepath.Join(t.TempDir(), "hs.db"), "REDIS_URL": "redis://127.0.0.1:1/0",
			"BASE_URL": "http://localhost:8080", "SECRET_KEY": strings.Repeat("s3cret-", 6), "DATA_DIR": t.TempDir(),
			"STRIPE_SECRET_KEY": "sk_test_51Holdspace0000000000", "STRIPE_WEBHOOK_SECRET": "whsec_Holdspace0000000000",
			"STRIPE_PRICE_PARTNERSHIP_MONTHLY": "price_1PartnerMonth",
		}
	}
	for _, tc := range []struct {
		name, variable, value string
	}{
		{"publishable key", "STRIPE_SECRET_KEY", "pk_live_51Holdspace0000000000"},
		{"no webhook secret", "STRIPE_WEBHOOK_SECRET", ""},
		{"a product for a price", "STRIPE_PRICE_PARTNERSHIP_MONTHLY", "prod_1PartnerMonth"},
		{"mock without scheme", "STRIPE_API_URL", "localhost:12111"},
		{"grace in words", "BILLING_GRACE_DAYS", "fourteen"},
	} {
		for _, args := range [][]string{{"holdspace", "serve"}, {"holdspace", "worker"}, {"holdspace"}} {
			t.Run(tc.name+" "+strings.Join(args[1:], ""), func(t *testing.T) {
				env := base(t)
				env[tc.variable] = tc.value
				// The embedded default would serve until ctx ends: a bound, should it start.
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				var out bytes.Buffer
				err := run(ctx, args, envOf(env), &out)
				if err == nil {
					t.Fatalf("run %v with %s=%q: no error; output:\n%s", args[1:], tc.variable, tc.value, out.String())
				}
				if !strings.Contains(err.Error(), tc.variable) {
					t.Fatalf("run %v: error %q does not name %s", args[1:], err, tc.variable)
				}
				if strings.Contains(err.Error(), base(t)["STRIPE_SECRET_KEY"]) {
					t.Fatalf("run %v: error %q prints the secret key", args[1:], err)
				}
			})
		}
	}
}
