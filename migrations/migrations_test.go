package migrations_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/migrations"
)

var tables = []string{"tenants", "users", "organisations", "memberships", "invitations", "sessions",
	"password_resets", "audit_events", "emails"}

// missing returns the tables that cannot be read.
func missing(ctx context.Context, db *bun.DB) []string {
	var out []string
	for _, table := range tables {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			out = append(out, table)
		}
	}
	return out
}

func TestUpDown(t *testing.T) {
	ctx := context.Background()
	db := dbtest.OpenEmpty(t)
	if got := missing(ctx, db); len(got) != len(tables) {
		t.Fatalf("got tables %v missing from an empty database, want all %d", got, len(tables))
	}

	t.Run("Up", func(t *testing.T) {
		g, err := migrations.Up(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if g.IsZero() {
			t.Error("got no migration group applied, want the foundation")
		}
		if got := missing(ctx, db); len(got) != 0 {
			t.Errorf("got tables %v missing after Up, want none", got)
		}
	})
	t.Run("UpAgainNoOp", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, "INSERT INTO users (id, email, name, created_at, updated_at) VALUES ('u1', 'a@b.org', 'A', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"); err != nil {
			t.Fatal(err)
		}
		g, err := migrations.Up(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if !g.IsZero() {
			t.Errorf("got group %s applied by a second Up, want none", g)
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil || n != 1 {
			t.Errorf("got %d users (err %v) after a second Up, want the 1 row kept", n, err)
		}
	})
	t.Run("Down", func(t *testing.T) {
		g, err := migrations.Down(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if g.IsZero() {
			t.Error("got no migration group rolled back, want the foundation")
		}
		if got := missing(ctx, db); len(got) != len(tables) {
			t.Errorf("got only %v missing after Down, want all of %v", got, tables)
		}
	})
	t.Run("UpAfterDown", func(t *testing.T) {
		if _, err := migrations.Up(ctx, db); err != nil {
			t.Fatal(err)
		}
		if got := missing(ctx, db); len(got) != 0 {
			t.Errorf("got tables %v missing after Up following Down, want none", got)
		}
	})
}
