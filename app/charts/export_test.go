package charts

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
)

// figure is the html/template the package executed before HTML was written by hand (it took a
// fifth of the dashboard page's CPU, by reflection for every tick, bar and label). It stays
// here as the reference: the tests require HTML to write exactly what it writes.
var figure = template.Must(template.New("chart").Funcs(template.FuncMap{
	"n": func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
}).Parse(strings.TrimSpace(`
<figure class="hs-chart" id="{{.C.ID}}">
<svg class="hs-chart__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-labelledby="{{.C.ID}}-title {{.C.ID}}-desc" focusable="false">
<title id="{{.C.ID}}-title">{{.C.Title}}</title>
<desc id="{{.C.ID}}-desc">{{.C.Desc}}</desc>
{{range .Ticks}}<line class="hs-chart__grid" x1="{{n .X1}}" y1="{{n .Y1}}" x2="{{n .X2}}" y2="{{n .Y2}}"/>
<text class="hs-chart__tick" x="{{n .LX}}" y="{{n .LY}}" text-anchor="{{if eq $.C.Kind "target"}}middle{{else}}end{{end}}">{{.Label}}</text>
{{end}}<line class="hs-chart__axis" x1="{{n .Axis.X1}}" y1="{{n .Axis.Y1}}" x2="{{n .Axis.X2}}" y2="{{n .Axis.Y2}}"/>
{{range .Bars}}<rect class="{{.Class}}" x="{{n .X}}" y="{{n .Y}}" width="{{n .W}}" height="{{n .H}}"/>
{{if ne .Label "0"}}<text class="hs-chart__value" x="{{n .LX}}" y="{{n .LY}}" text-anchor="{{.LAnchor}}">{{.Label}}</text>
{{end}}{{end}}{{range .Targets}}<line class="hs-chart__target" x1="{{n .X1}}" y1="{{n .Y1}}" x2="{{n .X2}}" y2="{{n .Y2}}"/>
{{end}}{{range .Texts}}<text class="{{.Class}}" x="{{n .X}}" y="{{n .Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>
{{end}}{{range .LegendSwatch}}<rect class="{{.Class}}" x="{{n .X}}" y="{{n .Y}}" width="{{n .W}}" height="{{n .H}}"/>
{{end}}{{range .Legend}}<text class="{{.Class}}" x="{{n .X}}" y="{{n .Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>
{{end}}</svg>
<details class="hs-chart__numbers">
<summary>The numbers: {{.C.Title}}</summary>
<table class="usa-table usa-table--borderless usa-table--compact">
<caption>{{.C.Title}}</caption>
<thead><tr>{{range .Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td>{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</tbody>
</table>
</details>
</figure>`)))

// TemplateHTML is the chart as the old template drew it (the same layout, rendered by
// html/template), for the tests to compare HTML against.
func TemplateHTML(c Chart) (string, error) {
	var b bytes.Buffer
	if err := figure.Execute(&b, c.layout()); err != nil {
		return "", err
	}
	return b.String(), nil
}
