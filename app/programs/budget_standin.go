package programs

import (
	"context"

	"github.com/holdspace/holdspace/app/database"
)

// ReleaseBudget lets go of a funding's hold by an amendment (returned, denied or withdrawn):
// its budget may be edited, and another amendment submitted, again. A hold by another amendment
// stays.
//
// STAND-IN (branch decide): the budget API's own ReleaseBudget replaces this file at merge.
func (s *Service) ReleaseBudget(ctx context.Context, fundingID, amendmentID string) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	_, err = t.Update((*Funding)(nil)).Set("held_by = ''").
		Where("f.id = ?", fundingID).Where("f.held_by = ?", amendmentID).Exec(ctx)
	return err
}
