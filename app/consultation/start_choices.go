package consultation

import (
	"context"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
)

// A tenant admin starts an engagement in two steps: the consultant first, then one of that
// consultant's programs. A state's tenant has thousands of active assignments; a page that
// listed them all in one select weighed hundreds of kilobytes and could not be used.

// ConsultantChoice is a consultant who has an active assignment: their profile and the name
// the registry shows.
type ConsultantChoice struct {
	ID   string `bun:"id"`
	Name string `bun:"name"`
}

// AssignedConsultants lists the consultants with an active assignment the person in ctx may
// start an engagement for (a tenant admin every one of the tenant; a consultant themself), by
// name. One statement: one probe of the assignments' profile index per consultant.
func (s *Engagements) AssignedConsultants(ctx context.Context) ([]ConsultantChoice, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Consultant && sc.Role != authz.TenantAdmin {
		return nil, nil
	}
	active := Visible(t.Select((*consultants.Assignment)(nil)).ColumnExpr("1").
		Where("ca.profile_id = cp.id").Where("ca.status = ?", consultants.AssignmentActive), sc, "ca")
	var list []ConsultantChoice
	// The user's account is joined as Start's check does: a profile without one cannot start.
	err = t.SelectFrom("consultant_profiles", "cp").ColumnExpr("cp.id AS id, cp.display_name AS name").
		Join("JOIN users AS u ON u.id = cp.user_id").
		Where("EXISTS (?)", active).OrderExpr("cp.display_name, cp.id").Scan(ctx, &list)
	return list, err
}

// ConsultantAssignments is one consultant's active assignments, for the second step.
type ConsultantAssignments struct {
	Consultant  ConsultantChoice
	Assignments []AssignmentChoice
	// Others: another consultant of the tenant has an active assignment too (so there is
	// another one to choose).
	Others bool
}

// AssignmentsOf lists the active assignments of one consultant (profileID) that the person
// in ctx may start an engagement for, by program name; with profileID empty, those of the
// consultant of the assignment assignmentID. ENOTFOUND when the consultant has none: not a
// consultant of the tenant, no active assignment, or not one the person may see.
func (s *Engagements) AssignmentsOf(ctx context.Context, profileID, assignmentID string) (*ConsultantAssignments, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Consultant && sc.Role != authz.TenantAdmin {
		return nil, apperr.NotFound("consultant")
	}
	var rows []struct {
		ID             string `bun:"id"`
		ProfileID      string `bun:"profile_id"`
		ProgramID      string `bun:"program_id"`
		ConsultantName string `bun:"consultant_name"`
		ProgramName    string `bun:"program_name"`
		Others         bool   `bun:"others"`
	}
	// Others is asked once per row of one consultant (a few): the first index entry of
	// another consultant's active assignment ends it.
	others := t.SelectFrom("consultant_assignments", "x").ColumnExpr("1").
		Where("x.status = ?", consultants.AssignmentActive).Where("x.profile_id <> ca.profile_id")
	q := activeAssignments(t).
		ColumnExpr("ca.id, ca.profile_id, ca.program_id, cp.display_name AS consultant_name, o.name AS program_name").
		ColumnExpr("EXISTS (?) AS others", others)
	if profileID != "" {
		q = q.Where("ca.profile_id = ?", profileID)
	} else {
		q = q.Where("ca.profile_id = (?)", t.SelectFrom("consultant_assignments", "y").ColumnExpr("y.profile_id").
			Where("y.id = ?", assignmentID))
	}
	if err := Visible(q, sc, "ca").OrderExpr("o.name, ca.id").Scan(ctx, &rows); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, apperr.NotFound("consultant")
	}
	out := &ConsultantAssignments{Consultant: ConsultantChoice{ID: rows[0].ProfileID, Name: rows[0].ConsultantName}, Others: rows[0].Others}
	for _, r := range rows {
		out.Assignments = append(out.Assignments, AssignmentChoice{ID: r.ID, ProfileID: r.ProfileID, ProgramID: r.ProgramID,
			ConsultantName: r.ConsultantName, ProgramName: r.ProgramName})
	}
	return out, nil
}
