package database

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Row-level security, the second wall (PostgreSQL only).
//
// Every table with a tenant_id has a forced policy (migrations.SecureTenantTables) that shows and
// accepts only the rows whose tenant_id is the connection's app.tenant_id, or every row when
// app.all_tenants is on. The application's role owns no table and has no BYPASSRLS, so the policy
// holds even for a query that forgot its WHERE clause. The settings come from the context of the
// call that takes a connection from the pool (prepareConn, below):
//
//   - a Scope (WithScope: the tenant middleware, a task's payload): app.tenant_id is its tenant;
//   - a person (WithPerson: sign-in, the tenant switcher): app.user_id, which lets the memberships
//     policy show that person's own memberships in every tenant, and nothing else;
//   - AcrossTenants: the one named path for work that spans tenants on purpose;
//   - nothing: app.tenant_id is "", the platform's own rows (platform audit events, mail sent
//     before a tenant exists).
//
// The settings are session settings, written before the connection is handed out (never inside
// a transaction, so no rollback undoes them) and rewritten for every checkout whose context asks
// for other settings, so a connection never carries one request's tenant into another's.

type acrossKey struct{}
type personKey struct{}

// AcrossTenants returns ctx for work that spans tenants on purpose: the purge, the hourly and
// daily sweeps, the platform console. why names the work; it is written to the audit log by
// the caller (audit.AcrossTenants) and shows in pg_stat_activity as the application name is not
// changed. Nothing else may read more than one tenant.
func AcrossTenants(ctx context.Context, why string) context.Context {
	if why == "" {
		panic("database.AcrossTenants: say why the work spans tenants")
	}
	return context.WithValue(ctx, acrossKey{}, why)
}

// AcrossTenantsWhy reports whether ctx is on the cross-tenant path, and why.
func AcrossTenantsWhy(ctx context.Context) (string, bool) {
	why, ok := ctx.Value(acrossKey{}).(string)
	return why, ok
}

// WithPerson returns ctx for a person's own records across their tenants (their memberships),
// before any tenant is chosen.
func WithPerson(ctx context.Context, userID string) context.Context {
	return context.WithValue(ctx, personKey{}, userID)
}

// rowSettings are the values prepareConn writes.
type rowSettings struct {
	tenant, user, all string
}

func settingsOf(ctx context.Context) rowSettings {
	var rs rowSettings
	if _, ok := AcrossTenantsWhy(ctx); ok {
		rs.all = "on"
	}
	if s, ok := ctx.Value(scopeKey{}).(Scope); ok {
		rs.tenant, rs.user = s.TenantID, s.UserID
	}
	if u, ok := ctx.Value(personKey{}).(string); ok && u != "" {
		rs.user = u
	}
	return rs
}

const settingsKey = "holdspace.rowsettings"

// prepareConn writes ctx's settings on conn before the pool hands it out, skipping the round
// trip when the connection already has them.
func prepareConn(ctx context.Context, conn *pgx.Conn) (bool, error) {
	want := settingsOf(ctx)
	data := conn.PgConn().CustomData()
	if have, ok := data[settingsKey].(rowSettings); ok && have == want {
		return true, nil
	}
	delete(data, settingsKey)
	if _, err := conn.Exec(ctx, `SELECT set_config('app.tenant_id', $1, false), set_config('app.user_id', $2, false),
		set_config('app.all_tenants', $3, false)`, want.tenant, want.user, want.all); err != nil {
		return false, fmt.Errorf("set row security settings: %w", err)
	}
	data[settingsKey] = want
	return true, nil
}

// poolConnector closes the pgx pool when the database/sql pool closes.
type poolConnector struct {
	driver.Connector
	pool *pgxpool.Pool
}

func (c poolConnector) Close() error {
	c.pool.Close()
	return nil
}
