package platform

import (
	"net/url"
	"regexp"
	"strings"
)

// TextPart is a run of a message's text, or a link in it (URL set).
type TextPart struct {
	Text string
	URL  string // an http or https address; "" for plain text
}

// linkLike finds what may be a web address in plain text.
var linkLike = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"']+`)

// LinkParts splits plain text into runs of text and the http(s) links in it, so a page can show
// the links as links while html/template escapes everything: no HTML of the text is ever kept.
// Punctuation that ends a sentence ("…/reset/abc.") is not part of the link; anything that does
// not parse as an absolute http or https URL with a host stays text.
func LinkParts(s string) []TextPart {
	var out []TextPart
	text := func(t string) {
		if t == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].URL == "" {
			out[n-1].Text += t
			return
		}
		out = append(out, TextPart{Text: t})
	}
	last := 0
	for _, m := range linkLike.FindAllStringIndex(s, -1) {
		start, end := m[0], m[1]
		end = start + len(strings.TrimRight(s[start:end], ".,;:!?)]}"))
		// A closing bracket belongs to the link when the link opened one ("…/Foo_(bar)").
		for end < m[1] && s[end] == ')' && strings.Count(s[start:end], "(") > strings.Count(s[start:end], ")") {
			end++
		}
		raw := s[start:end]
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		text(s[last:start])
		out = append(out, TextPart{Text: raw, URL: u.String()})
		last = end
	}
	text(s[last:])
	return out
}
