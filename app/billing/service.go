package billing

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/tenants"
)

// Deps are what billing stands on.
type Deps struct {
	DB      *bun.DB
	Audit   *audit.Log
	Mail    *mail.Mailer
	Queue   *jobs.Queue
	Tenants *tenants.Store
	Cfg     config.Stripe
	BaseURL string
	Log     *slog.Logger
	// HTTPClient carries the calls to Stripe (nil: stripe-go's own); tests count them.
	HTTPClient *http.Client
	// Now is the clock (nil: time.Now); tests move it.
	Now func() time.Time
}

// Service is billing.
type Service struct {
	d  Deps
	sc *client.API // nil while billing is not set up (no STRIPE_SECRET_KEY)
	// prices are the plans' Stripe prices, read once per process (the billing page).
	prices priceCache
}

// New returns billing. Without a Stripe secret key it still decides access (the trial, comps
// and contracts) and serves the pages, which say billing is not set up.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Cfg.GraceDays == 0 && d.Cfg.NetDays == 0 {
		d.Cfg.GraceDays, d.Cfg.NetDays = 14, 30
	}
	s := &Service{d: d}
	if d.Cfg.SecretKey != "" {
		s.sc = NewClient(d.Cfg, d.HTTPClient)
	}
	return s
}

// NewClient is a Stripe client on cfg's key, talking to cfg.APIURL when set (stripe-mock).
func NewClient(cfg config.Stripe, hc *http.Client) *client.API {
	bc := &stripe.BackendConfig{HTTPClient: hc, MaxNetworkRetries: stripe.Int64(2),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelWarn}}
	if cfg.APIURL != "" {
		bc.URL = stripe.String(cfg.APIURL)
	}
	api := stripe.GetBackendWithConfig(stripe.APIBackend, bc)
	return client.New(cfg.SecretKey, &stripe.Backends{API: api, Connect: api, Uploads: api})
}

// On reports whether billing is set up (Stripe keys given).
func (s *Service) On() bool { return s.sc != nil }

// Stripe is the client (nil while billing is not set up).
func (s *Service) Stripe() *client.API { return s.sc }

// Config is billing's configuration.
func (s *Service) Config() config.Stripe { return s.d.Cfg }

func (s *Service) now() time.Time {
	if s.d.Now != nil {
		return s.d.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

// PlanByCode is the plan of code, or nil.
func PlanByCode(code string) *config.Plan {
	for i := range config.Plans {
		if config.Plans[i].Code == code {
			return &config.Plans[i]
		}
	}
	return nil
}

// planOfPrice names the plan and interval ("month" or "year") of a configured price id.
func (s *Service) planOfPrice(priceID string) (code, interval string) {
	for c, p := range s.d.Cfg.Prices {
		switch priceID {
		case p.Monthly:
			return c, "month"
		case p.Annual:
			return c, "year"
		}
	}
	return "", ""
}
