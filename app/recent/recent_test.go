package recent

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCache: a value is counted once per maxAge and key, however many ask at once; a waiter
// going away ends neither the count nor the others' wait; a failure is not kept; maxAge 0
// counts every time.
func TestCache(t *testing.T) {
	var c Cache[int]
	ctx := context.Background()
	var counts atomic.Int32
	release := make(chan struct{})
	count := func(ctx context.Context) (int, error) {
		n := counts.Add(1)
		<-release
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return int(n) * 10, nil
	}

	// The first asker goes away while the count runs; nine others wait for the same count.
	first, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	got := make([]int, 10)
	errs := make([]error, 10)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c0 := ctx
			if i == 0 {
				c0 = first
			}
			got[i], _, errs[i] = c.Get(c0, "k", time.Minute, 8, count)
		}()
		if i == 0 {
			for counts.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}
	time.Sleep(20 * time.Millisecond)
	cancel()
	close(release)
	wg.Wait()
	if n := counts.Load(); n != 1 {
		t.Fatalf("ten askers at once counted %d times, want once", n)
	}
	for i := range got {
		if errs[i] != nil || got[i] != 10 {
			t.Errorf("asker %d got %d, %v; want 10 (the one count, not ended by the first asker going away)", i, got[i], errs[i])
		}
	}
	if v, _, err := c.Get(ctx, "k", time.Minute, 8, count); v != 10 || err != nil || counts.Load() != 1 {
		t.Errorf("within the minute: %d, %v after %d counts; want the kept 10", v, err, counts.Load())
	}
	// Older than maxAge: counted again.
	if v, _, _ := c.Get(ctx, "k", time.Nanosecond, 8, count); v != 20 {
		t.Errorf("past maxAge: %d, want a new count (20)", v)
	}
	// Another key is its own.
	if v, _, _ := c.Get(ctx, "other", time.Minute, 8, count); v != 30 {
		t.Errorf("another key: %d, want its own count (30)", v)
	}
	// A failure is told, and not kept.
	boom := errors.New("boom")
	if _, _, err := c.Get(ctx, "fails", time.Minute, 8, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("a failed count: %v, want boom", err)
	}
	if v, _, err := c.Get(ctx, "fails", time.Minute, 8, func(context.Context) (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Errorf("after a failure: %d, %v; want a new count", v, err)
	}
	// maxAge 0: every time.
	before := counts.Load()
	for i := 0; i < 3; i++ {
		_, _, _ = c.Get(ctx, "k", 0, 8, count)
	}
	if n := counts.Load() - before; n != 3 {
		t.Errorf("maxAge 0 counted %d times in 3 asks", n)
	}
	// The bound: past it, the map starts again rather than grow.
	for i := 0; i < 50; i++ {
		_, _, _ = c.Get(ctx, string(rune('a'+i)), time.Minute, 8, func(context.Context) (int, error) { return i, nil })
	}
	if len(c.m) > 8 {
		t.Errorf("%d entries kept, bound 8", len(c.m))
	}
}

// TestCacheRefreshesBeforeItExpires: a value asked for in the last quarter of its age is
// handed out at once while one recount runs in the background, and the recount's value comes
// after it; a failed recount keeps the old value until it expires.
func TestCacheRefreshesBeforeItExpires(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	c := Cache[int]{now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }}
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	ctx := context.Background()
	const maxAge = time.Minute
	var n atomic.Int32
	release := make(chan struct{}, 10)
	var fail atomic.Bool
	count := func(context.Context) (int, error) {
		i := n.Add(1)
		if i > 1 {
			<-release
		}
		if fail.Load() {
			return 0, errors.New("down")
		}
		return int(i), nil
	}
	get := func() (int, error) {
		v, _, err := c.Get(ctx, "k", maxAge, 8, count)
		return v, err
	}
	if v, err := get(); v != 1 || err != nil {
		t.Fatalf("first get = %d, %v", v, err)
	}
	advance(50 * time.Second)
	// Both callers get the old value without waiting: the recount is held by release.
	for range 2 {
		if v, err := get(); v != 1 || err != nil {
			t.Fatalf("get while refreshing = %d, %v", v, err)
		}
	}
	release <- struct{}{}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if v, _ := get(); v == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the refreshed value never came")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := n.Load(); got != 2 {
		t.Fatalf("%d counts, want 2 (one refresh for both callers)", got)
	}
	// A failed refresh keeps the value it would have replaced, and a later one may try again.
	fail.Store(true)
	advance(50 * time.Second)
	release <- struct{}{}
	if v, err := get(); v != 2 || err != nil {
		t.Fatalf("get that starts a failing refresh = %d, %v", v, err)
	}
	for n.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	if v, err := get(); v != 2 || err != nil {
		t.Fatalf("after a failed refresh = %d, %v", v, err)
	}
}

// TestCacheForget: forget drops the keys under its prefix, and only those; the next ask counts
// again.
func TestCacheForget(t *testing.T) {
	var c Cache[int]
	ctx := context.Background()
	n := 0
	count := func(context.Context) (int, error) { n++; return n, nil }
	for _, k := range []string{"t1|admin|2026", "t1|funder|o|2026", "t2|admin|2026"} {
		_, _, _ = c.Get(ctx, k, time.Minute, 8, count)
	}
	c.Forget("t1|")
	if v, _, _ := c.Get(ctx, "t2|admin|2026", time.Minute, 8, count); v != 3 {
		t.Errorf("another tenant's report: %d, want the kept 3", v)
	}
	if v, _, _ := c.Get(ctx, "t1|admin|2026", time.Minute, 8, count); v != 4 {
		t.Errorf("a forgotten report: %d, want a new count (4)", v)
	}
	if v, _, _ := c.Get(ctx, "t1|funder|o|2026", time.Minute, 8, count); v != 5 {
		t.Errorf("the tenant's other forgotten report: %d, want a new count (5)", v)
	}
}

// TestCacheDelete: delete drops one key exactly, not the keys it is a prefix of; the next ask
// counts again.
func TestCacheDelete(t *testing.T) {
	var c Cache[int]
	ctx := context.Background()
	n := 0
	count := func(context.Context) (int, error) { n++; return n, nil }
	for _, k := range []string{"ada|", "ada|x", "bob|"} {
		_, _, _ = c.Get(ctx, k, time.Minute, 8, count)
	}
	c.Delete("ada|")
	c.Delete("nobody|") // not kept: nothing happens
	if v, _, _ := c.Get(ctx, "ada|x", time.Minute, 8, count); v != 2 {
		t.Errorf("a key the deleted one is a prefix of: %d, want the kept 2", v)
	}
	if v, _, _ := c.Get(ctx, "bob|", time.Minute, 8, count); v != 3 {
		t.Errorf("another key: %d, want the kept 3", v)
	}
	if v, _, _ := c.Get(ctx, "ada|", time.Minute, 8, count); v != 4 {
		t.Errorf("the deleted key: %d, want a new count (4)", v)
	}
	var empty Cache[int]
	empty.Delete("ada|") // a cache never asked: no panic
}
