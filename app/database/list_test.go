package database

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestStringListScanIsJSON: a list column read by StringList.Scan is what ScanJSON (encoding/json)
// reads from it, or refused as it refuses it: lists json.Marshal wrote (of plain, escaped, non-ASCII
// and hostile strings) and random text made of JSON's own characters.
func TestStringListScanIsJSON(t *testing.T) {
	words := []string{"", "Wake", "New Hanover", `quote"d`, `back\slash`, "tab\t", "é ü 漢字", "bad \xff", "<b>&amp;</b>",
		"a,b", "[x]", " ", "\x7f", "nul\x00"}
	r := rand.New(rand.NewPCG(14, 7))
	check := func(src string) {
		t.Helper()
		var got StringList
		gotErr := got.Scan(src)
		var want []string
		wantErr := ScanJSON(src, &want) // encoding/json, and an empty column is no list
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%q: Scan error %v, encoding/json error %v", src, gotErr, wantErr)
		}
		if gotErr == nil && (!slices.Equal(got, want) || (got == nil) != (want == nil)) {
			t.Fatalf("%q: Scan read %#v, encoding/json %#v", src, got, want)
		}
	}
	fast := 0
	for range 3000 {
		var l []string
		if r.IntN(8) != 0 {
			l = []string{}
			for range r.IntN(5) {
				l = append(l, words[r.IntN(len(words))])
			}
		}
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := plainStrings(string(b)); ok {
			fast++
		}
		check(string(b))
	}
	if fast == 0 {
		t.Fatal("no list took the quick way: the test compares nothing of it")
	}
	alphabet := []string{"[", "]", `"`, ",", `\`, " ", "a", "é", "\n", "u", "0", "null"}
	for range 20000 {
		s := ""
		for range r.IntN(10) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		for _, src := range []string{s, "[" + s + "]", `["` + s + `"]`} {
			check(src)
			var got, want StringList
			gotErr, wantErr := got.Scan([]byte(src)), ScanJSON([]byte(src), (*[]string)(&want))
			if (gotErr != nil) != (wantErr != nil) || !slices.Equal(got, want) {
				t.Fatalf("%q as bytes: Scan read %#v (%v), ScanJSON %#v (%v)", src, got, gotErr, want, wantErr)
			}
		}
	}
}
