package audit

import (
	"html/template"
	"net/url"
	"strconv"

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
	Page     int
	More     bool
	Base     string // the page's path, for pagination links
	Platform bool
	Problems map[string]string
}

// PrevQuery and NextQuery are the pagination links' query strings.
func (p Page) PrevQuery() template.URL { return template.URL(p.withPage(p.Page - 1)) }

// NextQuery is the next page's query string.
func (p Page) NextQuery() template.URL { return template.URL(p.withPage(p.Page + 1)) }

func (p Page) withPage(n int) string {
	v := url.Values{}
	for k, vs := range p.Filter {
		if k != "page" && len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	v.Set("page", strconv.Itoa(n))
	return v.Encode()
}

// parseFilter reads the filter from the query string; a bad date is named, not ignored.
func parseFilter(c *fiber.Ctx) (Filter, url.Values, map[string]string) {
	q := url.Values{}
	for _, k := range []string{"action", "actor", "from", "to", "tenant", "page"} {
		if v := c.Query(k); v != "" {
			q.Set(k, v)
		}
	}
	f := Filter{Action: q.Get("action"), Actor: q.Get("actor"), Tenant: q.Get("tenant")}
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
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	return f, q, problems
}

// TenantLog shows the tenant's audit log.
func (h *Handler) TenantLog(c *fiber.Ctx) error {
	f, q, problems := parseFilter(c)
	f.Tenant = ""
	p := Page{Filter: q, Page: f.Page, Base: c.Path(), Problems: problems}
	if len(problems) == 0 {
		var err error
		if p.Events, p.More, err = h.log.List(c.UserContext(), f); err != nil {
			return err
		}
	}
	return web.Render(c, statusFor(problems), "audit/index", "audit/_events", web.View{Wide: true, Title: "Audit log", D: p})
}

// PlatformLog shows every tenant's audit log to platform admins.
func (h *Handler) PlatformLog(c *fiber.Ctx) error {
	f, q, problems := parseFilter(c)
	p := Page{Filter: q, Page: f.Page, Base: c.Path(), Platform: true, Problems: problems}
	if len(problems) == 0 {
		var err error
		if p.Events, p.More, err = h.log.ListAll(c.UserContext(), f); err != nil {
			return err
		}
	}
	return web.Render(c, statusFor(problems), "audit/index", "audit/_events", web.View{Wide: true, Title: "Audit log, all tenants", D: p})
}

func statusFor(problems map[string]string) int {
	if len(problems) > 0 {
		return fiber.StatusUnprocessableEntity
	}
	return fiber.StatusOK
}
