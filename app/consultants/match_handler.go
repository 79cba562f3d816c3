package consultants

import (
	"html/template"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/web"
)

// MatchHandler serves the tenant admin's queue of requests, a request's page (suggestions,
// assign, close), ending an assignment, and the consultants page of programs and funders.
type MatchHandler struct {
	m        *Matching
	requests *Requests
}

// NewMatchHandler returns the matching handlers.
func NewMatchHandler(m *Matching, requests *Requests) *MatchHandler {
	return &MatchHandler{m: m, requests: requests}
}

// QueueData is the queue page.
type QueueData struct {
	Status      string
	Statuses    []SearchOption
	Items       []QueueItem
	Pager       web.Pager
	Assignments []AssignmentView
	// MoreAssignments: more than QueueAssignments are active (the page points to the list
	// of every program with its consultants).
	MoreAssignments bool
	// The two tables' rows, written (queue_rows.go).
	ItemsHTML, AssignmentsHTML template.HTML
}

// QueueAssignments is how many active assignments the requests page shows, newest first.
const QueueAssignments = 25

// QueuePage lists the tenant's confirmed requests (open ones first, filtered by ?status=) and
// the active assignments.
func (h *MatchHandler) QueuePage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	d := &QueueData{Statuses: []SearchOption{{"", "Any"}}}
	for _, s := range []string{RequestOpen, RequestAssigned, RequestClosed} {
		d.Statuses = append(d.Statuses, SearchOption{Value: s, Label: RequestStatusLabel(s)})
		if c.Query("status") == s {
			d.Status = s
		}
	}
	k := web.KeysetFrom(c)
	p, err := h.requests.QueuePage(ctx, d.Status, k, QueuePageSize)
	if err != nil {
		return err
	}
	d.Items = p.Items
	q := url.Values{}
	q.Set("status", d.Status)
	d.Pager = web.NewPager("/t/"+web.ScopeOf(c).TenantSlug+"/requests", q, k, p.Next, p.Prev).
		Words("Request pages", "", "Older requests", "Newer requests", "Back to the first requests")
	if d.Assignments, err = h.m.Assignments(ctx, AssignmentFilter{Status: AssignmentActive, Newest: true, Limit: QueueAssignments + 1}); err != nil {
		return err
	}
	if len(d.Assignments) > QueueAssignments {
		d.Assignments, d.MoreAssignments = d.Assignments[:QueueAssignments], true
	}
	base := "/t/" + web.ScopeOf(c).TenantSlug
	d.ItemsHTML, d.AssignmentsHTML = queueRowsHTML(base, d.Items), assignmentRowsHTML(base, web.CSRFToken(c), d.Assignments)
	return web.Render(c, fiber.StatusOK, "consultants/requests", "", web.View{Wide: true, Title: "Requests for a consultant", D: d})
}

func (h *MatchHandler) requestPage(c *fiber.Ctx, status int, f *web.Form) error {
	o := DetailOptions{Specialty: c.Query("specialty")}
	if f != nil {
		o.ProgramID, o.ProgramSet = f.Get("program_id"), true
		o.Specialty = f.Get("specialty")
	} else {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
		if c.Context().QueryArgs().Has("program") {
			o.ProgramID, o.ProgramSet = c.Query("program"), true
		}
	}
	d, err := h.m.Detail(c.UserContext(), c.Params("requestID"), o)
	if err != nil {
		return err
	}
	page := RequestPageData{RequestDetail: d, SpecialtyOptions: web.StringOptions(d.Specialties, d.Specialty)}
	page.ProgramOptions = make([]web.Option, len(d.Programs))
	for i, p := range d.Programs {
		label := p.Name
		if p.County != "" {
			label += " (" + p.County + ")"
		}
		page.ProgramOptions[i] = web.Option{Value: p.ID, Label: label, Selected: p.ID == d.ProgramID}
	}
	return web.Render(c, status, "consultants/request_page", "consultants/_suggestions",
		web.View{Title: "Request from " + d.Request.OrganisationName, D: page, Form: f})
}

// RequestPageData is a request's page: the request and its suggestions, and the ranking
// form's selects with the choice selected ({{options}}: a tenant's programs ranged in the
// template were most of the page's drawing).
type RequestPageData struct {
	*RequestDetail
	ProgramOptions, SpecialtyOptions []web.Option
}

// RequestPage shows a request in full with the consultants ranked for it (?program= and
// ?specialty= change the ranking; an htmx request gets just the suggestions).
func (h *MatchHandler) RequestPage(c *fiber.Ctx) error { return h.requestPage(c, fiber.StatusOK, nil) }

// AssignConfirm is the page that asks to confirm an assignment.
type AssignConfirm struct {
	*AssignPreview
	Specialty string // the ranking's chosen specialty, kept for the way back
}

// Assign assigns the chosen consultant to the chosen program, in two steps: the suggestions'
// form leads to a page saying what assigning will do (whose place it takes, who is emailed);
// its button (confirm=yes) assigns. Bad choices are named on the request page at either step.
func (h *MatchHandler) Assign(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.requestPage(c, st, f)
	}
	ctx := c.UserContext()
	if f.Get("confirm") != "yes" {
		p, err := h.m.PreviewAssign(ctx, c.Params("requestID"), f.Get("program_id"), f.Get("profile_id"))
		if status := web.FormError(f, err); status != 0 {
			return h.requestPage(c, status, f)
		} else if err != nil {
			return err
		}
		return web.Render(c, fiber.StatusOK, "consultants/assign_confirm", "",
			web.View{Title: "Assign " + p.Consultant + " to " + p.Program.Name + "?", D: AssignConfirm{p, f.Get("specialty")}, Form: f})
	}
	a, err := h.m.Assign(ctx, c.Params("requestID"), f.Get("program_id"), f.Get("profile_id"))
	if status := web.FormError(f, err); status != 0 {
		return h.requestPage(c, status, f)
	} else if err != nil {
		return err
	}
	list, err := h.m.Assignments(ctx, AssignmentFilter{ID: a.ID})
	if err != nil {
		return err
	}
	if len(list) == 1 {
		web.Flash(c, list[0].ConsultantName+" is assigned to "+list[0].ProgramName+". Both sides have been emailed.")
	}
	return web.Redirect(c, regBase(c)+"/requests/"+c.Params("requestID"))
}

// CloseConfirm is the page that asks to confirm closing a request.
type CloseConfirm struct {
	Request *Request
	Note    string
}

// Close closes a request without a consultant, with the reason, in two steps like Assign: the
// form leads to a page that asks to confirm (confirm=yes closes).
func (h *MatchHandler) Close(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.requestPage(c, st, f)
	}
	ctx := c.UserContext()
	if f.Get("confirm") != "yes" {
		r, note, err := h.m.PreviewClose(ctx, c.Params("requestID"), f.Get("decision_note"))
		if status := web.FormError(f, err); status != 0 {
			return h.requestPage(c, status, f)
		} else if err != nil {
			return err
		}
		return web.Render(c, fiber.StatusOK, "consultants/close_confirm", "",
			web.View{Title: "Close the request from " + r.OrganisationName + "?", D: CloseConfirm{r, note}, Form: f})
	}
	r, err := h.m.Close(ctx, c.Params("requestID"), f.Get("decision_note"))
	if status := web.FormError(f, err); status != 0 {
		return h.requestPage(c, status, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, "The request from "+r.OrganisationName+" is closed.")
	return web.Redirect(c, regBase(c)+"/requests")
}

// EndAssignment ends an assignment and gives the consultant's place back.
func (h *MatchHandler) EndAssignment(c *fiber.Ctx) error {
	a, err := h.m.EndAssignment(c.UserContext(), c.Params("consultantAssignmentID"))
	if err != nil {
		return err
	}
	web.Flash(c, a.ConsultantName+" no longer consults with "+a.ProgramName+"; their place is free again.")
	return web.Redirect(c, regBase(c)+"/requests")
}

// MineData is the consultants page.
type MineData struct {
	*MyConsultants
	Pager web.Pager // the pages of programs (funders and tenant admins)
	// What the page draws, worked out once (queue_rows.go): each program's table of
	// consultants, and the request form's options.
	Sections                       []MineSection
	CountyOptions, LanguageOptions []web.Option // {{options}}
}

// MineSection is one program's part of the consultants page.
type MineSection struct {
	Name, County string
	Any          bool          // it has consultants
	RowsHTML     template.HTML // its consultants' rows
}

func (h *MatchHandler) minePage(c *fiber.Ctx, status int, f *web.Form) error {
	k := web.Keyset{}
	if f == nil {
		k = web.KeysetFrom(c)
	}
	m, err := h.m.MinePage(c.UserContext(), k)
	if err != nil {
		return err
	}
	d := &MineData{MyConsultants: m, Pager: web.NewPager(regBase(c)+"/consultants", nil, k, m.Next, m.Prev).
		Words("Pages of programs", "", "Next programs", "Previous programs", "Back to the first programs")}
	if f == nil {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
		if d.Program != nil {
			f.Values.Set("county", d.Program.County)
		}
	}
	d.Sections = make([]MineSection, len(d.Programs))
	for i, p := range d.Programs {
		d.Sections[i] = MineSection{Name: p.Program.Name, County: p.Program.County, Any: len(p.Consultants) > 0,
			RowsHTML: mineRowsHTML(p.Consultants, d.ShowEmail)}
	}
	if d.CanAsk {
		d.CountyOptions = web.StringOptions(d.Counties, f.Get("county"))
		d.LanguageOptions = web.StringOptions(d.Languages, f.Get("preferred_language"))
	}
	return web.Render(c, status, "consultants/mine", "", web.View{Title: "Consultants", D: d, Form: f})
}

// MinePage shows a program's consultants and requests (with the form to ask for one), a
// funder's funded programs' consultants, or every program's for a tenant admin.
func (h *MatchHandler) MinePage(c *fiber.Ctx) error { return h.minePage(c, fiber.StatusOK, nil) }

// Ask sends a program person's request for a consultant to the queue.
func (h *MatchHandler) Ask(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.minePage(c, st, f)
	}
	_, err := h.m.Ask(c.UserContext(), AskInput{Need: f.Get("need"), County: f.Get("county"), PreferredLanguage: f.Get("preferred_language")})
	if status := web.FormError(f, err); status != 0 {
		return h.minePage(c, status, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, "Your request is sent. We will email you when a consultant is assigned.")
	return web.Redirect(c, regBase(c)+"/consultants")
}
