package imports

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
	"github.com/holdspace/holdspace/app/storage"
)

// TestProblemsFile: an import's problems file is a report run of kind import_problems — asked
// for once and then reused while it is good, written by the build through app/csvout, kept 30
// days, downloaded by the tenant admins only, and refused for a file without
// problems or another tenant's import.
func TestProblemsFile(t *testing.T) {
	e := newEnv(t)
	rs := runs.NewService(e.db, audit.New(e.db), nil, storage.NewLocal(t.TempDir()))
	e.svc.UseRuns(rs)
	ctx := e.tenant(t, "problems-"+strings.ToLower(database.NewID()[:6]))
	other := e.tenant(t, "problems-other-"+strings.ToLower(database.NewID()[:6]))
	sc, _ := database.ScopeFrom(ctx)
	task := database.WithScope(context.Background(), database.Scope{TenantID: sc.TenantID})

	bad := e.upload(t, ctx, KindPeople, "email,name,role,organisation\nnot-an-email,,consultant,\n=cmd@x,,wizard,\n")
	if bad.Status != StatusInvalid || len(bad.Problems) < 2 {
		t.Fatalf("got %s with %v, want a file with problems", bad.Status, bad.Problems)
	}

	r, created, err := e.svc.RequestProblems(ctx, bad.ID)
	if err != nil || !created || r.Kind != ProblemsKind || r.SubjectID != bad.ID || r.Status != runs.StatusQueued {
		t.Fatalf("got %+v, %v, %v; want a queued problems run", r, created, err)
	}
	if again, created, err := e.svc.RequestProblems(ctx, bad.ID); err != nil || created || again.ID != r.ID {
		t.Fatalf("asked again while it waits: got %+v, %v, %v; want the same run", again, created, err)
	}
	if err := rs.Build(task, r.ID); err != nil {
		t.Fatal(err)
	}
	got, rc, err := rs.Download(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "row,column,problem" || len(lines) != len(bad.Problems)+1 {
		t.Fatalf("the file:\n%s\nwant the header and %d problems", b, len(bad.Problems))
	}
	if !strings.Contains(string(b), "\n3,role,\"“wizard” is not a role") {
		t.Errorf("the file:\n%s\nwant row 3's role named", b)
	}
	if got.FileName != "people-problems.csv" || got.ContentType != "text/csv; charset=utf-8" || got.ExpiresAt == nil ||
		got.ExpiresAt.Sub(*got.FinishedAt) != ProblemsLifetime || got.Done != got.Total || got.Total != len(bad.Problems) {
		t.Fatalf("got %+v, want people-problems.csv, kept 30 days, every problem done", got)
	}
	if again, created, err := e.svc.RequestProblems(ctx, bad.ID); err != nil || created || again.ID != r.ID {
		t.Fatalf("asked again once ready: got %+v, %v, %v; want the same run", again, created, err)
	}
	if label, path := e.svc.ProblemsKind().Back(got); label != "Back to the import" || path != "imports/"+bad.ID {
		t.Errorf("back link %q %q", label, path)
	}

	t.Run("TenantAdminsOnly", func(t *testing.T) {
		for _, role := range []string{authz.Funder, authz.Program, authz.Consultant} {
			s := sc
			s.Role = role
			if _, _, err := rs.Download(database.WithScope(ctx, s), r.ID); apperr.Code(err) != apperr.ENOTFOUND {
				t.Errorf("a %s downloading the problems file: got %v, want not found", role, err)
			}
		}
	})
	t.Run("ErrNoProblems", func(t *testing.T) {
		good := e.upload(t, ctx, KindPeople, "email,name,role,organisation\nkim@example.org,Kim,consultant,\n")
		if _, _, err := e.svc.RequestProblems(ctx, good.ID); apperr.Code(err) != apperr.ECONFLICT {
			t.Fatalf("got %v, want ECONFLICT", err)
		}
	})
	t.Run("ErrOtherTenant", func(t *testing.T) {
		if _, _, err := e.svc.RequestProblems(other, bad.ID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("got %v, want not found", err)
		}
		if _, err := rs.Run(other, r.ID); apperr.Code(err) != apperr.ENOTFOUND {
			t.Fatalf("another tenant's admin finding the run: got %v, want not found", err)
		}
	})
	t.Run("NewProblemsNewFile", func(t *testing.T) {
		// Problems written after the file was asked for: the next request builds a new one.
		tx, _ := database.For(ctx, e.db)
		if _, err := tx.Update((*Import)(nil)).Set("updated_at = ?", got.CreatedAt.Add(1e9)).Where("imp.id = ?", bad.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if again, created, err := e.svc.RequestProblems(ctx, bad.ID); err != nil || !created || again.ID == r.ID {
			t.Fatalf("got %+v, %v, %v; want a new run", again, created, err)
		}
	})
}
