package demo

import (
	"context"
	"fmt"

	"github.com/holdspace/holdspace/app/accounts"
	"github.com/holdspace/holdspace/app/amendments"
	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/audit"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// The demo's budget amendments, from seed 000 ("Programs funded by ISBE Prevention Initiative,
// Head Start, and DFSS may include I/ECMHC in their budgets. To request budget amendments,
// programs should follow the amendment process defined by their funder(s).") and the Durham
// partnership's Smart Start contract amendments (seed 001):
//
//   - Illinois: ISBE PI decides in two tiers (its program area, then its fiscal office), each
//     decided by a different person of ISBE PI. Prairie Families has one amendment approved and
//     applied (money moved to supplies: a new budget version and its PDF), one waiting at the
//     fiscal office (a travel line that raises the total), and a draft that adds the
//     I/ECMH consultation line; its MIECHV budget had a notice-only transfer.
//   - nc-piedmont: NCPC's process is the Smart Start contract amendment (the partnership's
//     program coordinator and finance, then the partnership board, then NCPC). Little Acorns'
//     amendment raising its consultation line is waiting on the board; Sunrise made a
//     notice-only transfer.
//
// The people deciding are added here: two of ISBE PI, a member of the partnership board (an
// organisation of the tenant), and a person of Sunrise. A tenant that has any amendment is left as it is.

// amendmentPeople are the demo's deciders beyond each tenant's five roles.
var amendmentPeople = map[string][]person{
	"illinois": {
		{"isbe.programs@illinois.example", "Amanda Reyes", authz.Funder, "ISBE Prevention Initiative"},
		{"isbe.fiscal@illinois.example", "Marcus Webb", authz.Funder, "ISBE Prevention Initiative"},
	},
	"nc-piedmont": {
		{"board@nc-piedmont.example", "Gloria Hayes", authz.Funder, boardName},
		{"sunrise@nc-piedmont.example", "Linh Tran", authz.Program, "Sunrise Early Learning Center"},
	},
}

// boardName is the nc-piedmont partnership's board, the organisation deciding the second step
// of a Smart Start contract amendment.
const boardName = "Piedmont Partnership Board"

// SeedAmendments adds the demo's amendments through the service, as the people who would
// write and decide them. Tasks the service queues (emails, the PDF) run in the worker; the
// budget of an approved amendment is applied here at once, as its task would (a second run
// changes nothing).
func SeedAmendments(ctx context.Context, acc *accounts.Service, ten *tenants.Service, am *amendments.Service) error {
	ctx = audit.WithActor(ctx, audit.Actor{Email: "demo seed"})
	store := ten.Store()
	for _, slug := range []string{"illinois", "nc-piedmont"} {
		t, err := store.TenantBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("amendments of %s: %w", slug, err)
		}
		d := &amendmentSeed{am: am, t: t, ctx: database.WithScope(ctx, database.Scope{TenantID: t.ID, TenantSlug: t.Slug}),
			people: map[string]database.Scope{}, orgs: map[string]string{}}
		if n, err := am.CountAll(d.ctx); err != nil || n > 0 {
			return err
		}
		if err := d.setUp(acc, ten, slug); err != nil {
			return fmt.Errorf("amendments of %s: %w", slug, err)
		}
		switch slug {
		case "illinois":
			err = d.illinois()
		case "nc-piedmont":
			err = d.piedmont()
		}
		if err != nil {
			return fmt.Errorf("amendments of %s: %w", slug, err)
		}
	}
	return nil
}

type amendmentSeed struct {
	am     *amendments.Service
	t      *tenants.Tenant
	ctx    context.Context
	people map[string]database.Scope // by email
	orgs   map[string]string         // organisation name → id
}

// setUp adds the deciders (and nc-piedmont's board) and reads who is who.
func (d *amendmentSeed) setUp(acc *accounts.Service, ten *tenants.Service, slug string) error {
	store := ten.Store()
	list, err := store.Organisations(d.ctx)
	if err != nil {
		return err
	}
	for _, o := range list {
		d.orgs[o.Name] = o.ID
	}
	if slug == "nc-piedmont" && d.orgs[boardName] == "" {
		board := &tenants.Organisation{Kind: tenants.OrgFunder, Name: boardName, ShortName: "Board"}
		if err := ten.CreateOrganisation(d.ctx, board); err != nil {
			return err
		}
		d.orgs[boardName] = board.ID
	}
	var everyone []person
	for _, ts := range Tenants {
		if ts.slug == slug {
			everyone = append(everyone, ts.people...)
		}
	}
	for _, p := range amendmentPeople[slug] {
		if err := ensureUser(d.ctx, acc, p.email, p.name, false); err != nil {
			return err
		}
		everyone = append(everyone, p)
	}
	for _, p := range everyone {
		u, err := acc.UserByEmail(d.ctx, p.email)
		if err != nil {
			return err
		}
		if _, err := store.ActiveMembership(d.ctx, d.t.ID, u.ID); apperr.Code(err) == apperr.ENOTFOUND {
			if _, err := ten.AddMember(d.ctx, u.ID, p.role, d.orgs[p.org]); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		d.people[p.email] = database.Scope{TenantID: d.t.ID, TenantSlug: d.t.Slug, UserID: u.ID, Role: p.role, OrganisationID: d.orgs[p.org]}
	}
	return nil
}

// as is the context of one of the demo's people.
func (d *amendmentSeed) as(email string) context.Context {
	sc := d.people[email]
	return audit.WithActor(database.WithScope(d.ctx, sc), audit.Actor{ID: sc.UserID, Email: email})
}

// process gives a funder one of the built-in processes, as the tenant admin.
func (d *amendmentSeed) process(admin, funder, template, org string) error {
	_, err := d.am.ApplyTemplate(d.as(admin), d.orgs[funder], template, d.orgs[org])
	return err
}

// change is one line of a proposal: a category and its proposed amount in cents, and why.
type change struct {
	category string
	cents    money.Cents
	why      string
}

// propose writes a draft on the program's funding from the funder: every current line as it is
// except those changed (or added).
func (d *amendmentSeed) propose(who, program, funder, why, effective string, changes ...change) (*amendments.Amendment, error) {
	ctx := d.as(who)
	var f *programs.Funding
	fundings, err := d.am.ProgramFundings(ctx)
	if err != nil {
		return nil, err
	}
	for i := range fundings {
		if fundings[i].ProgramID == d.orgs[program] && fundings[i].FunderID == d.orgs[funder] {
			f = &fundings[i]
		}
	}
	if f == nil {
		return nil, fmt.Errorf("no funding of %s by %s", program, funder)
	}
	in := amendments.ProposalInput{FundingID: f.ID, Justification: why, EffectiveOn: effective}
	done := map[string]bool{}
	for _, l := range f.Lines {
		li := amendments.LineInput{BudgetLineID: l.ID, Category: l.Category, Proposed: money.Cents(l.AmountCents).Input()}
		for _, c := range changes {
			if c.category == l.Category {
				li.Proposed, li.Justification, done[c.category] = c.cents.Input(), c.why, true
			}
		}
		in.Lines = append(in.Lines, li)
	}
	for _, c := range changes {
		if !done[c.category] {
			in.Lines = append(in.Lines, amendments.LineInput{Category: c.category, Proposed: c.cents.Input(), Justification: c.why})
		}
	}
	return d.am.SaveDraft(ctx, "", in)
}

// approve decides the amendment's open step as who.
func (d *amendmentSeed) approve(who string, a *amendments.Amendment, comment string) (*amendments.Amendment, error) {
	return d.am.Decide(d.as(who), a.ID, amendments.DecisionInput{Decision: amendments.DecisionApproved, Comment: comment,
		Version: a.Version, Step: a.Step})
}

func (d *amendmentSeed) illinois() error {
	const admin, program = "admin@illinois.example", "program@illinois.example"
	const areaReview, fiscal = "isbe.programs@illinois.example", "isbe.fiscal@illinois.example"
	const prairie, isbe = "Prairie Families Home Visiting", "ISBE Prevention Initiative"
	if err := d.process(admin, isbe, amendments.TemplateTwoTiers, ""); err != nil {
		return err
	}
	for _, f := range []string{"IDHS Division of Early Childhood", "Chicago Department of Family and Support Services",
		"Maternal, Infant, and Early Childhood Home Visiting"} {
		if err := d.process(admin, f, amendments.TemplateSingle, ""); err != nil {
			return err
		}
	}
	today, err := d.am.Today(d.ctx)
	if err != nil {
		return err
	}

	// Approved at both tiers and applied: $3,000 from Personnel to Supplies, more than the
	// notice threshold (2 % of $132,500 is $2,650).
	a, err := d.propose(program, prairie, isbe,
		"A home visitor left in September and the post stays open until January; the savings buy the screening kits and the books families keep.",
		today, change{"Personnel", 93_000_00, "The open home visitor post, September to December."},
		change{"Supplies", 6_500_00, "Ages & Stages screening kits and books for the families."})
	if err != nil {
		return err
	}
	if a, err = d.am.Submit(d.as(program), a.ID); err != nil {
		return err
	}
	if a, err = d.approve(areaReview, a, "Fits the program's plan for the year."); err != nil {
		return err
	}
	if a, err = d.approve(fiscal, a, "Allowable costs; approved."); err != nil {
		return err
	}
	if err := d.am.Apply(d.ctx, a.ID); err != nil {
		return err
	}

	// Waiting at the fiscal office: a travel line for home visits in the far west of the
	// county, which raises the total.
	a, err = d.propose(program, prairie, isbe,
		"Families in Cicero and Berwyn moved west; home visitors now drive twice as far, and mileage is not in the budget.",
		today, change{"Travel", 2_400_00, "Mileage for home visits at the state rate, twelve months."})
	if err != nil {
		return err
	}
	if a, err = d.am.Submit(d.as(program), a.ID); err != nil {
		return err
	}
	if _, err = d.approve(areaReview, a, "The program area supports it; over to the fiscal office."); err != nil {
		return err
	}

	// A draft that adds the I/ECMH consultation line, paid for from Personnel.
	if _, err = d.propose(program, prairie, isbe,
		"Add monthly infant and early childhood mental health consultation for the home visitors, as the state's I/ECMHC model describes.",
		today, change{"Personnel", 80_500_00, "Part of the open post's savings pay for the consultant."},
		change{"I/ECMH consultation", 12_500_00, "A consultant two days a month: reflective consultation with the home visitors and their supervisor."}); err != nil {
		return err
	}

	// Notice only: $1,000 from Travel to Personnel on the MIECHV budget, well under 2 %.
	a, err = d.propose(program, prairie, "Maternal, Infant, and Early Childhood Home Visiting",
		"Fewer miles than planned since two families moved into the office's neighbourhood; the difference pays for overtime at enrolment.",
		today, change{"Travel", 5_200_00, "Fewer miles driven than planned."}, change{"Personnel", 183_000_00, "Overtime during the spring enrolment."})
	if err != nil {
		return err
	}
	if a, err = d.am.Submit(d.as(program), a.ID); err != nil {
		return err
	}
	return d.am.Apply(d.ctx, a.ID)
}

func (d *amendmentSeed) piedmont() error {
	const admin, program = "admin@nc-piedmont.example", "program@nc-piedmont.example"
	const ncpc = "North Carolina Partnership for Children"
	if err := d.process(admin, ncpc, amendments.TemplateSmartStart, boardName); err != nil {
		return err
	}
	today, err := d.am.Today(d.ctx)
	if err != nil {
		return err
	}
	// Through the partnership's staff, now with its board.
	a, err := d.propose(program, "Little Acorns Child Care Center", ncpc,
		"Two classrooms asked for weekly consultation after a hard autumn; the contract needs three more months of consultant time.",
		today, change{"I/ECMH consultation", 21_000_00, "Weekly consultation in the infant and toddler rooms, January to March."})
	if err != nil {
		return err
	}
	if a, err = d.am.Submit(d.as(program), a.ID); err != nil {
		return err
	}
	if _, err = d.approve(admin, a, "Program coordinator and finance: within the partnership's allocation. To the board."); err != nil {
		return err
	}
	// Notice only at Sunrise: $500 from Supplies to consultation, under the $1,000 floor.
	const sunrise = "sunrise@nc-piedmont.example"
	a, err = d.propose(sunrise, "Sunrise Early Learning Center", ncpc,
		"The classroom bought fewer supplies than planned; the consultant's extra visit in the Pre-K classroom needs the difference.",
		today, change{"Supplies", 700_00, "Fewer supplies bought than planned."},
		change{"I/ECMH consultation", 14_500_00, "One more consultation visit in the Pre-K classroom."})
	if err != nil {
		return err
	}
	if a, err = d.am.Submit(d.as(sunrise), a.ID); err != nil {
		return err
	}
	return d.am.Apply(d.ctx, a.ID)
}
