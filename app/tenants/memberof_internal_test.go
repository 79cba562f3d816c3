package tenants

import (
	"context"
	"testing"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// TestMemberOf: the tenant middleware's one statement reads the tenant of a slug with the
// person's membership and whether the tenant serves Early Intervention; it follows a slug that
// comes to name another tenant and forgets one that names none. The person's count of tenants
// is KeptTenantCount's (TestKeptTenantCount).
func TestMemberOf(t *testing.T) {
	db := dbtest.Open(t)
	owner := dbtest.Owner(t, db)
	s := NewStore(db)
	bg := context.Background()
	tenant := func(slug string) (*Tenant, context.Context) {
		t.Helper()
		tn := &Tenant{Slug: slug, Name: slug, Kind: KindStateSystem, State: "IL", Status: StatusTrial, Plan: "trial", TimeZone: "America/Chicago"}
		if err := s.CreateTenant(bg, tn); err != nil {
			t.Fatal(err)
		}
		return tn, database.WithScope(bg, database.Scope{TenantID: tn.ID, TenantSlug: slug, Role: authz.TenantAdmin})
	}
	person := func(email string) string {
		t.Helper()
		id, now := database.NewID(), database.Now()
		if _, err := db.NewRaw("INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", id, email, email, now, now).Exec(bg); err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, ctxA := tenant("memb-a")
	b, ctxB := tenant("memb-b")
	c, ctxC := tenant("memb-c")
	alice, bob := person("alice@example.org"), person("bob@example.org")
	if _, err := s.AddMember(ctxA, alice, authz.Consultant, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMember(ctxB, alice, authz.TenantAdmin, ""); err != nil {
		t.Fatal(err)
	}
	check := func(slug, userID, wantTenant, wantRole string, wantEI bool) {
		t.Helper()
		tm, err := s.memberOf(bg, slug, userID)
		if err != nil {
			t.Fatalf("memberOf(%s): %v", slug, err)
		}
		if tm.ID != wantTenant || tm.Role != wantRole || (tm.MemberID != "") != (wantRole != "") || tm.ServesEI != wantEI {
			t.Errorf("memberOf(%s) = tenant %s, member %q as %q, EI %v; want tenant %s as %q, EI %v",
				slug, tm.ID, tm.MemberID, tm.Role, tm.ServesEI, wantTenant, wantRole, wantEI)
		}
	}
	for range 2 { // the second time from the remembered ids
		check("memb-a", alice, a.ID, authz.Consultant, false)
		check("MEMB-B", alice, b.ID, authz.TenantAdmin, false)
		check("memb-c", alice, c.ID, "", false)
		check("memb-a", bob, a.ID, "", false)
	}
	if err := s.CreateOrganisation(ctxA, &Organisation{Kind: OrgProgram, Name: "EI team", ProgramKind: ProgramKindEarlyIntervention}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateOrganisation(ctxC, &Organisation{Kind: OrgProgram, Name: "EI team", ProgramKind: ProgramKindEarlyIntervention}); err != nil {
		t.Fatal(err)
	}
	check("memb-a", alice, a.ID, authz.Consultant, true)
	check("memb-b", alice, b.ID, authz.TenantAdmin, false)
	check("memb-c", alice, c.ID, "", true)

	// The slug comes to name another tenant: the remembered id is not trusted (on PostgreSQL,
	// a statement under the old tenant's settings would not see the new one's EI team).
	rename := func(id, slug string) {
		t.Helper()
		if _, err := owner.NewRaw("UPDATE tenants SET slug = ? WHERE id = ?", slug, id).Exec(bg); err != nil {
			t.Fatal(err)
		}
	}
	rename(a.ID, "memb-a-old")
	rename(c.ID, "memb-a")
	check("memb-a", alice, c.ID, "", true)
	check("memb-a-old", alice, a.ID, authz.Consultant, true)
	// It names none: not found, and forgotten.
	rename(c.ID, "memb-c")
	if _, err := s.memberOf(bg, "memb-a", alice); apperr.Code(err) != apperr.ENOTFOUND {
		t.Errorf("memberOf of a slug no tenant has: %v, want not found", err)
	}
	if _, ok := s.ids.Load("memb-a"); ok {
		t.Error("the id of a slug no tenant has is still remembered")
	}
	// A person who left a tenant: no membership.
	if _, err := owner.NewRaw("UPDATE memberships SET active = false WHERE user_id = ? AND tenant_id = ?", alice, b.ID).Exec(bg); err != nil {
		t.Fatal(err)
	}
	check("memb-b", alice, b.ID, "", false)
}
