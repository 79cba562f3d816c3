package reports

import (
	"fmt"
	"html/template"
	"math/rand"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/web"
)

// hostileTexts are texts html/template has to escape, with ordinary ones.
var hostileTexts = []string{"Child care facilities receiving TA", "All PSCs", "3125 Quality Child Care", "75%", "—", "",
	`<script>alert("x" + 'y')</script> & co`, "nul\x00here", "bad utf-8 \xff\xfe", "Ünïcödé — “quoted” \u2028", "Q1", "year to date"}

// randomHref is a link as d.Link builds it for a random slug, PSC and quarter, or now and then
// a relative address d.Link never builds: spaces, quotes, escapes good and bad, non-ASCII.
func randomHref(rng *rand.Rand) string {
	if rng.Intn(3) == 0 {
		odd := []string{" ", `"`, "'", "<", ">", "%", "%4", "%41", "%zz", "%%", "é", "\x00", "\xff", "&", "+", "#", "?", "=", "(", ")", "{", "|", "\\", "^", "`", "~", "a", "Z", "9", ":", "//"}
		s := "/t/"
		for i := 0; i < rng.Intn(12); i++ {
			s += odd[rng.Intn(len(odd))]
		}
		return s
	}
	slug := []string{"nc-piedmont", "illinois", "a1", "x-y-z-9"}[rng.Intn(4)]
	d := NCPCPageData{Report: &NCPCReport{Year: Year{Calendar: []string{"state", "federal", "x y&z"}[rng.Intn(3)], FY: 2020 + rng.Intn(10)}},
		Base: "/t/" + slug + "/reports/ncpc"}
	row := Row{Figure: FigureDef{Key: []string{FigFacilities, FigImprovedPct, "a b+c"}[rng.Intn(3)]}, PSC: []string{"", "3125", "3105"}[rng.Intn(3)]}
	return d.Link(row, rng.Intn(5))
}

// TestRowsHTMLIsTheTemplate: the report's rows written by hand are byte for byte what the
// template wrote, for every text and link, hostile ones included.
func TestRowsHTMLIsTheTemplate(t *testing.T) {
	tpl := template.Must(template.New("rows").Parse(`{{range .}}<tr><th scope="row" data-label="Figure">{{.Label}}</th><td data-label="PSC">{{.PSCLabel}}</td>{{$row := .}}{{range .Cells}}<td data-label="{{.Head}}"><a href="{{.Href}}">{{.Text}}<span class="usa-sr-only"> ({{$row.Label}}, {{$row.PSCLabel}}, {{.Period}}: see the list)</span></a></td>{{end}}</tr>
{{end}}`))
	text := func(rng *rand.Rand) string { return hostileTexts[rng.Intn(len(hostileTexts))] }
	rng := rand.New(rand.NewSource(14))
	for round := 0; round < 500; round++ {
		rows := make([]RowView, rng.Intn(6))
		for i := range rows {
			rows[i] = RowView{Label: text(rng), PSCLabel: text(rng)}
			for j := 0; j < rng.Intn(6); j++ {
				rows[i].Cells = append(rows[i].Cells, CellView{Head: text(rng), Period: text(rng), Href: randomHref(rng), Text: text(rng)})
			}
		}
		var want strings.Builder
		if err := tpl.Execute(&want, rows); err != nil {
			t.Fatal(err)
		}
		if got := string(rowsHTML(rows)); got != want.String() {
			t.Fatalf("round %d, %q:\n got %q\nwant %q", round, rows, got, want.String())
		}
	}
}

// TestProgramViewsAreTheTemplate: the programs' PSCs and identifiers joined in Go read as the
// template's inner ranges wrote them.
func TestProgramViewsAreTheTemplate(t *testing.T) {
	old := template.Must(template.New("old").Parse(`{{range .}}<td>{{range $i, $p := .PSCLabels}}{{if $i}}, {{end}}{{$p}}{{end}}</td><td>{{range $i, $p := .Identifiers}}{{if $i}}; {{end}}{{$p}}{{end}}</td>{{end}}`))
	now := template.Must(template.New("new").Parse(`{{range .}}<td>{{.PSCs}}</td><td>{{.Identifiers}}</td>{{end}}`))
	rng := rand.New(rand.NewSource(3))
	for round := 0; round < 200; round++ {
		lines := make([]NCPCProgramLine, rng.Intn(4))
		for i := range lines {
			for j := 0; j < rng.Intn(4); j++ {
				lines[i].PSCLabels = append(lines[i].PSCLabels, hostileTexts[rng.Intn(len(hostileTexts))])
			}
			for j := 0; j < rng.Intn(4); j++ {
				lines[i].Identifiers = append(lines[i].Identifiers, hostileTexts[rng.Intn(len(hostileTexts))])
			}
		}
		var want, got strings.Builder
		if err := old.Execute(&want, lines); err != nil {
			t.Fatal(err)
		}
		if err := now.Execute(&got, programViews(lines)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("round %d:\n got %q\nwant %q", round, got.String(), want.String())
		}
	}
}

// oldSetupRows is the setup page's table body as it was, reading the form in each row.
const oldSetupRows = `{{$d := .D}}{{range $d.Rows}}
    <tr>
      <th scope="row" data-label="Program">{{.ProgramName}}</th>
      <td data-label="Funder">{{.FunderName}}</td>
      <td data-label="Fiscal year">{{.FYLabel}}</td>
      <td data-label="Reported to NCPC">
        <div class="usa-checkbox">
          <input class="usa-checkbox__input" id="{{.ReportedField}}" type="checkbox" name="{{.ReportedField}}" value="yes"{{if $.Form.Get .ReportedField}} checked{{end}}>
          <label class="usa-checkbox__label" for="{{.ReportedField}}">Reported<span class="usa-sr-only"> to NCPC: {{.ProgramName}}, {{.FunderName}}, {{.FYLabel}}</span></label>
        </div>
      </td>
      <td data-label="Program identifier">
        <div class="usa-form-group margin-top-0{{if $.Form.Error .PIDField}} usa-form-group--error{{end}}">
          <label class="usa-label usa-sr-only" for="{{.PIDField}}">Program identifier for {{.ProgramName}}, {{.FunderName}}, {{.FYLabel}}</label>
          {{if $.Form.Error .PIDField}}<span class="usa-error-message" id="{{.PIDField}}-error">{{$.Form.Error .PIDField}}</span>{{end}}
          <input class="usa-input margin-top-0" id="{{.PIDField}}" name="{{.PIDField}}" type="text" maxlength="200" value="{{$.Form.Get .PIDField}}"{{if $.Form.Error .PIDField}} aria-describedby="{{.PIDField}}-error" aria-invalid="true"{{end}}>
        </div>
      </td>
      <td data-label="Purpose Service Code">
        <div class="usa-form-group margin-top-0{{if $.Form.Error .PSCField}} usa-form-group--error{{end}}">
          <label class="usa-label usa-sr-only" for="{{.PSCField}}">Purpose Service Code for {{.ProgramName}}, {{.FunderName}}, {{.FYLabel}}</label>
          {{if $.Form.Error .PSCField}}<span class="usa-error-message" id="{{.PSCField}}-error">{{$.Form.Error .PSCField}}</span>{{end}}
          {{$chosen := $.Form.Get .PSCField}}
          <select class="usa-select margin-top-0" id="{{.PSCField}}" name="{{.PSCField}}"{{if $.Form.Error .PSCField}} aria-describedby="{{.PSCField}}-error" aria-invalid="true"{{end}}>
            <option value="">- Choose a PSC -</option>
            {{range $d.PSCs}}<option value="{{.Code}}"{{if eq .Code $chosen}} selected{{end}}>{{.Code}} {{.Label}}</option>{{end}}
          </select>
        </div>
      </td>
    </tr>
    {{end}}`

// setupRowsTemplate is setupRowsHTML's template (its doc comment).
const setupRowsTemplate = `{{range .}}<tr><th scope="row" data-label="Program">{{.ProgramName}}</th><td data-label="Funder">{{.FunderName}}</td><td data-label="Fiscal year">{{.FYLabel}}</td><td data-label="Reported to NCPC"><div class="usa-checkbox"><input class="usa-checkbox__input" id="{{.ReportedField}}" type="checkbox" name="{{.ReportedField}}" value="yes"{{if .Checked}} checked{{end}}><label class="usa-checkbox__label" for="{{.ReportedField}}">Reported<span class="usa-sr-only"> to NCPC: {{.Desc}}</span></label></div></td><td data-label="Program identifier"><div class="usa-form-group margin-top-0{{if .PIDError}} usa-form-group--error{{end}}"><label class="usa-label usa-sr-only" for="{{.PIDField}}">Program identifier for {{.Desc}}</label>{{if .PIDError}}<span class="usa-error-message" id="{{.PIDField}}-error">{{.PIDError}}</span>{{end}}<input class="usa-input margin-top-0" id="{{.PIDField}}" name="{{.PIDField}}" type="text" maxlength="200" value="{{.PID}}"{{if .PIDError}} aria-describedby="{{.PIDField}}-error" aria-invalid="true"{{end}}></div></td><td data-label="Purpose Service Code"><div class="usa-form-group margin-top-0{{if .PSCError}} usa-form-group--error{{end}}"><label class="usa-label usa-sr-only" for="{{.PSCField}}">Purpose Service Code for {{.Desc}}</label>{{if .PSCError}}<span class="usa-error-message" id="{{.PSCField}}-error">{{.PSCError}}</span>{{end}}<select class="usa-select margin-top-0" id="{{.PSCField}}" name="{{.PSCField}}"{{if .PSCError}} aria-describedby="{{.PSCField}}-error" aria-invalid="true"{{end}}><option value="">- Choose a PSC -</option>{{.PSCOptions}}</select></div></td></tr>
{{end}}`

// TestSetupRowsHTMLIsTheTemplate: the setup rows written by hand are byte for byte what their
// template writes, for every text, field name, value and message, hostile ones included.
func TestSetupRowsHTMLIsTheTemplate(t *testing.T) {
	tpl := template.Must(template.New("setup").Parse(setupRowsTemplate))
	rng := rand.New(rand.NewSource(9))
	pick := func() string { return hostileTexts[rng.Intn(len(hostileTexts))] }
	maybe := func() string {
		if rng.Intn(2) == 0 {
			return ""
		}
		return pick()
	}
	for round := 0; round < 500; round++ {
		lines := make([]NCPCSetupLine, rng.Intn(5))
		for i := range lines {
			chosen := []string{"", "3105", "3125", "x"}[rng.Intn(4)]
			opts := make([]web.Option, len(PSCs))
			for j, p := range PSCs {
				opts[j] = web.Option{Value: p.Code, Label: p.Code + " " + p.Label, Selected: p.Code == chosen}
			}
			lines[i] = NCPCSetupLine{ProgramName: pick(), FunderName: pick(), FYLabel: pick(), Desc: pick(),
				ReportedField: "ncpc_" + pick(), PIDField: "pid_" + pick(), PSCField: "psc_" + pick(), Checked: rng.Intn(2) == 0,
				PID: maybe(), PIDError: maybe(), PSCError: maybe(), PSCOptions: web.OptionsHTML(opts)}
		}
		var want strings.Builder
		if err := tpl.Execute(&want, lines); err != nil {
			t.Fatal(err)
		}
		if got := string(setupRowsHTML(lines)); got != want.String() {
			t.Fatalf("round %d:\n got %q\nwant %q", round, got, want.String())
		}
	}
}

// TestSetupRowsAreTheOldRows: the setup page's rows, read from the form once in Go and written
// by hand, are what the rows that read the form themselves wrote (but for the whitespace between
// tags), for every form: ticked or not, typed values and errors, hostile ones included, chosen
// PSCs known or not.
func TestSetupRowsAreTheOldRows(t *testing.T) {
	old := template.Must(template.New("old").Parse(oldSetupRows))
	blank := regexp.MustCompile(`\n\s*`)
	rng := rand.New(rand.NewSource(5))
	pick := func(xs []string) string { return xs[rng.Intn(len(xs))] }
	for round := 0; round < 300; round++ {
		var rows []NCPCSetupRow
		f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
		for i := 0; i < rng.Intn(5); i++ {
			id := fmt.Sprintf("0000000%d-aaaa-bbbb-cccc-dddddddddddd", i)
			r := NCPCSetupRow{NCPCFunding: NCPCFunding{ID: id, ProgramName: pick(hostileTexts), FunderName: pick(hostileTexts), FYLabel: pick(hostileTexts)},
				ReportedField: ncpcReportedField(id), PIDField: ncpcPIDField(id), PSCField: ncpcPSCField(id)}
			rows = append(rows, r)
			if rng.Intn(2) == 0 {
				f.Values.Set(r.ReportedField, pick([]string{"yes", "on", ""}))
			}
			if rng.Intn(4) > 0 {
				f.Values.Set(r.PIDField, pick(append(hostileTexts, DefaultProgramIdentifier)))
			}
			if rng.Intn(4) > 0 {
				f.Values.Set(r.PSCField, pick([]string{"", "3105", "3104", "3125", "9999", `"><x`}))
			}
			if rng.Intn(3) == 0 {
				f.Errors[r.PIDField] = pick(hostileTexts)
			}
			if rng.Intn(3) == 0 {
				f.Errors[r.PSCField] = pick(hostileTexts)
			}
		}
		var want strings.Builder
		if err := old.Execute(&want, map[string]any{"Form": f, "D": map[string]any{"Rows": rows, "PSCs": PSCs}}); err != nil {
			t.Fatal(err)
		}
		got := string(setupRowsHTML(setupLines(rows, f)))
		if g, w := blank.ReplaceAllString(got, ""), blank.ReplaceAllString(want.String(), ""); g != w {
			t.Fatalf("round %d:\n got %s\nwant %s", round, g, w)
		}
	}
}

// TestLinkIsTheEncodedQuery: a cell's link is what url.Values.Encode wrote for its query.
func TestLinkIsTheEncodedQuery(t *testing.T) {
	for _, cal := range []string{"state", "federal", "x y&z=é"} {
		for _, psc := range []string{"", "3125", "a+b c"} {
			for _, key := range []string{FigFacilities, "a b+c&d"} {
				for q := 0; q <= 4; q++ {
					d := NCPCPageData{Report: &NCPCReport{Year: Year{Calendar: cal, FY: 2026}}, Base: "/t/x/reports/ncpc"}
					row := Row{Figure: FigureDef{Key: key}, PSC: psc}
					v := url.Values{"section": {key}, "psc": {psc}, "calendar": {cal}, "fy": {"2026"}}
					if q > 0 {
						v.Set("quarter", fmt.Sprint(q))
					}
					if got, want := d.Link(row, q), d.Base+"/list?"+v.Encode(); got != want {
						t.Fatalf("Link = %q, want %q", got, want)
					}
				}
			}
		}
	}
}

// TestProgramsHTMLIsTheTemplate: the programs table's rows written in Go are what the template
// wrote.
func TestProgramsHTMLIsTheTemplate(t *testing.T) {
	tpl := template.Must(template.New("p").Parse(programsTemplate))
	rng := rand.New(rand.NewSource(9))
	for round := 0; round < 300; round++ {
		d := struct {
			Base     string
			Programs []ProgramView
		}{Base: []string{"/t/nc-piedmont", "/t/a1"}[rng.Intn(2)]}
		for range rng.Intn(5) {
			d.Programs = append(d.Programs, ProgramView{ProgramID: hostileTexts[rng.Intn(len(hostileTexts))], Name: hostileTexts[rng.Intn(len(hostileTexts))],
				PSCs: hostileTexts[rng.Intn(len(hostileTexts))], Identifiers: hostileTexts[rng.Intn(len(hostileTexts))]})
		}
		var want strings.Builder
		if err := tpl.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got := string(programsHTML(d.Base, d.Programs)); got != want.String() {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want.String())
		}
	}
}

// TestSectionLinksAreLink: each cell of the report's tables links where Link says, for every
// figure and PSC (odd ones too), on both calendars, and reads the row's value.
func TestSectionLinksAreLink(t *testing.T) {
	for _, cal := range []string{CalendarState, CalendarFederal, "x y&z=é"} {
		rep := &NCPCReport{Year: Year{Calendar: cal, FY: 2026, StartMonth: 7}}
		rep.Quarters = rep.Year.Quarters()
		figures := append(append([]FigureDef(nil), NCPCFigures...), FigureDef{Key: "a b+c&d", Section: SectionOutputs, Label: "odd"})
		for i, f := range figures {
			for j, psc := range []string{"", "3125", "a+b c"} {
				rep.Rows = append(rep.Rows, Row{Figure: f, PSC: psc, Q: [4]Value{{N: i}, {N: j}, {N: 3}, {N: 4}}, YTD: Value{N: i + j}})
			}
		}
		d := &NCPCPageData{Report: rep, Base: "/t/x/reports/ncpc"}
		cells := 0
		for _, sv := range d.sections() {
			for _, rv := range sv.Rows {
				for _, row := range rep.Rows {
					if row.Figure.Label != rv.Label || row.PSCLabel() != rv.PSCLabel || row.Figure.Section != sv.Key {
						continue
					}
					for k, c := range rv.Cells {
						q := k + 1
						if k == len(rv.Cells)-1 {
							q = 0
						}
						if want := d.Link(row, q); c.Href != want {
							t.Fatalf("%s, %s, cell %d: href %q, want %q", rv.Label, rv.PSCLabel, k, c.Href, want)
						}
						if want := row.Cell(q).String(); c.Text != want {
							t.Fatalf("%s, %s, cell %d: %q, want %q", rv.Label, rv.PSCLabel, k, c.Text, want)
						}
						cells++
					}
				}
			}
		}
		if want := len(rep.Rows) * 5; cells != want {
			t.Fatalf("%d cells checked, want %d", cells, want)
		}
	}
}

// TestListItemsHTMLIsTheTemplate: the rows of the list behind a figure, written in Go, are what
// the template wrote, with and without an engagement, on hostile texts.
func TestListItemsHTMLIsTheTemplate(t *testing.T) {
	tpl := template.Must(template.New("l").Parse(listItemsTemplate))
	rng := rand.New(rand.NewSource(11))
	pick := func() string { return hostileTexts[rng.Intn(len(hostileTexts))] }
	for round := 0; round < 300; round++ {
		d := struct {
			Base  string
			Items []ListItem
		}{Base: []string{"/t/nc-piedmont", "/t/a1", "/t/x y"}[rng.Intn(3)]}
		for range rng.Intn(5) {
			it := ListItem{Name: pick(), ProgramID: pick(), ProgramName: pick(), Detail: pick()}
			if rng.Intn(3) > 0 {
				it.EngagementID = pick()
			}
			d.Items = append(d.Items, it)
		}
		var want strings.Builder
		if err := tpl.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got := string(listItemsHTML(d.Base, d.Items)); got != want.String() {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want.String())
		}
	}
}

// TestEquityRowsHTMLIsTheTemplate: the equity table's rows written in Go are what the template
// wrote, suppressed counts and hostile labels included.
func TestEquityRowsHTMLIsTheTemplate(t *testing.T) {
	tpl := template.Must(template.New("e").Parse(equityRowsTemplate))
	rng := rand.New(rand.NewSource(12))
	pick := func() string { return hostileTexts[rng.Intn(len(hostileTexts))] }
	count := func() Count { return Count{N: rng.Intn(40), forced: rng.Intn(5) == 0} }
	for round := 0; round < 300; round++ {
		eq := &Equity{Columns: make([]string, rng.Intn(6))}
		mkRow := func() EquityRow {
			r := EquityRow{Label: pick(), Engagements: count()}
			for range eq.Columns {
				r.Cells = append(r.Cells, count())
			}
			return r
		}
		eq.All = mkRow()
		for range rng.Intn(4) {
			sec := EquitySection{Title: pick()}
			for range rng.Intn(5) {
				sec.Rows = append(sec.Rows, mkRow())
			}
			eq.Sections = append(eq.Sections, sec)
		}
		var want strings.Builder
		if err := tpl.Execute(&want, eq); err != nil {
			t.Fatal(err)
		}
		if got := string(equityRowsHTML(eq)); got != want.String() {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want.String())
		}
	}
}
