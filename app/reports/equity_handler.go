package reports

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// The equity view's page and its file (a report run of kind "child_outcomes", CSV or XLSX,
// kept 30 days, seen by the person who asked only).

// EquityKind is the run kind of the equity view's file.
const EquityKind = "child_outcomes"

// EquityLifetime is how long the file is kept.
const EquityLifetime = 30 * 24 * time.Hour

// SuppressionRule is the rule in words, on the page and in the files.
const SuppressionRule = "Every count is of children, so any count under 10 — zero included — reads “fewer than 10”. " +
	"Where a row or a column adds up to a total that is shown, and only one of its counts would be hidden, the next smallest is hidden too, " +
	"and a hidden total hides its whole row: no hidden count can be worked out by subtracting the others from the total."

// EquityCounted says which engagements are counted, in words.
const EquityCounted = "Counted: the child and family engagements active during the year — opened on or before its last day and not closed before its first — " +
	"by where each stood at the end of the year: still open, or closed in the year with where the child was when it closed."

// EquityHandler serves the equity view and builds its files.
type EquityHandler struct {
	d Deps
}

// NewEquityHandler returns the handlers and registers the file's kind of run on d.Runs.
func NewEquityHandler(d Deps) *EquityHandler {
	h := &EquityHandler{d: d}
	d.Runs.Register(h.kind())
	return h
}

// EquityPageData is the equity view's page.
type EquityPageData struct {
	Base     string
	Switch   Switch
	Equity   *Equity
	Outcomes *OutcomeSummary
	IsFunder bool
	Rule     string
	Counted  string
	Format   string
	// EquityRowsHTML is the equity table's body, written (equityRowsHTML): each of its hundred
	// and more cells was a reflected call of Count's String through fmt.
	EquityRowsHTML template.HTML
}

// equityRowsTemplate is what equityRowsHTML writes, as a template of an *Equity.
const equityRowsTemplate = `<tr><th scope="row" class="text-bold">{{.All.Label}}</th><td class="text-bold">{{.All.Engagements}}</td>{{range .All.Cells}}<td class="text-bold">{{.}}</td>{{end}}</tr>
{{range .Sections}}<tr><th scope="rowgroup" colspan="{{$.Width}}" class="bg-base-lightest">{{.Title}}</th></tr>
{{range .Rows}}<tr><th scope="row">{{.Label}}</th><td>{{.Engagements}}</td>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>{{end}}
{{end}}`

// equityRowsHTML writes the equity table's rows as equityRowsTemplate would
// (TestEquityRowsHTMLIsTheTemplate): every text escaped with html/template's table.
func equityRowsHTML(eq *Equity) template.HTML {
	var b strings.Builder
	b.Grow(4096)
	row := func(r *EquityRow, th, td string) {
		b.WriteString(th)
		web.EscapeHTML(&b, r.Label)
		b.WriteString("</th>")
		b.WriteString(td)
		web.EscapeHTML(&b, r.Engagements.String())
		b.WriteString("</td>")
		for _, c := range r.Cells {
			b.WriteString(td)
			web.EscapeHTML(&b, c.String())
			b.WriteString("</td>")
		}
		b.WriteString("</tr>")
	}
	row(&eq.All, `<tr><th scope="row" class="text-bold">`, `<td class="text-bold">`)
	b.WriteString("\n")
	width := strconv.Itoa(eq.Width())
	for i := range eq.Sections {
		sec := &eq.Sections[i]
		b.WriteString(`<tr><th scope="rowgroup" colspan="`)
		b.WriteString(width)
		b.WriteString(`" class="bg-base-lightest">`)
		web.EscapeHTML(&b, sec.Title)
		b.WriteString("</th></tr>\n")
		for j := range sec.Rows {
			row(&sec.Rows[j], `<tr><th scope="row">`, `<td>`)
		}
		b.WriteString("\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML
}

func (h *EquityHandler) page(c *fiber.Ctx, status int, f *web.Form) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	t, err := h.d.tenant(ctx)
	if err != nil {
		return err
	}
	y := h.d.yearOf(c, t)
	base := "/t/" + sc.TenantSlug
	d := &EquityPageData{Base: base, Switch: NewSwitch(t, y, base+"/reports/child-outcomes", h.d.now()),
		IsFunder: sc.Role == authz.Funder, Rule: SuppressionRule, Counted: EquityCounted, Format: f.Get("format")}
	if d.Equity, err = ChildEquity(ctx, h.d.DB, y); err != nil {
		return err
	}
	if d.Outcomes, err = ChildOutcomes(ctx, h.d.DB, y); err != nil {
		return err
	}
	d.EquityRowsHTML = equityRowsHTML(d.Equity)
	return web.Render(c, status, "reports/child_outcomes", "", web.View{Wide: true, Title: "Child outcomes and equity", D: d, Form: f})
}

// Page is the equity view of the year the switch chose (?calendar=&fy=): a tenant admin's
// whole tenant, a funder's programs; counts only, suppressed under ten.
func (h *EquityHandler) Page(c *fiber.Ctx) error {
	return h.page(c, 200, &web.Form{Values: url.Values{"format": {"csv"}}, Errors: map[string]string{}})
}

// equityParams are what a file run is asked for, and for whom: the role and organisation the
// person asked as (checked against their membership again when it is built).
type equityParams struct {
	Calendar string `json:"calendar"`
	FY       int    `json:"fy"`
	Format   string `json:"format"`
	Role     string `json:"role"`
	OrgID    string `json:"organisation_id"`
}

// RequestFile asks for the equity view of the chosen year as a file (format csv or xlsx) and
// goes to the run's page.
func (h *EquityHandler) RequestFile(c *fiber.Ctx) error {
	f := web.NewForm(c)
	format := f.Get("format")
	if st := f.Refused(); st != 0 {
		return h.page(c, st, f)
	}
	if format != "csv" && format != "xlsx" {
		st := web.FormError(f, apperr.Invalid(map[string]string{"format": "Choose the file’s format: CSV or Excel (XLSX)."}))
		return h.page(c, st, f)
	}
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	t, err := h.d.tenant(ctx)
	if err != nil {
		return err
	}
	y := ParseYear(t, f.Get("calendar"), f.Get("fy"), h.d.now())
	r, err := h.d.Runs.Start(ctx, EquityKind, "", equityParams{Calendar: y.Calendar, FY: y.FY, Format: format,
		Role: sc.Role, OrgID: sc.OrganisationID})
	if err != nil {
		return err
	}
	web.Flash(c, "The file is being built: this page shows its progress, then the download.")
	return web.Redirect(c, "/t/"+sc.TenantSlug+"/runs/"+r.ID)
}

func (h *EquityHandler) kind() runs.Kind {
	return runs.Kind{
		Name: EquityKind, Label: "Child outcomes and equity", Lifetime: EquityLifetime,
		Build: h.build,
		// Only the person who asked: the file is counted for their role and programs.
		MaySee: func(ctx context.Context, r *runs.Run) (bool, error) {
			sc, err := database.ScopeFrom(ctx)
			if err != nil {
				return false, err
			}
			return sc.UserID != "" && sc.UserID == r.RequestedBy, nil
		},
		Back: func(r *runs.Run) (string, string) {
			var p equityParams
			if r.DecodeParams(&p) != nil || p.FY == 0 {
				return "Back to child outcomes", "reports/child-outcomes"
			}
			return "Back to child outcomes", "reports/child-outcomes?calendar=" + p.Calendar + "&fy=" + strconv.Itoa(p.FY)
		},
	}
}

// asRequester is the scope of the person who asked for r, as they asked (a funder its
// programs), if they still hold that role in the tenant; EFORBIDDEN otherwise.
func (h *EquityHandler) asRequester(ctx context.Context, r *runs.Run, p equityParams) (context.Context, error) {
	sc, t, err := database.Scoped(ctx, h.d.DB)
	if err != nil {
		return nil, err
	}
	if p.Role != authz.TenantAdmin && p.Role != authz.Funder {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only tenant admins and funders read this report.")
	}
	m := new(tenants.Membership)
	err = t.Select(m).Column("m.id").Where("m.user_id = ? AND m.role = ? AND m.organisation_id = ? AND m.active = ?",
		r.RequestedBy, p.Role, p.OrgID, true).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "The person who asked for this report no longer holds the role they asked as.")
	}
	if err != nil {
		return nil, err
	}
	return database.WithScope(ctx, database.Scope{TenantID: sc.TenantID, TenantSlug: sc.TenantSlug, UserID: r.RequestedBy,
		Role: p.Role, OrganisationID: p.OrgID}), nil
}

func (h *EquityHandler) build(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
	var p equityParams
	if err := r.DecodeParams(&p); err != nil {
		return "", "", err
	}
	ctx, err := h.asRequester(ctx, r, p)
	if err != nil {
		return "", "", err
	}
	t, err := h.d.tenant(ctx)
	if err != nil {
		return "", "", err
	}
	y := ParseYear(t, p.Calendar, strconv.Itoa(p.FY), h.d.now())
	eq, err := ChildEquity(ctx, h.d.DB, y)
	if err != nil {
		return "", "", err
	}
	progress(1, 2)
	name := "child-outcomes-" + t.Slug + "-" + y.Calendar + "-fy" + strconv.Itoa(y.FY)
	if p.Format == "xlsx" {
		err = writeEquityXLSX(w, t, eq)
		return name + ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", err
	}
	err = writeEquityCSV(w, t, eq)
	return name + ".csv", "text/csv; charset=utf-8", err
}

// equityLines are the file's lines: a title, the year, what is counted and the rule, then the
// table (a header, the row of all engagements, each breakdown's rows), every count as people
// read it ("fewer than 10").
func equityLines(t *tenants.Tenant, eq *Equity) [][]string {
	lines := [][]string{
		{"Child outcomes and equity: " + t.Name},
		{eq.Year.Label() + " (" + eq.Year.CalendarLabel() + ": " + eq.Year.Span() + ")"},
		{EquityCounted},
		{SuppressionRule},
		{},
		append([]string{"Breakdown", "Category", "Child and family engagements"}, eq.Columns...),
	}
	row := func(section string, r EquityRow) []string {
		out := []string{section, r.Label, r.Engagements.String()}
		for _, c := range r.Cells {
			out = append(out, c.String())
		}
		return out
	}
	lines = append(lines, row("All", eq.All))
	for _, s := range eq.Sections {
		for _, r := range s.Rows {
			lines = append(lines, row(s.Title, r))
		}
	}
	// Every line as wide as the table, so the file reads as one rectangle.
	width := eq.Width() + 1
	for i, l := range lines {
		for len(l) < width {
			l = append(l, "")
		}
		lines[i] = l
	}
	return lines
}

func writeEquityCSV(w io.Writer, t *tenants.Tenant, eq *Equity) error {
	cw := csvout.NewWriter(w)
	for _, l := range equityLines(t, eq) {
		if err := cw.Write(l); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
