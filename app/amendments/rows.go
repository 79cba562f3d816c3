package amendments

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/web"
)

// The list's and the inbox's table bodies are written in Go: as templates they were some twenty
// reflected calls an amendment (methods through the embedded model, escapers on every cell), most
// of those pages' server time on a big tenant (issue 14). Each writer is held byte for byte to
// the template it replaces (TestListRowsHTMLIsTheTemplate, TestInboxRowsHTMLIsTheTemplate).

// listRowsTemplate is what listRowsHTML writes, as a template (Base is the list's address).
const listRowsTemplate = `{{range .Amendments}}<tr>` +
	`<th scope="row" data-label="Amendment"><a class="usa-link" href="{{$.Base}}/{{.ID}}">{{.Title}}</a>{{if and $.IsProgram (or (eq .Status "draft") (eq .Status "returned"))}} <a class="usa-link" href="{{$.Base}}/{{.ID}}/edit">Change<span class="usa-sr-only"> {{.Title}}</span></a>{{end}}</th>` +
	`<td data-label="Program">{{.ProgramName}}</td>` +
	`<td data-label="Funder">{{.FunderName}}</td>` +
	`<td data-label="Fiscal year">{{.FYLabel}}</td>` +
	`<td data-label="Net change" class="hs-number">{{.NetLabel}}</td>` +
	`<td data-label="Class">{{.ClassLabel}}</td>` +
	`<td data-label="Status">{{.StatusLabel}}{{if .Overdue}} <span class="usa-tag bg-secondary-dark">Overdue</span>{{end}}{{if .StepDueOn}}{{if eq .Status "submitted"}}<br><span class="font-body-3xs">Due {{mdy .StepDueOn}}</span>{{end}}{{end}}</td>` +
	`<td data-label="Updated">{{date .UpdatedAt}}</td>` +
	"</tr>\n{{end}}"

// listRowsHTML writes the list's amendments as listRowsTemplate would; a program's people get
// "Change" on their drafts and returned ones.
func listRowsHTML(base string, isProgram bool, list []Amendment) template.HTML {
	var b strings.Builder
	b.Grow(len(list) * (900 + 3*len(base)))
	esc := func(s string) { web.EscapeHTML(&b, s) }
	href := web.TemplateURL(base)
	for i := range list {
		a := &list[i]
		id := web.NormalizeURL(a.ID)
		title := a.Title()
		b.WriteString(`<tr><th scope="row" data-label="Amendment"><a class="usa-link" href="`)
		esc(href)
		b.WriteString("/")
		esc(id)
		b.WriteString(`">`)
		esc(title)
		b.WriteString(`</a>`)
		if isProgram && (a.Status == StatusDraft || a.Status == StatusReturned) {
			b.WriteString(` <a class="usa-link" href="`)
			esc(href)
			b.WriteString("/")
			esc(id)
			b.WriteString(`/edit">Change<span class="usa-sr-only"> `)
			esc(title)
			b.WriteString(`</span></a>`)
		}
		b.WriteString(`</th><td data-label="Program">`)
		esc(a.ProgramName)
		b.WriteString(`</td><td data-label="Funder">`)
		esc(a.FunderName)
		b.WriteString(`</td><td data-label="Fiscal year">`)
		esc(a.FYLabel)
		b.WriteString(`</td><td data-label="Net change" class="hs-number">`)
		esc(a.NetLabel())
		b.WriteString(`</td><td data-label="Class">`)
		esc(a.ClassLabel())
		b.WriteString(`</td><td data-label="Status">`)
		esc(a.StatusLabel())
		if a.Overdue {
			b.WriteString(` <span class="usa-tag bg-secondary-dark">Overdue</span>`)
		}
		if a.StepDueOn != "" && a.Status == StatusSubmitted {
			b.WriteString(`<br><span class="font-body-3xs">Due `)
			esc(dates.Show(a.StepDueOn))
			b.WriteString(`</span>`)
		}
		b.WriteString(`</td><td data-label="Updated">`)
		esc(web.Date(a.UpdatedAt))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}

// inboxRowsTemplate is what inboxRowsHTML writes, as a template (Base is the list's address).
const inboxRowsTemplate = `{{range .Rows}}{{$a := .A}}<tr>` +
	`<th scope="row" data-label="Amendment"><a href="{{$.Base}}/{{$a.ID}}">{{$a.Title}}</a></th>` +
	`<td data-label="Program">{{$a.ProgramName}}</td>` +
	`<td data-label="Funding">{{$a.FunderName}}, {{$a.FYLabel}}</td>` +
	`<td data-label="Net change" class="text-tabular">{{$a.Net.String}}</td>` +
	`<td data-label="Class">{{$a.ClassLabel}}</td>` +
	`<td data-label="Step">{{with $a.CurrentStep}}{{.Name}}{{end}}</td>` +
	`<td data-label="Days waiting">{{.Days}}</td>` +
	`<td data-label="Due" class="hs-date">{{if .Overdue}}<span class="text-secondary-dark text-bold">{{mdy $a.StepDueOn}}</span> <span class="usa-tag bg-secondary-dark">Overdue</span>{{else}}{{mdy $a.StepDueOn}}{{end}}</td>` +
	"</tr>\n{{end}}"

// inboxRowsHTML writes the inbox's rows as inboxRowsTemplate would.
func inboxRowsHTML(base string, rows []InboxRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * (800 + len(base)))
	esc := func(s string) { web.EscapeHTML(&b, s) }
	href := web.TemplateURL(base)
	for i := range rows {
		r := &rows[i]
		a := &r.A
		b.WriteString(`<tr><th scope="row" data-label="Amendment"><a href="`)
		esc(href)
		b.WriteString("/")
		esc(web.NormalizeURL(a.ID))
		b.WriteString(`">`)
		esc(a.Title())
		b.WriteString(`</a></th><td data-label="Program">`)
		esc(a.ProgramName)
		b.WriteString(`</td><td data-label="Funding">`)
		esc(a.FunderName)
		b.WriteString(", ")
		esc(a.FYLabel)
		b.WriteString(`</td><td data-label="Net change" class="text-tabular">`)
		esc(a.Net().String())
		b.WriteString(`</td><td data-label="Class">`)
		esc(a.ClassLabel())
		b.WriteString(`</td><td data-label="Step">`)
		if st := a.CurrentStep(); st != nil {
			esc(st.Name)
		}
		b.WriteString(`</td><td data-label="Days waiting">`)
		b.WriteString(strconv.Itoa(r.Days))
		b.WriteString(`</td><td data-label="Due" class="hs-date">`)
		if r.Overdue {
			b.WriteString(`<span class="text-secondary-dark text-bold">`)
			esc(dates.Show(a.StepDueOn))
			b.WriteString(`</span> <span class="usa-tag bg-secondary-dark">Overdue</span>`)
		} else {
			esc(dates.Show(a.StepDueOn))
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}
