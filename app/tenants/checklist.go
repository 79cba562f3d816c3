package tenants

import (
	"context"

	"github.com/holdspace/holdspace/app/database"
)

// ChecklistStep is one step of the onboarding checklist on the tenant admin's home page.
type ChecklistStep struct {
	Title, Description, Href, Action string
	Done                             bool
}

// Checklist is the onboarding checklist.
type Checklist struct {
	Steps   []ChecklistStep
	AllDone bool
	Left    int
}

// OnboardingCounts are what the checklist is decided from.
type OnboardingCounts struct {
	Funders, FundedPrograms, Agencies, Invitations, ActiveMembers int
}

// OnboardingCounts counts, in the tenant of ctx, the records the onboarding checklist asks
// for. A program counts once it has a funding (the fundings table belongs to app/programs,
// which builds on this package, so it is named here only in SQL).
func (s *Store) OnboardingCounts(ctx context.Context) (*OnboardingCounts, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	c := &OnboardingCounts{}
	orgs, err := s.CountOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	c.Funders, c.Agencies = orgs[OrgFunder], orgs[OrgConsultantAgency]
	count := func(q interface {
		Count(context.Context) (int64, error)
	}, into *int) {
		if err != nil {
			return
		}
		var n int64
		n, err = q.Count(ctx)
		*into = int(n)
	}
	count(t.Select((*Organisation)(nil)).Where("o.kind = ?", OrgProgram).
		Where("EXISTS (SELECT 1 FROM fundings AS f WHERE f.tenant_id = o.tenant_id AND f.program_id = o.id)"), &c.FundedPrograms)
	count(t.Select((*Invitation)(nil)).Where("i.revoked_at IS NULL"), &c.Invitations)
	count(t.Select((*Membership)(nil)).Where("m.active"), &c.ActiveMembers)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NewChecklist lays out the onboarding steps for tenant t. Each step is a normal page that
// stays usable once it is done. fundersOffer says what the funders page offers to start from
// (app/programs words it: the state's usual funders where they are known, else the federal
// ones); empty, the step says nothing of it.
func NewChecklist(t *Tenant, c *OnboardingCounts, fundersOffer string) *Checklist {
	base := "/t/" + t.Slug
	funders := "The agencies that fund your programs."
	if fundersOffer != "" {
		funders += " " + fundersOffer
	}
	cl := &Checklist{Steps: []ChecklistStep{
		{Title: "Agency settings", Href: base + "/settings", Action: "Check and save your settings",
			Description: "Your display name, time zone, fiscal calendars, the counties you serve (ticked from the " + StateName(t.State) + " list) and the languages you offer.",
			Done:        t.SettingsConfirmedAt != nil},
		{Title: "Funders", Href: base + "/funders", Action: "Add your funders",
			Description: funders,
			Done:        c.Funders > 0},
		{Title: "Programs and their fundings", Href: base + "/programs", Action: "Add a program and its funding",
			Description: "Each program with its kind, county and languages, and at least one funding with its budget lines.",
			Done:        c.FundedPrograms > 0},
		{Title: "Consultant agencies", Href: base + "/agencies", Action: "Add a consultant agency",
			Description: "The agencies that employ your consultants, such as community mental health centers.",
			Done:        c.Agencies > 0},
		{Title: "People", Href: base + "/people", Action: "Invite people",
			Description: "Invite the funder and program staff, consultants and supervisors who work with you.",
			Done:        c.Invitations > 0 || c.ActiveMembers > 1},
	}}
	for _, s := range cl.Steps {
		if !s.Done {
			cl.Left++
		}
	}
	cl.AllDone = cl.Left == 0
	return cl
}
