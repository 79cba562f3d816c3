package web

// EscapeHTML writes s to w escaped as html/template escapes text and quoted attribute values
// (htmlReplacementTable in html/template/html.go): & < > " ' + as entities and NUL as U+FFFD.
// Every other byte is written as it is, invalid UTF-8 included, as the escaper leaves it; a
// byte of a multi-byte rune is never one of these, so escaping byte by byte is the same as rune
// by rune. For the few tables and charts written in Go rather than by a template (each held to
// the template's output by a test): html/template's reflected calls, one per cell, were most of
// those pages' time.
func EscapeHTML(w interface{ WriteString(string) (int, error) }, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		if !htmlSpecial[s[i]] {
			continue // most bytes: one table lookup, not a switch
		}
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		}
		_, _ = w.WriteString(s[last:i])
		_, _ = w.WriteString(repl)
		last = i + 1
	}
	_, _ = w.WriteString(s[last:])
}

// htmlSpecial are the bytes EscapeHTML replaces.
var htmlSpecial = [256]bool{0: true, '"': true, '&': true, '\'': true, '+': true, '<': true, '>': true}
