package web

import "strings"

// TemplateURL is a whole href value as html/template makes it before the attribute escaper:
// a scheme other than http, https or mailto replaced by "#ZgotmplZ" (urlFilter), then every
// byte but the RFC 3986 unreserved and reserved ones and valid %-escapes percent-encoded
// (urlNormalizer; processURLOnto in html/template/url.go, its quirks included). Written
// with EscapeHTML, it is what the template writes for href="{{.}}" (TestTemplateURLIsTheTemplates).
func TemplateURL(s string) string {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return NormalizeURL(s)
}

// NormalizeURL is a URL's part as html/template's urlNormalizer writes it before the attribute
// escaper: what follows a literal start in the template, as in href="mailto:{{.}}" or
// href="/t/{{.}}" (TestTemplateURLIsTheTemplates).
func NormalizeURL(s string) string { return percentEncode(s, &urlKept, true) }

// QueryURL is a value in an address's query or fragment as html/template's urlEscaper writes it
// before the attribute escaper, as in href="/request?consultant={{.}}": every byte but the
// RFC 3986 unreserved ones percent-encoded, in lower case (TestTemplateURLIsTheTemplates).
func QueryURL(s string) string { return percentEncode(s, &urlUnreserved, false) }

// percentEncode writes every byte of s that kept does not hold as %xx (lower case), and a '%'
// before two hex digits as it is when keepEscapes.
func percentEncode(s string, kept *[256]bool, keepEscapes bool) string {
	var b strings.Builder
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch {
		case kept[c]:
			continue
		case keepEscapes && c == '%' && i+2 < n && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// urlKept are the bytes NormalizeURL writes as they are: the RFC 3986 unreserved and reserved
// ones but '%' (kept only before two hex digits) and the quote and parentheses, which
// html/template escapes. A table, not a search of the set per byte: every Go-written link of
// a page goes through it.
var urlKept = byteSet("!#$&*+,/:;=?@[]-._~")

// urlUnreserved are the RFC 3986 unreserved bytes, which QueryURL writes as they are.
var urlUnreserved = byteSet("-._~")

// byteSet is the letters, the digits and extra, as a table.
func byteSet(extra string) (t [256]bool) {
	for _, c := range []byte(extra) {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	return t
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
