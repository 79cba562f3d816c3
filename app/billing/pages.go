package billing

// The tenant admin's billing page: the plan, its status in plain words, the trial, seats used
// and paid, the next invoice, past invoices, the payment method on file, a comp or contract in
// force, and the plans with the two ways to pay (by card through Stripe Checkout, by invoice).

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the tenant admin's billing page.
type Handler struct{ s *Service }

// NewHandler returns the billing page's handlers.
func NewHandler(s *Service) *Handler { return &Handler{s: s} }

// notAvailable is what the page says of a fact Stripe did not give.
const notAvailable = "Not available right now: Stripe could not be reached. Reload the page in a minute."

// PageData is the billing page.
type PageData struct {
	On         bool // billing is set up on this installation
	TenantName string
	PlanName   string
	Status     string // in plain words
	ReadOnly   string // why the tenant is read-only, or ""
	TrialEnds  *time.Time
	TrialOver  bool
	Account    *Account // nil before the tenant has one
	SeatsUsed  int
	SeatsPaid  int
	CancelsOn  *time.Time // the subscription ends at the end of its period

	NextDate   *time.Time
	NextAmount string
	NextNote   string // why the next invoice is not shown

	Invoices      []InvoiceRow
	PaymentMethod string
	Comp          string
	Contracts     []Contract // in force or ahead

	Plans        []PlanOffer
	CanPay       bool // the pay forms show
	HasCustomer  bool // the portal button shows
	Checkout     string
	Message      string // a message about the last action (no customer for the portal, Stripe failed)
	CheckoutForm *web.Form
	InvoiceForm  *web.Form
}

// InvoiceRow is a past invoice as the page lists it.
type InvoiceRow struct {
	Number, Status, Amount, Due, HostedURL, PDFURL, PONumber string
	Date                                                     time.Time
}

// PlanOffer is a plan on offer with its prices in words.
type PlanOffer struct {
	config.Plan
	Monthly, Annual       string // "$20.00 per consultant seat a month", or "" (no such price, or not read)
	HasMonthly, HasAnnual bool   // a price is configured
}

// statusWords names a tenant's status for a person.
func statusWords(status string) string {
	switch status {
	case tenants.StatusPastDue:
		return "Past due: a payment failed and is still unpaid"
	case "":
		return "No subscription"
	}
	return tenants.StatusLabel(status)
}

// Page is the billing page.
func (h *Handler) Page(c *fiber.Ctx) error {
	d, err := h.pageData(c, nil, nil)
	if err != nil {
		return err
	}
	switch c.Query("checkout") {
	case "done":
		d.Checkout = "done"
	case "cancelled":
		d.Checkout = "cancelled"
	}
	return h.render(c, fiber.StatusOK, d, nil)
}

func (h *Handler) render(c *fiber.Ctx, status int, d *PageData, posted *web.Form) error {
	if posted == nil {
		posted = &web.Form{Values: map[string][]string{}, Errors: map[string]string{}}
	}
	return web.Render(c, status, "billing/page", "billing/_page", web.View{Title: "Billing", D: d, Form: posted})
}

// pageData gathers the page's facts. Stripe's own (the next invoice, the payment method, the
// prices) are read with the request's context; when Stripe fails the page says so.
func (h *Handler) pageData(c *fiber.Ctx, checkoutForm, invoiceForm *web.Form) (*PageData, error) {
	s := h.s
	ctx := c.UserContext()
	sc := web.ScopeOf(c)
	t, err := s.d.Tenants.TenantByID(ctx, sc.TenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d := &PageData{On: s.On(), TenantName: t.Name, Status: statusWords(t.Status), TrialEnds: t.TrialEndsAt,
		CheckoutForm: checkoutForm, InvoiceForm: invoiceForm}
	if info := web.TenantOf(c); info != nil {
		d.ReadOnly = info.ReadOnly
	} else {
		d.ReadOnly = t.ReadOnly(now)
	}
	if t.TrialEndsAt != nil && !now.Before(*t.TrialEndsAt) {
		d.TrialOver = true
	}
	if d.SeatsUsed, err = s.activeConsultants(ctx); err != nil {
		return nil, err
	}
	a, err := s.Account(ctx)
	switch apperr.Code(err) {
	case "":
		d.Account = a
	case apperr.ENOTFOUND:
	default:
		return nil, err
	}
	d.PlanName = "None (trial)"
	if t.TrialEndsAt == nil || d.TrialOver {
		d.PlanName = "None"
	}
	if a != nil {
		d.SeatsPaid = a.SeatsPaid
		d.HasCustomer = a.StripeCustomerID != "" && s.On()
		if p := PlanByCode(a.PlanCode); p != nil && a.Subscribed() {
			d.PlanName = p.Name
			switch a.Interval {
			case "month":
				d.PlanName += ", billed monthly"
			case "year":
				d.PlanName += ", billed annually"
			}
		}
		if a.CancelAtPeriodEnd && a.CurrentPeriodEnd != nil && a.Subscribed() {
			d.CancelsOn = a.CurrentPeriodEnd
		}
		if a.CompUntil != nil && now.Before(endOfDay(*a.CompUntil)) {
			d.Comp = "Free use until " + day(*a.CompUntil)
			if a.CompReason != "" {
				d.Comp += ": " + a.CompReason
			}
			d.Comp += "."
		}
	}
	db, err := database.For(ctx, s.d.DB)
	if err != nil {
		return nil, err
	}
	var invs []Invoice
	if err := db.Select(&invs).OrderExpr("bi.created_at DESC, bi.id").Limit(36).Scan(ctx); err != nil {
		return nil, err
	}
	for _, i := range invs {
		r := InvoiceRow{Number: i.Number, Status: i.StatusLabel(), Amount: i.Total().String(), Date: i.CreatedAt,
			HostedURL: safeURL(i.HostedURL), PDFURL: safeURL(i.PDFURL), PONumber: i.PONumber}
		if r.Number == "" {
			r.Number = "(draft)"
		}
		if i.Status == "open" && i.AmountRemaining > 0 {
			r.Due = i.Due().String()
			if i.DueAt != nil {
				r.Due += " due " + day(*i.DueAt)
			}
		}
		d.Invoices = append(d.Invoices, r)
	}
	var contracts []Contract
	if err := db.Select(&contracts).Where("bc.ends_on >= ?", now.Format(time.DateOnly)).OrderExpr("bc.ends_on").Scan(ctx); err != nil {
		return nil, err
	}
	d.Contracts = contracts

	d.PaymentMethod = h.paymentMethod(ctx, a)
	if a != nil && a.Subscribed() && a.StripeSubscriptionID != "" {
		if !s.On() {
			d.NextNote = "Not shown: billing is not set up on this installation."
		} else if a.CancelAtPeriodEnd {
			d.NextNote = "None: the subscription ends at the end of its period."
		} else if inv, err := s.sc.Invoices.Upcoming(&stripe.InvoiceUpcomingParams{Params: stripe.Params{Context: ctx},
			Customer: stripe.String(a.StripeCustomerID), Subscription: stripe.String(a.StripeSubscriptionID)}); err != nil {
			s.d.Log.WarnContext(ctx, "billing: upcoming invoice", "err", err)
			d.NextNote = notAvailable
		} else {
			at := inv.NextPaymentAttempt
			if at == 0 {
				at = inv.PeriodEnd
			}
			if at == 0 {
				at = inv.Created
			}
			if at > 0 {
				t := time.Unix(at, 0).UTC()
				d.NextDate = &t
			}
			d.NextAmount = money.Cents(inv.AmountDue).String()
		}
	} else {
		d.NextNote = "None: there is no subscription."
	}

	d.CanPay = s.On() && len(s.d.Cfg.Prices) > 0 && (a == nil || !a.Subscribed())
	d.Plans = h.plans(ctx)
	if d.CheckoutForm == nil {
		d.CheckoutForm = newForm()
		d.CheckoutForm.Values.Set("interval", "month")
	}
	if d.InvoiceForm == nil {
		d.InvoiceForm = newForm()
		d.InvoiceForm.Values.Set("interval", "year")
		d.InvoiceForm.Values.Set("net_days", fmt.Sprint(s.d.Cfg.NetDays))
		if a != nil {
			if a.PONumber != "" {
				d.InvoiceForm.Values.Set("po_number", a.PONumber)
			}
			if a.BillingEmail != "" {
				d.InvoiceForm.Values.Set("billing_email", a.BillingEmail)
			}
			if a.NetDays > 0 {
				d.InvoiceForm.Values.Set("net_days", fmt.Sprint(a.NetDays))
			}
			if a.TaxExempt {
				d.InvoiceForm.Values.Set("tax_exempt", "1")
			}
		}
		if d.InvoiceForm.Get("billing_email") == "" {
			if id := web.IdentityOf(c); id != nil {
				d.InvoiceForm.Values.Set("billing_email", id.Email)
			}
		}
	}
	return d, nil
}

func newForm() *web.Form {
	return &web.Form{Values: map[string][]string{}, Errors: map[string]string{}}
}

// safeURL keeps a link from Stripe only when it is https (or http, for stripe-mock).
func safeURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// paymentMethod is the way the tenant pays, in words.
func (h *Handler) paymentMethod(ctx context.Context, a *Account) string {
	s := h.s
	if a == nil || (a.StripeCustomerID == "" && a.CollectionMethod == "") {
		return "None on file."
	}
	if a.CollectionMethod == SendInvoice {
		out := fmt.Sprintf("By invoice, net %d days", a.NetDays)
		if a.PONumber != "" {
			out += ", PO " + a.PONumber
		}
		if a.BillingEmail != "" {
			out += ", sent to " + a.BillingEmail
		}
		if a.TaxExempt {
			out += ", tax exempt"
		}
		return out + "."
	}
	if !s.On() || a.StripeCustomerID == "" {
		return "None on file."
	}
	var pm *stripe.PaymentMethod
	cust, err := s.sc.Customers.Get(a.StripeCustomerID, &stripe.CustomerParams{Params: stripe.Params{Context: ctx,
		Expand: stripe.StringSlice([]string{"invoice_settings.default_payment_method"})}})
	if err != nil {
		s.d.Log.WarnContext(ctx, "billing: customer", "err", err)
		return notAvailable
	}
	if cust.InvoiceSettings != nil {
		pm = cust.InvoiceSettings.DefaultPaymentMethod
	}
	if (pm == nil || pm.Type == "") && a.StripeSubscriptionID != "" {
		sub, err := s.sc.Subscriptions.Get(a.StripeSubscriptionID, &stripe.SubscriptionParams{Params: stripe.Params{Context: ctx,
			Expand: stripe.StringSlice([]string{"default_payment_method"})}})
		if err != nil {
			s.d.Log.WarnContext(ctx, "billing: subscription", "err", err)
			return notAvailable
		}
		pm = sub.DefaultPaymentMethod
	}
	return describePaymentMethod(pm)
}

func describePaymentMethod(pm *stripe.PaymentMethod) string {
	switch {
	case pm == nil:
		return "None on file."
	case pm.Card != nil:
		brand := string(pm.Card.Brand)
		if brand == "" || brand == "unknown" {
			brand = "Card"
		}
		brand = strings.ToUpper(brand[:1]) + brand[1:]
		return fmt.Sprintf("%s card ending %s.", brand, pm.Card.Last4)
	case pm.USBankAccount != nil:
		name := pm.USBankAccount.BankName
		if name == "" {
			name = "Bank account"
		}
		return fmt.Sprintf("%s account ending %s.", name, pm.USBankAccount.Last4)
	case pm.Type != "":
		return strings.ReplaceAll(string(pm.Type), "_", " ") + "."
	}
	return "None on file."
}

// priceCache keeps the plans' prices read from Stripe, per process.
type priceCache struct {
	mu sync.Mutex
	m  map[string]*stripe.Price
}

// price is the Stripe price id, read once per process; nil when Stripe fails (tried again on
// the next page).
func (s *Service) price(ctx context.Context, id string) *stripe.Price {
	if s.sc == nil || id == "" {
		return nil
	}
	s.prices.mu.Lock()
	p, ok := s.prices.m[id]
	s.prices.mu.Unlock()
	if ok {
		return p
	}
	p, err := s.sc.Prices.Get(id, &stripe.PriceParams{Params: stripe.Params{Context: ctx}})
	if err != nil {
		s.d.Log.WarnContext(ctx, "billing: price", "price", id, "err", err)
		return nil
	}
	s.prices.mu.Lock()
	if s.prices.m == nil {
		s.prices.m = map[string]*stripe.Price{}
	}
	s.prices.m[strings.Clone(id)] = p
	s.prices.mu.Unlock()
	return p
}

func priceWords(p *stripe.Price, per string) string {
	if p == nil {
		return ""
	}
	return money.Cents(p.UnitAmount).String() + " per consultant seat " + per
}

// plans are the plans on offer with their prices.
func (h *Handler) plans(ctx context.Context) []PlanOffer {
	var out []PlanOffer
	for _, p := range config.Plans {
		o := PlanOffer{Plan: p}
		pp := h.s.d.Cfg.Prices[p.Code]
		o.HasMonthly, o.HasAnnual = pp.Monthly != "", pp.Annual != ""
		if h.s.On() {
			o.Monthly = priceWords(h.s.price(ctx, pp.Monthly), "a month")
			o.Annual = priceWords(h.s.price(ctx, pp.Annual), "a year")
		}
		out = append(out, o)
	}
	return out
}

// priceOf is the configured price id of a plan and interval ("month" or "year"), or "".
func (s *Service) priceOf(plan, interval string) string {
	pp, ok := s.d.Cfg.Prices[plan]
	if !ok {
		return ""
	}
	if interval == "year" {
		return pp.Annual
	}
	if interval == "month" {
		return pp.Monthly
	}
	return ""
}

// checkPlan names what is wrong with a plan and interval chosen, into fields.
func (s *Service) checkPlan(plan, interval string, fields map[string]string) {
	p := PlanByCode(plan)
	switch {
	case p == nil:
		fields["plan"] = "Choose a plan from the list."
	case interval != "month" && interval != "year":
		fields["interval"] = "Choose monthly or annual billing."
	case s.priceOf(plan, interval) == "":
		other := map[string]string{"month": "monthly", "year": "annual"}[interval]
		fields["interval"] = fmt.Sprintf("The %s plan cannot be paid %s on this installation: choose the other billing period.", p.Name, other)
	}
}

// activeConsultants counts the tenant's active consultant memberships: the paid seats.
func (s *Service) activeConsultants(ctx context.Context) (int, error) {
	db, err := database.For(ctx, s.d.DB)
	if err != nil {
		return 0, err
	}
	n, err := db.SelectFrom("memberships", "m").Where("m.role = ? AND m.active = ?", authz.Consultant, true).Count(ctx)
	return int(n), err
}

// notSetUp refuses a pay action while billing is not set up.
func notSetUp() error {
	return apperr.Errorf(apperr.ECONFLICT, "Billing is not set up on this installation: there is nothing to pay. Your platform administrator can record a contract instead.")
}
