package credentials

import (
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/web"
)

// Handler serves the requirements, credentials and staffing pages.
type Handler struct {
	svc *Service
	now func() time.Time
}

// NewHandler returns the handlers.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc, now: time.Now} }

func base(c *fiber.Ctx) string { return "/t/" + web.ScopeOf(c).TenantSlug }

func emptyForm() *web.Form { return &web.Form{Values: url.Values{}, Errors: map[string]string{}} }

// ---- Requirements (tenant admins) ----

// RequirementsData is the requirements page.
type RequirementsData struct {
	Base         string
	Requirements []Requirement
	Sets         []BuiltinSet
	KindFor      string    // the requirement whose add-a-kind form came back with errors
	KindForm     *web.Form // its input and messages
	MaxMonths    int
	MaxDays      int
	FormAction   string // the add-a-requirement form
	FormButton   string
	// Sections are the requirements as the page writes them (requirementSections).
	Sections []RequirementSection
}

// KindFormFor returns the add-a-kind form of requirement id: the one that came back with
// errors, or an empty one.
func (d *RequirementsData) KindFormFor(id string) *web.Form {
	if id == d.KindFor && d.KindForm != nil {
		return d.KindForm
	}
	f := emptyForm()
	f.Values.Set("valid_months", "0")
	return f
}

func (h *Handler) requirementsPage(c *fiber.Ctx, status int, f *web.Form, kindFor string, kindForm *web.Form) error {
	d := &RequirementsData{Base: base(c) + "/staffing/requirements", Sets: BuiltinSets, KindFor: kindFor, KindForm: kindForm,
		MaxMonths: MaxValidMonths, MaxDays: MaxDeadlineDays, FormButton: "Add the requirement"}
	d.FormAction = d.Base
	var err error
	if d.Requirements, err = h.svc.Store().Requirements(c.UserContext()); err != nil {
		return err
	}
	d.Sections = requirementSections(d, web.CSRFToken(c))
	if f == nil {
		f = emptyForm()
		f.Values.Set("level", LevelRequired)
		f.Values.Set("rule", RuleCredential)
		f.Values.Set("deadline_days", "0")
	}
	return web.Render(c, status, "credentials/requirements", "", web.View{Title: "Staffing requirements", D: d, Form: f})
}

// RequirementsPage lists the tenant's requirements and the kinds of credential meeting each.
func (h *Handler) RequirementsPage(c *fiber.Ctx) error {
	return h.requirementsPage(c, 200, nil, "", nil)
}

func requirementInput(f *web.Form) RequirementInput {
	return RequirementInput{Name: f.Get("name"), Description: f.Get("description"), Level: f.Get("level"),
		Rule: f.Get("rule"), DeadlineDays: f.Get("deadline_days")}
}

// CreateRequirement adds a requirement.
func (h *Handler) CreateRequirement(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.requirementsPage(c, st, f, "", nil)
	}
	r, err := h.svc.SaveRequirement(c.UserContext(), "", requirementInput(f))
	if st := web.FormError(f, err); st != 0 {
		return h.requirementsPage(c, st, f, "", nil)
	} else if err != nil {
		return err
	}
	web.Flash(c, "“"+r.Name+"” is added. Add the credentials that meet it.")
	return web.Redirect(c, base(c)+"/staffing/requirements#req-"+r.ID)
}

// AddBuiltin adds a built-in set of requirements.
func (h *Handler) AddBuiltin(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.requirementsPage(c, st, nil, "", nil)
	}
	n, err := h.svc.AddBuiltin(c.UserContext(), f.Get("set"))
	if st := web.FormError(f, err); st != 0 {
		return h.requirementsPage(c, st, nil, "", nil)
	} else if err != nil {
		return err
	}
	if n == 0 {
		web.Flash(c, "You have every requirement and credential of that set already; nothing was added.")
	} else {
		web.Flash(c, plural(n, "requirement or credential", "requirements and credentials")+" added.")
	}
	return web.Redirect(c, base(c)+"/staffing/requirements")
}

// EditRequirementData is the edit page.
type EditRequirementData struct {
	Base        string
	Requirement *Requirement
	MaxDays     int
	FormAction  string
	FormButton  string
}

func (h *Handler) editRequirementPage(c *fiber.Ctx, status int, f *web.Form) error {
	r, err := h.svc.Store().Requirement(c.UserContext(), c.Params("requirementID"))
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		f.Values.Set("name", r.Name)
		f.Values.Set("description", r.Description)
		f.Values.Set("level", r.Level)
		f.Values.Set("rule", r.Rule)
		f.Values.Set("deadline_days", strconv.Itoa(r.DeadlineDays))
	}
	d := &EditRequirementData{Base: base(c) + "/staffing/requirements", Requirement: r, MaxDays: MaxDeadlineDays,
		FormButton: "Save the requirement"}
	d.FormAction = d.Base + "/" + r.ID + "/edit"
	return web.Render(c, status, "credentials/requirement_edit", "", web.View{Title: "Change: " + r.Name, D: d, Form: f})
}

// EditRequirementPage is the form changing a requirement.
func (h *Handler) EditRequirementPage(c *fiber.Ctx) error { return h.editRequirementPage(c, 200, nil) }

// UpdateRequirement changes a requirement.
func (h *Handler) UpdateRequirement(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.editRequirementPage(c, st, f)
	}
	r, err := h.svc.SaveRequirement(c.UserContext(), c.Params("requirementID"), requirementInput(f))
	if st := web.FormError(f, err); st != 0 {
		return h.editRequirementPage(c, st, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, "“"+r.Name+"” is saved.")
	return web.Redirect(c, base(c)+"/staffing/requirements#req-"+r.ID)
}

// AddKind adds a kind of credential to a requirement.
func (h *Handler) AddKind(c *fiber.Ctx) error {
	f := web.NewForm(c)
	id := c.Params("requirementID")
	if st := f.Refused(); st != 0 {
		if _, err := h.svc.Store().Requirement(c.UserContext(), id); err != nil {
			return err // another tenant's requirement is not found, whatever was typed
		}
		return h.requirementsPage(c, st, nil, id, f)
	}
	k, err := h.svc.AddKind(c.UserContext(), id, KindInput{Name: f.Get("kind_name"), Issuer: f.Get("issuer"), ValidMonths: f.Get("valid_months")})
	if st := web.FormError(f, err); st != 0 {
		return h.requirementsPage(c, st, nil, id, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, "“"+k.Name+"” is added.")
	return web.Redirect(c, base(c)+"/staffing/requirements#req-"+id)
}

// RemoveKind removes a kind no credential is of.
func (h *Handler) RemoveKind(c *fiber.Ctx) error {
	id := c.Params("requirementID")
	k, err := h.svc.RemoveKind(c.UserContext(), id, c.Params("kindID"))
	if apperr.Code(err) == apperr.ECONFLICT {
		f := emptyForm()
		f.Errors["kind_name"] = apperr.Message(err)
		return h.requirementsPage(c, fiber.StatusConflict, nil, id, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, "“"+k.Name+"” is removed.")
	return web.Redirect(c, base(c)+"/staffing/requirements#req-"+id)
}

// ---- A consultant's own credentials ----

// MineData is the consultant's credentials page.
type MineData struct {
	*Mine
	Base       string
	MaxMB      int
	Credential *Credential // nil: the form adds one
	// StatusRowsHTML is the statuses table's rows (statusRowsHTML).
	StatusRowsHTML template.HTML
}

func (h *Handler) minePage(c *fiber.Ctx, status int, f *web.Form) error {
	m, err := h.svc.MyCredentials(c.UserContext(), h.now())
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
	}
	d := &MineData{Mine: m, Base: base(c), MaxMB: storage.MaxDocumentMB, StatusRowsHTML: statusRowsHTML(m.Statuses)}
	return web.Render(c, status, "credentials/mine", "", web.View{Title: "Your credentials", D: d, Form: f})
}

// MinePage lists the signed-in consultant's credentials, the form to add one and their
// staffing requirements.
func (h *Handler) MinePage(c *fiber.Ctx) error {
	if web.ScopeOf(c).Role != authz.Consultant {
		return apperr.Errorf(apperr.EFORBIDDEN, "Only consultants keep credentials here. Consultants’ credentials are on the staffing page.")
	}
	return h.minePage(c, 200, nil)
}

// uploadForm reads a form that may be multipart (with the evidence file) or url-encoded.
// The caller closes the returned closer.
func uploadForm(c *fiber.Ctx) (*web.Form, Upload, io.Closer) {
	f := web.NewForm(c) // url-encoded or multipart, every value checked
	var up Upload
	var closer io.Closer = io.NopCloser(nil)
	if fh, ok := web.FormFile(c, "evidence"); ok && fh.Filename != "" && !f.HasErrors() {
		if file, err := fh.Open(); err == nil {
			up, closer = Upload{Name: fh.Filename, Body: file}, file
		}
	}
	return f, up, closer
}

func credentialInput(f *web.Form) CredentialInput {
	return CredentialInput{KindID: f.Get("kind_id"), Issuer: f.Get("issuer"), Number: f.Get("number"),
		IssuedOn: f.Get("issued_on"), ExpiresOn: f.Get("expires_on")}
}

// CreateCredential adds a credential with its evidence.
func (h *Handler) CreateCredential(c *fiber.Ctx) error {
	f, up, closer := uploadForm(c)
	defer closer.Close()
	if st := f.Refused(); st != 0 {
		return h.minePage(c, st, f)
	}
	cr, err := h.svc.CreateCredential(c.UserContext(), credentialInput(f), up, h.now())
	if st := web.FormError(f, err); st != 0 {
		return h.minePage(c, st, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, "“"+cr.KindName+"” is added. A tenant administrator will verify it.")
	return web.Redirect(c, base(c)+"/credentials")
}

// EditCredentialData is the credential edit page.
type EditCredentialData struct {
	Base         string
	Credential   *Credential
	Requirements []Requirement
	MaxMB        int
}

func (h *Handler) editCredentialPage(c *fiber.Ctx, status int, f *web.Form) error {
	ctx := c.UserContext()
	if web.ScopeOf(c).Role == authz.TenantAdmin {
		// An admin reads credentials on the consultant's staffing page.
		cr, err := h.svc.Store().Credential(ctx, c.Params("credentialID"))
		if err != nil {
			return err
		}
		return web.Redirect(c, base(c)+"/staffing/"+cr.ProfileID)
	}
	cr, err := h.svc.EditableCredential(ctx, c.Params("credentialID"))
	if err != nil {
		return err
	}
	reqs, err := h.svc.Store().Requirements(ctx)
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		f.Values.Set("kind_id", cr.KindID)
		f.Values.Set("issuer", cr.Issuer)
		f.Values.Set("number", cr.Number)
		f.Values.Set("issued_on", cr.IssuedOn)
		f.Values.Set("expires_on", cr.ExpiresOn)
	}
	d := &EditCredentialData{Base: base(c), Credential: cr, Requirements: reqs, MaxMB: storage.MaxDocumentMB}
	return web.Render(c, status, "credentials/credential_edit", "", web.View{Title: "Change: " + cr.KindName, D: d, Form: f})
}

// EditCredentialPage is the form changing a credential not verified yet.
func (h *Handler) EditCredentialPage(c *fiber.Ctx) error { return h.editCredentialPage(c, 200, nil) }

// UpdateCredential changes a credential not verified yet.
func (h *Handler) UpdateCredential(c *fiber.Ctx) error {
	f, up, closer := uploadForm(c)
	defer closer.Close()
	if st := f.Refused(); st != 0 {
		return h.editCredentialPage(c, st, f)
	}
	cr, err := h.svc.UpdateCredential(c.UserContext(), c.Params("credentialID"), credentialInput(f), up, h.now())
	if apperr.Code(err) == apperr.EINVALID {
		web.FormError(f, err)
		return h.editCredentialPage(c, fiber.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	web.Flash(c, "“"+cr.KindName+"” is saved. A tenant administrator will verify it.")
	return web.Redirect(c, base(c)+"/credentials")
}

// DeleteCredential deletes a credential not verified yet.
func (h *Handler) DeleteCredential(c *fiber.Ctx) error {
	if err := h.svc.DeleteCredential(c.UserContext(), c.Params("credentialID")); err != nil {
		return err
	}
	web.Flash(c, "The credential is deleted.")
	return web.Redirect(c, base(c)+"/credentials")
}

func (h *Handler) sendEvidence(c *fiber.Ctx, profileID string) error {
	cr, rc, err := h.svc.Evidence(c.UserContext(), profileID, c.Params("credentialID"))
	if err != nil {
		return err
	}
	defer rc.Close()
	return web.Attachment(c, rc, cr.EvidenceName, cr.EvidenceType)
}

// Evidence downloads a credential's evidence: a consultant their own (a supervisor their
// supervisees', a tenant admin any of the tenant).
func (h *Handler) Evidence(c *fiber.Ctx) error { return h.sendEvidence(c, "") }

// ---- Staffing (tenant admins and supervisors) ----

// StaffingData is the staffing page.
type StaffingData struct {
	*Overview
	Base  string
	Pager web.Pager
	// RowsHTML is the table's rows (staffingRowsHTML), HeadsHTML its requirement columns'
	// heads, FilterOptions the requirement filter's choices ({{options}}).
	RowsHTML, HeadsHTML template.HTML
	FilterOptions       []web.Option
}

// StaffingPage is the table of consultants against requirements; the filter form swaps the
// table in place (htmx) and works as a plain GET form too.
func (h *Handler) StaffingPage(c *fiber.Ctx) error {
	f := Filter{RequirementID: strings.Clone(c.Query("requirement")), Lacking: c.Query("lacking") == "1", Keyset: web.KeysetFrom(c)}
	o, err := h.svc.Staffing(c.UserContext(), f, h.now())
	if err != nil {
		return err
	}
	q := url.Values{}
	if o.Filter.RequirementID != "" {
		q.Set("requirement", o.Filter.RequirementID)
	}
	if f.Lacking {
		q.Set("lacking", "1")
	}
	d := &StaffingData{Overview: o, Base: base(c),
		Pager: web.NewPager(base(c)+"/staffing", q, f.Keyset, o.Next, o.Prev).
			Words("Staffing table pages", "staffing-table", "Next consultants", "Previous consultants", "Back to the first consultants")}
	d.RowsHTML = staffingRowsHTML(d.Base, o.Rows)
	d.HeadsHTML = staffingHeadsHTML(o.Requirements)
	d.FilterOptions = requirementOptions(o.All, o.Filter.RequirementID)
	return web.Render(c, 200, "credentials/staffing", "credentials/_staffing_table", web.View{Wide: true, Title: "Staffing", D: d})
}

// ConsultantData is one consultant's staffing page.
type ConsultantData struct {
	*Detail
	Base     string
	ReturnID string // the credential whose return form came back with errors
	// StatusRowsHTML is the statuses table's rows (statusRowsHTML), Sections the credentials
	// (credentialSections).
	StatusRowsHTML template.HTML
	Sections       []CredentialSection
}

func (h *Handler) consultantPage(c *fiber.Ctx, status int, f *web.Form, returnID string) error {
	d, err := h.svc.Consultant(c.UserContext(), c.Params("profileID"), h.now())
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
	}
	if returnID != "" {
		f.Values.Set("hired_on", d.Profile.HiredOn)
	} else if _, typed := f.Values["hired_on"]; !typed {
		f.Values.Set("hired_on", d.Profile.HiredOn)
	}
	v := &ConsultantData{Detail: d, Base: base(c), ReturnID: returnID, StatusRowsHTML: statusRowsHTML(d.Statuses)}
	v.Sections = credentialSections(v, f, web.CSRFToken(c))
	return web.Render(c, status, "credentials/consultant", "", web.View{Title: d.Profile.DisplayName + ": staffing", D: v, Form: f})
}

// ConsultantPage shows one consultant's profile summary, requirements and credentials.
func (h *Handler) ConsultantPage(c *fiber.Ctx) error { return h.consultantPage(c, 200, nil, "") }

// SetHired sets a consultant's hire date.
func (h *Handler) SetHired(c *fiber.Ctx) error {
	f := web.NewForm(c)
	if st := f.Refused(); st != 0 {
		return h.consultantPage(c, st, f, "")
	}
	p, err := h.svc.SetHiredOn(c.UserContext(), c.Params("profileID"), f.Get("hired_on"), h.now())
	if st := web.FormError(f, err); st != 0 {
		return h.consultantPage(c, st, f, "")
	} else if err != nil {
		return err
	}
	if p.HiredOn == "" {
		web.Flash(c, "The hire date is cleared.")
	} else {
		web.Flash(c, "Hire date saved: "+p.HiredOn+".")
	}
	return web.Redirect(c, base(c)+"/staffing/"+p.ID)
}

// Verify verifies a credential.
func (h *Handler) Verify(c *fiber.Ctx) error {
	cr, err := h.svc.Verify(c.UserContext(), c.Params("profileID"), c.Params("credentialID"))
	if err != nil {
		return err
	}
	web.Flash(c, "“"+cr.KindName+"” is verified.")
	return web.Redirect(c, base(c)+"/staffing/"+cr.ProfileID)
}

// Return returns a credential to the consultant with a note.
func (h *Handler) Return(c *fiber.Ctx) error {
	f := web.NewForm(c)
	id := c.Params("credentialID")
	if st := f.Refused(); st != 0 {
		return h.consultantPage(c, st, f, id)
	}
	cr, err := h.svc.Return(c.UserContext(), c.Params("profileID"), id, f.Get("note"))
	if st := web.FormError(f, err); st != 0 {
		return h.consultantPage(c, st, f, id)
	} else if err != nil {
		return err
	}
	web.Flash(c, "“"+cr.KindName+"” is returned to the consultant with your note.")
	return web.Redirect(c, base(c)+"/staffing/"+cr.ProfileID)
}

// StaffEvidence downloads the evidence of a consultant's credential from the staffing page.
func (h *Handler) StaffEvidence(c *fiber.Ctx) error { return h.sendEvidence(c, c.Params("profileID")) }
