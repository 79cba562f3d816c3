package web

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// LocalPath reports whether target is a path on this site, and returns it ("/" when it is
// not). It is the one check every redirect to a location a person could have chosen goes
// through (the sign-in page's next=, and Redirect itself).
//
// A browser reads a Location header loosely: it drops tabs and newlines, turns "\" into "/",
// and treats "//host" as another site. So a target is accepted only if it starts with a single
// "/", has no backslash, no control character (below 0x20, or 0x7f) and no scheme, host or
// user, and none of that appears either once percent-decoding has been undone (up to three
// times, for "%2509").
func LocalPath(target string) (string, bool) {
	if !localPath(target) {
		return "/", false
	}
	return target, true
}

func localPath(target string) bool {
	if target == "" || target[0] != '/' || !utf8.ValidString(target) || unsafeInPath(target) {
		return false
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return false
	}
	// The path, decoded again and again: a browser or a proxy in between may decode it.
	p := u.EscapedPath()
	for i := 0; i < 3 && strings.Contains(p, "%"); i++ {
		d, err := url.PathUnescape(p)
		if err != nil {
			return false
		}
		if unsafeInPath(d) {
			return false
		}
		p = d
	}
	return true
}

// unsafeInPath reports a control character, a backslash or a leading "//" in s.
func unsafeInPath(s string) bool {
	if strings.HasPrefix(s, "//") {
		return true
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f || b == '\\' {
			return true
		}
	}
	return false
}
