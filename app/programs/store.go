package programs

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// Store reads and writes sites, fundings and budget lines, and reads funders, programs and
// consultant agencies (organisations, whose writes go through the tenants store) as the
// caller may see them.
type Store struct {
	db   *bun.DB
	orgs *tenants.Store
}

// NewStore returns the store on db.
func NewStore(db *bun.DB, orgs *tenants.Store) *Store { return &Store{db: db, orgs: orgs} }

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// The narrowing of each query to what the scope's role may see. Tenant admins, consultants and
// supervisors see every record of the tenant; a funder sees itself, the programs it funds and
// its own fundings of them; a program sees itself, its fundings and the funders of them.

func programsVisible(sc database.Scope) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		switch sc.Role {
		case authz.Funder:
			return q.Where("EXISTS (SELECT 1 FROM fundings AS vf WHERE vf.tenant_id = o.tenant_id AND vf.program_id = o.id AND vf.funder_id = ?)", sc.OrganisationID)
		case authz.Program:
			return q.Where("o.id = ?", sc.OrganisationID)
		}
		return q
	}
}

func fundersVisible(sc database.Scope) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		switch sc.Role {
		case authz.Funder:
			return q.Where("o.id = ?", sc.OrganisationID)
		case authz.Program:
			return q.Where("EXISTS (SELECT 1 FROM fundings AS vf WHERE vf.tenant_id = o.tenant_id AND vf.funder_id = o.id AND vf.program_id = ?)", sc.OrganisationID)
		}
		return q
	}
}

func agenciesVisible(sc database.Scope) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if _, bound := authz.NeedsOrganisation(sc.Role); bound {
			return q.Where("1 = 0")
		}
		return q
	}
}

func fundingsVisible(sc database.Scope) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		switch sc.Role {
		case authz.Funder:
			return q.Where("f.funder_id = ?", sc.OrganisationID)
		case authz.Program:
			return q.Where("f.program_id = ?", sc.OrganisationID)
		}
		return q
	}
}

func visibleFor(kind string) func(database.Scope) func(*bun.SelectQuery) *bun.SelectQuery {
	switch kind {
	case tenants.OrgProgram:
		return programsVisible
	case tenants.OrgFunder:
		return fundersVisible
	}
	return agenciesVisible
}

func kindWord(kind string) string { return strings.ToLower(tenants.OrgKindLabel(kind)) }

// Organisations lists the tenant's organisations of kind that the caller may see, by name.
func (s *Store) Organisations(ctx context.Context, kind string) ([]tenants.Organisation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	var list []tenants.Organisation
	err = t.Select(&list).Where("o.kind = ?", kind).Apply(visibleFor(kind)(sc)).OrderExpr("o.name").Scan(ctx)
	return list, err
}

// Organisation returns the organisation id of kind, if the caller may see it.
//
// Errors: ENOTFOUND (another tenant's, another kind, or out of the caller's sight).
func (s *Store) Organisation(ctx context.Context, kind, id string) (*tenants.Organisation, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(id) {
		return nil, apperr.NotFound(kindWord(kind))
	}
	sc, _ := database.ScopeFrom(ctx)
	o := new(tenants.Organisation)
	err = t.Select(o).Where("o.id = ? AND o.kind = ?", id, kind).Apply(visibleFor(kind)(sc)).Scan(ctx)
	return o, notFound(err, kindWord(kind))
}

// ProgramFilter narrows the program list; empty fields match all.
type ProgramFilter struct {
	Kind, County string
}

// Programs lists the programs the caller may see, by name, each with the funders of its
// fundings that the caller may see.
func (s *Store) Programs(ctx context.Context, f ProgramFilter) ([]Program, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	var orgs []tenants.Organisation
	q := t.Select(&orgs).Where("o.kind = ?", tenants.OrgProgram).Apply(programsVisible(sc))
	if f.Kind != "" {
		q = q.Where("o.program_kind = ?", f.Kind)
	}
	if f.County != "" {
		q = q.Where("o.county = ?", f.County)
	}
	if err := q.OrderExpr("o.name").Scan(ctx); err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, nil
	}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	var rows []struct {
		ProgramID string `bun:"program_id"`
		Funder    string `bun:"funder"`
	}
	err = t.Select((*Funding)(nil)).Apply(fundingsVisible(sc)).
		ColumnExpr("DISTINCT f.program_id, CASE WHEN fo.short_name <> '' THEN fo.short_name ELSE fo.name END AS funder").
		Join("JOIN organisations AS fo ON fo.tenant_id = f.tenant_id AND fo.id = f.funder_id").
		Where("f.program_id IN (?)", bun.In(ids)).OrderExpr("funder").Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	funders := map[string][]string{}
	for _, r := range rows {
		funders[r.ProgramID] = append(funders[r.ProgramID], r.Funder)
	}
	out := make([]Program, len(orgs))
	for i, o := range orgs {
		out[i] = Program{Organisation: o, Funders: funders[o.ID]}
	}
	return out, nil
}

// Sites lists a program's sites and classrooms, by name.
func (s *Store) Sites(ctx context.Context, programID string) ([]Site, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	var list []Site
	err = t.Select(&list).Where("ps.program_id = ?", programID).OrderExpr("ps.name").Scan(ctx)
	return list, err
}

// InsertSite adds a site. Errors: ECONFLICT when the program has a site of that name.
func (s *Store) InsertSite(ctx context.Context, site *Site) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	site.ID, site.CreatedAt = database.NewID(), database.Now()
	_, err = t.Insert(site).Exec(ctx)
	if database.IsUniqueViolation(err) {
		return &apperr.Error{Code: apperr.ECONFLICT, Message: "This program already has a site or classroom named “" + site.Name + "”.",
			Fields: map[string]string{"site_name": "This program already has one with this name."}}
	}
	return err
}

// DeleteSite removes a program's site and returns it. Errors: ENOTFOUND.
func (s *Store) DeleteSite(ctx context.Context, programID, siteID string) (*Site, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(siteID) {
		return nil, apperr.NotFound("site")
	}
	site := new(Site)
	if err := t.Select(site).Where("ps.program_id = ? AND ps.id = ?", programID, siteID).Scan(ctx); err != nil {
		return nil, notFound(err, "site")
	}
	_, err = t.Delete((*Site)(nil)).Where("ps.id = ?", siteID).Exec(ctx)
	return site, err
}

// fundingColumns adds the funder's and program's names to a fundings query.
func fundingColumns(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("f.*, fo.name AS funder_name, fo.short_name AS funder_short, po.name AS program_name").
		Join("JOIN organisations AS fo ON fo.tenant_id = f.tenant_id AND fo.id = f.funder_id").
		Join("JOIN organisations AS po ON po.tenant_id = f.tenant_id AND po.id = f.program_id")
}

// Fundings lists a program's fundings the caller may see, newest fiscal year first, each with
// its budget lines.
func (s *Store) Fundings(ctx context.Context, programID string) ([]Funding, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	sc, _ := database.ScopeFrom(ctx)
	var list []Funding
	if err := t.Select(&list).Apply(fundingColumns).Apply(fundingsVisible(sc)).Where("f.program_id = ?", programID).
		OrderExpr("f.fiscal_year DESC, fo.name").Scan(ctx); err != nil {
		return nil, err
	}
	if err := s.loadLines(ctx, list); err != nil {
		return nil, err
	}
	return list, nil
}

// Funding returns one of a program's fundings, with its lines, if the caller may see it.
// Errors: ENOTFOUND.
func (s *Store) Funding(ctx context.Context, programID, fundingID string) (*Funding, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if !database.IsID(fundingID) {
		return nil, apperr.NotFound("funding")
	}
	sc, _ := database.ScopeFrom(ctx)
	f := new(Funding)
	if err := t.Select(f).Apply(fundingColumns).Apply(fundingsVisible(sc)).
		Where("f.program_id = ? AND f.id = ?", programID, fundingID).Scan(ctx); err != nil {
		return nil, notFound(err, "funding")
	}
	list := []Funding{*f}
	if err := s.loadLines(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

func (s *Store) loadLines(ctx context.Context, list []Funding) error {
	if len(list) == 0 {
		return nil
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	ids := make([]string, len(list))
	at := map[string]int{}
	for i, f := range list {
		ids[i], at[f.ID] = f.ID, i
	}
	var lines []BudgetLine
	if err := t.Select(&lines).Where("bl.funding_id IN (?)", bun.In(ids)).OrderExpr("bl.funding_id, bl.position").Scan(ctx); err != nil {
		return err
	}
	for _, l := range lines {
		i := at[l.FundingID]
		list[i].Lines = append(list[i].Lines, l)
	}
	return nil
}

// InsertFunding adds a funding without budget lines (apply writes them, with its first
// version).
//
// Errors: ECONFLICT when the program already has a funding from the funder for that year.
func (s *Store) InsertFunding(ctx context.Context, f *Funding) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	now := database.Now()
	f.ID, f.CreatedAt, f.UpdatedAt, f.HeldBy = database.NewID(), now, now, ""
	if _, err := t.Insert(f).Exec(ctx); err != nil {
		if database.IsUniqueViolation(err) {
			return &apperr.Error{Code: apperr.ECONFLICT, Message: "This program already has a funding from this funder for that fiscal year: change its budget lines instead.",
				Fields: map[string]string{"fiscal_year": "This program already has a funding from this funder for this fiscal year."}}
		}
		return err
	}
	return nil
}

// SetIECMHC records whether I/ECMHC is funded in the funding.
func (s *Store) SetIECMHC(ctx context.Context, f *Funding) error {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return err
	}
	f.UpdatedAt = database.Now()
	res, err := t.Update(f).Column("iecmhc_funded", "updated_at").Where("f.id = ?", f.ID).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.NotFound("funding")
	}
	return nil
}

// CountFundings counts the fundings of the tenant of ctx (for the demo seed and tests).
func (s *Store) CountFundings(ctx context.Context) (int, error) {
	t, err := database.For(ctx, s.db)
	if err != nil {
		return 0, err
	}
	n, err := t.Select((*Funding)(nil)).Count(ctx)
	return int(n), err
}
