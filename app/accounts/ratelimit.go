package accounts

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter counts failures in fixed windows in Redis, so every web process shares the count.
type Limiter struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewLimiter returns a limiter on rdb whose keys start with prefix.
func NewLimiter(rdb redis.UniversalClient, prefix string) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix}
}

// Limit is how many failures a window allows.
type Limit struct {
	Key    string
	Max    int64
	Window time.Duration
}

// Sign-in and reset limits.
func accountLimit(email string) Limit {
	return Limit{Key: "rl:signin:account:" + email, Max: 5, Window: 15 * time.Minute}
}
func ipLimit(ip string) Limit {
	return Limit{Key: "rl:signin:ip:" + ip, Max: 30, Window: 15 * time.Minute}
}
func resetIPLimit(ip string) Limit {
	return Limit{Key: "rl:reset:ip:" + ip, Max: 10, Window: time.Hour}
}
func resetAccountLimit(email string) Limit {
	return Limit{Key: "rl:reset:account:" + email, Max: 3, Window: time.Hour}
}

// Blocked reports whether l is used up, and for how much longer.
func (r *Limiter) Blocked(ctx context.Context, l Limit) (bool, time.Duration, error) {
	n, err := r.rdb.Get(ctx, r.prefix+l.Key).Int64()
	if err == redis.Nil {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	if n < l.Max {
		return false, 0, nil
	}
	ttl, err := r.rdb.TTL(ctx, r.prefix+l.Key).Result()
	if err != nil || ttl < 0 {
		ttl = l.Window
	}
	return true, ttl, nil
}

// Hit counts one failure against l.
func (r *Limiter) Hit(ctx context.Context, l Limit) error {
	n, err := r.rdb.Incr(ctx, r.prefix+l.Key).Result()
	if err != nil {
		return err
	}
	if n == 1 {
		return r.rdb.Expire(ctx, r.prefix+l.Key, l.Window).Err()
	}
	return nil
}

// Reset clears l (after a successful sign-in).
func (r *Limiter) Reset(ctx context.Context, l Limit) error {
	return r.rdb.Del(ctx, r.prefix+l.Key).Err()
}
