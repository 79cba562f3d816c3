package consultation_test

import (
	"context"
	"testing"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// No list runs a statement per row it shows (issue 14): the statements of a page of
// engagements — with their flags, the filter's choices and the counts — and of a page of
// sessions are the same for one row as for a full page, for every role.
func TestListStatementsDoNotGrowWithRows(t *testing.T) {
	w := newEngWorld(t)
	roles := map[string]context.Context{
		"admin":      w.ctx(authz.TenantAdmin, w.admin, ""),
		"consultant": w.ctx(authz.Consultant, w.ben, ""),
		"supervisor": w.ctx(authz.Supervisor, w.sue, ""),
		"program":    w.ctx(authz.Program, w.prog, w.hmg),
		"funder":     w.ctx(authz.Funder, w.fund, w.funder),
	}
	statements := func(ctx context.Context) (int64, int) {
		ctx, stats := database.WithStats(ctx)
		p, err := w.svc.List(ctx, consultation.CaseloadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.StageCounts(ctx, consultation.CaseloadFilter{}, p.Today); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.FilterChoices(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.RecentSessions(ctx, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.OverdueFollowUpsOn(ctx, 50, p.Today); err != nil {
			t.Fatal(err)
		}
		return stats.Statements(), len(p.Rows)
	}
	w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg})
	before := map[string]int64{}
	for role, ctx := range roles {
		before[role], _ = statements(ctx)
	}
	for i := 0; i < consultation.CaseloadPageSize+5; i++ {
		w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg,
			Stage: consultation.StageImplementation, Contacts: i % 3, LastContactOn: "2026-03-01"})
	}
	for role, ctx := range roles {
		n, rows := statements(ctx)
		if (role == "admin" || role == "consultant" || role == "program") && rows != consultation.CaseloadPageSize {
			t.Errorf("%s: %d rows, want a full page", role, rows)
		}
		if n != before[role] {
			t.Errorf("%s: %d statements for a full page, %d for one row", role, n, before[role])
		}
	}
}

// A whole page of engagements (issue 14) reads who the person sees once, then the page with
// its flags in one statement and the filter's programs with the counts in another: with the
// tenant's date, at most four statements for every role, whatever the page's size; the
// caseload adds its follow-ups and its sessions, one each. The filter's consultants are one
// statement more the first time in a minute (kept after it: filterConsultants).
func TestEngagementPageStatements(t *testing.T) {
	w := newEngWorld(t)
	for i := 0; i < consultation.CaseloadPageSize+5; i++ {
		w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie,
			Stage: consultation.StageImplementation, Contacts: i % 3, LastContactOn: "2026-03-01"})
	}
	w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg})
	roles := map[string]context.Context{
		"admin":      w.ctx(authz.TenantAdmin, w.admin, ""),
		"consultant": w.ctx(authz.Consultant, w.ana, ""),
		"supervisor": w.ctx(authz.Supervisor, w.sue, ""),
		"program":    w.ctx(authz.Program, w.prog, w.prairie),
		"funder":     w.ctx(authz.Funder, w.fund, w.funder),
	}
	for role, ctx := range roles {
		sctx, stats := database.WithStats(ctx)
		if _, err := w.svc.ListAll(sctx, consultation.CaseloadFilter{}, consultation.ListWant{Choices: true, Counts: true}); err != nil {
			t.Fatal(err)
		}
		if n := stats.Statements(); n > 5 {
			t.Errorf("%s: the first engagements page of the minute ran %d statements, want at most 5", role, n)
		}
		for _, f := range []consultation.CaseloadFilter{{}, {ProgramID: w.prairie, Flagged: true}} {
			sctx, stats := database.WithStats(ctx)
			r, err := w.svc.ListAll(sctx, f, consultation.ListWant{Choices: true, Counts: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Page.Rows) == 0 && f == (consultation.CaseloadFilter{}) {
				t.Errorf("%s sees no engagement", role)
			}
			if n := stats.Statements(); n > 4 {
				t.Errorf("%s, %+v: the engagements page ran %d statements, want at most 4", role, f, n)
			}
			sctx, stats = database.WithStats(ctx)
			if _, err := w.svc.ListAll(sctx, f, consultation.ListWant{Choices: true, Caseload: true}); err != nil {
				t.Fatal(err)
			}
			if n := stats.Statements(); n > 6 {
				t.Errorf("%s, %+v: the caseload ran %d statements, want at most 6", role, f, n)
			}
		}
	}
}

// The sessions list: the same statements for one session as for a page.
func TestSessionListStatementsDoNotGrowWithRows(t *testing.T) {
	w := newSessWorld(t)
	for _, role := range []string{authz.TenantAdmin, authz.Consultant, authz.Supervisor, authz.Program} {
		var counts []int64
		for _, limit := range []int{1, 8} {
			ctx, stats := database.WithStats(w.as(role, ""))
			p, err := w.svc.List(ctx, consultation.SessionFilter{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Sessions) == 0 {
				t.Fatalf("%s sees no session", role)
			}
			counts = append(counts, stats.Statements())
		}
		if counts[0] != counts[1] {
			t.Errorf("%s: %d statements for one session, %d for a page", role, counts[0], counts[1])
		}
	}
}
