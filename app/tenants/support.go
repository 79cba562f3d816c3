package tenants

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/database"
)

// Support access: a platform admin enters a tenant as its admin, for an hour, after giving a
// reason. The tenant middleware treats the admin as a tenant admin while the grant is live,
// shows a banner on every page, and marks everything they do in the audit log as support.

// SupportLifetime is how long support access lasts.
const SupportLifetime = time.Hour

// MinSupportReason is the shortest reason accepted.
const MinSupportReason = 10

// SupportGrant is one platform admin's support access to one tenant.
type SupportGrant struct {
	bun.BaseModel `bun:"table:support_grants,alias:sg"`
	database.TenantScoped

	ID         string     `bun:"id,pk"`
	AdminID    string     `bun:"admin_id"`
	AdminEmail string     `bun:"admin_email"`
	Reason     string     `bun:"reason"`
	StartedAt  time.Time  `bun:"started_at"`
	ExpiresAt  time.Time  `bun:"expires_at"`
	EndedAt    *time.Time `bun:"ended_at"`
}

// Live reports whether the grant still gives access.
func (g SupportGrant) Live() bool { return g.EndedAt == nil && database.Now().Before(g.ExpiresAt) }

// SupportSuffix marks the actor of everything done under support access in the audit log.
const SupportSuffix = " (support)"

// LiveSupportGrant returns adminID's live grant in tenantID, or ENOTFOUND. Like
// ActiveMembership, it runs before the scope exists, so it names the tenant itself.
func (s *Store) LiveSupportGrant(ctx context.Context, tenantID, adminID string) (*SupportGrant, error) {
	g := new(SupportGrant)
	t, err := database.For(database.WithScope(ctx, database.Scope{TenantID: tenantID}), s.db)
	if err != nil {
		return nil, err
	}
	err = t.Select(g).Where("sg.admin_id = ? AND sg.ended_at IS NULL AND sg.expires_at > ?", adminID, database.Now()).
		OrderExpr("sg.expires_at DESC").Limit(1).Scan(database.WithScope(ctx, database.Scope{TenantID: tenantID}))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("support grant")
	}
	return g, err
}

// SupportGrants lists a tenant's support grants, newest first (for the platform console).
func (s *Store) SupportGrants(ctx context.Context, tenantID string, limit int) ([]SupportGrant, error) {
	var list []SupportGrant
	ctx = database.WithScope(ctx, database.Scope{TenantID: tenantID})
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	err = t.Select(&list).OrderExpr("sg.started_at DESC").Limit(int64(limit)).Scan(ctx)
	return list, err
}

// StartSupport gives the platform admin of ctx (adminID, adminEmail) an hour as tenant admin
// of the tenant, audited with the reason in the tenant's log. A live grant of the same admin
// is replaced.
//
// Errors: ENOTFOUND; EINVALID naming "reason"; ECONFLICT for a deleted or suspended tenant.
func (s *Service) StartSupport(ctx context.Context, tenantID, adminID, adminEmail, reason string) (*SupportGrant, *Tenant, error) {
	reason = strings.Join(strings.Fields(reason), " ")
	switch {
	case len([]rune(reason)) < MinSupportReason:
		return nil, nil, apperr.Invalid(map[string]string{"reason": "Say why you need to enter the tenant, in at least 10 characters. The tenant’s admins will read it in their audit log."})
	case len(reason) > 500:
		return nil, nil, apperr.Invalid(map[string]string{"reason": "Use at most 500 characters."})
	}
	if !database.IsID(tenantID) {
		return nil, nil, apperr.NotFound("tenant")
	}
	var g *SupportGrant
	var t *Tenant
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if t, err = s.store.TenantByID(ctx, tenantID); err != nil {
			return err
		}
		switch {
		case t.Deleted():
			return apperr.Errorf(apperr.ECONFLICT, "%s is deleted: restore it before entering it.", t.Name)
		case t.Suspended():
			return apperr.Errorf(apperr.ECONFLICT, "%s is suspended: reactivate it before entering it.", t.Name)
		}
		ctx = inTenant(ctx, t)
		tx, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		now := database.Now()
		if _, err := tx.Update((*SupportGrant)(nil)).Set("ended_at = ?", now).
			Where("sg.admin_id = ? AND sg.ended_at IS NULL AND sg.expires_at > ?", adminID, now).Exec(ctx); err != nil {
			return err
		}
		g = &SupportGrant{ID: database.NewID(), AdminID: adminID, AdminEmail: adminEmail, Reason: reason,
			StartedAt: now, ExpiresAt: now.Add(SupportLifetime)}
		if _, err := tx.Insert(g).Exec(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, "support.start", "support_grant", g.ID,
			"until "+g.ExpiresAt.Format("15:04 UTC")+", because: "+reason)
	})
	return g, t, err
}

// EndSupport ends adminID's live support access to the tenant, audited. Ending it twice
// changes nothing.
//
// Errors: ENOTFOUND for an unknown tenant.
func (s *Service) EndSupport(ctx context.Context, tenantID, adminID string) (*Tenant, error) {
	if !database.IsID(tenantID) {
		return nil, apperr.NotFound("tenant")
	}
	var t *Tenant
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if t, err = s.store.TenantByID(ctx, tenantID); err != nil {
			return err
		}
		ctx = inTenant(ctx, t)
		g, err := s.store.LiveSupportGrant(ctx, t.ID, adminID)
		if apperr.Code(err) == apperr.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		tx, err := database.For(ctx, s.db)
		if err != nil {
			return err
		}
		now := database.Now()
		if _, err := tx.Update((*SupportGrant)(nil)).Set("ended_at = ?", now).
			Where("sg.admin_id = ? AND sg.ended_at IS NULL", adminID).Exec(ctx); err != nil {
			return err
		}
		// The person who ends it is the platform admin, not the support session.
		a := audit.ActorFrom(ctx)
		a.Email = strings.TrimSuffix(a.Email, SupportSuffix)
		return s.audit.Record(audit.WithActor(ctx, a), "support.end", "support_grant", g.ID, "ended early")
	})
	return t, err
}
