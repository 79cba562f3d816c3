package billing

// Paying by invoice (the public sector): Stripe sends each invoice with net terms, a PO number
// on every one (an invoice custom field of the customer), the customer tax exempt when it is,
// paid by bank transfer or ACH; an annual subscription is anchored to the tenant's fiscal year.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// InvoicingInput is what the "Pay by invoice" form sends.
type InvoicingInput struct {
	Plan, Interval, PONumber, BillingEmail, NetDays string
	TaxExempt                                       bool
	TenantName                                      string
}

// invoiceMethods are how an invoice may be paid: bank transfer (the customer's balance, funded
// by a transfer) and ACH debit.
var invoiceMethods = []string{"customer_balance", "us_bank_account"}

// FiscalAnchor is when an annual subscription paid by invoice renews: the next first day of the
// tenant's fiscal year (startMonth, July when 0) after now, at 00:00 UTC.
func FiscalAnchor(now time.Time, startMonth int) time.Time {
	if startMonth < 1 || startMonth > 12 {
		startMonth = 7
	}
	now = now.UTC()
	a := time.Date(now.Year(), time.Month(startMonth), 1, 0, 0, 0, 0, time.UTC)
	if !a.After(now) {
		a = a.AddDate(1, 0, 0)
	}
	return a
}

// checkInvoicing names each bad field of in and returns the net days.
func (s *Service) checkInvoicing(in *InvoicingInput) (int, error) {
	fields := map[string]string{}
	in.Plan, in.Interval = strings.TrimSpace(in.Plan), strings.TrimSpace(in.Interval)
	if in.Interval == "" {
		in.Interval = "year"
	}
	s.checkPlan(in.Plan, in.Interval, fields)
	in.PONumber = strings.TrimSpace(in.PONumber)
	switch n := len([]rune(in.PONumber)); {
	case n == 0:
		fields["po_number"] = "Enter the purchase order (PO) number: it is printed on every invoice."
	case n > 100:
		fields["po_number"] = fmt.Sprintf("Use at most 100 characters (this has %d).", n)
	}
	email, msg := accounts.NormalizeEmail(in.BillingEmail)
	if msg != "" {
		fields["billing_email"] = msg
	} else {
		in.BillingEmail = email
	}
	net := s.d.Cfg.NetDays
	if v := strings.TrimSpace(in.NetDays); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 120 {
			fields["net_days"] = "Enter a whole number of days from 1 to 120 (30 is usual)."
		} else {
			net = n
		}
	}
	if len(fields) > 0 {
		return 0, apperr.Invalid(fields)
	}
	return net, nil
}

// StartInvoicing makes ctx's tenant pay by invoice: the customer (made or updated: billing
// email, tax exempt, the PO on every invoice), then the subscription sent as invoices with net
// terms, applied at once; the invoicing details are kept on the account.
//
// Errors: EINVALID naming each bad field (nothing written); ECONFLICT when billing is not set
// up, the tenant already has a subscription, or Stripe refused.
func (s *Service) StartInvoicing(ctx context.Context, in InvoicingInput) (*Account, error) {
	if !s.On() {
		return nil, notSetUp()
	}
	net, err := s.checkInvoicing(&in)
	if err != nil {
		return nil, err
	}
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.refuseSubscribed(ctx); err != nil {
		return nil, err
	}
	t, err := s.d.Tenants.TenantByID(ctx, sc.TenantID)
	if err != nil {
		return nil, err
	}
	taxExempt := "none"
	if in.TaxExempt {
		taxExempt = "exempt"
	}
	cp := &stripe.CustomerParams{Email: stripe.String(in.BillingEmail), TaxExempt: stripe.String(taxExempt),
		InvoiceSettings: &stripe.CustomerInvoiceSettingsParams{CustomFields: []*stripe.CustomerInvoiceSettingsCustomFieldParams{
			{Name: stripe.String(POFieldName), Value: stripe.String(in.PONumber)}}}}
	name := in.TenantName
	if name == "" {
		name = t.Name
	}
	cp.Name = stripe.String(name)
	customer, err := s.ensureCustomer(ctx, cp)
	if err != nil {
		return nil, err
	}
	// An existing customer (made by an earlier Checkout) gets the invoicing details too.
	up := &stripe.CustomerParams{Params: stripe.Params{Context: ctx}, Email: cp.Email, TaxExempt: cp.TaxExempt,
		InvoiceSettings: cp.InvoiceSettings}
	up.AddMetadata("tenant_id", t.ID)
	if _, err := s.sc.Customers.Update(customer, up); err != nil {
		return nil, stripeFailed(err)
	}
	seats, err := s.activeConsultants(ctx)
	if err != nil {
		return nil, err
	}
	seats = max(1, seats)
	meta := map[string]string{"tenant_id": t.ID, "plan": in.Plan}
	now := s.now()
	params := &stripe.SubscriptionParams{
		Params:           stripe.Params{Context: ctx},
		Metadata:         meta,
		Customer:         stripe.String(customer),
		CollectionMethod: stripe.String(SendInvoice),
		DaysUntilDue:     stripe.Int64(int64(net)),
		PaymentSettings:  &stripe.SubscriptionPaymentSettingsParams{PaymentMethodTypes: stripe.StringSlice(invoiceMethods)},
		Items:            []*stripe.SubscriptionItemsParams{{Price: stripe.String(s.priceOf(in.Plan, in.Interval)), Quantity: stripe.Int64(int64(seats))}},
	}
	var anchor *time.Time
	if in.Interval == "year" {
		a := FiscalAnchor(now, t.StateFYStartMonth)
		anchor = &a
		params.BillingCycleAnchor = stripe.Int64(a.Unix())
		params.ProrationBehavior = stripe.String("create_prorations")
	}
	if t.TrialEndsAt != nil && t.TrialEndsAt.After(now) && (anchor == nil || t.TrialEndsAt.Before(*anchor)) {
		params.TrialEnd = stripe.Int64(t.TrialEndsAt.Unix())
	}
	sub, err := s.sc.Subscriptions.New(params)
	if err != nil {
		return nil, stripeFailed(err)
	}
	if sub.Metadata == nil {
		sub.Metadata = map[string]string{}
	}
	for k, v := range meta {
		if sub.Metadata[k] == "" {
			sub.Metadata[k] = v
		}
	}
	if _, err := s.ApplySubscription(ctx, sub, now.Unix(), ""); err != nil {
		return nil, err
	}
	err = s.inTenantTx(ctx, func(ctx context.Context, db database.Tenant) error {
		if _, err := db.Update((*Account)(nil)).Set("po_number = ?", in.PONumber).Set("net_days = ?", net).
			Set("billing_email = ?", in.BillingEmail).Set("tax_exempt = ?", in.TaxExempt).Set("updated_at = ?", s.now()).
			Exec(ctx); err != nil {
			return err
		}
		detail := fmt.Sprintf("Pay by invoice: subscription %s, %s billed %sly, %d seats, PO %s, net %d days, to %s", sub.ID, in.Plan,
			in.Interval, seats, in.PONumber, net, in.BillingEmail)
		if in.TaxExempt {
			detail += ", tax exempt"
		}
		if anchor != nil {
			detail += ", renews " + day(*anchor)
		}
		return s.d.Audit.Record(ctx, "billing.invoicing", "billing_account", t.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	return s.Account(ctx)
}

// Invoicing starts paying by invoice.
func (h *Handler) Invoicing(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if !h.s.On() {
		return notSetUp()
	}
	in := InvoicingInput{Plan: f.Get("plan"), Interval: f.Get("interval"), PONumber: f.Get("po_number"),
		BillingEmail: f.Get("billing_email"), NetDays: f.Get("net_days"), TaxExempt: f.Get("tax_exempt") != ""}
	if info := web.TenantOf(c); info != nil {
		in.TenantName = info.Name
	}
	err := f.Err()
	if err == nil {
		if _, err = h.s.StartInvoicing(c.UserContext(), in); err == nil {
			web.Flash(c, "You now pay by invoice: Stripe sends each invoice to "+in.BillingEmail+" with PO "+strings.TrimSpace(in.PONumber)+".")
			return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/billing")
		}
	}
	if f.Get("interval") == "" {
		f.Values.Set("interval", "year")
	}
	return h.refused(c, err, nil, f)
}
