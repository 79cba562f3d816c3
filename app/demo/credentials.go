package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/consultants"
	"github.com/holdspace/holdspace/app/credentials"
	"github.com/holdspace/holdspace/app/supervision"
	"github.com/holdspace/holdspace/app/tenants"
)

// credentialSeed is a demo consultant's credential, dated from today: issued daysAgo days
// ago, expiring in expiresIn days (0: the kind's usual validity from the issue date, or none).
type credentialSeed struct {
	kind               string
	daysAgo, expiresIn int
	verified           bool
}

// staffingSeed is a tenant's built-in requirements and its demo consultants' hire dates and
// credentials.
type staffingSeed struct {
	slug, set, email string
	hiredDaysAgo     int
	credentials      []credentialSeed
}

var staffingSeeds = []staffingSeed{
	// North Carolina: Maria was hired seven months ago; her endorsement is due within a year.
	{"nc-piedmont", credentials.BuiltinNC, SharedConsultantEmail, 210, []credentialSeed{
		{"Bachelor’s degree in a related field", 3000, 0, true},
		{"Center of Excellence Foundational Modules (The Mental Health Consultation Tool)", 180, 0, true},
		{"2 years’ experience in or supporting early care and education (employer letter)", 200, 0, false},
	}},
	// Ohio: Daniel's ECMH credential expires in about 40 days; his Level II waits for
	// verification.
	{"ohio", credentials.BuiltinOhio, "consultant@ohio.example", 500, []credentialSeed{
		{"Ohio Early Childhood Mental Health (ECMH) credential", 325, 40, true},
		{"Level I: Ohio Infant Family Affiliate", 100, 0, true},
		{"Level II: Ohio Infant Family Practitioner", 20, 0, false},
	}},
}

// seedCredentials adds the tenant's built-in requirements and its demo consultants' hire
// dates and credentials, adding only what is missing.
func seedCredentials(ctx context.Context, db *bun.DB, store *tenants.Store, reg *consultants.Registry, sup *supervision.Service,
	acc *accounts.Service, ts tenantSeed) error {
	svc := credentials.NewService(db, store, reg, sup, audit.New(db), nil, nil, "")
	now := time.Now()
	for _, s := range staffingSeeds {
		if s.slug != ts.slug {
			continue
		}
		if _, err := svc.AddBuiltin(ctx, s.set); err != nil {
			return err
		}
		u, err := acc.UserByEmail(ctx, s.email)
		if err != nil {
			return err
		}
		profiles, err := svc.Store().Profiles(ctx, []string{u.ID})
		if err != nil {
			return err
		}
		if len(profiles) == 0 {
			return fmt.Errorf("%s has no profile in %s", s.email, s.slug)
		}
		p := profiles[0]
		today, err := svc.Today(ctx, now)
		if err != nil {
			return err
		}
		if err := svc.SetHiredForDemo(ctx, p.ID, credentials.AddDays(today, -s.hiredDaysAgo), now); err != nil {
			return err
		}
		kinds, err := svc.Store().Kinds(ctx)
		if err != nil {
			return err
		}
		for _, c := range s.credentials {
			issued := credentials.AddDays(today, -c.daysAgo)
			expires := ""
			if c.expiresIn > 0 {
				expires = credentials.AddDays(today, c.expiresIn)
			} else {
				for _, k := range kinds {
					if k.Name == c.kind && k.ValidMonths > 0 {
						expires = credentials.AddMonths(issued, k.ValidMonths)
					}
				}
			}
			if err := svc.AddForDemo(ctx, p.ID, c.kind, issued, expires, c.verified); err != nil {
				return fmt.Errorf("%s: %w", c.kind, err)
			}
		}
	}
	return nil
}
