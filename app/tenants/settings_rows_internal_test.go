package tenants

import (
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCountiesHTMLIsTheTemplate: the settings form's county and language checkboxes written
// in Go are what their templates write.
func TestCountiesHTMLIsTheTemplate(t *testing.T) {
	counties := template.Must(template.New("c").Parse(countiesTemplate))
	languages := template.Must(template.New("l").Parse(languagesTemplate))
	words := []string{"Cook", "", "O'Brien", `"><b>`, "A & B", "nul\x00", "bad \xff", "Doña Ana"}
	r := rand.New(rand.NewPCG(21, 22))
	choices := func() []Choice {
		var out []Choice
		for range r.IntN(8) {
			out = append(out, Choice{Value: words[r.IntN(len(words))], Label: words[r.IntN(len(words))], Checked: r.IntN(2) == 0})
		}
		return out
	}
	for round := range 300 {
		d := SettingsData{Counties: choices(), Languages: choices()}
		for _, c := range []struct {
			tm  *template.Template
			got template.HTML
		}{{counties, d.CountiesHTML()}, {languages, d.LanguagesHTML()}} {
			var want strings.Builder
			if err := c.tm.Execute(&want, d); err != nil {
				t.Fatal(err)
			}
			if string(c.got) != want.String() {
				t.Fatalf("round %d, %s:\n got %s\nwant %s", round, c.tm.Name(), c.got, want.String())
			}
		}
	}
}
