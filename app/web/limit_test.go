package web

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestLimit: past the requests in flight and the queue, a request is told at once to come
// back (503, Retry-After); a queued one waits for a slot; skipped ones pass.
func TestLimit(t *testing.T) {
	release := make(chan struct{})
	app := fiber.New()
	app.Use(Limit(1, 1, 5*time.Second, func(c *fiber.Ctx) bool { return c.Path() == "/healthz" }))
	app.Get("/slow", func(c *fiber.Ctx) error { <-release; return c.SendString("done") })
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })

	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 { // one in flight, one queued
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := app.Test(httptest.NewRequest("GET", "/slow", nil), -1)
			if err != nil {
				t.Error(err)
				return
			}
			codes[i] = res.StatusCode
		}()
		time.Sleep(100 * time.Millisecond)
	}
	res, err := app.Test(httptest.NewRequest("GET", "/slow", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 503 || res.Header.Get("Retry-After") != "5" {
		t.Errorf("third request: %d, Retry-After %q; want 503 with Retry-After 5", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res, _ := app.Test(httptest.NewRequest("GET", "/healthz", nil), -1); res.StatusCode != 200 {
		t.Errorf("/healthz while busy: %d, want 200", res.StatusCode)
	}
	close(release)
	wg.Wait()
	if codes[0] != 200 || codes[1] != 200 {
		t.Errorf("in flight and queued: %v, want both 200", codes)
	}
}
