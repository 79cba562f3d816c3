package tenants_test

import (
	"testing"

	"github.com/holdspace/holdspace/app/tenants"
)

func TestBuiltinCounties(t *testing.T) {
	for state, want := range map[string]int{"IL": 102, "NC": 100, "OH": 88} {
		list := tenants.BuiltinCounties(state)
		if len(list) != want {
			t.Errorf("%s has %d counties, want %d", state, len(list), want)
		}
		seen := map[string]bool{}
		for i, c := range list {
			if seen[c] {
				t.Errorf("%s lists %q twice", state, c)
			}
			seen[c] = true
			if i > 0 && tenants.CountyKey(list[i-1]) >= tenants.CountyKey(c) {
				t.Errorf("%s: %q comes before %q, want alphabetical order", state, list[i-1], c)
			}
		}
	}
	for _, c := range []string{"Cook", "DuPage", "St. Clair", "Jo Daviess"} {
		if !countyListHas(tenants.BuiltinCounties("il"), c) {
			t.Errorf("Illinois has no %q", c)
		}
	}
	for state, c := range map[string]string{"NC": "New Hanover", "OH": "Van Wert"} {
		if !countyListHas(tenants.BuiltinCounties(state), c) {
			t.Errorf("%s has no %q", state, c)
		}
	}
	if tenants.BuiltinCounties("TX") != nil || tenants.HasBuiltinCounties("TX") {
		t.Error("Texas has no built-in list: its counties are typed")
	}
	if got := tenants.StateName("nc"); got != "North Carolina" {
		t.Errorf("StateName(nc) = %q", got)
	}
}

func countyListHas(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
