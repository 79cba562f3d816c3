package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
)

// drive is one tenant's pages, driven as its people on one server.
type drive struct {
	Base     string            // the server's address
	DB       *bun.DB           // the same database, for ids
	Slug     string            // the tenant
	People   map[string]string // role -> email (the platform admin's under authz.PlatformAdmin)
	Password string
	Pages    []Page
	Warm, N  int       // single requests: warm-ups, then measured
	Plan     *loadPlan // nil: single requests only
	Timeout  time.Duration
	Log      io.Writer // progress
	Machine  *machine  // nil: single requests measured once, whatever the machine did
}

// run measures every page for every role that opens it. A person who cannot sign in, or a
// page whose ids have no record, is a row that says so, never a row left out.
func (d *drive) run(ctx context.Context) ([]Row, error) {
	f, err := newFinder(ctx, d.DB, d.Slug)
	if err != nil {
		return nil, err
	}
	subjects, browsers, problems := d.signIn(ctx, f)
	var rows []Row
	for _, p := range d.Pages {
		for _, role := range p.Roles {
			row := Row{Page: p.Name(), Role: role}
			if why, ok := problems[role]; ok {
				row.Problem = why
				rows = append(rows, row)
				continue
			}
			s, b := subjects[role], browsers[role]
			if s == nil {
				continue // a role not driven in this run
			}
			path, err := f.fill(ctx, s, p)
			if err != nil {
				if !errors.Is(err, errNoData) {
					return nil, err
				}
				row.Problem = err.Error()
				rows = append(rows, row)
				continue
			}
			rows = append(rows, d.measure(ctx, b, row, path, p.Header))
		}
	}
	return rows, nil
}

// signIn resolves every person and signs them in; the consultant first, whose engagement the
// others fall back to.
func (d *drive) signIn(ctx context.Context, f *finder) (map[string]*subject, map[string]*browser, map[string]string) {
	subjects, browsers, problems := map[string]*subject{}, map[string]*browser{}, map[string]string{}
	order := append([]string{authz.Consultant}, roleOrder...)
	order = append(order, authz.PlatformAdmin)
	for _, role := range order {
		email, ok := d.People[role]
		if _, done := subjects[role]; done || (!ok && role != anonymous) {
			continue
		}
		s, err := f.subjectFor(ctx, role, email, d.Slug)
		if err != nil {
			problems[role] = "no person: " + err.Error()
			continue
		}
		b := newBrowser(d.Base, d.Timeout)
		if role != anonymous {
			if err := b.signIn(ctx, email, d.Password); err != nil {
				problems[role] = "sign-in failed: " + err.Error()
				continue
			}
		}
		subjects[role], browsers[role] = s, b
	}
	return subjects, browsers, problems
}

// measure is one page for one person: single requests, then the rates if it answered 200.
func (d *drive) measure(ctx context.Context, b *browser, row Row, path string, header map[string]string) Row {
	var err error // the first try's: a later try that fails leaves the earlier one's figures
	tries := 0
	single, st := steadiest(d.Machine, func() (Row, bool) {
		r, e := measureSingle(ctx, b, path, header, d.Warm, d.N)
		if tries++; tries == 1 {
			err = e
		}
		return r, e == nil
	}, func(try int, why string) {
		time.Sleep(retryAfter)
		fmt.Fprintf(d.Log, "  %-50s %-12s again (try %d of %d): the machine was unsteady (%s)\n", row.Page, row.Role, try, maxTries, why)
	})
	if d.Machine != nil && err == nil {
		single.Machine = &st
	}
	single.Page, single.Role, single.Path = row.Page, row.Role, path
	if err != nil {
		single.Problem = err.Error()
		if isTimeout(single.Problem) {
			single.Problem = fmt.Sprintf("timed out (over %s)", d.Timeout)
		}
		fmt.Fprintf(d.Log, "  %-50s %-12s %s\n", row.Page, row.Role, single.Problem)
		return single
	}
	fmt.Fprintf(d.Log, "  %-50s %-12s %3d  %3d statements  server %7.1f ms  SQL %7.1f ms\n",
		row.Page, row.Role, single.Status, single.Statements, single.ServerMS, single.SQLMS)
	if d.Plan != nil && single.Status == 200 {
		plan := *d.Plan
		plan.Say = func(s string) { fmt.Fprintf(d.Log, "  %62s %s\n", "", s) }
		single.Rates = measureRates(b, d.Base+path, header, plan)
		for _, r := range single.Rates {
			if r.Skipped == "" {
				fmt.Fprintf(d.Log, "  %62s @%d/s p50 %6.1f p99 %6.1f errors %d\n", "", r.Rate, r.P50MS, r.P99MS, r.Errors)
				if r.Slow != nil {
					fmt.Fprintf(d.Log, "  %62s   slow: %s\n", "", r.Slow)
				}
			}
		}
	}
	return single
}
