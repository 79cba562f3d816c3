package consultants

import (
	"html/template"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// The requests page's two tables are written in Go: as templates they were some thirty
// reflected calls a request and a dozen an assignment, most of the page's server time on a
// big tenant (issue 14). Each writer is held byte for byte to the template it replaces
// (TestQueueRowsHTMLIsTheTemplate, TestAssignmentRowsHTMLIsTheTemplate).

// queueRowsTemplate is what queueRowsHTML writes, as a template (base is /t/{slug}).
const queueRowsTemplate = `{{range .Items}}<tr>` +
	`<td data-label="Received" class="hs-date">{{datetime .ConfirmedAt}}</td>` +
	`<td data-label="Status"><span class="usa-tag{{if eq .Status "open"}} bg-secondary-dark{{end}}">{{.StatusLabel}}</span></td>` +
	`<td data-label="Organisation"><a href="{{$.Base}}/requests/{{.ID}}">{{.OrganisationName}}</a></td>` +
	`<td data-label="County">{{.County}}</td>` +
	`<td data-label="Need">{{$need := clip 140 .Need}}{{$need.Text}}{{if $need.Cut}} <a href="{{$.Base}}/requests/{{.ID}}">The whole request<span class="usa-sr-only"> of {{.OrganisationName}}</span></a>{{end}}{{with .PreferredLanguage}}<br><span class="text-base">Preferred language: {{.}}</span>{{end}}</td>` +
	`<td data-label="Consultant asked for">{{if .ConsultantName}}{{.ConsultantName}}{{else}}Any{{end}}</td>` +
	`<td data-label="Contact">{{.ContactName}}<br><a href="mailto:{{.ContactEmail}}">{{.ContactEmail}}</a>{{with .ContactPhone}}<br>{{.}}{{end}}</td>` +
	"</tr>\n{{end}}"

// queueRowsHTML writes the requests' rows as queueRowsTemplate would.
func queueRowsHTML(base string, items []QueueItem) template.HTML {
	var b strings.Builder
	n := 0
	for i := range items {
		n += 700 + 2*len(base) + 2*len(items[i].OrganisationName) + len(items[i].Need) + 2*len(items[i].ContactEmail)
	}
	b.Grow(n)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	for i := range items {
		it := &items[i]
		b.WriteString(`<tr><td data-label="Received" class="hs-date">`)
		esc(web.DateTime(it.ConfirmedAt))
		b.WriteString(`</td><td data-label="Status"><span class="usa-tag`)
		if it.Status == RequestOpen {
			b.WriteString(" bg-secondary-dark")
		}
		b.WriteString(`">`)
		esc(it.StatusLabel())
		b.WriteString(`</span></td><td data-label="Organisation"><a href="`)
		esc(web.TemplateURL(base))
		b.WriteString("/requests/")
		esc(web.NormalizeURL(it.ID))
		b.WriteString(`">`)
		esc(it.OrganisationName)
		b.WriteString(`</a></td><td data-label="County">`)
		esc(it.County)
		b.WriteString(`</td><td data-label="Need">`)
		need := web.Clip(140, it.Need)
		esc(need.Text)
		if need.Cut {
			b.WriteString(` <a href="`)
			esc(web.TemplateURL(base))
			b.WriteString("/requests/")
			esc(web.NormalizeURL(it.ID))
			b.WriteString(`">The whole request<span class="usa-sr-only"> of `)
			esc(it.OrganisationName)
			b.WriteString(`</span></a>`)
		}
		if it.PreferredLanguage != "" {
			b.WriteString(`<br><span class="text-base">Preferred language: `)
			esc(it.PreferredLanguage)
			b.WriteString(`</span>`)
		}
		b.WriteString(`</td><td data-label="Consultant asked for">`)
		if it.ConsultantName != "" {
			esc(it.ConsultantName)
		} else {
			b.WriteString("Any")
		}
		b.WriteString(`</td><td data-label="Contact">`)
		esc(it.ContactName)
		b.WriteString(`<br><a href="mailto:`)
		esc(web.NormalizeURL(it.ContactEmail))
		b.WriteString(`">`)
		esc(it.ContactEmail)
		b.WriteString(`</a>`)
		if it.ContactPhone != "" {
			b.WriteString(`<br>`)
			esc(it.ContactPhone)
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}

// assignmentRowsTemplate is what assignmentRowsHTML writes, as a template.
const assignmentRowsTemplate = `{{range .Assignments}}<tr>` +
	`<td data-label="Program">{{.ProgramName}}</td>` +
	`<td data-label="Consultant">{{.ConsultantName}}{{with .AgencyName}}<br><span class="text-base">{{.}}</span>{{end}}</td>` +
	`<td data-label="Since" class="hs-date">{{.StartedOn}}{{if .RequestID}}<br><a href="{{$.Base}}/requests/{{.RequestID}}">The request</a>{{end}}</td>` +
	`<td data-label="Actions"><form method="post" action="{{$.Base}}/consultant-assignments/{{.ID}}/end">` +
	`<input type="hidden" name="_csrf" value="{{$.CSRF}}">` +
	`<button class="usa-button usa-button--unstyled" type="submit">End this assignment<span class="usa-sr-only"> of {{.ConsultantName}} with {{.ProgramName}}</span></button>` +
	`</form></td></tr>` + "\n{{end}}"

// assignmentRowsHTML writes the active assignments' rows, each with its form to end it (csrf
// its token), as assignmentRowsTemplate would.
func assignmentRowsHTML(base, csrf string, list []AssignmentView) template.HTML {
	var b strings.Builder
	b.Grow(len(list) * (600 + 2*len(base) + len(csrf)))
	esc := func(s string) { web.EscapeHTML(&b, s) }
	for i := range list {
		a := &list[i]
		b.WriteString(`<tr><td data-label="Program">`)
		esc(a.ProgramName)
		b.WriteString(`</td><td data-label="Consultant">`)
		esc(a.ConsultantName)
		if a.AgencyName != "" {
			b.WriteString(`<br><span class="text-base">`)
			esc(a.AgencyName)
			b.WriteString(`</span>`)
		}
		b.WriteString(`</td><td data-label="Since" class="hs-date">`)
		esc(a.StartedOn)
		if a.RequestID != "" {
			b.WriteString(`<br><a href="`)
			esc(web.TemplateURL(base))
			b.WriteString("/requests/")
			esc(web.NormalizeURL(a.RequestID))
			b.WriteString(`">The request</a>`)
		}
		b.WriteString(`</td><td data-label="Actions"><form method="post" action="`)
		esc(web.TemplateURL(base))
		b.WriteString("/consultant-assignments/")
		esc(web.NormalizeURL(a.ID))
		b.WriteString(`/end"><input type="hidden" name="_csrf" value="`)
		esc(csrf)
		b.WriteString(`"><button class="usa-button usa-button--unstyled" type="submit">End this assignment<span class="usa-sr-only"> of `)
		esc(a.ConsultantName)
		b.WriteString(" with ")
		esc(a.ProgramName)
		b.WriteString("</span></button></form></td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}

// mineRowsTemplate is what mineRowsHTML writes, as a template: the consultants of one program
// on the consultants page.
const mineRowsTemplate = `{{range .Consultants}}<tr>` +
	`<td data-label="Consultant">{{.ConsultantName}}</td>` +
	`<td data-label="Agency">{{if .AgencyName}}{{.AgencyName}}{{else}}None given{{end}}</td>` +
	`<td data-label="Languages">{{range $i, $l := .Languages}}{{if $i}}, {{end}}{{$l}}{{else}}None given{{end}}</td>` +
	`{{if $.ShowEmail}}<td data-label="Email">{{if .ConsultantEmail}}<a href="mailto:{{.ConsultantEmail}}">{{.ConsultantEmail}}</a>{{else}}None given{{end}}</td>{{end}}` +
	`<td data-label="Since" class="hs-date">{{.StartedOn}}</td>` +
	"</tr>\n{{end}}"

// mineRowsHTML writes a program's consultants as mineRowsTemplate would, with their email
// addresses when showEmail.
func mineRowsHTML(list []AssignmentView, showEmail bool) template.HTML {
	var b strings.Builder
	b.Grow(len(list) * 300)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	orNone := func(s string) {
		if s == "" {
			b.WriteString("None given")
		} else {
			esc(s)
		}
	}
	for i := range list {
		a := &list[i]
		b.WriteString(`<tr><td data-label="Consultant">`)
		esc(a.ConsultantName)
		b.WriteString(`</td><td data-label="Agency">`)
		orNone(a.AgencyName)
		b.WriteString(`</td><td data-label="Languages">`)
		if len(a.Languages) == 0 {
			b.WriteString("None given")
		} else {
			esc(strings.Join(a.Languages, ", "))
		}
		b.WriteString(`</td>`)
		if showEmail {
			b.WriteString(`<td data-label="Email">`)
			if a.ConsultantEmail != "" {
				b.WriteString(`<a href="mailto:`)
				esc(web.NormalizeURL(a.ConsultantEmail))
				b.WriteString(`">`)
				esc(a.ConsultantEmail)
				b.WriteString(`</a>`)
			} else {
				b.WriteString("None given")
			}
			b.WriteString(`</td>`)
		}
		b.WriteString(`<td data-label="Since" class="hs-date">`)
		esc(a.StartedOn)
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}

// reviewRowsTemplate is what reviewRowsHTML writes, as a template: one table of the registry
// page (a hundred waiting, a hundred returned and fifty approved were some 1,500 reflected
// calls, most of the page's drawing).
const reviewRowsTemplate = `{{range .Rows}}<tr>` +
	`<th scope="row" data-label="Consultant"><a href="/t/{{$.Slug}}/registry/{{.ID}}">{{.DisplayName}}</a></th>` +
	`<td data-label="Submitted" class="hs-date">{{date .SubmittedAt}}</td>` +
	`<td data-label="Reviewed" class="hs-date">{{date .ReviewedAt}}</td>` +
	"</tr>\n{{end}}"

// reviewRowsHTML writes the applications of the tenant slug as reviewRowsTemplate would.
func reviewRowsHTML(slug string, rows []Profile) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * (250 + len(slug)))
	esc := func(s string) { web.EscapeHTML(&b, s) }
	for i := range rows {
		p := &rows[i]
		b.WriteString(`<tr><th scope="row" data-label="Consultant"><a href="/t/`)
		esc(web.NormalizeURL(slug))
		b.WriteString("/registry/")
		esc(web.NormalizeURL(p.ID))
		b.WriteString(`">`)
		esc(p.DisplayName)
		b.WriteString(`</a></th><td data-label="Submitted" class="hs-date">`)
		esc(web.Date(p.SubmittedAt))
		b.WriteString(`</td><td data-label="Reviewed" class="hs-date">`)
		esc(web.Date(p.ReviewedAt))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
}

// listingsTemplate is what listingsHTML writes, as a template: the public search's cards (a
// page of twenty-five was some six hundred reflected calls, most of the page's drawing).
const listingsTemplate = `{{range .Listings}}<li class="usa-card grid-col-12 hs-consultant"><div class="usa-card__container">` +
	`<div class="usa-card__header"><h2 class="usa-card__heading">{{.Name}}</h2>{{with .Agency}}<p class="margin-0">{{.}}</p>{{end}}</div>` +
	`<div class="usa-card__body"><p>{{if .Taking}}<span class="usa-tag bg-green">Taking new programs</span>{{else}}<span class="usa-tag">Not taking new programs</span>{{end}}</p>` +
	`<dl class="hs-facts">{{range .Facts}}<dt>{{.Term}}</dt><dd>{{.Values}}</dd>{{end}}</dl></div>` +
	`<div class="usa-card__footer">{{if .Taking}}<a class="usa-button" href="{{$.Base}}/request?consultant={{.ID}}">Request this consultant<span class="usa-sr-only">: {{.Name}}</span></a>` +
	`{{else}}<p class="margin-0">{{.Name}} has no place for a new program now, so you cannot request them. <a href="{{$.Base}}/request">Ask for any consultant</a> and we will look for one who is taking new programs.</p>{{end}}` +
	"</div></div></li>\n{{end}}"

// listingsHTML writes the search's cards as listingsTemplate would, base the search's address.
func listingsHTML(base string, listings []SearchListing) template.HTML {
	var b strings.Builder
	b.Grow(len(listings) * (900 + 2*len(base)))
	esc := func(s string) { web.EscapeHTML(&b, s) }
	href := web.TemplateURL(base)
	for i := range listings {
		l := &listings[i]
		b.WriteString(`<li class="usa-card grid-col-12 hs-consultant"><div class="usa-card__container"><div class="usa-card__header"><h2 class="usa-card__heading">`)
		esc(l.Name)
		b.WriteString(`</h2>`)
		if l.Agency != "" {
			b.WriteString(`<p class="margin-0">`)
			esc(l.Agency)
			b.WriteString(`</p>`)
		}
		b.WriteString(`</div><div class="usa-card__body"><p>`)
		if l.Taking {
			b.WriteString(`<span class="usa-tag bg-green">Taking new programs</span>`)
		} else {
			b.WriteString(`<span class="usa-tag">Not taking new programs</span>`)
		}
		b.WriteString(`</p><dl class="hs-facts">`)
		for _, f := range l.Facts {
			b.WriteString(`<dt>`)
			esc(f.Term)
			b.WriteString(`</dt><dd>`)
			esc(f.Values)
			b.WriteString(`</dd>`)
		}
		b.WriteString(`</dl></div><div class="usa-card__footer">`)
		if l.Taking {
			b.WriteString(`<a class="usa-button" href="`)
			esc(href)
			b.WriteString(`/request?consultant=`)
			esc(web.QueryURL(l.ID))
			b.WriteString(`">Request this consultant<span class="usa-sr-only">: `)
			esc(l.Name)
			b.WriteString(`</span></a>`)
		} else {
			b.WriteString(`<p class="margin-0">`)
			esc(l.Name)
			b.WriteString(` has no place for a new program now, so you cannot request them. <a href="`)
			esc(href)
			b.WriteString(`/request">Ask for any consultant</a> and we will look for one who is taking new programs.</p>`)
		}
		b.WriteString("</div></div></li>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address as html/template writes it
}
