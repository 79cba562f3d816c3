package web

import (
	"html/template"
	"strings"
	"testing"
)

// TestTemplateURLIsTheTemplates: a whole address, an address's part and a query's value,
// written with TemplateURL / NormalizeURL / QueryURL and EscapeHTML, are what html/template writes for them, for every
// byte alone, after a scheme, around a %, and for chosen addresses.
func TestTemplateURLIsTheTemplates(t *testing.T) {
	whole := template.Must(template.New("w").Parse(`<a href="{{.}}">`))
	part := template.Must(template.New("p").Parse(`<a href="mailto:{{.}}">`))
	query := template.Must(template.New("q").Parse(`<a href="/r?x={{.}}">`))
	cases := []string{"", "https://example.org/a/b?c=d&e=f+g#h", "http://x.test/%41%4g%", "HTTPS://x.test/a b/é",
		"javascript:alert(1)", "JavaScript:x", "mailto:a@b.test", "ftp://x.test", "//x.test/p", "/relative/path?q='1'(2)",
		"https://x.test/\"><b>", "https://x.test/%", "https://x.test/%4", "data:text/html,<b>", "a.b+c@example.org", "o'neil@x.test"}
	for c := 0; c < 256; c++ {
		b := string([]byte{byte(c)})
		cases = append(cases, b, "https://x.test/"+b+"%2", "https://x.test/%"+b+"f", "/t/"+b)
	}
	for _, s := range cases {
		var want, got strings.Builder
		if err := whole.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		got.WriteString(`<a href="`)
		EscapeHTML(&got, TemplateURL(s))
		got.WriteString(`">`)
		if got.String() != want.String() {
			t.Fatalf("whole %q: got %s, html/template wrote %s", s, got.String(), want.String())
		}
		want.Reset()
		got.Reset()
		if err := part.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		got.WriteString(`<a href="mailto:`)
		EscapeHTML(&got, NormalizeURL(s))
		got.WriteString(`">`)
		if got.String() != want.String() {
			t.Fatalf("part %q: got %s, html/template wrote %s", s, got.String(), want.String())
		}
		want.Reset()
		got.Reset()
		if err := query.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		got.WriteString(`<a href="/r?x=`)
		EscapeHTML(&got, QueryURL(s))
		got.WriteString(`">`)
		if got.String() != want.String() {
			t.Fatalf("query %q: got %s, html/template wrote %s", s, got.String(), want.String())
		}
	}
}
