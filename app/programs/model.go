// Package programs holds what a tenant admin sets up after the agency settings: funders,
// programs with their sites or classrooms, the fundings that link a program to a funder for a
// fiscal year with their budget lines, and consultant agencies. Funders, programs and agencies
// are organisations (app/tenants owns that model); sites, fundings and budget lines are here.
//
// Funder and program people see only their part: a funder the programs it funds and its own
// fundings of them, a program itself and its fundings.
package programs

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/tenants"
)

// Site kinds.
const (
	SiteKindSite      = "site"
	SiteKindClassroom = "classroom"
)

// SiteKinds are the kinds of place a program has, in the order people see them.
var SiteKinds = []struct{ Value, Label string }{
	{SiteKindSite, "Site"},
	{SiteKindClassroom, "Classroom"},
}

// Site is a place a program works from, or a classroom of a center.
type Site struct {
	bun.BaseModel `bun:"table:program_sites,alias:ps"`
	database.TenantScoped

	ID        string    `bun:"id,pk"`
	ProgramID string    `bun:"program_id"`
	Name      string    `bun:"name"`
	Kind      string    `bun:"kind"`
	CreatedAt time.Time `bun:"created_at"`
}

// KindLabel is the plain name of the site's kind.
func (s Site) KindLabel() string {
	for _, k := range SiteKinds {
		if k.Value == s.Kind {
			return k.Label
		}
	}
	return s.Kind
}

// Funding links a program to a funder for one fiscal year (named by the year it ends in, on
// the funder's fiscal calendar), with its budget lines, and says whether I/ECMHC is already
// paid for in it.
type Funding struct {
	bun.BaseModel `bun:"table:fundings,alias:f"`
	database.TenantScoped

	ID           string    `bun:"id,pk"`
	ProgramID    string    `bun:"program_id"`
	FunderID     string    `bun:"funder_id"`
	FiscalYear   int       `bun:"fiscal_year"`
	IECMHCFunded bool      `bun:"iecmhc_funded"`
	HeldBy       string    `bun:"held_by"` // the amendment waiting on a decision on it (STAND-IN, branch decide: the budget API's own field wins at merge)
	CreatedAt    time.Time `bun:"created_at"`
	UpdatedAt    time.Time `bun:"updated_at"`

	FunderName  string `bun:"funder_name,scanonly"`
	FunderShort string `bun:"funder_short,scanonly"`
	ProgramName string `bun:"program_name,scanonly"`

	Lines   []BudgetLine `bun:"-"`
	FYLabel string       `bun:"-"` // "FY 2025–26", on the funder's calendar
}

// Total is the sum of the budget lines, in cents.
func (f Funding) Total() int64 {
	var n int64
	for _, l := range f.Lines {
		n += l.AmountCents
	}
	return n
}

// TotalLabel is the total in dollars.
func (f Funding) TotalLabel() string { return money.Cents(f.Total()).String() }

// Funder is the funder's short name, or its name.
func (f Funding) Funder() string {
	if f.FunderShort != "" {
		return f.FunderShort
	}
	return f.FunderName
}

// BudgetLine is one category of a funding's budget.
type BudgetLine struct {
	bun.BaseModel `bun:"table:budget_lines,alias:bl"`
	database.TenantScoped

	ID          string `bun:"id,pk"`
	FundingID   string `bun:"funding_id"`
	Category    string `bun:"category"`
	AmountCents int64  `bun:"amount_cents"`
	Position    int    `bun:"position"`
}

// Amount is the line's amount in dollars.
func (l BudgetLine) Amount() string { return money.Cents(l.AmountCents).String() }

// BudgetCategories are the categories of a budget line.
var BudgetCategories = []string{
	"Personnel", "Fringe benefits", "Travel", "Equipment", "Supplies", "Contractual",
	"I/ECMH consultation", "Training", "Indirect costs", "Other",
}

// IsBudgetCategory reports whether c is one of BudgetCategories.
func IsBudgetCategory(c string) bool {
	for _, v := range BudgetCategories {
		if v == c {
			return true
		}
	}
	return false
}

// Program is a program with what its listing shows.
type Program struct {
	tenants.Organisation
	Funders []string // the short names (or names) of the funders of its fundings the reader sees
}
