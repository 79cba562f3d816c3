// Package charts draws bar charts as server-rendered SVG that work without JavaScript and under
// the content security policy: no style attributes and no scripts — colours, fonts and sizes
// come from CSS classes in static/css/holdspace.css (hs-chart…), the geometry from SVG
// presentation attributes (x, y, width, height). Each chart is a <figure> with the SVG (role
// img, labelled by its <title> and <desc>) and its numbers as a real table a screen reader
// reaches (in a <details> below the picture). Every text is escaped as html/template escapes it
// (the HTML is written by hand, for speed; a test holds it to the template it replaced).
//
// Three shapes, for what dashboards show:
//   - Bars: one series, vertical bars by category (engagements by stage);
//   - Bars with two or more series: grouped bars (this year against last, sessions and hours);
//   - Target: horizontal bars, each against its own target line (hours against target).
//
// The package knows nothing of the domain: a chart is categories, series and numbers.
package charts

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/holdspace/holdspace/app/web"
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

// drawing is what HTML writes: the layout of a chart, positions computed.
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

// HTML is the chart as a figure: the SVG and its table.
//
// It is written by hand, not by html/template: executing a template reached every tick, bar
// and label by reflection and took a fifth of the dashboard page's CPU. Every text is escaped
// exactly as html/template escapes a string in these contexts (element text, <title>'s RCDATA
// and quoted attributes all use its one HTML table), and the tests hold the output byte for
// byte to the template the package used to execute.
func (c Chart) HTML() (template.HTML, error) {
	if c.ID == "" {
		return "", fmt.Errorf("charts: a chart needs an id")
	}
	d := c.layout()
	w := writer{}
	w.b.Grow(d.size())
	d.write(&w)
	return template.HTML(w.b.String()), nil //nolint:gosec // every text escaped by escape, as html/template does
}

// size is about the length of the chart's HTML, so that it is written in one allocation.
func (d *drawing) size() int {
	c := d.C
	n := 900 + 5*len(c.ID) + 3*len(c.Title) + len(c.Desc) +
		170*len(d.Ticks) + 190*len(d.Bars) + 80*len(d.Targets) + 100*(len(d.Texts)+len(d.Legend)+len(d.LegendSwatch))
	for _, t := range d.Texts {
		n += len(t.Text)
	}
	for _, t := range d.Legend {
		n += len(t.Text)
	}
	for _, h := range d.Head {
		n += 20 + len(h)
	}
	for _, r := range d.Rows {
		n += 30
		for _, cell := range r {
			n += 10 + len(cell)
		}
	}
	return n
}

// write writes the figure, in the order and the bytes of the template it replaced. A zero
// value has no label over its (empty) bar: the table reads it, and a page of charts stays
// light for the browser and for screen readers.
func (d *drawing) write(w *writer) {
	c := d.C
	w.raw(`<figure class="hs-chart" id="`)
	w.escape(c.ID)
	w.raw(`">` + "\n" + `<svg class="hs-chart__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `)
	w.int(d.W)
	w.raw(" ")
	w.int(d.H)
	w.raw(`" role="img" aria-labelledby="`)
	w.escape(c.ID)
	w.raw(`-title `)
	w.escape(c.ID)
	w.raw(`-desc" focusable="false">` + "\n" + `<title id="`)
	w.escape(c.ID)
	w.raw(`-title">`)
	w.escape(c.Title)
	w.raw("</title>\n" + `<desc id="`)
	w.escape(c.ID)
	w.raw(`-desc">`)
	w.escape(c.Desc)
	w.raw("</desc>\n")
	tickAnchor := "end"
	if c.Kind == KindTarget {
		tickAnchor = "middle"
	}
	for _, t := range d.Ticks {
		w.line("hs-chart__grid", Line{X1: t.X1, Y1: t.Y1, X2: t.X2, Y2: t.Y2})
		w.text(Text{X: t.LX, Y: t.LY, Anchor: tickAnchor, Class: "hs-chart__tick", Text: t.Label})
	}
	w.line("hs-chart__axis", d.Axis)
	for _, r := range d.Bars {
		w.rect(r)
		if r.Label != "0" {
			w.text(Text{X: r.LX, Y: r.LY, Anchor: r.LAnchor, Class: "hs-chart__value", Text: r.Label})
		}
	}
	for _, l := range d.Targets {
		w.line("hs-chart__target", l)
	}
	for _, t := range d.Texts {
		w.text(t)
	}
	for _, r := range d.LegendSwatch {
		w.rect(r)
	}
	for _, t := range d.Legend {
		w.text(t)
	}
	w.raw("</svg>\n" + `<details class="hs-chart__numbers">` + "\n<summary>The numbers: ")
	w.escape(c.Title)
	w.raw("</summary>\n" + `<table class="usa-table usa-table--borderless usa-table--compact">` + "\n<caption>")
	w.escape(c.Title)
	w.raw("</caption>\n<thead><tr>")
	for _, h := range d.Head {
		w.raw(`<th scope="col">`)
		w.escape(h)
		w.raw("</th>")
	}
	w.raw("</tr></thead>\n<tbody>")
	for _, row := range d.Rows {
		w.raw("<tr>")
		for i, cell := range row {
			if i == 0 {
				w.raw(`<th scope="row">`)
				w.escape(cell)
				w.raw("</th>")
			} else {
				w.raw("<td>")
				w.escape(cell)
				w.raw("</td>")
			}
		}
		w.raw("</tr>\n")
	}
	w.raw("</tbody>\n</table>\n</details>\n</figure>")
}

// writer builds a chart's HTML.
type writer struct {
	b   strings.Builder
	num [32]byte // room to format a number in
}

func (w *writer) raw(s string) { w.b.WriteString(s) }

func (w *writer) int(n int) { w.b.Write(strconv.AppendInt(w.num[:0], int64(n), 10)) }

// float writes a coordinate with one decimal, as the template's n did. Its "+Inf" (a value
// of +Inf given to a chart) is escaped as html/template escaped it; no other number writes a
// character that needs escaping.
func (w *writer) float(v float64) {
	if math.IsInf(v, 1) {
		w.b.WriteString("&#43;Inf")
		return
	}
	w.b.Write(strconv.AppendFloat(w.num[:0], v, 'f', 1, 64))
}

// escape writes s escaped as html/template escapes it (web.EscapeHTML).
func (w *writer) escape(s string) { web.EscapeHTML(&w.b, s) }

func (w *writer) line(class string, l Line) {
	w.raw(`<line class="`)
	w.escape(class)
	w.raw(`" x1="`)
	w.float(l.X1)
	w.raw(`" y1="`)
	w.float(l.Y1)
	w.raw(`" x2="`)
	w.float(l.X2)
	w.raw(`" y2="`)
	w.float(l.Y2)
	w.raw("\"/>\n")
}

func (w *writer) rect(r Rect) {
	w.raw(`<rect class="`)
	w.escape(r.Class)
	w.raw(`" x="`)
	w.float(r.X)
	w.raw(`" y="`)
	w.float(r.Y)
	w.raw(`" width="`)
	w.float(r.W)
	w.raw(`" height="`)
	w.float(r.H)
	w.raw("\"/>\n")
}

func (w *writer) text(t Text) {
	w.raw(`<text class="`)
	w.escape(t.Class)
	w.raw(`" x="`)
	w.float(t.X)
	w.raw(`" y="`)
	w.float(t.Y)
	w.raw(`" text-anchor="`)
	w.escape(t.Anchor)
	w.raw(`">`)
	w.escape(t.Text)
	w.raw("</text>\n")
}

// Empty reports whether every value is zero (a dashboard then says so in words instead).
func (c Chart) Empty() bool { return c.Max() == 0 && c.Min() == 0 }
