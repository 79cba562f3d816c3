package programs

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the funder, program, funding and consultant agency pages.
type Handler struct {
	svc   *Service
	store *Store
	authz *authz.Authorizer
}

// NewHandler returns the handlers.
func NewHandler(svc *Service, az *authz.Authorizer) *Handler {
	return &Handler{svc: svc, store: svc.store, authz: az}
}

func (h *Handler) can(c *fiber.Ctx, obj, act string) bool {
	sc := web.ScopeOf(c)
	return h.authz.Allowed(sc.UserID, sc.TenantID, authz.Perm{Obj: obj, Act: act})
}

func base(c *fiber.Ctx) string { return "/t/" + web.ScopeOf(c).TenantSlug }

func emptyForm() *web.Form { return &web.Form{Values: url.Values{}, Errors: map[string]string{}} }

// queryForm is a form holding the query string (for a GET that refreshes a form).
func queryForm(c *fiber.Ctx) *web.Form {
	f := emptyForm()
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		if string(k) != web.CSRFField {
			f.Values.Add(string(k), string(v))
		}
	})
	return f
}

func choices(list []string, chosen []string) []tenants.Choice {
	out := make([]tenants.Choice, len(list))
	for i, v := range list {
		out[i] = tenants.Choice{Value: v, Label: v, Checked: inList(chosen, v)}
	}
	return out
}

// ---- Funders and consultant agencies ----

// FunderRow is a funder with what is known of it.
type FunderRow struct {
	Org      tenants.Organisation
	Known    KnownFunder
	IsKnown  bool
	Calendar string
}

// OrgsData is the funders page and the consultant agencies page.
type OrgsData struct {
	Kind      string // "funder" or "agency"
	Funders   []FunderRow
	Agencies  []tenants.Organisation
	Missing   []KnownFunder
	Offer     FundersOffer
	StateName string
	CanCreate bool
	CanUpdate bool
}

func (h *Handler) orgsPage(c *fiber.Ctx, kind string, status int, f *web.Form) error {
	ctx := c.UserContext()
	t, err := h.svc.Tenant(ctx)
	if err != nil {
		return err
	}
	d := &OrgsData{Kind: orgWord[kind], StateName: tenants.StateName(t.State), Offer: OfferFor(t),
		CanCreate: h.can(c, "organisations", "create"), CanUpdate: h.can(c, "organisations", "update")}
	list, err := h.store.Organisations(ctx, kind)
	if err != nil {
		return err
	}
	title := "Consultant agencies"
	if kind == tenants.OrgFunder {
		title = "Funders"
		for _, o := range list {
			k, known := Known(t, &o)
			d.Funders = append(d.Funders, FunderRow{Org: o, Known: k, IsKnown: known, Calendar: CalendarLabel(k.Calendar)})
		}
		if d.CanCreate {
			if d.Missing, err = h.svc.MissingUsualFunders(ctx, t); err != nil {
				return err
			}
		}
	} else {
		d.Agencies = list
	}
	return web.Render(c, status, "programs/orgs", "programs/_org_add", web.View{Title: title, D: d, Form: f})
}

// FundersPage lists the funders with the form to add one.
func (h *Handler) FundersPage(c *fiber.Ctx) error {
	return h.orgsPage(c, tenants.OrgFunder, fiber.StatusOK, emptyForm())
}

// AgenciesPage lists the consultant agencies with the form to add one.
func (h *Handler) AgenciesPage(c *fiber.Ctx) error {
	return h.orgsPage(c, tenants.OrgConsultantAgency, fiber.StatusOK, emptyForm())
}

func orgInput(f *web.Form) OrgInput {
	return OrgInput{Name: f.Get("name"), ShortName: f.Get("short_name")}
}

func (h *Handler) createOrg(c *fiber.Ctx, kind string) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.orgsPage(c, kind, st, f)
	}
	var o *tenants.Organisation
	var err error
	if kind == tenants.OrgFunder {
		o, err = h.svc.CreateFunder(c.UserContext(), orgInput(f))
	} else {
		o, err = h.svc.CreateAgency(c.UserContext(), orgInput(f))
	}
	if status := web.FormError(f, err); status != 0 {
		return h.orgsPage(c, kind, status, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, o.Name+" is added.")
	if kind == tenants.OrgFunder {
		return web.Redirect(c, base(c)+"/funders")
	}
	return web.Redirect(c, base(c)+"/agencies")
}

// CreateFunder adds a funder.
func (h *Handler) CreateFunder(c *fiber.Ctx) error { return h.createOrg(c, tenants.OrgFunder) }

// CreateAgency adds a consultant agency.
func (h *Handler) CreateAgency(c *fiber.Ctx) error {
	return h.createOrg(c, tenants.OrgConsultantAgency)
}

// AddUsualFunders adds the funders the tenant is offered (its state's usual ones, or the
// federal ones) that are missing.
func (h *Handler) AddUsualFunders(c *fiber.Ctx) error {
	added, err := h.svc.AddUsualFunders(c.UserContext())
	if err != nil {
		return err
	}
	if len(added) == 0 {
		web.Flash(c, "They are all in your list already.")
	} else {
		web.Flash(c, "Added "+strings.Join(added, ", ")+".")
	}
	return web.Redirect(c, base(c)+"/funders")
}

// OrgEditData is the page that edits a funder or a consultant agency.
type OrgEditData struct {
	Org         *tenants.Organisation
	Kind        string // "funder" or "agency"
	Action      string
	Back        string
	Known       KnownFunder
	IsKnown     bool
	CalendarFor string
}

func (h *Handler) orgEdit(c *fiber.Ctx, kind, param string, post bool) error {
	ctx := c.UserContext()
	o, err := h.store.Organisation(ctx, kind, c.Params(param))
	if err != nil {
		return err
	}
	list := "/agencies"
	if kind == tenants.OrgFunder {
		list = "/funders"
	}
	d := &OrgEditData{Org: o, Kind: orgWord[kind], Action: base(c) + list + "/" + o.ID + "/edit", Back: base(c) + list}
	f, status := emptyForm(), fiber.StatusOK
	f.Values.Set("name", o.Name)
	f.Values.Set("short_name", o.ShortName)
	if post {
		f = web.NewForm(c)
		if err = f.Err(); err != nil {
			// refused as read: shown again below, nothing saved
		} else if kind == tenants.OrgFunder {
			_, err = h.svc.UpdateFunder(ctx, o.ID, orgInput(f))
		} else {
			_, err = h.svc.UpdateAgency(ctx, o.ID, orgInput(f))
		}
		if status = web.FormError(f, err); status == 0 {
			if err != nil {
				return err
			}
			web.Flash(c, f.Get("name")+" is saved.")
			return web.Redirect(c, d.Back)
		}
	}
	if kind == tenants.OrgFunder {
		t, err := h.svc.Tenant(ctx)
		if err != nil {
			return err
		}
		d.Known, d.IsKnown = Known(t, o)
		d.CalendarFor = CalendarLabel(d.Known.Calendar)
	}
	return web.Render(c, status, "programs/org_edit", "", web.View{Title: "Edit " + o.Name, D: d, Form: f})
}

// EditFunderPage shows the form that edits a funder.
func (h *Handler) EditFunderPage(c *fiber.Ctx) error {
	return h.orgEdit(c, tenants.OrgFunder, "funderID", false)
}

// UpdateFunder saves a funder.
func (h *Handler) UpdateFunder(c *fiber.Ctx) error {
	return h.orgEdit(c, tenants.OrgFunder, "funderID", true)
}

// EditAgencyPage shows the form that edits a consultant agency.
func (h *Handler) EditAgencyPage(c *fiber.Ctx) error {
	return h.orgEdit(c, tenants.OrgConsultantAgency, "agencyID", false)
}

// UpdateAgency saves a consultant agency.
func (h *Handler) UpdateAgency(c *fiber.Ctx) error {
	return h.orgEdit(c, tenants.OrgConsultantAgency, "agencyID", true)
}

// ---- Programs ----

// ProgramsData is the program list with its filter.
type ProgramsData struct {
	Programs      []Program
	RowsHTML      template.HTML // Programs as the table's rows (programRowsHTML)
	Kinds         []tenants.Choice
	Counties      []string
	CountyOptions []web.Option // Counties as the filter's options ({{options}})
	Filter        ProgramFilter
	Filtered      bool
	CanCreate     bool
}

// ProgramRow is a program as a row of the list: every cell a plain value, worked out once
// (a field reached through the embedded organisation, or a method, is a slow lookup for the
// template, once per cell of every row).
type ProgramRow struct {
	Href, Name, Kind, County string
	Funders                  string // the funders' names, joined; "" when none
}

// ProgramsPage lists the programs the person may see, filtered by kind and county. An htmx
// request (the filter form) gets only the list.
func (h *Handler) ProgramsPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, err := h.svc.Tenant(ctx)
	if err != nil {
		return err
	}
	d := &ProgramsData{Filter: ProgramFilter{Kind: strings.TrimSpace(c.Query("kind")), County: strings.TrimSpace(c.Query("county"))},
		CanCreate: h.can(c, "organisations", "create")}
	for _, k := range tenants.ProgramKinds {
		d.Kinds = append(d.Kinds, tenants.Choice{Value: k.Value, Label: k.Label})
	}
	d.Counties = CountyChoices(t)
	if d.Filter.County != "" && d.Counties != nil && !inList(d.Counties, d.Filter.County) {
		d.Counties = append([]string{d.Filter.County}, d.Counties...)
	}
	d.Filtered = d.Filter.Kind != "" || d.Filter.County != ""
	if d.Programs, err = h.store.Programs(ctx, d.Filter); err != nil {
		return err
	}
	d.CountyOptions = web.StringOptions(d.Counties, d.Filter.County)
	href := base(c) + "/programs/"
	rows := make([]ProgramRow, len(d.Programs))
	for i, p := range d.Programs {
		rows[i] = ProgramRow{Href: href + p.ID, Name: p.Name, Kind: p.ProgramKindLabel(), County: p.County,
			Funders: strings.Join(p.Funders, ", ")}
	}
	d.RowsHTML = programRowsHTML(rows)
	return web.Render(c, fiber.StatusOK, "programs/programs", "programs/_programs", web.View{Wide: true, Title: "Programs", D: d})
}

// ProgramFormData is the page that adds or edits a program.
type ProgramFormData struct {
	Program *tenants.Organisation // nil when adding
	// KindOptions and CountyOptions are the selects' options with the form's choice selected,
	// written by {{options}}: a state's hundred counties ranged in the template were two
	// hundred reflected calls, most of the form's time.
	KindOptions   []web.Option
	CountyOptions []web.Option // none: the county is typed
	Languages     []tenants.Choice
	Action        string
	Back          string
	NoLangs       bool // the tenant has not chosen its languages yet
}

func (h *Handler) programForm(c *fiber.Ctx, p *tenants.Organisation, status int, f *web.Form) error {
	t, err := h.svc.Tenant(c.UserContext())
	if err != nil {
		return err
	}
	d := &ProgramFormData{Program: p, CountyOptions: web.StringOptions(ProgramCountyChoices(t, p), f.Get("county")),
		Languages: choices(ProgramLanguageChoices(t, p), f.Values["languages"]),
		Action:    base(c) + "/programs", Back: base(c) + "/programs", NoLangs: len(t.Languages) == 0}
	kind := f.Get("program_kind")
	for _, k := range tenants.ProgramKinds {
		d.KindOptions = append(d.KindOptions, web.Option{Value: k.Value, Label: k.Label, Selected: k.Value == kind})
	}
	title := "Add a program"
	if p != nil {
		d.Action, d.Back, title = base(c)+"/programs/"+p.ID+"/edit", base(c)+"/programs/"+p.ID, "Edit "+p.Name
	}
	return web.Render(c, status, "programs/program_form", "", web.View{Title: title, D: d, Form: f})
}

func programInput(f *web.Form) ProgramInput {
	return ProgramInput{Name: f.Get("name"), ShortName: f.Get("short_name"), Kind: f.Get("program_kind"),
		County: f.Get("county"), Languages: f.Values["languages"]}
}

// NewProgramPage shows the form that adds a program.
func (h *Handler) NewProgramPage(c *fiber.Ctx) error {
	return h.programForm(c, nil, fiber.StatusOK, emptyForm())
}

// CreateProgram adds a program and opens it.
func (h *Handler) CreateProgram(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.programForm(c, nil, st, f)
	}
	p, err := h.svc.CreateProgram(c.UserContext(), programInput(f))
	if status := web.FormError(f, err); status != 0 {
		return h.programForm(c, nil, status, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, p.Name+" is added. Now add its sites and its fundings.")
	return web.Redirect(c, base(c)+"/programs/"+p.ID)
}

// EditProgramPage shows the form that edits a program.
func (h *Handler) EditProgramPage(c *fiber.Ctx) error {
	p, err := h.store.Organisation(c.UserContext(), tenants.OrgProgram, c.Params("programID"))
	if err != nil {
		return err
	}
	f := emptyForm()
	f.Values.Set("name", p.Name)
	f.Values.Set("short_name", p.ShortName)
	f.Values.Set("program_kind", p.ProgramKind)
	f.Values.Set("county", p.County)
	f.Values["languages"] = append([]string(nil), p.Languages...)
	return h.programForm(c, p, fiber.StatusOK, f)
}

// UpdateProgram saves a program.
func (h *Handler) UpdateProgram(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := h.store.Organisation(ctx, tenants.OrgProgram, c.Params("programID"))
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.programForm(c, p, st, f)
	}
	_, err = h.svc.UpdateProgram(ctx, p.ID, programInput(f))
	if status := web.FormError(f, err); status != 0 {
		return h.programForm(c, p, status, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, f.Get("name")+" is saved.")
	return web.Redirect(c, base(c)+"/programs/"+p.ID)
}

// YearTotal is the sum of a program's fundings in one fiscal year.
type YearTotal struct {
	Label, Total string
}

// ProgramData is a program's page.
type ProgramData struct {
	Program      *tenants.Organisation
	Sites        []Site
	SiteKinds    []tenants.Choice
	ShowFundings bool
	Fundings     []Funding
	Totals       []YearTotal
	Funders      []tenants.Organisation // for "add a funding"
	// FunderOptions are Funders as the "add a funding" select's options ({{options}}).
	FunderOptions []web.Option
	CanEdit       bool
	CanFund       bool
}

func (h *Handler) programPage(c *fiber.Ctx, status int, f *web.Form) error {
	ctx := c.UserContext()
	p, err := h.store.Organisation(ctx, tenants.OrgProgram, c.Params("programID"))
	if err != nil {
		return err
	}
	d := &ProgramData{Program: p, CanEdit: h.can(c, "organisations", "update"), CanFund: h.can(c, "fundings", "update"),
		ShowFundings: h.can(c, "fundings", "read")}
	for _, k := range SiteKinds {
		d.SiteKinds = append(d.SiteKinds, tenants.Choice{Value: k.Value, Label: k.Label})
	}
	if d.Sites, err = h.store.Sites(ctx, p.ID); err != nil {
		return err
	}
	if d.ShowFundings {
		t, err := h.svc.Tenant(ctx)
		if err != nil {
			return err
		}
		if d.Fundings, err = h.store.Fundings(ctx, p.ID); err != nil {
			return err
		}
		sums, order := map[string]int64{}, []string{}
		for i := range d.Fundings {
			h.svc.Label(t, &d.Fundings[i])
			l := d.Fundings[i].FYLabel
			if _, seen := sums[l]; !seen {
				order = append(order, l)
			}
			sums[l] += d.Fundings[i].Total()
		}
		for _, l := range order {
			d.Totals = append(d.Totals, YearTotal{Label: l, Total: money.Cents(sums[l]).String()})
		}
	}
	if d.CanFund {
		if d.Funders, err = h.store.Organisations(ctx, tenants.OrgFunder); err != nil {
			return err
		}
		d.FunderOptions = funderOptions(d.Funders, "")
	}
	return web.Render(c, status, "programs/program", "programs/_sites", web.View{Title: p.Name, D: d, Form: f})
}

// ProgramPage shows a program: its kind, county, languages, sites and fundings.
func (h *Handler) ProgramPage(c *fiber.Ctx) error {
	return h.programPage(c, fiber.StatusOK, emptyForm())
}

// AddSite adds a site or classroom to a program.
func (h *Handler) AddSite(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.programPage(c, st, f)
	}
	site, err := h.svc.AddSite(c.UserContext(), c.Params("programID"), SiteInput{Name: f.Get("site_name"), Kind: f.Get("site_kind")})
	if status := web.FormError(f, err); status != 0 {
		return h.programPage(c, status, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, site.Name+" is added.")
	return web.Redirect(c, base(c)+"/programs/"+site.ProgramID+"#sites")
}

// RemoveSite removes a site or classroom from a program.
func (h *Handler) RemoveSite(c *fiber.Ctx) error {
	site, err := h.svc.RemoveSite(c.UserContext(), c.Params("programID"), c.Params("siteID"))
	if err != nil {
		return err
	}
	web.Flash(c, site.Name+" is removed.")
	return web.Redirect(c, base(c)+"/programs/"+site.ProgramID+"#sites")
}

// ---- Fundings ----

// LineRow is one budget line row of the funding form.
type LineRow struct {
	N                          int // 1-based, for labels
	CategoryField, AmountField string
	// CategoryOptions are the budget categories with the row's choice selected, written by
	// {{options}} (ranged in the template, they were a reflected call a category and a row).
	CategoryOptions []web.Option
	// What the form holds for the row, read once in Go: as $.Form.Get and $.Form.Error in the
	// template they were seven reflected calls a row.
	Amount, CategoryError, AmountError string
}

// funderOptions are the funders as a select's options ("Name (Short)"), chosen selected.
func funderOptions(funders []tenants.Organisation, chosen string) []web.Option {
	opts := make([]web.Option, len(funders))
	for i, o := range funders {
		label := o.Name
		if o.ShortName != "" {
			label += " (" + o.ShortName + ")"
		}
		opts[i] = web.Option{Value: o.ID, Label: label, Selected: o.ID == chosen}
	}
	return opts
}

// FundingFormData is the page that adds a funding or edits its budget lines.
type FundingFormData struct {
	Program *tenants.Organisation
	Funding *Funding // nil when adding
	// The funder and fiscal year selects, the form's choice selected ({{options}}).
	FunderOptions []web.Option
	YearOptions   []web.Option
	Categories    []string
	Rows          []LineRow
	Known         KnownFunder
	IsKnown       bool
	FunderChosen  bool
	CalendarLabel string
	Action        string
	Back          string
	MaxLines      int
	FundingLink   string // the funding's page, when editing
	HeldLink      string // the amendment the budget waits on, or ""
	HeldText      string
}

const defaultRows = 5

// lineRows is how many rows the form shows: enough for what was typed, and two more.
func lineRows(f *web.Form, atLeast int) []LineRow {
	n := atLeast
	for i := 0; i < MaxLines; i++ {
		if f.Get(lineCategoryField(i)) != "" || f.Get(lineAmountField(i)) != "" || f.Error(lineAmountField(i)) != "" {
			n = max(n, i+2)
		}
	}
	n = min(max(n, 1), MaxLines)
	rows := make([]LineRow, n)
	for i := range rows {
		rows[i] = LineRow{N: i + 1, CategoryField: lineCategoryField(i), AmountField: lineAmountField(i)}
	}
	return rows
}

// lineCategoryField and lineAmountField name the fields of the budget's i-th line (from 0).
func lineCategoryField(i int) string { return "line_category_" + strconv.Itoa(i) }
func lineAmountField(i int) string   { return "line_amount_" + strconv.Itoa(i) }

func fundingInput(f *web.Form) FundingInput {
	in := FundingInput{FunderID: f.Get("funder_id"), FiscalYear: f.Get("fiscal_year"), IECMHCFunded: f.Get("iecmhc_funded") != ""}
	last := -1
	for i := 0; i < MaxLines+1; i++ {
		if f.Get(lineCategoryField(i)) != "" || f.Get(lineAmountField(i)) != "" {
			last = i
		}
	}
	for i := 0; i <= last; i++ {
		in.Lines = append(in.Lines, LineInput{Category: f.Get(lineCategoryField(i)), Amount: f.Get(lineAmountField(i))})
	}
	return in
}

func (h *Handler) fundingForm(c *fiber.Ctx, p *tenants.Organisation, fu *Funding, status int, f *web.Form, extraRows int) error {
	ctx := c.UserContext()
	t, err := h.svc.Tenant(ctx)
	if err != nil {
		return err
	}
	d := &FundingFormData{Program: p, Funding: fu, Categories: BudgetCategories, MaxLines: MaxLines,
		Action: base(c) + "/programs/" + p.ID + "/fundings", Back: base(c) + "/programs/" + p.ID + "#fundings"}
	calendar := CalendarState
	if fu == nil {
		funders, err := h.store.Organisations(ctx, tenants.OrgFunder)
		if err != nil {
			return err
		}
		chosen := f.Get("funder_id")
		for i := range funders {
			if funders[i].ID == chosen {
				d.Known, d.IsKnown = Known(t, &funders[i])
				d.FunderChosen = true
				calendar = d.Known.Calendar
			}
		}
		d.FunderOptions = funderOptions(funders, chosen)
	} else {
		d.Action = base(c) + "/programs/" + p.ID + "/fundings/" + fu.ID + "/edit"
		d.FundingLink = base(c) + "/programs/" + p.ID + "/fundings/" + fu.ID
		if fu.HeldBy != "" {
			d.HeldLink, d.HeldText = base(c)+"/amendments/"+url.PathEscape(fu.HeldBy), HeldMessage
		}
		d.Known, d.IsKnown = Known(t, &tenants.Organisation{Name: fu.FunderName, ShortName: fu.FunderShort})
		calendar = d.Known.Calendar
		h.svc.Label(t, fu)
	}
	d.CalendarLabel = CalendarLabel(calendar) + " (" + tenants.MonthName(StartMonth(t, calendar)) + " to " +
		tenants.MonthName((StartMonth(t, calendar)+10)%12+1) + ")"
	fy := f.Get("fiscal_year")
	for _, y := range FiscalYears(t, calendar, h.svc.now()) {
		v := strconv.Itoa(y)
		d.YearOptions = append(d.YearOptions, web.Option{Value: v, Label: tenants.FiscalYearLabel(y, StartMonth(t, calendar)), Selected: v == fy})
	}
	atLeast := defaultRows
	if fu != nil {
		atLeast = len(fu.Lines) + 2
	}
	d.Rows = lineRows(f, atLeast)
	if extraRows > 0 {
		d.Rows = lineRows(f, len(d.Rows)+extraRows)
	}
	for i := range d.Rows {
		r := &d.Rows[i]
		r.CategoryOptions = web.StringOptions(d.Categories, f.Get(r.CategoryField))
		r.Amount, r.CategoryError, r.AmountError = f.Get(r.AmountField), f.Error(r.CategoryField), f.Error(r.AmountField)
	}
	title := "Add a funding to " + p.Name
	if fu != nil {
		title = "Budget of " + fu.Funder() + " " + fu.FYLabel + " for " + p.Name
	}
	return web.Render(c, status, "programs/funding_form", "programs/_funding_form", web.View{Title: title, D: d, Form: f})
}

// NewFundingPage shows the form that adds a funding. The funder may be chosen already
// (?funder_id=): the "I/ECMHC is already funded" box and the fiscal years then follow what is
// known of it. The funder select refreshes the form with htmx.
func (h *Handler) NewFundingPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := h.store.Organisation(ctx, tenants.OrgProgram, c.Params("programID"))
	if err != nil {
		return err
	}
	t, err := h.svc.Tenant(ctx)
	if err != nil {
		return err
	}
	f := queryForm(c)
	f.Values.Del("iecmhc_funded")
	calendar := CalendarState
	if id := f.Get("funder_id"); id != "" {
		if funder, err := h.store.Organisation(ctx, tenants.OrgFunder, id); err == nil {
			k, _ := Known(t, funder)
			if k.FundsIECMHC {
				f.Values.Set("iecmhc_funded", "1")
			}
			calendar = k.Calendar
		}
	}
	if years := FiscalYears(t, calendar, h.svc.now()); !inYears(years, atoiOr(f.Get("fiscal_year"), 0)) {
		f.Values.Set("fiscal_year", strconv.Itoa(years[yearsAhead])) // the current fiscal year
	}
	return h.fundingForm(c, p, nil, fiber.StatusOK, f, 0)
}

// AddFunding adds a funding with its budget lines. "Add more lines" shows the form again with
// more rows, saving nothing.
func (h *Handler) AddFunding(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := h.store.Organisation(ctx, tenants.OrgProgram, c.Params("programID"))
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.fundingForm(c, p, nil, st, f, 0)
	}
	if f.Get("more_lines") != "" {
		f.Values.Del("more_lines")
		return h.fundingForm(c, p, nil, fiber.StatusOK, f, 3)
	}
	fu, err := h.svc.AddFunding(ctx, p.ID, fundingInput(f))
	if status := web.FormError(f, err); status != 0 {
		return h.fundingForm(c, p, nil, status, f, 0)
	} else if err != nil {
		return err
	}
	web.Flash(c, fmt.Sprintf("The funding from %s for %s is added: %s.", fu.Funder(), fu.FYLabel, fu.TotalLabel()))
	return web.Redirect(c, base(c)+"/programs/"+p.ID+"#fundings")
}

// EditFundingPage shows the form that edits a funding's budget lines.
func (h *Handler) EditFundingPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := h.store.Organisation(ctx, tenants.OrgProgram, c.Params("programID"))
	if err != nil {
		return err
	}
	fu, err := h.store.Funding(ctx, p.ID, c.Params("fundingID"))
	if err != nil {
		return err
	}
	f := emptyForm()
	if fu.IECMHCFunded {
		f.Values.Set("iecmhc_funded", "1")
	}
	for i, l := range fu.Lines {
		f.Values.Set(fmt.Sprintf("line_category_%d", i), l.Category)
		f.Values.Set(fmt.Sprintf("line_amount_%d", i), money.Cents(l.AmountCents).Input())
	}
	return h.fundingForm(c, p, fu, fiber.StatusOK, f, 0)
}

// UpdateFunding saves a funding's budget lines.
func (h *Handler) UpdateFunding(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := h.store.Organisation(ctx, tenants.OrgProgram, c.Params("programID"))
	if err != nil {
		return err
	}
	fu, err := h.store.Funding(ctx, p.ID, c.Params("fundingID"))
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.fundingForm(c, p, fu, st, f, 0)
	}
	if f.Get("more_lines") != "" {
		f.Values.Del("more_lines")
		return h.fundingForm(c, p, fu, fiber.StatusOK, f, 3)
	}
	saved, err := h.svc.UpdateFunding(ctx, p.ID, fu.ID, fundingInput(f))
	if status := web.FormError(f, err); status != 0 {
		return h.fundingForm(c, p, fu, status, f, 0)
	} else if err != nil {
		return err
	}
	web.Flash(c, fmt.Sprintf("The budget of %s for %s is saved: %s.", saved.Funder(), saved.FYLabel, saved.TotalLabel()))
	return web.Redirect(c, base(c)+"/programs/"+p.ID+"#fundings")
}

func atoiOr(s string, or int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return or
	}
	return n
}

// ---- A funding's page ----

// VersionView is one budget version on the funding page, with what changed from the one
// before it.
type VersionView struct {
	BudgetVersion
	First   bool         // no version before it
	Changes []LineChange // against the version before (for the first, every line is new)
	Net     string       // the total's change in words
}

// PreviousNumber is the number of the version before this one.
func (v VersionView) PreviousNumber() int { return v.Number - 1 }

// FundingPageData is a funding's page: the funder, the fiscal year, the budget, its history.
type FundingPageData struct {
	Program    *tenants.Organisation
	Funding    *Funding
	Versions   []VersionView
	CanEdit    bool // the tenant admin: edit the budget directly
	CanPropose bool // the program's own people: propose an amendment
	Back       string
	EditLink   string
	Propose    string
	Amendments string
	HeldLink   string // the amendment waiting for a decision, or ""
	HeldText   string
}

// netWords says how a budget's total moved.
func netWords(before, after money.Cents) string {
	switch d := after - before; {
	case d > 0:
		return "Total up " + d.String() + ", from " + before.String() + " to " + after.String() + "."
	case d < 0:
		return "Total down " + (-d).String() + ", from " + before.String() + " to " + after.String() + "."
	}
	return "Total unchanged at " + after.String() + "."
}

// VersionViews pairs each version (newest first) with its changes from the one before.
func VersionViews(list []BudgetVersion) []VersionView {
	out := make([]VersionView, len(list))
	for i, v := range list {
		out[i] = VersionView{BudgetVersion: v}
		if i+1 < len(list) {
			prev := list[i+1]
			out[i].Changes = DiffLines(prev.Lines, v.Lines)
			out[i].Net = netWords(prev.TotalCents, v.TotalCents)
		} else {
			out[i].First = true
			out[i].Changes = DiffLines(nil, v.Lines)
			out[i].Net = "Total: " + v.TotalCents.String() + "."
		}
	}
	return out
}

// FundingPage shows a funding: its funder, fiscal year, I/ECMHC flag, current budget and its
// history, version by version, with what changed each time; links to its budget amendments
// and, for the program's own people, to propose one.
func (h *Handler) FundingPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := h.store.Organisation(ctx, tenants.OrgProgram, c.Params("programID"))
	if err != nil {
		return err
	}
	fu, err := h.svc.FundingByID(ctx, c.Params("fundingID"))
	if err != nil {
		return err
	}
	if fu.ProgramID != p.ID {
		return apperr.NotFound("funding")
	}
	hist, err := h.svc.History(ctx, fu)
	if err != nil {
		return err
	}
	sc := web.ScopeOf(c)
	b := base(c)
	d := &FundingPageData{Program: p, Funding: fu, Versions: VersionViews(hist),
		CanEdit:    h.can(c, "fundings", "update"),
		CanPropose: sc.Role == authz.Program && sc.OrganisationID != "" && sc.OrganisationID == fu.ProgramID,
		Back:       b + "/programs/" + p.ID + "#fundings",
		EditLink:   b + "/programs/" + p.ID + "/fundings/" + fu.ID + "/edit",
		Propose:    b + "/amendments/new?" + url.Values{"funding": {fu.ID}}.Encode(),
		Amendments: b + "/amendments?" + url.Values{"funding": {fu.ID}}.Encode(),
	}
	if fu.HeldBy != "" {
		d.HeldLink, d.HeldText = b+"/amendments/"+url.PathEscape(fu.HeldBy), HeldMessage
	}
	return web.Render(c, fiber.StatusOK, "programs/funding", "", web.View{Title: fu.Funder() + " " + fu.FYLabel + " for " + p.Name, D: d})
}
