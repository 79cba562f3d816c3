package reports

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// NCPCHandler serves the NCPC report: its setup, the page, the lists behind its figures and
// the files (report runs).
type NCPCHandler struct {
	d Deps
}

// NewNCPCHandler returns the NCPC report's handlers.
func NewNCPCHandler(d Deps) *NCPCHandler { return &NCPCHandler{d: d} }

// NCPCSetupRow is one funding on the setup page with its three fields' names.
type NCPCSetupRow struct {
	NCPCFunding
	ReportedField, PIDField, PSCField string
}

// NCPCSetupData is the setup page.
type NCPCSetupData struct {
	Rows       []NCPCSetupRow
	PSCs       []PSC
	DefaultPID string
}

// SetupPage lists the tenant's fundings with, per funding, whether it is reported to NCPC,
// its program identifier and its PSC.
func (h *NCPCHandler) SetupPage(c *fiber.Ctx) error {
	rows, err := h.setupRows(c)
	if err != nil {
		return err
	}
	f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	for _, r := range rows {
		if r.Reported {
			f.Values.Set(r.ReportedField, "yes")
			f.Values.Set(r.PIDField, r.ProgramIdentifier)
			f.Values.Set(r.PSCField, r.PSC)
		} else {
			f.Values.Set(r.PIDField, DefaultProgramIdentifier)
		}
	}
	return h.renderSetup(c, fiber.StatusOK, rows, f)
}

// SaveSetup records the setup form. Bad input: the page again with what was typed and a
// message naming each field; nothing is written.
func (h *NCPCHandler) SaveSetup(c *fiber.Ctx) error {
	rows, err := h.setupRows(c)
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.renderSetup(c, st, rows, f)
	}
	choices := make([]NCPCChoice, 0, len(rows))
	for _, r := range rows {
		choices = append(choices, NCPCChoice{FundingID: r.ID, Reported: f.Get(r.ReportedField) != "",
			ProgramIdentifier: f.Get(r.PIDField), PSC: f.Get(r.PSCField)})
	}
	n, err := h.d.SaveNCPCSetup(c.UserContext(), choices)
	if st := web.FormError(f, err); st != 0 {
		return h.renderSetup(c, st, rows, f)
	}
	if err != nil {
		return err
	}
	switch n {
	case 0:
		web.Flash(c, "Nothing changed.")
	case 1:
		web.Flash(c, "Saved: 1 funding changed.")
	default:
		web.Flash(c, "Saved: "+strconv.Itoa(n)+" fundings changed.")
	}
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/reports/ncpc/setup")
}

func (h *NCPCHandler) setupRows(c *fiber.Ctx) ([]NCPCSetupRow, error) {
	list, err := h.d.NCPCFundings(c.UserContext())
	if err != nil {
		return nil, err
	}
	rows := make([]NCPCSetupRow, len(list))
	for i, f := range list {
		rows[i] = NCPCSetupRow{NCPCFunding: f, ReportedField: ncpcReportedField(f.ID), PIDField: ncpcPIDField(f.ID), PSCField: ncpcPSCField(f.ID)}
	}
	return rows, nil
}

func (h *NCPCHandler) renderSetup(c *fiber.Ctx, status int, rows []NCPCSetupRow, f *web.Form) error {
	d := NCPCSetupData{Rows: rows, PSCs: PSCs, DefaultPID: DefaultProgramIdentifier}
	return web.Render(c, status, "reports/ncpc_setup", "", web.View{Title: "NCPC report setup", D: d, Form: f, Wide: true})
}

// NCPCPageData is the report's page.
type NCPCPageData struct {
	Report *NCPCReport
	Switch Switch
	// Sections are the report's tables, worked out in Go (the links and numbers of every cell):
	// as method calls in the template they were most of the page's time.
	Sections []SectionView
	Rules    []struct{ Instrument, Rule string }
	Base     string // /t/{slug}/reports/ncpc
	Admin    bool   // may change the setup
	Days     int    // how long a file is kept
}

// Link is the address of the list behind row's figure in quarter q (0: the year to date).
func (d NCPCPageData) Link(row Row, q int) string {
	v := url.Values{"section": {row.Figure.Key}, "psc": {row.PSC}, "calendar": {d.Report.Year.Calendar},
		"fy": {strconv.Itoa(d.Report.Year.FY)}}
	if q > 0 {
		v.Set("quarter", strconv.Itoa(q))
	}
	return d.Base + "/list?" + v.Encode()
}

// Page is the NCPC report of the fiscal year the switch shows (the current state fiscal year
// by default).
func (h *NCPCHandler) Page(c *fiber.Ctx) error {
	t, err := h.d.tenant(c.UserContext())
	if err != nil {
		return err
	}
	return h.renderPage(c, fiber.StatusOK, t, h.d.yearOf(c, t), nil)
}

// renderPage shows the report of year y; f is the file form when it was refused.
func (h *NCPCHandler) renderPage(c *fiber.Ctx, status int, t *tenants.Tenant, y Year, f *web.Form) error {
	rep, err := h.d.NCPC(c.UserContext(), y)
	if err != nil {
		return err
	}
	base := "/t/" + t.Slug + "/reports/ncpc"
	d := NCPCPageData{Report: rep, Switch: NewSwitch(t, y, base, h.d.now()), Rules: ImprovementRules, Base: base,
		Admin: web.ScopeOf(c).Role == authz.TenantAdmin, Days: int(NCPCLifetime.Hours() / 24)}
	d.Sections = d.sections()
	return web.Render(c, status, "reports/ncpc", "", web.View{Title: "NCPC report " + y.Label(), D: d, Form: f, Wide: true})
}

// SectionRef is a section's key and name for the page.
type SectionRef struct{ Key, Label string }

// SectionView is one section's table on the page: how each figure is counted, and its rows.
type SectionView struct {
	Key, Label string
	Hows       []FigureDef // the figures, once each (their totals' rows)
	Rows       []RowView
}

// RowView is a figure for a PSC with its cells: the four quarters, then the year to date.
type RowView struct {
	Label, PSCLabel string
	Cells           []CellView
}

// CellView is one number and the list behind it.
type CellView struct {
	Head   string // the column's name for stacked tables ("Q1", "Year to date")
	Period string // said to screen readers ("Q1", "year to date")
	Href   string
	Text   string
}

// sections lays out the report's tables.
func (d NCPCPageData) sections() []SectionView {
	var out []SectionView
	for _, ref := range sectionRefs() {
		sv := SectionView{Key: ref.Key, Label: ref.Label}
		for _, row := range d.Report.Section(ref.Key) {
			if row.PSC == "" {
				sv.Hows = append(sv.Hows, row.Figure)
			}
			rv := RowView{Label: row.Figure.Label, PSCLabel: row.PSCLabel()}
			for _, q := range d.Report.Quarters {
				n := "Q" + strconv.Itoa(q.N)
				rv.Cells = append(rv.Cells, CellView{Head: n, Period: n, Href: d.Link(row, q.N), Text: row.Cell(q.N).String()})
			}
			rv.Cells = append(rv.Cells, CellView{Head: "Year to date", Period: "year to date", Href: d.Link(row, 0), Text: row.YTD.String()})
			sv.Rows = append(sv.Rows, rv)
		}
		out = append(out, sv)
	}
	return out
}

func sectionRefs() []SectionRef {
	var out []SectionRef
	for _, s := range []string{SectionOutputs, SectionOutcomes, SectionMeasures} {
		out = append(out, SectionRef{s, SectionLabel(s)})
	}
	return out
}

// NCPCListData is the list behind one figure.
type NCPCListData struct {
	Report   *NCPCReport
	Figure   FigureDef
	PSC      string
	PSCLabel string
	Quarter  int
	Period   string
	Value    Value
	Items    []ListItem
	Back     string
	// SeesEngagements: the person may open engagements (a funder reads them too, through the
	// one visibility rule).
	SeesEngagements bool
}

// List is the list behind one figure: ?section=<figure>&psc=&quarter=&calendar=&fy=.
func (h *NCPCHandler) List(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, err := h.d.tenant(ctx)
	if err != nil {
		return err
	}
	section := c.Query("section", FigFacilities) // the first figure, when none is named
	fig, ok := figureDef(section)
	if !ok {
		return apperr.NotFound("figure")
	}
	psc := c.Query("psc")
	if psc != "" && !knownPSC(psc) {
		return apperr.NotFound("Purpose Service Code")
	}
	quarter := 0
	if q := c.Query("quarter"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 {
			return apperr.NotFound("quarter")
		}
		quarter = n
	}
	y := h.d.yearOf(c, t)
	rep, err := h.d.NCPC(ctx, y)
	if err != nil {
		return err
	}
	key := fig.Key
	if key == FigImprovedPct {
		key = FigImproved
	}
	d := NCPCListData{Report: rep, Figure: fig, PSC: psc, PSCLabel: Row{PSC: psc}.PSCLabel(), Quarter: quarter, Value: rep.Figure(fig.Key, psc).Cell(quarter),
		Items: rep.ListFor(key, psc, quarter), Back: "/t/" + t.Slug + "/reports/ncpc?" + y.Query(), SeesEngagements: true}
	d.Period = y.Label() + ", year to date"
	if quarter > 0 {
		d.Period = rep.Quarters[quarter-1].Label
	}
	return web.Render(c, fiber.StatusOK, "reports/ncpc_list", "", web.View{Title: fig.Label, D: d, Wide: true})
}

// StartRun asks for the report as a file (format=csv|xlsx, with calendar and fy) and goes to
// the run's page, which shows its progress and then the download. Bad input: the report again
// with the message naming the field; nothing is asked for.
func (h *NCPCHandler) StartRun(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, err := h.d.tenant(ctx)
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	y := ParseYear(t, f.Get("calendar"), f.Get("fy"), h.d.now())
	if st := f.Refused(); st != 0 {
		return h.renderPage(c, st, t, y, f)
	}
	format := f.Get("format")
	if format != "csv" && format != "xlsx" {
		f.Errors["format"] = "File format: choose Excel (XLSX) or CSV."
		f.Errors["_form"] = "Nothing was asked for: please correct the field marked below."
		return h.renderPage(c, fiber.StatusUnprocessableEntity, t, y, f)
	}
	r, err := h.d.Runs.Start(ctx, NCPCKind, "", NCPCParams{Calendar: y.Calendar, FY: y.FY, Format: format})
	if err != nil {
		return err
	}
	web.Flash(c, "The NCPC report ("+y.Label()+") is being built in the background: this page shows its progress, then the download.")
	return web.Redirect(c, "/t/"+t.Slug+"/runs/"+r.ID)
}
