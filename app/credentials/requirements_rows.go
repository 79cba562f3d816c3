package credentials

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// The requirements page's sections are written in Go: as a template each requirement was
// some fifty reflected calls (its add-a-kind form's Error and Get, its kinds' methods), most
// of the page's server time (issue 14). What they write is held byte for byte to the template
// (requirementSectionsTemplate, TestRequirementSectionsAreTheTemplate); the error summary of
// the one form that came back with errors is still the layout's template.

// requirementSectionsTemplate is what requirementSections writes, as a template whose data
// is the page's (RequirementsData) with CSRF.
const requirementSectionsTemplate = `{{$d := .}}{{$csrf := .CSRF}}{{range $d.Requirements}}{{$r := .}}{{$kf := $d.KindFormFor .ID}}
<section class="border-top border-base-lighter padding-top-2 margin-bottom-4" id="req-{{.ID}}" aria-labelledby="req-{{.ID}}-heading">
  <h3 id="req-{{.ID}}-heading">{{.Name}} <span class="usa-tag{{if .Recommended}} bg-base-dark{{end}}">{{.LevelLabel}}</span></h3>
  {{with .Description}}<p>{{.}}</p>{{end}}
  <dl class="hs-facts">
    <dt>Met by</dt><dd>{{.RuleLabel}}</dd>
    <dt>Deadline</dt><dd>{{.DeadlineText}}</dd>
  </dl>
  <p><a href="{{$d.Base}}/{{.ID}}/edit">Change this requirement<span class="usa-sr-only">: {{.Name}}</span></a></p>
  {{if eq .Rule "credential"}}
  {{if .Kinds}}
  <table class="usa-table usa-table--borderless">
    <caption>Credentials that meet “{{.Name}}”</caption>
    <thead><tr><th scope="col">Credential</th><th scope="col">Issuer</th><th scope="col">Valid for</th><th scope="col">Held</th><th scope="col"><span class="usa-sr-only">Actions</span></th></tr></thead>
    <tbody>
    {{range .Kinds}}
    <tr><th scope="row">{{.Name}}</th><td>{{if .Issuer}}{{.Issuer}}{{else}}—{{end}}</td><td>{{.ValidText}}</td><td>{{.Used}}</td>
      <td>{{if eq .Used 0}}<form method="post" action="{{$d.Base}}/{{$r.ID}}/kinds/{{.ID}}/delete"><input type="hidden" name="_csrf" value="{{$csrf}}">
        <button class="usa-button usa-button--unstyled" type="submit">Remove<span class="usa-sr-only"> {{.Name}}</span></button></form>{{else}}In use{{end}}</td></tr>
    {{end}}
    </tbody>
  </table>
  {{else}}<p>No credentials meet it yet: add one below.</p>{{end}}
  <details{{if $kf.HasErrors}} open{{end}}>
    <summary>Add a credential that meets “{{.Name}}”</summary>
    {{template "layouts/_errors" (errorSummary $kf (printf "kind_name=kind_name-%s" .ID) (printf "issuer=issuer-%s" .ID) (printf "valid_months=valid_months-%s" .ID))}}
    <form class="usa-form" method="post" action="{{$d.Base}}/{{.ID}}/kinds" novalidate>
      <input type="hidden" name="_csrf" value="{{$csrf}}">
      <div class="usa-form-group{{if $kf.Error "kind_name"}} usa-form-group--error{{end}}">
        <label class="usa-label" for="kind_name-{{.ID}}">Credential name</label>
        {{with $kf.Error "kind_name"}}<span class="usa-error-message" id="kind_name-{{$r.ID}}-error">{{.}}</span>{{end}}
        <input class="usa-input" id="kind_name-{{.ID}}" name="kind_name" type="text" maxlength="200" value="{{$kf.Get "kind_name"}}"{{if $kf.Error "kind_name"}} aria-describedby="kind_name-{{$r.ID}}-error" aria-invalid="true"{{end}}>
      </div>
      <div class="usa-form-group{{if $kf.Error "issuer"}} usa-form-group--error{{end}}">
        <label class="usa-label" for="issuer-{{.ID}}">Usual issuer <span class="usa-hint">(optional)</span></label>
        {{with $kf.Error "issuer"}}<span class="usa-error-message" id="issuer-{{$r.ID}}-error">{{.}}</span>{{end}}
        <input class="usa-input" id="issuer-{{.ID}}" name="issuer" type="text" maxlength="200" value="{{$kf.Get "issuer"}}"{{if $kf.Error "issuer"}} aria-describedby="issuer-{{$r.ID}}-error" aria-invalid="true"{{end}}>
      </div>
      <div class="usa-form-group{{if $kf.Error "valid_months"}} usa-form-group--error{{end}}">
        <label class="usa-label" for="valid_months-{{.ID}}">Valid for how many months</label>
        <span class="usa-hint" id="valid_months-{{.ID}}-hint">0 when it does not expire (a degree); 12 for one renewed every year. Sets the usual expiry date.</span>
        {{with $kf.Error "valid_months"}}<span class="usa-error-message" id="valid_months-{{$r.ID}}-error">{{.}}</span>{{end}}
        <input class="usa-input usa-input--small" id="valid_months-{{.ID}}" name="valid_months" type="number" min="0" max="{{$d.MaxMonths}}" inputmode="numeric" value="{{$kf.Get "valid_months"}}" aria-describedby="valid_months-{{.ID}}-hint{{if $kf.Error "valid_months"}} valid_months-{{$r.ID}}-error{{end}}"{{if $kf.Error "valid_months"}} aria-invalid="true"{{end}}>
      </div>
      <button class="usa-button usa-button--outline" type="submit">Add the credential</button>
    </form>
  </details>
  {{end}}
</section>
{{end}}`

// RequirementSection is one requirement's section of the page: Head and Tail written in Go
// around the error summary of its add-a-kind form (nil but for the form that came back with
// errors), which the template writes with layouts/_errors:
//
//	{{range .}}{{.Head}}{{if .Form}}{{template "layouts/_errors" .Summary}}{{.Tail}}{{end}}{{end}}
type RequirementSection struct {
	Head, Tail template.HTML
	Form       bool // it has the add-a-kind form: the summary and Tail follow Head
	Summary    *web.ErrorSummary
}

// requirementSections writes the page's requirements, as requirementSectionsTemplate would
// with csrf the form token.
func requirementSections(d *RequirementsData, csrf string) []RequirementSection {
	out := make([]RequirementSection, len(d.Requirements))
	var b strings.Builder
	esc := func(s string) { web.EscapeHTML(&b, s) }
	w := b.WriteString
	baseURL := web.TemplateURL(d.Base)
	maxMonths := strconv.Itoa(d.MaxMonths)
	for i := range d.Requirements {
		r := &d.Requirements[i]
		id := web.NormalizeURL(r.ID)
		b.Reset()
		w("\n<section class=\"border-top border-base-lighter padding-top-2 margin-bottom-4\" id=\"req-")
		esc(r.ID)
		w(`" aria-labelledby="req-`)
		esc(r.ID)
		w("-heading\">\n  <h3 id=\"req-")
		esc(r.ID)
		w(`-heading">`)
		esc(r.Name)
		w(` <span class="usa-tag`)
		if r.Recommended() {
			w(" bg-base-dark")
		}
		w(`">`)
		esc(r.LevelLabel())
		w("</span></h3>\n  ")
		if r.Description != "" {
			w("<p>")
			esc(r.Description)
			w("</p>")
		}
		w("\n  <dl class=\"hs-facts\">\n    <dt>Met by</dt><dd>")
		esc(r.RuleLabel())
		w("</dd>\n    <dt>Deadline</dt><dd>")
		esc(r.DeadlineText())
		w("</dd>\n  </dl>\n  <p><a href=\"")
		esc(baseURL)
		w("/")
		esc(id)
		w(`/edit">Change this requirement<span class="usa-sr-only">: `)
		esc(r.Name)
		w("</span></a></p>\n  ")
		if r.Rule != RuleCredential {
			w("\n</section>\n")
			out[i].Head = template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
			continue
		}
		w("\n  ")
		if len(r.Kinds) > 0 {
			w("\n  <table class=\"usa-table usa-table--borderless\">\n    <caption>Credentials that meet “")
			esc(r.Name)
			w("”</caption>\n    <thead><tr><th scope=\"col\">Credential</th><th scope=\"col\">Issuer</th><th scope=\"col\">Valid for</th><th scope=\"col\">Held</th><th scope=\"col\"><span class=\"usa-sr-only\">Actions</span></th></tr></thead>\n    <tbody>\n    ")
			for j := range r.Kinds {
				k := &r.Kinds[j]
				w("\n    <tr><th scope=\"row\">")
				esc(k.Name)
				w("</th><td>")
				if k.Issuer != "" {
					esc(k.Issuer)
				} else {
					w("—")
				}
				w("</td><td>")
				esc(k.ValidText())
				w("</td><td>")
				w(strconv.Itoa(k.Used))
				w("</td>\n      <td>")
				if k.Used == 0 {
					w(`<form method="post" action="`)
					esc(baseURL)
					w("/")
					esc(id)
					w("/kinds/")
					esc(web.NormalizeURL(k.ID))
					w(`/delete"><input type="hidden" name="_csrf" value="`)
					esc(csrf)
					w("\">\n        <button class=\"usa-button usa-button--unstyled\" type=\"submit\">Remove<span class=\"usa-sr-only\"> ")
					esc(k.Name)
					w("</span></button></form>")
				} else {
					w("In use")
				}
				w("</td></tr>\n    ")
			}
			w("\n    </tbody>\n  </table>\n  ")
		} else {
			w("<p>No credentials meet it yet: add one below.</p>")
		}
		kindName, issuer, validMonths := "", "", "0"
		var errs map[string]string
		if r.ID == d.KindFor && d.KindForm != nil {
			kf := d.KindForm
			kindName, issuer, validMonths, errs = kf.Get("kind_name"), kf.Get("issuer"), kf.Get("valid_months"), kf.Errors
			out[i].Summary = kf.Summary("kind_name=kind_name-"+r.ID, "issuer=issuer-"+r.ID, "valid_months=valid_months-"+r.ID)
		}
		out[i].Form = true
		w("\n  <details")
		if len(errs) > 0 {
			w(" open")
		}
		w(">\n    <summary>Add a credential that meets “")
		esc(r.Name)
		w("”</summary>\n    ")
		out[i].Head = template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
		b.Reset()
		w("\n    <form class=\"usa-form\" method=\"post\" action=\"")
		esc(baseURL)
		w("/")
		esc(id)
		w("/kinds\" novalidate>\n      <input type=\"hidden\" name=\"_csrf\" value=\"")
		esc(csrf)
		w("\">\n      ")
		// The name and issuer fields.
		for _, f := range [2]struct{ name, label, value string }{
			{"kind_name", `Credential name`, kindName},
			{"issuer", `Usual issuer <span class="usa-hint">(optional)</span>`, issuer},
		} {
			msg := errs[f.name]
			w(`<div class="usa-form-group`)
			if msg != "" {
				w(" usa-form-group--error")
			}
			w("\">\n        <label class=\"usa-label\" for=\"" + f.name + "-")
			esc(r.ID)
			w(`">` + f.label + "</label>\n        ")
			if msg != "" {
				w(`<span class="usa-error-message" id="` + f.name + "-")
				esc(r.ID)
				w(`-error">`)
				esc(msg)
				w("</span>")
			}
			w("\n        <input class=\"usa-input\" id=\"" + f.name + "-")
			esc(r.ID)
			w(`" name="` + f.name + `" type="text" maxlength="200" value="`)
			esc(f.value)
			w(`"`)
			if msg != "" {
				w(` aria-describedby="` + f.name + "-")
				esc(r.ID)
				w(`-error" aria-invalid="true"`)
			}
			w(">\n      </div>\n      ")
		}
		msg := errs["valid_months"]
		w(`<div class="usa-form-group`)
		if msg != "" {
			w(" usa-form-group--error")
		}
		w("\">\n        <label class=\"usa-label\" for=\"valid_months-")
		esc(r.ID)
		w("\">Valid for how many months</label>\n        <span class=\"usa-hint\" id=\"valid_months-")
		esc(r.ID)
		w("-hint\">0 when it does not expire (a degree); 12 for one renewed every year. Sets the usual expiry date.</span>\n        ")
		if msg != "" {
			w(`<span class="usa-error-message" id="valid_months-`)
			esc(r.ID)
			w(`-error">`)
			esc(msg)
			w("</span>")
		}
		w("\n        <input class=\"usa-input usa-input--small\" id=\"valid_months-")
		esc(r.ID)
		w(`" name="valid_months" type="number" min="0" max="` + maxMonths + `" inputmode="numeric" value="`)
		esc(validMonths)
		w(`" aria-describedby="valid_months-`)
		esc(r.ID)
		w("-hint")
		if msg != "" {
			w(" valid_months-")
			esc(r.ID)
			w("-error")
		}
		w(`"`)
		if msg != "" {
			w(` aria-invalid="true"`)
		}
		w(">\n      </div>\n      <button class=\"usa-button usa-button--outline\" type=\"submit\">Add the credential</button>\n    </form>\n  </details>\n  \n</section>\n")
		out[i].Tail = template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
	}
	return out
}
