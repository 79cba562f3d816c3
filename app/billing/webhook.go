package billing

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hibiken/asynq"
	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// MaxWebhookBody is the largest event POST /webhooks/stripe reads (Stripe's events are a few
// KiB; a subscription with many items stays well under it).
const MaxWebhookBody = 64 << 10

// WebhookHandler receives Stripe's events.
type WebhookHandler struct{ s *Service }

// NewWebhookHandler returns the webhook's handler.
func NewWebhookHandler(s *Service) *WebhookHandler { return &WebhookHandler{s: s} }

// Receive is POST /webhooks/stripe: a machine's signed call (no session, no CSRF token: the
// route table's web.Webhook). It checks the signature, stores the event (once: unique on its
// id) and queues it for the worker, and answers at once; the worker does the rest. Nothing
// is written for a request whose signature is missing, wrong or older than Stripe's
// recommended tolerance (5 minutes).
func (h *WebhookHandler) Receive(c *fiber.Ctx) error {
	s := h.s
	secret := s.d.Cfg.WebhookSecret
	if !s.On() || secret == "" {
		return c.Status(fiber.StatusNotFound).SendString("Billing is not set up.")
	}
	// The raw body: the signature is over these bytes (c.Body would decode a Content-Encoding).
	body, ok := web.RawBody(c, MaxWebhookBody)
	if !ok {
		return c.Status(fiber.StatusRequestEntityTooLarge).SendString("The event is too large.")
	}
	// IgnoreAPIVersionMismatch: the endpoint's API version may differ from the library's
	// (after an upgrade of either). That is safe here: the raw payload is stored as Stripe
	// sent it, and the worker reads only fields that are the same across API versions (ids,
	// status, quantities, amounts, times, metadata).
	ev, err := webhook.ConstructEventWithOptions(body, c.Get("Stripe-Signature"), secret,
		webhook.ConstructEventOptions{Tolerance: webhook.DefaultTolerance, IgnoreAPIVersionMismatch: true})
	if err != nil || ev.ID == "" {
		return c.Status(fiber.StatusBadRequest).SendString("The Stripe signature is missing, wrong or too old.")
	}
	ctx := c.UserContext()
	if _, err := s.storeEvent(ctx, &ev, string(body)); err != nil {
		s.d.Log.ErrorContext(ctx, "billing: store a Stripe event", "event", ev.ID, "err", err)
		// Stripe sends it again later.
		return c.Status(fiber.StatusInternalServerError).SendString("The event could not be stored; send it again.")
	}
	if err := s.queueEvent(ctx, ev.ID, "billing:event:"+ev.ID); err != nil {
		// Stored: the nightly reconcile queues stored events left unprocessed.
		s.d.Log.WarnContext(ctx, "billing: queue a Stripe event", "event", ev.ID, "err", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.SendString(`{"received":true}`)
}

// storeEvent records a signed event (its raw payload as Stripe sent it) unless it is stored
// already; it reports whether it was new. stripe_events is a platform table: the webhook does
// not know the tenant yet.
func (s *Service) storeEvent(ctx context.Context, ev *stripe.Event, payload string) (bool, error) {
	row := &Event{ID: ev.ID, Type: string(ev.Type), Created: ev.Created, Livemode: ev.Livemode, Payload: payload,
		ReceivedAt: s.now()}
	res, err := database.Conn(ctx, s.d.DB).NewInsert().Model(row).On("CONFLICT (id) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// queueEvent queues the worker's task for a stored event under taskID, so that a delivery
// repeated while its task waits does not queue it twice (a conflict is not an error).
func (s *Service) queueEvent(ctx context.Context, eventID, taskID string) error {
	if s.d.Queue == nil {
		return errors.New("no queue")
	}
	err := s.d.Queue.Enqueue(ctx, TaskEvent, EventPayload{EventID: eventID}, asynq.TaskID(taskID),
		asynq.Timeout(time.Minute))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return err
}
