package credentials

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// The staffing table's rows, its column heads and its requirement filter are written in Go:
// as templates they were some ten reflected calls a consultant, through the embedded profile,
// most of the page's server time on a big tenant (issue 14). Each writer is held byte for byte
// to the template it replaces (staffing_rows_internal_test.go).

// staffingRowsTemplate is what staffingRowsHTML writes, as a template (base is /t/{slug}).
const staffingRowsTemplate = `{{range .Rows}}<tr>
    <th scope="row"><a href="{{$.Base}}/staffing/{{.Profile.ID}}">{{.Profile.DisplayName}}</a>
      {{if .Pending}}<span class="usa-hint display-block">{{plural .Pending "credential" "credentials"}} to verify</span>{{end}}</th>
    <td>{{if .Profile.HiredOn}}{{.Profile.HiredOn}}{{else}}Not set{{end}}</td>
    {{range .Cells}}<td><span class="usa-tag {{.Tag}}">{{.Text}}</span></td>{{end}}
  </tr>
{{end}}`

// staffingRowsHTML writes the table's rows, each consultant's cells included (cellsHTML), as
// staffingRowsTemplate would.
func staffingRowsHTML(base string, rows []Row) template.HTML {
	var b strings.Builder
	n := 0
	for i := range rows {
		n += 300 + len(base) + len(rows[i].Profile.ID) + len(rows[i].Profile.DisplayName)
		for _, c := range rows[i].Cells {
			n += 40 + len(c.Tag) + len(c.Text)
		}
	}
	b.Grow(n)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	baseURL := web.TemplateURL(base)
	for i := range rows {
		r := &rows[i]
		b.WriteString("<tr>\n    <th scope=\"row\"><a href=\"")
		esc(baseURL)
		b.WriteString("/staffing/")
		esc(web.NormalizeURL(r.Profile.ID))
		b.WriteString(`">`)
		esc(r.Profile.DisplayName)
		b.WriteString("</a>\n      ")
		if r.Pending != 0 {
			b.WriteString(`<span class="usa-hint display-block">`)
			esc(countText(r.Pending, "credential", "credentials"))
			b.WriteString(` to verify</span>`)
		}
		b.WriteString("</th>\n    <td>")
		if r.Profile.HiredOn != "" {
			esc(r.Profile.HiredOn)
		} else {
			b.WriteString("Not set")
		}
		b.WriteString("</td>\n    ")
		writeCells(&b, r.Cells)
		b.WriteString("\n  </tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}

// countText is the templates' plural: "1 credential", "3 credentials", "-1 credentials".
func countText(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// staffingHeadsTemplate is what staffingHeadsHTML writes, as a template.
const staffingHeadsTemplate = `{{range .}}<th scope="col">{{.Name}}{{if .Recommended}} <span class="usa-hint">(recommended)</span>{{end}}</th>{{end}}`

// staffingHeadsHTML writes the requirements' column heads as staffingHeadsTemplate would.
func staffingHeadsHTML(reqs []Requirement) template.HTML {
	var b strings.Builder
	for i := range reqs {
		b.WriteString(`<th scope="col">`)
		web.EscapeHTML(&b, reqs[i].Name)
		if reqs[i].Recommended() {
			b.WriteString(` <span class="usa-hint">(recommended)</span>`)
		}
		b.WriteString(`</th>`)
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML
}

// requirementOptions are the filter's choices (the template's
// {{range}}<option value="{{.ID}}"{{if eq .ID $sel}} selected{{end}}>{{.Name}}{{if .Recommended}} (recommended){{end}}</option>{{end}}).
func requirementOptions(reqs []Requirement, selected string) []web.Option {
	out := make([]web.Option, len(reqs))
	for i := range reqs {
		r := &reqs[i]
		label := r.Name
		if r.Recommended() {
			label += " (recommended)"
		}
		out[i] = web.Option{Value: r.ID, Label: label, Selected: r.ID == selected}
	}
	return out
}
