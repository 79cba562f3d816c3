package amendments_test

import (
	"context"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// Benchmarks of deciding, on PostgreSQL when HOLDSPACE_TEST_DATABASE_URL is set (SQLite
// otherwise). Targets (issue 11): a funder's inbox first page with 10,000 amendments in the
// tenant under 30 ms; classifying a 50-line proposal under 1 ms; submitting and deciding under
// 20 ms each.
//
//	HOLDSPACE_TEST_DATABASE_URL=... go test -run '^$' -bench . ./app/amendments/

// BenchmarkInboxFirstPage: the first page (25) of funder A's inbox, newest first and most
// overdue first, with 10,000 amendments in the tenant, about a third waiting on funder A.
func BenchmarkInboxFirstPage(b *testing.B) {
	w := newWorld(b)
	const total = 10_000
	t, err := database.For(w.admin, w.db)
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]*amendments.Amendment, 0, 500)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := database.InsertMany(t, batch).Exec(w.admin); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := 0; i < total; i++ {
		f := w.fundingA
		if i%3 == 1 {
			f = w.fundingB
		}
		submitted := w.now.Add(-time.Duration(i) * time.Minute)
		opened := submitted
		a := &amendments.Amendment{ID: database.NewID(), Number: i + 1, FundingID: f.ID, ProgramID: f.ProgramID, FunderID: f.FunderID,
			Status: amendments.StatusSubmitted, Class: amendments.ClassApproval, Version: 1, Steps: twoSteps, StepOpenedAt: &opened,
			StepDueOn: submitted.AddDate(0, 0, 30-(i%60)).Format(time.DateOnly), EffectiveOn: "2027-01-01",
			CreatedBy: w.users["Latoya Brooks"], CreatedAt: submitted, UpdatedAt: submitted, SubmittedAt: &submitted,
			BeforeCents: 100_000_00, AfterCents: 100_000_00}
		switch i % 3 {
		case 2: // the rest: half waiting on the admins' step, half decided
			if i%2 == 0 {
				a.Step = 1
				a.WaitingOn = amendments.DeciderTenantAdmin
			} else {
				a.Status = amendments.StatusApproved
			}
		default:
			a.WaitingOn = amendments.WaitingOn(a, twoSteps[0])
		}
		batch = append(batch, a)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
	if dbtest.IsPostgres(w.db) {
		if _, err := w.owner.ExecContext(context.Background(), "ANALYZE amendments"); err != nil {
			b.Fatal(err)
		}
	}
	for _, order := range []string{amendments.OrderNewest, amendments.OrderOverdue} {
		b.Run(order, func(b *testing.B) {
			ctx := w.robert()
			for b.Loop() {
				items, next, err := w.svc.Inbox(ctx, amendments.InboxFilter{Order: order})
				if err != nil || len(items) != 25 || next == "" {
					b.Fatalf("%d items, next %q: %v", len(items), next, err)
				}
			}
		})
	}
}

// The classification of a 50-line proposal is BenchmarkClassify50Lines (classify_test.go).

// BenchmarkDecideApproveStep: a funder approves the first of two steps (the decision row,
// the move, the audit event, the next step opened and its task queued).
func BenchmarkDecideApproveStep(b *testing.B) {
	w := newWorld(b)
	ctx := w.robert()
	// Amendments to decide, made outside the timer as they run out.
	var pool []*amendments.Amendment
	for b.Loop() {
		if len(pool) == 0 {
			b.StopTimer()
			for range 50 {
				pool = append(pool, w.amend(b, amendOpts{}))
			}
			b.StartTimer()
		}
		a := pool[0]
		pool = pool[1:]
		if _, err := w.svc.Decide(ctx, a.ID, approve(a)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmit: a program submits a draft that adds the I/ECMH consultation line (the
// classification, the version, the budget held, the first step opened, the history, the audit
// event and the step's task queued). Each submission is withdrawn outside the timer, so the
// funding is free for the next.
func BenchmarkSubmit(b *testing.B) {
	w := newWorld(b)
	prog := programs.NewService(w.db, tenants.NewStore(w.db), audit.New(w.db))
	if _, err := prog.ApplyBudget(w.admin, programs.BudgetChange{FundingID: w.fundingA.ID, EffectiveOn: "2026-07-01", Lines: []programs.VersionLine{
		{Category: "Personnel", AmountCents: 96_000_00}, {Category: "Fringe benefits", AmountCents: 24_000_00},
		{Category: "Supplies", AmountCents: 3_500_00}, {Category: "Indirect costs", AmountCents: 9_000_00}}}); err != nil {
		b.Fatal(err)
	}
	admin := w.denise()
	if _, err := w.svc.ApplyTemplate(admin, w.funderA.ID, amendments.TemplateTwoTiers, ""); err != nil {
		b.Fatal(err)
	}
	latoya := w.latoya()
	f, err := prog.FundingByID(latoya, w.fundingA.ID)
	if err != nil {
		b.Fatal(err)
	}
	in := amendments.ProposalInput{FundingID: f.ID, Justification: "Add consultation for the home visitors.", EffectiveOn: "2027-01-01"}
	for _, l := range f.Lines {
		li := amendments.LineInput{BudgetLineID: l.ID, Category: l.Category, Proposed: money.Cents(l.AmountCents).Input()}
		if l.Category == "Personnel" {
			li.Proposed, li.Justification = "83,500.00", "The open post pays for it."
		}
		in.Lines = append(in.Lines, li)
	}
	in.Lines = append(in.Lines, amendments.LineInput{Category: "I/ECMH consultation", Proposed: "12,500.00", Justification: "Two days a month."})
	for b.Loop() {
		b.StopTimer()
		d, err := w.svc.SaveDraft(latoya, "", in)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := w.svc.Submit(latoya, d.ID); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if _, err := w.svc.Withdraw(latoya, d.ID, "benchmark"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
