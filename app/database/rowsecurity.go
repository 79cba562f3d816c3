package database

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uptrace/bun"
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
// The settings are session settings, written before the connection is handed out (before any
// BEGIN, so no rollback undoes them) and rewritten for every checkout whose context asks for
// other settings, so a connection never carries one request's tenant into another's. Inside a
// transaction, a context whose scope changes gets transaction-local settings (Conn).

type acrossKey struct{}
type personKey struct{}

// AcrossTenants returns ctx for work that spans tenants on purpose: the purge, the sweeps, the
// platform console. It is the only way to read or write more than one tenant's rows (on
// PostgreSQL the policies let such a context through, and nothing else); why names the work
// ("exports.expire"), a fixed string, never input. The work says so in the audit log with
// AuditAcross: a sweep when it found or changed something, a console page every time it is read.
// Every call site is listed in the allow-list of TestQueriesGoThroughTheScopingHelper.
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
		// Not the scope's user: inside a tenant, a person's memberships of other tenants are
		// none of the request's business (only WithPerson opens them).
		rs.tenant = s.TenantID
	}
	if u, ok := ctx.Value(personKey{}).(string); ok && u != "" {
		rs.user = u
	}
	return rs
}

const settingsKey = "holdspace.rowsettings"

// setSession writes the settings for the connection's session; setLocal for the rest of the
// transaction it runs in.
const (
	setSession = `SELECT set_config('app.tenant_id', $1, false), set_config('app.user_id', $2, false), set_config('app.all_tenants', $3, false)`
	setLocal   = `SELECT set_config('app.tenant_id', ?, true), set_config('app.user_id', ?, true), set_config('app.all_tenants', ?, true)`
)

// prepareConn writes ctx's settings on conn before the pool hands it out, skipping the round
// trip when the connection already has them.
func prepareConn(ctx context.Context, conn *pgx.Conn) (bool, error) {
	want := settingsOf(ctx)
	data := conn.PgConn().CustomData()
	if have, ok := data[settingsKey].(rowSettings); ok && have == want {
		return true, nil
	}
	delete(data, settingsKey)
	if _, err := conn.Exec(ctx, setSession, want.tenant, want.user, want.all); err != nil {
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
	forgetPool(c.pool)
	c.pool.Close()
	return nil
}

// AuditAcross writes the platform-wide audit event of work across tenants: what (why), and
// what it did (detail). It is written in no tenant (tenant_id ”), by the actor ctx names if
// any (actorID, actorEmail: the audit package's actor is above this package).
func AuditAcross(ctx context.Context, db bun.IDB, why, detail, actorID, actorEmail string) error {
	_, err := db.NewRaw(`INSERT INTO audit_events (tenant_id, id, actor_id, actor_email, action, record_type, record_id,
		detail, ip, created_at) VALUES ('', ?, ?, ?, 'platform.across_tenants', 'work', ?, ?, '', ?)`,
		NewID(), actorID, actorEmail, why, detail, Now()).Exec(WithScope(AcrossTenants(ctx, why), Scope{}))
	return err
}
