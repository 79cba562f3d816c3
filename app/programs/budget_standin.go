package programs

// STAND-IN (deleted at merge): the budget API that the programs helper builds in its own
// worktree. It is here only so app/amendments' tasks compile and can be tested; the real one
// replaces it with the same names and signatures.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
)

// VersionLine is one line of a budget version.
type VersionLine struct {
	Category    string      `json:"category"`
	AmountCents money.Cents `json:"amount_cents"`
}

// BudgetChange is a new budget for a funding.
type BudgetChange struct {
	FundingID   string
	Lines       []VersionLine
	EffectiveOn string
	AmendmentID string
	Reason      string
}

// BudgetVersion is one budget a funding has had.
type BudgetVersion struct {
	bun.BaseModel `bun:"table:budget_versions,alias:bv"`
	database.TenantScoped

	ID          string        `bun:"id,pk"`
	FundingID   string        `bun:"funding_id"`
	Number      int           `bun:"number"`
	EffectiveOn string        `bun:"effective_on"`
	AmendmentID string        `bun:"amendment_id"`
	Reason      string        `bun:"reason"`
	Lines       []VersionLine `bun:"lines,type:text"`
	TotalCents  money.Cents   `bun:"total_cents"`
	CreatedBy   string        `bun:"created_by"`
	CreatedAt   time.Time     `bun:"created_at"`
}

// ApplyBudget gives a funding a new budget version (once per AmendmentID), replaces its
// budget lines and releases the funding's hold when the amendment held it.
func (s *Service) ApplyBudget(ctx context.Context, ch BudgetChange) (*BudgetVersion, error) {
	var out *BudgetVersion
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if ch.AmendmentID != "" {
			have := new(BudgetVersion)
			err := t.Select(have).Where("bv.amendment_id = ?", ch.AmendmentID).Limit(1).Scan(ctx)
			if err == nil {
				out = have
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		var last int
		if err := t.Select((*BudgetVersion)(nil)).ColumnExpr("COALESCE(MAX(bv.number), 0)").
			Where("bv.funding_id = ?", ch.FundingID).Scan(ctx, &last); err != nil {
			return err
		}
		v := &BudgetVersion{ID: database.NewID(), FundingID: ch.FundingID, Number: last + 1, EffectiveOn: ch.EffectiveOn,
			AmendmentID: ch.AmendmentID, Reason: ch.Reason, Lines: ch.Lines, CreatedAt: database.Now()}
		for _, l := range ch.Lines {
			v.TotalCents += l.AmountCents
		}
		if _, err := t.Insert(v).Exec(ctx); err != nil {
			return err
		}
		if _, err := t.Delete((*BudgetLine)(nil)).Where("bl.funding_id = ?", ch.FundingID).Exec(ctx); err != nil {
			return err
		}
		for i, l := range ch.Lines {
			bl := &BudgetLine{ID: database.NewID(), FundingID: ch.FundingID, Category: l.Category, AmountCents: int64(l.AmountCents), Position: i}
			if _, err := t.Insert(bl).Exec(ctx); err != nil {
				return err
			}
		}
		if ch.AmendmentID != "" {
			if _, err := t.Update((*Funding)(nil)).Set("held_by = ''").
				Where("f.id = ? AND f.held_by = ?", ch.FundingID, ch.AmendmentID).Exec(ctx); err != nil {
				return err
			}
		}
		out = v
		return nil
	})
	return out, err
}
