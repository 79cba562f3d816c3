package exports

import (
	"archive/zip"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/runs"
)

// build streams the export of the run's tenant into w: a zip with one CSV per tenant table
// (table.csv), each with every column but the Omitted ones, its rows in primary key order. Every
// table is read through the scoping helper. Progress is tables done out of the total.
func (s *Service) build(ctx context.Context, r *runs.Run, w io.Writer, progress func(done, total int)) (string, string, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return "", "", err
	}
	tables, err := database.TenantTables(ctx, s.db)
	if err != nil {
		return "", "", err
	}
	progress(0, len(tables))
	zw := zip.NewWriter(w)
	now := time.Now()
	for i, table := range tables {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: table + ".csv", Method: zip.Deflate, Modified: now})
		if err != nil {
			return "", "", err
		}
		if err := s.writeTable(ctx, t, table, f); err != nil {
			return "", "", fmt.Errorf("export %s: %w", table, err)
		}
		progress(i+1, len(tables))
	}
	if err := zw.Close(); err != nil {
		return "", "", err
	}
	slug := ""
	if sc, err := database.ScopeFrom(ctx); err == nil {
		slug = sc.TenantSlug
	}
	name := "holdspace-export-" + r.CreatedAt.UTC().Format("2006-01-02") + ".zip"
	if slug != "" {
		name = "holdspace-" + slug + "-export-" + r.CreatedAt.UTC().Format("2006-01-02") + ".zip"
	}
	return name, "application/zip", nil
}

// columns lists a table's columns in the table's order, without the Omitted ones.
func columns(ctx context.Context, t database.Tenant, table string) ([]string, error) {
	rows, err := t.SelectFrom(table, "x").ColumnExpr("x.*").Limit(0).Rows(ctx)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	all, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var cols []string
	for _, c := range all {
		if _, left := Omitted[table][c]; !left {
			cols = append(cols, c)
		}
	}
	return cols, rows.Err()
}

// writeTable streams one table of the tenant as CSV: a header of the column names, then one
// line per row, in primary key order.
func (s *Service) writeTable(ctx context.Context, t database.Tenant, table string, w io.Writer) error {
	cols, err := columns(ctx, t, table)
	if err != nil {
		return err
	}
	pk, err := database.PrimaryKey(ctx, s.db, table)
	if err != nil {
		return err
	}
	if len(pk) == 0 {
		pk = cols
	}
	q := t.SelectFrom(table, "x")
	for _, c := range cols {
		q = q.ColumnExpr("x.?", bun.Ident(c))
	}
	for _, c := range pk {
		q = q.OrderExpr("x.?", bun.Ident(c))
	}
	rows, err := q.Rows(ctx)
	if err != nil {
		return err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	kinds := make([]string, len(types))
	for i, ct := range types {
		kinds[i] = strings.ToUpper(ct.DatabaseTypeName())
	}
	cw := csvout.NewWriter(w) // every cell guarded against formulas (names, audit details…)
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
			out[i] = cell(cols[i], kinds[i], v)
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
// as true/false, nothing for NULL, bytes that are not text in base64.
func cell(col, kind string, v any) string {
	isBool := strings.Contains(kind, "BOOL")
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		if isBool {
			return strconv.FormatBool(x != 0)
		}
		return strconv.FormatInt(x, 10)
	case []byte:
		if !utf8.Valid(x) {
			return base64.StdEncoding.EncodeToString(x)
		}
		return cellString(col, kind, isBool, string(x))
	case string:
		return cellString(col, kind, isBool, x)
	}
	return fmt.Sprint(v)
}

// sqliteTimes are the layouts SQLite may return a TIMESTAMPTZ in.
var sqliteTimes = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"}

func cellString(col, kind string, isBool bool, s string) string {
	if s != "" && (strings.Contains(kind, "TIMESTAMP") || strings.HasSuffix(col, "_at")) {
		for _, layout := range sqliteTimes {
			if tm, err := time.Parse(layout, s); err == nil {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	if isBool {
		switch s {
		case "0", "false", "f":
			return "false"
		case "1", "true", "t":
			return "true"
		}
	}
	return s
}
