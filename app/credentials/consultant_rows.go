package credentials

import (
	"html/template"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// A consultant's staffing page (and a consultant's own credentials page) write the statuses
// table and the credentials in Go: as templates they were some fifteen reflected calls a
// requirement and thirty a credential (methods taking today, the return form's Error and
// Get), most of the page's server time (issue 14). Each writer is held byte for byte to the
// template it replaces (consultant_rows_internal_test.go).

// statusRowsTemplate is what statusRowsHTML writes, as a template.
const statusRowsTemplate = `{{range .}}
  <tr>
    <th scope="row" data-label="Requirement">{{.Requirement.Name}}</th>
    <td data-label="Level">{{.Requirement.LevelLabel}}</td>
    <td data-label="Where it stands"><span class="usa-tag {{.Tag}}">{{.Text}}</span>
      {{with .Credential}}<span class="usa-hint display-block">by {{.KindName}}</span>{{end}}
      {{if eq .Requirement.Rule "supervision"}}{{if .Supervisors}}<span class="usa-hint display-block">Supervised by {{range $i, $s := .Supervisors}}{{if $i}}, {{end}}{{$s}}{{end}}{{with .Hours}}: {{.}}{{end}}</span>{{else}}<span class="usa-hint display-block">No reflective supervisor is assigned yet.</span>{{end}}{{end}}
      {{if .Pending}}<span class="usa-hint display-block">{{plural .Pending "credential is" "credentials are"}} waiting for verification.</span>{{end}}
      {{if .NoHireDate}}<span class="usa-hint display-block">Deadline: {{.Requirement.DeadlineText}}; the hire date is not set yet.</span>{{end}}
      {{if and (not .Met) .Requirement.Recommended}}<span class="usa-hint display-block">Recommended, not required.</span>{{end}}
    </td>
  </tr>
  {{end}}`

// credentialSectionsTemplate is what credentialSections writes, as a template whose data is
// the page's view (D, Form) with CSRF.
const credentialSectionsTemplate = `{{$d := .D}}{{$f := .Form}}{{$p := $d.Profile}}{{$csrf := .CSRF}}{{range $d.Credentials}}{{$c := .}}
  <div class="border-top border-base-lighter padding-y-2">
    <h3 class="margin-y-1">{{.KindName}} <span class="usa-tag {{.Tag $d.Today}}">{{.StatusText $d.Today}}</span></h3>
    <dl class="hs-facts">
      <dt>Meets</dt><dd>{{.RequirementName}}</dd>
      <dt>Issued by</dt><dd>{{if .Issuer}}{{.Issuer}}{{else}}Not given{{end}}</dd>
      <dt>Number</dt><dd>{{if .Number}}{{.Number}}{{else}}Not given{{end}}</dd>
      <dt>Issued on</dt><dd>{{.IssuedOn}}</dd>
      <dt>Expires on</dt><dd>{{if .ExpiresOn}}{{.ExpiresOn}}{{else}}Does not expire{{end}}</dd>
      <dt>Evidence</dt><dd>{{if .HasEvidence}}<a href="{{$d.Base}}/staffing/{{$p.ID}}/credentials/{{.ID}}/evidence">{{.EvidenceName}}</a>{{else}}None{{end}}</dd>
      {{if .VerifiedAt}}<dt>Verified</dt><dd>{{date .VerifiedAt}}</dd>{{end}}
      {{if .ReviewNote}}<dt>Note to the consultant</dt><dd>{{.ReviewNote}}</dd>{{end}}
    </dl>
    {{if $d.IsAdmin}}
    {{if not .Verified}}
    <form class="margin-top-2" method="post" action="{{$d.Base}}/staffing/{{$p.ID}}/credentials/{{.ID}}/verify">
      <input type="hidden" name="_csrf" value="{{$csrf}}">
      <button class="usa-button" type="submit">Verify<span class="usa-sr-only"> {{.KindName}}</span></button>
    </form>
    {{end}}
    {{if ne .Status "returned"}}
    {{$mine := eq $d.ReturnID .ID}}
    <details class="margin-top-2"{{if $mine}} open{{end}}>
      <summary>Return it to the consultant with a note</summary>
      {{if $mine}}{{template "layouts/_errors" (errorSummary $f (printf "note=note-%s" .ID))}}{{end}}
      <form class="usa-form" method="post" action="{{$d.Base}}/staffing/{{$p.ID}}/credentials/{{.ID}}/return" novalidate>
        <input type="hidden" name="_csrf" value="{{$csrf}}">
        <div class="usa-form-group{{if and $mine ($f.Error "note")}} usa-form-group--error{{end}}">
          <label class="usa-label" for="note-{{.ID}}">What should the consultant change or add?</label>
          {{if $mine}}{{with $f.Error "note"}}<span class="usa-error-message" id="note-{{$c.ID}}-error">{{.}}</span>{{end}}{{end}}
          <textarea class="usa-textarea" id="note-{{.ID}}" name="note" rows="3"{{if and $mine ($f.Error "note")}} aria-describedby="note-{{.ID}}-error" aria-invalid="true"{{end}}>{{if $mine}}{{$f.Get "note"}}{{end}}</textarea>
        </div>
        <button class="usa-button usa-button--outline" type="submit">Return<span class="usa-sr-only"> {{.KindName}}</span></button>
      </form>
    </details>
    {{end}}
    {{end}}
  </div>
  {{end}}`

// statusRowsHTML writes the statuses' rows as statusRowsTemplate would.
func statusRowsHTML(statuses []Status) template.HTML {
	var b strings.Builder
	b.Grow(len(statuses) * 700)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	w := b.WriteString
	for i := range statuses {
		st := &statuses[i]
		r := st.Requirement
		w("\n  <tr>\n    <th scope=\"row\" data-label=\"Requirement\">")
		esc(r.Name)
		w("</th>\n    <td data-label=\"Level\">")
		esc(r.LevelLabel())
		w("</td>\n    <td data-label=\"Where it stands\"><span class=\"usa-tag ")
		esc(st.Tag())
		w(`">`)
		esc(st.Text())
		w("</span>\n      ")
		if st.Credential != nil {
			w(`<span class="usa-hint display-block">by `)
			esc(st.Credential.KindName)
			w("</span>")
		}
		w("\n      ")
		if r.Rule == RuleSupervision {
			if len(st.Supervisors) > 0 {
				w(`<span class="usa-hint display-block">Supervised by `)
				for j, s := range st.Supervisors {
					if j > 0 {
						w(", ")
					}
					esc(s)
				}
				if st.Hours != "" {
					w(": ")
					esc(st.Hours)
				}
				w("</span>")
			} else {
				w(`<span class="usa-hint display-block">No reflective supervisor is assigned yet.</span>`)
			}
		}
		w("\n      ")
		if st.Pending != 0 {
			w(`<span class="usa-hint display-block">`)
			esc(countText(st.Pending, "credential is", "credentials are"))
			w(" waiting for verification.</span>")
		}
		w("\n      ")
		if st.NoHireDate {
			w(`<span class="usa-hint display-block">Deadline: `)
			esc(r.DeadlineText())
			w("; the hire date is not set yet.</span>")
		}
		w("\n      ")
		if !st.Met() && r.Recommended() {
			w(`<span class="usa-hint display-block">Recommended, not required.</span>`)
		}
		w("\n    </td>\n  </tr>\n  ")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, as html/template does
}

// CredentialSection is one credential of a consultant's staffing page: Head, then (Mine: its
// return form came back with errors) the error summary the template writes with
// layouts/_errors, then Tail:
//
//	{{range .}}{{.Head}}{{if .Mine}}{{template "layouts/_errors" .Summary}}{{end}}{{.Tail}}{{end}}
type CredentialSection struct {
	Head, Tail template.HTML
	Mine       bool
	Summary    *web.ErrorSummary
}

// credentialSections writes the page's credentials as credentialSectionsTemplate would, f the
// page's form and csrf its token.
func credentialSections(d *ConsultantData, f *web.Form, csrf string) []CredentialSection {
	out := make([]CredentialSection, len(d.Credentials))
	var b strings.Builder
	esc := func(s string) { web.EscapeHTML(&b, s) }
	w := b.WriteString
	pathStart := web.TemplateURL(d.Base)
	profile := web.NormalizeURL(d.Profile.ID)
	for i := range d.Credentials {
		c := &d.Credentials[i]
		id := web.NormalizeURL(c.ID)
		link := func(end string) {
			esc(pathStart)
			w("/staffing/")
			esc(profile)
			w("/credentials/")
			esc(id)
			w(end)
		}
		b.Reset()
		w("\n  <div class=\"border-top border-base-lighter padding-y-2\">\n    <h3 class=\"margin-y-1\">")
		esc(c.KindName)
		w(` <span class="usa-tag `)
		esc(c.Tag(d.Today))
		w(`">`)
		esc(c.StatusText(d.Today))
		w("</span></h3>\n    <dl class=\"hs-facts\">\n      <dt>Meets</dt><dd>")
		esc(c.RequirementName)
		w("</dd>\n      <dt>Issued by</dt><dd>")
		orNot := func(s, none string) {
			if s != "" {
				esc(s)
			} else {
				w(none)
			}
		}
		orNot(c.Issuer, "Not given")
		w("</dd>\n      <dt>Number</dt><dd>")
		orNot(c.Number, "Not given")
		w("</dd>\n      <dt>Issued on</dt><dd>")
		esc(c.IssuedOn)
		w("</dd>\n      <dt>Expires on</dt><dd>")
		orNot(c.ExpiresOn, "Does not expire")
		w("</dd>\n      <dt>Evidence</dt><dd>")
		if c.HasEvidence() {
			w(`<a href="`)
			link("/evidence")
			w(`">`)
			esc(c.EvidenceName)
			w("</a>")
		} else {
			w("None")
		}
		w("</dd>\n      ")
		if c.VerifiedAt != nil {
			w("<dt>Verified</dt><dd>")
			esc(web.Date(c.VerifiedAt))
			w("</dd>")
		}
		w("\n      ")
		if c.ReviewNote != "" {
			w("<dt>Note to the consultant</dt><dd>")
			esc(c.ReviewNote)
			w("</dd>")
		}
		w("\n    </dl>\n    ")
		if !d.IsAdmin {
			w("\n  </div>\n  ")
			out[i].Head = template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address normalized as html/template does
			continue
		}
		w("\n    ")
		if !c.Verified() {
			w("\n    <form class=\"margin-top-2\" method=\"post\" action=\"")
			link("/verify")
			w("\">\n      <input type=\"hidden\" name=\"_csrf\" value=\"")
			esc(csrf)
			w("\">\n      <button class=\"usa-button\" type=\"submit\">Verify<span class=\"usa-sr-only\"> ")
			esc(c.KindName)
			w("</span></button>\n    </form>\n    ")
		}
		w("\n    ")
		if c.Status == StatusReturned {
			w("\n    \n  </div>\n  ")
			out[i].Head = template.HTML(b.String()) //nolint:gosec // as above
			continue
		}
		mine := d.ReturnID == c.ID
		w("\n    \n    <details class=\"margin-top-2\"")
		if mine {
			w(" open")
		}
		w(">\n      <summary>Return it to the consultant with a note</summary>\n      ")
		out[i].Head = template.HTML(b.String()) //nolint:gosec // as above
		b.Reset()
		msg := ""
		if mine {
			out[i].Mine = true
			out[i].Summary = f.Summary("note=note-" + c.ID)
			msg = f.Error("note")
		}
		w("\n      <form class=\"usa-form\" method=\"post\" action=\"")
		link("/return")
		w("\" novalidate>\n        <input type=\"hidden\" name=\"_csrf\" value=\"")
		esc(csrf)
		w("\">\n        <div class=\"usa-form-group")
		if msg != "" {
			w(" usa-form-group--error")
		}
		w("\">\n          <label class=\"usa-label\" for=\"note-")
		esc(c.ID)
		w("\">What should the consultant change or add?</label>\n          ")
		if msg != "" {
			w(`<span class="usa-error-message" id="note-`)
			esc(c.ID)
			w(`-error">`)
			esc(msg)
			w("</span>")
		}
		w("\n          <textarea class=\"usa-textarea\" id=\"note-")
		esc(c.ID)
		w(`" name="note" rows="3"`)
		if msg != "" {
			w(` aria-describedby="note-`)
			esc(c.ID)
			w(`-error" aria-invalid="true"`)
		}
		w(">")
		if mine {
			esc(f.Get("note"))
		}
		w("</textarea>\n        </div>\n        <button class=\"usa-button usa-button--outline\" type=\"submit\">Return<span class=\"usa-sr-only\"> ")
		esc(c.KindName)
		w("</span></button>\n      </form>\n    </details>\n    \n    \n  </div>\n  ")
		out[i].Tail = template.HTML(b.String()) //nolint:gosec // as above
	}
	return out
}
