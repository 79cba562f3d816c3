package reports

import (
	"html/template"
	"math/rand"
	"strings"
	"testing"
)

// TestPanelsHTMLIsTheTemplate: a dashboard's figures and panels written in Go are byte for
// byte what the template writes, for every text and link, hostile ones included, with and
// without each optional part.
func TestPanelsHTMLIsTheTemplate(t *testing.T) {
	tpl := template.Must(template.New("panels").Parse(panelsTemplate))
	rng := rand.New(rand.NewSource(14))
	pick := func() string { return hostileTexts[rng.Intn(len(hostileTexts))] }
	maybe := func() string {
		if rng.Intn(3) == 0 {
			return ""
		}
		return pick()
	}
	item := func() Item {
		it := Item{Text: pick(), Detail: maybe()}
		if rng.Intn(3) > 0 {
			it.Href = randomHref(rng)
		}
		return it
	}
	charts := []template.HTML{"", `<figure class="hs-chart"><svg role="img" aria-labelledby="c1"><title id="c1">Sessions &amp; hours</title></svg><table><tr><td>3</td></tr></table></figure>` + "\n"}
	for round := 0; round < 400; round++ {
		d := &Dashboard{}
		for range rng.Intn(5) {
			d.Figures = append(d.Figures, Figure{Label: pick(), Value: pick(), Note: maybe()})
		}
		for range rng.Intn(5) {
			p := Panel{ID: pick(), Heading: pick(), How: pick(), Chart: charts[rng.Intn(len(charts))], Empty: maybe()}
			for range rng.Intn(4) {
				p.Items = append(p.Items, item())
			}
			if rng.Intn(2) == 0 {
				more := item()
				if more.Href == "" {
					more.Href = randomHref(rng)
				}
				more.Detail = ""
				p.More = &more
			}
			d.Panels = append(d.Panels, p)
		}
		var want strings.Builder
		if err := tpl.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got := string(panelsHTML(d.Figures, d.Panels)); got != want.String() {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want.String())
		}
	}
}

// The template the test holds panelsHTML to is the one the page had: its texts, classes and
// links, in its order, for a dashboard like a funder's.
func TestPanelsTemplateIsThePages(t *testing.T) {
	d := &Dashboard{Figures: []Figure{{Label: "Programs funded", Value: "50", Note: "this year"}},
		Panels: []Panel{{ID: "flags", Heading: "Engagements flagged", How: "Open engagements with a flag.",
			Items: []Item{{Text: "Little Acorns", Detail: "no session in 60 days", Href: "/t/nc/engagements/1"}, {Text: "Bright Start"}},
			More:  &Item{Text: "All engagements", Href: "/t/nc/engagements"}}}}
	got := string(panelsHTML(d.Figures, d.Panels))
	for _, want := range []string{
		`<ul class="hs-dashboard__figures usa-list--unstyled" aria-label="Headline figures">`,
		`<span class="hs-dashboard__figure-label">Programs funded</span> <strong class="hs-dashboard__figure-value">50</strong> <span class="hs-dashboard__figure-note">(this year)</span>`,
		`<section class="hs-dashboard__panel" id="panel-flags" aria-labelledby="panel-flags-heading">`,
		`<h3 id="panel-flags-heading" class="margin-top-0">Engagements flagged</h3>`,
		`<p class="hs-dashboard__how">Open engagements with a flag.</p>`,
		`<li><a class="usa-link" href="/t/nc/engagements/1">Little Acorns</a>: no session in 60 days</li>`,
		`<li>Bright Start</li>`,
		`<p><a class="usa-link" href="/t/nc/engagements">All engagements</a></p>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the panels lack %s:\n%s", want, got)
		}
	}
}
