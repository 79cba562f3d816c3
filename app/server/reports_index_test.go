package server

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/runs"
)

// ownKind is a kind of run for the reports page's tests: its runs are seen by the person who
// asked for them only.
const ownKind = "server_test_own"

func (e *testEnv) registerOwnKind() {
	if _, ok := e.app.Runs.Kind(ownKind); ok {
		return
	}
	e.app.Runs.Register(runs.Kind{
		Name: ownKind, Label: "Own test file",
		Build: func(ctx context.Context, r *runs.Run, w io.Writer, _ func(done, total int)) (string, string, error) {
			_, err := io.WriteString(w, "hello,"+r.SubjectID+"\n")
			return r.SubjectID + ".csv", "text/csv; charset=utf-8", err
		},
		MaySee: func(ctx context.Context, r *runs.Run) (bool, error) {
			sc, err := database.ScopeFrom(ctx)
			return err == nil && sc.UserID != "" && sc.UserID == r.RequestedBy, err
		},
	})
}

// startOwn starts a run of ownKind asked for by the member email of tenant slug (in their
// role), and builds it when build.
func (e *testEnv) startOwn(slug, email, subject string, build bool) *runs.Run {
	e.t.Helper()
	e.registerOwnKind()
	m := e.member(slug, email)
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: e.tenantID(slug), TenantSlug: slug,
		UserID: m.UserID, Role: m.Role, OrganisationID: m.OrganisationID})
	r, err := e.app.Runs.Start(ctx, ownKind, subject, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if build {
		if err := e.app.Runs.Build(database.WithScope(context.Background(), database.Scope{TenantID: r.TenantID}), r.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	return r
}

func lacks(t *testing.T, r *resp, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.body, p) {
			t.Fatalf("the page contains %q, want it not to\n%s", p, truncateBody(r.body))
		}
	}
}

// TestReportsIndex: the reports page lists what each role may open, with a sentence each, and
// the files the person asked for (theirs only); program, consultant and supervisor people are
// refused it and have no "Reports" in their menu.
func TestReportsIndex(t *testing.T) {
	env := newTestEnv(t)
	const page = "/t/illinois/reports"
	menuLink := `href="/t/illinois/reports" aria-current="page"><span>Reports</span></a>`

	t.Run("TenantAdmin", func(t *testing.T) {
		admin := env.signedIn(t, "admin@illinois.example")
		admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "<h1>Reports</h1>", menuLink,
			`<a href="/t/illinois/reports/ncpc">NCPC report</a>`, "Child care facilities receiving technical assistance",
			`<a href="/t/illinois/reports/funders">Funder reports</a>`, "Per funder, on its own fiscal calendar",
			`<a href="/t/illinois/reports/child-outcomes">Child outcomes</a>`, "every count under 10 reads “fewer than 10”",
			`<a href="/t/illinois/reports/sessions">Sessions export</a>`, "Every session of a period, without notes or names",
			`<a href="/t/illinois/exports">Full export</a>`, "one CSV file per table in a zip",
			`<a href="/t/illinois/reports/ncpc/setup">NCPC setup</a>`, "Which fundings are the NCPC activity",
			"Your recent files", "You have not asked for any files yet.")

		// Their own files: an export asked for on the exports page (waiting), and a file built.
		admin.post("/t/illinois/exports", nil).mustStatus(t, http.StatusSeeOther)
		ready := env.startOwn("illinois", "admin@illinois.example", "admin-file", true)
		// Someone else's, even one the admin may open from its page, is not theirs.
		env.startOwn("illinois", "funder@illinois.example", "funder-file", true)
		env.startRun("illinois", "someone-elses", true)
		r := admin.get(page).mustStatus(t, http.StatusOK).mustContain(t,
			"Full export of the tenant&#39;s data", "Waiting to be built",
			`<a href="/t/illinois/runs/`+ready.ID+`">Own test file: admin-file.csv</a>`, "Ready", "17 bytes")
		lacks(t, r, "You have not asked", "funder-file", "someone-elses", "Server test report")
		if strings.Index(r.body, "admin-file.csv") > strings.Index(r.body, "Full export of the tenant") {
			t.Error("the files are not newest first")
		}
	})

	t.Run("Funder", func(t *testing.T) {
		funder := env.signedIn(t, "funder@illinois.example")
		r := funder.get(page).mustStatus(t, http.StatusOK).mustContain(t, menuLink,
			`<a href="/t/illinois/reports/ncpc">NCPC report</a>`, `<a href="/t/illinois/reports/funders">Funder reports</a>`,
			`<a href="/t/illinois/reports/child-outcomes">Child outcomes</a>`, `<a href="/t/illinois/reports/sessions">Sessions export</a>`,
			"Your recent files", "Own test file: funder-file.csv")
		lacks(t, r, "Full export", "/t/illinois/exports", "NCPC setup", "/reports/ncpc/setup", "admin-file", "Full export of the tenant")
	})

	t.Run("ErrOtherRoles", func(t *testing.T) {
		for _, email := range []string{"program@illinois.example", demo.SharedConsultantEmail, "supervisor@illinois.example"} {
			c := env.signedIn(t, email)
			r := c.get(page).mustStatus(t, http.StatusForbidden).mustContain(t, "does not include this page")
			lacks(t, r, `href="/t/illinois/reports"`)
			lacks(t, c.get("/t/illinois/").mustStatus(t, http.StatusOK), `<span>Reports</span>`)
		}
	})
}
