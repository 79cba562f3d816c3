package consultation

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// AssessmentHandler serves the instruments and the assessments pages.
type AssessmentHandler struct {
	svc *Assessments
	now func() time.Time
}

// NewAssessmentHandler returns the handlers.
func NewAssessmentHandler(svc *Assessments) *AssessmentHandler {
	return &AssessmentHandler{svc: svc, now: time.Now}
}

func recordsBase(c *fiber.Ctx) string { return "/t/" + web.ScopeOf(c).TenantSlug }

func emptyForm() *web.Form { return &web.Form{Values: url.Values{}, Errors: map[string]string{}} }

// InstrumentsData is the instruments page.
type InstrumentsData struct {
	Base        string
	Instruments []Instrument
	CanCreate   bool
	MoreRows    bool                // the form can show more subscale rows (?rows=)
	Rows        []InstrumentFormRow // the subscale rows of the new-instrument form
}

// InstrumentFormRow is a subscale row of the form, N its number: its name and score fields
// and its "lower is better" box, with what the form holds for them, read once in Go (as
// printf, $f.Get and $f.Error in the template, a row was twenty reflected calls).
type InstrumentFormRow struct {
	N            int
	Inputs       [3]SubscaleFormInput // name, lowest score, highest score
	LowerField   string
	LowerChecked bool
}

// SubscaleFormInput is one text field of a subscale row.
type SubscaleFormInput struct {
	Field, Label, Class, InputMode string
	Value, Error                   string
}

// instrumentFormRow lays out subscale row i with what f holds for it.
func instrumentFormRow(f *web.Form, i int) InstrumentFormRow {
	r := InstrumentFormRow{N: i + 1, LowerField: SubscaleField("lower", i)}
	r.LowerChecked = f.Get(r.LowerField) == "yes"
	for j, in := range []SubscaleFormInput{
		{Field: SubscaleField("name", i), Label: "Name", Class: "usa-input"},
		{Field: SubscaleField("min", i), Label: "Lowest possible score", Class: "usa-input usa-input--small", InputMode: "decimal"},
		{Field: SubscaleField("max", i), Label: "Highest possible score", Class: "usa-input usa-input--small", InputMode: "decimal"},
	} {
		in.Value, in.Error = f.Get(in.Field), f.Error(in.Field)
		r.Inputs[j] = in
	}
	return r
}

func (h *AssessmentHandler) instrumentsPage(c *fiber.Ctx, status int, f *web.Form) error {
	list, err := h.svc.Instruments().List(c.UserContext())
	if err != nil {
		return err
	}
	d := &InstrumentsData{Base: recordsBase(c), Instruments: list, CanCreate: web.ScopeOf(c).Role == authz.TenantAdmin}
	rows := 6
	if n, _ := strconv.Atoi(c.Query("rows")); n > rows {
		rows = min(n, InstrumentMaxSubscales)
	}
	d.MoreRows = rows < InstrumentMaxSubscales
	for i := InstrumentMaxSubscales - 1; i >= rows; i-- { // show every row someone filled in
		if f.Get(SubscaleField("name", i)) != "" || f.Get(SubscaleField("min", i)) != "" || f.Get(SubscaleField("max", i)) != "" {
			rows = i + 1
			break
		}
	}
	for i := 0; i < rows; i++ {
		d.Rows = append(d.Rows, instrumentFormRow(f, i))
	}
	return web.Render(c, status, "consultation/instruments", "", web.View{Title: "Assessment instruments", D: d, Form: f})
}

// InstrumentsPage lists the instruments, with the form to add one for tenant admins.
func (h *AssessmentHandler) InstrumentsPage(c *fiber.Ctx) error {
	return h.instrumentsPage(c, 200, emptyForm())
}

// CreateInstrument adds a tenant's own instrument.
func (h *AssessmentHandler) CreateInstrument(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.instrumentsPage(c, st, f)
	}
	in := InstrumentInput{Name: f.Get("name"), ShortName: f.Get("short_name"), Description: f.Get("description")}
	for i := 0; i < InstrumentMaxSubscales; i++ {
		in.Subscales = append(in.Subscales, SubscaleInput{Name: f.Get(SubscaleField("name", i)), Min: f.Get(SubscaleField("min", i)),
			Max: f.Get(SubscaleField("max", i)), LowerIsBetter: f.Get(SubscaleField("lower", i)) == "yes"})
	}
	ins, err := h.svc.Instruments().Create(c.UserContext(), in)
	if st := web.FormError(f, err); st != 0 {
		return h.instrumentsPage(c, st, f)
	}
	if err != nil {
		return err
	}
	web.Flash(c, ins.ShortName+" added.")
	return web.Redirect(c, recordsBase(c)+"/instruments/"+ins.ID)
}

// InstrumentPage shows one instrument and its subscales.
func (h *AssessmentHandler) InstrumentPage(c *fiber.Ctx) error {
	ins, err := h.svc.Instruments().ByID(c.UserContext(), c.Params("instrumentID"))
	if err != nil {
		return err
	}
	return web.Render(c, 200, "consultation/instrument", "", web.View{Title: ins.ShortName,
		D: map[string]any{"Base": recordsBase(c), "Instrument": ins}})
}

// EngagementAssessmentsData is an engagement's assessments page.
type EngagementAssessmentsData struct {
	Base       string
	Engagement *Engagement
	Focus      string
	Section    *AssessmentsSection
}

// EngagementAssessments is an engagement's assessments: pre against post per instrument.
func (h *AssessmentHandler) EngagementAssessments(c *fiber.Ctx) error {
	ctx := c.UserContext()
	e, err := h.svc.Engagement(ctx, c.Params("engagementID"))
	if err != nil {
		return err
	}
	sec, err := h.svc.SectionOf(ctx, e)
	if err != nil {
		return err
	}
	if sec == nil {
		return apperr.NotFound("engagement")
	}
	d := &EngagementAssessmentsData{Base: recordsBase(c), Engagement: e, Focus: recordsFocusText(e, web.ScopeOf(c)), Section: sec}
	return web.Render(c, 200, "consultation/assessments", "consultation/_assessments_page",
		web.View{Title: "Assessments: " + e.ProgramName, D: d})
}

// AssessmentFormData is the record/edit assessment form.
type AssessmentFormData struct {
	Base        string
	Engagement  *Engagement
	Focus       string
	Instruments []Instrument
	Instrument  *Instrument // chosen; the scores form shows only once it is
	Assessment  *Assessment // set when editing
	Editable    bool
	Action      string
	Today       string
}

func (h *AssessmentHandler) newPage(c *fiber.Ctx, status int, f *web.Form) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	e, err := h.svc.Engagement(ctx, c.Params("engagementID"))
	if err != nil {
		return err
	}
	if !canWriteRecords(sc) {
		return apperr.Errorf(apperr.EFORBIDDEN, "Only the engagement's consultant records its assessments.")
	}
	list, err := h.svc.Instruments().List(ctx)
	if err != nil {
		return err
	}
	today, err := recordsToday(ctx, h.svc.db, h.now())
	if err != nil {
		return err
	}
	d := &AssessmentFormData{Base: recordsBase(c), Engagement: e, Focus: recordsFocusText(e, sc), Instruments: list, Editable: true,
		Action: recordsBase(c) + "/engagements/" + e.ID + "/assessments/new", Today: today}
	for i := range list {
		if list[i].ID == f.Get("instrument_id") {
			d.Instrument = &list[i]
		}
	}
	if d.Instrument != nil && f.Get("administered_on") == "" && status == 200 {
		f.Values.Set("administered_on", today)
	}
	if d.Instrument != nil && f.Get("phase") == "" {
		f.Values.Set("phase", PhasePre)
		if sec, err := h.svc.SectionOf(ctx, e); err == nil && sec != nil {
			for _, cmp := range sec.Comparisons {
				if cmp.Instrument.ID == d.Instrument.ID && cmp.Pre != nil {
					f.Values.Set("phase", PhasePost)
				}
			}
		}
	}
	return web.Render(c, status, "consultation/assessment_form", "", web.View{Title: "Record an assessment", D: d, Form: f})
}

// NewAssessmentPage is the form: first the instrument (?instrument_id=), then the scores.
func (h *AssessmentHandler) NewAssessmentPage(c *fiber.Ctx) error {
	f := emptyForm()
	f.Values.Set("instrument_id", c.Query("instrument_id"))
	return h.newPage(c, 200, f)
}

func assessmentInput(f *web.Form, ins *Instrument) AssessmentInput {
	in := AssessmentInput{InstrumentID: f.Get("instrument_id"), Phase: f.Get("phase"), AdministeredOn: f.Get("administered_on"),
		Scores: map[string]string{}}
	if ins != nil {
		for _, sub := range ins.Subscales {
			in.Scores[sub.ID] = f.Get(ScoreField(sub.ID))
		}
	}
	return in
}

// CreateAssessment records an administration.
func (h *AssessmentHandler) CreateAssessment(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.newPage(c, st, f)
	}
	// The engagement first: another's engagement is not found, whatever the form says.
	if _, err := h.svc.Engagement(ctx, c.Params("engagementID")); err != nil {
		return err
	}
	ins, err := h.svc.instrumentOrNil(ctx, f.Get("instrument_id"))
	if err != nil {
		return err
	}
	a, err := h.svc.Create(ctx, c.Params("engagementID"), assessmentInput(f, ins), h.now())
	if st := web.FormError(f, err); st != 0 {
		return h.newPage(c, st, f)
	}
	if err != nil {
		return err
	}
	web.Flash(c, a.PhaseLabel()+" recorded.")
	return web.Redirect(c, recordsBase(c)+"/engagements/"+a.EngagementID+"/assessments")
}

func (h *AssessmentHandler) assessmentPage(c *fiber.Ctx, status int, f *web.Form) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	v, err := h.svc.ByID(ctx, c.Params("assessmentID"), h.now())
	if err != nil {
		return err
	}
	today, err := recordsToday(ctx, h.svc.db, h.now())
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		f.Values.Set("phase", v.Assessment.Phase)
		f.Values.Set("administered_on", v.Assessment.AdministeredOn)
		for _, sub := range v.Instrument.Subscales {
			if s, ok := v.Assessment.Scores[sub.ID]; ok {
				f.Values.Set(ScoreField(sub.ID), ScoreText(s))
			}
		}
	}
	f.Values.Set("instrument_id", v.Instrument.ID)
	d := &AssessmentFormData{Base: recordsBase(c), Engagement: v.Engagement, Focus: recordsFocusText(v.Engagement, sc),
		Instrument: v.Instrument, Assessment: v.Assessment, Editable: v.Editable && canWriteRecords(sc),
		Action: recordsBase(c) + "/assessments/" + v.Assessment.ID, Today: today}
	return web.Render(c, status, "consultation/assessment_form", "", web.View{
		Title: v.Assessment.PhaseLabel() + " " + v.Instrument.ShortName, D: d, Form: f})
}

// AssessmentPage shows an administration, with the form to correct it while it can be.
func (h *AssessmentHandler) AssessmentPage(c *fiber.Ctx) error { return h.assessmentPage(c, 200, nil) }

// UpdateAssessment corrects an administration.
func (h *AssessmentHandler) UpdateAssessment(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.assessmentPage(c, st, f)
	}
	v, err := h.svc.ByID(ctx, c.Params("assessmentID"), h.now())
	if err != nil {
		return err
	}
	f.Values.Set("instrument_id", v.Instrument.ID)
	a, err := h.svc.Update(ctx, v.Assessment.ID, assessmentInput(f, v.Instrument), h.now())
	if st := web.FormError(f, err); st != 0 {
		return h.assessmentPage(c, st, f)
	}
	if err != nil {
		return err
	}
	web.Flash(c, a.PhaseLabel()+" saved.")
	return web.Redirect(c, recordsBase(c)+"/engagements/"+a.EngagementID+"/assessments")
}

// DeleteAssessment removes an administration.
func (h *AssessmentHandler) DeleteAssessment(c *fiber.Ctx) error {
	v, err := h.svc.Delete(c.UserContext(), c.Params("assessmentID"), h.now())
	if err != nil {
		return err
	}
	web.Flash(c, v.Assessment.PhaseLabel()+" of "+v.Assessment.AdministeredOn+" deleted.")
	return web.Redirect(c, recordsBase(c)+"/engagements/"+v.Engagement.ID+"/assessments")
}
