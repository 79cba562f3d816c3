package amendments

import (
	"html/template"
	"io"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/web"
)

// maxRows bounds the rows a proposal form is read for (a funding has at most
// programs.MaxLines lines; the rest are new lines).
const maxRows = 2 * programs.MaxLines

// blankRows is how many empty "add a line" rows the form offers.
const blankRows = 2

// Row is one row of the proposal form.
type Row struct {
	Index                                              int
	IDField, CategoryField, ProposedField, ReasonField string
	BudgetLineID, Category                             string
	Current                                            money.Cents
	Existing                                           bool
	// What the form holds for the row and its errors, read once (fill), and a new line's
	// category options.
	Proposed, Reason                          string
	CategoryError, ProposedError, ReasonError string
	CategoryOptions                           template.HTML
}

// fill reads the row's values and errors from form f; a new line gets its category options.
func (r *Row) fill(f *web.Form, categories []string) {
	r.Proposed, r.Reason = f.Get(r.ProposedField), f.Get(r.ReasonField)
	r.CategoryError, r.ProposedError, r.ReasonError = f.Error(r.CategoryField), f.Error(r.ProposedField), f.Error(r.ReasonField)
	if !r.Existing {
		r.CategoryOptions = categoryOptions(categories, f.Get(r.CategoryField))
	}
}

// RequestData is the proposal page: the form, the summary beside it, the attachments and the
// withdraw form.
type RequestData struct {
	Base       string
	Amendment  *Amendment // nil for a new one
	Funding    *programs.Funding
	Proposal   *Proposal
	Problems   map[string]string // what the summary lists as still wrong
	Existing   []Row
	Added      []Row
	Categories []string
	// The rows and the summary written in Go (existingRowsHTML, addedRowsHTML, summaryHTML).
	ExistingHTML, AddedHTML, SummaryHTML template.HTML
	Action                               string // where the form posts
	PreviewURL                           string
	// Attachments, and the upload and withdraw forms' own errors.
	Attachments []Attachment
	Files       *web.Form
	Withdraw    *web.Form
	Fundings    []programs.Funding // the chooser, when no funding is named
}

// ProblemList is the summary's problems in the order of the form.
func (d *RequestData) ProblemList() []string {
	var out []string
	for _, k := range []string{FieldLines} {
		if m := d.Problems[k]; m != "" {
			out = append(out, m)
		}
	}
	for i := 0; i < maxRows; i++ {
		for _, what := range []string{"category", "proposed", "justification"} {
			if m := d.Problems[LineField(what, i)]; m != "" {
				out = append(out, m)
			}
		}
	}
	for _, k := range []string{FieldJustification, FieldEffectiveOn} {
		if m := d.Problems[k]; m != "" {
			out = append(out, m)
		}
	}
	return out
}

func newForm() *web.Form { return &web.Form{Values: url.Values{}, Errors: map[string]string{}} }

// formOf is a proposal as its form holds it.
func formOf(in ProposalInput) *web.Form {
	f := newForm()
	f.Values.Set(FieldFunding, in.FundingID)
	for i, l := range in.Lines {
		f.Values.Set(LineField("id", i), l.BudgetLineID)
		f.Values.Set(LineField("category", i), l.Category)
		f.Values.Set(LineField("proposed", i), l.Proposed)
		f.Values.Set(LineField("justification", i), l.Justification)
	}
	f.Values.Set(FieldJustification, in.Justification)
	f.Values.Set(FieldEffectiveOn, in.EffectiveOn)
	return f
}

// inputFrom reads a proposal from its form.
func inputFrom(f *web.Form) ProposalInput {
	in := ProposalInput{FundingID: f.Get(FieldFunding), Justification: f.Get(FieldJustification), EffectiveOn: f.Get(FieldEffectiveOn)}
	for i := 0; i < maxRows; i++ {
		keys := []string{LineField("id", i), LineField("category", i), LineField("proposed", i), LineField("justification", i)}
		present := false
		for _, k := range keys {
			present = present || f.Values.Has(k)
		}
		if !present {
			in.Lines = append(in.Lines, LineInput{})
			continue
		}
		in.Lines = append(in.Lines, LineInput{BudgetLineID: f.Get(keys[0]), Category: f.Get(keys[1]), Proposed: f.Get(keys[2]), Justification: f.Get(keys[3])})
	}
	for len(in.Lines) > 0 && in.Lines[len(in.Lines)-1] == (LineInput{}) {
		in.Lines = in.Lines[:len(in.Lines)-1]
	}
	return in
}

// newInput is a new proposal on funding fu: every line at its current amount.
func newInput(fu *programs.Funding) ProposalInput {
	in := ProposalInput{FundingID: fu.ID}
	for _, l := range fu.Lines {
		in.Lines = append(in.Lines, LineInput{BudgetLineID: l.ID, Category: l.Category, Proposed: money.Cents(l.AmountCents).Input()})
	}
	return in
}

// rows lays out the form's rows: the funding's lines, then the new lines typed, then blank
// rows to add more (extra more of them).
func rows(fu *programs.Funding, f *web.Form, extra int) (existing, added []Row) {
	current := map[string]programs.BudgetLine{}
	for _, l := range fu.Lines {
		current[l.ID] = l
	}
	in := inputFrom(f)
	row := func(i int) Row {
		return Row{Index: i, IDField: LineField("id", i), CategoryField: LineField("category", i), ProposedField: LineField("proposed", i),
			ReasonField: LineField("justification", i)}
	}
	for i, l := range in.Lines {
		if l == (LineInput{}) {
			continue
		}
		r := row(i)
		r.BudgetLineID, r.Category = strings.TrimSpace(l.BudgetLineID), l.Category
		if r.BudgetLineID != "" {
			r.Existing = true
			if bl, ok := current[r.BudgetLineID]; ok {
				r.Category, r.Current = bl.Category, money.Cents(bl.AmountCents)
			}
			existing = append(existing, r)
		} else {
			added = append(added, r)
		}
	}
	next := len(in.Lines)
	for n := 0; n < blankRows+extra && next < maxRows; n++ {
		added = append(added, row(next))
		next++
	}
	return existing, added
}

// requestPage renders the proposal page for funding fu (and amendment a, when saved) with the
// form f, its summary, and the attachment and withdraw forms.
func (h *Handler) requestPage(c *fiber.Ctx, status int, a *Amendment, fu *programs.Funding, f, files, withdraw *web.Form, extra int) error {
	ctx := c.UserContext()
	d := &RequestData{Base: base(c), Amendment: a, Funding: fu, Files: files, Withdraw: withdraw}
	if d.Files == nil {
		d.Files = newForm()
	}
	if d.Withdraw == nil {
		d.Withdraw = newForm()
	}
	in := inputFrom(f)
	in.FundingID = fu.ID
	var (
		p        *Proposal
		problems map[string]string
		err      error
	)
	if a != nil {
		p, problems, err = h.svc.PreviewOf(ctx, a, in)
	} else {
		p, problems, err = h.svc.Preview(ctx, in)
	}
	if err != nil {
		return err
	}
	d.Proposal, d.Problems, d.Categories = p, problems, p.Categories
	d.Existing, d.Added = rows(fu, f, extra)
	for i := range d.Existing {
		d.Existing[i].fill(f, d.Categories)
	}
	for i := range d.Added {
		d.Added[i].fill(f, d.Categories)
	}
	d.ExistingHTML, d.AddedHTML = existingRowsHTML(d.Existing), addedRowsHTML(d.Added)
	d.PreviewURL = d.Base + "/preview"
	d.Action = d.Base
	title := "Propose a budget amendment"
	if a != nil {
		d.Action = d.Base + "/" + a.ID + "/edit"
		title = "Change " + a.Title()
		if d.Attachments, err = h.svc.attachments(ctx, a.ID); err != nil {
			return err
		}
	}
	f.Values.Set(FieldFunding, fu.ID)
	d.SummaryHTML = summaryHTML(d)
	return web.Render(c, status, "amendments/request", "amendments/_proposal", web.View{Title: title, D: d, Form: f, Wide: true})
}

// NewRequestPage is the proposal form on one of the program's fundings (?funding=ID), or the
// choice of a funding.
func (h *Handler) NewRequestPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := strings.TrimSpace(c.Query("funding"))
	if id == "" {
		list, err := h.svc.ProgramFundings(ctx)
		if err != nil {
			return err
		}
		if err := programSide(ctx, web.ScopeOf(c).OrganisationID); err != nil {
			return err
		}
		d := &RequestData{Base: base(c), Fundings: list}
		return web.Render(c, fiber.StatusOK, "amendments/request_choose", "", web.View{Title: "Propose a budget amendment", D: d, Form: newForm()})
	}
	fu, err := h.svc.programs.FundingByID(ctx, id)
	if err != nil {
		return err
	}
	if err := programSide(ctx, fu.ProgramID); err != nil {
		return err
	}
	return h.requestPage(c, fiber.StatusOK, nil, fu, formOf(newInput(fu)), nil, nil, 0)
}

// extraRows is how many more blank rows the person asked for ("Add another line").
func extraRows(f *web.Form) int {
	if f.Get("action") == "more" {
		return 1
	}
	return 0
}

// CreateRequest saves a new draft, and submits it when the person chose Submit; "Check"
// shows the summary without saving.
func (h *Handler) CreateRequest(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	fu, err := h.svc.programs.FundingByID(ctx, strings.TrimSpace(f.Get(FieldFunding)))
	if err != nil {
		return err
	}
	if err := programSide(ctx, fu.ProgramID); err != nil {
		return err
	}
	if st := f.Refused(); st != 0 {
		return h.requestPage(c, st, nil, fu, f, nil, nil, extraRows(f))
	}
	switch f.Get("action") {
	case "check", "more":
		return h.requestPage(c, fiber.StatusOK, nil, fu, f, nil, nil, extraRows(f))
	}
	a, err := h.svc.SaveDraft(ctx, "", inputFrom(f))
	if status := web.FormError(f, err); status != 0 {
		return h.requestPage(c, status, nil, fu, f, nil, nil, extraRows(f))
	} else if err != nil {
		return err
	}
	if f.Get("action") == "submit" {
		return h.submit(c, a)
	}
	web.Flash(c, a.Title()+" is saved as a draft. Submit it when it is ready.")
	return web.Redirect(c, base(c)+"/"+a.ID+"/edit")
}

// submit submits a saved amendment and goes to it; a refusal shows the saved draft with why.
func (h *Handler) submit(c *fiber.Ctx, a *Amendment) error {
	s, err := h.svc.Submit(c.UserContext(), a.ID)
	if err == nil {
		if s.Status == StatusRecorded {
			web.Flash(c, s.Title()+" is recorded: it is a transfer that needs only notice, so the budget changes without approval and "+s.FunderName+" is told.")
		} else {
			web.Flash(c, s.Title()+" is submitted. "+s.FunderName+" is asked to decide its first step.")
		}
		return web.Redirect(c, base(c)+"/"+s.ID)
	}
	fresh, ferr := h.svc.Amendment(c.UserContext(), a.ID)
	if ferr != nil {
		return ferr
	}
	f := formOf(InputOf(fresh))
	status := web.FormError(f, err)
	if status == 0 {
		return err
	}
	if apperr.Code(err) == apperr.EINVALID {
		f.Errors["_form"] = fresh.Title() + " is saved as a draft, but it cannot be submitted yet: " + apperr.Message(err)
	} else {
		f.Errors["_form"] = fresh.Title() + " is saved as a draft, but it was not submitted. " + apperr.Message(err)
	}
	return h.editPage(c, status, fresh, f, nil, nil)
}

// editPage shows an amendment of the person's program: the form for a draft or a returned
// one, what can still be done for the others.
func (h *Handler) editPage(c *fiber.Ctx, status int, a *Amendment, f, files, withdraw *web.Form) error {
	if a.Status != StatusDraft && a.Status != StatusReturned {
		if withdraw == nil {
			withdraw = newForm()
		}
		d := &RequestData{Base: base(c), Amendment: a, Withdraw: withdraw}
		return web.Render(c, status, "amendments/request_closed", "", web.View{Title: a.Title(), D: d, Form: withdraw})
	}
	fu, err := h.svc.programs.FundingByID(c.UserContext(), a.FundingID)
	if err != nil {
		return err
	}
	if f == nil {
		lines := rebase(fu, a.Lines)
		in := InputOf(a)
		in.Lines = inputOf(lines)
		f = formOf(in)
	}
	return h.requestPage(c, status, a, fu, f, files, withdraw, extraRows(f))
}

// loadOwn loads an amendment of the person's program. Errors: ENOTFOUND; EFORBIDDEN.
func (h *Handler) loadOwn(c *fiber.Ctx) (*Amendment, error) {
	ctx := c.UserContext()
	a, err := h.svc.editable(ctx, c.Params("amendmentID"))
	if a == nil || (err != nil && apperr.Code(err) != apperr.ECONFLICT) {
		return nil, err
	}
	return a, nil
}

// EditRequestPage is the form of a draft or a returned amendment.
func (h *Handler) EditRequestPage(c *fiber.Ctx) error {
	a, err := h.loadOwn(c)
	if err != nil {
		return err
	}
	return h.editPage(c, fiber.StatusOK, a, nil, nil, nil)
}

// UpdateRequest saves a draft or a returned amendment, and submits it when the person chose
// Submit; "Check" shows the summary without saving.
func (h *Handler) UpdateRequest(c *fiber.Ctx) error {
	a, err := h.loadOwn(c)
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if a.Status != StatusDraft && a.Status != StatusReturned {
		return h.editPage(c, fiber.StatusConflict, a, nil, nil, nil)
	}
	if st := f.Refused(); st != 0 {
		return h.editPage(c, st, a, f, nil, nil)
	}
	switch f.Get("action") {
	case "check", "more":
		return h.editPage(c, fiber.StatusOK, a, f, nil, nil)
	}
	in := inputFrom(f)
	saved, err := h.svc.SaveDraft(c.UserContext(), a.ID, in)
	if status := web.FormError(f, err); status != 0 {
		return h.editPage(c, status, a, f, nil, nil)
	} else if err != nil {
		return err
	}
	if f.Get("action") == "submit" {
		return h.submit(c, saved)
	}
	web.Flash(c, saved.Title()+" is saved.")
	return web.Redirect(c, base(c)+"/"+saved.ID+"/edit")
}

// PreviewRequest is the summary as the person types (htmx: the summary alone), or the whole
// form with it (a plain POST).
func (h *Handler) PreviewRequest(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f := web.NewForm(c)
	fu, err := h.svc.programs.FundingByID(ctx, strings.TrimSpace(f.Get(FieldFunding)))
	if err != nil {
		return err
	}
	if err := programSide(ctx, fu.ProgramID); err != nil {
		return err
	}
	status := fiber.StatusOK
	if st := f.Refused(); st != 0 {
		status = st
	}
	var a *Amendment
	if id := strings.TrimSpace(f.Get("amendment_id")); id != "" {
		if a, err = h.svc.editable(ctx, id); err != nil {
			return err
		}
		if a.FundingID != fu.ID {
			return apperr.NotFound("budget amendment")
		}
	}
	return h.requestPage(c, status, a, fu, f, nil, nil, extraRows(f))
}

// SubmitRequest submits a saved draft or returned amendment as it was saved.
func (h *Handler) SubmitRequest(c *fiber.Ctx) error {
	a, err := h.loadOwn(c)
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.editPage(c, st, a, nil, nil, nil)
	}
	return h.submit(c, a)
}

// WithdrawRequest takes an amendment back before its first decision.
func (h *Handler) WithdrawRequest(c *fiber.Ctx) error {
	a, err := h.loadOwn(c)
	if err != nil {
		return err
	}
	wf := web.NewForm(c)
	if st := wf.Refused(); st != 0 {
		return h.editPage(c, st, a, nil, nil, wf)
	}
	w, err := h.svc.Withdraw(c.UserContext(), a.ID, wf.Get(FieldReason))
	if status := web.FormError(wf, err); status != 0 {
		return h.editPage(c, status, a, nil, nil, wf)
	} else if err != nil {
		return err
	}
	web.Flash(c, w.Title()+" is withdrawn.")
	return web.Redirect(c, base(c))
}

// UploadAttachment adds a file to a draft or returned amendment.
func (h *Handler) UploadAttachment(c *fiber.Ctx) error {
	a, err := h.loadOwn(c)
	if err != nil {
		return err
	}
	files := web.NewForm(c) // the file's name is checked as it is read
	if st := files.Refused(); st != 0 {
		return h.editPage(c, st, a, nil, files, nil)
	}
	var name string
	var body io.Reader
	if fh, ok := web.FormFile(c, FieldFile); ok {
		file, err := fh.Open()
		if err != nil {
			return err
		}
		defer file.Close()
		name, body = fh.Filename, file
	}
	at, err := h.svc.AddAttachment(c.UserContext(), a.ID, name, body)
	if status := web.FormError(files, err); status != 0 {
		return h.editPage(c, status, a, nil, files, nil)
	} else if err != nil {
		return err
	}
	web.Flash(c, at.FileName+" is attached to "+a.Title()+".")
	return web.Redirect(c, base(c)+"/"+a.ID+"/edit")
}

// DownloadAttachment sends one of an amendment's files (the read is audited).
func (h *Handler) DownloadAttachment(c *fiber.Ctx) error {
	at, rc, err := h.svc.OpenAttachment(c.UserContext(), c.Params("amendmentID"), c.Params("attachmentID"))
	if err != nil {
		return err
	}
	defer rc.Close()
	return web.Attachment(c, rc, at.FileName, at.ContentType)
}

// HasCategory reports whether c is one of the categories offered for a new line.
func (d *RequestData) HasCategory(c string) bool {
	for _, v := range d.Categories {
		if v == c {
			return true
		}
	}
	return false
}
