package charts_test

import (
	"encoding/xml"
	"io"
	"math"
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
