package imports

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// programRow is one parsed row of a programs file: one budget line of one funding of one
// program.
type programRow struct {
	Row         int
	Name        string
	Kind        string // a tenants.ProgramKinds value, or "" when the row gives none
	KindBad     bool   // the row gives a kind that is not one
	County      string
	Languages   []string
	Funder      string // as typed
	FiscalYear  int
	IECMHC      tristate
	Category    string
	AmountCents int64
	AmountOK    bool // the amount cell is an amount

	// Resolved against the tenant's records.
	FunderID  string
	ProgramID string // an existing program, or "" for one the import creates
}

// tristate is a yes/no cell that may be empty.
type tristate int8

const (
	unset tristate = iota
	yes
	no
)

// fundingKey names a funding: one program, one funder, one fiscal year.
type fundingKey struct {
	program string // the program's name, lower-cased
	funder  string // the funder's id
	year    int
}

// maxName bounds names and categories (the same limit as the forms).
const maxName = 200

// parseProgramRow reads the cells of a row that need no lookup, adding a problem per bad cell.
func parseProgramRow(rec record, add func(Problem)) programRow {
	cols := ProgramColumns
	r := programRow{Row: rec.Row}
	bad := func(field, format string, args ...any) {
		add(Problem{Row: rec.Row, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if rec.Width != 0 {
		add(Problem{Row: rec.Row, Message: fmt.Sprintf("the row has %d values, but the header has %d columns.", rec.Width, len(cols))})
	}
	r.Name = collapse(rec.get(cols, "program_name"))
	switch {
	case r.Name == "":
		bad("program_name", "enter the program’s name.")
	case len(r.Name) > maxName:
		bad("program_name", "use at most %d characters.", maxName)
	}
	if v := rec.get(cols, "program_kind"); v != "" {
		if r.Kind = programKind(v); r.Kind == "" {
			r.KindBad = true
			bad("program_kind", "“%s” is not a kind of program: use one of %s.", v, programKindList())
		}
	}
	r.County = collapse(rec.get(cols, "county"))
	for _, l := range strings.Split(rec.get(cols, "languages"), ";") {
		if l = collapse(l); l != "" && !containsFold(r.Languages, l) {
			r.Languages = append(r.Languages, l)
		}
	}
	r.Funder = collapse(rec.get(cols, "funder"))
	if r.Funder == "" {
		bad("funder", "enter the funder’s name or short name.")
	}
	if v := rec.get(cols, "fiscal_year"); v == "" {
		bad("fiscal_year", "enter the fiscal year, like 2026 or FY 2025-26.")
	} else if y, ok := parseFiscalYear(v); !ok {
		bad("fiscal_year", "“%s” is not a fiscal year: write the year it ends in, like 2026 or FY 2025-26.", v)
	} else {
		r.FiscalYear = y
	}
	if v := rec.get(cols, "iecmhc_funded"); v != "" {
		switch strings.ToLower(v) {
		case "yes", "y", "true", "1":
			r.IECMHC = yes
		case "no", "n", "false", "0":
			r.IECMHC = no
		default:
			bad("iecmhc_funded", "“%s” is not yes or no.", v)
		}
	}
	cat := collapse(rec.get(cols, "budget_category"))
	switch r.Category = pickFold(programs.BudgetCategories, cat); {
	case cat == "":
		bad("budget_category", "enter the budget line’s category: %s.", strings.Join(programs.BudgetCategories, ", "))
	case r.Category == "":
		bad("budget_category", "“%s” is not a budget category: use one of %s.", cat, strings.Join(programs.BudgetCategories, ", "))
	}
	if v := rec.get(cols, "budget_amount"); v == "" {
		bad("budget_amount", "enter the amount in dollars, like 12,500.00.")
	} else if c, err := money.Parse(v); err != nil {
		bad("budget_amount", "“%s” is not an amount of money: %s", v, lowerFirst(err.Error()))
	} else {
		r.AmountCents, r.AmountOK = int64(c), true
	}
	return r
}

// programKind returns the value of a kind given as its value or its label, or "".
func programKind(v string) string {
	for _, k := range tenants.ProgramKinds {
		if strings.EqualFold(v, k.Value) || strings.EqualFold(collapse(v), k.Label) {
			return k.Value
		}
	}
	return ""
}

func programKindList() string {
	var labels []string
	for _, k := range tenants.ProgramKinds {
		labels = append(labels, k.Label)
	}
	return strings.Join(labels, ", ")
}

// parseFiscalYear reads a fiscal year as people write it — 2026, FY2026, FY 26, FY 2025-26,
// FY 2025–26, 2025/2026, FY 24-25 — and returns the calendar year it ends in.
func parseFiscalYear(s string) (int, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimSpace(strings.TrimPrefix(s, "FY"))
	year := func(p string) (int, bool) {
		if !allDigits(p) || (len(p) != 2 && len(p) != 4) {
			return 0, false
		}
		n, _ := strconv.Atoi(p)
		if len(p) == 2 {
			n += 2000
		}
		return n, n >= 2000 && n <= 2100
	}
	// "FY 2025–26" as Holdspace writes it (an en dash), or as typed.
	s = strings.NewReplacer("/", "-", "–", "-", "—", "-").Replace(s)
	if a, b, ok := strings.Cut(s, "-"); ok {
		start, ok1 := year(strings.TrimSpace(a))
		end, ok2 := year(strings.TrimSpace(b))
		if !ok1 || !ok2 || end != start+1 {
			return 0, false
		}
		return end, true
	}
	return year(s)
}

// lowerFirst lower-cases the first letter of a sentence that goes after a colon.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// collapse trims s and turns runs of spaces into one.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// pickFold returns the entry of list that s names (ignoring case), or "".
func pickFold(list []string, s string) string {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return v
		}
	}
	return ""
}

// orgIndex finds organisations by name or short name, ignoring case.
type orgIndex struct {
	by        map[string]*tenants.Organisation
	ambiguous map[string]bool
}

func newOrgIndex(orgs []tenants.Organisation, withShortNames bool) *orgIndex {
	x := &orgIndex{by: map[string]*tenants.Organisation{}, ambiguous: map[string]bool{}}
	add := func(key string, o *tenants.Organisation) {
		key = strings.ToLower(collapse(key))
		if key == "" {
			return
		}
		if prev, ok := x.by[key]; ok && prev.ID != o.ID {
			x.ambiguous[key] = true
			return
		}
		x.by[key] = o
	}
	for i := range orgs {
		add(orgs[i].Name, &orgs[i])
	}
	if withShortNames {
		for i := range orgs {
			// A full name wins over another organisation's short name.
			if _, taken := x.by[strings.ToLower(collapse(orgs[i].ShortName))]; !taken {
				add(orgs[i].ShortName, &orgs[i])
			}
		}
	}
	return x
}

// find returns the organisation named s, or nil and whether the name fits several.
func (x *orgIndex) find(s string) (*tenants.Organisation, bool) {
	key := strings.ToLower(collapse(s))
	if x.ambiguous[key] {
		return nil, true
	}
	return x.by[key], false
}

// programPlan is a checked programs file: its rows, its programs, and its fundings in the
// order they first appear.
type programPlan struct {
	rows     []programRow
	programs map[string]*programInfo // by lower-cased name
	fundings []fundingKey
	lines    map[fundingKey][]int // the rows (indexes into rows) of each funding, in file order
	iecmhc   map[fundingKey]bool
}

// programInfo is one program of the file: its details come from the first row that gives
// each of them; a later row may leave a detail empty but may not contradict it.
type programInfo struct {
	Name, Kind, County string
	Languages          []string
	Row                int // the first row naming it
	KindBad            bool
	KindRow, CountyRow int
	LanguagesRow       int
	Existing           *tenants.Organisation
}

// checkPrograms reads and checks every row of a programs file against the tenant's records.
// With existingFundings, a funding the tenant already has is a problem (the import would
// otherwise change a budget someone set by hand); a resumed run leaves that check out,
// because the fundings it finds are its own (see Run).
func (s *Service) checkPrograms(ctx context.Context, text string, existingFundings bool) (*programPlan, []Problem, error) {
	var problems []Problem
	add := func(p Problem) { problems = append(problems, p) }
	sh, msg := openSheet(text, KindPrograms)
	if msg != "" {
		return nil, []Problem{{Message: msg}}, nil
	}
	store := s.tenants.Store()
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	tenant, err := store.TenantByID(ctx, sc.TenantID)
	if err != nil {
		return nil, nil, err
	}
	funderList, err := store.OrganisationsOfKind(ctx, tenants.OrgFunder)
	if err != nil {
		return nil, nil, err
	}
	programList, err := store.OrganisationsOfKind(ctx, tenants.OrgProgram)
	if err != nil {
		return nil, nil, err
	}
	funders := newOrgIndex(funderList, true)
	// Each funder budgets on its own fiscal calendar (MIECHV on the federal one).
	type calendar struct {
		start int
		years []int
	}
	calendars := map[string]calendar{}
	for i := range funderList {
		k, _ := programs.Known(tenant, &funderList[i])
		calendars[funderList[i].ID] = calendar{programs.StartMonth(tenant, k.Calendar), programs.FiscalYears(tenant, k.Calendar, database.Now())}
	}
	counties, languages := programs.CountyChoices(tenant), programs.LanguageChoices(tenant)
	existing := make(map[string]*tenants.Organisation, len(programList))
	for i := range programList {
		existing[strings.ToLower(collapse(programList[i].Name))] = &programList[i]
	}
	plan := &programPlan{programs: map[string]*programInfo{}, lines: map[fundingKey][]int{}, iecmhc: map[fundingKey]bool{}}
	type flag struct {
		v   tristate
		row int
	}
	iecmhc := map[fundingKey]flag{}
	categories := map[fundingKey]map[string]int{}
	for {
		rec, msg, err := sh.next()
		if err == io.EOF {
			break
		}
		if msg != "" {
			return nil, []Problem{{Message: msg}}, nil
		}
		r := parseProgramRow(rec, add)
		// The same rules as the program and funding forms (app/programs).
		if r.County != "" {
			if counties != nil {
				if c := pickFold(counties, r.County); c != "" {
					r.County = c
				} else {
					add(Problem{Row: r.Row, Field: "county", Message: fmt.Sprintf("“%s” is not one of the agency’s counties (see the agency settings).", r.County)})
				}
			} else if utf8.RuneCountInString(r.County) > 60 {
				add(Problem{Row: r.Row, Field: "county", Message: "use at most 60 characters."})
			}
		}
		for i, l := range r.Languages {
			if v := pickFold(languages, l); v != "" {
				r.Languages[i] = v
			} else {
				add(Problem{Row: r.Row, Field: "languages", Message: fmt.Sprintf("“%s” is not one of the agency’s languages (see the agency settings).", l)})
			}
		}
		if r.Funder != "" {
			f, ambiguous := funders.find(r.Funder)
			switch {
			case ambiguous:
				add(Problem{Row: r.Row, Field: "funder", Message: fmt.Sprintf("“%s” names more than one funder: use the funder’s full name.", r.Funder)})
			case f == nil:
				add(Problem{Row: r.Row, Field: "funder", Message: fmt.Sprintf("“%s” is not a funder of this agency: add it on the Funders page first, or use the name it has there.", r.Funder)})
			default:
				r.FunderID = f.ID
				if r.FiscalYear != 0 {
					cal := calendars[f.ID]
					if !containsInt(cal.years, r.FiscalYear) {
						add(Problem{Row: r.Row, Field: "fiscal_year", Message: fmt.Sprintf("%s is not a year Holdspace takes for %s: use one from %s to %s.",
							tenants.FiscalYearLabel(r.FiscalYear, cal.start), r.Funder,
							tenants.FiscalYearLabel(cal.years[len(cal.years)-1], cal.start), tenants.FiscalYearLabel(cal.years[0], cal.start))})
					}
				}
			}
		}
		key := strings.ToLower(r.Name)
		if r.Name != "" {
			p := plan.programs[key]
			if p == nil {
				p = &programInfo{Name: r.Name, Row: r.Row, Existing: existing[key]}
				plan.programs[key] = p
			}
			if p.Existing != nil {
				r.ProgramID = p.Existing.ID
				if r.Kind != "" && p.Existing.ProgramKind != "" && r.Kind != p.Existing.ProgramKind {
					add(Problem{Row: r.Row, Field: "program_kind", Message: fmt.Sprintf("%s already exists as a %s program, not %s.",
						p.Existing.Name, strings.ToLower(tenants.ProgramKindLabel(p.Existing.ProgramKind)), strings.ToLower(tenants.ProgramKindLabel(r.Kind)))})
				}
			}
			p.KindBad = p.KindBad || r.KindBad
			switch {
			case r.Kind == "":
			case p.Kind == "":
				p.Kind, p.KindRow = r.Kind, r.Row
			case r.Kind != p.Kind:
				add(Problem{Row: r.Row, Field: "program_kind", Message: fmt.Sprintf("“%s” differs from row %d (%s) for the same program.",
					tenants.ProgramKindLabel(r.Kind), p.KindRow, tenants.ProgramKindLabel(p.Kind))})
			}
			switch {
			case r.County == "":
			case p.County == "":
				p.County, p.CountyRow = r.County, r.Row
			case !strings.EqualFold(r.County, p.County):
				add(Problem{Row: r.Row, Field: "county", Message: fmt.Sprintf("“%s” differs from row %d (%s) for the same program.", r.County, p.CountyRow, p.County)})
			}
			switch {
			case len(r.Languages) == 0:
			case len(p.Languages) == 0:
				p.Languages, p.LanguagesRow = r.Languages, r.Row
			case !strings.EqualFold(strings.Join(r.Languages, ";"), strings.Join(p.Languages, ";")):
				add(Problem{Row: r.Row, Field: "languages", Message: fmt.Sprintf("“%s” differs from row %d (%s) for the same program.",
					strings.Join(r.Languages, "; "), p.LanguagesRow, strings.Join(p.Languages, "; "))})
			}
		}
		if r.Name != "" && r.FunderID != "" && r.FiscalYear != 0 {
			fk := fundingKey{key, r.FunderID, r.FiscalYear}
			prev, ok := iecmhc[fk]
			switch {
			case !ok || prev.v == unset:
				iecmhc[fk] = flag{r.IECMHC, r.Row}
			case r.IECMHC != unset && r.IECMHC != prev.v:
				add(Problem{Row: r.Row, Field: "iecmhc_funded", Message: fmt.Sprintf("this says %s, but row %d says %s for the same funding.",
					yesNo(r.IECMHC), prev.row, yesNo(prev.v))})
			}
			if categories[fk] == nil {
				categories[fk] = map[string]int{}
			}
			if r.Category != "" {
				c := strings.ToLower(r.Category)
				if prevRow, dup := categories[fk][c]; dup {
					add(Problem{Row: r.Row, Field: "budget_category", Message: fmt.Sprintf("“%s” is already a line of this funding (row %d).", r.Category, prevRow)})
				} else {
					categories[fk][c] = r.Row
				}
			}
			if _, ok := plan.lines[fk]; !ok {
				plan.fundings = append(plan.fundings, fk)
			}
			plan.lines[fk] = append(plan.lines[fk], len(plan.rows))
		}
		plan.rows = append(plan.rows, r)
	}
	for _, p := range plan.programs {
		if p.Existing == nil && p.Kind == "" && !p.KindBad {
			add(Problem{Row: p.Row, Field: "program_kind", Message: "enter the kind of program (a new program needs one): " + programKindList() + "."})
		}
		if p.Existing == nil && p.County == "" {
			add(Problem{Row: p.Row, Field: "county", Message: "enter the program’s county (a new program needs one)."})
		}
	}
	for _, fk := range plan.fundings {
		if n := len(plan.lines[fk]); n > programs.MaxLines {
			r := plan.rows[plan.lines[fk][programs.MaxLines]]
			add(Problem{Row: r.Row, Field: "budget_category", Message: fmt.Sprintf("a funding has at most %d budget lines; this one has %d.", programs.MaxLines, n)})
		}
	}
	for _, fk := range plan.fundings {
		// As the funding form: a budget of $0.00 is none (lines at $0.00 are not kept).
		var total int64
		ok := true
		for _, i := range plan.lines[fk] {
			total += plan.rows[i].AmountCents
			ok = ok && plan.rows[i].AmountOK
		}
		if ok && total == 0 {
			r := plan.rows[plan.lines[fk][0]]
			add(Problem{Row: r.Row, Field: "budget_amount", Message: "this funding’s lines add up to $0.00: give at least one of them an amount (a line at $0.00 is not kept)."})
		}
	}
	for fk, v := range iecmhc {
		plan.iecmhc[fk] = v.v == yes
	}
	if existingFundings {
		have, err := s.existingFundings(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, fk := range plan.fundings {
			p := plan.programs[fk.program].Existing
			if p == nil || !have[fundingID{p.ID, fk.funder, fk.year}] {
				continue
			}
			r := plan.rows[plan.lines[fk][0]]
			add(Problem{Row: r.Row, Field: "fiscal_year", Message: fmt.Sprintf("%s already has a funding from %s for %s: change that budget on the program’s page instead.",
				p.Name, r.Funder, tenants.FiscalYearLabel(fk.year, calendars[fk.funder].start))})
		}
	}
	sortProblems(problems)
	return plan, problems, nil
}

func yesNo(v tristate) string {
	if v == yes {
		return "yes"
	}
	return "no"
}

// fundingID is a funding's natural key, by ids.
type fundingID struct {
	program, funder string
	year            int
}

// existingFundings returns the natural keys of the tenant's fundings.
func (s *Service) existingFundings(ctx context.Context) (map[fundingID]bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Funding
	if err := t.Select(&list).Column("program_id", "funder_id", "fiscal_year").Scan(ctx); err != nil {
		return nil, err
	}
	out := make(map[fundingID]bool, len(list))
	for _, f := range list {
		out[fundingID{f.ProgramID, f.FunderID, f.FiscalYear}] = true
	}
	return out, nil
}
