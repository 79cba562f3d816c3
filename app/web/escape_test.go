package web

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestEscapeHTMLIsTheTemplates: EscapeHTML writes what html/template writes for a string in
// text and in a quoted attribute.
func TestEscapeHTMLIsTheTemplates(t *testing.T) {
	text := template.Must(template.New("t").Parse(`{{.}}`))
	attr := template.Must(template.New("a").Parse(`<a title="{{.}}">`))
	for _, s := range []string{"", "plain", `<script>alert('x' + "y")</script>`, "a & b", "nul\x00byte", "é ünï 漢字", "bad \xff utf8", "+1 <2> &3;"} {
		var want, wantAttr, got strings.Builder
		if err := text.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		if err := attr.Execute(&wantAttr, s); err != nil {
			t.Fatal(err)
		}
		EscapeHTML(&got, s)
		if got.String() != want.String() {
			t.Errorf("EscapeHTML(%q) = %q, html/template wrote %q", s, got.String(), want.String())
		}
		if a := `<a title="` + got.String() + `">`; a != wantAttr.String() {
			t.Errorf("in an attribute: %q, html/template wrote %q", a, wantAttr.String())
		}
	}
}

// TestEscapeHTMLEveryByte: each byte alone, and random strings of the bytes that matter
// around multi-byte runes, as html/template writes them.
func TestEscapeHTMLEveryByte(t *testing.T) {
	text := template.Must(template.New("t").Parse(`{{.}}`))
	check := func(s string) {
		t.Helper()
		var want, got strings.Builder
		if err := text.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		EscapeHTML(&got, s)
		if got.String() != want.String() {
			t.Errorf("EscapeHTML(%q) = %q, html/template wrote %q", s, got.String(), want.String())
		}
	}
	for b := 0; b < 256; b++ {
		check(string([]byte{byte(b)}))
		check("ab" + string([]byte{byte(b)}) + "cd")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "Z", " ", "&", "<", ">", `"`, "'", "+", "\x00", "é", "漢", "\xff", "&amp;", "plain text "}
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for n := rng.IntN(12); n > 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		check(b.String())
	}
}

// BenchmarkEscapeHTML is a row's worth of the texts the Go-written tables escape: ids, names,
// labels, most with nothing to escape, one with an ampersand.
func BenchmarkEscapeHTML(b *testing.B) {
	texts := []string{"reported_0193a2b4-7c4e-7a1b-9f3e-0123456789ab", "Smart Start of Forsyth County",
		"Program identifier for Little Acorns Child Development Center, Smart Start of Forsyth County, FY 2026–27",
		"Children & Families Partnership", "2026-27"}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		for _, s := range texts {
			EscapeHTML(&buf, s)
		}
	}
}
