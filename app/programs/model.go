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
	HeldBy       string    `bun:"held_by"` // the amendment waiting for a decision on the budget, or ""
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

// CategoryIECMHC is the budget line that pays for I/ECMH consultation.
const CategoryIECMHC = "I/ECMH consultation"

// BudgetCategories are the categories of a budget line.
var BudgetCategories = []string{
	"Personnel", "Fringe benefits", "Travel", "Equipment", "Supplies", "Contractual",
	CategoryIECMHC, "Training", "Indirect costs", "Other",
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

// VersionLine is one line of a budget version: a category and its amount.
type VersionLine struct {
	Category    string      `json:"category"`
	AmountCents money.Cents `json:"amount_cents"`
}

// Amount is the line's amount in dollars.
func (l VersionLine) Amount() string { return l.AmountCents.String() }

// BudgetVersion is one budget a funding has had: every change of its budget lines (set up,
// edited directly, an approved amendment, an import) makes the next one, and none is ever
// changed or removed. A funding's newest version holds the same lines as its budget_lines.
type BudgetVersion struct {
	bun.BaseModel `bun:"table:budget_versions,alias:bv"`
	database.TenantScoped

	ID          string        `bun:"id,pk"`
	FundingID   string        `bun:"funding_id"`
	Number      int           `bun:"number"`
	EffectiveOn string        `bun:"effective_on"` // YYYY-MM-DD
	AmendmentID string        `bun:"amendment_id"` // "" unless an amendment made it
	Reason      string        `bun:"reason"`
	Lines       []VersionLine `bun:"lines,type:text"`
	TotalCents  money.Cents   `bun:"total_cents"`
	CreatedBy   string        `bun:"created_by"` // a user id, "" when not recorded
	CreatedAt   time.Time     `bun:"created_at"`

	CreatorName string `bun:"creator_name,scanonly"`

	// Recorded is false for the version History makes up for a funding whose budget was set
	// before versions were kept: nothing of it is stored until the budget next changes.
	Recorded bool `bun:"-"`
}

// Total is the version's total in dollars.
func (v BudgetVersion) Total() string { return v.TotalCents.String() }

// BudgetChange is a new budget for a funding (ApplyBudget).
type BudgetChange struct {
	FundingID   string
	Lines       []VersionLine // in the order the budget shows them; lines at 0 are removed
	EffectiveOn string        // YYYY-MM-DD; "" is today, in the tenant's time zone
	AmendmentID string        // the amendment that makes it, or ""
	Reason      string
}

// Line change kinds (DiffLines).
const (
	LineNew       = "new"
	LineChanged   = "changed"
	LineRemoved   = "removed"
	LineUnchanged = "unchanged"
)

// LineChange is what became of one category from one budget to the next.
type LineChange struct {
	Category      string
	Kind          string // LineNew, LineChanged, LineRemoved or LineUnchanged
	Before, After money.Cents
}

// Words says the change in plain words: "New: $5,000.00", "Changed from $1,000.00 to
// $1,500.00 (up $500.00)", "Removed (was $2,000.00)", "Unchanged: $3,000.00".
func (c LineChange) Words() string {
	switch c.Kind {
	case LineNew:
		return "New: " + c.After.String()
	case LineRemoved:
		return "Removed (was " + c.Before.String() + ")"
	case LineChanged:
		d := c.After - c.Before
		if d > 0 {
			return "Changed from " + c.Before.String() + " to " + c.After.String() + " (up " + d.String() + ")"
		}
		return "Changed from " + c.Before.String() + " to " + c.After.String() + " (down " + (-d).String() + ")"
	}
	return "Unchanged: " + c.After.String()
}

// DiffLines compares two budgets line by line, by category: the lines of after in their
// order (new, changed or unchanged), then the lines of before that after has no more.
func DiffLines(before, after []VersionLine) []LineChange {
	was := make(map[string]money.Cents, len(before))
	for _, l := range before {
		was[l.Category] += l.AmountCents
	}
	seen := make(map[string]bool, len(after))
	var out []LineChange
	for _, l := range after {
		seen[l.Category] = true
		b, ok := was[l.Category]
		switch {
		case !ok:
			out = append(out, LineChange{Category: l.Category, Kind: LineNew, After: l.AmountCents})
		case b != l.AmountCents:
			out = append(out, LineChange{Category: l.Category, Kind: LineChanged, Before: b, After: l.AmountCents})
		default:
			out = append(out, LineChange{Category: l.Category, Kind: LineUnchanged, Before: b, After: l.AmountCents})
		}
	}
	for _, l := range before {
		if !seen[l.Category] {
			seen[l.Category] = true
			out = append(out, LineChange{Category: l.Category, Kind: LineRemoved, Before: was[l.Category]})
		}
	}
	return out
}

// VersionLines are a funding's current budget lines as a version's lines.
func (f Funding) VersionLines() []VersionLine {
	out := make([]VersionLine, len(f.Lines))
	for i, l := range f.Lines {
		out[i] = VersionLine{Category: l.Category, AmountCents: money.Cents(l.AmountCents)}
	}
	return out
}

// Program is a program with what its listing shows.
type Program struct {
	tenants.Organisation
	Funders []string // the short names (or names) of the funders of its fundings the reader sees
}
