package amendments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
)

// A funder's process: its steps in order, who decides each and in how many days, and the rules
// that classify a proposal. The tenant admins keep every funder's; a funder's own people keep
// their funder's. An amendment keeps a snapshot of the steps when it is submitted (Snapshot),
// so changing a process never changes an amendment under way.

// Bounds of a process.
const (
	MaxStepName        = 120
	MinResponseDays    = 1
	MaxResponseDays    = 365
	MaxReminderDays    = 60
	MaxSteps           = 12
	maxPercentBP       = 10000
	processRecord      = "amendment_process"
	actionProcess      = "amendment_process.update"
	actionTemplate     = "amendment_process.template"
	actionRules        = "amendment_rules.update"
	organisationFormID = "organisation_id"
)

// Process is a funder's process: its steps in order (with OrganisationName for organisation
// steps) and its rules (DefaultRules when it has no row). Works in any scope of the tenant,
// including a task's: it checks no role (the pages use FunderProcess, which does).
func (s *Service) Process(ctx context.Context, funderID string) ([]Step, Rules, error) {
	steps, err := s.processSteps(ctx, funderID)
	if err != nil {
		return nil, Rules{}, err
	}
	r, _, err := s.processRules(ctx, funderID)
	if err != nil {
		return nil, Rules{}, err
	}
	return steps, r, nil
}

// Snapshot is the steps as an amendment keeps them at submission.
func Snapshot(steps []Step) []StepSnapshot {
	out := make([]StepSnapshot, 0, len(steps))
	for _, st := range steps {
		out = append(out, StepSnapshot{Name: st.Name, Decider: st.Decider, OrganisationID: st.OrganisationID,
			OrganisationName: st.OrganisationName, ResponseDays: st.ResponseDays})
	}
	return out
}

// processSteps reads a funder's steps in order, with the names of the organisations deciding.
func (s *Service) processSteps(ctx context.Context, funderID string) ([]Step, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var steps []Step
	err = t.Select(&steps).ColumnExpr("ast.*").
		ColumnExpr("COALESCE(o.name, '') AS organisation_name").
		Join("LEFT JOIN organisations AS o ON o.tenant_id = ast.tenant_id AND o.id = ast.organisation_id").
		Where("ast.funder_id = ?", funderID).
		OrderExpr("ast.position, ast.created_at, ast.id").Scan(ctx)
	return steps, err
}

// processRules reads a funder's rules; saved reports whether the funder has its own row.
func (s *Service) processRules(ctx context.Context, funderID string) (Rules, bool, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return Rules{}, false, err
	}
	r := new(Rules)
	err = t.Select(r).Where("ar.funder_id = ?", funderID).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultRules(funderID), false, nil
	}
	if err != nil {
		return Rules{}, false, err
	}
	return *r, true, nil
}

// FunderProcess is one funder's process as its page shows it.
type FunderProcess struct {
	Funder tenants.Organisation
	Steps  []Step
	Rules  Rules
	Saved  bool // the funder has rules of its own (else the defaults)
}

// Name is how the funder is named in a sentence: its short name, else its name.
func (p FunderProcess) Name() string { return processFunderName(&p.Funder) }

func processFunderName(o *tenants.Organisation) string {
	if o.ShortName != "" {
		return o.ShortName
	}
	return o.Name
}

// Decides says who decides st, for a sentence.
func (p FunderProcess) Decides(st Step) string { return StepDecider(st, p.Name()) }

// StepDecider says who decides a step: "ISBE PI's people", "the tenant's admins",
// "Piedmont Partnership Board's people".
func StepDecider(st Step, funderName string) string {
	return DeciderWords(StepSnapshot{Decider: st.Decider, OrganisationID: st.OrganisationID,
		OrganisationName: st.OrganisationName}, funderName)
}

// StepsSummary is the steps in one line: "Program area review (ISBE PI's people, 30 days) →
// Fiscal office review (ISBE PI's people, 30 days)".
func (p FunderProcess) StepsSummary() string {
	if len(p.Steps) == 0 {
		return "No steps yet"
	}
	parts := make([]string, 0, len(p.Steps))
	for _, st := range p.Steps {
		parts = append(parts, st.Name+" ("+p.Decides(st)+", "+processDays(st.ResponseDays)+")")
	}
	return strings.Join(parts, " → ")
}

// RulesSummary is the rules in one line.
func (p FunderProcess) RulesSummary() string {
	s := RulesSummary(p.Rules)
	if !p.Saved {
		s += " (the defaults)"
	}
	return s
}

// RulesSummary says rules in one line: "Notice only up to the greater of $1,000 and 2 %; prior
// approval over 10 % cumulative; a reminder 5 days before a step is due".
func RulesSummary(r Rules) string {
	s := "Notice only up to the greater of " + DollarWords(r.NoticeCents) + " and " + r.NoticeBP.String() +
		"; prior approval over " + r.ApprovalBP.String() + " cumulative; "
	if r.ReminderDays == 0 {
		return s + "no reminder before a step is due"
	}
	return s + "a reminder " + processDays(r.ReminderDays) + " before a step is due"
}

// Dollars is an amount as a sentence says it: "$1,000" for whole dollars, else "$1,000.50".
func DollarWords(c money.Cents) string { return strings.TrimSuffix(c.String(), ".00") }

// PercentInput is a share as a person types it: 200 is "2", 250 is "2.5".
func PercentInput(b money.BasisPoints) string { return strings.TrimSuffix(b.String(), " %") }

func processDays(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

// canEditProcess reports whether the person in sc keeps funderID's process: the tenant admins
// any funder's, a funder's own people their funder's.
func canEditProcess(sc database.Scope, funderID string) bool {
	switch sc.Role {
	case authz.TenantAdmin:
		return true
	case authz.Funder:
		return sc.OrganisationID != "" && sc.OrganisationID == funderID
	}
	return false
}

// funder loads the funder whose process the person in ctx keeps; anyone else's, another
// tenant's or an organisation that is not a funder is not found.
func (s *Service) processFunder(ctx context.Context, funderID string) (*tenants.Organisation, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !canEditProcess(sc, funderID) || !database.IsID(funderID) {
		return nil, apperr.NotFound("funder")
	}
	o := new(tenants.Organisation)
	err = t.Select(o).Where("o.id = ?", funderID).Where("o.kind = ?", tenants.OrgFunder).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("funder")
	}
	return o, err
}

// FunderProcess is one funder's process for its page: only those who keep it (the tenant
// admins, the funder's own people) find it; for anyone else it is not found.
func (s *Service) FunderProcess(ctx context.Context, funderID string) (*FunderProcess, error) {
	o, err := s.processFunder(ctx, funderID)
	if err != nil {
		return nil, err
	}
	p := &FunderProcess{Funder: *o}
	if p.Steps, err = s.processSteps(ctx, o.ID); err != nil {
		return nil, err
	}
	if p.Rules, p.Saved, err = s.processRules(ctx, o.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// Processes lists the processes the person in ctx keeps: every funder's for a tenant admin,
// their own funder's for a funder's people, none for anyone else.
func (s *Service) Processes(ctx context.Context) ([]FunderProcess, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var funders []tenants.Organisation
	q := t.Select(&funders).Where("o.kind = ?", tenants.OrgFunder).OrderExpr("o.name, o.id")
	switch {
	case sc.Role == authz.TenantAdmin:
	case sc.Role == authz.Funder && sc.OrganisationID != "":
		q = q.Where("o.id = ?", sc.OrganisationID)
	default:
		return nil, nil
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	if len(funders) == 0 {
		return nil, nil
	}
	ids := make([]string, len(funders))
	for i := range funders {
		ids[i] = funders[i].ID
	}
	var steps []Step
	if err := t.Select(&steps).ColumnExpr("ast.*").
		ColumnExpr("COALESCE(o.name, '') AS organisation_name").
		Join("LEFT JOIN organisations AS o ON o.tenant_id = ast.tenant_id AND o.id = ast.organisation_id").
		Where("ast.funder_id IN (?)", bun.In(ids)).
		OrderExpr("ast.funder_id, ast.position, ast.created_at, ast.id").Scan(ctx); err != nil {
		return nil, err
	}
	var rules []Rules
	if err := t.Select(&rules).Where("ar.funder_id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]FunderProcess, len(funders))
	at := map[string]int{}
	for i, f := range funders {
		out[i] = FunderProcess{Funder: f, Rules: DefaultRules(f.ID)}
		at[f.ID] = i
	}
	for _, st := range steps {
		if i, ok := at[st.FunderID]; ok {
			out[i].Steps = append(out[i].Steps, st)
		}
	}
	for _, r := range rules {
		if i, ok := at[r.FunderID]; ok {
			out[i].Rules, out[i].Saved = r, true
		}
	}
	return out, nil
}

// DeciderOrganisations are the organisations a step may name as its decider: every
// organisation of the tenant, of any kind (an NCPC local partnership's board is one).
func (s *Service) DeciderOrganisations(ctx context.Context) ([]tenants.Organisation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []tenants.Organisation
	err = t.Select(&list).OrderExpr("o.name, o.id").Scan(ctx)
	return list, err
}

// organisation loads an organisation of the tenant of any kind, or nil when there is none.
func (s *Service) processOrganisation(ctx context.Context, id string) (*tenants.Organisation, error) {
	if !database.IsID(id) {
		return nil, nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	o := new(tenants.Organisation)
	err = t.Select(o).Where("o.id = ?", id).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return o, err
}

// ---- Steps ----

// StepInput is the form adding or changing a step.
type StepInput struct {
	Name, Decider, OrganisationID, ResponseDays string
}

// DeciderChoices are who may decide a step, in the order the form offers them.
var DeciderChoices = []string{DeciderFunder, DeciderTenantAdmin, DeciderOrganisation}

func validStepDecider(d string) bool {
	for _, c := range DeciderChoices {
		if c == d {
			return true
		}
	}
	return false
}

func processClean(s string) string { return strings.Join(strings.Fields(s), " ") }

// check reads a step's form: EINVALID names each bad field.
func (s *Service) checkProcessStep(ctx context.Context, in StepInput) (*Step, error) {
	bad := map[string]string{}
	st := &Step{Name: processClean(in.Name), Decider: strings.TrimSpace(in.Decider)}
	switch n := utf8.RuneCountInString(st.Name); {
	case n == 0:
		bad["name"] = "Enter the step’s name, for example “Fiscal office review”."
	case n > MaxStepName:
		bad["name"] = fmt.Sprintf("Use at most %d characters for the step’s name (this is %d).", MaxStepName, n)
	}
	if !validStepDecider(st.Decider) {
		bad["decider"] = "Choose who decides the step: the funder’s people, the tenant admins or the people of an organisation."
	}
	if st.Decider == DeciderOrganisation {
		id := strings.TrimSpace(in.OrganisationID)
		if id == "" {
			bad[organisationFormID] = "Choose the organisation whose people decide the step."
		} else {
			o, err := s.processOrganisation(ctx, id)
			if err != nil {
				return nil, err
			}
			if o == nil {
				bad[organisationFormID] = "Choose an organisation of your agency from the list."
			} else {
				st.OrganisationID, st.OrganisationName = o.ID, o.Name
			}
		}
	}
	days, ok := processParseDays(in.ResponseDays, DefaultResponseDays, MinResponseDays, MaxResponseDays)
	if !ok {
		bad["response_days"] = fmt.Sprintf("Enter the days to respond as a whole number from %d to %d (Illinois’s uniform grant agreement gives %d).",
			MinResponseDays, MaxResponseDays, DefaultResponseDays)
	}
	st.ResponseDays = days
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	return st, nil
}

// parseDays reads a whole number of days from min to max; blank is def.
func processParseDays(s string, def, min, max int) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, true
	}
	if len(s) > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, false
	}
	return n, true
}

// stepWords describes a step for the audit log: "“Fiscal office review” (ISBE PI's people,
// 30 days)".
func processStepWords(st *Step, funder string) string {
	return "“" + st.Name + "” (" + StepDecider(*st, funder) + ", " + processDays(st.ResponseDays) + ")"
}

// renumber writes positions 1, 2, 3 … in the order of steps, where they differ.
func (s *Service) renumberSteps(ctx context.Context, steps []Step) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	for i := range steps {
		if steps[i].Position == i+1 {
			continue
		}
		steps[i].Position = i + 1
		if _, err := t.Update(&steps[i]).Column("position").Where("ast.id = ?", steps[i].ID).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// AddStep adds a step at the end of funderID's process. Errors: ENOTFOUND (not a funder whose
// process the person keeps); EINVALID naming each bad field (nothing is written).
func (s *Service) AddStep(ctx context.Context, funderID string, in StepInput) (*Step, error) {
	var out *Step
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		f, err := s.processFunder(ctx, funderID)
		if err != nil {
			return err
		}
		st, err := s.checkProcessStep(ctx, in)
		if err != nil {
			return err
		}
		steps, err := s.processSteps(ctx, f.ID)
		if err != nil {
			return err
		}
		if len(steps) >= MaxSteps {
			return apperr.Invalid(map[string]string{"name": fmt.Sprintf("A process has at most %d steps: remove one before you add another.", MaxSteps)})
		}
		if err := s.renumberSteps(ctx, steps); err != nil {
			return err
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		now := database.Now()
		st.ID, st.FunderID, st.Position, st.CreatedAt, st.UpdatedAt = database.NewID(), f.ID, len(steps)+1, now, now
		if _, err := t.Insert(st).Exec(ctx); err != nil {
			return err
		}
		out = st
		return s.audit.Record(ctx, actionProcess, processRecord, f.ID,
			processFunderName(f)+": added step "+strconv.Itoa(st.Position)+" "+processStepWords(st, processFunderName(f)))
	})
	return out, err
}

// step loads one step of funderID's process (after the funder is checked).
func (s *Service) processStep(ctx context.Context, funderID, stepID string) (*Step, []Step, error) {
	steps, err := s.processSteps(ctx, funderID)
	if err != nil {
		return nil, nil, err
	}
	for i := range steps {
		if steps[i].ID == stepID {
			return &steps[i], steps, nil
		}
	}
	return nil, nil, apperr.NotFound("step")
}

// changeStep runs change on one step of funderID's process, in one transaction: the funder
// (which the person in ctx must keep), the step and every step of the process in order, and the
// tenant helper. change returns the step as the caller reports it. Errors: ENOTFOUND, and
// change's.
func (s *Service) changeStep(ctx context.Context, funderID, stepID string,
	change func(ctx context.Context, t database.Tenant, f *tenants.Organisation, cur *Step, steps []Step) (*Step, error)) (*Step, error) {
	var out *Step
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		f, err := s.processFunder(ctx, funderID)
		if err != nil {
			return err
		}
		cur, steps, err := s.processStep(ctx, f.ID, stepID)
		if err != nil {
			return err
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		out, err = change(ctx, t, f, cur, steps)
		return err
	})
	return out, err
}

// UpdateStep changes a step of funderID's process. Errors: ENOTFOUND; EINVALID naming each bad
// field.
func (s *Service) UpdateStep(ctx context.Context, funderID, stepID string, in StepInput) (*Step, error) {
	return s.changeStep(ctx, funderID, stepID, func(ctx context.Context, t database.Tenant, f *tenants.Organisation, cur *Step, _ []Step) (*Step, error) {
		st, err := s.checkProcessStep(ctx, in)
		if err != nil {
			return nil, err
		}
		before := processStepWords(cur, processFunderName(f))
		cur.Name, cur.Decider, cur.OrganisationID, cur.OrganisationName, cur.ResponseDays, cur.UpdatedAt =
			st.Name, st.Decider, st.OrganisationID, st.OrganisationName, st.ResponseDays, database.Now()
		if _, err := t.Update(cur).Column("name", "decider", "organisation_id", "response_days", "updated_at").
			Where("ast.id = ?", cur.ID).Exec(ctx); err != nil {
			return nil, err
		}
		return cur, s.audit.Record(ctx, actionProcess, processRecord, f.ID,
			processFunderName(f)+": changed step "+strconv.Itoa(cur.Position)+" "+before+" → "+processStepWords(cur, processFunderName(f)))
	})
}

// RemoveStep removes a step of funderID's process; the steps after it move up. Errors:
// ENOTFOUND.
func (s *Service) RemoveStep(ctx context.Context, funderID, stepID string) (*Step, error) {
	return s.changeStep(ctx, funderID, stepID, func(ctx context.Context, t database.Tenant, f *tenants.Organisation, cur *Step, steps []Step) (*Step, error) {
		if _, err := t.Delete((*Step)(nil)).Where("ast.id = ?", cur.ID).Exec(ctx); err != nil {
			return nil, err
		}
		removed := *cur
		rest := make([]Step, 0, len(steps))
		for _, st := range steps {
			if st.ID != cur.ID {
				rest = append(rest, st)
			}
		}
		if err := s.renumberSteps(ctx, rest); err != nil {
			return nil, err
		}
		return &removed, s.audit.Record(ctx, actionProcess, processRecord, f.ID,
			processFunderName(f)+": removed step "+processStepWords(&removed, processFunderName(f)))
	})
}

// MoveStep moves a step of funderID's process one place up (by -1) or down (by +1). A step
// already first (or last) stays where it is. Errors: ENOTFOUND.
func (s *Service) MoveStep(ctx context.Context, funderID, stepID string, by int) (*Step, error) {
	if by != -1 && by != 1 {
		return nil, apperr.Errorf(apperr.EINVALID, "A step moves one place up or down.")
	}
	return s.changeStep(ctx, funderID, stepID, func(ctx context.Context, _ database.Tenant, f *tenants.Organisation, cur *Step, steps []Step) (*Step, error) {
		i := 0
		for steps[i].ID != cur.ID {
			i++
		}
		j := i + by
		moved := steps[i]
		if j < 0 || j >= len(steps) {
			return &moved, nil
		}
		steps[i], steps[j] = steps[j], steps[i]
		if err := s.renumberSteps(ctx, steps); err != nil {
			return nil, err
		}
		moved.Position = j + 1
		dir := "up"
		if by > 0 {
			dir = "down"
		}
		return &moved, s.audit.Record(ctx, actionProcess, processRecord, f.ID,
			fmt.Sprintf("%s: moved step “%s” %s, from %d to %d", processFunderName(f), moved.Name, dir, i+1, j+1))
	})
}

// ---- Templates ----

// Template is a built-in process, added with one click and editable after.
type Template struct {
	Key      string
	Name     string
	Sentence string // what it is, for the button's neighbour
	Steps    []Step // OrganisationID is filled in when the template is applied
}

// Template keys.
const (
	TemplateSingle     = "single"
	TemplateTwoTiers   = "two_tiers"
	TemplateSmartStart = "smart_start"
)

// Templates are the built-in processes.
var Templates = []Template{
	{Key: TemplateSingle, Name: "Single review",
		Sentence: "One step: the funder’s people review and decide.",
		Steps:    []Step{{Name: "Funder review", Decider: DeciderFunder, ResponseDays: DefaultResponseDays}}},
	{Key: TemplateTwoTiers, Name: "Program area, then fiscal office",
		Sentence: "The Illinois agencies’ two tiers: the program area reviews, then the fiscal office. Both steps are decided by the funder’s people, and the same person cannot decide both steps of one amendment, so two different people of the funder decide.",
		Steps: []Step{
			{Name: "Program area review", Decider: DeciderFunder, ResponseDays: DefaultResponseDays},
			{Name: "Fiscal office review", Decider: DeciderFunder, ResponseDays: DefaultResponseDays},
		}},
	{Key: TemplateSmartStart, Name: "Smart Start contract amendment",
		Sentence: "As the Durham partnership describes it: the partnership’s program coordinator and finance (the tenant admins), then the partnership board (the people of the organisation you choose), then NCPC (the funder’s people).",
		Steps: []Step{
			{Name: "Partnership program coordinator and finance", Decider: DeciderTenantAdmin, ResponseDays: DefaultResponseDays},
			{Name: "Partnership board", Decider: DeciderOrganisation, ResponseDays: DefaultResponseDays},
			{Name: "NCPC", Decider: DeciderFunder, ResponseDays: DefaultResponseDays},
		}},
}

// TemplateByKey is the template of key, or nil.
func TemplateByKey(key string) *Template {
	for i := range Templates {
		if Templates[i].Key == key {
			return &Templates[i]
		}
	}
	return nil
}

// NeedsOrganisation reports whether applying the template asks for an organisation.
func (t Template) NeedsOrganisation() bool {
	for _, st := range t.Steps {
		if st.Decider == DeciderOrganisation {
			return true
		}
	}
	return false
}

// ApplyTemplate replaces funderID's steps with the template's. organisationID names the
// organisation deciding the template's organisation step (the Smart Start partnership board).
// Amendments already submitted keep their own snapshot of the steps. Errors: ENOTFOUND;
// EINVALID naming "template" or "organisation_id".
func (s *Service) ApplyTemplate(ctx context.Context, funderID, key, organisationID string) ([]Step, error) {
	var out []Step
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		f, err := s.processFunder(ctx, funderID)
		if err != nil {
			return err
		}
		tpl := TemplateByKey(strings.TrimSpace(key))
		if tpl == nil {
			return apperr.Invalid(map[string]string{"template": "Choose one of the templates."})
		}
		var org *tenants.Organisation
		if tpl.NeedsOrganisation() {
			id := strings.TrimSpace(organisationID)
			if id == "" {
				return apperr.Invalid(map[string]string{organisationFormID: "Choose the organisation whose people decide “Partnership board”, for example the partnership’s board."})
			}
			if org, err = s.processOrganisation(ctx, id); err != nil {
				return err
			}
			if org == nil {
				return apperr.Invalid(map[string]string{organisationFormID: "Choose an organisation of your agency from the list."})
			}
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Delete((*Step)(nil)).Where("ast.funder_id = ?", f.ID).Exec(ctx); err != nil {
			return err
		}
		now := database.Now()
		words := make([]string, 0, len(tpl.Steps))
		for i, ts := range tpl.Steps {
			st := ts
			st.ID, st.FunderID, st.Position, st.CreatedAt, st.UpdatedAt = database.NewID(), f.ID, i+1, now, now
			if st.Decider == DeciderOrganisation && org != nil {
				st.OrganisationID, st.OrganisationName = org.ID, org.Name
			}
			if _, err := t.Insert(&st).Exec(ctx); err != nil {
				return err
			}
			out = append(out, st)
			words = append(words, processStepWords(&st, processFunderName(f)))
		}
		return s.audit.Record(ctx, actionTemplate, processRecord, f.ID,
			processFunderName(f)+": “"+tpl.Name+"”: "+strings.Join(words, " → "))
	})
	return out, err
}

// ---- Rules ----

// RulesInput is the rules form.
type RulesInput struct {
	NoticeAmount, NoticePercent, ApprovalPercent, ReminderDays string
}

// RulesInputOf is the form filled with r.
func RulesInputOf(r Rules) RulesInput {
	return RulesInput{NoticeAmount: r.NoticeCents.Input(), NoticePercent: PercentInput(r.NoticeBP),
		ApprovalPercent: PercentInput(r.ApprovalBP), ReminderDays: strconv.Itoa(r.ReminderDays)}
}

const processPercentProblem = "Enter a percentage from 0 to 100, like 2 or 2.5 (at most two digits after the point)."

// ParsePercent reads a percentage typed as "2", "2.5", "2 %" or "0.25" into basis points, from
// 0 to 100 %.
func ParsePercent(s string) (money.BasisPoints, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, point := strings.Cut(s, ".")
	if whole == "" && point {
		whole = "0"
	}
	if !processDigits(whole) || len(whole) > 3 || (point && (!processDigits(frac) || len(frac) > 2)) {
		return 0, false
	}
	w, _ := strconv.Atoi(whole)
	f := 0
	if point {
		f, _ = strconv.Atoi(frac)
		if len(frac) == 1 {
			f *= 10
		}
	}
	bp := money.BasisPoints(w*100 + f)
	if bp > maxPercentBP {
		return 0, false
	}
	return bp, true
}

func processDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (in RulesInput) check(funderID string) (Rules, map[string]string) {
	bad := map[string]string{}
	r := Rules{FunderID: funderID}
	var err error
	if r.NoticeCents, err = money.Parse(in.NoticeAmount); err != nil {
		bad["notice_amount"] = err.Error()
	}
	var ok bool
	if r.NoticeBP, ok = ParsePercent(in.NoticePercent); !ok {
		bad["notice_percent"] = processPercentProblem
	}
	if r.ApprovalBP, ok = ParsePercent(in.ApprovalPercent); !ok {
		bad["approval_percent"] = processPercentProblem
	}
	if strings.TrimSpace(in.ReminderDays) == "" {
		bad["reminder_days"] = fmt.Sprintf("Enter the days before a step is due to remind its deciders, from 0 to %d (0: no reminder).", MaxReminderDays)
	} else if r.ReminderDays, ok = processParseDays(in.ReminderDays, 0, 0, MaxReminderDays); !ok {
		bad["reminder_days"] = fmt.Sprintf("Enter the days before a step is due to remind its deciders as a whole number from 0 to %d (0: no reminder).", MaxReminderDays)
	}
	return r, bad
}

// SaveRules saves funderID's rules. Errors: ENOTFOUND; EINVALID naming each bad field
// (nothing is written).
func (s *Service) SaveRules(ctx context.Context, funderID string, in RulesInput) (*Rules, error) {
	var out *Rules
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		f, err := s.processFunder(ctx, funderID)
		if err != nil {
			return err
		}
		r, bad := in.check(f.ID)
		if len(bad) > 0 {
			return apperr.Invalid(bad)
		}
		old, _, err := s.processRules(ctx, f.ID)
		if err != nil {
			return err
		}
		sc, t, err := database.Scoped(ctx, s.db)
		if err != nil {
			return err
		}
		r.UpdatedBy, r.UpdatedAt = sc.UserID, database.Now()
		if _, err := t.Insert(&r).On("CONFLICT (tenant_id, funder_id) DO UPDATE").
			Set("notice_cents = EXCLUDED.notice_cents").Set("notice_bp = EXCLUDED.notice_bp").
			Set("approval_bp = EXCLUDED.approval_bp").Set("reminder_days = EXCLUDED.reminder_days").
			Set("updated_by = EXCLUDED.updated_by").Set("updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
			return err
		}
		out = &r
		return s.audit.Record(ctx, actionRules, processRecord, f.ID,
			processFunderName(f)+": "+RulesSummary(old)+" → "+RulesSummary(r))
	})
	return out, err
}
