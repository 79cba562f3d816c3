package database

import (
	"context"
	"sync/atomic"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
)

// Scope is who is acting in which tenant. The tenant middleware (from the URL and the
// membership) or a background task (from its payload) puts it in the context; nothing else does.
type Scope struct {
	TenantID       string
	TenantSlug     string
	UserID         string // empty for a background task
	Role           string
	OrganisationID string // set for funder and program roles
}

type scopeKey struct{}

// WithScope returns ctx carrying s.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// ScopeFrom returns the scope of ctx. It fails when there is no tenant: a store query without
// a tenant is a bug, and must not run unscoped.
func ScopeFrom(ctx context.Context) (Scope, error) {
	s, ok := ctx.Value(scopeKey{}).(Scope)
	if !ok || s.TenantID == "" {
		return Scope{}, apperr.Errorf(apperr.EINTERNAL, "no tenant in context")
	}
	return s, nil
}

// TenantOwned is a model with a tenant_id column.
type TenantOwned interface {
	SetTenantID(id string)
}

// Tenant is the one scoping helper. Every query on a tenant-owned table is built from it, so
// the tenant is always in the WHERE clause (tenant_id leads every index) and a row of another
// tenant is simply not found.
type Tenant struct {
	ID  string
	idb bun.IDB
}

// For returns the tenant helper for ctx's tenant, using the transaction in ctx if any.
func For(ctx context.Context, db *bun.DB) (Tenant, error) {
	s, err := ScopeFrom(ctx)
	if err != nil {
		return Tenant{}, err
	}
	return Tenant{ID: s.TenantID, idb: Conn(ctx, db)}, nil
}

// Scoped returns ctx's scope (who is asking, in which role) and the tenant helper together, for
// a query that narrows by the person as well as by the tenant.
func Scoped(ctx context.Context, db *bun.DB) (Scope, Tenant, error) {
	s, err := ScopeFrom(ctx)
	if err != nil {
		return Scope{}, Tenant{}, err
	}
	return s, Tenant{ID: s.TenantID, idb: Conn(ctx, db)}, nil
}

// tenantFilterOff leaves the tenant out of the helper's WHERE clauses. Only a test sets it
// (TenantFilterOffForTest), to show that on PostgreSQL row-level security alone keeps every
// tenant's rows apart.
var tenantFilterOff atomic.Bool

// TenantFilterOffForTest switches the helper's tenant filter off until tb ends. Tests only:
// with it off, isolation rests on row-level security (PostgreSQL) and nothing on SQLite.
func TenantFilterOffForTest(tb interface {
	Helper()
	Cleanup(func())
}) {
	tb.Helper()
	tenantFilterOff.Store(true)
	tb.Cleanup(func() { tenantFilterOff.Store(false) })
}

// Select starts a SELECT on model limited to the tenant.
func (t Tenant) Select(model any) *bun.SelectQuery {
	q := t.idb.NewSelect().Model(model)
	if tenantFilterOff.Load() {
		return q
	}
	return q.Where("?TableAlias.tenant_id = ?", t.ID)
}

// SelectFrom starts a SELECT on a table named without a model, as alias, limited to the tenant
// (for counts and joins that have no model of their own).
func (t Tenant) SelectFrom(table, alias string) *bun.SelectQuery {
	q := t.idb.NewSelect().TableExpr("? AS ?", bun.Ident(table), bun.Ident(alias))
	if tenantFilterOff.Load() {
		return q
	}
	return q.Where("?.tenant_id = ?", bun.Ident(alias), t.ID)
}

// Update starts an UPDATE on model limited to the tenant.
func (t Tenant) Update(model any) *bun.UpdateQuery {
	q := t.idb.NewUpdate().Model(model)
	if tenantFilterOff.Load() {
		return q
	}
	return q.Where("?TableAlias.tenant_id = ?", t.ID)
}

// Delete starts a DELETE on model limited to the tenant.
func (t Tenant) Delete(model any) *bun.DeleteQuery {
	q := t.idb.NewDelete().Model(model)
	if tenantFilterOff.Load() {
		return q
	}
	return q.Where("?TableAlias.tenant_id = ?", t.ID)
}

// Insert stamps model with the tenant and starts an INSERT.
func (t Tenant) Insert(model TenantOwned) *bun.InsertQuery {
	model.SetTenantID(t.ID)
	return t.idb.NewInsert().Model(model)
}

// InsertMany stamps each model with the tenant and starts one INSERT for all of them.
func InsertMany[M TenantOwned](t Tenant, models []M) *bun.InsertQuery {
	for _, m := range models {
		m.SetTenantID(t.ID)
	}
	return t.idb.NewInsert().Model(&models)
}

// TenantScoped is embedded in every tenant-owned model.
type TenantScoped struct {
	TenantID string `bun:"tenant_id,pk"`
}

// SetTenantID implements TenantOwned.
func (s *TenantScoped) SetTenantID(id string) { s.TenantID = id }
