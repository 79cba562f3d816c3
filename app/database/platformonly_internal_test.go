package database

import "testing"

// TestReadsOnlyPlatformTables: the query hook lets a PlatformTablesOnly statement keep its
// connection's settings only when every table it names is a platform table.
func TestReadsOnlyPlatformTables(t *testing.T) {
	for _, c := range []struct {
		query string
		want  bool
	}{
		// The session lookup and its writes, as bun writes them.
		{`SELECT s.id, s.user_id, u.id, u.email FROM "sessions" AS "session" JOIN users AS u ON u.id = s.user_id WHERE (s.id = 'abc')`, true},
		{`DELETE FROM "sessions" AS "session" WHERE ("session"."id" = 'abc')`, true},
		{`UPDATE "sessions" AS "session" SET "last_seen_at" = '2026-12-07 06:00:00+00:00' WHERE ("session"."id" = 'abc')`, true},
		{`SELECT "t"."id", "t"."slug" FROM "tenants" AS "t" WHERE (t.slug = 'volume')`, true},
		{`INSERT INTO "sessions" ("id", "user_id") VALUES ('a', 'b')`, true},
		// A literal that looks like SQL is only a literal.
		{`SELECT * FROM tenants WHERE name = 'x FROM memberships, organisations'`, true},
		{`SELECT * FROM tenants WHERE name = 'it''s FROM memberships'`, true},
		// Any other table, wherever it is named.
		{`SELECT * FROM "memberships" AS "m"`, false},
		{`SELECT * FROM sessions AS s JOIN memberships AS m ON m.user_id = s.user_id`, false},
		{`SELECT * FROM sessions AS s LEFT JOIN "organisations" AS o ON true`, false},
		{`SELECT * FROM sessions AS s, memberships AS m WHERE true`, false},
		{`SELECT * FROM sessions s, "engagements"`, false},
		{`SELECT (SELECT count(*) FROM memberships) AS n FROM tenants`, false},
		{`SELECT * FROM tenants WHERE id IN (SELECT tenant_id FROM memberships)`, false},
		{`SELECT * FROM (SELECT * FROM tenants) AS t`, false},
		{`SELECT * FROM generate_series(1, 3)`, false},
		{`SELECT * FROM public.tenants`, false},
		{`UPDATE "memberships" SET active = false`, false},
		{`INSERT INTO audit_events (id) VALUES ('a')`, false},
		{`SELECT extract(year FROM created_at) FROM tenants`, false},
		{`SELECT * FROM`, false},
		{`SELECT * FROM "tenants`, false},
	} {
		if got := readsOnlyPlatformTables(c.query); got != c.want {
			t.Errorf("readsOnlyPlatformTables(%q) = %v, want %v", c.query, got, c.want)
		}
	}
}
