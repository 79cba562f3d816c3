// Package billing is the tenant's subscription: plans priced per active consultant seat, the
// 30-day trial, paying by card (Stripe Checkout and the customer portal) or by invoice (a PO on
// every invoice, net terms, tax exempt, annual on the fiscal year), Stripe's webhooks handled by
// workers, dunning, read-only tenants, and the platform console's revenue view.
//
// What a tenant may do is decided in one place (Decide, kept on the tenant's row by Refresh):
// the tenant middleware compares it with the clock, and the server's gate refuses every write
// route of the route table while it has passed.
package billing

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
)

// Stripe's subscription statuses that matter here.
const (
	SubTrialing          = "trialing"
	SubActive            = "active"
	SubPastDue           = "past_due"
	SubUnpaid            = "unpaid"
	SubCanceled          = "canceled"
	SubIncomplete        = "incomplete"
	SubIncompleteExpired = "incomplete_expired"
	SubPaused            = "paused"
)

// Collection methods.
const (
	ChargeAutomatically = "charge_automatically" // by card, through Checkout
	SendInvoice         = "send_invoice"         // by invoice, net terms (public sector)
)

// Account is a tenant's billing: the Stripe customer and subscription as the newest event
// showed them, how it pays, a comp, and the dunning state. One per tenant, made when the tenant
// first goes to pay or is comped.
type Account struct {
	bun.BaseModel `bun:"table:billing_accounts,alias:ba"`
	database.TenantScoped

	StripeCustomerID     string     `bun:"stripe_customer_id"`
	StripeSubscriptionID string     `bun:"stripe_subscription_id"`
	SubscriptionItemID   string     `bun:"subscription_item_id"`
	PlanCode             string     `bun:"plan_code"`
	PriceID              string     `bun:"price_id"`
	Interval             string     `bun:"billing_interval"` // month or year
	UnitAmount           int64      `bun:"unit_amount"`      // cents per seat per interval
	Currency             string     `bun:"currency"`
	Status               string     `bun:"status"` // Stripe's subscription status; "" before one
	SeatsPaid            int        `bun:"seats_paid"`
	CurrentPeriodEnd     *time.Time `bun:"current_period_end"`
	CancelAtPeriodEnd    bool       `bun:"cancel_at_period_end"`
	EndedAt              *time.Time `bun:"ended_at"`
	CollectionMethod     string     `bun:"collection_method"`
	// The guard: the (created, id) of the newest subscription event applied. An event that is
	// not newer changes nothing, so delivery order and duplicates do not matter.
	SubEventAt int64  `bun:"sub_event_at"`
	SubEventID string `bun:"sub_event_id"` // the status's rank, then the event id (apply.go, tieKey)

	// Paying by invoice.
	PONumber     string `bun:"po_number"`
	NetDays      int    `bun:"net_days"`
	BillingEmail string `bun:"billing_email"`
	TaxExempt    bool   `bun:"tax_exempt"`

	// Free use granted by a platform admin, until the end of CompUntil's day (UTC).
	CompUntil  *time.Time `bun:"comp_until"`
	CompReason string     `bun:"comp_reason"`

	// Dunning: the failed payment the emails are about (its first failure), and how many of
	// the three emails (day 0, 3 and 7) went out for it.
	DunningSince *time.Time `bun:"dunning_since"`
	DunningSent  int        `bun:"dunning_sent"`

	SeatsSyncedAt *time.Time `bun:"seats_synced_at"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

// Subscribed reports whether the account has a subscription that is not over.
func (a *Account) Subscribed() bool {
	switch a.Status {
	case SubTrialing, SubActive, SubPastDue, SubUnpaid, SubPaused:
		return true
	}
	return false
}

// subscribedOnce reports whether the tenant has had a subscription that started (not one whose
// first payment never went through).
func (a *Account) subscribedOnce() bool {
	return a.StripeSubscriptionID != "" && a.Status != "" && a.Status != SubIncomplete && a.Status != SubIncompleteExpired
}

// Price is the seat price per interval.
func (a *Account) Price() money.Cents { return money.Cents(a.UnitAmount) }

// MonthlyRevenue is the subscription's monthly recurring revenue: seats times the seat price,
// a year's divided by twelve. Nothing while the subscription is not paying (cancelled,
// incomplete, in Stripe's trial).
func (a *Account) MonthlyRevenue() money.Cents {
	switch a.Status {
	case SubActive, SubPastDue, SubUnpaid:
	default:
		return 0
	}
	total := a.UnitAmount * int64(a.SeatsPaid)
	if a.Interval == "year" {
		return money.Cents((total + 6) / 12)
	}
	return money.Cents(total)
}

// Invoice is one of Stripe's invoices of the tenant.
type Invoice struct {
	bun.BaseModel `bun:"table:billing_invoices,alias:bi"`
	database.TenantScoped

	ID              string     `bun:"id,pk"`
	SubscriptionID  string     `bun:"subscription_id"`
	Number          string     `bun:"number"`
	Status          string     `bun:"status"` // draft, open, paid, void, uncollectible
	AmountDue       int64      `bun:"amount_due"`
	AmountPaid      int64      `bun:"amount_paid"`
	AmountRemaining int64      `bun:"amount_remaining"`
	Currency        string     `bun:"currency"`
	HostedURL       string     `bun:"hosted_url"`
	PDFURL          string     `bun:"pdf_url"`
	PONumber        string     `bun:"po_number"`
	CreatedAt       time.Time  `bun:"created_at"`
	DueAt           *time.Time `bun:"due_at"`
	PaidAt          *time.Time `bun:"paid_at"`
	// FirstFailedAt is the earliest failed payment of the invoice: a minimum over its
	// payment_failed events, the same whatever order they arrive in.
	FirstFailedAt *time.Time `bun:"first_failed_at"`
	EventAt       int64      `bun:"event_at"`
	EventID       string     `bun:"event_id"`
}

// Due is the amount still to pay.
func (i *Invoice) Due() money.Cents { return money.Cents(i.AmountRemaining) }

// Total is the invoice's amount.
func (i *Invoice) Total() money.Cents { return money.Cents(i.AmountDue) }

// Contract is a contract paid outside Stripe (a state agency's PO paid by check or transfer).
// It lets the tenant write until the end of EndsOn.
type Contract struct {
	bun.BaseModel `bun:"table:billing_contracts,alias:bc"`
	database.TenantScoped

	ID         string    `bun:"id,pk"`
	PONumber   string    `bun:"po_number"`
	StartsOn   string    `bun:"starts_on"` // YYYY-MM-DD
	EndsOn     string    `bun:"ends_on"`   // YYYY-MM-DD, inclusive
	Amount     int64     `bun:"amount"`    // cents, for the whole term
	Note       string    `bun:"note"`
	RecordedBy string    `bun:"recorded_by"`
	CreatedAt  time.Time `bun:"created_at"`
}

// Months is the contract's term in whole months (at least one).
func (c *Contract) Months() int {
	s, err1 := time.Parse(time.DateOnly, c.StartsOn)
	e, err2 := time.Parse(time.DateOnly, c.EndsOn)
	if err1 != nil || err2 != nil || e.Before(s) {
		return 1
	}
	m := (e.Year()-s.Year())*12 + int(e.Month()-s.Month())
	if e.Day() >= s.Day() { // a term ending the day before its start day is whole months
		m++
	}
	if m < 1 {
		m = 1
	}
	return m
}

// MonthlyRevenue is the contract's amount spread over its months.
func (c *Contract) MonthlyRevenue() money.Cents {
	return money.Cents(c.Amount / int64(c.Months()))
}

// Event is a signed event from Stripe, stored before the webhook answers (a platform table:
// ForTenant is set by the worker once it knows the tenant).
type Event struct {
	bun.BaseModel `bun:"table:stripe_events,alias:se"`

	ID          string     `bun:"id,pk"`
	Type        string     `bun:"type"`
	Created     int64      `bun:"created"`
	Livemode    bool       `bun:"livemode"`
	Payload     string     `bun:"payload"`
	ReceivedAt  time.Time  `bun:"received_at"`
	ProcessedAt *time.Time `bun:"processed_at"`
	ForTenant   string     `bun:"for_tenant"`
	Outcome     string     `bun:"outcome"`
}

// endOfDay is the end of date's day (UTC): a comp or contract "until June 30" runs through it.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}

// StatusLabel is the subscription's status (Stripe's) for a person.
func (a *Account) StatusLabel() string {
	switch a.Status {
	case "":
		return "No subscription"
	case SubTrialing:
		return "In Stripe's trial"
	case SubActive:
		return "Active"
	case SubPastDue:
		return "Past due"
	case SubUnpaid:
		return "Unpaid"
	case SubCanceled:
		return "Cancelled"
	case SubIncomplete:
		return "Waiting for the first payment"
	case SubIncompleteExpired:
		return "The first payment was never made"
	case SubPaused:
		return "Paused"
	}
	return a.Status
}

// StatusLabel is the invoice's status for a person.
func (i *Invoice) StatusLabel() string {
	switch i.Status {
	case "draft":
		return "Draft"
	case "open":
		return "Open (to pay)"
	case "paid":
		return "Paid"
	case "void":
		return "Void"
	case "uncollectible":
		return "Uncollectible"
	}
	return i.Status
}
