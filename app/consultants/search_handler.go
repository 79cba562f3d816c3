package consultants

import (
	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"
	"html/template"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/web"
)

// SearchHandler serves the public consultant search and the request form (the tenant admin's
// queue of requests is MatchHandler's).
type SearchHandler struct {
	db       *bun.DB
	requests *Requests
}

// NewSearchHandler returns the search and request handlers.
func NewSearchHandler(db *bun.DB, requests *Requests) *SearchHandler {
	return &SearchHandler{db: db, requests: requests}
}

// SearchPage is the public search page.
type SearchPage struct {
	Choices *SearchChoices
	Selects SearchSelects // Choices, written
	*SearchResults
	Query string // the filter's query string (the shareable address)
	// ListingsHTML are the page's cards, written (listingsHTML).
	ListingsHTML template.HTML
}

// Find shows the public search; an htmx request (a filter changed) gets just the results.
func (h *SearchHandler) Find(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := ParseSearchFilter(queryValues(c))
	res, err := Search(ctx, h.db, f)
	if err != nil {
		return err
	}
	d := SearchPage{SearchResults: res, Query: f.Query(f.Page),
		ListingsHTML: listingsHTML("/t/"+web.TenantOf(c).Slug+"/find-a-consultant", res.Listings)}
	if !web.WantsFragment(c) {
		if d.Choices, err = SearchOptions(ctx, h.db); err != nil {
			return err
		}
		d.Selects = d.Choices.Selects(f)
	}
	return web.Render(c, fiber.StatusOK, "consultants/search", "consultants/_results",
		web.View{Title: "Find a consultant", D: d})
}

// SearchSelects are the filter's options, the filter's own values selected, as {{options}}
// writes them in Go: a state's hundred counties were four hundred reflected template calls.
type SearchSelects struct {
	Counties, Languages, Settings, Specialties, Modes []web.Option
}

// Selects are c's options with f's values selected.
func (c *SearchChoices) Selects(f SearchFilter) SearchSelects {
	w := func(opts []SearchOption, chosen string) []web.Option {
		out := make([]web.Option, len(opts))
		for i, o := range opts {
			out[i] = web.Option{Value: o.Value, Label: o.Label, Selected: o.Value == chosen}
		}
		return out
	}
	return SearchSelects{Counties: w(c.Counties, f.County), Languages: w(c.Languages, f.Language), Settings: w(c.Settings, f.Setting),
		Specialties: w(c.Specialties, f.Specialty), Modes: w(c.Modes, f.Mode)}
}

// RequestForm is the request page.
type RequestForm struct {
	Consultant *SearchListing // nil: any consultant
	NotTaking  *SearchListing // the consultant named, who takes no new programs: the form asks for any
}

// RequestPage shows the form asking for a consultant (a named one with ?consultant=; one not
// taking new programs is not asked for: the page says so and asks for any consultant).
func (h *SearchHandler) RequestPage(c *fiber.Ctx) error {
	f := web.NewForm(c)
	d := RequestForm{}
	if id := c.Query("consultant"); id != "" {
		p, err := h.requests.Consultant(c.UserContext(), id)
		if err != nil {
			return err
		}
		if p.Taking {
			d.Consultant = p
			f.Values.Set("consultant", id)
		} else {
			d.NotTaking = p
		}
	}
	return web.Render(c, fiber.StatusOK, "consultants/request", "", web.View{Title: "Ask for a consultant", D: d, Form: f})
}

// Request keeps the request unconfirmed and emails the link that confirms it.
func (h *SearchHandler) Request(c *fiber.Ctx) error {
	f := web.NewForm(c)
	in := RequestInput{ConsultantID: f.Get("consultant"), Organisation: f.Get("organisation"), County: f.Get("county"),
		Need: f.Get("need"), PreferredLanguage: f.Get("preferred_language"), ContactName: f.Get("contact_name"),
		Email: f.Get("email"), Phone: f.Get("phone"), Website: f.Get("website")}
	var r *Request
	err := f.Err()
	if err == nil {
		r, err = h.requests.Create(c.UserContext(), in, c.IP())
	}
	if code := apperr.Code(err); code == apperr.EINVALID || code == apperr.ETOOMANY {
		f.Errors = apperr.FieldsOf(err)
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		f.Errors["_form"] = apperr.Message(err)
		d := RequestForm{}
		if _, bad := f.Errors["consultant"]; bad {
			// Not named again: sending the form again asks for any consultant.
			f.Values.Del("consultant")
		} else if in.ConsultantID != "" {
			d.Consultant, _ = h.requests.Consultant(c.UserContext(), in.ConsultantID)
		}
		return web.Render(c, web.Status(code), "consultants/request", "", web.View{Title: "Ask for a consultant", D: d, Form: f})
	} else if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "consultants/request_sent", "", web.View{Title: "Check your email", D: r})
}

// ConfirmPage shows the button that confirms a request (a link alone never does: mail
// scanners open links).
func (h *SearchHandler) ConfirmPage(c *fiber.Ctx) error {
	r, err := h.requests.Pending(c.UserContext(), c.Params("requestToken"))
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "consultants/request_confirm", "", web.View{Title: "Confirm your request", D: r})
}

// Confirm opens the request in the tenant's queue.
func (h *SearchHandler) Confirm(c *fiber.Ctx) error {
	r, err := h.requests.Confirm(c.UserContext(), c.Params("requestToken"))
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, "consultants/request_confirmed", "", web.View{Title: "Request sent", D: r})
}

func queryValues(c *fiber.Ctx) map[string][]string {
	v := map[string][]string{}
	c.Context().QueryArgs().VisitAll(func(k, val []byte) {
		v[string(k)] = append(v[string(k)], string(val))
	})
	return v
}
