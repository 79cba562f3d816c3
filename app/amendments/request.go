package amendments

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/steps"
	"github.com/holdspace/holdspace/app/storage"
)

// The request: a program's people write a proposal on one of their program's fundings, save it
// as a draft (several may exist), submit it, and may withdraw it before the first decision.

// Limits on what a proposal holds.
const (
	MaxJustification     = 4000 // the whole amendment's justification
	MaxLineJustification = 500  // one line's
	MaxReason            = 1000 // why it was withdrawn
	// CategoryIECMHC is the budget category of I/ECMH consultation.
	CategoryIECMHC = programs.CategoryIECMHC
)

// SeedIECMHCFunded is seed 000's sentence on the funders that already pay for I/ECMHC.
const SeedIECMHCFunded = "Maternal, Infant, Early Childhood Home Visiting (MIECHV) and IDHS-DEC-funded home visiting and coordinated intake programs receive funding for I/ECMHC in their program budgets."

// Form field names of a proposal: the row i of the lines is line_id_i (the budget line, empty
// for a new line), line_category_i, line_proposed_i and line_justification_i.
const (
	FieldFunding       = "funding_id"
	FieldJustification = "justification"
	FieldEffectiveOn   = "effective_on"
	FieldLines         = "lines"
	FieldReason        = "reason"
	FieldFile          = "file"
)

// LineField is the form name of a field of the proposal's row i ("proposed" → line_proposed_3).
func LineField(what string, i int) string { return fmt.Sprintf("line_%s_%d", what, i) }

// LineInput is one row of the proposal as typed. Proposed is as typed ("12,500.00").
type LineInput struct {
	BudgetLineID, Category, Proposed, Justification string
}

// ProposalInput is the proposal form.
type ProposalInput struct {
	FundingID                  string
	Lines                      []LineInput
	Justification, EffectiveOn string
}

// Proposal is what the request page shows beside the form: the lines as read, the class and
// the rule behind it, the steps the amendment will go through, and any warning.
type Proposal struct {
	Funding    *programs.Funding
	Lines      []Line
	Class      Classification
	Steps      []StepSnapshot
	FunderName string
	Warnings   []string
	Categories []string // the categories a new line may have, in the order offered
}

// StepWords is one step with who decides it, for a sentence.
type StepWords struct {
	Name, Who string
	Days      int
}

// StepList is the steps with who decides each.
func (p *Proposal) StepList() []StepWords {
	out := make([]StepWords, len(p.Steps))
	for i, st := range p.Steps {
		out[i] = StepWords{Name: st.Name, Who: DeciderWords(st, p.FunderName), Days: st.ResponseDays}
	}
	return out
}

// ApprovedTotal is the funding's total now (the last approved budget).
func (p *Proposal) ApprovedTotal() money.Cents { return p.Class.Before }

// programSide refuses anyone but the people of the funding's program: a funding of another
// program is not found (its people never see it), and other roles are told who may.
func programSide(ctx context.Context, programID string) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	if sc.Role != authz.Program {
		return apperr.Errorf(apperr.EFORBIDDEN, "Only the program's own people propose, change, submit or withdraw its budget amendments.")
	}
	if sc.OrganisationID != programID {
		return apperr.NotFound("budget amendment")
	}
	return nil
}

// categoriesFor are the categories a new line of funding f may have: those it has no line of,
// with I/ECMH consultation first when it lacks one.
func categoriesFor(f *programs.Funding) []string {
	has := map[string]bool{}
	for _, l := range f.Lines {
		has[l.Category] = true
	}
	var out []string
	if !has[CategoryIECMHC] {
		out = append(out, CategoryIECMHC)
	}
	for _, c := range programs.BudgetCategories {
		if c != CategoryIECMHC && !has[c] {
			out = append(out, c)
		}
	}
	return out
}

// readLines reads the rows of a proposal against the funding's current budget. Every current
// line is in the result (a row left out stays as it is), in the budget's order, then the new
// lines in the order typed. A row that cannot be read keeps its current amount and puts a
// message on its field; a blank new row is skipped.
func readLines(f *programs.Funding, in []LineInput) ([]Line, map[string]string) {
	fields := map[string]string{}
	current := map[string]programs.BudgetLine{}
	categories := map[string]bool{}
	for _, l := range f.Lines {
		current[l.ID] = l
		categories[l.Category] = true
	}
	typed := map[string]Line{}
	var added []Line
	for i, row := range in {
		id, cat := strings.TrimSpace(row.BudgetLineID), strings.TrimSpace(row.Category)
		amount, why := strings.TrimSpace(row.Proposed), strings.TrimSpace(row.Justification)
		proposedField, justField := LineField("proposed", i), LineField("justification", i)
		if id == "" && cat == "" && amount == "" && why == "" {
			continue
		}
		var l Line
		if id != "" {
			bl, ok := current[id]
			if !ok {
				fields[proposedField] = "This line is no longer in the funding's budget: reload the page to see the budget as it is now."
				continue
			}
			if _, dup := typed[id]; dup {
				continue
			}
			l = Line{BudgetLineID: id, Category: bl.Category, CurrentCents: money.Cents(bl.AmountCents), ProposedCents: money.Cents(bl.AmountCents)}
			if amount == "" {
				fields[proposedField] = "Enter the proposed amount for " + bl.Category + " (0 removes the line)."
			} else if c, err := money.Parse(amount); err != nil {
				fields[proposedField] = bl.Category + ": " + err.Error()
			} else {
				l.ProposedCents = c
			}
		} else {
			catField := LineField("category", i)
			l = Line{Category: cat}
			switch {
			case !programs.IsBudgetCategory(cat):
				fields[catField] = "Choose the category of the new line from the list."
			case categories[cat]:
				fields[catField] = "The budget already has a " + cat + " line: change its amount instead of adding another."
			}
			categories[cat] = true
			what := cat
			if what == "" || fields[catField] != "" {
				what = "the new line"
			}
			if c, err := money.Parse(amount); err != nil {
				fields[proposedField] = "Amount of " + what + ": " + err.Error()
			} else if c == 0 {
				fields[proposedField] = "Enter an amount above zero for " + what + ", or leave the row empty."
			} else {
				l.ProposedCents = c
			}
		}
		l.Justification = why
		if n := utf8.RuneCountInString(why); n > MaxLineJustification {
			fields[justField] = fmt.Sprintf("Keep the justification of %s to %d characters (this has %d).", l.Category, MaxLineJustification, n)
		}
		if id != "" {
			typed[id] = l
		} else {
			added = append(added, l)
		}
	}
	var out []Line
	for _, bl := range f.Lines {
		if l, ok := typed[bl.ID]; ok {
			out = append(out, l)
			continue
		}
		out = append(out, Line{BudgetLineID: bl.ID, Category: bl.Category, CurrentCents: money.Cents(bl.AmountCents), ProposedCents: money.Cents(bl.AmountCents)})
	}
	out = append(out, added...)
	for i := range out {
		out[i].Position = i
	}
	return out, fields
}

// rowOf finds the form row of line l in the input (for a message on its field), or -1.
func rowOf(in []LineInput, l Line) int {
	for i, row := range in {
		if l.BudgetLineID != "" && strings.TrimSpace(row.BudgetLineID) == l.BudgetLineID {
			return i
		}
		if l.BudgetLineID == "" && strings.TrimSpace(row.BudgetLineID) == "" && strings.TrimSpace(row.Category) == l.Category {
			return i
		}
	}
	return -1
}

// checkText checks the whole amendment's justification and its effective date; forSubmit
// requires both.
func checkText(fields map[string]string, justification, effectiveOn string, forSubmit bool) (string, string) {
	justification = strings.TrimSpace(justification)
	if n := utf8.RuneCountInString(justification); n > MaxJustification {
		fields[FieldJustification] = fmt.Sprintf("Keep the justification to %s characters (this has %d).", "4,000", n)
	} else if justification == "" && forSubmit {
		fields[FieldJustification] = "Say why the budget should change: the justification of the whole amendment."
	}
	effectiveOn = strings.TrimSpace(effectiveOn)
	if effectiveOn != "" {
		if iso, ok := dates.ISO(effectiveOn); ok {
			effectiveOn = iso
		} else {
			fields[FieldEffectiveOn] = dates.Message("the date the change takes effect")
		}
	} else if forSubmit {
		fields[FieldEffectiveOn] = "Enter the date the change takes effect, as " + dates.Format + "."
	}
	return justification, effectiveOn
}

// requireLineReasons puts a message on each changed line without a justification.
func requireLineReasons(fields map[string]string, lines []Line, in []LineInput) {
	for _, l := range lines {
		if l.Change() == 0 || l.Justification != "" {
			continue
		}
		field := FieldLines
		if i := rowOf(in, l); i >= 0 {
			field = LineField("justification", i)
		}
		if fields[field] == "" {
			fields[field] = "Say why the " + l.Category + " line changes."
		}
	}
}

// warnings are what the proposal should know without being refused.
func warnings(f *programs.Funding, lines []Line) []string {
	var out []string
	if f.IECMHCFunded {
		for _, l := range lines {
			if l.IsNew() && l.Category == CategoryIECMHC && l.ProposedCents > 0 {
				out = append(out, "This funding already pays for I/ECMHC. Seed 000 (the Illinois I/ECMHC guidance): “"+SeedIECMHCFunded+"” Check with "+f.Funder()+" before adding an I/ECMH consultation line.")
				break
			}
		}
	}
	return out
}

// earlierMoved is what notice-only transfers have already moved on funding f since its budget
// was last approved. The rule: the budget was last approved by its newest budget version that
// did not come from a notice-only (recorded) amendment (the funding's first budget, a direct
// edit, or an approved amendment); every recorded amendment of the funding submitted after
// that version was made counts, whether or not its task has applied it yet. Amendment except
// is left out (the one being classified).
func (s *Service) earlierMoved(ctx context.Context, fundingID, except string) (money.Cents, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return 0, err
	}
	versions, err := s.programs.BudgetVersions(ctx, fundingID)
	if err != nil {
		return 0, err
	}
	var since time.Time
	if len(versions) > 0 {
		var ids []string
		for _, v := range versions {
			if v.AmendmentID != "" {
				ids = append(ids, v.AmendmentID)
			}
		}
		recorded := map[string]bool{}
		if len(ids) > 0 {
			var rec []string
			if err := t.Select((*Amendment)(nil)).Column("am.id").Where("am.id IN (?)", bun.In(ids)).
				Where("am.status = ?", StatusRecorded).Scan(ctx, &rec); err != nil {
				return 0, err
			}
			for _, id := range rec {
				recorded[id] = true
			}
		}
		for _, v := range versions {
			if v.AmendmentID == "" || !recorded[v.AmendmentID] {
				since = v.CreatedAt
				break
			}
		}
	}
	q := t.Select((*Amendment)(nil)).ColumnExpr("COALESCE(SUM(am.moved_cents), 0)").
		Where("am.funding_id = ? AND am.status = ? AND am.id <> ?", fundingID, StatusRecorded, except)
	if !since.IsZero() {
		q = q.Where("am.submitted_at > ?", since)
	}
	var sum int64
	if err := q.Scan(ctx, &sum); err != nil {
		return 0, err
	}
	return money.Cents(sum), nil
}

// proposal reads a proposal on funding f: its lines, class, steps and warnings, and the
// problems of its fields.
func (s *Service) proposal(ctx context.Context, f *programs.Funding, in ProposalInput, except string) (*Proposal, []Line, map[string]string, error) {
	process, rules, err := s.Process(ctx, f.FunderID)
	if err != nil {
		return nil, nil, nil, err
	}
	earlier, err := s.earlierMoved(ctx, f.ID, except)
	if err != nil {
		return nil, nil, nil, err
	}
	lines, fields := readLines(f, in.Lines)
	p := &Proposal{Funding: f, Lines: lines, Class: Classify(lines, rules, earlier), FunderName: f.Funder(),
		Warnings: warnings(f, lines), Categories: categoriesFor(f)}
	if p.Class.Class != ClassNotice {
		p.Steps = Snapshot(process)
	}
	return p, lines, fields, nil
}

// Preview reads a proposal as the person types it, and writes nothing: the lines, the class
// with the rule behind it, the steps it will go through with who decides each, and any
// warning. Field problems come back as a map (not an error) so the page shows them beside the
// summary. Errors: ENOTFOUND (the funding); EFORBIDDEN (not the program's people).
func (s *Service) Preview(ctx context.Context, in ProposalInput) (*Proposal, map[string]string, error) {
	f, err := s.programs.FundingByID(ctx, strings.TrimSpace(in.FundingID))
	if err != nil {
		return nil, nil, err
	}
	if err := programSide(ctx, f.ProgramID); err != nil {
		return nil, nil, err
	}
	p, _, fields, err := s.proposal(ctx, f, in, "")
	if err != nil {
		return nil, nil, err
	}
	checkText(fields, in.Justification, in.EffectiveOn, false)
	return p, fields, nil
}

// PreviewOf is Preview for a saved amendment (its funding, not the form's).
func (s *Service) PreviewOf(ctx context.Context, a *Amendment, in ProposalInput) (*Proposal, map[string]string, error) {
	in.FundingID = a.FundingID
	f, err := s.programs.FundingByID(ctx, a.FundingID)
	if err != nil {
		return nil, nil, err
	}
	p, _, fields, err := s.proposal(ctx, f, in, a.ID)
	if err != nil {
		return nil, nil, err
	}
	checkText(fields, in.Justification, in.EffectiveOn, false)
	return p, fields, nil
}

// nextNumber is the tenant's next amendment number.
func (s *Service) nextNumber(ctx context.Context, t database.Tenant) (int, error) {
	var n int
	err := t.Select((*Amendment)(nil)).ColumnExpr("COALESCE(MAX(am.number), 0) + 1").Scan(ctx, &n)
	return n, err
}

// replaceLines writes an amendment's lines anew.
func (s *Service) replaceLines(ctx context.Context, a *Amendment, lines []Line) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	if _, err := t.Delete((*Line)(nil)).Where("al.amendment_id = ?", a.ID).Exec(ctx); err != nil {
		return err
	}
	if len(lines) == 0 {
		return nil
	}
	ptrs := make([]*Line, len(lines))
	for i := range lines {
		lines[i].AmendmentID, lines[i].Position = a.ID, i
		ptrs[i] = &lines[i]
	}
	_, err = database.InsertMany(t, ptrs).Exec(ctx)
	return err
}

// editable loads an amendment the person in ctx may change: their program's, a draft or
// returned. Errors: ENOTFOUND; EFORBIDDEN; ECONFLICT (not a draft or returned).
func (s *Service) editable(ctx context.Context, id string) (*Amendment, error) {
	if !database.IsID(id) {
		return nil, apperr.NotFound("budget amendment")
	}
	a, err := s.Amendment(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := programSide(ctx, a.ProgramID); err != nil {
		return nil, err
	}
	if a.Status != StatusDraft && a.Status != StatusReturned {
		return a, apperr.Errorf(apperr.ECONFLICT, "%s is %s: it can no longer be changed.", a.Title(), strings.ToLower(a.StatusLabel()))
	}
	return a, nil
}

// SaveDraft saves a proposal as a draft: id "" starts a new one (numbered next in the tenant),
// else it changes a draft or a returned amendment. Amounts, categories and lengths are checked
// (each field named); the justifications and the date are required only to submit.
// Errors: ENOTFOUND; EFORBIDDEN; EINVALID; ECONFLICT (no longer a draft or returned).
func (s *Service) SaveDraft(ctx context.Context, id string, in ProposalInput) (*Amendment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	var a *Amendment
	if id != "" {
		if a, err = s.editable(ctx, id); err != nil {
			return nil, err
		}
		in.FundingID = a.FundingID
	}
	f, err := s.programs.FundingByID(ctx, strings.TrimSpace(in.FundingID))
	if err != nil {
		if apperr.Code(err) == apperr.ENOTFOUND && a == nil {
			return nil, apperr.NotFound("funding")
		}
		return nil, err
	}
	if err := programSide(ctx, f.ProgramID); err != nil {
		return nil, err
	}
	except := ""
	if a != nil {
		except = a.ID
	}
	p, lines, fields, err := s.proposal(ctx, f, in, except)
	if err != nil {
		return nil, err
	}
	justification, effectiveOn := checkText(fields, in.Justification, in.EffectiveOn, false)
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	class := p.Class
	now := database.Now()
	if a == nil {
		a = &Amendment{FundingID: f.ID, ProgramID: f.ProgramID, FunderID: f.FunderID, Status: StatusDraft, CreatedBy: sc.UserID, CreatedAt: now}
	}
	a.Class, a.BeforeCents, a.AfterCents, a.MovedCents = class.Class, class.Before, class.After, class.Moved
	a.Justification, a.EffectiveOn, a.UpdatedAt = justification, effectiveOn, now
	if a.ID == "" {
		err = s.createDraft(ctx, a, lines, f)
	} else {
		err = database.InTx(ctx, s.db, func(ctx context.Context) error {
			t, err := database.For(ctx, s.db)
			if err != nil {
				return err
			}
			res, err := t.Update(a).Column("class", "before_cents", "after_cents", "moved_cents", "justification", "effective_on", "updated_at").
				Where("am.id = ? AND am.status = ?", a.ID, a.Status).Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return apperr.Errorf(apperr.ECONFLICT, "%s", flow.Conflict)
			}
			if err := s.replaceLines(ctx, a, lines); err != nil {
				return err
			}
			return s.audit.Record(ctx, "amendment.update", "amendment", a.ID, draftDetail(a, f))
		})
	}
	if err != nil {
		return nil, err
	}
	a.Lines = lines
	a.FunderName, a.ProgramName, a.FiscalYear = f.Funder(), f.ProgramName, f.FiscalYear
	return a, nil
}

func draftDetail(a *Amendment, f *programs.Funding) string {
	return fmt.Sprintf("%s, %s %s: %s to %s (%s)", a.Title(), f.Funder(), f.FYLabel, a.BeforeCents, a.AfterCents, ClassLabel(a.Class))
}

// createDraft inserts a new draft numbered next in the tenant; two drafts started at once
// clash on the number's unique index, and the second tries again with the next.
func (s *Service) createDraft(ctx context.Context, a *Amendment, lines []Line, f *programs.Funding) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = database.InTx(ctx, s.db, func(ctx context.Context) error {
			t, err := database.For(ctx, s.db)
			if err != nil {
				return err
			}
			if a.Number, err = s.nextNumber(ctx, t); err != nil {
				return err
			}
			a.ID = database.NewID()
			if a.Steps == nil {
				a.Steps = []StepSnapshot{}
			}
			if _, err := t.Insert(a).Exec(ctx); err != nil {
				return err
			}
			if err := s.replaceLines(ctx, a, lines); err != nil {
				return err
			}
			return s.audit.Record(ctx, "amendment.create", "amendment", a.ID, draftDetail(a, f))
		})
		if !database.IsUniqueViolation(err) {
			return err
		}
		a.ID = ""
	}
	return err
}

// rebase sets the lines' current amounts to the funding's budget now (it may have changed
// since the draft was saved): a line is matched by its budget line, else by its category; a
// current line the amendment does not name is added unchanged; a line whose budget line is
// gone becomes a new line.
func rebase(f *programs.Funding, lines []Line) []Line {
	byID, byCat := map[string]programs.BudgetLine{}, map[string]programs.BudgetLine{}
	for _, bl := range f.Lines {
		byID[bl.ID], byCat[bl.Category] = bl, bl
	}
	used := map[string]bool{}
	var out []Line
	for _, l := range lines {
		bl, ok := byID[l.BudgetLineID]
		if !ok || l.BudgetLineID == "" {
			bl, ok = byCat[l.Category]
		}
		if ok && !used[bl.ID] {
			used[bl.ID] = true
			l.BudgetLineID, l.CurrentCents = bl.ID, money.Cents(bl.AmountCents)
		} else {
			l.BudgetLineID, l.CurrentCents = "", 0
		}
		out = append(out, l)
	}
	for _, bl := range f.Lines {
		if !used[bl.ID] {
			out = append(out, Line{BudgetLineID: bl.ID, Category: bl.Category, CurrentCents: money.Cents(bl.AmountCents), ProposedCents: money.Cents(bl.AmountCents)})
		}
	}
	for i := range out {
		out[i].Position = i
	}
	return out
}

// inputOf is an amendment's lines as a form would send them.
func inputOf(lines []Line) []LineInput {
	out := make([]LineInput, len(lines))
	for i, l := range lines {
		out[i] = LineInput{BudgetLineID: l.BudgetLineID, Category: l.Category, Proposed: l.ProposedCents.Input(), Justification: l.Justification}
	}
	return out
}

// InputOf is a saved amendment as its form shows it.
func InputOf(a *Amendment) ProposalInput {
	return ProposalInput{FundingID: a.FundingID, Lines: inputOf(a.Lines), Justification: a.Justification, EffectiveOn: a.EffectiveOn}
}

// holderMessage says which amendment holds the funding.
func (s *Service) holderMessage(ctx context.Context, holderID string) string {
	t, err := database.For(ctx, s.db)
	n := 0
	if err == nil {
		_ = t.Select((*Amendment)(nil)).Column("am.number").Where("am.id = ?", holderID).Limit(1).Scan(ctx, &n)
	}
	name := "another amendment"
	if n > 0 {
		name = "Amendment " + itoa(n)
	}
	return "Another amendment of this funding is waiting for a decision: " + name + ". Submit this one when it is decided."
}

// Submit sends a draft or a returned amendment on: it re-reads the funding's budget (the
// current amounts may have changed since the draft), classifies it under the funder's rules,
// and then, in one move, makes a new version. A notice-only transfer is recorded at once (and
// applied by a task); anything else waits on the first step of the funder's process, holding
// the funding so no other amendment is submitted on it meanwhile. A returned amendment
// submitted again restarts the steps.
//
// Errors: ENOTFOUND; EFORBIDDEN; EINVALID (each missing or bad field; "lines" for a proposal
// that changes nothing); ECONFLICT (another amendment holds the funding, the funder has no
// process yet, or it changed meanwhile).
func (s *Service) Submit(ctx context.Context, id string) (*Amendment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	f, err := s.programs.FundingByID(ctx, a.FundingID)
	if err != nil {
		return nil, err
	}
	process, rules, err := s.Process(ctx, a.FunderID)
	if err != nil {
		return nil, err
	}
	earlier, err := s.earlierMoved(ctx, f.ID, a.ID)
	if err != nil {
		return nil, err
	}
	lines := rebase(f, a.Lines)
	class := Classify(lines, rules, earlier)
	in := InputOf(&Amendment{Lines: lines})
	fields := map[string]string{}
	if class.Empty() {
		fields[FieldLines] = "Change at least one line."
	}
	requireLineReasons(fields, lines, in.Lines)
	checkText(fields, a.Justification, a.EffectiveOn, true)
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	snap := Snapshot(process)
	if class.Class != ClassNotice && len(snap) == 0 {
		return nil, apperr.Errorf(apperr.ECONFLICT, "%s has not set its amendment process yet, so this amendment cannot be submitted. "+
			"A tenant administrator (or %s's own people) sets the steps on the funder's amendment process page; ask them, then submit again.", f.Funder(), f.Funder())
	}
	if f.HeldBy != "" && f.HeldBy != a.ID {
		return nil, apperr.Errorf(apperr.ECONFLICT, "%s", s.holderMessage(ctx, f.HeldBy))
	}
	ten, err := s.orgs.TenantByID(ctx, sc.TenantID)
	if err != nil {
		return nil, err
	}
	now := database.Now()
	from, version := a.Status, a.Version+1
	values := make([]LineValue, len(lines))
	for i, l := range lines {
		values[i] = LineValue{BudgetLineID: l.BudgetLineID, Category: l.Category, CurrentCents: l.CurrentCents, ProposedCents: l.ProposedCents, Justification: l.Justification}
	}
	v := &Version{ID: database.NewID(), AmendmentID: a.ID, Number: version, Class: class.Class, Lines: values,
		Justification: a.Justification, EffectiveOn: a.EffectiveOn, SubmittedBy: sc.UserID, SubmittedAt: now}
	to, action, stepsJSON := StatusSubmitted, "amendment.submit", "[]"
	var waiting, dueOn string
	if class.Class == ClassNotice {
		to, action, snap = StatusRecorded, "amendment.record", []StepSnapshot{}
	} else {
		b, err := json.Marshal(snap)
		if err != nil {
			return nil, err
		}
		stepsJSON = string(b)
		a.FunderID = f.FunderID
		waiting = WaitingOn(a, snap[0])
		dueOn = ten.Local(s.now()).AddDate(0, 0, snap[0].ResponseDays).Format(time.DateOnly)
	}
	set := []steps.Cond{
		steps.C("version = ?", version), steps.C("class = ?", class.Class), steps.C("step = 0"), steps.C("steps = ?", stepsJSON),
		steps.C("waiting_on = ?", waiting), steps.C("step_due_on = ?", dueOn), steps.C("overdue = ?", false),
		steps.C("before_cents = ?", class.Before), steps.C("after_cents = ?", class.After), steps.C("moved_cents = ?", class.Moved),
		steps.C("submitted_at = ?", now), steps.C("updated_at = ?", now),
	}
	if to == StatusSubmitted {
		set = append(set, steps.C("step_opened_at = ?", now))
	} else {
		set = append(set, steps.C("step_opened_at = NULL"), steps.C("decided_at = ?", now))
	}
	tenantID, amendmentID := sc.TenantID, a.ID
	err = flow.Apply(ctx, s.db, s.audit, steps.Move{
		ID: a.ID, From: from, To: to,
		Expect: []steps.Cond{steps.C("am.version = ?", a.Version)},
		Set:    set,
		History: &MoveRow{ID: database.NewID(), AmendmentID: a.ID, FromStatus: from, ToStatus: to, Version: version,
			MovedBy: sc.UserID, CreatedAt: now, Note: class.Rule},
		Action: action, Detail: fmt.Sprintf("%s, version %d, %s: %s to %s (%s)", a.Title(), version, f.Funder(), class.Before, class.After, ClassLabel(class.Class)),
		Within: func(ctx context.Context) error {
			if to == StatusSubmitted {
				if err := s.programs.HoldBudget(ctx, f.ID, a.ID); err != nil {
					if apperr.Code(err) == apperr.ECONFLICT {
						held, _ := s.programs.FundingByID(ctx, f.ID)
						holder := ""
						if held != nil {
							holder = held.HeldBy
						}
						return apperr.Errorf(apperr.ECONFLICT, "%s", s.holderMessage(ctx, holder))
					}
					return err
				}
			}
			t, err := database.For(ctx, s.db)
			if err != nil {
				return err
			}
			if _, err := t.Insert(v).Exec(ctx); err != nil {
				return err
			}
			return s.replaceLines(ctx, a, lines)
		},
		After: func(ctx context.Context) {
			p := TaskPayload{AmendmentID: amendmentID, Version: version}
			p.TenantID = tenantID
			typ := TaskStepOpened
			if to == StatusRecorded {
				typ = TaskApply
			}
			// The sweep finds a step whose email never went out; a failed enqueue is not the
			// person's error.
			_ = s.enqueue(context.WithoutCancel(ctx), typ, p)
		},
	})
	if err != nil {
		return nil, err
	}
	return s.Amendment(ctx, a.ID)
}

// Withdraw takes an amendment back: a draft or a returned one, or a submitted one on whose
// current version no step has decided yet (then the funding is let go). Errors: ENOTFOUND;
// EFORBIDDEN; EINVALID (the reason too long); ECONFLICT (decided, or changed meanwhile).
func (s *Service) Withdraw(ctx context.Context, id string, reason string) (*Amendment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("budget amendment")
	}
	a, err := s.Amendment(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := programSide(ctx, a.ProgramID); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n > MaxReason {
		return nil, apperr.Invalid(map[string]string{FieldReason: fmt.Sprintf("Keep the reason to %s characters (this has %d).", "1,000", n)})
	}
	decided := apperr.Errorf(apperr.ECONFLICT, "%s has a decision already: it can no longer be withdrawn.", a.Title())
	switch a.Status {
	case StatusDraft, StatusReturned, StatusSubmitted:
	default:
		return nil, apperr.Errorf(apperr.ECONFLICT, "%s is %s: it can no longer be withdrawn.", a.Title(), strings.ToLower(a.StatusLabel()))
	}
	now := database.Now()
	from := a.Status
	err = flow.Apply(ctx, s.db, s.audit, steps.Move{
		ID: a.ID, From: from, To: StatusWithdrawn,
		Expect: []steps.Cond{steps.C("am.version = ?", a.Version), steps.C("am.step = ?", a.Step)},
		Set:    []steps.Cond{steps.C("waiting_on = ''"), steps.C("updated_at = ?", now)},
		History: &MoveRow{ID: database.NewID(), AmendmentID: a.ID, FromStatus: from, ToStatus: StatusWithdrawn, Version: a.Version,
			Step: a.Step, Note: reason, MovedBy: sc.UserID, CreatedAt: now},
		Action: "amendment.withdraw", Detail: a.Title() + withdrawDetail(reason),
		Within: func(ctx context.Context) error {
			if from != StatusSubmitted {
				return nil
			}
			t, err := database.For(ctx, s.db)
			if err != nil {
				return err
			}
			n, err := t.Select((*Decision)(nil)).Where("ad.amendment_id = ? AND ad.version = ?", a.ID, a.Version).Count(ctx)
			if err != nil {
				return err
			}
			if n > 0 {
				return decided
			}
			return s.programs.ReleaseBudget(ctx, a.FundingID, a.ID)
		},
	})
	if err != nil {
		if apperr.Code(err) == apperr.ECONFLICT && from == StatusSubmitted && apperr.Message(err) == flow.Conflict {
			return nil, decided
		}
		return nil, err
	}
	return s.Amendment(ctx, a.ID)
}

func withdrawDetail(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

// AddAttachment adds a file to a draft or returned amendment of the person's program: the
// registry's content checks (at most 10 MB; a PDF, PNG, JPEG or DOCX by its bytes and its
// name) and its storage. Errors are on the field "file"; ENOTFOUND; EFORBIDDEN; ECONFLICT.
func (s *Service) AddAttachment(ctx context.Context, id, name string, body io.Reader) (*Attachment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.editable(ctx, id)
	if err != nil {
		return nil, err
	}
	doc, err := storage.ReadDocument(FieldFile, name, body)
	if err != nil {
		return nil, err
	}
	at := &Attachment{ID: database.NewID(), AmendmentID: a.ID, FileName: doc.Name, ContentType: doc.ContentType,
		SizeBytes: int64(len(doc.Data)), UploadedBy: sc.UserID, CreatedAt: database.Now()}
	at.StorageKey = sc.TenantID + "/amendments/" + a.ID + "/" + at.ID
	if err := s.files.Put(ctx, at.StorageKey, bytes.NewReader(doc.Data), at.SizeBytes, at.ContentType); err != nil {
		return nil, err
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(at).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "amendment_attachment.upload", "amendment_attachment", at.ID, a.Title()+": "+at.FileName)
	})
	if err != nil {
		_ = s.files.Delete(context.WithoutCancel(ctx), at.StorageKey)
		return nil, err
	}
	return at, nil
}

// Attachments lists an amendment's files, oldest first, if the person may see the amendment.
func (s *Service) Attachments(ctx context.Context, amendmentID string) ([]Attachment, error) {
	if !database.IsID(amendmentID) {
		return nil, apperr.NotFound("budget amendment")
	}
	if _, err := s.Amendment(ctx, amendmentID); err != nil {
		return nil, err
	}
	return s.attachments(ctx, amendmentID)
}

func (s *Service) attachments(ctx context.Context, amendmentID string) ([]Attachment, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Attachment
	err = t.Select(&list).Where("aa.amendment_id = ?", amendmentID).OrderExpr("aa.created_at, aa.id").Scan(ctx)
	return list, err
}

// OpenAttachment opens one of an amendment's files for the person who may see the amendment;
// the read is in the audit log. The caller closes the reader. Errors: ENOTFOUND.
func (s *Service) OpenAttachment(ctx context.Context, amendmentID, attachmentID string) (*Attachment, io.ReadCloser, error) {
	if !database.IsID(amendmentID) || !database.IsID(attachmentID) {
		return nil, nil, apperr.NotFound("attachment")
	}
	a, err := s.Amendment(ctx, amendmentID)
	if err != nil {
		return nil, nil, err
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, nil, err
	}
	at := new(Attachment)
	if err := t.Select(at).Where("aa.amendment_id = ? AND aa.id = ?", a.ID, attachmentID).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, apperr.NotFound("attachment")
		}
		return nil, nil, err
	}
	rc, err := s.files.Get(ctx, at.StorageKey)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, apperr.NotFound("attachment")
	} else if err != nil {
		return nil, nil, err
	}
	if err := s.audit.Record(ctx, "amendment_attachment.read", "amendment_attachment", at.ID, a.Title()+": "+at.FileName); err != nil {
		rc.Close()
		return nil, nil, err
	}
	return at, rc, nil
}

// NetLabel is the change of the total with its sign: "+$1,000.00", "-$500.00", "$0.00".
func NetLabel(c money.Cents) string {
	if c > 0 {
		return "+" + c.String()
	}
	return c.String()
}

// NetLabel is the proposal's change of the total with its sign.
func (p *Proposal) NetLabel() string { return NetLabel(p.Class.Net()) }

// NetLabel is the amendment's change of the total with its sign.
func (a *Amendment) NetLabel() string { return NetLabel(a.Net()) }
