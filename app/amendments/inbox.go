package amendments

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
)

// Inbox orders.
const (
	OrderNewest  = "newest"  // submitted last, first
	OrderOverdue = "overdue" // due first (most overdue first)
)

// InboxFilter narrows and orders a person's inbox. After is the cursor of the page before
// (the last row's sort key and id, as Inbox returned it); Limit is the page's size (25 when 0,
// at most 100).
type InboxFilter struct {
	ProgramID, FunderID, Class string
	OverdueOnly                bool
	Order                      string // "newest" | "overdue"
	After                      string // keyset cursor
	Limit                      int
}

// InboxKeys are the waiting_on values a person decides: a funder's people their funder's steps
// and their organisation's; a program's people their organisation's (an NCPC local
// partnership's board); the tenant admins the admins' steps. Nobody else decides anything.
func InboxKeys(sc database.Scope) []string {
	switch {
	case sc.Role == authz.TenantAdmin:
		return []string{DeciderTenantAdmin}
	case sc.Role == authz.Funder && sc.OrganisationID != "":
		return []string{"funder:" + sc.OrganisationID, "organisation:" + sc.OrganisationID}
	case sc.Role == authz.Program && sc.OrganisationID != "":
		return []string{"organisation:" + sc.OrganisationID}
	}
	return nil
}

// Inbox lists what waits on the person in ctx: submitted amendments whose open step they
// decide, one page in f's order, and the cursor of the next page ("" when this is the last).
// It is one query on the amendments_waiting index.
func (s *Service) Inbox(ctx context.Context, f InboxFilter) (items []Amendment, next string, err error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, "", err
	}
	keys := InboxKeys(sc)
	if len(keys) == 0 {
		return nil, "", nil
	}
	if f.Limit <= 0 {
		f.Limit = 25
	}
	if f.Limit > 100 {
		f.Limit = 100
	}
	t, err := database.For(ctx, s.db)
	if err != nil {
		return nil, "", err
	}
	// What waits on the person's keys is theirs to see (visible: a funder's funder:<id> steps
	// are on its fundings, an organisation's steps name it, the admins see all). The page's ids
	// come from the amendments_waiting index alone (a sub-select of ids, in order, one page),
	// and only that page's rows are joined to their names: one statement.
	ids := t.SelectFrom("amendments", "w").Column("w.id").
		Where("w.waiting_on IN (?)", bun.In(keys)).Where("w.status = ?", StatusSubmitted)
	if f.ProgramID != "" {
		ids = ids.Where("w.program_id = ?", f.ProgramID)
	}
	if f.FunderID != "" {
		ids = ids.Where("w.funder_id = ?", f.FunderID)
	}
	if f.Class != "" {
		ids = ids.Where("w.class = ?", f.Class)
	}
	if f.OverdueOnly {
		today, err := s.Today(ctx)
		if err != nil {
			return nil, "", err
		}
		ids = ids.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("w.step_due_on < ?", today).WhereOr("w.overdue")
		})
	}
	key, id, hasCursor := decodeCursor(f.After)
	order := "am.submitted_at DESC, am.id DESC"
	if f.Order == OrderOverdue {
		if hasCursor {
			ids = ids.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("w.step_due_on > ?", key).WhereOr("w.step_due_on = ? AND w.id > ?", key, id)
			})
		}
		ids = ids.OrderExpr("w.step_due_on ASC, w.id ASC")
		order = "am.step_due_on ASC, am.id ASC"
	} else {
		if hasCursor {
			if at, err := time.Parse(time.RFC3339Nano, key); err == nil {
				at = at.UTC()
				ids = ids.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
					return q.Where("w.submitted_at < ?", at).WhereOr("w.submitted_at = ? AND w.id < ?", at, id)
				})
			}
		}
		ids = ids.OrderExpr("w.submitted_at DESC, w.id DESC")
	}
	ids = ids.Limit(int64(f.Limit + 1))
	q := withNames(t.Select(&items)).Where("am.id IN (?)", ids).OrderExpr(order)
	if err := q.Scan(ctx); err != nil {
		return nil, "", err
	}
	if len(items) > f.Limit {
		items = items[:f.Limit]
		last := items[len(items)-1]
		if f.Order == OrderOverdue {
			next = encodeCursor(last.StepDueOn, last.ID)
		} else if last.SubmittedAt != nil {
			next = encodeCursor(last.SubmittedAt.UTC().Format(time.RFC3339Nano), last.ID)
		}
	}
	if err := s.labelYears(ctx, items); err != nil {
		return nil, "", err
	}
	return items, next, nil
}

// Today is the date in the tenant's time zone (YYYY-MM-DD).
func (s *Service) Today(ctx context.Context) (string, error) {
	tn, err := s.programs.Tenant(ctx)
	if err != nil {
		return "", err
	}
	return tn.Local(s.now()).Format(time.DateOnly), nil
}

// A cursor is the sort key and the id, in URL-safe base64 so it travels in a link as it is.
func encodeCursor(key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key + "|" + id))
}

func decodeCursor(c string) (key, id string, ok bool) {
	if c == "" {
		return "", "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", false
	}
	key, id, ok = strings.Cut(string(b), "|")
	if !ok || key == "" || !database.IsID(id) {
		return "", "", false
	}
	return key, id, true
}

// DaysWaiting is how many whole days the open step has waited, at now.
func (a *Amendment) DaysWaiting(now time.Time) int {
	if a.StepOpenedAt == nil {
		return 0
	}
	d := int(now.Sub(*a.StepOpenedAt).Hours() / 24)
	if d < 0 {
		return 0
	}
	return d
}
