package amendments

// STAND-IN (the lead deletes this file at merge): the funder's process, built for real in
// another worktree with the same signatures. Reads amendment_steps by position and
// amendment_rules (or DefaultRules).

import (
	"context"
	"database/sql"
	"errors"

	"github.com/holdspace/holdspace/app/database"
)

// Process returns a funder's steps in order and its rules (stand-in).
func (s *Service) Process(ctx context.Context, funderID string) ([]Step, Rules, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, Rules{}, err
	}
	var list []Step
	if err := t.Select(&list).ColumnExpr("ast.*").ColumnExpr("COALESCE(o.name, '') AS organisation_name").
		Join("LEFT JOIN organisations AS o ON o.tenant_id = ast.tenant_id AND o.id = ast.organisation_id").
		Where("ast.funder_id = ?", funderID).OrderExpr("ast.position").Scan(ctx); err != nil {
		return nil, Rules{}, err
	}
	r := new(Rules)
	if err := t.Select(r).Where("ar.funder_id = ?", funderID).Limit(1).Scan(ctx); err != nil {
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, Rules{}, err
		}
		return list, DefaultRules(funderID), nil
	}
	return list, *r, nil
}

// Snapshot is the steps as an amendment keeps them (stand-in).
func Snapshot(list []Step) []StepSnapshot {
	out := make([]StepSnapshot, len(list))
	for i, st := range list {
		days := st.ResponseDays
		if days <= 0 {
			days = DefaultResponseDays
		}
		out[i] = StepSnapshot{Name: st.Name, Decider: st.Decider, OrganisationID: st.OrganisationID,
			OrganisationName: st.OrganisationName, ResponseDays: days}
	}
	return out
}
