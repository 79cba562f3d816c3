package server

import (
	"archive/zip"
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/imports"
	"github.com/holdspace/holdspace/app/tenants"
)

// TestFullExport asks for the full export as the tenant admin, builds it through the worker's
// handlers, follows it on its run page, downloads it and reads the zip: one CSV for every
// tenant table, only the tenant's rows, no secrets, and the download in the audit log.
func TestFullExport(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("admin@illinois.example")
	// Tenant B's rows, which must not come out: an invitation and an import of Ohio's.
	ohio := env.scoped("ohio")
	if _, err := env.app.Tenants.Invite(ohio, tenants.InviteInput{Email: "only.ohio@example.org", Role: "consultant"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.Imports.Upload(ohio, imports.KindPeople, "ohio-only.csv", []byte("email,name,role,organisation\nx@example.org,,consultant,\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.Imports.Upload(env.scoped("illinois"), imports.KindPeople, "illinois.csv",
		[]byte("email,name,role,organisation\nSECRET-UPLOAD@example.org,,consultant,\n")); err != nil {
		t.Fatal(err)
	}

	admin.get("/t/illinois/exports").mustStatus(t, http.StatusOK).mustContain(t, "Ask for a full export", "No exports yet.", "notes_sealed")
	r := admin.post("/t/illinois/exports", nil).mustStatus(t, http.StatusSeeOther)
	page := r.header.Get("Location")
	if !strings.HasPrefix(page, "/t/illinois/runs/") {
		t.Fatalf("asking for an export goes to %q, want its run page", page)
	}
	if again := admin.post("/t/illinois/exports", nil).mustStatus(t, http.StatusSeeOther).header.Get("Location"); again != page {
		t.Fatalf("asked twice while it waits: got %q, want the same run %q", again, page)
	}
	id := strings.TrimPrefix(page, "/t/illinois/runs/")
	admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Full export of the tenant", "Waiting to be built", "Back to exports")
	admin.get("/t/illinois/exports").mustStatus(t, http.StatusOK).mustContain(t, "Denise Carter", "Waiting to be built", `href="`+page+`"`)

	// A funder may not see the tenant admins' export.
	funder := env.client(t)
	funder.signIn("funder@illinois.example")
	funder.get("/t/illinois/exports").mustStatus(t, http.StatusForbidden)

	if n := env.runQueued(t); n == 0 {
		t.Fatal("no task was queued to build the export")
	}
	admin.get(page).mustStatus(t, http.StatusOK).mustContain(t, "Ready to download", "Download holdspace-")
	admin.get("/t/illinois/exports").mustStatus(t, http.StatusOK).mustContain(t, "Ready", "Download")
	funder.get(page).mustStatus(t, http.StatusNotFound)
	funder.get(page+"/download").mustStatus(t, http.StatusNotFound)

	dl := admin.get(page+"/download").mustStatus(t, http.StatusOK)
	if ct := dl.header.Get("Content-Type"); ct != "application/zip" {
		t.Fatalf("got Content-Type %q", ct)
	}
	zr, err := zip.NewReader(strings.NewReader(dl.body), int64(len(dl.body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	all := map[string]string{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		all[f.Name] = string(b)
	}
	sort.Strings(names)
	tables, err := database.TenantTables(context.Background(), env.raw())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, tb := range tables {
		want = append(want, tb+".csv")
	}
	sort.Strings(want)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("the zip holds %v,\nwant one CSV per tenant table %v", names, want)
	}
	for name, w := range map[string]string{
		"organisations.csv": "IDHS Division of Early Childhood", "memberships.csv": "tenant_admin",
		"program_sites.csv": "Cicero office", "budget_lines.csv": "I/ECMH consultation",
		"audit_events.csv": "export.request", "imports.csv": "illinois.csv", "report_runs.csv": "tenant_export",
	} {
		if !strings.Contains(all[name], w) {
			t.Errorf("%s does not hold %q:\n%s", name, w, all[name])
		}
	}
	for name, body := range all {
		for _, other := range []string{"Ohio Department of Children and Youth", "Franklin County", "only.ohio@example.org",
			"ohio-only.csv", "Columbus office", "Piedmont", env.tenantID("ohio")} {
			if strings.Contains(body, other) {
				t.Errorf("%s holds another tenant's %q", name, other)
			}
		}
		for _, secret := range []string{"token_hash", "notes_sealed", "storage_key", "file_key", "SECRET-UPLOAD"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s holds %q, which the export leaves out", name, secret)
			}
		}
	}
	admin.get("/t/illinois/audit?action=export.").mustStatus(t, http.StatusOK).mustContain(t, "export.request")
	admin.get("/t/illinois/audit?action=run.").mustStatus(t, http.StatusOK).mustContain(t, "run.ready", "run.download")
	var downloads int
	if err := env.raw().NewSelect().Table("audit_events").ColumnExpr("COUNT(*)").
		Where("action = 'run.download' AND record_id = ?", id).Scan(context.Background(), &downloads); err != nil || downloads != 1 {
		t.Fatalf("got %d audit rows of the download (%v), want 1", downloads, err)
	}
}
