package billing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stripe/stripe-go/v76"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
)

// The event types the worker handles; every other type is stored and marked ignored.
const (
	EventCheckoutCompleted   = "checkout.session.completed"
	EventSubscriptionCreated = "customer.subscription.created"
	EventSubscriptionUpdated = "customer.subscription.updated"
	EventSubscriptionDeleted = "customer.subscription.deleted"
	EventInvoiceFinalized    = "invoice.finalized"
	EventInvoicePaid         = "invoice.paid"
	EventInvoiceFailed       = "invoice.payment_failed"
)

// HandledEvents are the types the worker acts on (the reconcile asks Stripe for these).
var HandledEvents = []string{EventCheckoutCompleted, EventSubscriptionCreated, EventSubscriptionUpdated,
	EventSubscriptionDeleted, EventInvoiceFinalized, EventInvoicePaid, EventInvoiceFailed}

func handled(typ string) bool {
	for _, t := range HandledEvents {
		if t == typ {
			return true
		}
	}
	return false
}

// Outcomes recorded on a processed event.
const (
	OutcomeApplied  = "applied"
	OutcomeOlder    = "older than what we hold"
	OutcomeNoTenant = "no tenant"
	OutcomeKnown    = "already recorded"
	outcomeIgnored  = "ignored: "
)

// MetadataTenant is the metadata key that names the tenant on Stripe's objects (the customer,
// the subscription, the Checkout session; an invoice carries its subscription's).
const MetadataTenant = "tenant_id"

func (s *Service) registerEvents(m *jobs.Mux) {
	jobs.Handle(m, TaskEvent, func(ctx context.Context, p EventPayload) error {
		_, err := s.ProcessEvent(ctx, p.EventID)
		return err
	})
	jobs.Handle(m, TaskReconcile, func(ctx context.Context, _ jobs.Tenant) error {
		_, err := s.Reconcile(ctx)
		return err
	})
}

// ProcessEvent handles the stored event id once and returns its outcome. An event processed
// already changes nothing (""), nor does one not newer than what the tenant's account or
// invoice holds: Stripe's delivery order is never trusted (apply.go's (created, id) guard).
func (s *Service) ProcessEvent(ctx context.Context, id string) (string, error) {
	row, err := s.loadEvent(ctx, id)
	if err != nil {
		if apperr.Code(err) == apperr.ENOTFOUND {
			s.d.Log.WarnContext(ctx, "billing: no stored Stripe event", "event", id)
			return "", nil
		}
		return "", err
	}
	if row.ProcessedAt != nil {
		return "", nil
	}
	var ev stripe.Event
	if err := json.Unmarshal([]byte(row.Payload), &ev); err != nil || ev.Data == nil {
		// It was signed and read once; it cannot become readable by retrying.
		return "unreadable", s.markEvent(ctx, id, "", "unreadable")
	}
	if !handled(string(ev.Type)) {
		out := outcomeIgnored + string(ev.Type)
		return out, s.markEvent(ctx, id, "", out)
	}
	tenantID, err := s.tenantOf(ctx, &ev)
	if err != nil {
		return "", err
	}
	if tenantID == "" {
		return OutcomeNoTenant, s.markEvent(ctx, id, "", OutcomeNoTenant)
	}
	var outcome string
	tctx := database.WithScope(ctx, database.Scope{TenantID: tenantID})
	err = database.InTx(tctx, s.d.DB, func(ctx context.Context) error {
		changed, err := s.applyEvent(ctx, &ev)
		if err != nil {
			return err
		}
		switch {
		case changed:
			outcome = OutcomeApplied
		case string(ev.Type) == EventCheckoutCompleted:
			outcome = OutcomeKnown // it only fills what the account lacks
		default:
			outcome = OutcomeOlder
		}
		switch string(ev.Type) {
		case EventInvoiceFailed, EventInvoicePaid:
			// The dunning emails start (or stop) from what is recorded once this commits.
			database.AfterCommit(ctx, func(ctx context.Context) { s.queueDunning(ctx, tenantID) })
		}
		return s.markEvent(ctx, id, tenantID, outcome)
	})
	if err != nil {
		return "", fmt.Errorf("billing: event %s (%s): %w", id, ev.Type, err)
	}
	return outcome, nil
}

// applyEvent records what ev says in ctx's tenant; it reports whether anything changed.
func (s *Service) applyEvent(ctx context.Context, ev *stripe.Event) (bool, error) {
	switch typ := string(ev.Type); typ {
	case EventCheckoutCompleted:
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
			return false, err
		}
		return s.recordCheckout(ctx, &cs)
	case EventSubscriptionCreated, EventSubscriptionUpdated, EventSubscriptionDeleted:
		var sub stripe.Subscription
		if err := json.Unmarshal(ev.Data.Raw, &sub); err != nil {
			return false, err
		}
		return s.ApplySubscription(ctx, &sub, ev.Created, ev.ID)
	case EventInvoiceFinalized, EventInvoicePaid, EventInvoiceFailed:
		var inv stripe.Invoice
		if err := json.Unmarshal(ev.Data.Raw, &inv); err != nil {
			return false, err
		}
		return s.ApplyInvoice(ctx, &inv, ev.Created, ev.ID, typ == EventInvoiceFailed)
	}
	return false, nil
}

// recordCheckout records the customer and the subscription a completed Checkout made, where
// the account has none yet: it only fills, and leaves the subscription's state to its own
// events (which may come before or after this one).
func (s *Service) recordCheckout(ctx context.Context, cs *stripe.CheckoutSession) (bool, error) {
	var cus, sub string
	if cs.Customer != nil {
		cus = cs.Customer.ID
	}
	if cs.Subscription != nil {
		sub = cs.Subscription.ID
	}
	if cus == "" && sub == "" {
		return false, nil
	}
	var changed bool
	err := s.inTenantTx(ctx, func(ctx context.Context, db database.Tenant) error {
		q := db.Update((*Account)(nil))
		switch {
		case cus != "" && sub != "":
			q = q.Where("(ba.stripe_customer_id = '' OR ba.stripe_subscription_id = '')")
		case cus != "":
			q = q.Where("ba.stripe_customer_id = ''")
		default:
			q = q.Where("ba.stripe_subscription_id = ''")
		}
		if cus != "" {
			q = q.Set("stripe_customer_id = CASE WHEN stripe_customer_id = '' THEN ? ELSE stripe_customer_id END", cus)
		}
		if sub != "" {
			q = q.Set("stripe_subscription_id = CASE WHEN stripe_subscription_id = '' THEN ? ELSE stripe_subscription_id END", sub)
		}
		res, err := q.Set("updated_at = ?", s.now()).Exec(ctx)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		changed = n > 0
		return nil
	})
	return changed, err
}

// tenantOf finds the tenant an event is about: the tenant its object's metadata names (the
// Checkout session's client_reference_id too; an invoice's subscription's metadata), if that
// tenant exists and is not deleted; else the tenant whose account has the event's customer.
// "" when neither finds one.
func (s *Service) tenantOf(ctx context.Context, ev *stripe.Event) (string, error) {
	var obj struct {
		ClientReferenceID string            `json:"client_reference_id"`
		Metadata          map[string]string `json:"metadata"`
		Customer          json.RawMessage   `json:"customer"`
		Subscription      json.RawMessage   `json:"subscription"`
		SubDetails        *struct {
			Metadata map[string]string `json:"metadata"`
		} `json:"subscription_details"`
	}
	if err := json.Unmarshal(ev.Data.Raw, &obj); err != nil {
		return "", nil
	}
	var named []string
	add := func(id string) {
		if id != "" {
			named = append(named, id)
		}
	}
	add(obj.Metadata[MetadataTenant])
	add(obj.ClientReferenceID)
	if obj.SubDetails != nil {
		add(obj.SubDetails.Metadata[MetadataTenant])
	}
	cus := expandable(obj.Customer)
	add(cus.Metadata[MetadataTenant])
	add(expandable(obj.Subscription).Metadata[MetadataTenant])
	for _, id := range named {
		t, err := s.d.Tenants.TenantByID(ctx, id)
		if err == nil && t.DeletedAt == nil {
			return t.ID, nil
		}
		if err != nil && apperr.Code(err) != apperr.ENOTFOUND {
			return "", err
		}
	}
	if cus.ID == "" {
		return "", nil
	}
	return s.tenantByCustomer(ctx, cus.ID)
}

// expanded is an object Stripe sent as its id or, expanded, as itself.
type expanded struct {
	ID       string            `json:"id"`
	Metadata map[string]string `json:"metadata"`
}

func expandable(raw json.RawMessage) expanded {
	var e expanded
	if len(raw) == 0 {
		return e
	}
	if raw[0] == '"' {
		_ = json.Unmarshal(raw, &e.ID)
		return e
	}
	_ = json.Unmarshal(raw, &e)
	return e
}

// tenantByCustomer is the tenant whose account has the Stripe customer cus (not deleted), or
// "": a read across tenants, on the named path.
func (s *Service) tenantByCustomer(ctx context.Context, cus string) (string, error) {
	var ids []string
	err := s.d.DB.NewSelect().TableExpr("billing_accounts AS ba").Join("JOIN tenants AS t ON t.id = ba.tenant_id").
		ColumnExpr("ba.tenant_id").Where("ba.stripe_customer_id = ? AND t.deleted_at IS NULL", cus).Limit(1).
		Scan(database.AcrossTenants(ctx, "billing.event"), &ids)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

// loadEvent reads a stored event (stripe_events: a platform table).
func (s *Service) loadEvent(ctx context.Context, id string) (*Event, error) {
	row := new(Event)
	if err := database.Conn(ctx, s.d.DB).NewSelect().Model(row).Where("se.id = ?", id).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFound("Stripe event")
		}
		return nil, err
	}
	return row, nil
}

// markEvent records that the event is processed, for which tenant, and how (in ctx's
// transaction: with what it changed). A second worker that processed it too changes nothing.
func (s *Service) markEvent(ctx context.Context, id, tenantID, outcome string) error {
	_, err := database.Conn(ctx, s.d.DB).NewUpdate().Model((*Event)(nil)).Set("processed_at = ?", s.now()).
		Set("for_tenant = ?", tenantID).Set("outcome = ?", outcome).
		Where("se.id = ? AND se.processed_at IS NULL", id).Exec(ctx)
	return err
}

// queueDunning queues the tenant's dunning task (it reads what is recorded; running it again
// is harmless). A failure is logged: the hourly dunning sweep catches up.
func (s *Service) queueDunning(ctx context.Context, tenantID string) {
	if s.d.Queue == nil {
		return
	}
	if err := s.d.Queue.Enqueue(ctx, TaskDunning, jobs.Tenant{TenantID: tenantID}); err != nil {
		s.d.Log.WarnContext(ctx, "billing: queue the dunning task", "tenant", tenantID, "err", err)
	}
}
