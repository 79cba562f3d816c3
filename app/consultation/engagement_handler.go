package consultation

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// EngagementHandler serves the engagement pages, the caseloads and Ohio's EI expectations.
type EngagementHandler struct {
	svc *Engagements
	// The engagement page shows the engagement's latest sessions, its assessments and its plan.
	sessions    *Sessions
	assessments *Assessments
	plans       *Plans
}

// NewEngagementHandler returns the handlers.
func NewEngagementHandler(svc *Engagements, sessions *Sessions, assessments *Assessments, plans *Plans) *EngagementHandler {
	return &EngagementHandler{svc: svc, sessions: sessions, assessments: assessments, plans: plans}
}

func engBase(c *fiber.Ctx) string { return "/t/" + web.ScopeOf(c).TenantSlug }

func engQuery(c *fiber.Ctx) url.Values {
	v := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, val []byte) { v.Add(string(k), string(val)) })
	return v
}

// EngOption is a choice of a select or radio group.
type EngOption = web.Option

func engOptions(set []struct{ Value, Label string }, chosen string) []EngOption {
	out := make([]EngOption, len(set))
	for i, s := range set {
		out[i] = EngOption{Value: s.Value, Label: s.Label, Selected: s.Value == chosen}
	}
	return out
}

// ---- Start an engagement.

// NewEngagementData is the form that starts an engagement. A tenant admin chooses the
// consultant first (ChoosingConsultant, with Consultants to choose from), then one of that
// consultant's programs (Consultant).
type NewEngagementData struct {
	Base        string
	Assignments []EngOption
	Focuses     []EngOption
	Sites       []EngOption
	AgeBands    []EngOption
	IsAdmin     bool
	Today       string
	Child       ChildChoices
	// ChoosingConsultant: the first step, a tenant admin's choice of consultant.
	ChoosingConsultant bool
	Consultants        []EngOption
	// Consultant is the consultant a tenant admin chose (the second step); OtherConsultants,
	// whether there is another one to choose instead.
	Consultant       ConsultantChoice
	OtherConsultants bool
	// Unsaved are the messages of a failed form's other fields when it comes back to the
	// first step (its consultant was not one of the list).
	Unsaved []string
}

// ChildChoices are the choices of a child focus's optional details, with the ones chosen and
// the messages of those that were wrong (views/consultation/_child_details.html).
type ChildChoices struct {
	RaceEthnicities, Sexes, DLL, IEPIFSP []EngOption
	Errors                               map[string]string
}

// Error is the message of one field of the details.
func (c ChildChoices) Error(field string) string { return c.Errors[field] }

func childChoices(f *web.Form) ChildChoices {
	return ChildChoices{RaceEthnicities: engOptions(ChildRaceEthnicities, f.Get("child_race_ethnicity")),
		Sexes: engOptions(ChildSexes, f.Get("child_sex")), DLL: engOptions(ChildYesNo, f.Get("child_dll")),
		IEPIFSP: engOptions(ChildYesNo, f.Get("child_iep_ifsp")), Errors: f.Errors}
}

func childDetailsInput(f *web.Form) ChildDetailsInput {
	return ChildDetailsInput{RaceEthnicity: f.Get("child_race_ethnicity"), Sex: f.Get("child_sex"),
		DLL: f.Get("child_dll"), IEPIFSP: f.Get("child_iep_ifsp")}
}

// autoPick chooses the only assignment there is on the empty form. A consultant chooses
// among their own assignments; a tenant admin first chooses the consultant (the form's
// "consultant", or the consultant of its "assignment_id"), then among that consultant's.
func (h *EngagementHandler) newPage(c *fiber.Ctx, status int, f *web.Form, autoPick bool) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	if sc.Role != authz.Consultant && sc.Role != authz.TenantAdmin {
		return apperr.Errorf(apperr.EFORBIDDEN, "Only consultants and tenant admins start engagements.")
	}
	d := &NewEngagementData{Base: engBase(c), IsAdmin: sc.Role == authz.TenantAdmin,
		Focuses: engOptions(Focuses, f.Get("focus")), Child: childChoices(f)}
	var as []AssignmentChoice
	if d.IsAdmin {
		chosen, err := h.chosenConsultant(c, f, d)
		if err != nil {
			return err
		}
		if chosen == nil {
			// A failed form that names no consultant of the list says so on the first step.
			if status >= 400 && f.Error("consultant") == "" {
				f.Errors["consultant"] = "Choose a consultant from the list."
			}
			if f.Error("consultant") != "" && status < 400 {
				status = fiber.StatusUnprocessableEntity
			}
			for k, msg := range f.Errors {
				if k != "consultant" && k != "_form" {
					d.Unsaved = append(d.Unsaved, msg)
				}
			}
			slices.Sort(d.Unsaved)
			return web.Render(c, status, "consultation/engagement_new", "", web.View{Title: "Start an engagement: choose the consultant", D: d, Form: f})
		}
		as, d.Consultant, d.OtherConsultants = chosen.Assignments, chosen.Consultant, chosen.Others
		f.Values.Set("consultant", chosen.Consultant.ID)
	} else {
		var err error
		if as, err = h.svc.Assignments(ctx); err != nil {
			return err
		}
	}
	today, _, err := h.svc.Today(ctx)
	if err != nil {
		return err
	}
	d.Today = today.Format(time.DateOnly)
	if autoPick && len(as) == 1 && f.Get("assignment_id") == "" {
		f.Values.Set("assignment_id", as[0].ID)
	}
	if autoPick && f.Get("opened_on") == "" {
		f.Values.Set("opened_on", d.Today)
	}
	var programs []string
	seen := map[string]bool{}
	for _, a := range as {
		d.Assignments = append(d.Assignments, EngOption{Value: a.ID, Label: a.ProgramName, Selected: a.ID == f.Get("assignment_id")})
		if !seen[a.ProgramID] {
			seen[a.ProgramID] = true
			programs = append(programs, a.ProgramID)
		}
	}
	sites, err := h.svc.Sites(ctx, programs)
	if err != nil {
		return err
	}
	for _, s := range sites {
		d.Sites = append(d.Sites, EngOption{Value: s.ID, Label: s.ProgramName + ": " + s.Name, Selected: s.ID == f.Get("site_id")})
	}
	for _, b := range AgeBands {
		d.AgeBands = append(d.AgeBands, EngOption{Value: b, Label: b, Selected: b == f.Get("child_age_band")})
	}
	return web.Render(c, status, "consultation/engagement_new", "", web.View{Title: "Start an engagement", D: d, Form: f})
}

// chosenConsultant is the consultant a tenant admin's form is for, with their active
// assignments: the form's "consultant", else the consultant of its "assignment_id", else the
// only consultant with an active assignment. Otherwise it returns nil, having filled d's first
// step (the consultants to choose from, by name) and, for a consultant or assignment that is
// not in the list (another tenant's is not found), the message on the consultant field.
func (h *EngagementHandler) chosenConsultant(c *fiber.Ctx, f *web.Form, d *NewEngagementData) (*ConsultantAssignments, error) {
	ctx := c.UserContext()
	profile, assignment := f.Get("consultant"), f.Get("assignment_id")
	// A value the form could not keep whole (a control character) is looked up as kept, and
	// its message stays.
	if profile != "" || assignment != "" {
		chosen, err := h.svc.AssignmentsOf(ctx, profile, assignment)
		if apperr.Code(err) != apperr.ENOTFOUND {
			return chosen, err
		}
		if f.Error("consultant") == "" {
			f.Errors["consultant"] = "Choose a consultant from the list."
			if profile == "" {
				f.Errors["consultant"] = "That assignment is not active any more. Choose a consultant from the list."
			}
		}
	}
	cons, err := h.svc.AssignedConsultants(ctx)
	if err != nil {
		return nil, err
	}
	if f.Error("consultant") == "" && len(cons) == 1 {
		chosen, err := h.svc.AssignmentsOf(ctx, cons[0].ID, "")
		if apperr.Code(err) != apperr.ENOTFOUND {
			return chosen, err
		}
	}
	d.ChoosingConsultant = true
	for _, x := range cons {
		d.Consultants = append(d.Consultants, EngOption{Value: x.ID, Label: x.Name, Selected: x.ID == profile})
	}
	return nil, nil
}

// NewPage is the empty form: a tenant admin first chooses the consultant (?consultant= is the
// choice; ?assignment= chooses an assignment and so its consultant), the only assignment is
// chosen when there is one, the whole program.
func (h *EngagementHandler) NewPage(c *fiber.Ctx) error {
	f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	f.Values.Set("focus", FocusProgram)
	if p := c.Query("assignment"); p != "" {
		f.Values.Set("assignment_id", p)
	}
	if web.ScopeOf(c).Role == authz.TenantAdmin && c.Context().QueryArgs().Has("consultant") {
		// "Continue" with no consultant chosen comes back to the first step, saying so.
		if p := c.Query("consultant"); p != "" {
			f.Values.Set("consultant", p)
		} else {
			f.Errors["consultant"] = "Choose a consultant from the list."
		}
	}
	return h.newPage(c, 200, f, true)
}

// Start opens the engagement and shows it.
func (h *EngagementHandler) Start(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.newPage(c, st, f, false)
	}
	e, err := h.svc.Start(c.UserContext(), StartInput{AssignmentID: f.Get("assignment_id"), Focus: f.Get("focus"),
		SiteID: f.Get("site_id"), FocusLabel: f.Get("focus_label"), ChildInitials: f.Get("child_initials"),
		ChildAgeBand: f.Get("child_age_band"), OpenedOn: f.Get("opened_on"), Child: childDetailsInput(f)})
	if st := web.FormError(f, err); st != 0 {
		return h.newPage(c, st, f, false)
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Engagement started at initial contact on "+e.OpenedOn+".")
	return web.Redirect(c, engBase(c)+"/engagements/"+e.ID)
}

// ---- One engagement.

// CycleStep is a stage of the cycle on the step indicator, with its status (StepCompleted,
// StepSkipped, StepCurrent or StepNotYet).
type CycleStep struct {
	Label, TAStage string
	Status         string
}

// Complete, Skipped and Current say the step's status.
func (s CycleStep) Complete() bool { return s.Status == StepCompleted }

// Skipped reports whether the stage was passed over with nothing done.
func (s CycleStep) Skipped() bool { return s.Status == StepSkipped }

// Current reports whether the engagement is at this stage.
func (s CycleStep) Current() bool { return s.Status == StepCurrent }

// EngagementPageData is the engagement page.
type EngagementPageData struct {
	Base       string
	E          *Engagement
	Focus      string
	Steps      []CycleStep
	StepsHTML  template.HTML // Steps as the step indicator's segments (stepsHTML)
	StepNumber int
	StepTotal  int
	Moves      []Move
	MovesHTML  template.HTML // Moves as the timeline's rows (movesHTML)
	Dosage     Dosage
	Flags      Flags
	CanMove    bool
	IsHolder   bool // the consultant who holds it (records sessions)
	// ShowRecords: the links to the engagement's assessments and plan (not for funders, who
	// see counts and stages only).
	ShowRecords bool
	Later       []EngOption
	Earlier     []EngOption
	Today       string
	LastMove    string
	// The engagement's records (nil for funders, who see counts and stages only).
	Sessions     []Session
	SessionsHTML template.HTML // Sessions' rows, written (engagementSessionsHTML)
	Assessments  *AssessmentsSection
	Plan         *PlanView
	// Action is the form that failed validation ("advance", "back", "coaching", "continue",
	// "reopen", "child"), whose typed values and messages the page shows.
	Action string
	// ChildDetails: a child and family focus's outcome and details are shown (not to funders);
	// Child is the details form's choices (for those who change the engagement).
	ChildDetails bool
	Child        ChildChoices
}

// CoachingMonths is how long coaching has run (for the page).
func (d *EngagementPageData) CoachingMonths() int {
	if d.E.CoachingStartedOn == "" {
		return 0
	}
	end := d.Today
	if d.E.ClosedOn != "" {
		end = d.E.ClosedOn
	}
	return MonthsBetween(d.E.CoachingStartedOn, end)
}

func (h *EngagementHandler) page(c *fiber.Ctx, status int, f *web.Form, action string) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	e, err := h.svc.Engagement(ctx, c.Params("engagementID"))
	if err != nil {
		return err
	}
	day, _, err := h.svc.Today(ctx)
	if err != nil {
		return err
	}
	d := &EngagementPageData{Base: engBase(c), E: e, Focus: e.FocusText(SeesFocusDetails(sc)), CanMove: CanMove(sc, e),
		IsHolder: sc.Role == authz.Consultant && e.ConsultantUser == sc.UserID, Today: day.Format(time.DateOnly), Action: action,
		ShowRecords: sc.Role != authz.Funder}
	if d.Moves, err = h.svc.Moves(ctx, e.ID); err != nil {
		return err
	}
	d.LastMove = e.OpenedOn
	for i, m := range d.Moves {
		// What the consultant typed about a move (a walk-back's reason, a note) may be about
		// the child and family: funders see the stages and dates only.
		if !d.ShowRecords && !m.IsKindChange() {
			d.Moves[i].Reason = ""
		}
		if m.MovedOn > d.LastMove {
			d.LastMove = m.MovedOn
		}
	}
	if d.Dosage, d.Flags, err = h.svc.FidelityOn(ctx, e, d.Today); err != nil {
		return err
	}
	if d.ShowRecords {
		page, err := h.sessions.List(ctx, SessionFilter{EngagementID: e.ID, Limit: 10})
		if err != nil {
			return err
		}
		d.Sessions = page.Sessions
		d.SessionsHTML = engagementSessionsHTML(d.Base, sessionRows(d.Sessions))
		if d.Assessments, err = h.assessments.SectionOf(ctx, e); err != nil {
			return err
		}
		if d.Plan, err = h.plans.ViewOf(ctx, e); err != nil {
			return err
		}
	}
	cur := StageIndex(e.Stage)
	d.StepNumber, d.StepTotal = cur+1, len(Stages)
	want := f.Get("to_stage")
	statuses := StepStatuses(e.Stage, d.Moves)
	for i, s := range Stages {
		d.Steps = append(d.Steps, CycleStep{Label: s.Label, TAStage: s.TAStage, Status: statuses[i]})
		switch {
		case i > cur:
			sel := (action == "advance" && s.Value == want) || (action != "advance" && i == cur+1)
			d.Later = append(d.Later, EngOption{Value: s.Value, Label: s.Label, Selected: sel})
		case i < cur:
			d.Earlier = append(d.Earlier, EngOption{Value: s.Value, Label: s.Label, Selected: action == "back" && s.Value == want})
		}
	}
	if f == nil {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	d.ChildDetails = e.Focus == FocusChildFamily && SeesFocusDetails(sc)
	if d.ChildDetails && d.CanMove {
		shown := f
		if action != "child" {
			shown = &web.Form{Values: url.Values{"child_race_ethnicity": {e.ChildRaceEthnicity}, "child_sex": {e.ChildSex},
				"child_dll": {e.ChildDLL}, "child_iep_ifsp": {e.ChildIEPIFSP}}}
		}
		d.Child = childChoices(shown)
	}
	d.StepsHTML, d.MovesHTML = stepsHTML(d.Steps), movesHTML(d.Moves)
	return web.Render(c, status, "consultation/engagement", "", web.View{Title: e.ProgramName + ": engagement", D: d, Form: f})
}

// Show is the engagement page.
func (h *EngagementHandler) Show(c *fiber.Ctx) error { return h.page(c, 200, nil, "") }

// change runs one of the changes of the engagement page, and shows the page again with the
// messages when the input is wrong.
func (h *EngagementHandler) change(c *fiber.Ctx, action, done string, run func(f *web.Form) error) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.page(c, st, f, action)
	}
	err := run(f)
	if st := web.FormError(f, err); st != 0 {
		return h.page(c, st, f, action)
	}
	if err != nil {
		return err
	}
	web.Flash(c, done)
	return web.Redirect(c, engBase(c)+"/engagements/"+c.Params("engagementID"))
}

func engMoveInput(f *web.Form) MoveInput {
	return MoveInput{ToStage: f.Get("to_stage"), MovedOn: f.Get("moved_on"), Reason: f.Get("reason"), ChildOutcome: f.Get("child_outcome")}
}

// CloseData is the page that asks to confirm closing an engagement; for a child and family
// focus it asks where the child is now (required).
type CloseData struct {
	Base       string
	Check      *AdvanceCheck
	Unfinished []string
	AsksChild  bool
	Outcomes   []EngOption
}

// closePage is the page that confirms closing, with the form's values and messages.
func (h *EngagementHandler) closePage(c *fiber.Ctx, status int, f *web.Form) error {
	ctx := c.UserContext()
	a, err := h.svc.CheckAdvance(ctx, c.Params("engagementID"), engMoveInput(f))
	if st := web.FormError(f, err); st != 0 {
		return h.page(c, st, f, "advance")
	}
	if err != nil {
		return err
	}
	d := &CloseData{Base: engBase(c), Check: a, AsksChild: a.E.Focus == FocusChildFamily,
		Outcomes: engOptions(ChildOutcomes, f.Get("child_outcome"))}
	if d.Unfinished, err = h.svc.Unfinished(ctx, a.E); err != nil {
		return err
	}
	return web.Render(c, status, "consultation/engagement_close", "", web.View{Title: "Close the engagement? " + a.E.ProgramName, D: d, Form: f})
}

// Advance moves the engagement forward. Closing it asks first: the form comes back as a page
// that says what is unfinished (and, for a child and family focus, asks where the child is
// now), with the same values and a confirmation to send. A confirmation without the child's
// outcome comes back to that page with the message.
func (h *EngagementHandler) Advance(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.page(c, st, f, "advance")
	}
	if f.Get("to_stage") == StageClosed && f.Get("confirm") != "yes" {
		return h.closePage(c, 200, f)
	}
	if f.Get("to_stage") == StageClosed {
		_, err := h.svc.Advance(c.UserContext(), c.Params("engagementID"), engMoveInput(f))
		if st := web.FormError(f, err); st != 0 {
			if f.Error("child_outcome") != "" {
				return h.closePage(c, st, f)
			}
			return h.page(c, st, f, "advance")
		}
		if err != nil {
			return err
		}
		web.Flash(c, "The engagement is closed.")
		return web.Redirect(c, engBase(c)+"/engagements/"+c.Params("engagementID"))
	}
	return h.change(c, "advance", "The engagement moved forward.", func(f *web.Form) error {
		_, err := h.svc.Advance(c.UserContext(), c.Params("engagementID"), engMoveInput(f))
		return err
	})
}

// ChildDetails records a child and family focus's optional details.
func (h *EngagementHandler) ChildDetails(c *fiber.Ctx) error {
	return h.change(c, "child", "The child’s details are saved.", func(f *web.Form) error {
		_, err := h.svc.SetChildDetails(c.UserContext(), c.Params("engagementID"), childDetailsInput(f))
		return err
	})
}

// WalkBack moves the engagement back to an earlier stage.
func (h *EngagementHandler) WalkBack(c *fiber.Ctx) error {
	return h.change(c, "back", "The engagement went back to an earlier stage.", func(f *web.Form) error {
		_, err := h.svc.WalkBack(c.UserContext(), c.Params("engagementID"), engMoveInput(f))
		return err
	})
}

// StartCoaching turns the consultation into coaching.
func (h *EngagementHandler) StartCoaching(c *fiber.Ctx) error {
	return h.change(c, "coaching", "The engagement is now coaching.", func(f *web.Form) error {
		_, err := h.svc.StartCoaching(c.UserContext(), c.Params("engagementID"), f.Get("started_on"))
		return err
	})
}

// ContinueSupport goes on after coaching as continued support.
func (h *EngagementHandler) ContinueSupport(c *fiber.Ctx) error {
	return h.change(c, "continue", "The engagement goes on as continued support.", func(f *web.Form) error {
		_, err := h.svc.ContinueSupport(c.UserContext(), c.Params("engagementID"), f.Get("moved_on"))
		return err
	})
}

// Reopen opens a closed engagement again as continued support.
func (h *EngagementHandler) Reopen(c *fiber.Ctx) error {
	return h.change(c, "reopen", "The engagement is reopened as continued support.", func(f *web.Form) error {
		_, err := h.svc.Reopen(c.UserContext(), c.Params("engagementID"), engMoveInput(f))
		return err
	})
}

// ---- Lists.

// EngagementListData is the engagements page (every role) and the caseload page (consultants and
// supervisors).
type EngagementListData struct {
	Base    string
	Path    string // the page's own address, for the filter and pages
	Role    string
	Details bool // child/family initials shown (not to funders)
	Page    *CaseloadPage
	// Rows are the page's engagements as the list shows them; ShowConsultant: the list has a
	// consultant column (not a consultant's own); RecordLinks: each row links to recording a
	// session (a consultant's caseload).
	Rows                        []ListRow
	ShowConsultant, RecordLinks bool
	Counts                      []StageCount
	// CountsHTML is the table of Counts' rows, written once in Go (countsHTML).
	CountsHTML  template.HTML
	TAStages    []string
	Consultants []EngOption
	Programs    []EngOption
	Stages      []EngOption
	Kinds       []EngOption
	CanStart    bool
	IsCaseload  bool
	FollowUps   []OverdueFollowUp
	Sessions    []RecentSession
	// FollowUpsHTML and SessionsHTML are their tables' rows, written in Go
	// (caseloadFollowUpsHTML, caseloadSessionsHTML).
	FollowUpsHTML, SessionsHTML template.HTML
	New                         []NewAssignment // a consultant's new assignments (caseload)
}

// OverdueFollowUp is an overdue follow-up on the caseload.
type OverdueFollowUp struct {
	FollowUp
	DaysLate int
}

// listData reads the list's page and, for a whole page (not htmx's list alone), what else
// want asks for, in one go (ListAll: who the person sees and the tenant's date read once).
func (h *EngagementHandler) listData(c *fiber.Ctx, f CaseloadFilter, path string, want ListWant) (*EngagementListData, *ListResult, error) {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	d := &EngagementListData{Base: engBase(c), Path: path, Role: sc.Role, Details: SeesFocusDetails(sc), TAStages: TAStages,
		CanStart: sc.Role == authz.Consultant || sc.Role == authz.TenantAdmin}
	fragment := web.WantsFragment(c)
	if fragment {
		want = ListWant{}
	} else {
		want.Choices = true
	}
	r, err := h.svc.ListAll(ctx, f, want)
	if err != nil {
		return nil, nil, err
	}
	d.Page = r.Page
	d.Rows = listRows(r.Page.Rows, d.Details)
	d.ShowConsultant = sc.Role != authz.Consultant
	if fragment {
		return d, r, nil
	}
	d.Consultants = make([]EngOption, len(r.Consultants))
	for i, x := range r.Consultants {
		d.Consultants[i] = EngOption{Value: x.ID, Label: x.Name, Selected: x.ID == f.ProfileID}
	}
	d.Programs = make([]EngOption, len(r.Programs))
	for i, x := range r.Programs {
		d.Programs[i] = EngOption{Value: x.ID, Label: x.Name, Selected: x.ID == f.ProgramID}
	}
	d.Stages = make([]EngOption, len(Stages))
	for i, st := range Stages {
		d.Stages[i] = EngOption{Value: st.Value, Label: st.Label, Selected: st.Value == f.Stage}
	}
	d.Kinds = engOptions(Kinds, f.Kind)
	d.Counts, d.CountsHTML = r.Counts, countsHTML(r.Counts)
	return d, r, nil
}

// List is the engagements page: a tenant admin every engagement with filters, a program its
// own, a funder those of the programs it funds (counts by stage, no child/family details), a
// consultant or supervisor theirs. An htmx request gets the list alone.
func (h *EngagementHandler) List(c *fiber.Ctx) error {
	f := ParseCaseloadFilter(engQuery(c))
	d, _, err := h.listData(c, f, engBase(c)+"/engagements", ListWant{Counts: true})
	if err != nil {
		return err
	}
	return web.Render(c, 200, "consultation/engagements", "consultation/_engagements", web.View{Wide: true, Title: "Engagements", D: d})
}

// Caseload is today's caseload: a consultant's open engagements with their stage, flags and
// last contact, overdue follow-ups and recent sessions; a supervisor the same for their
// supervisees.
func (h *EngagementHandler) Caseload(c *fiber.Ctx) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	if !SeesCaseload(sc.Role) {
		return apperr.Errorf(apperr.EFORBIDDEN, "Only consultants and supervisors have a caseload.")
	}
	f := ParseCaseloadFilter(engQuery(c))
	f.Open = true
	d, r, err := h.listData(c, f, engBase(c)+"/caseload", ListWant{Caseload: true})
	if err != nil {
		return err
	}
	d.IsCaseload = true
	d.RecordLinks = sc.Role == authz.Consultant
	if !web.WantsFragment(c) {
		today, _ := time.Parse(time.DateOnly, d.Page.Today)
		d.FollowUps = make([]OverdueFollowUp, len(r.FollowUps))
		for i, fu := range r.FollowUps {
			due, _ := time.Parse(time.DateOnly, fu.DueOn)
			d.FollowUps[i] = OverdueFollowUp{FollowUp: fu, DaysLate: int(today.Sub(due).Hours() / 24)}
		}
		d.Sessions = r.Sessions
		d.FollowUpsHTML = caseloadFollowUpsHTML(d.Base, d.FollowUps)
		d.SessionsHTML = caseloadSessionsHTML(d.Base, d.Role != authz.Consultant, d.Sessions)
		if d.New, err = h.svc.NewAssignments(ctx); err != nil {
			return err
		}
	}
	title := "Your caseload"
	if sc.Role == authz.Supervisor {
		title = "Your supervisees’ caseloads"
	}
	return web.Render(c, 200, "consultation/caseload", "consultation/_engagements", web.View{Wide: true, Title: title, D: d})
}

// EIData is the EI expectations page.
type EIData struct {
	Base   string
	Report *EIReport
	PrevFY string
	NextFY string
}

// EIExpectations is the EI expectations page (Ohio's rule, in the tenant's words), month by
// month over a state fiscal year (?fy=2026; the current one by default).
func (h *EngagementHandler) EIExpectations(c *fiber.Ctx) error {
	fy, _ := strconv.Atoi(c.Query("fy"))
	if fy < 2000 || fy > 2200 {
		fy = 0
	}
	r, err := h.svc.EIExpectations(c.UserContext(), fy)
	if err != nil {
		return err
	}
	d := &EIData{Base: engBase(c), Report: r, PrevFY: strconv.Itoa(r.FY - 1), NextFY: strconv.Itoa(r.FY + 1)}
	return web.Render(c, 200, "consultation/ei_expectations", "", web.View{Title: "Early Intervention expectations", D: d})
}
