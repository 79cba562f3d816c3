package web

import (
	"html/template"
	"strings"
)

// menuTemplate is what MenuHTML writes, as a template (TestMenuHTMLIsTheTemplate holds the two
// to the same bytes).
const menuTemplate = `{{range .}}<li class="usa-nav__primary-item">` +
	`{{if .Items}}<button type="button" class="usa-accordion__button usa-nav__link{{if .Current}} usa-current{{end}}" aria-expanded="false" aria-controls="{{.ID}}"><span>{{.Label}}</span></button>` +
	`<ul id="{{.ID}}" class="usa-nav__submenu" hidden>` +
	`{{range .Items}}<li class="usa-nav__submenu-item"><a href="{{.Href}}"{{if .Current}} aria-current="page"{{end}}><span>{{.Label}}</span></a></li>{{end}}` +
	`</ul>` +
	`{{else}}<a class="usa-nav-link{{if .Current}} usa-current{{end}}" href="{{.Href}}"{{if .Current}} aria-current="page"{{end}}><span>{{.Label}}</span></a>{{end}}` +
	`</li>{{end}}`

var menuFallback = template.Must(template.New("menu").Parse(menuTemplate))

// MenuHTML writes the menu's entries (the list items of the primary navigation) as
// menuTemplate would. Every signed-in page draws the menu: as a template it was a few hundred
// reflected calls, more than a small page's own. A link whose address holds anything but the
// characters the app's own addresses are made of (which html/template would percent-encode) is
// left to the template itself, so the two never differ.
func MenuHTML(entries []MenuEntry) template.HTML {
	if !MenuPlain(entries) {
		return menuByTemplate(entries)
	}
	var b strings.Builder
	b.Grow(len(entries) * 160)
	current := func(cur bool, class string) {
		if cur {
			b.WriteString(class)
		}
	}
	for _, e := range entries {
		b.WriteString(`<li class="usa-nav__primary-item">`)
		if len(e.Items) > 0 {
			b.WriteString(`<button type="button" class="usa-accordion__button usa-nav__link`)
			current(e.Current, " usa-current")
			b.WriteString(`" aria-expanded="false" aria-controls="`)
			EscapeHTML(&b, e.ID)
			b.WriteString(`"><span>`)
			EscapeHTML(&b, e.Label)
			b.WriteString(`</span></button><ul id="`)
			EscapeHTML(&b, e.ID)
			b.WriteString(`" class="usa-nav__submenu" hidden>`)
			for _, it := range e.Items {
				b.WriteString(`<li class="usa-nav__submenu-item"><a href="`)
				EscapeHTML(&b, it.Href)
				b.WriteString(`"`)
				current(it.Current, ` aria-current="page"`)
				b.WriteString(`><span>`)
				EscapeHTML(&b, it.Label)
				b.WriteString(`</span></a></li>`)
			}
			b.WriteString(`</ul>`)
		} else {
			b.WriteString(`<a class="usa-nav-link`)
			current(e.Current, " usa-current")
			b.WriteString(`" href="`)
			EscapeHTML(&b, e.Href)
			b.WriteString(`"`)
			current(e.Current, ` aria-current="page"`)
			b.WriteString(`><span>`)
			EscapeHTML(&b, e.Label)
			b.WriteString(`</span></a>`)
		}
		b.WriteString(`</li>`)
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by EscapeHTML, as html/template does
}

// MenuPlain reports whether MenuHTML writes entries itself, not by its template: every link has
// a plainHref (a drop-down has no address of its own, only its links).
func MenuPlain(entries []MenuEntry) bool {
	for _, e := range entries {
		if len(e.Items) == 0 && !plainHref(e.Href) {
			return false
		}
		for _, it := range e.Items {
			if !plainHref(it.Href) {
				return false
			}
		}
	}
	return true
}

// plainHref reports whether html/template would write href as it is (but for & as &amp;): a
// local address of letters, digits and - _ . ~ / ? = &.
func plainHref(href string) bool {
	if !strings.HasPrefix(href, "/") {
		return false
	}
	for i := 0; i < len(href); i++ {
		c := href[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == '?' || c == '=' || c == '&':
		default:
			return false
		}
	}
	return true
}

func menuByTemplate(entries []MenuEntry) template.HTML {
	var b strings.Builder
	if err := menuFallback.Execute(&b, entries); err != nil {
		return ""
	}
	return template.HTML(b.String()) //nolint:gosec // written by html/template
}
