package tenants

import (
	"context"
	"strings"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
)

// UpdateOrganisation writes an organisation's name, short name, program kind, county and
// languages. The kind never changes.
//
// Errors: ENOTFOUND when the tenant of ctx has no such organisation of that kind; ECONFLICT
// when another of its kind has the name.
func (s *Store) UpdateOrganisation(ctx context.Context, o *Organisation) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	o.UpdatedAt = database.Now()
	res, err := t.Update(o).Column("name", "short_name", "program_kind", "county", "languages", "updated_at").
		Where("o.id = ? AND o.kind = ?", o.ID, o.Kind).Exec(ctx)
	if database.IsUniqueViolation(err) {
		return apperr.Errorf(apperr.ECONFLICT, "A %s named %q already exists.", strings.ToLower(OrgKindLabel(o.Kind)), o.Name)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.NotFound(strings.ToLower(OrgKindLabel(o.Kind)))
	}
	return nil
}
