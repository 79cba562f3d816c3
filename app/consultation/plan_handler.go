package consultation

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// PlanHandler serves the quality improvement plan pages.
type PlanHandler struct{ svc *Plans }

// NewPlanHandler returns the handlers.
func NewPlanHandler(svc *Plans) *PlanHandler { return &PlanHandler{svc: svc} }

// PlanPageData is an engagement's plan page. Each form on it keeps its own input and messages.
type PlanPageData struct {
	Base         string
	View         *PlanView
	DatesForm    *web.Form
	GoalForm     *web.Form
	AgreeForm    *web.Form
	ProgressForm *web.Form
	ProgressGoal string // the goal whose progress form failed
	Statuses     []struct{ Value, Label string }
	GoalFields   *GoalFields
	CSRF         string
}

// GoalFields is what the goal fields template needs: the form, the statuses and the plan.
type GoalFields struct {
	F        *web.Form
	Statuses []struct{ Value, Label string }
	Plan     *Plan
}

func planURL(c *fiber.Ctx, engagementID string) string {
	return recordsBase(c) + "/engagements/" + engagementID + "/plan"
}

type planForms struct {
	dates, goal, agree, progress *web.Form
	progressGoal                 string
}

func (h *PlanHandler) page(c *fiber.Ctx, status int, engagementID string, forms planForms) error {
	v, err := h.svc.View(c.UserContext(), engagementID)
	if err != nil {
		return err
	}
	d := &PlanPageData{Base: recordsBase(c), View: v, DatesForm: forms.dates, GoalForm: forms.goal, AgreeForm: forms.agree,
		ProgressForm: forms.progress, ProgressGoal: forms.progressGoal, Statuses: GoalStatusLabels}
	if d.DatesForm == nil {
		d.DatesForm = emptyForm()
		if v.Plan != nil {
			d.DatesForm.Values.Set("starts_on", v.Plan.StartsOn)
			d.DatesForm.Values.Set("ends_on", v.Plan.EndsOn)
		}
	}
	if d.GoalForm == nil {
		d.GoalForm = emptyForm()
		if v.Plan != nil {
			d.GoalForm.Values.Set("due_on", v.Plan.EndsOn)
		}
	}
	d.GoalFields = &GoalFields{F: d.GoalForm, Statuses: GoalStatusLabels, Plan: v.Plan}
	d.CSRF = web.CSRFToken(c)
	if d.AgreeForm == nil {
		d.AgreeForm = emptyForm()
	}
	if d.ProgressForm == nil {
		d.ProgressForm = emptyForm()
	}
	return web.Render(c, status, "consultation/plan", "", web.View{Title: "Quality improvement plan: " + v.Engagement.ProgramName, D: d})
}

// PlanPage is an engagement's plan: its goals and progress, the consultant's forms and the
// program's agreement.
func (h *PlanHandler) PlanPage(c *fiber.Ctx) error {
	return h.page(c, 200, c.Params("engagementID"), planForms{})
}

// SavePlan starts the plan or changes its dates.
func (h *PlanHandler) SavePlan(c *fiber.Ctx) error {
	f := web.NewForm(c)
	id := c.Params("engagementID")
	if st := f.Refused(); st != 0 {
		return h.page(c, st, id, planForms{dates: f})
	}
	_, err := h.svc.Save(c.UserContext(), id, PlanInput{StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on")})
	if st := web.FormError(f, err); st != 0 {
		return h.page(c, st, id, planForms{dates: f})
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Plan saved.")
	return web.Redirect(c, planURL(c, id))
}

func goalInput(f *web.Form) GoalInput {
	return GoalInput{Goal: f.Get("goal"), Indicator: f.Get("indicator"), Baseline: f.Get("baseline"), Target: f.Get("target"),
		Owner: f.Get("owner"), DueOn: f.Get("due_on"), Status: f.Get("status")}
}

// AddGoal adds a goal to a plan.
func (h *PlanHandler) AddGoal(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	p, e, err := h.svc.planForWrite(ctx, c.Params("planID"))
	if err != nil {
		return err
	}
	if st := f.Refused(); st != 0 {
		return h.page(c, st, e.ID, planForms{goal: f})
	}
	_, err = h.svc.AddGoal(ctx, p.ID, goalInput(f))
	if st := web.FormError(f, err); st != 0 {
		return h.page(c, st, e.ID, planForms{goal: f})
	}
	if err != nil {
		return err
	}
	msg := "Goal added."
	if p.Status == PlanAgreed {
		msg = "Goal added. The plan is back to draft: the program needs to agree to it again."
	}
	web.Flash(c, msg)
	return web.Redirect(c, planURL(c, e.ID))
}

// GoalEditData is the edit-goal page.
type GoalEditData struct {
	Base       string
	Edit       *GoalEdit
	GoalFields *GoalFields
}

func (h *PlanHandler) goalPage(c *fiber.Ctx, status int, f *web.Form) error {
	ge, err := h.svc.GoalForEdit(c.UserContext(), c.Params("goalID"))
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		in := GoalValues(ge.Goal)
		for k, v := range map[string]string{"goal": in.Goal, "indicator": in.Indicator, "baseline": in.Baseline,
			"target": in.Target, "owner": in.Owner, "due_on": in.DueOn, "status": in.Status} {
			f.Values.Set(k, v)
		}
	}
	return web.Render(c, status, "consultation/goal_edit", "", web.View{Title: "Change a goal",
		D: &GoalEditData{Base: recordsBase(c), Edit: ge, GoalFields: &GoalFields{F: f, Statuses: GoalStatusLabels, Plan: ge.Plan}}, Form: f})
}

// EditGoalPage is the form to change a goal.
func (h *PlanHandler) EditGoalPage(c *fiber.Ctx) error { return h.goalPage(c, 200, nil) }

// UpdateGoal changes a goal.
func (h *PlanHandler) UpdateGoal(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	ge, err := h.svc.GoalForEdit(ctx, c.Params("goalID"))
	if err != nil {
		return err
	}
	if st := f.Refused(); st != 0 {
		return h.goalPage(c, st, f)
	}
	_, reopened, err := h.svc.UpdateGoal(ctx, ge.Goal.ID, goalInput(f))
	if st := web.FormError(f, err); st != 0 {
		return h.goalPage(c, st, f)
	}
	if err != nil {
		return err
	}
	msg := "Goal saved."
	if reopened {
		msg = "Goal saved. The plan is back to draft: the program needs to agree to it again."
	}
	web.Flash(c, msg)
	return web.Redirect(c, planURL(c, ge.Engagement.ID))
}

// DeleteGoal removes a goal.
func (h *PlanHandler) DeleteGoal(c *fiber.Ctx) error {
	ge, err := h.svc.DeleteGoal(c.UserContext(), c.Params("goalID"))
	if err != nil {
		return err
	}
	msg := "Goal removed."
	if ge.Plan.Status == PlanAgreed {
		msg = "Goal removed. The plan is back to draft: the program needs to agree to it again."
	}
	web.Flash(c, msg)
	return web.Redirect(c, planURL(c, ge.Engagement.ID))
}

// RecordProgress records progress on a goal from the plan page.
func (h *PlanHandler) RecordProgress(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	ge, err := h.svc.GoalForEdit(ctx, c.Params("goalID"))
	if err != nil {
		return err
	}
	if st := f.Refused(); st != 0 {
		return h.page(c, st, ge.Engagement.ID, planForms{progress: f, progressGoal: ge.Goal.ID})
	}
	_, err = h.svc.RecordProgress(ctx, ge.Goal.ID, ProgressInput{Status: f.Get("status"), Note: f.Get("note")}, "")
	if st := web.FormError(f, err); st != 0 {
		return h.page(c, st, ge.Engagement.ID, planForms{progress: f, progressGoal: ge.Goal.ID})
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Progress recorded.")
	return web.Redirect(c, planURL(c, ge.Engagement.ID))
}

// Agree records the program's agreement to a plan.
func (h *PlanHandler) Agree(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	_, e, err := h.svc.planForWrite(ctx, c.Params("planID"))
	if err != nil {
		return err
	}
	if st := f.Refused(); st != 0 {
		return h.page(c, st, e.ID, planForms{agree: f})
	}
	_, err = h.svc.Agree(ctx, c.Params("planID"), AgreeInput{Names: f.Get("names"), Confirm: f.Get("confirm") == "yes"})
	if st := web.FormError(f, err); st != 0 {
		return h.page(c, st, e.ID, planForms{agree: f})
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Agreement recorded. Thank you.")
	return web.Redirect(c, planURL(c, e.ID))
}

// PlansData is the plans list.
type PlansData struct {
	Base      string
	Plans     []PlanRow
	Status    string
	Page      int
	More      bool
	IsProgram bool
}

// PlansPage lists the plans the person may see; program users see theirs, those waiting for
// their agreement first.
func (h *PlanHandler) PlansPage(c *fiber.Ctx) error {
	sc := web.ScopeOf(c)
	page, _ := strconv.Atoi(c.Query("page"))
	status := c.Query("status")
	switch status {
	case PlanFilterAwaiting, PlanFilterAgreed, PlanFilterDraft:
	default:
		status = ""
	}
	list, more, err := h.svc.List(c.UserContext(), PlanFilter{Status: status, Page: page})
	if err != nil {
		return err
	}
	d := &PlansData{Base: recordsBase(c), Plans: list, Status: status, Page: max(page, 1), More: more, IsProgram: sc.Role == authz.Program}
	return web.Render(c, 200, "consultation/plans", "", web.View{Title: "Quality improvement plans", D: d})
}

// PrevPage and NextPage are the page numbers around this one.
func (d *PlansData) PrevPage() int { return d.Page - 1 }

// NextPage is the next page's number.
func (d *PlansData) NextPage() int { return d.Page + 1 }
