package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Row is one page for one role: what a single request costs, then how it holds under load.
type Row struct {
	Page       string       `json:"page"`
	Role       string       `json:"role"`
	Path       string       `json:"path,omitempty"`
	Status     int          `json:"status"`
	Problem    string       `json:"problem,omitempty"` // no data, sign-in failed, an error
	Statements int          `json:"statements"`
	ServerMS   float64      `json:"server_ms"` // p50 of the server's own time (Server-Timing app)
	SQLMS      float64      `json:"sql_ms"`    // p50 of the SQL's time (Server-Timing db)
	DrawMS     float64      `json:"draw_ms"`   // p50 of the templates' time (Server-Timing draw)
	ClientMS   float64      `json:"client_ms"` // p50 as the client saw it
	Bytes      int          `json:"bytes"`
	Encoding   string       `json:"encoding,omitempty"`
	Rates      []RateResult `json:"rates,omitempty"`
	Machine    *Steadiness  `json:"machine,omitempty"` // how steady the machine was through the single requests
}

// RateResult is a page at one fixed rate.
type RateResult struct {
	Rate     int         `json:"rate"`
	Requests int         `json:"requests"`
	P50MS    float64     `json:"p50_ms"`
	P99MS    float64     `json:"p99_ms"`
	Errors   int         `json:"errors"`   // answers other than 200, and failed requests
	Timeouts int         `json:"timeouts"` // of the errors, those past the timeout
	Skipped  string      `json:"skipped,omitempty"`
	Slow     *Slow       `json:"slow,omitempty"`    // the requests over slowMS, when there were any
	Machine  *Steadiness `json:"machine,omitempty"` // how steady the machine was through the window
}

// slowMS is the latency over which a request under load counts as slow: the p99 goal.
const slowMS = 50

// Slow describes the requests of a rate that took over slowMS: when they were sent, and how
// much of their time the server itself measured (Server-Timing). Slow requests whose server
// time is small waited outside the handler: in a queue, the runtime or the machine.
type Slow struct {
	Count       int       `json:"count"`
	First, Last time.Time `json:"-"`
	FirstAt     string    `json:"first_at"` // wall clock, to line up with the server's and PostgreSQL's logs
	LastAt      string    `json:"last_at"`
	MaxMS       float64   `json:"max_ms"`        // the slowest, as the client saw it
	MaxServerMS float64   `json:"max_server_ms"` // the largest server time among them
	MaxSQLMS    float64   `json:"max_sql_ms"`
}

func (s *Slow) add(at time.Time, latency time.Duration, h http.Header) {
	if s.Count == 0 || at.Before(s.First) {
		s.First = at
	}
	if at.After(s.Last) {
		s.Last = at
	}
	s.Count++
	s.MaxMS = max(s.MaxMS, ms(latency))
	st, _ := parseServerTiming(h.Get("Server-Timing"))
	s.MaxServerMS, s.MaxSQLMS = max(s.MaxServerMS, st.App), max(s.MaxSQLMS, st.SQL)
	s.FirstAt, s.LastAt = s.First.Format("15:04:05.000"), s.Last.Format("15:04:05.000")
}

func (s *Slow) String() string {
	return fmt.Sprintf("%d over %d ms, sent %s to %s, slowest %.0f ms, server at most %.1f ms (SQL %.1f)",
		s.Count, slowMS, s.FirstAt, s.LastAt, s.MaxMS, s.MaxServerMS, s.MaxSQLMS)
}

// Ratio is the server's time over its SQL's: how much of the page is not the database.
func (r Row) Ratio() float64 {
	if r.SQLMS <= 0 {
		return 0
	}
	return r.ServerMS / r.SQLMS
}

// measureSingle sends warm requests, then n sequential ones, and keeps the medians. Statements
// is the largest count seen: a page whose count varies shows its worst.
func measureSingle(ctx context.Context, b *browser, path string, header map[string]string, warm, n int) (Row, error) {
	var row Row
	for i := 0; i < warm; i++ {
		if _, err := b.request(ctx, path, header); err != nil {
			return row, err
		}
	}
	var app, sqlT, draw, client []float64
	for i := 0; i < n; i++ {
		h, err := b.request(ctx, path, header)
		if err != nil {
			return row, err
		}
		row.Status, row.Bytes, row.Encoding = h.Status, h.Bytes, h.Encoding
		row.Statements = max(row.Statements, h.Statements)
		app, sqlT, draw, client = append(app, h.App), append(sqlT, h.SQL), append(draw, h.Draw), append(client, h.Client)
	}
	row.ServerMS, row.SQLMS, row.DrawMS, row.ClientMS = median(app), median(sqlT), median(draw), median(client)
	return row, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// loadPlan is the fixed-rate part of a run.
type loadPlan struct {
	Rates    []int
	Duration time.Duration
	// Warm is how long the page is driven at the highest rate, unmeasured, before its rates:
	// a page's first burst finds the database pool's connections without its statements
	// planned (a new PostgreSQL backend plans a statement in ~5 ms, a warm one in ~0.4 ms),
	// and in a window of 2 s that start alone decided the p99. The windows were 20 s.
	Warm time.Duration
	// Burst is how many requests are sent at once, twice, after the warm load: more than the
	// server works on at once (6 a core, at least 8: 12 on 2 cores, so 12 connections at most
	// are busy), so that no connection meets the page's statements for the first time inside a
	// measured window. A steady rate uses a dozen of them, and a burst
	// in the measured window that reached a connection the warm load had not left ten requests
	// waiting 80 ms on first plans (the PostgreSQL log showed no slow statement, each of the
	// page's 14 statements a few milliseconds on its new backend). A server that has run a
	// minute has every connection warm. 0, or no warm load: no burst.
	Burst    int
	Timeout  time.Duration
	Deadline time.Time    // no load is started after it (the whole run stays bounded)
	Quiet    func()       // waits for the server to finish the work a rate left behind
	Say      func(string) // progress (nil: none)
	Machine  *machine     // nil: every window measured once
}

// measureRates drives the page at each rate in turn, with the person's session cookie. A rate
// the page could not keep up with (a tenth of requests failing, or a median over a second)
// skips the higher ones: they would only queue more work and time out.
func measureRates(b *browser, url string, header map[string]string, plan loadPlan) []RateResult {
	var out []RateResult
	behind := ""
	if plan.Warm > 0 && len(plan.Rates) > 0 && time.Now().Before(plan.Deadline) {
		attack(b, url, header, plan.Rates[len(plan.Rates)-1], plan.Warm, plan.Timeout)
		burst(b, url, header, plan.Burst, plan.Timeout)
		if plan.Quiet != nil {
			plan.Quiet()
		}
	}
	for _, rate := range plan.Rates {
		switch {
		case behind != "":
			out = append(out, RateResult{Rate: rate, Skipped: behind})
			continue
		case time.Now().After(plan.Deadline):
			out = append(out, RateResult{Rate: rate, Skipped: "time budget spent"})
			continue
		}
		quiet := func() {
			if plan.Quiet != nil {
				plan.Quiet()
			}
		}
		r, st := steadiest(plan.Machine, func() (RateResult, bool) {
			return attack(b, url, header, rate, plan.Duration, plan.Timeout), true
		}, func(try int, why string) {
			quiet()
			time.Sleep(retryAfter)
			if plan.Say != nil {
				plan.Say(fmt.Sprintf("@%d/s again (try %d of %d): the machine was unsteady (%s)", rate, try, maxTries, why))
			}
		})
		quiet()
		if plan.Machine != nil {
			r.Machine = &st
		}
		out = append(out, r)
		if r.Requests > 0 && (r.Errors*10 > r.Requests || r.P50MS > 1000) {
			behind = fmt.Sprintf("fell behind at %d/s", rate)
		}
	}
	return out
}

// burst sends n requests at once, twice, unmeasured (loadPlan.Burst), each as the browser's
// own request.
func burst(b *browser, url string, header map[string]string, n int, timeout time.Duration) {
	path := strings.TrimPrefix(url, b.base)
	for range 2 {
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				defer cancel()
				_, _ = b.request(ctx, path, header)
			})
		}
		wg.Wait()
	}
}

// attack is one fixed rate for a duration, with vegeta as a library.
func attack(b *browser, url string, header map[string]string, rate int, d, timeout time.Duration) RateResult {
	h := http.Header{"Cookie": {b.Cookie}, "Accept-Encoding": {acceptEncoding}}
	for k, v := range header {
		h.Set(k, v)
	}
	atk := vegeta.NewAttacker(vegeta.Timeout(timeout), vegeta.Redirects(vegeta.NoFollow), vegeta.KeepAlive(true))
	targeter := vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: url, Header: h})
	var m vegeta.Metrics
	res := RateResult{Rate: rate}
	for r := range atk.Attack(targeter, vegeta.Rate{Freq: rate, Per: time.Second}, d, "load") {
		m.Add(r)
		if ms(r.Latency) > slowMS {
			if res.Slow == nil {
				res.Slow = &Slow{}
			}
			res.Slow.add(r.Timestamp, r.Latency, r.Headers)
		}
		if r.Code != http.StatusOK || r.Error != "" {
			res.Errors++
			if isTimeout(r.Error) {
				res.Timeouts++
			}
		}
	}
	m.Close()
	res.Requests = int(m.Requests)
	res.P50MS, res.P99MS = ms(m.Latencies.P50), ms(m.Latencies.P99)
	return res
}

func isTimeout(e string) bool {
	return strings.Contains(e, "Timeout") || strings.Contains(e, "deadline exceeded") || strings.Contains(e, "timeout")
}
