// Package webtest holds what the tests of the pages' Go writers share. Only tests import it.
package webtest

import (
	"html/template"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/holdspace/holdspace/app/web"
)

// funcs are the pages' own template functions (web.NewEngine's).
var funcs = sync.OnceValue(func() template.FuncMap {
	return template.FuncMap(web.NewEngine(fstest.MapFS{}).Funcmap)
})

// parsed are the templates parsed so far, by their text: a test renders one on hundreds of
// random inputs.
var parsed sync.Map

// Render is what the template src writes on data, parsed as html/template with the pages' own
// template functions; a template that does not parse or run fails t.
func Render(t testing.TB, src string, data any) string {
	t.Helper()
	tm, ok := parsed.Load(src)
	if !ok {
		p, err := template.New("writer").Funcs(funcs()).Parse(src)
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		tm, _ = parsed.LoadOrStore(src, p)
	}
	var b strings.Builder
	if err := tm.(*template.Template).Execute(&b, data); err != nil {
		t.Fatalf("execute: %v", err)
	}
	return b.String()
}

// SameAsTemplate fails t, saying name (a test's round, say), when got, what a Go writer wrote
// on data, is not byte for byte what the template src it replaces writes on the same data
// (Render).
func SameAsTemplate[S ~string](t testing.TB, name, src string, data any, got S) {
	t.Helper()
	if want := Render(t, src, data); string(got) != want {
		t.Fatalf("%s:\n got %s\nwant %s", name, got, want)
	}
}
