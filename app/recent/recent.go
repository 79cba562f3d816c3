// Package recent keeps values counted a short while ago: what many people open at once is
// counted once a minute, not once a request (issue 14).
package recent

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/holdspace/holdspace/app/database"
)

// Cache keeps what was counted in the last maxAge, per key, so a page many people open counts
// once a minute rather than once a request (issue 14: the funders' reports, the portfolio
// dashboards, the NCPC report, the engagements filter's consultants). Requests that arrive
// while a value is being counted wait for that count rather than counting again. A failed
// count is not kept. At most bound entries: past it the expired ones go, and then all of them.
//
// A value asked for in the last quarter of its maxAge is counted again in the background while
// it is still handed out (refresh): under load, the people who arrive when a value expires do
// not all wait for the recount (a tenant admin's dashboard took some twenty statements, and
// every request of the busy minute queued behind it). A value is never older than maxAge.
//
// Keys name everything the value depends on (tenant, role, organisation, year, day); the
// caller checks who may see it before asking.
type Cache[V any] struct {
	mu  sync.Mutex
	m   map[string]*entry[V]
	now func() time.Time // the clock (tests); nil: time.Now
}

func (c *Cache[V]) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

type entry[V any] struct {
	done       chan struct{}
	v          V
	err        error
	at         time.Time
	refreshing bool // a recount has started (guarded by Cache.mu)
}

// Get is key's value counted at most maxAge ago, counting it with count when there is none,
// and when it was counted. maxAge 0 counts every time.
func (c *Cache[V]) Get(ctx context.Context, key string, maxAge time.Duration, bound int, count func(context.Context) (V, error)) (V, time.Time, error) {
	now := c.clock()
	if maxAge <= 0 {
		v, err := count(ctx)
		return v, now, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*entry[V]{}
	}
	e := c.m[key]
	if e != nil {
		select {
		case <-e.done:
			switch age := now.Sub(e.at); {
			case e.err != nil || age > maxAge:
				e = nil // stale or failed: count again
			case age > maxAge*3/4 && !e.refreshing:
				e.refreshing = true
				go c.refresh(ctx, key, e, count)
			}
		default: // being counted: wait for it below
		}
	}
	if e != nil {
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			var zero V
			return zero, time.Time{}, ctx.Err()
		}
		return e.v, e.at, e.err
	}
	if len(c.m) >= bound {
		for k, old := range c.m {
			select {
			case <-old.done:
				if now.Sub(old.at) > maxAge {
					delete(c.m, k)
				}
			default:
			}
		}
		if len(c.m) >= bound {
			c.m = map[string]*entry[V]{}
		}
	}
	e = &entry[V]{done: make(chan struct{}), at: now}
	c.m[key] = e
	c.mu.Unlock()
	// Counted for everyone waiting on it, so not ended by this one request going away (a
	// closed tab would hand every waiter its "context canceled").
	e.v, e.err = count(context.WithoutCancel(ctx))
	close(e.done)
	if e.err != nil {
		c.mu.Lock()
		if c.m[key] == e {
			delete(c.m, key)
		}
		c.mu.Unlock()
	}
	return e.v, e.at, e.err
}

// Forget drops the values whose key starts with prefix: a change that must show at once (in
// this process; another's copies age out within their maxAge). A count under way is handed to
// those already waiting for it, and not kept.
func (c *Cache[V]) Forget(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if strings.HasPrefix(k, prefix) {
			delete(c.m, k)
		}
	}
}

// Delete drops key's value, as Forget does for a prefix, in one step rather than a walk of
// every kept key (a person's list of tenants, forgotten on each change to their memberships).
func (c *Cache[V]) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
}

// refresh counts key again for old, still handed out meanwhile, and puts the new value in its
// place; a failed recount leaves old until it expires. The count runs under ctx's values (the
// tenant's scope), not its end, and its statements are not the request's.
func (c *Cache[V]) refresh(ctx context.Context, key string, old *entry[V], count func(context.Context) (V, error)) {
	next := &entry[V]{done: make(chan struct{}), at: c.clock()}
	bg, _ := database.WithStats(context.WithoutCancel(ctx))
	next.v, next.err = count(bg)
	close(next.done)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[key] != old {
		return
	}
	if next.err == nil {
		c.m[key] = next
	} else {
		old.refreshing = false
	}
}
