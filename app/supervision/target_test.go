package supervision_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/tenants"
)

func TestSupervisionValidateTarget(t *testing.T) {
	for in, want := range map[string]int{"15": 15, " 120 ": 120, "2400": 2400, "2,400": 2400, "1,000": 1000} {
		if got, err := supervision.ValidateTarget(in); err != nil || got != want {
			t.Errorf("ValidateTarget(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "14", "0", "-60", "2401", "10000", "two hours", "1.5", "90 min"} {
		_, err := supervision.ValidateTarget(in)
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(apperr.FieldsOf(err)["target_minutes"], "15 to 2,400") {
			t.Errorf("ValidateTarget(%q): got %v, want a message for target_minutes", in, err)
		}
	}
	if got := supervision.TargetText(90); got != "90 minutes (1 h 30 min)" {
		t.Errorf("TargetText(90) = %q", got)
	}
}

// targetTenant makes a tenant and returns its tenant admin's scope.
func targetTenant(t *testing.T, db *bun.DB) context.Context {
	t.Helper()
	slug := "sv-" + dbtest.RandomHex(4)
	tn := &tenants.Tenant{Slug: slug, Name: "Supervision target " + slug, Kind: tenants.KindStateSystem, State: "il",
		Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
	if err := tenants.NewStore(db).CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	return database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: slug,
		UserID: database.NewID(), Role: authz.TenantAdmin})
}

func TestSupervisionSetTarget(t *testing.T) {
	db := dbtest.Open(t)
	svc := supervision.NewService(db, tenants.NewStore(db), audit.New(db))
	a, b := targetTenant(t, db), targetTenant(t, db)
	events := func(ctx context.Context) []string {
		t.Helper()
		sc, _ := database.ScopeFrom(ctx)
		var out []string
		if err := dbtest.Owner(t, db).NewSelect().Table("audit_events").Column("detail").
			Where("tenant_id = ? AND action = ?", sc.TenantID, "supervision.target_update").OrderExpr("created_at").
			Scan(context.Background(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}

	if m, err := svc.Target(a); err != nil || m != 120 {
		t.Fatalf("default target %d, %v; want 120", m, err)
	}
	t.Run("BadValuesWriteNothing", func(t *testing.T) {
		for _, in := range []string{"", "14", "2401", "three"} {
			_, _, err := svc.SetTarget(a, in)
			if apperr.Code(err) != apperr.EINVALID || apperr.FieldsOf(err)["target_minutes"] == "" {
				t.Errorf("%q: got %v, want a message for target_minutes", in, err)
			}
		}
		if m, _ := svc.Target(a); m != 120 || len(events(a)) != 0 {
			t.Fatalf("bad values changed the target to %d or wrote %v", m, events(a))
		}
	})
	t.Run("ChangeIsAuditedAndCounts", func(t *testing.T) {
		before, after, err := svc.SetTarget(a, "180")
		if err != nil || before != 120 || after != 180 {
			t.Fatalf("got %d → %d, %v", before, after, err)
		}
		if ev := events(a); len(ev) != 1 || ev[0] != "Monthly target 120 minutes (2 h) → 180 minutes (3 h)" {
			t.Fatalf("audit events %q", ev)
		}
		cal, err := svc.Calendar(a, time.Now())
		if err != nil || cal.TargetMonth != 180 {
			t.Fatalf("calendar target %d, %v", cal.TargetMonth, err)
		}
		if h := supervision.Tally([]supervision.Session{{HeldOn: cal.Today.Format(time.DateOnly), Minutes: 150}}, cal); !h.Behind() || h.TargetFY != 2160 {
			t.Fatalf("150 of 180 minutes: behind %v, FY target %d; want behind and 2160", h.Behind(), h.TargetFY)
		}
	})
	t.Run("SameValueWritesNothing", func(t *testing.T) {
		if before, after, err := svc.SetTarget(a, "180"); err != nil || before != 180 || after != 180 {
			t.Fatalf("got %d → %d, %v", before, after, err)
		}
		if n := len(events(a)); n != 1 {
			t.Fatalf("%d audit events, want still 1", n)
		}
	})
	t.Run("OtherTenantUntouched", func(t *testing.T) {
		if m, err := svc.Target(b); err != nil || m != 120 || len(events(b)) != 0 {
			t.Fatalf("the other tenant's target is %d (%v), events %v", m, err, events(b))
		}
	})
}
