package consultants

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	mailer "github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/steps"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// Matching answers requests for a consultant: a tenant admin sees a request in full with the
// consultants ranked for it, assigns one to a program (which takes one of the consultant's
// places) or closes the request with a reason, and ends assignments (which gives the place
// back). Program people see their program's consultants and requests and ask for a consultant;
// funders see the consultants of the programs they fund.
type Matching struct {
	db      *bun.DB
	tenants *tenants.Store
	reg     *Registry
	audit   *audit.Log
	mailer  *mailer.Mailer // nil: nobody is emailed (the demo seed)
	baseURL string
	now     func() time.Time
}

// NewMatching returns the matching service. m may be nil (then no email is sent).
func NewMatching(db *bun.DB, ten *tenants.Store, log *audit.Log, m *mailer.Mailer, baseURL string) *Matching {
	return &Matching{db: db, tenants: ten, reg: NewRegistry(db, ten, log, nil), audit: log, mailer: m, baseURL: baseURL, now: time.Now}
}

// Limits of matching.
const (
	SuggestionLimit    = 20   // how many consultants the request page suggests
	MaxDecisionNote    = 1000 // the longest reason for closing a request
	MaxOpenProgramAsks = 5    // how many open requests one program may have at once
)

// Weights of the ranking: each criterion a consultant meets adds its weight to the score.
// County counts most (consultation is mostly in person), then language, then the setting,
// then each specialty. Free places break ties; consultants without a free place come last.
const (
	WeightCounty    = 4
	WeightLanguage  = 3
	WeightSetting   = 2
	WeightSpecialty = 1
)

// Criteria is what suggestions are ranked by; an empty field does not count.
type Criteria struct {
	County      string   // one of the tenant's counties
	Language    string   // one of the tenant's languages
	Setting     string   // a setting (the chosen program's kind)
	Specialties []string // specialties of the tenant
}

// Empty reports whether nothing would rank consultants.
func (c Criteria) Empty() bool {
	return c.County == "" && c.Language == "" && c.Setting == "" && len(c.Specialties) == 0
}

// SettingLabel is the criteria's setting in plain words.
func (c Criteria) SettingLabel() string { return searchLabel(c.Setting, Settings) }

// Text is what the criteria rank by, in plain words ("county: Cook · language: Spanish").
func (c Criteria) Text() string {
	var out []string
	if c.County != "" {
		out = append(out, "county: "+c.County)
	}
	if c.Language != "" {
		out = append(out, "language: "+c.Language)
	}
	if c.Setting != "" {
		out = append(out, "setting: "+c.SettingLabel())
	}
	switch len(c.Specialties) {
	case 0:
	case 1:
		out = append(out, "specialty: "+c.Specialties[0])
	default:
		out = append(out, "specialties: "+strings.Join(c.Specialties, ", "))
	}
	return strings.Join(out, " · ")
}

// Suggestion is a consultant suggested for a request, with why.
type Suggestion struct {
	ID, Name, Agency string
	Capacity         int
	County           bool
	Language         bool
	Setting          bool
	Specialties      []string // which of the wanted specialties they have
	Score            int
	AskedFor         bool   // the consultant the requester asked for
	ServingSince     string // set when they already consult with the chosen program: since when
	Reasons          []string
}

// Serving reports whether the consultant already consults with the chosen program.
func (s Suggestion) Serving() bool { return s.ServingSince != "" }

// Pickable reports whether the consultant can be assigned: a place free, and not already
// consulting with the program.
func (s Suggestion) Pickable() bool { return !s.Full() && !s.Serving() }

// Why is the suggestion's reasons in plain words ("serves Cook County · speaks Spanish · 2 places free").
func (s Suggestion) Why() string { return strings.Join(s.Reasons, " · ") }

// Full reports whether the consultant has no place free.
func (s Suggestion) Full() bool { return s.Capacity <= 0 }

// suggestionRow is a row of the ranking query.
type suggestionRow struct {
	ID            string
	DisplayName   string
	AgencyID      string
	Capacity      int
	Counties      database.StringList `bun:"-"`
	Languages     database.StringList `bun:"-"`
	Settings      database.StringList `bun:"-"`
	Specialties   database.StringList `bun:"-"`
	CountyHit     int
	LanguageHit   int
	SettingHit    int
	SpecialtyHits int
	Score         int
}

// criterion is one criterion of a ranking: the facet values that meet it, and its weight.
type criterion struct {
	facet  string
	values []string
	column string // the query's column counting it
	weight int
}

func (c Criteria) criteria() []criterion {
	var out []criterion
	for _, x := range []criterion{
		{FacetCounty, nonEmpty(c.County), "county_hit", WeightCounty},
		{FacetLanguage, nonEmpty(c.Language), "language_hit", WeightLanguage},
		{FacetSetting, nonEmpty(c.Setting), "setting_hit", WeightSetting},
		{FacetSpecialty, c.Specialties, "specialty_hits", WeightSpecialty},
	} {
		if len(x.values) > 0 {
			out = append(out, x)
		}
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// hitColumns are the columns of the ranking, all zero (what a consultant meeting nothing scores).
const hitColumns = "0 AS county_hit, 0 AS language_hit, 0 AS setting_hit, 0 AS specialty_hits, 0 AS score"

// facetScores is the ranking's subquery: per consultant meeting any criterion, which ones and
// the score. It reads only the facet rows equal to a criterion (the facets' primary key,
// tenant-facet-value, finds them), so its cost follows the matches, not the size of the
// registry. Nil without criteria.
//
// The same rows are read in the shape each database plans best: PostgreSQL one scan of the
// matching facets, aggregated by hash; SQLite one exact primary-key lookup per criterion, put
// together with UNION ALL (its planner would read every facet of the tenant for the one scan
// with ORs, and PostgreSQL spends more starting parallel workers for the UNION than it saves).
func facetScores(ctx context.Context, db *bun.DB, t database.Tenant, c Criteria) *bun.SelectQuery {
	cs := c.criteria()
	if len(cs) == 0 {
		return nil
	}
	columns := []string{"county_hit", "language_hit", "setting_hit", "specialty_hits"}
	var rows *bun.SelectQuery // per matching facet: the profile and the criterion it meets (1 or 0 per column)
	if db.Dialect().Name() == dialect.PG {
		var hits []string
		var args []any
		for _, col := range columns {
			expr := "0"
			for _, x := range cs {
				if x.column == col {
					expr = "CASE WHEN cf.facet = ? AND cf.value IN (?) THEN 1 ELSE 0 END"
					args = append(args, x.facet, bun.In(x.values))
				}
			}
			hits = append(hits, expr+" AS "+col)
		}
		rows = t.Select((*Facet)(nil)).Column("cf.profile_id").ColumnExpr(strings.Join(hits, ", "), args...).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				for _, x := range cs {
					q = q.WhereOr("(cf.facet = ? AND cf.value IN (?))", x.facet, bun.In(x.values))
				}
				return q
			})
	} else {
		for _, x := range cs {
			hits := make([]string, 0, len(columns))
			for _, col := range columns {
				if col == x.column {
					hits = append(hits, "1 AS "+col)
				} else {
					hits = append(hits, "0 AS "+col)
				}
			}
			q := t.Select((*Facet)(nil)).Column("cf.profile_id").ColumnExpr(strings.Join(hits, ", ")).
				Where("cf.facet = ? AND cf.value IN (?)", x.facet, bun.In(x.values))
			if rows == nil {
				rows = q
			} else {
				rows = rows.UnionAll(q)
			}
		}
	}
	return database.Conn(ctx, db).NewSelect().TableExpr("(?) AS fh", rows).
		ColumnExpr("fh.profile_id, MAX(fh.county_hit) AS county_hit, MAX(fh.language_hit) AS language_hit").
		ColumnExpr("MAX(fh.setting_hit) AS setting_hit, SUM(fh.specialty_hits) AS specialty_hits").
		ColumnExpr(fmt.Sprintf("MAX(fh.county_hit) * %d + MAX(fh.language_hit) * %d + MAX(fh.setting_hit) * %d + SUM(fh.specialty_hits) * %d AS score",
			WeightCounty, WeightLanguage, WeightSetting, WeightSpecialty)).
		GroupExpr("fh.profile_id")
}

// rankOrder orders a ranking: a free place first, then the score, the free places, the name.
const rankOrder = "CASE WHEN cp.capacity > 0 THEN 0 ELSE 1 END, score DESC, cp.capacity DESC, cp.display_name, cp.id"

func rankLess(a, b suggestionRow) bool {
	if (a.Capacity > 0) != (b.Capacity > 0) {
		return a.Capacity > 0
	}
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Capacity != b.Capacity {
		return a.Capacity > b.Capacity
	}
	if a.DisplayName != b.DisplayName {
		return a.DisplayName < b.DisplayName
	}
	return a.ID < b.ID
}

// Suggest ranks the tenant's approved, active consultants for c: consultants with a free place
// first, then by score (see the weights), then by free places, then by name; at most limit.
// askedFor, if it names one of them, is included (and marked) even beyond the limit.
//
// One query ranks the consultants who meet a criterion (driven by the facets that match, each
// joined to its profile by primary key); when fewer than limit of them have a place free, a
// second adds those who meet none; the asked-for consultant and the agencies' names take one
// more each.
func (m *Matching) Suggest(ctx context.Context, c Criteria, askedFor string, limit int) ([]Suggestion, error) {
	t, err := database.For(ctx, m.db)
	if err != nil {
		return nil, err
	}
	profiles := func() *bun.SelectQuery {
		return t.Select((*Profile)(nil)).Column("cp.id", "cp.display_name", "cp.agency_id", "cp.capacity").
			Where("cp.status = ?", StatusApproved).Where("cp.active = ?", true)
	}
	var rows []suggestionRow
	if agg := facetScores(ctx, m.db, t, c); agg != nil {
		// The matches drive (CROSS JOIN keeps that order on SQLite; PostgreSQL plans it freely).
		err := profiles().ModelTableExpr("(?) AS fm CROSS JOIN consultant_profiles AS cp", agg).Where("cp.id = fm.profile_id").
			ColumnExpr("fm.county_hit, fm.language_hit, fm.setting_hit, fm.specialty_hits, fm.score").
			OrderExpr(rankOrder).Limit(int64(limit)).Scan(ctx, &rows)
		if err != nil {
			return nil, err
		}
	}
	taking := 0
	for _, r := range rows {
		if r.Capacity > 0 {
			taking++
		}
	}
	if taking < limit {
		q := profiles().ColumnExpr(hitColumns)
		if cs := c.criteria(); len(cs) > 0 {
			var conds []string
			var args []any
			for _, x := range cs {
				conds = append(conds, "(cf.facet = ? AND cf.value IN (?))")
				args = append(args, x.facet, bun.In(x.values))
			}
			q = q.Where("NOT EXISTS (SELECT 1 FROM consultant_facets AS cf WHERE cf.tenant_id = cp.tenant_id AND cf.profile_id = cp.id AND ("+
				strings.Join(conds, " OR ")+"))", args...)
		}
		var more []suggestionRow
		if err := q.OrderExpr(rankOrder).Limit(int64(limit)).Scan(ctx, &more); err != nil {
			return nil, err
		}
		rows = append(rows, more...)
		sort.SliceStable(rows, func(i, j int) bool { return rankLess(rows[i], rows[j]) })
		if len(rows) > limit {
			rows = rows[:limit]
		}
	}
	found := false
	for _, r := range rows {
		found = found || r.ID == askedFor
	}
	if askedFor != "" && !found && database.IsID(askedFor) {
		var extra []suggestionRow
		if err := profiles().ColumnExpr(hitColumns).Where("cp.id = ?", askedFor).Scan(ctx, &extra); err != nil {
			return nil, err
		}
		rows = append(rows, extra...)
	}
	// The lists of the few ranked (the reasons name their specialties; the asked-for
	// consultant's hits come from them).
	lists := map[string]Profile{}
	if len(rows) > 0 {
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		var ps []Profile
		if err := t.Select(&ps).Column("cp.id", "cp.counties", "cp.languages", "cp.settings", "cp.specialties").
			Where("cp.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
			return nil, err
		}
		for _, p := range ps {
			lists[p.ID] = p
		}
	}
	for i := range rows {
		p := lists[rows[i].ID]
		rows[i].Counties, rows[i].Languages, rows[i].Settings, rows[i].Specialties = p.Counties, p.Languages, p.Settings, p.Specialties
		if rows[i].ID == askedFor && !found {
			rows[i] = rows[i].scored(c)
		}
	}
	agencies, err := m.orgNames(ctx, func(add func(string)) {
		for _, r := range rows {
			add(r.AgencyID)
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]Suggestion, len(rows))
	for i, r := range rows {
		s := Suggestion{ID: r.ID, Name: r.DisplayName, Agency: agencies[r.AgencyID], Capacity: r.Capacity,
			County: r.CountyHit > 0, Language: r.LanguageHit > 0, Setting: r.SettingHit > 0, Score: r.Score, AskedFor: r.ID == askedFor}
		for _, sp := range c.Specialties {
			if r.Specialties.Has(sp) {
				s.Specialties = append(s.Specialties, sp)
			}
		}
		s.Reasons = reasons(s, c)
		out[i] = s
	}
	return out, nil
}

// scored is the row with its hits and score worked out from the profile's own lists (the
// facets hold the same values), for the one consultant outside the ranking.
func (r suggestionRow) scored(c Criteria) suggestionRow {
	hit := func(list database.StringList, v string) int {
		if v != "" && list.Has(v) {
			return 1
		}
		return 0
	}
	r.CountyHit, r.LanguageHit, r.SettingHit = hit(r.Counties, c.County), hit(r.Languages, c.Language), hit(r.Settings, c.Setting)
	r.SpecialtyHits = 0
	for _, sp := range c.Specialties {
		r.SpecialtyHits += hit(r.Specialties, sp)
	}
	r.Score = r.CountyHit*WeightCounty + r.LanguageHit*WeightLanguage + r.SettingHit*WeightSetting + r.SpecialtyHits*WeightSpecialty
	return r
}

// orgNames returns the names of the organisations each names (ids may repeat or be empty).
func (m *Matching) orgNames(ctx context.Context, each func(add func(string))) (map[string]string, error) {
	var ids []string
	seen := map[string]bool{}
	each(func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	})
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	t, err := database.For(ctx, m.db)
	if err != nil {
		return nil, err
	}
	var orgs []tenants.Organisation
	if err := t.Select(&orgs).Column("o.id", "o.name").Where("o.id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	for _, o := range orgs {
		out[o.ID] = o.Name
	}
	return out, nil
}

// settingPhrases say that a consultant works in a setting.
var settingPhrases = map[string]string{
	"home_visiting": "works with home visiting programs", "doula": "works with doula programs",
	"coordinated_intake": "works with coordinated intake", "child_care_center": "works with child care centers",
	"family_child_care_home": "works with family child care homes", "head_start": "works with Head Start",
	"early_intervention": "works with Early Intervention teams",
}

// CountyName is a county as people say it ("Cook" → "Cook County", "Acadia Parish" as it is).
func CountyName(c string) string { return tenants.CountyLabel(c) }

// PlacesText is a number of free places in words.
func PlacesText(n int) string {
	switch {
	case n <= 0:
		return "no places free"
	case n == 1:
		return "1 place free"
	}
	return fmt.Sprintf("%d places free", n)
}

func reasons(s Suggestion, c Criteria) []string {
	var out []string
	if s.County {
		out = append(out, "serves "+CountyName(c.County))
	}
	if s.Language {
		out = append(out, "speaks "+c.Language)
	}
	if s.Setting {
		p, ok := settingPhrases[c.Setting]
		if !ok {
			p = "works in " + c.SettingLabel()
		}
		out = append(out, p)
	}
	switch len(s.Specialties) {
	case 0:
	case 1:
		out = append(out, "specialty: "+s.Specialties[0])
	default:
		out = append(out, "specialties: "+strings.Join(s.Specialties, ", "))
	}
	return append(out, PlacesText(s.Capacity))
}

// needStop are words too common in a need to point to a specialty.
var needStop = map[string]bool{"child": true, "children": true, "safe": true, "with": true, "from": true, "that": true,
	"their": true, "about": true, "this": true}

// specialtyPhrases are the ways a need names each built-in specialty: its own name, the other
// words people use for it ("domestic violence" for intimate partner violence, "maternal
// depression" for postpartum depression) and its usual abbreviations. Each word of a phrase
// begins a word of the need ("depression" finds "depressed": see phraseIn); a word of three
// letters or fewer must be the whole word ("IPV", "SUD").
var specialtyPhrases = map[string][]string{
	"Intimate partner violence": {"intimate partner violence", "partner violence", "domestic violence", "domestic abuse",
		"family violence", "dating violence", "relationship violence", "abusive relationship", "abusive partner", "ipv", "dv"},
	"Substance use": {"substance use", "substance abuse", "substance misuse", "drug", "alcohol", "addiction", "addicted",
		"opioid", "opiate", "methamphetamine", "cannabis", "marijuana", "prenatal exposure", "sud", "neonatal abstinence"},
	"Attachment": {"attachment", "attached", "bonding", "bond", "secure base", "separation anxiety"},
	"Postpartum depression": {"postpartum depression", "postnatal depression", "perinatal depression", "maternal depression",
		"postpartum", "perinatal mood", "maternal mental health", "parental depression", "depression", "depressed", "baby blues", "ppd"},
	"Trauma": {"trauma", "traumatic", "traumatized", "traumatised", "adverse childhood experiences", "aces", "toxic stress",
		"adversity", "ptsd"},
	"Safe sleep": {"safe sleep", "sleep", "sleeping", "sids", "sudden infant death", "suid", "crib", "bed sharing", "bedsharing",
		"co sleeping", "cosleeping"},
	"Child development":          {"child development", "development", "developmental", "milestone"},
	"Assessments and screenings": {"assessment", "screening", "screen", "asq", "evaluation", "tpitos", "tpot"},
}

// lowerWords splits s into lower-case words of letters.
func lowerWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

// stem is a word's first six letters: "depression" and "depressed" share "depres".
func stem(w string) string {
	r := []rune(w)
	if len(r) > 6 {
		r = r[:6]
	}
	return string(r)
}

// wordMatches reports whether a word of the need is the phrase word p: short words whole,
// longer ones by their stem ("screen" finds "screenings", "trauma" finds "traumatic").
func wordMatches(need, p string) bool {
	if utf8.RuneCountInString(p) <= 3 {
		return need == p
	}
	return strings.HasPrefix(need, stem(p))
}

// phraseIn reports whether the words of phrase follow each other in words.
func phraseIn(words []string, phrase string) bool {
	ps := lowerWords(phrase)
	if len(ps) == 0 {
		return false
	}
	for i := 0; i+len(ps) <= len(words); i++ {
		ok := true
		for j, p := range ps {
			if !wordMatches(words[i+j], p) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// NeedSpecialties returns the specialties a request's need speaks of, in the list's order. A
// built-in specialty matches when the need uses one of its phrases (specialtyPhrases), so
// "domestic violence" finds "Intimate partner violence" and "maternal depression" finds
// "Postpartum depression". A tenant's own specialty has no phrases: it matches its own name,
// or when at least half of its telling words (four letters or more, not too common) begin a
// word of the need.
func NeedSpecialties(need string, specialties []string) []string {
	words := lowerWords(need)
	var out []string
	for _, sp := range specialties {
		if phrases, ok := specialtyPhrases[sp]; ok {
			for _, p := range phrases {
				if phraseIn(words, p) {
					out = append(out, sp)
					break
				}
			}
			continue
		}
		if phraseIn(words, sp) {
			out = append(out, sp)
			continue
		}
		var telling []string
		for _, w := range lowerWords(sp) {
			if utf8.RuneCountInString(w) >= 4 && !needStop[w] {
				telling = append(telling, stem(w))
			}
		}
		n := 0
		for _, s := range telling {
			for _, w := range words {
				if strings.HasPrefix(w, s) {
					n++
					break
				}
			}
		}
		if n > 0 && 2*n >= len(telling) {
			out = append(out, sp)
		}
	}
	return out
}

// canonical returns the entry of list that v names, ignoring case (and a " County" suffix for
// counties), or "".
func canonical(v string, list []string, county bool) string {
	norm := func(s string) string {
		s = strings.ToLower(strings.Join(strings.Fields(s), " "))
		if county {
			s = strings.TrimSuffix(s, " county")
		}
		return s
	}
	want := norm(v)
	if want == "" {
		return ""
	}
	for _, l := range list {
		if norm(l) == want {
			return l
		}
	}
	return ""
}

// Request returns a confirmed request of the tenant (an unconfirmed one is nobody's yet), or
// ENOTFOUND.
func (m *Matching) Request(ctx context.Context, id string) (*Request, error) {
	t, err := database.For(ctx, m.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("request")
	}
	r := new(Request)
	err = t.Select(r).Where("cr.id = ?", id).Where("cr.status <> ?", RequestUnconfirmed).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("request")
	}
	return r, err
}

// DetailOptions are the request page's choices.
type DetailOptions struct {
	ProgramID  string
	ProgramSet bool   // ProgramID was chosen (even empty); otherwise the page preselects one
	Specialty  string // a chosen specialty; "" reads them from the need
}

// RequestDetail is the request page: the request in full, the program to assign to and, for an
// open request, the consultants ranked for it.
type RequestDetail struct {
	Request     *Request
	AskedFor    string // the name of the consultant asked for
	Programs    []tenants.Organisation
	ProgramID   string // the program chosen to rank for and assign to
	Program     *tenants.Organisation
	Specialty   string
	Specialties []string // the tenant's
	FromNeed    []string // the specialties read from the need
	Criteria    Criteria
	Unused      []string // what of the request could not rank anyone, in words
	Suggestions []Suggestion
	Pickable    int              // how many suggestions can be assigned
	Assignments []AssignmentView // the assignments that answered it
	Open        bool
}

// Detail returns the request page of request id.
func (m *Matching) Detail(ctx context.Context, id string, o DetailOptions) (*RequestDetail, error) {
	r, err := m.Request(ctx, id)
	if err != nil {
		return nil, err
	}
	l, err := m.reg.Lists(ctx)
	if err != nil {
		return nil, err
	}
	d := &RequestDetail{Request: r, Specialties: l.Specialties, Open: r.Status == RequestOpen}
	if r.ProfileID != "" {
		t, err := database.For(ctx, m.db)
		if err != nil {
			return nil, err
		}
		var p Profile
		if err := t.Select(&p).Column("cp.display_name").Where("cp.id = ?", r.ProfileID).Scan(ctx); err == nil {
			d.AskedFor = p.DisplayName
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	if d.Programs, err = m.tenants.OrganisationsOfKind(ctx, tenants.OrgProgram); err != nil {
		return nil, err
	}
	d.ProgramID = o.ProgramID
	if !o.ProgramSet {
		d.ProgramID = r.ProgramID
		for _, p := range d.Programs {
			if d.ProgramID == "" && strings.EqualFold(strings.TrimSpace(p.Name), strings.TrimSpace(r.OrganisationName)) {
				d.ProgramID = p.ID
			}
		}
	}
	for i := range d.Programs {
		if d.Programs[i].ID == d.ProgramID {
			d.Program = &d.Programs[i]
		}
	}
	if d.Program == nil {
		d.ProgramID = ""
	}
	if d.Assignments, err = m.Assignments(ctx, AssignmentFilter{RequestID: r.ID}); err != nil {
		return nil, err
	}
	if !d.Open {
		return d, nil
	}
	c := Criteria{County: canonical(r.County, l.Tenant.Counties, true), Language: canonical(r.PreferredLanguage, l.Tenant.Languages, false)}
	if c.County == "" && r.County != "" {
		d.Unused = append(d.Unused, fmt.Sprintf("the county “%s” is not one of your counties", r.County))
	}
	if c.County == "" && d.Program != nil {
		c.County = canonical(d.Program.County, l.Tenant.Counties, true)
	}
	if c.Language == "" && r.PreferredLanguage != "" {
		d.Unused = append(d.Unused, fmt.Sprintf("the language “%s” is not one of your languages", r.PreferredLanguage))
	}
	if d.Program != nil {
		c.Setting = d.Program.ProgramKind
	}
	d.FromNeed = NeedSpecialties(r.Need, l.Specialties)
	c.Specialties = d.FromNeed
	if o.Specialty != "" && database.StringList(l.Specialties).Has(o.Specialty) {
		d.Specialty, c.Specialties = o.Specialty, []string{o.Specialty}
	}
	d.Criteria = c
	if d.Suggestions, err = m.Suggest(ctx, c, r.ProfileID, SuggestionLimit); err != nil {
		return nil, err
	}
	if err := m.markServing(ctx, d); err != nil {
		return nil, err
	}
	for _, s := range d.Suggestions {
		if s.Pickable() {
			d.Pickable++
		}
	}
	return d, nil
}

// markServing marks the suggested consultants who already consult with the chosen program (an
// assignment would be refused) and lists them after the others, keeping the ranking's order.
func (m *Matching) markServing(ctx context.Context, d *RequestDetail) error {
	if d.Program == nil || len(d.Suggestions) == 0 {
		return nil
	}
	list, err := m.Assignments(ctx, AssignmentFilter{ProgramID: d.Program.ID, Status: AssignmentActive})
	if err != nil {
		return err
	}
	since := map[string]string{}
	for _, a := range list {
		if was, ok := since[a.ProfileID]; !ok || a.StartedOn < was {
			since[a.ProfileID] = a.StartedOn
		}
	}
	for i := range d.Suggestions {
		d.Suggestions[i].ServingSince = since[d.Suggestions[i].ID]
	}
	sort.SliceStable(d.Suggestions, func(i, j int) bool {
		return !d.Suggestions[i].Serving() && d.Suggestions[j].Serving()
	})
	return nil
}

// AssignmentView is an assignment with the names people read.
type AssignmentView struct {
	Assignment
	ConsultantName  string              `bun:"consultant_name,scanonly"`
	ConsultantEmail string              `bun:"consultant_email,scanonly"`
	Languages       database.StringList `bun:"consultant_languages,scanonly"`
	AgencyName      string              `bun:"agency_name,scanonly"`
	ProgramName     string              `bun:"program_name,scanonly"`
}

// Active reports whether the assignment is current.
func (a AssignmentView) Active() bool { return a.Status == AssignmentActive }

// AssignmentFilter narrows a list of assignments; every field is optional.
type AssignmentFilter struct {
	ID        string
	Status    string
	RequestID string
	ProgramID string
	FunderID  string   // the programs this funder funds
	Programs  []string // only these programs' (a page of the consultants page)
	Limit     int      // at most this many (0: all)
	// Newest orders them by start, newest first (the requests page), rather than by program
	// then consultant.
	Newest bool
}

// Assignments lists the tenant's assignments matching f, by program then consultant.
func (m *Matching) Assignments(ctx context.Context, f AssignmentFilter) ([]AssignmentView, error) {
	t, err := database.For(ctx, m.db)
	if err != nil {
		return nil, err
	}
	q := t.Select((*Assignment)(nil)).
		ColumnExpr("ca.*, cp.display_name AS consultant_name, cp.languages AS consultant_languages").
		ColumnExpr("COALESCE(u.email, '') AS consultant_email, COALESCE(o.name, '') AS program_name, COALESCE(ag.name, '') AS agency_name").
		Join("JOIN consultant_profiles AS cp ON cp.tenant_id = ca.tenant_id AND cp.id = ca.profile_id").
		Join("LEFT JOIN users AS u ON u.id = cp.user_id").
		Join("LEFT JOIN organisations AS o ON o.tenant_id = ca.tenant_id AND o.id = ca.program_id").
		Join("LEFT JOIN organisations AS ag ON ag.tenant_id = cp.tenant_id AND ag.id = cp.agency_id")
	if f.ID != "" {
		q = q.Where("ca.id = ?", f.ID)
	}
	if f.Status != "" {
		q = q.Where("ca.status = ?", f.Status)
	}
	if f.RequestID != "" {
		q = q.Where("ca.request_id = ?", f.RequestID)
	}
	if f.ProgramID != "" {
		q = q.Where("ca.program_id = ?", f.ProgramID)
	}
	if f.FunderID != "" {
		q = q.Where("ca.program_id IN (SELECT f.program_id FROM fundings AS f WHERE f.tenant_id = ca.tenant_id AND f.funder_id = ?)", f.FunderID)
	}
	if f.Programs != nil {
		if len(f.Programs) == 0 {
			return nil, nil
		}
		q = q.Where("ca.program_id IN (?)", bun.In(f.Programs))
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	var list []AssignmentView
	if f.Newest {
		q = q.OrderExpr("ca.started_on DESC, ca.id DESC")
	} else {
		q = q.OrderExpr("o.name, cp.display_name, ca.started_on, ca.id")
	}
	err = q.Scan(ctx, &list)
	return list, err
}

// today is the date in the tenant's time zone.
func (m *Matching) today(ctx context.Context) (string, *tenants.Tenant, error) {
	t, err := m.tenants.RequestTenant(ctx)
	if err != nil {
		return "", nil, err
	}
	return t.Local(m.now()).Format(time.DateOnly), t, nil
}

// Assign assigns the consultant profileID to the program programID in answer to an open
// request: in one transaction it creates the active assignment (started today in the tenant's
// time zone), takes one of the consultant's places, marks the request assigned (to that
// program), records it in the audit log, and emails the consultant, the request's contact and
// the program's people (the emails leave once it commits).
//
// Errors: ENOTFOUND for a request that is not the tenant's; EINVALID naming program_id or
// profile_id; ECONFLICT when the request is no longer open, the consultant already consults
// with the program, or has no place free. Nothing is written then.
func (m *Matching) Assign(ctx context.Context, requestID, programID, profileID string) (*Assignment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	var a *Assignment
	err = database.InTx(ctx, m.db, func(ctx context.Context) error {
		r, program, p, err := m.assignable(ctx, requestID, programID, profileID)
		if err != nil {
			return err
		}
		t, err := database.For(ctx, m.db)
		if err != nil {
			return err
		}
		// Taking the place first locks the consultant's row, so two assignments of the same
		// consultant at once wait for each other and the second sees the first.
		now := database.Now()
		res, err := t.Update((*Profile)(nil)).Set("capacity = capacity - 1").Set("updated_at = ?", now).
			Where("cp.id = ? AND cp.capacity > 0", p.ID).Exec(ctx)
		if err != nil {
			return err
		}
		took, _ := res.RowsAffected()
		// Checked again under the lock: an assignment made meanwhile is seen now.
		if err := m.notServing(ctx, t, p, program); err != nil {
			return err
		}
		if took != 1 {
			return apperr.Errorf(apperr.ECONFLICT, "%s has no places free: choose another consultant, or end one of their assignments first.", p.DisplayName)
		}
		today, tn, err := m.today(ctx)
		if err != nil {
			return err
		}
		r.Status, r.DecidedAt, r.DecidedBy, r.UpdatedAt = RequestAssigned, &now, sc.UserID, now
		if r.ProgramID == "" {
			r.ProgramID = program.ID
		}
		// The request's move is recorded by the assignment's audit event (no event of its own).
		return requestFlow.Apply(ctx, m.db, m.audit, steps.Move{
			ID: r.ID, From: RequestOpen, To: RequestAssigned,
			Set: []steps.Cond{steps.C("program_id = ?", r.ProgramID), steps.C("decided_at = ?", now),
				steps.C("decided_by = ?", r.DecidedBy), steps.C("updated_at = ?", now)},
			Within: func(ctx context.Context) error {
				a = &Assignment{ID: database.NewID(), ProfileID: p.ID, ProgramID: program.ID, RequestID: r.ID, Status: AssignmentActive,
					StartedOn: today, CreatedBy: sc.UserID, CreatedAt: now, UpdatedAt: now}
				if _, err := t.Insert(a).Exec(ctx); err != nil {
					return err
				}
				if err := m.audit.Record(ctx, "consultant_assignment.create", "consultant_assignment", a.ID,
					p.DisplayName+" with "+program.Name); err != nil {
					return err
				}
				return m.mailAssignment(ctx, tn, r, program, p, a.ID, today)
			},
		})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// assignable checks an assignment of profileID to programID in answer to request requestID
// without writing anything: the request is open, the program and the consultant are the
// tenant's, the consultant does not consult with the program already and has a place free.
//
// Errors: as Assign's.
func (m *Matching) assignable(ctx context.Context, requestID, programID, profileID string) (*Request, *tenants.Organisation, *Profile, error) {
	r, err := m.Request(ctx, requestID)
	if err != nil {
		return nil, nil, nil, err
	}
	if r.Status != RequestOpen {
		return nil, nil, nil, apperr.Errorf(apperr.ECONFLICT, "This request is %s already: only an open request can be assigned.", strings.ToLower(r.StatusLabel()))
	}
	t, err := database.For(ctx, m.db)
	if err != nil {
		return nil, nil, nil, err
	}
	fields := map[string]string{}
	program := new(tenants.Organisation)
	if !database.IsID(programID) {
		fields["program_id"] = "Program: choose the program the consultant will work with."
	} else if err := t.Select(program).Where("o.id = ? AND o.kind = ?", programID, tenants.OrgProgram).Scan(ctx); errors.Is(err, sql.ErrNoRows) {
		fields["program_id"] = "Program: choose one of your programs."
	} else if err != nil {
		return nil, nil, nil, err
	}
	p := new(Profile)
	if !database.IsID(profileID) {
		fields["profile_id"] = "Consultant: choose a consultant from the suggestions."
	} else if err := t.Select(p).Where("cp.id = ?", profileID).Where("cp.status = ? AND cp.active = ?", StatusApproved, true).
		Scan(ctx); errors.Is(err, sql.ErrNoRows) {
		fields["profile_id"] = "Consultant: choose an approved consultant of your registry."
	} else if err != nil {
		return nil, nil, nil, err
	}
	if len(fields) > 0 {
		return nil, nil, nil, apperr.Invalid(fields)
	}
	if err := m.notServing(ctx, t, p, program); err != nil {
		return nil, nil, nil, err
	}
	if p.Capacity <= 0 {
		return nil, nil, nil, apperr.Errorf(apperr.ECONFLICT, "%s has no places free: choose another consultant, or end one of their assignments first.", p.DisplayName)
	}
	return r, program, p, nil
}

// notServing returns ECONFLICT when p already consults with program.
func (m *Matching) notServing(ctx context.Context, t database.Tenant, p *Profile, program *tenants.Organisation) error {
	var dup Assignment
	err := t.Select(&dup).Where("ca.profile_id = ? AND ca.program_id = ? AND ca.status = ?", p.ID, program.ID, AssignmentActive).
		Limit(1).Scan(ctx)
	if err == nil {
		return apperr.Errorf(apperr.ECONFLICT, "%s already consults with %s (since %s): choose another consultant, or close this request.",
			p.DisplayName, program.Name, dup.StartedOn)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

// AssignPreview is what assigning a consultant will do, for the person to confirm.
type AssignPreview struct {
	Request    *Request
	Program    *tenants.Organisation
	ProfileID  string
	Consultant string
	Agency     string
	Email      string // the consultant's
	Places     int    // free now; one fewer after
	Emailed    []string
}

// PlacesAfter is how many places the consultant has free once assigned.
func (p AssignPreview) PlacesAfter() int { return p.Places - 1 }

// PreviewAssign checks an assignment as Assign would and says what it will do (whose place it
// takes, who is emailed), writing nothing.
//
// Errors: as Assign's.
func (m *Matching) PreviewAssign(ctx context.Context, requestID, programID, profileID string) (*AssignPreview, error) {
	r, program, p, err := m.assignable(ctx, requestID, programID, profileID)
	if err != nil {
		return nil, err
	}
	out := &AssignPreview{Request: r, Program: program, ProfileID: p.ID, Consultant: p.DisplayName, Places: p.Capacity}
	err = database.Conn(ctx, m.db).NewSelect().Table("users").Column("email").Where("id = ?", p.UserID).Scan(ctx, &out.Email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if p.AgencyID != "" {
		names, err := m.orgNames(ctx, func(add func(string)) { add(p.AgencyID) })
		if err != nil {
			return nil, err
		}
		out.Agency = names[p.AgencyID]
	}
	seen := map[string]bool{}
	add := func(who string, email string) {
		if email != "" && !seen[strings.ToLower(email)] {
			seen[strings.ToLower(email)] = true
			out.Emailed = append(out.Emailed, who)
		}
	}
	add(p.DisplayName+" ("+out.Email+")", out.Email)
	add("the request's contact, "+r.ContactName+" ("+r.ContactEmail+")", r.ContactEmail)
	people, _, err := m.tenants.People(ctx, tenants.PeopleFilter{Role: authz.Program, OrganisationID: program.ID, Status: tenants.MemberActive})
	if err != nil {
		return nil, err
	}
	for _, pe := range people {
		add(pe.Name+" of "+program.Name+" ("+pe.Email+")", pe.Email)
	}
	return out, nil
}

// mailAssignment tells the consultant and the program's side (the request's contact and the
// program's people, each address once) about a new assignment.
func (m *Matching) mailAssignment(ctx context.Context, tn *tenants.Tenant, r *Request, program *tenants.Organisation, p *Profile, assignmentID, today string) error {
	if m.mailer == nil {
		return nil
	}
	var who struct {
		Email string
		Name  string
	}
	err := database.Conn(ctx, m.db).NewSelect().Table("users").Column("email", "name").Where("id = ?", p.UserID).Scan(ctx, &who.Email, &who.Name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	agency := ""
	if p.AgencyID != "" {
		names, err := m.orgNames(ctx, func(add func(string)) { add(p.AgencyID) })
		if err != nil {
			return err
		}
		if n := names[p.AgencyID]; n != "" {
			agency = " of " + n
		}
	}
	where := program.Name
	if program.County != "" {
		where += " (" + CountyName(program.County) + ")"
	}
	contact := r.ContactName + ", " + r.ContactEmail
	if r.ContactPhone != "" {
		contact += ", " + r.ContactPhone
	}
	if who.Email != "" {
		body := fmt.Sprintf("Hello %s,\n\n%s has assigned you to consult with %s, starting %s.\n\n"+
			"What they asked for:\n\n%s\n\nTheir contact: %s.\n\nPlease get in touch with them to set up a first meeting, and start the engagement in Holdspace:\n\n%s/t/%s/engagements/new?assignment=%s\n",
			p.DisplayName, tn.Name, where, today, r.Need, contact, m.baseURL, tn.Slug, assignmentID)
		if err := m.mailer.Send(ctx, who.Email, "You are assigned to "+program.Name, body); err != nil {
			return err
		}
	}
	reach := ""
	if who.Email != "" {
		reach = fmt.Sprintf("You can reach %s at %s; they will also get in touch with you.\n\n", p.DisplayName, who.Email)
	}
	body := fmt.Sprintf("Hello,\n\n%s has assigned %s%s, an infant and early childhood mental health consultant, to %s, starting %s, "+
		"in answer to your request for a consultant.\n\n%sIf you have an account, your program's consultants are listed at %s/t/%s/consultants.\n",
		tn.Name, p.DisplayName, agency, program.Name, today, reach, m.baseURL, tn.Slug)
	sent := map[string]bool{}
	send := func(to string) error {
		if to == "" || sent[strings.ToLower(to)] {
			return nil
		}
		sent[strings.ToLower(to)] = true
		return m.mailer.Send(ctx, to, "A consultant is assigned to "+program.Name, body)
	}
	if err := send(r.ContactEmail); err != nil {
		return err
	}
	people, _, err := m.tenants.People(ctx, tenants.PeopleFilter{Role: authz.Program, OrganisationID: program.ID, Status: tenants.MemberActive})
	if err != nil {
		return err
	}
	for _, pe := range people {
		if err := send(pe.Email); err != nil {
			return err
		}
	}
	return nil
}

// PreviewClose checks closing request requestID for the reason note as Close would, writing
// nothing, and returns the request and the reason as it will be kept.
//
// Errors: as Close's.
func (m *Matching) PreviewClose(ctx context.Context, requestID, note string) (*Request, string, error) {
	r, err := m.Request(ctx, requestID)
	if err != nil {
		return nil, "", err
	}
	if r.Status != RequestOpen {
		return nil, "", apperr.Errorf(apperr.ECONFLICT, "This request is %s already: only an open request can be closed.", strings.ToLower(r.StatusLabel()))
	}
	note = strings.TrimSpace(strings.ReplaceAll(note, "\r\n", "\n"))
	if note == "" {
		return nil, "", apperr.Invalid(map[string]string{"decision_note": "Reason: say why the request is closed without a consultant."})
	} else if n := utf8.RuneCountInString(note); n > MaxDecisionNote {
		return nil, "", apperr.Invalid(map[string]string{"decision_note": fmt.Sprintf("Reason: use at most %d characters (you have %d).", MaxDecisionNote, n)})
	}
	return r, note, nil
}

// Close closes an open request without assigning anyone, for the reason note.
//
// Errors: ENOTFOUND; ECONFLICT when the request is not open; EINVALID naming decision_note.
func (m *Matching) Close(ctx context.Context, requestID, note string) (*Request, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	var r *Request
	err = database.InTx(ctx, m.db, func(ctx context.Context) error {
		if r, note, err = m.PreviewClose(ctx, requestID, note); err != nil {
			return err
		}
		now := database.Now()
		r.Status, r.DecisionNote, r.DecidedAt, r.DecidedBy, r.UpdatedAt = RequestClosed, note, &now, sc.UserID, now
		return requestFlow.Apply(ctx, m.db, m.audit, steps.Move{
			ID: r.ID, From: RequestOpen, To: RequestClosed,
			Set: []steps.Cond{steps.C("decision_note = ?", note), steps.C("decided_at = ?", now),
				steps.C("decided_by = ?", r.DecidedBy), steps.C("updated_at = ?", now)},
			Action: "request.close", Detail: r.OrganisationName + ": " + note,
		})
	})
	return r, err
}

// EndAssignment ends an active assignment today (in the tenant's time zone) and gives the
// consultant's place back.
//
// Errors: ENOTFOUND; ECONFLICT when it has ended already.
func (m *Matching) EndAssignment(ctx context.Context, id string) (*AssignmentView, error) {
	if !database.IsID(id) {
		return nil, apperr.NotFound("assignment")
	}
	var a *AssignmentView
	err := database.InTx(ctx, m.db, func(ctx context.Context) error {
		list, err := m.Assignments(ctx, AssignmentFilter{ID: id})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return apperr.NotFound("assignment")
		}
		a = &list[0]
		if a.Status != AssignmentActive {
			return apperr.Errorf(apperr.ECONFLICT, "This assignment ended on %s already.", a.EndedOn)
		}
		today, _, err := m.today(ctx)
		if err != nil {
			return err
		}
		t, err := database.For(ctx, m.db)
		if err != nil {
			return err
		}
		now := database.Now()
		return assignmentFlow.Apply(ctx, m.db, m.audit, steps.Move{
			ID: a.ID, From: AssignmentActive, To: AssignmentEnded,
			Set: []steps.Cond{steps.C("ended_on = ?", today), steps.C("updated_at = ?", now)},
			// The consultant's place comes back with the move.
			Within: func(ctx context.Context) error {
				if _, err := t.Update((*Profile)(nil)).Set("capacity = capacity + 1").Set("updated_at = ?", now).
					Where("cp.id = ?", a.ProfileID).Exec(ctx); err != nil {
					return err
				}
				a.Status, a.EndedOn = AssignmentEnded, today
				return nil
			},
			Action: "consultant_assignment.end", Detail: a.ConsultantName + " no longer with " + a.ProgramName,
		})
	})
	return a, err
}

// ProgramConsultants is a program with its current consultants.
type ProgramConsultants struct {
	Program     tenants.Organisation
	Consultants []AssignmentView
}

// MyConsultants is the consultants page of a program person (their program), a funder (the
// programs it funds) or a tenant admin (every program).
type MyConsultants struct {
	Role      string
	Program   *tenants.Organisation // a program person's program
	Programs  []ProgramConsultants
	Requests  []QueueItem // a program's requests, newest first (ConsultantName: who was assigned)
	ShowEmail bool        // program people and admins see how to reach the consultants
	CanAsk    bool
	Counties  []string
	Languages []string
	// Next and Prev are the cursors of the pages of programs around this one (a funder's and
	// a tenant admin's page shows MinePrograms programs at a time, by name).
	Next, Prev string
}

// MinePrograms is how many programs a page of the consultants page shows at most, and
// MineRows how many consultants: a page stops before the program that would pass MineRows
// (it always shows one program, however many consultants it has).
const (
	MinePrograms = 25
	MineRows     = 100
)

// mineProgram is a program of the consultants page with how many consultants it has now.
type mineProgram struct {
	tenants.Organisation `bun:",extend"`
	Active               int `bun:"active_consultants,scanonly"`
}

// programCursor is a program's keyset position on the consultants page (name~id).
func programCursor(o *mineProgram) string { return web.Cursor(o.Name, o.ID) }

// Mine returns the consultants page for the person in ctx (its first page of programs).
func (m *Matching) Mine(ctx context.Context) (*MyConsultants, error) {
	return m.MinePage(ctx, web.Keyset{})
}

// MinePage returns the consultants page for the person in ctx: a program person's program,
// or a page of the programs (by name, after or before the cursor of k) a funder funds or a
// tenant admin has, with the active assignments of only those programs.
//
// Errors: EFORBIDDEN for consultants and supervisors.
func (m *Matching) MinePage(ctx context.Context, k web.Keyset) (*MyConsultants, error) {
	sc, t, err := database.Scoped(ctx, m.db)
	if err != nil {
		return nil, err
	}
	d := &MyConsultants{Role: sc.Role}
	var programs []tenants.Organisation
	var rows []mineProgram
	filter := AssignmentFilter{Status: AssignmentActive}
	switch sc.Role {
	case authz.Program:
		if d.Program, err = m.tenants.Organisation(ctx, sc.OrganisationID); err != nil {
			return nil, err
		}
		programs, filter.ProgramID = []tenants.Organisation{*d.Program}, d.Program.ID
		d.ShowEmail, d.CanAsk = true, true
	case authz.Funder, authz.TenantAdmin:
		q := t.Select(&rows).ColumnExpr("o.*").
			ColumnExpr("(SELECT count(*) FROM consultant_assignments AS ca WHERE ca.tenant_id = o.tenant_id AND ca.program_id = o.id AND ca.status = ?) AS active_consultants", AssignmentActive).
			Where("o.kind = ?", tenants.OrgProgram)
		if sc.Role == authz.Funder {
			if !database.IsID(sc.OrganisationID) {
				return nil, apperr.NotFound("funder")
			}
			q = q.Where("EXISTS (SELECT 1 FROM fundings AS f WHERE f.tenant_id = o.tenant_id AND f.program_id = o.id AND f.funder_id = ?)", sc.OrganisationID)
		}
		keys, _, ok := k.Keys(2)
		if !ok || !database.IsID(keys[1]) {
			ok, k = false, web.Keyset{}
		}
		op, order := k.Comparison(2, false)
		if ok {
			q = q.Where("(o.name, o.id) "+op+" (?, ?)", keys[0], keys[1])
		}
		if err := q.OrderExpr("o.name " + order + ", o.id " + order).Limit(MinePrograms + 1).Scan(ctx); err != nil {
			return nil, err
		}
		rows, limit := web.TrimToWeight(rows, MinePrograms, MineRows, func(p *mineProgram) int { return p.Active })
		rows, d.Next, d.Prev = web.KeysetPage(k, 2, rows, limit, programCursor)
		programs = make([]tenants.Organisation, len(rows))
		filter.Programs = make([]string, len(rows))
		for i, p := range rows {
			programs[i], filter.Programs[i] = p.Organisation, p.ID
		}
		d.ShowEmail = sc.Role == authz.TenantAdmin
	default:
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only program people, funders and administrators see this page.")
	}
	list, err := m.Assignments(ctx, filter)
	if err != nil {
		return nil, err
	}
	by := map[string][]AssignmentView{}
	for _, a := range list {
		by[a.ProgramID] = append(by[a.ProgramID], a)
	}
	for _, p := range programs {
		d.Programs = append(d.Programs, ProgramConsultants{Program: p, Consultants: by[p.ID]})
	}
	if d.Program == nil {
		return d, nil
	}
	var rs []Request
	if err := t.Select(&rs).Where("cr.program_id = ?", d.Program.ID).Where("cr.status <> ?", RequestUnconfirmed).
		OrderExpr("cr.created_at DESC, cr.id").Limit(100).Scan(ctx); err != nil {
		return nil, err
	}
	all, err := m.Assignments(ctx, AssignmentFilter{ProgramID: d.Program.ID})
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, a := range all {
		if a.RequestID != "" {
			names[a.RequestID] = a.ConsultantName
		}
	}
	for _, r := range rs {
		d.Requests = append(d.Requests, QueueItem{Request: r, ConsultantName: names[r.ID]})
	}
	l, err := m.reg.Lists(ctx)
	if err != nil {
		return nil, err
	}
	d.Counties, d.Languages = l.Tenant.Counties, l.Tenant.Languages
	return d, nil
}

// AskInput is a program person's request for a consultant.
type AskInput struct {
	Need              string
	County            string
	PreferredLanguage string
}

// Ask sends a signed-in program person's request for a consultant straight to the tenant
// admin's queue (open, for their program; the account is the contact, so no email to confirm).
//
// Errors: EFORBIDDEN for anyone but program people; EINVALID naming each bad field; ECONFLICT
// when the program has MaxOpenProgramAsks open requests already.
func (m *Matching) Ask(ctx context.Context, in AskInput) (*Request, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Program {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only program people ask for a consultant here.")
	}
	program, err := m.tenants.Organisation(ctx, sc.OrganisationID)
	if err != nil {
		return nil, err
	}
	l, err := m.reg.Lists(ctx)
	if err != nil {
		return nil, err
	}
	in.Need, in.County, in.PreferredLanguage = strings.TrimSpace(in.Need), strings.TrimSpace(in.County), strings.TrimSpace(in.PreferredLanguage)
	fields := map[string]string{}
	if in.Need == "" {
		fields["need"] = "What you need: say in a few words what you would like a consultant's help with."
	} else if n := utf8.RuneCountInString(in.Need); n > NeedMax {
		fields["need"] = fmt.Sprintf("What you need: use at most %d characters (you have %d).", NeedMax, n)
	}
	if in.County == "" {
		fields["county"] = "County: choose the county where you need a consultant."
	} else if !l.Tenant.Counties.Has(in.County) {
		fields["county"] = "County: choose one of the counties listed."
	}
	if in.PreferredLanguage != "" && !l.Tenant.Languages.Has(in.PreferredLanguage) {
		fields["preferred_language"] = "Preferred language: choose one of the languages listed."
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	var who struct{ Email, Name string }
	if err := database.Conn(ctx, m.db).NewSelect().Table("users").Column("email", "name").Where("id = ?", sc.UserID).
		Scan(ctx, &who.Email, &who.Name); err != nil {
		return nil, err
	}
	now := database.Now()
	r := &Request{ID: database.NewID(), ProgramID: program.ID, OrganisationName: program.Name, County: in.County, Need: in.Need,
		PreferredLanguage: in.PreferredLanguage, ContactName: who.Name, ContactEmail: who.Email, Status: RequestOpen,
		ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
	err = database.InTx(ctx, m.db, func(ctx context.Context) error {
		t, err := database.For(ctx, m.db)
		if err != nil {
			return err
		}
		n, err := t.Select((*Request)(nil)).Where("cr.program_id = ? AND cr.status = ?", program.ID, RequestOpen).Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxOpenProgramAsks {
			return apperr.Errorf(apperr.ECONFLICT, "%s has %d open requests already: wait until one is answered before asking again.", program.Name, n)
		}
		if _, err := t.Insert(r).Exec(ctx); err != nil {
			return err
		}
		if err := m.audit.Record(ctx, "request.create", "consultant_request", r.ID, r.OrganisationName+" ("+r.County+"), asked by "+who.Name); err != nil {
			return err
		}
		return notifyQueue(ctx, m.db, m.mailer, m.baseURL, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
