package consultation

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/steps"
)

// An honest consultation cycle. The step indicator says of each stage whether it was
// completed, skipped, is the current one or is not reached yet; it reads this from the moves:
// a forward move completes the stage it leaves, and each stage it passes over is either done
// by what was recorded (a pre-assessment does the pre-assessment stage, a plan the plan stage,
// a post-assessment the post-assessment stage) or skipped — the move lists the skipped ones,
// and a person skipping stages says why. A move back makes the stages from its target on "not
// reached" again.
//
// The records that are the stages move the engagement forward by themselves (never back):
// recording the pre-assessment completes the pre-assessment stage (on to the discussion of
// findings), starting the plan reaches the quality improvement plan, the program's agreement
// reaches implementation, recording the post-assessment reaches the post-assessment. Each such
// move is a move like any other: dated, by the person whose record made it, audited, with the
// record as its reason. The consultant corrects by walking back with a reason.

// Step statuses, as the step indicator says them.
const (
	StepCompleted = "completed"
	StepSkipped   = "skipped"
	StepCurrent   = "current"
	StepNotYet    = "not reached yet"
)

// StepStatuses replays an engagement's moves (oldest first) and says, for each stage of the
// cycle in order, its status. stage is where the engagement is now.
func StepStatuses(stage string, moves []Move) []string {
	st := make([]string, len(Stages))
	for _, m := range moves {
		from, to := StageIndex(m.FromStage), StageIndex(m.ToStage)
		switch {
		case to < 0 || m.IsKindChange():
		case m.FromStage == "" || from < 0:
			clear(st)
		case to > from:
			st[from] = StepCompleted
			for i := from + 1; i < to; i++ {
				st[i] = StepCompleted
				if m.Skipped.Has(Stages[i].Value) {
					st[i] = StepSkipped
				}
			}
		default:
			for i := to; i < len(st); i++ {
				st[i] = ""
			}
		}
	}
	cur := StageIndex(stage)
	for i := range st {
		switch {
		case i == cur:
			st[i] = StepCurrent
		case i > cur:
			st[i] = StepNotYet
		case st[i] == "":
			st[i] = StepCompleted
		}
	}
	return st
}

// skippedStages are the stages a forward move from the stage at index from to the one at index
// to passes over with nothing recorded that does them. It runs inside the move's transaction,
// so a record written in it counts.
func skippedStages(ctx context.Context, db *bun.DB, engagementID string, from, to int) ([]string, error) {
	t, err := database.For(ctx, db)
	if err != nil {
		return nil, err
	}
	var out []string
	for i := from + 1; i < to; i++ {
		var n int64
		switch Stages[i].Value {
		case StagePreAssessment, StagePostAssessment:
			phase := PhasePre
			if Stages[i].Value == StagePostAssessment {
				phase = PhasePost
			}
			n, err = t.Select((*Assessment)(nil)).Where("asm.engagement_id = ? AND asm.phase = ?", engagementID, phase).Count(ctx)
		case StagePlan:
			n, err = t.Select((*Plan)(nil)).Where("qp.engagement_id = ?", engagementID).Count(ctx)
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			out = append(out, Stages[i].Value)
		}
	}
	return out, nil
}

// StageLabels are the stages' words, joined for a sentence ("Discussion of needs and
// Pre-assessment").
func StageLabels(values []string) string {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = StageOf(v).Label
	}
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// SkippedLabels is the move's skipped stages in words.
func (m Move) SkippedLabels() string { return StageLabels(m.Skipped) }

// engagementFlow is the consultation cycle as a workflow: an engagement's stage moves through
// steps.Flow, which names the stage it expects (two people at once make one move; the second
// reads Conflict), writes the engagement_moves row and the audit event in one transaction.
var engagementFlow = &steps.Flow{
	Model:    (*Engagement)(nil),
	Column:   "stage",
	Record:   engagementWord,
	Moves:    cycleMoves(),
	Conflict: "The engagement changed while you were looking at it. Reload the page and try again.",
}

// cycleMoves is every move the cycle allows between its stages (Stages): forward to any later
// stage (passing over some skips them, with a reason), back to any earlier one (walking back;
// from closed, that opens it again, and back to sustainability is reopening it as continued
// support), and to the same stage for a change of kind (coaching, continued support), which a
// closed engagement does not take.
func cycleMoves() map[string][]string {
	moves := make(map[string][]string, len(Stages))
	for i, from := range Stages {
		for j, to := range Stages {
			if i == j && from.Value == StageClosed {
				continue
			}
			moves[from.Value] = append(moves[from.Value], to.Value)
		}
	}
	return moves
}

// followRecord moves the engagement forward to the stage at toStage because of a record just
// written (why says which), inside the caller's transaction: only when the engagement is at
// an earlier stage (never back, never a closed one), on the record's date (today when empty;
// never before the last move, never after today), by the person in ctx, audited.
func followRecord(ctx context.Context, db *bun.DB, log *audit.Log, now time.Time, engagementID, toStage, on, why string) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	return database.InTx(ctx, db, func(ctx context.Context) error {
		t, err := database.For(ctx, db)
		if err != nil {
			return err
		}
		e := new(Engagement)
		if err := t.Select(e).Column("e.id", "e.stage", "e.opened_on").Where("e.id = ?", engagementID).Scan(ctx); err != nil {
			return err
		}
		from, to := StageIndex(e.Stage), StageIndex(toStage)
		if from < 0 || to <= from || e.Closed() {
			return nil
		}
		day, _, err := engTenantToday(ctx, db, now)
		if err != nil {
			return err
		}
		today := day.Format(time.DateOnly)
		if on == "" {
			on = today
		}
		var last string
		if err := t.Select((*Move)(nil)).ColumnExpr("COALESCE(MAX(em.moved_on), '')").Where("em.engagement_id = ?", e.ID).Scan(ctx, &last); err != nil {
			return err
		}
		on = max(on, last, e.OpenedOn)
		on = min(on, today)
		skipped, err := skippedStages(ctx, db, e.ID, from, to)
		if err != nil {
			return err
		}
		at := database.Now()
		m := &Move{ID: database.NewID(), EngagementID: e.ID, FromStage: e.Stage, ToStage: toStage, MovedOn: on, MovedBy: sc.UserID,
			Reason: why, Skipped: skipped, CreatedAt: at}
		detail := StageOf(e.Stage).Label + " → " + StageOf(toStage).Label + ", " + on + " (" + why + ")"
		if len(skipped) > 0 {
			detail += "; skipped " + StageLabels(skipped)
		}
		return engagementFlow.Apply(ctx, db, log, steps.Move{ID: e.ID, From: e.Stage, To: toStage,
			Set: []steps.Cond{steps.C("updated_at = ?", at)}, History: m, Action: "engagement.advance", Detail: detail})
	})
}

// Unfinished says what an engagement leaves undone if it closes now: goals of its plan not
// met, a plan the program has not agreed to, no post-assessment. The caller may change it
// (CanMove).
func (s *Engagements) Unfinished(ctx context.Context, e *Engagement) ([]string, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var out []string
	p := new(Plan)
	err = t.Select(p).Where("qp.engagement_id = ?", e.ID).OrderExpr("qp.created_at").Limit(1).Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err == nil {
		var goals []Goal
		if err := t.Select(&goals).Where("qg.plan_id = ?", p.ID).OrderExpr("qg.position, qg.created_at").Scan(ctx); err != nil {
			return nil, err
		}
		if p.Status != PlanAgreed && len(goals) > 0 {
			out = append(out, "The quality improvement plan still waits for the program's agreement.")
		}
		for _, g := range goals {
			if g.Status != GoalMet {
				out = append(out, "Goal not met ("+strings.ToLower(g.StatusLabel())+"): "+g.Text)
			}
		}
	}
	post, err := t.Select((*Assessment)(nil)).Where("asm.engagement_id = ? AND asm.phase = ?", e.ID, PhasePost).Count(ctx)
	if err != nil {
		return nil, err
	}
	if post == 0 {
		out = append(out, "No post-assessment is recorded.")
	}
	return out, nil
}
