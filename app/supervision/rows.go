package supervision

import (
	"html/template"
	"strings"

	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// The assignments and overview tables are written in Go: as templates they were a handful of
// reflected calls a row (method calls on Hours, fields through embedded structs), and the
// assignment form's two selects a comparison with $f.Get for every member, most of those
// pages' server time on a big tenant (issue 14). Each writer is held byte for byte to the
// template it replaces (rows_internal_test.go).

// assignmentRowsTemplate is what assignmentRowsHTML writes, as a template.
const assignmentRowsTemplate = `{{range .Assignments}}<tr><td>{{.SupervisorName}}</td><td>{{.ConsultantName}}</td>` + "\n" +
	`    <td><form method="post" action="{{$.Base}}/assignments/{{.ID}}/delete"><input type="hidden" name="_csrf" value="{{$.CSRF}}">` + "\n" +
	`      <button class="usa-button usa-button--unstyled" type="submit">Remove<span class="usa-sr-only"> {{.SupervisorName}} supervising {{.ConsultantName}}</span></button></form></td></tr>` +
	"\n{{end}}"

// assignmentRowsHTML writes the assignments' rows, each with its form to remove it (csrf its
// token), as assignmentRowsTemplate would.
func assignmentRowsHTML(base, csrf string, list []Assignment) template.HTML {
	var b strings.Builder
	n := 0
	for i := range list {
		n += 400 + len(base) + len(csrf) + 2*len(list[i].SupervisorName) + 2*len(list[i].ConsultantName) + len(list[i].ID)
	}
	b.Grow(n)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	baseURL := web.TemplateURL(base)
	for i := range list {
		a := &list[i]
		b.WriteString(`<tr><td>`)
		esc(a.SupervisorName)
		b.WriteString(`</td><td>`)
		esc(a.ConsultantName)
		b.WriteString("</td>\n    <td><form method=\"post\" action=\"")
		esc(baseURL)
		b.WriteString("/assignments/")
		esc(web.NormalizeURL(a.ID))
		b.WriteString(`/delete"><input type="hidden" name="_csrf" value="`)
		esc(csrf)
		b.WriteString("\">\n      <button class=\"usa-button usa-button--unstyled\" type=\"submit\">Remove<span class=\"usa-sr-only\"> ")
		esc(a.SupervisorName)
		b.WriteString(" supervising ")
		esc(a.ConsultantName)
		b.WriteString("</span></button></form></td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}

// memberOptions are the members as a select's options, the one whose user id is selected
// chosen.
func memberOptions(members []tenants.Member, selected string) []web.Option {
	out := make([]web.Option, len(members))
	for i := range members {
		m := &members[i]
		out[i] = web.Option{Value: m.UserID, Label: m.Name, Selected: m.UserID == selected}
	}
	return out
}

// superviseeRowsTemplate is what superviseeRowsHTML writes, as a template.
const superviseeRowsTemplate = `{{range .Supervisees}}<tr>{{if $.IsAdmin}}<td>{{.SupervisorName}}</td>{{end}}<td>{{.ConsultantName}}</td>` + "\n" +
	`    <td>{{.Hours.MonthText}} of {{.Hours.TargetMonthText}}</td><td>{{.Hours.FYText}} of {{.Hours.TargetFYText}}</td>` + "\n" +
	`    <td>{{if .Hours.Behind}}<span class="usa-tag">Behind</span>{{else}}On target{{end}}</td></tr>` +
	"\n{{end}}"

// superviseeRowsHTML writes the supervisees' rows (with the supervisor's column for a tenant
// admin) as superviseeRowsTemplate would.
func superviseeRowsHTML(isAdmin bool, list []Supervisee) template.HTML {
	var b strings.Builder
	n := 0
	for i := range list {
		n += 200 + len(list[i].SupervisorName) + len(list[i].ConsultantName)
	}
	b.Grow(n)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	for i := range list {
		s := &list[i]
		b.WriteString(`<tr>`)
		if isAdmin {
			b.WriteString(`<td>`)
			esc(s.SupervisorName)
			b.WriteString(`</td>`)
		}
		b.WriteString(`<td>`)
		esc(s.ConsultantName)
		b.WriteString("</td>\n    <td>")
		esc(s.Hours.MonthText())
		b.WriteString(" of ")
		esc(s.Hours.TargetMonthText())
		b.WriteString(`</td><td>`)
		esc(s.Hours.FYText())
		b.WriteString(" of ")
		esc(s.Hours.TargetFYText())
		b.WriteString("</td>\n    <td>")
		if s.Hours.Behind() {
			b.WriteString(`<span class="usa-tag">Behind</span>`)
		} else {
			b.WriteString("On target")
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, as html/template does
}

// recordItemsTemplate is what recordItemsHTML writes, as a template.
const recordItemsTemplate = `{{range .Records}}<li><a href="{{$.Base}}/records/{{.ID}}">{{.HeldOn}}: {{.FormatLabel}}, {{.Duration}}</a></li>{{end}}`

// recordItemsHTML writes a supervisor's records as the list's items, as recordItemsTemplate
// would.
func recordItemsHTML(base string, list []Record) template.HTML {
	var b strings.Builder
	b.Grow(len(list) * (80 + len(base)))
	esc := func(s string) { web.EscapeHTML(&b, s) }
	baseURL := web.TemplateURL(base)
	for i := range list {
		r := &list[i]
		b.WriteString(`<li><a href="`)
		esc(baseURL)
		b.WriteString("/records/")
		esc(web.NormalizeURL(r.ID))
		b.WriteString(`">`)
		esc(r.HeldOn)
		b.WriteString(": ")
		esc(r.FormatLabel())
		b.WriteString(", ")
		esc(r.Duration())
		b.WriteString(`</a></li>`)
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}
