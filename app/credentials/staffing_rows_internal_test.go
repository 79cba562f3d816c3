package credentials

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/app/web/webtest"
)

var rowWords = []string{"", "Helen Park", `<script>alert("x")</script>`, "A & B + C", "O'Neil", "nul\x00", "bad \xff",
	"é ü 漢字", "a b/c?d=e#f", "%41%zz", "javascript:alert(1)", "2026-01-05"}

func rowWord(r *rand.Rand) string { return rowWords[r.IntN(len(rowWords))] }

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
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), staffingRowsTemplate, d, staffingRowsHTML(d.Base, d.Rows))
	}
}

// TestStaffingHeadsAndFilterAreTheTemplate: the column heads and the filter's options written
// in Go are what the templates wrote.
func TestStaffingHeadsAndFilterAreTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 12))
	filter := `{{range .All}}<option value="{{.ID}}"{{if eq .ID $.Selected}} selected{{end}}>{{.Name}}{{if .Recommended}} (recommended){{end}}</option>{{end}}`
	for round := range 400 {
		reqs := randomRequirements(r)
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d heads", round), staffingHeadsTemplate, reqs, staffingHeadsHTML(reqs))
		d := struct {
			All      []Requirement
			Selected string
		}{reqs, rowWord(r) + "id"}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d filter", round), filter, d, web.OptionsHTML(requirementOptions(reqs, d.Selected)))
	}
}
