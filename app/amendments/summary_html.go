package amendments

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// summaryTemplate is what summaryHTML writes, as a template of a *RequestData: the proposal
// page's "What this amendment does", which htmx also swaps in as the person types. Written in
// Go (issue 14), it is the template byte for byte (TestSummaryHTMLIsTheTemplate): as a
// template, each of its figures was a reflected call.
const summaryTemplate = `<section id="proposal-summary" class="hs-proposal-summary bg-base-lightest padding-2 radius-md" aria-labelledby="summary-heading" aria-live="polite">
<h2 id="summary-heading" class="margin-top-0">What this amendment does</h2>
{{with .Proposal}}<dl class="hs-facts">
<dt>Total now</dt><dd>{{.Class.Before}}</dd>
<dt>Total proposed</dt><dd>{{.Class.After}}</dd>
<dt>Net change</dt><dd>{{.NetLabel}}</dd>
<dt>Moved between lines</dt><dd>{{.Class.Moved}}</dd>
<dt>Cumulative transfers</dt><dd>{{.Class.Cumulative}}, {{.Class.CumulativeBP}} of the approved total of {{.ApprovedTotal}}{{if .Class.Earlier}} (with {{.Class.Earlier}} moved earlier by notice){{end}}</dd>
</dl>
{{if .Class.Empty}}<p id="proposal-class"><strong>No change yet.</strong> Change at least one line to make an amendment.</p>
{{else}}<p id="proposal-class"><span class="usa-tag{{if eq .Class.Class "notice"}} bg-green{{else if eq .Class.Class "total"}} bg-secondary-dark{{end}}">{{.Class.ClassLabel}}</span></p>
<p id="proposal-rule">{{.Class.Rule}}</p>
{{if .Steps}}<h3 class="margin-bottom-1">The steps it goes through</h3>
<ol class="usa-list" id="proposal-steps">{{range .StepList}}<li>{{.Name}}: decided by {{.Who}}, within {{.Days}} days</li>{{end}}</ol>
{{else if eq .Class.Class "notice"}}<p>No step decides it: it is recorded and applied when you submit, and {{.FunderName}} is told.</p>
{{else}}<p><strong>{{.FunderName}} has not set its amendment process yet:</strong> it cannot be submitted until a tenant administrator (or {{.FunderName}}’s own people) sets it.</p>
{{end}}{{end}}{{range .Warnings}}<div class="usa-alert usa-alert--warning usa-alert--slim"><div class="usa-alert__body"><p class="usa-alert__text">{{.}}</p></div></div>
{{end}}{{end}}{{with .ProblemList}}<h3 class="margin-bottom-1">Still to fix</h3>
<ul class="usa-list" id="proposal-problems">{{range .}}<li>{{.}}</li>{{end}}</ul>
{{end}}</section>
`

// summaryHTML writes the proposal's summary (summaryTemplate).
func summaryHTML(d *RequestData) template.HTML {
	var b strings.Builder
	b.Grow(1500)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	b.WriteString(`<section id="proposal-summary" class="hs-proposal-summary bg-base-lightest padding-2 radius-md" aria-labelledby="summary-heading" aria-live="polite">` + "\n" +
		`<h2 id="summary-heading" class="margin-top-0">What this amendment does</h2>` + "\n")
	if p := d.Proposal; p != nil {
		c := &p.Class
		b.WriteString(`<dl class="hs-facts">` + "\n<dt>Total now</dt><dd>")
		esc(c.Before.String())
		b.WriteString("</dd>\n<dt>Total proposed</dt><dd>")
		esc(c.After.String())
		b.WriteString("</dd>\n<dt>Net change</dt><dd>")
		esc(p.NetLabel())
		b.WriteString("</dd>\n<dt>Moved between lines</dt><dd>")
		esc(c.Moved.String())
		b.WriteString("</dd>\n<dt>Cumulative transfers</dt><dd>")
		esc(c.Cumulative.String())
		b.WriteString(", ")
		esc(c.CumulativeBP.String())
		b.WriteString(" of the approved total of ")
		esc(p.ApprovedTotal().String())
		if c.Earlier != 0 {
			b.WriteString(" (with ")
			esc(c.Earlier.String())
			b.WriteString(" moved earlier by notice)")
		}
		b.WriteString("</dd>\n</dl>\n")
		if c.Empty() {
			b.WriteString(`<p id="proposal-class"><strong>No change yet.</strong> Change at least one line to make an amendment.</p>` + "\n")
		} else {
			b.WriteString(`<p id="proposal-class"><span class="usa-tag`)
			switch c.Class {
			case "notice":
				b.WriteString(" bg-green")
			case "total":
				b.WriteString(" bg-secondary-dark")
			}
			b.WriteString(`">`)
			esc(c.ClassLabel())
			b.WriteString("</span></p>\n" + `<p id="proposal-rule">`)
			esc(c.Rule)
			b.WriteString("</p>\n")
			switch {
			case len(p.Steps) > 0:
				b.WriteString(`<h3 class="margin-bottom-1">The steps it goes through</h3>` + "\n" + `<ol class="usa-list" id="proposal-steps">`)
				for _, s := range p.StepList() {
					b.WriteString("<li>")
					esc(s.Name)
					b.WriteString(": decided by ")
					esc(s.Who)
					b.WriteString(", within ")
					b.WriteString(strconv.Itoa(s.Days))
					b.WriteString(" days</li>")
				}
				b.WriteString("</ol>\n")
			case c.Class == "notice":
				b.WriteString("<p>No step decides it: it is recorded and applied when you submit, and ")
				esc(p.FunderName)
				b.WriteString(" is told.</p>\n")
			default:
				b.WriteString("<p><strong>")
				esc(p.FunderName)
				b.WriteString(" has not set its amendment process yet:</strong> it cannot be submitted until a tenant administrator (or ")
				esc(p.FunderName)
				b.WriteString("’s own people) sets it.</p>\n")
			}
		}
		for _, w := range p.Warnings {
			b.WriteString(`<div class="usa-alert usa-alert--warning usa-alert--slim"><div class="usa-alert__body"><p class="usa-alert__text">`)
			esc(w)
			b.WriteString("</p></div></div>\n")
		}
	}
	if problems := d.ProblemList(); len(problems) > 0 {
		b.WriteString(`<h3 class="margin-bottom-1">Still to fix</h3>` + "\n" + `<ul class="usa-list" id="proposal-problems">`)
		for _, m := range problems {
			b.WriteString("<li>")
			esc(m)
			b.WriteString("</li>")
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("</section>\n")
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML
}
