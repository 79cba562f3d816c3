package tenants

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/dates"
)

// A tenant's life, run by platform admins: created for an agency on a trial, suspended and
// reactivated, its trial extended, deleted with a grace period and restored. Every change is
// audited in the tenant's own log.

// Durations of a tenant's life.
const (
	TrialLength = 30 * 24 * time.Hour
	PurgeGrace  = 30 * 24 * time.Hour
	MaxTrialExt = 365 // days
)

// Deleted reports whether the tenant is deleted (and waiting for its purge).
func (t *Tenant) Deleted() bool { return t.DeletedAt != nil }

// Suspended reports whether the tenant is suspended.
func (t *Tenant) Suspended() bool { return t.SuspendedAt != nil || t.Status == StatusSuspended }

// inTenant is ctx in the tenant's scope, acting as the person of ctx (a platform admin), so
// audit events land in the tenant's log.
func inTenant(ctx context.Context, t *Tenant) context.Context {
	sc, _ := database.ScopeFrom(ctx)
	return database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug, UserID: sc.UserID})
}

// NewTenantInput is the platform console's form for a new tenant.
type NewTenantInput struct {
	Name, Kind, State, Slug string
	AdminName, AdminEmail   string
	// InvitedBy is the platform admin's user id.
	InvitedBy string
}

// CreateForAgency creates a tenant on a trial and invites its first tenant admin. Nothing is
// written unless all of it is.
//
// Errors: EINVALID naming each bad field (a taken slug included).
func (s *Service) CreateForAgency(ctx context.Context, in NewTenantInput) (*Tenant, error) {
	in.Name, in.Slug = strings.TrimSpace(in.Name), strings.ToLower(strings.TrimSpace(in.Slug))
	in.AdminName = strings.TrimSpace(in.AdminName)
	fields := map[string]string{}
	switch {
	case in.Name == "":
		fields["name"] = "Enter the agency’s name."
	case len(in.Name) > 200:
		fields["name"] = "Use at most 200 characters."
	}
	if in.Kind != KindStateSystem && in.Kind != KindLocalPartnership {
		fields["kind"] = "Choose a state system or a local partnership."
	}
	if _, ok := StateByCode(in.State); !ok {
		fields["state"] = "Choose a state from the list."
	}
	if msg := CheckSlug(in.Slug); msg != "" {
		fields["slug"] = msg
	} else if _, err := s.store.TenantBySlug(ctx, in.Slug); err == nil {
		fields["slug"] = "The address /t/" + in.Slug + " is already taken."
	}
	switch {
	case in.AdminName == "":
		fields["admin_name"] = "Enter the name of the agency’s first admin."
	case len(in.AdminName) > 200:
		fields["admin_name"] = "Use at most 200 characters."
	}
	if _, msg := accounts.NormalizeEmail(in.AdminEmail); msg != "" {
		fields["admin_email"] = msg
	}
	if len(fields) > 0 {
		return nil, apperr.Invalid(fields)
	}
	trial := database.Now().Add(TrialLength)
	t := &Tenant{Slug: in.Slug, Name: in.Name, Kind: in.Kind, State: in.State, Status: StatusTrial, Plan: "trial",
		TimeZone: TimeZoneOf(in.State), TrialEndsAt: &trial}
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.CreateTenant(ctx, t); err != nil {
			if apperr.Code(err) == apperr.ECONFLICT {
				return apperr.Invalid(map[string]string{"slug": "The address /t/" + in.Slug + " is already taken."})
			}
			return err
		}
		tctx := database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug, UserID: in.InvitedBy, Role: authz.TenantAdmin})
		_, err := s.Invite(tctx, InviteInput{Email: in.AdminEmail, Name: in.AdminName, Role: authz.TenantAdmin})
		if f := apperr.FieldsOf(err); f != nil && f["email"] != "" {
			return apperr.Invalid(map[string]string{"admin_email": f["email"]})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// SuspendTenant stops the tenant's people from working in it; nothing is deleted.
//
// Errors: ENOTFOUND; EINVALID without a reason; ECONFLICT for a deleted tenant.
func (s *Service) SuspendTenant(ctx context.Context, tenantID, reason string) (*Tenant, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, apperr.Invalid(map[string]string{"reason": "Say why the tenant is suspended (its people will not see it)."})
	case len(reason) > 500:
		return nil, apperr.Invalid(map[string]string{"reason": "Use at most 500 characters."})
	}
	return s.changeTenant(ctx, tenantID, func(ctx context.Context, t *Tenant) (string, string, error) {
		if t.Deleted() {
			return "", "", apperr.Errorf(apperr.ECONFLICT, "%s is deleted: restore it first.", t.Name)
		}
		if t.Suspended() {
			return "", "", nil
		}
		now := database.Now()
		t.SuspendedAt, t.Status = &now, StatusSuspended
		return "tenant.suspend", reason, nil
	}, "suspended_at", "status")
}

// ReactivateTenant lets a suspended tenant's people work in it again.
//
// Errors: ENOTFOUND.
func (s *Service) ReactivateTenant(ctx context.Context, tenantID string) (*Tenant, error) {
	return s.changeTenant(ctx, tenantID, func(ctx context.Context, t *Tenant) (string, string, error) {
		if !t.Suspended() {
			return "", "", nil
		}
		t.SuspendedAt, t.Status = nil, StatusActive
		if t.Plan == "trial" {
			t.Status = StatusTrial
		}
		return "tenant.reactivate", "status " + t.Status, nil
	}, "suspended_at", "status")
}

// ExtendTrial moves the end of the tenant's trial: by days (1 to 365) from its current end,
// or from now if it has passed; or to a date (YYYY-MM-DD) in the future. Exactly one of days
// and date is given.
//
// Errors: ENOTFOUND; EINVALID naming "days" or "date".
func (s *Service) ExtendTrial(ctx context.Context, tenantID, days, date string) (*Tenant, error) {
	days, date = strings.TrimSpace(days), strings.TrimSpace(date)
	var n int
	var to time.Time
	now := database.Now()
	switch {
	case days != "" && date != "":
		return nil, apperr.Invalid(map[string]string{"days": "Give a number of days or a date, not both."})
	case days != "":
		var err error
		if n, err = strconv.Atoi(days); err != nil || n < 1 || n > MaxTrialExt {
			return nil, apperr.Invalid(map[string]string{"days": fmt.Sprintf("Enter a whole number of days from 1 to %d.", MaxTrialExt)})
		}
	case date != "":
		d, ok := dates.Parse(date)
		if !ok {
			return nil, apperr.Invalid(map[string]string{"date": dates.Message("the new end of the trial")})
		}
		if !d.After(now) {
			return nil, apperr.Invalid(map[string]string{"date": "Choose a date after today."})
		}
		if d.After(now.AddDate(2, 0, 0)) {
			return nil, apperr.Invalid(map[string]string{"date": "Choose a date within the next two years."})
		}
		to = d
	default:
		return nil, apperr.Invalid(map[string]string{"days": "Enter a number of days, or a date."})
	}
	return s.changeTenant(ctx, tenantID, func(ctx context.Context, t *Tenant) (string, string, error) {
		was := "none"
		if t.TrialEndsAt != nil {
			was = t.TrialEndsAt.Format("2006-01-02")
		}
		if n == 0 && t.TrialEndsAt != nil && !to.After(*t.TrialEndsAt) {
			return "", "", apperr.Invalid(map[string]string{"date": "The trial already ends " + t.TrialEndsAt.Format("January 2, 2006") + ": choose a later date."})
		}
		if n > 0 {
			from := now
			if t.TrialEndsAt != nil && t.TrialEndsAt.After(now) {
				from = *t.TrialEndsAt
			}
			to = from.AddDate(0, 0, n)
		}
		if t.AccessUntil != nil && t.TrialEndsAt != nil && t.AccessUntil.Equal(*t.TrialEndsAt) {
			t.AccessUntil = &to // the trial was what limited it (app/billing refines it, below)
		}
		t.TrialEndsAt = &to
		return "tenant.trial_extend", fmt.Sprintf("trial ends %s (was %s)", to.Format("2006-01-02"), was), nil
	}, "trial_ends_at", "access_until")
}

// DeleteTenant deletes the tenant: at once nobody can open it, and after the grace period the
// purge task removes every row of it. Until then it can be restored. confirm must be the
// tenant's slug, typed by the platform admin.
//
// Errors: ENOTFOUND; EINVALID naming "confirm".
func (s *Service) DeleteTenant(ctx context.Context, tenantID, confirm string) (*Tenant, error) {
	return s.changeTenant(ctx, tenantID, func(ctx context.Context, t *Tenant) (string, string, error) {
		if strings.TrimSpace(confirm) != t.Slug {
			return "", "", apperr.Invalid(map[string]string{"confirm": "Type " + t.Slug + " exactly to confirm: what you typed does not match."})
		}
		if t.Deleted() {
			return "", "", nil
		}
		now := database.Now()
		purge := now.Add(PurgeGrace)
		t.DeletedAt, t.PurgeAfter = &now, &purge
		return "tenant.delete", "purge after " + purge.Format("2006-01-02 15:04 UTC"), nil
	}, "deleted_at", "purge_after")
}

// RestoreTenant undoes a deletion during the grace period.
//
// Errors: ENOTFOUND (a purged tenant is gone).
func (s *Service) RestoreTenant(ctx context.Context, tenantID string) (*Tenant, error) {
	return s.changeTenant(ctx, tenantID, func(ctx context.Context, t *Tenant) (string, string, error) {
		if !t.Deleted() {
			return "", "", nil
		}
		t.DeletedAt, t.PurgeAfter = nil, nil
		return "tenant.restore", "", nil
	}, "deleted_at", "purge_after")
}

// changeTenant loads the tenant, lets change modify it, and saves the columns with an audit
// event in the tenant's log, in one transaction. change returns the action ("" when there is
// nothing to do) and the event's detail.
func (s *Service) changeTenant(ctx context.Context, tenantID string, change func(ctx context.Context, t *Tenant) (string, string, error), cols ...string) (*Tenant, error) {
	if !database.IsID(tenantID) {
		return nil, apperr.NotFound("tenant")
	}
	var t *Tenant
	err := database.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.store.lockTenant(ctx, tenantID); err != nil {
			return err
		}
		var err error
		if t, err = s.store.TenantByID(ctx, tenantID); err != nil {
			return err
		}
		action, detail, err := change(ctx, t)
		if err != nil || action == "" {
			return err
		}
		t.UpdatedAt = database.Now()
		if _, err := database.Conn(ctx, s.db).NewUpdate().Model(t).Column(append(cols, "updated_at")...).WherePK().Exec(ctx); err != nil {
			return err
		}
		if err := s.audit.Record(inTenant(ctx, t), action, "tenant", t.ID, detail); err != nil {
			return err
		}
		if slices.Contains(cols, "deleted_at") {
			// Deleted or restored: it leaves or rejoins its people's kept lists (KeptTenantsOf),
			// whoever they are.
			database.AfterCommit(ctx, func(context.Context) { personTenants.Forget("") })
		}
		for _, f := range s.lifeChanged {
			if err := f(ctx, t.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return t, err
}
