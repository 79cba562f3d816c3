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

// The engagements page names who the person sees (issue 14): a funder's funded programs and a
// consultant's or a supervisor's profiles are listed outright in the page's statements, not
// read again by a subquery in each; on PostgreSQL the page of engagements and the page's
// summary (the filter's choices, the counts by program and stage) read the engagements through
// their indexes, never whole, and the tenant admin's page walks an index in its order and stops.
func TestEngagementListPlansUseIndexes(t *testing.T) {
	w := newEngWorld(t)
	w.engagement(t, consultation.Engagement{AssignmentID: w.anaPrairie, ProfileID: w.anaProfile, ProgramID: w.prairie, LastContactOn: "2026-03-01"})
	w.engagement(t, consultation.Engagement{AssignmentID: w.benHMG, ProfileID: w.benProfile, ProgramID: w.hmg, LastContactOn: "2026-03-02"})
	cases := []struct {
		name   string
		ctx    context.Context
		names  string // what the page's statement names outright
		sorted bool   // the page is taken from an index in its order (no sort)
	}{
		{"admin", w.ctx(authz.TenantAdmin, w.admin, ""), "", true},
		{"funder", w.ctx(authz.Funder, w.fund, w.funder), w.prairie, false},
		{"supervisor", w.ctx(authz.Supervisor, w.sue, ""), w.anaProfile, false},
		{"consultant", w.ctx(authz.Consultant, w.ben, ""), w.benProfile, false},
		{"program", w.ctx(authz.Program, w.prog, w.hmg), w.hmg, false},
	}
	for _, c := range cases {
		page, summary, consultants, err := w.svc.EngagementListSQL(c.ctx)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, q := range []string{page, summary, consultants} {
			if strings.Contains(q, "fundings") || strings.Contains(q, "supervision_assignments") {
				t.Errorf("%s: a statement reads who the person sees again:\n%s", c.name, q)
			}
			if c.names != "" && !strings.Contains(q, c.names) {
				t.Errorf("%s: a statement does not name %s:\n%s", c.name, c.names, q)
			}
		}
		if !dbtest.IsPostgres(w.db) {
			continue
		}
		for what, q := range map[string]string{"page": page, "summary": summary, "consultants": consultants} {
			plan := explain(t, dbtest.Owner(t, w.db), q, true)
			if strings.Contains(plan, "Seq Scan on engagements") || !strings.Contains(plan, "engagements_") {
				t.Errorf("%s, %s: the plan reads the engagements whole:\n%s\n%s", c.name, what, q, plan)
			}
		}
		if plan := explain(t, dbtest.Owner(t, w.db), page, true); c.sorted && strings.Contains(plan[strings.Index(plan, "Limit"):], "Sort") {
			t.Errorf("%s: the plan sorts the engagements:\n%s", c.name, plan)
		}
	}
}

// The same on the volume tenant (2,000 engagements in 50 programs; consultation/volumebench),
// with the planner's own statistics: the funder of every program and the tenant admin walk the
// engagements' (last_contact_on, id) index for their page, and the funder's consultants are
// read from the (program_id, profile_id) index. Run when HOLDSPACE_BENCH_DATABASE_URL is set.
func TestEngagementListPlansOnTheVolume(t *testing.T) {
	if os.Getenv("HOLDSPACE_BENCH_DATABASE_URL") == "" {
		t.Skip("set HOLDSPACE_BENCH_DATABASE_URL for the volume tenant")
	}
	d := volumebench.Open(t)
	v := d.V
	var funder string
	if err := d.DB.NewRaw("SELECT funder_id FROM fundings WHERE tenant_id = ? GROUP BY funder_id ORDER BY COUNT(*) DESC LIMIT 1",
		v.TenantID).Scan(context.Background(), &funder); err != nil {
		t.Skipf("no funder in the volume tenant: %v", err)
	}
	svc := consultation.NewEngagements(d.DB, audit.New(d.DB))
	as := func(role, org string) context.Context {
		return database.WithScope(context.Background(), database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug,
			UserID: v.ConsultantUserID, Role: role, OrganisationID: org})
	}
	for name, ctx := range map[string]context.Context{"admin": as(authz.TenantAdmin, ""), "funder": as(authz.Funder, funder)} {
		page, summary, consultants, err := svc.EngagementListSQL(ctx)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, d.DB, page, false)
		if strings.Contains(plan[strings.Index(plan, "Limit"):], "Sort") || strings.Contains(plan, "Seq Scan on engagements") {
			t.Errorf("%s: the page's plan sorts or reads the engagements whole:\n%s", name, plan)
		}
		for what, q := range map[string]string{"summary": summary, "consultants": consultants} {
			if plan := explain(t, d.DB, q, false); strings.Contains(plan, "Seq Scan on engagements") {
				t.Errorf("%s: the %s plan reads the engagements whole:\n%s", name, what, plan)
			}
		}
	}
}
