package consultation

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// The sessions list, the session form and the resource library drew their rows with
// html/template: a reflected call (and an escaper) for every cell, method calls per row
// (labels, summaries), a comparison per option of every select of every repeated row. That was
// most of their server time on a big tenant (issue 14). The rows are worked out here once, as
// plain strings, and the largest repeated parts written in Go, each held byte for byte to the
// template it replaces by a test (session_rows_internal_test.go).

// choiceOptions are a select's options from choices, chosen marked.
func choiceOptions(cs []Choice, chosen string) []web.Option {
	out := make([]web.Option, len(cs))
	for i, c := range cs {
		out[i] = web.Option{Value: c.Value, Label: c.Label, Selected: c.Value == chosen}
	}
	return out
}

// sessionOptions are a form's options as a select writes them, the checked one selected.
func sessionOptions(opts []Option) []web.Option {
	out := make([]web.Option, len(opts))
	for i, o := range opts {
		out[i] = web.Option{Value: o.Value, Label: o.Label, Selected: o.Checked}
	}
	return out
}

// SessionRow is a session as the lists show it: every cell a plain string.
type SessionRow struct {
	ID, HeldOn, ProgramName, ConsultantName, Service, Minutes, Mode, Summary string
}

// sessionRows are the sessions' rows, in order.
func sessionRows(list []Session) []SessionRow {
	out := make([]SessionRow, len(list))
	for i := range list {
		x := &list[i]
		out[i] = SessionRow{ID: x.ID, HeldOn: x.HeldOn, ProgramName: x.ProgramName, ConsultantName: x.ConsultantName,
			Service: x.ServiceLabel(), Minutes: strconv.Itoa(x.Minutes), Mode: x.ModeLabel(), Summary: x.ShortSummary()}
	}
	return out
}

// sessionRowsHTML writes the sessions list's rows as the template
//
//	{{range .Rows}}<tr><th scope="row" data-label="Date" class="hs-date"><a href="{{$.Base}}/sessions/{{.ID}}">{{.HeldOn}}</a></th>
//	<td data-label="Program">{{.ProgramName}}</td><td data-label="Consultant">{{.ConsultantName}}</td>
//	<td data-label="Service">{{.Service}}</td><td data-label="Minutes">{{.Minutes}}</td>
//	<td data-label="Mode">{{.Mode}}</td><td data-label="Summary">{{.Summary}}</td></tr>{{end}}
//
// did (TestSessionRowsHTMLIsTheTemplate). base is the tenant's path (/t/slug) and the ids are
// the database's: neither holds a byte the URL normalizer changes.
func sessionRowsHTML(base string, rows []SessionRow) template.HTML {
	var b strings.Builder
	n := 0
	for i := range rows {
		r := &rows[i]
		n += 330 + len(base) + len(r.ID) + len(r.HeldOn) + len(r.ProgramName) + len(r.ConsultantName) + len(r.Service) +
			len(r.Minutes) + len(r.Mode) + len(r.Summary)
	}
	b.Grow(n)
	for i := range rows {
		r := &rows[i]
		b.WriteString(`<tr><th scope="row" data-label="Date" class="hs-date"><a href="`)
		web.EscapeHTML(&b, base)
		b.WriteString("/sessions/")
		web.EscapeHTML(&b, r.ID)
		b.WriteString(`">`)
		web.EscapeHTML(&b, r.HeldOn)
		b.WriteString(`</a></th><td data-label="Program">`)
		web.EscapeHTML(&b, r.ProgramName)
		b.WriteString(`</td><td data-label="Consultant">`)
		web.EscapeHTML(&b, r.ConsultantName)
		b.WriteString(`</td><td data-label="Service">`)
		web.EscapeHTML(&b, r.Service)
		b.WriteString(`</td><td data-label="Minutes">`)
		web.EscapeHTML(&b, r.Minutes)
		b.WriteString(`</td><td data-label="Mode">`)
		web.EscapeHTML(&b, r.Mode)
		b.WriteString(`</td><td data-label="Summary">`)
		web.EscapeHTML(&b, r.Summary)
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value escaped by EscapeHTML, as html/template does
}

// topicsHTML writes the session form's topic checkboxes as the template
//
//	{{range $i, $t := .}}<div class="usa-checkbox grid-col-12 tablet:grid-col-6"><input class="usa-checkbox__input"
//	id="topic-{{$i}}" type="checkbox" name="topics" value="{{$t.Value}}"{{if $t.Checked}} checked{{end}}><label
//	class="usa-checkbox__label" for="topic-{{$i}}">{{$t.Label}}</label></div>{{end}}
//
// did (TestTopicsHTMLIsTheTemplate).
func topicsHTML(topics []Option) template.HTML {
	var b strings.Builder
	n := 0
	for _, t := range topics {
		n += 260 + len(t.Value) + len(t.Label)
	}
	b.Grow(n)
	for i, t := range topics {
		id := strconv.Itoa(i)
		b.WriteString(`<div class="usa-checkbox grid-col-12 tablet:grid-col-6"><input class="usa-checkbox__input" id="topic-`)
		b.WriteString(id)
		b.WriteString(`" type="checkbox" name="topics" value="`)
		web.EscapeHTML(&b, t.Value)
		b.WriteString(`"`)
		if t.Checked {
			b.WriteString(" checked")
		}
		b.WriteString(`><label class="usa-checkbox__label" for="topic-`)
		b.WriteString(id)
		b.WriteString(`">`)
		web.EscapeHTML(&b, t.Label)
		b.WriteString("</label></div>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value escaped by EscapeHTML, as html/template does
}

// resourceRowsHTML writes the library's rows as the template
//
//	{{range .Entries}}<tr><th scope="row" data-label="Resource">{{if .URL}}<a href="{{.URL}}" rel="noopener noreferrer">{{.Title}}</a>{{else}}{{.Title}}{{end}}{{with .Description}}<br><span class="text-base">{{.}}</span>{{end}}</th>
//	<td data-label="Topic">{{.Topic}}</td><td data-label="For">{{.AudienceLabel}}</td>
//	{{if $.Program}}<td data-label="Shared">{{.SharedWithLabel}}</td>{{end}}
//	{{if $.CanEdit}}<td><a href="{{$.Base}}/resources/{{.ID}}/edit">Change<span class="usa-sr-only"> {{.Title}}</span></a></td>{{end}}</tr>{{end}}
//
// did (TestResourceRowsHTMLIsTheTemplate): the link filtered and normalized as html/template
// does (web.TemplateURL). base is the tenant's path and the ids are the database's.
func resourceRowsHTML(base string, entries []LibraryEntry, program, canEdit bool) template.HTML {
	var b strings.Builder
	n := 0
	for i := range entries {
		e := &entries[i]
		n += 300 + len(base) + len(e.ID) + 3*len(e.Title) + len(e.URL) + len(e.Description) + len(e.Topic)
	}
	b.Grow(n)
	for i := range entries {
		e := &entries[i]
		b.WriteString(`<tr><th scope="row" data-label="Resource">`)
		if e.URL != "" {
			b.WriteString(`<a href="`)
			web.EscapeHTML(&b, web.TemplateURL(e.URL))
			b.WriteString(`" rel="noopener noreferrer">`)
			web.EscapeHTML(&b, e.Title)
			b.WriteString("</a>")
		} else {
			web.EscapeHTML(&b, e.Title)
		}
		if e.Description != "" {
			b.WriteString(`<br><span class="text-base">`)
			web.EscapeHTML(&b, e.Description)
			b.WriteString("</span>")
		}
		b.WriteString(`</th><td data-label="Topic">`)
		web.EscapeHTML(&b, e.Topic)
		b.WriteString(`</td><td data-label="For">`)
		web.EscapeHTML(&b, e.AudienceLabel())
		b.WriteString("</td>")
		if program {
			b.WriteString(`<td data-label="Shared">`)
			web.EscapeHTML(&b, e.SharedWithLabel())
			b.WriteString("</td>")
		}
		if canEdit {
			b.WriteString(`<td><a href="`)
			web.EscapeHTML(&b, base)
			b.WriteString("/resources/")
			web.EscapeHTML(&b, e.ID)
			b.WriteString(`/edit">Change<span class="usa-sr-only"> `)
			web.EscapeHTML(&b, e.Title)
			b.WriteString("</span></a></td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value escaped by EscapeHTML, the link as html/template does
}

// datalistHTML writes a datalist's options as the template
//
//	{{range .}}<option value="{{.}}">{{end}}
//
// did (TestDatalistHTMLIsTheTemplate).
func datalistHTML(values []string) template.HTML {
	var b strings.Builder
	n := 0
	for _, v := range values {
		n += 20 + len(v)
	}
	b.Grow(n)
	for _, v := range values {
		b.WriteString(`<option value="`)
		web.EscapeHTML(&b, v)
		b.WriteString(`">`)
	}
	return template.HTML(b.String()) //nolint:gosec // every value escaped by EscapeHTML, as html/template does
}

// engagementSessionsTemplate is what engagementSessionsHTML writes, as a template: the latest
// sessions on an engagement's page.
const engagementSessionsTemplate = `{{range .Rows}}<tr><th scope="row" data-label="Date"><a href="{{$.Base}}/sessions/{{.ID}}">{{.HeldOn}}</a></th>` +
	`<td data-label="Service">{{.Service}}</td><td data-label="Minutes">{{.Minutes}}</td><td data-label="Mode">{{.Mode}}</td>` +
	`<td data-label="Shared summary">{{.Summary}}</td></tr>` + "\n{{end}}"

// engagementSessionsHTML writes an engagement's latest sessions as engagementSessionsTemplate
// would (TestEngagementSessionsHTMLIsTheTemplate); base is the tenant's path.
func engagementSessionsHTML(base string, rows []SessionRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 400)
	for i := range rows {
		r := &rows[i]
		b.WriteString(`<tr><th scope="row" data-label="Date"><a href="`)
		web.EscapeHTML(&b, web.TemplateURL(base))
		b.WriteString("/sessions/")
		web.EscapeHTML(&b, web.NormalizeURL(r.ID))
		b.WriteString(`">`)
		web.EscapeHTML(&b, r.HeldOn)
		b.WriteString(`</a></th><td data-label="Service">`)
		web.EscapeHTML(&b, r.Service)
		b.WriteString(`</td><td data-label="Minutes">`)
		web.EscapeHTML(&b, r.Minutes)
		b.WriteString(`</td><td data-label="Mode">`)
		web.EscapeHTML(&b, r.Mode)
		b.WriteString(`</td><td data-label="Shared summary">`)
		web.EscapeHTML(&b, r.Summary)
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address as html/template writes it
}
