package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
)

// Budget versions: every budget a funding has had.
//
// Every write of a funding's budget lines goes through apply (ApplyBudget for app/amendments,
// AddFunding, UpdateFunding and AddFundings for the CSV import): it writes the next version and
// makes the budget lines the version's lines, in one transaction. A funding whose budget was set
// before versions were kept has none: its current lines are shown as its first version
// (History), and the first write stores that first version before the new one (backfill), so
// the history is never rewritten and never claims to know who set the old budget.

// Reasons of the versions Holdspace writes itself.
const (
	ReasonSetUp    = "Set up"
	ReasonEdited   = "Edited directly"
	ReasonImported = "Imported from a CSV file"
	ReasonBefore   = "Budget as it was before its history was kept"
	ReasonAmended  = "Budget amendment"
	maxReason      = 500
)

// HeldMessage is what a direct edit of a held budget is told.
const HeldMessage = "An amendment of this budget is waiting for a decision; the budget changes when it is decided."

// OtherHoldMessage is what holding a budget another amendment holds is told.
const OtherHoldMessage = "Another amendment of this budget is waiting for a decision."

// ---- Store ----

// fundingAny returns a funding of the tenant, with its lines, whoever asks (the services'
// own reads, after their callers checked who may act).
func (s *Store) fundingAny(ctx context.Context, fundingID string) (*Funding, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(fundingID) {
		return nil, apperr.NotFound("funding")
	}
	f := new(Funding)
	if err := t.Select(f).Apply(fundingColumns).Where("f.id = ?", fundingID).Scan(ctx); err != nil {
		return nil, notFound(err, "funding")
	}
	list := []Funding{*f}
	if err := s.loadLines(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// FundingVisible returns a funding the caller may see, with its lines, whatever its program.
// Errors: ENOTFOUND.
func (s *Store) FundingVisible(ctx context.Context, fundingID string) (*Funding, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(fundingID) {
		return nil, apperr.NotFound("funding")
	}
	f := new(Funding)
	if err := t.Select(f).Apply(fundingColumns).Apply(fundingsVisible(sc)).Where("f.id = ?", fundingID).Scan(ctx); err != nil {
		return nil, notFound(err, "funding")
	}
	list := []Funding{*f}
	if err := s.loadLines(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// lockFunding takes the funding's row for the rest of the transaction (an UPDATE that changes
// nothing: PostgreSQL locks the row, SQLite's transactions are serial already), so two budget
// writes on one funding follow each other. With unheld, only a funding no amendment holds is
// taken. It reports whether it took the row.
func (s *Store) lockFunding(ctx context.Context, fundingID string, unheld bool) (bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return false, err
	}
	q := t.Update((*Funding)(nil)).Set("held_by = held_by").Where("f.id = ?", fundingID)
	if unheld {
		q = q.Where("f.held_by = ''")
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// VersionByAmendment returns the budget version an amendment made, or nil.
func (s *Store) VersionByAmendment(ctx context.Context, amendmentID string) (*BudgetVersion, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	v := new(BudgetVersion)
	err = t.Select(v).Where("bv.amendment_id = ?", amendmentID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v.Recorded = true
	return v, nil
}

// lastVersion returns the funding's newest version, or nil.
func (s *Store) lastVersion(ctx context.Context, fundingID string) (*BudgetVersion, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	v := new(BudgetVersion)
	err = t.Select(v).Where("bv.funding_id = ?", fundingID).OrderExpr("bv.number DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return v, err
}

// Versions lists a funding's stored versions, newest first, with the names of who made them.
func (s *Store) Versions(ctx context.Context, fundingID string) ([]BudgetVersion, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []BudgetVersion
	err = t.Select(&list).ColumnExpr("bv.*, COALESCE(u.name, '') AS creator_name").
		Join("LEFT JOIN users AS u ON u.id = bv.created_by").
		Where("bv.funding_id = ?", fundingID).OrderExpr("bv.number DESC").Scan(ctx)
	for i := range list {
		list[i].Recorded = true
	}
	return list, err
}

func (s *Store) insertVersions(ctx context.Context, vs []*BudgetVersion) error {
	if len(vs) == 0 {
		return nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	_, err = database.InsertMany(t, vs).Exec(ctx)
	return err
}

// syncLines makes the funding's budget lines these: a category it keeps keeps its line (its
// id, which an amendment's lines name) with the new amount and place; the others are removed
// or added.
func (s *Store) syncLines(ctx context.Context, f *Funding, lines []VersionLine) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	have := make(map[string]BudgetLine, len(f.Lines))
	for _, l := range f.Lines {
		have[l.Category] = l
	}
	out := make([]BudgetLine, len(lines))
	var add []*BudgetLine
	keep := map[string]bool{}
	for i, l := range lines {
		out[i] = BudgetLine{FundingID: f.ID, Category: l.Category, AmountCents: int64(l.AmountCents), Position: i}
		if old, ok := have[l.Category]; ok && !keep[old.ID] {
			keep[old.ID] = true
			out[i].ID, out[i].TenantID = old.ID, old.TenantID
			if old.AmountCents != out[i].AmountCents || old.Position != i {
				if _, err := t.Update(&out[i]).Column("amount_cents", "position").Where("bl.id = ?", old.ID).Exec(ctx); err != nil {
					return err
				}
			}
			continue
		}
		out[i].ID = database.NewID()
		add = append(add, &out[i])
	}
	var drop []string
	for _, l := range f.Lines {
		if !keep[l.ID] {
			drop = append(drop, l.ID)
		}
	}
	if len(drop) > 0 {
		if _, err := t.Delete((*BudgetLine)(nil)).Where("bl.funding_id = ? AND bl.id IN (?)", f.ID, bun.In(drop)).Exec(ctx); err != nil {
			return err
		}
	}
	if len(add) > 0 {
		if _, err := database.InsertMany(t, add).Exec(ctx); err != nil {
			return err
		}
	}
	f.Lines = out
	return nil
}

// budgetWritten stamps the funding as changed and lets go of the hold of amendmentID.
func (s *Store) budgetWritten(ctx context.Context, f *Funding, amendmentID string) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	f.UpdatedAt = database.Now()
	q := t.Update((*Funding)(nil)).Set("updated_at = ?", f.UpdatedAt).Where("f.id = ?", f.ID)
	if amendmentID != "" && f.HeldBy == amendmentID {
		q = q.Set("held_by = ''")
		f.HeldBy = ""
	}
	_, err = q.Exec(ctx)
	return err
}

// hold sets held_by to amendmentID where it is empty or already that, and reports whether it did.
func (s *Store) hold(ctx context.Context, fundingID, amendmentID string) (bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return false, err
	}
	res, err := t.Update((*Funding)(nil)).Set("held_by = ?", amendmentID).
		Where("f.id = ? AND f.held_by IN ('', ?)", fundingID, amendmentID).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// release empties held_by where it is amendmentID, and reports whether it did.
func (s *Store) release(ctx context.Context, fundingID, amendmentID string) (bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return false, err
	}
	res, err := t.Update((*Funding)(nil)).Set("held_by = ''").
		Where("f.id = ? AND f.held_by = ?", fundingID, amendmentID).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ---- Service ----

// fiscalYearStart is the first day (YYYY-MM-DD) of the funding's fiscal year, on its funder's
// calendar: FY 2025–26 on a July calendar starts on 2025-07-01.
func fiscalYearStart(t *tenants.Tenant, f *Funding) string {
	k, _ := Known(t, &tenants.Organisation{Name: f.FunderName, ShortName: f.FunderShort})
	m := StartMonth(t, k.Calendar)
	if m <= 1 || m > 12 {
		return fmt.Sprintf("%04d-01-01", f.FiscalYear)
	}
	return fmt.Sprintf("%04d-%02d-01", f.FiscalYear-1, m)
}

// today is the date in the tenant's time zone.
func (s *Service) today(t *tenants.Tenant) string { return t.Local(s.now()).Format(time.DateOnly) }

// checkVersionLines checks a budget's lines and drops those at 0.
func checkVersionLines(in []VersionLine) ([]VersionLine, error) {
	if len(in) > MaxLines {
		return nil, apperr.Invalid(map[string]string{"lines": fmt.Sprintf("A funding has at most %d budget lines.", MaxLines)})
	}
	out := make([]VersionLine, 0, len(in))
	seen := map[string]bool{}
	for _, l := range in {
		switch {
		case !IsBudgetCategory(l.Category):
			return nil, apperr.Invalid(map[string]string{"lines": fmt.Sprintf("“%s” is not a budget category.", l.Category)})
		case seen[l.Category]:
			return nil, apperr.Invalid(map[string]string{"lines": fmt.Sprintf("%s is on two lines: put its whole amount on one.", l.Category)})
		case l.AmountCents < 0 || l.AmountCents > money.Max:
			return nil, apperr.Invalid(map[string]string{"lines": fmt.Sprintf("The amount of %s is out of range.", l.Category)})
		}
		seen[l.Category] = true
		if l.AmountCents > 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

func sameLines(a, b []VersionLine) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func totalOf(lines []VersionLine) money.Cents {
	var n money.Cents
	for _, l := range lines {
		n += l.AmountCents
	}
	return n
}

// heldError is the refusal of a direct edit of a budget an amendment holds.
func heldError() error {
	return &apperr.Error{Code: apperr.ECONFLICT, Message: HeldMessage, Fields: map[string]string{"lines": HeldMessage}}
}

// actorID is who is acting: the person of the scope, else the audit actor (a task acting for
// someone), else "".
func actorID(ctx context.Context) string {
	if sc, err := database.ScopeFrom(ctx); err == nil && sc.UserID != "" {
		return sc.UserID
	}
	return audit.ActorFrom(ctx).ID
}

// apply writes the funding's next budget version and makes its lines the version's lines. It
// runs in ctx's transaction (the callers open one) and reports whether it wrote anything: an
// amendment's version that exists already is returned as it is. With unheld, a funding an
// amendment holds is refused (a direct edit).
func (s *Service) apply(ctx context.Context, ch BudgetChange, unheld bool) (*BudgetVersion, *Funding, bool, error) {
	lines, err := checkVersionLines(ch.Lines)
	if err != nil {
		return nil, nil, false, err
	}
	ch.Reason = strings.Join(strings.Fields(ch.Reason), " ")
	if ch.Reason == "" {
		ch.Reason = ReasonEdited
		if ch.AmendmentID != "" {
			ch.Reason = ReasonAmended
		}
	}
	if utf8.RuneCountInString(ch.Reason) > maxReason {
		return nil, nil, false, apperr.Invalid(map[string]string{"reason": fmt.Sprintf("Use at most %d characters for the reason.", maxReason)})
	}
	t, err := s.Tenant(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	if ch.EffectiveOn == "" {
		ch.EffectiveOn = s.today(t)
	} else if _, err := time.Parse(time.DateOnly, ch.EffectiveOn); err != nil {
		return nil, nil, false, apperr.Invalid(map[string]string{"effective_on": "The effective date is not a date (YYYY-MM-DD)."})
	}
	if !database.IsID(ch.FundingID) {
		return nil, nil, false, apperr.NotFound("funding")
	}
	locked, err := s.store.lockFunding(ctx, ch.FundingID, unheld)
	if err != nil {
		return nil, nil, false, err
	}
	if !locked {
		f, err := s.store.fundingAny(ctx, ch.FundingID)
		if err != nil {
			return nil, nil, false, err
		}
		if unheld && f.HeldBy != "" {
			return nil, f, false, heldError()
		}
		// Held when the lock looked, let go of since: the edit is not saved, and may be again.
		return nil, nil, false, &apperr.Error{Code: apperr.ECONFLICT, Message: "The budget changed while you were editing it: save it again.",
			Fields: map[string]string{"lines": "The budget changed while you were editing it: save it again."}}
	}
	if ch.AmendmentID != "" {
		// Once per amendment: after the lock, a second call (a task run again, two at once)
		// finds the first one's version.
		v, err := s.store.VersionByAmendment(ctx, ch.AmendmentID)
		if err != nil || v != nil {
			return v, nil, false, err
		}
	}
	f, err := s.store.fundingAny(ctx, ch.FundingID)
	if err != nil {
		return nil, nil, false, err
	}
	s.Label(t, f)
	last, err := s.store.lastVersion(ctx, f.ID)
	if err != nil {
		return nil, nil, false, err
	}
	var write []*BudgetVersion
	number := 1
	if last != nil {
		number = last.Number + 1
	} else if len(f.Lines) > 0 {
		// Set before versions were kept: that budget becomes version 1, as History shows it.
		first := s.before(t, f)
		first.ID = database.NewID()
		write = append(write, first)
		number = 2
	}
	v := &BudgetVersion{ID: database.NewID(), FundingID: f.ID, Number: number, EffectiveOn: ch.EffectiveOn, AmendmentID: ch.AmendmentID,
		Reason: ch.Reason, Lines: lines, TotalCents: totalOf(lines), CreatedBy: actorID(ctx), CreatedAt: database.Now(), Recorded: true}
	write = append(write, v)
	if err := s.store.insertVersions(ctx, write); err != nil {
		return nil, nil, false, err
	}
	if err := s.store.syncLines(ctx, f, lines); err != nil {
		return nil, nil, false, err
	}
	if err := s.store.budgetWritten(ctx, f, ch.AmendmentID); err != nil {
		return nil, nil, false, err
	}
	return v, f, true, nil
}

// before is the version a funding's budget set before versions were kept stands for: its
// current lines, effective from the start of its fiscal year, as of its last change, by
// someone not recorded.
func (s *Service) before(t *tenants.Tenant, f *Funding) *BudgetVersion {
	lines := f.VersionLines()
	return &BudgetVersion{FundingID: f.ID, Number: 1, EffectiveOn: fiscalYearStart(t, f), Reason: ReasonBefore,
		Lines: lines, TotalCents: totalOf(lines), CreatedAt: f.UpdatedAt}
}

// paysForIECMHC reports whether a budget has an I/ECMH consultation line above zero.
func paysForIECMHC(lines []VersionLine) bool {
	for _, l := range lines {
		if l.Category == CategoryIECMHC && l.AmountCents > 0 {
			return true
		}
	}
	return false
}

func versionDetail(f *Funding, v *BudgetVersion) string {
	d := fmt.Sprintf("%s from %s, %s: version %d effective %s, %d lines, %s; %s", f.ProgramName, f.FunderName, f.FYLabel,
		v.Number, v.EffectiveOn, len(v.Lines), v.TotalCents.String(), v.Reason)
	if v.AmendmentID != "" {
		d += " (amendment " + v.AmendmentID + ")"
	}
	return d
}

// ApplyBudget gives the funding a new budget version (the next number) and makes its budget
// lines these lines (lines at 0 are removed; a category kept keeps its line's id), in ctx's
// transaction if any, audited ("funding.budget"). With AmendmentID set it happens once: a
// second call (or one at the same time) returns the version already made and changes nothing.
// It works in a task's scope (only the tenant, no person) and checks no role: the caller has.
// It lets go of the funding's hold when AmendmentID holds it. EffectiveOn "" is today (the
// tenant's time zone); Reason "" is "Budget amendment" with an amendment, else "Edited
// directly".
//
// Errors: ENOTFOUND (no such funding in the tenant); EINVALID (a category not in
// BudgetCategories or on two lines, a negative amount, more than MaxLines lines, a bad date).
func (s *Service) ApplyBudget(ctx context.Context, ch BudgetChange) (*BudgetVersion, error) {
	var v *BudgetVersion
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var f *Funding
		var wrote bool
		var err error
		if v, f, wrote, err = s.apply(ctx, ch, false); err != nil || !wrote {
			return err
		}
		// An amendment that adds the I/ECMH consultation line makes the funding one that pays
		// for I/ECMHC (seed 000: ISBE PI, Head Start and DFSS programs add it this way).
		if ch.AmendmentID != "" && !f.IECMHCFunded && paysForIECMHC(v.Lines) {
			f.IECMHCFunded = true
			if err := s.store.SetIECMHC(ctx, f); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, "funding.budget", "funding", f.ID, versionDetail(f, v))
	})
	if err != nil && ch.AmendmentID != "" && database.IsUniqueViolation(err) {
		// Lost a race the lock did not serialise: the other call's version is the one.
		if got, gerr := s.store.VersionByAmendment(ctx, ch.AmendmentID); gerr == nil && got != nil {
			return got, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// HoldBudget marks the funding's budget as waiting on an amendment (one UPDATE where held_by
// is empty or already amendmentID, so two submits at once hold it once), audited
// ("funding.hold"). Holding it again by the same amendment is fine. It checks no role.
//
// Errors: ECONFLICT when another amendment holds it (OtherHoldMessage); ENOTFOUND.
func (s *Service) HoldBudget(ctx context.Context, fundingID, amendmentID string) error {
	if !database.IsID(fundingID) {
		return apperr.NotFound("funding")
	}
	if amendmentID == "" {
		return apperr.Errorf(apperr.EINTERNAL, "HoldBudget: no amendment")
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		held, err := s.store.hold(ctx, fundingID, amendmentID)
		if err != nil {
			return err
		}
		if !held {
			if _, err := s.store.fundingAny(ctx, fundingID); err != nil {
				return err
			}
			return apperr.Errorf(apperr.ECONFLICT, "%s", OtherHoldMessage)
		}
		return s.audit.Record(ctx, "funding.hold", "funding", fundingID, "held by amendment "+amendmentID)
	})
}

// ReleaseBudget lets go of the funding's hold if amendmentID holds it (audited
// "funding.release"); otherwise it does nothing.
func (s *Service) ReleaseBudget(ctx context.Context, fundingID, amendmentID string) error {
	if !database.IsID(fundingID) || amendmentID == "" {
		return nil
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		released, err := s.store.release(ctx, fundingID, amendmentID)
		if err != nil || !released {
			return err
		}
		return s.audit.Record(ctx, "funding.release", "funding", fundingID, "released by amendment "+amendmentID)
	})
}

// BudgetVersions lists a funding's stored budget versions, newest first, with who made them
// (CreatorName; "" when not recorded). A funding set up before versions were kept has none
// until its budget next changes; History shows its current lines as its first version.
func (s *Service) BudgetVersions(ctx context.Context, fundingID string) ([]BudgetVersion, error) {
	return s.store.Versions(ctx, fundingID)
}

// History is the budget history the funding page shows, newest first: the stored versions,
// or, for a funding set up before versions were kept, its current lines as its first version
// (Recorded false: who set it and when is not known).
func (s *Service) History(ctx context.Context, f *Funding) ([]BudgetVersion, error) {
	list, err := s.store.Versions(ctx, f.ID)
	if err != nil || len(list) > 0 {
		return list, err
	}
	if len(f.Lines) == 0 {
		return nil, nil
	}
	t, err := s.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	return []BudgetVersion{*s.before(t, f)}, nil
}

// FundingByID returns a funding the person in ctx may see (a funder's people their funder's,
// a program's people their program's), with its lines and FYLabel. Errors: ENOTFOUND.
func (s *Service) FundingByID(ctx context.Context, fundingID string) (*Funding, error) {
	f, err := s.store.FundingVisible(ctx, fundingID)
	if err != nil {
		return nil, err
	}
	t, err := s.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	s.Label(t, f)
	return f, nil
}

// NewFunding is a funding to add with its first budget (AddFundings).
type NewFunding struct {
	ProgramID, FunderID string
	FiscalYear          int
	IECMHCFunded        bool
	Lines               []VersionLine // lines at 0 are not kept
}

// AddFundings adds fundings in bulk, each with its budget lines and its version 1 (reason;
// effective from the first day of its fiscal year, on its funder's calendar), in ctx's
// transaction if any, in three INSERTs. It is the CSV import's way in: the import checked every
// row first against the rules of the funding form (the program, the funder, the fiscal year,
// each line), and records one audit event for the whole file, so neither is repeated here; the
// lines are checked again (ApplyBudget's rules). It returns the number of budget lines written.
//
// Errors: EINVALID (a bad line); ENOTFOUND (a funder that is not one of the tenant's);
// ECONFLICT when a program already has a funding from that funder for that year.
func (s *Service) AddFundings(ctx context.Context, list []NewFunding, reason string) (int, error) {
	if len(list) == 0 {
		return 0, nil
	}
	t, err := s.Tenant(ctx)
	if err != nil {
		return 0, err
	}
	funders, err := s.tenants.OrganisationsOfKind(ctx, tenants.OrgFunder)
	if err != nil {
		return 0, err
	}
	byID := make(map[string]*tenants.Organisation, len(funders))
	for i := range funders {
		byID[funders[i].ID] = &funders[i]
	}
	now, by := database.Now(), actorID(ctx)
	fs := make([]*Funding, 0, len(list))
	var bls []*BudgetLine
	vs := make([]*BudgetVersion, 0, len(list))
	for _, nf := range list {
		lines, err := checkVersionLines(nf.Lines)
		if err != nil {
			return 0, err
		}
		funder := byID[nf.FunderID]
		if funder == nil {
			return 0, apperr.NotFound("funder")
		}
		f := &Funding{ID: database.NewID(), ProgramID: nf.ProgramID, FunderID: nf.FunderID, FiscalYear: nf.FiscalYear,
			IECMHCFunded: nf.IECMHCFunded, CreatedAt: now, UpdatedAt: now, FunderName: funder.Name, FunderShort: funder.ShortName}
		fs = append(fs, f)
		for pos, l := range lines {
			bls = append(bls, &BudgetLine{ID: database.NewID(), FundingID: f.ID, Category: l.Category, AmountCents: int64(l.AmountCents), Position: pos})
		}
		vs = append(vs, &BudgetVersion{ID: database.NewID(), FundingID: f.ID, Number: 1, EffectiveOn: fiscalYearStart(t, f),
			Reason: reason, Lines: lines, TotalCents: totalOf(lines), CreatedBy: by, CreatedAt: now})
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		tx, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := database.InsertMany(tx, fs).Exec(ctx); err != nil {
			if database.IsUniqueViolation(err) {
				return apperr.Errorf(apperr.ECONFLICT, "A program already has a funding from this funder for that fiscal year.")
			}
			return fmt.Errorf("insert fundings: %w", err)
		}
		if len(bls) > 0 {
			if _, err := database.InsertMany(tx, bls).Exec(ctx); err != nil {
				return fmt.Errorf("insert budget lines: %w", err)
			}
		}
		if err := s.store.insertVersions(ctx, vs); err != nil {
			return fmt.Errorf("insert budget versions: %w", err)
		}
		return nil
	})
	return len(bls), err
}
