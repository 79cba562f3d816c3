package consultation

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web/webtest"
)

// hostile are texts that test the escaping: markup, quotes, entities, a NUL, bad UTF-8.
var hostile = []string{"Play-based coaching", "", `<script>alert("x" + 'y')</script> & co`, "nul\x00here",
	"bad utf-8 \xff\xfe", "Ünïcödé — “quoted” \u2028", "a+b=c; d<e>f", "2026-03-05", "60"}

func pick(rng *rand.Rand, from []string) string { return from[rng.Intn(len(from))] }

// TestSessionRowsHTMLIsTheTemplate: the sessions list's rows written in Go are byte for byte
// what the template (the original, its cells' whitespace aside) wrote, and so are the rows
// from sessions (labels, minutes, the shortened summary).
func TestSessionRowsHTMLIsTheTemplate(t *testing.T) {
	const src = `{{range .Rows}}<tr><th scope="row" data-label="Date" class="hs-date"><a href="{{$.Base}}/sessions/{{.ID}}">{{.HeldOn}}</a></th>` +
		`<td data-label="Program">{{.ProgramName}}</td><td data-label="Consultant">{{.ConsultantName}}</td>` +
		`<td data-label="Service">{{.ServiceLabel}}</td><td data-label="Minutes">{{.Minutes}}</td>` +
		`<td data-label="Mode">{{.ModeLabel}}</td><td data-label="Summary">{{.ShortSummary}}</td></tr>` + "\n{{end}}"
	services := []string{Services[0].Value, Services[len(Services)-1].Value, "Our own <service>", ""}
	modes := []string{Modes[0].Value, Modes[len(Modes)-1].Value, "odd&mode"}
	rng := rand.New(rand.NewSource(14))
	for round := 0; round < 300; round++ {
		base := pick(rng, []string{"/t/nc-piedmont", "/t/illinois", "/t/a1"})
		list := make([]Session, rng.Intn(8))
		for i := range list {
			summary := pick(rng, hostile)
			if rng.Intn(3) == 0 {
				summary = strings.Repeat(pick(rng, hostile)+" ", 1+rng.Intn(40))
			}
			list[i] = Session{ID: database.NewID(), HeldOn: pick(rng, hostile), ProgramName: pick(rng, hostile),
				ConsultantName: pick(rng, hostile), Service: pick(rng, services), Minutes: rng.Intn(500) - 10,
				Mode: pick(rng, modes), Summary: summary}
		}
		want := webtest.Render(t, src, struct {
			Base string
			Rows []Session
		}{base, list})
		if got := string(sessionRowsHTML(base, sessionRows(list))); got != want {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want)
		}
	}
}

// TestTopicsHTMLIsTheTemplate: the session form's topic checkboxes written in Go are what the
// template wrote.
func TestTopicsHTMLIsTheTemplate(t *testing.T) {
	const src = `{{range $i, $t := .}}<div class="usa-checkbox grid-col-12 tablet:grid-col-6"><input class="usa-checkbox__input" id="topic-{{$i}}" type="checkbox" name="topics" value="{{$t.Value}}"{{if $t.Checked}} checked{{end}}><label class="usa-checkbox__label" for="topic-{{$i}}">{{$t.Label}}</label></div>` + "\n{{end}}"
	rng := rand.New(rand.NewSource(3))
	for round := 0; round < 200; round++ {
		topics := make([]Option, rng.Intn(30))
		for i := range topics {
			topics[i] = Option{Value: pick(rng, hostile), Label: pick(rng, hostile), Checked: rng.Intn(3) == 0}
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), src, topics, topicsHTML(topics))
	}
}

// TestResourceRowsHTMLIsTheTemplate: the library's rows written in Go are what the template
// wrote, for each role's columns and for links of every kind (other schemes, spaces,
// %-escapes good and bad, quotes).
func TestResourceRowsHTMLIsTheTemplate(t *testing.T) {
	const src = `{{range .Entries}}<tr><th scope="row" data-label="Resource">{{if .URL}}<a href="{{.URL}}" rel="noopener noreferrer">{{.Title}}</a>{{else}}{{.Title}}{{end}}{{with .Description}}<br><span class="text-base">{{.}}</span>{{end}}</th>` +
		`<td data-label="Topic">{{.Topic}}</td><td data-label="For">{{.AudienceLabel}}</td>` +
		`{{if $.Program}}<td data-label="Shared">{{.SharedWithLabel}}</td>{{end}}` +
		`{{if $.CanEdit}}<td><a href="{{$.Base}}/resources/{{.ID}}/edit">Change<span class="usa-sr-only"> {{.Title}}</span></a></td>{{end}}</tr>` + "\n{{end}}"
	urls := []string{"", "", "https://example.org/a/b?c=d&e=f+g#h", "http://x.test/%41%4g%", "HTTPS://x.test/a b/é",
		"javascript:alert(1)", "mailto:a@b.test", "ftp://x.test", "//x.test/p", "/relative/path?q='1'(2)", "https://x.test/\"><b>",
		"https://x.test/%", "https://x.test/%4", "https://x.test/%41", "data:text/html,<b>", "https://x.test/\x00\x7f\xff{}|\\^`"}
	audiences := []string{"professionals", "families", "leaders", "other<>"}
	shared := []string{"", SharedWithFamily, SharedWithProgram}
	rng := rand.New(rand.NewSource(25))
	for round := 0; round < 400; round++ {
		d := struct {
			Base             string
			Entries          []LibraryEntry
			Program, CanEdit bool
		}{Base: pick(rng, []string{"/t/nc-piedmont", "/t/x"}), Program: rng.Intn(2) == 0, CanEdit: rng.Intn(2) == 0}
		for range rng.Intn(8) {
			d.Entries = append(d.Entries, LibraryEntry{Resource: Resource{ID: database.NewID(), Title: pick(rng, hostile),
				URL: pick(rng, urls), Topic: pick(rng, hostile), Audience: pick(rng, audiences), Description: pick(rng, hostile)},
				SharedWith: pick(rng, shared)})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), src, d, resourceRowsHTML(d.Base, d.Entries, d.Program, d.CanEdit))
	}
	// Every byte as a link, alone and after a scheme.
	for c := 0; c < 256; c++ {
		for _, u := range []string{string(rune(c)), "https://x.test/" + string([]byte{byte(c)}) + "%2", "https://x.test/%" + string([]byte{byte(c)}) + "f"} {
			e := []LibraryEntry{{Resource: Resource{ID: "1", Title: "T", URL: u}}}
			if got, want := string(resourceRowsHTML("/t/x", e, false, false)), webtest.Render(t, src, struct {
				Base             string
				Entries          []LibraryEntry
				Program, CanEdit bool
			}{"/t/x", e, false, false}); got != want {
				t.Fatalf("link %q:\n got %s\nwant %s", u, got, want)
			}
		}
	}
}

// TestDatalistHTMLIsTheTemplate: the form's known topics written in Go are what the template
// wrote.
func TestDatalistHTMLIsTheTemplate(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for round := 0; round < 100; round++ {
		values := make([]string, rng.Intn(10))
		for i := range values {
			values[i] = pick(rng, hostile)
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), `{{range .}}<option value="{{.}}">{{end}}`, values, datalistHTML(values))
	}
}
