package consultants

import (
	"context"
	"database/sql"
	"errors"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/web"
)

func profileNotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// MyProfile returns the signed-in person's profile in the tenant, or ENOTFOUND.
func (r *Registry) MyProfile(ctx context.Context) (*Profile, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	if sc.UserID == "" {
		return nil, apperr.NotFound("profile")
	}
	p := new(Profile)
	err = t.Select(p).Where("cp.user_id = ?", sc.UserID).Scan(ctx)
	return p, profileNotFound(err, "profile")
}

// Profile returns one profile of the tenant, or ENOTFOUND.
func (r *Registry) Profile(ctx context.Context, id string) (*Profile, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("profile")
	}
	p := new(Profile)
	err = t.Select(p).Where("cp.id = ?", id).Scan(ctx)
	return p, profileNotFound(err, "profile")
}

// Documents lists a profile's documents, oldest first.
func (r *Registry) Documents(ctx context.Context, profileID string) ([]Document, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	var list []Document
	err = t.Select(&list).Where("cd.profile_id = ?", profileID).OrderExpr("cd.uploaded_at, cd.id").Scan(ctx)
	return list, err
}

// ProfileDocument returns a document of the given profile, or ENOTFOUND.
func (r *Registry) ProfileDocument(ctx context.Context, profileID, id string) (*Document, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) || !database.IsID(profileID) {
		return nil, apperr.NotFound("document")
	}
	d := new(Document)
	err = t.Select(d).Where("cd.id = ? AND cd.profile_id = ?", id, profileID).Scan(ctx)
	return d, profileNotFound(err, "document")
}

// Document returns any document of the tenant (for a tenant admin), or ENOTFOUND.
func (r *Registry) Document(ctx context.Context, id string) (*Document, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("document")
	}
	d := new(Document)
	err = t.Select(d).Where("cd.id = ?", id).Scan(ctx)
	return d, profileNotFound(err, "document")
}

// MyDocument returns a document of the signed-in person's own profile, or ENOTFOUND (another
// consultant's document is not found).
func (r *Registry) MyDocument(ctx context.Context, id string) (*Document, error) {
	p, err := r.MyProfile(ctx)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil, apperr.NotFound("document")
	} else if err != nil {
		return nil, err
	}
	return r.ProfileDocument(ctx, p.ID, id)
}

// Applications lists the tenant's profiles with the given status, the oldest submission first.
func (r *Registry) Applications(ctx context.Context, status string) ([]Profile, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, err
	}
	var list []Profile
	err = t.Select(&list).Where("cp.status = ?", status).OrderExpr("cp.submitted_at, cp.display_name").Scan(ctx)
	return list, err
}

// RegistryQueueLimit is how many waiting (or returned) applications the registry page shows,
// the oldest first.
const RegistryQueueLimit = 100

// RegistryPageSize is how many approved consultants a page of the registry shows.
const RegistryPageSize = 50

// registryColumns are what the registry's tables show.
const registryColumns = "cp.id, cp.display_name, cp.status, cp.submitted_at, cp.reviewed_at"

// ApplicationsQueue lists at most limit of the tenant's profiles with the given status, the
// oldest submission first, and whether there are more.
func (r *Registry) ApplicationsQueue(ctx context.Context, status string, limit int) ([]Profile, bool, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, false, err
	}
	var list []Profile
	err = t.Select(&list).ColumnExpr(registryColumns).Where("cp.status = ?", status).
		OrderExpr("cp.submitted_at, cp.display_name, cp.id").Limit(int64(limit + 1)).Scan(ctx)
	if len(list) > limit {
		return list[:limit], true, err
	}
	return list, false, err
}

// ProfileCursor is a profile's keyset position in the approved list (display name~id).
func ProfileCursor(p *Profile) string { return web.Cursor(p.DisplayName, p.ID) }

// ApprovedPage is a page of the tenant's approved consultants by name, after (or before) the
// cursor of k, and the cursors of the pages around it: one statement at any depth.
func (r *Registry) ApprovedPage(ctx context.Context, k web.Keyset, limit int) ([]Profile, string, string, error) {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return nil, "", "", err
	}
	if limit <= 0 {
		limit = RegistryPageSize
	}
	q := t.Select((*Profile)(nil)).ColumnExpr(registryColumns).Where("cp.status = ?", StatusApproved)
	keys, _, ok := k.Keys(2)
	if ok && !database.IsID(keys[1]) {
		ok, k = false, web.Keyset{}
	}
	op, order := k.Comparison(2, false)
	if ok {
		q = q.Where("(cp.display_name, cp.id) "+op+" (?, ?)", keys[0], keys[1])
	}
	var list []Profile
	if err := q.OrderExpr("cp.display_name "+order+", cp.id "+order).Limit(int64(limit+1)).Scan(ctx, &list); err != nil {
		return nil, "", "", err
	}
	page, next, prev := web.KeysetPage(k, 2, list, limit, ProfileCursor)
	return page, next, prev, nil
}
