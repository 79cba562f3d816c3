package programs

// STAND-IN (the lead deletes this file at merge): the budget API that another worktree builds
// for real, kept minimal so app/amendments compiles and its tests run meanwhile.

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
)

// BudgetVersion is one budget a funding has had (stand-in).
type BudgetVersion struct {
	bun.BaseModel `bun:"table:budget_versions,alias:bv"`
	database.TenantScoped

	ID          string    `bun:"id,pk"`
	FundingID   string    `bun:"funding_id"`
	Number      int       `bun:"number"`
	EffectiveOn string    `bun:"effective_on"`
	AmendmentID string    `bun:"amendment_id"`
	Reason      string    `bun:"reason"`
	CreatedAt   time.Time `bun:"created_at"`
}

// FundingByID returns a funding the person in ctx may see, with its lines and its fiscal
// year's label (stand-in).
func (s *Service) FundingByID(ctx context.Context, fundingID string) (*Funding, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(fundingID) {
		return nil, apperr.NotFound("funding")
	}
	sc, _ := database.ScopeFrom(ctx)
	f := new(Funding)
	if err := t.Select(f).Apply(fundingColumns).Apply(fundingsVisible(sc)).Where("f.id = ?", fundingID).Scan(ctx); err != nil {
		return nil, notFound(err, "funding")
	}
	list := []Funding{*f}
	if err := s.store.loadLines(ctx, list); err != nil {
		return nil, err
	}
	f = &list[0]
	ten, err := s.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	s.Label(ten, f)
	return f, nil
}

// HoldBudget marks the funding as held by the amendment (stand-in). ECONFLICT when another
// amendment holds it.
func (s *Service) HoldBudget(ctx context.Context, fundingID, amendmentID string) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	res, err := t.Update((*Funding)(nil)).Set("held_by = ?", amendmentID).
		Where("f.id = ? AND f.held_by IN ('', ?)", fundingID, amendmentID).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.Errorf(apperr.ECONFLICT, "Another amendment of this funding is waiting for a decision.")
	}
	return nil
}

// ReleaseBudget lets the funding go when the amendment holds it (stand-in).
func (s *Service) ReleaseBudget(ctx context.Context, fundingID, amendmentID string) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	_, err = t.Update((*Funding)(nil)).Set("held_by = ''").Where("f.id = ? AND f.held_by = ?", fundingID, amendmentID).Exec(ctx)
	return err
}

// BudgetVersions lists the funding's budget versions, newest first (stand-in).
func (s *Service) BudgetVersions(ctx context.Context, fundingID string) ([]BudgetVersion, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []BudgetVersion
	err = t.Select(&list).Where("bv.funding_id = ?", fundingID).OrderExpr("bv.number DESC").Scan(ctx)
	return list, err
}
