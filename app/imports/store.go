package imports

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
)

// Store reads and writes imports. Every query is scoped to the tenant of ctx.
type Store struct {
	db *bun.DB
}

// NewStore returns the store on db.
func NewStore(db *bun.DB) *Store { return &Store{db: db} }

// Create inserts a new import.
func (s *Store) Create(ctx context.Context, imp *Import) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	_, err = t.Insert(imp).Exec(ctx)
	return err
}

// Get returns one import of the tenant, with its file when withContent, or ENOTFOUND.
func (s *Store) Get(ctx context.Context, id string, withContent bool) (*Import, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound("import")
	}
	imp := new(Import)
	q := t.Select(imp).Where("imp.id = ?", id)
	if !withContent {
		q = q.ExcludeColumn("content")
	}
	if err := q.Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFound("import")
		}
		return nil, err
	}
	return imp, nil
}

// List returns the tenant's latest imports, newest first, without their files or problems.
func (s *Store) List(ctx context.Context, limit int) ([]Import, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Import
	err = t.Select(&list).ExcludeColumn("content", "problems").
		OrderExpr("imp.created_at DESC, imp.id DESC").Limit(int64(limit)).Scan(ctx)
	return list, err
}

// move changes an import's status from one to another, with the columns given, only if it
// still has the first: a task delivered twice, or a button pressed twice, finds it moved and
// does nothing. It reports whether it moved the import.
func (s *Store) move(ctx context.Context, imp *Import, from string, columns ...string) (bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return false, err
	}
	imp.UpdatedAt = database.Now()
	res, err := t.Update(imp).Column(append([]string{"status", "updated_at"}, columns...)...).
		Where("imp.id = ? AND imp.status = ?", imp.ID, from).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// progress records how many rows the run has written.
func (s *Store) progress(ctx context.Context, id string, processed int) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	_, err = t.Update((*Import)(nil)).Set("processed_rows = ?", processed).Set("updated_at = ?", database.Now()).
		Where("imp.id = ?", id).Exec(ctx)
	return err
}
