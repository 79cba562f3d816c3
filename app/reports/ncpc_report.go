package reports

import (
	"context"
	"sort"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// Sections of the NCPC report (seeds/001: minimal outputs, outcomes and measures).
const (
	SectionOutputs  = "outputs"
	SectionOutcomes = "outcomes"
	SectionMeasures = "measures"
)

// Figures of the NCPC report: each is a row of the page and the files, and a list behind it.
const (
	FigFacilities     = "facilities"
	FigClassrooms     = "classrooms"
	FigEducators      = "educators"
	FigAssessedUnits  = "prepost"
	FigImproved       = "improved"
	FigImprovedPct    = "improved_pct"
	FigTPITOS         = "tpitos"
	FigTPOT           = "tpot"
	FigClassroomsAsmt = "classrooms_assessed"
)

// facilityKinds are the program kinds that are child care facilities.
var facilityKinds = map[string]bool{"child_care_center": true, "family_child_care_home": true, "head_start": true}

// FigureDef is one figure: its section, its words and how it is counted (said on the page).
type FigureDef struct {
	Key, Section, Label, How string
	Percent                  bool
}

// NCPCFigures are the report's figures in order.
var NCPCFigures = []FigureDef{
	{FigFacilities, SectionOutputs, "Child care facilities receiving TA",
		"A child care center, family child care home or Head Start program (or its site, when the engagement names one) with at least one session in the fiscal year, counted once a year, in the quarter of its first session of the year.", false},
	{FigClassrooms, SectionOutputs, "Classrooms reached",
		"A classroom named by an engagement with at least one session in the fiscal year, counted once a year, in the quarter of its first session of the year.", false},
	{FigEducators, SectionOutputs, "Educators reached",
		"For each engagement, the largest number of teachers and educators at any one of its sessions in the quarter (or the year), added up; sessions count participants, not named people, so one educator met in two quarters counts in both and the quarters do not add up to the year.", false},
	{FigAssessedUnits, SectionOutcomes, "Classrooms and facilities with a TPITOS or TPOT pre- and post-assessment",
		"A classroom (or the facility, when the engagement names no classroom) with a TPITOS or TPOT pre-assessment and a post-assessment on or after it, both in the fiscal year (the earliest pre and the latest post of each instrument), counted in the quarter of that post-assessment.", false},
	{FigImproved, SectionOutcomes, "Improved teacher/child interaction (number)",
		"Of those, the ones whose score improved from pre to post on every instrument they had both for (the rule of each instrument is below).", false},
	{FigImprovedPct, SectionOutcomes, "Improved teacher/child interaction (percentage)",
		"The improved ones as a percentage of those with a pre- and post-assessment, rounded to the nearest whole percent.", true},
	{FigTPITOS, SectionMeasures, "TPITOS administrations",
		"Every TPITOS pre- or post-assessment administered in the fiscal year, in the quarter it was administered.", false},
	{FigTPOT, SectionMeasures, "TPOT administrations",
		"Every TPOT pre- or post-assessment administered in the fiscal year, in the quarter it was administered.", false},
	{FigClassroomsAsmt, SectionMeasures, "Classrooms assessed",
		"A classroom with at least one TPITOS or TPOT administered in the fiscal year, counted once a year, in the quarter of its first one.", false},
}

// ImprovementRules say, one sentence per instrument, what "improved" means (on the page).
var ImprovementRules = []struct{ Instrument, Rule string }{
	{"TPITOS", "TPITOS: improved when the observation items score (percentage of indicators met, its first subscale) is higher at the post-assessment than at the pre-assessment."},
	{"TPOT", "TPOT: improved when the key practices score (percentage of indicators met, its first subscale) is higher at the post-assessment than at the pre-assessment."},
}

// SectionLabel names a section.
func SectionLabel(s string) string {
	switch s {
	case SectionOutputs:
		return "Outputs"
	case SectionOutcomes:
		return "Outcomes"
	case SectionMeasures:
		return "Measures"
	}
	return s
}

// figureDef returns the figure called key.
func figureDef(key string) (FigureDef, bool) {
	for _, f := range NCPCFigures {
		if f.Key == key {
			return f, true
		}
	}
	return FigureDef{}, false
}

// Value is one cell of the report: a count, or a percentage N of Of.
type Value struct {
	N, Of   int
	Percent bool
}

// String is the cell as people read it: "12", "67%", or "—" for a percentage of nothing.
func (v Value) String() string {
	if !v.Percent {
		return strconv.Itoa(v.N)
	}
	if v.Of == 0 {
		return "—"
	}
	return strconv.Itoa((v.N*200+v.Of)/(2*v.Of)) + "%"
}

// Row is one figure for one PSC ("" is the total): the four quarters and the year to date.
type Row struct {
	Figure FigureDef
	PSC    string
	Q      [4]Value
	YTD    Value
}

// PSCLabel is the row's PSC for people: "3125 Quality Child Care" or "All PSCs".
func (r Row) PSCLabel() string {
	if r.PSC == "" {
		return "All PSCs"
	}
	return PSCLabel(r.PSC)
}

// Cell is the value of quarter q (1–4), or of the year to date (0).
func (r Row) Cell(q int) Value {
	if q >= 1 && q <= 4 {
		return r.Q[q-1]
	}
	return r.YTD
}

// ListItem is one line of the list behind a figure: a facility, a classroom or an
// engagement, with links the person may open.
type ListItem struct {
	Name         string
	ProgramID    string
	ProgramName  string
	EngagementID string // the engagement the line is about, or the first one counted
	Detail       string // "first session 2025-08-14", "pre 62 → post 71", "5 educators"
	Quarter      int
	PSCs         []string
	Number       int // an educators line's count
}

// NCPCReport is the NCPC report of one fiscal year for the person who asked.
type NCPCReport struct {
	Year     Year
	Quarters []Quarter
	Programs []NCPCProgramLine
	// Instruments are the instruments used ("TPITOS", "TPOT"), for the measures' sentence.
	Instruments []string
	Rows        []Row
	// items are the lists behind the figures: figure key → its lines (each with its quarter
	// and PSCs, so a list for one PSC and quarter is a filter of them).
	items map[string][]ListItem
}

// NCPCProgramLine is a program in the report: its NCPC fundings' PSCs and identifiers.
type NCPCProgramLine struct {
	ProgramID, Name, Kind string
	PSCs                  []string
	PSCLabels             []string
	Identifiers           []string
}

// Section returns the rows of one section, in order.
func (r *NCPCReport) Section(s string) []Row {
	var out []Row
	for _, x := range r.Rows {
		if x.Figure.Section == s {
			out = append(out, x)
		}
	}
	return out
}

// Figure returns the row of figure key for psc ("" the total).
func (r *NCPCReport) Figure(key, psc string) Row {
	for _, x := range r.Rows {
		if x.Figure.Key == key && x.PSC == psc {
			return x
		}
	}
	return Row{}
}

// List returns the lines behind figure key for psc ("" every PSC) and quarter (0 the year).
func (r *NCPCReport) List(key, psc string, quarter int) []ListItem {
	var out []ListItem
	for _, it := range r.items[key] {
		if quarter != 0 && it.Quarter != quarter {
			continue
		}
		if psc != "" && !contains(it.PSCs, psc) {
			continue
		}
		out = append(out, it)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// engagementYear is one engagement's sessions in the year (one row of the aggregate query):
// its first session, and the largest number of educators at one session in each quarter.
type engagementYear struct {
	EngagementID string `bun:"engagement_id"`
	ProgramID    string `bun:"program_id"`
	SiteID       string `bun:"site_id"`
	SiteKind     string `bun:"site_kind"`
	SiteName     string `bun:"site_name"`
	FirstOn      string `bun:"first_on"`
	E1           int    `bun:"e1"`
	E2           int    `bun:"e2"`
	E3           int    `bun:"e3"`
	E4           int    `bun:"e4"`
}

// assessmentRow is one TPITOS or TPOT administration of the year with its first subscale's score.
type assessmentRow struct {
	ID             string `bun:"id"`
	EngagementID   string `bun:"engagement_id"`
	ProgramID      string `bun:"program_id"`
	SiteID         string `bun:"site_id"`
	SiteKind       string `bun:"site_kind"`
	SiteName       string `bun:"site_name"`
	Builtin        string `bun:"builtin"`
	Phase          string `bun:"phase"`
	AdministeredOn string `bun:"administered_on"`
	Score          *int64 `bun:"score"`
	HigherIsBetter bool   `bun:"higher_is_better"`
}

// educatorsExpr reads the number of educators out of a session's participants (JSON text).
func (d Deps) educatorsExpr() string {
	if d.DB.Dialect().Name() == dialect.PG {
		return "COALESCE((s.participants::json ->> 'educators')::bigint, 0)"
	}
	return "COALESCE(CAST(json_extract(s.participants, '$.educators') AS INTEGER), 0)"
}

// NCPC computes the NCPC report of year y for the person in ctx: a tenant admin's holds every
// program with an NCPC funding of the year's fiscal year, a funder's only the programs of its
// own such fundings. Three queries (the fundings; the year's sessions aggregated per engagement;
// the year's TPITOS/TPOT administrations) and Go do the counting.
func (d Deps) NCPC(ctx context.Context, y Year) (*NCPCReport, error) {
	sc, t, err := database.Scoped(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	rep := &NCPCReport{Year: y, Quarters: y.Quarters(), items: map[string][]ListItem{}}
	fundings, err := d.ncpcFundings(ctx, sc, t, y.FY)
	if err != nil {
		return nil, err
	}
	progs := map[string]*NCPCProgramLine{}
	var order []string
	for _, f := range fundings {
		p := progs[f.ProgramID]
		if p == nil {
			p = &NCPCProgramLine{ProgramID: f.ProgramID, Name: f.ProgramName, Kind: f.ProgramKind}
			progs[f.ProgramID] = p
			order = append(order, f.ProgramID)
		}
		if !contains(p.PSCs, f.PSC) {
			p.PSCs = append(p.PSCs, f.PSC)
		}
		if !contains(p.Identifiers, f.ProgramIdentifier) {
			p.Identifiers = append(p.Identifiers, f.ProgramIdentifier)
		}
	}
	for _, id := range order {
		sort.Strings(progs[id].PSCs)
		for _, c := range progs[id].PSCs {
			progs[id].PSCLabels = append(progs[id].PSCLabels, PSCLabel(c))
		}
		rep.Programs = append(rep.Programs, *progs[id])
	}

	var eqs []engagementYear
	var asm []assessmentRow
	if len(progs) > 0 {
		// The year's sessions of the report's programs (read through the (tenant_id, held_on)
		// index), aggregated first, one row per engagement (a hash aggregate: no sort of the
		// year's sessions), then joined to their engagements.
		ids := make([]string, 0, len(progs))
		for id := range progs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		inner := t.SelectFrom("consultation_sessions", "s").
			ColumnExpr("s.engagement_id").
			ColumnExpr("MIN(s.held_on) AS first_on")
		for _, qt := range y.Quarters() {
			inner = inner.ColumnExpr("MAX(CASE WHEN s.held_on BETWEEN ? AND ? THEN "+d.educatorsExpr()+" ELSE 0 END) AS ?",
				qt.From, qt.To, bun.Ident("e"+strconv.Itoa(qt.N)))
		}
		inner = inner.Where("s.held_on BETWEEN ? AND ?", y.From(), y.To()).
			Where("s.program_id IN (?)", bun.In(ids)).
			GroupExpr("s.engagement_id")
		inner = consultation.Visible(inner, sc, "s")
		q := t.SelectFrom("engagements", "e").
			ColumnExpr("x.engagement_id, x.first_on, x.e1, x.e2, x.e3, x.e4").
			ColumnExpr("e.program_id, e.site_id, COALESCE(ps.kind, '') AS site_kind, COALESCE(ps.name, '') AS site_name").
			Join("JOIN (?) AS x ON x.engagement_id = e.id", inner).
			Join("LEFT JOIN program_sites AS ps ON ps.tenant_id = e.tenant_id AND ps.id = e.site_id")
		if err := q.Scan(ctx, &eqs); err != nil {
			return nil, err
		}
		aq := t.SelectFrom("assessments", "a").
			ColumnExpr("a.id, a.engagement_id, e.program_id, e.site_id, COALESCE(ps.kind, '') AS site_kind, COALESCE(ps.name, '') AS site_name").
			ColumnExpr("ins.builtin, a.phase, a.administered_on, asc1.score_hundredths AS score, COALESCE(sub.higher_is_better, TRUE) AS higher_is_better").
			Join("JOIN engagements AS e ON e.tenant_id = a.tenant_id AND e.id = a.engagement_id").
			Join("JOIN instruments AS ins ON ins.tenant_id = a.tenant_id AND ins.id = a.instrument_id").
			Join("LEFT JOIN program_sites AS ps ON ps.tenant_id = e.tenant_id AND ps.id = e.site_id").
			Join(`LEFT JOIN instrument_subscales AS sub ON sub.tenant_id = ins.tenant_id AND sub.instrument_id = ins.id
				AND sub.position = (SELECT MIN(s2.position) FROM instrument_subscales AS s2 WHERE s2.tenant_id = ins.tenant_id AND s2.instrument_id = ins.id)`).
			Join("LEFT JOIN assessment_scores AS asc1 ON asc1.tenant_id = a.tenant_id AND asc1.assessment_id = a.id AND asc1.subscale_id = sub.id").
			Where("ins.builtin IN ('tpitos', 'tpot')").
			Where("a.administered_on BETWEEN ? AND ?", y.From(), y.To()).
			Where("e.program_id IN (?)", bun.In(ids)).
			OrderExpr("a.administered_on, a.id")
		aq = consultation.Visible(aq, sc, "e")
		if err := aq.Scan(ctx, &asm); err != nil {
			return nil, err
		}
	}
	rep.count(progs, eqs, asm)
	return rep, nil
}

// unit is a facility or classroom being counted.
type unit struct {
	key, name, programID, engagementID, first string
	quarter                                   int
}

// count turns the query rows into the figures and the lists behind them.
func (rep *NCPCReport) count(progs map[string]*NCPCProgramLine, eqs []engagementYear, asm []assessmentRow) {
	pscsOf := func(programID string) []string {
		if p := progs[programID]; p != nil {
			return p.PSCs
		}
		return nil
	}
	nameOf := func(programID string) string {
		if p := progs[programID]; p != nil {
			return p.Name
		}
		return ""
	}
	// earliest keeps, per unit key, the unit with the earliest date (ties: the smallest
	// engagement id, so the list is the same every time).
	earliest := func(m map[string]*unit, u unit) {
		if have := m[u.key]; have == nil || u.first < have.first || (u.first == have.first && u.engagementID < have.engagementID) {
			m[u.key] = &u
		}
	}
	facilities, classrooms := map[string]*unit{}, map[string]*unit{}
	type engEducators struct {
		programID, name string
		q               [4]int
		ytd             int
	}
	educators := map[string]*engEducators{}
	for _, r := range eqs {
		qn := rep.Year.QuarterOf(r.FirstOn)
		if p := progs[r.ProgramID]; p != nil && facilityKinds[p.Kind] {
			u := unit{key: "p:" + r.ProgramID, name: p.Name, programID: r.ProgramID, engagementID: r.EngagementID, first: r.FirstOn, quarter: qn}
			if r.SiteID != "" && r.SiteKind == "site" {
				u.key, u.name = "s:"+r.SiteID, p.Name+" — "+r.SiteName
			}
			earliest(facilities, u)
		}
		if r.SiteID != "" && r.SiteKind == "classroom" {
			earliest(classrooms, unit{key: r.SiteID, name: nameOf(r.ProgramID) + " — " + r.SiteName, programID: r.ProgramID,
				engagementID: r.EngagementID, first: r.FirstOn, quarter: qn})
		}
		ee := educators[r.EngagementID]
		if ee == nil {
			ee = &engEducators{programID: r.ProgramID, name: nameOf(r.ProgramID)}
			if r.SiteName != "" {
				ee.name += " — " + r.SiteName
			}
			educators[r.EngagementID] = ee
		}
		ee.q = [4]int{r.E1, r.E2, r.E3, r.E4}
		ee.ytd = max(r.E1, r.E2, r.E3, r.E4)
	}
	unitItems := func(m map[string]*unit, what string) []ListItem {
		var out []ListItem
		for _, k := range sortedKeys(m) {
			u := m[k]
			out = append(out, ListItem{Name: u.name, ProgramID: u.programID, ProgramName: nameOf(u.programID), EngagementID: u.engagementID,
				Detail: what + " " + u.first, Quarter: u.quarter, PSCs: pscsOf(u.programID)})
		}
		sortItems(out)
		return out
	}
	rep.items[FigFacilities] = unitItems(facilities, "first session of the year on")
	rep.items[FigClassrooms] = unitItems(classrooms, "first session of the year on")
	var eduItems []ListItem
	for _, id := range sortedKeys(educators) {
		ee := educators[id]
		// One line per quarter with educators, and the year's in Quarter 0 (kept apart).
		for i, n := range ee.q {
			if n > 0 {
				eduItems = append(eduItems, ListItem{Name: ee.name, ProgramID: ee.programID, ProgramName: nameOf(ee.programID), EngagementID: id,
					Detail: plural(n, "educator", "educators") + " at its largest session of the quarter", Quarter: i + 1, PSCs: pscsOf(ee.programID), Number: n})
			}
		}
		if ee.ytd > 0 {
			eduItems = append(eduItems, ListItem{Name: ee.name, ProgramID: ee.programID, ProgramName: nameOf(ee.programID), EngagementID: id,
				Detail: plural(ee.ytd, "educator", "educators") + " at its largest session of the year", Quarter: -1, PSCs: pscsOf(ee.programID), Number: ee.ytd})
		}
	}
	sortItems(eduItems)
	rep.items[FigEducators] = eduItems

	// Outcomes: per unit (classroom, else facility) and instrument, the earliest pre and the
	// latest post of the year; a pair when the post is on or after the pre.
	type pair struct {
		pre, post         *assessmentRow
		higherIsBetter    bool
		unitName, program string
	}
	pairs := map[string]map[string]*pair{} // unit → instrument → pair
	tpitosN, tpotN := [4]int{}, [4]int{}
	used := map[string]bool{}
	assessed := map[string]*unit{}
	y := rep.Year
	for i := range asm {
		a := &asm[i]
		qn := y.QuarterOf(a.AdministeredOn)
		used[a.Builtin] = true
		if qn >= 1 {
			if a.Builtin == "tpitos" {
				tpitosN[qn-1]++
			} else {
				tpotN[qn-1]++
			}
		}
		key, name := "p:"+a.ProgramID, nameOf(a.ProgramID)
		if a.SiteID != "" && a.SiteKind != "" {
			key, name = "s:"+a.SiteID, name+" — "+a.SiteName
		}
		if a.SiteKind == "classroom" {
			earliest(assessed, unit{key: key, name: name, programID: a.ProgramID, engagementID: a.EngagementID, first: a.AdministeredOn, quarter: qn})
		}
		if a.Score == nil {
			continue // no score on the first subscale: nothing to compare
		}
		if pairs[key] == nil {
			pairs[key] = map[string]*pair{}
		}
		p := pairs[key][a.Builtin]
		if p == nil {
			p = &pair{higherIsBetter: a.HigherIsBetter, unitName: name, program: a.ProgramID}
			pairs[key][a.Builtin] = p
		}
		// Rows come by date then id: the first pre is the earliest, the last post the latest.
		if a.Phase == consultation.PhasePre && p.pre == nil {
			p.pre = a
		}
		if a.Phase == consultation.PhasePost {
			p.post = a
		}
	}
	for _, b := range []string{"tpitos", "tpot"} {
		if used[b] {
			rep.Instruments = append(rep.Instruments, map[string]string{"tpitos": "TPITOS", "tpot": "TPOT"}[b])
		}
	}
	var prepost, improved []ListItem
	for _, key := range sortedKeys(pairs) {
		var last string
		var lastEng string
		all, some := true, false
		detail := ""
		var programID, name string
		for _, b := range []string{"tpitos", "tpot"} {
			p := pairs[key][b]
			if p == nil || p.pre == nil || p.post == nil || p.post.AdministeredOn < p.pre.AdministeredOn {
				continue
			}
			some = true
			programID, name = p.program, p.unitName
			better := *p.post.Score > *p.pre.Score
			if !p.higherIsBetter {
				better = *p.post.Score < *p.pre.Score
			}
			all = all && better
			if detail != "" {
				detail += "; "
			}
			detail += map[string]string{"tpitos": "TPITOS", "tpot": "TPOT"}[b] + " " + hundredths(*p.pre.Score) + " (" + p.pre.AdministeredOn + ") → " +
				hundredths(*p.post.Score) + " (" + p.post.AdministeredOn + ")"
			if p.post.AdministeredOn > last {
				last, lastEng = p.post.AdministeredOn, p.post.EngagementID
			}
		}
		if !some {
			continue
		}
		it := ListItem{Name: name, ProgramID: programID, ProgramName: nameOf(programID), EngagementID: lastEng, Detail: detail,
			Quarter: y.QuarterOf(last), PSCs: pscsOf(programID)}
		prepost = append(prepost, it)
		if all {
			improved = append(improved, it)
		}
	}
	sortItems(prepost)
	sortItems(improved)
	rep.items[FigAssessedUnits] = prepost
	rep.items[FigImproved] = improved
	rep.items[FigImprovedPct] = improved
	rep.items[FigClassroomsAsmt] = unitItems(assessed, "first TPITOS or TPOT of the year on")
	var tpitosItems, tpotItems []ListItem
	for i := range asm {
		a := &asm[i]
		name := nameOf(a.ProgramID)
		if a.SiteName != "" {
			name += " — " + a.SiteName
		}
		it := ListItem{Name: name, ProgramID: a.ProgramID, ProgramName: nameOf(a.ProgramID), EngagementID: a.EngagementID,
			Detail: phaseWord(a.Phase) + " on " + a.AdministeredOn, Quarter: y.QuarterOf(a.AdministeredOn), PSCs: pscsOf(a.ProgramID)}
		if a.Builtin == "tpitos" {
			tpitosItems = append(tpitosItems, it)
		} else {
			tpotItems = append(tpotItems, it)
		}
	}
	rep.items[FigTPITOS] = tpitosItems
	rep.items[FigTPOT] = tpotItems

	// The rows: each figure for each PSC and in total, from the lists.
	pscs := []string{""}
	for _, p := range PSCs {
		pscs = append(pscs, p.Code)
	}
	for _, f := range NCPCFigures {
		for _, psc := range pscs {
			row := Row{Figure: f, PSC: psc}
			switch f.Key {
			case FigEducators:
				for _, it := range rep.List(f.Key, psc, 0) {
					if it.Quarter >= 1 {
						row.Q[it.Quarter-1].N += it.Number
					} else {
						row.YTD.N += it.Number
					}
				}
			case FigImprovedPct:
				for qn := 1; qn <= 4; qn++ {
					row.Q[qn-1] = Value{N: len(rep.List(FigImproved, psc, qn)), Of: len(rep.List(FigAssessedUnits, psc, qn)), Percent: true}
				}
				row.YTD = Value{N: len(rep.List(FigImproved, psc, 0)), Of: len(rep.List(FigAssessedUnits, psc, 0)), Percent: true}
			default:
				for qn := 1; qn <= 4; qn++ {
					row.Q[qn-1].N = len(rep.List(f.Key, psc, qn))
				}
				row.YTD.N = len(rep.List(f.Key, psc, 0))
			}
			rep.Rows = append(rep.Rows, row)
		}
	}
}

// ListFor is the list behind a figure for people: the educators' year lines are kept apart
// from their quarters' (Quarter -1 in the items).
func (r *NCPCReport) ListFor(key, psc string, quarter int) []ListItem {
	if key == FigEducators && quarter == 0 {
		quarter = -1
	}
	return r.List(key, psc, quarter)
}

func sortItems(list []ListItem) {
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Name != list[j].Name {
			return list[i].Name < list[j].Name
		}
		if list[i].Quarter != list[j].Quarter {
			return list[i].Quarter < list[j].Quarter
		}
		return list[i].Detail < list[j].Detail
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func phaseWord(p string) string {
	if p == consultation.PhasePost {
		return "Post-assessment"
	}
	return "Pre-assessment"
}

// hundredths writes a score kept in hundredths: "62.5".
func hundredths(v int64) string {
	s := strconv.FormatFloat(float64(v)/100, 'f', 2, 64)
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}
