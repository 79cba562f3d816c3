package consultants

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/tenants"
)

// Limits on the profile form and on documents.
const (
	MaxCapacity    = 50
	MaxBio         = 1000
	MaxDisplayName = 120
	MaxDocumentMB  = storage.MaxDocumentMB // the checks are storage.ReadDocument's
	MaxDocument    = storage.MaxDocument
)

// DefaultCompetencies is the review checklist of a tenant that has not set its own: the areas
// of the national I/ECMHC competencies.
var DefaultCompetencies = []string{
	"Reflective practice", "Relationship-based consultation", "Infant and early childhood development",
	"Cultural responsiveness and equity", "Mental health of young children and families",
	"Consultation skills and adult learning", "Ethics and professional boundaries", "Referral and community resources",
}

// Registry is the rules for consultant profiles, their documents and the registry review: it
// checks input, writes in one transaction with its audit event, and writes nothing of a bad form.
type Registry struct {
	db      *bun.DB
	tenants *tenants.Store
	audit   *audit.Log
	files   storage.Store
}

// NewRegistry returns the registry; files holds the documents' bytes.
func NewRegistry(db *bun.DB, ten *tenants.Store, log *audit.Log, files storage.Store) *Registry {
	return &Registry{db: db, tenants: ten, audit: log, files: files}
}

// TenantLists is what a tenant offers on the profile form and the review page.
type TenantLists struct {
	Tenant       *tenants.Tenant
	Agencies     []tenants.Organisation
	Specialties  []string // built-in, then the tenant's own
	Competencies []string // the tenant's checklist, or DefaultCompetencies
}

// Lists returns the tenant's choices for a profile and its review checklist.
func (r *Registry) Lists(ctx context.Context) (*TenantLists, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	t, err := r.tenants.RequestTenant(ctx)
	if err != nil {
		return nil, err
	}
	var own struct {
		Specialties  database.StringList
		Competencies database.StringList
	}
	var spec, comp string
	if err := database.Conn(ctx, r.db).NewSelect().Table("tenants").Column("specialties", "competencies").
		Where("id = ?", sc.TenantID).Scan(ctx, &spec, &comp); err != nil {
		return nil, err
	}
	if err := own.Specialties.Scan(spec); err != nil {
		return nil, err
	}
	if err := own.Competencies.Scan(comp); err != nil {
		return nil, err
	}
	agencies, err := r.tenants.OrganisationsOfKind(ctx, tenants.OrgConsultantAgency)
	if err != nil {
		return nil, err
	}
	l := &TenantLists{Tenant: t, Agencies: agencies, Specialties: append([]string(nil), Specialties...)}
	for _, s := range own.Specialties {
		if !database.StringList(l.Specialties).Has(s) {
			l.Specialties = append(l.Specialties, s)
		}
	}
	l.Competencies = own.Competencies
	if len(l.Competencies) == 0 {
		l.Competencies = DefaultCompetencies
	}
	return l, nil
}

// ProfileInput is what the profile form sends.
type ProfileInput struct {
	DisplayName string
	AgencyID    string
	Languages   []string
	Counties    []string
	Settings    []string
	Specialties []string
	Modes       []string
	Capacity    string
	Bio         string
}

func valuesOf(set []struct{ Value, Label string }) []string {
	out := make([]string, len(set))
	for i, s := range set {
		out[i] = s.Value
	}
	return out
}

// pick keeps the chosen values that are offered (once each, in the order offered); a value
// not offered is an error on field.
func pick(fields map[string]string, field, what string, chosen, offered []string) database.StringList {
	want := map[string]bool{}
	for _, c := range chosen {
		want[strings.TrimSpace(c)] = true
	}
	out := database.StringList{}
	for _, o := range offered {
		if want[o] {
			out = append(out, o)
			delete(want, o)
		}
	}
	delete(want, "")
	if len(want) > 0 {
		fields[field] = "Choose " + what + " from the list."
	}
	return out
}

// check validates in against the tenant's lists and returns the profile's fields.
func (in ProfileInput) check(l *TenantLists) (*Profile, error) {
	fields := map[string]string{}
	p := &Profile{}
	p.DisplayName = strings.Join(strings.Fields(in.DisplayName), " ")
	switch n := utf8.RuneCountInString(p.DisplayName); {
	case n == 0:
		fields["display_name"] = "Enter the name programs will see."
	case n > MaxDisplayName:
		fields["display_name"] = fmt.Sprintf("Use at most %d characters (this is %d).", MaxDisplayName, n)
	}
	if in.AgencyID = strings.TrimSpace(in.AgencyID); in.AgencyID != "" {
		found := false
		for _, a := range l.Agencies {
			found = found || a.ID == in.AgencyID
		}
		if !found {
			fields["agency_id"] = "Choose your agency from the list, or “No agency”."
		}
		p.AgencyID = in.AgencyID
	}
	p.Languages = pick(fields, "languages", "languages", in.Languages, l.Tenant.Languages)
	p.Counties = pick(fields, "counties", "counties", in.Counties, l.Tenant.Counties)
	p.Settings = pick(fields, "settings", "settings", in.Settings, valuesOf(Settings))
	p.Specialties = pick(fields, "specialties", "specialties", in.Specialties, l.Specialties)
	p.Modes = pick(fields, "modes", "ways of working", in.Modes, valuesOf(Modes))
	if n, err := strconv.Atoi(strings.TrimSpace(in.Capacity)); err != nil || n < 0 || n > MaxCapacity {
		fields["capacity"] = fmt.Sprintf("Enter a whole number from 0 to %d.", MaxCapacity)
	} else {
		p.Capacity = n
	}
	p.Bio = strings.TrimSpace(strings.ReplaceAll(in.Bio, "\r\n", "\n"))
	if n := utf8.RuneCountInString(p.Bio); n > MaxBio {
		fields["bio"] = fmt.Sprintf("Use at most %d characters (this is %d).", MaxBio, n)
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	return p, nil
}

// facetsOf is the profile's searchable values, one row each.
func facetsOf(p *Profile) []*Facet {
	var out []*Facet
	add := func(kind string, values []string) {
		for _, v := range values {
			out = append(out, &Facet{ProfileID: p.ID, Facet: kind, Value: v})
		}
	}
	add(FacetCounty, p.Counties)
	add(FacetLanguage, p.Languages)
	add(FacetSetting, p.Settings)
	add(FacetSpecialty, p.Specialties)
	add(FacetMode, p.Modes)
	return out
}

// SaveProfile creates or updates the signed-in consultant's profile in the tenant and rewrites
// its facets. Its status does not change (an approved profile stays listed; a returned one is
// submitted again with Submit).
func (r *Registry) SaveProfile(ctx context.Context, in ProfileInput) (*Profile, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	l, err := r.Lists(ctx)
	if err != nil {
		return nil, err
	}
	p, err := in.check(l)
	if err != nil {
		return nil, err
	}
	err = database.InTx(ctx, r.db, func(ctx context.Context) error {
		cur, err := r.MyProfile(ctx)
		switch {
		case apperr.Code(err) == apperr.ENOTFOUND:
			return r.saveProfile(ctx, sc.UserID, p, nil)
		case err != nil:
			return err
		}
		return r.saveProfile(ctx, sc.UserID, p, cur)
	})
	return p, err
}

// saveProfile writes p (fields checked) as user's profile over cur (nil for a new one), with
// its facets and the audit event. It runs inside a transaction.
func (r *Registry) saveProfile(ctx context.Context, userID string, p *Profile, cur *Profile) error {
	t, err := database.For(ctx, r.db)
	if err != nil {
		return err
	}
	now := database.Now()
	action := "consultant_profile.update"
	if cur == nil {
		p.ID, p.UserID, p.Status, p.Active, p.CreatedAt = database.NewID(), userID, StatusDraft, true, now
		p.ReviewChecklist = database.StringList{}
		p.UpdatedAt = now
		if _, err := t.Insert(p).Exec(ctx); err != nil {
			return err
		}
		action = "consultant_profile.create"
	} else {
		keep := *cur
		keep.DisplayName, keep.AgencyID, keep.Languages, keep.Counties = p.DisplayName, p.AgencyID, p.Languages, p.Counties
		keep.Settings, keep.Specialties, keep.Modes, keep.Capacity, keep.Bio = p.Settings, p.Specialties, p.Modes, p.Capacity, p.Bio
		keep.UpdatedAt = now
		*p = keep
		if _, err := t.Update(p).Column("display_name", "agency_id", "languages", "counties", "settings", "specialties",
			"modes", "capacity", "bio", "updated_at").Where("cp.id = ?", p.ID).Exec(ctx); err != nil {
			return err
		}
	}
	if _, err := t.Delete((*Facet)(nil)).Where("profile_id = ?", p.ID).Exec(ctx); err != nil {
		return err
	}
	if f := facetsOf(p); len(f) > 0 {
		if _, err := database.InsertMany(t, f).Exec(ctx); err != nil {
			return err
		}
	}
	return r.audit.Record(ctx, action, "consultant_profile", p.ID, p.DisplayName)
}

// UploadDocument adds a file to the signed-in consultant's application: at most 10 MB, a PDF,
// PNG, JPEG or DOCX by its bytes and its name. Errors are on the field "file".
func (r *Registry) UploadDocument(ctx context.Context, name string, body io.Reader) (*Document, error) {
	p, err := r.MyProfile(ctx)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil, apperr.Invalid(map[string]string{"file": "Save your profile before adding documents."})
	} else if err != nil {
		return nil, err
	}
	doc, err := storage.ReadDocument("file", name, body)
	if err != nil {
		return nil, err
	}
	d := &Document{ID: database.NewID(), ProfileID: p.ID, FileName: doc.Name, ContentType: doc.ContentType,
		SizeBytes: int64(len(doc.Data)), UploadedAt: database.Now()}
	d.StorageKey = p.TenantID + "/consultants/" + p.ID + "/" + d.ID
	if err := r.files.Put(ctx, d.StorageKey, bytes.NewReader(doc.Data), d.SizeBytes, d.ContentType); err != nil {
		return nil, err
	}
	err = database.InTx(ctx, r.db, func(ctx context.Context) error {
		t, err := database.For(ctx, r.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(d).Exec(ctx); err != nil {
			return err
		}
		return r.audit.Record(ctx, "consultant_document.upload", "consultant_document", d.ID, d.FileName)
	})
	if err != nil {
		_ = r.files.Delete(context.WithoutCancel(ctx), d.StorageKey)
		return nil, err
	}
	return d, nil
}

// Submit sends the signed-in consultant's profile for review: it needs at least one document,
// and a profile that is a draft or was returned.
func (r *Registry) Submit(ctx context.Context) (*Profile, error) {
	var p *Profile
	err := database.InTx(ctx, r.db, func(ctx context.Context) error {
		var err error
		if p, err = r.MyProfile(ctx); err != nil {
			if apperr.Code(err) == apperr.ENOTFOUND {
				return apperr.Invalid(map[string]string{"documents": "Save your profile first."})
			}
			return err
		}
		switch p.Status {
		case StatusSubmitted:
			return apperr.Errorf(apperr.ECONFLICT, "Your application is already waiting for review.")
		case StatusApproved:
			return apperr.Errorf(apperr.ECONFLICT, "Your profile is already approved.")
		}
		docs, err := r.Documents(ctx, p.ID)
		if err != nil {
			return err
		}
		if len(docs) == 0 {
			return apperr.Invalid(map[string]string{"documents": "Add at least one document (a résumé or a certificate) before you submit."})
		}
		t, err := database.For(ctx, r.db)
		if err != nil {
			return err
		}
		now := database.Now()
		p.Status, p.SubmittedAt, p.UpdatedAt = StatusSubmitted, &now, now
		if _, err := t.Update(p).Column("status", "submitted_at", "updated_at").Where("cp.id = ?", p.ID).Exec(ctx); err != nil {
			return err
		}
		return r.audit.Record(ctx, "consultant_profile.submit", "consultant_profile", p.ID, p.DisplayName)
	})
	return p, err
}

// OpenDocument returns a document and its bytes; the caller closes them.
func (r *Registry) OpenDocument(ctx context.Context, d *Document) (io.ReadCloser, error) {
	rc, err := r.files.Get(ctx, d.StorageKey)
	if err == storage.ErrNotFound {
		return nil, apperr.NotFound("document")
	}
	return rc, err
}
