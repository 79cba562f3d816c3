package consultation

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// The session form's repeated rows (follow-ups, referrals, resources shared) are written in
// Go: as templates each row was some twenty-five reflected calls (a field, then its escaper,
// per attribute), most of the edit form's drawing. Each writer is held byte for byte to the
// template it replaces (TestWorkRowsHTMLIsTheTemplate).

const (
	followUpRowsTemplate = `{{range $fu := .}}<div class="usa-form-group{{if .Error}} usa-form-group--error{{end}}">` +
		`{{with .Error}}<span class="usa-error-message" id="followup_{{$fu.N}}-error">{{.}}</span>{{end}}` +
		`{{with .ID}}<input type="hidden" name="followup_id_{{$fu.N}}" value="{{.}}">{{end}}` +
		`<div class="grid-row grid-gap-2"><div class="grid-col-12 tablet:grid-col-8">` +
		`<label class="usa-label" for="followup_desc_{{.N}}">Follow-up {{.Ordinal}}</label>` +
		`<input class="usa-input" id="followup_desc_{{.N}}" name="followup_desc_{{.N}}" type="text" maxlength="500" value="{{.A}}"{{if .Error}} aria-describedby="followup_{{.N}}-error" aria-invalid="true"{{end}}>` +
		`</div><div class="grid-col-12 tablet:grid-col-4">` +
		`<label class="usa-label" for="followup_due_{{.N}}">Due on</label>` +
		`<input class="usa-input" id="followup_due_{{.N}}" name="followup_due_{{.N}}" type="date" value="{{.B}}"{{if .Error}} aria-describedby="followup_{{.N}}-error" aria-invalid="true"{{end}}>` +
		"</div></div></div>\n{{end}}"

	referralRowsTemplate = `{{range $r := .}}<div class="usa-form-group{{if .Error}} usa-form-group--error{{end}}">` +
		`{{with .Error}}<span class="usa-error-message" id="referral_{{$r.N}}-error">{{.}}</span>{{end}}` +
		`<div class="grid-row grid-gap-2"><div class="grid-col-12 tablet:grid-col-5">` +
		`<label class="usa-label" for="referral_kind_{{.N}}">Referral {{.Ordinal}}: to</label>` +
		`<select class="usa-select" id="referral_kind_{{.N}}" name="referral_kind_{{.N}}"{{if .Error}} aria-describedby="referral_{{.N}}-error" aria-invalid="true"{{end}}>` +
		`<option value="">- None -</option>{{options .Options}}</select>` +
		`</div><div class="grid-col-12 tablet:grid-col-7">` +
		`<label class="usa-label" for="referral_note_{{.N}}">Note</label>` +
		`<input class="usa-input" id="referral_note_{{.N}}" name="referral_note_{{.N}}" type="text" maxlength="500" value="{{.B}}"{{if .Error}} aria-describedby="referral_{{.N}}-error" aria-invalid="true"{{end}}>` +
		"</div></div></div>\n{{end}}"

	sharedRowsTemplate = `{{range $r := .}}<div class="usa-form-group{{if .Error}} usa-form-group--error{{end}}">` +
		`{{with .Error}}<span class="usa-error-message" id="resource_{{$r.N}}-error">{{.}}</span>{{end}}` +
		`<div class="grid-row grid-gap-2"><div class="grid-col-12 tablet:grid-col-8">` +
		`<label class="usa-label" for="resource_id_{{.N}}">Resource {{.Ordinal}}</label>` +
		`<select class="usa-select" id="resource_id_{{.N}}" name="resource_id_{{.N}}"{{if .Error}} aria-describedby="resource_{{.N}}-error" aria-invalid="true"{{end}}>` +
		`<option value="">- None -</option>{{options .Options}}</select>` +
		`</div><div class="grid-col-12 tablet:grid-col-4">` +
		`<label class="usa-label" for="resource_with_{{.N}}">Shared with</label>` +
		`<select class="usa-select" id="resource_with_{{.N}}" name="resource_with_{{.N}}"{{if .Error}} aria-describedby="resource_{{.N}}-error" aria-invalid="true"{{end}}>` +
		`{{options .WithOptions}}</select>` +
		"</div></div></div>\n{{end}}"
)

// rowWriter writes the repeated rows of one kind: prefix names a row's error ("followup"
// makes followup_3-error).
type rowWriter struct {
	b      strings.Builder
	prefix string
}

// start opens row r's form group with its error message, if any.
func (w *rowWriter) start(r *FormRow) {
	w.b.WriteString(`<div class="usa-form-group`)
	if r.Error != "" {
		w.b.WriteString(` usa-form-group--error`)
	}
	w.b.WriteString(`">`)
	if r.Error != "" {
		w.b.WriteString(`<span class="usa-error-message" id="` + w.prefix + "_" + strconv.Itoa(r.N) + `-error">`)
		web.EscapeHTML(&w.b, r.Error)
		w.b.WriteString(`</span>`)
	}
}

// idName writes a field's id and name, field_N.
func (w *rowWriter) idName(field string, r *FormRow) {
	n := strconv.Itoa(r.N)
	w.b.WriteString(` id="` + field + "_" + n + `" name="` + field + "_" + n + `"`)
}

// invalid ties a field to r's error, if any.
func (w *rowWriter) invalid(r *FormRow) {
	if r.Error != "" {
		w.b.WriteString(` aria-describedby="` + w.prefix + "_" + strconv.Itoa(r.N) + `-error" aria-invalid="true"`)
	}
}

// label writes a label for field_N reading text.
func (w *rowWriter) label(field string, r *FormRow, text string) {
	w.b.WriteString(`<label class="usa-label" for="` + field + "_" + strconv.Itoa(r.N) + `">` + text + `</label>`)
}

// value writes a quoted value attribute.
func (w *rowWriter) value(v string) {
	w.b.WriteString(` value="`)
	web.EscapeHTML(&w.b, v)
	w.b.WriteString(`"`)
}

// input writes a text or date input named field_N holding value, tied to r's error; attrs
// come between its name and its value.
func (w *rowWriter) input(field string, r *FormRow, attrs, value string) {
	w.b.WriteString(`<input class="usa-input"`)
	w.idName(field, r)
	w.b.WriteString(attrs)
	w.value(value)
	w.invalid(r)
	w.b.WriteString(`>`)
}

// choose writes a select named field_N tied to r's error, with a "- None -" option first when
// none, then opts.
func (w *rowWriter) choose(field string, r *FormRow, none bool, opts []web.Option) {
	w.b.WriteString(`<select class="usa-select"`)
	w.idName(field, r)
	w.invalid(r)
	w.b.WriteString(`>`)
	if none {
		w.b.WriteString(`<option value="">- None -</option>`)
	}
	w.b.WriteString(string(web.OptionsHTML(opts)))
	w.b.WriteString(`</select>`)
}

func (w *rowWriter) html() template.HTML {
	return template.HTML(w.b.String()) //nolint:gosec // every text and value escaped by web.EscapeHTML, the options by web.OptionsHTML; ids are ours
}

// followUpRowsHTML writes the follow-up rows as followUpRowsTemplate would.
func followUpRowsHTML(rows []FormRow) template.HTML {
	w := &rowWriter{prefix: "followup"}
	w.b.Grow(len(rows) * 900)
	for i := range rows {
		r := &rows[i]
		w.start(r)
		if r.ID != "" {
			w.b.WriteString(`<input type="hidden" name="followup_id_` + strconv.Itoa(r.N) + `"`)
			w.value(r.ID)
			w.b.WriteString(`>`)
		}
		w.b.WriteString(`<div class="grid-row grid-gap-2"><div class="grid-col-12 tablet:grid-col-8">`)
		w.label("followup_desc", r, "Follow-up "+strconv.Itoa(r.Ordinal()))
		w.input("followup_desc", r, ` type="text" maxlength="500"`, r.A)
		w.b.WriteString(`</div><div class="grid-col-12 tablet:grid-col-4">`)
		w.label("followup_due", r, "Due on")
		w.input("followup_due", r, ` type="date"`, r.B)
		w.b.WriteString("</div></div></div>\n")
	}
	return w.html()
}

// referralRowsHTML writes the referral rows as referralRowsTemplate would.
func referralRowsHTML(rows []FormRow) template.HTML {
	w := &rowWriter{prefix: "referral"}
	w.b.Grow(len(rows) * 1500)
	for i := range rows {
		r := &rows[i]
		w.start(r)
		w.b.WriteString(`<div class="grid-row grid-gap-2"><div class="grid-col-12 tablet:grid-col-5">`)
		w.label("referral_kind", r, "Referral "+strconv.Itoa(r.Ordinal())+": to")
		w.choose("referral_kind", r, true, r.Options)
		w.b.WriteString(`</div><div class="grid-col-12 tablet:grid-col-7">`)
		w.label("referral_note", r, "Note")
		w.input("referral_note", r, ` type="text" maxlength="500"`, r.B)
		w.b.WriteString("</div></div></div>\n")
	}
	return w.html()
}

// sharedRowsHTML writes the rows of resources shared as sharedRowsTemplate would.
func sharedRowsHTML(rows []FormRow) template.HTML {
	w := &rowWriter{prefix: "resource"}
	w.b.Grow(len(rows) * 1500)
	for i := range rows {
		r := &rows[i]
		w.start(r)
		w.b.WriteString(`<div class="grid-row grid-gap-2"><div class="grid-col-12 tablet:grid-col-8">`)
		w.label("resource_id", r, "Resource "+strconv.Itoa(r.Ordinal()))
		w.choose("resource_id", r, true, r.Options)
		w.b.WriteString(`</div><div class="grid-col-12 tablet:grid-col-4">`)
		w.label("resource_with", r, "Shared with")
		w.choose("resource_with", r, false, r.WithOptions)
		w.b.WriteString("</div></div></div>\n")
	}
	return w.html()
}
