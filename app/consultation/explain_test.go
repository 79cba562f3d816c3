package consultation_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/consultation/volumebench"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/sealed"
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
		plan := explain(t, dbtest.Owner(t, w.db), query, true)
		// The page is taken under the first Limit; the names are joined to it above, where
		// ordering its rows again costs nothing.
		page := plan
		if i := strings.Index(plan, "Limit"); i >= 0 {
			page = plan[i:]
		}
		if strings.Contains(page, "Sort") {
			t.Errorf("%s: the plan sorts the sessions:\n%s\n%s", c.name, query, plan)
		}
		if strings.Contains(plan, "Seq Scan on consultation_sessions") {
			t.Errorf("%s: the plan reads the sessions whole:\n%s\n%s", c.name, query, plan)
		}
		if !strings.Contains(plan, "consultation_sessions_") {
			t.Errorf("%s: the plan reads no index of the sessions:\n%s", c.name, plan)
		}
	}
}

// The same on the volume tenant (1,000,000 sessions; consultation/volumebench), with the
// planner's own statistics and no nudge: run when HOLDSPACE_BENCH_DATABASE_URL is set.
func TestSessionListPlansOnTheVolume(t *testing.T) {
	if os.Getenv("HOLDSPACE_BENCH_DATABASE_URL") == "" {
		t.Skip("set HOLDSPACE_BENCH_DATABASE_URL for the volume tenant")
	}
	d := volumebench.Open(t)
	v := d.V
	keys, _ := sealed.New(sealed.NewKey())
	svc := consultation.NewSessions(d.DB, audit.New(d.DB), keys)
	as := func(sc database.Scope) context.Context { return database.WithScope(context.Background(), sc) }
	admin := database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug, UserID: v.ConsultantUserID, Role: authz.TenantAdmin}
	var program, service string
	if err := d.DB.NewRaw("SELECT program_id, service FROM consultation_sessions WHERE tenant_id = ? AND engagement_id = ? LIMIT 1",
		v.TenantID, v.EngagementID).Scan(context.Background(), &program, &service); err != nil {
		t.Fatal(err)
	}
	cursor := time.Now().UTC().AddDate(-1, 0, 0).Format(time.DateOnly) + "~" + v.EngagementID
	cases := map[string]consultation.SessionFilter{
		"first page":   {},
		"a later page": {After: cursor},
		"by program":   {ProgramID: program, After: cursor},
		"by service":   {Service: service, After: cursor},
		"by dates":     {From: "2023-01-01", To: "2023-12-31"},
	}
	for name, f := range cases {
		query, err := svc.ListSQL(as(admin), f)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, d.DB, query, false)
		page := plan
		if i := strings.Index(plan, "Limit"); i >= 0 {
			page = plan[i:]
		}
		if strings.Contains(page, "Sort") || strings.Contains(plan, "Seq Scan on consultation_sessions") {
			t.Errorf("admin, %s: the plan sorts or reads the sessions whole:\n%s\n%s", name, query, plan)
		}
	}
	query, err := svc.ListSQL(as(v.Scope()), consultation.SessionFilter{After: cursor})
	if err != nil {
		t.Fatal(err)
	}
	if plan := explain(t, d.DB, query, false); strings.Contains(plan[strings.Index(plan, "Limit"):], "Sort") {
		t.Errorf("consultant: the plan sorts the sessions:\n%s", plan)
	}
}

// explain is the plan of query, with sequential scans made the last resort when noSeqScan.
func explain(t *testing.T, db *bun.DB, query string, noSeqScan bool) string {
	t.Helper()
	var lines []string
	err := db.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		if noSeqScan {
			if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
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
