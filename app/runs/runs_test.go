package runs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/storage"
	"github.com/holdspace/holdspace/app/tenants"
)

// countingStore is the local store, counting the bytes its uploads have read so far: a kind
// that sees them grow while it writes proves the file streams into storage as it is built.
type countingStore struct {
	*storage.Local
	read atomic.Int64
	puts atomic.Int64
}

type countReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (s *countingStore) Put(ctx context.Context, key string, r io.Reader, size int64, ct string) error {
	s.puts.Add(1)
	return s.Local.Put(ctx, key, countReader{r, &s.read}, size, ct)
}

// testKind is a kind the tests steer: how much it writes, whether it fails midway, and who
// may see its runs.
type testKind struct {
	mu      sync.Mutex
	size    int
	failAt  int  // fail once this many bytes are written (0: never)
	hidden  bool // MaySee says no to everyone but tenant admins
	builds  int
	onBuilt func(ctx context.Context, r *runs.Run) // called between writes, for checks
	store   *countingStore
	sawRead int64 // bytes storage had read when the kind was halfway
}

const chunk = 64 << 10

func (k *testKind) kind() runs.Kind {
	return runs.Kind{
		Name: "test_report", Label: "Test report", Lifetime: 24 * time.Hour,
		Build: func(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
			k.mu.Lock()
			size, failAt, hook := k.size, k.failAt, k.onBuilt
			k.builds++
			k.mu.Unlock()
			if sc, err := database.ScopeFrom(ctx); err != nil || sc.UserID != "" || sc.TenantID != r.TenantID {
				return "", "", errors.New("the kind does not run in the run's tenant scope without a user")
			}
			var p struct {
				Word string `json:"word"`
			}
			if err := r.DecodeParams(&p); err != nil {
				return "", "", err
			}
			total := size / chunk
			buf := bytes.Repeat([]byte(p.Word+"\n"), chunk/(len(p.Word)+1)+1)[:chunk]
			for i := 0; i < total; i++ {
				if failAt > 0 && i*chunk >= failAt {
					return "", "", errors.New("disk on fire")
				}
				if _, err := w.Write(buf); err != nil {
					return "", "", err
				}
				progress(i+1, total)
				if i == total/2 {
					k.mu.Lock()
					k.sawRead = k.store.read.Load()
					k.mu.Unlock()
					if hook != nil {
						hook(ctx, r)
					}
				}
			}
			return "report “" + p.Word + "”.txt", "text/plain; charset=utf-8", nil
		},
		MaySee: func(ctx context.Context, r *runs.Run) (bool, error) {
			sc, err := database.ScopeFrom(ctx)
			if err != nil {
				return false, err
			}
			k.mu.Lock()
			defer k.mu.Unlock()
			return !k.hidden || sc.Role == authz.TenantAdmin, nil
		},
	}
}

type env struct {
	rdb   redis.UniversalClient
	db    *bun.DB
	owner *bun.DB
	svc   *runs.Service
	kind  *testKind
	store *countingStore
	root  string
	insp  *asynq.Inspector
	queue string
	ten   *tenants.Service
	acc   *accounts.Service
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
	insp := asynq.NewInspectorFromRedisClient(rdb)
	t.Cleanup(func() { _ = insp.DeleteQueue(prefix+jobs.DefaultQueue, true) })
	log := audit.New(db)
	mailer := mail.New(db, queue, nil, "x@y.z")
	acc := accounts.New(db, log, mailer, accounts.NewLimiter(rdb, prefix), "http://holdspace.test", slog.New(slog.DiscardHandler))
	ten := tenants.NewService(db, tenants.NewStore(db), acc, log, mailer, "http://holdspace.test")
	root := t.TempDir()
	store := &countingStore{Local: storage.NewLocal(root)}
	svc := runs.NewService(db, log, queue, store)
	k := &testKind{size: 5 << 20, store: store}
	svc.Register(k.kind())
	return &env{rdb: rdb, db: db, owner: dbtest.Owner(t, db), svc: svc, kind: k, store: store, root: root, insp: insp,
		queue: prefix + jobs.DefaultQueue, ten: ten, acc: acc}
}

// tenant makes a tenant and returns its admin's context and a program person's.
func (e *env) tenant(t *testing.T, word string) (admin, program context.Context) {
	t.Helper()
	bg := context.Background()
	tn := &tenants.Tenant{Slug: word + "-" + dbtest.RandomHex(3), Name: word + " tenant", Kind: tenants.KindStateSystem,
		State: "IL", Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := e.ten.CreateTenant(bg, tn); err != nil {
		t.Fatal(err)
	}
	u, err := e.acc.CreateUser(bg, "admin."+word+dbtest.RandomHex(3)+"@example.org", word+" Admin", "", false)
	if err != nil {
		t.Fatal(err)
	}
	admin = database.WithScope(bg, database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, UserID: u.ID, Role: authz.TenantAdmin})
	admin = audit.WithActor(admin, audit.Actor{ID: u.ID, Email: u.Email})
	program = database.WithScope(bg, database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, UserID: database.NewID(), Role: authz.Program, OrganisationID: database.NewID()})
	return admin, program
}

// task is the context of the runs:build task: the tenant only.
func task(ctx context.Context) context.Context {
	sc, _ := database.ScopeFrom(ctx)
	return database.WithScope(context.Background(), database.Scope{TenantID: sc.TenantID})
}

// files lists the files kept under a run's folder of storage.
func (e *env) files(t *testing.T, r *runs.Run) []string {
	t.Helper()
	var out []string
	dir := filepath.Join(e.root, r.TenantID, "runs", r.ID)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return fs.SkipAll
		}
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(e.root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) auditRows(t *testing.T, action, id string) []audit.Event {
	t.Helper()
	var rows []audit.Event
	if err := e.owner.NewSelect().Model(&rows).Where("action = ? AND record_id = ?", action, id).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rows
}

func mustRun(t *testing.T, e *env, ctx context.Context, id string) *runs.Run {
	t.Helper()
	r, err := e.svc.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStartBuildDownload(t *testing.T) {
	e := newEnv(t)
	ctx, _ := e.tenant(t, "alpha")
	sc, _ := database.ScopeFrom(ctx)

	r, err := e.svc.Start(ctx, "test_report", "subject-1", map[string]string{"word": "alpha"})
	if err != nil {
		t.Fatal(err)
	}
	got := mustRun(t, e, ctx, r.ID)
	if got.Status != runs.StatusQueued || got.RequestedBy != sc.UserID || got.RequesterName != "alpha Admin" ||
		got.SubjectID != "subject-1" || got.Params != `{"word":"alpha"}` || !got.Working() || got.StatusLabel() != "Waiting to be built" {
		t.Fatalf("queued run: %+v", got)
	}
	// runs:build is queued once, under the run's own id.
	info, err := e.insp.GetTaskInfo(e.queue, r.ID)
	if err != nil || info.Type != runs.TaskBuild || !strings.Contains(string(info.Payload), r.ID) || info.MaxRetry != runs.MaxRetry {
		t.Fatalf("the build task: %+v, %v", info, err)
	}
	if rows := e.auditRows(t, "run.start", r.ID); len(rows) != 1 || rows[0].Detail != "Test report" || rows[0].ActorID != sc.UserID {
		t.Fatalf("run.start audit: %+v", rows)
	}
	if _, err := e.svc.Start(ctx, "no_such_kind", "", nil); err == nil {
		t.Fatal("a run of an unregistered kind was started")
	}

	// Halfway through, storage has already read most of what was written, and the run shows
	// its progress.
	var mid *runs.Run
	e.kind.onBuilt = func(_ context.Context, _ *runs.Run) { mid, _ = e.svc.Run(ctx, r.ID) }
	if err := e.svc.Build(task(ctx), r.ID); err != nil {
		t.Fatal(err)
	}
	if mid == nil || mid.Status != runs.StatusBuilding || mid.Total != 80 || mid.Done < 1 || mid.StatusLabel() != "Being built" {
		t.Fatalf("halfway: %+v", mid)
	}
	if e.kind.sawRead < 2<<20 {
		t.Fatalf("storage had read %d bytes when the kind had written 2.5 MB: the file is not streamed", e.kind.sawRead)
	}

	got = mustRun(t, e, ctx, r.ID)
	if got.Status != runs.StatusReady || got.FileName != "report “alpha”.txt" || got.ContentType != "text/plain; charset=utf-8" ||
		got.SizeBytes != 5<<20 || got.Done != 80 || got.Total != 80 || got.FinishedAt == nil || got.ExpiresAt == nil ||
		got.ExpiresAt.Sub(*got.FinishedAt) != 24*time.Hour || !got.Downloadable() || got.Size() != "5.0 MB" || got.StatusLabel() != "Ready" {
		t.Fatalf("ready run: %+v", got)
	}
	// The file is in storage, under the tenant's prefix: the row holds its key, not its bytes.
	if files := e.files(t, got); len(files) != 1 || files[0] != got.FileKey || !strings.HasPrefix(got.FileKey, sc.TenantID+"/runs/"+r.ID+"/") {
		t.Fatalf("stored files %v, key %q", files, got.FileKey)
	}
	st, err := os.Stat(filepath.Join(e.root, filepath.FromSlash(got.FileKey)))
	if err != nil || st.Size() != 5<<20 {
		t.Fatalf("stored file: %v, %v", st, err)
	}
	var longest int
	if err := e.owner.NewSelect().TableExpr("report_runs").ColumnExpr("MAX(LENGTH(params) + LENGTH(file_key) + LENGTH(file_name) + LENGTH(problem))").
		Scan(context.Background(), &longest); err != nil || longest > 500 {
		t.Fatalf("report_runs holds %d characters in a row: %v", longest, err)
	}
	if rows := e.auditRows(t, "run.ready", r.ID); len(rows) != 1 || !strings.Contains(rows[0].Detail, "Test report: report “alpha”.txt, 5.0 MB") {
		t.Fatalf("run.ready audit: %+v", rows)
	}

	// Download: the same bytes, audited with the kind and file name.
	gotRun, rc, err := e.svc.Download(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n, _ := io.Copy(h, rc)
	rc.Close()
	want := sha256.New()
	line := []byte("alpha\n")
	buf := bytes.Repeat(line, chunk/len(line)+1)[:chunk]
	for i := 0; i < 80; i++ {
		want.Write(buf)
	}
	if n != 5<<20 || !bytes.Equal(h.Sum(nil), want.Sum(nil)) || gotRun.FileName != "report “alpha”.txt" {
		t.Fatalf("downloaded %d bytes, not the file built", n)
	}
	if rows := e.auditRows(t, "run.download", r.ID); len(rows) != 1 || rows[0].Detail != "Test report: report “alpha”.txt" || rows[0].ActorID != sc.UserID {
		t.Fatalf("run.download audit: %+v", rows)
	}

	// Latest: the newest run of the kind for the subject; nothing for another subject.
	r2, err := e.svc.Start(ctx, "test_report", "subject-1", map[string]string{"word": "again"})
	if err != nil {
		t.Fatal(err)
	}
	if l, err := e.svc.Latest(ctx, "test_report", "subject-1"); err != nil || l == nil || l.ID != r2.ID {
		t.Fatalf("latest: %+v, %v", l, err)
	}
	if l, err := e.svc.Latest(ctx, "test_report", "subject-2"); err != nil || l != nil {
		t.Fatalf("latest of a subject with none: %+v, %v", l, err)
	}
}

// TestBuildTwiceKeepsOneFile: a second delivery of the task changes nothing; an attempt killed
// midway (its key recorded, its partial file left) is built again from scratch, and the
// partial file is deleted.
func TestBuildTwiceKeepsOneFile(t *testing.T) {
	e := newEnv(t)
	e.kind.size = 256 << 10
	ctx, _ := e.tenant(t, "beta")
	r, err := e.svc.Start(ctx, "test_report", "s", map[string]string{"word": "beta"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(task(ctx), r.ID); err != nil {
		t.Fatal(err)
	}
	first := mustRun(t, e, ctx, r.ID)
	if err := e.svc.Build(task(ctx), r.ID); err != nil {
		t.Fatal(err)
	}
	second := mustRun(t, e, ctx, r.ID)
	if second.FileKey != first.FileKey || e.kind.builds != 1 || len(e.files(t, second)) != 1 || len(e.auditRows(t, "run.ready", r.ID)) != 1 {
		t.Fatalf("built twice: builds %d, files %v, keys %q %q", e.kind.builds, e.files(t, second), first.FileKey, second.FileKey)
	}

	// A worker killed midway: the run says building, with the key of the attempt and part of
	// its file in storage.
	r2, err := e.svc.Start(ctx, "test_report", "s", map[string]string{"word": "killed"})
	if err != nil {
		t.Fatal(err)
	}
	partial := r2.TenantID + "/runs/" + r2.ID + "/" + database.NewID()
	if err := e.store.Local.Put(context.Background(), partial, strings.NewReader("half a file"), -1, ""); err != nil {
		t.Fatal(err)
	}
	tx, _ := database.For(ctx, e.db)
	if _, err := tx.Update((*runs.Run)(nil)).Set("status = ?", runs.StatusBuilding).Set("file_key = ?", partial).
		Set("done = 3").Set("total = 4").Where("rr.id = ?", r2.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(task(ctx), r2.ID); err != nil {
		t.Fatal(err)
	}
	got := mustRun(t, e, ctx, r2.ID)
	files := e.files(t, got)
	if got.Status != runs.StatusReady || got.FileKey == partial || len(files) != 1 || files[0] != got.FileKey || got.SizeBytes != 256<<10 {
		t.Fatalf("rebuilt after a kill: %+v, files %v", got, files)
	}
}

// TestBuildFailsMidway: a kind failing after writing part of its file leaves no ready run and
// no file; the problem is in plain words; building again succeeds.
func TestBuildFailsMidway(t *testing.T) {
	e := newEnv(t)
	e.kind.size = 2 << 20
	e.kind.failAt = 1 << 20
	ctx, _ := e.tenant(t, "gamma")
	r, err := e.svc.Start(ctx, "test_report", "s", map[string]string{"word": "gamma"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(task(ctx), r.ID); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("a failing build returned %v", err)
	}
	got := mustRun(t, e, ctx, r.ID)
	if got.Status != runs.StatusFailed || got.Downloadable() || got.FileKey != "" || len(e.files(t, got)) != 0 ||
		!strings.Contains(got.Problem, "Something went wrong on our side") || strings.Contains(got.Problem, "disk on fire") ||
		got.StatusLabel() != "Could not be built" {
		t.Fatalf("failed run: %+v, files %v", got, e.files(t, got))
	}
	if e.store.read.Load() < 1<<20 {
		t.Fatal("the failing kind wrote nothing to storage: the test does not fail midway")
	}
	if _, err := e.svc.Open(ctx, got); apperr.Code(err) != apperr.ENOTFOUND {
		t.Fatalf("opening a failed run: %v", err)
	}
	if rows := e.auditRows(t, "run.failed", r.ID); len(rows) != 1 || !strings.HasPrefix(rows[0].Detail, "Test report: ") {
		t.Fatalf("run.failed audit: %+v", rows)
	}

	// The retry.
	e.kind.failAt = 0
	if err := e.svc.Build(task(ctx), r.ID); err != nil {
		t.Fatal(err)
	}
	got = mustRun(t, e, ctx, r.ID)
	if got.Status != runs.StatusReady || got.Problem != "" || got.SizeBytes != 2<<20 || len(e.files(t, got)) != 1 {
		t.Fatalf("retried run: %+v, files %v", got, e.files(t, got))
	}

	// A kind that panics fails its run too, and a kind no longer registered fails it for good.
	panicky := runs.Kind{Name: "panicky", Build: func(context.Context, *runs.Run, io.Writer, func(int, int)) (string, string, error) {
		panic("oops")
	}, MaySee: func(context.Context, *runs.Run) (bool, error) { return true, nil }}
	e.svc.Register(panicky)
	p, err := e.svc.Start(ctx, "panicky", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(task(ctx), p.ID); err == nil || mustRun(t, e, ctx, p.ID).Status != runs.StatusFailed {
		t.Fatalf("a panicking kind: %v", err)
	}
	gone := &runs.Run{ID: database.NewID(), Kind: "gone", Params: "{}", Status: runs.StatusQueued, CreatedAt: database.Now()}
	if _, err := tx(t, ctx, e).Insert(gone).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := e.svc.Build(task(ctx), gone.ID); err != nil {
			t.Fatal(err)
		}
	}
	var status, problem string
	if err := e.owner.NewSelect().TableExpr("report_runs").Column("status", "problem").Where("id = ?", gone.ID).Scan(context.Background(), &status, &problem); err != nil ||
		status != runs.StatusFailed || !strings.Contains(problem, "no longer builds") || len(e.auditRows(t, "run.failed", gone.ID)) != 1 {
		t.Fatalf("a run of an unknown kind: %s %q %v", status, problem, err)
	}
}

func tx(t *testing.T, ctx context.Context, e *env) database.Tenant {
	t.Helper()
	x, err := database.For(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestMaySee: a run its kind hides from the person is not found, nor downloadable, and the
// refusal is not recorded as a download; another tenant's run is not found either.
func TestMaySee(t *testing.T) {
	e := newEnv(t)
	e.kind.size = chunk
	admin, program := e.tenant(t, "delta")
	other, _ := e.tenant(t, "epsilon")
	r, err := e.svc.Start(admin, "test_report", "s", map[string]string{"word": "delta"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(task(admin), r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Run(program, r.ID); err != nil {
		t.Fatalf("a visible run: %v", err)
	}
	e.kind.hidden = true
	for name, ctx := range map[string]context.Context{"hidden": program, "other tenant": other} {
		if _, err := e.svc.Run(ctx, r.ID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("%s: Run gave %v, want not found", name, err)
		}
		if _, _, err := e.svc.Download(ctx, r.ID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("%s: Download gave %v, want not found", name, err)
		}
	}
	if _, err := e.svc.Run(admin, "not-an-id"); apperr.Code(err) != apperr.ENOTFOUND {
		t.Errorf("a bad id: %v", err)
	}
	if n := len(e.auditRows(t, "run.download", r.ID)); n != 0 {
		t.Fatalf("%d refused downloads were recorded", n)
	}
}

// TestExpire: the sweep deletes the files of runs past their expiry in every tenant, marks
// them expired, says so once in the platform's log; a kept run and a recent one stay.
func TestExpire(t *testing.T) {
	e := newEnv(t)
	e.kind.size = chunk
	a, _ := e.tenant(t, "zeta")
	b, _ := e.tenant(t, "eta")
	kept := runs.Kind{Name: "kept", Label: "Kept report", MaySee: func(context.Context, *runs.Run) (bool, error) { return true, nil },
		Build: func(_ context.Context, _ *runs.Run, w io.Writer, _ func(int, int)) (string, string, error) {
			_, err := io.WriteString(w, "kept")
			return "kept.txt", "", err
		}}
	e.svc.Register(kept)
	var due []*runs.Run
	for _, ctx := range []context.Context{a, b} {
		r, err := e.svc.Start(ctx, "test_report", "s", map[string]string{"word": "old"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Build(task(ctx), r.ID); err != nil {
			t.Fatal(err)
		}
		due = append(due, mustRun(t, e, ctx, r.ID))
	}
	k, err := e.svc.Start(a, "kept", "s", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(task(a), k.ID); err != nil {
		t.Fatal(err)
	}
	if got := mustRun(t, e, a, k.ID); got.ExpiresAt != nil || got.ContentType != "application/octet-stream" || got.FileName != "kept.txt" {
		t.Fatalf("a kept run: %+v", got)
	}

	bg := context.Background()
	if n, err := e.svc.Expire(bg, time.Now()); err != nil || n != 0 {
		t.Fatalf("nothing due yet: %d, %v", n, err)
	}
	later := due[0].ExpiresAt.Add(time.Hour)
	if n, err := e.svc.Expire(bg, later); err != nil || n != 2 {
		t.Fatalf("expired %d, %v; want 2", n, err)
	}
	for i, ctx := range []context.Context{a, b} {
		got := mustRun(t, e, ctx, due[i].ID)
		if got.Status != runs.StatusExpired || got.FileKey != "" || len(e.files(t, got)) != 0 || got.StatusLabel() != "Expired" {
			t.Fatalf("expired run: %+v, files %v", got, e.files(t, got))
		}
		_, _, err := e.svc.Download(ctx, got.ID)
		if apperr.Code(err) != apperr.ENOTFOUND || !strings.Contains(apperr.Message(err), "This test report expired on") {
			t.Fatalf("downloading an expired run: %v", err)
		}
	}
	if got := mustRun(t, e, a, k.ID); got.Status != runs.StatusReady || len(e.files(t, got)) != 1 {
		t.Fatalf("the kept run was expired: %+v", got)
	}
	var details []string
	if err := e.owner.NewSelect().TableExpr("audit_events").Column("detail").
		Where("action = 'platform.across_tenants' AND record_id = 'runs.expire'").Scan(bg, &details); err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.Expire(bg, later); err != nil || n != 0 {
		t.Fatalf("a second sweep: %d, %v", n, err)
	}
	if len(details) != 1 || details[0] != "2 expired report files deleted" {
		t.Fatalf("the sweep's audit: %q", details)
	}
	var again int
	if err := e.owner.NewSelect().TableExpr("audit_events").ColumnExpr("COUNT(*)").
		Where("action = 'platform.across_tenants' AND record_id = 'runs.expire'").Scan(bg, &again); err != nil || again != 1 {
		t.Fatalf("a sweep that did nothing was audited: %d, %v", again, err)
	}

	// Past its expiry but not yet swept, a run cannot be downloaded either.
	r, err := e.svc.Start(a, "test_report", "s", map[string]string{"word": "late"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Build(task(a), r.ID); err != nil {
		t.Fatal(err)
	}
	tx(t, a, e).Update((*runs.Run)(nil)).Set("expires_at = ?", database.Now().Add(-time.Minute)).Where("rr.id = ?", r.ID).Exec(a) //nolint:errcheck
	if _, _, err := e.svc.Download(a, r.ID); apperr.Code(err) != apperr.ENOTFOUND || !strings.Contains(apperr.Message(err), "expired") {
		t.Fatalf("downloading a run past its expiry: %v", err)
	}
}

// TestTasks: the runs tasks are registered (the build under its issue's name, reports:build,
// and its old name) and runs:expire is hourly.
func TestTasks(t *testing.T) {
	e := newEnv(t)
	mux := jobs.NewMux()
	e.svc.RegisterTasks(mux)
	if got, want := strings.Join(mux.Types(), ","), "reports:build,runs:build,runs:expire"; got != want {
		t.Fatalf("task types %s, want %s", got, want)
	}
	if runs.TaskBuild != "reports:build" || runs.TaskBuildOld != "runs:build" {
		t.Fatalf("build task names %s, %s", runs.TaskBuild, runs.TaskBuildOld)
	}
	if p := runs.Periodic(); len(p) != 1 || p[0].Type != runs.TaskExpire || p[0].Spec != "@every 1h" {
		t.Fatalf("periodic %+v", p)
	}
}

func TestContentDisposition(t *testing.T) {
	got := runs.ContentDisposition(`Amendment “3” (draft).pdf`)
	want := `attachment; filename="Amendment _3_ (draft).pdf"; filename*=UTF-8''Amendment%20%E2%80%9C3%E2%80%9D%20%28draft%29.pdf`
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

// worker runs the runs tasks from the env's queue, as the worker process does, with retries
// made fast.
func (e *env) worker(t *testing.T) {
	t.Helper()
	mux := jobs.NewMux()
	e.svc.RegisterTasks(mux)
	srv := jobs.NewServerWith(e.rdb, slog.New(slog.DiscardHandler), jobs.ServerOptions{
		Concurrency: 2, Queue: e.queue,
		RetryDelay:   func(int, error, *asynq.Task) time.Duration { return 10 * time.Millisecond },
		DelayedCheck: 100 * time.Millisecond,
	})
	if err := srv.Start(mux.Handler()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
}

// waitFor polls the run until done says so, or fails after 15 seconds.
func (e *env) waitFor(t *testing.T, ctx context.Context, id string, done func(*runs.Run) bool) *runs.Run {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := mustRun(t, e, ctx, id)
		if done(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run did not get there: %+v", r)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBuildTaskRetries runs runs:build in a worker: a failed attempt with retries left puts
// the run back to waiting with the problem shown and deletes what it wrote; the next attempt
// builds it; a kind failing every attempt ends failed after the last retry, audited once.
func TestBuildTaskRetries(t *testing.T) {
	e := newEnv(t)
	ctx, _ := e.tenant(t, "theta")
	var mu sync.Mutex
	attempts := map[string]int{}
	var seen []string // what each attempt found of the run
	e.svc.Register(runs.Kind{Name: "flaky", Label: "Flaky report",
		MaySee: func(context.Context, *runs.Run) (bool, error) { return true, nil },
		Build: func(_ context.Context, r *runs.Run, w io.Writer, _ func(int, int)) (string, string, error) {
			mu.Lock()
			attempts[r.ID]++
			n := attempts[r.ID]
			seen = append(seen, r.Status+": "+r.Problem)
			mu.Unlock()
			if _, err := w.Write(bytes.Repeat([]byte("x"), 200<<10)); err != nil {
				return "", "", err
			}
			if r.SubjectID == "always" || n <= 2 {
				return "", "", errors.New("flaky")
			}
			return "flaky.txt", "text/plain", nil
		}})
	e.worker(t)

	r, err := e.svc.Start(ctx, "flaky", "twice", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := e.waitFor(t, ctx, r.ID, func(r *runs.Run) bool { return !r.Working() })
	if got.Status != runs.StatusReady || got.Problem != "" || attempts[r.ID] != 3 || len(e.files(t, got)) != 1 {
		t.Fatalf("after two failed attempts: %+v, %d attempts, files %v", got, attempts[r.ID], e.files(t, got))
	}
	mu.Lock()
	if len(seen) != 3 || seen[0] != "queued: " || !strings.HasPrefix(seen[1], "queued: Something went wrong on our side") {
		t.Fatalf("what the attempts found: %q", seen)
	}
	mu.Unlock()
	if len(e.auditRows(t, "run.failed", r.ID)) != 0 || len(e.auditRows(t, "run.ready", r.ID)) != 1 {
		t.Fatal("a retried run's audit events are wrong")
	}

	a, err := e.svc.Start(ctx, "flaky", "always", nil)
	if err != nil {
		t.Fatal(err)
	}
	got = e.waitFor(t, ctx, a.ID, func(r *runs.Run) bool { return r.Status == runs.StatusFailed })
	time.Sleep(300 * time.Millisecond) // no attempt after the last
	mu.Lock()
	n := attempts[a.ID]
	mu.Unlock()
	if n != runs.MaxRetry+1 || len(e.files(t, got)) != 0 || len(e.auditRows(t, "run.failed", a.ID)) != 1 ||
		!strings.Contains(got.Problem, "Something went wrong on our side") {
		t.Fatalf("a run failing every attempt: %+v after %d attempts, files %v", got, n, e.files(t, got))
	}
}

// TestBuildTaskBothNames: Start queues reports:build; a task an older version queued under
// runs:build, still waiting after an upgrade, is built by the same handler.
func TestBuildTaskBothNames(t *testing.T) {
	e := newEnv(t)
	ctx, _ := e.tenant(t, "iota")
	e.kind.size = 2 * chunk

	r, err := e.svc.Start(ctx, "test_report", "new", map[string]string{"word": "new"})
	if err != nil {
		t.Fatal(err)
	}
	info, err := e.insp.GetTaskInfo(e.queue, r.ID)
	if err != nil || info.Type != "reports:build" {
		t.Fatalf("Start queued %+v (%v), want reports:build", info, err)
	}

	// A run an older version started: its row, and its task under the old name.
	sc, _ := database.ScopeFrom(ctx)
	old := &runs.Run{ID: database.NewID(), Kind: "test_report", SubjectID: "old", Params: `{"word":"old"}`, RequestedBy: sc.UserID,
		Status: runs.StatusQueued, CreatedAt: database.Now()}
	if _, err := tx(t, ctx, e).Insert(old).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	q := jobs.NewNamedQueue(e.rdb, e.queue)
	if err := q.Enqueue(ctx, "runs:build", runs.BuildPayload{Tenant: jobs.Tenant{TenantID: sc.TenantID}, RunID: old.ID}, asynq.TaskID(old.ID)); err != nil {
		t.Fatal(err)
	}
	e.worker(t)
	for _, id := range []string{r.ID, old.ID} {
		got := e.waitFor(t, ctx, id, func(r *runs.Run) bool { return !r.Working() })
		if got.Status != runs.StatusReady || got.SizeBytes != 2*chunk || len(e.auditRows(t, "run.ready", id)) != 1 {
			t.Fatalf("run %s (%s): got %+v, want ready with its file, once", id, got.SubjectID, got)
		}
	}
}

// TestMine: a person's own runs, newest first, at most the limit; not another person's, not
// another tenant's, not one its kind no longer lets them see.
func TestMine(t *testing.T) {
	e := newEnv(t)
	admin, program := e.tenant(t, "kappa")
	otherAdmin, _ := e.tenant(t, "lambda")
	start := func(ctx context.Context, word string) *runs.Run {
		t.Helper()
		r, err := e.svc.Start(ctx, "test_report", word, map[string]string{"word": word})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	var want []string
	for _, w := range []string{"first", "second", "third"} {
		want = append([]string{start(admin, w).SubjectID}, want...)
		time.Sleep(2 * time.Millisecond) // distinct creation times on every database
	}
	start(program, "the program's")
	start(otherAdmin, "another tenant's")
	subjects := func(list []runs.Run) string {
		var out []string
		for _, r := range list {
			out = append(out, r.SubjectID)
		}
		return strings.Join(out, ",")
	}
	mine, err := e.svc.Mine(admin, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(mine); got != strings.Join(want, ",") {
		t.Fatalf("the admin's runs: %s, want %s", got, strings.Join(want, ","))
	}
	if mine[0].RequesterName != "kappa Admin" {
		t.Errorf("requester %q", mine[0].RequesterName)
	}
	if two, _ := e.svc.Mine(admin, 2); subjects(two) != "third,second" {
		t.Errorf("at most 2: %s", subjects(two))
	}
	if got, _ := e.svc.Mine(program, 10); subjects(got) != "the program's" {
		t.Errorf("the program person's runs: %s", subjects(got))
	}
	e.kind.mu.Lock()
	e.kind.hidden = true // its kind no longer lets program people see it
	e.kind.mu.Unlock()
	if got, _ := e.svc.Mine(program, 10); len(got) != 0 {
		t.Errorf("runs the person may no longer see: %s", subjects(got))
	}
	if got, _ := e.svc.Mine(task(admin), 10); len(got) != 0 {
		t.Errorf("a task (no person) has runs: %s", subjects(got))
	}
}
