package database

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

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
// trip when the connection already has them, or when the statement reads only platform tables
// (PlatformTablesOnly, checked by the query hook).
func prepareConn(ctx context.Context, conn *pgx.Conn) (bool, error) {
	if v, _ := ctx.Value(platformOnlyKey{}).(platformOnly); v == platformChecked {
		return true, nil
	}
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

type platformOnlyKey struct{}

// platformOnly is what a context says of its statements' tables.
type platformOnly int

const (
	platformAsked   platformOnly = iota + 1 // PlatformTablesOnly: the caller says so
	platformChecked                         // the query hook read the statement and agrees
)

// PlatformTables are the tables without a tenant_id, and so without row-level security, that
// every request reads: the sessions, the people, the tenants. The settings of a connection do
// not change what a statement on them sees or writes.
var PlatformTables = []string{"sessions", "users", "tenants"}

// PlatformTablesOnly returns ctx for statements that read or write only PlatformTables: the
// session lookup that starts every signed-in request, and the tenant of the address. Their
// connection is handed out with whatever settings it has, which saves the round trip that
// writes them: most connections come back from a request with its tenant's settings, and the
// next request's session lookup would switch them off, then its tenant pages on again (a
// third of a millisecond a request, a sixth of a small page's time).
//
// The claim is checked, not trusted: the query hook (statsHook.BeforeQuery) reads each
// statement's text, and one that names any other table after FROM, JOIN, UPDATE or INTO, or a
// sub-select there, gets ctx's settings as usual. A statement that does not go through the
// hook (the database/sql handle itself) gets them too.
func PlatformTablesOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, platformOnlyKey{}, platformAsked)
}

// checkPlatformOnly is the query hook's half of PlatformTablesOnly.
func checkPlatformOnly(ctx context.Context, query string) context.Context {
	if v, _ := ctx.Value(platformOnlyKey{}).(platformOnly); v == platformAsked && readsOnlyPlatformTables(query) {
		return context.WithValue(ctx, platformOnlyKey{}, platformChecked)
	}
	return ctx
}

// readsOnlyPlatformTables reports whether every table query names (after FROM, JOIN, UPDATE or
// INTO, and after a comma in a FROM list) is one of PlatformTables. Anything it cannot follow
// (a sub-select or a function where a table would be) counts as another table. Texts in single
// quotes are skipped; names may be in double quotes.
func readsOnlyPlatformTables(query string) bool {
	expectTable, inFrom := false, false
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '\'':
			// A literal, its quotes doubled inside; bun writes values this way.
			i++
			for i < len(query) {
				if query[i] == '\'' {
					if i+1 < len(query) && query[i+1] == '\'' {
						i += 2
						continue
					}
					break
				}
				i++
			}
			i++
			if expectTable {
				return false
			}
		case c == '"' || isIdentByte(c):
			var word string
			if c == '"' {
				end := strings.IndexByte(query[i+1:], '"')
				if end < 0 {
					return false
				}
				word = query[i+1 : i+1+end]
				i += end + 2
			} else {
				j := i
				for j < len(query) && isIdentByte(query[j]) {
					j++
				}
				word = strings.ToLower(query[i:j])
				i = j
			}
			if expectTable {
				if !slices.Contains(PlatformTables, word) {
					return false
				}
				expectTable = false
				continue
			}
			if c == '"' {
				continue
			}
			switch word {
			case "from":
				expectTable, inFrom = true, true
			case "join", "update", "into":
				expectTable = true
			case "where", "on", "using", "set", "values", "group", "order", "limit", "returning", "having", "union", "select":
				inFrom = false
			}
		case c == ',' && inFrom:
			expectTable = true
			i++
		default:
			if expectTable && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return false // a sub-select, a function: not a table this can follow
			}
			if c == '(' || c == ')' {
				inFrom = false
			}
			i++
		}
	}
	return !expectTable
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
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
