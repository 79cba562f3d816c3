package demo

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// usualParticipants is who takes part in a demo session: family members with a child and
// family focus, one staff member in individual reflective consultation, the supervisor in a
// meeting with the program's supervisor, and otherwise the team of the program's kind.
func usualParticipants(programKind, focus, service string) database.Counts {
	switch {
	case focus == consultation.FocusChildFamily:
		return database.Counts{"family_members": 2, "home_visitors": 1}
	case service == "reflective_supervisor":
		return database.Counts{"supervisors": 1}
	case programKind == "early_intervention":
		return database.Counts{"ei_team": 5}
	case programKind == "child_care_center" || programKind == "family_child_care_home" || programKind == "head_start":
		if service == "reflective_individual" || service == "classroom_observation" {
			return database.Counts{"educators": 1}
		}
		return database.Counts{"educators": 4, "administrators": 1}
	case programKind == "coordinated_intake":
		return database.Counts{"other": 4, "supervisors": 1}
	}
	if service == "reflective_individual" || service == "classroom_observation" {
		return database.Counts{"home_visitors": 1}
	}
	return database.Counts{"home_visitors": 5, "supervisors": 1}
}

// seedParticipants gives the tenant's demo sessions and engagements their participants where
// an older seed left them out: a session without participants (a recorded one always has some)
// gets the usual ones, and an engagement with sessions but no usual participants takes its
// latest session's, as recording a session does — so the record-a-session form comes with them
// filled in. Only what is empty is written: seeding again changes nothing.
func seedParticipants(ctx context.Context, db *bun.DB) error {
	t, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	var empty []struct {
		ID          string `bun:"id"`
		Service     string `bun:"service"`
		Focus       string `bun:"focus"`
		ProgramKind string `bun:"program_kind"`
	}
	err = t.Select((*consultation.Session)(nil)).ColumnExpr("s.id, s.service, e.focus, o.program_kind").
		Join("JOIN engagements AS e ON e.tenant_id = s.tenant_id AND e.id = s.engagement_id").
		Join("JOIN organisations AS o ON o.tenant_id = s.tenant_id AND o.id = s.program_id").
		Where("s.participants = '{}' OR s.participants = ''").Scan(ctx, &empty)
	if err != nil {
		return err
	}
	byCounts := map[string][]string{}
	counts := map[string]database.Counts{}
	for _, s := range empty {
		c := usualParticipants(s.ProgramKind, s.Focus, s.Service)
		v, _ := c.Value()
		key := v.(string)
		byCounts[key] = append(byCounts[key], s.ID)
		counts[key] = c
	}
	for key, ids := range byCounts {
		if _, err := t.Update((*consultation.Session)(nil)).Set("participants = ?", counts[key]).
			Where("s.id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
			return err
		}
	}
	var engagements []consultation.Engagement
	if err := t.Select(&engagements).Column("e.id").Where("e.default_participants = '{}' OR e.default_participants = ''").
		Where("e.contacts > 0").Scan(ctx); err != nil {
		return err
	}
	for _, e := range engagements {
		var latest consultation.Session
		err := t.Select(&latest).Column("s.participants").Where("s.engagement_id = ?", e.ID).
			OrderExpr("s.held_on DESC, s.created_at DESC, s.id DESC").Limit(1).Scan(ctx)
		if err != nil || latest.Participants.Total() == 0 {
			continue // no session after all: the form starts empty, as for a new engagement
		}
		if _, err := t.Update((*consultation.Engagement)(nil)).Set("default_participants = ?", latest.Participants).
			Where("e.id = ?", e.ID).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
