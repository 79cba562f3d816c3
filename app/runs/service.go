package runs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/storage"
)

// Task types.
const (
	TaskBuild  = "reports:build" // build one run's file (the task id is the run's id)
	TaskExpire = "runs:expire"   // delete the files of runs past their expiry (every hour)
	// TaskBuildOld is the build task's name before issue 12. Tasks an older version queued
	// under it may still wait in Redis after an upgrade: the same handler builds them.
	TaskBuildOld = "runs:build"
)

// Tuning of the build task.
const (
	// BuildTimeout is how long one attempt may take.
	BuildTimeout = 30 * time.Minute
	// MaxRetry is how many times a failed attempt is tried again before the run is failed.
	MaxRetry = 3
	// StallAfter is how long a run may wait or build without moving before its page queues
	// its task again (the task was lost: Redis was flushed, say). Building twice is safe.
	StallAfter = BuildTimeout + 5*time.Minute
	// progressEvery is how often, at most, a build's progress is written.
	progressEvery = 500 * time.Millisecond
)

// Kind is one kind of run: how its file is built and who may see it.
type Kind struct {
	Name  string // "amendment_document"
	Label string // "Budget amendment document", for pages and audit details
	// Build writes the file to w, reporting progress; it returns the download's file name and
	// content type. It runs in the run's tenant scope (no user). It may run twice (at least
	// once): it must not have effects besides writing w.
	Build func(ctx context.Context, r *Run, w io.Writer, progress func(done, total int)) (fileName, contentType string, err error)
	// MaySee reports whether the person in ctx may see and download r (false: not found).
	// Required.
	MaySee func(ctx context.Context, r *Run) (bool, error)
	// Lifetime is how long the file is kept after it is built; 0 keeps it (no expiry).
	Lifetime time.Duration
	// Back, optional, is the link the run's page offers back to what the run is about: its
	// words ("Back to amendment 12") and its path inside the tenant ("amendments/<id>").
	Back func(r *Run) (label, path string)
}

// Service is report runs.
type Service struct {
	db    *bun.DB
	audit *audit.Log
	queue *jobs.Queue
	files storage.Store
	now   func() time.Time

	mu    sync.RWMutex
	kinds map[string]Kind
}

// NewService returns the service. Kinds are added with Register.
func NewService(db *bun.DB, log *audit.Log, q *jobs.Queue, files storage.Store) *Service {
	return &Service{db: db, audit: log, queue: q, files: files, now: database.Now, kinds: map[string]Kind{}}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Register adds a kind. A kind without a name, Build or MaySee, or registered twice, is a bug:
// it panics.
func (s *Service) Register(k Kind) {
	if k.Name == "" || k.Build == nil || k.MaySee == nil {
		panic("runs: a kind needs a Name, Build and MaySee")
	}
	if k.Label == "" {
		k.Label = k.Name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.kinds[k.Name]; dup {
		panic("runs: kind " + k.Name + " registered twice")
	}
	s.kinds[k.Name] = k
}

// Kind returns the registered kind called name.
func (s *Service) Kind(name string) (Kind, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.kinds[name]
	return k, ok
}

// Label is the plain name of a kind ("Budget amendment document"), or "Report" for a kind
// no longer registered.
func (s *Service) Label(kind string) string {
	if k, ok := s.Kind(kind); ok {
		return k.Label
	}
	return "Report"
}

// BuildPayload names the run to build.
type BuildPayload struct {
	jobs.Tenant
	RunID string `json:"run_id"`
}

// Start records a queued run of kind for subjectID with params (JSON-encoded; nil is {}),
// requested by the person in ctx (or "" in a task), and queues reports:build once it commits (the
// task id is the run's id). It joins ctx's transaction if there is one.
func (s *Service) Start(ctx context.Context, kind, subjectID string, params any) (*Run, error) {
	k, ok := s.Kind(kind)
	if !ok {
		return nil, apperr.Errorf(apperr.EINTERNAL, "runs: no kind %q is registered", kind)
	}
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	p := "{}"
	if params != nil {
		b, err := json.Marshal(params)
		if err != nil {
			return nil, fmt.Errorf("runs: %s parameters: %w", kind, err)
		}
		p = string(b)
	}
	r := &Run{ID: database.NewID(), Kind: kind, SubjectID: subjectID, Params: p, RequestedBy: sc.UserID,
		Status: StatusQueued, CreatedAt: s.now()}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		if _, err := t.Insert(r).Exec(ctx); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, "run.start", "run", r.ID, k.Label); err != nil {
			return err
		}
		database.AfterCommit(ctx, func(ctx context.Context) { _ = s.enqueue(ctx, sc.TenantID, r.ID) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// enqueue queues the build of a run, once: the task id is the run's id, and a task already
// queued under it is left as it is. A lost task is queued again by the run's page (stalled).
func (s *Service) enqueue(ctx context.Context, tenantID, id string) error {
	if s.queue == nil {
		return nil
	}
	err := s.queue.Enqueue(ctx, TaskBuild, BuildPayload{Tenant: jobs.Tenant{TenantID: tenantID}, RunID: id},
		asynq.TaskID(id), asynq.Timeout(BuildTimeout), asynq.MaxRetry(MaxRetry))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// requeueStalled queues again the task of a run that has waited or built longer than
// StallAfter without finishing, and reports whether it did.
func (s *Service) requeueStalled(ctx context.Context, r *Run) bool {
	if !r.Working() {
		return false
	}
	since := r.CreatedAt
	if r.StartedAt != nil && r.StartedAt.After(since) {
		since = *r.StartedAt
	}
	if s.now().Sub(since) < StallAfter {
		return false
	}
	return s.enqueue(ctx, r.TenantID, r.ID) == nil
}

// selectRuns starts a query on the tenant's runs with the requester's name.
func (s *Service) selectRuns(ctx context.Context, dest any) (*bun.SelectQuery, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	return t.Select(dest).ColumnExpr("rr.*").ColumnExpr("COALESCE(u.name, '') AS requester_name").
		Join("LEFT JOIN users AS u ON u.id = rr.requested_by"), nil
}

// get returns a run of the tenant of ctx, whoever may see it, or ENOTFOUND.
func (s *Service) get(ctx context.Context, id string) (*Run, error) {
	if !database.IsID(id) {
		return nil, apperr.NotFound("report")
	}
	r := new(Run)
	q, err := s.selectRuns(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := q.Where("rr.id = ?", id).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFound("report")
		}
		return nil, err
	}
	return r, nil
}

// Run returns a run the person in ctx may see (its kind's MaySee says so), or ENOTFOUND.
func (s *Service) Run(ctx context.Context, id string) (*Run, error) {
	r, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	k, ok := s.Kind(r.Kind)
	if !ok {
		return nil, apperr.NotFound("report")
	}
	may, err := k.MaySee(ctx, r)
	if err != nil {
		return nil, err
	}
	if !may {
		return nil, apperr.NotFound("report")
	}
	return r, nil
}

// Latest returns the newest run of kind for subjectID, whoever may see it (the caller decides
// what to show), or nil, nil when there is none.
func (s *Service) Latest(ctx context.Context, kind, subjectID string) (*Run, error) {
	r := new(Run)
	q, err := s.selectRuns(ctx, r)
	if err != nil {
		return nil, err
	}
	err = q.Where("rr.kind = ? AND rr.subject_id = ?", kind, subjectID).OrderExpr("rr.created_at DESC, rr.id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Mine returns the runs the person in ctx asked for, newest first, at most limit: only those
// of a kind still registered whose MaySee still lets them see it (a role that changed since
// does not keep its old files). Nobody in a task has runs of their own.
func (s *Service) Mine(ctx context.Context, limit int) ([]Run, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.UserID == "" || limit <= 0 {
		return nil, nil
	}
	var out []Run
	// Read a page at a time, in case some are hidden: a few pages at most.
	for offset, pages := 0, 0; len(out) < limit && pages < 5; offset, pages = offset+limit, pages+1 {
		var page []Run
		q, err := s.selectRuns(ctx, &page)
		if err != nil {
			return nil, err
		}
		if err := q.Where("rr.requested_by = ?", sc.UserID).OrderExpr("rr.created_at DESC, rr.id DESC").
			Limit(int64(limit)).Offset(int64(offset)).Scan(ctx); err != nil {
			return nil, err
		}
		for i := range page {
			k, ok := s.Kind(page[i].Kind)
			if !ok {
				continue
			}
			may, err := k.MaySee(ctx, &page[i])
			if err != nil {
				return nil, err
			}
			if may && len(out) < limit {
				out = append(out, page[i])
			}
		}
		if len(page) < limit {
			break
		}
	}
	return out, nil
}

// Build builds a run's file: the reports:build task. It is safe to run twice and to be killed
// midway: a ready (or expired) run is left alone; every attempt streams into a fresh storage
// key that it records first, deleting the key of the attempt before it (killed midway, or
// whose recording was lost), and only the attempt whose key is still recorded marks the run
// ready, so one file is kept. A failed attempt deletes what it wrote; inside the task with
// retries left the run waits again (its page says an attempt failed), otherwise it is failed
// with the problem in plain words and the error is returned. A failed run is built again when
// Build is called for it again.
func (s *Service) Build(ctx context.Context, id string) error {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	r, err := s.get(ctx, id)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil // deleted with its tenant
	}
	if err != nil {
		return err
	}
	if r.Status == StatusReady || r.Status == StatusExpired {
		return nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	k, ok := s.Kind(r.Kind)
	if !ok {
		// Nothing will ever build it: fail it for good.
		return s.finishFailed(ctx, r, r.FileKey, "Holdspace no longer builds this kind of report. Ask for it again from the page you asked on.", nil)
	}

	// The attempt's key, recorded before a byte is written, so the next attempt can delete it.
	key := path.Join(sc.TenantID, "runs", r.ID, database.NewID())
	res, err := t.Update((*Run)(nil)).Set("status = ?", StatusBuilding).Set("file_key = ?", key).
		Set("done = 0").Set("total = 0").Set("size_bytes = 0").Set("started_at = ?", s.now()).
		Where("rr.id = ? AND rr.status = ? AND rr.file_key = ?", r.ID, r.Status, r.FileKey).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil // another attempt moved it first: it builds the file
	}
	if r.FileKey != "" {
		if err := s.files.Delete(ctx, r.FileKey); err != nil {
			return s.attemptFailed(ctx, r, key, err)
		}
	}

	// The kind writes into a pipe that storage reads as it uploads: the file is never whole in
	// memory. The kind runs in the tenant's scope without the person who asked.
	pr, pw := io.Pipe()
	putDone := make(chan error, 1)
	go func() {
		err := s.files.Put(ctx, key, pr, -1, "application/octet-stream")
		pr.CloseWithError(err) // a kind still writing gets the upload's error
		putDone <- err
	}()
	cw := &countingWriter{w: pw}
	var last time.Time
	progress := func(done, total int) {
		if time.Since(last) < progressEvery && (total <= 0 || done < total) {
			return
		}
		last = time.Now()
		done, total = max(done, 0), max(total, 0)
		if total > 0 {
			done = min(done, total)
		}
		_, _ = t.Update((*Run)(nil)).Set("done = ?", done).Set("total = ?", total).
			Where("rr.id = ? AND rr.status = ? AND rr.file_key = ?", r.ID, StatusBuilding, key).Exec(ctx)
	}
	kctx := database.WithScope(ctx, database.Scope{TenantID: sc.TenantID, TenantSlug: sc.TenantSlug})
	fileName, contentType, berr := callBuild(kctx, k, r, cw, progress)
	if berr != nil {
		pw.CloseWithError(berr)
	} else {
		pw.Close()
	}
	perr := <-putDone
	if berr == nil && perr != nil {
		berr = fmt.Errorf("runs: storing %s: %w", r.ID, perr)
	}
	if berr != nil {
		_ = s.files.Delete(context.WithoutCancel(ctx), key)
		return s.attemptFailed(ctx, r, key, berr)
	}

	fileName = cleanFileName(fileName, k.Name)
	contentType = cleanContentType(contentType)
	won := false
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		now := s.now()
		q := t.Update((*Run)(nil)).Set("status = ?", StatusReady).Set("file_name = ?", fileName).
			Set("content_type = ?", contentType).Set("size_bytes = ?", cw.n).Set("problem = ''").
			Set("finished_at = ?", now).Set("done = CASE WHEN total > 0 THEN total ELSE done END")
		detail := fmt.Sprintf("%s: %s, %s", k.Label, fileName, SizeText(cw.n))
		if k.Lifetime > 0 {
			expires := now.Add(k.Lifetime)
			q = q.Set("expires_at = ?", expires)
			detail += ", kept until " + expires.UTC().Format("January 2, 2006 15:04 UTC")
		}
		res, err := q.Where("rr.id = ? AND rr.status = ? AND rr.file_key = ?", r.ID, StatusBuilding, key).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // another attempt took over: its file is the run's
		}
		won = true
		return s.audit.Record(ctx, "run.ready", "run", r.ID, detail)
	})
	if err != nil || !won {
		_ = s.files.Delete(context.WithoutCancel(ctx), key)
	}
	return err
}

// callBuild runs the kind's Build, turning a panic into an error (the pipe must be closed).
func callBuild(ctx context.Context, k Kind, r *Run, w io.Writer, progress func(done, total int)) (name, ct string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("runs: %s panicked: %v", k.Name, p)
		}
	}()
	return k.Build(ctx, r, w, progress)
}

// attemptFailed records a failed attempt whose file is already deleted: with retries left in
// the task, the run waits again with the problem shown; otherwise it is failed. It returns err.
func (s *Service) attemptFailed(ctx context.Context, r *Run, key string, err error) error {
	problem := problemText(err)
	retried, ok1 := asynq.GetRetryCount(ctx)
	maxRetry, ok2 := asynq.GetMaxRetry(ctx)
	if ok1 && ok2 && retried < maxRetry && !errors.Is(err, asynq.SkipRetry) {
		t, terr := database.For(ctx, s.db)
		if terr == nil {
			_, _ = t.Update((*Run)(nil)).Set("status = ?", StatusQueued).Set("file_key = ''").Set("problem = ?", problem).
				Where("rr.id = ? AND rr.status = ? AND rr.file_key = ?", r.ID, StatusBuilding, key).Exec(ctx)
		}
		return err
	}
	if ferr := s.finishFailed(ctx, r, key, problem, err); ferr != err {
		return errors.Join(err, ferr)
	}
	return err
}

// finishFailed fails the run for good (if its status is still that of the attempt holding
// key), with the audit event, and returns err (or the error of recording it).
func (s *Service) finishFailed(ctx context.Context, r *Run, key, problem string, err error) error {
	ferr := database.InTx(ctx, s.db, func(ctx context.Context) error {
		t, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		res, err := t.Update((*Run)(nil)).Set("status = ?", StatusFailed).Set("file_key = ''").Set("problem = ?", problem).
			Set("finished_at = ?", s.now()).
			Where("rr.id = ? AND rr.status IN (?) AND rr.file_key = ?", r.ID, bun.In([]string{StatusQueued, StatusBuilding}), key).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		return s.audit.Record(ctx, "run.failed", "run", r.ID, s.Label(r.Kind)+": "+problem)
	})
	if ferr != nil {
		return ferr
	}
	return err
}

// problemText is why a run failed, for the person who asked: an application error's own
// message, or a plain sentence for anything else (the error itself goes to the worker's log).
func problemText(err error) string {
	if c := apperr.Code(err); c != apperr.EINTERNAL && c != "" {
		return apperr.Message(err)
	}
	return "Something went wrong on our side while the file was being built. It has been logged. Ask for it again; if it fails again, tell your administrator."
}

// Open opens a ready run's file. Errors: ENOTFOUND saying so when the run has expired, is not
// ready, or its file is gone.
func (s *Service) Open(ctx context.Context, r *Run) (io.ReadCloser, error) {
	label := s.Label(r.Kind)
	switch {
	case r.Expired():
		when := ""
		if r.ExpiresAt != nil {
			when = " on " + r.ExpiresAt.UTC().Format("January 2, 2006 at 15:04 UTC")
		}
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "This " + lowerFirst(label) + " expired" + when +
			" and its file has been deleted. Ask for it again from the page you asked for it on."}
	case r.Status != StatusReady || r.FileKey == "":
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "This " + lowerFirst(label) + " is not ready to download. Its page shows how it is going."}
	}
	rc, err := s.files.Get(ctx, r.FileKey)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, &apperr.Error{Code: apperr.ENOTFOUND, Message: "The file of this " + lowerFirst(label) +
			" is no longer kept. Ask for it again from the page you asked for it on."}
	}
	return rc, err
}

// Download opens the file of a run the person in ctx may see and records the download (its
// kind and file name) in the audit log. The caller closes the file.
func (s *Service) Download(ctx context.Context, id string) (*Run, io.ReadCloser, error) {
	r, err := s.Run(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.Open(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		return s.audit.Record(ctx, "run.download", "run", r.ID, s.Label(r.Kind)+": "+r.FileName)
	})
	if err != nil {
		rc.Close()
		return nil, nil, err
	}
	return r, rc, nil
}

// Expire deletes the file of every ready run past its expiry, in every tenant, and marks the
// run expired (the runs:expire task); it returns how many. It is work across tenants on the
// named path: the platform's housekeeping, it reads out nothing but storage keys and only
// removes. A file is deleted before its run is marked, so a run is never expired with its
// file still kept.
func (s *Service) Expire(ctx context.Context, now time.Time) (int, error) {
	const why = "runs.expire"
	actx := database.AcrossTenants(ctx, why)
	var due []Run
	err := s.db.NewSelect().Model(&due).Column("rr.tenant_id", "rr.id", "rr.file_key").
		Where("rr.status = ? AND rr.expires_at <= ?", StatusReady, now).OrderExpr("rr.expires_at").Limit(1000).Scan(actx)
	if err != nil {
		return 0, err
	}
	n := 0
	var failed error
	for _, r := range due {
		if r.FileKey != "" {
			if err := s.files.Delete(ctx, r.FileKey); err != nil {
				failed = err
				break
			}
		}
		res, err := s.db.NewUpdate().Model((*Run)(nil)).Set("status = ?", StatusExpired).Set("file_key = ''").
			Where("rr.tenant_id = ? AND rr.id = ? AND rr.status = ? AND rr.file_key = ?", r.TenantID, r.ID, StatusReady, r.FileKey).Exec(actx)
		if err != nil {
			failed = err
			break
		}
		if k, _ := res.RowsAffected(); k == 1 {
			n++
		}
	}
	if n > 0 {
		if err := database.AuditAcross(ctx, s.db, why, fmt.Sprintf("%d expired report files deleted", n), "", ""); err != nil {
			return n, err
		}
	}
	return n, failed
}

// RegisterTasks adds the runs tasks to mux: reports:build, under its old name runs:build too
// (one handler: tasks queued by an older version are built the same way), and runs:expire.
func (s *Service) RegisterTasks(mux *jobs.Mux) {
	build := func(ctx context.Context, p BuildPayload) error { return s.Build(ctx, p.RunID) }
	jobs.Handle(mux, TaskBuild, build)
	jobs.Handle(mux, TaskBuildOld, build)
	jobs.Handle(mux, TaskExpire, func(ctx context.Context, _ jobs.Tenant) error {
		_, err := s.Expire(ctx, s.now())
		return err
	})
}

// Periodic lists the runs' scheduled tasks.
func Periodic() []jobs.Periodic {
	return []jobs.Periodic{{Spec: "@every 1h", Type: TaskExpire}}
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// cleanFileName keeps a file name fit for a Content-Disposition header and a download folder:
// its last path element, without control characters or quotes, at most 150 characters.
func cleanFileName(name, fallback string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 150 {
		name = string(r[len(r)-150:])
	}
	if name == "" || name == "." || name == "/" || name == ".." {
		return fallback
	}
	return name
}

// cleanContentType keeps a valid media type, or application/octet-stream.
func cleanContentType(ct string) string {
	if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
		return "application/octet-stream"
	}
	return ct
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	// Keep acronyms ("NCPC report") as they are.
	if len(r) > 1 && unicode.IsUpper(r[1]) {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}
