package billing

// STAND-IN (issue 13 skeleton): the "webhooks" helper replaces this file with POST
// /webhooks/stripe, the event worker and the nightly reconcile.

import (
	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/jobs"
)

// WebhookHandler receives Stripe's events.
type WebhookHandler struct{ s *Service }

// NewWebhookHandler returns the webhook's handler.
func NewWebhookHandler(s *Service) *WebhookHandler { return &WebhookHandler{s: s} }

// Receive is POST /webhooks/stripe.
func (h *WebhookHandler) Receive(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *Service) registerEvents(m *jobs.Mux) {}

func eventsPeriodic() []jobs.Periodic { return nil }
