package exports

import (
	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the exports page.
type Handler struct {
	svc *Service
}

// NewHandler returns the exports handlers.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// PageData is the exports page.
type PageData struct {
	Runs    []runs.Run
	Omitted map[string]map[string]string
	Days    int
}

// Page lists the tenant's exports, newest first (who asked, when, status, expiry, a link to
// each one's page), with the button to ask for one.
func (h *Handler) Page(c *fiber.Ctx) error {
	list, err := h.svc.List(c.UserContext(), 20)
	if err != nil {
		return err
	}
	d := PageData{Runs: list, Omitted: Omitted, Days: int(Lifetime.Hours() / 24)}
	return web.Render(c, fiber.StatusOK, "exports/index", "exports/_list", web.View{Title: "Exports", D: d})
}

// Request asks for a full export and goes to its page, which shows its progress and then
// the download.
func (h *Handler) Request(c *fiber.Ctx) error {
	r, created, err := h.svc.Request(c.UserContext())
	if err != nil {
		return err
	}
	if created {
		web.Flash(c, "Export asked for. It is built in the background: this page shows its progress, then the download.")
	} else {
		web.Flash(c, "An export is already being built: this is it.")
	}
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/runs/"+r.ID)
}
