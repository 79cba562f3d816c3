package tenants_test

import (
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/tenants"
)

// handLists are the county lists Holdspace carried by hand before the Census list: the Census
// list must agree with them, so that the counties stored by tenants of these states stay valid.
var handLists = map[string][]string{
	"IL": {
		"Adams", "Alexander", "Bond", "Boone", "Brown", "Bureau", "Calhoun", "Carroll", "Cass",
		"Champaign", "Christian", "Clark", "Clay", "Clinton", "Coles", "Cook", "Crawford", "Cumberland",
		"DeKalb", "De Witt", "Douglas", "DuPage", "Edgar", "Edwards", "Effingham", "Fayette", "Ford",
		"Franklin", "Fulton", "Gallatin", "Greene", "Grundy", "Hamilton", "Hancock", "Hardin",
		"Henderson", "Henry", "Iroquois", "Jackson", "Jasper", "Jefferson", "Jersey", "Jo Daviess",
		"Johnson", "Kane", "Kankakee", "Kendall", "Knox", "Lake", "LaSalle", "Lawrence", "Lee",
		"Livingston", "Logan", "Macon", "Macoupin", "Madison", "Marion", "Marshall", "Mason", "Massac",
		"McDonough", "McHenry", "McLean", "Menard", "Mercer", "Monroe", "Montgomery", "Morgan",
		"Moultrie", "Ogle", "Peoria", "Perry", "Piatt", "Pike", "Pope", "Pulaski", "Putnam", "Randolph",
		"Richland", "Rock Island", "Saline", "Sangamon", "Schuyler", "Scott", "Shelby", "Stark",
		"St. Clair", "Stephenson", "Tazewell", "Union", "Vermilion", "Wabash", "Warren", "Washington",
		"Wayne", "White", "Whiteside", "Will", "Williamson", "Winnebago", "Woodford",
	},
	// North Carolina: 100 counties.
	"NC": {
		"Alamance", "Alexander", "Alleghany", "Anson", "Ashe", "Avery", "Beaufort", "Bertie", "Bladen",
		"Brunswick", "Buncombe", "Burke", "Cabarrus", "Caldwell", "Camden", "Carteret", "Caswell",
		"Catawba", "Chatham", "Cherokee", "Chowan", "Clay", "Cleveland", "Columbus", "Craven",
		"Cumberland", "Currituck", "Dare", "Davidson", "Davie", "Duplin", "Durham", "Edgecombe",
		"Forsyth", "Franklin", "Gaston", "Gates", "Graham", "Granville", "Greene", "Guilford", "Halifax",
		"Harnett", "Haywood", "Henderson", "Hertford", "Hoke", "Hyde", "Iredell", "Jackson", "Johnston",
		"Jones", "Lee", "Lenoir", "Lincoln", "Macon", "Madison", "Martin", "McDowell", "Mecklenburg",
		"Mitchell", "Montgomery", "Moore", "Nash", "New Hanover", "Northampton", "Onslow", "Orange",
		"Pamlico", "Pasquotank", "Pender", "Perquimans", "Person", "Pitt", "Polk", "Randolph", "Richmond",
		"Robeson", "Rockingham", "Rowan", "Rutherford", "Sampson", "Scotland", "Stanly", "Stokes",
		"Surry", "Swain", "Transylvania", "Tyrrell", "Union", "Vance", "Wake", "Warren", "Washington",
		"Watauga", "Wayne", "Wilkes", "Wilson", "Yadkin", "Yancey",
	},
	// Ohio: 88 counties.
	"OH": {
		"Adams", "Allen", "Ashland", "Ashtabula", "Athens", "Auglaize", "Belmont", "Brown", "Butler",
		"Carroll", "Champaign", "Clark", "Clermont", "Clinton", "Columbiana", "Coshocton", "Crawford",
		"Cuyahoga", "Darke", "Defiance", "Delaware", "Erie", "Fairfield", "Fayette", "Franklin", "Fulton",
		"Gallia", "Geauga", "Greene", "Guernsey", "Hamilton", "Hancock", "Hardin", "Harrison", "Henry",
		"Highland", "Hocking", "Holmes", "Huron", "Jackson", "Jefferson", "Knox", "Lake", "Lawrence",
		"Licking", "Logan", "Lorain", "Lucas", "Madison", "Mahoning", "Marion", "Medina", "Meigs",
		"Mercer", "Miami", "Monroe", "Montgomery", "Morgan", "Morrow", "Muskingum", "Noble", "Ottawa",
		"Paulding", "Perry", "Pickaway", "Pike", "Portage", "Preble", "Putnam", "Richland", "Ross",
		"Sandusky", "Scioto", "Seneca", "Shelby", "Stark", "Summit", "Trumbull", "Tuscarawas", "Union",
		"Van Wert", "Vinton", "Warren", "Washington", "Wayne", "Williams", "Wood", "Wyandot",
	},
}

func TestBuiltinCounties(t *testing.T) {
	total := 0
	for _, s := range tenants.States {
		list := tenants.BuiltinCounties(s.Code)
		if len(list) == 0 {
			t.Errorf("%s (%s) has no counties", s.Name, s.Code)
		}
		total += len(list)
		seen := map[string]bool{}
		for i, c := range list {
			if seen[c] {
				t.Errorf("%s lists %q twice", s.Code, c)
			}
			seen[c] = true
			if i > 0 && tenants.CountyKey(list[i-1]) >= tenants.CountyKey(c) {
				t.Errorf("%s: %q comes before %q, want alphabetical order", s.Code, list[i-1], c)
			}
			if strings.HasSuffix(c, " County") || strings.TrimSpace(c) != c || c == "" {
				t.Errorf("%s: %q, want the name without \"County\"", s.Code, c)
			}
		}
	}
	// The 2020 count of counties and county equivalents in the 50 states and DC.
	if total != 3143 {
		t.Errorf("%d counties in the 50 states and DC, want 3,143", total)
	}
	for state, want := range map[string]int{"IL": 102, "NC": 100, "OH": 88, "WI": 72, "TX": 254, "LA": 64, "AK": 30,
		"VA": 133, "MD": 24, "MO": 115, "SD": 66, "CT": 8, "DC": 1, "DE": 3, "CA": 58, "GA": 159} {
		if got := len(tenants.BuiltinCounties(state)); got != want {
			t.Errorf("%s has %d counties, want %d", state, got, want)
		}
	}
	for state, want := range handLists {
		if got := tenants.BuiltinCounties(strings.ToLower(state)); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: the Census list\n%v\ndiffers from the list tenants stored\n%v", state, got, want)
		}
	}
	for state, names := range map[string][]string{
		"LA": {"Acadia Parish", "Orleans Parish"},
		"AK": {"Anchorage Municipality", "Kusilvak Census Area", "Chugach Census Area", "Copper River Census Area", "Juneau City and Borough"},
		"VA": {"Fairfax", "Fairfax city", "Alexandria city", "Bedford"},
		"MD": {"Baltimore", "Baltimore city"},
		"MO": {"St. Louis", "St. Louis city"},
		"SD": {"Oglala Lakota"},
		"NV": {"Carson City"},
		"DC": {"District of Columbia"},
		"WI": {"Dane", "Milwaukee", "Menominee"},
	} {
		for _, c := range names {
			if !countyListHas(tenants.BuiltinCounties(state), c) {
				t.Errorf("%s has no %q", state, c)
			}
		}
	}
	for state, gone := range map[string]string{"VA": "Bedford city", "AK": "Wade Hampton Census Area", "SD": "Shannon"} {
		if countyListHas(tenants.BuiltinCounties(state), gone) {
			t.Errorf("%s still has %q, which the Census changed before 2020", state, gone)
		}
	}
	if tenants.BuiltinCounties("PR") != nil || tenants.HasBuiltinCounties("ZZ") {
		t.Error("only the 50 states and DC have a built-in list")
	}
	if got := tenants.StateName("nc"); got != "North Carolina" {
		t.Errorf("StateName(nc) = %q", got)
	}
}

func TestMatchCountyAndLabel(t *testing.T) {
	for _, c := range []struct{ state, typed, want string }{
		{"WI", "Dane County", "Dane"}, {"wi", " dane ", "Dane"}, {"IL", "St Clair", "St. Clair"}, {"IL", "dekalb county", "DeKalb"},
		{"LA", "orleans parish", "Orleans Parish"}, {"MD", "Baltimore City", "Baltimore city"}, {"WI", "Atlantis", ""}, {"WI", "", ""},
	} {
		got, ok := tenants.MatchCounty(c.state, c.typed)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("MatchCounty(%s, %q) = %q, %v; want %q", c.state, c.typed, got, ok, c.want)
		}
	}
	for in, want := range map[string]string{"Cook": "Cook County", "Acadia Parish": "Acadia Parish", "Alexandria city": "Alexandria city",
		"Carson City": "Carson City", "District of Columbia": "District of Columbia", "Bethel Census Area": "Bethel Census Area"} {
		if got := tenants.CountyLabel(in); got != want {
			t.Errorf("CountyLabel(%q) = %q, want %q", in, got, want)
		}
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
