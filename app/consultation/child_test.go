package consultation_test

import (
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
)

// TestChildOutcomeAtClose: a child and family engagement closes only with where the child is
// now (the field named, nothing written without it); other foci close as before, and their
// outcome stays empty whatever is sent; reopening asks again at the next close.
func TestChildOutcomeAtClose(t *testing.T) {
	w := newEngWorld(t)
	ana := w.ctx(authz.Consultant, w.ana, "")
	child, err := w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusChildFamily,
		ChildInitials: "jr", ChildAgeBand: "2–3 years"})
	if err != nil {
		t.Fatal(err)
	}
	close := consultation.MoveInput{ToStage: consultation.StageClosed, Reason: "The family moved away."}
	moves := w.count(t, "engagement_moves", "engagement_id = ?", child.ID)
	audits := w.count(t, "audit_events", "record_id = ?", child.ID)

	t.Run("ErrChildOutcomeRequired", func(t *testing.T) {
		for _, outcome := range []string{"", "somewhere", " "} {
			in := close
			in.ChildOutcome = outcome
			_, err := w.svc.Advance(ana, child.ID, in)
			wantInvalid(t, err, "child_outcome")
			if msg := apperr.FieldsOf(err)["child_outcome"]; !strings.Contains(msg, "where the child is now") {
				t.Errorf("the message does not say what is missing: %q", msg)
			}
		}
		if n := w.count(t, "engagements", "id = ? AND stage = ? AND closed_on = '' AND child_outcome = ''", child.ID, consultation.StageInitialContact); n != 1 {
			t.Fatal("a refused close changed the engagement")
		}
		if w.count(t, "engagement_moves", "engagement_id = ?", child.ID) != moves || w.count(t, "audit_events", "record_id = ?", child.ID) != audits {
			t.Fatal("a refused close wrote a move or an audit event")
		}
	})

	t.Run("OK", func(t *testing.T) {
		in := close
		in.ChildOutcome = consultation.OutcomeMoved
		got, err := w.svc.Advance(ana, child.ID, in)
		if err != nil || !got.Closed() || got.ChildOutcome != consultation.OutcomeMoved || got.ChildOutcomeLabel() != "Moved to another setting" {
			t.Fatalf("close: %+v %v", got, err)
		}
		if w.count(t, "engagements", "id = ? AND stage = ? AND child_outcome = ?", child.ID, consultation.StageClosed, consultation.OutcomeMoved) != 1 {
			t.Fatal("the outcome is not stored")
		}
		if w.count(t, "audit_events", "record_id = ? AND action = ? AND detail LIKE ?", child.ID, "engagement.advance", "%where the child is now recorded%") != 1 {
			t.Fatal("the close is not audited with its outcome")
		}
	})

	t.Run("ReopenAsksAgain", func(t *testing.T) {
		got, err := w.svc.Reopen(ana, child.ID, consultation.MoveInput{Reason: "The family came back."})
		if err != nil || got.ChildOutcome != "" {
			t.Fatalf("reopen: %+v %v", got, err)
		}
		if w.count(t, "engagements", "id = ? AND child_outcome = ''", child.ID) != 1 {
			t.Fatal("the outcome of the earlier close is kept on an open engagement")
		}
		_, err = w.svc.Advance(ana, child.ID, close)
		wantInvalid(t, err, "child_outcome")
	})

	t.Run("OtherFociCloseAsBefore", func(t *testing.T) {
		prog, err := w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusProgram})
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.svc.Advance(ana, prog.ID, consultation.MoveInput{ToStage: consultation.StageClosed, Reason: "Done.",
			ChildOutcome: consultation.OutcomeStayed})
		if err != nil || !got.Closed() {
			t.Fatalf("close: %+v %v", got, err)
		}
		if w.count(t, "engagements", "id = ? AND child_outcome = ''", prog.ID) != 1 {
			t.Fatal("a program focus stored a child's outcome")
		}
	})
}

// TestChildDetails: the optional details on the start form and on their own form, each bad
// value refused by name with nothing written; only for a child focus, only by the holder or a
// tenant admin; audited without the values.
func TestChildDetails(t *testing.T) {
	w := newEngWorld(t)
	ana := w.ctx(authz.Consultant, w.ana, "")
	start := consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusChildFamily, ChildInitials: "AB",
		ChildAgeBand: "1–2 years"}

	t.Run("ErrStartDetails", func(t *testing.T) {
		in := start
		in.Child = consultation.ChildDetailsInput{RaceEthnicity: "martian", Sex: "x", DLL: "maybe", IEPIFSP: "2"}
		before := w.count(t, "engagements", "1 = 1")
		_, err := w.svc.Start(ana, in)
		wantInvalid(t, err, "child_race_ethnicity", "child_sex", "child_dll", "child_iep_ifsp")
		if w.count(t, "engagements", "1 = 1") != before {
			t.Fatal("a refused start wrote an engagement")
		}
	})

	in := start
	in.Child = consultation.ChildDetailsInput{RaceEthnicity: "hispanic_latino", Sex: "female", DLL: "yes"}
	e, err := w.svc.Start(ana, in)
	if err != nil {
		t.Fatal(err)
	}
	if w.count(t, "engagements", "id = ? AND child_race_ethnicity = ? AND child_sex = ? AND child_dll = ? AND child_iep_ifsp = ''",
		e.ID, "hispanic_latino", "female", "yes") != 1 {
		t.Fatal("the details of the start form are not stored")
	}
	// A program focus ignores them.
	p, err := w.svc.Start(ana, consultation.StartInput{AssignmentID: w.anaPrairie, Focus: consultation.FocusProgram,
		Child: consultation.ChildDetailsInput{RaceEthnicity: "white"}})
	if err != nil || w.count(t, "engagements", "id = ? AND child_race_ethnicity = ''", p.ID) != 1 {
		t.Fatalf("a program focus stored a child's details: %v", err)
	}

	t.Run("ErrDetails", func(t *testing.T) {
		audits := w.count(t, "audit_events", "record_id = ?", e.ID)
		_, err := w.svc.SetChildDetails(ana, e.ID, consultation.ChildDetailsInput{RaceEthnicity: "white", Sex: "<b>", DLL: "no"})
		wantInvalid(t, err, "child_sex")
		if w.count(t, "engagements", "id = ? AND child_race_ethnicity = ? AND child_dll = ?", e.ID, "hispanic_latino", "yes") != 1 ||
			w.count(t, "audit_events", "record_id = ?", e.ID) != audits {
			t.Fatal("refused details were written")
		}
	})
	t.Run("OK", func(t *testing.T) {
		got, err := w.svc.SetChildDetails(ana, e.ID, consultation.ChildDetailsInput{RaceEthnicity: "two_or_more", Sex: "female", IEPIFSP: "yes"})
		if err != nil || got.ChildRaceEthnicityLabel() != "Two or more races" || got.ChildDLLLabel() != consultation.NotRecorded || got.ChildIEPIFSPLabel() != "Yes" {
			t.Fatalf("details: %+v %v", got, err)
		}
		if w.count(t, "engagements", "id = ? AND child_race_ethnicity = ? AND child_dll = '' AND child_iep_ifsp = ?", e.ID, "two_or_more", "yes") != 1 {
			t.Fatal("the details are not stored")
		}
		if w.count(t, "audit_events", "record_id = ? AND action = ? AND detail = ?", e.ID, "engagement.child_details",
			"Child’s details changed: race or ethnicity, dual-language learner, IEP or IFSP") != 1 {
			t.Fatal("the change is not audited by which details changed")
		}
		if w.count(t, "audit_events", "record_id = ? AND detail LIKE ?", e.ID, "%two_or_more%") != 0 {
			t.Fatal("the audit log holds a child's details")
		}
	})
	t.Run("ErrNotAChildFocus", func(t *testing.T) {
		if _, err := w.svc.SetChildDetails(ana, p.ID, consultation.ChildDetailsInput{Sex: "male"}); apperr.Code(err) != apperr.ECONFLICT {
			t.Fatalf("details on a program focus: %v", err)
		}
	})
	t.Run("ErrWho", func(t *testing.T) {
		if _, err := w.svc.SetChildDetails(w.ctx(authz.Supervisor, w.sue, ""), e.ID, consultation.ChildDetailsInput{}); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Fatalf("a supervisor changed the details: %v", err)
		}
		if _, err := w.svc.SetChildDetails(w.ctx(authz.Funder, w.fund, w.funder), e.ID, consultation.ChildDetailsInput{}); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Fatalf("a funder changed the details: %v", err)
		}
		if _, err := w.svc.SetChildDetails(w.ctx(authz.Consultant, w.ben, ""), e.ID, consultation.ChildDetailsInput{}); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("another consultant found it: %v", err)
		}
	})
}
