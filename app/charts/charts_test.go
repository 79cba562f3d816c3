package charts_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/charts"
)

var svgPart = regexp.MustCompile(`(?s)<svg\b.*?</svg>`)

// parse reads the chart's SVG as XML and returns its elements by name, each with its
// attributes and text.
type elem struct {
	name  string
	attrs map[string]string
	text  string
}

func parse(t *testing.T, svg string) []elem {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out []elem
	var stack []int
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not XML: %v\n%s", err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			e := elem{name: x.Name.Local, attrs: map[string]string{}}
			for _, a := range x.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].text += string(x)
			}
		}
	}
	return out
}

func render(t *testing.T, c charts.Chart) (string, []elem) {
	t.Helper()
	h, err := c.HTML()
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	if strings.Contains(s, "style=") || strings.Contains(s, "<script") {
		t.Errorf("a style attribute or a script in the chart:\n%s", s)
	}
	return s, parse(t, svgPart.FindString(s))
}

func bars(es []elem, class string) []elem {
	var out []elem
	for _, e := range es {
		if e.name == "rect" && strings.Contains(e.attrs["class"], class) {
			out = append(out, e)
		}
	}
	return out
}

func num(t *testing.T, s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

func TestBarsAreProportionalAndLabelled(t *testing.T) {
	c := charts.Chart{ID: "stages", Title: "Engagements by stage <now>", Desc: "How many engagements are at each stage & why.",
		Categories: []string{"Initial", "Plan", "Closed"}, CategoryHead: "Stage", Unit: "Engagements",
		Series: []charts.Series{{Name: "Engagements", Values: []float64{40, 10, 20}, Text: []string{"", "", "fewer than 10"}}}}
	html, es := render(t, c)
	var svg, title, desc elem
	for _, e := range es {
		switch e.name {
		case "svg":
			svg = e
		case "title":
			title = e
		case "desc":
			desc = e
		}
	}
	if svg.attrs["role"] != "img" || svg.attrs["aria-labelledby"] != "stages-title stages-desc" {
		t.Errorf("svg attributes %v", svg.attrs)
	}
	if title.text != c.Title || title.attrs["id"] != "stages-title" || desc.text != c.Desc || desc.attrs["id"] != "stages-desc" {
		t.Errorf("title %+v desc %+v", title, desc)
	}
	bs := bars(es, "hs-chart__bar--s0")
	if len(bs) != 3 {
		t.Fatalf("%d bars, want 3", len(bs))
	}
	h0, h1, h2 := num(t, bs[0].attrs["height"]), num(t, bs[1].attrs["height"]), num(t, bs[2].attrs["height"])
	if h0 == 0 || math.Abs(h0/h1-4) > 0.05 || math.Abs(h0/h2-2) > 0.05 {
		t.Errorf("heights %v %v %v, want 4:1:2", h0, h1, h2)
	}
	// Bars stand on one base line.
	if b0, b1 := num(t, bs[0].attrs["y"])+h0, num(t, bs[1].attrs["y"])+h1; math.Abs(b0-b1) > 0.2 {
		t.Errorf("bars end at %v and %v", b0, b1)
	}
	for _, want := range []string{
		"<caption>Engagements by stage &lt;now&gt;</caption>", `<th scope="col">Stage</th>`, `<th scope="col">Engagements</th>`,
		`<th scope="row">Initial</th><td>40</td>`, `<th scope="row">Plan</th><td>10</td>`, `<th scope="row">Closed</th><td>fewer than 10</td>`,
		">Engagements</text>", // the axis label
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the chart lacks %s\n%s", want, html)
		}
	}
}

func TestGroupedBarsAndTargets(t *testing.T) {
	c := charts.Chart{ID: "months", Title: "Sessions by month", Desc: "This year against last.",
		Categories: []string{"Jul", "Aug"}, CategoryNames: []string{"July 2025", "August 2025"}, CategoryHead: "Month",
		Series: []charts.Series{{Name: "FY 2025–26", Values: []float64{30, 15}}, {Name: "FY 2024–25", Values: []float64{60, 0}}}}
	html, es := render(t, c)
	s0, s1 := bars(es, "hs-chart__bar--s0"), bars(es, "hs-chart__bar--s1")
	if len(s0) != 3 || len(s1) != 3 { // two bars each and a legend swatch
		t.Fatalf("bars %d and %d", len(s0), len(s1))
	}
	if a, b := num(t, s0[0].attrs["height"]), num(t, s1[0].attrs["height"]); math.Abs(b/a-2) > 0.05 {
		t.Errorf("grouped heights %v and %v, want 1:2", a, b)
	}
	for _, want := range []string{`<th scope="row">July 2025</th><td>30</td><td>60</td>`, `<th scope="row">August 2025</th><td>15</td><td>0</td>`, ">FY 2024–25</text>"} {
		if !strings.Contains(html, want) {
			t.Errorf("lacks %s", want)
		}
	}

	tc := charts.Chart{ID: "sup", Kind: charts.KindTarget, Title: "Supervision hours", Desc: "Each consultant against the year's target.",
		Categories: []string{"Ana", "Ben"}, CategoryHead: "Consultant", TargetName: "Target", Unit: "Hours",
		Series: []charts.Series{{Name: "Hours", Values: []float64{12, 6.5}, Targets: []float64{24, 24}}}}
	html, es = render(t, tc)
	bs := bars(es, "hs-chart__bar--s0")
	if len(bs) != 2 || math.Abs(num(t, bs[0].attrs["width"])/num(t, bs[1].attrs["width"])-12/6.5) > 0.01 {
		t.Errorf("horizontal bars %v", bs)
	}
	lines := 0
	for _, e := range es {
		if e.name == "line" && e.attrs["class"] == "hs-chart__target" {
			lines++
		}
	}
	if lines != 3 { // one per row, one in the legend
		t.Errorf("%d target lines", lines)
	}
	for _, want := range []string{`<th scope="col">Target</th>`, `<th scope="row">Ana</th><td>12</td><td>24</td>`, `<th scope="row">Ben</th><td>6.5</td><td>24</td>`} {
		if !strings.Contains(html, want) {
			t.Errorf("lacks %s\n%s", want, html)
		}
	}
}

// A negative value hangs below the zero line, as long as its size says.
func TestNegativeBars(t *testing.T) {
	c := charts.Chart{ID: "change", Title: "Mean change", Desc: "Post minus pre.", Categories: []string{"TPOT", "TPITOS"},
		Series: []charts.Series{{Name: "Change", Values: []float64{1.5, -0.75}}}}
	html, es := render(t, c)
	bs := bars(es, "hs-chart__bar--s0")
	up, down := bs[0], bs[1]
	hu, hd := num(t, up.attrs["height"]), num(t, down.attrs["height"])
	if hu <= 0 || hd <= 0 || math.Abs(hu/hd-2) > 0.05 {
		t.Errorf("heights %v and %v, want 2:1", hu, hd)
	}
	if zero := num(t, up.attrs["y"]) + hu; math.Abs(num(t, down.attrs["y"])-zero) > 0.2 {
		t.Errorf("the negative bar starts at %v, the zero line is at %v", down.attrs["y"], zero)
	}
	if !strings.Contains(html, `<td>-0.8</td>`) && !strings.Contains(html, `<td>-0.75</td>`) {
		t.Errorf("the table lacks the negative value\n%s", html)
	}
}

func TestChartNeedsAnID(t *testing.T) {
	if _, err := (charts.Chart{Title: "x"}).HTML(); err == nil {
		t.Error("a chart without an id rendered")
	}
}

// hostile is a text that needs every escape html/template makes, and some it leaves alone:
// a script, both quotes, &, +, NUL, a "</title>" that would end <title>'s RCDATA early,
// non-ASCII, noncharacters and invalid UTF-8.
const hostile = "<script>alert('x' + \"y\")</script> & \x00 </title> {{.C}} café 日本 \ufdd0\uffff \xff\xfe end"

// sameAsTemplate fails unless HTML writes exactly what the old html/template wrote.
func sameAsTemplate(t *testing.T, name string, c charts.Chart) string {
	t.Helper()
	want, err := charts.TemplateHTML(c)
	if err != nil {
		t.Fatalf("%s: the template: %v", name, err)
	}
	got, err := c.HTML()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if string(got) != want {
		g, w := string(got), want
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		t.Errorf("%s: HTML differs from the template at byte %d:\n got …%q\nwant …%q", name, i, clip(g, i), clip(w, i))
	}
	return string(got)
}

func clip(s string, i int) string {
	from, to := max(i-60, 0), min(i+60, len(s))
	return s[from:to]
}

func TestHTMLIsTheTemplatesOutput(t *testing.T) {
	months := []string{"Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun"}
	cases := []struct {
		name string
		c    charts.Chart
	}{
		{"one series", charts.Chart{ID: "stages", Title: "Engagements by stage", Desc: "How many are at each stage.",
			Categories: []string{"Initial", "Plan", "Closed"}, CategoryHead: "Stage", Unit: "Engagements",
			Series: []charts.Series{{Name: "Engagements", Values: []float64{40, 10, 0}, Text: []string{"", "fewer than 10", ""}}}}},
		{"two series, months", typical()},
		{"three series, decimals, no unit", charts.Chart{ID: "three", Title: "Three", Desc: "d", Categories: months[:5],
			Series: []charts.Series{{Name: "A", Values: []float64{1.25, 2.5, 0, 3.75, 0.05}}, {Name: "B", Values: []float64{0.3, 0, 1}},
				{Name: "C", Values: []float64{4, 4, 4, 4, 4}, Text: []string{"fewer than 10", "", "0", "4.0"}}}}},
		{"five series (the colours wrap)", charts.Chart{ID: "five", Title: "Five", Categories: []string{"a", "b"},
			Series: []charts.Series{{Name: "1", Values: []float64{1, 2}}, {Name: "2", Values: []float64{3, 4}}, {Name: "3", Values: []float64{5, 6}},
				{Name: "4", Values: []float64{7, 8}}, {Name: "5", Values: []float64{9, 10}}}}},
		{"negative values", charts.Chart{ID: "change", Title: "Mean change", Desc: "Post minus pre.", Unit: "Points",
			Categories: []string{"TPOT", "TPITOS", "ECERS"}, CategoryHead: "Instrument",
			Series: []charts.Series{{Name: "Mean change", Values: []float64{1.5, -0.75, 0}}, {Name: "Engagements", Values: []float64{12, 4, 0}, TableOnly: true}}}},
		{"only negative values", charts.Chart{ID: "down", Title: "Down", Categories: []string{"a", "b"},
			Series: []charts.Series{{Name: "Change", Values: []float64{-3, -12.5}}}}},
		{"all zero", charts.Chart{ID: "zero", Title: "Nothing yet", Categories: []string{"a", "b"},
			Series: []charts.Series{{Name: "Count", Values: []float64{0, 0}}}}},
		{"no categories, no series", charts.Chart{ID: "bare", Title: "Bare"}},
		{"table-only series", charts.Chart{ID: "tbl", Title: "Table only", Categories: []string{"x", "y"},
			Series: []charts.Series{{Name: "Shown", Values: []float64{3, 4}}, {Name: "Count", Values: []float64{100, 200}, TableOnly: true, Text: []string{"fewer than 10", ""}}}}},
		{"category names", charts.Chart{ID: "names", Title: "Names", Categories: []string{"Jul", "Aug", "Sep"},
			CategoryNames: []string{"July 2025", "", "September 2025"}, CategoryHead: "Month", Unit: "Sessions",
			Series: []charts.Series{{Name: "Sessions", Values: []float64{3, 1, 2}}}}},
		{"target", charts.Chart{ID: "sup", Kind: charts.KindTarget, Title: "Supervision hours", Desc: "Against the target.",
			Categories: []string{"Ana", "Ben", "Cleo"}, CategoryHead: "Consultant", TargetName: "Target", Unit: "Hours",
			Series: []charts.Series{{Name: "Hours", Values: []float64{12, 6.5, 0}, Targets: []float64{24, 24, 12}}}}},
		{"target without a target name or unit", charts.Chart{ID: "sup2", Kind: charts.KindTarget, Title: "Supervision",
			Categories: []string{"Ana", "Ben"}, Series: []charts.Series{{Name: "Hours", Values: []float64{30, 2}, Targets: []float64{24}}}}},
		{"target, two series, no targets", charts.Chart{ID: "out", Kind: charts.KindTarget, Title: "Outcomes", Unit: "Children",
			Categories: []string{"Home", "Care", "Other"}, CategoryHead: "Where the child is",
			Series: []charts.Series{{Name: "Children", Values: []float64{5, 0, 9}, Text: []string{"fewer than 10", "", "fewer than 10"}}, {Name: "Last year", Values: []float64{7, 1, 0.5}}}}},
		{"values shorter than the categories", charts.Chart{ID: "short", Title: "Short", Categories: []string{"a", "b", "c", "d"},
			Series: []charts.Series{{Name: "S", Values: []float64{1}, Text: []string{"one", "two"}}}}},
		{"infinite and NaN values", charts.Chart{ID: "inf", Title: "Inf", Categories: []string{"a", "b", "c"},
			Series: []charts.Series{{Name: "S", Values: []float64{math.Inf(1), math.NaN(), 1}}}}},
		{"infinite target", charts.Chart{ID: "inft", Kind: charts.KindTarget, Title: "Inf", Categories: []string{"a", "b"},
			Series: []charts.Series{{Name: "S", Values: []float64{math.Inf(-1), 2}, Targets: []float64{math.Inf(1), 1}}}}},
		// A table-only series is still drawn in a target chart, against the drawn series' scale:
		// an infinite value there is the one coordinate that writes "+Inf" (escaped "&#43;Inf").
		{"infinite table-only value in a target chart", charts.Chart{ID: "inftt", Kind: charts.KindTarget, Title: "Inf", Categories: []string{"a", "b"},
			Series: []charts.Series{{Name: "S", Values: []float64{1, 2}}, {Name: "T", Values: []float64{math.Inf(1), 3}, Targets: []float64{math.Inf(1), 1}, TableOnly: true}}}},
		{"hostile texts, bars", charts.Chart{ID: "h1" + hostile, Title: hostile, Desc: hostile, Categories: []string{hostile, "+1", "\x00"},
			CategoryNames: []string{hostile + " long", ""}, CategoryHead: hostile, Unit: hostile,
			Series: []charts.Series{{Name: hostile, Values: []float64{1, -2, 3}, Text: []string{hostile, "'", "\""}},
				{Name: "<b>two</b> & 'three'", Values: []float64{4, 0, 6}, Text: []string{"", "0", "&amp;"}},
				{Name: hostile, Values: []float64{7, 8, 9}, TableOnly: true, Text: []string{"+", "<", ">"}}}}},
		{"hostile texts, target", charts.Chart{ID: "h2" + hostile, Kind: charts.KindTarget, Title: hostile, Desc: hostile,
			Categories: []string{hostile, "B"}, CategoryNames: []string{"", hostile}, CategoryHead: hostile, Unit: hostile, TargetName: hostile,
			Series: []charts.Series{{Name: hostile, Values: []float64{5, 10}, Targets: []float64{8, 8}, Text: []string{hostile, ""}}}}},
	}
	for _, tc := range cases {
		sameAsTemplate(t, tc.name, tc.c)
	}

	// The hostile chart is escaped, not merely the same as the template: a test that could not
	// tell an unescaped chart from an escaped one would pass a chart that runs a script.
	html := sameAsTemplate(t, "hostile", cases[len(cases)-2].c)
	if strings.Contains(html, "<script") || strings.Contains(html, "\x00") || strings.Count(html, "</title>") != 1 {
		t.Errorf("a hostile text is not escaped:\n%s", html)
	}
	for _, want := range []string{
		"&lt;script&gt;alert(&#39;x&#39; &#43; &#34;y&#34;)&lt;/script&gt; &amp; \uFFFD &lt;/title&gt; {{.C}} café 日本 \ufdd0\uffff \xff\xfe end",
		`id="h1&lt;script&gt;`, `<td>&amp;amp;</td>`, `<td>&#43;</td>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the hostile chart lacks %q", want)
		}
	}
}

// Random charts (fixed seeds, so a failure repeats) against the template: every kind, lengths
// that do not match, texts drawn from the characters that need escaping.
func TestHTMLIsTheTemplatesOutputRandomly(t *testing.T) {
	for seed := uint64(1); seed <= 400; seed++ {
		r := rand.New(rand.NewPCG(seed, 14))
		c := randomChart(r)
		sameAsTemplate(t, fmt.Sprintf("seed %d", seed), c)
		if t.Failed() {
			t.Fatalf("seed %d: %#v", seed, c)
		}
	}
}

func randomChart(r *rand.Rand) charts.Chart {
	str := func() string {
		pieces := []string{"a", "Jul", " ", "<", ">", "&", "'", "\"", "+", "\x00", "é", "日", "\xff", "\ufffd", "fewer than 10", "0", "&amp;", "</title>", "<script>"}
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	value := func() float64 {
		switch r.IntN(6) {
		case 0:
			return 0
		case 1:
			return float64(r.IntN(40))
		case 2:
			return float64(r.IntN(5000))
		case 3:
			return math.Round(r.Float64()*1000) / 100
		case 4:
			return -r.Float64() * 20
		default:
			return r.Float64() * 3
		}
	}
	strs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			if r.IntN(3) > 0 {
				out[i] = str()
			}
		}
		return out
	}
	c := charts.Chart{ID: "c" + str(), Title: str(), Desc: str(), CategoryHead: str(), Unit: str(), TargetName: str()}
	if r.IntN(3) == 0 {
		c.Kind = charts.KindTarget
	}
	nc := r.IntN(15)
	c.Categories = strs(nc)
	if r.IntN(2) == 0 {
		c.CategoryNames = strs(r.IntN(nc + 2))
	}
	for range 1 + r.IntN(4) {
		s := charts.Series{Name: str(), TableOnly: r.IntN(5) == 0}
		for range nc - r.IntN(2) {
			s.Values = append(s.Values, value())
		}
		if r.IntN(2) == 0 {
			s.Text = strs(r.IntN(nc + 1))
		}
		if c.Kind == charts.KindTarget && r.IntN(3) > 0 {
			for range nc - r.IntN(2) {
				s.Targets = append(s.Targets, math.Abs(value()))
			}
		}
		c.Series = append(c.Series, s)
	}
	return c
}

// typical is a dashboard's months chart: sessions and hours, twelve months.
func typical() charts.Chart {
	c := charts.Chart{ID: "sessions-by-month", Title: "Sessions by month, FY 2025–26", CategoryHead: "Month", Unit: "Sessions and hours",
		Desc: "Two bars a month from July 2025 to June 2026: the number of sessions and the hours they lasted."}
	sessions := charts.Series{Name: "Sessions"}
	hrs := charts.Series{Name: "Hours"}
	months := []string{"July", "August", "September", "October", "November", "December", "January", "February", "March", "April", "May", "June"}
	for i, m := range months {
		year := "2025"
		if i >= 6 {
			year = "2026"
		}
		c.Categories = append(c.Categories, m[:3])
		c.CategoryNames = append(c.CategoryNames, m+" "+year)
		n := float64(20 + (i*37)%45)
		sessions.Values = append(sessions.Values, n)
		hrs.Values = append(hrs.Values, n*1.25)
		hrs.Text = append(hrs.Text, strconv.FormatFloat(n*1.25, 'f', 1, 64))
	}
	c.Series = []charts.Series{sessions, hrs}
	return c
}

func BenchmarkChartHTML(b *testing.B) {
	c := typical()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.HTML(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChartHTMLTemplate is the same chart by the html/template HTML replaced.
func BenchmarkChartHTMLTemplate(b *testing.B) {
	c := typical()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := charts.TemplateHTML(c); err != nil {
			b.Fatal(err)
		}
	}
}
