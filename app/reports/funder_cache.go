package reports

import (
	"context"
	"fmt"
	"sync"
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

// maxCachedReports bounds the cache: past it, the stale entries go, and then all of them.
const maxCachedReports = 512

// reportCache holds the funders' reports computed in the last FunderReportMaxAge. Requests
// for a report being computed wait for it instead of computing it again.
type reportCache struct {
	mu sync.Mutex
	m  map[string]*cachedReport
}

type cachedReport struct {
	done chan struct{}
	rep  *FunderReport
	err  error
	at   time.Time
}

// cachedReport is funder o's report for year y in the tenant of ctx, at most
// FunderReportMaxAge old, and when it was counted.
func (f *FunderReports) cachedReport(ctx context.Context, o *tenants.Organisation, y Year) (*FunderReport, time.Time, error) {
	sc, err := database.ScopeFrom(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	key := fmt.Sprintf("%s|%s|%s|%d|%d", sc.TenantID, o.ID, y.Calendar, y.FY, y.StartMonth)
	now := time.Now()
	c := &f.cache
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*cachedReport{}
	}
	e := c.m[key]
	if e != nil {
		select {
		case <-e.done:
			if e.err != nil || now.Sub(e.at) > FunderReportMaxAge {
				e = nil // stale or failed: count again
			}
		default: // being counted: wait for it below
		}
	}
	if e != nil {
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, time.Time{}, ctx.Err()
		}
		if e.err != nil {
			return nil, time.Time{}, e.err
		}
		return e.rep, e.at, nil
	}
	if len(c.m) >= maxCachedReports {
		for k, old := range c.m {
			select {
			case <-old.done:
				if now.Sub(old.at) > FunderReportMaxAge {
					delete(c.m, k)
				}
			default:
			}
		}
		if len(c.m) >= maxCachedReports {
			c.m = map[string]*cachedReport{}
		}
	}
	e = &cachedReport{done: make(chan struct{}), at: now}
	c.m[key] = e
	c.mu.Unlock()
	// Counted for everyone waiting on it, so not ended by this one request going away (a
	// closed tab would hand every waiter its "context canceled").
	e.rep, e.err = f.report(context.WithoutCancel(ctx), o, y)
	close(e.done)
	if e.err != nil {
		c.mu.Lock()
		if c.m[key] == e {
			delete(c.m, key)
		}
		c.mu.Unlock()
		return nil, time.Time{}, e.err
	}
	return e.rep, e.at, nil
}
