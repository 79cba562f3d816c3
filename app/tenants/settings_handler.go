package tenants

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// Choice is one option of a select or a group of checkboxes, with whether it is chosen.
type Choice struct {
	Value, Label string
	Checked      bool
}

// SettingsData is the agency settings page.
type SettingsData struct {
	Tenant       *Tenant
	StateName    string
	Builtin      bool     // the state's counties come from a built-in list
	Counties     []Choice // the built-in list, ticked as served
	CountyCount  int
	CountiesNoun string   // "counties", "parishes", …
	Unmatched    []string // counties stored before that are not in the list: saving drops them
	// The selects' options with the form's choice selected, written by {{options}}: ranged in
	// the template, the time zones and twice twelve months were most of the page's drawing.
	TimeZoneOptions  []web.Option
	StateFYOptions   []web.Option
	FederalFYOptions []web.Option
	Languages        []Choice
	StateFYNow       string
	FederalFYNow     string
	CanUpdate        bool
	FirstTime        bool // the settings were never confirmed
	AllCountiesOn    bool
	ServedCount      int
}

func (h *Handler) settingsData(c *fiber.Ctx, t *Tenant, f *web.Form) *SettingsData {
	d := &SettingsData{Tenant: t, StateName: StateName(t.State), Builtin: HasBuiltinCounties(t.State),
		FirstTime: t.SettingsConfirmedAt == nil, AllCountiesOn: f.Get("all_counties") != ""}
	now := database.Now()
	d.StateFYNow, d.FederalFYNow = t.StateFYLabel(now), t.FederalFYLabel(now)
	tz := f.Get("time_zone")
	for _, z := range TimeZones {
		d.TimeZoneOptions = append(d.TimeZoneOptions, web.Option{Value: z.Value, Label: z.Label, Selected: z.Value == tz})
	}
	d.StateFYOptions = monthOptions(f.Get("state_fy_start_month"), 7)
	d.FederalFYOptions = monthOptions(f.Get("federal_fy_start_month"), 10)
	served := map[string]bool{}
	for _, v := range f.Values["counties"] {
		served[v] = true
	}
	for _, name := range BuiltinCounties(t.State) {
		d.Counties = append(d.Counties, Choice{Value: name, Label: name, Checked: served[name] || d.AllCountiesOn})
	}
	d.CountyCount, d.CountiesNoun = len(d.Counties), CountiesNoun(t.State)
	if d.Builtin {
		for _, c := range t.Counties {
			if _, ok := MatchCounty(t.State, c); !ok {
				d.Unmatched = append(d.Unmatched, c)
			}
		}
	}
	d.ServedCount = len(t.Counties)
	offered := map[string]bool{}
	for _, v := range f.Values["languages"] {
		offered[v] = true
	}
	for _, l := range Languages {
		d.Languages = append(d.Languages, Choice{Value: l, Label: l, Checked: offered[l]})
	}
	d.CanUpdate = h.authz.Allowed(web.ScopeOf(c).UserID, t.ID, authz.Perm{Obj: "settings", Act: "update"})
	return d
}

// monthOptions are the twelve months as a select's options, selected chosen and usual marked
// "(the usual)".
func monthOptions(selected string, usual int) []web.Option {
	out := make([]web.Option, 12)
	for m := 1; m <= 12; m++ {
		v, label := strconv.Itoa(m), MonthName(m)
		if m == usual {
			label += " (the usual)"
		}
		out[m-1] = web.Option{Value: v, Label: label, Selected: v == selected}
	}
	return out
}

// settingsForm is the form filled with the tenant's stored settings.
func settingsForm(t *Tenant) *web.Form {
	f := &web.Form{Values: map[string][]string{}, Errors: map[string]string{}}
	f.Values.Set("name", t.Name)
	f.Values.Set("time_zone", t.TimeZone)
	f.Values.Set("state_fy_start_month", strconv.Itoa(t.StateFYStartMonth))
	f.Values.Set("federal_fy_start_month", strconv.Itoa(t.FederalFYStartMonth))
	if HasBuiltinCounties(t.State) {
		// Counties typed before the state had a list are ticked where the list has them.
		for _, c := range t.Counties {
			if name, ok := MatchCounty(t.State, c); ok {
				f.Values.Add("counties", name)
			}
		}
	} else {
		f.Values.Set("counties_text", strings.Join(t.Counties, "\n"))
	}
	for _, l := range t.Languages {
		f.Values.Add("languages", l)
	}
	f.Values.Set("languages_other", strings.Join(t.OtherLanguages(), ", "))
	return f
}

// SettingsPage shows the agency settings form, filled with what is stored.
func (h *Handler) SettingsPage(c *fiber.Ctx) error {
	t, err := h.store.TenantByID(c.UserContext(), web.ScopeOf(c).TenantID)
	if err != nil {
		return err
	}
	f := settingsForm(t)
	return web.Render(c, fiber.StatusOK, "tenants/settings", "tenants/_settings",
		web.View{Title: "Agency settings", D: h.settingsData(c, t, f), Form: f})
}

// SaveSettings stores the agency settings; a bad form comes back with what was typed and a
// message for each bad field.
func (h *Handler) SaveSettings(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	in := SettingsInput{
		Name: f.Get("name"), TimeZone: f.Get("time_zone"),
		StateFYStartMonth: f.Get("state_fy_start_month"), FederalFYStartMonth: f.Get("federal_fy_start_month"),
		Counties: f.Values["counties"], AllCounties: f.Get("all_counties") != "", CountiesText: f.Get("counties_text"),
		Languages: f.Values["languages"], OtherLanguages: f.Get("languages_other"),
	}
	err := f.Err()
	if err == nil {
		_, err = h.svc.SaveSettings(ctx, in)
	}
	if apperr.Code(err) == apperr.EINVALID {
		t, terr := h.store.TenantByID(ctx, web.ScopeOf(c).TenantID)
		if terr != nil {
			return terr
		}
		f.Errors = apperr.FieldsOf(err)
		f.Errors["_form"] = apperr.Message(err)
		return web.Render(c, fiber.StatusUnprocessableEntity, "tenants/settings", "tenants/_settings",
			web.View{Title: "Agency settings", D: h.settingsData(c, t, f), Form: f})
	} else if err != nil {
		return err
	}
	web.Flash(c, "Your agency settings are saved.")
	return web.Redirect(c, "/t/"+web.ScopeOf(c).TenantSlug+"/settings")
}
