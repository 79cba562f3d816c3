// Package charts draws bar charts as server-rendered SVG that work without JavaScript and under
// the content security policy: no style attributes and no scripts — colours, fonts and sizes
// come from CSS classes in static/css/holdspace.css (hs-chart…), the geometry from SVG
// presentation attributes (x, y, width, height). Each chart is a <figure> with the SVG (role
// img, labelled by its <title> and <desc>) and its numbers as a real table a screen reader
// reaches (in a <details> below the picture). Every text is escaped by html/template.
//
// Three shapes, for what dashboards show:
//   - Bars: one series, vertical bars by category (engagements by stage);
//   - Bars with two or more series: grouped bars (this year against last, sessions and hours);
//   - Target: horizontal bars, each against its own target line (hours against target).
//
// The package knows nothing of the domain: a chart is categories, series and numbers.
package charts

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Kinds of chart.
const (
	KindBars   = "bars"   // vertical bars by category, one bar per series in each category
	KindTarget = "target" // horizontal bars, each against its target
)

// Series is one set of values, one per category. Text is what each value reads (a number, or
// "fewer than 10" for a suppressed count): empty means the number itself. Targets are only for
// KindTarget, one per category.
type Series struct {
	Name    string
	Values  []float64
	Text    []string
	Targets []float64
	// TableOnly series are columns of the table without bars (a count beside a mean, whose
	// scale is not the bars').
	TableOnly bool
}

// Chart is one chart and its table.
type Chart struct {
	ID         string   // unique on the page; the ids of its title and description start with it
	Kind       string   // KindBars (default) or KindTarget
	Title      string   // the chart's title (also the table's caption)
	Desc       string   // one or two sentences that say what it shows (and its main message)
	Categories []string // the category labels under the bars (short)
	// Long labels of the categories for the table ("Jul 2025" where the axis reads "Jul");
	// empty: the same as Categories.
	CategoryNames []string
	CategoryHead  string // the table's first column heading ("Month")
	Unit          string // the value axis label ("Sessions", "Hours")
	TargetName    string // the target column's heading (KindTarget)
	Series        []Series
}

// Geometry of the drawing, in SVG user units (the viewBox; CSS scales it to the width).
const (
	width      = 560
	barsHeight = 260
	padTop     = 28
	padBottom  = 40
	padLeft    = 56
	padRight   = 12
	rowHeight  = 30
	labelWidth = 150
)

// Rect is one drawn bar.
type Rect struct {
	X, Y, W, H float64
	Class      string
	Label      string // the value it reads, drawn at its end
	LX, LY     float64
	LAnchor    string
}

// Tick is one line of the value axis.
type Tick struct {
	X1, Y1, X2, Y2 float64
	Label          string
	LX, LY         float64
}

// Text is a label.
type Text struct {
	X, Y   float64
	Anchor string
	Class  string
	Text   string
}

// Line is a target marker.
type Line struct{ X1, Y1, X2, Y2 float64 }

// drawing is what the template draws.
type drawing struct {
	C            Chart
	W, H         int
	Bars         []Rect
	Ticks        []Tick
	Texts        []Text
	Targets      []Line
	Axis         Line
	Legend       []Text
	LegendSwatch []Rect
	Head         []string
	Rows         [][]string
}

// Max is the largest value (and target) of the chart.
func (c Chart) Max() float64 {
	m := 0.0
	for _, s := range c.drawn() {
		for _, v := range s.Values {
			m = math.Max(m, v)
		}
		for _, v := range s.Targets {
			m = math.Max(m, v)
		}
	}
	return m
}

// drawn are the series drawn as bars.
func (c Chart) drawn() []Series {
	var out []Series
	for _, s := range c.Series {
		if !s.TableOnly {
			out = append(out, s)
		}
	}
	return out
}

// Min is the smallest value of the chart (0 when none is negative).
func (c Chart) Min() float64 {
	m := 0.0
	for _, s := range c.drawn() {
		for _, v := range s.Values {
			m = math.Min(m, v)
		}
	}
	return m
}

// niceMax is the top of the value axis for values up to m: four steps of 1, 2, 2.5 or 5
// times a power of ten, so the axis reads in round numbers. When every value is whole (counts)
// a step is whole too: an axis of sessions never reads 0.25.
func niceMax(m float64, whole bool) float64 {
	if m <= 0 {
		m = 1
	}
	raw := m / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		step := f * p
		if whole && (step < 1 || step != math.Trunc(step)) {
			continue
		}
		if step >= raw {
			return 4 * step
		}
	}
	return 40 * p
}

// whole reports whether every value drawn is a whole number.
func (c Chart) whole() bool {
	for _, s := range c.drawn() {
		for _, v := range s.Values {
			if v != math.Trunc(v) {
				return false
			}
		}
		for _, v := range s.Targets {
			if v != math.Trunc(v) {
				return false
			}
		}
	}
	return true
}

// Number writes a value the way a table reads it: whole numbers without decimals, others with
// one.
func Number(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func (s Series) text(i int) string {
	if i < len(s.Text) && s.Text[i] != "" {
		return s.Text[i]
	}
	if i < len(s.Values) {
		return Number(s.Values[i])
	}
	return ""
}

func (s Series) value(i int) float64 {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return 0
}

// seriesClass is the class of the n-th series' bars (colours in the stylesheet).
func seriesClass(n int) string { return "hs-chart__bar hs-chart__bar--s" + strconv.Itoa(n%4) }

func (c Chart) layout() drawing {
	d := drawing{C: c, W: width}
	top := niceMax(c.Max(), c.whole())
	if c.Kind == KindTarget {
		d.layoutTarget(top)
	} else {
		d.layoutBars(top)
	}
	d.table()
	return d
}

func (d *drawing) layoutBars(top float64) {
	c := d.C
	d.H = barsHeight
	plotH := float64(barsHeight - padTop - padBottom)
	plotW := float64(width - padLeft - padRight)
	// A negative value (a change for the worse) hangs below the zero line.
	low := 0.0
	if m := c.Min(); m < 0 {
		low = -niceMax(-m, c.whole())
		if c.Max() <= 0 {
			top = 0
		}
	}
	span := top - low
	base := padTop + plotH*top/span
	for i := 0; i <= 4; i++ {
		v := low + span*float64(i)/4
		y := padTop + plotH - plotH*float64(i)/4
		d.Ticks = append(d.Ticks, Tick{X1: padLeft, Y1: y, X2: width - padRight, Y2: y, Label: Number(v), LX: padLeft - 6, LY: y + 4})
	}
	d.Axis = Line{X1: padLeft, Y1: base, X2: width - padRight, Y2: base} // the zero line
	n := max(len(c.Categories), 1)
	band := plotW / float64(n)
	drawn := c.drawn()
	k := max(len(drawn), 1)
	barW := band * 0.8 / float64(k)
	for i, cat := range c.Categories {
		x0 := padLeft + band*float64(i) + band*0.1
		for j, s := range drawn {
			h := s.value(i) / span * plotH
			x := x0 + barW*float64(j)
			r := Rect{X: x, Y: base - h, W: barW, H: h, Class: seriesClass(j),
				Label: s.text(i), LX: x + barW/2, LY: base - h - 4, LAnchor: "middle"}
			if h < 0 {
				r.Y, r.H, r.LY = base, -h, base-h+14
			}
			d.Bars = append(d.Bars, r)
		}
		d.Texts = append(d.Texts, Text{X: padLeft + band*float64(i) + band/2, Y: padTop + plotH + 16, Anchor: "middle", Class: "hs-chart__label", Text: cat})
	}
	if c.Unit != "" {
		d.Texts = append(d.Texts, Text{X: 4, Y: 14, Anchor: "start", Class: "hs-chart__unit", Text: c.Unit})
	}
	if len(drawn) > 1 {
		d.legend(barsHeight - 8)
	}
}

func (d *drawing) layoutTarget(top float64) {
	c := d.C
	rows := max(len(c.Categories), 1)
	d.H = padTop + rows*rowHeight + padBottom
	x0 := float64(labelWidth)
	plotW := float64(width-padRight) - x0 - 40 // room for the value at a full bar's end
	bottom := float64(padTop + rows*rowHeight)
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		x := x0 + plotW*float64(i)/4
		d.Ticks = append(d.Ticks, Tick{X1: x, Y1: padTop, X2: x, Y2: bottom, Label: Number(v), LX: x, LY: bottom + 16})
	}
	d.Axis = Line{X1: x0, Y1: padTop, X2: x0, Y2: bottom}
	for i, cat := range c.Categories {
		y := float64(padTop + i*rowHeight)
		for j, s := range c.Series {
			w := s.value(i) / top * plotW
			barH := float64(rowHeight-10) / float64(len(c.Series))
			by := y + 5 + barH*float64(j)
			d.Bars = append(d.Bars, Rect{X: x0, Y: by, W: w, H: barH, Class: seriesClass(j),
				Label: s.text(i), LX: x0 + w + 4, LY: by + barH/2 + 4, LAnchor: "start"})
			if i < len(s.Targets) {
				tx := x0 + s.Targets[i]/top*plotW
				d.Targets = append(d.Targets, Line{X1: tx, Y1: y + 2, X2: tx, Y2: y + rowHeight - 2})
			}
		}
		d.Texts = append(d.Texts, Text{X: x0 - 8, Y: y + rowHeight/2 + 4, Anchor: "end", Class: "hs-chart__label", Text: cat})
	}
	if c.Unit != "" {
		d.Texts = append(d.Texts, Text{X: x0 + plotW/2, Y: float64(d.H) - 4, Anchor: "middle", Class: "hs-chart__unit", Text: c.Unit})
	}
	if c.TargetName != "" {
		d.Legend = append(d.Legend, Text{X: x0 + 14, Y: 16, Anchor: "start", Class: "hs-chart__legend", Text: c.TargetName})
		d.Targets = append(d.Targets, Line{X1: x0 + 4, Y1: 6, X2: x0 + 4, Y2: 20})
	}
}

// legend names the series beside a swatch of their colour.
func (d *drawing) legend(y float64) {
	x := float64(padLeft)
	for j, s := range d.C.drawn() {
		d.LegendSwatch = append(d.LegendSwatch, Rect{X: x, Y: y - 10, W: 12, H: 12, Class: seriesClass(j)})
		d.Legend = append(d.Legend, Text{X: x + 16, Y: y, Anchor: "start", Class: "hs-chart__legend", Text: s.Name})
		x += 24 + 8*float64(len([]rune(s.Name)))
	}
}

// table is the chart's numbers: a row per category, a column per series (and its target).
func (d *drawing) table() {
	c := d.C
	head := c.CategoryHead
	if head == "" {
		head = "Category"
	}
	d.Head = []string{head}
	for _, s := range c.Series {
		d.Head = append(d.Head, s.Name)
		if c.Kind == KindTarget && len(s.Targets) > 0 {
			name := c.TargetName
			if name == "" {
				name = "Target"
			}
			d.Head = append(d.Head, name)
		}
	}
	for i, cat := range c.Categories {
		if i < len(c.CategoryNames) && c.CategoryNames[i] != "" {
			cat = c.CategoryNames[i]
		}
		row := []string{cat}
		for _, s := range c.Series {
			row = append(row, s.text(i))
			if c.Kind == KindTarget && len(s.Targets) > 0 {
				t := ""
				if i < len(s.Targets) {
					t = Number(s.Targets[i])
				}
				row = append(row, t)
			}
		}
		d.Rows = append(d.Rows, row)
	}
}

// A zero value has no label over its (empty) bar: the table reads it, and a page of charts
// stays light for the browser and for screen readers.
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

// HTML is the chart as a figure: the SVG and its table.
func (c Chart) HTML() (template.HTML, error) {
	if c.ID == "" {
		return "", fmt.Errorf("charts: a chart needs an id")
	}
	var b bytes.Buffer
	if err := figure.Execute(&b, c.layout()); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil //nolint:gosec // built by html/template, every text escaped
}

// Empty reports whether every value is zero (a dashboard then says so in words instead).
func (c Chart) Empty() bool { return c.Max() == 0 && c.Min() == 0 }
