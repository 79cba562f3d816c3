package consultation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

// The engagements page and the caseload at a state's scale (issue 14). A page of them once ran
// a dozen statements, each narrowing the engagements again by Visible's subquery (a funder's
// fundings read in every one of them, which also kept PostgreSQL from walking an engagements
// index in order). Now a page reads, in order:
//
//  1. who the person sees, once (listView): a funder's funded programs, a consultant's or a
//     supervisor's profiles, named outright in every query after it;
//  2. the page of engagements with their flags' facts, in one statement (counted per row
//     inside the database, not a statement per row);
//  3. the filter's programs and the counts by program and stage, in one statement
//     (listSummary), the programs taken from the counts when nothing is filtered;
//  4. the filter's consultants, kept a minute per view (filterConsultants): a statement a
//     minute, not one a request.

// listView is who the person in ctx sees among the engagements (Visible's rule), read once for
// the several queries of a page: a funder's funded programs and a consultant's or a
// supervisor's profiles as lists of ids, so the planner sees the values (and walks an index of
// the engagements in order) instead of a subquery per query.
type listView struct {
	sc database.Scope
	// byProfiles: the rows of these profiles only (a consultant, a supervisor).
	byProfiles bool
	profiles   []string
	// byPrograms: the rows of these programs only (a funder).
	byPrograms bool
	programs   []string
}

// listView reads who the person in ctx sees: one small statement for a funder, a consultant
// or a supervisor; none for the others.
func (s *Engagements) listView(ctx context.Context) (*listView, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	v := &listView{sc: sc}
	switch sc.Role {
	case authz.Consultant, authz.Supervisor:
		v.profiles, v.byProfiles, err = profilesInView(ctx, s.db)
	case authz.Funder:
		v.byPrograms = true
		err = t.SelectFrom("fundings", "f").ColumnExpr("DISTINCT f.program_id").
			Where("f.funder_id = ?", sc.OrganisationID).OrderExpr("f.program_id").Scan(ctx, &v.programs)
	}
	return v, err
}

// apply narrows q — a query with profile_id and program_id columns under alias — to the rows
// the person sees: the same rows as Visible.
func (v *listView) apply(q *bun.SelectQuery, alias string) *bun.SelectQuery {
	var col string
	var ids []string
	switch {
	case v.byProfiles:
		col, ids = alias+".profile_id", v.profiles
	case v.byPrograms:
		col, ids = alias+".program_id", v.programs
	default:
		return Visible(q, v.sc, alias)
	}
	if len(ids) == 0 {
		return q.Where("1 = 0")
	}
	return q.Where("? IN (?)", bun.Ident(col), bun.In(ids))
}

// listedEngagement is an engagement of a page with the facts of its flags (FlagFacts),
// counted in the page's own statement.
type listedEngagement struct {
	Engagement   `bun:",extend"`
	PlansEnded   int `bun:"flag_plans_ended,scanonly"`
	PostAssessed int `bun:"flag_posts,scanonly"`
	OverdueFUs   int `bun:"flag_overdue,scanonly"`
}

// listPage is List for the view at today (the tenant's date).
func (s *Engagements) listPage(ctx context.Context, v *listView, f CaseloadFilter, today string) (*CaseloadPage, error) {
	f.Page = max(f.Page, 1)
	var list []listedEngagement
	q, err := s.pageQuery(ctx, v, f, today, &list)
	if err != nil {
		return nil, err
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	p := &CaseloadPage{Filter: f, Today: today}
	if len(list) > CaseloadPageSize {
		p.HasMore, list = true, list[:CaseloadPageSize]
		p.Next = list[CaseloadPageSize-1].EngagementCursor()
	}
	p.Rows = make([]EngagementRow, len(list))
	for i := range list {
		e := &list[i].Engagement
		facts := FlagFacts{PlanEnded: list[i].PlansEnded > 0, HasPost: list[i].PostAssessed > 0, OverdueFollowUps: list[i].OverdueFUs}
		p.Rows[i] = EngagementRow{Engagement: *e, Dosage: DosageOf(e, today), Flags: ComputeFlags(e, facts, today)}
	}
	return p, nil
}

// pageQuery is the statement of a page of engagements (one more row than a page, to know
// whether another follows), scanned into list.
func (s *Engagements) pageQuery(ctx context.Context, v *listView, f CaseloadFilter, today string, list *[]listedEngagement) (*bun.SelectQuery, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	// The page of engagements first, on the engagements alone (an index walked in order, then
	// a stop), and the names and the flags' facts joined to that page only: joined first, the
	// planner may join and sort every engagement of the tenant when its estimates are off.
	page := v.apply(t.Select((*Engagement)(nil)).ColumnExpr("e.*"), "e")
	page = f.apply(page, t.ID, today)
	if contact, id, ok := parseEngagementCursor(f.After); ok {
		page = page.Where("(e.last_contact_on, e.id) < (?, ?)", contact, id)
	} else if f.Page > 1 {
		page = page.Offset(int64((f.Page - 1) * CaseloadPageSize))
	}
	page = page.OrderExpr("e.last_contact_on DESC, e.id DESC").Limit(CaseloadPageSize + 1)
	// The facts of the flags (flagFacts), counted for each of the page's rows by its
	// engagement's index of each table: the same statement, whatever the page's size.
	return t.Select(list).ModelTableExpr("(?) AS e", page).Apply(engagementColumns).
		ColumnExpr("(SELECT COUNT(*) FROM qi_plans AS fqp WHERE fqp.tenant_id = ? AND fqp.engagement_id = e.id AND fqp.ends_on < ?) AS flag_plans_ended", t.ID, today).
		ColumnExpr("(SELECT COUNT(*) FROM assessments AS fa WHERE fa.tenant_id = ? AND fa.engagement_id = e.id AND fa.phase = ?) AS flag_posts", t.ID, PhasePost).
		ColumnExpr("(SELECT COUNT(*) FROM session_followups AS ffu WHERE ffu.tenant_id = ? AND ffu.engagement_id = e.id AND ffu.done_on = '' AND ffu.due_on < ?) AS flag_overdue", t.ID, today).
		OrderExpr("e.last_contact_on DESC, e.id DESC"), nil
}

// listToday is the tenant's date, YYYY-MM-DD.
func (s *Engagements) listToday(ctx context.Context) (string, error) {
	day, _, err := s.Today(ctx)
	if err != nil {
		return "", err
	}
	return day.Format(time.DateOnly), nil
}

// ListWant says what a page of engagements shows besides the page itself.
type ListWant struct {
	Choices bool // the filter's consultants and programs (FilterChoices)
	Counts  bool // the counts by program and TA stage, filtered as the page (StageCounts)
	// Caseload: the overdue follow-ups (at most 50) and the latest sessions (10).
	Caseload bool
}

// ListResult is a page of engagements and what else its page shows (ListWant).
type ListResult struct {
	Page                  *CaseloadPage
	Consultants, Programs []FilterChoice
	Counts                []StageCount
	FollowUps             []FollowUp
	Sessions              []RecentSession
}

// Caseload's lists' lengths.
const (
	caseloadFollowUps = 50
	caseloadSessions  = 10
)

// ListAll is List, FilterChoices, StageCounts and the caseload's OverdueFollowUpsOn and
// RecentSessions together, as one page shows them: who the person sees and the tenant's date
// are read once for all of them, the programs of the filter and the counts share one
// statement, and the filter's consultants are kept a minute (FilterConsultantsMaxAge).
func (s *Engagements) ListAll(ctx context.Context, f CaseloadFilter, want ListWant) (*ListResult, error) {
	today, err := s.listToday(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.listView(ctx)
	if err != nil {
		return nil, err
	}
	r := &ListResult{}
	if r.Page, err = s.listPage(ctx, v, f, today); err != nil {
		return nil, err
	}
	if want.Choices || want.Counts {
		var counts *[]StageCount
		if want.Counts {
			counts = &r.Counts
		}
		if err := s.listSummary(ctx, v, f, today, want.Choices, counts, &r.Consultants, &r.Programs, FilterConsultantsMaxAge); err != nil {
			return nil, err
		}
	}
	if want.Caseload {
		if r.FollowUps, err = s.overdueFollowUps(ctx, v, caseloadFollowUps, today); err != nil {
			return nil, err
		}
		if r.Sessions, err = s.recentSessions(ctx, v, caseloadSessions); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// summaryRow is a row of listSummary: a program ("o") or a count of a program's engagements at
// a stage ("p").
type summaryRow struct {
	Kind  string `bun:"k"`
	ID    string `bun:"id"`
	Name  string `bun:"name"`
	Stage string `bun:"stage"`
	N     int    `bun:"n"`
}

// listSummary reads, in one statement, the filter's programs when choices — the tenant's
// programs that have an engagement the person sees, by name — and, when counts is not nil, the
// counts by program and stage of the engagements the filter keeps. Unfiltered, the programs
// with an engagement are those counted, and are not read twice. The filter's consultants
// (choices) come from filterConsultants, kept up to keptFor.
func (s *Engagements) listSummary(ctx context.Context, v *listView, f CaseloadFilter, today string, choices bool,
	counts *[]StageCount, consultantsOut, programsOut *[]FilterChoice, keptFor time.Duration) error {
	if choices {
		list, err := s.filterConsultants(ctx, v, keptFor)
		if err != nil {
			return err
		}
		*consultantsOut = list
	}
	q, fromCounts, err := s.summaryQuery(ctx, v, f, today, choices, counts != nil)
	if err != nil || q == nil {
		return err
	}
	var rows []summaryRow
	if err := q.Scan(ctx, &rows); err != nil {
		return err
	}
	var countRows []summaryRow
	for i, r := range rows {
		switch r.Kind {
		case "o":
			*programsOut = append(*programsOut, FilterChoice{ID: r.ID, Name: r.Name})
		case "p":
			if countRows == nil {
				countRows = rows[i:]
			}
			if fromCounts && (len(*programsOut) == 0 || (*programsOut)[len(*programsOut)-1].ID != r.ID) {
				*programsOut = append(*programsOut, FilterChoice{ID: r.ID, Name: r.Name})
			}
		}
	}
	if counts != nil {
		*counts = stageCounts(countRows)
	}
	return nil
}

// summaryQuery is listSummary's statement (nil when asked for nothing): a UNION ALL of the
// counts ("p" rows) and the programs ("o"), by kind and name. fromCounts: the programs are not
// read, but taken from the counts (nothing filtered).
func (s *Engagements) summaryQuery(ctx context.Context, v *listView, f CaseloadFilter, today string, choices, counts bool) (*bun.RawQuery, bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, false, err
	}
	f.Page, f.After = 0, ""
	fromCounts := choices && counts && f == (CaseloadFilter{})
	var parts []any
	sql := ""
	add := func(q *bun.SelectQuery) {
		if sql != "" {
			sql += " UNION ALL "
		}
		sql += "?"
		parts = append(parts, q)
	}
	if counts {
		// Counted on the engagements alone (their (program_id, stage) index, in its order), and
		// the programs' names joined to the counts: a row per program and stage.
		c := v.apply(t.Select((*Engagement)(nil)).ColumnExpr("e.program_id, e.stage, COUNT(*) AS n"), "e")
		c = f.apply(c, t.ID, today).GroupExpr("e.program_id, e.stage")
		add(t.SelectFrom("organisations", "o").ColumnExpr("'p' AS k, c.program_id AS id, o.name AS name, c.stage AS stage, c.n AS n").
			Join("JOIN (?) AS c ON c.program_id = o.id", c))
	}
	if choices && !fromCounts {
		// The tenant's programs that have an engagement the person sees: the engagements'
		// programs read from an index alone.
		byProgram := v.apply(t.Select((*Engagement)(nil)).ColumnExpr("e.program_id"), "e")
		add(t.SelectFrom("organisations", "o").ColumnExpr("'o' AS k, o.id AS id, o.name AS name, '' AS stage, 0 AS n").
			Where("o.id IN (?)", byProgram))
	}
	if sql == "" {
		return nil, false, nil
	}
	return database.Conn(ctx, s.db).NewRaw(sql+" ORDER BY k, name, id, stage", parts...), fromCounts, nil
}

// FilterConsultantsMaxAge is how long the engagements page keeps the consultants of its filter:
// reading them is most of a funder's page (every engagement of the fifty programs it funds, to
// find their two hundred consultants), and they change only when an engagement starts, which
// drops them at once in this process (Start). A consultant's new name shows within the minute.
const FilterConsultantsMaxAge = time.Minute

// filterConsultants are the tenant's consultants who have an engagement the person sees, by
// name: read, or kept from a read at most keptFor ago (0: read now) for the same view — the
// same tenant, role, organisation and the same programs or profiles (listView). The list is
// shared by the requests that get it: read it, never change it.
func (s *Engagements) filterConsultants(ctx context.Context, v *listView, keptFor time.Duration) ([]FilterChoice, error) {
	list, _, err := s.consultants.Get(ctx, v.key(), keptFor, 1024, func(ctx context.Context) ([]FilterChoice, error) {
		q, err := s.consultantsQuery(ctx, v)
		if err != nil {
			return nil, err
		}
		var list []FilterChoice
		return list, q.Scan(ctx, &list)
	})
	return list, err
}

// consultantsQuery is filterConsultants' statement: the engagements' profiles read from an
// index alone, and each consultant's name looked up by key (joined, PostgreSQL hashed the
// whole users table, every tenant's people, for a tenant's two hundred consultants, a cost
// that grew with the platform).
func (s *Engagements) consultantsQuery(ctx context.Context, v *listView) (*bun.SelectQuery, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	byProfile := v.apply(t.Select((*Engagement)(nil)).ColumnExpr("e.profile_id"), "e")
	return t.SelectFrom("consultant_profiles", "cp").
		ColumnExpr("cp.id AS id, COALESCE((SELECT u.name FROM users AS u WHERE u.id = cp.user_id), '') AS name").
		Where("cp.id IN (?)", byProfile).OrderExpr("name, cp.id"), nil
}

// key names the view for what is kept of it: its tenant first (so Forget(tenant+"|") drops
// the tenant's), the role and organisation, and a digest of the programs or profiles it is
// narrowed to (a funder's fifty programs, a supervisor's supervisees).
func (v *listView) key() string {
	ids := v.programs
	if v.byProfiles {
		ids = v.profiles
	}
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	return v.sc.TenantID + "|" + v.sc.Role + "|" + v.sc.OrganisationID + "|" + strconv.FormatBool(v.byProfiles) +
		strconv.FormatBool(v.byPrograms) + "|" + hex.EncodeToString(h.Sum(nil))
}

// stageCounts gathers the rows of counts ("p" rows of listSummary, by program name, program
// and stage) by program: TA stages, closed apart, and the total.
func stageCounts(rows []summaryRow) []StageCount {
	var out []StageCount
	for _, r := range rows {
		if r.Kind != "p" {
			break
		}
		if len(out) == 0 || out[len(out)-1].ProgramID != r.ID {
			out = append(out, StageCount{ProgramID: r.ID, ProgramName: r.Name, ByTAStage: make(map[string]int, len(TAStages))})
		}
		c := &out[len(out)-1]
		if r.Stage == StageClosed {
			c.Closed += r.N
		} else {
			c.ByTAStage[StageOf(r.Stage).TAStage] += r.N
		}
		c.Total += r.N
	}
	for i := range out {
		out[i].Cells = make([]StageCell, len(TAStages))
		for j, ta := range TAStages {
			out[i].Cells[j] = StageCell{ta, out[i].ByTAStage[ta]}
		}
	}
	return out
}

// ListRow is an engagement of a list as its row shows it, worked out once in Go: the template
// reads a few fields of a small struct where it called a method per cell (a reflected call
// each, and a field looked up by name among the engagement's thirty).
type ListRow struct {
	ID, ConsultantName, ProgramName string
	Focus, Stage, TAStage, Kind     string
	Contacts                        int
	Hours, LastContactOn            string
	Flags                           []string
}

// listRows is the page's rows as the list shows them; details: a child and family focus shows
// its initials and age band (SeesFocusDetails).
func listRows(rows []EngagementRow, details bool) []ListRow {
	out := make([]ListRow, len(rows))
	for i := range rows {
		r := &rows[i]
		st := StageOf(r.Stage)
		out[i] = ListRow{ID: r.ID, ConsultantName: r.ConsultantName, ProgramName: r.ProgramName,
			Focus: r.FocusText(details), Stage: st.Label, TAStage: st.TAStage, Kind: r.KindLabel(),
			Contacts: r.Dosage.Contacts, Hours: r.Dosage.Hours(), LastContactOn: r.LastContactOn, Flags: r.Flags.Labels()}
	}
	return out
}

// countsHTML writes the rows of the table of counts by program and TA stage (fifty programs
// are four hundred cells, which html/template took a millisecond to write), each name escaped.
func countsHTML(counts []StageCount) template.HTML {
	var b strings.Builder
	n := 0
	for _, c := range counts {
		n += 200 + len(c.ProgramName) + len(c.Cells)*48
	}
	b.Grow(n) // fifty programs are some 20 KB: grown once, not doubled a dozen times
	for i, c := range counts {
		if i > 0 {
			b.WriteString("\n    ")
		}
		b.WriteString(`<tr><th scope="row" data-label="Program">`)
		web.EscapeHTML(&b, c.ProgramName)
		b.WriteString("</th>")
		for _, cell := range c.Cells {
			b.WriteString(`<td data-label="`)
			web.EscapeHTML(&b, cell.TAStage)
			b.WriteString(`">`)
			b.WriteString(strconv.Itoa(cell.N))
			b.WriteString("</td>")
		}
		b.WriteString(`<td data-label="Closed">`)
		b.WriteString(strconv.Itoa(c.Closed))
		b.WriteString(`</td><td data-label="Total">`)
		b.WriteString(strconv.Itoa(c.Total))
		b.WriteString("</td></tr>")
	}
	return template.HTML(b.String()) //nolint:gosec // every name is escaped above
}

// listRowsTemplate is what RowsHTML writes, as a template.
const listRowsTemplate = `{{range .Rows}}<tr>` +
	`{{if $.ShowConsultant}}<td data-label="Consultant">{{.ConsultantName}}</td>{{end}}` +
	`<td data-label="Program"><a href="{{$.Base}}/engagements/{{.ID}}">{{.ProgramName}}</a></td>` +
	`<td data-label="Focus">{{.Focus}}</td>` +
	`<td data-label="Stage">{{.Stage}} <span class="text-base">({{.TAStage}})</span></td>` +
	`<td data-label="Kind">{{.Kind}}</td>` +
	`<td data-label="Contacts">{{.Contacts}}</td>` +
	`<td data-label="Hours">{{.Hours}}</td>` +
	`<td data-label="Last contact" class="hs-date">{{if .LastContactOn}}{{.LastContactOn}}{{else}}None yet{{end}}</td>` +
	`<td data-label="Flags">{{range .Flags}}<span class="usa-tag bg-secondary-dark margin-right-05">{{.}}</span> {{else}}None{{end}}</td>` +
	`{{if $.RecordLinks}}<td><a class="usa-button usa-button--outline usa-button--small" href="{{$.Base}}/engagements/{{.ID}}/sessions/new">Record a session<span class="usa-sr-only"> with {{.ProgramName}}</span></a></td>{{end}}` +
	"</tr>\n{{end}}"

// RowsHTML writes the list's rows as listRowsTemplate would (TestListRowsHTMLIsTheTemplate):
// fifty rows of a dozen cells were most of the engagements page's and the caseload's drawing.
func (d *EngagementListData) RowsHTML() template.HTML {
	var b strings.Builder
	b.Grow(len(d.Rows) * 900)
	esc := func(s string) { web.EscapeHTML(&b, s) }
	href := func(id string) {
		esc(web.TemplateURL(d.Base))
		b.WriteString("/engagements/")
		esc(web.NormalizeURL(id))
	}
	for i := range d.Rows {
		r := &d.Rows[i]
		b.WriteString("<tr>")
		if d.ShowConsultant {
			b.WriteString(`<td data-label="Consultant">`)
			esc(r.ConsultantName)
			b.WriteString("</td>")
		}
		b.WriteString(`<td data-label="Program"><a href="`)
		href(r.ID)
		b.WriteString(`">`)
		esc(r.ProgramName)
		b.WriteString(`</a></td><td data-label="Focus">`)
		esc(r.Focus)
		b.WriteString(`</td><td data-label="Stage">`)
		esc(r.Stage)
		b.WriteString(` <span class="text-base">(`)
		esc(r.TAStage)
		b.WriteString(`)</span></td><td data-label="Kind">`)
		esc(r.Kind)
		b.WriteString(`</td><td data-label="Contacts">`)
		b.WriteString(strconv.Itoa(r.Contacts))
		b.WriteString(`</td><td data-label="Hours">`)
		esc(r.Hours)
		b.WriteString(`</td><td data-label="Last contact" class="hs-date">`)
		if r.LastContactOn != "" {
			esc(r.LastContactOn)
		} else {
			b.WriteString("None yet")
		}
		b.WriteString(`</td><td data-label="Flags">`)
		for _, f := range r.Flags {
			b.WriteString(`<span class="usa-tag bg-secondary-dark margin-right-05">`)
			esc(f)
			b.WriteString("</span> ")
		}
		if len(r.Flags) == 0 {
			b.WriteString("None")
		}
		b.WriteString("</td>")
		if d.RecordLinks {
			b.WriteString(`<td><a class="usa-button usa-button--outline usa-button--small" href="`)
			href(r.ID)
			b.WriteString(`/sessions/new">Record a session<span class="usa-sr-only"> with `)
			esc(r.ProgramName)
			b.WriteString("</span></a></td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every text escaped by web.EscapeHTML, every address as html/template writes it
}
