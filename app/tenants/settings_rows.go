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

// languagesTemplate is what LanguagesHTML writes, as a template.
const languagesTemplate = `{{range $i, $c := .Languages}}<div class="grid-col-6 tablet:grid-col-4"><div class="usa-checkbox">` +
	`<input class="usa-checkbox__input" id="language-{{$i}}" type="checkbox" name="languages" value="{{$c.Value}}"{{if $c.Checked}} checked{{end}}>` +
	`<label class="usa-checkbox__label margin-top-1" for="language-{{$i}}">{{$c.Label}}</label></div></div>` + "\n{{end}}"

// CountiesHTML writes the state's counties as the settings form's checkboxes, as
// countiesTemplate would (TestCountiesHTMLIsTheTemplate): Texas's 254 counties were some
// fifteen hundred reflected template calls.
func (d SettingsData) CountiesHTML() template.HTML {
	return gridCheckboxesHTML("grid-col-6 tablet:grid-col-4 desktop:grid-col-3", "county-", "counties", d.Counties)
}

// LanguagesHTML writes the languages offered as the settings form's checkboxes, as
// languagesTemplate would (TestCountiesHTMLIsTheTemplate).
func (d SettingsData) LanguagesHTML() template.HTML {
	return gridCheckboxesHTML("grid-col-6 tablet:grid-col-4", "language-", "languages", d.Languages)
}

// gridCheckboxesHTML writes choices as checkboxes named name in grid cells of class col, the
// i-th with the id idPrefix+i.
func gridCheckboxesHTML(col, idPrefix, name string, choices []Choice) template.HTML {
	var b strings.Builder
	b.Grow(len(choices) * (250 + len(col) + 2*len(idPrefix) + len(name)))
	for i, c := range choices {
		id := idPrefix + strconv.Itoa(i)
		b.WriteString(`<div class="` + col + `"><div class="usa-checkbox"><input class="usa-checkbox__input" id="` + id +
			`" type="checkbox" name="` + name + `" value="`)
		web.EscapeHTML(&b, c.Value)
		b.WriteString(`"`)
		if c.Checked {
			b.WriteString(" checked")
		}
		b.WriteString(`><label class="usa-checkbox__label margin-top-1" for="` + id + `">`)
		web.EscapeHTML(&b, c.Label)
		b.WriteString("</label></div></div>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, as html/template does; the classes, ids and names are ours
}
