package billing

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// The platform console's billing: the revenue view across tenants (on the console's
// cross-tenant path, which its gate opens and audits), and one tenant's subscription, invoices,
// contracts and comp, with the forms that comp it and record a contract paid outside Stripe.

// ConsoleHandler serves the platform console's billing pages.
type ConsoleHandler struct{ s *Service }

// NewConsoleHandler returns the console's billing handlers.
func NewConsoleHandler(s *Service) *ConsoleHandler { return &ConsoleHandler{s: s} }

// ConsoleStatuses are the tenant statuses the revenue view counts, in its order.
var ConsoleStatuses = []string{tenants.StatusTrial, tenants.StatusActive, tenants.StatusPastDue, tenants.StatusCanceled,
	tenants.StatusComped, tenants.StatusContract, tenants.StatusSuspended}

// StatusCount is how many tenants are in a status.
type StatusCount struct {
	Status string
	Count  int
}

// Label is the status for a person.
func (c StatusCount) Label() string { return tenants.StatusLabel(c.Status) }

// TrialEnding is a tenant whose trial ends soon.
type TrialEnding struct {
	ID          string    `bun:"id"`
	Name        string    `bun:"name"`
	Slug        string    `bun:"slug"`
	TrialEndsAt time.Time `bun:"trial_ends_at"`
}

// FailedPayment is an open invoice of a tenant's current subscription whose payment failed.
type FailedPayment struct {
	TenantID        string    `bun:"tenant_id"`
	TenantName      string    `bun:"tenant_name"`
	InvoiceID       string    `bun:"invoice_id"`
	Number          string    `bun:"number"`
	AmountRemaining int64     `bun:"amount_remaining"`
	FirstFailedAt   time.Time `bun:"first_failed_at"`
	ReadOnlyAt      time.Time `bun:"-"`
}

// Due is what is still to pay.
func (f FailedPayment) Due() money.Cents { return money.Cents(f.AmountRemaining) }

// Overview is the revenue view.
type Overview struct {
	MRR           money.Cents
	Subscriptions int // paying subscriptions counted in MRR
	Contracts     int // contracts in force today counted in MRR
	Statuses      []StatusCount
	Tenants       int // tenants not deleted
	ReadOnly      int // of them, read-only now
	Trials        []TrialEnding
	Failed        []FailedPayment
	GraceDays     int
	Today         string
	On            bool
}

// TrialWindow is how far ahead the revenue view lists trials ending.
const TrialWindow = 7 * 24 * time.Hour

// Overview reads the revenue view across tenants. ctx must be on the cross-tenant path (the
// console's gate puts it there): the numbers span every tenant on purpose.
func (s *Service) Overview(ctx context.Context) (*Overview, error) {
	if _, ok := database.AcrossTenantsWhy(ctx); !ok {
		return nil, apperr.Errorf(apperr.EINTERNAL, "billing.Overview: not on the cross-tenant path")
	}
	now := s.now()
	o := &Overview{GraceDays: s.d.Cfg.GraceDays, Today: now.Format(time.DateOnly), On: s.On()}
	db := s.d.DB
	live := "JOIN tenants AS t ON t.id = %s.tenant_id AND t.deleted_at IS NULL"

	var accounts []Account
	if err := db.NewSelect().Model(&accounts).Join(strings.Replace(live, "%s", "ba", 1)).Scan(ctx); err != nil {
		return nil, err
	}
	for i := range accounts {
		if r := accounts[i].MonthlyRevenue(); r > 0 {
			o.MRR += r
			o.Subscriptions++
		}
	}
	var contracts []Contract
	if err := db.NewSelect().Model(&contracts).Join(strings.Replace(live, "%s", "bc", 1)).
		Where("bc.starts_on <= ? AND bc.ends_on >= ?", o.Today, o.Today).Scan(ctx); err != nil {
		return nil, err
	}
	for i := range contracts {
		o.MRR += contracts[i].MonthlyRevenue()
		o.Contracts++
	}

	var counts []struct {
		Status string `bun:"status"`
		N      int    `bun:"n"`
	}
	if err := db.NewSelect().TableExpr("tenants AS t").ColumnExpr("t.status, COUNT(*) AS n").
		Where("t.deleted_at IS NULL").GroupExpr("t.status").Scan(ctx, &counts); err != nil {
		return nil, err
	}
	by := map[string]int{}
	for _, c := range counts {
		by[c.Status] = c.N
		o.Tenants += c.N
	}
	for _, st := range ConsoleStatuses {
		o.Statuses = append(o.Statuses, StatusCount{Status: st, Count: by[st]})
	}
	n, err := db.NewSelect().TableExpr("tenants AS t").
		Where("t.deleted_at IS NULL AND t.access_until IS NOT NULL AND t.access_until <= ?", now).Count(ctx)
	if err != nil {
		return nil, err
	}
	o.ReadOnly = int(n)

	if err := db.NewSelect().TableExpr("tenants AS t").ColumnExpr("t.id, t.name, t.slug, t.trial_ends_at").
		Where("t.deleted_at IS NULL AND t.status = ?", tenants.StatusTrial).
		Where("t.trial_ends_at > ? AND t.trial_ends_at <= ?", now, now.Add(TrialWindow)).
		OrderExpr("t.trial_ends_at, t.name").Scan(ctx, &o.Trials); err != nil {
		return nil, err
	}

	// The same invoices as the access rule's (facts): open, failed, of the current subscription.
	if err := db.NewSelect().TableExpr("billing_invoices AS bi").
		Join("JOIN billing_accounts AS ba ON ba.tenant_id = bi.tenant_id AND ba.stripe_subscription_id = bi.subscription_id").
		Join("JOIN tenants AS t ON t.id = bi.tenant_id AND t.deleted_at IS NULL").
		ColumnExpr("bi.tenant_id, t.name AS tenant_name, bi.id AS invoice_id, bi.number, bi.amount_remaining, bi.first_failed_at").
		Where("bi.status = 'open' AND bi.first_failed_at IS NOT NULL").
		OrderExpr("bi.first_failed_at, t.name").Limit(500).Scan(ctx, &o.Failed); err != nil {
		return nil, err
	}
	for i := range o.Failed {
		o.Failed[i].FirstFailedAt = o.Failed[i].FirstFailedAt.UTC()
		o.Failed[i].ReadOnlyAt = o.Failed[i].FirstFailedAt.AddDate(0, 0, o.GraceDays)
	}
	return o, nil
}

// Revenue is the platform's revenue view.
func (h *ConsoleHandler) Revenue(c *fiber.Ctx) error {
	o, err := h.s.Overview(c.UserContext())
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "billing/console_revenue", "", web.View{Wide: true, Title: "Billing", D: o})
}

// TenantBillingData is one tenant's billing in the console.
type TenantBillingData struct {
	Tenant    *tenants.Tenant
	Account   *Account // nil: the tenant has never been near billing
	Plan      *config.Plan
	Invoices  []Invoice
	Contracts []Contract
	ReadOnly  string // why the tenant is read-only now, or ""
	Today     string
	MinComp   string // the comp form's bounds (YYYY-MM-DD)
	MaxComp   string
	GraceDays int
	On        bool
}

// CompActive reports whether the tenant has a comp that has not ended.
func (d *TenantBillingData) CompActive() bool {
	return d.Account != nil && d.Account.CompUntil != nil && d.Today <= d.Account.CompUntil.UTC().Format(time.DateOnly)
}

// tenantBilling reads one tenant's billing, in its scope.
func (s *Service) tenantBilling(ctx context.Context, tenantID string) (*TenantBillingData, error) {
	ctx, t, err := s.tenantCtx(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	today := now.Truncate(24 * time.Hour)
	d := &TenantBillingData{Tenant: t, ReadOnly: t.ReadOnly(now), Today: today.Format(time.DateOnly),
		MinComp: today.AddDate(0, 0, 1).Format(time.DateOnly), MaxComp: today.AddDate(MaxCompYears, 0, 0).Format(time.DateOnly),
		GraceDays: s.d.Cfg.GraceDays, On: s.On()}
	switch a, err := s.Account(ctx); apperr.Code(err) {
	case "":
		d.Account = a
		d.Plan = PlanByCode(a.PlanCode)
	case apperr.ENOTFOUND:
	default:
		return nil, err
	}
	db, err := database.For(ctx, s.d.DB)
	if err != nil {
		return nil, err
	}
	if err := db.Select(&d.Invoices).OrderExpr("bi.created_at DESC, bi.id").Limit(100).Scan(ctx); err != nil {
		return nil, err
	}
	if err := db.Select(&d.Contracts).OrderExpr("bc.ends_on DESC, bc.created_at DESC").Scan(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

func (h *ConsoleHandler) renderTenant(c *fiber.Ctx, status int, f *web.Form) error {
	d, err := h.s.tenantBilling(c.UserContext(), c.Params("tenantID"))
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	return web.Render(c, status, "billing/console_tenant", "", web.View{Title: "Billing of " + d.Tenant.Name, D: d, Form: f})
}

// TenantBilling is one tenant's subscription and invoices.
func (h *ConsoleHandler) TenantBilling(c *fiber.Ctx) error {
	return h.renderTenant(c, fiber.StatusOK, nil)
}

// refused shows the tenant's billing page again with the form's messages when err is about
// the input (handled); another error is returned as it is.
func (h *ConsoleHandler) refused(c *fiber.Ctx, f *web.Form, err error) (bool, error) {
	if err == nil {
		return false, nil
	}
	f.Errors = map[string]string{}
	if status := web.FormError(f, err); status != 0 {
		return true, h.renderTenant(c, status, f)
	}
	return true, err
}

func (h *ConsoleHandler) back(c *fiber.Ctx, t *tenants.Tenant, msg string) error {
	web.Flash(c, msg)
	return web.Redirect(c, "/admin/tenants/"+t.ID+"/billing")
}

// Comp gives a tenant free use until a date.
func (h *ConsoleHandler) Comp(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var t *tenants.Tenant
	err := f.Err()
	if err == nil {
		t, err = h.s.Comp(c.UserContext(), c.Params("tenantID"), CompInput{Until: f.Get("until"), Reason: f.Get("reason")})
	}
	if handled, rerr := h.refused(c, f, err); handled {
		return rerr
	}
	until, _ := time.Parse(time.DateOnly, strings.TrimSpace(f.Get("until")))
	return h.back(c, t, t.Name+" uses Holdspace for free until the end of "+until.Format("January 2, 2006")+". This is in its audit log.")
}

// EndComp ends a comp.
func (h *ConsoleHandler) EndComp(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if err := f.Err(); err != nil {
		if handled, rerr := h.refused(c, f, err); handled {
			return rerr
		}
	}
	t, ended, err := h.s.EndComp(c.UserContext(), c.Params("tenantID"))
	if err != nil {
		return err
	}
	if !ended {
		return h.back(c, t, t.Name+" has no free use to end: nothing changed.")
	}
	return h.back(c, t, "The free use of "+t.Name+" has ended. This is in its audit log.")
}

// RecordContract records a contract paid outside Stripe.
func (h *ConsoleHandler) RecordContract(c *fiber.Ctx) error {
	f := web.NewForm(c)
	var t *tenants.Tenant
	var k *Contract
	err := f.Err()
	if err == nil {
		t, k, err = h.s.RecordContract(c.UserContext(), c.Params("tenantID"), ContractInput{PONumber: f.Get("po_number"),
			StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"), Amount: f.Get("amount"), Note: f.Get("note")},
			strings.Clone(web.IdentityOf(c).Email))
	}
	if handled, rerr := h.refused(c, f, err); handled {
		return rerr
	}
	return h.back(c, t, "The contract (PO "+k.PONumber+") is recorded: "+t.Name+" may make changes through "+
		mustDay(k.EndsOn)+". This is in its audit log.")
}

// mustDay is a YYYY-MM-DD date in words.
func mustDay(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("January 2, 2006")
}
