package consultation

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
)

// SessionFilter narrows the list of sessions. After is the keyset cursor of the page: the
// last row of the previous page ("held_on~id").
type SessionFilter struct {
	ProgramID    string
	EngagementID string
	Service      string
	From, To     string // YYYY-MM-DD, inclusive
	After        string
	Limit        int
}

// SessionPage is one page of sessions, newest first, and the cursor of the next page.
type SessionPage struct {
	Sessions []Session
	Next     string
}

// Cursor is the keyset position of a session in the list.
func (s *Session) Cursor() string { return s.HeldOn + "~" + s.ID }

func parseCursor(c string) (string, string, bool) {
	held, id, ok := strings.Cut(c, "~")
	if !ok || !database.IsID(id) {
		return "", "", false
	}
	if _, err := time.Parse(time.DateOnly, held); err != nil {
		return "", "", false
	}
	return held, id, true
}

// Problems checks the filter's dates; a bad one is named (and ignored by the list).
func (f *SessionFilter) Problems() map[string]string {
	bad := map[string]string{}
	for k, v := range map[string]string{"from": f.From, "to": f.To} {
		if v == "" {
			continue
		}
		if _, ok := dates.ISO(v); !ok {
			bad[k] = dates.Message(map[string]string{"from": "the first date", "to": "the last date"}[k])
		}
	}
	return bad
}

// profilesInView are the consultant profiles whose sessions the person in ctx sees, named
// outright (ok true) for a consultant (their own) and a supervisor (their supervisees'); ok is
// false for the other roles, whom Visible narrows by program or not at all. A list of sessions
// narrowed by these ids walks the (tenant_id, profile_id, held_on, id) index; narrowed by
// Visible's subquery, the planner walks the tenant's sessions newest first hoping to meet one
// of theirs, and with none (or few) it reads all million.
func profilesInView(ctx context.Context, db *bun.DB) (ids []string, ok bool, err error) {
	sc, t, err := database.Scoped(ctx, db)
	if err != nil {
		return nil, false, err
	}
	q := t.SelectFrom("consultant_profiles", "cp").Column("cp.id")
	switch sc.Role {
	case authz.Consultant:
		q = q.Where("cp.user_id = ?", sc.UserID)
	case authz.Supervisor:
		q = q.Join("JOIN supervision_assignments AS sa ON sa.tenant_id = cp.tenant_id AND sa.consultant_id = cp.user_id").
			Where("sa.supervisor_id = ?", sc.UserID)
	default:
		return nil, false, nil
	}
	err = q.OrderExpr("cp.id").Scan(ctx, &ids)
	return ids, err == nil, err
}

// byProfiles narrows a sessions query (alias s) to the profiles named by profilesInView.
func byProfiles(q *bun.SelectQuery, ids []string) *bun.SelectQuery {
	if len(ids) == 0 {
		return q.Where("1 = 0")
	}
	return q.Where("s.profile_id IN (?)", bun.In(ids))
}

// listQuery is the sessions the person in ctx may see, filtered, newest first. For a
// consultant it also names their profile outright, so the planner walks the
// (tenant_id, profile_id, held_on, id) index backwards and stops after a page.
func (s *Sessions) listQuery(ctx context.Context, model any, f SessionFilter) (*bun.SelectQuery, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role == authz.Funder {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Funders see counts of sessions, not the sessions.")
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	q := t.Select(model)
	ids, named, err := profilesInView(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if named {
		q = byProfiles(q, ids) // exactly what Visible lets a consultant or a supervisor see
	} else {
		q = Visible(q, sc, "s")
	}
	if database.IsID(f.ProgramID) {
		q = q.Where("s.program_id = ?", f.ProgramID)
	}
	if database.IsID(f.EngagementID) {
		q = q.Where("s.engagement_id = ?", f.EngagementID)
	}
	if f.Service != "" {
		q = q.Where("s.service = ?", f.Service)
	}
	bad := f.Problems()
	if f.From != "" && bad["from"] == "" {
		q = q.Where("s.held_on >= ?", dates.Normalize(f.From))
	}
	if f.To != "" && bad["to"] == "" {
		q = q.Where("s.held_on <= ?", dates.Normalize(f.To))
	}
	if held, id, ok := parseCursor(f.After); ok {
		q = q.Where("(s.held_on, s.id) < (?, ?)", held, id)
	}
	return q.OrderExpr("s.held_on DESC, s.id DESC"), nil
}

// pageQuery is a page of the list (f.Limit set), with the program's and the consultant's names.
// The page is taken from the sessions alone (an index walked in the list's order, then a stop)
// and the names joined to that page only: joined first, the planner's estimate of the joins
// can make it read and sort all of a consultant's (or the tenant's) sessions instead.
func (s *Sessions) pageQuery(ctx context.Context, list *[]Session, f SessionFilter) (*bun.SelectQuery, error) {
	page, err := s.listQuery(ctx, (*Session)(nil), f)
	if err != nil {
		return nil, err
	}
	page = page.ColumnExpr("s.tenant_id, s.id, s.engagement_id, s.profile_id, s.program_id, s.held_on, s.minutes, s.mode, s.service, s.training_topic, s.participants, s.topics, s.summary, s.unlocked_until, s.created_at").
		Limit(int64(f.Limit + 1))
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	return t.Select(list).ModelTableExpr("(?) AS s", page).
		ColumnExpr("s.id, s.engagement_id, s.profile_id, s.program_id, s.held_on, s.minutes, s.mode, s.service, s.training_topic, s.participants, s.topics, s.summary, s.unlocked_until, s.created_at").
		ColumnExpr("o.name AS program_name, cp.display_name AS consultant_name").
		Join("JOIN organisations AS o ON o.tenant_id = s.tenant_id AND o.id = s.program_id").
		Join("JOIN consultant_profiles AS cp ON cp.tenant_id = s.tenant_id AND cp.id = s.profile_id").
		OrderExpr("s.held_on DESC, s.id DESC"), nil
}

// List returns a page of the sessions the person in ctx may see (a consultant: their own; a
// supervisor: their supervisees'; a program: its own; a tenant admin: all), newest first.
// The notes are never read here.
func (s *Sessions) List(ctx context.Context, f SessionFilter) (*SessionPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = SessionPageSize
	}
	var list []Session
	q, err := s.pageQuery(ctx, &list, f)
	if err != nil {
		return nil, err
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	p := &SessionPage{Sessions: list}
	if len(list) > f.Limit {
		p.Sessions = list[:f.Limit]
		p.Next = p.Sessions[f.Limit-1].Cursor()
	}
	return p, nil
}

// ListPrograms are the programs of the engagements the person in ctx may see (the filter).
func (s *Sessions) ListPrograms(ctx context.Context) ([]Choice, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID   string `bun:"id"`
		Name string `bun:"name"`
	}
	// The tenant's programs that have an engagement the person sees: one probe of the
	// engagements' program index per program, not a DISTINCT over every engagement.
	visible := Visible(t.Select((*Engagement)(nil)).ColumnExpr("1").Where("e.program_id = o.id"), sc, "e")
	q := t.SelectFrom("organisations", "o").ColumnExpr("o.id, o.name").Where("EXISTS (?)", visible)
	if err := q.OrderExpr("o.name, o.id").Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := make([]Choice, len(rows))
	for i, r := range rows {
		out[i] = Choice{r.ID, r.Name}
	}
	return out, nil
}

// OpenFollowUps lists the consultant's follow-ups not done yet, the earliest due first.
func (s *Sessions) OpenFollowUps(ctx context.Context, limit int) ([]FollowUp, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Consultant {
		return nil, nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	// The consultant's profile named outright: the follow-ups' (profile_id, done_on, due_on)
	// index holds theirs in the order shown.
	ids, _, err := profilesInView(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var list []FollowUp
	q := t.Select(&list).ColumnExpr("fu.*, o.name AS program_name").
		Join("JOIN engagements AS e ON e.tenant_id = fu.tenant_id AND e.id = fu.engagement_id").
		Join("JOIN organisations AS o ON o.tenant_id = e.tenant_id AND o.id = e.program_id").
		Where("fu.done_on = ''").Where("fu.profile_id IN (?)", bun.In(ids))
	err = Visible(q, sc, "e").OrderExpr("fu.due_on, fu.id").Limit(int64(limit)).Scan(ctx)
	return list, err
}

// MarkFollowUpDone marks a follow-up done today (the consultant who holds it).
// Errors: ENOTFOUND; EFORBIDDEN for anyone else.
func (s *Sessions) MarkFollowUpDone(ctx context.Context, id string) (*FollowUp, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("follow-up")
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	fu := new(FollowUp)
	q := t.Select(fu).ColumnExpr("fu.*").
		Join("JOIN engagements AS e ON e.tenant_id = fu.tenant_id AND e.id = fu.engagement_id").Where("fu.id = ?", id)
	if err := Visible(q, sc, "e").Scan(ctx); err != nil {
		return nil, sessNotFound(err, "follow-up")
	}
	if sc.Role != authz.Consultant {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the consultant who holds the engagement marks its follow-ups done.")
	}
	if fu.DoneOn != "" {
		return fu, nil
	}
	v, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	fu.DoneOn = v.Today(s.Now())
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Update((*FollowUp)(nil)).Set("done_on = ?", fu.DoneOn).Where("fu.id = ?", fu.ID).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "followup.done", "session_followup", fu.ID, "Done: "+fu.Description)
	})
	return fu, err
}

// WriteCSV streams the consultant's own sessions as CSV, newest first, in keyset batches.
// The notes are left out: a download leaves the system, where they would be neither sealed
// nor audited on each read; the shared summary is in. Errors: EFORBIDDEN for other roles.
func (s *Sessions) WriteCSV(ctx context.Context, w io.Writer, f SessionFilter) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	if sc.Role != authz.Consultant {
		return apperr.Errorf(apperr.EFORBIDDEN, "The sessions download is a consultant's own sessions.")
	}
	cw := csvout.NewWriter(w) // every cell guarded against formulas
	head := []string{"Date", "Program", "Minutes", "Mode", "Service", "Training topic"}
	for _, r := range ParticipantRoles {
		head = append(head, r.Label)
	}
	head = append(head, "Topics", "Shared summary", "Session id", "Engagement id")
	if err := cw.Write(head); err != nil {
		return err
	}
	f.After, f.Limit = "", sessionCSVBatchSize
	for {
		page, err := s.List(ctx, f)
		if err != nil {
			return err
		}
		for _, x := range page.Sessions {
			row := []string{x.HeldOn, x.ProgramName, strconv.Itoa(x.Minutes), ModeLabel(x.Mode),
				ServiceLabel(x.Service), x.TrainingTopic}
			for _, r := range ParticipantRoles {
				row = append(row, strconv.Itoa(x.Participants[r.Value]))
			}
			row = append(row, strings.Join(x.Topics, "; "), x.Summary, x.ID, x.EngagementID)
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if page.Next == "" {
			return nil
		}
		f.After = page.Next
	}
}
