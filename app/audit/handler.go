package audit

import (
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the audit log pages.
type Handler struct {
	log *Log
}

// NewHandler returns the audit handlers.
func NewHandler(l *Log) *Handler { return &Handler{log: l} }

// Page is what the audit templates get.
type Page struct {
	Events   []Event
	Filter   url.Values
	Pager    web.Pager
	Base     string // the page's path, for the filter form
	Platform bool
	Problems map[string]string
	RowsHTML template.HTML // Events' rows (eventRowsHTML)
}

// parseFilter reads the filter from the query string; a bad date is named, not ignored.
func parseFilter(c *fiber.Ctx) (Filter, url.Values, map[string]string) {
	q := url.Values{}
	for _, k := range []string{"action", "actor", "from", "to", "tenant"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	f := Filter{Action: q.Get("action"), Actor: q.Get("actor"), Tenant: q.Get("tenant"), Keyset: web.KeysetFrom(c)}
	problems := map[string]string{}
	if v := q.Get("from"); v != "" {
		t, ok := dates.Parse(v)
		if !ok {
			problems["from"] = dates.Message("the first date")
		}
		f.From = t
	}
	if v := q.Get("to"); v != "" {
		t, ok := dates.Parse(v)
		if !ok {
			problems["to"] = dates.Message("the last date")
		}
		f.To = t.AddDate(0, 0, 1) // through the end of that day
	}
	return f, q, problems
}

// TenantLog shows the tenant's audit log.
func (h *Handler) TenantLog(c *fiber.Ctx) error {
	f, q, problems := parseFilter(c)
	f.Tenant = ""
	p := Page{Filter: q, Base: c.Path(), Problems: problems}
	if len(problems) == 0 {
		ep, err := h.log.Page(c.UserContext(), f)
		if err != nil {
			return err
		}
		p.page(ep, f)
	}
	return web.Render(c, statusFor(problems), "audit/index", "audit/_events", web.View{Wide: true, Title: "Audit log", D: p})
}

// PlatformLog shows every tenant's audit log to platform admins.
func (h *Handler) PlatformLog(c *fiber.Ctx) error {
	f, q, problems := parseFilter(c)
	p := Page{Filter: q, Base: c.Path(), Platform: true, Problems: problems}
	if len(problems) == 0 {
		ep, err := h.log.ListAll(c.UserContext(), f)
		if err != nil {
			return err
		}
		p.page(ep, f)
	}
	return web.Render(c, statusFor(problems), "audit/index", "audit/_events", web.View{Wide: true, Title: "Audit log, all tenants", D: p})
}

func (p *Page) page(ep *EventPage, f Filter) {
	p.Events = ep.Events
	p.RowsHTML = eventRowsHTML(ep.Events, p.Platform)
	p.Pager = web.NewPager(p.Base, p.Filter, f.Keyset, ep.Next, ep.Prev).
		Words("Audit log pages", "audit-events", "Older events", "Newer events", "Back to the newest")
}

func statusFor(problems map[string]string) int {
	if len(problems) > 0 {
		return fiber.StatusUnprocessableEntity
	}
	return fiber.StatusOK
}
