package amendments

import (
	"html/template"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// originalStepForm is _process_step_form.html as it was before its form was read in Go.
const originalStepForm = `{{$f := .Form}}{{$s := .Suffix}}
{{template "layouts/_errors" (errorSummary $f (printf "name=step-name%s" $s) (printf "decider=step-decider-funder%s" $s) (printf "organisation_id=step-organisation_id%s" $s) (printf "response_days=step-response_days%s" $s))}}
<form class="usa-form usa-form--large" method="post" action="{{.Action}}" novalidate>
  <input type="hidden" name="_csrf" value="{{.CSRF}}">
  <div class="usa-form-group{{if $f.Error "name"}} usa-form-group--error{{end}}">
    <label class="usa-label" for="step-name{{$s}}">Step name</label>
    <span class="usa-hint" id="step-name{{$s}}-hint">Up to {{.MaxName}} characters, for example “Fiscal office review”.</span>
    {{with $f.Error "name"}}<span class="usa-error-message" id="step-name{{$s}}-error">{{.}}</span>{{end}}
    <input class="usa-input" id="step-name{{$s}}" name="name" type="text" maxlength="{{.MaxName}}" value="{{$f.Get "name"}}" aria-describedby="step-name{{$s}}-hint{{if $f.Error "name"}} step-name{{$s}}-error{{end}}"{{if $f.Error "name"}} aria-invalid="true"{{end}}>
  </div>
  <fieldset class="usa-fieldset usa-form-group{{if $f.Error "decider"}} usa-form-group--error{{end}}" aria-describedby="step-decider{{$s}}-hint{{if $f.Error "decider"}} step-decider{{$s}}-error{{end}}">
    <legend class="usa-legend">Who decides</legend>
    <span class="usa-hint" id="step-decider{{$s}}-hint">Any one of them decides the step.</span>
    {{with $f.Error "decider"}}<span class="usa-error-message" id="step-decider{{$s}}-error">{{.}}</span>{{end}}
    {{range .Choices}}
    <div class="usa-radio"><input class="usa-radio__input" id="step-decider-{{.Value}}{{$s}}" type="radio" name="decider" value="{{.Value}}"{{if eq ($f.Get "decider") .Value}} checked{{end}}><label class="usa-radio__label" for="step-decider-{{.Value}}{{$s}}">{{.Label}}</label></div>
    {{end}}
  </fieldset>
  <div class="usa-form-group{{if $f.Error "organisation_id"}} usa-form-group--error{{end}}">
    <label class="usa-label" for="step-organisation_id{{$s}}">Organisation</label>
    <span class="usa-hint" id="step-organisation_id{{$s}}-hint">Only when the people of an organisation decide the step, for example a local partnership’s board.</span>
    {{with $f.Error "organisation_id"}}<span class="usa-error-message" id="step-organisation_id{{$s}}-error">{{.}}</span>{{end}}
    <select class="usa-select" id="step-organisation_id{{$s}}" name="organisation_id" aria-describedby="step-organisation_id{{$s}}-hint{{if $f.Error "organisation_id"}} step-organisation_id{{$s}}-error{{end}}"{{if $f.Error "organisation_id"}} aria-invalid="true"{{end}}>
      <option value="">- No organisation -</option>
      {{range .Orgs}}<option value="{{.ID}}"{{if eq ($f.Get "organisation_id") .ID}} selected{{end}}>{{.Name}} ({{.KindLabel}})</option>{{end}}
    </select>
  </div>
  <div class="usa-form-group{{if $f.Error "response_days"}} usa-form-group--error{{end}}">
    <label class="usa-label" for="step-response_days{{$s}}">Days to respond</label>
    <span class="usa-hint" id="step-response_days{{$s}}-hint">Calendar days, from {{.MinDays}} to {{.MaxDays}}.</span>
    {{with $f.Error "response_days"}}<span class="usa-error-message" id="step-response_days{{$s}}-error">{{.}}</span>{{end}}
    <input class="usa-input usa-input--small" id="step-response_days{{$s}}" name="response_days" type="text" inputmode="numeric" autocomplete="off" value="{{$f.Get "response_days"}}" aria-describedby="step-response_days{{$s}}-hint{{if $f.Error "response_days"}} step-response_days{{$s}}-error{{end}}"{{if $f.Error "response_days"}} aria-invalid="true"{{end}}>
  </div>
  <button class="usa-button" type="submit">{{.Button}}{{with .StepName}}<span class="usa-sr-only">: {{.}}</span>{{end}}</button>
</form>
`

// TestStepFormIsTheTemplate: the step form read once in Go (newStepForm and the new
// _process_step_form.html) writes what the old one wrote reading its form for every value,
// error and option (but for the spaces between tags), on random forms and organisations.
func TestStepFormIsTheTemplate(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("../../views/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	funcs := template.FuncMap(web.NewEngine(fstest.MapFS{}).Funcmap)
	parse := func(form string) *template.Template {
		tm := template.Must(template.New("form").Funcs(funcs).Parse(form))
		template.Must(tm.New("layouts/_errors").Parse(read("layouts/_errors.html")))
		return tm
	}
	oldT, newT := parse(originalStepForm), parse(read("amendments/_process_step_form.html"))
	render := func(tm *template.Template, data any) string {
		var b strings.Builder
		if err := tm.ExecuteTemplate(&b, "form", data); err != nil {
			t.Fatal(err)
		}
		return sameButSpace(b.String())
	}
	r := rand.New(rand.NewPCG(17, 18))
	kinds := []string{tenants.OrgProgram, tenants.OrgFunder, "odd"}
	for round := range 300 {
		var orgs []tenants.Organisation
		for i := range r.IntN(6) {
			orgs = append(orgs, tenants.Organisation{ID: rowWord(r) + string(rune('a'+i)), Name: rowWord(r), Kind: kinds[r.IntN(3)]})
		}
		choices := []DeciderChoice{{DeciderFunder, "The funder’s people (" + rowWord(r) + ")", false},
			{DeciderTenantAdmin, "The tenant admins", false}, {DeciderOrganisation, "The people of an organisation", false}}
		f := newForm()
		for _, k := range []string{"name", "decider", "organisation_id", "response_days", "_form"} {
			if r.IntN(3) == 0 {
				f.Errors[k] = rowWord(r) + " is wrong"
			}
			if r.IntN(3) > 0 {
				f.Values.Set(k, rowWord(r))
			}
		}
		if r.IntN(2) == 0 {
			f.Values.Set("decider", choices[r.IntN(3)].Value)
		}
		if len(orgs) > 0 && r.IntN(2) == 0 {
			f.Values.Set("organisation_id", orgs[r.IntN(len(orgs))].ID)
		}
		suffix := []string{"", "-" + rowWord(r)}[r.IntN(2)]
		sf := newStepForm("/t/x/amendments/processes/f/steps", suffix, "Save the step", rowWord(r), f, choices, decidersOptions(orgs))
		sf.StepName = rowWord(r)
		old := struct {
			Action, Suffix, Button, CSRF string
			Form                         *web.Form
			Orgs                         []tenants.Organisation
			Choices                      []DeciderChoice
			MinDays, MaxDays, MaxName    int
			StepName                     string
		}{sf.Action, sf.Suffix, sf.Button, sf.CSRF, f, orgs, choices, sf.MinDays, sf.MaxDays, sf.MaxName, sf.StepName}
		if got, want := render(newT, sf), render(oldT, old); got != want {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want)
		}
	}
}
