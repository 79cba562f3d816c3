package amendments

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/web"
	"github.com/holdspace/holdspace/app/web/webtest"
)

// originalExistingRows and originalAddedRows are the proposal form's rows as request.html
// wrote them before they were written in Go: every value and error read from the form there.
const originalExistingRows = `{{$d := .D}}{{$f := .Form}}
    {{range $r := $d.Existing}}
    <div class="grid-row grid-gap-2 margin-top-2">
      <input type="hidden" name="{{$r.IDField}}" value="{{$r.BudgetLineID}}">
      <input type="hidden" name="{{$r.CategoryField}}" value="{{$r.Category}}">
      <div class="grid-col-12 tablet:grid-col-5 usa-form-group margin-top-0{{if $f.Error $r.ProposedField}} usa-form-group--error{{end}}">
        <label class="usa-label margin-top-0" for="{{$r.ProposedField}}">{{$r.Category}}: proposed amount</label>
        <span class="usa-hint" id="{{$r.ProposedField}}-hint">Now {{$r.Current}}</span>
        {{with $f.Error $r.ProposedField}}<span class="usa-error-message" id="{{$r.ProposedField}}-error">{{.}}</span>{{end}}
        <div class="usa-input-group{{if $f.Error $r.ProposedField}} usa-input--error{{end}}">
          <div class="usa-input-prefix" aria-hidden="true">$</div>
          <input class="usa-input" id="{{$r.ProposedField}}" name="{{$r.ProposedField}}" type="text" inputmode="decimal" value="{{$f.Get $r.ProposedField}}" aria-describedby="{{$r.ProposedField}}-hint{{if $f.Error $r.ProposedField}} {{$r.ProposedField}}-error{{end}}"{{if $f.Error $r.ProposedField}} aria-invalid="true"{{end}}>
        </div>
      </div>
      <div class="grid-col-12 tablet:grid-col-7 usa-form-group margin-top-0{{if $f.Error $r.ReasonField}} usa-form-group--error{{end}}">
        <label class="usa-label margin-top-0" for="{{$r.ReasonField}}">{{$r.Category}}: why it changes</label>
        {{with $f.Error $r.ReasonField}}<span class="usa-error-message" id="{{$r.ReasonField}}-error">{{.}}</span>{{end}}
        <input class="usa-input" id="{{$r.ReasonField}}" name="{{$r.ReasonField}}" type="text" maxlength="500" value="{{$f.Get $r.ReasonField}}"{{if $f.Error $r.ReasonField}} aria-describedby="{{$r.ReasonField}}-error" aria-invalid="true"{{end}}>
      </div>
    </div>
    {{end}}
`

const originalAddedRows = `{{$d := .D}}{{$f := .Form}}
    {{range $r := $d.Added}}
    <div class="grid-row grid-gap-2 margin-top-2">
      <input type="hidden" name="{{$r.IDField}}" value="">
      <div class="grid-col-12 tablet:grid-col-4 usa-form-group margin-top-0{{if $f.Error $r.CategoryField}} usa-form-group--error{{end}}">
        <label class="usa-label margin-top-0" for="{{$r.CategoryField}}">New line: category</label>
        {{with $f.Error $r.CategoryField}}<span class="usa-error-message" id="{{$r.CategoryField}}-error">{{.}}</span>{{end}}
        {{$chosen := $f.Get $r.CategoryField}}
        <select class="usa-select" id="{{$r.CategoryField}}" name="{{$r.CategoryField}}"{{if $f.Error $r.CategoryField}} aria-describedby="{{$r.CategoryField}}-error" aria-invalid="true"{{end}}>
          <option value="">- Category -</option>
          {{range $d.Categories}}<option value="{{.}}"{{if eq . $chosen}} selected{{end}}>{{.}}</option>{{end}}
          {{if $chosen}}{{if not ($d.HasCategory $chosen)}}<option value="{{$chosen}}" selected>{{$chosen}}</option>{{end}}{{end}}
        </select>
      </div>
      <div class="grid-col-12 tablet:grid-col-3 usa-form-group margin-top-0{{if $f.Error $r.ProposedField}} usa-form-group--error{{end}}">
        <label class="usa-label margin-top-0" for="{{$r.ProposedField}}">New line: amount</label>
        {{with $f.Error $r.ProposedField}}<span class="usa-error-message" id="{{$r.ProposedField}}-error">{{.}}</span>{{end}}
        <div class="usa-input-group{{if $f.Error $r.ProposedField}} usa-input--error{{end}}">
          <div class="usa-input-prefix" aria-hidden="true">$</div>
          <input class="usa-input" id="{{$r.ProposedField}}" name="{{$r.ProposedField}}" type="text" inputmode="decimal" value="{{$f.Get $r.ProposedField}}"{{if $f.Error $r.ProposedField}} aria-describedby="{{$r.ProposedField}}-error" aria-invalid="true"{{end}}>
        </div>
      </div>
      <div class="grid-col-12 tablet:grid-col-5 usa-form-group margin-top-0{{if $f.Error $r.ReasonField}} usa-form-group--error{{end}}">
        <label class="usa-label margin-top-0" for="{{$r.ReasonField}}">New line: why</label>
        {{with $f.Error $r.ReasonField}}<span class="usa-error-message" id="{{$r.ReasonField}}-error">{{.}}</span>{{end}}
        <input class="usa-input" id="{{$r.ReasonField}}" name="{{$r.ReasonField}}" type="text" maxlength="500" value="{{$f.Get $r.ReasonField}}"{{if $f.Error $r.ReasonField}} aria-describedby="{{$r.ReasonField}}-error" aria-invalid="true"{{end}}>
      </div>
    </div>
    {{end}}
`

var spaceBetweenTags = regexp.MustCompile(`>\s+<`)
var spaces = regexp.MustCompile(`\s+`)

// sameButSpace is s with the spaces between tags gone and every other run of spaces one space.
func sameButSpace(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(spaceBetweenTags.ReplaceAllString(s, "><"), " "))
}

// randomProposalForm is a proposal's form with random rows, values and errors, and its page.
func randomProposalForm(r *rand.Rand) (*RequestData, *web.Form) {
	f := newForm()
	d := &RequestData{Categories: []string{"Personnel", "Fringe & benefits", "Travel", rowWord(r)}}
	for i := range r.IntN(7) {
		row := Row{Index: i, IDField: LineField("id", i), CategoryField: LineField("category", i), ProposedField: LineField("proposed", i),
			ReasonField: LineField("justification", i), Category: rowWord(r), Current: money.Cents(r.Int64N(1e8) - 1e6)}
		if r.IntN(2) == 0 {
			row.BudgetLineID, row.Existing = rowWord(r)+strconv.Itoa(i), true
		}
		for _, k := range []string{row.CategoryField, row.ProposedField, row.ReasonField} {
			if r.IntN(3) == 0 {
				f.Errors[k] = rowWord(r) + " is wrong"
			}
			if r.IntN(3) > 0 {
				f.Values.Set(k, rowWord(r))
			}
		}
		if r.IntN(3) == 0 {
			f.Values.Set(row.CategoryField, d.Categories[r.IntN(len(d.Categories))])
		}
		if row.Existing {
			d.Existing = append(d.Existing, row)
		} else {
			d.Added = append(d.Added, row)
		}
	}
	for i := range d.Existing {
		d.Existing[i].fill(f, d.Categories)
	}
	for i := range d.Added {
		d.Added[i].fill(f, d.Categories)
	}
	return d, f
}

// TestProposalRowsHTMLIsTheTemplate: the proposal form's rows written in Go are byte for byte
// what their templates write, and those write what request.html wrote with the form's own
// values and errors (but for the spaces between tags), on random forms.
func TestProposalRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for round := range 400 {
		d, f := randomProposalForm(r)
		page := struct {
			D    *RequestData
			Form *web.Form
		}{d, f}
		ex, ad := string(existingRowsHTML(d.Existing)), string(addedRowsHTML(d.Added))
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d, existing", round), existingRowsTemplate, d.Existing, ex)
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d, added", round), addedRowsTemplate, d.Added, ad)
		if got, want := sameButSpace(ex), sameButSpace(webtest.Render(t, originalExistingRows, page)); got != want {
			t.Fatalf("round %d, existing against request.html:\n got %s\nwant %s", round, got, want)
		}
		if got, want := sameButSpace(ad), sameButSpace(webtest.Render(t, originalAddedRows, page)); got != want {
			t.Fatalf("round %d, added against request.html:\n got %s\nwant %s", round, got, want)
		}
	}
}
