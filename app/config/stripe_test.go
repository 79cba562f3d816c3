package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/config"
)

// withStripe is the production environment with billing set up (the keys mean nothing outside
// stripe-mock).
func withStripe() map[string]string {
	env := production()
	env["STRIPE_SECRET_KEY"] = "sk_test_51Holdspace0000000000"
	env["STRIPE_WEBHOOK_SECRET"] = "whsec_Holdspace0000000000"
	env["STRIPE_PRICE_PARTNERSHIP_MONTHLY"] = "price_1PartnerMonth"
	env["STRIPE_PRICE_PARTNERSHIP_ANNUAL"] = "price_1PartnerYear"
	env["STRIPE_PRICE_STATEWIDE_MONTHLY"] = "price_1StateMonth"
	env["STRIPE_API_URL"] = "http://localhost:12111/"
	return env
}

// stripeError loads env and wants it refused naming variable (and, for a secret, without
// printing its value).
func stripeError(t *testing.T, env map[string]string, variable string) {
	t.Helper()
	c, err := config.Load(getenv(env), false)
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("got config %v, error %v; want a *config.Error naming %s", c, err, variable)
	}
	if ce.Var != variable || !strings.Contains(err.Error(), variable) {
		t.Fatalf("got %q (Var %s), want it to name %s", err, ce.Var, variable)
	}
	for _, secret := range []string{"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"} {
		if v := env[secret]; len(v) > 6 && strings.Contains(err.Error(), v) {
			t.Errorf("the error %q prints %s's value", err, secret)
		}
	}
}

func TestStripeConfig(t *testing.T) {
	t.Run("NothingSetBillingOff", func(t *testing.T) {
		for _, embedded := range []bool{false, true} {
			env := production()
			if embedded {
				env = map[string]string{"DATA_DIR": t.TempDir()}
			}
			c, err := config.Load(getenv(env), embedded)
			if err != nil {
				t.Fatal(err)
			}
			s := c.Stripe
			if s.BillingOn() || s.SecretKey != "" || s.WebhookSecret != "" || s.APIURL != "" || len(s.Prices) != 0 {
				t.Errorf("embedded %v: got %+v, want billing off", embedded, s)
			}
			if s.GraceDays != 14 || s.NetDays != 30 {
				t.Errorf("embedded %v: grace %d days, net %d days; want 14 and 30", embedded, s.GraceDays, s.NetDays)
			}
		}
	})

	t.Run("SetUp", func(t *testing.T) {
		env := withStripe()
		env["STRIPE_PRICE_STATEWIDE_ANNUAL"] = "  price_1StateYear  "
		env["BILLING_GRACE_DAYS"] = "21"
		env["BILLING_NET_DAYS"] = "45"
		c, err := config.Load(getenv(env), false)
		if err != nil {
			t.Fatal(err)
		}
		s := c.Stripe
		if !s.BillingOn() || s.SecretKey != env["STRIPE_SECRET_KEY"] || s.WebhookSecret != env["STRIPE_WEBHOOK_SECRET"] {
			t.Errorf("got %+v, want the keys", s)
		}
		if s.APIURL != "http://localhost:12111" {
			t.Errorf("got API URL %q, want it without the trailing slash", s.APIURL)
		}
		want := map[string]config.PlanPrices{"partnership": {Monthly: "price_1PartnerMonth", Annual: "price_1PartnerYear"},
			"statewide": {Monthly: "price_1StateMonth", Annual: "price_1StateYear"}}
		if len(s.Prices) != len(want) || s.Prices["partnership"] != want["partnership"] || s.Prices["statewide"] != want["statewide"] {
			t.Errorf("got prices %+v, want %+v", s.Prices, want)
		}
		if s.GraceDays != 21 || s.NetDays != 45 {
			t.Errorf("got grace %d, net %d; want 21 and 45", s.GraceDays, s.NetDays)
		}
	})

	t.Run("OnePlanIsEnough", func(t *testing.T) {
		env := withStripe()
		delete(env, "STRIPE_PRICE_PARTNERSHIP_MONTHLY")
		delete(env, "STRIPE_PRICE_PARTNERSHIP_ANNUAL")
		delete(env, "STRIPE_API_URL")
		c, err := config.Load(getenv(env), false)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Stripe.Prices["partnership"]; ok || c.Stripe.APIURL != "" {
			t.Errorf("got %+v, want statewide's price only, and Stripe itself", c.Stripe)
		}
	})

	// Each malformed value stops the program, naming its variable.
	for _, tc := range []struct{ variable, value string }{
		{"STRIPE_SECRET_KEY", "pk_test_51Holdspace0000000000"}, // a publishable key
		{"STRIPE_SECRET_KEY", "sk_test_short"},
		{"STRIPE_SECRET_KEY", "sk_prod_51Holdspace0000000000"},
		{"STRIPE_SECRET_KEY", "sk_test_51Holdspace 0000000000"},
		{"STRIPE_WEBHOOK_SECRET", "Holdspace0000000000"},
		{"STRIPE_WEBHOOK_SECRET", "whsec_"},
		{"STRIPE_WEBHOOK_SECRET", "whsec_abc def ghi jkl"},
		{"STRIPE_PRICE_PARTNERSHIP_MONTHLY", "prod_1PartnerMonth"}, // a product, not a price
		{"STRIPE_PRICE_PARTNERSHIP_ANNUAL", "price_"},
		{"STRIPE_PRICE_STATEWIDE_MONTHLY", "29.00"},
		{"STRIPE_PRICE_STATEWIDE_ANNUAL", "price_1 StateYear"},
		{"STRIPE_API_URL", "localhost:12111"},
		{"STRIPE_API_URL", "ftp://localhost:12111"},
		{"STRIPE_API_URL", "http://"},
		{"BILLING_GRACE_DAYS", "two weeks"},
		{"BILLING_GRACE_DAYS", "-1"},
		{"BILLING_GRACE_DAYS", "91"},
		{"BILLING_NET_DAYS", "0"},
		{"BILLING_NET_DAYS", "121"},
		{"BILLING_NET_DAYS", "net 30"},
	} {
		t.Run("Malformed "+tc.variable+"="+tc.value, func(t *testing.T) {
			env := withStripe()
			env[tc.variable] = tc.value
			stripeError(t, env, tc.variable)
		})
	}
	// Grace and net days are checked with billing off too: they are read either way.
	t.Run("MalformedGraceWithoutStripe", func(t *testing.T) {
		env := production()
		env["BILLING_GRACE_DAYS"] = "x"
		stripeError(t, env, "BILLING_GRACE_DAYS")
	})

	// Half a setup is refused, naming what is missing.
	for _, tc := range []struct {
		name    string
		drop    []string
		missing string
	}{
		{"KeyWithoutWebhookSecret", []string{"STRIPE_WEBHOOK_SECRET"}, "STRIPE_WEBHOOK_SECRET"},
		{"KeyWithoutPrices", []string{"STRIPE_PRICE_PARTNERSHIP_MONTHLY", "STRIPE_PRICE_PARTNERSHIP_ANNUAL",
			"STRIPE_PRICE_STATEWIDE_MONTHLY"}, "STRIPE_PRICE_PARTNERSHIP_MONTHLY"},
		{"WebhookSecretWithoutKey", []string{"STRIPE_SECRET_KEY", "STRIPE_PRICE_PARTNERSHIP_MONTHLY",
			"STRIPE_PRICE_PARTNERSHIP_ANNUAL", "STRIPE_PRICE_STATEWIDE_MONTHLY"}, "STRIPE_SECRET_KEY"},
		{"PricesWithoutKey", []string{"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"}, "STRIPE_SECRET_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := withStripe()
			for _, v := range tc.drop {
				delete(env, v)
			}
			stripeError(t, env, tc.missing)
		})
	}
	t.Run("BlankIsUnset", func(t *testing.T) {
		env := production()
		for _, v := range []string{"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_URL"} {
			env[v] = "   "
		}
		c, err := config.Load(getenv(env), false)
		if err != nil || c.Stripe.BillingOn() {
			t.Fatalf("got %v, billing on %v; want blank values to leave billing off", err, c != nil && c.Stripe.BillingOn())
		}
	})
}

// TestPriceVar: the variables' names, as the README and the error messages give them.
func TestPriceVar(t *testing.T) {
	if got := config.PriceVar("partnership", "monthly"); got != "STRIPE_PRICE_PARTNERSHIP_MONTHLY" {
		t.Errorf("got %s", got)
	}
	if got := config.PriceVar("statewide", "annual"); got != "STRIPE_PRICE_STATEWIDE_ANNUAL" {
		t.Errorf("got %s", got)
	}
	codes := map[string]bool{}
	for _, p := range config.Plans {
		if p.Code == "" || p.Name == "" || len(p.Features) == 0 || codes[p.Code] {
			t.Errorf("plan %+v: want a unique code, a name and features", p)
		}
		codes[p.Code] = true
	}
}
