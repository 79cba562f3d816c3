package credentials

import (
	"fmt"
	"html/template"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/app/web/webtest"
)

// TestStatusRowsHTMLIsTheTemplate: the statuses' rows written in Go are what the template
// writes, for every state, rule and level.
func TestStatusRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 31))
	states := []string{StateMet, StateExpiring, StateLacking, StateDue, StateOverdue, StateExpired, rowWord(r)}
	for round := range 500 {
		var sts []Status
		for range r.IntN(6) {
			req := &Requirement{Name: rowWord(r), Level: []string{LevelRequired, LevelRecommended}[r.IntN(2)],
				Rule: []string{RuleCredential, RuleSupervision}[r.IntN(2)], DeadlineDays: []int{0, 1, 30, 365}[r.IntN(4)]}
			st := Status{Requirement: req, State: states[r.IntN(len(states))], Until: rowWord(r), DueOn: rowWord(r), ExpiredOn: rowWord(r),
				NoHireDate: r.IntN(3) == 0, Pending: []int{0, 0, 1, 3}[r.IntN(4)], Hours: rowWord(r)}
			if r.IntN(2) == 0 {
				st.Credential = &Credential{KindName: rowWord(r)}
			}
			for range r.IntN(3) {
				st.Supervisors = append(st.Supervisors, rowWord(r))
			}
			sts = append(sts, st)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), statusRowsTemplate, sts, statusRowsHTML(sts))
	}
}

// TestCredentialSectionsAreTheTemplate: a consultant's credentials written in Go, around the
// error summary the template still writes, are what the page's template wrote, for a tenant
// admin and a supervisor, with and without a return form that came back with errors.
func TestCredentialSectionsAreTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 32))
	funcs := template.FuncMap{"errorSummary": func(f *web.Form, args ...string) *web.ErrorSummary { return f.Summary(args...) },
		"date": web.Date}
	errs := errorsTemplate(t)
	orig := template.Must(template.Must(template.New("orig").Funcs(funcs).Parse(credentialSectionsTemplate)).Parse(errs))
	now := template.Must(template.Must(template.New("now").Parse(
		`{{range .}}{{.Head}}{{if .Mine}}{{template "layouts/_errors" .Summary}}{{end}}{{.Tail}}{{end}}`)).Parse(errs))
	statuses := []string{StatusSubmitted, StatusVerified, StatusReturned, rowWord(r)}
	withErrors := 0
	for round := range 600 {
		d := &ConsultantData{Detail: &Detail{Profile: &consultants.Profile{ID: rowWord(r) + "p"}, IsAdmin: r.IntN(3) > 0,
			Today: "2026-06-15"}, Base: []string{"/t/volume", "/t/a b", rowWord(r)}[r.IntN(3)]}
		for range r.IntN(5) {
			c := Credential{ID: rowWord(r) + "c", KindName: rowWord(r), RequirementName: rowWord(r), Issuer: rowWord(r), Number: rowWord(r),
				IssuedOn: rowWord(r), ExpiresOn: []string{"", "2026-01-01", "2026-07-01", "2030-01-01", rowWord(r)}[r.IntN(5)],
				Status: statuses[r.IntN(len(statuses))], ReviewNote: rowWord(r), EvidenceName: rowWord(r)}
			if r.IntN(2) == 0 {
				c.EvidenceKey = "k"
			}
			switch r.IntN(3) {
			case 0:
				at := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), 0, 0, 0, time.FixedZone("x", -11*3600))
				c.VerifiedAt = &at
			case 1:
				c.VerifiedAt = &time.Time{}
			}
			d.Credentials = append(d.Credentials, c)
		}
		f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
		if len(d.Credentials) > 0 && r.IntN(2) == 0 {
			d.ReturnID = d.Credentials[r.IntN(len(d.Credentials))].ID
			f.Values.Set("note", rowWord(r))
			if r.IntN(2) == 0 {
				f.Errors["note"] = rowWord(r) + " wrong"
				withErrors++
			}
			if r.IntN(4) == 0 {
				f.Errors["_form"] = rowWord(r)
			}
		}
		f.Values.Set("hired_on", rowWord(r))
		csrf := rowWord(r) + "tok"
		var want, got strings.Builder
		if err := orig.Execute(&want, struct {
			D    *ConsultantData
			Form *web.Form
			CSRF string
		}{d, f, csrf}); err != nil {
			t.Fatal(err)
		}
		if err := now.Execute(&got, credentialSections(d, f, csrf)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got.String(), want.String())
		}
	}
	if withErrors < 50 {
		t.Fatalf("only %d rounds had a return form with errors", withErrors)
	}
}
