package amendments

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/steps"
)

// MaxComment is the longest comment (a decision's or the thread's), in characters.
const MaxComment = 5000

// DecisionInput is a decider's form: the decision (DecisionApproved, DecisionAdjusted,
// DecisionReturned, DecisionDenied), a comment (required to return or deny), for an approval
// with adjusted amounts the amounts typed per line position, and the version and step the
// decider saw (the page's hidden fields), so a decision is never taken on what changed since.
type DecisionInput struct {
	Decision string
	Comment  string
	Adjusted map[int]string // line position → amount as typed
	Version  int
	Step     int
}

// Decide takes the decision of the person in ctx on the open step of amendment id.
//
//   - An amendment the person may not see is not found (ENOTFOUND).
//   - One that is no longer waiting on the version and step the person saw is ECONFLICT, with
//     what happened ("Someone else decided this step first: Approved by … on …").
//   - Only the people the step names decide it, and nobody decides two steps of one version:
//     EFORBIDDEN naming who decides, and the refusal is in the audit log.
//   - Bad input is EINVALID naming the field ("decision", "comment", "adjusted_<position>");
//     nothing is written.
//
// Approving a step with steps to go opens the next one (its deciders are emailed by
// TaskStepOpened); approving the last makes the amendment approved and TaskApply gives the
// funding its new budget. Returning (for changes) and denying (final) need a comment and let
// go of the funding's hold. Two deciders at once make one decision: the UPDATE expects the
// version and step, and the unique index on decisions is a second wall.
func (s *Service) Decide(ctx context.Context, id string, in DecisionInput) (*Amendment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.Amendment(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Status != StatusSubmitted || a.Version != in.Version || a.Step != in.Step {
		return nil, s.conflict(ctx, id, in.Version, in.Step)
	}
	st := a.CurrentStep()
	if st == nil {
		return nil, s.conflict(ctx, id, in.Version, in.Step)
	}
	if !CanDecide(sc, a, st) {
		msg := "Only " + DeciderWords(*st, a.FunderName) + " decide the step “" + st.Name + "” of " + a.Title() + "."
		return nil, s.refuse(ctx, a, st, msg)
	}
	if a.Step > 0 {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return nil, err
		}
		n, err := t.Select((*Decision)(nil)).Where("ad.amendment_id = ?", a.ID).Where("ad.version = ?", a.Version).
			Where("ad.decided_by = ?", sc.UserID).Count(ctx)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, s.refuse(ctx, a, st, "You decided an earlier step of this amendment; another person must decide this one.")
		}
	}

	// The input.
	fields := map[string]string{}
	comment := strings.TrimSpace(in.Comment)
	if n := utf8.RuneCountInString(comment); n > MaxComment {
		fields["comment"] = "Use at most 5,000 characters (this is " + strconv.Itoa(n) + ")."
	}
	var adjusted []LineValue
	var adjustedAt []int // the positions of the adjusted lines
	lines := append([]Line(nil), a.Lines...)
	switch in.Decision {
	case DecisionApproved:
	case DecisionAdjusted:
		positions := make([]int, 0, len(in.Adjusted))
		for p := range in.Adjusted {
			positions = append(positions, p)
		}
		sort.Ints(positions)
		for _, p := range positions {
			field := "adjusted_" + strconv.Itoa(p)
			i := lineAt(lines, p)
			if i < 0 {
				fields[field] = "There is no such line in this amendment: reload the page."
				continue
			}
			c, err := money.Parse(in.Adjusted[p])
			if err != nil {
				fields[field] = lines[i].Category + ": " + err.Error()
				continue
			}
			if c != lines[i].ProposedCents {
				lines[i].ProposedCents = c
				adjusted = append(adjusted, lineValue(lines[i]))
				adjustedAt = append(adjustedAt, p)
			}
		}
		if len(adjusted) == 0 && len(fields) == 0 {
			fields["decision"] = "Change the amount of at least one line to approve with adjusted amounts, or choose Approve."
		}
	case DecisionReturned:
		if comment == "" {
			fields["comment"] = "Say what the program should change: the comment is required to return an amendment."
		}
	case DecisionDenied:
		if comment == "" {
			fields["comment"] = "Say why the amendment is denied: the comment is required to deny it."
		}
	default:
		fields["decision"] = "Choose a decision: approve, approve with adjusted amounts, return for changes, or deny."
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}

	now := s.now().UTC().Truncate(time.Microsecond)
	d := &Decision{ID: database.NewID(), AmendmentID: a.ID, Version: a.Version, Step: a.Step, StepName: st.Name,
		Decision: in.Decision, Comment: comment, Adjusted: adjusted, DecidedBy: sc.UserID, DecidedAt: now}
	if d.Adjusted == nil {
		d.Adjusted = []LineValue{}
	}
	m := steps.Move{
		ID: a.ID, From: StatusSubmitted,
		Expect: []steps.Cond{steps.C("am.version = ?", a.Version), steps.C("am.step = ?", a.Step)},
		Set:    []steps.Cond{steps.C("updated_at = ?", now)},
		Detail: a.Title() + ", " + st.Name,
	}
	var after func(ctx context.Context)
	last := a.Step == len(a.Steps)-1
	// res is the amendment as the move leaves it, returned without reading it again.
	res := *a
	res.Lines, res.UpdatedAt = lines, now
	switch in.Decision {
	case DecisionApproved, DecisionAdjusted:
		m.Action = "amendment.approve_step"
		if last {
			m.To, m.Action = StatusApproved, "amendment.approve"
			m.Set = append(m.Set, steps.C("decided_at = ?", now), steps.C("waiting_on = ''"))
			res.Status, res.DecidedAt, res.WaitingOn = StatusApproved, &now, ""
			after = func(ctx context.Context) {
				_ = s.enqueue(ctx, TaskApply, TaskPayload{Tenant: jobs.Tenant{TenantID: sc.TenantID}, AmendmentID: a.ID, Version: a.Version})
			}
		} else {
			next := a.Step + 1
			tn, err := s.programs.Tenant(ctx)
			if err != nil {
				return nil, err
			}
			due := tn.Local(now).AddDate(0, 0, responseDays(a.Steps[next])).Format(time.DateOnly)
			m.To = StatusSubmitted
			m.Set = append(m.Set, steps.C("step = ?", next), steps.C("waiting_on = ?", WaitingOn(a, a.Steps[next])),
				steps.C("step_opened_at = ?", now), steps.C("step_due_on = ?", due), steps.C("overdue = ?", false))
			res.Step, res.WaitingOn, res.StepOpenedAt, res.StepDueOn, res.Overdue = next, WaitingOn(a, a.Steps[next]), &now, due, false
			after = func(ctx context.Context) {
				_ = s.enqueue(ctx, TaskStepOpened, TaskPayload{Tenant: jobs.Tenant{TenantID: sc.TenantID}, AmendmentID: a.ID, Version: a.Version, Step: next})
			}
		}
		if in.Decision == DecisionAdjusted {
			m.Action = "amendment.adjust"
			var total money.Cents
			for _, l := range lines {
				total += l.ProposedCents
			}
			m.Set = append(m.Set, steps.C("after_cents = ?", total))
			res.AfterCents = total
		}
	case DecisionReturned:
		m.To, m.Action = StatusReturned, "amendment.return"
		m.Set = append(m.Set, steps.C("waiting_on = ''"))
		res.Status, res.WaitingOn = StatusReturned, ""
	case DecisionDenied:
		m.To, m.Action = StatusDenied, "amendment.deny"
		m.Set = append(m.Set, steps.C("decided_at = ?", now), steps.C("waiting_on = ''"))
		res.Status, res.DecidedAt, res.WaitingOn = StatusDenied, &now, ""
	}
	m.History = &MoveRow{ID: database.NewID(), AmendmentID: a.ID, FromStatus: StatusSubmitted, ToStatus: m.To,
		Version: a.Version, Step: a.Step, Note: st.Name + ": " + DecisionLabel(in.Decision), MovedBy: sc.UserID, CreatedAt: now}
	m.Within = func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(d).Exec(ctx); err != nil {
			if database.IsUniqueViolation(err) {
				return apperr.Errorf(apperr.ECONFLICT, "%s", flow.Conflict)
			}
			return err
		}
		for i, v := range adjusted {
			if _, err := t.Update((*Line)(nil)).Set("proposed_cents = ?", v.ProposedCents).
				Where("al.amendment_id = ?", a.ID).Where("al.position = ?", adjustedAt[i]).Exec(ctx); err != nil {
				return err
			}
		}
		if comment != "" {
			c := &Comment{ID: database.NewID(), AmendmentID: a.ID, AuthorID: sc.UserID, Body: comment, CreatedAt: now}
			if _, err := t.Insert(c).Exec(ctx); err != nil {
				return err
			}
		}
		if m.To == StatusReturned || m.To == StatusDenied {
			if err := s.programs.ReleaseBudget(ctx, a.FundingID, a.ID); err != nil {
				return err
			}
		}
		return nil
	}
	m.After = after
	if err := flow.Apply(ctx, s.db, s.audit, m); err != nil {
		if apperr.Code(err) == apperr.ECONFLICT {
			return nil, s.conflict(ctx, id, in.Version, in.Step)
		}
		return nil, err
	}
	return &res, nil
}

// responseDays is a step's time to respond, DefaultResponseDays when it has none.
func responseDays(st StepSnapshot) int {
	if st.ResponseDays > 0 {
		return st.ResponseDays
	}
	return DefaultResponseDays
}

// lineAt is the index of the line at position p, or -1.
func lineAt(lines []Line, p int) int {
	for i := range lines {
		if lines[i].Position == p {
			return i
		}
	}
	return -1
}

func lineValue(l Line) LineValue {
	return LineValue{BudgetLineID: l.BudgetLineID, Category: l.Category, CurrentCents: l.CurrentCents,
		ProposedCents: l.ProposedCents, Justification: l.Justification}
}

// refuse records a refused decision in the audit log (outside any transaction of the
// decision, which is not taken) and returns the refusal.
func (s *Service) refuse(ctx context.Context, a *Amendment, st *StepSnapshot, msg string) error {
	if err := s.audit.Record(ctx, "amendment.refused", "amendment", a.ID, a.Title()+", "+st.Name+": "+msg); err != nil {
		return err
	}
	return apperr.Errorf(apperr.EFORBIDDEN, "%s", msg)
}

// conflict is the ECONFLICT for a decision on version v, step st that the amendment has moved
// past, saying what happened.
func (s *Service) conflict(ctx context.Context, id string, v, st int) error {
	msg := s.whatHappened(ctx, id, v, st)
	return apperr.Errorf(apperr.ECONFLICT, "%s", msg)
}

func (s *Service) whatHappened(ctx context.Context, id string, v, st int) string {
	generic := flow.Conflict
	a, err := s.Amendment(ctx, id)
	if err != nil {
		return generic
	}
	on := func(t time.Time) string {
		if tn, err := s.programs.Tenant(ctx); err == nil {
			t = tn.Local(t)
		}
		return t.Format("Jan 2, 2006")
	}
	ds, err := s.Decisions(ctx, id)
	if err != nil {
		return generic
	}
	for i := len(ds) - 1; i >= 0; i-- {
		if d := ds[i]; d.Version == v && d.Step == st {
			return "Someone else decided this step first: " + d.Label() + " by " + nameOr(d.DeciderName) + " on " + on(d.DecidedAt) + "."
		}
	}
	switch {
	case a.Status == StatusWithdrawn:
		return "The program withdrew this amendment" + movedOn(ctx, s, id, StatusWithdrawn, on) + ": there is nothing to decide."
	case a.Version > v:
		return "The program has submitted a new version (version " + itoa(a.Version) + ") since you opened the page: reload it to decide the new version."
	case a.Status == StatusSubmitted && a.Step != st:
		if len(ds) > 0 {
			d := ds[len(ds)-1]
			return "This step was decided while you were looking: " + d.Label() + " by " + nameOr(d.DeciderName) + " on " + on(d.DecidedAt) + ". Reload the page."
		}
	case a.Status != StatusSubmitted:
		return a.Title() + " is no longer waiting for a decision (" + StatusLabel(a.Status) + "). Reload the page to see what happened."
	}
	return generic
}

// movedOn is " on <date>" of the amendment's last move to status, or "".
func movedOn(ctx context.Context, s *Service, id, status string, on func(time.Time) string) string {
	ms, err := s.Moves(ctx, id)
	if err != nil {
		return ""
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].ToStatus == status {
			return " on " + on(ms[i].CreatedAt)
		}
	}
	return ""
}

func nameOr(n string) string {
	if n == "" {
		return "someone"
	}
	return n
}

// Decisions lists the decisions on amendment amendmentID (every version), oldest first, with
// the deciders' names.
func (s *Service) Decisions(ctx context.Context, amendmentID string) ([]Decision, error) {
	if _, err := s.visibleID(ctx, amendmentID); err != nil {
		return nil, err
	}
	return s.decisions(ctx, amendmentID)
}

// decisions reads them for an amendment already seen to be visible.
func (s *Service) decisions(ctx context.Context, amendmentID string) ([]Decision, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []Decision
	err = t.Select(&out).ColumnExpr("ad.*").ColumnExpr("COALESCE(u.name, '') AS decider_name").
		Join("LEFT JOIN users AS u ON u.id = ad.decided_by").
		Where("ad.amendment_id = ?", amendmentID).OrderExpr("ad.decided_at, ad.version, ad.step").Scan(ctx)
	return out, err
}

// Versions lists the versions of amendment amendmentID, oldest first.
func (s *Service) Versions(ctx context.Context, amendmentID string) ([]Version, error) {
	if _, err := s.visibleID(ctx, amendmentID); err != nil {
		return nil, err
	}
	return s.versions(ctx, amendmentID)
}

// versions reads them for an amendment already seen to be visible.
func (s *Service) versions(ctx context.Context, amendmentID string) ([]Version, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []Version
	err = t.Select(&out).Where("av.amendment_id = ?", amendmentID).OrderExpr("av.number").Scan(ctx)
	return out, err
}

// Moves is the amendment's history (every change of status and every step approved), oldest
// first, with who moved it.
func (s *Service) Moves(ctx context.Context, amendmentID string) ([]MoveRow, error) {
	if _, err := s.visibleID(ctx, amendmentID); err != nil {
		return nil, err
	}
	return s.moves(ctx, amendmentID)
}

// moves reads them for an amendment already seen to be visible.
func (s *Service) moves(ctx context.Context, amendmentID string) ([]MoveRow, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []MoveRow
	err = t.Select(&out).ColumnExpr("amv.*").ColumnExpr("COALESCE(u.name, '') AS mover_name").
		Join("LEFT JOIN users AS u ON u.id = amv.moved_by").
		Where("amv.amendment_id = ?", amendmentID).OrderExpr("amv.created_at, amv.id").Scan(ctx)
	return out, err
}

// Comments is the amendment's thread, oldest first, with the authors' names.
func (s *Service) Comments(ctx context.Context, amendmentID string) ([]Comment, error) {
	if _, err := s.visibleID(ctx, amendmentID); err != nil {
		return nil, err
	}
	return s.comments(ctx, amendmentID)
}

// comments reads them for an amendment already seen to be visible.
func (s *Service) comments(ctx context.Context, amendmentID string) ([]Comment, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []Comment
	err = t.Select(&out).ColumnExpr("ac.*").ColumnExpr("COALESCE(u.name, '') AS author_name").
		Join("LEFT JOIN users AS u ON u.id = ac.author_id").
		Where("ac.amendment_id = ?", amendmentID).OrderExpr("ac.created_at, ac.id").Scan(ctx)
	return out, err
}

// AddComment adds the person's message to the amendment's thread, which both sides read.
// Errors: ENOTFOUND for an amendment the person may not see; EINVALID naming "comment".
func (s *Service) AddComment(ctx context.Context, amendmentID, body string) (*Comment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.visibleID(ctx, amendmentID)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return nil, apperr.Invalid(map[string]string{"comment": "Write the comment."})
	case n > MaxComment:
		return nil, apperr.Invalid(map[string]string{"comment": "Use at most 5,000 characters (this is " + strconv.Itoa(n) + ")."})
	}
	c := &Comment{ID: database.NewID(), AmendmentID: a.ID, AuthorID: sc.UserID, Body: body, CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(c).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "amendment.comment", "amendment", a.ID, a.Title())
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Line states in a diff of current against proposed.
const (
	LineNew       = "new"
	LineChanged   = "changed"
	LineRemoved   = "removed"
	LineUnchanged = "unchanged"
)

// LineDiff is one line of a proposal against the budget now: its state, and in plain words
// what changed since the previous version ("" when nothing did, or there is none).
type LineDiff struct {
	Category          string
	Current, Proposed money.Cents
	State             string // new|changed|removed|unchanged
	SincePrevious     string
}

// Change is the line's proposed change.
func (d LineDiff) Change() money.Cents { return d.Proposed - d.Current }

// StateLabel is the state in words.
func (d LineDiff) StateLabel() string {
	switch d.State {
	case LineNew:
		return "New line"
	case LineChanged:
		return "Changed"
	case LineRemoved:
		return "Removed"
	}
	return "Unchanged"
}

// lineKey names a line across versions: its budget line, or for a new line its category.
func lineKey(budgetLineID, category string) string {
	if budgetLineID != "" {
		return budgetLineID
	}
	return "new:" + strings.ToLower(strings.TrimSpace(category))
}

// Diff compares each line of a proposal (cur) with the budget now: a new line (not in the
// budget, proposed above zero), removed (an existing line proposed at zero), changed or
// unchanged; and, given the previous version, says per line what changed since it. A line of
// the previous version that the proposal no longer has comes last, as taken out.
func Diff(cur []Line, previous *Version) []LineDiff {
	prev := map[string]LineValue{}
	if previous != nil {
		for _, l := range previous.Lines {
			prev[lineKey(l.BudgetLineID, l.Category)] = l
		}
	}
	seen := map[string]bool{}
	out := make([]LineDiff, 0, len(cur))
	for _, l := range cur {
		d := LineDiff{Category: l.Category, Current: l.CurrentCents, Proposed: l.ProposedCents}
		switch {
		case l.IsNew() && l.ProposedCents > 0:
			d.State = LineNew
		case !l.IsNew() && l.ProposedCents == 0 && l.CurrentCents > 0:
			d.State = LineRemoved
		case l.ProposedCents != l.CurrentCents:
			d.State = LineChanged
		default:
			d.State = LineUnchanged
		}
		if previous != nil {
			k := lineKey(l.BudgetLineID, l.Category)
			seen[k] = true
			n := itoa(previous.Number)
			p, ok := prev[k]
			switch {
			case !ok && d.State != LineUnchanged:
				d.SincePrevious = "Added since version " + n + "."
			case !ok:
			case p.ProposedCents != l.ProposedCents && p.Justification != l.Justification:
				d.SincePrevious = "Was " + p.ProposedCents.String() + " in version " + n + "; the justification changed too."
			case p.ProposedCents != l.ProposedCents:
				d.SincePrevious = "Was " + p.ProposedCents.String() + " in version " + n + "."
			case p.Justification != l.Justification:
				d.SincePrevious = "The justification changed since version " + n + "."
			}
		}
		out = append(out, d)
	}
	if previous != nil {
		for _, p := range previous.Lines {
			k := lineKey(p.BudgetLineID, p.Category)
			if seen[k] {
				continue
			}
			seen[k] = true
			if p.ProposedCents == p.CurrentCents {
				continue // it proposed nothing then either
			}
			out = append(out, LineDiff{Category: p.Category, Current: p.CurrentCents, Proposed: p.CurrentCents, State: LineUnchanged,
				SincePrevious: "Taken out of the proposal since version " + itoa(previous.Number) + " (it proposed " + p.ProposedCents.String() + ")."})
		}
	}
	return out
}

// Adjustment is one line's amount changed by a decider who approved with adjusted amounts.
type Adjustment struct {
	Category string
	From, To money.Cents
	StepName string
	By       string
	On       time.Time
}

// Words says it as the program reads it: "adjusted from $9,000.00 to $8,000.00 by Fiscal office".
func (a Adjustment) Words() string {
	return "adjusted from " + a.From.String() + " to " + a.To.String() + " by " + a.StepName
}

// Adjustments lists, for version v, the amounts the deciders adjusted, in the order they did,
// each from what the line held just before (the version's amount, or an earlier adjustment's).
func Adjustments(v *Version, ds []Decision) []Adjustment {
	if v == nil {
		return nil
	}
	at := map[string]money.Cents{}
	for _, l := range v.Lines {
		at[lineKey(l.BudgetLineID, l.Category)] = l.ProposedCents
	}
	var out []Adjustment
	for _, d := range ds {
		if d.Version != v.Number || d.Decision != DecisionAdjusted {
			continue
		}
		for _, l := range d.Adjusted {
			k := lineKey(l.BudgetLineID, l.Category)
			out = append(out, Adjustment{Category: l.Category, From: at[k], To: l.ProposedCents, StepName: d.StepName, By: d.DeciderName, On: d.DecidedAt})
			at[k] = l.ProposedCents
		}
	}
	return out
}
