package reports

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

// The NCPC report (seeds/001): a North Carolina local partnership reports its TA Consultation
// and Coaching activity to the North Carolina Partnership for Children by Purpose Service Code
// and program identifier, on the state fiscal year, by quarter and year to date. The tenant
// admin says which fundings are that activity (an NCPCActivity per funding); a program counts
// in a year's report when one of its fundings of that fiscal year is.

// DefaultProgramIdentifier is the program identifier seeds/001 gives the activity.
const DefaultProgramIdentifier = "TA Consultation and Coaching: Infant Early Childhood Mental Health Consultation"

// PSC is a Purpose Service Code an NCPC activity is reported under.
type PSC struct{ Code, Label string }

// PSCs are the codes seeds/001 lists for the activity, in the order the report shows them.
var PSCs = []PSC{
	{"3105", "Accessing Professional Certification and Course Work"},
	{"3104", "NC Child Care Resource and Referral Services"},
	{"3125", "Quality Child Care"},
}

// PSCLabel is "3125 Quality Child Care", or the code alone when unknown.
func PSCLabel(code string) string {
	for _, p := range PSCs {
		if p.Code == code {
			return p.Code + " " + p.Label
		}
	}
	return code
}

func knownPSC(code string) bool {
	for _, p := range PSCs {
		if p.Code == code {
			return true
		}
	}
	return false
}

// NCPCActivity says that a funding is the NCPC activity: its program identifier and the
// Purpose Service Code it is reported under. A funding without one is not in the report.
type NCPCActivity struct {
	bun.BaseModel `bun:"table:ncpc_activities,alias:na"`
	database.TenantScoped

	FundingID         string    `bun:"funding_id,pk"`
	ProgramIdentifier string    `bun:"program_identifier"`
	PSC               string    `bun:"psc"`
	UpdatedBy         string    `bun:"updated_by"`
	UpdatedAt         time.Time `bun:"updated_at"`
}

// NCPCFunding is one of the tenant's fundings on the setup page, with its activity if any.
type NCPCFunding struct {
	ID          string `bun:"id"`
	ProgramID   string `bun:"program_id"`
	ProgramName string `bun:"program_name"`
	FunderName  string `bun:"funder_name"`
	FunderShort string `bun:"funder_short"`
	FiscalYear  int    `bun:"fiscal_year"`
	// The activity: Reported is false when the funding has none.
	Reported          bool   `bun:"reported"`
	ProgramIdentifier string `bun:"program_identifier"`
	PSC               string `bun:"psc"`

	FYLabel string `bun:"-"`
}

// NCPCFundings lists the tenant's fundings (newest fiscal year first, then by program and
// funder) with their NCPC activity, for the setup page: tenant admins only (EFORBIDDEN).
func (d Deps) NCPCFundings(ctx context.Context) ([]NCPCFunding, error) {
	sc, t, err := database.Scoped(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	if !isAdmin(sc) {
		return nil, apperr.Errorf(apperr.EFORBIDDEN, "Only the tenant's administrators say which fundings are the NCPC activity.")
	}
	ten, err := d.tenant(ctx)
	if err != nil {
		return nil, err
	}
	var list []NCPCFunding
	err = t.SelectFrom("fundings", "f").
		ColumnExpr("f.id, f.program_id, f.fiscal_year").
		ColumnExpr("po.name AS program_name, fo.name AS funder_name, fo.short_name AS funder_short").
		ColumnExpr("CASE WHEN na.funding_id IS NULL THEN FALSE ELSE TRUE END AS reported").
		ColumnExpr("COALESCE(na.program_identifier, '') AS program_identifier, COALESCE(na.psc, '') AS psc").
		Join("JOIN organisations AS po ON po.tenant_id = f.tenant_id AND po.id = f.program_id").
		Join("JOIN organisations AS fo ON fo.tenant_id = f.tenant_id AND fo.id = f.funder_id").
		Join("LEFT JOIN ncpc_activities AS na ON na.tenant_id = f.tenant_id AND na.funding_id = f.id").
		OrderExpr("f.fiscal_year DESC, po.name, fo.name, f.id").Scan(ctx, &list)
	if err != nil {
		return nil, err
	}
	// A tenant has a few funders and many fundings: each funder's fiscal-year start is found
	// once (programs.Known compares the name with every known funder of every state).
	start := map[[2]string]int{}
	for i := range list {
		f := &list[i]
		key := [2]string{f.FunderName, f.FunderShort}
		m, ok := start[key]
		if !ok {
			k, _ := programs.Known(ten, &tenants.Organisation{Name: f.FunderName, ShortName: f.FunderShort})
			m = programs.StartMonth(ten, k.Calendar)
			start[key] = m
		}
		f.FYLabel = tenants.FiscalYearLabel(f.FiscalYear, m)
	}
	return list, nil
}

// NCPCChoice is what the setup form says of one funding.
type NCPCChoice struct {
	FundingID         string
	Reported          bool
	ProgramIdentifier string
	PSC               string
}

// Field names of the setup form, per funding.
func ncpcReportedField(id string) string { return "ncpc_" + id }
func ncpcPIDField(id string) string      { return "pid_" + id }
func ncpcPSCField(id string) string      { return "psc_" + id }

// SaveNCPCSetup records which fundings are the NCPC activity, with their program identifier
// and PSC: a funding reported needs a program identifier (at most 200 characters) and one of
// the PSCs; a funding not reported loses its activity. Nothing is written when any choice is
// wrong (EINVALID naming each field). Every change is an audit event. It returns how many
// fundings changed.
func (d Deps) SaveNCPCSetup(ctx context.Context, choices []NCPCChoice) (int, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return 0, err
	}
	if !isAdmin(sc) {
		return 0, apperr.Errorf(apperr.EFORBIDDEN, "Only the tenant's administrators say which fundings are the NCPC activity.")
	}
	have, err := d.NCPCFundings(ctx)
	if err != nil {
		return 0, err
	}
	byID := map[string]NCPCFunding{}
	for _, f := range have {
		byID[f.ID] = f
	}
	bad := map[string]string{}
	for i := range choices {
		ch := &choices[i]
		f, ok := byID[ch.FundingID]
		if !ok {
			return 0, apperr.NotFound("funding")
		}
		if !ch.Reported {
			continue
		}
		what := f.ProgramName + " (" + f.FunderName + ", " + f.FYLabel + ")"
		ch.ProgramIdentifier = strings.Join(strings.Fields(ch.ProgramIdentifier), " ")
		switch n := len([]rune(ch.ProgramIdentifier)); {
		case n == 0:
			bad[ncpcPIDField(f.ID)] = "Program identifier for " + what + ": enter the program identifier NCPC knows the activity by."
		case n > 200:
			bad[ncpcPIDField(f.ID)] = fmt.Sprintf("Program identifier for %s: at most 200 characters (this has %d).", what, n)
		}
		if !knownPSC(ch.PSC) {
			bad[ncpcPSCField(f.ID)] = "Purpose Service Code for " + what + ": choose 3105, 3104 or 3125."
		}
	}
	if len(bad) > 0 {
		e := apperr.Invalid(bad)
		e.Message = "Nothing was saved: please correct the fields marked below."
		return 0, e
	}
	changed := 0
	err = database.InTx(ctx, d.DB, func(ctx context.Context) error {
		t, err := database.For(ctx, d.DB)
		if err != nil {
			return err
		}
		now := d.now().UTC()
		for _, ch := range choices {
			f := byID[ch.FundingID]
			what := f.ProgramName + ", " + f.FunderName + ", " + f.FYLabel
			switch {
			case !ch.Reported && f.Reported:
				if _, err := t.Delete((*NCPCActivity)(nil)).Where("na.funding_id = ?", f.ID).Exec(ctx); err != nil {
					return err
				}
				if err := d.Audit.Record(ctx, "ncpc_activity.remove", "funding", f.ID, what+": no longer reported to NCPC"); err != nil {
					return err
				}
			case ch.Reported && (!f.Reported || f.PSC != ch.PSC || f.ProgramIdentifier != ch.ProgramIdentifier):
				a := &NCPCActivity{FundingID: f.ID, ProgramIdentifier: ch.ProgramIdentifier, PSC: ch.PSC, UpdatedBy: sc.UserID, UpdatedAt: now}
				if _, err := t.Insert(a).On("CONFLICT (tenant_id, funding_id) DO UPDATE").
					Set("program_identifier = EXCLUDED.program_identifier, psc = EXCLUDED.psc").
					Set("updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
					return err
				}
				action := "ncpc_activity.update"
				if !f.Reported {
					action = "ncpc_activity.add"
				}
				if err := d.Audit.Record(ctx, action, "funding", f.ID,
					what+": reported to NCPC under PSC "+PSCLabel(ch.PSC)+", "+ch.ProgramIdentifier); err != nil {
					return err
				}
			default:
				continue
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return changed, nil
}

// ncpcFunding is one NCPC funding of the report's year, with its program.
type ncpcFunding struct {
	FundingID         string `bun:"funding_id"`
	ProgramID         string `bun:"program_id"`
	FunderID          string `bun:"funder_id"`
	PSC               string `bun:"psc"`
	ProgramIdentifier string `bun:"program_identifier"`
	ProgramName       string `bun:"program_name"`
	ProgramKind       string `bun:"program_kind"`
}

// ncpcFundings are the NCPC fundings of fiscal year fy the scope sees, by program name.
func (d Deps) ncpcFundings(ctx context.Context, sc database.Scope, t database.Tenant, fy int) ([]ncpcFunding, error) {
	var list []ncpcFunding
	q := t.SelectFrom("ncpc_activities", "na").
		ColumnExpr("f.id AS funding_id, f.program_id, f.funder_id, na.psc, na.program_identifier, o.name AS program_name, o.program_kind").
		Join("JOIN fundings AS f ON f.tenant_id = na.tenant_id AND f.id = na.funding_id").
		Join("JOIN organisations AS o ON o.tenant_id = f.tenant_id AND o.id = f.program_id").
		Where("f.fiscal_year = ?", fy)
	if !isAdmin(sc) {
		q = q.Where("f.funder_id = ?", funderOf(sc))
	}
	if err := q.OrderExpr("o.name, na.psc, f.id").Scan(ctx, &list); err != nil {
		return nil, err
	}
	return list, nil
}

func isAdmin(sc database.Scope) bool { return sc.Role == authz.TenantAdmin }

// funderOf is the organisation whose fundings a non-admin sees: a funder's own; anyone else
// (who holds no reports permission) none.
func funderOf(sc database.Scope) string {
	if sc.Role == authz.Funder && sc.OrganisationID != "" {
		return sc.OrganisationID
	}
	return "-"
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
