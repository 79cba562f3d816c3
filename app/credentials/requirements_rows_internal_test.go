package credentials

import (
	"html/template"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/web"
)

// errorsTemplate is the layout's error summary, as the pages have it.
func errorsTemplate(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../../views/layouts/_errors.html")
	if err != nil {
		t.Fatal(err)
	}
	return `{{define "layouts/_errors"}}` + string(src) + `{{end}}`
}

// TestRequirementSectionsAreTheTemplate: the requirements written in Go, around the error
// summary the template still writes, are what the page's template wrote, odd names, ids,
// kinds, typed values and messages included.
func TestRequirementSectionsAreTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 21))
	funcs := template.FuncMap{"errorSummary": func(f *web.Form, args ...string) *web.ErrorSummary { return f.Summary(args...) }}
	errs := errorsTemplate(t)
	orig := template.Must(template.Must(template.New("orig").Funcs(funcs).Parse(requirementSectionsTemplate)).Parse(errs))
	now := template.Must(template.Must(template.New("now").Parse(
		`{{range .}}{{.Head}}{{if .Form}}{{template "layouts/_errors" .Summary}}{{.Tail}}{{end}}{{end}}`)).Parse(errs))
	withErrors := 0
	for round := range 500 {
		d := &RequirementsData{Base: []string{"/t/volume/staffing/requirements", "/t/a b/x", rowWord(r)}[r.IntN(3)], MaxMonths: MaxValidMonths}
		for range r.IntN(5) {
			req := Requirement{ID: rowWord(r) + "id", Name: rowWord(r), Description: rowWord(r),
				Level: []string{LevelRequired, LevelRecommended}[r.IntN(2)], Rule: []string{RuleCredential, RuleCredential, RuleSupervision}[r.IntN(3)],
				DeadlineDays: []int{0, 1, 30, 365}[r.IntN(4)]}
			for range r.IntN(4) {
				req.Kinds = append(req.Kinds, Kind{ID: rowWord(r) + "k", Name: rowWord(r), Issuer: rowWord(r),
					ValidMonths: []int{0, 1, 12, 24, 18}[r.IntN(5)], Used: []int{0, 0, 1, 12}[r.IntN(4)]})
			}
			d.Requirements = append(d.Requirements, req)
		}
		if len(d.Requirements) > 0 && r.IntN(2) == 0 {
			d.KindFor = d.Requirements[r.IntN(len(d.Requirements))].ID
			f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
			for _, name := range []string{"kind_name", "issuer", "valid_months", "_form"} {
				if r.IntN(2) == 0 {
					f.Values.Set(name, rowWord(r))
				}
				if r.IntN(3) == 0 {
					f.Errors[name] = rowWord(r) + " is wrong"
				}
			}
			d.KindForm = f
			if len(f.Errors) > 0 {
				withErrors++
			}
		}
		csrf := rowWord(r) + "tok"
		var want, got strings.Builder
		if err := orig.Execute(&want, struct {
			*RequirementsData
			CSRF string
		}{d, csrf}); err != nil {
			t.Fatal(err)
		}
		if err := now.Execute(&got, requirementSections(d, csrf)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got.String(), want.String())
		}
	}
	if withErrors < 50 {
		t.Fatalf("only %d rounds had a form with errors", withErrors)
	}
}
