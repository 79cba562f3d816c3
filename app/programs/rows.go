package programs

import (
	"html/template"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// programRowsTemplate is what programRowsHTML writes, as a template.
const programRowsTemplate = `{{range .}}<tr>` +
	`<th scope="row" data-label="Program"><a href="{{.Href}}">{{.Name}}</a></th>` +
	`<td data-label="Kind">{{.Kind}}</td>` +
	`<td data-label="County">{{.County}}</td>` +
	`<td data-label="Funders">{{with .Funders}}{{.}}{{else}}<span class="text-base">No funding yet</span>{{end}}</td>` +
	"</tr>\n{{end}}"

// programRowsHTML writes the programs list's rows as programRowsTemplate would
// (TestProgramRowsHTMLIsTheTemplate): fifty rows of reflected cells were most of the page's
// drawing.
func programRowsHTML(rows []ProgramRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 300)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	for i := range rows {
		r := &rows[i]
		b.WriteString(`<tr><th scope="row" data-label="Program"><a href="`)
		esc(web.TemplateURL(r.Href))
		b.WriteString(`">`)
		esc(r.Name)
		b.WriteString(`</a></th><td data-label="Kind">`)
		esc(r.Kind)
		b.WriteString(`</td><td data-label="County">`)
		esc(r.County)
		b.WriteString(`</td><td data-label="Funders">`)
		if r.Funders != "" {
			esc(r.Funders)
		} else {
			b.WriteString(`<span class="text-base">No funding yet</span>`)
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, the address as html/template writes it
}
