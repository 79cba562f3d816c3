package amendments

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/steps"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/tenants"
)

// Service is budget amendments: the funders' processes, the requests, the decisions and the
// tasks that follow them.
type Service struct {
	db       *bun.DB
	programs *programs.Service
	orgs     *tenants.Store
	audit    *audit.Log
	mail     *mail.Mailer
	queue    *jobs.Queue
	files    storage.Store
	baseURL  string
	now      func() time.Time
	tasks    taskState // tasks.go: the document runs' starter (SetDocuments), test hooks
}

// NewService returns the service.
func NewService(db *bun.DB, prog *programs.Service, orgs *tenants.Store, log *audit.Log, m *mail.Mailer,
	q *jobs.Queue, files storage.Store, baseURL string) *Service {
	return &Service{db: db, programs: prog, orgs: orgs, audit: log, mail: m, queue: q, files: files, baseURL: baseURL, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Task types: ids only in the payloads; the task id is the amendment's, its version and step
// and the event, so an event is queued once.
const (
	TaskStepOpened = "amendments:step_opened" // email the step's deciders
	TaskApply      = "amendments:apply"       // apply the budget version, store the PDF, email both sides
	TaskSweep      = "amendments:sweep"       // periodic: reminders before a step is due, escalation when overdue
)

// TaskPayload names an amendment and, for a step's tasks, its version and step.
type TaskPayload struct {
	jobs.Tenant
	AmendmentID string `json:"amendment_id"`
	Version     int    `json:"version,omitempty"`
	Step        int    `json:"step,omitempty"`
}

// enqueue queues a task once per amendment, version, step and event.
func (s *Service) enqueue(ctx context.Context, typ string, p TaskPayload) error {
	id := typ + ":" + p.TenantID + ":" + p.AmendmentID + ":" + itoa(p.Version) + ":" + itoa(p.Step)
	err := s.queue.Enqueue(ctx, typ, p, asynq.TaskID(id))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// flow is an amendment's workflow: the statuses and the moves between them. A step approved
// with steps to go is a move from submitted to submitted (its step goes up).
var flow = &steps.Flow{
	Model:  (*Amendment)(nil),
	Column: "status",
	Record: "amendment",
	Moves: map[string][]string{
		StatusDraft:     {StatusSubmitted, StatusRecorded, StatusWithdrawn},
		StatusSubmitted: {StatusSubmitted, StatusApproved, StatusReturned, StatusDenied, StatusWithdrawn},
		StatusReturned:  {StatusSubmitted, StatusRecorded, StatusWithdrawn},
	},
	Conflict: "This amendment changed while you were looking at it: someone else acted on it first. Reload the page to see what happened.",
}

// visible narrows a query on amendments (alias am) to what the person in sc may see: the tenant
// admin all of them; a program's people their program's; a funder's people those on fundings
// their funder makes; anyone those with a step their organisation decides; consultants and
// supervisors none.
func visible(sc database.Scope) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		switch {
		case sc.Role == authz.TenantAdmin:
			return q
		case (sc.Role == authz.Program || sc.Role == authz.Funder) && sc.OrganisationID != "":
			return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("am.program_id = ?", sc.OrganisationID).
					WhereOr("am.funder_id = ?", sc.OrganisationID).
					WhereOr("am.steps LIKE ?", `%"organisation_id":"`+sc.OrganisationID+`"%`)
			})
		}
		return q.Where("1 = 0")
	}
}

// withNames adds to a query on amendments (alias am) the names the pages show: the program,
// the funder (its short name, or its name), the fiscal year and the author.
func withNames(q *bun.SelectQuery) *bun.SelectQuery {
	// ?TableColumns: the model's columns, whatever else the table has.
	return q.ColumnExpr("?TableColumns").
		ColumnExpr("p.name AS program_name").
		ColumnExpr("COALESCE(NULLIF(fo.short_name, ''), fo.name) AS funder_name").
		ColumnExpr("f.fiscal_year AS fiscal_year").
		ColumnExpr("COALESCE(u.name, '') AS author_name").
		Join("JOIN organisations AS p ON p.tenant_id = am.tenant_id AND p.id = am.program_id").
		Join("JOIN organisations AS fo ON fo.tenant_id = am.tenant_id AND fo.id = am.funder_id").
		Join("JOIN fundings AS f ON f.tenant_id = am.tenant_id AND f.id = am.funding_id").
		Join("LEFT JOIN users AS u ON u.id = am.created_by")
}

// selectAmendments starts a query on the amendments the person in ctx may see, with their names
// (withNames).
func (s *Service) selectAmendments(ctx context.Context, dest any) (*bun.SelectQuery, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	return withNames(t.Select(dest)).Apply(visible(sc)), nil
}

// visibleID loads the amendment (without its lines) if the person in ctx may see it; another
// tenant's, or one they may not see, is not found.
func (s *Service) visibleID(ctx context.Context, id string) (*Amendment, error) {
	if !database.IsID(id) {
		return nil, apperr.Errorf(apperr.ENOTFOUND, "No such budget amendment.")
	}
	a := new(Amendment)
	q, err := s.selectAmendments(ctx, a)
	if err != nil {
		return nil, err
	}
	if err := q.Where("am.id = ?", id).Limit(1).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.Errorf(apperr.ENOTFOUND, "No such budget amendment.")
		}
		return nil, err
	}
	return a, nil
}

// Amendment loads one amendment the person in ctx may see, with its lines and its fiscal year
// in words.
func (s *Service) Amendment(ctx context.Context, id string) (*Amendment, error) {
	a, err := s.visibleID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.loadLines(ctx, a); err != nil {
		return nil, err
	}
	list := []Amendment{*a}
	if err := s.labelYears(ctx, list); err != nil {
		return nil, err
	}
	a.FYLabel = list[0].FYLabel
	return a, nil
}

// loadLines reads an amendment's lines in order.
func (s *Service) loadLines(ctx context.Context, a *Amendment) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	a.Lines = nil
	return t.Select(&a.Lines).Where("al.amendment_id = ?", a.ID).OrderExpr("al.position").Scan(ctx)
}

// CanDecide reports whether the person in sc may decide step st of amendment a: the funder's
// own people, the tenant admins, or the people of the named organisation, as the step says.
func CanDecide(sc database.Scope, a *Amendment, st *StepSnapshot) bool {
	if st == nil || sc.UserID == "" {
		return false
	}
	switch st.Decider {
	case DeciderFunder:
		return sc.Role == authz.Funder && sc.OrganisationID == a.FunderID
	case DeciderTenantAdmin:
		return sc.Role == authz.TenantAdmin
	case DeciderOrganisation:
		return sc.OrganisationID != "" && sc.OrganisationID == st.OrganisationID
	}
	return false
}

// IsProgramSide reports whether the person in sc speaks for the amendment's program (its people;
// they write, submit, withdraw and resubmit it).
func IsProgramSide(sc database.Scope, a *Amendment) bool {
	return sc.Role == authz.Program && sc.OrganisationID == a.ProgramID
}

// DeciderWords says who decides a step, for a sentence: "ISBE PI's people", "the tenant's
// admins", "Piedmont Partnership Board's people".
func DeciderWords(st StepSnapshot, funderName string) string {
	switch st.Decider {
	case DeciderFunder:
		return funderName + "'s people"
	case DeciderTenantAdmin:
		return "the tenant's admins"
	case DeciderOrganisation:
		return st.OrganisationName + "'s people"
	}
	return st.Decider
}

// markOnce writes an event marker inside ctx's transaction: it reports false when the marker is
// there already (the task ran before), so the caller does nothing.
func (s *Service) markOnce(ctx context.Context, amendmentID, event string) (bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return false, err
	}
	res, err := t.Insert(&Event{AmendmentID: amendmentID, Event: event, DoneAt: database.Now()}).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CountAll counts the tenant's amendments, whoever may see them (the demo seed asks whether a
// tenant has any).
func (s *Service) CountAll(ctx context.Context) (int, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return 0, err
	}
	n, err := t.Select((*Amendment)(nil)).Count(ctx)
	return int(n), err
}

// labelYears names each amendment's fiscal year on its funder's calendar ("FY 2025–26"; MIECHV
// is on the federal one): one read of the tenant for the whole list.
func (s *Service) labelYears(ctx context.Context, list []Amendment) error {
	if len(list) == 0 {
		return nil
	}
	ten, err := s.programs.Tenant(ctx)
	if err != nil {
		return err
	}
	for i := range list {
		a := &list[i]
		k, _ := programs.Known(ten, &tenants.Organisation{Name: a.FunderName, ShortName: a.FunderName})
		a.FYLabel = tenants.FiscalYearLabel(a.FiscalYear, programs.StartMonth(ten, k.Calendar))
	}
	return nil
}
