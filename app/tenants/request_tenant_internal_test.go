package tenants

import (
	"context"
	"testing"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// RequestTenant hands out a copy of the tenant the middleware read for the scope's tenant, and
// reads the row for any other.
func TestRequestTenant(t *testing.T) {
	s := NewStore(dbtest.Open(t))
	bg := context.Background()
	other := &Tenant{Slug: "other", Name: "Other", Kind: KindStateSystem, State: "IL", Status: StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := s.CreateTenant(bg, other); err != nil {
		t.Fatal(err)
	}
	// The middleware's tenant is not in the database: a read would not find it.
	read := &Tenant{ID: database.NewID(), Slug: "read", Name: "As read at the request's start"}
	ctx := withRequestTenant(database.WithScope(bg, database.Scope{TenantID: read.ID, TenantSlug: read.Slug}), read)
	got, err := s.RequestTenant(ctx)
	if err != nil || got.Name != read.Name {
		t.Fatalf("RequestTenant = %+v, %v; want the request's tenant", got, err)
	}
	got.Name = "changed by a handler"
	if again, _ := s.RequestTenant(ctx); again.Name != read.Name {
		t.Errorf("a handler's change to its copy reached the request's tenant: %q", again.Name)
	}
	// Another tenant's scope (a worker's context, a platform page) reads the row.
	ctx = withRequestTenant(database.WithScope(bg, database.Scope{TenantID: other.ID, TenantSlug: other.Slug}), read)
	if got, err := s.RequestTenant(ctx); err != nil || got.ID != other.ID || got.Name != "Other" {
		t.Errorf("RequestTenant in another scope = %+v, %v; want the row of %s", got, err, other.ID)
	}
	if _, err := s.RequestTenant(bg); err == nil {
		t.Error("RequestTenant without a scope answered")
	}
}
