package tenants

import (
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCountiesHTMLIsTheTemplate: the settings form's county checkboxes written in Go are what
// the template writes.
func TestCountiesHTMLIsTheTemplate(t *testing.T) {
	tm := template.Must(template.New("c").Parse(countiesTemplate))
	words := []string{"Cook", "", "O'Brien", `"><b>`, "A & B", "nul\x00", "bad \xff", "Doña Ana"}
	r := rand.New(rand.NewPCG(21, 22))
	for round := range 300 {
		var d SettingsData
		for range r.IntN(8) {
			d.Counties = append(d.Counties, Choice{Value: words[r.IntN(len(words))], Label: words[r.IntN(len(words))], Checked: r.IntN(2) == 0})
		}
		var want strings.Builder
		if err := tm.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got := string(d.CountiesHTML()); got != want.String() {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want.String())
		}
	}
}
