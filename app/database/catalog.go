package database

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// TenantTables lists the tables with a tenant_id column, by name, from the database's own
// catalog: the one list the purge, the row-level security policies and the tests that check
// them read, so a new table cannot be missing from any of them.
func TenantTables(ctx context.Context, db bun.IDB) ([]string, error) {
	var names []string
	var err error
	if db.Dialect().Name() == dialect.PG {
		err = db.NewRaw(`SELECT c.table_name FROM information_schema.columns AS c
			JOIN information_schema.tables AS t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.column_name = 'tenant_id' AND c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			ORDER BY c.table_name`).Scan(ctx, &names)
	} else {
		err = db.NewRaw(`SELECT m.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p
			WHERE m.type = 'table' AND p.name = 'tenant_id' ORDER BY m.name`).Scan(ctx, &names)
	}
	if err != nil {
		return nil, fmt.Errorf("list tenant tables: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("list tenant tables: the catalog lists no table with a tenant_id column")
	}
	return names, nil
}

// PrimaryKey lists the columns of a table's primary key, in the key's order, from the
// database's own catalog (nothing when the table has none).
func PrimaryKey(ctx context.Context, db bun.IDB, table string) ([]string, error) {
	var cols []string
	var err error
	if db.Dialect().Name() == dialect.PG {
		err = db.NewRaw(`SELECT a.attname FROM pg_index AS i
			JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indrelid = to_regclass(quote_ident(?)) AND i.indisprimary
			ORDER BY array_position(i.indkey::int2[], a.attnum)`, table).Scan(ctx, &cols)
	} else {
		err = db.NewRaw(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table).Scan(ctx, &cols)
	}
	if err != nil {
		return nil, fmt.Errorf("primary key of %s: %w", table, err)
	}
	return cols, nil
}
