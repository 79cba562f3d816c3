//go:build soak

// The soak: `make soak` (go test -tags soak -run TestSoak ./cmd/holdspace). It runs the worker as
// a separate OS process (the holdspace binary, `holdspace worker`), kills it with SIGKILL at
// random every few seconds and starts it again, while this process keeps giving it every kind
// of task the code registers: mail (delivered over SMTP to a fake server that counts
// deliveries by Message-ID), imports (and their problems files), exports, report runs (under
// both names of the build task), billing (Stripe events, dunning, seats) and the sweeps. When the time is up the last
// worker is left to drain, then it prints, per kind, what was asked, what was lost and what
// happened twice, and fails on any loss, on any repeat other than mail in flight at a kill,
// and on a task type that no kind covers (add one below when you add a task).
//
// Settings: SOAK_SECONDS (default 60), SOAK_DRAIN_SECONDS (how long the last worker may take
// to finish, default 300). It runs against HOLDSPACE_TEST_DATABASE_URL and
// HOLDSPACE_TEST_REDIS_URL when set (the production shape), otherwise against a SQLite file
// and an in-process Redis-compatible server that the worker reaches over TCP.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/credentials"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/exports"
	"github.com/holdspace/holdspace/app/imports"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/mail/mailtest"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/sealed"
	"github.com/holdspace/holdspace/app/server"
	"github.com/holdspace/holdspace/app/tenants"
	"github.com/holdspace/holdspace/migrations"
)

// soakKind is one kind of work: the task types it covers, how to ask for more of it, and how
// to count what was lost and what happened twice.
type soakKind struct {
	name    string
	types   []string
	produce func(ctx context.Context, round int) error
	// check returns how many were asked, lost and duplicated (allowed: duplicates the kind
	// may have, like mail in flight at a kill), and a note.
	check func(ctx context.Context) (asked, lost, dup, allowed int, note string)
}

type soak struct {
	t      *testing.T
	app    *server.App
	sink   *mailtest.Sink
	queue  string
	insp   *asynq.Inspector
	tenant map[string]database.Scope // demo tenants by slug, scoped as their admin

	mu      sync.Mutex
	emails  []string // ids of the emails asked for (Send and requeue)
	imports []string
	exports []string
	// Issue 12: files with problems (checked by imports:validate) and their problems files,
	// report runs of kind import_problems, by import id.
	badImports  []string
	problemRuns map[string]string
	tasks       map[string][]string // task ids enqueued directly, by type
	setupIDs    map[string][]string // rows a sweep must remove or change, by type
}

func envSeconds(name string, def int) time.Duration {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return time.Duration(v) * time.Second
	}
	return time.Duration(def) * time.Second
}

func TestSoak(t *testing.T) {
	duration := envSeconds("SOAK_SECONDS", 60)
	drain := envSeconds("SOAK_DRAIN_SECONDS", 300)
	ctx := context.Background()
	dir := t.TempDir()

	// The binary under test.
	bin := filepath.Join(dir, "holdspace")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// On PostgreSQL the worker connects as the application's role (it owns nothing; row-level
	// security applies), as in production; this process, which sets up and inspects every
	// tenant's rows, as the schema's owner.
	dsn, workerDSN := dbtest.DSNs(t)
	redisURL := dbtest.RedisURL()
	shape := "PostgreSQL (worker as " + dbtest.AppRole + ") + Redis"
	if !strings.HasPrefix(dsn, "postgres") {
		shape = "SQLite file"
	}
	if redisURL == "" {
		mr, err := jobs.StartEmbedded()
		if err != nil {
			t.Fatal(err)
		}
		defer mr.Close()
		redisURL = mr.URL()
		shape += " + in-process Redis"
	}
	{
		db, err := database.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := migrations.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		if workerDSN != dsn {
			if err := migrations.GrantApp(ctx, db, dbtest.AppRole); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
	}
	sink, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	// The latency of a real SMTP server (it answers the DATA after 50-300 ms): some messages
	// are with SMTP, accepted but not yet answered, when the worker is killed.
	sink.Hold = func() { time.Sleep(time.Duration(50+rand.IntN(250)) * time.Millisecond) }

	prefix := "soak:" + dbtest.RandomHex(6) + ":"
	env := map[string]string{
		"DATABASE_URL": dsn, "REDIS_URL": redisURL, "REDIS_KEY_PREFIX": prefix, "SMTP_URL": sink.URL(),
		"BASE_URL": "http://soak.holdspace.test", "SECRET_KEY": strings.Repeat("s", 32),
		"NOTES_KEY": sealed.EncodeKey(sealed.NewKey()), "DATA_DIR": dir, "LOG_FORMAT": "text", "LOG_LEVEL": "error",
		"MAIL_FROM": "Holdspace <no-reply@soak.holdspace.test>",
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, false)
	env["DATABASE_URL"] = workerDSN
	if err != nil {
		t.Fatal(err)
	}
	app, err := server.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := demo.Seed(ctx, app.DB, app.Accounts, app.Tenants); err != nil {
		t.Fatal(err)
	}
	s := &soak{t: t, app: app, sink: sink, queue: prefix + jobs.DefaultQueue,
		insp: asynq.NewInspectorFromRedisClient(app.Redis), tenant: map[string]database.Scope{},
		tasks: map[string][]string{}, setupIDs: map[string][]string{}, problemRuns: map[string]string{}}
	defer asynq.NewInspectorFromRedisClient(app.Redis).DeleteQueue(s.queue, true) //nolint:errcheck
	s.loadTenants(ctx)
	kinds := s.kinds()

	// Every task type the worker registers must be covered by a kind.
	mux, periodic := app.Jobs()
	covered := map[string]bool{}
	for _, k := range kinds {
		for _, typ := range k.types {
			covered[typ] = true
		}
	}
	var uncovered []string
	types := mux.Types()
	for _, p := range periodic {
		types = append(types, p.Type)
	}
	for _, typ := range types {
		if !covered[typ] {
			uncovered = append(uncovered, typ)
			covered[typ] = true // named once
		}
	}
	if len(uncovered) > 0 {
		t.Fatalf("task types with no soak coverage: %s (add a kind to cmd/holdspace/soak_test.go)", strings.Join(uncovered, ", "))
	}

	// The worker, killed at random and started again.
	w := &worker{bin: bin, env: env, dir: dir}
	if err := w.start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	stopKills := make(chan struct{})
	killsDone := make(chan struct{})
	go func() {
		defer close(killsDone)
		for {
			select {
			case <-stopKills:
				return
			case <-time.After(time.Duration(1500+rand.IntN(3500)) * time.Millisecond):
			}
			if err := w.kill(); err != nil {
				t.Errorf("kill: %v", err)
				return
			}
			if err := w.start(); err != nil {
				t.Errorf("restart: %v", err)
				return
			}
		}
	}()

	// The work, in rounds of half a second until the time is up.
	var produceErrs []string
	for round := 0; time.Since(start) < duration; round++ {
		for _, k := range kinds {
			if err := k.produce(ctx, round); err != nil {
				produceErrs = append(produceErrs, fmt.Sprintf("%s round %d: %v", k.name, round, err))
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	close(stopKills)
	<-killsDone
	soakTime := time.Since(start)
	if len(produceErrs) > 0 {
		t.Errorf("asking for work failed %d times, first: %s", len(produceErrs), produceErrs[0])
	}

	// Drain: the last worker runs unkilled until nothing is lost, or the drain time is up.
	type row struct {
		name                      string
		asked, lost, dup, allowed int
		note                      string
	}
	var rows []row
	deadline := time.Now().Add(drain)
	lastNote := time.Now()
	fmt.Printf("work done after %s with %d kills; the last worker drains\n", soakTime.Round(time.Second), w.kills)
	for {
		rows = rows[:0]
		lost := 0
		for _, k := range kinds {
			a, l, d, al, note := k.check(ctx)
			rows = append(rows, row{k.name, a, l, d, al, note})
			lost += l
		}
		if lost == 0 || time.Now().After(deadline) {
			break
		}
		if time.Since(lastNote) > 15*time.Second {
			lastNote = time.Now()
			var waiting []string
			for _, r := range rows {
				if r.lost > 0 {
					waiting = append(waiting, fmt.Sprintf("%s %d", r.name, r.lost))
				}
			}
			fmt.Printf("draining (%s): still to do: %s\n", time.Since(start.Add(soakTime)).Round(time.Second), strings.Join(waiting, ", "))
		}
		time.Sleep(2 * time.Second)
	}
	drained := time.Since(start) - soakTime
	w.stop()

	var b strings.Builder
	fmt.Fprintf(&b, "\nSoak on %s: %s of work, %d kill -9 of the worker (pids %s), drained in %s\n",
		shape, soakTime.Round(time.Second), w.kills, strings.Join(w.pids, " "), drained.Round(time.Second))
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tTASK TYPES\tASKED\tLOST\tDUPLICATED\tNOTE")
	for i, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", r.name, strings.Join(kinds[i].types, ", "), r.asked, r.lost, r.dup, r.note)
	}
	tw.Flush()
	t.Log(b.String())
	fmt.Println(b.String())
	for _, r := range rows {
		if r.lost > 0 {
			t.Errorf("%s: %d lost", r.name, r.lost)
		}
		if r.dup > r.allowed {
			t.Errorf("%s: %d duplicated, only %d may be (in flight at a kill)", r.name, r.dup, r.allowed)
		}
		if r.asked == 0 {
			t.Errorf("%s: nothing was asked for: the soak does not cover it", r.name)
		}
	}
	if w.kills == 0 {
		t.Error("the worker was never killed")
	}
}

// worker is the worker process.
type worker struct {
	bin, dir string
	env      map[string]string
	mu       sync.Mutex
	cmd      *exec.Cmd
	kills    int
	pids     []string
	log      *os.File
}

func (w *worker) start() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	cmd := exec.Command(w.bin, "worker")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range w.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if w.log == nil {
		f, err := os.Create(filepath.Join(w.dir, "worker.log"))
		if err != nil {
			return err
		}
		w.log = f
	}
	cmd.Stdout, cmd.Stderr = w.log, w.log
	if err := cmd.Start(); err != nil {
		return err
	}
	w.cmd = cmd
	return nil
}

func (w *worker) kill() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	w.cmd.Wait() //nolint:errcheck // killed
	w.kills++
	w.pids = append(w.pids, strconv.Itoa(w.cmd.Process.Pid))
	return nil
}

func (w *worker) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck
	done := make(chan struct{})
	go func() { w.cmd.Wait(); close(done) }() //nolint:errcheck
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		w.cmd.Process.Signal(syscall.SIGKILL) //nolint:errcheck
		<-done
	}
	if w.log != nil {
		w.log.Close()
	}
}

// loadTenants finds the demo tenants and their admins.
func (s *soak) loadTenants(ctx context.Context) {
	var list []tenants.Tenant
	if err := s.app.DB.NewSelect().Model(&list).Column("t.id", "t.slug").Scan(ctx); err != nil {
		s.t.Fatal(err)
	}
	for _, tn := range list {
		var admin struct {
			ID    string `bun:"id"`
			Email string `bun:"email"`
		}
		err := s.app.DB.NewSelect().TableExpr("users AS u").ColumnExpr("u.id, u.email").
			Join("JOIN memberships AS m ON m.user_id = u.id").
			Where("m.tenant_id = ? AND m.role = ?", tn.ID, authz.TenantAdmin).Limit(1).Scan(ctx, &admin)
		if err != nil {
			continue
		}
		s.tenant[tn.Slug] = database.Scope{TenantID: tn.ID, TenantSlug: tn.Slug, UserID: admin.ID, Role: authz.TenantAdmin}
	}
	if _, ok := s.tenant["ohio"]; !ok {
		s.t.Fatalf("the demo tenant ohio is missing (got %v)", s.tenant)
	}
}

func (s *soak) scoped(slug string) context.Context {
	sc := s.tenant[slug]
	ctx := database.WithScope(context.Background(), sc)
	return audit.WithActor(ctx, audit.Actor{ID: sc.UserID, Email: "soak@" + slug})
}

func (s *soak) slugs() []string {
	var out []string
	for k := range s.tenant {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// enqueue queues a task directly, kept once done so the soak can see it completed.
func (s *soak) enqueue(ctx context.Context, typ string, payload any) error {
	id := typ + ":" + database.NewID()
	q := jobs.NewNamedQueue(s.app.Redis, s.queue)
	if err := q.Enqueue(ctx, typ, payload, asynq.TaskID(id), asynq.Retention(2*time.Hour)); err != nil {
		return err
	}
	s.mu.Lock()
	s.tasks[typ] = append(s.tasks[typ], id)
	s.mu.Unlock()
	return nil
}

// tasksNotDone counts the directly queued tasks of typ that have not completed.
func (s *soak) tasksNotDone(typ string) (asked, notDone int) {
	s.mu.Lock()
	ids := append([]string(nil), s.tasks[typ]...)
	s.mu.Unlock()
	for _, id := range ids {
		info, err := s.insp.GetTaskInfo(s.queue, id)
		if err != nil || info.State != asynq.TaskStateCompleted {
			notDone++
		}
	}
	return len(ids), notDone
}

func (s *soak) setup(typ string, ids ...string) {
	s.mu.Lock()
	s.setupIDs[typ] = append(s.setupIDs[typ], ids...)
	s.mu.Unlock()
}

func (s *soak) setupOf(typ string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.setupIDs[typ]...)
}

// mailCheck counts the emails in ids: lost (never delivered), duplicated (delivered more than
// once), and how many of those repeats the database shows as attempts in flight at a kill.
func (s *soak) mailCheck(ctx context.Context, ids []string) (asked, lost, dup, allowed int, note string) {
	if len(ids) == 0 {
		return 0, 0, 0, 0, ""
	}
	count := s.sink.Count()
	var rows []mail.Email
	for i := 0; i < len(ids); i += 500 {
		j := min(i+500, len(ids))
		var part []mail.Email
		if err := s.app.DB.NewSelect().Model(&part).Where("id IN (?)", bunIn(ids[i:j])).Scan(ctx); err != nil {
			return len(ids), len(ids), 0, 0, err.Error()
		}
		rows = append(rows, part...)
	}
	unmatched := 0
	for _, e := range rows {
		n := count[e.MessageID]
		switch {
		case n == 0:
			lost++
		case n > 1:
			dup += n - 1
			// A repeat is allowed only where an attempt was recorded for every delivery: the
			// message was with SMTP when its worker was killed.
			if e.Attempts >= n {
				allowed += n - 1
			} else {
				unmatched += n - 1
			}
		}
		if e.Status != mail.StatusSent && n > 0 {
			lost++ // delivered but the row does not say so
		}
	}
	lost += len(ids) - len(rows)
	note = fmt.Sprintf("%d deliveries; repeats without a recorded attempt: %d", sumCount(count, rows), unmatched)
	return len(ids), lost, dup, allowed, note
}

func sumCount(count map[string]int, rows []mail.Email) int {
	n := 0
	for _, e := range rows {
		n += count[e.MessageID]
	}
	return n
}

func (s *soak) kinds() []soakKind {
	ohio := func() context.Context { return s.scoped("ohio") }
	fy := tenants.FiscalYear(time.Now(), 7)
	return append([]soakKind{
		{
			name: "mail", types: []string{mail.TaskSend},
			produce: func(ctx context.Context, round int) error {
				// Ten messages a round (twenty a second), in turn to each tenant and to the
				// platform.
				slugs := s.slugs()
				for i := 0; i < 10; i++ {
					n := round*10 + i
					var c context.Context = context.Background()
					if k := n % (len(slugs) + 1); k < len(slugs) {
						c = s.scoped(slugs[k])
					}
					if err := s.app.Mail.Send(c, fmt.Sprintf("person%d@soak.example", n), fmt.Sprintf("Soak %d", n), "Hello"); err != nil {
						return err
					}
				}
				return nil
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				return s.mailCheck(ctx, s.emailIDs("Soak "))
			},
		},
		{
			name: "mail requeue", types: []string{mail.TaskRequeue},
			produce: func(ctx context.Context, round int) error {
				if round%10 != 0 {
					return nil
				}
				// Messages whose task was lost (Redis flushed, say): only the sweep sends them.
				for i := 0; i < 3; i++ {
					id := database.NewID()
					e := &mail.Email{ID: id, MessageID: "<" + id + "@soak.holdspace.test>", To: "lost@soak.example",
						Subject: "Requeued", Body: "Hello", Secrets: "[]", Status: mail.StatusQueued,
						CreatedAt: database.Now().Add(-5 * time.Minute)}
					if _, err := s.app.DB.NewInsert().Model(e).Exec(ctx); err != nil {
						return err
					}
					s.setup(mail.TaskRequeue, id)
				}
				return s.enqueue(ctx, mail.TaskRequeue, jobs.Tenant{})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(mail.TaskRequeue)
				_, lost, dup, allowed, note := s.mailCheck(ctx, s.setupOf(mail.TaskRequeue))
				return asked, lost + notDone, dup, allowed, fmt.Sprintf("tasks not completed %d; %s", notDone, note)
			},
		},
		{
			name: "imports", types: []string{imports.TaskValidate, imports.TaskRun},
			produce: func(ctx context.Context, round int) error {
				// Confirm the checked ones (as the person would), then upload a new file every
				// few rounds.
				if err := s.confirmImports(); err != nil {
					return err
				}
				if round%4 != 0 {
					return nil
				}
				var b strings.Builder
				b.WriteString(strings.Join(imports.ProgramColumns, ",") + "\n")
				for i := 0; i < 15; i++ {
					fmt.Fprintf(&b, "Soak %d program %02d,Home visiting,Franklin,English,DCY,%d,no,Personnel,1000\n", round, i, fy)
				}
				imp, err := s.app.Imports.Upload(ohio(), imports.KindPrograms, "soak.csv", []byte(b.String()))
				if err != nil {
					return err
				}
				s.mu.Lock()
				s.imports = append(s.imports, imp.ID)
				s.mu.Unlock()
				return nil
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				_ = s.confirmImports()
				s.mu.Lock()
				ids := append([]string(nil), s.imports...)
				s.mu.Unlock()
				lost, dup := 0, 0
				var statuses []string
				for _, id := range ids {
					imp, err := s.app.Imports.Store().Get(ohio(), id, false)
					if err != nil || imp.Status != imports.StatusDone {
						lost++
						if imp != nil {
							statuses = append(statuses, imp.Status)
						}
						continue
					}
					if n := s.auditCount(ctx, "import.run", id); n > 1 {
						dup += n - 1
					}
				}
				// Every program once: 15 a file.
				programs64, _ := s.app.DB.NewSelect().TableExpr("organisations").
					Where("tenant_id = ? AND name LIKE 'Soak % program %'", s.tenant["ohio"].TenantID).Count(ctx)
				programs := int(programs64)
				want := 0
				for range ids {
					want += 15
				}
				if programs > want {
					dup += programs - want
				}
				return len(ids), lost, dup, 0, fmt.Sprintf("%d programs written for %d in the files; not done: %v", programs, want, statuses)
			},
		},
		{
			// The tenant's full export, a report run of kind tenant_export (built by runs:build):
			// each asked for must end ready with its zip in storage, built once.
			name: "exports", types: []string{runs.TaskBuild},
			produce: func(ctx context.Context, round int) error {
				if round%6 != 0 {
					return nil
				}
				for _, slug := range s.slugs() {
					r, created, err := s.app.Exports.Request(s.scoped(slug))
					if err != nil {
						return err
					}
					if created {
						s.mu.Lock()
						s.exports = append(s.exports, r.ID)
						s.mu.Unlock()
					}
				}
				return nil
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				s.mu.Lock()
				ids := append([]string(nil), s.exports...)
				s.mu.Unlock()
				lost, dup := 0, 0
				for _, id := range ids {
					r := new(runs.Run)
					err := s.app.DB.NewSelect().Model(r).Where("rr.id = ? AND rr.kind = ?", id, exports.KindName).Scan(ctx)
					if err != nil || r.Status != runs.StatusReady || r.SizeBytes == 0 {
						lost++
						continue
					}
					if rc, err := s.app.Storage.Get(ctx, r.FileKey); err != nil {
						lost++
						continue
					} else {
						rc.Close()
					}
					dup += max(s.auditCount(ctx, "run.ready", id)-1, 0)
				}
				return len(ids), lost, dup, 0, "each ready with its zip in storage, once"
			},
		},
		{
			// Report runs: the amendment documents that amendments:apply starts (each must be
			// ready with its file, built once), and runs of a kind the worker does not know
			// (each must end failed, saying so, with one audit event), however often the task
			// ran or wherever the worker was killed.
			// Every other one is queued under the build task's old name (runs:build), as an
			// older version left it in Redis: the same handler must build it.
			name: "report runs", types: []string{runs.TaskBuild, runs.TaskBuildOld},
			produce: func(ctx context.Context, round int) error {
				if round%6 != 3 {
					return nil
				}
				r := &runs.Run{ID: database.NewID(), Kind: "soak_unregistered", Params: "{}", Status: runs.StatusQueued, CreatedAt: database.Now()}
				r.TenantID = s.tenant["ohio"].TenantID
				if _, err := s.app.DB.NewInsert().Model(r).Exec(ctx); err != nil {
					return err
				}
				s.setup(runs.TaskBuild, r.ID)
				typ := runs.TaskBuild
				if round%12 == 9 {
					typ = runs.TaskBuildOld
				}
				return s.enqueue(ctx, typ, runs.BuildPayload{Tenant: jobs.Tenant{TenantID: r.TenantID}, RunID: r.ID})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(runs.TaskBuild)
				askedOld, notDoneOld := s.tasksNotDone(runs.TaskBuildOld)
				asked, notDone = asked+askedOld, notDone+notDoneOld
				ids := s.setupOf(runs.TaskBuild)
				left, _ := s.app.DB.NewSelect().Model((*runs.Run)(nil)).
					Where("rr.id IN (?) AND (rr.status <> ? OR rr.problem = '')", bunIn(ids), runs.StatusFailed).Count(ctx)
				dup := 0
				for _, id := range ids {
					dup += max(s.auditCount(ctx, "run.failed", id)-1, 0)
				}
				// The amendment documents amendments:apply started: each built once, its PDF kept.
				var docs []runs.Run
				_ = s.app.DB.NewSelect().Model(&docs).Where("rr.kind = 'amendment_document'").Scan(ctx)
				docsLeft, noFile := 0, 0
				for _, d := range docs {
					if d.Status != runs.StatusReady {
						docsLeft++
						continue
					}
					if rc, err := s.app.Storage.Get(ctx, d.FileKey); err != nil {
						noFile++
					} else {
						rc.Close()
					}
					dup += max(s.auditCount(ctx, "run.ready", d.ID)-1, 0)
				}
				return asked + len(docs), notDone + int(left) + docsLeft + noFile, dup, 0,
					fmt.Sprintf("runs not finished with their problem: %d; amendment PDFs: %d, not ready %d, without their file %d", left, len(docs), docsLeft, noFile)
			},
		},
		{
			// Issue 12: an import's problems file, a report run (import_problems) asked for once
			// the worker has found the file's problems (imports:validate): each must end ready
			// with its CSV in storage, built once.
			name: "import problems", types: []string{imports.TaskValidate, runs.TaskBuild},
			produce: func(ctx context.Context, round int) error {
				if err := s.askProblems(); err != nil {
					return err
				}
				if round%6 != 5 {
					return nil
				}
				bad := "email,name,role,organisation\n" + fmt.Sprintf("soak-%d-not-an-email,,consultant,\n", round)
				imp, err := s.app.Imports.Upload(ohio(), imports.KindPeople, "soak-bad.csv", []byte(bad))
				if err != nil {
					return err
				}
				s.mu.Lock()
				s.badImports = append(s.badImports, imp.ID)
				s.mu.Unlock()
				return nil
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				_ = s.askProblems()
				s.mu.Lock()
				ids := append([]string(nil), s.badImports...)
				asked := map[string]string{}
				for k, v := range s.problemRuns {
					asked[k] = v
				}
				s.mu.Unlock()
				lost, dup, notAsked := 0, 0, 0
				for _, id := range ids {
					runID, ok := asked[id]
					if !ok {
						lost++
						notAsked++
						continue
					}
					r := new(runs.Run)
					err := s.app.DB.NewSelect().Model(r).Where("rr.id = ? AND rr.kind = ?", runID, imports.ProblemsKind).Scan(ctx)
					if err != nil || r.Status != runs.StatusReady || r.SizeBytes == 0 {
						lost++
						continue
					}
					if rc, err := s.app.Storage.Get(ctx, r.FileKey); err != nil {
						lost++
						continue
					} else {
						rc.Close()
					}
					dup += max(s.auditCount(ctx, "run.ready", runID)-1, 0)
				}
				return len(ids), lost, dup, 0, fmt.Sprintf("files not yet checked or asked for: %d; each problems file ready with its CSV, once", notAsked)
			},
		},
		{
			name: "report runs expire", types: []string{runs.TaskExpire},
			produce: func(ctx context.Context, round int) error {
				if round%10 != 7 {
					return nil
				}
				past := database.Now().Add(-time.Hour)
				r := &runs.Run{ID: database.NewID(), Kind: "soak_report", Params: "{}", Status: runs.StatusReady, FileName: "soak.txt",
					ContentType: "text/plain", SizeBytes: 4, CreatedAt: past, FinishedAt: &past, ExpiresAt: &past}
				r.TenantID = s.tenant["ohio"].TenantID
				r.FileKey = r.TenantID + "/runs/" + r.ID + "/" + database.NewID()
				if err := s.app.Storage.Put(ctx, r.FileKey, strings.NewReader("soak"), 4, "text/plain"); err != nil {
					return err
				}
				if _, err := s.app.DB.NewInsert().Model(r).Exec(ctx); err != nil {
					return err
				}
				s.setup(runs.TaskExpire, r.ID+" "+r.FileKey)
				return s.enqueue(ctx, runs.TaskExpire, jobs.Tenant{})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(runs.TaskExpire)
				var ids []string
				kept := 0
				for _, v := range s.setupOf(runs.TaskExpire) {
					id, key, _ := strings.Cut(v, " ")
					ids = append(ids, id)
					if rc, err := s.app.Storage.Get(ctx, key); err == nil {
						rc.Close()
						kept++
					}
				}
				left, _ := s.app.DB.NewSelect().Model((*runs.Run)(nil)).
					Where("rr.id IN (?) AND rr.status <> ?", bunIn(ids), runs.StatusExpired).Count(ctx)
				return asked, notDone + int(left) + kept, 0, 0, fmt.Sprintf("runs not expired: %d, files still kept: %d", left, kept)
			},
		},
		{
			name: "accounts purge", types: []string{accounts.TaskPurge},
			produce: func(ctx context.Context, round int) error {
				if round%10 != 2 {
					return nil
				}
				old := database.Now().Add(-72 * time.Hour)
				r := &accounts.PasswordReset{ID: database.NewID(), UserID: s.tenant["ohio"].UserID, CreatedAt: old, ExpiresAt: old.Add(time.Hour)}
				if _, err := s.app.DB.NewInsert().Model(r).Exec(ctx); err != nil {
					return err
				}
				s.setup(accounts.TaskPurge, r.ID)
				return s.enqueue(ctx, accounts.TaskPurge, jobs.Tenant{})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(accounts.TaskPurge)
				left, _ := s.app.DB.NewSelect().Model((*accounts.PasswordReset)(nil)).Where("pr.id IN (?)", bunIn(s.setupOf(accounts.TaskPurge))).Count(ctx)
				return asked, notDone + int(left), 0, 0, fmt.Sprintf("old reset links left: %d", left)
			},
		},
		{
			name: "tenants purge", types: []string{tenants.TaskPurge},
			produce: func(ctx context.Context, round int) error {
				if round%10 != 4 {
					return nil
				}
				slug := "soak-" + dbtest.RandomHex(4)
				tn := &tenants.Tenant{Slug: slug, Name: "Soak " + slug, Kind: tenants.KindStateSystem, State: "OH",
					Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/New_York"}
				if err := s.app.Tenants.Store().CreateTenant(ctx, tn); err != nil {
					return err
				}
				past := database.Now().Add(-31 * 24 * time.Hour)
				due := database.Now().Add(-time.Minute)
				if _, err := s.app.DB.NewUpdate().Model((*tenants.Tenant)(nil)).Set("deleted_at = ?", past).Set("purge_after = ?", due).
					Where("t.id = ?", tn.ID).Exec(ctx); err != nil {
					return err
				}
				s.setup(tenants.TaskPurge, tn.ID)
				return s.enqueue(ctx, tenants.TaskPurge, jobs.Tenant{})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(tenants.TaskPurge)
				left, _ := s.app.DB.NewSelect().Model((*tenants.Tenant)(nil)).Where("t.id IN (?)", bunIn(s.setupOf(tenants.TaskPurge))).Count(ctx)
				return asked, notDone + int(left), 0, 0, fmt.Sprintf("deleted tenants left: %d", left)
			},
		},
		{
			name: "consultant requests cleanup", types: []string{consultants.TaskCleanupRequests},
			produce: func(ctx context.Context, round int) error {
				if round%10 != 6 {
					return nil
				}
				old := database.Now().Add(-consultants.RequestLinkLifetime - time.Hour)
				r := &consultants.Request{ID: database.NewID(), OrganisationName: "Soak", ContactName: "Soak", ContactEmail: "soak@soak.example",
					Status: consultants.RequestUnconfirmed, CreatedAt: old, UpdatedAt: old}
				r.TenantID = s.tenant["ohio"].TenantID
				if _, err := s.app.DB.NewInsert().Model(r).Exec(ctx); err != nil {
					return err
				}
				s.setup(consultants.TaskCleanupRequests, r.ID)
				return s.enqueue(ctx, consultants.TaskCleanupRequests, jobs.Tenant{})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(consultants.TaskCleanupRequests)
				left, _ := s.app.DB.NewSelect().Model((*consultants.Request)(nil)).Where("cr.id IN (?)", bunIn(s.setupOf(consultants.TaskCleanupRequests))).Count(ctx)
				return asked, notDone + int(left), 0, 0, fmt.Sprintf("expired unconfirmed requests left: %d", left)
			},
		},
		{
			name: "credential reminders", types: []string{credentials.TaskRemind},
			produce: func(ctx context.Context, round int) error {
				if round%10 != 8 {
					return nil
				}
				if round%20 == 8 {
					return s.enqueue(ctx, credentials.TaskRemind, jobs.Tenant{}) // every tenant, as the scheduler does
				}
				return s.enqueue(ctx, credentials.TaskRemind, jobs.Tenant{TenantID: s.tenant["ohio"].TenantID})
			},
			check: func(ctx context.Context) (int, int, int, int, string) {
				asked, notDone := s.tasksNotDone(credentials.TaskRemind)
				// Each reminder once: no (recipient, subject) written twice.
				var rows []struct {
					To      string `bun:"to_addr"`
					Subject string `bun:"subject"`
					N       int    `bun:"n"`
				}
				_ = s.app.DB.NewSelect().Model((*mail.Email)(nil)).ColumnExpr("to_addr, subject, count(*) AS n").
					Where("subject LIKE 'Reminder:%'").Group("to_addr", "subject").Scan(ctx, &rows)
				dup, total := 0, 0
				for _, r := range rows {
					total += r.N
					dup += r.N - 1
				}
				ids := s.emailIDs("Reminder:")
				_, lost, mdup, allowed, _ := s.mailCheck(ctx, ids)
				return asked, notDone + lost, dup + mdup, allowed, fmt.Sprintf("tasks not completed %d; %d reminders written, %d delivered twice", notDone, total, mdup)
			},
		},
		// app/amendments: each task queued twice for each amendment (and killed at random): one
		// effect each (see amendmentKind below).
		s.amendmentKind("amendment step opened", amendments.TaskStepOpened, amendments.StatusSubmitted, 1_000_000, 30, "opened:1:0"),
		s.amendmentKind("amendment apply", amendments.TaskApply, amendments.StatusApproved, 2_000_000, 30, "applied-mail"),
		s.amendmentKind("amendment sweep", amendments.TaskSweep, amendments.StatusSubmitted, 3_000_000, -10, "overdue:1:0"),
	}, s.billingKinds()...)
}

// soakAmendments counts the amendments the soak writes (their numbers are a kind's base + n).
var soakAmendments atomic.Int64

// amendmentKind is one of the amendments' tasks: every few rounds an amendment of ohio (status,
// its step due in dueIn days) is written on one of its fundings and the task queued twice for
// it (the sweep with no tenant, as the scheduler does). Each amendment must end with its marker
// (the effect's, written with it), one budget version when applied, and each email once.
func (s *soak) amendmentKind(name, typ, status string, base, dueIn int, marker string) soakKind {
	return soakKind{
		name: name, types: []string{typ},
		produce: func(ctx context.Context, round int) error {
			if round%6 != base/1_000_000 {
				return nil
			}
			id, err := s.soakAmendment(ctx, status, base, dueIn)
			if err != nil {
				return err
			}
			s.setup(typ, id)
			p := amendments.TaskPayload{Tenant: jobs.Tenant{TenantID: s.tenant["ohio"].TenantID}, AmendmentID: id, Version: 1}
			if typ == amendments.TaskSweep {
				p = amendments.TaskPayload{}
			}
			for i := 0; i < 2; i++ {
				if err := s.enqueue(ctx, typ, p); err != nil {
					return err
				}
			}
			return nil
		},
		check: func(ctx context.Context) (int, int, int, int, string) {
			_, notDone := s.tasksNotDone(typ)
			ids := s.setupOf(typ)
			unmarked, _ := s.app.DB.NewSelect().TableExpr("amendments AS am").
				Where("am.id IN (?) AND NOT EXISTS (SELECT 1 FROM amendment_events AS ev WHERE ev.tenant_id = am.tenant_id AND ev.amendment_id = am.id AND ev.event = ?)",
					bunIn(ids), marker).Count(ctx)
			lost, dup := notDone+int(unmarked), 0
			note := fmt.Sprintf("tasks not completed %d; without %q: %d", notDone, marker, unmarked)
			if typ == amendments.TaskApply {
				var versions []struct {
					AmendmentID string `bun:"amendment_id"`
					N           int    `bun:"n"`
				}
				_ = s.app.DB.NewSelect().TableExpr("budget_versions").ColumnExpr("amendment_id, count(*) AS n").
					Where("amendment_id IN (?)", bunIn(ids)).Group("amendment_id").Scan(ctx, &versions)
				for _, v := range versions {
					dup += v.N - 1
				}
				lost += len(ids) - len(versions)
				note += fmt.Sprintf("; %d budget versions for %d amendments", len(versions), len(ids))
			}
			mailIDs, mailDup := s.amendmentMail(ctx, base)
			_, mlost, mdup, allowed, _ := s.mailCheck(ctx, mailIDs)
			note += fmt.Sprintf("; %d emails, %d written twice, %d delivered twice", len(mailIDs), mailDup, mdup)
			if len(mailIDs) == 0 && len(ids) > 0 {
				lost++
			}
			return len(ids), lost + mlost, dup + mailDup + mdup, allowed, note
		},
	}
}

// soakAmendment writes an amendment of ohio on one of its fundings (in turn), its lines those of
// the funding (amounts unchanged), with one step that the funder's people decide.
func (s *soak) soakAmendment(ctx context.Context, status string, base, dueIn int) (string, error) {
	tenantID := s.tenant["ohio"].TenantID
	var fundings []programs.Funding
	if err := s.app.DB.NewSelect().Model(&fundings).Where("f.tenant_id = ?", tenantID).OrderExpr("f.id").Scan(ctx); err != nil {
		return "", err
	}
	if len(fundings) == 0 {
		return "", fmt.Errorf("ohio has no funding")
	}
	n := soakAmendments.Add(1)
	f := fundings[int(n)%len(fundings)]
	var lines []programs.BudgetLine
	if err := s.app.DB.NewSelect().Model(&lines).Where("bl.tenant_id = ? AND bl.funding_id = ?", tenantID, f.ID).
		OrderExpr("bl.position").Scan(ctx); err != nil {
		return "", err
	}
	now := database.Now()
	a := &amendments.Amendment{ID: database.NewID(), Number: base + int(n), FundingID: f.ID, ProgramID: f.ProgramID, FunderID: f.FunderID,
		Status: status, Class: amendments.ClassApproval, Version: 1,
		Steps:        []amendments.StepSnapshot{{Name: "Soak review", Decider: amendments.DeciderFunder, ResponseDays: 30}},
		StepOpenedAt: &now, StepDueOn: now.AddDate(0, 0, dueIn).Format(time.DateOnly), EffectiveOn: now.Format(time.DateOnly),
		Justification: "Soak", CreatedBy: s.tenant["ohio"].UserID, CreatedAt: now, UpdatedAt: now, SubmittedAt: &now}
	a.TenantID = tenantID
	for i, l := range lines {
		al := amendments.Line{AmendmentID: a.ID, Position: i, BudgetLineID: l.ID, Category: l.Category,
			CurrentCents: money.Cents(l.AmountCents), ProposedCents: money.Cents(l.AmountCents)}
		al.TenantID = tenantID
		a.Lines = append(a.Lines, al)
		a.BeforeCents += al.CurrentCents
	}
	a.AfterCents = a.BeforeCents
	if _, err := s.app.DB.NewInsert().Model(a).Exec(ctx); err != nil {
		return "", err
	}
	if len(a.Lines) > 0 {
		if _, err := s.app.DB.NewInsert().Model(&a.Lines).Exec(ctx); err != nil {
			return "", err
		}
	}
	return a.ID, nil
}

var amendmentNumber = regexp.MustCompile(`udget amendment (\d+)`)

// amendmentMail lists the emails about the soak's amendments numbered from base (to base +
// 1,000,000), and how many of them repeat a (recipient, subject) already written.
func (s *soak) amendmentMail(ctx context.Context, base int) (ids []string, dup int) {
	var rows []struct {
		ID      string `bun:"id"`
		To      string `bun:"to_addr"`
		Subject string `bun:"subject"`
	}
	_ = s.app.DB.NewSelect().Model((*mail.Email)(nil)).Column("id", "to_addr", "subject").
		Where("subject LIKE '%udget amendment %'").Scan(ctx, &rows)
	seen := map[string]bool{}
	for _, r := range rows {
		m := amendmentNumber.FindStringSubmatch(r.Subject)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n < base || n >= base+1_000_000 {
			continue
		}
		ids = append(ids, r.ID)
		if k := r.To + "\x00" + r.Subject; seen[k] {
			dup++
		} else {
			seen[k] = true
		}
	}
	return ids, dup
}

func bunIn(ids []string) any {
	if len(ids) == 0 {
		ids = []string{""}
	}
	return bun.In(ids)
}

// emailIDs lists the emails whose subject starts with prefix.
func (s *soak) emailIDs(prefix string) []string {
	var ids []string
	_ = s.app.DB.NewSelect().Model((*mail.Email)(nil)).Column("id").Where("subject LIKE ?", prefix+"%").Scan(context.Background(), &ids)
	return ids
}

// confirmImports confirms every import the worker has checked, as the person would.
func (s *soak) confirmImports() error {
	s.mu.Lock()
	ids := append([]string(nil), s.imports...)
	s.mu.Unlock()
	ctx := s.scoped("ohio")
	for _, id := range ids {
		imp, err := s.app.Imports.Store().Get(ctx, id, false)
		if err != nil {
			return err
		}
		switch imp.Status {
		case imports.StatusValid:
			if _, err := s.app.Imports.Confirm(ctx, id); err != nil {
				return err
			}
		case imports.StatusInvalid, imports.StatusFailed:
			return fmt.Errorf("import %s is %s: %v", id, imp.Status, imp.Problems)
		}
	}
	return nil
}

// askProblems asks for the problems file of each bad import the worker has checked, as the
// person would on its page.
func (s *soak) askProblems() error {
	s.mu.Lock()
	var ids []string
	for _, id := range s.badImports {
		if _, ok := s.problemRuns[id]; !ok {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	ctx := s.scoped("ohio")
	for _, id := range ids {
		imp, err := s.app.Imports.Store().Get(ctx, id, false)
		if err != nil {
			return err
		}
		switch imp.Status {
		case imports.StatusValidating:
			continue
		case imports.StatusInvalid:
		default:
			return fmt.Errorf("bad import %s is %s, want invalid", id, imp.Status)
		}
		r, _, err := s.app.Imports.RequestProblems(ctx, id)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.problemRuns[id] = r.ID
		s.mu.Unlock()
	}
	return nil
}

func (s *soak) auditCount(ctx context.Context, action, recordID string) int {
	n, _ := s.app.DB.NewSelect().TableExpr("audit_events").Where("action = ? AND record_id = ?", action, recordID).Count(ctx)
	return int(n)
}
