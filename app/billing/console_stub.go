package billing

// STAND-IN (issue 13 skeleton): the "console" helper replaces this file with the platform
// console's revenue view, comps, contracts, and the dunning emails.

import (
	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/jobs"
)

// ConsoleHandler serves the platform console's billing pages.
type ConsoleHandler struct{ s *Service }

// NewConsoleHandler returns the console's billing handlers.
func NewConsoleHandler(s *Service) *ConsoleHandler { return &ConsoleHandler{s: s} }

// Revenue is the platform's revenue view.
func (h *ConsoleHandler) Revenue(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// TenantBilling is one tenant's subscription and invoices.
func (h *ConsoleHandler) TenantBilling(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// Comp gives a tenant free use until a date.
func (h *ConsoleHandler) Comp(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// EndComp ends a comp.
func (h *ConsoleHandler) EndComp(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

// RecordContract records a contract paid outside Stripe.
func (h *ConsoleHandler) RecordContract(c *fiber.Ctx) error { return fiber.ErrNotImplemented }

func (s *Service) registerDunning(m *jobs.Mux) {}

func dunningPeriodic() []jobs.Periodic { return nil }
