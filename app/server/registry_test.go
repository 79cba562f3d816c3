package server

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
)

var testPDF = []byte("%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

// registryFixtures: a real profile of the tenant (a demo consultant's) and a document of it.
func (e *testEnv) registryFixtures(slug string) fixtures {
	e.t.Helper()
	ctx := e.scoped(slug)
	list, err := e.app.Registry.Applications(ctx, consultants.StatusApproved)
	if err != nil || len(list) == 0 {
		e.t.Fatalf("an approved profile of %s: %v", slug, err)
	}
	p := list[0]
	sc, _ := database.ScopeFrom(ctx)
	sc.UserID, sc.Role = p.UserID, authz.Consultant
	d, err := e.app.Registry.UploadDocument(database.WithScope(ctx, sc), "fixture.pdf", bytes.NewReader(testPDF))
	if err != nil {
		e.t.Fatal(err)
	}
	return fixtures{"profileID": p.ID, "documentID": d.ID}
}

// upload posts a file to a multipart form, as a browser does.
func (c *client) upload(path, name string, content []byte) *resp {
	c.t.Helper()
	c.refreshCSRF()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.csrf) //nolint:errcheck
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(content) //nolint:errcheck
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func registryRows(t *testing.T, env *testEnv) int {
	t.Helper()
	n := 0
	for _, table := range []string{"consultant_profiles", "consultant_facets", "consultant_documents"} {
		c, err := env.raw().NewSelect().Table(table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += int(c)
	}
	return n
}

func TestRegistryFlow(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")

	// A new consultant in Illinois (invited, then accepted), with no profile yet.
	if _, err := env.app.Accounts.CreateUser(ctx, "new.consultant@consult.example", "Jordan Lee", demo.Password, false); err != nil {
		t.Fatal(err)
	}
	u, err := env.app.Accounts.UserByEmail(ctx, "new.consultant@consult.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.Tenants.AddMember(ctx, u.ID, authz.Consultant, ""); err != nil {
		t.Fatal(err)
	}

	c := env.client(t)
	c.signIn("new.consultant@consult.example")
	c.get("/t/illinois/profile").mustStatus(t, 200).mustContain(t, "Your consultant profile", "Counties you serve", "Cook", "Head Start")

	t.Run("BadInputKeepsWhatWasTyped", func(t *testing.T) {
		before := registryRows(t, env)
		r := c.post("/t/illinois/profile", url.Values{"display_name": {"Jordan Lee"}, "capacity": {"99"},
			"counties": {"Cook", "Atlantis"}, "bio": {strings.Repeat("x", 1001)}})
		r.mustStatus(t, 422).mustContain(t, "Enter a whole number from 0 to 50.", "Choose counties from the list.",
			"Use at most 1000 characters", `value="Jordan Lee"`)
		if registryRows(t, env) != before {
			t.Fatal("a bad form wrote rows")
		}
	})

	t.Run("SaveWritesFacets", func(t *testing.T) {
		c.post("/t/illinois/profile", url.Values{"display_name": {"Jordan Lee"}, "capacity": {"2"},
			"counties": {"Cook", "Will"}, "languages": {"Spanish"}, "modes": {"virtual"}, "settings": {"doula"},
			"specialties": {"Trauma"}}).mustStatus(t, 303)
		p, err := env.app.Registry.MyProfile(database.WithScope(ctx, database.Scope{TenantID: env.tenantID("illinois"), UserID: u.ID}))
		if err != nil {
			t.Fatal(err)
		}
		n, err := env.raw().NewSelect().Table("consultant_facets").Where("profile_id = ?", p.ID).Count(context.Background())
		if err != nil || n != 6 {
			t.Fatalf("facets: %d %v", n, err)
		}
		c.post("/t/illinois/profile", url.Values{"display_name": {"Jordan Lee"}, "capacity": {"2"}, "counties": {"Cook"}}).mustStatus(t, 303)
		n, _ = env.raw().NewSelect().Table("consultant_facets").Where("profile_id = ?", p.ID).Count(context.Background())
		if n != 1 {
			t.Fatalf("facets after the second save: %d, want 1", n)
		}
	})

	t.Run("SubmitNeedsADocument", func(t *testing.T) {
		c.post("/t/illinois/profile/submit", nil).mustStatus(t, 422).mustContain(t, "Add at least one document")
	})

	var docPath string
	t.Run("Upload", func(t *testing.T) {
		c.upload("/t/illinois/profile/documents", "cv.pdf", []byte("MZ not a pdf")).mustStatus(t, 422).
			mustContain(t, "Upload a PDF, PNG, JPEG or Word (DOCX) file")
		c.upload("/t/illinois/profile/documents", "big.pdf", append(append([]byte{}, testPDF...), make([]byte, 10<<20)...)).
			mustStatus(t, 422).mustContain(t, "larger than 10 MB")
		c.upload("/t/illinois/profile/documents", "cv.pdf", testPDF).mustStatus(t, 303)
		r := c.get("/t/illinois/profile").mustStatus(t, 200).mustContain(t, "cv.pdf")
		m := regexp.MustCompile(`/t/illinois/profile/documents/[0-9a-f-]{36}`).FindString(r.body)
		if m == "" {
			t.Fatal("no download link")
		}
		docPath = m
		got := c.get(docPath).mustStatus(t, 200)
		if got.body != string(testPDF) {
			t.Fatal("the download differs from the upload")
		}
		// Another consultant (Maria, approved in Illinois) cannot open it.
		maria := env.client(t)
		maria.signIn(demo.SharedConsultantEmail)
		maria.get(docPath).mustStatus(t, 404)
		maria.get("/t/illinois/registry").mustStatus(t, 403)
	})

	var reviewPath string
	t.Run("Submit", func(t *testing.T) {
		c.post("/t/illinois/profile/submit", nil).mustStatus(t, 303)
		c.get("/t/illinois/profile").mustStatus(t, 200).mustContain(t, "Waiting for review")
		c.get("/t/illinois/registry").mustStatus(t, 403)
		admin := env.client(t)
		admin.signIn("admin@illinois.example")
		r := admin.get("/t/illinois/registry").mustStatus(t, 200).mustContain(t, "Jordan Lee", "Maria Alvarez")
		reviewPath = regexp.MustCompile(`/t/illinois/registry/[0-9a-f-]{36}`).FindString(r.body[strings.Index(r.body, "Waiting for review"):])
		if reviewPath == "" {
			t.Fatal("no review link")
		}
		c.get(reviewPath).mustStatus(t, 403)
	})

	t.Run("Review", func(t *testing.T) {
		admin := env.client(t)
		admin.signIn("admin@illinois.example")
		r := admin.get(reviewPath).mustStatus(t, 200).mustContain(t, "Jordan Lee", "cv.pdf", "Reflective practice", "Referral and community resources")
		dl := regexp.MustCompile(reviewPath + `/documents/[0-9a-f-]{36}`).FindString(r.body)
		if dl == "" || admin.get(dl).mustStatus(t, 200).body != string(testPDF) {
			t.Fatal("the admin cannot download the document")
		}
		admin.get(docPath).mustStatus(t, 200) // a tenant admin sees every application's documents
		admin.post(reviewPath, url.Values{"decision": {"return"}}).mustStatus(t, 422).mustContain(t, "Say what the consultant should change")
		admin.post(reviewPath, url.Values{"decision": {"approve"}, "checklist": {"Reflective practice"}}).mustStatus(t, 422).
			mustContain(t, "Tick every competency")
		admin.post(reviewPath, url.Values{"decision": {"return"}, "comments": {"Please add your endorsement."}}).mustStatus(t, 303)
		c.get("/t/illinois/profile").mustStatus(t, 200).mustContain(t, "Returned for changes", "Please add your endorsement.")
		c.post("/t/illinois/profile/submit", nil).mustStatus(t, 303)
		admin.post(reviewPath, url.Values{"decision": {"approve"}, "checklist": consultants.DefaultCompetencies}).mustStatus(t, 303)
		c.get("/t/illinois/profile").mustStatus(t, 200).mustContain(t, "Approved")
		admin.get("/t/illinois/audit").mustStatus(t, 200).mustContain(t, "consultant_profile.approve", "consultant_profile.return", "consultant_document.upload")
	})
}

// The demo consultants are approved with facets, and seeding again changes nothing.
func TestDemoProfiles(t *testing.T) {
	env := newTestEnv(t)
	counts := func() [2]int64 {
		var out [2]int64
		for i, table := range []string{"consultant_profiles", "consultant_facets"} {
			n, err := env.raw().NewSelect().Table(table).Count(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			out[i] = int64(n)
		}
		return out
	}
	before := counts()
	if before[0] != 3 || before[1] < 3*5 {
		t.Fatalf("demo profiles and facets: %v", before)
	}
	for _, slug := range []string{"illinois", "nc-piedmont", "ohio"} {
		list, err := env.app.Registry.Applications(env.scoped(slug), consultants.StatusApproved)
		if err != nil || len(list) != 1 || len(list[0].Counties) == 0 || len(list[0].Languages) == 0 {
			t.Fatalf("%s: %v %+v", slug, err, list)
		}
	}
	if err := demo.Seed(context.Background(), env.app.DB, env.app.Accounts, env.app.Tenants); err != nil {
		t.Fatal(err)
	}
	if after := counts(); after != before {
		t.Fatalf("seeding again: %v, was %v", after, before)
	}
}
