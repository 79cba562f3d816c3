package programs

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/holdspace/holdspace/app/web/webtest"
)

// TestProgramRowsHTMLIsTheTemplate: the programs list's rows written in Go are what the
// template writes, on random rows with hostile names and addresses.
func TestProgramRowsHTMLIsTheTemplate(t *testing.T) {
	words := []string{"", "Prairie Families", `<script>alert("x" + 'y')</script>`, "A & B", "nul\x00", "bad \xff", "é 漢字",
		"/t/x/programs/01a2", "javascript:alert(1)", "/t/x/a b?c=d&e", "%41%zz"}
	r := rand.New(rand.NewPCG(5, 6))
	w := func() string { return words[r.IntN(len(words))] }
	for round := range 400 {
		var rows []ProgramRow
		for range r.IntN(6) {
			rows = append(rows, ProgramRow{Href: w(), Name: w(), Kind: w(), County: w(), Funders: w()})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), programRowsTemplate, rows, programRowsHTML(rows))
	}
}
