package consultation

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// The engagement page's stage indicator, its assessments and its timeline are written in Go
// (issue 14): as templates they were most of the page's drawing, some 0.3 ms a request of its
// 0.9 ms outside SQL, each text and each test a reflected call. Each writer is held byte for
// byte to the template beside it (TestEngagementHTMLIsTheTemplates), which is what the page
// had, and the page's tests read what they write.

// stepsTemplate is what stepsHTML writes, as a template of a []CycleStep: the segments of the
// page's step indicator.
const stepsTemplate = `{{range .}}<li class="usa-step-indicator__segment{{if .Complete}} usa-step-indicator__segment--complete{{else if .Current}} usa-step-indicator__segment--current{{end}}"{{if .Current}} aria-current="true"{{end}} data-status="{{.Status}}"><span class="usa-step-indicator__segment-label">{{.Label}}{{if .Skipped}} <span class="text-italic">(skipped)</span>{{else}} <span class="usa-sr-only">{{if .Current}}current stage{{else}}{{.Status}}{{end}}</span>{{end}}</span></li>
{{end}}`

// stepsHTML writes the step indicator's segments (stepsTemplate).
func stepsHTML(steps []CycleStep) template.HTML {
	var b strings.Builder
	b.Grow(230 * len(steps))
	for _, s := range steps {
		b.WriteString(`<li class="usa-step-indicator__segment`)
		switch {
		case s.Complete():
			b.WriteString(` usa-step-indicator__segment--complete`)
		case s.Current():
			b.WriteString(` usa-step-indicator__segment--current`)
		}
		b.WriteString(`"`)
		if s.Current() {
			b.WriteString(` aria-current="true"`)
		}
		b.WriteString(` data-status="`)
		web.EscapeHTML(&b, s.Status)
		b.WriteString(`"><span class="usa-step-indicator__segment-label">`)
		web.EscapeHTML(&b, s.Label)
		if s.Skipped() {
			b.WriteString(` <span class="text-italic">(skipped)</span>`)
		} else {
			b.WriteString(` <span class="usa-sr-only">`)
			if s.Current() {
				b.WriteString("current stage")
			} else {
				web.EscapeHTML(&b, s.Status)
			}
			b.WriteString(`</span>`)
		}
		b.WriteString("</span></li>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML
}

// movesTemplate is what movesHTML writes, as a template of a []Move: the timeline's rows.
const movesTemplate = `{{range .}}<tr><td data-label="Date">{{.MovedOn}}</td><td data-label="What">{{if not .FromStage}}Opened at {{.ToLabel}}{{else if .IsKindChange}}{{.Reason}}{{else}}{{.FromLabel}} → {{.ToLabel}}{{if .Skipped}} (skipped {{.SkippedLabels}}){{end}}{{end}}</td><td data-label="By">{{if .MovedByName}}{{.MovedByName}}{{else}}Holdspace{{end}}</td><td data-label="Reason or note">{{if not .IsKindChange}}{{.Reason}}{{end}}</td></tr>
{{end}}`

// movesHTML writes the timeline's rows (movesTemplate).
func movesHTML(moves []Move) template.HTML {
	var b strings.Builder
	b.Grow(260 * len(moves))
	for i := range moves {
		m := &moves[i]
		b.WriteString(`<tr><td data-label="Date">`)
		web.EscapeHTML(&b, m.MovedOn)
		b.WriteString(`</td><td data-label="What">`)
		switch {
		case m.FromStage == "":
			b.WriteString("Opened at ")
			web.EscapeHTML(&b, m.ToLabel())
		case m.IsKindChange():
			web.EscapeHTML(&b, m.Reason)
		default:
			web.EscapeHTML(&b, m.FromLabel())
			b.WriteString(" → ")
			web.EscapeHTML(&b, m.ToLabel())
			if len(m.Skipped) > 0 {
				b.WriteString(" (skipped ")
				web.EscapeHTML(&b, m.SkippedLabels())
				b.WriteString(")")
			}
		}
		b.WriteString(`</td><td data-label="By">`)
		if m.MovedByName != "" {
			web.EscapeHTML(&b, m.MovedByName)
		} else {
			b.WriteString("Holdspace")
		}
		b.WriteString(`</td><td data-label="Reason or note">`)
		if !m.IsKindChange() {
			web.EscapeHTML(&b, m.Reason)
		}
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML
}

// assessmentsTemplate is what AssessmentsSection.HTML writes, as a template of an
// *AssessmentsSection (with the "plural" function): the engagement's assessments, on its page
// and on its assessments page.
const assessmentsTemplate = `<section id="assessments" aria-labelledby="assessments-heading">
<h2 id="assessments-heading">Assessments</h2>
{{if .CanWrite}}<p><a class="usa-button usa-button--outline" href="/t/{{.Slug}}/engagements/{{.EngagementID}}/assessments/new">Record an assessment</a></p>
{{end}}{{range .Comparisons}}<table class="usa-table usa-table--borderless usa-table--stacked">
<caption>{{.Instrument.ShortName}}: {{if .Pre}}pre-assessment of {{.Pre.AdministeredOn}}{{else}}no pre-assessment yet{{end}}, {{if .Post}}post-assessment of {{.Post.AdministeredOn}}{{else}}no post-assessment yet{{end}}{{if and .Pre .Post}} ({{plural .Better "subscale" "subscales"}} better, {{.Worse}} worse){{end}}</caption>
<thead><tr><th scope="col">Subscale</th><th scope="col">Pre</th><th scope="col">Post</th><th scope="col">Change</th><th scope="col">Which way</th></tr></thead>
<tbody>
{{range .Rows}}<tr><th scope="row" data-label="Subscale">{{.Subscale.Name}} <span class="usa-hint">({{.Subscale.Range}}; {{.Subscale.Direction}})</span></th><td data-label="Pre">{{.PreText}}</td><td data-label="Post">{{.PostText}}</td><td data-label="Change">{{with .ChangeText}}{{.}}{{else}}—{{end}}</td><td data-label="Which way">{{if eq .Direction "better"}}<strong>Better</strong>{{else if eq .Direction "worse"}}<strong>Worse</strong>{{else}}{{.DirectionWords}}{{end}}</td></tr>
{{end}}</tbody>
</table>
{{else}}<p>No assessments are recorded for this engagement yet.</p>
{{end}}{{if .Assessments}}<h3>Every administration</h3>
<ul class="usa-list">
{{range .Assessments}}<li><a href="/t/{{$.Slug}}/assessments/{{.ID}}">{{.PhaseLabel}} {{.InstrumentShort}} of {{.AdministeredOn}}</a></li>
{{end}}</ul>
{{end}}</section>
`

// HTML writes the section (assessmentsTemplate): the "consultation/_assessments" template is
// this.
func (s *AssessmentsSection) HTML() template.HTML {
	var b strings.Builder
	n := 400 + 120*len(s.Assessments)
	for i := range s.Comparisons {
		n += 500 + 420*len(s.Comparisons[i].Rows)
	}
	b.Grow(n)
	esc := func(v string) { web.EscapeHTML(&b, v) }
	slug := web.NormalizeURL(s.Slug)
	b.WriteString(`<section id="assessments" aria-labelledby="assessments-heading">` + "\n" + `<h2 id="assessments-heading">Assessments</h2>` + "\n")
	if s.CanWrite {
		b.WriteString(`<p><a class="usa-button usa-button--outline" href="/t/`)
		esc(slug)
		b.WriteString("/engagements/")
		esc(web.NormalizeURL(s.EngagementID))
		b.WriteString("/assessments/new\">Record an assessment</a></p>\n")
	}
	for i := range s.Comparisons {
		c := &s.Comparisons[i]
		b.WriteString(`<table class="usa-table usa-table--borderless usa-table--stacked">` + "\n<caption>")
		esc(c.Instrument.ShortName)
		b.WriteString(": ")
		if c.Pre != nil {
			b.WriteString("pre-assessment of ")
			esc(c.Pre.AdministeredOn)
		} else {
			b.WriteString("no pre-assessment yet")
		}
		b.WriteString(", ")
		if c.Post != nil {
			b.WriteString("post-assessment of ")
			esc(c.Post.AdministeredOn)
		} else {
			b.WriteString("no post-assessment yet")
		}
		if c.Pre != nil && c.Post != nil {
			b.WriteString(" (")
			esc(web.Plural(c.Better, "subscale", "subscales"))
			b.WriteString(" better, ")
			b.WriteString(strconv.Itoa(c.Worse))
			b.WriteString(" worse)")
		}
		b.WriteString("</caption>\n" + `<thead><tr><th scope="col">Subscale</th><th scope="col">Pre</th><th scope="col">Post</th><th scope="col">Change</th><th scope="col">Which way</th></tr></thead>` + "\n<tbody>\n")
		for j := range c.Rows {
			r := &c.Rows[j]
			b.WriteString(`<tr><th scope="row" data-label="Subscale">`)
			esc(r.Subscale.Name)
			b.WriteString(` <span class="usa-hint">(`)
			esc(r.Subscale.Range())
			b.WriteString("; ")
			esc(r.Subscale.Direction())
			b.WriteString(`)</span></th><td data-label="Pre">`)
			esc(r.PreText())
			b.WriteString(`</td><td data-label="Post">`)
			esc(r.PostText())
			b.WriteString(`</td><td data-label="Change">`)
			if t := r.ChangeText(); t != "" {
				esc(t)
			} else {
				b.WriteString("—")
			}
			b.WriteString(`</td><td data-label="Which way">`)
			switch r.Direction {
			case "better":
				b.WriteString("<strong>Better</strong>")
			case "worse":
				b.WriteString("<strong>Worse</strong>")
			default:
				esc(r.DirectionWords())
			}
			b.WriteString("</td></tr>\n")
		}
		b.WriteString("</tbody>\n</table>\n")
	}
	if len(s.Comparisons) == 0 {
		b.WriteString("<p>No assessments are recorded for this engagement yet.</p>\n")
	}
	if len(s.Assessments) > 0 {
		b.WriteString("<h3>Every administration</h3>\n" + `<ul class="usa-list">` + "\n")
		for i := range s.Assessments {
			a := &s.Assessments[i]
			b.WriteString(`<li><a href="/t/`)
			esc(slug)
			b.WriteString("/assessments/")
			esc(web.NormalizeURL(a.ID))
			b.WriteString(`">`)
			esc(a.PhaseLabel())
			b.WriteString(" ")
			esc(a.InstrumentShort)
			b.WriteString(" of ")
			esc(a.AdministeredOn)
			b.WriteString("</a></li>\n")
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("</section>\n")
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address as html/template writes it
}

// caseloadFollowUpsTemplate is what caseloadFollowUpsHTML writes, as a template of a
// caseloadTables: the caseload's overdue follow-ups.
const caseloadFollowUpsTemplate = `{{range .FollowUps}}<tr><td data-label="Due" class="hs-date">{{.DueOn}}</td><td data-label="Follow-up"><a href="{{$.Base}}/engagements/{{.EngagementID}}">{{.Description}}</a></td><td data-label="Program">{{.ProgramName}}</td><td data-label="Late by">{{plural .DaysLate "day" "days"}}</td></tr>
{{end}}`

// caseloadSessionsTemplate is what caseloadSessionsHTML writes: the caseload's recent
// sessions, with a consultant column for a supervisor.
const caseloadSessionsTemplate = `{{range .Sessions}}<tr><td data-label="Date" class="hs-date"><a href="{{$.Base}}/engagements/{{.EngagementID}}">{{.HeldOn}}</a></td>{{if $.ShowConsultant}}<td data-label="Consultant">{{.ConsultantName}}</td>{{end}}<td data-label="Program">{{.ProgramName}}</td><td data-label="Service">{{.ServiceWords}}{{with .TrainingTopic}}: {{.}}{{end}}</td><td data-label="Mode">{{.ModeWords}}</td><td data-label="Minutes">{{.Minutes}}</td></tr>
{{end}}`

// caseloadTables is what the two caseload templates are given (the tests').
type caseloadTables struct {
	Base           string
	ShowConsultant bool
	FollowUps      []OverdueFollowUp
	Sessions       []RecentSession
}

// caseloadFollowUpsHTML writes the overdue follow-ups' rows (caseloadFollowUpsTemplate).
func caseloadFollowUpsHTML(base string, rows []OverdueFollowUp) template.HTML {
	var b strings.Builder
	b.Grow(300 * len(rows))
	base = web.TemplateURL(base)
	for i := range rows {
		r := &rows[i]
		b.WriteString(`<tr><td data-label="Due" class="hs-date">`)
		web.EscapeHTML(&b, r.DueOn)
		b.WriteString(`</td><td data-label="Follow-up"><a href="`)
		web.EscapeHTML(&b, base)
		b.WriteString("/engagements/")
		web.EscapeHTML(&b, web.NormalizeURL(r.EngagementID))
		b.WriteString(`">`)
		web.EscapeHTML(&b, r.Description)
		b.WriteString(`</a></td><td data-label="Program">`)
		web.EscapeHTML(&b, r.ProgramName)
		b.WriteString(`</td><td data-label="Late by">`)
		web.EscapeHTML(&b, web.Plural(r.DaysLate, "day", "days"))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address as html/template writes it
}

// caseloadSessionsHTML writes the recent sessions' rows (caseloadSessionsTemplate).
func caseloadSessionsHTML(base string, showConsultant bool, rows []RecentSession) template.HTML {
	var b strings.Builder
	b.Grow(380 * len(rows))
	base = web.TemplateURL(base)
	for i := range rows {
		r := &rows[i]
		b.WriteString(`<tr><td data-label="Date" class="hs-date"><a href="`)
		web.EscapeHTML(&b, base)
		b.WriteString("/engagements/")
		web.EscapeHTML(&b, web.NormalizeURL(r.EngagementID))
		b.WriteString(`">`)
		web.EscapeHTML(&b, r.HeldOn)
		b.WriteString(`</a></td>`)
		if showConsultant {
			b.WriteString(`<td data-label="Consultant">`)
			web.EscapeHTML(&b, r.ConsultantName)
			b.WriteString(`</td>`)
		}
		b.WriteString(`<td data-label="Program">`)
		web.EscapeHTML(&b, r.ProgramName)
		b.WriteString(`</td><td data-label="Service">`)
		web.EscapeHTML(&b, r.ServiceWords())
		if r.TrainingTopic != "" {
			b.WriteString(": ")
			web.EscapeHTML(&b, r.TrainingTopic)
		}
		b.WriteString(`</td><td data-label="Mode">`)
		web.EscapeHTML(&b, r.ModeWords())
		b.WriteString(`</td><td data-label="Minutes">`)
		b.WriteString(strconv.Itoa(r.Minutes))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address as html/template writes it
}
