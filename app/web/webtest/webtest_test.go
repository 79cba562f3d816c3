package webtest

import (
	"fmt"
	"html/template"
	"testing"
)

// recorder is a testing.TB that records a failure instead of stopping the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

// TestSameAsTemplate: the same bytes pass, one byte off fails, with the pages' functions.
func TestSameAsTemplate(t *testing.T) {
	src := `{{range .}}<li>{{.}}</li>{{end}}{{plural (len .) "item" "items"}}`
	data := []string{"A & B", `<x y="z">`}
	want := template.HTML(`<li>A &amp; B</li><li>&lt;x y=&#34;z&#34;&gt;</li>2 items`)
	r := &recorder{TB: t}
	SameAsTemplate(r, "same", src, data, want)
	if r.failed != "" {
		t.Fatalf("the same bytes failed: %s", r.failed)
	}
	SameAsTemplate(r, "off", src, data, want[:len(want)-1]+"S")
	if r.failed == "" {
		t.Fatal("a byte off passed")
	}
}
