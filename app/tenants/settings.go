package tenants

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones are checked with time.LoadLocation, whatever the host has
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
)

// TimeZones are the time zones a tenant can pick: those of the states and territories.
var TimeZones = []struct{ Value, Label string }{
	{"America/New_York", "Eastern (New York)"},
	{"America/Detroit", "Eastern (Detroit)"},
	{"America/Indiana/Indianapolis", "Eastern (Indianapolis)"},
	{"America/Chicago", "Central (Chicago)"},
	{"America/Denver", "Mountain (Denver)"},
	{"America/Boise", "Mountain (Boise)"},
	{"America/Phoenix", "Mountain, no daylight saving time (Phoenix)"},
	{"America/Los_Angeles", "Pacific (Los Angeles)"},
	{"America/Anchorage", "Alaska (Anchorage)"},
	{"Pacific/Honolulu", "Hawaii (Honolulu)"},
	{"America/Puerto_Rico", "Atlantic (Puerto Rico, U.S. Virgin Islands)"},
	{"Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"},
	{"Pacific/Pago_Pago", "Samoa (American Samoa)"},
}

// Languages are the languages a tenant can offer by ticking a box; others are typed.
var Languages = []string{
	"English", "Spanish", "Polish", "Arabic", "Chinese (Mandarin)", "Chinese (Cantonese)", "Vietnamese",
	"Korean", "Tagalog", "Russian", "French", "Haitian Creole", "Somali", "Hmong", "Nepali", "Swahili", "ASL",
}

// Limits on what the settings form takes.
const (
	maxTenantName    = 200
	maxLanguageName  = 40
	maxOtherLangs    = 30
	maxCountyName    = 60
	maxTypedCounties = 400
)

// SettingsInput is what the agency settings form sends. Months come as typed; the handler
// does not parse them, so a bad value is named here like any other.
type SettingsInput struct {
	Name                string
	TimeZone            string
	StateFYStartMonth   string
	FederalFYStartMonth string
	Counties            []string // ticked, for a state with a built-in list
	AllCounties         bool     // "the whole state"
	CountiesText        string   // typed, one per line, for other states
	Languages           []string // ticked from Languages
	OtherLanguages      string   // typed, comma-separated
}

// IsTimeZone reports whether tz is one of TimeZones and loads.
func IsTimeZone(tz string) bool {
	for _, z := range TimeZones {
		if z.Value == tz {
			_, err := time.LoadLocation(tz)
			return err == nil
		}
	}
	return false
}

// ValidateSettings checks the input against the tenant (its state decides the county list)
// and returns the settings to store, or EINVALID naming each bad field.
func ValidateSettings(t *Tenant, in SettingsInput) (*Tenant, error) {
	out := *t
	fields := map[string]string{}

	out.Name = strings.TrimSpace(in.Name)
	switch n := utf8.RuneCountInString(out.Name); {
	case n == 0:
		fields["name"] = "Enter your agency’s name."
	case n > maxTenantName:
		fields["name"] = fmt.Sprintf("Use at most %d characters (this is %d).", maxTenantName, n)
	}

	out.TimeZone = strings.TrimSpace(in.TimeZone)
	if !IsTimeZone(out.TimeZone) {
		fields["time_zone"] = "Choose a time zone from the list."
	}

	month := func(field, raw, which string) int {
		m, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || m < 1 || m > 12 {
			fields[field] = "Choose the month the " + which + " fiscal year starts in, January to December."
			return 0
		}
		return m
	}
	out.StateFYStartMonth = month("state_fy_start_month", in.StateFYStartMonth, "state")
	out.FederalFYStartMonth = month("federal_fy_start_month", in.FederalFYStartMonth, "federal")

	if builtin := BuiltinCounties(t.State); builtin != nil {
		if in.AllCounties {
			out.Counties = append(database.StringList(nil), builtin...)
		} else {
			ticked := map[string]bool{}
			for _, c := range in.Counties {
				ticked[c] = true
			}
			var list database.StringList
			for _, c := range builtin {
				if ticked[c] {
					list = append(list, c)
					delete(ticked, c)
				}
			}
			if len(ticked) > 0 {
				fields["counties"] = fmt.Sprintf("Choose counties of %s from the list.", StateName(t.State))
			}
			out.Counties = list
		}
	} else {
		var list database.StringList
		seen := map[string]bool{}
		for _, line := range strings.Split(in.CountiesText, "\n") {
			c := strings.Join(strings.Fields(line), " ")
			if c == "" || seen[strings.ToLower(c)] {
				continue
			}
			seen[strings.ToLower(c)] = true
			if utf8.RuneCountInString(c) > maxCountyName {
				fields["counties_text"] = fmt.Sprintf("Each county’s name can be at most %d characters: %.20q… is longer.", maxCountyName, c)
			}
			list = append(list, c)
		}
		if len(list) > maxTypedCounties {
			fields["counties_text"] = fmt.Sprintf("List at most %d counties.", maxTypedCounties)
		}
		SortCounties(list)
		out.Counties = list
	}

	known := map[string]bool{}
	for _, l := range Languages {
		known[l] = true
	}
	ticked := map[string]bool{}
	for _, l := range in.Languages {
		if !known[l] {
			fields["languages"] = "Choose languages from the list, or type others below."
			continue
		}
		ticked[l] = true
	}
	var langs database.StringList
	for _, l := range Languages {
		if ticked[l] {
			langs = append(langs, l)
		}
	}
	seen := map[string]bool{}
	for _, l := range langs {
		seen[strings.ToLower(l)] = true
	}
	others := 0
	for _, part := range strings.Split(in.OtherLanguages, ",") {
		l := strings.Join(strings.Fields(part), " ")
		if l == "" || seen[strings.ToLower(l)] {
			continue
		}
		seen[strings.ToLower(l)] = true
		if utf8.RuneCountInString(l) > maxLanguageName {
			fields["languages_other"] = fmt.Sprintf("Each language can be at most %d characters: %.20q… is longer. Separate languages with commas.", maxLanguageName, l)
		}
		langs = append(langs, l)
		others++
	}
	if others > maxOtherLangs {
		fields["languages_other"] = fmt.Sprintf("Type at most %d other languages.", maxOtherLangs)
	}
	out.Languages = langs

	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	return &out, nil
}

// OtherLanguages are the tenant's languages that are not in the built-in list, for the
// "other languages" field.
func (t *Tenant) OtherLanguages() []string {
	var out []string
	for _, l := range t.Languages {
		builtin := false
		for _, b := range Languages {
			if b == l {
				builtin = true
				break
			}
		}
		if !builtin {
			out = append(out, l)
		}
	}
	return out
}

// StateFYLabel names the state fiscal year that today falls in, in the tenant's time zone.
func (t *Tenant) StateFYLabel(now time.Time) string {
	return FiscalYearLabel(FiscalYear(t.Local(now), t.StateFYStartMonth), t.StateFYStartMonth)
}

// FederalFYLabel names the federal fiscal year that today falls in.
func (t *Tenant) FederalFYLabel(now time.Time) string {
	return FiscalYearLabel(FiscalYear(t.Local(now), t.FederalFYStartMonth), t.FederalFYStartMonth)
}

// Local is now in the tenant's time zone (UTC when it has none that loads).
func (t *Tenant) Local(now time.Time) time.Time {
	if t.TimeZone == "" {
		return now.UTC()
	}
	if loc := zones[t.TimeZone]; loc != nil {
		return now.In(loc)
	}
	if loc, err := time.LoadLocation(t.TimeZone); err == nil {
		return now.In(loc)
	}
	return now.UTC()
}

// zones are TimeZones loaded once: time.LoadLocation reads and parses the zone's data on
// every call, and Local runs on most pages, some several times (issue 14: a twentieth of the
// NCPC report's time). A zone outside the list (none is stored: settings refuse it) is loaded
// when asked.
var zones = func() map[string]*time.Location {
	m := make(map[string]*time.Location, len(TimeZones))
	for _, z := range TimeZones {
		if loc, err := time.LoadLocation(z.Value); err == nil {
			m[z.Value] = loc
		}
	}
	return m
}()

// SaveSettings validates and stores the agency settings of the tenant of ctx, and marks them
// confirmed (the first step of the onboarding checklist).
//
// Errors: EINVALID naming each bad field; nothing is written then.
func (s *Service) SaveSettings(ctx context.Context, in SettingsInput) (*Tenant, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	var saved *Tenant
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := s.store.TenantByID(ctx, sc.TenantID)
		if err != nil {
			return err
		}
		out, err := ValidateSettings(t, in)
		if err != nil {
			return err
		}
		now := database.Now()
		out.SettingsConfirmedAt, out.UpdatedAt = &now, now
		if err := s.store.updateSettings(ctx, out); err != nil {
			return err
		}
		saved = out
		return s.audit.Record(ctx, "settings.update", "tenant", t.ID, fmt.Sprintf("%s; %s; state FY from %s, federal FY from %s; %d counties; %d languages",
			out.Name, out.TimeZone, MonthName(out.StateFYStartMonth), MonthName(out.FederalFYStartMonth), len(out.Counties), len(out.Languages)))
	})
	return saved, err
}

// updateSettings writes the settings columns of the tenant of ctx. The tenant is the scope's,
// never one named by the caller.
func (s *Store) updateSettings(ctx context.Context, t *Tenant) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	_, err = database.Conn(ctx, s.db).NewUpdate().Model(t).
		Column("name", "time_zone", "state_fy_start_month", "federal_fy_start_month", "counties", "languages",
			"settings_confirmed_at", "updated_at").
		Where("t.id = ?", sc.TenantID).Exec(ctx)
	return err
}
