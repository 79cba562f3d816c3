package demo

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// seedSessionsAndResources gives the tenant its resource library (seeds/004) and, in
// Illinois, shares two of them at Maria Alvarez's latest session with Prairie Families (one
// with the program, one with families), so the program's library shows them. Adds only what
// is missing.
func seedSessionsAndResources(ctx context.Context, db *bun.DB, slug string) error {
	lib := consultation.NewResources(db, audit.New(db))
	if err := lib.EnsureBuiltin(ctx); err != nil {
		return err
	}
	if slug != "illinois" {
		return nil
	}
	t, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	n, err := t.Select((*consultation.SessionResource)(nil)).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	var session consultation.Session
	err = t.Select(&session).
		Join("JOIN organisations AS o ON o.tenant_id = s.tenant_id AND o.id = s.program_id").
		Join("JOIN consultant_profiles AS cp ON cp.tenant_id = s.tenant_id AND cp.id = s.profile_id").
		Join("JOIN users AS u ON u.id = cp.user_id").
		Where("o.name = ? AND u.email = ?", "Prairie Families Home Visiting", SharedConsultantEmail).
		OrderExpr("s.held_on DESC, s.id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // no demo session to share them at (the engagements' seed adds them)
	}
	if err != nil {
		return err
	}
	all, err := lib.All(ctx)
	if err != nil {
		return err
	}
	share := map[string]string{
		"Center of Excellence for IECMH Consultation": consultation.SharedWithProgram,
		"Parent Well-Being Matters":                   consultation.SharedWithFamily,
	}
	var rows []*consultation.SessionResource
	for _, r := range all {
		if with, ok := share[r.Title]; ok {
			rows = append(rows, &consultation.SessionResource{SessionID: session.ID, ResourceID: r.ID, EngagementID: session.EngagementID, SharedWith: with})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	_, err = database.InsertMany(t, rows).Exec(ctx)
	return err
}
