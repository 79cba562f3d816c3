package tenants

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/web"
)

// countiesTemplate is what CountiesHTML writes, as a template.
const countiesTemplate = `{{range $i, $c := .Counties}}<div class="grid-col-6 tablet:grid-col-4 desktop:grid-col-3"><div class="usa-checkbox">` +
	`<input class="usa-checkbox__input" id="county-{{$i}}" type="checkbox" name="counties" value="{{$c.Value}}"{{if $c.Checked}} checked{{end}}>` +
	`<label class="usa-checkbox__label margin-top-1" for="county-{{$i}}">{{$c.Label}}</label></div></div>` + "\n{{end}}"

// CountiesHTML writes the state's counties as the settings form's checkboxes, as
// countiesTemplate would (TestCountiesHTMLIsTheTemplate): Texas's 254 counties were some
// fifteen hundred reflected template calls.
func (d SettingsData) CountiesHTML() template.HTML {
	var b strings.Builder
	b.Grow(len(d.Counties) * 330)
	for i, c := range d.Counties {
		id := strconv.Itoa(i)
		b.WriteString(`<div class="grid-col-6 tablet:grid-col-4 desktop:grid-col-3"><div class="usa-checkbox"><input class="usa-checkbox__input" id="county-`)
		b.WriteString(id)
		b.WriteString(`" type="checkbox" name="counties" value="`)
		web.EscapeHTML(&b, c.Value)
		b.WriteString(`"`)
		if c.Checked {
			b.WriteString(" checked")
		}
		b.WriteString(`><label class="usa-checkbox__label margin-top-1" for="county-`)
		b.WriteString(id)
		b.WriteString(`">`)
		web.EscapeHTML(&b, c.Label)
		b.WriteString("</label></div></div>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, as html/template does
}
