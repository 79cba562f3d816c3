package tenants

import (
	"sort"
	"strings"
)

// The counties of the states Holdspace knows, by their official names, so that a tenant picks
// the counties it serves from a list (and a program's county is one of them). Other states
// type their counties (or parishes, boroughs) one per line.
//
// Each list is in alphabetical order by letters alone (case, spaces and periods aside):
// DeKalb before De Witt is "dekalb" < "dewitt", St. Clair files as "stclair".
var builtinCounties = map[string][]string{
	// Illinois: 102 counties.
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

// BuiltinCounties returns the built-in county list of a state (by its two-letter code), or nil
// when Holdspace has none for it. The slice is shared: do not change it.
func BuiltinCounties(state string) []string {
	return builtinCounties[strings.ToUpper(strings.TrimSpace(state))]
}

// HasBuiltinCounties reports whether a state's counties come from a built-in list.
func HasBuiltinCounties(state string) bool { return BuiltinCounties(state) != nil }

// CountyKey is how county lists are ordered: letters only, lower case.
func CountyKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SortCounties orders a free list of counties the way the built-in lists are ordered.
func SortCounties(list []string) {
	sort.SliceStable(list, func(i, j int) bool { return CountyKey(list[i]) < CountyKey(list[j]) })
}
