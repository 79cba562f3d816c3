package consultation_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// The sessions list walks an index in its order and stops after a page (issue 14): on
// PostgreSQL the plan of every list — the tenant admin's, filtered or not, a later page, a
// consultant's, a supervisor's, a program's — neither sorts nor reads consultation_sessions
// whole. The planner is told to avoid sequential scans (the test's tables are tiny, where a
// scan is cheapest); it still sorts, or scans, when no index serves the filter and the order.
func TestSessionListPlansUseAnIndexInOrder(t *testing.T) {
	w := newSessWorld(t)
	if !dbtest.IsPostgres(w.db) {
		t.Skip("EXPLAIN plans are PostgreSQL's")
	}
	cursor := "2026-01-31~" + w.eng.ID
	cases := []struct {
		name string
		ctx  context.Context
		f    consultation.SessionFilter
	}{
		{"admin, first page", w.as(authz.TenantAdmin, ""), consultation.SessionFilter{}},
		{"admin, a later page", w.as(authz.TenantAdmin, ""), consultation.SessionFilter{After: cursor}},
		{"admin, by program", w.as(authz.TenantAdmin, ""), consultation.SessionFilter{ProgramID: w.program, After: cursor}},
		{"admin, by service", w.as(authz.TenantAdmin, ""), consultation.SessionFilter{Service: "mini_training", After: cursor}},
		{"admin, by dates", w.as(authz.TenantAdmin, ""), consultation.SessionFilter{From: "2024-01-01", To: "2024-12-31", After: cursor}},
		{"admin, by engagement", w.as(authz.TenantAdmin, ""), consultation.SessionFilter{EngagementID: w.eng.ID}},
		{"consultant", w.as(authz.Consultant, ""), consultation.SessionFilter{After: cursor}},
		{"supervisor", w.as(authz.Supervisor, w.sup), consultation.SessionFilter{}},
		{"program", w.as(authz.Program, ""), consultation.SessionFilter{After: cursor}},
	}
	for _, c := range cases {
		query, err := w.svc.ListSQL(c.ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		plan := explain(t, w.db, query)
		for _, bad := range []string{"Sort", "Seq Scan on consultation_sessions"} {
			if strings.Contains(plan, bad) {
				t.Errorf("%s: the plan has %q:\n%s\n%s", c.name, bad, query, plan)
			}
		}
		if !strings.Contains(plan, "consultation_sessions_") {
			t.Errorf("%s: the plan reads no index of the sessions:\n%s", c.name, plan)
		}
	}
}

// explain is the plan of query, with sequential scans made the last resort.
func explain(t *testing.T, db *bun.DB, query string) string {
	t.Helper()
	var lines []string
	err := dbtest.Owner(t, db).RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "EXPLAIN "+query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var line sql.NullString
			if err := rows.Scan(&line); err != nil {
				return err
			}
			lines = append(lines, line.String)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	return strings.Join(lines, "\n")
}
