// Package signup is the public sign-up: an agency asks for a tenant, the admin confirms the
// email through a signed link, and only then are the tenant (on a trial), the admin's account
// and membership created. Nothing is stored between the two steps: the link carries the form,
// signed with the server's secret key, so a bot filling the form writes nothing but an email.
package signup

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/tenants"
)

// Request is what the sign-up form asked for; the confirmation link carries it, signed.
type Request struct {
	// ID is the new tenant's id, chosen at sign-up: a second use of the link finds the tenant
	// it created (and says so) rather than a stranger's.
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	State      string    `json:"state"`
	AdminName  string    `json:"admin_name"`
	AdminEmail string    `json:"admin_email"`
	Slug       string    `json:"slug"`
	ExpiresAt  time.Time `json:"exp"`
}

// KindLabel is the plain name of the kind asked for.
func (r *Request) KindLabel() string { return KindLabel(r.Kind) }

// StateName is the name of the state asked for.
func (r *Request) StateName() string { return StateName(r.State) }

// Input is what the sign-up form sends.
type Input struct {
	Name, Kind, State, AdminName, AdminEmail, Slug string
}

// Lifetimes and the trial.
const (
	// TokenLifetime is how long a confirmation link works.
	TokenLifetime = 48 * time.Hour
	// TrialLength is a new tenant's trial.
	TrialLength = 30 * 24 * time.Hour
	// TrialPlan is the plan of a tenant on trial.
	TrialPlan = "trial"
	// MaxNameLen bounds the agency's and the admin's names.
	MaxNameLen = 200
)

// Kinds a tenant can sign up as.
var Kinds = []struct{ Value, Label string }{
	{tenants.KindStateSystem, "State system (a state agency)"},
	{tenants.KindLocalPartnership, "Local partnership"},
}

// KindLabel is the plain name of a kind.
func KindLabel(v string) string {
	for _, k := range Kinds {
		if k.Value == v {
			return k.Label
		}
	}
	return v
}

// State is one of the 50 states or DC.
type State struct{ Code, Name string }

// States lists the 50 states and the District of Columbia, by name.
var States = []State{
	{"AL", "Alabama"}, {"AK", "Alaska"}, {"AZ", "Arizona"}, {"AR", "Arkansas"}, {"CA", "California"},
	{"CO", "Colorado"}, {"CT", "Connecticut"}, {"DE", "Delaware"}, {"DC", "District of Columbia"},
	{"FL", "Florida"}, {"GA", "Georgia"}, {"HI", "Hawaii"}, {"ID", "Idaho"}, {"IL", "Illinois"},
	{"IN", "Indiana"}, {"IA", "Iowa"}, {"KS", "Kansas"}, {"KY", "Kentucky"}, {"LA", "Louisiana"},
	{"ME", "Maine"}, {"MD", "Maryland"}, {"MA", "Massachusetts"}, {"MI", "Michigan"}, {"MN", "Minnesota"},
	{"MS", "Mississippi"}, {"MO", "Missouri"}, {"MT", "Montana"}, {"NE", "Nebraska"}, {"NV", "Nevada"},
	{"NH", "New Hampshire"}, {"NJ", "New Jersey"}, {"NM", "New Mexico"}, {"NY", "New York"},
	{"NC", "North Carolina"}, {"ND", "North Dakota"}, {"OH", "Ohio"}, {"OK", "Oklahoma"}, {"OR", "Oregon"},
	{"PA", "Pennsylvania"}, {"RI", "Rhode Island"}, {"SC", "South Carolina"}, {"SD", "South Dakota"},
	{"TN", "Tennessee"}, {"TX", "Texas"}, {"UT", "Utah"}, {"VT", "Vermont"}, {"VA", "Virginia"},
	{"WA", "Washington"}, {"WV", "West Virginia"}, {"WI", "Wisconsin"}, {"WY", "Wyoming"},
}

// StateName is the name of a two-letter code, or "" for a code not in the list.
func StateName(code string) string {
	for _, s := range States {
		if s.Code == code {
			return s.Name
		}
	}
	return ""
}

// DefaultTimeZone is the time zone of a state missing from the map.
const DefaultTimeZone = "America/New_York"

// timeZones is each state's main time zone (where most of its people live); the tenant admin
// can change it in the settings. Only the six US zones, so the settings' list knows them all.
var timeZones = map[string]string{
	// Eastern.
	"CT": "America/New_York", "DE": "America/New_York", "DC": "America/New_York", "FL": "America/New_York",
	"GA": "America/New_York", "IN": "America/New_York", "KY": "America/New_York", "ME": "America/New_York",
	"MD": "America/New_York", "MA": "America/New_York", "MI": "America/New_York", "NH": "America/New_York",
	"NJ": "America/New_York", "NY": "America/New_York", "NC": "America/New_York", "OH": "America/New_York",
	"PA": "America/New_York", "RI": "America/New_York", "SC": "America/New_York", "VT": "America/New_York",
	"VA": "America/New_York", "WV": "America/New_York",
	// Central.
	"AL": "America/Chicago", "AR": "America/Chicago", "IL": "America/Chicago", "IA": "America/Chicago",
	"KS": "America/Chicago", "LA": "America/Chicago", "MN": "America/Chicago", "MS": "America/Chicago",
	"MO": "America/Chicago", "NE": "America/Chicago", "ND": "America/Chicago", "OK": "America/Chicago",
	"SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago", "WI": "America/Chicago",
	// Mountain; Arizona keeps no daylight saving time.
	"CO": "America/Denver", "ID": "America/Denver", "MT": "America/Denver", "NM": "America/Denver",
	"UT": "America/Denver", "WY": "America/Denver", "AZ": "America/Phoenix",
	// Pacific, Alaska, Hawaii.
	"CA": "America/Los_Angeles", "NV": "America/Los_Angeles", "OR": "America/Los_Angeles", "WA": "America/Los_Angeles",
	"AK": "America/Anchorage", "HI": "Pacific/Honolulu",
}

// TimeZoneOf is the time zone a new tenant of state starts with.
func TimeZoneOf(state string) string {
	if tz, ok := timeZones[state]; ok {
		return tz
	}
	return DefaultTimeZone
}

// checkInput returns a message naming each bad field of in (but whether the address is taken),
// and in with its values cleaned up.
func checkInput(in Input) (Input, map[string]string) {
	f := map[string]string{}
	in.Name = strings.TrimSpace(in.Name)
	in.AdminName = strings.TrimSpace(in.AdminName)
	in.Slug = tenants.NormalizeSlug(in.Slug)
	in.State = strings.ToUpper(strings.TrimSpace(in.State))
	switch {
	case in.Name == "":
		f["name"] = "Enter your agency’s name."
	case utf8.RuneCountInString(in.Name) > MaxNameLen:
		f["name"] = fmt.Sprintf("Agency name: use at most %d characters.", MaxNameLen)
	}
	if in.Kind != tenants.KindStateSystem && in.Kind != tenants.KindLocalPartnership {
		f["kind"] = "Choose whether your agency is a state system or a local partnership."
	}
	if StateName(in.State) == "" {
		f["state"] = "Choose your agency’s state from the list."
	}
	switch {
	case in.AdminName == "":
		f["admin_name"] = "Enter your name (the administrator’s)."
	case utf8.RuneCountInString(in.AdminName) > MaxNameLen:
		f["admin_name"] = fmt.Sprintf("Your name: use at most %d characters.", MaxNameLen)
	}
	email, msg := accounts.NormalizeEmail(in.AdminEmail)
	if msg != "" {
		f["email"] = msg // each message names the email address
	} else {
		in.AdminEmail = email
	}
	if msg := tenants.CheckSlug(in.Slug); msg != "" {
		f["slug"] = msg
	}
	return in, f
}
