package billing

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// Comps: a platform admin gives a tenant free use until a date, with a reason. The tenant may
// write until the end of that day (Decide), whatever its trial or subscription says; ending
// the comp takes that away again. Both are in the tenant's audit log.

// Limits of a comp.
const (
	MaxCompYears    = 3
	MaxCompReason   = 500
	dateInputLayout = time.DateOnly
)

// CompInput is the comp form.
type CompInput struct {
	Until  string // YYYY-MM-DD, after today and within MaxCompYears
	Reason string
}

// validate checks the form against today (UTC) and returns the comp's last day.
func (in CompInput) validate(now time.Time) (time.Time, error) {
	bad := map[string]string{}
	today := now.UTC().Truncate(24 * time.Hour)
	until, err := time.Parse(dateInputLayout, strings.TrimSpace(in.Until))
	switch {
	case strings.TrimSpace(in.Until) == "":
		bad["until"] = "Enter the last day of free use, as a date (YYYY-MM-DD)."
	case err != nil:
		bad["until"] = "Enter the last day of free use as a real date, YYYY-MM-DD (for example " + today.AddDate(0, 6, 0).Format(dateInputLayout) + ")."
	case !until.After(today):
		bad["until"] = "Enter a date after today (" + today.Format(dateInputLayout) + ")."
	case until.After(today.AddDate(MaxCompYears, 0, 0)):
		bad["until"] = "Enter a date within three years of today (on or before " + today.AddDate(MaxCompYears, 0, 0).Format(dateInputLayout) + ")."
	}
	reason := strings.TrimSpace(in.Reason)
	switch {
	case reason == "":
		bad["reason"] = "Say why this tenant uses Holdspace for free (it is kept in its audit log)."
	case utf8.RuneCountInString(reason) > MaxCompReason:
		bad["reason"] = "Keep the reason to 500 characters or fewer."
	}
	if len(bad) > 0 {
		return time.Time{}, apperr.Invalid(bad)
	}
	return until, nil
}

// tenantCtx is ctx in the tenant's scope (keeping the person of ctx's scope, if any), with the
// tenant read: ENOTFOUND for an id that is not a tenant's.
func (s *Service) tenantCtx(ctx context.Context, tenantID string) (context.Context, *tenants.Tenant, error) {
	if !database.IsID(tenantID) {
		return nil, nil, apperr.NotFound("tenant")
	}
	t, err := s.d.Tenants.TenantByID(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	return database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug, UserID: sc.UserID}), t, nil
}

// Comp gives the tenant free use through the end of in.Until (UTC), replacing any comp it had,
// and decides its access again. Bad input writes nothing.
func (s *Service) Comp(ctx context.Context, tenantID string, in CompInput) (*tenants.Tenant, error) {
	until, err := in.validate(s.now())
	if err != nil {
		return nil, err
	}
	ctx, t, err := s.tenantCtx(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.Reason)
	err = s.inTenantTx(ctx, func(ctx context.Context, db database.Tenant) error {
		if _, err := db.Update((*Account)(nil)).Set("comp_until = ?", until).Set("comp_reason = ?", reason).
			Set("updated_at = ?", s.now()).Exec(ctx); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, "billing.comp", "tenant", t.ID,
			"Free use until "+until.Format("January 2, 2006")+". Reason: "+reason)
	})
	return t, err
}

// EndComp ends the tenant's comp and decides its access again. It reports false (and writes
// nothing) when the tenant has no comp.
func (s *Service) EndComp(ctx context.Context, tenantID string) (*tenants.Tenant, bool, error) {
	ctx, t, err := s.tenantCtx(ctx, tenantID)
	if err != nil {
		return nil, false, err
	}
	a, err := s.Account(ctx)
	if apperr.Code(err) == apperr.ENOTFOUND || (err == nil && a.CompUntil == nil) {
		return t, false, nil
	} else if err != nil {
		return nil, false, err
	}
	ended := false
	err = s.inTenantTx(ctx, func(ctx context.Context, db database.Tenant) error {
		res, err := db.Update((*Account)(nil)).Set("comp_until = NULL").Set("comp_reason = ''").
			Set("updated_at = ?", s.now()).Where("ba.comp_until IS NOT NULL").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // ended meanwhile
		}
		ended = true
		return s.d.Audit.Record(ctx, "billing.comp_end", "tenant", t.ID,
			"Free use ended (it ran until "+a.CompUntil.UTC().Format("January 2, 2006")+"; reason: "+a.CompReason+").")
	})
	return t, ended, err
}
