package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os/exec"
	"regexp"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
)

// schemaName keeps a schema's name safe to put in SQL.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// ensureSeeded makes sure schema holds the tenants the run needs: with -seed auto (the
// default) it seeds only when one is missing, so `make load` works on a fresh machine and
// costs nothing on the second run; always seeds anyway (benchdata adds only what is missing);
// never does not look. Seeding is the real binary's `migrate up` then `benchdata ARGS`.
func ensureSeeded(ctx context.Context, o *options, bin, dir, schema string, slugs []string, benchArgs []string, progress io.Writer) error {
	if o.Seed == "never" {
		return nil
	}
	if !schemaName.MatchString(schema) {
		return fmt.Errorf("schema %q: use lower-case letters, digits and _", schema)
	}
	db, err := database.Open(ctx, o.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	if o.Seed == "auto" {
		missing, err := missingTenants(ctx, db, schema, slugs)
		if err != nil {
			return err
		}
		if len(missing) == 0 {
			return nil
		}
		fmt.Fprintf(progress, "%s has no tenant %v: seeding it (holdspace benchdata %v; a long while the first time)\n", schema, missing, benchArgs)
	}
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		return err
	}
	dsn, err := withSchema(o.Database, schema)
	if err != nil {
		return err
	}
	for _, args := range [][]string{{"migrate", "up"}, append([]string{"benchdata"}, benchArgs...)} {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = serverEnv(dsn, o.Redis, dir, 8080)
		cmd.Stdout, cmd.Stderr = progress, progress
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("holdspace %v on %s: %w", args, schema, err)
		}
	}
	// The seed's hundreds of megabytes are written out now, not by the checkpoints PostgreSQL
	// would otherwise spread over the run's first minutes (each one 4.5 minutes of writing,
	// with the pages measured meanwhile). A role without the right to checkpoint goes on.
	if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
		fmt.Fprintf(progress, "CHECKPOINT after seeding %s: %v (the run's first minutes share the machine with PostgreSQL writing the seed out)\n", schema, err)
	}
	return nil
}

// missingTenants lists the slugs schema does not hold (all of them when it has no tables).
func missingTenants(ctx context.Context, db *bun.DB, schema string, slugs []string) ([]string, error) {
	var table sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT to_regclass(?)::text", schema+".tenants").Scan(&table); err != nil {
		return nil, err
	}
	if !table.Valid {
		return slugs, nil
	}
	var missing []string
	for _, slug := range slugs {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+schema+".tenants WHERE slug = ?", slug).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			missing = append(missing, slug)
		}
	}
	return missing, nil
}
