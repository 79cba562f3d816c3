package web

import (
	"html/template"
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
