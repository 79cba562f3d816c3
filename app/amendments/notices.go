package amendments

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// HomeNotices puts on a person's home page what amendments ask of them (a
// tenants.NoticeSource): for whoever decides steps, how many wait on them and how many of those
// are overdue; for a program's people, each amendment returned to them for changes.
func (s *Service) HomeNotices(ctx context.Context) ([]tenants.Notice, error) {
	sc, t, err := database.Scoped(ctx, s.db)
	if err != nil {
		return nil, err
	}
	home := "/t/" + sc.TenantSlug + "/amendments"
	var out []tenants.Notice
	if keys := InboxKeys(sc); len(keys) > 0 {
		var counts struct {
			Waiting int `bun:"waiting"`
			Overdue int `bun:"overdue"`
		}
		today, err := s.Today(ctx)
		if err != nil {
			return nil, err
		}
		err = t.SelectFrom("amendments", "am").
			ColumnExpr("COUNT(*) AS waiting").
			ColumnExpr("COALESCE(SUM(CASE WHEN am.step_due_on < ? THEN 1 ELSE 0 END), 0) AS overdue", today).
			Where("am.status = ?", StatusSubmitted).Where("am.waiting_on IN (?)", bun.In(keys)).Scan(ctx, &counts)
		if err != nil {
			return nil, err
		}
		if counts.Waiting > 0 {
			n := tenants.Notice{Text: plural(counts.Waiting, "A budget amendment is", itoa(counts.Waiting)+" budget amendments are") + " waiting for your decision.",
				Href: home + "/inbox", Action: "Open your amendment inbox"}
			if counts.Overdue > 0 {
				n.Detail = plural(counts.Overdue, "One is", itoa(counts.Overdue)+" are") + " past the date the step was due."
				n.Href += "?order=overdue"
			}
			out = append(out, n)
		}
	}
	if sc.Role == authz.Program && sc.OrganisationID != "" {
		var returned []Amendment
		err := t.Select(&returned).Column("am.id", "am.number").
			Where("am.program_id = ? AND am.status = ?", sc.OrganisationID, StatusReturned).
			OrderExpr("am.updated_at DESC, am.id").Limit(5).Scan(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range returned {
			out = append(out, tenants.Notice{Text: a.Title() + " was returned for changes.",
				Detail: "Read the funder's comment, change what it asks and submit it again.",
				Href:   home + "/" + a.ID, Action: "Open " + a.Title()})
		}
	}
	return out, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
