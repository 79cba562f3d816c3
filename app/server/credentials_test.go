package server

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/credentials"
	"github.com/holdspace/holdspace/app/demo"
)

// credentialsFixtures: a requirement of the tenant with a kind, and a credential (with its
// evidence) of the profile registryFixtures names.
func (e *testEnv) credentialsFixtures(slug string) fixtures {
	e.t.Helper()
	ctx := e.scoped(slug)
	svc := e.app.Credentials
	req, err := svc.SaveRequirement(ctx, "", credentials.RequirementInput{Name: "Isolation fixture requirement",
		Level: credentials.LevelRequired, Rule: credentials.RuleCredential})
	if err != nil {
		e.t.Fatal(err)
	}
	k, err := svc.AddKind(ctx, req.ID, credentials.KindInput{Name: "Isolation fixture credential", ValidMonths: "12"})
	if err != nil {
		e.t.Fatal(err)
	}
	list, err := e.app.Registry.Applications(ctx, consultants.StatusApproved)
	if err != nil || len(list) == 0 {
		e.t.Fatalf("an approved profile of %s: %v", slug, err)
	}
	c, err := svc.CreateCredential(e.as(slug, list[0].UserID, authz.Consultant),
		credentials.CredentialInput{KindID: k.ID, IssuedOn: "2025-01-15"},
		credentials.Upload{Name: "fixture.pdf", Body: bytes.NewReader(testPDF)}, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return fixtures{"requirementID": req.ID, "kindID": k.ID, "credentialID": c.ID}
}

// postMultipart posts a form with an evidence file (none when fileName is ""), as a browser
// does with enctype="multipart/form-data".
func (c *client) postMultipart(path string, fields url.Values, fileName string, content []byte) *resp {
	c.t.Helper()
	c.refreshCSRF()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.csrf) //nolint:errcheck
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v) //nolint:errcheck
		}
	}
	if fileName != "" {
		fw, err := w.CreateFormFile("evidence", fileName)
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

func (e *testEnv) profileOf(slug, email string) *consultants.Profile {
	e.t.Helper()
	list, err := e.app.Credentials.Store().Profiles(e.scoped(slug), []string{e.userID(email)})
	if err != nil || len(list) != 1 {
		e.t.Fatalf("profile of %s in %s: %d %v", email, slug, len(list), err)
	}
	return &list[0]
}

func (e *testEnv) kindID(slug, name string) string {
	e.t.Helper()
	kinds, err := e.app.Credentials.Store().Kinds(e.scoped(slug))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, k := range kinds {
		if k.Name == name {
			return k.ID
		}
	}
	e.t.Fatalf("no kind %q in %s", name, slug)
	return ""
}

func TestStaffingRequirements(t *testing.T) {
	env := newTestEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	base := "/t/illinois/staffing/requirements"
	admin.get(base).mustStatus(t, 200).mustContain(t, "No requirements yet", "Add North Carolina’s staffing requirements", "Add Ohio’s credentials")

	t.Run("ValidationNamesFields", func(t *testing.T) {
		before := env.count("staffing_requirements", "1 = 1")
		admin.post(base, url.Values{"name": {" "}, "description": {"kept description"}, "level": {"maybe"}, "deadline_days": {"-3"}}).
			mustStatus(t, 422).mustContain(t, "Enter the requirement’s name.", "Choose required or recommended.",
			"Choose how the requirement is met.", "Enter the days after hire", "kept description")
		if env.count("staffing_requirements", "1 = 1") != before {
			t.Fatal("a bad form wrote a requirement")
		}
	})

	var reqID string
	t.Run("AddEditAndKinds", func(t *testing.T) {
		admin.post(base, url.Values{"name": {"Illinois IMH Endorsement"}, "level": {"recommended"}, "rule": {"credential"},
			"deadline_days": {"365"}}).mustStatus(t, 303)
		if env.count("audit_events", "action = ?", "staffing_requirement.create") != 1 {
			t.Fatal("no audit event for the new requirement")
		}
		admin.post(base, url.Values{"name": {"illinois imh endorsement"}, "level": {"required"}, "rule": {"credential"}}).
			mustStatus(t, 422).mustContain(t, "There is already a requirement with this name.")
		reqs, err := env.app.Credentials.Store().Requirements(env.scoped("illinois"))
		if err != nil || len(reqs) != 1 {
			t.Fatalf("requirements: %d %v", len(reqs), err)
		}
		reqID = reqs[0].ID
		admin.post(base+"/"+reqID+"/kinds", url.Values{"kind_name": {""}, "valid_months": {"200"}}).
			mustStatus(t, 422).mustContain(t, "Enter the credential’s name.", "Enter the months as a whole number from 0 to 120")
		admin.post(base+"/"+reqID+"/kinds", url.Values{"kind_name": {"Infant Family Specialist"}, "issuer": {"Illinois AIMH"}, "valid_months": {"12"}}).
			mustStatus(t, 303)
		admin.get(base).mustStatus(t, 200).mustContain(t, "Illinois IMH Endorsement", "Recommended", "Within one year of hire",
			"Infant Family Specialist", "Illinois AIMH", "1 year")

		admin.get(base+"/"+reqID+"/edit").mustStatus(t, 200).mustContain(t, `value="Illinois IMH Endorsement"`)
		admin.post(base+"/"+reqID+"/edit", url.Values{"name": {"Illinois IMH Endorsement"}, "level": {"recommended"},
			"rule": {"supervision"}, "deadline_days": {"180"}}).mustStatus(t, 422).mustContain(t, "remove them")
		admin.post(base+"/"+reqID+"/edit", url.Values{"name": {"Illinois IMH Endorsement"}, "level": {"required"},
			"rule": {"credential"}, "deadline_days": {"180"}}).mustStatus(t, 303)
		r, err := env.app.Credentials.Store().Requirement(env.scoped("illinois"), reqID)
		if err != nil || r.DeadlineDays != 180 || r.Level != credentials.LevelRequired || len(r.Kinds) != 1 {
			t.Fatalf("after the edit: %+v %v", r, err)
		}
		if env.count("audit_events", "action = ? AND record_id = ?", "staffing_requirement.update", reqID) != 1 {
			t.Fatal("no audit event for the change")
		}
	})

	t.Run("BuiltinSetsIdempotent", func(t *testing.T) {
		reqs, kinds := env.count("staffing_requirements", "1 = 1"), env.count("credential_kinds", "1 = 1")
		admin.post(base+"/builtin", url.Values{"set": {"ohio"}}).mustStatus(t, 303)
		if got := env.count("staffing_requirements", "1 = 1"); got != reqs+2 {
			t.Fatalf("requirements %d → %d, want +2", reqs, got)
		}
		if got := env.count("credential_kinds", "1 = 1"); got != kinds+4 {
			t.Fatalf("kinds %d → %d, want +4", kinds, got)
		}
		admin.get(base).mustContain(t, "ECMH credential", "Level III: Infant Mental Health Practitioner", "Ohio Professional Registry")
		admin.post(base+"/builtin", url.Values{"set": {"ohio"}}).mustStatus(t, 303)
		admin.get(base).mustContain(t, "nothing was added")
		if env.count("staffing_requirements", "1 = 1") != reqs+2 || env.count("credential_kinds", "1 = 1") != kinds+4 {
			t.Fatal("adding the set twice added something")
		}
		admin.post(base+"/builtin", url.Values{"set": {"texas"}}).mustStatus(t, 422)
		// North Carolina's set is in the demo tenant already: adding it again adds nothing.
		nc := env.signedIn(t, "admin@nc-piedmont.example")
		before := env.count("credential_kinds", "1 = 1")
		nc.post("/t/nc-piedmont/staffing/requirements/builtin", url.Values{"set": {"nc"}}).mustStatus(t, 303)
		if env.count("credential_kinds", "1 = 1") != before {
			t.Fatal("adding North Carolina's set again added kinds")
		}
		nc.get("/t/nc-piedmont/staffing/requirements").mustStatus(t, 200).mustContain(t, "Reflective supervision received",
			"An assigned reflective supervisor", "Early Childhood Mental Health Mentor (ECMH Endorsement)")
	})

	t.Run("RemoveKind", func(t *testing.T) {
		ctx := env.scoped("illinois")
		k, err := env.app.Credentials.AddKind(ctx, reqID, credentials.KindInput{Name: "Unused kind", ValidMonths: "0"})
		if err != nil {
			t.Fatal(err)
		}
		admin.post(base+"/"+reqID+"/kinds/"+k.ID+"/delete", url.Values{}).mustStatus(t, 303)
		if env.count("credential_kinds", "id = ?", k.ID) != 0 || env.count("audit_events", "action = ?", "credential_kind.delete") != 1 {
			t.Fatal("the kind was not removed with an audit event")
		}
		// A kind a credential is of stays.
		maria := env.profileOf("illinois", demo.SharedConsultantEmail)
		used := env.kindID("illinois", "Infant Family Specialist")
		if _, err := env.app.Credentials.CreateCredential(env.as("illinois", maria.UserID, authz.Consultant),
			credentials.CredentialInput{KindID: used, IssuedOn: "2025-02-01"}, credentials.Upload{Name: "ifs.pdf", Body: bytes.NewReader(testPDF)}, time.Now()); err != nil {
			t.Fatal(err)
		}
		admin.post(base+"/"+reqID+"/kinds/"+used+"/delete", url.Values{}).mustStatus(t, 409).mustContain(t, "cannot be removed")
		// A kind of another requirement is not found under this one.
		admin.post(base+"/"+env.requirementID("illinois", "ECMH credential")+"/kinds/"+used+"/delete", url.Values{}).mustStatus(t, 404)
	})

	t.Run("Roles", func(t *testing.T) {
		env.signedIn(t, "supervisor@illinois.example").get(base).mustStatus(t, 403)
		env.signedIn(t, demo.SharedConsultantEmail).get("/t/illinois/staffing").mustStatus(t, 403)
		env.signedIn(t, "program@illinois.example").get("/t/illinois/credentials").mustStatus(t, 403)
	})
}

func TestCredentialsFlow(t *testing.T) {
	env := newTestEnv(t)
	ctx := env.scoped("illinois")
	if _, err := env.app.Credentials.AddBuiltin(ctx, credentials.BuiltinNC); err != nil {
		t.Fatal(err)
	}
	maria := env.profileOf("illinois", demo.SharedConsultantEmail)
	degree := env.kindID("illinois", "Bachelor’s degree in a related field")
	endorsement := env.kindID("illinois", "Infant Family Specialist (IMH Endorsement)")

	con := env.signedIn(t, demo.SharedConsultantEmail)
	con.get("/t/illinois/credentials").mustStatus(t, 200).mustContain(t, "Your credentials", "Add a credential",
		`<optgroup label="IMH or ECMH Endorsement">`, "Infant Family Specialist (IMH Endorsement) (1 year)",
		"Your staffing requirements", "Reflective supervision received", "Supervised by Helen Okafor",
		"Bachelor’s degree in a related field", "Lacking", "the hire date is not set yet")

	t.Run("BadInputNamesFieldsAndWritesNothing", func(t *testing.T) {
		before := env.count("consultant_credentials", "1 = 1")
		con.postMultipart("/t/illinois/credentials", url.Values{"kind_id": {"not-a-kind"}, "issued_on": {"2999-01-01"},
			"number": {"kept-123"}}, "notes.pdf", []byte("plain text, not a PDF")).mustStatus(t, 422).
			mustContain(t, "Choose a credential from the list.", "The issue date cannot be in the future.",
				"Upload a PDF, PNG, JPEG or Word (DOCX) file", `value="kept-123"`)
		con.postMultipart("/t/illinois/credentials", url.Values{"kind_id": {degree}, "issued_on": {"2020-05-01"},
			"expires_on": {"2019-01-01"}}, "", nil).mustStatus(t, 422).
			mustContain(t, "The expiry date must be after the issue date.", "Choose a file to upload.")
		if env.count("consultant_credentials", "1 = 1") != before {
			t.Fatal("a bad form wrote a credential")
		}
	})

	var degreeID, endorsementID string
	t.Run("Add", func(t *testing.T) {
		con.postMultipart("/t/illinois/credentials", url.Values{"kind_id": {degree}, "issued_on": {"2012-05-20"},
			"issuer": {"University of Illinois"}}, "diploma.pdf", testPDF).mustStatus(t, 303)
		con.postMultipart("/t/illinois/credentials", url.Values{"kind_id": {endorsement}, "issued_on": {"2025-03-01"},
			"number": {"IFS-4411"}}, "endorsement.pdf", testPDF).mustStatus(t, 303)
		list, err := env.app.Credentials.Store().CredentialsOf(ctx, []string{maria.ID})
		if err != nil || len(list) != 2 {
			t.Fatalf("credentials: %d %v", len(list), err)
		}
		for _, c := range list {
			if c.Status != credentials.StatusSubmitted || c.EvidenceKey == "" {
				t.Fatalf("stored %+v", c)
			}
			switch c.KindID {
			case degree:
				degreeID = c.ID
				if c.ExpiresOn != "" || c.Issuer != "University of Illinois" {
					t.Fatalf("degree: %+v", c)
				}
			case endorsement:
				endorsementID = c.ID
				// The kind's 12 months from the issue date, and its usual issuer.
				if c.ExpiresOn != "2026-03-01" || !strings.Contains(c.Issuer, "North Carolina Infant") {
					t.Fatalf("endorsement: %+v", c)
				}
			}
		}
		if env.count("audit_events", "action = ?", "credential.create") < 2 {
			t.Fatal("no audit events for the new credentials")
		}
		con.get("/t/illinois/credentials").mustStatus(t, 200).mustContain(t, "Waiting for verification", "diploma.pdf",
			"1 credential is waiting for verification")
		r := con.get("/t/illinois/credentials/"+degreeID+"/evidence").mustStatus(t, 200)
		if r.body != string(testPDF) || r.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("evidence: %q %s", r.body, r.header.Get("Content-Type"))
		}
	})

	t.Run("NoProfile", func(t *testing.T) {
		u, err := env.app.Accounts.CreateUser(ctx, "no.profile@consult.example", "Sam Ortiz", demo.Password, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.app.Tenants.AddMember(ctx, u.ID, authz.Consultant, ""); err != nil {
			t.Fatal(err)
		}
		sam := env.signedIn(t, "no.profile@consult.example")
		sam.get("/t/illinois/credentials").mustStatus(t, 200).mustContain(t, "Start your consultant profile first", `href="/t/illinois/profile"`)
		sam.postMultipart("/t/illinois/credentials", url.Values{"kind_id": {degree}, "issued_on": {"2012-05-20"}}, "d.pdf", testPDF).
			mustStatus(t, 409).mustContain(t, "Save your consultant profile before adding credentials.")
		// Another consultant's credential is not found.
		sam.get("/t/illinois/credentials/"+degreeID+"/evidence").mustStatus(t, 404)
		sam.get("/t/illinois/credentials/"+degreeID+"/edit").mustStatus(t, 404)
		sam.post("/t/illinois/credentials/"+degreeID+"/delete", url.Values{}).mustStatus(t, 404)
	})

	admin := env.signedIn(t, "admin@illinois.example")
	page := "/t/illinois/staffing/" + maria.ID
	t.Run("StaffingViews", func(t *testing.T) {
		admin.get("/t/illinois/staffing").mustStatus(t, 200).mustContain(t, "Maria Alvarez", "2 credentials to verify",
			"1 lacks at least one required requirement", "recommended")
		admin.get(page).mustStatus(t, 200).mustContain(t, "Maria Alvarez", "Heartland Infant Mental Health Consultants",
			"Home visiting", "Attachment", "University of Illinois", "IFS-4411", "Verify", "Return it to the consultant")
		admin.get(page+"/credentials/"+degreeID+"/evidence").mustStatus(t, 200)
		// The admin is sent from the consultant's edit page to the staffing page.
		r := admin.get("/t/illinois/credentials/"+degreeID+"/edit").mustStatus(t, 303)
		if loc := r.header.Get("Location"); loc != page {
			t.Fatalf("redirected to %q", loc)
		}
		admin.post("/t/illinois/credentials/"+degreeID+"/delete", url.Values{}).mustStatus(t, 403)
		// Filters: by requirement and "lacking something" (htmx gets the table alone).
		req := env.requirementID("illinois", "Bachelor’s degree in a related field")
		admin.get("/t/illinois/staffing?lacking=1&requirement="+req).mustStatus(t, 200).mustContain(t, "Maria Alvarez", "only those lacking something")
		frag := admin.get("/t/illinois/staffing?lacking=1&requirement="+req, "HX-Request", "true").mustStatus(t, 200)
		if strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `id="staffing-table"`) {
			t.Fatal("the htmx answer is not the table alone")
		}
	})

	t.Run("HireDate", func(t *testing.T) {
		admin.post(page+"/hired", url.Values{"hired_on": {"next week"}}).mustStatus(t, 422).mustContain(t, "Enter the hire date as mm/dd/yyyy, for example 11/26/2026, or leave it empty.")
		today, err := env.app.Credentials.Today(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		hired := credentials.AddDays(today, -400)
		admin.post(page+"/hired", url.Values{"hired_on": {hired}}).mustStatus(t, 303)
		if env.count("audit_events", "action = ? AND record_id = ?", "consultant_profile.hired", maria.ID) != 1 {
			t.Fatal("no audit event for the hire date")
		}
		// The endorsement is recommended, due one year after hire: overdue, not counted.
		admin.get(page).mustStatus(t, 200).mustContain(t, "Overdue since "+credentials.AddDays(hired, 365), "Recommended, not required.")
	})

	t.Run("VerifyAndReturnAudited", func(t *testing.T) {
		admin.post(page+"/credentials/"+degreeID+"/verify", url.Values{}).mustStatus(t, 303)
		if env.count("audit_events", "action = ? AND record_id = ?", "credential.verify", degreeID) != 1 {
			t.Fatal("no credential.verify event")
		}
		if m := env.lastEmailTo(demo.SharedConsultantEmail); !strings.Contains(m.Subject, "verified") {
			t.Fatalf("email: %q", m.Subject)
		}
		admin.post(page+"/credentials/"+degreeID+"/verify", url.Values{}).mustStatus(t, 409)
		admin.post(page+"/credentials/"+endorsementID+"/return", url.Values{"note": {"  "}}).mustStatus(t, 422).
			mustContain(t, "Say what the consultant should change or add.")
		admin.post(page+"/credentials/"+endorsementID+"/return", url.Values{"note": {"The certificate is cut off; upload all of it."}}).mustStatus(t, 303)
		if env.count("audit_events", "action = ? AND record_id = ?", "credential.return", endorsementID) != 1 {
			t.Fatal("no credential.return event")
		}
		if m := env.lastEmailTo(demo.SharedConsultantEmail); !strings.Contains(m.Body, "cut off") {
			t.Fatalf("email: %q", m.Body)
		}
		con.get("/t/illinois/credentials").mustStatus(t, 200).mustContain(t, "Verified", "Returned for changes", "cut off")
		// Maria meets the degree now, and the staffing page counts it.
		admin.get("/t/illinois/staffing?requirement="+env.requirementID("illinois", "Bachelor’s degree in a related field")).
			mustStatus(t, 200).mustContain(t, "Met")
	})

	t.Run("ConsultantChangesOnlyWhatIsNotVerified", func(t *testing.T) {
		con.get("/t/illinois/credentials/"+degreeID+"/edit").mustStatus(t, 409)
		con.postMultipart("/t/illinois/credentials/"+degreeID+"/edit", url.Values{"kind_id": {degree}, "issued_on": {"2012-05-20"}}, "", nil).mustStatus(t, 409)
		con.post("/t/illinois/credentials/"+degreeID+"/delete", url.Values{}).mustStatus(t, 409)
		// The returned one: a new file and a fix send it back for verification.
		con.get("/t/illinois/credentials/"+endorsementID+"/edit").mustStatus(t, 200).mustContain(t, "cut off", `value="IFS-4411"`)
		con.postMultipart("/t/illinois/credentials/"+endorsementID+"/edit", url.Values{"kind_id": {endorsement},
			"issued_on": {"2025-03-01"}, "expires_on": {"2027-03-01"}, "number": {"IFS-4411"}}, "whole.pdf", testPDF).mustStatus(t, 303)
		c, err := env.app.Credentials.Store().Credential(ctx, endorsementID)
		if err != nil || c.Status != credentials.StatusSubmitted || c.ReviewNote != "" || c.EvidenceName != "whole.pdf" || c.ExpiresOn != "2027-03-01" {
			t.Fatalf("after the change: %+v %v", c, err)
		}
		if env.count("audit_events", "action = ? AND record_id = ?", "credential.update", endorsementID) != 1 {
			t.Fatal("no credential.update event")
		}
	})

	t.Run("SupervisorSeesOnlySupervisees", func(t *testing.T) {
		helen := env.signedIn(t, "supervisor@illinois.example")
		helen.get("/t/illinois/staffing").mustStatus(t, 200).mustContain(t, "The consultants you supervise", "Maria Alvarez")
		helen.get(page).mustStatus(t, 200).mustContain(t, "Maria Alvarez", "University of Illinois")
		if strings.Contains(helen.get(page).body, "/verify") {
			t.Fatal("a supervisor is offered Verify")
		}
		helen.get(page+"/credentials/"+degreeID+"/evidence").mustStatus(t, 200)
		helen.get("/t/illinois/credentials/"+degreeID+"/evidence").mustStatus(t, 200)
		helen.post(page+"/credentials/"+endorsementID+"/verify", url.Values{}).mustStatus(t, 403)

		u, err := env.app.Accounts.CreateUser(ctx, "grace@illinois.example", "Grace Kim", demo.Password, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.app.Tenants.AddMember(ctx, u.ID, authz.Supervisor, ""); err != nil {
			t.Fatal(err)
		}
		grace := env.signedIn(t, "grace@illinois.example")
		r := grace.get("/t/illinois/staffing").mustStatus(t, 200).mustContain(t, "No consultants are assigned to you yet.")
		if strings.Contains(r.body, "Maria Alvarez") {
			t.Fatal("another supervisor sees Maria")
		}
		grace.get(page).mustStatus(t, 404)
		grace.get(page+"/credentials/"+degreeID+"/evidence").mustStatus(t, 404)
		grace.get("/t/illinois/credentials/"+degreeID+"/evidence").mustStatus(t, 404)
	})

	t.Run("CredentialUnderAnotherProfile", func(t *testing.T) {
		other := "01900000-0000-7000-8000-000000000000"
		admin.post("/t/illinois/staffing/"+other+"/credentials/"+degreeID+"/return", url.Values{"note": {"x"}}).mustStatus(t, 404)
		admin.get("/t/illinois/staffing/"+other+"/credentials/"+degreeID+"/evidence").mustStatus(t, 404)
	})
}

func (e *testEnv) requirementID(slug, name string) string {
	e.t.Helper()
	reqs, err := e.app.Credentials.Store().Requirements(e.scoped(slug))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range reqs {
		if r.Name == name {
			return r.ID
		}
	}
	e.t.Fatalf("no requirement %q in %s", name, slug)
	return ""
}

// TestStaffingReminders runs the reminders task on fixed days against the demo data: Daniel's
// ECMH credential in Ohio expires 40 days after the seed; Maria's endorsement in North
// Carolina is due 365 days after her hire, 210 days before the seed.
func TestStaffingReminders(t *testing.T) {
	env := newTestEnv(t)
	svc := env.app.Credentials
	ohio := env.scoped("ohio")
	today, err := svc.Today(ohio, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	day0, _ := time.Parse(time.DateOnly, today)
	at := func(days int) time.Time { return day0.AddDate(0, 0, days).Add(15 * time.Hour) } // 15:00 UTC: the same day in the US
	emails := func(to string) int { return env.count("emails", "to_addr = ? AND subject LIKE ?", to, "Reminder:%") }
	run := func(days int) int {
		t.Helper()
		n, err := svc.RemindAll(context.Background(), at(days))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	daniel, patricia := "consultant@ohio.example", "supervisor@ohio.example"

	// 40 days ahead: the 60-day reminder, to Daniel and his supervisor; Level I (replaced by
	// the later Level II) and Level II (a year away) get none.
	if n := run(0); n != 2 {
		t.Fatalf("first run sent %d emails, want 2", n)
	}
	if emails(daniel) != 1 || emails(patricia) != 1 {
		t.Fatalf("emails: Daniel %d, Patricia %d", emails(daniel), emails(patricia))
	}
	m := env.lastEmailTo(daniel)
	if !strings.Contains(m.Subject, "ECMH") || !strings.Contains(m.Body, "in 40 days") || !strings.Contains(m.Body, "/t/ohio/credentials") {
		t.Fatalf("email: %q\n%s", m.Subject, m.Body)
	}
	if !strings.Contains(env.lastEmailTo(patricia).Body, "Daniel Kim") {
		t.Fatal("the supervisor's email does not name the consultant")
	}
	// Twice the same day, or the next: nothing more.
	if n := run(0) + run(1); n != 0 {
		t.Fatalf("the second run sent %d emails", n)
	}
	// 25 days ahead: the 30-day one; 4 days ahead: the 7-day one; once each.
	if n := run(15) + run(15); n != 2 {
		t.Fatalf("30-day reminders: %d emails, want 2", n)
	}
	if n := run(36) + run(37); n != 2 {
		t.Fatalf("7-day reminders: %d emails, want 2", n)
	}
	// Past the expiry: nothing.
	if n := run(41); n != 0 {
		t.Fatalf("after the expiry: %d emails", n)
	}
	if emails(daniel) != 3 || env.count("staffing_reminders", "subject LIKE ?", "credential:%") != 3 {
		t.Fatalf("Daniel got %d reminders, %d recorded", emails(daniel), env.count("staffing_reminders", "subject LIKE ?", "credential:%"))
	}
	if env.count("audit_events", "action = ?", "staffing.reminder") != 3 {
		t.Fatal("reminders not audited")
	}

	// Renewed: a new expiry is a new due date, reminded again. First seen 5 days out, it
	// gets one email (for the 7-day threshold), with every threshold recorded.
	dk := env.profileOf("ohio", daniel)
	cred := ""
	list, err := svc.Store().CredentialsOf(ohio, []string{dk.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if strings.Contains(c.KindName, "ECMH") {
			cred = c.ID
		}
	}
	renewed := credentials.AddDays(today, 50)
	if _, err := env.raw().NewUpdate().Table("consultant_credentials").Set("expires_on = ?", renewed).Where("id = ?", cred).
		Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := emails(daniel)
	if n := run(45); n != 2 {
		t.Fatalf("renewed, 5 days out: %d emails, want 2 (one each)", n)
	}
	if emails(daniel) != before+1 || env.count("staffing_reminders", "subject = ? AND due_on = ?", "credential:"+cred, renewed) != 3 {
		t.Fatal("the renewed expiry was not reminded once with its three thresholds recorded")
	}
	if n := run(46); n != 0 {
		t.Fatalf("renewed, next day: %d emails", n)
	}

	// Maria's endorsement in North Carolina, due 155 days after the seed: nothing until 60
	// days before, then a reminder about the requirement, to her and her supervisor.
	maria := env.profileOf("nc-piedmont", demo.SharedConsultantEmail)
	due := credentials.AddDays(maria.HiredOn, 365)
	if due != credentials.AddDays(today, 155) {
		t.Fatalf("Maria's endorsement is due %s", due)
	}
	mariaBefore := emails(demo.SharedConsultantEmail)
	if n := run(90); n != 0 { // 65 days before
		t.Fatalf("65 days before: %d emails", n)
	}
	if n := run(100); n != 2 {
		t.Fatalf("55 days before: %d emails, want 2", n)
	}
	if emails(demo.SharedConsultantEmail) != mariaBefore+1 || !strings.Contains(env.lastEmailTo(demo.SharedConsultantEmail).Body, "IMH or ECMH Endorsement") {
		t.Fatal("no reminder of the endorsement deadline")
	}
	if emails("supervisor@nc-piedmont.example") != 1 {
		t.Fatal("the NC supervisor got no reminder")
	}
}

// TestCredentialsDemoSeedTwice: seeding again changes nothing.
func TestCredentialsDemoSeedTwice(t *testing.T) {
	env := newTestEnv(t)
	tables := []string{"staffing_requirements", "credential_kinds", "consultant_credentials"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = env.count(tb, "1 = 1")
	}
	if before["consultant_credentials"] != 6 {
		t.Fatalf("the demo has %d credentials, want 6", before["consultant_credentials"])
	}
	if err := demo.Seed(context.Background(), env.app.DB, env.app.Accounts, env.app.Tenants); err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if n := env.count(tb, "1 = 1"); n != before[tb] {
			t.Fatalf("%s: %d → %d rows", tb, before[tb], n)
		}
	}
	admin := env.signedIn(t, "admin@ohio.example")
	admin.get("/t/ohio/staffing").mustStatus(t, 200).mustContain(t, "Daniel Kim", "Met, expiring on", "1 credential is waiting for verification")
}

// TestCredentialsTaskRegistered: the reminders run daily through the worker.
func TestCredentialsTaskRegistered(t *testing.T) {
	env := newTestEnv(t)
	mux, periodic := env.app.Jobs()
	found := false
	for _, typ := range mux.Types() {
		found = found || typ == credentials.TaskRemind
	}
	scheduled := false
	for _, p := range periodic {
		scheduled = scheduled || p.Type == credentials.TaskRemind
	}
	if !found || !scheduled {
		t.Fatalf("%s registered %v, scheduled %v", credentials.TaskRemind, found, scheduled)
	}
}
