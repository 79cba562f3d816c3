package imports

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
)

// The problems file of an import (every problem, as CSV) is a report run (app/runs): the
// person asks for it on the import's page, a worker writes it (reports:build), and the run's
// one progress page and one audited download serve it.
const (
	ProblemsKind  = "import_problems"
	ProblemsLabel = "Problems found in an imported file"
	// ProblemsLifetime is how long a problems file can be downloaded after it is built.
	ProblemsLifetime = 30 * 24 * time.Hour
)

// UseRuns registers the problems file's kind of run on rs. Until it is called, asking for a
// problems file is an internal error.
func (s *Service) UseRuns(rs *runs.Service) {
	s.runs = rs
	rs.Register(s.ProblemsKind())
}

// ProblemsKind is the problems file's kind of run: its subject is the import; it is seen by
// whoever may see the import (the tenant admins, as "imports read" in policies/roles.csv says,
// and only while the import is there); kept ProblemsLifetime; its page links back to the
// import.
func (s *Service) ProblemsKind() runs.Kind {
	return runs.Kind{
		Name: ProblemsKind, Label: ProblemsLabel, Lifetime: ProblemsLifetime,
		Build: s.buildProblems,
		MaySee: func(ctx context.Context, r *runs.Run) (bool, error) {
			sc, err := database.ScopeFrom(ctx)
			if err != nil {
				return false, err
			}
			if sc.Role != authz.TenantAdmin {
				return false, nil
			}
			_, err = s.store.Get(ctx, r.SubjectID, false)
			if apperr.Code(err) == apperr.ENOTFOUND {
				return false, nil
			}
			return err == nil, err
		},
		Back: func(r *runs.Run) (string, string) { return "Back to the import", "imports/" + r.SubjectID },
	}
}

// RequestProblems asks for the problems file of an import: the newest run of it when it is
// still being built or ready to download and was asked for after the problems were last
// written (created false), otherwise a new run, queued for reports:build.
//
// Errors: ENOTFOUND for an import not of the tenant; ECONFLICT when it has no problems.
func (s *Service) RequestProblems(ctx context.Context, importID string) (*runs.Run, bool, error) {
	if s.runs == nil {
		return nil, false, apperr.Errorf(apperr.EINTERNAL, "imports: the problems file needs report runs (UseRuns)")
	}
	var r *runs.Run
	created := false
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		imp, err := s.store.Get(ctx, importID, false)
		if err != nil {
			return err
		}
		if len(imp.Problems) == 0 {
			return apperr.Errorf(apperr.ECONFLICT, "This file has no problems to download.")
		}
		latest, err := s.runs.Latest(ctx, ProblemsKind, imp.ID)
		if err != nil {
			return err
		}
		if latest != nil && (latest.Working() || latest.Downloadable()) && !latest.CreatedAt.Before(imp.UpdatedAt) {
			r = latest
			return nil
		}
		r, err = s.runs.Start(ctx, ProblemsKind, imp.ID, nil)
		created = err == nil
		return err
	})
	return r, created, err
}

// buildProblems writes the problems file of the run's import: the reports:build task.
func (s *Service) buildProblems(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
	imp, err := s.store.Get(ctx, r.SubjectID, false)
	if err != nil {
		return "", "", err
	}
	if err := WriteProblems(w, imp, progress); err != nil {
		return "", "", err
	}
	return ProblemsFileName(imp.FileName), "text/csv; charset=utf-8", nil
}

// ProblemsFileName is the problems file's name for an uploaded file's: programs.csv gives
// programs-problems.csv (ASCII letters, digits, - _ and . only).
func ProblemsFileName(uploaded string) string {
	base := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, strings.TrimSuffix(uploaded, ".csv"))
	return base + "-problems.csv"
}

// WriteProblems streams every problem of an import as CSV (row, column, problem) through
// app/csvout, reporting progress every 500 problems.
func WriteProblems(w io.Writer, imp *Import, progress func(done, total int)) error {
	cw := csvout.NewWriter(w)
	if err := cw.Write([]string{"row", "column", "problem"}); err != nil {
		return err
	}
	total := len(imp.Problems)
	progress(0, total)
	for i, p := range imp.Problems {
		row := ""
		if p.Row > 0 {
			row = strconv.Itoa(p.Row)
		}
		if err := cw.Write([]string{row, p.Field, p.Message}); err != nil {
			return err
		}
		if (i+1)%500 == 0 {
			cw.Flush()
			progress(i+1, total)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	progress(total, total)
	return nil
}
