package credentials

import (
	"bytes"
	"context"
	"io"
	"strings"
	"time"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
	"github.com/holdspace/holdspace/app/storage"
)

// StatusText is the credential's status in plain words, today (YYYY-MM-DD).
func (c *Credential) StatusText(today string) string {
	switch c.Status {
	case StatusSubmitted:
		return "Waiting for verification"
	case StatusReturned:
		return "Returned for changes"
	}
	if c.Expired(today) {
		return "Verified, expired on " + c.ExpiresOn
	}
	if n, ok := DaysBetween(today, c.ExpiresOn); ok && n <= ExpiringSoonDays {
		return "Verified, expiring soon (" + c.ExpiresOn + ")"
	}
	return "Verified"
}

// Tag is the USWDS colour classes of the credential's status tag, today.
func (c *Credential) Tag(today string) string {
	switch {
	case c.Status == StatusReturned || c.Verified() && c.Expired(today):
		return "bg-error-dark"
	case c.Status == StatusSubmitted:
		return "bg-base-dark"
	}
	if n, ok := DaysBetween(today, c.ExpiresOn); ok && n <= ExpiringSoonDays {
		return "bg-warning text-ink"
	}
	return "bg-success-darker"
}

// Editable reports whether the consultant may still change or delete the credential.
func (c *Credential) Editable() bool { return c.Status != StatusVerified }

// HasEvidence reports whether a file is attached.
func (c *Credential) HasEvidence() bool { return c.EvidenceKey != "" }

// CredentialInput is the credential form.
type CredentialInput struct {
	KindID, Issuer, Number, IssuedOn, ExpiresOn string
}

// Upload is a file chosen on a form; Body is nil when none was.
type Upload struct {
	Name string
	Body io.Reader
}

// checkCredential validates the form against the tenant's kinds and today, and returns the
// credential's fields and the messages for bad fields. An empty expiry is the issue date plus
// the kind's valid months (none for a kind that does not expire).
func (s *Service) checkCredential(ctx context.Context, in CredentialInput, today string) (*Credential, map[string]string, error) {
	bad := map[string]string{}
	c := &Credential{KindID: strings.TrimSpace(in.KindID), Issuer: clean(in.Issuer), Number: clean(in.Number)}
	k, err := s.store.Kind(ctx, c.KindID)
	switch apperr.Code(err) {
	case "":
		c.KindName = k.Name
		if c.Issuer == "" {
			c.Issuer = k.Issuer
		}
	case apperr.ENOTFOUND:
		bad["kind_id"] = "Choose a credential from the list."
		k = nil
	default:
		return nil, nil, err
	}
	tooLong(bad, "issuer", c.Issuer, MaxIssuer)
	tooLong(bad, "number", c.Number, MaxNumber)
	issued, isDate := dates.ISO(in.IssuedOn)
	if !isDate {
		bad["issued_on"] = dates.Message("the date it was issued")
	} else if issued > today {
		bad["issued_on"] = "The issue date cannot be in the future."
	} else {
		c.IssuedOn = issued
	}
	expires := strings.TrimSpace(in.ExpiresOn)
	switch {
	case expires != "":
		iso, ok := dates.ISO(expires)
		if !ok {
			bad["expires_on"] = strings.TrimSuffix(dates.Message("the expiry date"), ".") + ", or leave it empty."
		} else if expires = iso; c.IssuedOn != "" && expires <= c.IssuedOn {
			bad["expires_on"] = "The expiry date must be after the issue date."
		} else {
			c.ExpiresOn = expires
		}
	case k != nil && k.ValidMonths > 0 && c.IssuedOn != "":
		c.ExpiresOn = AddMonths(c.IssuedOn, k.ValidMonths)
	}
	return c, bad, nil
}

// readEvidence checks an upload; required says whether a file must be chosen. It adds its
// message to bad and returns nil when there is no file or it is refused.
func readEvidence(up Upload, required bool, bad map[string]string) (*storage.Document, error) {
	if up.Body == nil && !required {
		return nil, nil
	}
	doc, err := storage.ReadDocument("evidence", up.Name, up.Body)
	if apperr.Code(err) == apperr.EINVALID {
		for k, v := range apperr.FieldsOf(err) {
			bad[k] = v
		}
		return nil, nil
	}
	return doc, err
}

func (s *Service) putEvidence(ctx context.Context, c *Credential, doc *storage.Document) error {
	c.EvidenceKey = c.TenantID + "/credentials/" + c.ProfileID + "/" + c.ID + "/" + database.NewID()
	c.EvidenceName, c.EvidenceType, c.EvidenceSize = doc.Name, doc.ContentType, int64(len(doc.Data))
	return s.files.Put(ctx, c.EvidenceKey, bytes.NewReader(doc.Data), c.EvidenceSize, doc.ContentType)
}

// MyProfile is the signed-in consultant's profile, or ENOTFOUND.
func (s *Service) MyProfile(ctx context.Context) (*consultants.Profile, error) {
	return s.reg.MyProfile(ctx)
}

func noProfile() error {
	return apperr.Errorf(apperr.ECONFLICT, "Save your consultant profile before adding credentials.")
}

// CreateCredential adds a credential, with its evidence file, to the signed-in consultant's
// profile; it waits for verification. Errors: ECONFLICT without a profile; EINVALID naming each
// bad field (nothing is written, no file is kept).
func (s *Service) CreateCredential(ctx context.Context, in CredentialInput, up Upload, now time.Time) (*Credential, error) {
	p, err := s.reg.MyProfile(ctx)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil, noProfile()
	} else if err != nil {
		return nil, err
	}
	today, err := s.Today(ctx, now)
	if err != nil {
		return nil, err
	}
	c, bad, err := s.checkCredential(ctx, in, today)
	if err != nil {
		return nil, err
	}
	doc, err := readEvidence(up, true, bad)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	ts := database.Now()
	c.ID, c.TenantID, c.ProfileID, c.Status, c.CreatedAt, c.UpdatedAt = database.NewID(), p.TenantID, p.ID, StatusSubmitted, ts, ts
	if err := s.putEvidence(ctx, c, doc); err != nil {
		return nil, err
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(c).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "credential.create", "credential", c.ID, c.KindName+" of "+p.DisplayName)
	})
	if err != nil {
		_ = s.files.Delete(context.WithoutCancel(ctx), c.EvidenceKey)
		return nil, err
	}
	return c, nil
}

// ownCredential returns a credential the signed-in consultant may change: their own. Another
// consultant's is not found; a tenant admin is told to use the staffing page.
func (s *Service) ownCredential(ctx context.Context, id string) (*Credential, *consultants.Profile, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	switch sc.Role {
	case authz.Consultant:
		p, err := s.reg.MyProfile(ctx)
		if apperr.Code(err) == apperr.ENOTFOUND || (err == nil && p.ID != c.ProfileID) {
			return nil, nil, apperr.NotFound("credential")
		}
		return c, p, err
	case authz.TenantAdmin:
		return nil, nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the consultant changes their credentials. Verify or return it on the staffing page.")
	}
	return nil, nil, apperr.NotFound("credential")
}

// Editable returns the signed-in consultant's own credential for the edit form. Errors:
// ENOTFOUND; EFORBIDDEN for a tenant admin; ECONFLICT once it is verified.
func (s *Service) EditableCredential(ctx context.Context, id string) (*Credential, error) {
	c, _, err := s.ownCredential(ctx, id)
	if err != nil {
		return nil, err
	}
	if !c.Editable() {
		return nil, apperr.Errorf(apperr.ECONFLICT, "A verified credential cannot be changed. Add the renewed credential as a new one.")
	}
	return c, nil
}

// UpdateCredential changes one of the signed-in consultant's credentials that is not verified
// yet (a new evidence file replaces the old one; without one the old one stays). It waits
// for verification again. Errors: ENOTFOUND; ECONFLICT once verified; EINVALID naming each
// bad field.
func (s *Service) UpdateCredential(ctx context.Context, id string, in CredentialInput, up Upload, now time.Time) (*Credential, error) {
	cur, p, err := s.ownCredential(ctx, id)
	if err != nil {
		return nil, err
	}
	if !cur.Editable() {
		return nil, apperr.Errorf(apperr.ECONFLICT, "A verified credential cannot be changed. Add the renewed credential as a new one.")
	}
	today, err := s.Today(ctx, now)
	if err != nil {
		return nil, err
	}
	c, bad, err := s.checkCredential(ctx, in, today)
	if err != nil {
		return nil, err
	}
	doc, err := readEvidence(up, false, bad)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad)
	}
	oldKey := cur.EvidenceKey
	cur.KindID, cur.KindName, cur.Issuer, cur.Number, cur.IssuedOn, cur.ExpiresOn = c.KindID, c.KindName, c.Issuer, c.Number, c.IssuedOn, c.ExpiresOn
	cur.Status, cur.ReviewNote, cur.VerifiedBy, cur.VerifiedAt, cur.UpdatedAt = StatusSubmitted, "", "", nil, database.Now()
	if doc != nil {
		if err := s.putEvidence(ctx, cur, doc); err != nil {
			return nil, err
		}
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		// Only while it is still not verified (an admin may have verified it meanwhile).
		res, err := t.Update(cur).Column("kind_id", "issuer", "number", "issued_on", "expires_on", "evidence_key", "evidence_name",
			"evidence_type", "evidence_size", "status", "review_note", "verified_by", "verified_at", "updated_at").
			Where("cc.id = ? AND cc.status <> ?", cur.ID, StatusVerified).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Errorf(apperr.ECONFLICT, "This credential was verified meanwhile and cannot be changed.")
		}
		if err := s.audit.Record(ctx, "credential.update", "credential", cur.ID, cur.KindName+" of "+p.DisplayName); err != nil {
			return err
		}
		if doc != nil && oldKey != "" {
			database.AfterCommit(ctx, func(ctx context.Context) { _ = s.files.Delete(context.WithoutCancel(ctx), oldKey) })
		}
		return nil
	})
	if err != nil && doc != nil {
		_ = s.files.Delete(context.WithoutCancel(ctx), cur.EvidenceKey)
	}
	return cur, err
}

// DeleteCredential deletes one of the signed-in consultant's credentials that is not verified
// yet, with its evidence file. Errors: ENOTFOUND; ECONFLICT once verified.
func (s *Service) DeleteCredential(ctx context.Context, id string) error {
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		c, p, err := s.ownCredential(ctx, id)
		if err != nil {
			return err
		}
		if !c.Editable() {
			return apperr.Errorf(apperr.ECONFLICT, "A verified credential cannot be deleted.")
		}
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Delete((*Credential)(nil)).Where("cc.id = ?", c.ID).Exec(ctx); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, "credential.delete", "credential", c.ID, c.KindName+" of "+p.DisplayName); err != nil {
			return err
		}
		if key := c.EvidenceKey; key != "" {
			database.AfterCommit(ctx, func(ctx context.Context) { _ = s.files.Delete(context.WithoutCancel(ctx), key) })
		}
		return nil
	})
}

// Evidence returns a credential and its evidence file for the person in ctx: a consultant
// their own, a supervisor their supervisees', a tenant admin any of the tenant; to anyone
// else it is not found. profileID, when not "", must be the credential's profile. The caller
// closes the file.
func (s *Service) Evidence(ctx context.Context, profileID, id string) (*Credential, io.ReadCloser, error) {
	c, err := s.store.Credential(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if profileID != "" && c.ProfileID != profileID {
		return nil, nil, apperr.NotFound("credential")
	}
	p, err := s.reg.Profile(ctx, c.ProfileID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.canSee(ctx, p); err != nil {
		return nil, nil, apperr.NotFound("credential")
	}
	if c.EvidenceKey == "" {
		return nil, nil, apperr.NotFound("evidence file")
	}
	rc, err := s.files.Get(ctx, c.EvidenceKey)
	if err == storage.ErrNotFound {
		return nil, nil, apperr.NotFound("evidence file")
	}
	return c, rc, err
}

// Mine is the signed-in consultant's credentials page.
type Mine struct {
	Profile      *consultants.Profile // nil: no profile in this tenant yet
	Credentials  []Credential
	Statuses     []Status
	Requirements []Requirement // for the form: the kinds grouped by requirement
	Today        string
	Lacking      int
}

// MyCredentials returns the signed-in consultant's credentials and where they stand against
// the tenant's requirements.
func (s *Service) MyCredentials(ctx context.Context, now time.Time) (*Mine, error) {
	m := &Mine{}
	var err error
	if m.Today, err = s.Today(ctx, now); err != nil {
		return nil, err
	}
	if m.Requirements, err = s.store.Requirements(ctx); err != nil {
		return nil, err
	}
	p, err := s.reg.MyProfile(ctx)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return m, nil
	} else if err != nil {
		return nil, err
	}
	m.Profile = p
	if m.Credentials, err = s.store.CredentialsOf(ctx, []string{p.ID}); err != nil {
		return nil, err
	}
	sub, err := s.subjectOf(ctx, p, now)
	if err != nil {
		return nil, err
	}
	m.Statuses = Evaluate(m.Requirements, m.Credentials, sub, m.Today)
	for _, st := range m.Statuses {
		if st.Lacking() {
			m.Lacking++
		}
	}
	return m, nil
}

// AddForDemo adds a credential of the kind named kindName to a profile, verified or waiting
// for verification, without evidence (the demo seed), unless the profile has one of that
// kind already: running it twice changes nothing.
func (s *Service) AddForDemo(ctx context.Context, profileID, kindName, issuedOn, expiresOn string, verified bool) error {
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		k := new(Kind)
		if err := t.Select(k).Where("ck.name = ?", kindName).Scan(ctx); err != nil {
			return notFound(err, "credential kind")
		}
		n, err := t.Select((*Credential)(nil)).Where("cc.profile_id = ? AND cc.kind_id = ?", profileID, k.ID).Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		now := database.Now()
		c := &Credential{ID: database.NewID(), ProfileID: profileID, KindID: k.ID, Issuer: k.Issuer, IssuedOn: issuedOn,
			ExpiresOn: expiresOn, Status: StatusSubmitted, CreatedAt: now, UpdatedAt: now}
		if verified {
			c.Status, c.VerifiedAt = StatusVerified, &now
		}
		if _, err := t.Insert(c).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "credential.create", "credential", c.ID, k.Name+" (demo)")
	})
}

// SetHiredForDemo sets a profile's hire date unless it has one (the demo seed).
func (s *Service) SetHiredForDemo(ctx context.Context, profileID, hiredOn string, now time.Time) error {
	p, err := s.reg.Profile(ctx, profileID)
	if err != nil || p.HiredOn != "" {
		return err
	}
	_, err = s.SetHiredOn(ctx, profileID, hiredOn, now)
	return err
}
