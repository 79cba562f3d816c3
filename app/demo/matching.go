package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// requestSeed is a demo request for a consultant; with consultant set, the tenant's admin has
// assigned that consultant (by email) to the program.
type requestSeed struct {
	slug, organisation, county, language, need string
	contactName, contactEmail                  string
	program                                    string // the program it is for, when a program person asked
	consultant                                 string // assigned to the program, if set
	monthsAgo                                  int    // when it was sent and answered (the engagements go back that far)
}

var requestSeeds = []requestSeed{
	// Open in Illinois: a public request, named like one of the tenant's programs (so the
	// request page preselects it), about trauma and substance use, in Spanish.
	{slug: "illinois", organisation: "Champaign County Coordinated Intake", county: "Champaign", language: "Spanish",
		need:        "Our intake staff meet many families living with trauma and substance use. We would like reflective consultation for the intake team, some of it in Spanish.",
		contactName: "Gloria Reyes", contactEmail: "gloria.reyes@champaign-intake.example"},
	// Answered: Maria Alvarez consults with Prairie Families (program people asked) and with the
	// Southside doula program (IDHS-DEC funds it, so the demo funder sees her).
	{slug: "illinois", organisation: "Prairie Families Home Visiting", county: "Cook", language: "Spanish",
		need:        "Our home visitors want support around postpartum depression and attachment with the families they visit.",
		contactName: "Latoya Brooks", contactEmail: "program@illinois.example", program: "Prairie Families Home Visiting",
		consultant: SharedConsultantEmail, monthsAgo: 11},
	{slug: "illinois", organisation: "Southside Community Doula Program", county: "Cook", language: "English",
		need:        "Our doulas would like reflective consultation after difficult births, and ideas on safe sleep conversations.",
		contactName: "Southside intake desk", contactEmail: "intake@southside-doula.example", program: "Southside Community Doula Program",
		consultant: SharedConsultantEmail, monthsAgo: 11},
	{slug: "ohio", organisation: "Franklin County Help Me Grow Early Intervention Team", county: "Franklin", language: "Somali",
		need:        "Our service coordinators would like consultation on trauma-informed home visits with Somali-speaking families.",
		contactName: "Rachel Adams", contactEmail: "program@ohio.example", program: "Franklin County Help Me Grow Early Intervention Team",
		consultant: "consultant@ohio.example", monthsAgo: 9},
}

// seedMatching adds the tenant's demo requests and assigns their consultants, as the tenant's
// admin, unless a request from the same contact and organisation is there already. No email is
// sent.
func seedMatching(ctx context.Context, db *bun.DB, store *tenants.Store, acc *accounts.Service, ts tenantSeed, orgIDs map[string]string) error {
	log := audit.New(db)
	m := consultants.NewMatching(db, store, log, nil, "")
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return err
	}
	for _, p := range ts.people {
		if p.role == authz.TenantAdmin {
			u, err := acc.UserByEmail(ctx, p.email)
			if err != nil {
				return err
			}
			sc.UserID, sc.Role = u.ID, authz.TenantAdmin
			break
		}
	}
	ctx = database.WithScope(ctx, sc)
	t, err := database.For(ctx, db)
	if err != nil {
		return err
	}
	for _, rs := range requestSeeds {
		if rs.slug != ts.slug {
			continue
		}
		n, err := t.Select((*consultants.Request)(nil)).Where("cr.contact_email = ? AND cr.organisation_name = ?", rs.contactEmail, rs.organisation).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		now := database.Now().AddDate(0, -rs.monthsAgo, 0)
		r := &consultants.Request{ID: database.NewID(), ProgramID: orgIDs[rs.program], OrganisationName: rs.organisation, County: rs.county,
			Need: rs.need, PreferredLanguage: rs.language, ContactName: rs.contactName, ContactEmail: rs.contactEmail,
			Status: consultants.RequestOpen, ConfirmedAt: &now, CreatedAt: now, UpdatedAt: now}
		if _, err := t.Insert(r).Exec(ctx); err != nil {
			return err
		}
		if err := log.Record(ctx, "request.create", "consultant_request", r.ID, r.OrganisationName+" ("+r.County+") (demo)"); err != nil {
			return err
		}
		if rs.consultant == "" {
			continue
		}
		u, err := acc.UserByEmail(ctx, rs.consultant)
		if err != nil {
			return err
		}
		var p consultants.Profile
		if err := t.Select(&p).Column("cp.id").Where("cp.user_id = ?", u.ID).Scan(ctx); err != nil {
			return fmt.Errorf("the profile of %s: %w", rs.consultant, err)
		}
		a, err := m.Assign(ctx, r.ID, orgIDs[rs.program], p.ID)
		if err != nil {
			return fmt.Errorf("assign %s to %s: %w", rs.consultant, rs.program, err)
		}
		// Answered the day it was sent, months ago.
		if _, err := t.Update(a).Set("started_on = ?", now.Format(time.DateOnly)).Where("ca.id = ?", a.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := t.Update(r).Set("decided_at = ?", now).Where("cr.id = ?", r.ID).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
