package reports_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/reports"
	"github.com/holdspace/holdspace/app/tenants"
)

// ncpcWorld is a tenant filled with random consultation data (math/rand, fixed seed).
type ncpcWorld struct {
	db, owner *bun.DB
	tenantID  string
	funders   []string
	deps      reports.Deps
	year      reports.Year
}

func (w *ncpcWorld) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := w.owner.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (w *ncpcWorld) scope(role, org string) context.Context {
	return database.WithScope(context.Background(), database.Scope{TenantID: w.tenantID, TenantSlug: "ncpc-random",
		UserID: database.NewID(), Role: role, OrganisationID: org})
}

// newNCPCWorld makes the random tenant: programs of every kind with sites and classrooms,
// three funders whose fundings of FY 2026 (and 2025) are NCPC or not, engagements named to a
// program, a site or a classroom, sessions in and around the year with 0–6 educators, and
// TPITOS, TPOT and CLASS pre/post assessments (some without a score).
func newNCPCWorld(t *testing.T, seed int64) *ncpcWorld {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t)
	w := &ncpcWorld{db: db, owner: dbtest.Owner(t, db), tenantID: database.NewID()}
	now := database.Now()
	w.exec(t, `INSERT INTO tenants (id, slug, name, kind, state, status, plan, time_zone, created_at, updated_at)
		VALUES (?, ?, 'NCPC random', 'local_partnership', 'NC', 'active', 'trial', 'America/New_York', ?, ?)`, w.tenantID, "ncpc-random-"+dbtest.RandomHex(4), now, now)
	tctx := database.WithScope(ctx, database.Scope{TenantID: w.tenantID})
	ins := consultation.NewInstruments(db, audit.New(db))
	if err := ins.EnsureBuiltins(tctx); err != nil {
		t.Fatal(err)
	}
	var insts []consultation.Instrument
	if err := w.owner.NewSelect().Model(&insts).Where("tenant_id = ? AND builtin IN ('tpitos', 'tpot', 'class_prek')", w.tenantID).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	subs := map[string][]consultation.Subscale{}
	for _, i := range insts {
		var list []consultation.Subscale
		if err := w.owner.NewSelect().Model(&list).Where("tenant_id = ? AND instrument_id = ?", w.tenantID, i.ID).OrderExpr("position").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		subs[i.ID] = list
	}
	// A tenant-made instrument whose first subscale is lower-is-better is not TPITOS/TPOT: left out.
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < 3; i++ {
		id := database.NewID()
		w.funders = append(w.funders, id)
		w.exec(t, `INSERT INTO organisations (tenant_id, id, kind, name, created_at, updated_at) VALUES (?, ?, 'funder', ?, ?, ?)`,
			w.tenantID, id, fmt.Sprintf("Funder %d", i), now, now)
	}
	kinds := []string{"child_care_center", "family_child_care_home", "head_start", "home_visiting", "early_intervention"}
	day := func(from string, span int) string {
		d, _ := time.Parse(time.DateOnly, from)
		return d.AddDate(0, 0, r.Intn(span)).Format(time.DateOnly)
	}
	for p := 0; p < 14; p++ {
		pid := database.NewID()
		w.exec(t, `INSERT INTO organisations (tenant_id, id, kind, name, program_kind, created_at, updated_at) VALUES (?, ?, 'program', ?, ?, ?, ?)`,
			w.tenantID, pid, fmt.Sprintf("Program %02d", p), kinds[r.Intn(len(kinds))], now, now)
		var sites []string
		for s := 0; s < r.Intn(4); s++ {
			sid := database.NewID()
			kind := "classroom"
			if r.Intn(3) == 0 {
				kind = "site"
			}
			w.exec(t, `INSERT INTO program_sites (tenant_id, id, program_id, name, kind, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				w.tenantID, sid, pid, fmt.Sprintf("Room %d", s), kind, now)
			sites = append(sites, sid)
		}
		// Fundings: each funder may fund the program in FY 2026 and 2025; some are NCPC.
		for fi, fid := range w.funders {
			for _, fy := range []int{2026, 2025} {
				if r.Intn(3) == 0 {
					continue
				}
				fund := database.NewID()
				w.exec(t, `INSERT INTO fundings (tenant_id, id, program_id, funder_id, fiscal_year, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					w.tenantID, fund, pid, fid, fy, now, now)
				if r.Intn(3) > 0 {
					w.exec(t, `INSERT INTO ncpc_activities (tenant_id, funding_id, program_identifier, psc, updated_at) VALUES (?, ?, ?, ?, ?)`,
						w.tenantID, fund, reports.DefaultProgramIdentifier, reports.PSCs[(fi+r.Intn(2))%3].Code, now)
				}
			}
		}
		for e := 0; e < 1+r.Intn(4); e++ {
			eid := database.NewID()
			site := ""
			if len(sites) > 0 && r.Intn(4) > 0 {
				site = sites[r.Intn(len(sites))]
			}
			w.exec(t, `INSERT INTO engagements (tenant_id, id, assignment_id, profile_id, program_id, focus, site_id, stage, kind, opened_on, created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'site', ?, 'implementation', 'consultation', '2025-01-01', 'x', ?, ?)`,
				w.tenantID, eid, database.NewID(), database.NewID(), pid, site, now, now)
			for s := 0; s < r.Intn(9); s++ {
				participants := fmt.Sprintf(`{"educators":%d,"administrators":1}`, r.Intn(7))
				if r.Intn(5) == 0 {
					participants = `{"administrators":2}`
				}
				w.exec(t, `INSERT INTO consultation_sessions (tenant_id, id, engagement_id, profile_id, program_id, held_on, minutes, mode, service, participants, created_by, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, 60, 'in_person', 'reflective_group', ?, 'x', ?, ?)`,
					w.tenantID, database.NewID(), eid, database.NewID(), pid, day("2025-04-01", 500), participants, now, now)
			}
			for a := 0; a < r.Intn(5); a++ {
				inst := insts[r.Intn(len(insts))]
				aid := database.NewID()
				phase := []string{"pre", "post"}[r.Intn(2)]
				w.exec(t, `INSERT INTO assessments (tenant_id, id, engagement_id, instrument_id, phase, administered_on, administered_by, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, 'x', ?, ?)`, w.tenantID, aid, eid, inst.ID, phase, day("2025-05-01", 450), now, now)
				for i, sub := range subs[inst.ID] {
					if i == 0 && r.Intn(8) == 0 {
						continue // no score on the first subscale
					}
					w.exec(t, `INSERT INTO assessment_scores (tenant_id, assessment_id, subscale_id, score_hundredths) VALUES (?, ?, ?, ?)`,
						w.tenantID, aid, sub.ID, sub.MinHundredths+int64(r.Intn(int(sub.MaxHundredths-sub.MinHundredths)/500+1))*500)
				}
			}
		}
	}
	w.deps = reports.Deps{DB: db, Audit: audit.New(db), Tenants: tenants.NewStore(db)}
	w.year = reports.Year{Calendar: reports.CalendarState, FY: 2026, StartMonth: 7}
	return w
}

// recount is the independent recomputation of one figure for one PSC ("" all), funder (""
// every funder) and period [from, to], in SQL alone.
func (w *ncpcWorld) recount(t *testing.T, fig, psc, funder, from, to string) (n, of int) {
	t.Helper()
	ctx := context.Background()
	progs := `SELECT f.program_id FROM ncpc_activities na JOIN fundings f ON f.tenant_id = na.tenant_id AND f.id = na.funding_id
		WHERE na.tenant_id = ? AND f.fiscal_year = 2026`
	pargs := []any{w.tenantID}
	if psc != "" {
		progs += " AND na.psc = ?"
		pargs = append(pargs, psc)
	}
	if funder != "" {
		progs += " AND f.funder_id = ?"
		pargs = append(pargs, funder)
	}
	yf, yt := w.year.From(), w.year.To()
	educators := "COALESCE(CAST(json_extract(s.participants, '$.educators') AS INTEGER), 0)"
	if dbtest.IsPostgres(w.owner) {
		educators = "COALESCE((s.participants::jsonb ->> 'educators')::bigint, 0)"
	}
	one := func(q string, args ...any) int {
		t.Helper()
		var v int
		if err := w.owner.QueryRowContext(ctx, q, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	firsts := func(key, where string) int {
		q := `SELECT COUNT(*) FROM (SELECT ` + key + ` AS k, MIN(s.held_on) AS first
			FROM consultation_sessions s JOIN engagements e ON e.tenant_id = s.tenant_id AND e.id = s.engagement_id
			JOIN organisations o ON o.tenant_id = e.tenant_id AND o.id = e.program_id
			LEFT JOIN program_sites ps ON ps.tenant_id = e.tenant_id AND ps.id = e.site_id
			WHERE s.tenant_id = ? AND s.held_on BETWEEN ? AND ? AND ` + where + ` AND e.program_id IN (` + progs + `)
			GROUP BY ` + key + `) x WHERE first BETWEEN ? AND ?`
		return one(q, append(append([]any{w.tenantID, yf, yt}, pargs...), from, to)...)
	}
	switch fig {
	case reports.FigFacilities:
		return firsts("CASE WHEN ps.kind = 'site' THEN 's:' || ps.id ELSE 'p:' || o.id END",
			"o.program_kind IN ('child_care_center', 'family_child_care_home', 'head_start')"), 0
	case reports.FigClassrooms:
		return firsts("ps.id", "ps.kind = 'classroom'"), 0
	case reports.FigEducators:
		q := `SELECT COALESCE(SUM(m), 0) FROM (SELECT s.engagement_id, MAX(` + educators + `) AS m FROM consultation_sessions s
			WHERE s.tenant_id = ? AND s.held_on BETWEEN ? AND ? AND s.program_id IN (` + progs + `) GROUP BY s.engagement_id) x`
		return one(q, append([]any{w.tenantID, from, to}, pargs...)...), 0
	case reports.FigTPITOS, reports.FigTPOT:
		q := `SELECT COUNT(*) FROM assessments a JOIN engagements e ON e.tenant_id = a.tenant_id AND e.id = a.engagement_id
			JOIN instruments i ON i.tenant_id = a.tenant_id AND i.id = a.instrument_id
			WHERE a.tenant_id = ? AND i.builtin = ? AND a.administered_on BETWEEN ? AND ? AND e.program_id IN (` + progs + `)`
		return one(q, append([]any{w.tenantID, fig, from, to}, pargs...)...), 0
	case reports.FigClassroomsAsmt:
		q := `SELECT COUNT(*) FROM (SELECT ps.id, MIN(a.administered_on) AS first FROM assessments a
			JOIN engagements e ON e.tenant_id = a.tenant_id AND e.id = a.engagement_id
			JOIN instruments i ON i.tenant_id = a.tenant_id AND i.id = a.instrument_id
			JOIN program_sites ps ON ps.tenant_id = e.tenant_id AND ps.id = e.site_id AND ps.kind = 'classroom'
			WHERE a.tenant_id = ? AND i.builtin IN ('tpitos', 'tpot') AND a.administered_on BETWEEN ? AND ? AND e.program_id IN (` + progs + `)
			GROUP BY ps.id) x WHERE first BETWEEN ? AND ?`
		return one(q, append(append([]any{w.tenantID, yf, yt}, pargs...), from, to)...), 0
	}
	// Outcomes: earliest pre and latest post per unit and instrument (by date, then id).
	q := `WITH a AS (
			SELECT a.id, CASE WHEN ps.id IS NOT NULL THEN 's:' || ps.id ELSE 'p:' || e.program_id END AS uk, i.builtin AS b,
				a.phase, a.administered_on AS d, sc.score_hundredths AS v, sub.higher_is_better AS hib
			FROM assessments a JOIN engagements e ON e.tenant_id = a.tenant_id AND e.id = a.engagement_id
			JOIN instruments i ON i.tenant_id = a.tenant_id AND i.id = a.instrument_id
			JOIN instrument_subscales sub ON sub.tenant_id = i.tenant_id AND sub.instrument_id = i.id AND sub.position = 1
			JOIN assessment_scores sc ON sc.tenant_id = a.tenant_id AND sc.assessment_id = a.id AND sc.subscale_id = sub.id
			LEFT JOIN program_sites ps ON ps.tenant_id = e.tenant_id AND ps.id = e.site_id
			WHERE a.tenant_id = ? AND i.builtin IN ('tpitos', 'tpot') AND a.administered_on BETWEEN ? AND ? AND e.program_id IN (` + progs + `)),
		pre AS (SELECT * FROM a x WHERE x.phase = 'pre' AND NOT EXISTS (SELECT 1 FROM a y WHERE y.uk = x.uk AND y.b = x.b AND y.phase = 'pre'
			AND (y.d < x.d OR (y.d = x.d AND y.id < x.id)))),
		post AS (SELECT * FROM a x WHERE x.phase = 'post' AND NOT EXISTS (SELECT 1 FROM a y WHERE y.uk = x.uk AND y.b = x.b AND y.phase = 'post'
			AND (y.d > x.d OR (y.d = x.d AND y.id > x.id)))),
		pairs AS (SELECT pre.uk, post.d AS pd, CASE WHEN (pre.hib AND post.v > pre.v) OR (NOT pre.hib AND post.v < pre.v) THEN 1 ELSE 0 END AS imp
			FROM pre JOIN post ON post.uk = pre.uk AND post.b = pre.b WHERE post.d >= pre.d),
		units AS (SELECT uk, MAX(pd) AS last, MIN(imp) AS improved FROM pairs GROUP BY uk)
		SELECT COUNT(*), COALESCE(SUM(improved), 0) FROM units WHERE last BETWEEN ? AND ?`
	var units, improved int
	if err := w.owner.QueryRowContext(ctx, q, append(append([]any{w.tenantID, yf, yt}, pargs...), from, to)...).Scan(&units, &improved); err != nil {
		t.Fatal(err)
	}
	switch fig {
	case reports.FigAssessedUnits:
		return units, 0
	case reports.FigImproved:
		return improved, 0
	}
	return improved, units
}

// TestNCPCEqualsRecount: on random data, every figure of the report — each PSC and the total,
// each quarter and the year, as the tenant admin and as each funder — equals the independent
// SQL recomputation; a funder's report holds only the programs it funds.
func TestNCPCEqualsRecount(t *testing.T) {
	for _, seed := range []int64{1, 2} {
		w := newNCPCWorld(t, seed)
		viewers := []struct{ role, org string }{{authz.TenantAdmin, ""}}
		for _, f := range w.funders {
			viewers = append(viewers, struct{ role, org string }{authz.Funder, f})
		}
		nonzero := 0
		for _, v := range viewers {
			rep, err := w.deps.NCPC(w.scope(v.role, v.org), w.year)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rep.Rows {
				for q := 0; q <= 4; q++ {
					from, to := w.year.From(), w.year.To()
					if q > 0 {
						from, to = rep.Quarters[q-1].From, rep.Quarters[q-1].To
					}
					n, of := w.recount(t, row.Figure.Key, row.PSC, v.org, from, to)
					got := row.Cell(q)
					if got.N != n || (row.Figure.Percent && got.Of != of) {
						t.Errorf("seed %d, %s %s: %s, PSC %q, quarter %d: report %d of %d, recount %d of %d",
							seed, v.role, v.org, row.Figure.Key, row.PSC, q, got.N, got.Of, n, of)
					}
					if n > 0 {
						nonzero++
					}
					// The list behind the figure has as many lines as the figure counts.
					if k := row.Figure.Key; k != reports.FigEducators && k != reports.FigImprovedPct {
						if l := len(rep.ListFor(k, row.PSC, q)); l != got.N {
							t.Errorf("seed %d: the list behind %s %q q%d has %d lines for %d", seed, k, row.PSC, q, l, got.N)
						}
					}
				}
			}
			if v.role == authz.Funder {
				var funded []string
				if err := w.owner.NewSelect().Table("fundings").Column("program_id").
					Where("tenant_id = ? AND funder_id = ? AND fiscal_year = 2026", w.tenantID, v.org).Scan(context.Background(), &funded); err != nil {
					t.Fatal(err)
				}
				for _, p := range rep.Programs {
					ok := false
					for _, f := range funded {
						ok = ok || f == p.ProgramID
					}
					if !ok {
						t.Errorf("seed %d: funder %s's report holds %s, which it does not fund", seed, v.org, p.Name)
					}
				}
			}
		}
		if nonzero < 50 {
			t.Errorf("seed %d: only %d figures above zero: the random data is too thin to test anything", seed, nonzero)
		}
	}
}
