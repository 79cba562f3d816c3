package reports

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRecent: a value is counted once per maxAge and key, however many ask at once; a waiter
// going away ends neither the count nor the others' wait; a failure is not kept; maxAge 0
// counts every time.
func TestRecent(t *testing.T) {
	var c recent[int]
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
			got[i], _, errs[i] = c.get(c0, "k", time.Minute, 8, count)
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
	if v, _, err := c.get(ctx, "k", time.Minute, 8, count); v != 10 || err != nil || counts.Load() != 1 {
		t.Errorf("within the minute: %d, %v after %d counts; want the kept 10", v, err, counts.Load())
	}
	// Older than maxAge: counted again.
	if v, _, _ := c.get(ctx, "k", time.Nanosecond, 8, count); v != 20 {
		t.Errorf("past maxAge: %d, want a new count (20)", v)
	}
	// Another key is its own.
	if v, _, _ := c.get(ctx, "other", time.Minute, 8, count); v != 30 {
		t.Errorf("another key: %d, want its own count (30)", v)
	}
	// A failure is told, and not kept.
	boom := errors.New("boom")
	if _, _, err := c.get(ctx, "fails", time.Minute, 8, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("a failed count: %v, want boom", err)
	}
	if v, _, err := c.get(ctx, "fails", time.Minute, 8, func(context.Context) (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Errorf("after a failure: %d, %v; want a new count", v, err)
	}
	// maxAge 0: every time.
	before := counts.Load()
	for i := 0; i < 3; i++ {
		_, _, _ = c.get(ctx, "k", 0, 8, count)
	}
	if n := counts.Load() - before; n != 3 {
		t.Errorf("maxAge 0 counted %d times in 3 asks", n)
	}
	// The bound: past it, the map starts again rather than grow.
	for i := 0; i < 50; i++ {
		_, _, _ = c.get(ctx, string(rune('a'+i)), time.Minute, 8, func(context.Context) (int, error) { return i, nil })
	}
	if len(c.m) > 8 {
		t.Errorf("%d entries kept, bound 8", len(c.m))
	}
}
