package consultation

import (
	"context"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
)

// CaseloadPageSize is how many engagements a list shows per page.
const CaseloadPageSize = 25

// CaseloadFilter narrows a list of engagements. Every list goes through Visible first, so a
// filter only ever narrows what the person may see.
type CaseloadFilter struct {
	ProfileID string // the consultant (profile id)
	ProgramID string
	Stage     string
	Kind      string
	Flagged   bool
	Open      bool // leave closed engagements out
	// After is the keyset cursor of the page: the last row of the previous page
	// ("last_contact_on~id", the date empty for an engagement without a contact yet).
	After string
	// Page (from 1) pages by offset, for callers that walk a few pages in code (a dashboard's
	// flagged engagements); the pages people follow carry After. Ignored when After is set.
	Page int
}

// ParseCaseloadFilter reads a filter from a query string; unknown values are dropped.
func ParseCaseloadFilter(v url.Values) CaseloadFilter {
	f := CaseloadFilter{ProfileID: v.Get("consultant"), ProgramID: v.Get("program"), Flagged: v.Get("flagged") == "1",
		Open: v.Get("open") == "1"}
	if !database.IsID(f.ProfileID) {
		f.ProfileID = ""
	}
	if !database.IsID(f.ProgramID) {
		f.ProgramID = ""
	}
	if StageIndex(v.Get("stage")) >= 0 {
		f.Stage = v.Get("stage")
	}
	for _, k := range Kinds {
		if k.Value == v.Get("kind") {
			f.Kind = k.Value
		}
	}
	if _, _, ok := parseEngagementCursor(v.Get("after")); ok {
		f.After = v.Get("after")
	}
	f.Page = 1
	return f
}

// EngagementCursor is the keyset position of an engagement in a list.
func (e *Engagement) EngagementCursor() string { return e.LastContactOn + "~" + e.ID }

func parseEngagementCursor(c string) (string, string, bool) {
	day, id, ok := strings.Cut(c, "~")
	if !ok || !database.IsID(id) {
		return "", "", false
	}
	if day != "" {
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			return "", "", false
		}
	}
	return day, id, true
}

// Query is the filter as a query string for the page after the cursor after ("" for the
// first page).
func (f CaseloadFilter) Query(after string) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("consultant", f.ProfileID)
	set("program", f.ProgramID)
	set("stage", f.Stage)
	set("kind", f.Kind)
	if f.Flagged {
		v.Set("flagged", "1")
	}
	if f.Open {
		v.Set("open", "1")
	}
	set("after", after)
	return v.Encode()
}

// CaseloadPage is one page of a list of engagements.
type CaseloadPage struct {
	Filter  CaseloadFilter
	Rows    []EngagementRow
	HasMore bool
	Next    string // the cursor of the next page, when HasMore
	Today   string
}

// Later reports whether the page is not the first (it links back to the first).
func (p *CaseloadPage) Later() bool { return p.Filter.After != "" }

// FirstQuery is the first page's query string (the filter kept).
func (p *CaseloadPage) FirstQuery() template.URL {
	return template.URL(p.Filter.Query(""))
}

// NextQuery is the next page's query string.
func (p *CaseloadPage) NextQuery() template.URL {
	return template.URL(p.Filter.Query(p.Next))
}

func (f CaseloadFilter) apply(q *bun.SelectQuery, tenantID, today string) *bun.SelectQuery {
	if f.ProfileID != "" {
		q = q.Where("e.profile_id = ?", f.ProfileID)
	}
	if f.ProgramID != "" {
		q = q.Where("e.program_id = ?", f.ProgramID)
	}
	if f.Stage != "" {
		q = q.Where("e.stage = ?", f.Stage)
	}
	if f.Kind != "" {
		q = q.Where("e.kind = ?", f.Kind)
	}
	if f.Open {
		q = q.Where("e.stage <> ?", StageClosed)
	}
	if f.Flagged {
		q = FlaggedWhere(q, tenantID, today)
	}
	return q
}

// List returns a page of the engagements the person in ctx may see (Visible), filtered, with
// their dosage and flags: newest contact first (those without a contact last), paged by the
// keyset (last_contact_on, id) that the engagements' indexes end with, so a page reads a page
// of rows whatever the tenant's size.
func (s *Engagements) List(ctx context.Context, f CaseloadFilter) (*CaseloadPage, error) {
	r, err := s.ListAll(ctx, f, ListWant{})
	if err != nil {
		return nil, err
	}
	return r.Page, nil
}

// FilterChoice is a consultant or program a list can be filtered by.
type FilterChoice struct {
	ID, Name string
}

// FilterChoices lists the consultants and programs of the engagements the person may see, as
// they are now (the engagements page keeps its consultants a minute: ListAll).
func (s *Engagements) FilterChoices(ctx context.Context) (consultantsList, programsList []FilterChoice, err error) {
	v, err := s.listView(ctx)
	if err != nil {
		return nil, nil, err
	}
	err = s.listSummary(ctx, v, CaseloadFilter{}, "", true, nil, &consultantsList, &programsList, 0)
	return consultantsList, programsList, err
}

// StageCount is how many engagements of a program are at each TA stage (closed apart).
type StageCount struct {
	ProgramID, ProgramName string
	ByTAStage              map[string]int
	Closed, Total          int
	// Cells are the counts at each TA stage in order, with the stage's name (the table's cells).
	Cells []StageCell
}

// StageCell is a count at a TA stage.
type StageCell struct {
	TAStage string
	N       int
}

// TAStages are the TA stages in order.
var TAStages = []string{"Preparation", "Plan", "Implementation", "Evaluation", "Sustainability"}

// Count is the number at a TA stage (for templates).
func (c StageCount) Count(ta string) int { return c.ByTAStage[ta] }

// StageCounts counts the engagements the person may see by program and TA stage: what a funder
// sees of the programs it funds (no focus details), and a summary for everyone else.
//
// today is the tenant's date (the list's CaseloadPage.Today); "" reads it.
func (s *Engagements) StageCounts(ctx context.Context, f CaseloadFilter, today string) ([]StageCount, error) {
	if today == "" {
		var err error
		if today, err = s.listToday(ctx); err != nil {
			return nil, err
		}
	}
	v, err := s.listView(ctx)
	if err != nil {
		return nil, err
	}
	var out []StageCount
	err = s.listSummary(ctx, v, f, today, false, &out, nil, nil, 0)
	return out, err
}

// OverdueFollowUps lists the follow-ups past due and not done of the engagements the person may
// see, oldest due first (at most limit).
func (s *Engagements) OverdueFollowUps(ctx context.Context, limit int) ([]FollowUp, error) {
	day, _, err := s.Today(ctx)
	if err != nil {
		return nil, err
	}
	return s.OverdueFollowUpsOn(ctx, limit, day.Format(time.DateOnly))
}

// OverdueFollowUpsOn is OverdueFollowUps at today (the tenant's date), for a page that has it.
func (s *Engagements) OverdueFollowUpsOn(ctx context.Context, limit int, today string) ([]FollowUp, error) {
	v, err := s.listView(ctx)
	if err != nil {
		return nil, err
	}
	return s.overdueFollowUps(ctx, v, limit, today)
}

func (s *Engagements) overdueFollowUps(ctx context.Context, v *listView, limit int, today string) ([]FollowUp, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []FollowUp
	q := t.Select(&list).ColumnExpr("fu.*, o.name AS program_name").
		Join("JOIN engagements AS e ON e.tenant_id = fu.tenant_id AND e.id = fu.engagement_id").
		Join("JOIN organisations AS o ON o.tenant_id = e.tenant_id AND o.id = e.program_id").
		Where("fu.done_on = '' AND fu.due_on < ?", today)
	err = v.apply(q, "e").OrderExpr("fu.due_on, fu.id").Limit(int64(limit)).Scan(ctx)
	return list, err
}

// RecentSessions lists the latest sessions of the engagements the person may see (no notes:
// only when, how long, what service, with whom), newest first.
func (s *Engagements) RecentSessions(ctx context.Context, limit int) ([]RecentSession, error) {
	v, err := s.listView(ctx)
	if err != nil {
		return nil, err
	}
	return s.recentSessions(ctx, v, limit)
}

func (s *Engagements) recentSessions(ctx context.Context, v *listView, limit int) ([]RecentSession, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []RecentSession
	// Newest first, the latest recorded first on a day (ids are time-ordered): the order of the
	// sessions' indexes, which the database walks and stops; the names are joined to that page.
	// A consultant's or a supervisor's profiles are named outright (listView), so the planner
	// walks the (tenant_id, profile_id, held_on, id) index.
	page := t.Select((*Session)(nil)).Column("s.tenant_id", "s.id", "s.engagement_id", "s.profile_id", "s.program_id",
		"s.held_on", "s.minutes", "s.mode", "s.service", "s.training_topic")
	page = v.apply(page, "s").OrderExpr("s.held_on DESC, s.id DESC").Limit(int64(limit))
	err = t.Select((*Session)(nil)).ModelTableExpr("(?) AS s", page).
		ColumnExpr("s.id, s.engagement_id, s.held_on, s.minutes, s.mode, s.service, s.training_topic").
		ColumnExpr("o.name AS program_name, u.name AS consultant_name").
		Join("JOIN organisations AS o ON o.tenant_id = s.tenant_id AND o.id = s.program_id").
		Join("JOIN consultant_profiles AS cp ON cp.tenant_id = s.tenant_id AND cp.id = s.profile_id").
		Join("JOIN users AS u ON u.id = cp.user_id").
		OrderExpr("s.held_on DESC, s.id DESC").Scan(ctx, &list)
	return list, err
}

// RecentSession is a session in the caseload's list of recent sessions.
type RecentSession struct {
	ID             string `bun:"id"`
	EngagementID   string `bun:"engagement_id"`
	HeldOn         string `bun:"held_on"`
	Minutes        int    `bun:"minutes"`
	Mode           string `bun:"mode"`
	Service        string `bun:"service"`
	TrainingTopic  string `bun:"training_topic"`
	ProgramName    string `bun:"program_name"`
	ConsultantName string `bun:"consultant_name"`
}

// ServiceWords is the session's service in words (a tenant's own service is stored by its
// label).
func (r RecentSession) ServiceWords() string { return engLabel(Services, r.Service) }

// ModeWords is the session's mode in words.
func (r RecentSession) ModeWords() string { return engLabel(Modes, r.Mode) }

// SeesCaseload reports whether the role has a caseload page: consultants (their own) and
// supervisors (their supervisees').
func SeesCaseload(role string) bool { return role == authz.Consultant || role == authz.Supervisor }
