package consultation_test

import (
	"testing"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
)

// Every move the cycle offers is one its workflow allows: forward from each stage to each later
// one, back from each to each earlier one, reopening a closed engagement, and the changes of
// kind at every open stage. Each is one move row, from where it was to where it went.
func TestEveryMoveOfTheCycle(t *testing.T) {
	w := newEngWorld(t)
	ana := w.ctx(authz.Consultant, w.ana, "")
	for i, from := range consultation.Stages {
		for j, to := range consultation.Stages {
			e := w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie,
				Stage: from.Value})
			var (
				got       *consultation.Engagement
				err       error
				wantStage = to.Value
				wantKind  = consultation.KindConsultation
				moves     = 1
			)
			in := consultation.MoveInput{ToStage: to.Value, Reason: "Agreed with the program."}
			switch {
			case j > i:
				got, err = w.svc.Advance(ana, e.ID, in)
			case j < i:
				got, err = w.svc.WalkBack(ana, e.ID, in)
			case from.Value == consultation.StageClosed:
				got, err = w.svc.Reopen(ana, e.ID, in)
				wantStage, wantKind = consultation.StageSustainability, consultation.KindContinuedSupport
			default:
				if _, err = w.svc.StartCoaching(ana, e.ID, ""); err == nil {
					got, err = w.svc.ContinueSupport(ana, e.ID, "")
				}
				wantKind, moves = consultation.KindContinuedSupport, 2
			}
			if err != nil {
				t.Fatalf("%s → %s: %v", from.Value, to.Value, err)
			}
			if got.Stage != wantStage || got.Kind != wantKind {
				t.Errorf("%s → %s: now %s, %s", from.Value, to.Value, got.Stage, got.Kind)
			}
			if n := w.count(t, "engagements", "id = ? AND stage = ? AND kind = ?", e.ID, wantStage, wantKind); n != 1 {
				t.Errorf("%s → %s: the engagement's row is not at %s, %s", from.Value, to.Value, wantStage, wantKind)
			}
			if n := w.count(t, "engagement_moves", "engagement_id = ? AND from_stage = ? AND to_stage = ?", e.ID, from.Value, wantStage); n != moves {
				t.Errorf("%s → %s: %d moves recorded, want %d", from.Value, to.Value, n, moves)
			}
		}
	}
}
