package amendments

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/web/webtest"
)

var rowWords = []string{"", "Prairie Families", `<script>alert("x")</script>`, "A & B + C", "O'Neil", "nul\x00", "bad \xff",
	"é ü 漢字", "a.b+c@example.org", "x y@z", "%41%zz", "javascript:alert(1)", "FY 2025–26"}

func rowWord(r *rand.Rand) string { return rowWords[r.IntN(len(rowWords))] }

var rowStatuses = []string{StatusDraft, StatusSubmitted, StatusReturned, StatusApproved, StatusRecorded, StatusDenied, StatusWithdrawn, "odd<"}

func randomAmendment(r *rand.Rand) Amendment {
	a := Amendment{ID: rowWord(r) + "id", Number: r.IntN(2000) - 5, Status: rowStatuses[r.IntN(len(rowStatuses))],
		Class: []string{ClassNotice, ClassApproval, ClassTotal, "", "x&y"}[r.IntN(5)], Overdue: r.IntN(3) == 0,
		StepDueOn:   []string{"", "2026-02-28", "2026-13-40", rowWord(r)}[r.IntN(4)],
		BeforeCents: money.Cents(r.Int64N(1e9) - 1e8), AfterCents: money.Cents(r.Int64N(1e9) - 1e8),
		ProgramName: rowWord(r), FunderName: rowWord(r), FYLabel: rowWord(r), Step: r.IntN(4) - 1}
	if r.IntN(5) > 0 {
		a.UpdatedAt = time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, 0, time.FixedZone("x", -6*3600))
	}
	for range r.IntN(3) {
		a.Steps = append(a.Steps, StepSnapshot{Name: rowWord(r)})
	}
	return a
}

// TestListRowsHTMLIsTheTemplate: the list's rows written in Go are what the template writes,
// for program people and the others, on random amendments.
func TestListRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for round := range 400 {
		d := struct {
			Base       string
			IsProgram  bool
			Amendments []Amendment
		}{Base: []string{"/t/volume/amendments", "/t/a-b/amendments"}[r.IntN(2)], IsProgram: r.IntN(2) == 0}
		for range r.IntN(6) {
			d.Amendments = append(d.Amendments, randomAmendment(r))
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), listRowsTemplate, d, listRowsHTML(d.Base, d.IsProgram, d.Amendments))
	}
}

// TestInboxRowsHTMLIsTheTemplate: the inbox's rows written in Go are what the template writes.
func TestInboxRowsHTMLIsTheTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for round := range 400 {
		d := struct {
			Base string
			Rows []InboxRow
		}{Base: "/t/volume/amendments"}
		for range r.IntN(6) {
			d.Rows = append(d.Rows, InboxRow{A: randomAmendment(r), Days: r.IntN(400), Overdue: r.IntN(2) == 0})
		}
		webtest.SameAsTemplate(t, fmt.Sprintf("round %d", round), inboxRowsTemplate, d, inboxRowsHTML(d.Base, d.Rows))
	}
}
