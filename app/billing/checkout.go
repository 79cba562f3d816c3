package billing

// Paying by card: Stripe Checkout makes the subscription (never a card form of ours), and the
// customer portal manages it (the card, invoices, cancelling at the end of the period).

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// CheckoutInput is what the "Pay by card" form sends.
type CheckoutInput struct {
	Plan, Interval string
	// For the Stripe customer made on the first payment.
	TenantName, AdminEmail string
}

// CheckoutURL starts a Stripe Checkout session for ctx's tenant and returns where to send the
// admin. The customer is made (and kept on the account) if the tenant has none.
//
// Errors: EINVALID naming plan or interval; ECONFLICT when billing is not set up or the tenant
// already has a subscription; a Stripe error otherwise.
func (s *Service) CheckoutURL(ctx context.Context, in CheckoutInput) (string, error) {
	if !s.On() {
		return "", notSetUp()
	}
	fields := map[string]string{}
	s.checkPlan(in.Plan, in.Interval, fields)
	if len(fields) > 0 {
		return "", apperr.Invalid(fields)
	}
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return "", err
	}
	if err := s.refuseSubscribed(ctx); err != nil {
		return "", err
	}
	t, err := s.d.Tenants.TenantByID(ctx, sc.TenantID)
	if err != nil {
		return "", err
	}
	customer, err := s.ensureCustomer(ctx, &stripe.CustomerParams{Name: stripe.String(in.TenantName), Email: stripe.String(in.AdminEmail)})
	if err != nil {
		return "", err
	}
	seats, err := s.activeConsultants(ctx)
	if err != nil {
		return "", err
	}
	seats = max(1, seats)
	billing := s.d.BaseURL + "/t/" + t.Slug + "/billing"
	sub := &stripe.CheckoutSessionSubscriptionDataParams{Metadata: map[string]string{"tenant_id": t.ID, "plan": in.Plan}}
	if t.TrialEndsAt != nil && t.TrialEndsAt.After(s.now().Add(48*time.Hour)) {
		sub.TrialEnd = stripe.Int64(t.TrialEndsAt.Unix())
	}
	params := &stripe.CheckoutSessionParams{
		Params:            stripe.Params{Context: ctx},
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		Customer:          stripe.String(customer),
		ClientReferenceID: stripe.String(t.ID),
		LineItems:         []*stripe.CheckoutSessionLineItemParams{{Price: stripe.String(s.priceOf(in.Plan, in.Interval)), Quantity: stripe.Int64(int64(seats))}},
		SubscriptionData:  sub,
		SuccessURL:        stripe.String(billing + "?checkout=done"),
		CancelURL:         stripe.String(billing + "?checkout=cancelled"),
	}
	cs, err := s.sc.CheckoutSessions.New(params)
	if err != nil {
		return "", stripeFailed(err)
	}
	if err := s.d.Audit.Record(ctx, "billing.checkout", "billing_account", t.ID,
		fmt.Sprintf("Checkout %s: %s, billed %sly, %d seats", cs.ID, in.Plan, in.Interval, seats)); err != nil {
		return "", err
	}
	return cs.URL, nil
}

// refuseSubscribed refuses a second subscription: the tenant manages the one it has.
func (s *Service) refuseSubscribed(ctx context.Context) error {
	a, err := s.Account(ctx)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if a.Subscribed() {
		return apperr.Errorf(apperr.ECONFLICT, "This tenant already has a subscription: manage it with “Manage payment and invoices”.")
	}
	return nil
}

// stripeFailed is a Stripe failure as the admin reads it (nothing was charged).
func stripeFailed(err error) error {
	return &apperr.Error{Code: apperr.ECONFLICT, Message: "Stripe could not take the request, so nothing was charged or changed. Try again in a minute. (" + stripeMessage(err) + ")"}
}

func stripeMessage(err error) string {
	if se, ok := err.(*stripe.Error); ok && se.Msg != "" {
		return se.Msg
	}
	return "no answer"
}

// ensureCustomer returns the tenant's Stripe customer, made with params (and the tenant's id in
// its metadata) when it has none, and kept on the account. Two admins paying at once keep one:
// the first stored wins.
func (s *Service) ensureCustomer(ctx context.Context, params *stripe.CustomerParams) (string, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return "", err
	}
	a, err := s.Account(ctx)
	if err == nil && a.StripeCustomerID != "" {
		return a.StripeCustomerID, nil
	} else if err != nil && apperr.Code(err) != apperr.ENOTFOUND {
		return "", err
	}
	params.Params.Context = ctx
	params.AddMetadata("tenant_id", sc.TenantID)
	cust, err := s.sc.Customers.New(params)
	if err != nil {
		return "", stripeFailed(err)
	}
	var id string
	err = s.inTenantTx(ctx, func(ctx context.Context, db database.Tenant) error {
		if _, err := db.Update((*Account)(nil)).Set("stripe_customer_id = ?", cust.ID).
			Where("ba.stripe_customer_id = ''").Exec(ctx); err != nil {
			return err
		}
		return db.Select((*Account)(nil)).Column("stripe_customer_id").Scan(ctx, &id)
	})
	return id, err
}

// Checkout starts a Stripe Checkout session and sends the admin to it.
func (h *Handler) Checkout(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if !h.s.On() {
		return notSetUp()
	}
	in := CheckoutInput{Plan: f.Get("plan"), Interval: f.Get("interval")}
	if info := web.TenantOf(c); info != nil {
		in.TenantName = info.Name
	}
	if id := web.IdentityOf(c); id != nil {
		in.AdminEmail = id.Email
	}
	err := f.Err()
	if err == nil {
		var url string
		if url, err = h.s.CheckoutURL(c.UserContext(), in); err == nil {
			return redirectOut(c, url)
		}
	}
	return h.refused(c, err, f, nil)
}

// refused shows the page again with the form's values and what is wrong (a field, billing not
// set up, Stripe failing), or returns err when it is not about the request.
func (h *Handler) refused(c *fiber.Ctx, err error, checkoutForm, invoiceForm *web.Form) error {
	posted := checkoutForm
	if posted == nil {
		posted = invoiceForm
	}
	status := web.FormError(posted, err)
	if status == 0 {
		return err
	}
	d, derr := h.pageData(c, checkoutForm, invoiceForm)
	if derr != nil {
		return derr
	}
	if len(apperr.FieldsOf(err)) == 0 {
		d.Message = apperr.Message(err)
		posted.Errors = map[string]string{}
	}
	return h.render(c, status, d, posted)
}

// redirectOut sends the browser to Stripe's page: 303, or HX-Redirect for htmx.
func redirectOut(c *fiber.Ctx, url string) error {
	if web.IsHTMX(c) {
		c.Set(web.HXRedirect, url)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(url, fiber.StatusSeeOther)
}

// Portal opens the Stripe customer portal.
func (h *Handler) Portal(c *fiber.Ctx) error {
	s := h.s
	ctx := c.UserContext()
	if !s.On() {
		return notSetUp()
	}
	a, err := s.Account(ctx)
	if err != nil && apperr.Code(err) != apperr.ENOTFOUND {
		return err
	}
	if a == nil || a.StripeCustomerID == "" {
		return h.refused(c, apperr.Errorf(apperr.ECONFLICT,
			"There is nothing to manage yet: this tenant has not paid by card or by invoice. Choose a plan below to start."), newForm(), nil)
	}
	ps, err := s.sc.BillingPortalSessions.New(&stripe.BillingPortalSessionParams{Params: stripe.Params{Context: ctx},
		Customer: stripe.String(a.StripeCustomerID), ReturnURL: stripe.String(s.d.BaseURL + "/t/" + web.ScopeOf(c).TenantSlug + "/billing")})
	if err != nil {
		return h.refused(c, stripeFailed(err), newForm(), nil)
	}
	if err := s.d.Audit.Record(ctx, "billing.portal", "billing_account", a.TenantID, "Stripe customer portal opened"); err != nil {
		return err
	}
	return redirectOut(c, ps.URL)
}
