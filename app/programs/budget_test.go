package programs_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// budgetEnv is a tenant with a person, a program and a MIECHV funding of this fiscal year:
// Personnel $100,000.00 and Travel $2,000.00.
type budgetEnv struct {
	*env
	ctx     context.Context // the tenant admin, a person
	task    context.Context // a task: the tenant only
	userID  string
	program *tenants.Organisation
	funder  *tenants.Organisation
	funding *programs.Funding
	tn      *tenants.Tenant
}

func newBudgetEnv(t *testing.T) *budgetEnv {
	t.Helper()
	e := newEnv(t)
	ctx := e.tenant(t, "il", "Illinois", "IL")
	userID := database.NewID()
	now := database.Now()
	if _, err := dbtest.Owner(t, e.db).NewRaw("INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		userID, "dana@example.org", "Dana Reyes", now, now).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	sc, _ := database.ScopeFrom(ctx)
	task := database.WithScope(context.Background(), database.Scope{TenantID: sc.TenantID})
	sc.UserID = userID
	ctx = database.WithScope(ctx, sc)
	if _, err := e.svc.AddUsualFunders(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.CreateProgram(ctx, programs.ProgramInput{Name: "Prairie Families", Kind: "home_visiting", County: "Cook"})
	if err != nil {
		t.Fatal(err)
	}
	miechv := e.funderNamed(t, ctx, "MIECHV")
	f, err := e.svc.AddFunding(ctx, p.ID, programs.FundingInput{FunderID: miechv.ID, FiscalYear: strconv.Itoa(e.currentFY(t, ctx, programs.CalendarFederal)),
		Lines: []programs.LineInput{{Category: "Personnel", Amount: "100,000"}, {Category: "Travel", Amount: "2,000"}}})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := e.svc.Tenant(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &budgetEnv{env: e, ctx: ctx, task: task, userID: userID, program: p, funder: miechv, funding: f, tn: tn}
}

func lines(kv ...any) []programs.VersionLine {
	var out []programs.VersionLine
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, programs.VersionLine{Category: kv[i].(string), AmountCents: money.Cents(kv[i+1].(int))})
	}
	return out
}

func linesText(ls []programs.VersionLine) string {
	var b []string
	for _, l := range ls {
		b = append(b, l.Category+"="+l.AmountCents.String())
	}
	return strings.Join(b, ", ")
}

func budgetLinesText(ls []programs.BudgetLine) string {
	var b []string
	for _, l := range ls {
		b = append(b, fmt.Sprintf("%s=%s@%d", l.Category, l.Amount(), l.Position))
	}
	return strings.Join(b, ", ")
}

// current reads the funding as stored.
func (b *budgetEnv) current(t *testing.T) *programs.Funding {
	t.Helper()
	f, err := b.svc.FundingByID(b.ctx, b.funding.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (b *budgetEnv) versions(t *testing.T) []programs.BudgetVersion {
	t.Helper()
	list, err := b.svc.BudgetVersions(b.ctx, b.funding.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestFundingStartsItsHistory(t *testing.T) {
	b := newBudgetEnv(t)
	list := b.versions(t)
	if len(list) != 1 {
		t.Fatalf("got %d versions after adding the funding, want 1", len(list))
	}
	v := list[0]
	// MIECHV budgets on the federal calendar (October): FY N starts on October 1st of N-1.
	wantStart := fmt.Sprintf("%d-10-01", b.funding.FiscalYear-1)
	if v.Number != 1 || v.Reason != programs.ReasonSetUp || v.EffectiveOn != wantStart || v.AmendmentID != "" ||
		linesText(v.Lines) != "Personnel=$100,000.00, Travel=$2,000.00" || v.TotalCents != 102_000_00 ||
		v.CreatedBy != b.userID || v.CreatorName != "Dana Reyes" {
		t.Fatalf("got version %+v, want 1, %q, effective %s, both lines, $102,000.00, by Dana Reyes", v, programs.ReasonSetUp, wantStart)
	}

	t.Run("AnEditMakesTheNextVersion", func(t *testing.T) {
		_, err := b.svc.UpdateFunding(b.ctx, b.program.ID, b.funding.ID, programs.FundingInput{IECMHCFunded: true,
			Lines: []programs.LineInput{{Category: "Personnel", Amount: "90,000"}, {Category: "Travel", Amount: "0"}, {Category: "I/ECMH consultation", Amount: "12,000"}}})
		if err != nil {
			t.Fatal(err)
		}
		list := b.versions(t)
		if len(list) != 2 {
			t.Fatalf("got %d versions, want 2", len(list))
		}
		v := list[0]
		today := b.tn.Local(time.Now()).Format(time.DateOnly)
		if v.Number != 2 || v.Reason != programs.ReasonEdited || v.EffectiveOn != max(today, wantStart) ||
			linesText(v.Lines) != "Personnel=$90,000.00, I/ECMH consultation=$12,000.00" || v.TotalCents != 102_000_00 {
			t.Fatalf("got %+v, want version 2 without Travel (at $0)", v)
		}
		f := b.current(t)
		if budgetLinesText(f.Lines) != "Personnel=$90,000.00@0, I/ECMH consultation=$12,000.00@1" || !f.IECMHCFunded {
			t.Fatalf("got lines %s", budgetLinesText(f.Lines))
		}
	})
	t.Run("TheSameLinesMakeNoVersion", func(t *testing.T) {
		if _, err := b.svc.UpdateFunding(b.ctx, b.program.ID, b.funding.ID, programs.FundingInput{IECMHCFunded: false,
			Lines: []programs.LineInput{{Category: "Personnel", Amount: "$90,000.00"}, {Category: "I/ECMH consultation", Amount: "12000"}}}); err != nil {
			t.Fatal(err)
		}
		if n := len(b.versions(t)); n != 2 {
			t.Fatalf("got %d versions after changing only the I/ECMHC box, want 2", n)
		}
		if b.current(t).IECMHCFunded {
			t.Fatal("the I/ECMHC box was not saved")
		}
	})
	t.Run("ErrBadLinesWriteNothing", func(t *testing.T) {
		before := b.count(t, "budget_versions")
		_, err := b.svc.UpdateFunding(b.ctx, b.program.ID, b.funding.ID, programs.FundingInput{
			Lines: []programs.LineInput{{Category: "Personnel", Amount: "1"}, {Category: "Personnel", Amount: "2"}}})
		wantFields(t, err, apperr.EINVALID, "line_category_1")
		if !strings.Contains(apperr.FieldsOf(err)["line_category_1"], "Personnel is line 1 already") {
			t.Errorf("got %q", apperr.FieldsOf(err)["line_category_1"])
		}
		_, err = b.svc.UpdateFunding(b.ctx, b.program.ID, b.funding.ID, programs.FundingInput{
			Lines: []programs.LineInput{{Category: "Personnel", Amount: "0"}, {Category: "Travel", Amount: "0.00"}}})
		wantFields(t, err, apperr.EINVALID, "lines")
		if after := b.count(t, "budget_versions"); after != before {
			t.Fatalf("versions went from %d to %d", before, after)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		for action, want := range map[string]string{"funding.create": "budget version 1", "funding.update": "budget version 2"} {
			events, _, err := b.log.List(b.ctx, audit.Filter{Action: action})
			if err != nil || len(events) == 0 || !strings.Contains(events[len(events)-1].Detail, want) {
				t.Errorf("%s: got %+v (%v), want a detail with %q", action, events, err, want)
			}
		}
	})
}

func TestApplyBudget(t *testing.T) {
	b := newBudgetEnv(t)
	before := b.current(t)
	personnelID := before.Lines[0].ID

	t.Run("LinesAtZeroAreRemovedAndTotalsAdd", func(t *testing.T) {
		v, err := b.svc.ApplyBudget(b.task, programs.BudgetChange{FundingID: b.funding.ID, EffectiveOn: "2026-03-01", Reason: "Moved travel to training",
			Lines: lines("Personnel", 95_000_00, "Travel", 0, "Training", 7_000_50)})
		if err != nil {
			t.Fatal(err)
		}
		if v.Number != 2 || v.TotalCents != 102_000_50 || linesText(v.Lines) != "Personnel=$95,000.00, Training=$7,000.50" ||
			v.EffectiveOn != "2026-03-01" || v.Reason != "Moved travel to training" || v.CreatedBy != "" {
			t.Fatalf("got %+v", v)
		}
		f := b.current(t)
		if budgetLinesText(f.Lines) != "Personnel=$95,000.00@0, Training=$7,000.50@1" || f.Total() != 102_000_50 {
			t.Fatalf("got lines %s, total %d", budgetLinesText(f.Lines), f.Total())
		}
		// A category it keeps keeps its line: an amendment's lines name it.
		if f.Lines[0].ID != personnelID {
			t.Errorf("Personnel's line is %s now, was %s", f.Lines[0].ID, personnelID)
		}
		if n := b.count(t, "budget_lines"); n != 2 {
			t.Errorf("%d budget lines are stored, want 2", n)
		}
	})
	t.Run("DefaultsToTodayInTheTenantsTimeZone", func(t *testing.T) {
		v, err := b.svc.ApplyBudget(b.ctx, programs.BudgetChange{FundingID: b.funding.ID, Lines: lines("Personnel", 95_000_00, "Training", 7_000_50)})
		if err != nil {
			t.Fatal(err)
		}
		if today := b.tn.Local(time.Now()).Format(time.DateOnly); v.EffectiveOn != today || v.Number != 3 || v.Reason != programs.ReasonEdited || v.CreatedBy != b.userID {
			t.Fatalf("got %+v, want version 3 effective %s by the person", v, today)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		n := b.count(t, "budget_versions")
		for name, ch := range map[string]programs.BudgetChange{
			"NotACategory":  {FundingID: b.funding.ID, Lines: lines("Snacks", 100)},
			"TwoLinesOfOne": {FundingID: b.funding.ID, Lines: lines("Travel", 100, "Travel", 200)},
			"Negative":      {FundingID: b.funding.ID, Lines: lines("Travel", -100)},
			"BadDate":       {FundingID: b.funding.ID, Lines: lines("Travel", 100), EffectiveOn: "03/01/2026"},
		} {
			if _, err := b.svc.ApplyBudget(b.task, ch); apperr.Code(err) != apperr.EINVALID {
				t.Errorf("%s: got %v, want EINVALID", name, err)
			}
		}
		for _, id := range []string{"nope", database.NewID()} {
			if _, err := b.svc.ApplyBudget(b.task, programs.BudgetChange{FundingID: id, Lines: lines("Travel", 100)}); apperr.Code(err) != apperr.ENOTFOUND {
				t.Errorf("funding %s: got %v, want ENOTFOUND", id, err)
			}
		}
		other := b.tenant2(t)
		if _, err := b.svc.ApplyBudget(other, programs.BudgetChange{FundingID: b.funding.ID, Lines: lines("Travel", 100)}); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("another tenant: got %v, want ENOTFOUND", err)
		}
		if after := b.count(t, "budget_versions"); after != n {
			t.Fatalf("versions went from %d to %d", n, after)
		}
	})
	t.Run("InTheCallersTransaction", func(t *testing.T) {
		n := b.count(t, "budget_versions")
		err := database.InTx(b.task, b.db, func(ctx context.Context) error {
			if _, err := b.svc.ApplyBudget(ctx, programs.BudgetChange{FundingID: b.funding.ID, Lines: lines("Other", 1)}); err != nil {
				return err
			}
			return apperr.Errorf(apperr.ECONFLICT, "the caller changed its mind")
		})
		if apperr.Code(err) != apperr.ECONFLICT {
			t.Fatalf("got %v", err)
		}
		if after := b.count(t, "budget_versions"); after != n {
			t.Fatalf("versions went from %d to %d after the caller rolled back", n, after)
		}
		if f := b.current(t); budgetLinesText(f.Lines) != "Personnel=$95,000.00@0, Training=$7,000.50@1" {
			t.Fatalf("the lines changed: %s", budgetLinesText(f.Lines))
		}
	})
	t.Run("Audited", func(t *testing.T) {
		events, _, err := b.log.List(b.ctx, audit.Filter{Action: "funding.budget"})
		if err != nil || len(events) != 2 || !strings.Contains(events[0].Detail, "version 3") || !strings.Contains(events[1].Detail, "Moved travel to training") {
			t.Fatalf("got %+v, %v", events, err)
		}
	})
}

func (b *budgetEnv) tenant2(t *testing.T) context.Context {
	t.Helper()
	return b.tenant(t, "oh-"+dbtest.RandomHex(3), "Ohio", "OH")
}

func TestApplyBudgetOncePerAmendment(t *testing.T) {
	b := newBudgetEnv(t)
	amendment := database.NewID()
	ch := programs.BudgetChange{FundingID: b.funding.ID, AmendmentID: amendment, EffectiveOn: "2026-01-15", Reason: "Amendment 4",
		Lines: lines("Personnel", 90_000_00, "Travel", 2_000_00, "I/ECMH consultation", 10_000_00)}
	if err := b.svc.HoldBudget(b.task, b.funding.ID, amendment); err != nil {
		t.Fatal(err)
	}
	first, err := b.svc.ApplyBudget(b.task, ch)
	if err != nil {
		t.Fatal(err)
	}
	if first.Number != 2 || first.AmendmentID != amendment || first.TotalCents != 102_000_00 {
		t.Fatalf("got %+v", first)
	}
	if f := b.current(t); f.HeldBy != "" {
		t.Fatalf("the amendment's hold is still there after it applied: %q", f.HeldBy)
	}

	t.Run("Twice", func(t *testing.T) {
		again := ch
		again.Lines = lines("Other", 1) // whatever the second call says, it changes nothing
		v, err := b.svc.ApplyBudget(b.task, again)
		if err != nil {
			t.Fatal(err)
		}
		if v.ID != first.ID || v.Number != 2 {
			t.Fatalf("the second call gave %+v, want the first version %s", v, first.ID)
		}
		if n := len(b.versions(t)); n != 2 {
			t.Fatalf("got %d versions, want 2", n)
		}
		if f := b.current(t); f.Total() != 102_000_00 || len(f.Lines) != 3 {
			t.Fatalf("the second call changed the lines: %s", budgetLinesText(f.Lines))
		}
	})
	t.Run("AtTheSameTime", func(t *testing.T) {
		second := database.NewID()
		ch := programs.BudgetChange{FundingID: b.funding.ID, AmendmentID: second, Lines: lines("Personnel", 80_000_00, "Travel", 2_000_00)}
		const n = 8
		ids := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				v, err := b.svc.ApplyBudget(b.task, ch)
				errs[i] = err
				if v != nil {
					ids[i] = v.ID
				}
			}(i)
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("call %d: %s, %v; call 0: %s", i, ids[i], errs[i], ids[0])
			}
		}
		list := b.versions(t)
		if len(list) != 3 || list[0].AmendmentID != second || list[0].Number != 3 {
			t.Fatalf("got %d versions (newest %+v), want 3, the newest the second amendment's", len(list), list[0])
		}
		events, _, _ := b.log.List(b.ctx, audit.Filter{Action: "funding.budget"})
		if len(events) != 2 {
			t.Fatalf("got %d funding.budget events, want 2 (one per amendment)", len(events))
		}
	})
	t.Run("DifferentChangesAtTheSameTimeFollowEachOther", func(t *testing.T) {
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = b.svc.ApplyBudget(b.task, programs.BudgetChange{FundingID: b.funding.ID, AmendmentID: database.NewID(),
					Lines: lines("Personnel", 80_000_00+i, "Travel", 2_000_00)})
			}(i)
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		list := b.versions(t)
		if len(list) != 3+n {
			t.Fatalf("got %d versions, want %d", len(list), 3+n)
		}
		for i, v := range list {
			if v.Number != len(list)-i {
				t.Fatalf("version %d of the list is number %d", i, v.Number)
			}
		}
		// The lines are the newest version's.
		if f := b.current(t); linesText(f.VersionLines()) != linesText(list[0].Lines) {
			t.Fatalf("lines %s, newest version %s", linesText(f.VersionLines()), linesText(list[0].Lines))
		}
	})
}

func TestHoldBudget(t *testing.T) {
	b := newBudgetEnv(t)
	a1, a2 := database.NewID(), database.NewID()
	if err := b.svc.HoldBudget(b.task, b.funding.ID, a1); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.HoldBudget(b.task, b.funding.ID, a1); err != nil {
		t.Fatalf("holding it again by the same amendment: %v", err)
	}
	err := b.svc.HoldBudget(b.task, b.funding.ID, a2)
	if apperr.Code(err) != apperr.ECONFLICT || apperr.Message(err) != "Another amendment of this budget is waiting for a decision." {
		t.Fatalf("another amendment holding it: got %v", err)
	}
	if err := b.svc.HoldBudget(b.task, database.NewID(), a2); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("no such funding: got %v", err)
	}
	if f := b.current(t); f.HeldBy != a1 {
		t.Fatalf("held by %q, want %s", f.HeldBy, a1)
	}

	t.Run("ErrDirectEditWhileHeld", func(t *testing.T) {
		n := b.count(t, "budget_versions")
		_, err := b.svc.UpdateFunding(b.ctx, b.program.ID, b.funding.ID, programs.FundingInput{
			Lines: []programs.LineInput{{Category: "Personnel", Amount: "1"}}})
		wantFields(t, err, apperr.ECONFLICT, "lines")
		if apperr.Message(err) != programs.HeldMessage {
			t.Errorf("got %q", apperr.Message(err))
		}
		if after := b.count(t, "budget_versions"); after != n {
			t.Fatalf("versions went from %d to %d", n, after)
		}
		if f := b.current(t); f.Total() != 102_000_00 {
			t.Fatalf("the lines changed while held: %s", budgetLinesText(f.Lines))
		}
		// The I/ECMHC box is not the budget: it may change.
		if _, err := b.svc.UpdateFunding(b.ctx, b.program.ID, b.funding.ID, programs.FundingInput{IECMHCFunded: true,
			Lines: []programs.LineInput{{Category: "Personnel", Amount: "100,000"}, {Category: "Travel", Amount: "2,000"}}}); err != nil {
			t.Fatalf("saving the lines as they are: %v", err)
		}
	})
	t.Run("AnotherAmendmentDoesNotRelease", func(t *testing.T) {
		if err := b.svc.ReleaseBudget(b.task, b.funding.ID, a2); err != nil {
			t.Fatal(err)
		}
		// Applying another amendment (a notice-only one, recorded at once) leaves the hold.
		if _, err := b.svc.ApplyBudget(b.task, programs.BudgetChange{FundingID: b.funding.ID, AmendmentID: a2,
			Lines: lines("Personnel", 99_000_00, "Travel", 3_000_00)}); err != nil {
			t.Fatal(err)
		}
		if f := b.current(t); f.HeldBy != a1 {
			t.Fatalf("held by %q, want %s still", f.HeldBy, a1)
		}
	})
	t.Run("Release", func(t *testing.T) {
		if err := b.svc.ReleaseBudget(b.task, b.funding.ID, a1); err != nil {
			t.Fatal(err)
		}
		if f := b.current(t); f.HeldBy != "" {
			t.Fatalf("held by %q after the release", f.HeldBy)
		}
		if err := b.svc.ReleaseBudget(b.task, b.funding.ID, a1); err != nil {
			t.Fatalf("releasing twice: %v", err)
		}
	})
	t.Run("OneOfManyAtOnce", func(t *testing.T) {
		const n = 10
		errs := make([]error, n)
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			ids[i] = database.NewID()
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = b.svc.HoldBudget(b.task, b.funding.ID, ids[i])
			}(i)
		}
		wg.Wait()
		won := ""
		for i, err := range errs {
			switch apperr.Code(err) {
			case "":
				if won != "" {
					t.Fatalf("both %s and %s hold the budget", won, ids[i])
				}
				won = ids[i]
			case apperr.ECONFLICT:
			default:
				t.Fatalf("hold %d: %v", i, err)
			}
		}
		if f := b.current(t); won == "" || f.HeldBy != won {
			t.Fatalf("held by %q, the winner was %q", f.HeldBy, won)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		for _, action := range []string{"funding.hold", "funding.release"} {
			if events, _, err := b.log.List(b.ctx, audit.Filter{Action: action}); err != nil || len(events) == 0 {
				t.Errorf("no %s event (%v)", action, err)
			}
		}
	})
}

// TestHistoryBeforeVersionsWereKept: a funding whose budget was set before versions were kept
// shows its current lines as its first version, not stored; its next change stores that
// version first, then the new one.
func TestHistoryBeforeVersionsWereKept(t *testing.T) {
	b := newBudgetEnv(t)
	if _, err := dbtest.Owner(t, b.db).NewDelete().Table("budget_versions").Where("funding_id = ?", b.funding.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := b.current(t)
	if list := b.versions(t); len(list) != 0 {
		t.Fatalf("got %d stored versions, want none", len(list))
	}
	hist, err := b.svc.History(b.ctx, f)
	if err != nil || len(hist) != 1 {
		t.Fatalf("got %v, %v", hist, err)
	}
	h := hist[0]
	if h.Recorded || h.Number != 1 || h.Reason != programs.ReasonBefore || linesText(h.Lines) != "Personnel=$100,000.00, Travel=$2,000.00" ||
		h.CreatedBy != "" || h.EffectiveOn != fmt.Sprintf("%d-10-01", f.FiscalYear-1) {
		t.Fatalf("got %+v", h)
	}
	v, err := b.svc.ApplyBudget(b.task, programs.BudgetChange{FundingID: f.ID, AmendmentID: database.NewID(), Lines: lines("Personnel", 1_000_00)})
	if err != nil {
		t.Fatal(err)
	}
	list := b.versions(t)
	if v.Number != 2 || len(list) != 2 || list[1].Reason != programs.ReasonBefore || linesText(list[1].Lines) != linesText(h.Lines) ||
		list[1].CreatedBy != "" || !list[1].CreatedAt.Equal(f.UpdatedAt) {
		t.Fatalf("got new version %d and %+v", v.Number, list)
	}
	if hist, _ := b.svc.History(b.ctx, b.current(t)); len(hist) != 2 || !hist[1].Recorded {
		t.Fatalf("the history is %+v, want the two stored versions", hist)
	}
}

func TestFundingByID(t *testing.T) {
	b := newBudgetEnv(t)
	isbe := b.funderNamed(t, b.ctx, "ISBE PI")
	other, err := b.svc.CreateProgram(b.ctx, programs.ProgramInput{Name: "Doulas", Kind: "doula", County: "Cook"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := b.svc.FundingByID(b.ctx, b.funding.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.FYLabel == "" || f.FunderShort != "MIECHV" || f.ProgramName != "Prairie Families" || f.Total() != 102_000_00 {
		t.Fatalf("got %+v", f)
	}
	for name, tc := range map[string]struct {
		ctx  context.Context
		seen bool
	}{
		"Consultant":      {as(b.ctx, authz.Consultant, ""), true},
		"ItsFunder":       {as(b.ctx, authz.Funder, b.funder.ID), true},
		"AnotherFunder":   {as(b.ctx, authz.Funder, isbe.ID), false},
		"ItsProgram":      {as(b.ctx, authz.Program, b.program.ID), true},
		"AnotherProgram":  {as(b.ctx, authz.Program, other.ID), false},
		"ProgramWithout":  {as(b.ctx, authz.Program, ""), false},
		"AnotherTenant":   {b.tenant2(t), false},
		"NotAnIDAtAll":    {b.ctx, true}, // checked below with a bad id
		"TaskOfTheTenant": {b.task, true},
	} {
		t.Run(name, func(t *testing.T) {
			id := b.funding.ID
			if name == "NotAnIDAtAll" {
				id, tc.seen = "../x", false
			}
			_, err := b.svc.FundingByID(tc.ctx, id)
			if tc.seen && err != nil {
				t.Fatalf("got %v, want the funding", err)
			}
			if !tc.seen && apperr.Code(err) != apperr.ENOTFOUND {
				t.Fatalf("got %v, want ENOTFOUND", err)
			}
		})
	}
}

func TestDiffLines(t *testing.T) {
	before := lines("Personnel", 100_00, "Travel", 50_00, "Supplies", 10_00)
	after := lines("Personnel", 120_00, "Supplies", 10_00, "I/ECMH consultation", 30_00)
	var got []string
	for _, c := range programs.DiffLines(before, after) {
		got = append(got, c.Category+": "+c.Words())
	}
	want := []string{
		"Personnel: Changed from $100.00 to $120.00 (up $20.00)",
		"Supplies: Unchanged: $10.00",
		"I/ECMH consultation: New: $30.00",
		"Travel: Removed (was $50.00)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	down := programs.DiffLines(lines("Travel", 50_00), lines("Travel", 20_00))
	if down[0].Words() != "Changed from $50.00 to $20.00 (down $30.00)" {
		t.Fatalf("got %q", down[0].Words())
	}
}
