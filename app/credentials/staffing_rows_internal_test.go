package credentials

import (
	"fmt"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/web"
)

var rowWords = []string{"", "Helen Park", `<script>alert("x")</script>`, "A & B + C", "O'Neil", "nul\x00", "bad \xff",
	"é ü 漢字", "a b/c?d=e#f", "%41%zz", "javascript:alert(1)", "2026-01-05"}

func rowWord(r *rand.Rand) string { return rowWords[r.IntN(len(rowWords))] }

// templatePlural is the templates' plural (app/web/render.go).
func templatePlural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func renderRows(t *testing.T, src string, data any) string {
	t.Helper()
	tm := template.Must(template.New("rows").Funcs(template.FuncMap{"plural": templatePlural}).Parse(src))
	var b strings.Builder
	if err := tm.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func randomRequirements(r *rand.Rand) []Requirement {
	var reqs []Requirement
	for range r.IntN(6) {
		reqs = append(reqs, Requirement{ID: rowWord(r) + "id", Name: rowWord(r),
			Level: []string{LevelRequired, LevelRecommended, rowWord(r)}[r.IntN(3)]})
	}
	return reqs
}

// TestStaffingRowsHTMLIsTheTemplate: the staffing table's rows written in Go are what the
// template writes, odd names, ids, counts and cells included.
func TestStaffingRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 11))
	for round := range 500 {
		d := struct {
			Base string
			Rows []Row
		}{Base: []string{"/t/volume", "/t/a b", rowWord(r)}[r.IntN(3)]}
		for range r.IntN(6) {
			row := Row{Profile: consultants.Profile{ID: rowWord(r) + "id", DisplayName: rowWord(r), HiredOn: rowWord(r)},
				Pending: []int{0, 0, 1, 2, 17, -1}[r.IntN(6)]}
			for range r.IntN(5) {
				row.Cells = append(row.Cells, Cell{Tag: rowWord(r), Text: rowWord(r)})
			}
			d.Rows = append(d.Rows, row)
		}
		if got, want := string(staffingRowsHTML(d.Base, d.Rows)), renderRows(t, staffingRowsTemplate, d); got != want {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want)
		}
	}
}

// TestStaffingHeadsAndFilterAreTheTemplate: the column heads and the filter's options written
// in Go are what the templates wrote.
func TestStaffingHeadsAndFilterAreTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 12))
	filter := `{{range .All}}<option value="{{.ID}}"{{if eq .ID $.Selected}} selected{{end}}>{{.Name}}{{if .Recommended}} (recommended){{end}}</option>{{end}}`
	for round := range 400 {
		reqs := randomRequirements(r)
		if got, want := string(staffingHeadsHTML(reqs)), renderRows(t, staffingHeadsTemplate, reqs); got != want {
			t.Fatalf("round %d heads:\n got %s\nwant %s", round, got, want)
		}
		d := struct {
			All      []Requirement
			Selected string
		}{reqs, rowWord(r) + "id"}
		if got, want := string(web.OptionsHTML(requirementOptions(reqs, d.Selected))), renderRows(t, filter, d); got != want {
			t.Fatalf("round %d filter:\n got %s\nwant %s", round, got, want)
		}
	}
}
