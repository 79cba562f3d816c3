package amendments

import (
	"context"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// InboxRow is one amendment waiting on the person.
type InboxRow struct {
	A       Amendment
	Days    int
	Overdue bool
}

// InboxData is the "Waiting on you" page.
type InboxData struct {
	Base, Path string
	Rows       []InboxRow
	Filter     InboxFilter
	// Written in Go (issue 14): the table's rows (inboxRowsHTML) and the filter's options.
	RowsHTML       template.HTML
	ProgramOptions []web.Option // {{options}}
	ClassOptions   []web.Option
	NextQuery      template.URL // the next page's query string, "" on the last page
	FirstQuery     template.URL // the first page's, when this is a later one
	Decides        bool         // the person decides some step (else the page says who does)
	KeepsProcess   bool         // a funder's people and tenant admins keep the amendment processes
}

// Inbox is "Waiting on you": the submitted amendments whose open step the person decides,
// filtered and ordered as the query asks; an htmx request gets the list alone.
func (h *Handler) Inbox(c *fiber.Ctx) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	f := InboxFilter{ProgramID: strings.Clone(c.Query("program")), Class: strings.Clone(c.Query("class")),
		OverdueOnly: c.Query("overdue") == "1", Order: strings.Clone(c.Query("order")), After: strings.Clone(c.Query("after"))}
	if f.Order != OrderOverdue {
		f.Order = OrderNewest
	}
	if f.Class != ClassNotice && f.Class != ClassApproval && f.Class != ClassTotal {
		f.Class = ""
	}
	items, next, err := h.svc.Inbox(ctx, f)
	if err != nil {
		return err
	}
	today, err := h.svc.Today(ctx)
	if err != nil {
		return err
	}
	now := h.svc.now()
	d := &InboxData{Base: base(c), Path: base(c) + "/inbox", Filter: f, Decides: len(InboxKeys(sc)) > 0,
		KeepsProcess: sc.Role == authz.TenantAdmin || sc.Role == authz.Funder}
	for _, a := range items {
		d.Rows = append(d.Rows, InboxRow{A: a, Days: a.DaysWaiting(now), Overdue: a.Overdue || (a.StepDueOn != "" && a.StepDueOn < today)})
	}
	keep := func(after string) template.URL {
		v := url.Values{}
		for k, val := range map[string]string{"program": f.ProgramID, "class": f.Class, "order": f.Order, "after": after} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if f.OverdueOnly {
			v.Set("overdue", "1")
		}
		return template.URL(v.Encode())
	}
	if next != "" {
		d.NextQuery = keep(next)
	}
	if f.After != "" {
		d.FirstQuery = keep("")
	}
	orgs, err := h.svc.orgs.OrganisationsOfKind(ctx, tenants.OrgProgram)
	if err != nil {
		return err
	}
	programs := make([]web.Option, len(orgs))
	for i, o := range orgs {
		programs[i] = web.Option{Value: o.ID, Label: o.Name, Selected: o.ID == f.ProgramID}
	}
	d.ProgramOptions = programs
	var classes []web.Option
	for _, cl := range []string{ClassNotice, ClassApproval, ClassTotal} {
		classes = append(classes, web.Option{Value: cl, Label: ClassLabel(cl), Selected: cl == f.Class})
	}
	d.ClassOptions = classes
	d.RowsHTML = inboxRowsHTML(d.Base, d.Rows)
	return web.Render(c, 200, "amendments/inbox", "amendments/_inbox_list", web.View{Title: "Waiting on you", D: d, Wide: true})
}

// StepView is one step of an amendment's process as its page shows it.
type StepView struct {
	Number   int
	Name     string
	Who      string
	State    string // "decided", "waiting", "not reached"
	Decision *Decision
	DueOn    string
	Overdue  bool
}

// ShowLine is one line of the amendment's page.
type ShowLine struct {
	LineDiff
	Position      int
	Justification string
	Adjustments   []Adjustment
	Field         string // the adjusted amount's field, "adjusted_<position>"
	Input         string // what the adjusted amount's field holds
}

// ShowData is the amendment's page.
type ShowData struct {
	Base        string
	A           *Amendment
	Rule        string
	Lines       []ShowLine
	Previous    int // the previous version's number, 0 when there is none
	Steps       []StepView
	Versions    []Version
	Moves       []MoveRow
	Comments    []Comment
	Attachments []Attachment
	Today       string

	CanDecide   bool
	Decider     string // who decides the open step, in words
	ProgramSide bool
	CanEdit     bool
	CanWithdraw bool
	DocumentURL string
	FundingURL  string // the funding's page, for those who may open it (the tenant admin, the program's and the funder's people)

	// FormFor is the form whose values and messages .Form holds: "decision" or "comment".
	FormFor string
}

func (h *Handler) show(c *fiber.Ctx, status int, f *web.Form, formFor string) error {
	ctx, sc := c.UserContext(), web.ScopeOf(c)
	a, err := h.svc.Amendment(ctx, c.Params("amendmentID"))
	if err != nil {
		return err
	}
	d := &ShowData{Base: base(c), A: a, FormFor: formFor, ProgramSide: IsProgramSide(sc, a)}
	if d.Today, err = h.svc.Today(ctx); err != nil {
		return err
	}
	// Its records, read once: the amendment above is the one the person may see.
	decisions, err := h.svc.decisions(ctx, a.ID)
	if err != nil {
		return err
	}
	if d.Versions, err = h.svc.versions(ctx, a.ID); err != nil {
		return err
	}
	if d.Moves, err = h.svc.moves(ctx, a.ID); err != nil {
		return err
	}
	if d.Comments, err = h.svc.comments(ctx, a.ID); err != nil {
		return err
	}
	if d.Attachments, err = h.svc.attachments(ctx, a.ID); err != nil {
		return err
	}
	d.Rule = h.svc.ruleOf(ctx, a)

	// The lines: against the budget now, and since the previous version.
	var cur, prev *Version
	for i := range d.Versions {
		switch d.Versions[i].Number {
		case a.Version:
			cur = &d.Versions[i]
		case a.Version - 1:
			prev = &d.Versions[i]
		}
	}
	if prev != nil {
		d.Previous = prev.Number
	}
	adjustments := Adjustments(cur, decisions)
	diffs := Diff(a.Lines, prev)
	for i, ld := range diffs {
		sl := ShowLine{LineDiff: ld}
		if i < len(a.Lines) {
			l := a.Lines[i]
			sl.Position, sl.Justification = l.Position, l.Justification
			sl.Field = "adjusted_" + strconv.Itoa(l.Position)
			sl.Input = l.ProposedCents.Input()
			if formFor == "decision" && f != nil && f.Values.Has(sl.Field) {
				sl.Input = f.Get(sl.Field)
			}
			for _, adj := range adjustments {
				if adj.Category == l.Category {
					sl.Adjustments = append(sl.Adjustments, adj)
				}
			}
		}
		d.Lines = append(d.Lines, sl)
	}

	// The steps of the version under way: decided, waiting or not reached.
	for i, st := range a.Steps {
		v := StepView{Number: i + 1, Name: st.Name, Who: DeciderWords(st, a.FunderName), State: "not reached"}
		for j := range decisions {
			if decisions[j].Version == a.Version && decisions[j].Step == i {
				v.Decision, v.State = &decisions[j], "decided"
			}
		}
		if v.Decision == nil && a.Status == StatusSubmitted && i == a.Step {
			v.State, v.DueOn = "waiting", a.StepDueOn
			v.Overdue = a.Overdue || (a.StepDueOn != "" && a.StepDueOn < d.Today)
		}
		d.Steps = append(d.Steps, v)
	}

	if st := a.CurrentStep(); st != nil {
		d.Decider = DeciderWords(*st, a.FunderName)
		d.CanDecide = CanDecide(sc, a, st)
		if d.CanDecide && a.Step > 0 {
			for _, x := range decisions {
				if x.Version == a.Version && x.DecidedBy == sc.UserID {
					d.CanDecide = false // another person decides this step
				}
			}
		}
	}
	if d.ProgramSide {
		d.CanEdit = a.Status == StatusDraft || a.Status == StatusReturned
		d.CanWithdraw = d.CanEdit
		if a.Status == StatusSubmitted {
			d.CanWithdraw = true
			for _, x := range decisions {
				if x.Version == a.Version {
					d.CanWithdraw = false
				}
			}
		}
	}
	if sc.Role == authz.TenantAdmin || sc.OrganisationID == a.ProgramID || sc.OrganisationID == a.FunderID {
		d.FundingURL = "/t/" + sc.TenantSlug + "/programs/" + a.ProgramID + "/fundings/" + a.FundingID
	}
	if a.DocumentRunID != "" {
		d.DocumentURL = "/t/" + sc.TenantSlug + "/runs/" + a.DocumentRunID // its progress, then the download
	}
	if f == nil && d.CanDecide {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	return web.Render(c, status, "amendments/show", "", web.View{Title: a.Title(), D: d, Form: f, Wide: true})
}

// ruleOf is the sentence saying why the amendment is of its class.
func (s *Service) ruleOf(ctx context.Context, a *Amendment) string {
	rules := DefaultRules(a.FunderID)
	if t, err := s.rulesOf(ctx, a.FunderID); err == nil {
		rules = t
	}
	if c := Classify(a.Lines, rules, 0); c.Class == a.Class {
		return c.Rule
	}
	switch a.Class {
	case ClassTotal:
		return "It changes the funding's total, so it goes through every step of the funder's process."
	case ClassApproval:
		return "It needs the funder's prior approval (2 CFR 200.308; 89 Ill. Adm. Code 1400.240)."
	case ClassNotice:
		return "It moves money between existing lines within the notice threshold: the funder is told and no approval is needed (89 Ill. Adm. Code 1400.240)."
	}
	return ""
}

// Show is the amendment's page.
func (h *Handler) Show(c *fiber.Ctx) error { return h.show(c, 200, nil, "") }

// Decide takes a decider's decision.
func (h *Handler) Decide(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.show(c, st, f, "decision")
	}
	in := DecisionInput{Decision: f.Get("decision"), Comment: f.Get("comment"), Version: atoiOr(f.Get("version")), Step: atoiOr(f.Get("step"))}
	if in.Decision == DecisionAdjusted {
		in.Adjusted = map[int]string{}
		for k := range f.Values {
			if p, ok := strings.CutPrefix(k, "adjusted_"); ok {
				if n, err := strconv.Atoi(p); err == nil && n >= 0 {
					in.Adjusted[n] = f.Get(k)
				}
			}
		}
	}
	id := strings.Clone(c.Params("amendmentID"))
	a, err := h.svc.Decide(c.UserContext(), id, in)
	if apperr.Code(err) == apperr.EINVALID {
		web.FormError(f, err)
		return h.show(c, fiber.StatusUnprocessableEntity, f, "decision")
	}
	if apperr.Code(err) == apperr.ECONFLICT {
		// What happened, on the page as it is now (no form to resend).
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{"_form": apperr.Message(err)}}
		return h.show(c, fiber.StatusConflict, f, "conflict")
	}
	if err != nil {
		return err
	}
	web.Flash(c, a.Title()+": "+decidedWords(in.Decision, a)+".")
	return web.Redirect(c, base(c)+"/"+a.ID)
}

func decidedWords(decision string, a *Amendment) string {
	switch {
	case decision == DecisionReturned:
		return "returned to the program for changes"
	case decision == DecisionDenied:
		return "denied"
	case a.Status == StatusApproved:
		return "approved; the funding's budget changes as of " + dates.Show(a.EffectiveOn)
	case a.CurrentStep() != nil:
		return "step approved; it now waits on " + a.CurrentStep().Name
	}
	return "decided"
}

// AddComment adds a message to the thread.
func (h *Handler) AddComment(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.show(c, st, f, "comment")
	}
	id := strings.Clone(c.Params("amendmentID"))
	_, err := h.svc.AddComment(c.UserContext(), id, f.Get("comment"))
	if st := web.FormError(f, err); st != 0 {
		return h.show(c, st, f, "comment")
	}
	if err != nil {
		return err
	}
	web.Flash(c, "Comment added.")
	return web.Redirect(c, base(c)+"/"+id+"#thread")
}

func atoiOr(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return -1
	}
	return n
}

// ClassLabel is a class in words, for the page.
func (d *ShowData) ClassLabel(c string) string { return ClassLabel(c) }

// StatusLabel is a status in words, for the page.
func (d *ShowData) StatusLabel(s string) string { return StatusLabel(s) }

// FieldErrorID is the element id of a field's message (the error summary links to it).
func (d *ShowData) FieldErrorID(field string) string { return field + "-error" }
