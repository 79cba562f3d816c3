package reports_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/consultation/volumebench"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/reports"
	"github.com/holdspace/holdspace/app/tenants"
)

// ncpcBench is the volume tenant (consultation.SeedVolume, 1,000,000 sessions over five years
// in schema holdspace_bench on PostgreSQL) with the NCPC report's data added once: an NCPC
// funder funding every volume program in FY 2026 as the NCPC activity (PSCs in turn), and a
// TPITOS or TPOT pre- and post-assessment in FY 2026 for every engagement.
var ncpcBench struct {
	db *bun.DB
	v  *consultation.Volume
}

func ncpcBenchSetup(b *testing.B) (*bun.DB, *consultation.Volume) {
	b.Helper()
	if ncpcBench.v != nil {
		return ncpcBench.db, ncpcBench.v
	}
	ctx := context.Background()
	d := volumebench.Open(b)
	db, v := d.DB, d.V
	if err := seedNCPCBench(ctx, db, v); err != nil {
		b.Fatal(err)
	}
	ncpcBench.db, ncpcBench.v = db, v
	return db, v
}

// seedNCPCBench adds the NCPC data to the volume tenant, once (a second run adds nothing).
func seedNCPCBench(ctx context.Context, db *bun.DB, v *consultation.Volume) error {
	now := database.Now()
	const funderName = "Volume NCPC partnership"
	var funder string
	if err := db.NewSelect().TableExpr("organisations").Column("id").Where("tenant_id = ? AND kind = 'funder' AND name = ?", v.TenantID, funderName).
		Scan(ctx, &funder); err != nil {
		funder = database.NewID()
		if _, err := db.ExecContext(ctx, `INSERT INTO organisations (tenant_id, id, kind, name, created_at, updated_at) VALUES (?, ?, 'funder', ?, ?, ?)`,
			v.TenantID, funder, funderName, now, now); err != nil {
			return err
		}
	}
	var progs []string
	if err := db.NewSelect().TableExpr("organisations").Column("id").Where("tenant_id = ? AND kind = 'program'", v.TenantID).
		OrderExpr("name").Scan(ctx, &progs); err != nil {
		return err
	}
	for i, p := range progs {
		var fid string
		err := db.NewSelect().TableExpr("fundings").Column("id").Where("tenant_id = ? AND program_id = ? AND funder_id = ? AND fiscal_year = 2026", v.TenantID, p, funder).Scan(ctx, &fid)
		if err != nil {
			fid = database.NewID()
			if _, err := db.ExecContext(ctx, `INSERT INTO fundings (tenant_id, id, program_id, funder_id, fiscal_year, iecmhc_funded, created_at, updated_at)
				VALUES (?, ?, ?, ?, 2026, TRUE, ?, ?)`, v.TenantID, fid, p, funder, now, now); err != nil {
				return err
			}
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO ncpc_activities (tenant_id, funding_id, program_identifier, psc, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, funding_id) DO NOTHING`, v.TenantID, fid, reports.DefaultProgramIdentifier, reports.PSCs[i%3].Code, now); err != nil {
			return err
		}
	}
	n, err := db.NewSelect().TableExpr("assessments").Where("tenant_id = ? AND administered_by = 'bench-ncpc'", v.TenantID).Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	tctx := database.WithScope(ctx, database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug})
	if err := consultation.NewInstruments(db, audit.New(db)).EnsureBuiltins(tctx); err != nil {
		return err
	}
	first := map[string]string{}
	for _, b := range []string{"tpitos", "tpot"} {
		var row struct {
			Ins string `bun:"ins"`
			Sub string `bun:"sub"`
		}
		if err := db.NewSelect().TableExpr("instruments AS i").ColumnExpr("i.id AS ins, s.id AS sub").
			Join("JOIN instrument_subscales AS s ON s.tenant_id = i.tenant_id AND s.instrument_id = i.id AND s.position = 1").
			Where("i.tenant_id = ? AND i.builtin = ?", v.TenantID, b).Scan(ctx, &row); err != nil {
			return err
		}
		first[b+":ins"], first[b+":sub"] = row.Ins, row.Sub
	}
	var engs []string
	if err := db.NewSelect().TableExpr("engagements").Column("id").Where("tenant_id = ?", v.TenantID).OrderExpr("id").Scan(ctx, &engs); err != nil {
		return err
	}
	var asm, scores []string
	var args, sargs []any
	flush := func() error {
		if len(asm) == 0 {
			return nil
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO assessments (tenant_id, id, engagement_id, instrument_id, phase, administered_on, administered_by, created_at, updated_at) VALUES `+
			strings.Join(asm, ", "), args...); err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO assessment_scores (tenant_id, assessment_id, subscale_id, score_hundredths) VALUES `+
			strings.Join(scores, ", "), sargs...); err != nil {
			return err
		}
		asm, scores, args, sargs = asm[:0], scores[:0], args[:0], sargs[:0]
		return nil
	}
	for i, e := range engs {
		b := []string{"tpitos", "tpot"}[i%2]
		pre := time.Date(2025, time.Month(7+i%6), 1+i%28, 0, 0, 0, 0, time.UTC)
		post := pre.AddDate(0, 4+i%3, 0)
		for _, ph := range []struct {
			phase string
			on    time.Time
			score int
		}{{"pre", pre, 4000 + (i%30)*100}, {"post", post, 4000 + (i%30)*100 + (i%5-1)*500}} {
			id := database.NewID()
			asm = append(asm, "(?, ?, ?, ?, ?, ?, 'bench-ncpc', ?, ?)")
			args = append(args, v.TenantID, id, e, first[b+":ins"], ph.phase, ph.on.Format(time.DateOnly), now, now)
			scores = append(scores, "(?, ?, ?, ?)")
			sargs = append(sargs, v.TenantID, id, first[b+":sub"], ph.score)
		}
		if len(asm) >= 500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// BenchmarkNCPCReport: the NCPC report of FY 2026 on the volume tenant (about 200,000 sessions
// in the year, 50 programs, 4,000 assessments), as the tenant admin: its computation, and the
// computation with the XLSX built (written to nowhere). Target: under 3 s.
func BenchmarkNCPCReport(b *testing.B) {
	db, v := ncpcBenchSetup(b)
	ctx := database.WithScope(context.Background(), database.Scope{TenantID: v.TenantID, TenantSlug: v.Slug, UserID: database.NewID(), Role: authz.TenantAdmin})
	d := reports.Deps{DB: db, Audit: audit.New(db), Tenants: tenants.NewStore(db)}
	y := reports.Year{Calendar: reports.CalendarState, FY: 2026, StartMonth: 7}
	rep, err := d.NCPC(ctx, y)
	if err != nil {
		b.Fatal(err)
	}
	fac := rep.Figure(reports.FigFacilities, "")
	b.Logf("FY 2026: %d programs, %s facilities, %s educators, %s with pre and post, %s TPITOS (%s)", len(rep.Programs), fac.YTD,
		rep.Figure(reports.FigEducators, "").YTD, rep.Figure(reports.FigAssessedUnits, "").YTD, rep.Figure(reports.FigTPITOS, "").YTD, db.Dialect().Name())
	if fac.YTD.N == 0 {
		b.Fatal("the volume tenant has no facility in the report")
	}
	b.Run("report", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := d.NCPC(ctx, y); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("xlsx", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rep, err := d.NCPC(ctx, y)
			if err != nil {
				b.Fatal(err)
			}
			if err := reports.WriteNCPCXLSX(io.Discard, rep, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
