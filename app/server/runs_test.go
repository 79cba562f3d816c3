package server

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
)

// serverTestKind is a kind of run for the server's tests: a small CSV whose content names its
// subject. Tenant admins see every run of it; program people the runs whose subject is their
// organisation; nobody else.
const serverTestKind = "server_test_report"

func (e *testEnv) registerTestKind() {
	if _, ok := e.app.Runs.Kind(serverTestKind); ok {
		return
	}
	e.app.Runs.Register(runs.Kind{
		Name: serverTestKind, Label: "Server test report", Lifetime: 7 * 24 * time.Hour,
		Build: func(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
			progress(1, 2)
			if _, err := io.WriteString(w, "subject,words\n"+r.SubjectID+",hello from the report\n"); err != nil {
				return "", "", err
			}
			progress(2, 2)
			return "Report for " + r.SubjectID + ".csv", "text/csv; charset=utf-8", nil
		},
		Back: func(r *runs.Run) (string, string) { return "Back to the organisations", "organisations" },
		MaySee: func(ctx context.Context, r *runs.Run) (bool, error) {
			sc, err := database.ScopeFrom(ctx)
			if err != nil {
				return false, err
			}
			return sc.Role == authz.TenantAdmin || (sc.Role == authz.Program && sc.OrganisationID != "" && sc.OrganisationID == r.SubjectID), nil
		},
	})
}

// startRun starts and, when build, builds a run of the test kind in a demo tenant.
func (e *testEnv) startRun(slug, subjectID string, build bool) *runs.Run {
	e.t.Helper()
	e.registerTestKind()
	ctx := e.scoped(slug)
	r, err := e.app.Runs.Start(ctx, serverTestKind, subjectID, nil)
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

// runFixtures is a ready run of the test kind in the tenant, for the isolation matrix.
func (e *testEnv) runFixtures(slug string) fixtures {
	return fixtures{"runID": e.startRun(slug, "fixture-"+slug, true).ID}
}

// TestReportRuns: the one progress page and the one download, as people read them.
func TestReportRuns(t *testing.T) {
	env := newTestEnv(t)
	program := env.member("illinois", "program@illinois.example")
	r := env.startRun("illinois", program.OrganisationID, false)
	base := "/t/illinois/runs/" + r.ID
	admin := env.signedIn(t, "admin@illinois.example")

	// Queued: the page says so and polls every 2 seconds; without JavaScript, a link checks again.
	page := admin.get(base).mustStatus(t, http.StatusOK).
		mustContain(t, "<h1>Server test report</h1>", "Started by Holdspace on", `<a href="/t/illinois/organisations">&larr; Back to the organisations</a>`, "Waiting to be built", `hx-get="`+base+`"`, `hx-trigger="every 2s"`, "Check again")
	if strings.Contains(page.body, "/download") {
		t.Fatal("a queued run offers a download")
	}
	frag := admin.get(base, "HX-Request", "true").mustStatus(t, http.StatusOK).mustContain(t, `id="run"`, "Waiting to be built")
	if strings.Contains(frag.body, "<h1>") || strings.Contains(frag.body, "<html") {
		t.Fatal("the htmx request got the whole page, not the fragment")
	}
	// Building, half done: the progress bar.
	if _, err := env.raw().NewUpdate().Table("report_runs").Set("status = 'building'").Set("done = 3").Set("total = 8").
		Where("id = ?", r.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	admin.get(base).mustStatus(t, http.StatusOK).
		mustContain(t, "Being built", "3 of 8 done (37%)", `<progress id="run-progress" class="width-full" max="8" value="3">`, `hx-trigger="every 2s"`)
	admin.get(base+"/download").mustStatus(t, http.StatusNotFound).mustContain(t, "is not ready to download")

	// Ready: the download with the file's name, size and expiry; the polling stops.
	if _, err := env.raw().NewUpdate().Table("report_runs").Set("status = 'queued'").Set("done = 0").Set("total = 0").
		Where("id = ?", r.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := env.app.Runs.Build(database.WithScope(context.Background(), database.Scope{TenantID: r.TenantID}), r.ID); err != nil {
		t.Fatal(err)
	}
	name := "Report for " + program.OrganisationID + ".csv"
	content := "subject,words\n" + program.OrganisationID + ",hello from the report\n"
	page = admin.get(base).mustStatus(t, http.StatusOK).
		mustContain(t, "Ready to download", name+", "+runs.SizeText(int64(len(content)))+".", "It can be downloaded until", `href="`+base+`/download"`, "Download "+name)
	if strings.Contains(page.body, "hx-trigger") {
		t.Fatal("a ready run's page still polls")
	}
	before := env.count("audit_events", "action = 'run.download'")
	res := admin.get(base+"/download").mustStatus(t, http.StatusOK)
	if res.body != content {
		t.Fatalf("downloaded %q", res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if cd := res.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="`+name+`"`) {
		t.Fatalf("content disposition %q", cd)
	}
	if env.count("audit_events", "action = 'run.download'") != before+1 {
		t.Fatal("the download was not audited")
	}
	var ev audit.Event
	if err := env.raw().NewSelect().Model(&ev).Where("action = 'run.download' AND record_id = ?", r.ID).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ev.ActorEmail != "admin@illinois.example" || ev.Detail != "Server test report: "+name || ev.RecordType != "run" || ev.TenantID != r.TenantID {
		t.Fatalf("the download's audit event: %+v", ev)
	}
	admin.get("/t/illinois/audit").mustStatus(t, http.StatusOK).mustContain(t, "Report downloaded", "Server test report: "+name)

	// Who finds it: the program it is about; not a funder (its kind says no), not a consultant
	// (no runs at all), not another tenant.
	env.signedIn(t, "program@illinois.example").get(base+"/download").mustStatus(t, http.StatusOK)
	env.signedIn(t, "funder@illinois.example").get(base).mustStatus(t, http.StatusNotFound)
	env.signedIn(t, "funder@illinois.example").get(base+"/download").mustStatus(t, http.StatusNotFound)
	env.signedIn(t, "maria.alvarez@consult.example").get(base).mustStatus(t, http.StatusForbidden)
	env.signedIn(t, "admin@ohio.example").get("/t/ohio/runs/"+r.ID).mustStatus(t, http.StatusNotFound)

	// Expired: the page and the download say so.
	if _, err := env.raw().NewUpdate().Table("report_runs").Set("expires_at = ?", database.Now().Add(-time.Hour)).
		Where("id = ?", r.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	admin.get(base).mustStatus(t, http.StatusOK).mustContain(t, "This file has expired", name+" could be downloaded until", "has been deleted")
	admin.get(base+"/download").mustStatus(t, http.StatusNotFound).mustContain(t, "This server test report expired on", "Ask for it again")

	// The amendment document is the first kind the server registers: a PDF, kept.
	if k, ok := env.app.Runs.Kind("amendment_document"); !ok || k.Label != "Budget amendment (PDF)" || k.Lifetime != 0 || k.Back == nil {
		t.Fatalf("the amendment document's kind: %+v, %v", k, ok)
	}
	// A run about an amendment nobody may see is not found, even by the tenant admin.
	doc, err := env.app.Runs.Start(env.scoped("illinois"), "amendment_document", database.NewID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	admin.get("/t/illinois/runs/"+doc.ID).mustStatus(t, http.StatusNotFound)

	// Failed: the problem in plain words.
	f := env.startRun("illinois", "failing", false)
	if _, err := env.raw().NewUpdate().Table("report_runs").Set("status = 'failed'").
		Set("problem = 'The funding has no budget lines to print.'").Where("id = ?", f.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	page = admin.get("/t/illinois/runs/"+f.ID).mustStatus(t, http.StatusOK).
		mustContain(t, "The file could not be built", "The funding has no budget lines to print.")
	if strings.Contains(page.body, "hx-trigger") {
		t.Fatal("a failed run's page still polls")
	}
}
