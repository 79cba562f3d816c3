package imports

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/csvout"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/money"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// Preview is the first rows of a file as Holdspace reads them, for the page.
type Preview struct {
	Headers []string
	Rows    []PreviewRow
	More    int // rows not shown
}

// PreviewRow is one row of the preview.
type PreviewRow struct {
	Row   int
	Cells []string
}

// PreviewOf parses the first PreviewRows rows of an import's file (loaded with its content).
// Fiscal years are named on the state calendar, which starts in month stateStart.
// A cell that reads well is shown as Holdspace understood it (“FY 2025-26”, “$12,500.00”);
// one that does not is shown as typed (the problems list says why).
func PreviewOf(imp *Import, stateStart int) Preview {
	var p Preview
	sh, msg := openSheet(imp.Content, imp.Kind)
	if msg != "" {
		return p
	}
	switch imp.Kind {
	case KindPrograms:
		p.Headers = []string{"Program", "Kind", "County", "Languages", "Funder", "Fiscal year", "I/ECMHC funded", "Budget line", "Amount"}
	case KindPeople:
		p.Headers = []string{"Email", "Name", "Role", "Organisation"}
	}
	for len(p.Rows) < PreviewRows {
		rec, msg, err := sh.next()
		if err == io.EOF || msg != "" {
			break
		}
		p.Rows = append(p.Rows, PreviewRow{Row: rec.Row, Cells: previewCells(imp.Kind, rec, stateStart)})
	}
	if imp.TotalRows > len(p.Rows) {
		p.More = imp.TotalRows - len(p.Rows)
	}
	return p
}

func previewCells(kind string, rec record, stateStart int) []string {
	if kind == KindPeople {
		get := func(c string) string { return rec.get(PeopleColumns, c) }
		role := get("role")
		if r := roleOf(role); r != "" {
			role = authz.RoleLabel(r)
		}
		email := get("email")
		return []string{strings.ToLower(email), collapse(get("name")), role, collapse(get("organisation"))}
	}
	get := func(c string) string { return rec.get(ProgramColumns, c) }
	kindCell := get("program_kind")
	if k := programKind(kindCell); k != "" {
		kindCell = tenants.ProgramKindLabel(k)
	}
	var langs []string
	for _, l := range strings.Split(get("languages"), ";") {
		if l = collapse(l); l != "" {
			langs = append(langs, l)
		}
	}
	fy := get("fiscal_year")
	if y, ok := parseFiscalYear(fy); ok {
		fy = tenants.FiscalYearLabel(y, stateStart)
	}
	funded := get("iecmhc_funded")
	switch strings.ToLower(funded) {
	case "yes", "y", "true", "1":
		funded = "Yes"
	case "no", "n", "false", "0":
		funded = "No"
	}
	amount := get("budget_amount")
	if c, err := money.Parse(amount); err == nil {
		amount = c.String()
	}
	category := collapse(get("budget_category"))
	if c := pickFold(programs.BudgetCategories, category); c != "" {
		category = c
	}
	return []string{collapse(get("program_name")), kindCell, collapse(get("county")), strings.Join(langs, "; "),
		collapse(get("funder")), fy, funded, category, amount}
}

// Preview returns the preview of an import (loaded with its content) in the tenant of ctx.
func (s *Service) Preview(ctx context.Context, imp *Import) (Preview, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return Preview{}, err
	}
	t, err := s.tenants.Store().TenantByID(ctx, sc.TenantID)
	if err != nil {
		return Preview{}, err
	}
	return PreviewOf(imp, programs.StartMonth(t, programs.CalendarState)), nil
}

// Template returns a template CSV for kind: the header row and one example row, with the
// tenant's own funder, county and languages where it has them.
func (s *Service) Template(ctx context.Context, kind string) ([]byte, error) {
	cols := ColumnsOf(kind)
	if cols == nil {
		return nil, apperr.NotFound("kind of import")
	}
	store := s.tenants.Store()
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	tenant, err := store.TenantByID(ctx, sc.TenantID)
	if err != nil {
		return nil, err
	}
	var example []string
	switch kind {
	case KindPrograms:
		funder := "IDHS-DEC"
		if fs, err := store.OrganisationsOfKind(ctx, tenants.OrgFunder); err != nil {
			return nil, err
		} else if len(fs) > 0 {
			funder = fs[0].Name
			if fs[0].ShortName != "" {
				funder = fs[0].ShortName
			}
		}
		county := ""
		if len(tenant.Counties) > 0 {
			county = tenant.Counties[0]
		}
		langs := "English; Spanish"
		if len(tenant.Languages) > 0 {
			langs = strings.Join(tenant.Languages[:min(2, len(tenant.Languages))], "; ")
		}
		fy := tenants.FiscalYear(time.Now(), programs.StartMonth(tenant, programs.CalendarState))
		example = []string{"Example Home Visiting Program", "Home visiting", county, langs, funder, fmt.Sprintf("FY %d-%02d", fy-1, fy%100), "no",
			"I/ECMH consultation", "12,500.00"}
	case KindPeople:
		org := ""
		role := "consultant"
		if ps, err := store.OrganisationsOfKind(ctx, tenants.OrgProgram); err != nil {
			return nil, err
		} else if len(ps) > 0 {
			org, role = ps[0].Name, "program"
		}
		example = []string{"jordan.lee@example.org", "Jordan Lee", role, org}
	}
	var b bytes.Buffer
	w := csvout.NewWriter(&b)
	w.Write(cols)    //nolint:errcheck // a bytes.Buffer does not fail
	w.Write(example) //nolint:errcheck
	w.Flush()
	return b.Bytes(), w.Error()
}
