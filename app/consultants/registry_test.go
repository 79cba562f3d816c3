package consultants_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/tenants"
)

// regTenant makes a tenant with counties, languages and one consultant agency, and returns
// the tenant admin's scope and the agency's id.
func regTenant(t *testing.T, db *bun.DB) (context.Context, string) {
	t.Helper()
	ctx := searchTenant(t, db, "Registry test "+dbtest.RandomHex(3))
	sc, _ := database.ScopeFrom(ctx)
	if _, err := db.NewUpdate().Table("tenants").Set("counties = ?", `["Cook","DuPage","Lake"]`).
		Set("languages = ?", `["English","Spanish"]`).Set("specialties = ?", `["Fetal alcohol"]`).
		Where("id = ?", sc.TenantID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	ag := &tenants.Organisation{Kind: tenants.OrgConsultantAgency, Name: "Bright Futures CMHC"}
	if err := tenants.NewStore(db).CreateOrganisation(ctx, ag); err != nil {
		t.Fatal(err)
	}
	return ctx, ag.ID
}

func as(ctx context.Context, userID, role string) context.Context {
	sc, _ := database.ScopeFrom(ctx)
	sc.UserID, sc.Role = userID, role
	return database.WithScope(ctx, sc)
}

func count(t *testing.T, db *bun.DB, table string) int {
	t.Helper()
	n, err := dbtest.Owner(t, db).NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func fieldErrs(t *testing.T, err error, fields ...string) {
	t.Helper()
	if apperr.Code(err) != apperr.EINVALID {
		t.Fatalf("got %v, want EINVALID", err)
	}
	got := apperr.FieldsOf(err)
	for _, f := range fields {
		if got[f] == "" {
			t.Errorf("no message for %s (got %v)", f, got)
		}
	}
}

var pdfBytes = []byte("%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

func docxBytes(t *testing.T) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create("word/document.xml")
	f.Write([]byte("<w:document/>")) //nolint:errcheck
	w.Close()
	return b.Bytes()
}

func TestRegistry(t *testing.T) {
	db := dbtest.Open(t)
	files := storage.NewLocal(t.TempDir())
	reg := consultants.NewRegistry(db, tenants.NewStore(db), audit.New(db), files)
	admin, agency := regTenant(t, db)
	maria := as(admin, database.NewID(), authz.Consultant)
	other := as(admin, database.NewID(), authz.Consultant)

	good := consultants.ProfileInput{DisplayName: "  Maria   Alvarez ", AgencyID: agency, Languages: []string{"Spanish", "English"},
		Counties: []string{"Cook"}, Settings: []string{"home_visiting", "doula"}, Specialties: []string{"Trauma", "Fetal alcohol"},
		Modes: []string{"hybrid"}, Capacity: "3", Bio: "Consultant in Chicago."}

	t.Run("BadInputWritesNothing", func(t *testing.T) {
		before := count(t, db, "consultant_profiles") + count(t, db, "consultant_facets") + count(t, db, "audit_events")
		bad := good
		bad.DisplayName, bad.AgencyID, bad.Languages, bad.Counties = " ", database.NewID(), []string{"Klingon"}, []string{"Cook", "Los Angeles"}
		bad.Settings, bad.Specialties, bad.Modes = []string{"space"}, []string{"Astrology"}, []string{"telepathy"}
		bad.Capacity, bad.Bio = "51", strings.Repeat("é", consultants.MaxBio+1)
		_, err := reg.SaveProfile(maria, bad)
		fieldErrs(t, err, "display_name", "agency_id", "languages", "counties", "settings", "specialties", "modes", "capacity", "bio")
		for _, c := range []string{"-1", "two", ""} {
			bad := good
			bad.Capacity = c
			_, err := reg.SaveProfile(maria, bad)
			fieldErrs(t, err, "capacity")
		}
		after := count(t, db, "consultant_profiles") + count(t, db, "consultant_facets") + count(t, db, "audit_events")
		if after != before {
			t.Fatalf("bad input wrote %d rows", after-before)
		}
	})

	var profileID string
	t.Run("SaveWritesFacets", func(t *testing.T) {
		p, err := reg.SaveProfile(maria, good)
		if err != nil {
			t.Fatal(err)
		}
		profileID = p.ID
		if p.DisplayName != "Maria Alvarez" || p.Status != consultants.StatusDraft || p.Capacity != 3 {
			t.Fatalf("saved %+v", p)
		}
		// Offered order, not typed order.
		if strings.Join(p.Languages, ",") != "English,Spanish" {
			t.Fatalf("languages %v", p.Languages)
		}
		checkFacets(t, maria, db, p.ID, "county=Cook language=English language=Spanish mode=hybrid setting=doula setting=home_visiting specialty=Fetal alcohol specialty=Trauma")

		again := good
		again.Counties, again.Languages, again.Specialties, again.Settings = []string{"DuPage", "Lake"}, []string{"English"}, nil, nil
		p2, err := reg.SaveProfile(maria, again)
		if err != nil {
			t.Fatal(err)
		}
		if p2.ID != p.ID {
			t.Fatal("a second save made a second profile")
		}
		checkFacets(t, maria, db, p.ID, "county=DuPage county=Lake language=English mode=hybrid")
	})

	t.Run("Documents", func(t *testing.T) {
		if _, err := reg.UploadDocument(other, "cv.pdf", bytes.NewReader(pdfBytes)); apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("upload without a profile: %v", err)
		}
		before := count(t, db, "consultant_documents")
		for name, body := range map[string][]byte{
			"notes.pdf":    []byte("just some text, not a PDF at all"),
			"picture.pdf":  {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0},
			"cv.exe":       pdfBytes,
			"cv.txt":       pdfBytes,
			"cv.docx":      pdfBytes,
			"empty.pdf":    nil,
			"too-big.pdf":  append(append([]byte{}, pdfBytes...), make([]byte, consultants.MaxDocument)...),
			"archive.zip":  docxBytes(t),
			"document.png": pdfBytes,
		} {
			_, err := reg.UploadDocument(maria, name, bytes.NewReader(body))
			fieldErrs(t, err, "file")
			if name == "too-big.pdf" && !strings.Contains(apperr.FieldsOf(err)["file"], "10 MB") {
				t.Errorf("too big: %q", apperr.FieldsOf(err)["file"])
			}
		}
		if n := count(t, db, "consultant_documents"); n != before {
			t.Fatalf("refused files wrote %d rows", n-before)
		}
		d, err := reg.UploadDocument(maria, `C:\Users\maria\CV "final".PDF`, bytes.NewReader(pdfBytes))
		if err != nil {
			t.Fatal(err)
		}
		if d.ContentType != "application/pdf" || d.FileName != "CV final.PDF" || d.SizeBytes != int64(len(pdfBytes)) {
			t.Fatalf("stored %+v", d)
		}
		sc, _ := database.ScopeFrom(maria)
		if !strings.HasPrefix(d.StorageKey, sc.TenantID+"/") {
			t.Fatalf("key %q is not under the tenant", d.StorageKey)
		}
		rc, err := reg.OpenDocument(maria, d)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, pdfBytes) {
			t.Fatal("the stored bytes differ")
		}
		dx, err := reg.UploadDocument(maria, "letter.docx", bytes.NewReader(docxBytes(t)))
		if err != nil || !strings.Contains(dx.ContentType, "wordprocessingml") {
			t.Fatalf("docx: %v %+v", err, dx)
		}
		if _, err := reg.UploadDocument(maria, "photo.jpg", bytes.NewReader([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F'})); err != nil {
			t.Fatalf("jpeg: %v", err)
		}
		// Only the owner finds it by MyDocument; the admin finds it under its profile.
		if _, err := reg.MyDocument(maria, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.SaveProfile(other, good); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.MyDocument(other, d.ID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("another consultant opened the document: %v", err)
		}
		if _, err := reg.ProfileDocument(admin, profileID, d.ID); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("SubmitNeedsADocument", func(t *testing.T) {
		_, err := reg.Submit(other)
		fieldErrs(t, err, "documents")
		p, err := reg.Submit(maria)
		if err != nil || p.Status != consultants.StatusSubmitted || p.SubmittedAt == nil {
			t.Fatalf("submit: %v %+v", err, p)
		}
		if _, err := reg.Submit(maria); apperr.Code(err) != apperr.ECONFLICT {
			t.Fatalf("submitting twice: %v", err)
		}
	})

	t.Run("Review", func(t *testing.T) {
		l, err := reg.Lists(admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Competencies) != len(consultants.DefaultCompetencies) {
			t.Fatalf("checklist %v", l.Competencies)
		}
		_, err = reg.Review(admin, profileID, consultants.ReviewInput{Decision: consultants.DecisionReturn})
		fieldErrs(t, err, "comments")
		_, err = reg.Review(admin, profileID, consultants.ReviewInput{Decision: consultants.DecisionApprove, Checked: l.Competencies[1:]})
		fieldErrs(t, err, "checklist")
		_, err = reg.Review(admin, profileID, consultants.ReviewInput{Decision: "maybe"})
		fieldErrs(t, err, "decision")
		if p, _ := reg.Profile(admin, profileID); p.Status != consultants.StatusSubmitted {
			t.Fatalf("a refused review changed the status to %s", p.Status)
		}
		p, err := reg.Review(admin, profileID, consultants.ReviewInput{Decision: consultants.DecisionReturn, Comments: "Add your endorsement certificate."})
		if err != nil || p.Status != consultants.StatusReturned {
			t.Fatalf("return: %v %+v", err, p)
		}
		mine, _ := reg.MyProfile(maria)
		if mine.ReviewComments != "Add your endorsement certificate." {
			t.Fatalf("comments %q", mine.ReviewComments)
		}
		if _, err := reg.Review(admin, profileID, consultants.ReviewInput{Decision: consultants.DecisionApprove, Checked: l.Competencies}); apperr.Code(err) != apperr.ECONFLICT {
			t.Fatalf("approving a returned application: %v", err)
		}
		if _, err := reg.Submit(maria); err != nil {
			t.Fatal(err)
		}
		p, err = reg.Review(admin, profileID, consultants.ReviewInput{Decision: consultants.DecisionApprove, Checked: l.Competencies})
		if err != nil || p.Status != consultants.StatusApproved || len(p.ReviewChecklist) != len(l.Competencies) {
			t.Fatalf("approve: %v %+v", err, p)
		}
		approved, err := reg.Applications(admin, consultants.StatusApproved)
		if err != nil || len(approved) != 1 || approved[0].ID != profileID {
			t.Fatalf("approved list: %v %v", err, approved)
		}
	})

	t.Run("OtherTenant", func(t *testing.T) {
		admin2, _ := regTenant(t, db)
		if _, err := reg.Profile(admin2, profileID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("another tenant's admin found the profile: %v", err)
		}
		// The same person has no profile in the other tenant.
		sc, _ := database.ScopeFrom(maria)
		if _, err := reg.MyProfile(as(admin2, sc.UserID, authz.Consultant)); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("a profile leaked across tenants: %v", err)
		}
	})
}

func checkFacets(t *testing.T, ctx context.Context, db *bun.DB, profileID, want string) {
	t.Helper()
	tn, err := database.For(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var fs []consultants.Facet
	if err := tn.Select(&fs).Where("cf.profile_id = ?", profileID).OrderExpr("cf.facet, cf.value").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Facet+"="+f.Value)
	}
	if g := strings.Join(got, " "); g != want {
		t.Fatalf("facets\n got %s\nwant %s", g, want)
	}
}
