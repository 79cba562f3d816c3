package server

import (
	"testing"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/demo"
)

// TestBrowserChildOutcomeAtClose: in headless Chromium, the demo consultant records the child's
// details on the demo child and family engagement, then closes it: the confirmation asks where
// the child is now, refuses to close without it (the message beside the question), and closes
// with it; the engagement page then says where the child went. The tenant admin's equity view
// counts it as "fewer than 10".
func TestBrowserChildOutcomeAtClose(t *testing.T) {
	env := newTestEnv(t)
	child := env.demoEngagement("illinois", consultation.FocusChildFamily)
	engURL := "/t/illinois/engagements/" + child.ID

	maria := openBrowser(t, env)
	maria.who = "Maria"
	maria.signIn(demo.SharedConsultantEmail)
	maria.open(engURL, "main")
	maria.says("The child’s details", "Hispanic or Latino", "Dual-language learner")
	maria.choose("child_iep_ifsp", "Yes")
	maria.press("Save the child’s details")
	maria.says("The child’s details are saved.", "IEP or IFSP")

	maria.fill(map[string]string{"advance-to_stage": consultation.StageClosed, "advance-reason": "The family moved out of the county."})
	maria.press("Move forward")
	maria.says("Close the engagement?", "Where is the child now?", "Stayed in the setting", "Expelled or suspended")
	maria.screenshot("child-01-close-asks-where")
	maria.press("Yes, close the engagement")
	maria.says("Where is the child now?", "Say where the child is now")
	if env.count("engagements", "id = ? AND stage = ?", child.ID, consultation.StageClosed) != 0 {
		t.Fatal("the engagement closed without where the child is now")
	}
	maria.fill(map[string]string{}, "child_outcome-moved")
	maria.press("Yes, close the engagement")
	maria.says("The engagement is closed.", "Where the child is now", "Moved to another setting")
	if env.count("engagements", "id = ? AND child_outcome = ? AND child_iep_ifsp = ?", child.ID, consultation.OutcomeMoved, "yes") != 1 {
		t.Fatal("the outcome and details are not stored")
	}

	admin := maria.another("the tenant admin")
	admin.signIn("admin@illinois.example")
	admin.open("/t/illinois/reports/child-outcomes", "main")
	admin.says("Child outcomes and equity", "fewer than 10", "How counts are kept private")
	admin.screenshot("child-02-equity-view")
}
