package accounts

import (
	"context"
	"net/netip"
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

// Sign-in limits. Wrong passwords are counted per account and address, so someone who guesses
// from one address locks only that address out of the account, and the owner signs in from
// their own; a much higher ceiling per account, over every address, stops guessing spread over
// many addresses (and then locks the account for everyone, until it lapses or the password is
// reset). An address is also limited across accounts. The owner is told by email when their
// account hits either lock.
const (
	// MaxFailuresPerAddress wrong passwords for one account from one address lock that
	// address out of that account for LockWindow.
	MaxFailuresPerAddress = 5
	// MaxFailuresPerAccount wrong passwords for one account from any addresses lock the
	// account for everyone for LockWindow.
	MaxFailuresPerAccount = 50
	// MaxFailuresFromAddress wrong passwords from one address, whatever the accounts, lock
	// that address out of signing in for LockWindow.
	MaxFailuresFromAddress = 30
	// LockWindow is how long failures count, and how long a lock lasts.
	LockWindow = 15 * time.Minute
)

func pairLimit(email, ip string) Limit {
	return Limit{Key: "rl:signin:pair:" + email + "|" + addressKey(ip), Max: MaxFailuresPerAddress, Window: LockWindow}
}
func accountLimit(email string) Limit {
	return Limit{Key: "rl:signin:account:" + email, Max: MaxFailuresPerAccount, Window: LockWindow}
}
func ipLimit(ip string) Limit {
	return Limit{Key: "rl:signin:ip:" + addressKey(ip), Max: MaxFailuresFromAddress, Window: LockWindow}
}

// addressKey is what the limits count an address as: an IPv4 address itself, an IPv6 address
// by its /64 (one household or machine is handed a whole /64, so counting single IPv6
// addresses would give a guesser billions of fresh ones).
func addressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
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
	_, err := r.HitCount(ctx, l)
	return err
}

// HitCount counts one failure against l and returns the count in the window, this one
// included: the hit that returns exactly l.Max is the one that locked.
func (r *Limiter) HitCount(ctx context.Context, l Limit) (int64, error) {
	n, err := r.rdb.Incr(ctx, r.prefix+l.Key).Result()
	if err != nil {
		return 0, err
	}
	if n == 1 {
		return n, r.rdb.Expire(ctx, r.prefix+l.Key, l.Window).Err()
	}
	return n, nil
}

// Once reports true the first time it is asked for key within window, and false after, across
// every process: what should happen once per lock (the owner's email) asks it first.
func (r *Limiter) Once(ctx context.Context, key string, window time.Duration) (bool, error) {
	return r.rdb.SetNX(ctx, r.prefix+key, 1, window).Result()
}

// Reset clears l (after a successful sign-in).
func (r *Limiter) Reset(ctx context.Context, l Limit) error {
	return r.rdb.Del(ctx, r.prefix+l.Key).Err()
}
