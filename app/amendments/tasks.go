package amendments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// The workers of budget amendments (issue 11, section 5). Each handler is safe to run twice and
// to be killed halfway: every effect is written in the same transaction as a marker that says
// it is done (an event row, applied_at, document_run_id), and a handler that finds the marker
// does nothing. So one email per event, one budget version, one PDF, however often a task runs.

// taskState is what the tasks need besides the service's parts: the starter of the amendment
// document's report run (wired by the server) and, in tests, a hook between the steps of apply.
type taskState struct {
	documents func(ctx context.Context, amendmentID string) (runID string, err error)
	// afterStep, when set (tests), runs after each committed step of apply ("budget",
	// "document", "mail") and before the sweep commits an amendment's reminder or escalation
	// ("sweep"); an error stops the work there, as a worker killed at that point would.
	afterStep func(step string) error
}

// SetDocuments sets how the amendment document (its PDF) is started as a report run: start
// writes the run in ctx's transaction, queues its build after the commit, and returns the
// run's id. Until it is set, an applied amendment gets no document.
func (s *Service) SetDocuments(start func(ctx context.Context, amendmentID string) (runID string, err error)) {
	s.tasks.documents = start
}

// SweepWhy names the sweep's work across tenants (database.AcrossTenants, the audit log).
const SweepWhy = "amendments.sweep"

// Register adds the amendments' task handlers to mux.
func (s *Service) Register(mux *jobs.Mux) {
	jobs.Handle(mux, TaskStepOpened, func(ctx context.Context, p TaskPayload) error {
		_, err := s.StepOpened(ctx, p.AmendmentID, p.Version, p.Step)
		return err
	})
	jobs.Handle(mux, TaskApply, func(ctx context.Context, p TaskPayload) error {
		return s.Apply(ctx, p.AmendmentID)
	})
	jobs.Handle(mux, TaskSweep, func(ctx context.Context, _ TaskPayload) error {
		_, err := s.Sweep(ctx, s.now())
		return err
	})
}

// Periodic lists the amendments' scheduled tasks: the sweep of reminders and escalations,
// every hour (a reminder or an escalation goes out within the hour its day begins in the
// tenant's time zone).
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "@every 1h", Type: TaskSweep}}
}

// taskActor names the tasks in the audit log when no person is acting.
func taskActor(ctx context.Context) context.Context {
	if audit.ActorFrom(ctx).Email == "" {
		return audit.WithActor(ctx, audit.Actor{Email: "budget amendment tasks"})
	}
	return ctx
}

// errDone ends a transaction that found its work already done (another run did it): nothing
// it wrote is kept, and the caller answers nil.
var errDone = errors.New("amendments: already done")

// taskAmendment loads an amendment of ctx's tenant with its lines and names, whoever may see
// it: for the tasks, which act for no person (the report run checks who may download the PDF).
// An amendment that is not there is nil, without an error: a task about it has nothing to do.
func (s *Service) taskAmendment(ctx context.Context, id string) (*Amendment, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	a := new(Amendment)
	err = withNames(t.Select(a)).Where("am.id = ?", id).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := s.loadLines(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// holdStep takes the amendment's row for the rest of ctx's transaction while it still waits at
// version and step (on PostgreSQL a decision made meanwhile waits for the commit), and reports
// whether it does.
func (s *Service) holdStep(ctx context.Context, id string, version, step int) (bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return false, err
	}
	res, err := t.Update((*Amendment)(nil)).Set("overdue = overdue").
		Where("am.id = ? AND am.status = ? AND am.version = ? AND am.step = ?", id, StatusSubmitted, version, step).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ---- People to write to ----

// person is someone an email goes to.
type person struct {
	Email string `bun:"email"`
	Name  string `bun:"name"`
}

// people lists the active people of ctx's tenant that narrow selects (on memberships, alias m),
// each once, by name.
func (s *Service) people(ctx context.Context, narrow func(*bun.SelectQuery) *bun.SelectQuery) ([]person, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var rows []person
	err = t.Select((*tenants.Membership)(nil)).ColumnExpr("u.email, u.name").
		Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.active AND u.active AND u.email <> ''").
		Apply(narrow).
		OrderExpr("u.name, u.email").Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := rows[:0]
	for _, r := range rows {
		k := strings.ToLower(r.Email)
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// ofRole narrows people to a role, and to an organisation when orgID is set.
func ofRole(role, orgID string) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("m.role = ?", role)
		if orgID != "" {
			q = q.Where("m.organisation_id = ?", orgID)
		}
		return q
	}
}

// deciders are the people who may decide step st of amendment a (as CanDecide says): the
// funder's own people, the tenant's admins, or the people of the named organisation.
func (s *Service) deciders(ctx context.Context, a *Amendment, st StepSnapshot) ([]person, error) {
	switch st.Decider {
	case DeciderFunder:
		return s.people(ctx, ofRole(authz.Funder, a.FunderID))
	case DeciderTenantAdmin:
		return s.admins(ctx)
	case DeciderOrganisation:
		if st.OrganisationID == "" {
			return nil, nil
		}
		return s.people(ctx, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("m.organisation_id = ?", st.OrganisationID)
		})
	}
	return nil, nil
}

// admins are the tenant's admins.
func (s *Service) admins(ctx context.Context) ([]person, error) {
	return s.people(ctx, ofRole(authz.TenantAdmin, ""))
}

// ---- Words of the emails ----

// link is the amendment's page.
func (s *Service) link(slug, id string) string {
	return strings.TrimRight(s.baseURL, "/") + "/t/" + slug + "/amendments/" + id
}

// signed writes a change with its sign: "+$1,000.00", "-$500.00", "$0.00".
func signed(c money.Cents) string {
	if c > 0 {
		return "+" + c.String()
	}
	return c.String()
}

// summary is the lines every email about an amendment carries.
func summary(a *Amendment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Program: %s\n", a.ProgramName)
	fmt.Fprintf(&b, "Funder: %s\n", a.FunderName)
	fmt.Fprintf(&b, "Net change: %s (total from %s to %s)\n", signed(a.Net()), a.BeforeCents.String(), a.AfterCents.String())
	fmt.Fprintf(&b, "Class: %s\n", ClassLabel(a.Class))
	if a.EffectiveOn != "" {
		fmt.Fprintf(&b, "Effective: %s\n", dates.Show(a.EffectiveOn))
	}
	return b.String()
}

func greet(p person) string {
	if p.Name != "" {
		return "Hello " + p.Name + ",\n\n"
	}
	return "Hello,\n\n"
}

// send writes one email to each person, in ctx's transaction; body is what follows the
// greeting. It returns how many it wrote.
func (s *Service) send(ctx context.Context, to []person, subject, body string) (int, error) {
	for _, p := range to {
		if err := s.mail.Send(ctx, p.Email, subject, greet(p)+body); err != nil {
			return 0, err
		}
	}
	return len(to), nil
}

// tenantOf is ctx's tenant (its slug for links, its time zone for today).
func (s *Service) tenantOf(ctx context.Context) (*tenants.Tenant, error) {
	return s.orgs.RequestTenant(ctx)
}

// ---- amendments:step_opened ----

// StepOpened emails the deciders of step of amendment id's version, once: when the amendment
// still waits there, the marker "opened:<version>:<step>" and the emails are written in one
// transaction. A step nobody can decide (no active people) is told to the tenant's admins
// instead. It returns how many emails it wrote.
func (s *Service) StepOpened(ctx context.Context, id string, version, step int) (int, error) {
	ctx = taskActor(ctx)
	a, err := s.taskAmendment(ctx, id)
	if err != nil || a == nil {
		return 0, err
	}
	if a.Status != StatusSubmitted || a.Version != version || a.Step != step || step < 0 || step >= len(a.Steps) {
		return 0, nil // decided, returned or withdrawn since: this step waits for no one
	}
	st := a.Steps[step]
	ten, err := s.tenantOf(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if ok, err := s.holdStep(ctx, id, version, step); err != nil || !ok {
			return err
		}
		if ok, err := s.markOnce(ctx, id, fmt.Sprintf("opened:%d:%d", version, step)); err != nil || !ok {
			return err
		}
		to, err := s.deciders(ctx, a, st)
		if err != nil {
			return err
		}
		due := ""
		if a.StepDueOn != "" {
			due = "Your decision is due by " + dates.Show(a.StepDueOn) + ".\n"
		}
		if len(to) > 0 {
			sent, err = s.send(ctx, to, fmt.Sprintf("Budget amendment %d is waiting for your decision", a.Number),
				fmt.Sprintf("Budget amendment %d (version %d) is waiting for a decision at the step “%s”, which %s decide.\n\n%s%s\nRead it and decide:\n%s\n",
					a.Number, a.Version, st.Name, DeciderWords(st, a.FunderName), summary(a), due, s.link(ten.Slug, a.ID)))
			return err
		}
		if st.Decider == DeciderTenantAdmin {
			return nil // a tenant without an active admin: nobody to tell
		}
		admins, err := s.admins(ctx)
		if err != nil {
			return err
		}
		sent, err = s.send(ctx, admins, fmt.Sprintf("Budget amendment %d is waiting at a step nobody can decide", a.Number),
			fmt.Sprintf("Budget amendment %d is waiting at the step “%s”, which %s decide, but no active person can decide it. Add someone to it (People), or change the funder's process.\n\n%s%s\n%s\n",
				a.Number, st.Name, DeciderWords(st, a.FunderName), summary(a), due, s.link(ten.Slug, a.ID)))
		return err
	})
	return sent, err
}

// ---- amendments:sweep ----

// SweepResult is what one sweep did.
type SweepResult struct {
	Reminders   int // steps whose deciders were reminded
	Escalations int // steps marked overdue and told to the tenant's admins
	Emails      int
}

// dueRow is a submitted amendment the sweep looks at, and its tenant.
type dueRow struct {
	TenantID string `bun:"tenant_id"`
	ID       string `bun:"id"`
}

// Sweep reminds the deciders of every step coming due, and marks overdue and tells the tenant's
// admins of every step past due, in every live tenant, each once (markers "remind:<v>:<s>" and
// "overdue:<v>:<s>"). "Today" is the date in the tenant's time zone at now: the reminder goes
// out from the step's due date less the funder's reminder days, the escalation the day after
// the due date. A tenant or amendment that fails does not stop the others; the errors come back
// together (the task is retried, and what was done is not done again).
func (s *Service) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	var res SweepResult
	rows, err := s.dueAcross(ctx, now)
	if err != nil {
		return res, err
	}
	byTenant := map[string]*tenants.Tenant{}
	var errs []error
	for _, r := range rows {
		tctx := taskActor(database.WithScope(ctx, database.Scope{TenantID: r.TenantID}))
		ten, ok := byTenant[r.TenantID]
		if !ok {
			if ten, err = s.orgs.TenantByID(tctx, r.TenantID); err != nil {
				errs = append(errs, fmt.Errorf("amendment %s: %w", r.ID, err))
				continue
			}
			byTenant[r.TenantID] = ten
		}
		tctx = database.WithScope(tctx, database.Scope{TenantID: ten.ID, TenantSlug: ten.Slug})
		one, err := s.sweepOne(tctx, ten, r.ID, now)
		res.Reminders += one.Reminders
		res.Escalations += one.Escalations
		res.Emails += one.Emails
		if err != nil {
			errs = append(errs, fmt.Errorf("amendment %s: %w", r.ID, err))
		}
	}
	if res.Reminders+res.Escalations > 0 {
		if err := database.AuditAcross(ctx, s.db, SweepWhy, fmt.Sprintf("%d reminders and %d escalations of budget amendments (%d emails)",
			res.Reminders, res.Escalations, res.Emails), "", ""); err != nil {
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// dueAcross lists, across the live tenants on the named path, the submitted amendments whose
// step falls due within the longest reminder period of any funder and is not yet marked
// overdue: only their ids and tenants (each is then read in its own tenant's scope).
func (s *Service) dueAcross(ctx context.Context, now time.Time) ([]dueRow, error) {
	actx := database.AcrossTenants(ctx, SweepWhy)
	longest := DefaultRules("").ReminderDays
	var most sql.NullInt64
	if err := s.db.NewSelect().TableExpr("amendment_rules AS ar").ColumnExpr("MAX(ar.reminder_days)").Scan(actx, &most); err != nil {
		return nil, err
	}
	if most.Valid && int(most.Int64) > longest {
		longest = int(most.Int64)
	}
	// The earliest time zone is a day ahead of UTC at most.
	horizon := now.UTC().AddDate(0, 0, longest+2).Format(time.DateOnly)
	var rows []dueRow
	err := s.db.NewSelect().TableExpr("amendments AS am").ColumnExpr("am.tenant_id, am.id").
		Join("JOIN tenants AS t ON t.id = am.tenant_id").
		Where("t.deleted_at IS NULL AND t.suspended_at IS NULL").
		Where("am.status = ? AND am.step_due_on <> '' AND am.step_due_on <= ?", StatusSubmitted, horizon).
		Where(`NOT EXISTS (SELECT 1 FROM amendment_events AS ev WHERE ev.tenant_id = am.tenant_id AND ev.amendment_id = am.id
			AND ev.event = 'overdue:' || CAST(am.version AS TEXT) || ':' || CAST(am.step AS TEXT))`).
		OrderExpr("am.tenant_id, am.step_due_on, am.id").Scan(actx, &rows)
	return rows, err
}

// rulesOf are the funder's rules (the defaults when it has none).
func (s *Service) rulesOf(ctx context.Context, funderID string) (Rules, error) {
	r, _, err := s.processRules(ctx, funderID)
	return r, err
}

// sweepOne reminds and escalates one amendment of ctx's tenant, in one transaction.
func (s *Service) sweepOne(ctx context.Context, ten *tenants.Tenant, id string, now time.Time) (SweepResult, error) {
	var res SweepResult
	a, err := s.taskAmendment(ctx, id)
	if err != nil || a == nil {
		return res, err
	}
	st := a.CurrentStep()
	due, ok := dates.Parse(a.StepDueOn)
	if st == nil || !ok {
		return res, nil
	}
	r, err := s.rulesOf(ctx, a.FunderID)
	if err != nil {
		return res, err
	}
	today := ten.Local(now).Format(time.DateOnly)
	remindFrom := due.AddDate(0, 0, -r.ReminderDays).Format(time.DateOnly)
	overdue := today > a.StepDueOn
	if today < remindFrom {
		return res, nil
	}
	link := s.link(ten.Slug, a.ID)
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		res = SweepResult{}
		if ok, err := s.holdStep(ctx, id, a.Version, a.Step); err != nil || !ok {
			return err
		}
		fresh, err := s.markOnce(ctx, id, fmt.Sprintf("remind:%d:%d", a.Version, a.Step))
		if err != nil {
			return err
		}
		if fresh {
			to, err := s.deciders(ctx, a, *st)
			if err != nil {
				return err
			}
			when := "is due on " + dates.Show(a.StepDueOn)
			if overdue {
				when = "was due on " + dates.Show(a.StepDueOn)
			}
			n, err := s.send(ctx, to, fmt.Sprintf("Reminder: budget amendment %d is waiting for your decision", a.Number),
				fmt.Sprintf("A reminder: budget amendment %d is waiting for a decision at the step “%s”, which %s.\n\n%s\nRead it and decide:\n%s\n",
					a.Number, st.Name, when, summary(a), link))
			if err != nil {
				return err
			}
			res.Reminders, res.Emails = 1, res.Emails+n
		}
		if !overdue {
			return s.after("sweep")
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Update((*Amendment)(nil)).Set("overdue = ?", true).
			Where("am.id = ? AND am.version = ? AND am.step = ?", id, a.Version, a.Step).Exec(ctx); err != nil {
			return err
		}
		if fresh, err = s.markOnce(ctx, id, fmt.Sprintf("overdue:%d:%d", a.Version, a.Step)); err != nil || !fresh {
			return err
		}
		admins, err := s.admins(ctx)
		if err != nil {
			return err
		}
		n, err := s.send(ctx, admins, fmt.Sprintf("Budget amendment %d is overdue at %s", a.Number, st.Name),
			fmt.Sprintf("Budget amendment %d has waited at the step “%s” past its due date, %s. %s decide this step.\n\n%s\nSee it, and who can decide it:\n%s\n",
				a.Number, st.Name, dates.Show(a.StepDueOn), capitalise(DeciderWords(*st, a.FunderName)), summary(a), link))
		if err != nil {
			return err
		}
		res.Escalations, res.Emails = 1, res.Emails+n
		if err := s.audit.Record(ctx, "amendment.overdue", "amendment", id,
			fmt.Sprintf("%s, version %d, step “%s” was due on %s: %d admins told", a.Title(), a.Version, st.Name, dates.Show(a.StepDueOn), n)); err != nil {
			return err
		}
		return s.after("sweep") // tests: killed before the commit
	})
	if err != nil {
		return SweepResult{}, err
	}
	return res, nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ---- amendments:apply ----

// Apply carries out an approved (or notice-only, recorded) amendment, in three steps each done
// once however often the task runs or wherever a worker was killed:
//
//  1. the budget: in one transaction, the funding's new budget version (the amendment's lines
//     at their proposed amounts, lines at zero dropped, effective on the amendment's date),
//     applied_at and budget_version_id, and the audit event;
//  2. the document: the report run that builds the PDF is started once (document_run_id);
//  3. the emails to both sides, once (marker "applied-mail"): the program's people and the
//     funder's people.
func (s *Service) Apply(ctx context.Context, id string) error {
	ctx = taskActor(ctx)
	a, err := s.taskAmendment(ctx, id)
	if err != nil || a == nil {
		return err
	}
	if a.Status != StatusApproved && a.Status != StatusRecorded {
		return nil
	}
	if a.AppliedAt == nil {
		if err := s.applyBudget(ctx, a); err != nil {
			return err
		}
	}
	if err := s.after("budget"); err != nil {
		return err
	}
	if a.DocumentRunID == "" && s.tasks.documents != nil {
		if err := s.startDocument(ctx, a.ID); err != nil {
			return err
		}
	}
	if err := s.after("document"); err != nil {
		return err
	}
	if err := s.mailApplied(ctx, id); err != nil {
		return err
	}
	return s.after("mail")
}

func (s *Service) after(step string) error {
	if s.tasks.afterStep != nil {
		return s.tasks.afterStep(step)
	}
	return nil
}

// applyBudget is step 1 of Apply.
func (s *Service) applyBudget(ctx context.Context, a *Amendment) error {
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		now := database.Now()
		// Claim it: of two runs at once, one applies; the other finds applied_at set.
		res, err := t.Update((*Amendment)(nil)).Set("applied_at = ?", now).Set("updated_at = ?", now).
			Where("am.id = ? AND am.applied_at IS NULL AND am.status IN (?)", a.ID, bun.In([]string{StatusApproved, StatusRecorded})).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errDone
		}
		ch := programs.BudgetChange{FundingID: a.FundingID, EffectiveOn: a.EffectiveOn, AmendmentID: a.ID, Reason: a.Title()}
		var total money.Cents
		for _, l := range a.Lines {
			if l.ProposedCents == 0 {
				continue
			}
			ch.Lines = append(ch.Lines, programs.VersionLine{Category: l.Category, AmountCents: l.ProposedCents})
			total += l.ProposedCents
		}
		v, err := s.programs.ApplyBudget(ctx, ch)
		if err != nil {
			return err
		}
		if _, err := t.Update((*Amendment)(nil)).Set("budget_version_id = ?", v.ID).Where("am.id = ?", a.ID).Exec(ctx); err != nil {
			return err
		}
		a.AppliedAt, a.BudgetVersionID = &now, v.ID
		return s.audit.Record(ctx, "amendment.apply", "amendment", a.ID,
			fmt.Sprintf("%s applied: budget version %d of %s's funding from %s, %s, effective %s",
				a.Title(), v.Number, a.ProgramName, a.FunderName, total.String(), dates.Show(a.EffectiveOn)))
	})
	if errors.Is(err, errDone) {
		return nil
	}
	return err
}

// startDocument is step 2 of Apply: the run and the amendment's note of it are written in one
// transaction, and only where the amendment has no run yet.
func (s *Service) startDocument(ctx context.Context, id string) error {
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		// Take the row first, so that of two runs at once the second waits and then finds the
		// run id.
		res, err := t.Update((*Amendment)(nil)).Set("document_run_id = document_run_id").
			Where("am.id = ? AND am.document_run_id = ''", id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errDone
		}
		runID, err := s.tasks.documents(ctx, id)
		if err != nil {
			return err
		}
		if runID == "" {
			return apperr.Errorf(apperr.EINTERNAL, "the amendment document's run has no id")
		}
		res, err = t.Update((*Amendment)(nil)).Set("document_run_id = ?", runID).
			Where("am.id = ? AND am.document_run_id = ''", id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errDone // another run recorded its own: this one is undone with the transaction
		}
		return nil
	})
	if errors.Is(err, errDone) {
		return nil
	}
	return err
}

// mailApplied is step 3 of Apply.
func (s *Service) mailApplied(ctx context.Context, id string) error {
	ten, err := s.tenantOf(ctx)
	if err != nil {
		return err
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		if ok, err := s.markOnce(ctx, id, "applied-mail"); err != nil || !ok {
			return err
		}
		// Read again inside the transaction: what was applied, and its version.
		a, err := s.taskAmendment(ctx, id)
		if err != nil || a == nil {
			return err
		}
		prog, err := s.people(ctx, ofRole(authz.Program, a.ProgramID))
		if err != nil {
			return err
		}
		fund, err := s.people(ctx, ofRole(authz.Funder, a.FunderID))
		if err != nil {
			return err
		}
		subject := fmt.Sprintf("Budget amendment %d is approved and the budget has changed", a.Number)
		what := fmt.Sprintf("Budget amendment %d was approved at every step, and the funding's budget now has the approved amounts.", a.Number)
		if a.Status == StatusRecorded {
			subject = fmt.Sprintf("Notice: budget amendment %d recorded", a.Number)
			what = fmt.Sprintf("Budget amendment %d moves money between existing lines within the notice limit, so it needs no approval: it is recorded and the funding's budget now has the new amounts. This is the funder's notice of it.", a.Number)
		}
		body := fmt.Sprintf("%s\n\n%s\nThe amendment, its decisions, the budget's history and the amendment document (PDF, once it is ready):\n%s\n",
			what, summary(a), s.link(ten.Slug, a.ID))
		if _, err := s.send(ctx, prog, subject, body); err != nil {
			return err
		}
		_, err = s.send(ctx, fund, subject, body)
		return err
	})
}
