package jobs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Connect opens the shared Redis client for a redis:// URL.
func Connect(ctx context.Context, url string) (redis.UniversalClient, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	c := redis.NewClient(opt)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect to redis: %w", err)
	}
	return c, nil
}

// Embedded is the in-process Redis-compatible server of the one-process default.
type Embedded struct {
	mr   *miniredis.Miniredis
	stop chan struct{}
	wg   sync.WaitGroup
}

// StartEmbedded starts miniredis on a loopback port. miniredis never expires keys by itself
// (it is made for tests), so a ticker moves its clock with the wall clock: otherwise asynq's
// unique-task locks and our rate-limit windows would never end.
func StartEmbedded() (*Embedded, error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	e := &Embedded{mr: mr, stop: make(chan struct{})}
	mr.SetTime(time.Now())
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-e.stop:
				return
			case now := <-t.C:
				mr.SetTime(now)
				mr.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	return e, nil
}

// URL is the redis:// address of the embedded server.
func (e *Embedded) URL() string { return "redis://" + e.mr.Addr() + "/0" }

// Close stops the server.
func (e *Embedded) Close() {
	close(e.stop)
	e.wg.Wait()
	e.mr.Close()
}
