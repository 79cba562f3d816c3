package consultants

import (
	"html/template"
	"io"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/app/web"
)

// RegistryHandler serves a consultant's profile and application, and the registry review.
type RegistryHandler struct {
	reg *Registry
}

// NewRegistryHandler returns the handlers.
func NewRegistryHandler(reg *Registry) *RegistryHandler { return &RegistryHandler{reg: reg} }

func regBase(c *fiber.Ctx) string { return "/t/" + web.ScopeOf(c).TenantSlug }

func regChoices(values, labels []string, chosen []string) []tenants.Choice {
	out := make([]tenants.Choice, len(values))
	for i, v := range values {
		out[i] = tenants.Choice{Value: v, Label: labels[i]}
		for _, c := range chosen {
			out[i].Checked = out[i].Checked || c == v
		}
	}
	return out
}

func labelled(set []struct{ Value, Label string }) (values, labels []string) {
	for _, s := range set {
		values, labels = append(values, s.Value), append(labels, s.Label)
	}
	return
}

// ProfileData is the profile page.
type ProfileData struct {
	Profile     *Profile // nil before the first save
	Documents   []Document
	Agencies    []tenants.Choice
	Languages   []tenants.Choice
	Counties    []tenants.Choice
	Settings    []tenants.Choice
	Specialties []tenants.Choice
	Modes       []tenants.Choice
	MaxCapacity int
	MaxBio      int
	MaxMB       int
	CanSubmit   bool
	DocErrors   *web.Form // the upload and submit messages
	Groups      []ProfileGroup
}

// ProfileGroup is a group of checkboxes on the profile form.
type ProfileGroup struct {
	Name, Legend, Hint, Empty, Error string
	Choices                          []tenants.Choice
	ChoicesHTML                      template.HTML // Choices as checkboxes, written (web.CheckboxesHTML)
}

// StatusLabel is the plain word for a profile status.
func StatusLabel(s string) string {
	switch s {
	case StatusDraft:
		return "Not yet submitted"
	case StatusSubmitted:
		return "Waiting for review"
	case StatusReturned:
		return "Returned for changes"
	case StatusApproved:
		return "Approved: listed in the public search"
	}
	return s
}

// StatusText is the profile's status in plain words.
func (p *Profile) StatusText() string { return StatusLabel(p.Status) }

func profileForm(p *Profile) *web.Form {
	f := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	if p == nil {
		f.Values.Set("capacity", "0")
		return f
	}
	f.Values.Set("display_name", p.DisplayName)
	f.Values.Set("agency_id", p.AgencyID)
	f.Values["languages"] = p.Languages
	f.Values["counties"] = p.Counties
	f.Values["settings"] = p.Settings
	f.Values["specialties"] = p.Specialties
	f.Values["modes"] = p.Modes
	f.Values.Set("capacity", strconv.Itoa(p.Capacity))
	f.Values.Set("bio", p.Bio)
	return f
}

func (h *RegistryHandler) profilePage(c *fiber.Ctx, status int, f, docs *web.Form) error {
	ctx := c.UserContext()
	if web.ScopeOf(c).Role != authz.Consultant {
		return apperr.Errorf(apperr.EFORBIDDEN, "Only consultants keep a profile. Consultants’ applications are on the registry page.")
	}
	l, err := h.reg.Lists(ctx)
	if err != nil {
		return err
	}
	d := &ProfileData{MaxCapacity: MaxCapacity, MaxBio: MaxBio, MaxMB: MaxDocumentMB, DocErrors: docs}
	p, err := h.reg.MyProfile(ctx)
	switch {
	case err == nil:
		d.Profile = p
		if d.Documents, err = h.reg.Documents(ctx, p.ID); err != nil {
			return err
		}
		d.CanSubmit = p.Status == StatusDraft || p.Status == StatusReturned
	case apperr.Code(err) != apperr.ENOTFOUND:
		return err
	}
	if f == nil {
		f = profileForm(d.Profile)
	}
	if d.DocErrors == nil {
		d.DocErrors = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	for _, a := range l.Agencies {
		d.Agencies = append(d.Agencies, tenants.Choice{Value: a.ID, Label: a.Name, Checked: f.Get("agency_id") == a.ID})
	}
	d.Languages = regChoices(l.Tenant.Languages, l.Tenant.Languages, f.Values["languages"])
	d.Counties = regChoices(l.Tenant.Counties, l.Tenant.Counties, f.Values["counties"])
	v, lab := labelled(Settings)
	d.Settings = regChoices(v, lab, f.Values["settings"])
	d.Specialties = regChoices(l.Specialties, l.Specialties, f.Values["specialties"])
	v, lab = labelled(Modes)
	d.Modes = regChoices(v, lab, f.Values["modes"])
	d.Groups = []ProfileGroup{
		{Name: "languages", Legend: "Languages you consult in", Empty: "Your tenant has not listed its languages yet.", Choices: d.Languages},
		{Name: "counties", Legend: "Counties you serve", Empty: "Your tenant has not listed its counties yet.", Choices: d.Counties},
		{Name: "settings", Legend: "Settings you work in", Choices: d.Settings},
		{Name: "specialties", Legend: "Specialties", Hint: "The topics you can train and consult on.", Choices: d.Specialties},
		{Name: "modes", Legend: "How you work with programs", Choices: d.Modes},
	}
	for i := range d.Groups {
		g := &d.Groups[i]
		g.Error = f.Error(g.Name)
		opts := make([]web.Option, len(g.Choices))
		for j, c := range g.Choices {
			opts[j] = web.Option{Value: c.Value, Label: c.Label, Selected: c.Checked}
		}
		g.ChoicesHTML = web.CheckboxesHTML(g.Name, opts)
	}
	return web.Render(c, status, "consultants/profile", "", web.View{Title: "Your consultant profile", D: d, Form: f})
}

// ProfilePage shows the signed-in consultant's profile form, documents and application.
func (h *RegistryHandler) ProfilePage(c *fiber.Ctx) error {
	return h.profilePage(c, fiber.StatusOK, nil, nil)
}

// SaveProfile saves the profile form.
func (h *RegistryHandler) SaveProfile(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.profilePage(c, st, f, nil)
	}
	_, err := h.reg.SaveProfile(c.UserContext(), ProfileInput{
		DisplayName: f.Get("display_name"), AgencyID: f.Get("agency_id"), Languages: f.Values["languages"],
		Counties: f.Values["counties"], Settings: f.Values["settings"], Specialties: f.Values["specialties"],
		Modes: f.Values["modes"], Capacity: f.Get("capacity"), Bio: f.Get("bio")})
	if status := web.FormError(f, err); status != 0 {
		return h.profilePage(c, status, f, nil)
	} else if err != nil {
		return err
	}
	web.Flash(c, "Your profile is saved.")
	return web.Redirect(c, regBase(c)+"/profile")
}

// UploadDocument adds a document to the application.
func (h *RegistryHandler) UploadDocument(c *fiber.Ctx) error {
	docs := web.NewForm(c) // the file's name is checked as it is read
	if st := docs.Refused(); st != 0 {
		return h.profilePage(c, st, nil, docs)
	}
	var name string
	var body io.Reader
	if fh, ok := web.FormFile(c, "file"); ok {
		file, err := fh.Open()
		if err != nil {
			return err
		}
		defer file.Close()
		name, body = fh.Filename, file
	}
	_, err := h.reg.UploadDocument(c.UserContext(), name, body)
	if status := web.FormError(docs, err); status != 0 {
		return h.profilePage(c, status, nil, docs)
	} else if err != nil {
		return err
	}
	web.Flash(c, "Your document is uploaded.")
	return web.Redirect(c, regBase(c)+"/profile")
}

// Submit sends the application for review.
func (h *RegistryHandler) Submit(c *fiber.Ctx) error {
	docs := &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	_, err := h.reg.Submit(c.UserContext())
	if status := web.FormError(docs, err); status != 0 {
		return h.profilePage(c, status, nil, docs)
	} else if err != nil {
		return err
	}
	web.Flash(c, "Your application is submitted. A tenant administrator will review it.")
	return web.Redirect(c, regBase(c)+"/profile")
}

func (h *RegistryHandler) sendDocument(c *fiber.Ctx, d *Document) error {
	rc, err := h.reg.OpenDocument(c.UserContext(), d)
	if err != nil {
		return err
	}
	defer rc.Close()
	return web.Attachment(c, rc, d.FileName, d.ContentType)
}

// MyDocument downloads one of the signed-in consultant's own documents (a tenant admin, who
// sees every application of the tenant, any document of the tenant).
func (h *RegistryHandler) MyDocument(c *fiber.Ctx) error {
	find := h.reg.MyDocument
	if web.ScopeOf(c).Role == authz.TenantAdmin {
		find = h.reg.Document
	}
	d, err := find(c.UserContext(), c.Params("documentID"))
	if err != nil {
		return err
	}
	return h.sendDocument(c, d)
}

// ReviewDocument downloads a document of an application under review.
func (h *RegistryHandler) ReviewDocument(c *fiber.Ctx) error {
	d, err := h.reg.ProfileDocument(c.UserContext(), c.Params("profileID"), c.Params("documentID"))
	if err != nil {
		return err
	}
	return h.sendDocument(c, d)
}

// RegistryData is the registry page: the applications by status.
type RegistryData struct {
	Waiting, Returned, Approved []Profile
	MoreWaiting, MoreReturned   bool      // more than RegistryQueueLimit
	Pager                       web.Pager // the approved consultants' pages
}

// ReviewTable is one table of the registry page: its caption and its rows, written
// (reviewRowsHTML).
type ReviewTable struct {
	Caption  string
	RowsHTML template.HTML
}

// Table is a table of the registry page (for the template).
func (d *RegistryData) Table(caption string, rows []Profile, slug string) ReviewTable {
	return ReviewTable{Caption: caption, RowsHTML: reviewRowsHTML(slug, rows)}
}

// RegistryPage lists the applications waiting, returned and approved.
func (h *RegistryHandler) RegistryPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	d := &RegistryData{}
	var err error
	if d.Waiting, d.MoreWaiting, err = h.reg.ApplicationsQueue(ctx, StatusSubmitted, RegistryQueueLimit); err != nil {
		return err
	}
	if d.Returned, d.MoreReturned, err = h.reg.ApplicationsQueue(ctx, StatusReturned, RegistryQueueLimit); err != nil {
		return err
	}
	k := web.KeysetFrom(c)
	var next, prev string
	if d.Approved, next, prev, err = h.reg.ApprovedPage(ctx, k, RegistryPageSize); err != nil {
		return err
	}
	d.Pager = web.NewPager(regBase(c)+"/registry", nil, k, next, prev).
		Words("Approved consultants’ pages", "", "Next approved consultants", "Previous approved consultants", "Back to the first approved consultants")
	return web.Render(c, fiber.StatusOK, "consultants/review_list", "", web.View{Title: "Consultant registry", D: d})
}

// ReviewData is the review page.
type ReviewData struct {
	Profile   *Profile
	Agency    string
	Documents []Document
	Checklist []tenants.Choice
	Settings  []string
	Modes     []string
	CanDecide bool
}

func labelsOf(values []string, set []struct{ Value, Label string }) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		l := v
		for _, s := range set {
			if s.Value == v {
				l = s.Label
			}
		}
		out = append(out, l)
	}
	return out
}

func (h *RegistryHandler) reviewPage(c *fiber.Ctx, status int, f *web.Form) error {
	ctx := c.UserContext()
	p, err := h.reg.Profile(ctx, c.Params("profileID"))
	if err != nil {
		return err
	}
	l, err := h.reg.Lists(ctx)
	if err != nil {
		return err
	}
	d := &ReviewData{Profile: p, CanDecide: p.Status == StatusSubmitted, Settings: labelsOf(p.Settings, Settings), Modes: labelsOf(p.Modes, Modes)}
	for _, a := range l.Agencies {
		if a.ID == p.AgencyID {
			d.Agency = a.Name
		}
	}
	if d.Documents, err = h.reg.Documents(ctx, p.ID); err != nil {
		return err
	}
	ticked := []string(p.ReviewChecklist)
	if f == nil {
		f = &web.Form{Values: url.Values{}, Errors: map[string]string{}}
	} else {
		ticked = f.Values["checklist"]
	}
	d.Checklist = regChoices(l.Competencies, l.Competencies, ticked)
	return web.Render(c, status, "consultants/review", "", web.View{Title: "Review: " + p.DisplayName, D: d, Form: f})
}

// ReviewPage shows an application with its documents and the competency checklist.
func (h *RegistryHandler) ReviewPage(c *fiber.Ctx) error { return h.reviewPage(c, fiber.StatusOK, nil) }

// Review approves or returns an application.
func (h *RegistryHandler) Review(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.reviewPage(c, st, f)
	}
	p, err := h.reg.Review(c.UserContext(), c.Params("profileID"), ReviewInput{
		Decision: f.Get("decision"), Checked: f.Values["checklist"], Comments: f.Get("comments")})
	if status := web.FormError(f, err); status != 0 {
		return h.reviewPage(c, status, f)
	} else if err != nil {
		return err
	}
	if p.Status == StatusApproved {
		web.Flash(c, p.DisplayName+" is approved and listed in the public search.")
	} else {
		web.Flash(c, p.DisplayName+"’s application is returned with your comments.")
	}
	return web.Redirect(c, regBase(c)+"/registry")
}
