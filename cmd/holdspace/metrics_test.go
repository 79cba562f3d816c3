package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var requestsSample = regexp.MustCompile(`(?m)^holdspace_http_requests_total\{method="([^"]*)",route="([^"]*)",status="([^"]*)"\} (\d+)$`)

// TestServeMetrics runs `holdspace serve` with METRICS_TOKEN and METRICS_ADDR over real
// connections (keep-alive, so fasthttp reuses each connection's request buffer): after mixed
// GET and POST traffic, the public port refuses /metrics without the token, and with it, like
// the internal listener, shows each method and route as it was sent.
func TestServeMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the web server")
	}
	base, _ := cliEnv(t)
	runOK(t, base, "migrate", "up")
	const token = "serve-metrics-token-0123456789abcdef"
	port, metricsPort := freePort(t), freePort(t)
	extra := map[string]string{
		"PORT":          strconv.Itoa(port),
		"NOTES_KEY":     base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		"METRICS_TOKEN": token,
		"METRICS_ADDR":  fmt.Sprintf("127.0.0.1:%d", metricsPort),
	}
	env := func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		return base(k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"holdspace", "serve"}, env, out) }()

	web := fmt.Sprintf("http://127.0.0.1:%d", port)
	internal := fmt.Sprintf("http://127.0.0.1:%d", metricsPort)
	client := &http.Client{Timeout: 10 * time.Second}
	do := func(method, u string, body io.Reader, header ...string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, u, body)
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v\noutput:\n%s", method, u, err, out.String())
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	deadline := time.Now().Add(60 * time.Second)
	probes := 0 // the /healthz answers while waiting, counted too
	for {
		res, err := client.Get(web + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				probes++
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned before it was ready: %v\noutput:\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer within 60 s\noutput:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	const rounds = 10
	for i := 0; i < rounds; i++ {
		do("GET", web+"/healthz", nil)
		// Without a CSRF token: refused before any route takes it.
		do("POST", web+"/password/forgot", strings.NewReader(url.Values{"email": {"a@example.org"}}.Encode()))
		do("GET", web+"/signin", nil)
		do("POST", web+"/signin", strings.NewReader(url.Values{"email": {"a@example.org"}, "password": {"x"}}.Encode()))
	}

	if code, body := do("GET", web+"/metrics", nil); code != http.StatusUnauthorized || strings.Contains(body, "holdspace_http") {
		t.Errorf("public /metrics without the token: %d, want 401 without metrics\n%.300s", code, body)
	}
	if code, body := do("GET", web+"/metrics", nil, "Authorization", "Bearer not-the-token"); code != http.StatusUnauthorized {
		t.Errorf("public /metrics with a wrong token: %d, want 401\n%.300s", code, body)
	}
	for _, scrape := range []struct {
		name   string
		url    string
		header []string
	}{
		{"public port with the token", web + "/metrics", []string{"Authorization", "Bearer " + token}},
		{"METRICS_ADDR", internal + "/metrics", nil},
	} {
		code, body := do("GET", scrape.url, nil, scrape.header...)
		if code != http.StatusOK {
			t.Errorf("%s: status %d, want 200\n%.500s", scrape.name, code, body)
			continue
		}
		counts := map[string]int{}
		for _, m := range requestsSample.FindAllStringSubmatch(body, -1) {
			n, _ := strconv.Atoi(m[4])
			counts[m[1]+" "+m[2]+" "+m[3]] += n
			if m[1] != "GET" && m[1] != "POST" {
				t.Errorf("%s: method label %q in %q: not a method that was sent", scrape.name, m[1], m[0])
			}
		}
		posts := 0
		for k, n := range counts {
			if strings.HasPrefix(k, "POST ") {
				posts += n
			}
		}
		if counts["GET /healthz 200"] != rounds+probes || counts["GET /signin 200"] != rounds || posts != 2*rounds {
			t.Errorf("%s: got %v, want GET /healthz 200 %d times, GET /signin 200 %d times and %d POSTs",
				scrape.name, counts, rounds+probes, rounds, 2*rounds)
		}
	}
	// The internal listener serves nothing but /metrics.
	if code, _ := do("GET", internal+"/signin", nil); code != http.StatusNotFound {
		t.Errorf("METRICS_ADDR /signin: %d, want 404", code)
	}
	if code, _ := do("GET", internal+"/debug/pprof/", nil); code != http.StatusNotFound {
		t.Errorf("METRICS_ADDR /debug/pprof/ without PPROF: %d, want 404", code)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel: %v\noutput:\n%s", err, out.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop within 40 s of cancel")
	}
	if _, err := client.Get(internal + "/metrics"); err == nil {
		t.Error("the METRICS_ADDR listener still answers after serve stopped")
	}
}
