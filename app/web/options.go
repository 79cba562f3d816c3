package web

import (
	"html/template"
	"strconv"
	"strings"
)

// Option is one choice of a select: its value, what the person reads, and whether it is chosen.
type Option struct {
	Value, Label string
	Selected     bool
}

// StringOptions are the options of a select whose values are what the person reads (counties,
// languages), with selected chosen.
func StringOptions(values []string, selected string) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: v, Label: v, Selected: v == selected}
	}
	return out
}

// OptionsHTML writes the options exactly as the template
//
//	{{range .}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}
//
// would (TestOptionsHTMLIsTheTemplate): a select of a state's hundred counties or a tenant's
// consultants was hundreds of reflected template calls, most of its page's drawing time.
func OptionsHTML(opts []Option) template.HTML {
	n := 0
	for _, o := range opts {
		n += 30 + len(o.Value) + len(o.Label)
	}
	var b strings.Builder
	b.Grow(n)
	for _, o := range opts {
		b.WriteString(`<option value="`)
		EscapeHTML(&b, o.Value)
		b.WriteString(`"`)
		if o.Selected {
			b.WriteString(" selected")
		}
		b.WriteString(">")
		EscapeHTML(&b, o.Label)
		b.WriteString("</option>")
	}
	return template.HTML(b.String()) //nolint:gosec // every value and label escaped by EscapeHTML, as html/template does
}

// checkboxesTemplate is what CheckboxesHTML writes, as a template (.Name, .Options).
const checkboxesTemplate = `{{$name := .Name}}{{range $i, $c := .Options}}<div class="usa-checkbox">` +
	`<input class="usa-checkbox__input" id="{{$name}}-{{$i}}" type="checkbox" name="{{$name}}" value="{{$c.Value}}"{{if $c.Selected}} checked{{end}}>` +
	`<label class="usa-checkbox__label" for="{{$name}}-{{$i}}">{{$c.Label}}</label></div>` + "\n{{end}}"

// CheckboxesHTML writes a group of USWDS checkboxes named name, the i-th with the id name-i,
// the Selected ones checked, as checkboxesTemplate would (TestCheckboxesHTMLIsTheTemplate): a
// state's hundred counties as checkboxes were eight hundred reflected template calls.
func CheckboxesHTML(name string, opts []Option) template.HTML {
	var b strings.Builder
	b.Grow(len(opts) * (200 + 3*len(name)))
	for i, o := range opts {
		id := strconv.Itoa(i)
		b.WriteString(`<div class="usa-checkbox"><input class="usa-checkbox__input" id="`)
		EscapeHTML(&b, name)
		b.WriteString("-" + id + `" type="checkbox" name="`)
		EscapeHTML(&b, name)
		b.WriteString(`" value="`)
		EscapeHTML(&b, o.Value)
		b.WriteString(`"`)
		if o.Selected {
			b.WriteString(" checked")
		}
		b.WriteString(`><label class="usa-checkbox__label" for="`)
		EscapeHTML(&b, name)
		b.WriteString("-" + id + `">`)
		EscapeHTML(&b, o.Label)
		b.WriteString("</label></div>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by EscapeHTML, as html/template does
}
