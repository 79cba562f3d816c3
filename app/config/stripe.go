package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Stripe is billing's configuration. With no STRIPE_SECRET_KEY (the embedded default) billing
// is not set up: the product runs as before, the billing page says so, and the platform admin
// can still comp a tenant or record a contract paid outside Stripe.
type Stripe struct {
	SecretKey     string // STRIPE_SECRET_KEY: sk_test_…, sk_live_… or a restricted rk_…
	WebhookSecret string // STRIPE_WEBHOOK_SECRET: whsec_…, the endpoint's signing secret
	// APIURL points the client elsewhere than api.stripe.com (STRIPE_API_URL): stripe-mock in
	// tests and docker-compose. Empty: Stripe itself.
	APIURL string
	// Prices are the Stripe price ids of each plan: STRIPE_PRICE_<CODE>_MONTHLY and
	// STRIPE_PRICE_<CODE>_ANNUAL, for the codes of Plans.
	Prices map[string]PlanPrices
	// GraceDays is how long a tenant whose payment failed keeps writing (BILLING_GRACE_DAYS,
	// 14 by default); NetDays the invoice terms of a tenant paying by invoice (BILLING_NET_DAYS,
	// 30 by default).
	GraceDays int
	NetDays   int
}

// PlanPrices are one plan's Stripe prices: per active consultant seat, a month and a year.
type PlanPrices struct{ Monthly, Annual string }

// Plan is one plan on offer: its code (in Stripe metadata and the environment's names), its
// name, and what it includes. Prices are per active consultant seat; funder, program and
// supervisor people are free seats.
type Plan struct {
	Code     string
	Name     string
	For      string
	Features []string
}

// Plans are the plans on offer. Their prices come from the environment (Stripe.Prices).
var Plans = []Plan{
	{Code: "partnership", Name: "Partnership", For: "A local partnership or a single county's consultation program.",
		Features: []string{"Consultation records: engagements, sessions, assessments and plans",
			"Reflective supervision and staffing requirements",
			"Budget amendments with your funders", "NCPC and funder reports, dashboards"}},
	{Code: "statewide", Name: "Statewide", For: "A state system with many programs, funders and consultant agencies.",
		Features: []string{"Everything in Partnership",
			"The consultant registry and the public consultant search",
			"Imports and full exports", "Annual invoicing on your fiscal year, by purchase order"}},
}

var (
	stripeKeyRE    = regexp.MustCompile(`^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$`)
	stripeSecretRE = regexp.MustCompile(`^whsec_[A-Za-z0-9+/=]{8,}$`)
	stripePriceRE  = regexp.MustCompile(`^price_[A-Za-z0-9]{4,}$`)
)

// PriceVar is the environment variable of a plan's price.
func PriceVar(code, interval string) string {
	return "STRIPE_PRICE_" + strings.ToUpper(code) + "_" + strings.ToUpper(interval)
}

// loadStripe reads the Stripe settings. Any one that is set and malformed stops the program,
// naming it; a secret key without a webhook secret or without any plan's prices too.
func loadStripe(getenv func(string) string, c *Config) error {
	s := Stripe{SecretKey: strings.TrimSpace(getenv("STRIPE_SECRET_KEY")), WebhookSecret: strings.TrimSpace(getenv("STRIPE_WEBHOOK_SECRET")),
		APIURL: strings.TrimRight(strings.TrimSpace(getenv("STRIPE_API_URL")), "/"), Prices: map[string]PlanPrices{}}
	var err error
	if s.GraceDays, err = intVar(getenv, "BILLING_GRACE_DAYS", 14, 0, 90); err != nil {
		return err
	}
	if s.NetDays, err = intVar(getenv, "BILLING_NET_DAYS", 30, 1, 120); err != nil {
		return err
	}
	if s.SecretKey != "" && !stripeKeyRE.MatchString(s.SecretKey) {
		return &Error{"STRIPE_SECRET_KEY", "must be a Stripe secret key (sk_test_…, sk_live_…) or restricted key (rk_…)"}
	}
	if s.WebhookSecret != "" && !stripeSecretRE.MatchString(s.WebhookSecret) {
		return &Error{"STRIPE_WEBHOOK_SECRET", "must be the webhook endpoint's signing secret (whsec_…)"}
	}
	if s.APIURL != "" {
		u, err := url.Parse(s.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{"STRIPE_API_URL", "must be an http:// or https:// URL (stripe-mock: http://localhost:12111)"}
		}
	}
	for _, p := range Plans {
		var pp PlanPrices
		for _, iv := range []struct {
			name string
			dst  *string
		}{{"monthly", &pp.Monthly}, {"annual", &pp.Annual}} {
			name := PriceVar(p.Code, iv.name)
			v := strings.TrimSpace(getenv(name))
			if v == "" {
				continue
			}
			if !stripePriceRE.MatchString(v) {
				return &Error{name, fmt.Sprintf("must be a Stripe price id (price_…), not %q", v)}
			}
			*iv.dst = v
		}
		if pp.Monthly != "" || pp.Annual != "" {
			s.Prices[p.Code] = pp
		}
	}
	if s.SecretKey == "" {
		if s.WebhookSecret != "" || len(s.Prices) > 0 {
			return &Error{"STRIPE_SECRET_KEY", "is required when STRIPE_WEBHOOK_SECRET or a STRIPE_PRICE_… is set"}
		}
	} else {
		if s.WebhookSecret == "" {
			return &Error{"STRIPE_WEBHOOK_SECRET", "is required with STRIPE_SECRET_KEY (the signing secret of the endpoint POST /webhooks/stripe)"}
		}
		if len(s.Prices) == 0 {
			return &Error{PriceVar(Plans[0].Code, "monthly"), "or another plan's price is required with STRIPE_SECRET_KEY"}
		}
	}
	c.Stripe = s
	return nil
}

// BillingOn reports whether Stripe is set up.
func (s Stripe) BillingOn() bool { return s.SecretKey != "" }
