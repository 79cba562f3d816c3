package exports

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the exports pages.
type Handler struct {
	svc *Service
}

// NewHandler returns the exports handlers.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// PageData is the exports page.
type PageData struct {
	Exports []Export
	Files   []string
	Working bool // an export is waiting or being built: the list polls
	Days    int
}

// Page lists the tenant's exports with the button to request one. While one is being
// built, its list fragment polls itself every second.
func (h *Handler) Page(c *fiber.Ctx) error {
	list, err := h.svc.List(c.UserContext(), 20)
	if err != nil {
		return err
	}
	d := PageData{Exports: list, Files: Files(), Days: int(Lifetime.Hours() / 24)}
	for i := range list {
		if list[i].Working() {
			d.Working = true
		}
	}
	return web.Render(c, fiber.StatusOK, "exports/index", "exports/_list", web.View{Title: "Exports", D: d})
}

// Request queues a full export.
func (h *Handler) Request(c *fiber.Ctx) error {
	_, created, err := h.svc.Request(c.UserContext())
	if err != nil {
		return err
	}
	if created {
		web.Flash(c, "Export requested. It is built in the background: this page shows when it is ready.")
	} else {
		web.Flash(c, "An export is already being built: it is below.")
	}
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/exports")
}

// Download sends an export's zip while it is ready; an expired one is a 404 page that says so.
func (h *Handler) Download(c *fiber.Ctx) error {
	e, err := h.svc.Download(c.UserContext(), c.Params("exportID"))
	if err != nil {
		return err
	}
	name := fmt.Sprintf("holdspace-%s-export-%s.zip", web.ScopeOf(c).TenantSlug, e.CreatedAt.UTC().Format("2006-01-02"))
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(e.Content)
}
