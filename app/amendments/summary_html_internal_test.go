package amendments

import (
	"html/template"
	"math/rand"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/money"
)

// TestSummaryHTMLIsTheTemplate draws the proposal's summary with random figures, steps and
// texts, hostile ones among them, and holds summaryHTML to its template byte for byte.
func TestSummaryHTMLIsTheTemplate(t *testing.T) {
	texts := []string{"", "Personnel", `<script>alert("x" + 'y')</script> & co`, "nul\x00here", "bad utf-8 \xff\xfe",
		"Ünïcödé — “quoted” \u2028", `O'Brien & "Sons"`, "{{.}}"}
	rng := rand.New(rand.NewSource(14))
	pick := func() string { return texts[rng.Intn(len(texts))] }
	cents := func() money.Cents {
		if rng.Intn(4) == 0 {
			return 0
		}
		return money.Cents(rng.Int63n(100_000_000) - 20_000_000)
	}
	tpl := template.Must(template.New("summary").Parse(summaryTemplate))
	for round := range 400 {
		d := &RequestData{Problems: map[string]string{}}
		if rng.Intn(5) > 0 {
			p := &Proposal{FunderName: pick(), Class: Classification{
				Class: []string{"notice", "total", "approval", pick()}[rng.Intn(4)], Rule: pick(),
				Before: cents(), After: cents(), Moved: cents(), Earlier: cents(), Cumulative: cents(),
				CumulativeBP: money.BasisPoints(rng.Intn(20000)), Changed: rng.Intn(3)}}
			for range rng.Intn(4) {
				p.Steps = append(p.Steps, StepSnapshot{Name: pick(), Decider: []string{DeciderFunder, DeciderTenantAdmin, DeciderOrganisation, pick()}[rng.Intn(4)],
					OrganisationName: pick(), ResponseDays: rng.Intn(60)})
			}
			for range rng.Intn(3) {
				p.Warnings = append(p.Warnings, pick())
			}
			d.Proposal = p
		}
		for range rng.Intn(4) {
			k := FieldLines
			if rng.Intn(2) == 0 {
				k = LineField([]string{"category", "proposed", "justification"}[rng.Intn(3)], rng.Intn(maxRows))
			}
			d.Problems[k] = pick() + "!"
		}
		var want strings.Builder
		if err := tpl.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got := string(summaryHTML(d)); got != want.String() {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want.String())
		}
	}
}
