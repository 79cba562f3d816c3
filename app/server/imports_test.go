package server

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/imports"
	"github.com/holdspace/holdspace/app/tenants"
)

// importFixtures are a demo tenant's real import (the path parameter of the imports pages).
func (e *testEnv) importFixtures(slug string) fixtures {
	e.t.Helper()
	ctx := e.scoped(slug)
	imp, err := e.app.Imports.Upload(ctx, imports.KindPeople, "people.csv",
		[]byte("email,name,role,organisation\nfixture."+slug+"@example.org,,consultant,\n"))
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.Imports.Validate(ctx, imp.ID); err != nil {
		e.t.Fatal(err)
	}
	return fixtures{"importID": imp.ID}
}

// uploadCSV posts a file to the upload form, as a browser does (multipart, with the CSRF
// token in the form).
func (c *client) uploadCSV(path, kind, name string, content []byte) *resp {
	c.t.Helper()
	c.refreshCSRF() // the token changes at sign-in
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.csrf) //nolint:errcheck
	w.WriteField("kind", kind)    //nolint:errcheck
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

// importCounts counts the rows an import writes, in every tenant.
func importCounts(t *testing.T, env *testEnv) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"organisations", "fundings", "budget_lines", "invitations", "imports"} {
		n, err := env.raw().NewSelect().Table(table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out[table] = int(n)
	}
	return out
}

var importPath = regexp.MustCompile(`^/t/illinois/imports/([0-9a-f-]{36})$`)

// uploaded returns the id of the import a successful upload redirected to.
func uploaded(t *testing.T, r *resp) string {
	t.Helper()
	r.mustStatus(t, http.StatusSeeOther)
	m := importPath.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("redirected to %q, want an import's page", r.header.Get("Location"))
	}
	return m[1]
}

const programsHeader = "program_name,program_kind,county,languages,funder,fiscal_year,iecmhc_funded,budget_category,budget_amount\n"

func TestImportProgramsEndToEnd(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	ctx := env.scoped("illinois")
	fy := tenants.FiscalYear(time.Now(), 7)

	admin.get("/t/illinois/imports").mustStatus(t, http.StatusOK).
		mustContain(t, "Imports", "Upload a file", "budget_amount", "/t/illinois/imports/template/programs", "No imports yet.")

	t.Run("Templates", func(t *testing.T) {
		r := admin.get("/t/illinois/imports/template/programs").mustStatus(t, http.StatusOK).
			mustContain(t, strings.TrimSuffix(programsHeader, "\n"), "Home visiting", "DFSS")
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("got Content-Type %q", ct)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
			t.Errorf("got Content-Disposition %q", cd)
		}
		if lines := strings.Split(strings.TrimSpace(r.body), "\n"); len(lines) != 2 {
			t.Errorf("got %d lines, want the header and one example", len(lines))
		}
		admin.get("/t/illinois/imports/template/people").mustStatus(t, http.StatusOK).mustContain(t, "email,name,role,organisation")
		admin.get("/t/illinois/imports/template/budgets").mustStatus(t, http.StatusNotFound)
	})

	before := importCounts(t, env)
	csv := programsHeader +
		fmt.Sprintf("Lakeview Family Doulas,Doula,Cook,English; Spanish,IDHS-DEC,%d,yes,Personnel,\"60,000.00\"\n", fy) +
		fmt.Sprintf("Lakeview Family Doulas,,,,IDHS-DEC,%d,,I/ECMH consultation,$12500\n", fy) +
		fmt.Sprintf("Rockford Home Visiting Partnership,home_visiting,Winnebago,English,ISBE Prevention Initiative,FY %d-%02d,no,Personnel,48000\n", fy-1, fy%100) +
		fmt.Sprintf("Prairie Families Home Visiting,,,,DFSS,%d,no,Training,2500.50\n", fy)
	id := uploaded(t, admin.uploadCSV("/t/illinois/imports", imports.KindPrograms, "programs.csv", []byte("\xEF\xBB\xBF"+csv)))
	page := "/t/illinois/imports/" + id

	// The one progress partial (views/runs/_progress.html), as a report run's page shows it.
	admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "programs.csv", "Checking every row of the file (4 rows)…",
		`<progress id="import-progress" class="width-full"></progress>`, "This page updates by itself every few seconds.",
		`<a href="`+page+`">Check again</a>`, `hx-trigger="every 1s"`)
	frag := admin.get(page, "HX-Request", "true").mustStatus(t, http.StatusOK).mustContain(t, `id="import"`, `hx-trigger="every 1s"`)
	if strings.Contains(frag.body, "<html") {
		t.Fatal("the polling request got the whole page, want the fragment")
	}
	admin.post(page+"/confirm", nil).mustStatus(t, http.StatusConflict).mustContain(t, "still being checked")

	// The imports:validate task.
	if err := env.app.Imports.Validate(ctx, id); err != nil {
		t.Fatal(err)
	}
	r := admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Every row is correct", "Import 4 rows", "Preview",
		"Lakeview Family Doulas", "$60,000.00", "$12,500.00", "Doula", "Home visiting", tenants.FiscalYearLabel(fy, 7))
	if strings.Contains(r.body, "hx-trigger") {
		t.Fatal("the page still polls once the check is done")
	}
	if n := importCounts(t, env); n["organisations"] != before["organisations"] || n["fundings"] != before["fundings"] {
		t.Fatal("the check wrote records")
	}

	admin.post(page+"/confirm", nil).mustStatus(t, http.StatusSeeOther)
	admin.post(page+"/confirm", nil).mustStatus(t, http.StatusSeeOther) // twice: nothing more
	admin.get(page, "HX-Request", "true").mustStatus(t, http.StatusOK).mustContain(t, "Importing: 0 of 4 rows done (0%)",
		`<progress id="import-progress" class="width-full" max="4" value="0">0%</progress>`, `hx-trigger="every 1s"`)

	// The imports:run task, as the worker runs it: the tenant and the person who confirmed.
	u, err := env.app.Accounts.UserByEmail(context.Background(), "admin@illinois.example")
	if err != nil {
		t.Fatal(err)
	}
	task := database.WithScope(context.Background(), database.Scope{TenantID: env.tenantID("illinois")})
	if err := env.app.Imports.Run(task, id, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := env.app.Imports.Run(task, id, u.ID); err != nil { // delivered twice
		t.Fatal(err)
	}
	r = admin.get(page, "HX-Request", "true").mustStatus(t, http.StatusOK).mustContain(t, "Imported", "All 4 rows written")
	if strings.Contains(r.body, "hx-trigger") {
		t.Fatal("the progress fragment still polls once the import is done")
	}
	after := importCounts(t, env)
	if after["organisations"] != before["organisations"]+2 || after["fundings"] != before["fundings"]+3 ||
		after["budget_lines"] != before["budget_lines"]+4 || after["imports"] != before["imports"]+1 {
		t.Fatalf("before %v, after %v: want 2 programs, 3 fundings, 4 budget lines and the import", before, after)
	}
	var lines []imports.BudgetLine
	if err := env.raw().NewSelect().Model(&lines).Join("JOIN fundings AS f ON f.tenant_id = bl.tenant_id AND f.id = bl.funding_id").
		Join("JOIN organisations AS o ON o.tenant_id = f.tenant_id AND o.id = f.program_id").
		Where("o.name = ?", "Prairie Families Home Visiting").Where("bl.category = ?", "Training").Scan(context.Background()); err != nil || len(lines) != 1 {
		t.Fatalf("got %v (%v), want the Training line on the existing program", lines, err)
	}
	if lines[0].AmountCents != 250050 {
		t.Errorf("got %d cents, want 250050", lines[0].AmountCents)
	}
	admin.get("/t/illinois/audit?action=import.").mustStatus(t, http.StatusOK).
		mustContain(t, "import.upload", "import.run", "2 programs created, 1 existing programs given fundings; 3 fundings and 4 budget lines written")
	admin.get("/t/illinois/imports").mustStatus(t, http.StatusOK).mustContain(t, "programs.csv", "Imported")
}

func TestImportBadInput(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	ctx := env.scoped("illinois")
	fy := tenants.FiscalYear(time.Now(), 7)
	row := fmt.Sprintf("Lakeview Family Doulas,Doula,Cook,English,IDHS-DEC,%d,yes,Personnel,100\n", fy)

	// Refused at the upload: the form comes back with the message on the file field, and
	// nothing is stored.
	var many strings.Builder
	many.WriteString(programsHeader)
	for i := 0; i < imports.MaxRows+1; i++ {
		many.WriteString(row)
	}
	huge := bytes.Repeat([]byte(row), imports.MaxFileBytes/len(row)+10)
	refused := []struct {
		name    string
		content []byte
		want    []string
	}{
		{"ErrWrongColumns", []byte(strings.Replace(programsHeader, "county", "colour", 1) + row), []string{"Missing column: county.", "Unknown column: colour."}},
		{"ErrLatin1", []byte(programsHeader + "Caf\xe9 Familias,Doula,Cook,English,IDHS-DEC,2026,yes,Personnel,100\n"), []string{"The file is not UTF-8 text: save it as CSV UTF-8"}},
		{"ErrUTF16", append([]byte{0xFF, 0xFE}, []byte("p\x00r\x00")...), []string{"The file is not UTF-8 text: save it as CSV UTF-8"}},
		{"ErrTooManyRows", []byte(many.String()), []string{"The file has 10,001 rows of data; the limit is 10,000"}},
		{"ErrTooLarge", append([]byte(programsHeader), huge...), []string{"the limit is 5 MB"}},
		{"ErrEmpty", []byte{}, []string{"The file is empty"}},
		{"ErrHeaderOnly", []byte(programsHeader), []string{"no rows of data"}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			admin.t = t
			before := importCounts(t, env)
			r := admin.uploadCSV("/t/illinois/imports", imports.KindPrograms, "bad.csv", tc.content).
				mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, tc.want...).
				mustContain(t, `id="import-file-error"`, `aria-invalid="true"`, `value="programs" checked`)
			_ = r
			if after := importCounts(t, env); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("before %v, after %v: something was written", before, after)
			}
		})
	}
	t.Run("ErrNoFile", func(t *testing.T) {
		admin.t = t
		admin.uploadCSV("/t/illinois/imports", imports.KindPeople, "", nil).
			mustStatus(t, http.StatusUnprocessableEntity).mustContain(t, "Choose a CSV file to upload.", `value="people" checked`)
	})

	// Found by the check: every bad row and field is named, no confirm button, nothing
	// written.
	checked := []struct {
		name, row, want string
	}{
		{"ErrAmount", fmt.Sprintf("Lakeview Family Doulas,Doula,Cook,English,IDHS-DEC,%d,yes,Personnel,12.345\n", fy),
			"Row 3, budget_amount: “12.345” is not an amount of money"},
		{"ErrUnknownFunder", fmt.Sprintf("Lakeview Family Doulas,Doula,Cook,English,Gates Foundation,%d,yes,Personnel,100\n", fy),
			"Row 3, funder: “Gates Foundation” is not a funder of this agency"},
		{"ErrUnknownProgramKind", fmt.Sprintf("Lakeview Family Doulas,Therapy clinic,Cook,English,IDHS-DEC,%d,yes,Personnel,100\n", fy),
			"Row 3, program_kind: “Therapy clinic” is not a kind of program"},
	}
	for _, tc := range checked {
		t.Run(tc.name, func(t *testing.T) {
			admin.t = t
			before := importCounts(t, env)
			good := fmt.Sprintf("Rockford Home Visiting Partnership,Home visiting,Winnebago,English,ISBE PI,%d,no,Personnel,100\n", fy)
			id := uploaded(t, admin.uploadCSV("/t/illinois/imports", imports.KindPrograms, "bad.csv", []byte(programsHeader+good+tc.row)))
			if err := env.app.Imports.Validate(ctx, id); err != nil {
				t.Fatal(err)
			}
			page := "/t/illinois/imports/" + id
			r := admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "The file has 1 problem", "Nothing has been written", tc.want,
				"Rockford Home Visiting Partnership")
			if strings.Contains(r.body, "/confirm") {
				t.Fatal("a file with problems offers the import button")
			}
			// The problems file is a report run: asked for, built by the worker, downloaded
			// (audited) from the run's page.
			r.mustContain(t, `action="`+page+`/problems"`, "Download the problems (CSV)")
			admin.get(page+"/problems").mustStatus(t, http.StatusNotFound) // the old download is gone
			runPage := admin.post(page+"/problems", nil).mustStatus(t, http.StatusSeeOther).header.Get("Location")
			if !strings.HasPrefix(runPage, "/t/illinois/runs/") {
				t.Fatalf("asking for the problems file went to %q, want the run's page", runPage)
			}
			if again := admin.post(page+"/problems", nil).mustStatus(t, http.StatusSeeOther).header.Get("Location"); again != runPage {
				t.Fatalf("asked again while it waits: went to %q, want %q", again, runPage)
			}
			runID := strings.TrimPrefix(runPage, "/t/illinois/runs/")
			admin.get(runPage).mustStatus(t, http.StatusOK).mustContain(t, "Problems found in an imported file", "Waiting to be built", "Back to the import")
			task := database.WithScope(context.Background(), database.Scope{TenantID: env.tenantID("illinois")})
			if err := env.app.Runs.Build(task, runID); err != nil {
				t.Fatal(err)
			}
			admin.get(runPage).mustStatus(t, http.StatusOK).mustContain(t, "Ready to download", "bad-problems.csv", `href="`+runPage+`/download"`)
			file := admin.get(runPage+"/download").mustStatus(t, http.StatusOK)
			if lines := strings.Split(strings.TrimSpace(file.body), "\n"); len(lines) != 2 || lines[0] != "row,column,problem" || !strings.HasPrefix(lines[1], "3,") {
				t.Fatalf("the problems file:\n%s\nwant the header and row 3's problem", file.body)
			}
			if cd := file.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="bad-problems.csv"`) {
				t.Errorf("got Content-Disposition %q", cd)
			}
			admin.get("/t/illinois/audit?action=run.download").mustStatus(t, http.StatusOK).mustContain(t, "Problems found in an imported file: bad-problems.csv")
			// Ready: asking again goes to the same file.
			if again := admin.post(page+"/problems", nil).mustStatus(t, http.StatusSeeOther).header.Get("Location"); again != runPage {
				t.Fatalf("asked again once ready: went to %q, want %q", again, runPage)
			}
			admin.post(page+"/confirm", nil).mustStatus(t, http.StatusConflict).mustContain(t, "This file has problems")
			after := importCounts(t, env)
			after["imports"]-- // the upload itself, with its problems
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("before %v, after %v: something was written", before, after)
			}
		})
	}

	t.Run("OnlyTenantAdmins", func(t *testing.T) {
		funder := env.client(t)
		funder.signIn("funder@illinois.example")
		funder.get("/t/illinois/imports").mustStatus(t, http.StatusForbidden)
		funder.get("/t/illinois/exports").mustStatus(t, http.StatusForbidden)
	})
}

func TestImportPeopleSendsInvitations(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	ctx := env.scoped("illinois")
	csv := "email,name,role,organisation\n" +
		"kim.reyes@example.org,Kim Reyes,Funder,DFSS\n" +
		"lee.park@example.org,Lee Park,consultant,\n"
	id := uploaded(t, admin.uploadCSV("/t/illinois/imports", imports.KindPeople, "people.csv", []byte(csv)))
	if err := env.app.Imports.Validate(ctx, id); err != nil {
		t.Fatal(err)
	}
	page := "/t/illinois/imports/" + id
	admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Import 2 rows", "kim.reyes@example.org", "Funder", "DFSS")
	admin.post(page+"/confirm", nil).mustStatus(t, http.StatusSeeOther)
	if err := env.app.Imports.Run(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Imported", "The invitations are on their way")
	for _, to := range []string{"kim.reyes@example.org", "lee.park@example.org"} {
		if m := env.lastEmailTo(to); !strings.Contains(m.Body, "/t/illinois/invitations/") {
			t.Fatalf("the email to %s has no invitation link:\n%s", to, m.Body)
		}
	}
	admin.get("/t/illinois/people").mustStatus(t, http.StatusOK).mustContain(t, "kim.reyes@example.org", "lee.park@example.org")

	t.Run("ErrAlreadyAMember", func(t *testing.T) {
		admin.t = t
		before := importCounts(t, env)
		id := uploaded(t, admin.uploadCSV("/t/illinois/imports", imports.KindPeople, "people.csv",
			[]byte("email,name,role,organisation\nfunder@illinois.example,,consultant,\n")))
		if err := env.app.Imports.Validate(ctx, id); err != nil {
			t.Fatal(err)
		}
		admin.get("/t/illinois/imports/"+id).mustStatus(t, http.StatusOK).
			mustContain(t, "Row 2, email: funder@illinois.example is already a member (Funder).")
		if after := importCounts(t, env); after["invitations"] != before["invitations"] {
			t.Fatal("an invitation was sent")
		}
	})
}
