package consultation

import (
	"bufio"
	"fmt"
	"html/template"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/web"
)

// SessionHandler serves recording, reading, changing and listing sessions, and the tenant's
// session lists (topics and services).
type SessionHandler struct {
	svc       *Sessions
	resources *Resources
}

// NewSessionHandler returns the handlers.
func NewSessionHandler(svc *Sessions, resources *Resources) *SessionHandler {
	return &SessionHandler{svc: svc, resources: resources}
}

func sessBase(c *fiber.Ctx) string { return "/t/" + web.ScopeOf(c).TenantSlug }

// sessionInputOf reads the record/edit form.
func sessionInputOf(f *web.Form) SessionInput {
	in := SessionInput{HeldOn: f.Get("held_on"), Minutes: f.Get("minutes"), Mode: f.Get("mode"), Service: f.Get("service"),
		TrainingTopic: f.Get("training_topic"), Participants: map[string]string{}, Topics: f.Values["topics"],
		Notes: f.Get("notes"), Summary: f.Get("summary")}
	for _, r := range ParticipantRoles {
		in.Participants[r.Value] = f.Get("p_" + r.Value)
	}
	for i := range rowCount(f, "followup") {
		n := strconv.Itoa(i)
		in.FollowUps = append(in.FollowUps, FollowUpInput{ID: f.Get("followup_id_" + n), Description: f.Get("followup_desc_" + n), DueOn: f.Get("followup_due_" + n)})
	}
	for i := range rowCount(f, "referral") {
		n := strconv.Itoa(i)
		in.Referrals = append(in.Referrals, ReferralInput{f.Get("referral_kind_" + n), f.Get("referral_note_" + n)})
	}
	for i := range rowCount(f, "resource") {
		n := strconv.Itoa(i)
		in.Resources = append(in.Resources, ResourceShareInput{f.Get("resource_id_" + n), f.Get("resource_with_" + n)})
	}
	for _, id := range f.Values["goal_ids"] {
		in.Goals = append(in.Goals, GoalProgressInput{GoalID: id, Status: f.Get("goal_status_" + id), Note: f.Get("goal_note_" + id)})
	}
	return in
}

// rowCount is how many rows of a repeated list ("followup", "referral", "resource") the form
// holds: its <list>_rows field (the edit form has a row per recorded one and empty rows to add),
// at least SessionFormRows.
func rowCount(f *web.Form, list string) int {
	n, _ := strconv.Atoi(f.Get(list + "_rows"))
	return min(max(n, SessionFormRows), SessionMaxRows+SessionFormRows)
}

// formOf fills a form with a session's values (the edit form, or the defaults), its
// follow-ups, referrals and resources followed by empty rows.
func formOf(in SessionInput) *web.Form {
	f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	f.Values.Set("held_on", in.HeldOn)
	f.Values.Set("minutes", in.Minutes)
	f.Values.Set("mode", in.Mode)
	f.Values.Set("service", in.Service)
	f.Values.Set("training_topic", in.TrainingTopic)
	for k, v := range in.Participants {
		f.Values.Set("p_"+k, v)
	}
	for _, t := range in.Topics {
		f.Values.Add("topics", t)
	}
	f.Values.Set("notes", in.Notes)
	f.Values.Set("summary", in.Summary)
	for i, r := range in.FollowUps {
		n := strconv.Itoa(i)
		f.Values.Set("followup_id_"+n, r.ID)
		f.Values.Set("followup_desc_"+n, r.Description)
		f.Values.Set("followup_due_"+n, r.DueOn)
	}
	for i, r := range in.Referrals {
		n := strconv.Itoa(i)
		f.Values.Set("referral_kind_"+n, r.Kind)
		f.Values.Set("referral_note_"+n, r.Note)
	}
	for i, r := range in.Resources {
		n := strconv.Itoa(i)
		f.Values.Set("resource_id_"+n, r.ResourceID)
		f.Values.Set("resource_with_"+n, r.SharedWith)
	}
	f.Values.Set("followup_rows", strconv.Itoa(len(in.FollowUps)+SessionFormRows))
	f.Values.Set("referral_rows", strconv.Itoa(len(in.Referrals)+SessionFormRows))
	f.Values.Set("resource_rows", strconv.Itoa(len(in.Resources)+SessionFormRows))
	return f
}

// Option is a choice on a form, marked when chosen.
type Option struct {
	Value, Label string
	Checked      bool
}

// ParticipantField is one role's count on the form.
type ParticipantField struct{ Name, Label, Value string }

// FormRow is one of the repeated rows (follow-ups, referrals, resources) with its values.
type FormRow struct {
	N          int
	A, B       string // the two fields as typed
	Error      string
	ErrorField string
	ID         string // the follow-up an edit form's row changes

	// The row's selects' options, chosen marked ({{options}}): a referral's kinds, a
	// resource's library and with whom it was shared.
	Options, WithOptions []web.Option
}

// Ordinal is the row's number as people count (the first row is 1).
func (r FormRow) Ordinal() int { return r.N + 1 }

// GoalField is one goal of the agreed plan on the form.
type GoalField struct {
	Goal
	Status, Note, Error string
	StatusOptions       []web.Option // the statuses, Status chosen ({{options}})
}

// SessionFormData is the record-a-session (or edit) form.
type SessionFormData struct {
	Base          string
	Action        string
	Engagement    *Engagement
	Edit          bool
	SessionID     string
	Modes         []Option
	Services      []Option
	Topics        []Option
	Participants  []ParticipantField
	FollowUps     []FormRow
	DoneFollowUps []*FollowUp // edit: follow-ups already done, shown as done and kept
	Referrals     []FormRow
	Resources     []FormRow
	ReferralKinds []Choice
	Library       []Resource
	Goals         []GoalField
	GoalStatuses  []Choice
	Saved         *Session // the session just recorded (the htmx answer)
	MinMinutes    int
	MaxMinutes    int
	Today         string

	// Worked out once in Go (issue 14) rather than per option and per row in the template.
	ServiceOptions []web.Option  // the services, the chosen one marked ({{options}})
	TopicsHTML     template.HTML // the topics' checkboxes (topicsHTML)
	// The repeated rows, written (work_rows.go).
	FollowUpsHTML, ReferralsHTML, ResourcesHTML template.HTML
	RecentRows                                  []SessionRow
}

// resourceWith are the choices of with whom a resource was shared, in the form's order.
var resourceWith = []Choice{{"program", "The program"}, {"family", "The family"}}

// formData is the record form (x nil) or the edit form of x, with the values of f.
func (h *SessionHandler) formData(c *fiber.Ctx, e *Engagement, f *web.Form, x *Session) (*SessionFormData, error) {
	ctx, edit := c.UserContext(), x != nil
	v, err := h.svc.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	d := &SessionFormData{Base: sessBase(c), Engagement: e, Edit: edit, MinMinutes: SessionMinMinutes,
		MaxMinutes: SessionMaxMinutes, Today: v.Today(h.svc.Now())}
	for _, m := range Modes {
		d.Modes = append(d.Modes, Option{m.Value, m.Label, f.Get("mode") == m.Value})
	}
	for _, s := range v.Services() {
		d.Services = append(d.Services, Option{s.Value, s.Label, f.Get("service") == s.Value})
	}
	chosen := map[string]bool{}
	for _, t := range f.Values["topics"] {
		chosen[t] = true
	}
	for _, t := range v.Topics() {
		d.Topics = append(d.Topics, Option{t, t, chosen[t]})
	}
	for _, r := range ParticipantRoles {
		d.Participants = append(d.Participants, ParticipantField{"p_" + r.Value, r.Label, f.Get("p_" + r.Value)})
	}
	var recorded []*FollowUp
	if edit {
		if recorded, err = h.svc.SessionFollowUps(ctx, x.ID); err != nil {
			return nil, err
		}
		for _, fu := range recorded {
			if fu.DoneOn != "" {
				d.DoneFollowUps = append(d.DoneFollowUps, fu)
			}
		}
	}
	d.FollowUps = followUpRows(f, recorded)
	for i := range rowCount(f, "referral") {
		n := strconv.Itoa(i)
		d.Referrals = append(d.Referrals, FormRow{N: i, A: f.Get("referral_kind_" + n), B: f.Get("referral_note_" + n), Error: f.Error("referral_" + n), ErrorField: "referral_kind_" + n})
	}
	for i := range rowCount(f, "resource") {
		n := strconv.Itoa(i)
		d.Resources = append(d.Resources, FormRow{N: i, A: f.Get("resource_id_" + n), B: f.Get("resource_with_" + n), Error: f.Error("resource_" + n), ErrorField: "resource_id_" + n})
	}
	for _, k := range ReferralKinds {
		d.ReferralKinds = append(d.ReferralKinds, Choice{k.Value, k.Label})
	}
	if d.Library, err = h.resources.All(ctx); err != nil {
		return nil, err
	}
	d.ServiceOptions = sessionOptions(d.Services)
	d.TopicsHTML = topicsHTML(d.Topics)
	for i := range d.Referrals {
		r := &d.Referrals[i]
		r.Options = choiceOptions(d.ReferralKinds, r.A)
	}
	library := make([]Choice, len(d.Library))
	for i, res := range d.Library {
		library[i] = Choice{res.ID, res.Title}
	}
	for i := range d.Resources {
		r := &d.Resources[i]
		r.Options = choiceOptions(library, r.A)
		r.WithOptions = choiceOptions(resourceWith, r.B)
	}
	d.FollowUpsHTML, d.ReferralsHTML, d.ResourcesHTML = followUpRowsHTML(d.FollowUps), referralRowsHTML(d.Referrals), sharedRowsHTML(d.Resources)
	if edit {
		return d, nil
	}
	goals, err := h.svc.AgreedGoals(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, g := range goals {
		d.Goals = append(d.Goals, GoalField{Goal: g, Status: f.Get("goal_status_" + g.ID), Note: f.Get("goal_note_" + g.ID), Error: f.Error("goal_" + g.ID)})
	}
	for _, s := range GoalStatusLabels {
		d.GoalStatuses = append(d.GoalStatuses, Choice{s.Value, s.Label})
	}
	for i := range d.Goals {
		d.Goals[i].StatusOptions = choiceOptions(d.GoalStatuses, d.Goals[i].Status)
	}
	page, err := h.svc.List(ctx, SessionFilter{EngagementID: e.ID, Limit: 5})
	if err != nil {
		return nil, err
	}
	d.RecentRows = sessionRows(page.Sessions)
	d.Action = d.Base + "/engagements/" + e.ID + "/sessions/new"
	return d, nil
}

// followUpRows are the form's follow-up rows; recorded are the session's follow-ups (none on
// the record form). A row naming a follow-up now done is left out when it holds nothing new
// (the follow-up is listed as done); a row naming one that is done or gone keeps what was typed,
// as a new follow-up: nothing typed is lost.
func followUpRows(f *web.Form, recorded []*FollowUp) []FormRow {
	byID := map[string]*FollowUp{}
	for _, fu := range recorded {
		byID[fu.ID] = fu
	}
	var rows []FormRow
	seen := map[string]bool{}
	for i := range rowCount(f, "followup") {
		n := strconv.Itoa(i)
		r := FormRow{A: f.Get("followup_desc_" + n), B: f.Get("followup_due_" + n), Error: f.Error("followup_" + n), ID: f.Get("followup_id_" + n)}
		if was := byID[r.ID]; r.ID != "" && (was == nil || was.DoneOn != "" || seen[r.ID]) {
			a, b := sessTrim(r.A), sessTrim(r.B)
			if was != nil && was.DoneOn != "" && ((a == "" && b == "") || (a == was.Description && b == was.DueOn)) {
				continue
			}
			r.ID = ""
			if r.Error == "" && (a != "" || b != "") {
				r.Error = "This follow-up was marked done or taken off the session meanwhile. Saving adds what you typed as a new follow-up; clear the row if it is not needed."
			}
		}
		if r.ID != "" {
			seen[r.ID] = true
		}
		r.N = len(rows)
		r.ErrorField = "followup_desc_" + strconv.Itoa(r.N)
		rows = append(rows, r)
	}
	return rows
}

// defaults is a fresh form: today (in the tenant's time zone), the engagement's last mode
// and its usual participants.
func (h *SessionHandler) defaults(c *fiber.Ctx, e *Engagement) (*web.Form, error) {
	v, err := h.svc.Vocabulary(c.UserContext())
	if err != nil {
		return nil, err
	}
	in := SessionInput{HeldOn: v.Today(h.svc.Now()), Minutes: "60", Mode: e.LastMode, Participants: map[string]string{}}
	if in.Mode == "" {
		in.Mode = Modes[0].Value
	}
	for k, n := range e.DefaultParticipants {
		in.Participants[k] = strconv.Itoa(n)
	}
	return formOf(in), nil
}

func (h *SessionHandler) recordPage(c *fiber.Ctx, status int, e *Engagement, f *web.Form, saved *Session) error {
	d, err := h.formData(c, e, f, nil)
	if err != nil {
		return err
	}
	d.Saved = saved
	return web.Render(c, status, "consultation/session_new", "consultation/_session_record",
		web.View{Title: "Record a session with " + e.ProgramName, D: d, Form: f})
}

// NewSessionPage is the record-a-session form with its defaults.
func (h *SessionHandler) NewSessionPage(c *fiber.Ctx) error {
	e, err := h.svc.RecordableEngagement(c.UserContext(), c.Params("engagementID"))
	if err != nil {
		return err
	}
	f, err := h.defaults(c, e)
	if err != nil {
		return err
	}
	return h.recordPage(c, 200, e, f, nil)
}

// RecordSession saves a session. For htmx it answers with the fragment: the message, a fresh
// form for the next session and the recent list (or the form with its messages); without
// JavaScript it redirects to the session.
func (h *SessionHandler) RecordSession(c *fiber.Ctx) error {
	ctx := c.UserContext()
	e, err := h.svc.RecordableEngagement(ctx, c.Params("engagementID"))
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.recordPage(c, st, e, f, nil)
	}
	x, err := h.svc.Record(ctx, e.ID, sessionInputOf(f))
	if st := web.FormError(f, err); st != 0 {
		return h.recordPage(c, st, e, f, nil)
	}
	if err != nil {
		return err
	}
	if web.WantsFragment(c) {
		if e, err = h.svc.Engagement(ctx, e.ID); err != nil { // the counters moved
			return err
		}
		fresh, err := h.defaults(c, e)
		if err != nil {
			return err
		}
		return h.recordPage(c, 200, e, fresh, x)
	}
	web.Flash(c, fmt.Sprintf("Session of %s recorded.", x.HeldOn))
	return web.Redirect(c, sessBase(c)+"/sessions/"+x.ID)
}

// SessionPage shows a session: notes only to those who may read them (audited).
func (h *SessionHandler) SessionPage(c *fiber.Ctx) error {
	v, err := h.svc.View(c.UserContext(), c.Params("sessionID"))
	if err != nil {
		return err
	}
	return web.Render(c, 200, "consultation/session", "", web.View{Title: "Session of " + v.Session.HeldOn,
		D: struct {
			*SessionView
			Base string
		}{v, sessBase(c)}, Form: &web.Form{Values: url.Values{}, Errors: map[string]string{}}})
}

func (h *SessionHandler) editPage(c *fiber.Ctx, status int, x *Session, e *Engagement, f *web.Form) error {
	d, err := h.formData(c, e, f, x)
	if err != nil {
		return err
	}
	d.Action, d.SessionID = d.Base+"/sessions/"+x.ID+"/edit", x.ID
	return web.Render(c, status, "consultation/session_edit", "", web.View{Title: "Change the session of " + x.HeldOn, D: d, Form: f})
}

// EditSessionPage is the edit form, while the session is editable.
func (h *SessionHandler) EditSessionPage(c *fiber.Ctx) error {
	x, e, in, err := h.svc.EditForm(c.UserContext(), c.Params("sessionID"))
	if err != nil {
		return err
	}
	return h.editPage(c, 200, x, e, formOf(in))
}

// UpdateSession saves the changes.
func (h *SessionHandler) UpdateSession(c *fiber.Ctx) error {
	ctx := c.UserContext()
	x, e, err := h.svc.editable(ctx, c.Params("sessionID"))
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.editPage(c, st, x, e, f)
	}
	_, err = h.svc.Update(ctx, x.ID, sessionInputOf(f))
	if st := web.FormError(f, err); st != 0 {
		return h.editPage(c, st, x, e, f)
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Session changed.")
	return web.Redirect(c, sessBase(c)+"/sessions/"+x.ID)
}

// UnlockSession unlocks a locked session for 7 days, with a reason.
func (h *SessionHandler) UnlockSession(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	err := f.Err()
	if err == nil {
		_, err = h.svc.Unlock(ctx, c.Params("sessionID"), f.Get("reason"))
	}
	if st := web.FormError(f, err); st != 0 {
		v, verr := h.svc.View(ctx, c.Params("sessionID"))
		if verr != nil {
			return verr
		}
		return web.Render(c, st, "consultation/session", "", web.View{Title: "Session of " + v.Session.HeldOn,
			D: struct {
				*SessionView
				Base string
			}{v, sessBase(c)}, Form: f})
	}
	if err != nil {
		return err
	}
	web.Flash(c, fmt.Sprintf("Session unlocked for %d days.", SessionUnlockDays))
	return web.Redirect(c, sessBase(c)+"/sessions/"+c.Params("sessionID"))
}

// SessionsData is the sessions list.
type SessionsData struct {
	Base       string
	Page       *SessionPage
	Filter     SessionFilter
	Problems   map[string]string
	Consultant bool
	NextQuery  template.URL // the next page's query string, encoded by url.Values
	Today      string

	// Worked out once in Go (issue 14): the page's rows, the filter's options and the
	// follow-ups as flat values, not method calls and comparisons per row in the template.
	RowsHTML        template.HTML // the table's rows (sessionRowsHTML)
	ProgramOptions  []web.Option  // {{options}}
	ServiceOptions  []web.Option
	FollowUpRows    []FollowUpRow
	FilterIsApplied bool
}

// FollowUpRow is an open follow-up as the sessions page lists it.
type FollowUpRow struct {
	ID, DueOn, Description, ProgramName string
	Overdue                             bool
}

// followUpRowsOf are the open follow-ups as the sessions page lists them, those due before
// today overdue.
func followUpRowsOf(open []FollowUp, today string) []FollowUpRow {
	var out []FollowUpRow
	for _, fu := range open {
		out = append(out, FollowUpRow{ID: fu.ID, DueOn: fu.DueOn, Description: fu.Description,
			ProgramName: fu.ProgramName, Overdue: fu.DueOn < today})
	}
	return out
}

func filterOf(c *fiber.Ctx) SessionFilter {
	return SessionFilter{ProgramID: c.Query("program"), EngagementID: c.Query("engagement"), Service: c.Query("service"),
		From: c.Query("from"), To: c.Query("to"), After: c.Query("after")}
}

// SessionsPage lists sessions (keyset pages, filters); a consultant also sees their open
// follow-ups.
func (h *SessionHandler) SessionsPage(c *fiber.Ctx) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	f := filterOf(c)
	page, err := h.svc.List(ctx, f)
	if err != nil {
		return err
	}
	v, err := h.svc.Vocabulary(ctx)
	if err != nil {
		return err
	}
	d := &SessionsData{Base: sessBase(c), Page: page, Filter: f, Problems: f.Problems(), Consultant: sc.Role == authz.Consultant,
		Today: v.Today(h.svc.Now())}
	if page.Next != "" {
		q := url.Values{}
		for k, val := range map[string]string{"program": f.ProgramID, "engagement": f.EngagementID, "service": f.Service,
			"from": f.From, "to": f.To, "after": page.Next} {
			if val != "" {
				q.Set(k, val)
			}
		}
		d.NextQuery = template.URL(q.Encode())
	}
	d.RowsHTML = sessionRowsHTML(d.Base, sessionRows(page.Sessions))
	d.FilterIsApplied = f.ProgramID != "" || f.Service != "" || f.From != "" || f.To != ""
	if web.WantsFragment(c) {
		return web.Render(c, 200, "consultation/sessions", "consultation/_sessions", web.View{Wide: true, Title: "Sessions", D: d})
	}
	programs, err := h.svc.ListPrograms(ctx)
	if err != nil {
		return err
	}
	d.ProgramOptions = choiceOptions(programs, f.ProgramID)
	d.ServiceOptions = choiceOptions(v.Services(), f.Service)
	open, err := h.svc.OpenFollowUps(ctx, 50)
	if err != nil {
		return err
	}
	d.FollowUpRows = followUpRowsOf(open, d.Today)
	return web.Render(c, 200, "consultation/sessions", "consultation/_sessions", web.View{Wide: true, Title: "Sessions", D: d})
}

// SessionsCSV streams the consultant's own sessions (with the list's filters) as CSV.
func (h *SessionHandler) SessionsCSV(c *fiber.Ctx) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	if sc.Role != authz.Consultant {
		return apperr.Errorf(apperr.EFORBIDDEN, "The sessions download is a consultant's own sessions.")
	}
	f := filterOf(c)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="sessions.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := h.svc.WriteCSV(ctx, w, f); err != nil {
			fmt.Fprintf(w, "\nThe download stopped: %s\n", apperr.Message(err))
		}
		w.Flush() //nolint:errcheck
	})
	return nil
}

// MarkFollowUpDone marks a follow-up done and goes back to the list.
func (h *SessionHandler) MarkFollowUpDone(c *fiber.Ctx) error {
	fu, err := h.svc.MarkFollowUpDone(c.UserContext(), c.Params("followUpID"))
	if err != nil {
		return err
	}
	web.Flash(c, "Follow-up done: "+fu.Description)
	return web.Redirect(c, sessBase(c)+"/sessions")
}

// SessionListsData is the tenant's session topics and services page: one section per list.
type SessionListsData struct {
	Base  string
	Lists []SessionList
}

// SessionList is one list a session chooses from: the built-in entries and the tenant's own.
// Name is the form's "list" value and the field that adds an entry.
type SessionList struct {
	Name, Heading, Noun string
	Builtin, Own        []string
}

func (h *SessionHandler) listsPage(c *fiber.Ctx, status int, f *web.Form) error {
	v, err := h.svc.Vocabulary(c.UserContext())
	if err != nil {
		return err
	}
	services := make([]string, 0, len(Services))
	for _, s := range Services {
		services = append(services, s.Label)
	}
	d := &SessionListsData{Base: sessBase(c), Lists: []SessionList{
		{Name: "topic", Heading: "Topics", Noun: "topic", Builtin: Topics, Own: v.OwnTopics},
		{Name: "service", Heading: "Services", Noun: "service", Builtin: services, Own: v.OwnServices},
	}}
	return web.Render(c, status, "consultation/session_lists", "", web.View{Title: "Session topics and services", D: d, Form: f})
}

// SessionListsPage shows the tenant's session topics and services, with forms to add.
func (h *SessionHandler) SessionListsPage(c *fiber.Ctx) error {
	return h.listsPage(c, 200, &web.Form{Values: url.Values{}, Errors: map[string]string{}})
}

// SaveSessionLists adds (or removes) a topic or a service.
func (h *SessionHandler) SaveSessionLists(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.listsPage(c, st, f)
	}
	var err error
	if rm := f.Get("remove"); rm != "" {
		err = h.svc.RemoveFromVocabulary(c.UserContext(), f.Get("list"), rm)
	} else {
		err = h.svc.AddToVocabulary(c.UserContext(), f.Get("list"), f.Get(f.Get("list")))
	}
	if st := web.FormError(f, err); st != 0 {
		return h.listsPage(c, st, f)
	}
	if err != nil {
		return err
	}
	web.Flash(c, "The list is saved.")
	return web.Redirect(c, sessBase(c)+"/session-lists")
}
