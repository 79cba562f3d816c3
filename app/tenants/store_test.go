package tenants_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/jobs"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/tenants"
)

type env struct {
	db    *bun.DB
	store *tenants.Store
	acc   *accounts.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := dbtest.Open(t)
	rdb, err := jobs.Connect(context.Background(), dbtest.Redis(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	acc := accounts.New(db, audit.New(db), mail.New(db, jobs.NewQueue(rdb), nil, "x@y.z"),
		accounts.NewLimiter(rdb, "test:"+dbtest.RandomHex(6)+":"), "http://holdspace.test", slog.New(slog.DiscardHandler))
	return &env{db: db, store: tenants.NewStore(db), acc: acc}
}

// tenant creates a tenant and returns a tenant admin's context in it.
func (e *env) tenant(t *testing.T, slug, name string) context.Context {
	t.Helper()
	tn := &tenants.Tenant{Slug: slug, Name: name, Kind: tenants.KindStateSystem, State: "IL", Status: tenants.StatusTrial,
		Plan: "trial", TimeZone: "America/Chicago"}
	if err := e.store.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	return database.WithScope(context.Background(), database.Scope{TenantID: tn.ID, TenantSlug: slug, Role: authz.TenantAdmin})
}

func (e *env) org(t *testing.T, ctx context.Context, kind, name string) *tenants.Organisation {
	t.Helper()
	o := &tenants.Organisation{Kind: kind, Name: name}
	if err := e.store.CreateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	return o
}

func (e *env) user(t *testing.T, email string) *accounts.User {
	t.Helper()
	u, err := e.acc.CreateUser(context.Background(), email, strings.Split(email, "@")[0], "", false)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func as(ctx context.Context, role, orgID string) context.Context {
	sc, _ := database.ScopeFrom(ctx)
	sc.Role, sc.OrganisationID = role, orgID
	return database.WithScope(ctx, sc)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if apperr.Code(err) != code {
		t.Fatalf("got %v, want a %s error", err, code)
	}
}

func TestCreateTenant(t *testing.T) {
	e := newEnv(t)
	ctx := e.tenant(t, "illinois", "Illinois")

	t.Run("OK", func(t *testing.T) {
		sc, _ := database.ScopeFrom(ctx)
		tn, err := e.store.TenantBySlug(context.Background(), "Illinois")
		if err != nil {
			t.Fatal(err)
		}
		if tn.ID != sc.TenantID || tn.Name != "Illinois" || tn.CreatedAt.IsZero() {
			t.Errorf("got %+v, want the tenant just created", tn)
		}
	})
	t.Run("ErrSlugTaken", func(t *testing.T) {
		err := e.store.CreateTenant(context.Background(), &tenants.Tenant{Slug: "illinois", Name: "Other", Kind: tenants.KindStateSystem,
			Status: tenants.StatusTrial, Plan: "trial", TimeZone: "America/Chicago"})
		wantCode(t, err, apperr.ECONFLICT)
		if !strings.Contains(apperr.Message(err), "/t/illinois") {
			t.Errorf("got %q, want it to name the address", apperr.Message(err))
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := e.store.TenantBySlug(context.Background(), "ohio")
		wantCode(t, err, apperr.ENOTFOUND)
		_, err = e.store.TenantByID(context.Background(), database.NewID())
		wantCode(t, err, apperr.ENOTFOUND)
	})
}

func TestOrganisations(t *testing.T) {
	e := newEnv(t)
	ctxA := e.tenant(t, "a-"+dbtest.RandomHex(3), "A")
	ctxB := e.tenant(t, "b-"+dbtest.RandomHex(3), "B")
	fundA := e.org(t, ctxA, tenants.OrgFunder, "State Board")
	progA := e.org(t, ctxA, tenants.OrgProgram, "Home Visits North")
	e.org(t, ctxA, tenants.OrgConsultantAgency, "Consult Co")
	progB := e.org(t, ctxB, tenants.OrgProgram, "Home Visits North") // the same name in another tenant

	t.Run("OK", func(t *testing.T) {
		o, err := e.store.Organisation(ctxA, progA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Name != "Home Visits North" || o.Kind != tenants.OrgProgram {
			t.Errorf("got %s %q, want program %q", o.Kind, o.Name, "Home Visits North")
		}
		list, err := e.store.Organisations(ctxA)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Errorf("got %d organisations in tenant A, want 3", len(list))
		}
	})
	t.Run("ErrOtherTenantNotFound", func(t *testing.T) {
		_, err := e.store.Organisation(ctxB, progA.ID)
		wantCode(t, err, apperr.ENOTFOUND)
		list, err := e.store.Organisations(ctxB)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != progB.ID {
			t.Errorf("got %d organisations from tenant B, want only its own", len(list))
		}
	})
	t.Run("ErrMalformedID", func(t *testing.T) {
		_, err := e.store.Organisation(ctxA, "not-an-id")
		wantCode(t, err, apperr.ENOTFOUND)
	})
	t.Run("ErrNoTenant", func(t *testing.T) {
		_, err := e.store.Organisations(context.Background())
		wantCode(t, err, apperr.EINTERNAL)
	})
	t.Run("FunderSeesOwnOrganisation", func(t *testing.T) {
		ctx := as(ctxA, authz.Funder, fundA.ID)
		list, err := e.store.Organisations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != fundA.ID {
			t.Errorf("got %d organisations for a funder, want only %q", len(list), fundA.Name)
		}
		if _, err := e.store.Organisation(ctx, fundA.ID); err != nil {
			t.Errorf("got %v reading the funder's own organisation, want it", err)
		}
		_, err = e.store.Organisation(ctx, progA.ID)
		wantCode(t, err, apperr.ENOTFOUND)
	})
	t.Run("ErrDuplicateName", func(t *testing.T) {
		err := e.store.CreateOrganisation(ctxA, &tenants.Organisation{Kind: tenants.OrgProgram, Name: "Home Visits North"})
		wantCode(t, err, apperr.ECONFLICT)
	})
	t.Run("CountByKind", func(t *testing.T) {
		n, err := e.store.CountOrganisations(ctxA)
		if err != nil {
			t.Fatal(err)
		}
		if n[tenants.OrgFunder] != 1 || n[tenants.OrgProgram] != 1 || n[tenants.OrgConsultantAgency] != 1 {
			t.Errorf("got %v, want one of each kind", n)
		}
	})
}

func TestAddMember(t *testing.T) {
	e := newEnv(t)
	ctxA := e.tenant(t, "a-"+dbtest.RandomHex(3), "A")
	ctxB := e.tenant(t, "b-"+dbtest.RandomHex(3), "B")
	fund := e.org(t, ctxA, tenants.OrgFunder, "State Board")
	prog := e.org(t, ctxA, tenants.OrgProgram, "Home Visits")
	progB := e.org(t, ctxB, tenants.OrgProgram, "Home Visits")
	ada := e.user(t, "ada@example.org")

	for _, tc := range []struct {
		name, role, orgID, field string
	}{
		{"ErrUnknownRole", "janitor", "", "role"},
		{"ErrPlatformAdminRole", authz.PlatformAdmin, "", "role"},
		{"ErrFunderWithoutOrganisation", authz.Funder, "", "organisation_id"},
		{"ErrProgramBoundToFunder", authz.Program, fund.ID, "organisation_id"},
		{"ErrFunderBoundToProgram", authz.Funder, prog.ID, "organisation_id"},
		{"ErrProgramOfOtherTenant", authz.Program, progB.ID, "organisation_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.store.AddMember(ctxA, ada.ID, tc.role, tc.orgID)
			wantCode(t, err, apperr.EINVALID)
			if f := apperr.FieldsOf(err); f[tc.field] == "" {
				t.Errorf("got fields %v, want %s named", f, tc.field)
			}
		})
	}
	if n, _ := e.store.CountMembers(ctxA); len(n) != 0 {
		t.Fatalf("got members %v after only invalid calls, want none", n)
	}

	var membershipID string
	t.Run("OK", func(t *testing.T) {
		m, err := e.store.AddMember(ctxA, ada.ID, authz.Program, prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		membershipID = m.ID
		got, err := e.store.ActiveMembership(context.Background(), m.TenantID, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Role != authz.Program || got.OrganisationID != prog.ID {
			t.Errorf("got %s of %q, want program of %q", got.Role, got.OrganisationID, prog.ID)
		}
	})
	t.Run("SecondCallChangesRole", func(t *testing.T) {
		if _, err := e.store.AddMember(ctxA, ada.ID, authz.TenantAdmin, prog.ID); err != nil {
			t.Fatal(err)
		}
		sc, _ := database.ScopeFrom(ctxA)
		got, err := e.store.ActiveMembership(context.Background(), sc.TenantID, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != membershipID || got.Role != authz.TenantAdmin || got.OrganisationID != "" {
			t.Errorf("got %s of %q, want tenant_admin of no organisation (not bound)", got.Role, got.OrganisationID)
		}
		n, err := e.store.CountMembers(ctxA)
		if err != nil {
			t.Fatal(err)
		}
		if len(n) != 1 || n[authz.TenantAdmin] != 1 {
			t.Errorf("got members %v, want one tenant admin (the membership replaced, not added)", n)
		}
	})
	t.Run("ErrNotMemberElsewhere", func(t *testing.T) {
		sc, _ := database.ScopeFrom(ctxB)
		_, err := e.store.ActiveMembership(context.Background(), sc.TenantID, ada.ID)
		wantCode(t, err, apperr.ENOTFOUND)
	})
	t.Run("MembersOfOrganisation", func(t *testing.T) {
		bob := e.user(t, "bob@example.org")
		if _, err := e.store.AddMember(ctxA, bob.ID, authz.Funder, fund.ID); err != nil {
			t.Fatal(err)
		}
		list, err := e.store.Members(ctxA, fund.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Email != "bob@example.org" || list[0].OrganisationName != "State Board" {
			t.Errorf("got %+v, want bob of State Board only", list)
		}
		all, err := e.store.Members(ctxA, "")
		if err != nil || len(all) != 2 {
			t.Errorf("got %d members (err %v), want 2", len(all), err)
		}
	})
}

func TestTenantsOf(t *testing.T) {
	e := newEnv(t)
	ctxA := e.tenant(t, "a-"+dbtest.RandomHex(3), "Alabama")
	ctxB := e.tenant(t, "b-"+dbtest.RandomHex(3), "Bolivia")
	ctxC := e.tenant(t, "c-"+dbtest.RandomHex(3), "Colorado")
	ada := e.user(t, "ada@example.org")
	bob := e.user(t, "bob@example.org")
	for _, m := range []struct {
		ctx  context.Context
		user string
		role string
	}{
		{ctxB, ada.ID, authz.Consultant},
		{ctxA, ada.ID, authz.TenantAdmin},
		{ctxC, ada.ID, authz.Supervisor},
		{ctxC, bob.ID, authz.Supervisor},
	} {
		if _, err := e.store.AddMember(m.ctx, m.user, m.role, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Ada's membership of Colorado is deactivated: it no longer counts.
	scC, _ := database.ScopeFrom(ctxC)
	if _, err := dbtest.Owner(t, e.db).NewUpdate().Model((*tenants.Membership)(nil)).Set("active = FALSE").
		Where("tenant_id = ? AND user_id = ?", scC.TenantID, ada.ID).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		list, err := e.store.TenantsOf(context.Background(), ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, pt := range list {
			got = append(got, pt.Name+":"+pt.Role)
		}
		if want := "Alabama:tenant_admin,Bolivia:consultant"; strings.Join(got, ",") != want {
			t.Errorf("got %v, want %s (by name, active only)", got, want)
		}
	})
	t.Run("OtherPerson", func(t *testing.T) {
		list, err := e.store.TenantsOf(context.Background(), bob.ID)
		if err != nil || len(list) != 1 {
			t.Errorf("got %+v (err %v) for bob, want 1 tenant", list, err)
		}
	})
	t.Run("NoMemberships", func(t *testing.T) {
		carol := e.user(t, "carol@example.org")
		list, err := e.store.TenantsOf(context.Background(), carol.ID)
		if err != nil || len(list) != 0 {
			t.Errorf("got %v (err %v), want none", list, err)
		}
	})
}
