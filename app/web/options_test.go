package web

import (
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestOptionsHTMLIsTheTemplate: OptionsHTML writes what the template it stands for writes, on
// chosen cases and on random ones (any byte, chosen or not).
func TestOptionsHTMLIsTheTemplate(t *testing.T) {
	tmpl := template.Must(template.New("o").Parse(`<select>{{range .}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select>`))
	check := func(opts []Option) {
		t.Helper()
		var want strings.Builder
		if err := tmpl.Execute(&want, opts); err != nil {
			t.Fatal(err)
		}
		if got := "<select>" + string(OptionsHTML(opts)) + "</select>"; got != want.String() {
			t.Fatalf("OptionsHTML(%+v)\n got %q\nwant %q", opts, got, want.String())
		}
	}
	check(nil)
	check(StringOptions([]string{"Cook", "DuPage", `O'Brien & "Sons" <b>`, "nul\x00", "bad \xff"}, "DuPage"))
	check([]Option{{Value: "1", Label: "One + one", Selected: true}, {Value: "", Label: ""}})
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab <>&'\"+\x00\xffé")
	word := func() string {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 300 {
		opts := make([]Option, r.IntN(5))
		for i := range opts {
			opts[i] = Option{Value: word(), Label: word(), Selected: r.IntN(3) == 0}
		}
		check(opts)
	}
}

// TestStringOptions: each value is its own label, and only the chosen one is selected.
func TestStringOptions(t *testing.T) {
	got := StringOptions([]string{"Cook", "Lake"}, "Lake")
	if len(got) != 2 || got[0] != (Option{"Cook", "Cook", false}) || got[1] != (Option{"Lake", "Lake", true}) {
		t.Fatalf("StringOptions = %+v", got)
	}
}

// TestCheckboxesHTMLIsTheTemplate: CheckboxesHTML writes what its template writes, on random
// names and choices.
func TestCheckboxesHTMLIsTheTemplate(t *testing.T) {
	tmpl := template.Must(template.New("c").Parse(checkboxesTemplate))
	r := rand.New(rand.NewPCG(13, 14))
	words := []string{"counties", "Cook", "", `"><script>`, "A & B", "O'Brien", "nul\x00", "bad \xff", "é"}
	w := func() string { return words[r.IntN(len(words))] }
	for range 300 {
		d := struct {
			Name    string
			Options []Option
		}{Name: w()}
		for range r.IntN(6) {
			d.Options = append(d.Options, Option{Value: w(), Label: w(), Selected: r.IntN(2) == 0})
		}
		var want strings.Builder
		if err := tmpl.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got := string(CheckboxesHTML(d.Name, d.Options)); got != want.String() {
			t.Fatalf("CheckboxesHTML(%q, %+v)\n got %q\nwant %q", d.Name, d.Options, got, want.String())
		}
	}
}
