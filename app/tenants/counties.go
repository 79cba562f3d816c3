package tenants

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// The counties (and county equivalents: parishes, boroughs, census areas, independent cities,
// the District of Columbia) of every state, from the U.S. Census Bureau's county list, vendored
// in data/ with its source named (data/README.md). A tenant ticks the counties it serves from
// its state's list, and a program's county is one of them.
//
//go:embed data/national_county.csv
var nationalCountyCSV string

// censusChange is one of the Census Bureau's "substantial changes to counties" between the
// vendored 2010 file and the 2020 list: the county of code from (if any) is dropped, and the
// counties in to (if any) are added.
type censusChange struct {
	state string
	drop  string   // the county's name in the file
	add   []string // names as the 2020 list has them
}

// censusChanges bring the 2010 file to 2020 (data/README.md lists them with their dates).
var censusChanges = []censusChange{
	{state: "VA", drop: "Bedford city"},                                                                                 // joined Bedford County, 2013
	{state: "AK", drop: "Wade Hampton Census Area", add: []string{"Kusilvak Census Area"}},                              // renamed, 2015
	{state: "SD", drop: "Shannon County", add: []string{"Oglala Lakota County"}},                                        // renamed, 2015
	{state: "AK", drop: "Valdez-Cordova Census Area", add: []string{"Chugach Census Area", "Copper River Census Area"}}, // split, 2019
}

var (
	countiesOnce    sync.Once
	countiesByState map[string][]string
	countyByKey     map[string]map[string]string // state → CountyKey → name
)

// loadCounties reads the vendored Census list once. A file that does not parse is a build
// defect (it is embedded), so it panics, and the tests read it.
func loadCounties() map[string][]string {
	countiesOnce.Do(func() {
		m, err := parseCensusCounties(strings.NewReader(nationalCountyCSV))
		if err != nil {
			panic("tenants: the vendored county list: " + err.Error())
		}
		countiesByState = m
		countyByKey = make(map[string]map[string]string, len(m))
		for state, names := range m {
			keys := make(map[string]string, len(names))
			for _, name := range names {
				keys[CountyKey(name)] = name
			}
			countyByKey[state] = keys
		}
	})
	return countiesByState
}

// parseCensusCounties reads the Census county file (with its header row) into each state's
// list of names as Holdspace shows them, the 2020 changes applied, in CountyKey order. Only the
// 50 states and the District of Columbia are kept.
func parseCensusCounties(r io.Reader) (map[string][]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 5
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 || rows[0][0] != "state" || rows[0][3] != "countyname" {
		return nil, fmt.Errorf("no header row state,statefp,countyfp,countyname,classfp")
	}
	raw := map[string][]string{}
	for _, row := range rows[1:] {
		state := strings.TrimSpace(row[0])
		if _, ok := StateByCode(state); !ok {
			continue // Puerto Rico and the island areas
		}
		raw[state] = append(raw[state], strings.TrimSpace(row[3]))
	}
	for _, ch := range censusChanges {
		list, found := raw[ch.state], false
		for i, name := range list {
			if name == ch.drop {
				list, found = append(list[:i:i], list[i+1:]...), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s has no %q to change", ch.state, ch.drop)
		}
		raw[ch.state] = append(list, ch.add...)
	}
	out := make(map[string][]string, len(raw))
	for state, list := range raw {
		names := make([]string, len(list))
		seen := map[string]bool{}
		for i, name := range list {
			names[i] = CountyShortName(name)
			if seen[CountyKey(names[i])] {
				return nil, fmt.Errorf("%s has two counties named %q", state, names[i])
			}
			seen[CountyKey(names[i])] = true
		}
		SortCounties(names)
		out[state] = names
	}
	return out, nil
}

// CountyShortName is how a county is named in Holdspace: without the word "County" ("Cook
// County" is "Cook"); any other county equivalent keeps its full name ("Acadia Parish",
// "Alexandria city"), so Baltimore and Baltimore city stay apart.
func CountyShortName(census string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(census), " County"))
}

// CountyLabel names a county for a sentence: "Cook County", but "Acadia Parish" and
// "Alexandria city" as they are.
func CountyLabel(name string) string {
	lower := strings.ToLower(name)
	for _, s := range []string{" county", " parish", " borough", " census area", " municipality", " city", "district of columbia"} {
		if strings.HasSuffix(lower, s) {
			return name
		}
	}
	return name + " County"
}

// BuiltinCounties returns the Census list of a state's counties (by its two-letter code), or nil
// for a code that is not one of the 50 states or DC. The slice is shared: do not change it.
func BuiltinCounties(state string) []string {
	return loadCounties()[strings.ToUpper(strings.TrimSpace(state))]
}

// HasBuiltinCounties reports whether a state's counties come from the built-in list.
func HasBuiltinCounties(state string) bool { return BuiltinCounties(state) != nil }

// MatchCounty finds a typed county in a state's list, forgiving case, spaces, periods and a
// trailing "County" ("dane county" is "Dane", "St Clair" is "St. Clair").
func MatchCounty(state, typed string) (string, bool) {
	key := CountyKey(typed)
	if key == "" {
		return "", false
	}
	loadCounties()
	keys := countyByKey[strings.ToUpper(strings.TrimSpace(state))]
	if name, ok := keys[key]; ok {
		return name, true
	}
	if base, ok := strings.CutSuffix(key, "county"); ok {
		name, ok := keys[base]
		return name, ok
	}
	return "", false
}

// CountyKey is how county lists are ordered: letters only, lower case.
func CountyKey(name string) string {
	b := make([]byte, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
			b = append(b, byte(r))
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r-'A'+'a'))
		case r > unicode.MaxASCII:
			// strings.ToLower's rule for the rest: a letter whose lower case is a-z counts
			// (the Kelvin sign is k).
			if l := unicode.ToLower(r); l >= 'a' && l <= 'z' {
				b = append(b, byte(l))
			}
		}
	}
	return string(b)
}

// SortCounties orders a free list of counties the way the built-in lists are ordered.
func SortCounties(list []string) {
	sort.SliceStable(list, func(i, j int) bool { return CountyKey(list[i]) < CountyKey(list[j]) })
}

// CountiesNoun is what a state's county list is made of, in words for a hint ("counties",
// "parishes", "counties and independent cities").
func CountiesNoun(state string) string {
	switch strings.ToUpper(strings.TrimSpace(state)) {
	case "LA":
		return "parishes"
	case "AK":
		return "boroughs and census areas"
	case "VA", "MD", "MO", "NV":
		return "counties and independent cities"
	case "DC":
		return "county equivalents"
	}
	return "counties"
}
