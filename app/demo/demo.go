// Package demo seeds the demo tenants, drawn from the source documents: Illinois (home
// visiting, doula and coordinated intake programs and their four funders), a North Carolina
// local partnership (NCPC and child care centers) and Ohio (Early Intervention teams and a
// community mental health agency that employs the consultants). Seeding twice changes nothing.
package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// Password is every demo account's password.
const Password = "holdspace-demo"

// PlatformAdminEmail signs in to the platform console.
const PlatformAdminEmail = "platform@holdspace.example"

// SharedConsultantEmail is the consultant who works in two tenants (Illinois and North Carolina).
const SharedConsultantEmail = "maria.alvarez@consult.example"

type org struct {
	kind, name, short, programKind, county string
}

type person struct {
	email, name, role, org string // org: the name of the organisation a funder or program user belongs to
}

type tenantSeed struct {
	slug, name, kind, state, tz string
	orgs                        []org
	people                      []person
}

// Tenants is the demo data.
var Tenants = []tenantSeed{
	{
		slug: "illinois", name: "Illinois I/ECMHC in Home Visiting", kind: tenants.KindStateSystem, state: "IL", tz: "America/Chicago",
		orgs: []org{
			{tenants.OrgFunder, "IDHS Division of Early Childhood", "IDHS-DEC", "", ""},
			{tenants.OrgFunder, "ISBE Prevention Initiative", "ISBE PI", "", ""},
			{tenants.OrgFunder, "Chicago Department of Family and Support Services", "DFSS", "", ""},
			{tenants.OrgFunder, "Maternal, Infant, and Early Childhood Home Visiting", "MIECHV", "", ""},
			{tenants.OrgProgram, "Prairie Families Home Visiting", "", "home_visiting", "Cook"},
			{tenants.OrgProgram, "Southside Community Doula Program", "", "doula", "Cook"},
			{tenants.OrgProgram, "Champaign County Coordinated Intake", "", "coordinated_intake", "Champaign"},
			{tenants.OrgConsultantAgency, "Heartland Infant Mental Health Consultants", "", "", ""},
		},
		people: []person{
			{"admin@illinois.example", "Denise Carter", authz.TenantAdmin, ""},
			{"funder@illinois.example", "Robert Nguyen", authz.Funder, "IDHS Division of Early Childhood"},
			{"program@illinois.example", "Latoya Brooks", authz.Program, "Prairie Families Home Visiting"},
			{SharedConsultantEmail, "Maria Alvarez", authz.Consultant, ""},
			{"supervisor@illinois.example", "Helen Okafor", authz.Supervisor, ""},
		},
	},
	{
		slug: "nc-piedmont", name: "Piedmont Partnership for Children", kind: tenants.KindLocalPartnership, state: "NC", tz: "America/New_York",
		orgs: []org{
			{tenants.OrgFunder, "North Carolina Partnership for Children", "NCPC", "", ""},
			{tenants.OrgProgram, "Little Acorns Child Care Center", "", "child_care_center", "Guilford"},
			{tenants.OrgProgram, "Sunrise Early Learning Center", "", "child_care_center", "Forsyth"},
			{tenants.OrgConsultantAgency, "Piedmont IECMH Consultation Services", "", "", ""},
		},
		people: []person{
			{"admin@nc-piedmont.example", "James Whitaker", authz.TenantAdmin, ""},
			{"funder@nc-piedmont.example", "Angela Price", authz.Funder, "North Carolina Partnership for Children"},
			{"program@nc-piedmont.example", "Keisha Moore", authz.Program, "Little Acorns Child Care Center"},
			{SharedConsultantEmail, "Maria Alvarez", authz.Consultant, ""},
			{"supervisor@nc-piedmont.example", "Thomas Greene", authz.Supervisor, ""},
		},
	},
	{
		slug: "ohio", name: "Ohio Department of Children and Youth, ECMH in Early Intervention", kind: tenants.KindStateSystem, state: "OH", tz: "America/New_York",
		orgs: []org{
			{tenants.OrgFunder, "Ohio Department of Children and Youth", "DCY", "", ""},
			{tenants.OrgProgram, "Franklin County Help Me Grow Early Intervention Team", "", "early_intervention", "Franklin"},
			{tenants.OrgProgram, "Hamilton County Help Me Grow Early Intervention Team", "", "early_intervention", "Hamilton"},
			{tenants.OrgConsultantAgency, "Buckeye Community Mental Health Center", "", "", ""},
		},
		people: []person{
			{"admin@ohio.example", "Susan Miller", authz.TenantAdmin, ""},
			{"funder@ohio.example", "Kevin Patel", authz.Funder, "Ohio Department of Children and Youth"},
			{"program@ohio.example", "Rachel Adams", authz.Program, "Franklin County Help Me Grow Early Intervention Team"},
			{"consultant@ohio.example", "Daniel Kim", authz.Consultant, ""},
			{"supervisor@ohio.example", "Patricia Lewis", authz.Supervisor, ""},
		},
	},
}

// Seed creates whatever of the demo data is missing, and prints nothing.
func Seed(ctx context.Context, db *bun.DB, acc *accounts.Service, ten *tenants.Service) error {
	store := ten.Store()
	ctx = audit.WithActor(ctx, audit.Actor{Email: "demo seed"})
	return database.InTx(ctx, db, func(ctx context.Context) error {
		if err := ensureUser(ctx, acc, PlatformAdminEmail, "Pat Operator", true); err != nil {
			return err
		}
		for _, ts := range Tenants {
			t, err := store.TenantBySlug(ctx, ts.slug)
			if apperr.Code(err) == apperr.ENOTFOUND {
				trial := database.Now().Add(30 * 24 * time.Hour)
				t = &tenants.Tenant{Slug: ts.slug, Name: ts.name, Kind: ts.kind, State: ts.state, Status: tenants.StatusTrial,
					Plan: "trial", TimeZone: ts.tz, TrialEndsAt: &trial}
				err = ten.CreateTenant(ctx, t)
			}
			if err != nil {
				return fmt.Errorf("tenant %s: %w", ts.slug, err)
			}
			tctx := database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug})
			orgIDs := map[string]string{}
			have, err := store.Organisations(tctx)
			if err != nil {
				return err
			}
			for _, o := range have {
				orgIDs[o.Name] = o.ID
			}
			for _, o := range ts.orgs {
				if orgIDs[o.name] != "" {
					continue
				}
				rec := &tenants.Organisation{Kind: o.kind, Name: o.name, ShortName: o.short, ProgramKind: o.programKind, County: o.county}
				if err := ten.CreateOrganisation(tctx, rec); err != nil {
					return fmt.Errorf("organisation %s: %w", o.name, err)
				}
				orgIDs[o.name] = rec.ID
			}
			for _, p := range ts.people {
				if err := ensureUser(ctx, acc, p.email, p.name, false); err != nil {
					return err
				}
				u, err := acc.UserByEmail(ctx, p.email)
				if err != nil {
					return err
				}
				if _, err := store.ActiveMembership(ctx, t.ID, u.ID); err == nil {
					continue
				}
				if _, err := ten.AddMember(tctx, u.ID, p.role, orgIDs[p.org]); err != nil {
					return fmt.Errorf("member %s of %s: %w", p.email, ts.slug, err)
				}
			}
		}
		return nil
	})
}

func ensureUser(ctx context.Context, acc *accounts.Service, email, name string, platformAdmin bool) error {
	_, err := acc.UserByEmail(ctx, email)
	if apperr.Code(err) != apperr.ENOTFOUND {
		return err
	}
	_, err = acc.CreateUser(ctx, email, name, Password, platformAdmin)
	return err
}

// IsSeeded reports whether the demo tenants exist (the embedded default seeds on first start).
func IsSeeded(ctx context.Context, store *tenants.Store) bool {
	_, err := store.TenantBySlug(ctx, Tenants[0].slug)
	return err == nil
}

// PrintSignIns lists the demo accounts.
func PrintSignIns(w io.Writer) {
	fmt.Fprintf(w, "Demo sign-ins (every password: %s):\n", Password)
	fmt.Fprintf(w, "  %-36s platform admin\n", PlatformAdminEmail)
	seen := map[string]bool{}
	for _, t := range Tenants {
		for _, p := range t.people {
			label := authz.RoleLabel(p.role) + " in " + t.slug
			if p.email == SharedConsultantEmail {
				if seen[p.email] {
					continue
				}
				label = "Consultant in illinois and nc-piedmont"
			}
			seen[p.email] = true
			fmt.Fprintf(w, "  %-36s %s\n", p.email, label)
		}
	}
}
