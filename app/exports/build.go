package exports

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// The tables this package reads without owning a model of them: each names its table and
// alias for the scoping helper.
type (
	siteTable struct {
		bun.BaseModel `bun:"table:program_sites,alias:ps"`
		database.TenantScoped
	}
	fundingTable struct {
		bun.BaseModel `bun:"table:fundings,alias:f"`
		database.TenantScoped
	}
	budgetLineTable struct {
		bun.BaseModel `bun:"table:budget_lines,alias:bl"`
		database.TenantScoped
	}
	importTable struct {
		bun.BaseModel `bun:"table:imports,alias:imp"`
		database.TenantScoped
	}
)

// file is one CSV of the export: a kind of record and its query, always built on the tenant
// scope (t.Select), so that only the tenant's rows can come out. Secrets and file contents
// are left out: an invitation's token hash, an import's uploaded file.
type file struct {
	Name  string
	query func(t database.Tenant) *bun.SelectQuery
}

// Files lists the CSV files of an export, in the zip's order.
func Files() []string {
	var names []string
	for _, f := range files {
		names = append(names, f.Name+".csv")
	}
	return names
}

var files = []file{
	{"organisations", func(t database.Tenant) *bun.SelectQuery {
		return t.Select((*tenants.Organisation)(nil)).
			ColumnExpr("o.id, o.kind, o.name, o.short_name, o.program_kind, o.county, o.languages, o.created_at, o.updated_at").
			OrderExpr("o.kind, o.name, o.id")
	}},
	{"memberships", func(t database.Tenant) *bun.SelectQuery {
		return t.Select((*tenants.Membership)(nil)).
			ColumnExpr("m.id, m.user_id, u.email, u.name, m.role, m.organisation_id, COALESCE(o.name, '') AS organisation_name, m.active, m.created_at, m.updated_at").
			Join("JOIN users AS u ON u.id = m.user_id").
			Join("LEFT JOIN organisations AS o ON o.tenant_id = m.tenant_id AND o.id = m.organisation_id").
			OrderExpr("u.email, m.id")
	}},
	{"invitations", func(t database.Tenant) *bun.SelectQuery {
		return t.Select((*tenants.Invitation)(nil)).
			ColumnExpr("i.id, i.email, i.name, i.role, i.organisation_id, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at").
			OrderExpr("i.created_at, i.id")
	}},
	{"program_sites", func(t database.Tenant) *bun.SelectQuery {
		return t.Select((*siteTable)(nil)).
			ColumnExpr("ps.id, ps.program_id, COALESCE(o.name, '') AS program_name, ps.name, ps.kind, ps.created_at").
			Join("LEFT JOIN organisations AS o ON o.tenant_id = ps.tenant_id AND o.id = ps.program_id").
			OrderExpr("ps.program_id, ps.name, ps.id")
	}},
	{"fundings", func(t database.Tenant) *bun.SelectQuery {
		return t.Select((*fundingTable)(nil)).
			ColumnExpr("f.id, f.program_id, COALESCE(p.name, '') AS program_name, f.funder_id, COALESCE(fu.name, '') AS funder_name, " +
				"f.fiscal_year, f.iecmhc_funded, f.created_at, f.updated_at").
			Join("LEFT JOIN organisations AS p ON p.tenant_id = f.tenant_id AND p.id = f.program_id").
			Join("LEFT JOIN organisations AS fu ON fu.tenant_id = f.tenant_id AND fu.id = f.funder_id").
			OrderExpr("f.program_id, f.fiscal_year, f.funder_id, f.id")
	}},
	{"budget_lines", func(t database.Tenant) *bun.SelectQuery {
		return t.Select((*budgetLineTable)(nil)).
			ColumnExpr("bl.id, bl.funding_id, bl.category, bl.amount_cents, bl.position").
			OrderExpr("bl.funding_id, bl.position, bl.id")
	}},
	{"audit_events", func(t database.Tenant) *bun.SelectQuery {
		return t.Select((*audit.Event)(nil)).
			ColumnExpr("ae.id, ae.created_at, ae.actor_id, ae.actor_email, ae.action, ae.record_type, ae.record_id, ae.detail, ae.ip").
			OrderExpr("ae.created_at, ae.id")
	}},
	{"imports", func(t database.Tenant) *bun.SelectQuery {
		return t.Select((*importTable)(nil)).
			ColumnExpr("imp.id, imp.kind, imp.status, imp.file_name, imp.total_rows, imp.processed_rows, imp.problems, imp.created_by, " +
				"imp.created_at, imp.updated_at, imp.finished_at").
			OrderExpr("imp.created_at, imp.id")
	}},
}

// boolColumns are written true/false whichever way the database returns them (SQLite keeps
// 0 and 1).
var boolColumns = map[string]bool{"active": true, "iecmhc_funded": true}

// buildZip writes every file of the tenant of ctx into a zip.
func (s *Service) buildZip(ctx context.Context) ([]byte, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	now := time.Now()
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name + ".csv", Method: zip.Deflate, Modified: now})
		if err != nil {
			return nil, err
		}
		if err := writeCSV(ctx, w, f.query(t)); err != nil {
			return nil, fmt.Errorf("export %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeCSV streams the rows of q as CSV: a header of the column names, then one line per row.
func writeCSV(ctx context.Context, w interface{ Write([]byte) (int, error) }, q *bun.SelectQuery) error {
	rows, err := q.Rows(ctx)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	cw := csvout.NewWriter(w) // every cell guarded against formulas (organisation names, audit details…)
	if err := cw.Write(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	out := make([]string, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			out[i] = cell(cols[i], v)
		}
		if err := cw.Write(out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// cell writes one value the same way from both databases: times in RFC 3339 (UTC), booleans
// as true/false, nothing for NULL.
func cell(col string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		if boolColumns[col] {
			return strconv.FormatBool(x != 0)
		}
		return strconv.FormatInt(x, 10)
	case []byte:
		return cellString(col, string(x))
	case string:
		return cellString(col, x)
	}
	return fmt.Sprint(v)
}

// sqliteTimes are the layouts SQLite may return a TIMESTAMPTZ in.
var sqliteTimes = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"}

func cellString(col, s string) string {
	if strings.HasSuffix(col, "_at") && s != "" {
		for _, layout := range sqliteTimes {
			if tm, err := time.Parse(layout, s); err == nil {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	if boolColumns[col] {
		switch s {
		case "0", "false", "f":
			return "false"
		case "1", "true", "t":
			return "true"
		}
	}
	return s
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
