package amendments

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// The funders' process pages: the list (tenant admins), one funder's steps, templates and
// rules (the tenant admins, or the funder's own people for their funder), and the posts that
// change them. Every form works as a plain POST; a bad one comes back with what was typed.

// ProcessesData is the list of funders' processes.
type ProcessesData struct {
	Base      string
	Processes []FunderProcess
}

// ProcessesPage lists every funder with its steps and rules in a line (tenant admins). A
// funder's own people go straight to their funder's page.
func (h *Handler) ProcessesPage(c *fiber.Ctx) error {
	sc := web.ScopeOf(c)
	if sc.Role == authz.Funder && sc.OrganisationID != "" {
		return web.Redirect(c, base(c)+"/processes/"+sc.OrganisationID)
	}
	list, err := h.svc.Processes(c.UserContext())
	if err != nil {
		return err
	}
	d := &ProcessesData{Base: base(c) + "/processes", Processes: list}
	return web.Render(c, fiber.StatusOK, "amendments/processes", "", web.View{Title: "Budget amendment processes", D: d, Wide: true})
}

// DeciderChoice is one choice of who decides a step, checked when the form holds it.
type DeciderChoice struct {
	Value, Label string
	Checked      bool
}

// StepForm is the form adding a step or changing one. What it shows is read from its form once,
// in Go (issue 14: the page repeats it for every step, and each $f.Get or $f.Error was a
// reflected call; the organisations' select was hundreds of them).
type StepForm struct {
	Action   string
	Suffix   string // ends every element id: "" for the add form, "-<step id>" for a step's
	Button   string
	CSRF     string
	Summary  *web.ErrorSummary
	Choices  []DeciderChoice
	MinDays  int
	MaxDays  int
	MaxName  int
	Open     bool // came back with errors
	StepName string
	// The values typed and their errors.
	Name, Days                                   string
	NameError, DeciderError, OrgError, DaysError string
	OrgOptions                                   []web.Option // the organisations, the one typed selected ({{options}})
}

// StepRow is one step of the process as the page lists it.
type StepRow struct {
	ID, Name    string
	N           int
	First, Last bool
	Decides     string
	Days        string // "30 days"
	Action      string // the step's address: /edit, /up, /down, /delete follow it
	Edit        StepForm
}

// ProcessData is one funder's process page.
type ProcessData struct {
	Base          string // the funder's process address
	ListURL       string
	IsAdmin       bool
	P             *FunderProcess
	Steps         []StepRow
	Add           StepForm
	Templates     []Template
	TemplateForm  *web.Form
	Organisations []tenants.Organisation
	// The template form's organisation select and its error, read once in Go.
	TemplateOrgOptions []web.Option
	TemplateOrgError   string
	Defaults           Rules
	RulesForm          *web.Form
	DefaultInput       RulesInput
	// The rules form's values and errors, read once; the defaults' notice amount in words.
	RulesValue, RulesError RulesInput
	DefaultNotice          string
	MaxReminder            int
	MaxSteps               int
	DefaultDays            int
}

// NoticeAmount is the defaults' notice amount in words ("$1,000").
func (d *ProcessData) NoticeAmount(r Rules) string { return DollarWords(r.NoticeCents) }

// processForms are the forms of a process page that may come back with errors.
type processForms struct {
	add, edit, template, rules *web.Form
	editFor                    string
}

func processEmptyForm() *web.Form {
	return &web.Form{Values: url.Values{}, Errors: map[string]string{}}
}

func processStepValues(st *Step) *web.Form {
	f := processEmptyForm()
	f.Values.Set("name", st.Name)
	f.Values.Set("decider", st.Decider)
	f.Values.Set(organisationFormID, st.OrganisationID)
	f.Values.Set("response_days", strconv.Itoa(st.ResponseDays))
	return f
}

func processRulesValues(in RulesInput) *web.Form {
	f := processEmptyForm()
	f.Values.Set("notice_amount", in.NoticeAmount)
	f.Values.Set("notice_percent", in.NoticePercent)
	f.Values.Set("approval_percent", in.ApprovalPercent)
	f.Values.Set("reminder_days", in.ReminderDays)
	return f
}

func (h *Handler) processPage(c *fiber.Ctx, status int, forms processForms) error {
	ctx := c.UserContext()
	p, err := h.svc.FunderProcess(ctx, c.Params("funderID"))
	if err != nil {
		return err
	}
	orgs, err := h.svc.DeciderOrganisations(ctx)
	if err != nil {
		return err
	}
	l := web.LayoutOf(c)
	sc := web.ScopeOf(c)
	d := &ProcessData{Base: base(c) + "/processes/" + p.Funder.ID, ListURL: base(c) + "/processes",
		IsAdmin: sc.Role == authz.TenantAdmin, P: p, Templates: Templates, Organisations: orgs,
		Defaults: DefaultRules(p.Funder.ID), DefaultInput: RulesInputOf(DefaultRules(p.Funder.ID)),
		MaxReminder: MaxReminderDays, MaxSteps: MaxSteps, DefaultDays: DefaultResponseDays}
	choices := []DeciderChoice{
		{DeciderFunder, "The funder’s people (" + p.Name() + ")", false},
		{DeciderTenantAdmin, "The tenant admins", false},
		{DeciderOrganisation, "The people of an organisation (choose it below)", false},
	}
	orgOptions := decidersOptions(orgs)
	stepForm := func(action, suffix, button string, f *web.Form) StepForm {
		return newStepForm(action, suffix, button, l.CSRF, f, choices, orgOptions)
	}
	editFound := forms.editFor == ""
	for i := range p.Steps {
		st := p.Steps[i]
		row := StepRow{ID: st.ID, Name: st.Name, N: i + 1, Days: web.Plural(st.ResponseDays, "day", "days"), First: i == 0, Last: i == len(p.Steps)-1, Decides: p.Decides(st),
			Action: d.Base + "/steps/" + st.ID}
		f := processStepValues(&st)
		if st.ID == forms.editFor && forms.edit != nil {
			f, editFound = forms.edit, true
		}
		row.Edit = stepForm(row.Action+"/edit", "-"+st.ID, "Save the step", f)
		row.Edit.StepName = st.Name
		d.Steps = append(d.Steps, row)
	}
	if !editFound {
		return apperr.NotFound("step")
	}
	add := forms.add
	if add == nil {
		add = processEmptyForm()
		add.Values.Set("decider", DeciderFunder)
		add.Values.Set("response_days", strconv.Itoa(DefaultResponseDays))
	}
	d.Add = stepForm(d.Base+"/steps", "", "Add the step", add)
	d.TemplateForm = forms.template
	if d.TemplateForm == nil {
		d.TemplateForm = processEmptyForm()
	}
	d.TemplateOrgOptions = chosenOptions(orgOptions, d.TemplateForm.Get(organisationFormID))
	d.TemplateOrgError = d.TemplateForm.Error(organisationFormID)
	d.RulesForm = forms.rules
	if d.RulesForm == nil {
		d.RulesForm = processRulesValues(RulesInputOf(p.Rules))
	}
	rf := d.RulesForm
	d.RulesValue = RulesInput{NoticeAmount: rf.Get("notice_amount"), NoticePercent: rf.Get("notice_percent"),
		ApprovalPercent: rf.Get("approval_percent"), ReminderDays: rf.Get("reminder_days")}
	d.RulesError = RulesInput{NoticeAmount: rf.Error("notice_amount"), NoticePercent: rf.Error("notice_percent"),
		ApprovalPercent: rf.Error("approval_percent"), ReminderDays: rf.Error("reminder_days")}
	d.DefaultNotice = d.NoticeAmount(d.Defaults)
	return web.Render(c, status, "amendments/process", "", web.View{Title: "Budget amendment process: " + p.Funder.Name, L: l, D: d})
}

// ProcessPage is one funder's process: its steps in order, the forms to change them, the
// templates and the rules.
func (h *Handler) ProcessPage(c *fiber.Ctx) error {
	return h.processPage(c, fiber.StatusOK, processForms{})
}

func processStepInput(f *web.Form) StepInput {
	return StepInput{Name: f.Get("name"), Decider: f.Get("decider"), OrganisationID: f.Get(organisationFormID),
		ResponseDays: f.Get("response_days")}
}

// AddStep adds a step at the end of the funder's process.
func (h *Handler) AddStep(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.processPage(c, st, processForms{add: f})
	}
	st, err := h.svc.AddStep(c.UserContext(), c.Params("funderID"), processStepInput(f))
	if code := web.FormError(f, err); code != 0 {
		return h.processPage(c, code, processForms{add: f})
	} else if err != nil {
		return err
	}
	web.Flash(c, "“"+st.Name+"” is added as step "+strconv.Itoa(st.Position)+".")
	return web.Redirect(c, base(c)+"/processes/"+st.FunderID+"#step-"+st.ID)
}

// UpdateStep changes a step.
func (h *Handler) UpdateStep(c *fiber.Ctx) error {
	f := web.NewForm(c)
	stepID := c.Params("stepID")
	if st := f.Refused(); st != 0 {
		return h.processPage(c, st, processForms{edit: f, editFor: stepID})
	}
	st, err := h.svc.UpdateStep(c.UserContext(), c.Params("funderID"), stepID, processStepInput(f))
	if code := web.FormError(f, err); code != 0 {
		return h.processPage(c, code, processForms{edit: f, editFor: stepID})
	} else if err != nil {
		return err
	}
	web.Flash(c, "Step "+strconv.Itoa(st.Position)+", “"+st.Name+"”, is saved.")
	return web.Redirect(c, base(c)+"/processes/"+st.FunderID+"#step-"+st.ID)
}

func (h *Handler) moveProcessStep(c *fiber.Ctx, by int) error {
	st, err := h.svc.MoveStep(c.UserContext(), c.Params("funderID"), c.Params("stepID"), by)
	if err != nil {
		return err
	}
	web.Flash(c, "“"+st.Name+"” is step "+strconv.Itoa(st.Position)+" now.")
	return web.Redirect(c, base(c)+"/processes/"+st.FunderID+"#step-"+st.ID)
}

// MoveStepUp moves a step one place earlier.
func (h *Handler) MoveStepUp(c *fiber.Ctx) error { return h.moveProcessStep(c, -1) }

// MoveStepDown moves a step one place later.
func (h *Handler) MoveStepDown(c *fiber.Ctx) error { return h.moveProcessStep(c, 1) }

// RemoveStep removes a step; the steps after it move up.
func (h *Handler) RemoveStep(c *fiber.Ctx) error {
	st, err := h.svc.RemoveStep(c.UserContext(), c.Params("funderID"), c.Params("stepID"))
	if err != nil {
		return err
	}
	web.Flash(c, "“"+st.Name+"” is removed.")
	return web.Redirect(c, base(c)+"/processes/"+st.FunderID+"#steps")
}

// ApplyTemplate replaces the funder's steps with a built-in template's.
func (h *Handler) ApplyTemplate(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.processPage(c, st, processForms{template: f})
	}
	funderID := c.Params("funderID")
	steps, err := h.svc.ApplyTemplate(c.UserContext(), funderID, f.Get("template"), f.Get(organisationFormID))
	if code := web.FormError(f, err); code != 0 {
		return h.processPage(c, code, processForms{template: f})
	} else if err != nil {
		return err
	}
	name := ""
	if tpl := TemplateByKey(f.Get("template")); tpl != nil {
		name = tpl.Name
	}
	count := strconv.Itoa(len(steps)) + " steps"
	if len(steps) == 1 {
		count = "1 step"
	}
	web.Flash(c, "The process is now “"+name+"”: "+count+". Change them below as you need.")
	return web.Redirect(c, base(c)+"/processes/"+funderID+"#steps")
}

// SaveRules saves the funder's rules.
func (h *Handler) SaveRules(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.processPage(c, st, processForms{rules: f})
	}
	in := RulesInput{NoticeAmount: f.Get("notice_amount"), NoticePercent: f.Get("notice_percent"),
		ApprovalPercent: f.Get("approval_percent"), ReminderDays: f.Get("reminder_days")}
	r, err := h.svc.SaveRules(c.UserContext(), c.Params("funderID"), in)
	if code := web.FormError(f, err); code != 0 {
		return h.processPage(c, code, processForms{rules: f})
	} else if err != nil {
		return err
	}
	web.Flash(c, "The rules are saved: "+RulesSummary(*r)+".")
	return web.Redirect(c, base(c)+"/processes/"+r.FunderID+"#rules")
}

// decidersOptions are the organisations a step may name, labelled once ("Name (Kind)"): each
// form only marks its own choice (chosenOptions).
func decidersOptions(orgs []tenants.Organisation) []web.Option {
	out := make([]web.Option, len(orgs))
	for i, o := range orgs {
		out[i] = web.Option{Value: o.ID, Label: o.Name + " (" + o.KindLabel() + ")"}
	}
	return out
}

// chosenOptions are opts with the one of value chosen selected.
func chosenOptions(opts []web.Option, chosen string) []web.Option {
	if chosen != "" {
		opts = append([]web.Option(nil), opts...)
		for i := range opts {
			opts[i].Selected = opts[i].Value == chosen
		}
	}
	return opts
}

// newStepForm is a step form (suffix ends its element ids) holding form f, read once.
func newStepForm(action, suffix, button, csrf string, f *web.Form, choices []DeciderChoice, orgOptions []web.Option) StepForm {
	sf := StepForm{Action: action, Suffix: suffix, Button: button, CSRF: csrf,
		Summary: f.Summary("name=step-name"+suffix, "decider=step-decider-funder"+suffix,
			"organisation_id=step-organisation_id"+suffix, "response_days=step-response_days"+suffix),
		Choices: make([]DeciderChoice, len(choices)), MinDays: MinResponseDays, MaxDays: MaxResponseDays, MaxName: MaxStepName,
		Open: f.HasErrors(), Name: f.Get("name"), Days: f.Get("response_days"), NameError: f.Error("name"),
		DeciderError: f.Error("decider"), OrgError: f.Error(organisationFormID), DaysError: f.Error("response_days"),
		OrgOptions: chosenOptions(orgOptions, f.Get(organisationFormID))}
	decider := f.Get("decider")
	for i, ch := range choices {
		ch.Checked = ch.Value == decider
		sf.Choices[i] = ch
	}
	return sf
}
