package amendments_test

import (
	"context"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// Paging the list by its cursor shows every amendment once, overdue ones first, when many
// were changed at the same instant (the id orders them) and across the overdue boundary.
func TestListPagesShowEachOnce(t *testing.T) {
	e := newEnv(t)
	in := amendments.ProposalInput{FundingID: e.funding, Lines: e.lines(t, e.funding, map[string]string{"Personnel": "100,000"}),
		Justification: "More staff.", EffectiveOn: "2026-03-01"}
	owner := dbtest.Owner(t, e.db)
	same := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	want := map[string]bool{}
	for i := 0; i < 13; i++ {
		a, err := e.svc.SaveDraft(e.programCtx, "", in)
		if err != nil {
			t.Fatal(err)
		}
		want[a.ID] = true
		q := owner.NewUpdate().Table("amendments").Where("id = ?", a.ID).Set("overdue = ?", i%4 == 0)
		if i%2 == 0 {
			q = q.Set("updated_at = ?", same)
		}
		if _, err := q.Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	after, pastOverdue := "", false
	for page := 0; page < 10; page++ {
		list, err := e.svc.List(e.programCtx, amendments.ListFilter{Limit: 3, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		for _, a := range list {
			if seen[a.ID] {
				t.Fatalf("%s shown twice", a.ID)
			}
			if a.Overdue && pastOverdue {
				t.Fatal("an overdue amendment comes after one that is not")
			}
			pastOverdue = pastOverdue || !a.Overdue
			seen[a.ID] = true
		}
		after = list[len(list)-1].Cursor()
	}
	for id := range want {
		if !seen[id] {
			t.Fatalf("%s never shown", id)
		}
	}
}
