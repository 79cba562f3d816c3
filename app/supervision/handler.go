package supervision

import (
	"html/template"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the supervision pages.
type Handler struct {
	svc *Service
	now func() time.Time
}

// NewHandler returns the handlers.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc, now: time.Now} }

func base(c *fiber.Ctx) string { return "/t/" + web.ScopeOf(c).TenantSlug + "/supervision" }

// AssignmentsData is the assignments page.
type AssignmentsData struct {
	Base        string
	Assignments []Assignment
	Supervisors []tenants.Member
	Consultants []tenants.Member
	// RowsHTML is the table's rows (assignmentRowsHTML), SupervisorOptions and
	// ConsultantOptions the form's choices ({{options}}), the chosen ones selected.
	RowsHTML                             template.HTML
	SupervisorOptions, ConsultantOptions []web.Option
	// What the form shows of each field: its message, "" when none.
	SupervisorError, ConsultantError string
}

func (h *Handler) assignmentsPage(c *fiber.Ctx, status int, f *web.Form) error {
	ctx := c.UserContext()
	d := &AssignmentsData{Base: base(c)}
	var err error
	if d.Assignments, err = h.svc.Store().Assignments(ctx, ""); err != nil {
		return err
	}
	if d.Supervisors, err = h.svc.Members(ctx, authz.Supervisor); err != nil {
		return err
	}
	if d.Consultants, err = h.svc.Members(ctx, authz.Consultant); err != nil {
		return err
	}
	d.RowsHTML = assignmentRowsHTML(d.Base, web.CSRFToken(c), d.Assignments)
	d.SupervisorOptions = memberOptions(d.Supervisors, f.Get("supervisor_id"))
	d.ConsultantOptions = memberOptions(d.Consultants, f.Get("consultant_id"))
	d.SupervisorError, d.ConsultantError = f.Error("supervisor_id"), f.Error("consultant_id")
	return web.Render(c, status, "supervision/assignments", "", web.View{Title: "Supervision assignments", D: d, Form: f})
}

// AssignmentsPage lists who supervises whom, with the form to assign.
func (h *Handler) AssignmentsPage(c *fiber.Ctx) error { return h.assignmentsPage(c, 200, nil) }

// Assign assigns a consultant to a supervisor.
func (h *Handler) Assign(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.assignmentsPage(c, st, f)
	}
	_, err := h.svc.Assign(c.UserContext(), f.Get("supervisor_id"), f.Get("consultant_id"))
	if st := web.FormError(f, err); st != 0 {
		return h.assignmentsPage(c, st, f)
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Assignment added.")
	return web.Redirect(c, base(c)+"/assignments")
}

// Unassign removes an assignment.
func (h *Handler) Unassign(c *fiber.Ctx) error {
	if err := h.svc.Unassign(c.UserContext(), c.Params("assignmentID")); err != nil {
		return err
	}
	web.Flash(c, "Assignment removed.")
	return web.Redirect(c, base(c)+"/assignments")
}

// OverviewData is the supervisor's page.
type OverviewData struct {
	Base        string
	Supervisees []Supervisee
	Records     []Record
	Target      Hours
	MonthLabel  string
	FYLabel     string
	IsAdmin     bool
	Behind      int
	// RowsHTML is the supervisees' rows (superviseeRowsHTML), RecordsHTML a supervisor's
	// records as list items (recordItemsHTML).
	RowsHTML, RecordsHTML template.HTML
}

// Overview is the supervisor's "your supervisees" page (every assignment for a tenant admin).
func (h *Handler) Overview(c *fiber.Ctx) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	d := &OverviewData{Base: base(c), IsAdmin: sc.Role == authz.TenantAdmin}
	who := sc.UserID
	if d.IsAdmin {
		who = ""
	}
	list, cal, err := h.svc.Supervisees(ctx, who, h.now())
	if err != nil {
		return err
	}
	d.Supervisees = list
	for _, s := range list {
		if s.Hours.Behind() {
			d.Behind++
		}
	}
	d.Target = Tally(nil, cal)
	d.MonthLabel = cal.Today.Format("January 2006")
	d.FYLabel = tenants.FiscalYearLabel(tenants.FiscalYear(cal.Today, cal.FYStartMonth), cal.FYStartMonth)
	if !d.IsAdmin {
		if d.Records, err = h.svc.Store().RecordsBy(ctx, sc.UserID, 50); err != nil {
			return err
		}
		d.RecordsHTML = recordItemsHTML(d.Base, d.Records)
	}
	d.RowsHTML = superviseeRowsHTML(d.IsAdmin, d.Supervisees)
	return web.Render(c, 200, "supervision/overview", "", web.View{Wide: true, Title: "Reflective supervision", D: d})
}

// NewRecordData is the record form.
type NewRecordData struct {
	Base        string
	Supervisees []tenants.Choice
	MaxNotes    int
}

func (h *Handler) recordPage(c *fiber.Ctx, status int, f *web.Form) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	if sc.Role != authz.Supervisor {
		return apperr.Errorf(apperr.EFORBIDDEN, "Only supervisors write supervision records.")
	}
	as, err := h.svc.Store().Assignments(ctx, sc.UserID)
	if err != nil {
		return err
	}
	d := &NewRecordData{Base: base(c), MaxNotes: MaxNotes}
	for _, a := range as {
		ch := tenants.Choice{Value: a.ConsultantID, Label: a.ConsultantName}
		for _, v := range f.Values["attendees"] {
			ch.Checked = ch.Checked || v == a.ConsultantID
		}
		d.Supervisees = append(d.Supervisees, ch)
	}
	return web.Render(c, status, "supervision/new", "", web.View{Title: "Record supervision", D: d, Form: f})
}

// NewRecordPage is the empty record form: today, 60 minutes, individual.
func (h *Handler) NewRecordPage(c *fiber.Ctx) error {
	cal, err := h.svc.Calendar(c.UserContext(), h.now())
	if err != nil {
		return err
	}
	f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	f.Values.Set("held_on", cal.Today.Format(time.DateOnly))
	f.Values.Set("minutes", "60")
	f.Values.Set("format", FormatIndividual)
	return h.recordPage(c, 200, f)
}

// CreateRecord stores a supervision record.
func (h *Handler) CreateRecord(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.recordPage(c, st, f)
	}
	in := RecordInput{HeldOn: f.Get("held_on"), Minutes: f.Get("minutes"), Format: f.Get("format"),
		Attendees: f.Values["attendees"], Notes: f.Get("notes")}
	r, err := h.svc.CreateRecord(c.UserContext(), in, h.now())
	if st := web.FormError(f, err); st != 0 {
		return h.recordPage(c, st, f)
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Supervision recorded.")
	return web.Redirect(c, base(c)+"/records/"+r.ID)
}

// RecordPage shows one record; its notes only to its supervisor and attendees.
func (h *Handler) RecordPage(c *fiber.Ctx) error {
	v, err := h.svc.View(c.UserContext(), c.Params("recordID"))
	if err != nil {
		return err
	}
	return web.Render(c, 200, "supervision/record", "", web.View{Title: "Supervision on " + v.Record.HeldOn, D: v})
}

// MineData is a consultant's own supervision page.
type MineData struct {
	Base       string
	Hours      Hours
	Records    []Record
	MonthLabel string
	FYLabel    string
}

// Mine is a consultant's own records and hours.
func (h *Handler) Mine(c *fiber.Ctx) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	hours, cal, err := h.svc.HoursOf(ctx, sc.UserID, h.now())
	if err != nil {
		return err
	}
	d := &MineData{Base: base(c), Hours: hours, MonthLabel: cal.Today.Format("January 2006"),
		FYLabel: tenants.FiscalYearLabel(tenants.FiscalYear(cal.Today, cal.FYStartMonth), cal.FYStartMonth)}
	if d.Records, err = h.svc.Store().RecordsOf(ctx, sc.UserID, 100); err != nil {
		return err
	}
	return web.Render(c, 200, "supervision/mine", "", web.View{Title: "My supervision", D: d})
}
