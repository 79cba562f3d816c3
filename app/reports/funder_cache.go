package reports

import (
	"context"
	"fmt"
	"time"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/tenants"
)

// FunderReportMaxAge is how old a funder's report on screen may be (issue 14). The report adds
// up every session of the funded programs in the year (86,400 in the 1,000,000-session volume
// tenant: a quarter to half a second of SQL), so the page keeps each report for a minute per
// tenant, funder and year, and says when it was counted. The files (runs) are always counted
// afresh.
const FunderReportMaxAge = time.Minute

// cachedReports bounds the funders' reports kept.
const cachedReports = 512

// cachedReport is funder o's report for year y in the tenant of ctx, at most
// FunderReportMaxAge old, and when it was counted.
func (f *FunderReports) cachedReport(ctx context.Context, o *tenants.Organisation, y Year) (*FunderReport, time.Time, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	key := fmt.Sprintf("%s|%s|%s|%d|%d", sc.TenantID, o.ID, y.Calendar, y.FY, y.StartMonth)
	return f.cache.Get(ctx, key, FunderReportMaxAge, cachedReports, func(ctx context.Context) (*FunderReport, error) {
		return f.report(ctx, o, y)
	})
}
