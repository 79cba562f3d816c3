package platform

import (
	"fmt"
	"testing"
)

func TestLinkParts(t *testing.T) {
	for in, want := range map[string]string{
		"Open http://holdspace.test/password/reset/abc.\nThanks":            `["Open " <http://holdspace.test/password/reset/abc> ".\nThanks"]`,
		"Two: https://a.example/x?y=1&z=2, and (http://b.example/).":        `["Two: " <https://a.example/x?y=1&z=2> ", and (" <http://b.example/> ")."]`,
		"Wiki https://en.example/Foo_(bar) ok":                              `["Wiki " <https://en.example/Foo_(bar)> " ok"]`,
		"No scheme www.example.org, javascript:alert(1), ftp://x.example/f": `["No scheme www.example.org, javascript:alert(1), ftp://x.example/f"]`,
		`<a href="https://evil.example/">x</a>`:                             `["<a href=\"" <https://evil.example/> "\">x</a>"]`,
		"http:// nothing":                                                   `["http:// nothing"]`,
		"":                                                                  `[]`,
	} {
		got := "["
		for i, p := range LinkParts(in) {
			if i > 0 {
				got += " "
			}
			if p.URL != "" {
				if p.URL != p.Text {
					t.Errorf("%q: link text %q, URL %q", in, p.Text, p.URL)
				}
				got += "<" + p.URL + ">"
			} else {
				got += fmt.Sprintf("%q", p.Text)
			}
		}
		got += "]"
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", in, got, want)
		}
	}
}
