package amendments

import (
	"html/template"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// The proposal form's line rows are written in Go: as a template each row was some forty
// reflected calls, a dozen of them $f.Get and $f.Error on the form (issue 14). Each row's
// values and errors are read once in Go (rows), and the writers are held byte for byte to the
// templates they replace (TestExistingRowsHTMLIsTheTemplate, TestAddedRowsHTMLIsTheTemplate).

// existingRowsTemplate is what existingRowsHTML writes, as a template: one row per line of the
// funding's budget.
const existingRowsTemplate = `{{range $r := .}}<div class="grid-row grid-gap-2 margin-top-2">
<input type="hidden" name="{{$r.IDField}}" value="{{$r.BudgetLineID}}">
<input type="hidden" name="{{$r.CategoryField}}" value="{{$r.Category}}">
<div class="grid-col-12 tablet:grid-col-5 usa-form-group margin-top-0{{if $r.ProposedError}} usa-form-group--error{{end}}">
<label class="usa-label margin-top-0" for="{{$r.ProposedField}}">{{$r.Category}}: proposed amount</label>
<span class="usa-hint" id="{{$r.ProposedField}}-hint">Now {{$r.Current}}</span>
{{with $r.ProposedError}}<span class="usa-error-message" id="{{$r.ProposedField}}-error">{{.}}</span>{{end}}
<div class="usa-input-group{{if $r.ProposedError}} usa-input--error{{end}}">
<div class="usa-input-prefix" aria-hidden="true">$</div>
<input class="usa-input" id="{{$r.ProposedField}}" name="{{$r.ProposedField}}" type="text" inputmode="decimal" value="{{$r.Proposed}}" aria-describedby="{{$r.ProposedField}}-hint{{if $r.ProposedError}} {{$r.ProposedField}}-error{{end}}"{{if $r.ProposedError}} aria-invalid="true"{{end}}>
</div>
</div>
<div class="grid-col-12 tablet:grid-col-7 usa-form-group margin-top-0{{if $r.ReasonError}} usa-form-group--error{{end}}">
<label class="usa-label margin-top-0" for="{{$r.ReasonField}}">{{$r.Category}}: why it changes</label>
{{with $r.ReasonError}}<span class="usa-error-message" id="{{$r.ReasonField}}-error">{{.}}</span>{{end}}
<input class="usa-input" id="{{$r.ReasonField}}" name="{{$r.ReasonField}}" type="text" maxlength="500" value="{{$r.Reason}}"{{if $r.ReasonError}} aria-describedby="{{$r.ReasonField}}-error" aria-invalid="true"{{end}}>
</div>
</div>
{{end}}`

// existingRowsHTML writes the rows of the funding's lines as existingRowsTemplate would.
func existingRowsHTML(rows []Row) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 2000)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	for i := range rows {
		r := &rows[i]
		b.WriteString(`<div class="grid-row grid-gap-2 margin-top-2">` + "\n" + `<input type="hidden" name="`)
		esc(r.IDField)
		b.WriteString(`" value="`)
		esc(r.BudgetLineID)
		b.WriteString(`">` + "\n" + `<input type="hidden" name="`)
		esc(r.CategoryField)
		b.WriteString(`" value="`)
		esc(r.Category)
		b.WriteString(`">` + "\n")
		fieldStart(&b, "5", r.ProposedField, r.ProposedError)
		esc(r.Category)
		b.WriteString(`: proposed amount</label>` + "\n" + `<span class="usa-hint" id="`)
		esc(r.ProposedField)
		b.WriteString(`-hint">Now `)
		esc(r.Current.String())
		b.WriteString("</span>\n")
		amountInput(&b, r, true)
		fieldStart(&b, "7", r.ReasonField, r.ReasonError)
		esc(r.Category)
		b.WriteString(": why it changes</label>\n")
		reasonInput(&b, r)
		b.WriteString("</div>\n</div>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, as html/template does
}

// The pieces both writers share, each as its template writes it (the tests hold the writers,
// and so these, to the templates).

// fieldStart opens a row's form group of width col (of 12) and its label for field, up to the
// label's text: the group marked in error when msg is not "".
func fieldStart(b *strings.Builder, col, field, msg string) {
	b.WriteString(`<div class="grid-col-12 tablet:grid-col-` + col + ` usa-form-group margin-top-0`)
	if msg != "" {
		b.WriteString(" usa-form-group--error")
	}
	b.WriteString(`">` + "\n" + `<label class="usa-label margin-top-0" for="`)
	web.EscapeHTML(b, field)
	b.WriteString(`">`)
}

// errorSpan writes field's error message msg, nothing when msg is "":
//
//	{{with msg}}<span class="usa-error-message" id="{{field}}-error">{{.}}</span>{{end}}
func errorSpan(b *strings.Builder, field, msg string) {
	if msg == "" {
		return
	}
	b.WriteString(`<span class="usa-error-message" id="`)
	web.EscapeHTML(b, field)
	b.WriteString(`-error">`)
	web.EscapeHTML(b, msg)
	b.WriteString(`</span>`)
}

// invalidAttrs writes a field's attributes naming its error msg, nothing when msg is "".
func invalidAttrs(b *strings.Builder, field, msg string) {
	if msg == "" {
		return
	}
	b.WriteString(` aria-describedby="`)
	web.EscapeHTML(b, field)
	b.WriteString(`-error" aria-invalid="true"`)
}

// amountInput writes a row's amount after its label (and hint): its error, then its input,
// described by its hint too when hint, and closes its form group.
func amountInput(b *strings.Builder, r *Row, hint bool) {
	esc := func(s string) { web.EscapeHTML(b, s) }
	errorSpan(b, r.ProposedField, r.ProposedError)
	b.WriteString("\n" + `<div class="usa-input-group`)
	if r.ProposedError != "" {
		b.WriteString(" usa-input--error")
	}
	b.WriteString(`">` + "\n" + `<div class="usa-input-prefix" aria-hidden="true">$</div>` + "\n" + `<input class="usa-input" id="`)
	esc(r.ProposedField)
	b.WriteString(`" name="`)
	esc(r.ProposedField)
	b.WriteString(`" type="text" inputmode="decimal" value="`)
	esc(r.Proposed)
	b.WriteString(`"`)
	if !hint {
		invalidAttrs(b, r.ProposedField, r.ProposedError)
	} else {
		b.WriteString(` aria-describedby="`)
		esc(r.ProposedField)
		b.WriteString(`-hint`)
		if r.ProposedError != "" {
			b.WriteString(" ")
			esc(r.ProposedField)
			b.WriteString("-error")
		}
		b.WriteString(`"`)
		if r.ProposedError != "" {
			b.WriteString(` aria-invalid="true"`)
		}
	}
	b.WriteString(">\n</div>\n</div>\n")
}

// reasonInput writes a row's "why" field after its label: its error, then its input.
func reasonInput(b *strings.Builder, r *Row) {
	esc := func(s string) { web.EscapeHTML(b, s) }
	errorSpan(b, r.ReasonField, r.ReasonError)
	b.WriteString("\n" + `<input class="usa-input" id="`)
	esc(r.ReasonField)
	b.WriteString(`" name="`)
	esc(r.ReasonField)
	b.WriteString(`" type="text" maxlength="500" value="`)
	esc(r.Reason)
	b.WriteString(`"`)
	invalidAttrs(b, r.ReasonField, r.ReasonError)
	b.WriteString(">\n")
}

// addedRowsTemplate is what addedRowsHTML writes, as a template: one row per new line, typed
// or blank.
const addedRowsTemplate = `{{range $r := .}}<div class="grid-row grid-gap-2 margin-top-2">
<input type="hidden" name="{{$r.IDField}}" value="">
<div class="grid-col-12 tablet:grid-col-4 usa-form-group margin-top-0{{if $r.CategoryError}} usa-form-group--error{{end}}">
<label class="usa-label margin-top-0" for="{{$r.CategoryField}}">New line: category</label>
{{with $r.CategoryError}}<span class="usa-error-message" id="{{$r.CategoryField}}-error">{{.}}</span>{{end}}
<select class="usa-select" id="{{$r.CategoryField}}" name="{{$r.CategoryField}}"{{if $r.CategoryError}} aria-describedby="{{$r.CategoryField}}-error" aria-invalid="true"{{end}}>
<option value="">- Category -</option>{{$r.CategoryOptions}}
</select>
</div>
<div class="grid-col-12 tablet:grid-col-3 usa-form-group margin-top-0{{if $r.ProposedError}} usa-form-group--error{{end}}">
<label class="usa-label margin-top-0" for="{{$r.ProposedField}}">New line: amount</label>
{{with $r.ProposedError}}<span class="usa-error-message" id="{{$r.ProposedField}}-error">{{.}}</span>{{end}}
<div class="usa-input-group{{if $r.ProposedError}} usa-input--error{{end}}">
<div class="usa-input-prefix" aria-hidden="true">$</div>
<input class="usa-input" id="{{$r.ProposedField}}" name="{{$r.ProposedField}}" type="text" inputmode="decimal" value="{{$r.Proposed}}"{{if $r.ProposedError}} aria-describedby="{{$r.ProposedField}}-error" aria-invalid="true"{{end}}>
</div>
</div>
<div class="grid-col-12 tablet:grid-col-5 usa-form-group margin-top-0{{if $r.ReasonError}} usa-form-group--error{{end}}">
<label class="usa-label margin-top-0" for="{{$r.ReasonField}}">New line: why</label>
{{with $r.ReasonError}}<span class="usa-error-message" id="{{$r.ReasonField}}-error">{{.}}</span>{{end}}
<input class="usa-input" id="{{$r.ReasonField}}" name="{{$r.ReasonField}}" type="text" maxlength="500" value="{{$r.Reason}}"{{if $r.ReasonError}} aria-describedby="{{$r.ReasonField}}-error" aria-invalid="true"{{end}}>
</div>
</div>
{{end}}`

// addedRowsHTML writes the rows of new lines as addedRowsTemplate would.
func addedRowsHTML(rows []Row) template.HTML {
	var b strings.Builder
	n := 0
	for i := range rows {
		n += 2200 + len(rows[i].CategoryOptions)
	}
	b.Grow(n)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	for i := range rows {
		r := &rows[i]
		b.WriteString(`<div class="grid-row grid-gap-2 margin-top-2">` + "\n" + `<input type="hidden" name="`)
		esc(r.IDField)
		b.WriteString(`" value="">` + "\n")
		fieldStart(&b, "4", r.CategoryField, r.CategoryError)
		b.WriteString(`New line: category</label>` + "\n")
		errorSpan(&b, r.CategoryField, r.CategoryError)
		b.WriteString("\n" + `<select class="usa-select" id="`)
		esc(r.CategoryField)
		b.WriteString(`" name="`)
		esc(r.CategoryField)
		b.WriteString(`"`)
		invalidAttrs(&b, r.CategoryField, r.CategoryError)
		b.WriteString(">\n" + `<option value="">- Category -</option>`)
		b.WriteString(string(r.CategoryOptions))
		b.WriteString("\n</select>\n</div>\n")
		fieldStart(&b, "3", r.ProposedField, r.ProposedError)
		b.WriteString(`New line: amount</label>` + "\n")
		amountInput(&b, r, false)
		fieldStart(&b, "5", r.ReasonField, r.ReasonError)
		b.WriteString(`New line: why</label>` + "\n")
		reasonInput(&b, r)
		b.WriteString("</div>\n</div>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, the options written by web.OptionsHTML
}

// categoryOptions are a new line's category options: the categories offered, chosen
// selected, and chosen itself at the end when it is not one of them.
func categoryOptions(categories []string, chosen string) template.HTML {
	opts := web.StringOptions(categories, chosen)
	if chosen != "" {
		found := false
		for _, c := range categories {
			found = found || c == chosen
		}
		if !found {
			opts = append(opts, web.Option{Value: chosen, Label: chosen, Selected: true})
		}
	}
	return web.OptionsHTML(opts)
}
