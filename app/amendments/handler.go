package amendments

import (
	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the amendment pages: the funders' processes, the requests, the inbox and the
// decisions.
type Handler struct {
	svc *Service
}

// NewHandler returns the handlers.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// base is the tenant's amendments address.
func base(c *fiber.Ctx) string { return "/t/" + web.ScopeOf(c).TenantSlug + "/amendments" }
