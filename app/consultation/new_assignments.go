package consultation

import (
	"context"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// NewAssignment is a consultant's active assignment that no engagement has started on yet:
// the program waits for them to start one.
type NewAssignment struct {
	ID          string `bun:"id"`
	ProgramName string `bun:"program_name"`
	StartedOn   string `bun:"started_on"`
}

// Text is the sentence that tells the consultant.
func (a NewAssignment) Text() string {
	return "New: " + a.ProgramName + " asks you to start an engagement."
}

// Href is the new-engagement form with the assignment chosen, under base ("/t/{slug}").
func (a NewAssignment) Href(base string) string { return base + "/engagements/new?assignment=" + a.ID }

// NewAssignments lists the consultant's new assignments (active, no engagement yet), oldest
// first; nothing for other roles.
func (s *Engagements) NewAssignments(ctx context.Context) ([]NewAssignment, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Consultant {
		return nil, nil
	}
	var list []NewAssignment
	q := t.Select((*consultants.Assignment)(nil)).ColumnExpr("ca.id, ca.started_on, o.name AS program_name").
		Join("JOIN organisations AS o ON o.tenant_id = ca.tenant_id AND o.id = ca.program_id").
		Where("ca.status = ?", consultants.AssignmentActive).
		Where("NOT EXISTS (SELECT 1 FROM engagements AS x WHERE x.tenant_id = ca.tenant_id AND x.assignment_id = ca.id)")
	err = Visible(q, sc, "ca").OrderExpr("ca.started_on, o.name, ca.id").Scan(ctx, &list)
	return list, err
}

// HomeNotices tells a consultant on their home page of each new assignment, with a button that
// starts the engagement (a tenants.NoticeSource).
func (s *Engagements) HomeNotices(ctx context.Context) ([]tenants.Notice, error) {
	list, err := s.NewAssignments(ctx)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]tenants.Notice, len(list))
	for i, a := range list {
		out[i] = tenants.Notice{Text: a.Text(), Detail: "You were assigned to " + a.ProgramName + " on " + a.StartedOn + ".",
			Href: a.Href("/t/" + sc.TenantSlug), Action: "Start the engagement with " + a.ProgramName}
	}
	return out, nil
}
