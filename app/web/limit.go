package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Limit bounds the requests the server works on at once. Each request in flight holds a page's
// rows, its rendered HTML and its compressed copy (a large list is megabytes); with no bound,
// a burst the server cannot keep up with piles up in memory until every request times out (the
// load harness saw 575 MB and 2 s timeouts at 200 req/s). Past inFlight, a request waits up to
// wait for a slot, with at most queue others; then it is answered 503 with Retry-After, at
// once, which costs nothing.
//
// skip names the requests that pass without a slot (static files, probes).
func Limit(inFlight, queue int, wait time.Duration, skip func(c *fiber.Ctx) bool) fiber.Handler {
	slots := make(chan struct{}, inFlight)
	waiting := make(chan struct{}, queue)
	retry := strconv.Itoa(max(1, int(wait.Round(time.Second)/time.Second)))
	busy := func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderRetryAfter, retry)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusServiceUnavailable).
			SendString("The server is busy. Please try again in a moment.\n")
	}
	return func(c *fiber.Ctx) error {
		if skip != nil && skip(c) {
			return c.Next()
		}
		select {
		case slots <- struct{}{}:
		default:
			select {
			case waiting <- struct{}{}:
			default:
				return busy(c)
			}
			t := time.NewTimer(wait)
			select {
			case slots <- struct{}{}:
				t.Stop()
				<-waiting
			case <-t.C:
				<-waiting
				return busy(c)
			}
		}
		defer func() { <-slots }()
		return c.Next()
	}
}
