package consultants

import (
	"context"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// SearchPageSize is how many consultants one page of the public search shows.
const SearchPageSize = 25

// SearchFilter is a public search: each non-empty field narrows the results.
type SearchFilter struct {
	County    string
	Language  string
	Setting   string
	Specialty string
	Mode      string
	Taking    bool // only those taking new programs (capacity > 0)
	Page      int  // from 1
}

// ParseSearchFilter reads a filter from a query string (the search's shareable address).
func ParseSearchFilter(q url.Values) SearchFilter {
	f := SearchFilter{County: q.Get("county"), Language: q.Get("language"), Setting: q.Get("setting"),
		Specialty: q.Get("specialty"), Mode: q.Get("mode"), Taking: q.Get("taking") == "1"}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	return f
}

// Query is the filter as a query string, for page n.
func (f SearchFilter) Query(page int) string {
	v := url.Values{}
	for k, s := range map[string]string{"county": f.County, "language": f.Language, "setting": f.Setting,
		"specialty": f.Specialty, "mode": f.Mode} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Taking {
		v.Set("taking", "1")
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

// facets are the filter's chosen facet values.
func (f SearchFilter) facets() [][2]string {
	var out [][2]string
	for _, p := range [][2]string{{FacetCounty, f.County}, {FacetLanguage, f.Language}, {FacetSetting, f.Setting},
		{FacetSpecialty, f.Specialty}, {FacetMode, f.Mode}} {
		if p[1] != "" {
			out = append(out, p)
		}
	}
	return out
}

// SearchListing is what the public search shows of a consultant: what a program needs to choose,
// nothing private (no email, no account, no review).
type SearchListing struct {
	ID          string
	Name        string
	Agency      string
	Languages   []string
	Counties    []string
	Settings    []string // labels
	Specialties []string
	Modes       []string // labels
	Taking      bool
	// Facts are the lists above as the card shows them, each joined once (a template loop per
	// list of every card was most of the search page's drawing).
	Facts []SearchFact
}

// SearchFact is one line of a consultant's card: what it is, and the values joined.
type SearchFact struct{ Term, Values string }

// facts are l's lists as the card's lines, the empty ones left out.
func (l SearchListing) facts() []SearchFact {
	var out []SearchFact
	for _, f := range []struct {
		term string
		vs   []string
	}{{"Counties", l.Counties}, {"Languages", l.Languages}, {"Settings", l.Settings}, {"Specialties", l.Specialties}, {"Meets", l.Modes}} {
		if len(f.vs) > 0 {
			out = append(out, SearchFact{Term: f.term, Values: strings.Join(f.vs, ", ")})
		}
	}
	return out
}

// SearchResults is one page of a search.
type SearchResults struct {
	SearchFilter SearchFilter
	Listings     []SearchListing
	Page         int
	HasMore      bool
}

// PrevQuery and NextQuery are the neighbouring pages' query strings.
func (r SearchResults) PrevQuery() template.URL {
	return template.URL(r.SearchFilter.Query(r.Page - 1))
}
func (r SearchResults) NextQuery() template.URL {
	return template.URL(r.SearchFilter.Query(r.Page + 1))
}

// searchAgency reads an organisation's name (the consultant's agency).
type searchAgency struct {
	bun.BaseModel `bun:"table:organisations,alias:o"`
	database.TenantScoped

	ID   string `bun:"id,pk"`
	Name string `bun:"name"`
}

// Search returns a page of the approved, active consultants of ctx's tenant matching f, by
// name. Each chosen facet is an EXISTS on consultant_facets (its primary key answers it).
func Search(ctx context.Context, db *bun.DB, f SearchFilter) (*SearchResults, error) {
	t, err := database.For(ctx, db)
	if err != nil {
		return nil, err
	}
	if f.Page < 1 {
		f.Page = 1
	}
	var ps []Profile
	q := t.Select(&ps).
		Column("cp.id", "cp.agency_id", "cp.display_name", "cp.languages", "cp.counties", "cp.settings",
			"cp.specialties", "cp.modes", "cp.capacity").
		Where("cp.status = ?", StatusApproved).Where("cp.active = ?", true)
	for _, fv := range f.facets() {
		q = q.Where("EXISTS (SELECT 1 FROM consultant_facets AS cf WHERE cf.tenant_id = cp.tenant_id AND cf.facet = ? AND cf.value = ? AND cf.profile_id = cp.id)", fv[0], fv[1])
	}
	if f.Taking {
		q = q.Where("cp.capacity > 0")
	}
	err = q.OrderExpr("cp.display_name, cp.id").Limit(SearchPageSize + 1).Offset(int64((f.Page - 1) * SearchPageSize)).Scan(ctx)
	if err != nil {
		return nil, err
	}
	r := &SearchResults{SearchFilter: f, Page: f.Page}
	if len(ps) > SearchPageSize {
		r.HasMore, ps = true, ps[:SearchPageSize]
	}
	agencies := map[string]string{}
	var ids []string
	for _, p := range ps {
		if p.AgencyID != "" {
			ids = append(ids, p.AgencyID)
		}
	}
	if len(ids) > 0 {
		var rows []searchAgency
		if err := t.Select(&rows).Column("o.id", "o.name").Where("o.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
			return nil, err
		}
		for _, a := range rows {
			agencies[a.ID] = a.Name
		}
	}
	for _, p := range ps {
		r.Listings = append(r.Listings, SearchListing{ID: p.ID, Name: p.DisplayName, Agency: agencies[p.AgencyID],
			Languages: p.Languages, Counties: p.Counties, Settings: searchLabels(p.Settings, Settings),
			Specialties: p.Specialties, Modes: searchLabels(p.Modes, Modes), Taking: p.Capacity > 0})
		l := &r.Listings[len(r.Listings)-1]
		l.Facts = l.facts()
	}
	return r, nil
}

// SearchOption is one choice of a filter.
type SearchOption struct{ Value, Label string }

// SearchChoices are the choices of each filter: the values listed consultants have.
type SearchChoices struct {
	Counties, Languages, Settings, Specialties, Modes []SearchOption
}

// SearchOptions returns the filter choices of ctx's tenant: every value an approved, active
// consultant has, so no choice leads to nothing for want of anyone at all.
func SearchOptions(ctx context.Context, db *bun.DB) (*SearchChoices, error) {
	t, err := database.For(ctx, db)
	if err != nil {
		return nil, err
	}
	var rows []Facet
	err = t.Select(&rows).Distinct().Column("cf.facet", "cf.value").
		Where("EXISTS (SELECT 1 FROM consultant_profiles AS cp WHERE cp.tenant_id = cf.tenant_id AND cp.id = cf.profile_id AND cp.status = ? AND cp.active = ?)", StatusApproved, true).
		Scan(ctx)
	if err != nil {
		return nil, err
	}
	o := &SearchChoices{}
	for _, r := range rows {
		opt := SearchOption{Value: r.Value, Label: r.Value}
		switch r.Facet {
		case FacetCounty:
			o.Counties = append(o.Counties, opt)
		case FacetLanguage:
			o.Languages = append(o.Languages, opt)
		case FacetSetting:
			opt.Label = searchLabel(r.Value, Settings)
			o.Settings = append(o.Settings, opt)
		case FacetSpecialty:
			o.Specialties = append(o.Specialties, opt)
		case FacetMode:
			opt.Label = searchLabel(r.Value, Modes)
			o.Modes = append(o.Modes, opt)
		}
	}
	for _, l := range [][]SearchOption{o.Counties, o.Languages, o.Settings, o.Specialties, o.Modes} {
		sort.Slice(l, func(i, j int) bool { return l[i].Label < l[j].Label })
	}
	return o, nil
}

func searchLabel(v string, set []struct{ Value, Label string }) string {
	for _, s := range set {
		if s.Value == v {
			return s.Label
		}
	}
	return v
}

func searchLabels(vs []string, set []struct{ Value, Label string }) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = searchLabel(v, set)
	}
	return out
}
