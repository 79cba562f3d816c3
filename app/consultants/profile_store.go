package consultants

import (
	"context"
	"database/sql"
	"errors"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
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
