package reports

import (
	"context"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/recent"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// NCPCHandler serves the NCPC report: its setup, the page, the lists behind its figures and
// the files (report runs).
type NCPCHandler struct {
	d     Deps
	cache recent.Cache[*ncpcKept] // the reports on screen, a minute at most (ncpcReport)
}

// NCPCReportMaxAge is how old the NCPC report on screen may be (issue 14). The report adds up
// every session of the year of the programs it covers (the volume tenant's fifty programs had
// 87,000 sessions in the first five months of the year: 330 ms a request, and at 50 requests a
// second the server fell behind), so the page and the lists behind its figures keep each report
// for a minute per tenant, view (a tenant admin's, or one funder's) and year, and say when it
// was counted. The files are counted afresh, and a change to the setup shows at once.
const NCPCReportMaxAge = time.Minute

// ncpcKept is a kept NCPC report with what its page works out from it, once for everyone who
// sees that report: the tables' rows and links, and the programs' rows.
type ncpcKept struct {
	rep          *NCPCReport
	sections     []SectionView
	programs     []ProgramView
	programsHTML template.HTML
}

// ncpcReport is the NCPC report of year y as the person in ctx sees it in the tenant at slug,
// at most NCPCReportMaxAge old, and when it was counted.
func (h *NCPCHandler) ncpcReport(ctx context.Context, slug string, y Year) (*ncpcKept, time.Time, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	key := ncpcViewKey(sc) + "|" + slug + "|" + y.Calendar + "|" + strconv.Itoa(y.FY) + "|" + strconv.Itoa(y.StartMonth)
	return h.cache.Get(ctx, key, NCPCReportMaxAge, cachedReports, func(ctx context.Context) (*ncpcKept, error) {
		rep, err := h.d.NCPC(ctx, y)
		if err != nil {
			return nil, err
		}
		d := NCPCPageData{Report: rep, Base: "/t/" + slug + "/reports/ncpc"}
		k := &ncpcKept{rep: rep, sections: d.sections(), programs: programViews(rep.Programs)}
		k.programsHTML = programsHTML("/t/"+slug, k.programs)
		return k, nil
	})
}

// ncpcViewKey names whose NCPC report a person sees, starting with the tenant: a tenant admin
// sees the whole tenant's, a funder its own fundings' (ncpcFundings, consultation.Visible), and
// anyone else only their own.
func ncpcViewKey(sc database.Scope) string {
	switch {
	case isAdmin(sc):
		return sc.TenantID + "|admin"
	case sc.Role == authz.Funder:
		return sc.TenantID + "|funder|" + sc.OrganisationID
	default:
		return sc.TenantID + "|" + sc.Role + "|" + sc.OrganisationID + "|" + sc.UserID
	}
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
	Rows []NCPCSetupLine
	// RowsHTML is Rows as the table's body writes them (setupRowsHTML): one value for the page.
	// Each row read the form nine times through $.Form.Get and $.Form.Error and ranged over the
	// PSCs, some fifty reflected template calls a row, most of the page's time with many
	// fundings; with the form read in Go there were still over twenty.
	RowsHTML   template.HTML
	PSCs       []PSC
	DefaultPID string
}

// NCPCSetupLine is one funding's row as the setup page writes it: plain fields, read once from
// the form in Go.
type NCPCSetupLine struct {
	ProgramName, FunderName, FYLabel  string
	Desc                              string // "program, funder, fiscal year", for screen readers and labels
	ReportedField, PIDField, PSCField string
	Checked                           bool   // the Reported box is ticked
	PID                               string // the program identifier as shown
	PIDError, PSCError                string
	PSCOptions                        template.HTML // the PSCs after "- Choose a PSC -", the chosen one selected
}

// setupLines lays out the setup rows with what f holds for them.
func setupLines(rows []NCPCSetupRow, f *web.Form) []NCPCSetupLine {
	out := make([]NCPCSetupLine, len(rows))
	options := map[string]template.HTML{} // by chosen code: the PSCs are few, the rows many
	for i := range rows {
		r := &rows[i]
		chosen := f.Get(r.PSCField)
		opts, ok := options[chosen]
		if !ok {
			list := make([]web.Option, len(PSCs))
			for j, p := range PSCs {
				list[j] = web.Option{Value: p.Code, Label: p.Code + " " + p.Label, Selected: p.Code == chosen}
			}
			opts = web.OptionsHTML(list)
			options[chosen] = opts
		}
		out[i] = NCPCSetupLine{ProgramName: r.ProgramName, FunderName: r.FunderName, FYLabel: r.FYLabel,
			Desc:          r.ProgramName + ", " + r.FunderName + ", " + r.FYLabel,
			ReportedField: r.ReportedField, PIDField: r.PIDField, PSCField: r.PSCField,
			Checked: f.Get(r.ReportedField) != "", PID: f.Get(r.PIDField),
			PIDError: f.Error(r.PIDField), PSCError: f.Error(r.PSCField), PSCOptions: opts}
	}
	return out
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
	if n > 0 {
		// The reports kept in this process show the new setup at once.
		h.cache.Forget(web.ScopeOf(c).TenantID + "|")
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
	lines := setupLines(rows, f)
	d := NCPCSetupData{Rows: lines, RowsHTML: setupRowsHTML(lines), PSCs: PSCs, DefaultPID: DefaultProgramIdentifier}
	return web.Render(c, status, "reports/ncpc_setup", "", web.View{Title: "NCPC report setup", D: d, Form: f, Wide: true})
}

// setupRowsHTML writes the setup rows exactly as the template
//
//	{{range .}}<tr><th scope="row" data-label="Program">{{.ProgramName}}</th><td data-label="Funder">{{.FunderName}}</td><td data-label="Fiscal year">{{.FYLabel}}</td><td data-label="Reported to NCPC"><div class="usa-checkbox"><input class="usa-checkbox__input" id="{{.ReportedField}}" type="checkbox" name="{{.ReportedField}}" value="yes"{{if .Checked}} checked{{end}}><label class="usa-checkbox__label" for="{{.ReportedField}}">Reported<span class="usa-sr-only"> to NCPC: {{.Desc}}</span></label></div></td><td data-label="Program identifier"><div class="usa-form-group margin-top-0{{if .PIDError}} usa-form-group--error{{end}}"><label class="usa-label usa-sr-only" for="{{.PIDField}}">Program identifier for {{.Desc}}</label>{{if .PIDError}}<span class="usa-error-message" id="{{.PIDField}}-error">{{.PIDError}}</span>{{end}}<input class="usa-input margin-top-0" id="{{.PIDField}}" name="{{.PIDField}}" type="text" maxlength="200" value="{{.PID}}"{{if .PIDError}} aria-describedby="{{.PIDField}}-error" aria-invalid="true"{{end}}></div></td><td data-label="Purpose Service Code"><div class="usa-form-group margin-top-0{{if .PSCError}} usa-form-group--error{{end}}"><label class="usa-label usa-sr-only" for="{{.PSCField}}">Purpose Service Code for {{.Desc}}</label>{{if .PSCError}}<span class="usa-error-message" id="{{.PSCField}}-error">{{.PSCError}}</span>{{end}}<select class="usa-select margin-top-0" id="{{.PSCField}}" name="{{.PSCField}}"{{if .PSCError}} aria-describedby="{{.PSCField}}-error" aria-invalid="true"{{end}}><option value="">- Choose a PSC -</option>{{.PSCOptions}}</select></div></td></tr>
//	{{end}}
//
// would (TestSetupRowsHTMLIsTheTemplate): html/template escapes the texts and the quoted
// attributes (none of them a URL) with one table, web.EscapeHTML.
func setupRowsHTML(lines []NCPCSetupLine) template.HTML {
	n := 0
	for i := range lines {
		l := &lines[i]
		n += 1500 + len(l.ProgramName) + len(l.FunderName) + len(l.FYLabel) + 3*len(l.Desc) + len(l.PID) +
			len(l.PIDError) + len(l.PSCError) + len(l.PSCOptions)
	}
	var b strings.Builder
	b.Grow(n)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	for i := range lines {
		l := &lines[i]
		b.WriteString(`<tr><th scope="row" data-label="Program">`)
		esc(l.ProgramName)
		b.WriteString(`</th><td data-label="Funder">`)
		esc(l.FunderName)
		b.WriteString(`</td><td data-label="Fiscal year">`)
		esc(l.FYLabel)
		b.WriteString(`</td><td data-label="Reported to NCPC"><div class="usa-checkbox"><input class="usa-checkbox__input" id="`)
		esc(l.ReportedField)
		b.WriteString(`" type="checkbox" name="`)
		esc(l.ReportedField)
		b.WriteString(`" value="yes"`)
		if l.Checked {
			b.WriteString(` checked`)
		}
		b.WriteString(`><label class="usa-checkbox__label" for="`)
		esc(l.ReportedField)
		b.WriteString(`">Reported<span class="usa-sr-only"> to NCPC: `)
		esc(l.Desc)
		b.WriteString(`</span></label></div></td><td data-label="Program identifier"><div class="usa-form-group margin-top-0`)
		writeFieldEnd(&b, l.PIDField, l.PIDError, "Program identifier for ", l.Desc)
		b.WriteString(`<input class="usa-input margin-top-0" id="`)
		esc(l.PIDField)
		b.WriteString(`" name="`)
		esc(l.PIDField)
		b.WriteString(`" type="text" maxlength="200" value="`)
		esc(l.PID)
		b.WriteString(`"`)
		writeDescribedBy(&b, l.PIDField, l.PIDError)
		b.WriteString(`></div></td><td data-label="Purpose Service Code"><div class="usa-form-group margin-top-0`)
		writeFieldEnd(&b, l.PSCField, l.PSCError, "Purpose Service Code for ", l.Desc)
		b.WriteString(`<select class="usa-select margin-top-0" id="`)
		esc(l.PSCField)
		b.WriteString(`" name="`)
		esc(l.PSCField)
		b.WriteString(`"`)
		writeDescribedBy(&b, l.PSCField, l.PSCError)
		b.WriteString(`><option value="">- Choose a PSC -</option>`)
		b.WriteString(string(l.PSCOptions))
		b.WriteString("</select></div></td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text and attribute escaped by web.EscapeHTML, as html/template does; the options by web.OptionsHTML
}

// writeFieldEnd writes the end of a field's form group's class (its error state), its label
// (labelled, then desc) and its error message if any.
func writeFieldEnd(b *strings.Builder, field, msg, labelled, desc string) {
	if msg != "" {
		b.WriteString(` usa-form-group--error`)
	}
	b.WriteString(`"><label class="usa-label usa-sr-only" for="`)
	web.EscapeHTML(b, field)
	b.WriteString(`">`)
	b.WriteString(labelled)
	web.EscapeHTML(b, desc)
	b.WriteString(`</label>`)
	if msg != "" {
		b.WriteString(`<span class="usa-error-message" id="`)
		web.EscapeHTML(b, field)
		b.WriteString(`-error">`)
		web.EscapeHTML(b, msg)
		b.WriteString(`</span>`)
	}
}

// writeDescribedBy ties a field in error to its message.
func writeDescribedBy(b *strings.Builder, field, msg string) {
	if msg != "" {
		b.WriteString(` aria-describedby="`)
		web.EscapeHTML(b, field)
		b.WriteString(`-error" aria-invalid="true"`)
	}
}

// NCPCPageData is the report's page.
type NCPCPageData struct {
	Report *NCPCReport
	Switch Switch
	// Programs are the report's programs with their PSCs and identifiers joined as the page
	// reads them.
	Programs     []ProgramView
	ProgramsHTML template.HTML // Programs' rows, written (programsHTML)
	// Sections are the report's tables, worked out in Go (the links and numbers of every cell):
	// as method calls in the template they were most of the page's time.
	Sections  []SectionView
	Rules     []struct{ Instrument, Rule string }
	Base      string // /t/{slug}/reports/ncpc
	Admin     bool   // may change the setup
	Days      int    // how long a file is kept
	CountedAt string // when the report was counted, in the tenant's time ("3:04 PM")
}

// Link is the address of the list behind row's figure in quarter q (0: the year to date).
func (d NCPCPageData) Link(row Row, q int) string {
	// As url.Values.Encode writes it (keys in order), without its map and sort: the page has
	// a link per cell (TestLinkIsTheEncodedQuery).
	var b strings.Builder
	b.Grow(len(d.Base) + 80)
	b.WriteString(d.Base)
	b.WriteString("/list?calendar=")
	b.WriteString(url.QueryEscape(d.Report.Year.Calendar))
	b.WriteString("&fy=")
	b.WriteString(strconv.Itoa(d.Report.Year.FY))
	b.WriteString("&psc=")
	b.WriteString(url.QueryEscape(row.PSC))
	if q > 0 {
		b.WriteString("&quarter=")
		b.WriteString(strconv.Itoa(q))
	}
	b.WriteString("&section=")
	b.WriteString(url.QueryEscape(row.Figure.Key))
	return b.String()
}

// listItemsTemplate is what listItemsHTML writes, as a template.
const listItemsTemplate = `{{range .Items}}<tr><th scope="row" data-label="Counted">{{.Name}}</th><td data-label="Program"><a href="{{$.Base}}/programs/{{.ProgramID}}">{{.ProgramName}}</a></td><td data-label="Details">{{.Detail}}</td><td data-label="Engagement">{{if .EngagementID}}<a href="{{$.Base}}/engagements/{{.EngagementID}}">Open the engagement<span class="usa-sr-only"> ({{.Name}})</span></a>{{end}}</td></tr>
{{end}}`

// listItemsHTML writes the rows of the list behind a figure as listItemsTemplate would, base
// the tenant's path (TestListItemsHTMLIsTheTemplate): a facility list of fifty programs was
// some five hundred reflected template calls.
func listItemsHTML(base string, items []ListItem) template.HTML {
	n := 0
	for i := range items {
		it := &items[i]
		n += 400 + len(base)*2 + 2*len(it.Name) + len(it.ProgramID) + len(it.ProgramName) + len(it.Detail) + len(it.EngagementID)
	}
	var b strings.Builder
	b.Grow(n)
	href := web.TemplateURL(base)
	for i := range items {
		it := &items[i]
		b.WriteString(`<tr><th scope="row" data-label="Counted">`)
		web.EscapeHTML(&b, it.Name)
		b.WriteString(`</th><td data-label="Program"><a href="`)
		web.EscapeHTML(&b, href)
		b.WriteString("/programs/")
		web.EscapeHTML(&b, web.NormalizeURL(it.ProgramID))
		b.WriteString(`">`)
		web.EscapeHTML(&b, it.ProgramName)
		b.WriteString(`</a></td><td data-label="Details">`)
		web.EscapeHTML(&b, it.Detail)
		b.WriteString(`</td><td data-label="Engagement">`)
		if it.EngagementID != "" {
			b.WriteString(`<a href="`)
			web.EscapeHTML(&b, href)
			b.WriteString("/engagements/")
			web.EscapeHTML(&b, web.NormalizeURL(it.EngagementID))
			b.WriteString(`">Open the engagement<span class="usa-sr-only"> (`)
			web.EscapeHTML(&b, it.Name)
			b.WriteString(`)</span></a>`)
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address as html/template writes it
}

// programsTemplate is what programsHTML writes, as a template.
const programsTemplate = `{{range .Programs}}<tr><th scope="row"><a href="{{$.Base}}/programs/{{.ProgramID}}">{{.Name}}</a></th><td>{{.PSCs}}</td><td>{{.Identifiers}}</td></tr>{{end}}`

// programsHTML writes the programs table's rows as programsTemplate would, base the tenant's
// path (TestProgramsHTMLIsTheTemplate).
func programsHTML(base string, programs []ProgramView) template.HTML {
	var b strings.Builder
	b.Grow(len(programs) * 200)
	for i := range programs {
		p := &programs[i]
		b.WriteString(`<tr><th scope="row"><a href="`)
		web.EscapeHTML(&b, web.TemplateURL(base))
		b.WriteString("/programs/")
		web.EscapeHTML(&b, web.NormalizeURL(p.ProgramID))
		b.WriteString(`">`)
		web.EscapeHTML(&b, p.Name)
		b.WriteString(`</a></th><td>`)
		web.EscapeHTML(&b, p.PSCs)
		b.WriteString(`</td><td>`)
		web.EscapeHTML(&b, p.Identifiers)
		b.WriteString(`</td></tr>`)
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address as html/template writes it
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
	kept, at, err := h.ncpcReport(c.UserContext(), t.Slug, y)
	if err != nil {
		return err
	}
	rep := kept.rep
	base := "/t/" + t.Slug + "/reports/ncpc"
	d := NCPCPageData{Report: rep, Switch: NewSwitch(t, y, base, h.d.now()), Rules: ImprovementRules, Base: base,
		Admin: web.ScopeOf(c).Role == authz.TenantAdmin, Days: int(NCPCLifetime.Hours() / 24), CountedAt: t.Local(at).Format("3:04 PM")}
	d.Sections, d.Programs, d.ProgramsHTML = kept.sections, kept.programs, kept.programsHTML
	return web.Render(c, status, "reports/ncpc", "", web.View{Title: "NCPC report " + y.Label(), D: d, Form: f, Wide: true})
}

// SectionRef is a section's key and name for the page.
type SectionRef struct{ Key, Label string }

// ProgramView is a program in the report's programs table.
type ProgramView struct {
	ProgramID, Name string
	PSCs            string // its PSCs' labels, joined by ", "
	Identifiers     string // its program identifiers, joined by "; "
}

func programViews(lines []NCPCProgramLine) []ProgramView {
	out := make([]ProgramView, len(lines))
	for i, p := range lines {
		out[i] = ProgramView{ProgramID: p.ProgramID, Name: p.Name, PSCs: strings.Join(p.PSCLabels, ", "), Identifiers: strings.Join(p.Identifiers, "; ")}
	}
	return out
}

// SectionView is one section's table on the page: how each figure is counted, and its rows.
type SectionView struct {
	Key, Label string
	Hows       []FigureDef // the figures, once each (their totals' rows)
	Rows       []RowView
	// RowsHTML is Rows as the table's body writes them (rowsHTML): one value for the page
	// instead of some thirty reflected template calls a row.
	RowsHTML template.HTML
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

// sections lays out the report's tables. A cell's link is Link's (TestSectionLinksAreLink),
// built from its row's common start: a hundred and eighty cells each encoding the same query
// were a fifth of the page's Go.
func (d *NCPCPageData) sections() []SectionView {
	quarters := make([]string, len(d.Report.Quarters))
	for i, q := range d.Report.Quarters {
		quarters[i] = "Q" + strconv.Itoa(q.N)
	}
	start := d.Base + "/list?calendar=" + url.QueryEscape(d.Report.Year.Calendar) + "&fy=" + strconv.Itoa(d.Report.Year.FY) + "&psc="
	var out []SectionView
	for _, ref := range sectionRefs() {
		sv := SectionView{Key: ref.Key, Label: ref.Label}
		for i := range d.Report.Rows {
			row := &d.Report.Rows[i]
			if row.Figure.Section != ref.Key {
				continue
			}
			if row.PSC == "" {
				sv.Hows = append(sv.Hows, row.Figure)
			}
			prefix, section := start+url.QueryEscape(row.PSC), "&section="+url.QueryEscape(row.Figure.Key)
			rv := RowView{Label: row.Figure.Label, PSCLabel: row.PSCLabel(), Cells: make([]CellView, 0, len(quarters)+1)}
			for j, q := range d.Report.Quarters {
				rv.Cells = append(rv.Cells, CellView{Head: quarters[j], Period: quarters[j],
					Href: prefix + "&quarter=" + strconv.Itoa(q.N) + section, Text: row.Cell(q.N).String()})
			}
			rv.Cells = append(rv.Cells, CellView{Head: "Year to date", Period: "year to date", Href: prefix + section, Text: row.YTD.String()})
			sv.Rows = append(sv.Rows, rv)
		}
		sv.RowsHTML = rowsHTML(sv.Rows)
		out = append(out, sv)
	}
	return out
}

// rowsHTML writes the rows exactly as the template
//
//	{{range .}}<tr><th scope="row" data-label="Figure">{{.Label}}</th><td data-label="PSC">{{.PSCLabel}}</td>{{$row := .}}{{range .Cells}}<td data-label="{{.Head}}"><a href="{{.Href}}">{{.Text}}<span class="usa-sr-only"> ({{$row.Label}}, {{$row.PSCLabel}}, {{.Period}}: see the list)</span></a></td>{{end}}</tr>
//	{{end}}
//
// would (TestRowsHTMLIsTheTemplate): html/template escapes the texts and quoted attributes with
// one table (web.EscapeHTML) and normalizes the href first (writeHref); the hrefs are ours,
// relative (d.Link), so its URL filter never applies.
func rowsHTML(rows []RowView) template.HTML {
	n := 0
	for _, r := range rows {
		n += 100 + len(r.Label) + len(r.PSCLabel)
		for _, c := range r.Cells {
			n += 110 + len(c.Head) + len(c.Href) + len(c.Text) + len(r.Label) + len(r.PSCLabel) + len(c.Period)
		}
	}
	var b, rowText strings.Builder
	b.Grow(n + n/4)
	for _, r := range rows {
		// The row's figure and PSC, escaped once: each cell says them again to screen readers.
		rowText.Reset()
		web.EscapeHTML(&rowText, r.Label)
		label := rowText.Len()
		rowText.WriteString(", ")
		web.EscapeHTML(&rowText, r.PSCLabel)
		both := rowText.String()
		b.WriteString(`<tr><th scope="row" data-label="Figure">`)
		b.WriteString(both[:label])
		b.WriteString(`</th><td data-label="PSC">`)
		b.WriteString(both[label+2:])
		b.WriteString(`</td>`)
		for _, c := range r.Cells {
			b.WriteString(`<td data-label="`)
			web.EscapeHTML(&b, c.Head)
			b.WriteString(`"><a href="`)
			writeHref(&b, c.Href)
			b.WriteString(`">`)
			web.EscapeHTML(&b, c.Text)
			b.WriteString(`<span class="usa-sr-only"> (`)
			b.WriteString(both)
			b.WriteString(`, `)
			web.EscapeHTML(&b, c.Period)
			b.WriteString(`: see the list)</span></a></td>`)
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text and attribute escaped by web.EscapeHTML, as html/template does
}

// writeHref writes an address in a quoted attribute as html/template does (web.TemplateURL).
func writeHref(b *strings.Builder, s string) {
	web.EscapeHTML(b, web.TemplateURL(s))
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
	Report    *NCPCReport
	Figure    FigureDef
	PSC       string
	PSCLabel  string
	Quarter   int
	Period    string
	Value     Value
	Items     []ListItem
	Back      string
	CountedAt string        // when the report was counted ("3:04 PM"); empty: just now
	ItemsHTML template.HTML // Items' rows, written (listItemsHTML)
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
	kept, at, err := h.ncpcReport(ctx, t.Slug, y)
	if err != nil {
		return err
	}
	rep := kept.rep
	key := fig.Key
	if key == FigImprovedPct {
		key = FigImproved
	}
	d := NCPCListData{Report: rep, Figure: fig, PSC: psc, PSCLabel: Row{PSC: psc}.PSCLabel(), Quarter: quarter, Value: rep.Figure(fig.Key, psc).Cell(quarter),
		Items: rep.ListFor(key, psc, quarter), Back: "/t/" + t.Slug + "/reports/ncpc?" + y.Query(),
		CountedAt: t.Local(at).Format("3:04 PM")}
	d.ItemsHTML = listItemsHTML("/t/"+t.Slug, d.Items)
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
