package amendments

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/programs"
	"github.com/holdspace/holdspace/app/tenants"
)

type bunSelect = bun.SelectQuery

// ListPageSize is how many amendments a page of the list shows.
const ListPageSize = 50

// ListFilter narrows the list of amendments; empty fields match all. After is the keyset
// cursor of the page (the previous page's last row, Amendment.Cursor); Limit is at most 200
// (default ListPageSize).
type ListFilter struct {
	Status, FundingID, ProgramID, FunderID string
	After                                  string
	Limit                                  int
}

// Cursor is the keyset position of an amendment in the list: overdue ones first, then the
// most recently changed ("1~2026-12-06T07:05:39.123456Z~id").
func (a *Amendment) Cursor() string {
	o := "0"
	if a.Overdue {
		o = "1"
	}
	return o + "~" + a.UpdatedAt.UTC().Format(time.RFC3339Nano) + "~" + a.ID
}

func parseListCursor(c string) (bool, time.Time, string, bool) {
	parts := strings.Split(c, "~")
	if len(parts) != 3 || (parts[0] != "0" && parts[0] != "1") || !database.IsID(parts[2]) {
		return false, time.Time{}, "", false
	}
	at, err := time.Parse(time.RFC3339Nano, parts[1])
	if err != nil {
		return false, time.Time{}, "", false
	}
	return parts[0] == "1", at.UTC(), parts[2], true
}

// Statuses are the statuses in the order the list's filter offers them.
var Statuses = []string{StatusSubmitted, StatusReturned, StatusDraft, StatusApproved, StatusRecorded, StatusDenied, StatusWithdrawn}

// IsStatus reports whether s is a status.
func IsStatus(s string) bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// List returns the amendments the person in ctx may see (visible: the tenant admin all, a
// program its own, a funder those on its fundings and those a step of its organisation
// decides), filtered, overdue first and then the most recently changed, at most f.Limit from
// the cursor f.After on. A program's people do not see other programs' drafts, and nobody but
// the program sees a draft at all.
func (s *Service) List(ctx context.Context, f ListFilter) ([]Amendment, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = ListPageSize
	}
	// The page's ids first, on the amendments alone (the (tenant_id, overdue, updated_at, id)
	// index walks them and stops), then their names: joined first, the planner sorted every
	// amendment of the tenant with its names to keep fifty.
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, err
	}
	ids := t.Select((*Amendment)(nil)).Column("am.id").Apply(visible(sc))
	if sc.Role != authz.Program {
		ids = ids.Where("am.status <> ?", StatusDraft)
	}
	if IsStatus(f.Status) {
		ids = ids.Where("am.status = ?", f.Status)
	}
	if database.IsID(f.FundingID) {
		ids = ids.Where("am.funding_id = ?", f.FundingID)
	}
	if database.IsID(f.ProgramID) {
		ids = ids.Where("am.program_id = ?", f.ProgramID)
	}
	if database.IsID(f.FunderID) {
		ids = ids.Where("am.funder_id = ?", f.FunderID)
	}
	if overdue, at, id, ok := parseListCursor(f.After); ok {
		// One row comparison in the list's order (every key descending; false < true on both
		// engines): the (tenant_id, overdue, updated_at, id) index walks it and stops.
		ids = ids.Where("(am.overdue, am.updated_at, am.id) < (?, ?, ?)", overdue, at, id)
	}
	const order = "am.overdue DESC, am.updated_at DESC, am.id DESC"
	ids = ids.OrderExpr(order).Limit(int64(f.Limit))
	var list []Amendment
	q, err := s.selectAmendments(ctx, &list)
	if err != nil {
		return nil, err
	}
	if err = q.Where("am.id IN (?)", ids).OrderExpr(order).Scan(ctx); err != nil {
		return nil, err
	}
	return list, s.labelYears(ctx, list)
}

// ProgramFundings are the fundings of the program of the person in ctx (program people only;
// nil for anyone else), newest fiscal year first, each with its fiscal year's label.
func (s *Service) ProgramFundings(ctx context.Context) ([]programs.Funding, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, err
	}
	if sc.Role != authz.Program || sc.OrganisationID == "" {
		return nil, nil
	}
	list, err := s.programs.Store().Fundings(ctx, sc.OrganisationID)
	if err != nil {
		return nil, err
	}
	t, err := s.programs.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	for i := range list {
		s.programs.Label(t, &list[i])
	}
	return list, nil
}

// Organisations are the tenant's organisations of kind the person in ctx may see (the list's
// filters).
func (s *Service) Organisations(ctx context.Context, kind string) ([]tenants.Organisation, error) {
	return s.programs.Store().Organisations(ctx, kind)
}
