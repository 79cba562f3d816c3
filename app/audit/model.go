// Package audit records who did what to which record, when and from where, and lets tenant
// admins (their tenant) and platform admins (everything) read it.
package audit

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/web"
)

// Event is one line of the audit log. Platform-wide events have TenantID "".
type Event struct {
	bun.BaseModel `bun:"table:audit_events,alias:ae"`

	TenantID   string    `bun:"tenant_id,pk"`
	ID         string    `bun:"id,pk"`
	ActorID    string    `bun:"actor_id"`
	ActorEmail string    `bun:"actor_email"`
	Action     string    `bun:"action"`
	RecordType string    `bun:"record_type"`
	RecordID   string    `bun:"record_id"`
	Detail     string    `bun:"detail"`
	IP         string    `bun:"ip"`
	CreatedAt  time.Time `bun:"created_at"`
}

// SetTenantID implements database.TenantOwned.
func (e *Event) SetTenantID(id string) { e.TenantID = id }

// Actor is who is acting, put in the context by the session middleware.
type Actor struct {
	ID, Email, IP string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx (zero for a background task).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Filter narrows a listing.
type Filter struct {
	Action string // prefix, such as "invitation."
	Actor  string // part of the actor's email
	From   time.Time
	To     time.Time  // exclusive
	Tenant string     // platform listing only: a tenant id
	Keyset web.Keyset // where the page starts (the first page when empty)
	Limit  int        // rows a page shows (PageSize when 0)
}

// PageSize is how many events a page shows.
const PageSize = 50
