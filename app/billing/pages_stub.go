package billing

// STAND-IN (issue 13 skeleton): the "pages" helper replaces this file with the tenant admin's
// billing page, Checkout, the customer portal, paying by invoice and the seat sync.

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/jobs"
)

// Handler serves the tenant admin's billing page.
type Handler struct{ s *Service }

// NewHandler returns the billing page's handlers.
func NewHandler(s *Service) *Handler { return &Handler{s: s} }

// Page is the billing page.
func (h *Handler) Page(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// Checkout starts a Stripe Checkout session.
func (h *Handler) Checkout(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// Portal opens the Stripe customer portal.
func (h *Handler) Portal(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// Invoicing starts paying by invoice.
func (h *Handler) Invoicing(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// SeatsChanged queues the seat sync (debounced).
func (s *Service) SeatsChanged(ctx context.Context, tenantID string) {}

func (s *Service) registerSeats(m *jobs.Mux) {}

func seatsPeriodic() []jobs.Periodic { return nil }
