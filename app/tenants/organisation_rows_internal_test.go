package tenants

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/holdspace/holdspace/app/web/webtest"
)

// TestOrganisationRowsHTMLIsTheTemplate: the organisations list's rows written in Go are what
// the template writes, with every kind, program kind and odd or hostile values.
func TestOrganisationRowsHTMLIsTheTemplate(t *testing.T) {
	words := []string{"", "Smart Start of Forsyth County", `<script>alert("x")</script>`, "A & B + C", "O'Neil",
		"nul\x00", "bad \xff", "é ü 漢字", "a/b?c=d#e", "%zz", "javascript:alert(1)", " "}
	kinds := []string{"", OrgFunder, OrgProgram, OrgConsultantAgency, "other"}
	programKinds := []string{"", ProgramKindEarlyIntervention, "home_visiting", "doula", "unknown"}
	r := rand.New(rand.NewPCG(14, 52))
	word := func() string { return words[r.IntN(len(words))] }
	for round := range 400 {
		d := struct {
			Slug string
			List []Organisation
		}{Slug: word()}
		for range r.IntN(6) {
			d.List = append(d.List, Organisation{ID: word(), Name: word(), ShortName: word(), Kind: kinds[r.IntN(len(kinds))],
				ProgramKind: programKinds[r.IntN(len(programKinds))], County: word()})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), organisationRowsTemplate, d, organisationRowsHTML(d.Slug, d.List))
	}
}

// TestPersonRowsHTMLIsTheTemplate: the people list's rows written in Go are what the template
// writes, active and deactivated, on odd or hostile values.
func TestPersonRowsHTMLIsTheTemplate(t *testing.T) {
	words := []string{"", "Maria Alvarez", `<script>alert("x")</script>`, "A & B + C", "O'Neil", "nul\x00", "bad \xff",
		"é ü 漢字", "/t/volume/people/01a2", "javascript:alert(1)", "a b/c?d=e#f", "%zz"}
	r := rand.New(rand.NewPCG(14, 53))
	word := func() string { return words[r.IntN(len(words))] }
	for round := range 400 {
		var d struct{ Rows []PersonRow }
		for range r.IntN(6) {
			d.Rows = append(d.Rows, PersonRow{Href: word(), Label: word(), Email: word(), Role: word(), OrganisationName: word(), Active: r.IntN(2) == 0})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), personRowsTemplate, d, personRowsHTML(d.Rows))
	}
}
