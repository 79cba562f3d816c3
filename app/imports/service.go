package imports

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/tenants"
)

// Service is the imports domain: upload, check, confirm, run.
type Service struct {
	db       *bun.DB
	store    *Store
	tenants  *tenants.Service
	accounts *accounts.Service
	audit    *audit.Log
	queue    *jobs.Queue
	programs *programs.Service // writes the fundings, their budget lines and first budget versions
	runs     *runs.Service     // builds the problems files (UseRuns)
}

// NewService returns the service.
func NewService(db *bun.DB, ten *tenants.Service, acc *accounts.Service, log *audit.Log, queue *jobs.Queue) *Service {
	return &Service{db: db, store: NewStore(db), tenants: ten, accounts: acc, audit: log, queue: queue,
		programs: programs.NewService(db, ten.Store(), log)}
}

// Store returns the store.
func (s *Service) Store() *Store { return s.store }

// Upload stores a CSV file of kind for checking and queues imports:validate. What makes the
// whole file unusable is refused at once, and then nothing is stored: a file over 5 MB, not
// UTF-8, without the right header, empty, or with more than 10,000 rows.
//
// Errors: EINVALID naming the field ("kind" or "file").
func (s *Service) Upload(ctx context.Context, kind, fileName string, data []byte) (*Import, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if ColumnsOf(kind) == nil {
		return nil, apperr.Invalid(map[string]string{"kind": "Choose what the file holds: programs or people."})
	}
	if data == nil {
		return nil, apperr.Invalid(map[string]string{"file": "Choose a CSV file to upload."})
	}
	text, rows, msg := checkFile(data, kind)
	if msg != "" {
		return nil, apperr.Invalid(map[string]string{"file": msg})
	}
	now := database.Now()
	imp := &Import{ID: database.NewID(), Kind: kind, Status: StatusValidating, FileName: cleanFileName(fileName),
		Content: text, TotalRows: rows, CreatedBy: sc.UserID, CreatedAt: now, UpdatedAt: now}
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.store.Create(ctx, imp); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, "import.upload", "import", imp.ID,
			fmt.Sprintf("%s: %s, %d rows", kind, imp.FileName, rows)); err != nil {
			return err
		}
		database.AfterCommit(ctx, func(ctx context.Context) { s.enqueue(ctx, TaskValidate, imp.ID, "") })
		return nil
	})
	return imp, err
}

// cleanFileName keeps the base name of an upload, at most 200 characters.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" {
		name = ""
	}
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "?")
	}
	for len(name) > 200 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	if name == "" {
		return "upload.csv"
	}
	return name
}

// enqueue queues a task about an import. A queue that cannot be reached leaves the import
// where it is; the page offers to start it again (see Confirm).
func (s *Service) enqueue(ctx context.Context, typ, id, userID string) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil || s.queue == nil {
		return
	}
	p := taskPayload{Tenant: jobs.Tenant{TenantID: sc.TenantID}, ImportID: id, UserID: userID}
	_ = s.queue.Enqueue(ctx, typ, p, asynq.Timeout(30*time.Minute))
}

// Validate checks every row of an import (the imports:validate task) and records its
// problems; an import without problems waits for the person to confirm it. Safe to run twice:
// an import already checked is left alone.
func (s *Service) Validate(ctx context.Context, id string) error {
	imp, err := s.store.Get(ctx, id, true)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil // deleted with its tenant: nothing to do
	}
	if err != nil {
		return err
	}
	if imp.Status != StatusValidating {
		return nil
	}
	var problems []Problem
	switch imp.Kind {
	case KindPrograms:
		var plan *programPlan
		if plan, problems, err = s.checkPrograms(ctx, imp.Content, true); err == nil && plan != nil {
			imp.TotalRows = len(plan.rows)
		}
	case KindPeople:
		var rows []personRow
		if rows, problems, err = s.checkPeople(ctx, imp.Content); err == nil && rows != nil {
			imp.TotalRows = len(rows)
		}
	default:
		problems = []Problem{{Message: "Unknown kind of import."}}
	}
	if err != nil {
		return err
	}
	now := database.Now()
	imp.Problems = problems
	target := StatusValid
	if len(problems) > 0 {
		target, imp.FinishedAt = StatusInvalid, &now
	}
	_, err = s.store.move(ctx, withStatus(imp, target), StatusValidating, "problems", "total_rows", "finished_at")
	return err
}

// withStatus is imp about to move to status (move's WHERE names the old one).
func withStatus(imp *Import, status string) *Import {
	imp.Status = status
	return imp
}

// Confirm starts writing a checked import (queues imports:run). Pressing the button twice, or
// on an import already running or done, changes nothing; an import whose run has stalled (its
// task lost) is queued again, which is safe because the run is idempotent.
//
// Errors: ENOTFOUND; ECONFLICT when the file is still being checked or has problems.
func (s *Service) Confirm(ctx context.Context, id string) (*Import, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	var imp *Import
	err = database.InTx(ctx, s.db, func(ctx context.Context) error {
		if imp, err = s.store.Get(ctx, id, false); err != nil {
			return err
		}
		switch imp.Status {
		case StatusValid:
			imp.Status, imp.ProcessedRows = StatusImporting, 0
			moved, err := s.store.move(ctx, imp, StatusValid, "processed_rows")
			if err != nil || !moved {
				return err
			}
		case StatusImporting:
			if !imp.Stalled() {
				return nil
			}
		case StatusDone:
			return nil
		case StatusValidating:
			return apperr.Errorf(apperr.ECONFLICT, "The file is still being checked: wait until the check is finished.")
		default:
			return apperr.Errorf(apperr.ECONFLICT, "This file has problems, so nothing can be imported from it: correct them and upload the file again.")
		}
		database.AfterCommit(ctx, func(ctx context.Context) { s.enqueue(ctx, TaskRun, imp.ID, sc.UserID) })
		return nil
	})
	return imp, err
}

// StallAfter is how long a run may go without progress before the page offers to restart it.
const StallAfter = 3 * time.Minute

// Stalled reports whether a running import has made no progress for a while (its task lost).
func (i *Import) Stalled() bool {
	return i.Status == StatusImporting && time.Since(i.UpdatedAt) > StallAfter
}

// chunkRows is how many rows the run writes per transaction.
const chunkRows = 500

// Run writes an import (the imports:run task), as the person who confirmed it (userID).
//
// How it stays whole: the file was checked completely before the confirm button appeared,
// and Run checks it again first (the tenant may have changed since), so it cannot fail on the
// data; only the database or the process can fail. It writes in chunks of about 500 rows,
// each chunk in its own transaction together with the progress, so the page's polling sees
// the progress bar move (one transaction over the whole file would hide the progress, and on
// SQLite would block the progress writes behind it). A run that stops midway is finished by
// running it again (asynq retries the task, or the person presses the button again): it is
// idempotent, because it skips what is already written by its natural key — a program by its
// name (unique in the tenant), a funding by program, funder and fiscal year (a unique index,
// which also stops two runs at once from writing one funding twice), and a funding's budget
// lines are written in the same transaction as the funding, so they are all there or none is.
// People are invited one by one; an invitation sent since the upload is not sent again.
func (s *Service) Run(ctx context.Context, id, userID string) error {
	imp, err := s.store.Get(ctx, id, true)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if imp.Status != StatusImporting {
		return nil
	}
	ctx, err = s.actingAs(ctx, userID)
	if err != nil {
		return err
	}
	var detail string
	var problems []Problem
	switch imp.Kind {
	case KindPrograms:
		// Only a first attempt checks for fundings that exist: a resumed one finds its own.
		var plan *programPlan
		if plan, problems, err = s.checkPrograms(ctx, imp.Content, imp.ProcessedRows == 0); err != nil {
			return err
		}
		if len(problems) == 0 {
			if detail, err = s.runPrograms(ctx, imp, plan); err != nil {
				return err
			}
		}
	case KindPeople:
		var rows []personRow
		if rows, problems, err = s.checkPeople(ctx, imp.Content); err != nil {
			return err
		}
		if imp.ProcessedRows > 0 {
			// Resumed: the people invited by the first attempt may have joined meanwhile.
			problems = dropAlreadyMembers(problems)
		}
		if len(problems) == 0 {
			if detail, err = s.runPeople(ctx, imp, rows); err != nil {
				return err
			}
		}
	}
	now := database.Now()
	if len(problems) > 0 {
		imp.Problems, imp.FinishedAt = problems, &now
		_, err = s.store.move(ctx, withStatus(imp, StatusFailed), StatusImporting, "problems", "finished_at")
		return err
	}
	return database.InTx(ctx, s.db, func(ctx context.Context) error {
		imp.ProcessedRows, imp.FinishedAt = imp.TotalRows, &now
		moved, err := s.store.move(ctx, withStatus(imp, StatusDone), StatusImporting, "processed_rows", "finished_at")
		if err != nil || !moved {
			return err
		}
		return s.audit.Record(ctx, "import.run", "import", imp.ID, detail)
	})
}

func dropAlreadyMembers(p []Problem) []Problem {
	out := p[:0]
	for _, x := range p {
		if !(x.Field == "email" && strings.Contains(x.Message, "already a member")) {
			out = append(out, x)
		}
	}
	return out
}

// actingAs puts the person who confirmed the import in ctx: the audit log names them, and
// the invitations they send name them as the inviter.
func (s *Service) actingAs(ctx context.Context, userID string) (context.Context, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if userID == "" {
		return ctx, nil
	}
	sc.UserID = userID
	ctx = database.WithScope(ctx, sc)
	if u, err := s.accounts.UserByID(ctx, userID); err == nil {
		ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Email: u.Email, IP: audit.ActorFrom(ctx).IP})
	}
	return ctx, nil
}

// runPrograms writes a checked programs plan in chunks (see Run) and returns the audit detail.
func (s *Service) runPrograms(ctx context.Context, imp *Import, plan *programPlan) (string, error) {
	have, err := s.existingFundings(ctx)
	if err != nil {
		return "", err
	}
	programIDs := map[string]string{}
	reused := 0
	for key, p := range plan.programs {
		if p.Existing != nil {
			programIDs[key] = p.Existing.ID
			reused++
		}
	}
	var created, fundings, lines int
	processed := 0
	var chunk []fundingKey
	rows := 0
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		newIDs := map[string]string{}
		var nf, nl int
		err := database.InTx(ctx, s.db, func(ctx context.Context) error {
			t, err := database.For(ctx, s.db)
			if err != nil {
				return err
			}
			now := database.Now()
			var orgs []*tenants.Organisation
			var fs []programs.NewFunding
			for _, fk := range chunk {
				pid := programIDs[fk.program]
				if pid == "" {
					pid = newIDs[fk.program]
				}
				if pid == "" {
					p := plan.programs[fk.program]
					o := &tenants.Organisation{ID: database.NewID(), Kind: tenants.OrgProgram, Name: p.Name, ProgramKind: p.Kind,
						County: p.County, Languages: p.Languages, CreatedAt: now, UpdatedAt: now}
					orgs = append(orgs, o)
					pid, newIDs[fk.program] = o.ID, o.ID
				}
				if have[fundingID{pid, fk.funder, fk.year}] {
					continue // written by an earlier attempt of this run
				}
				f := programs.NewFunding{ProgramID: pid, FunderID: fk.funder, FiscalYear: fk.year, IECMHCFunded: plan.iecmhc[fk]}
				for _, i := range plan.lines[fk] {
					r := plan.rows[i]
					f.Lines = append(f.Lines, programs.VersionLine{Category: r.Category, AmountCents: money.Cents(r.AmountCents)})
				}
				fs = append(fs, f)
			}
			if len(orgs) > 0 {
				if _, err := database.InsertMany(t, orgs).Exec(ctx); err != nil {
					return fmt.Errorf("insert programs: %w", err)
				}
			}
			// The fundings, their budget lines and their first budget versions, through
			// app/programs (the same rows its pages and budget amendments write).
			written, err := s.programs.AddFundings(ctx, fs, programs.ReasonImported)
			if err != nil {
				return err
			}
			nf, nl = len(fs), written
			return s.store.progress(ctx, imp.ID, processed+rows)
		})
		if err != nil {
			return err
		}
		for k, id := range newIDs {
			programIDs[k] = id
		}
		for _, fk := range chunk {
			have[fundingID{programIDs[fk.program], fk.funder, fk.year}] = true
		}
		created += len(newIDs)
		fundings += nf
		lines += nl
		processed += rows
		chunk, rows = chunk[:0], 0
		return nil
	}
	for _, fk := range plan.fundings {
		chunk = append(chunk, fk)
		rows += len(plan.lines[fk])
		if rows >= chunkRows {
			if err := flush(); err != nil {
				return "", err
			}
		}
	}
	if err := flush(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: %d rows; %d programs created, %d existing programs given fundings; %d fundings and %d budget lines written, each funding with its budget version 1",
		imp.FileName, len(plan.rows), created, reused, fundings, lines), nil
}

// peopleProgressEvery is how many invitations the run sends between progress updates.
const peopleProgressEvery = 25

// runPeople invites each person of a checked people file and returns the audit detail.
func (s *Service) runPeople(ctx context.Context, imp *Import, rows []personRow) (string, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return "", err
	}
	// Invitations sent since the upload: an earlier attempt of this run (or someone by hand)
	// invited these people already.
	var pending []tenants.Invitation
	if err := t.Select(&pending).Column("email", "role", "organisation_id").
		Where("i.created_at >= ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL", imp.CreatedAt).Scan(ctx); err != nil {
		return "", err
	}
	done := map[string]bool{}
	for _, i := range pending {
		done[i.Email+"\x00"+i.Role+"\x00"+i.OrganisationID] = true
	}
	sent, skipped := 0, 0
	for n, r := range rows {
		if done[r.Email+"\x00"+r.Role+"\x00"+r.OrganisationID] {
			skipped++
		} else {
			_, err := s.tenants.Invite(ctx, tenants.InviteInput{Email: r.Email, Name: r.Name, Role: r.Role, OrganisationID: r.OrganisationID})
			switch apperr.Code(err) {
			case "":
				sent++
			case apperr.ECONFLICT: // joined since the check
				skipped++
			default:
				return "", fmt.Errorf("invite row %d: %w", r.Row, err)
			}
		}
		if (n+1)%peopleProgressEvery == 0 {
			if err := s.store.progress(ctx, imp.ID, n+1); err != nil {
				return "", err
			}
		}
	}
	return fmt.Sprintf("%s: %d rows; %d invitations sent, %d already invited or members", imp.FileName, len(rows), sent, skipped), nil
}

// ShownProblems is the problems the page lists (the first ShownProblems).
func (i *Import) ShownProblems() []Problem {
	if len(i.Problems) > ShownProblems {
		return i.Problems[:ShownProblems]
	}
	return i.Problems
}

// MoreProblems is how many problems the page does not list.
func (i *Import) MoreProblems() int {
	if len(i.Problems) > ShownProblems {
		return len(i.Problems) - ShownProblems
	}
	return 0
}
