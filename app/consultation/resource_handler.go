package consultation

import (
	"html/template"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// ResourceHandler serves the resource library.
type ResourceHandler struct{ svc *Resources }

// NewResourceHandler returns the handlers.
func NewResourceHandler(svc *Resources) *ResourceHandler { return &ResourceHandler{svc: svc} }

// LibraryData is the library page.
type LibraryData struct {
	Base      string
	Entries   []LibraryEntry
	Filter    ResourceFilter
	HasMore   bool
	Topics    []string
	Audiences []Choice
	CanEdit   bool
	Program   bool
	Editing   *Resource

	// Worked out once in Go (issue 14) rather than per row and per option in the template.
	RowsHTML        template.HTML // the table's rows (resourceRowsHTML)
	TopicOptions    []web.Option  // the filter's topics, the chosen one marked ({{options}})
	AudienceOptions []web.Option  // the filter's audiences, the chosen one marked
	FormAudiences   []web.Option  // the form's audiences, the form's one marked
	TopicsDatalist  template.HTML // the form's known topics (datalistHTML)
}

func (h *ResourceHandler) page(c *fiber.Ctx, status int, f *web.Form, editing *Resource) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	flt := ResourceFilter{Topic: c.Query("topic"), Audience: c.Query("audience"), Page: c.QueryInt("page", 1)}
	if flt.Page < 1 || flt.Page > 100000 {
		flt.Page = 1
	}
	d := &LibraryData{Base: sessBase(c), Filter: flt, Audiences: ResourceAudiences, CanEdit: sc.Role == authz.TenantAdmin,
		Program: sc.Role == authz.Program, Editing: editing}
	var err error
	if d.Entries, d.HasMore, err = h.svc.List(ctx, flt); err != nil {
		return err
	}
	if d.Topics, err = h.svc.Topics(ctx); err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	d.RowsHTML = resourceRowsHTML(d.Base, d.Entries, d.Program, d.CanEdit)
	d.TopicOptions = web.StringOptions(d.Topics, flt.Topic)
	d.AudienceOptions = choiceOptions(d.Audiences, flt.Audience)
	if d.CanEdit || editing != nil {
		d.FormAudiences = choiceOptions(d.Audiences, f.Get("audience"))
		d.TopicsDatalist = datalistHTML(d.Topics)
	}
	page := "consultation/resources"
	title := "Resource library"
	if editing != nil {
		page, title = "consultation/resource_edit", "Change a resource"
	}
	return web.Render(c, status, page, "", web.View{Title: title, D: d, Form: f})
}

// LibraryPage lists the library, filtered by topic and audience.
func (h *ResourceHandler) LibraryPage(c *fiber.Ctx) error { return h.page(c, 200, nil, nil) }

func resourceInputOf(f *web.Form) ResourceInput {
	return ResourceInput{Title: f.Get("title"), URL: f.Get("url"), Topic: f.Get("topic"), Audience: f.Get("audience"),
		Description: f.Get("description")}
}

// AddResource adds a resource (tenant admins).
func (h *ResourceHandler) AddResource(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.page(c, st, f, nil)
	}
	r, err := h.svc.Save(c.UserContext(), "", resourceInputOf(f))
	if st := web.FormError(f, err); st != 0 {
		return h.page(c, st, f, nil)
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Added to the library: "+r.Title)
	return web.Redirect(c, sessBase(c)+"/resources")
}

// EditResourcePage is the form to change a resource.
func (h *ResourceHandler) EditResourcePage(c *fiber.Ctx) error {
	r, err := h.svc.ByID(c.UserContext(), c.Params("resourceID"))
	if err != nil {
		return err
	}
	f := &web.Form{Values: url.Values{"title": {r.Title}, "url": {r.URL}, "topic": {r.Topic}, "audience": {r.Audience},
		"description": {r.Description}}, Errors: map[string]string{}}
	return h.page(c, 200, f, r)
}

// UpdateResource saves a changed resource.
func (h *ResourceHandler) UpdateResource(c *fiber.Ctx) error {
	ctx := c.UserContext()
	old, err := h.svc.ByID(ctx, c.Params("resourceID"))
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.page(c, st, f, old)
	}
	r, err := h.svc.Save(ctx, old.ID, resourceInputOf(f))
	if st := web.FormError(f, err); st != 0 {
		return h.page(c, st, f, old)
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Resource saved: "+r.Title)
	return web.Redirect(c, sessBase(c)+"/resources")
}

// PageQuery is the library's query string for page n, keeping the filter.
func (d *LibraryData) PageQuery(n int) template.URL {
	v := url.Values{}
	if d.Filter.Topic != "" {
		v.Set("topic", d.Filter.Topic)
	}
	if d.Filter.Audience != "" {
		v.Set("audience", d.Filter.Audience)
	}
	v.Set("page", strconv.Itoa(n))
	return template.URL(v.Encode()) // #nosec G203 -- built by url.Values.Encode: escaped already
}

// PrevPage and NextPage are the neighbouring page numbers.
func (d *LibraryData) PrevPage() int { return d.Filter.Page - 1 }

// NextPage is the page after this one.
func (d *LibraryData) NextPage() int { return d.Filter.Page + 1 }
