package tenants

import "strings"

// State is one of the 50 states or the District of Columbia, with the time zone a new tenant
// there starts with (where most of its people live; the tenant admin can change it).
type State struct{ Code, Name, TimeZone string }

// States lists them by name: the one list the sign-up, the platform console and the settings use.
var States = []State{
	{"AL", "Alabama", "America/Chicago"}, {"AK", "Alaska", "America/Anchorage"}, {"AZ", "Arizona", "America/Phoenix"},
	{"AR", "Arkansas", "America/Chicago"}, {"CA", "California", "America/Los_Angeles"}, {"CO", "Colorado", "America/Denver"},
	{"CT", "Connecticut", "America/New_York"}, {"DE", "Delaware", "America/New_York"}, {"DC", "District of Columbia", "America/New_York"},
	{"FL", "Florida", "America/New_York"}, {"GA", "Georgia", "America/New_York"}, {"HI", "Hawaii", "Pacific/Honolulu"},
	{"ID", "Idaho", "America/Denver"}, {"IL", "Illinois", "America/Chicago"}, {"IN", "Indiana", "America/New_York"},
	{"IA", "Iowa", "America/Chicago"}, {"KS", "Kansas", "America/Chicago"}, {"KY", "Kentucky", "America/New_York"},
	{"LA", "Louisiana", "America/Chicago"}, {"ME", "Maine", "America/New_York"}, {"MD", "Maryland", "America/New_York"},
	{"MA", "Massachusetts", "America/New_York"}, {"MI", "Michigan", "America/New_York"}, {"MN", "Minnesota", "America/Chicago"},
	{"MS", "Mississippi", "America/Chicago"}, {"MO", "Missouri", "America/Chicago"}, {"MT", "Montana", "America/Denver"},
	{"NE", "Nebraska", "America/Chicago"}, {"NV", "Nevada", "America/Los_Angeles"}, {"NH", "New Hampshire", "America/New_York"},
	{"NJ", "New Jersey", "America/New_York"}, {"NM", "New Mexico", "America/Denver"}, {"NY", "New York", "America/New_York"},
	{"NC", "North Carolina", "America/New_York"}, {"ND", "North Dakota", "America/Chicago"}, {"OH", "Ohio", "America/New_York"},
	{"OK", "Oklahoma", "America/Chicago"}, {"OR", "Oregon", "America/Los_Angeles"}, {"PA", "Pennsylvania", "America/New_York"},
	{"RI", "Rhode Island", "America/New_York"}, {"SC", "South Carolina", "America/New_York"}, {"SD", "South Dakota", "America/Chicago"},
	{"TN", "Tennessee", "America/Chicago"}, {"TX", "Texas", "America/Chicago"}, {"UT", "Utah", "America/Denver"},
	{"VT", "Vermont", "America/New_York"}, {"VA", "Virginia", "America/New_York"}, {"WA", "Washington", "America/Los_Angeles"},
	{"WV", "West Virginia", "America/New_York"}, {"WI", "Wisconsin", "America/Chicago"}, {"WY", "Wyoming", "America/Denver"},
}

// DefaultTimeZone is the time zone of a state not in the list.
const DefaultTimeZone = "America/New_York"

// StateByCode returns the state with a two-letter code (any case).
func StateByCode(code string) (State, bool) {
	c := strings.ToUpper(strings.TrimSpace(code))
	for _, s := range States {
		if s.Code == c {
			return s, true
		}
	}
	return State{}, false
}

// StateName is the name of a state from its code ("IL" → "Illinois"); an unknown code comes
// back as given.
func StateName(code string) string {
	if s, ok := StateByCode(code); ok {
		return s.Name
	}
	return code
}

// TimeZoneOf is the time zone a new tenant of state starts with.
func TimeZoneOf(state string) string {
	if s, ok := StateByCode(state); ok {
		return s.TimeZone
	}
	return DefaultTimeZone
}
