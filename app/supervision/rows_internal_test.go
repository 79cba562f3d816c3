package supervision

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/app/web/webtest"
)

var rowWords = []string{"", "Helen Park", `<script>alert("x")</script>`, "A & B + C", "O'Neil", "nul\x00", "bad \xff",
	"é ü 漢字", "a b/c?d=e#f", "%41%zz", "javascript:alert(1)"}

func rowWord(r *rand.Rand) string { return rowWords[r.IntN(len(rowWords))] }

// TestAssignmentRowsHTMLIsTheTemplate: the assignments' rows written in Go are what the
// template writes, odd names, ids and tokens included.
func TestAssignmentRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	for round := range 400 {
		d := struct {
			Base, CSRF  string
			Assignments []Assignment
		}{Base: []string{"/t/volume/supervision", "/t/a b/supervision", rowWord(r)}[r.IntN(3)], CSRF: rowWord(r) + "tok"}
		for range r.IntN(6) {
			d.Assignments = append(d.Assignments, Assignment{ID: rowWord(r) + "id", SupervisorName: rowWord(r), ConsultantName: rowWord(r)})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), assignmentRowsTemplate, d, assignmentRowsHTML(d.Base, d.CSRF, d.Assignments))
	}
}

// TestMemberOptionsAreTheTemplate: the form's selects written with web.OptionsHTML are what
// the template's range over the members wrote.
func TestMemberOptionsAreTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	src := `{{range .Members}}<option value="{{.UserID}}"{{if eq $.Selected .UserID}} selected{{end}}>{{.Name}}</option>{{end}}`
	for round := range 300 {
		d := struct {
			Members  []tenants.Member
			Selected string
		}{Selected: rowWord(r)}
		for range r.IntN(6) {
			m := tenants.Member{Name: rowWord(r)}
			m.UserID = rowWord(r)
			d.Members = append(d.Members, m)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), src, d, web.OptionsHTML(memberOptions(d.Members, d.Selected)))
	}
}

// TestSuperviseeRowsHTMLIsTheTemplate: the overview's rows written in Go are what the template
// writes, for a tenant admin and a supervisor.
func TestSuperviseeRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 3))
	for round := range 400 {
		d := struct {
			IsAdmin     bool
			Supervisees []Supervisee
		}{IsAdmin: r.IntN(2) == 0}
		for range r.IntN(6) {
			s := Supervisee{Hours: Hours{Month: r.IntN(300), FY: r.IntN(3000), TargetMonth: 60 * r.IntN(4), TargetFY: r.IntN(3000)}}
			s.SupervisorName, s.ConsultantName = rowWord(r), rowWord(r)
			d.Supervisees = append(d.Supervisees, s)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), superviseeRowsTemplate, d, superviseeRowsHTML(d.IsAdmin, d.Supervisees))
	}
}

// TestRecordItemsHTMLIsTheTemplate: a supervisor's records written in Go are what the
// template writes.
func TestRecordItemsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 4))
	for round := range 300 {
		d := struct {
			Base    string
			Records []Record
		}{Base: []string{"/t/volume/supervision", rowWord(r)}[r.IntN(2)]}
		for range r.IntN(6) {
			d.Records = append(d.Records, Record{ID: rowWord(r) + "id", HeldOn: rowWord(r), Minutes: r.IntN(500),
				Format: []string{FormatGroup, FormatIndividual, rowWord(r)}[r.IntN(3)]})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), recordItemsTemplate, d, recordItemsHTML(d.Base, d.Records))
	}
}
