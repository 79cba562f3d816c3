package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// buildServer builds cmd/holdspace into dir, so the server under test is the real binary.
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "holdspace")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/holdspace")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/holdspace (run from the repository's root): %w", err)
	}
	return bin, nil
}

// serverEnv is the environment `holdspace serve` needs (app/config), with Server-Timing on,
// a fresh secret and notes key, and the harness's own prefix for Redis keys so that the
// sign-in limits of one run do not count against the next.
func serverEnv(databaseURL, redisURL, dataDir string, port int) []string {
	secret := make([]byte, 32)
	notes := make([]byte, 32)
	_, _ = rand.Read(secret)
	_, _ = rand.Read(notes)
	env := []string{
		"DATABASE_URL=" + databaseURL,
		"REDIS_URL=" + redisURL,
		"REDIS_KEY_PREFIX=holdspace-load-" + hex.EncodeToString(secret[:4]) + ":",
		fmt.Sprintf("BASE_URL=http://127.0.0.1:%d", port),
		fmt.Sprintf("PORT=%d", port),
		"SECRET_KEY=" + hex.EncodeToString(secret),
		"NOTES_KEY=" + base64.StdEncoding.EncodeToString(notes),
		"SERVER_TIMING=true",
		"DATA_DIR=" + dataDir, // uploaded files; none are made by reading pages
		"LOG_LEVEL=error",     // the request log of a load run is thousands of lines
		"LOG_FORMAT=text",
	}
	for _, kv := range os.Environ() {
		// PPROF and METRICS_ADDR pass through, to profile the server under the harness; GOGC,
		// GOMEMLIMIT and GODEBUG (gctrace=1), to try and watch the runtime's settings.
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "PATH", "HOME", "TMPDIR", "PPROF", "METRICS_ADDR", "GOGC", "GOMEMLIMIT", "GODEBUG":
			env = append(env, kv)
		}
	}
	return env
}

// child is the web server under test, in its own process.
type child struct {
	cmd  *exec.Cmd
	URL  string
	done chan error

	mu     sync.Mutex
	maxRSS int64 // kB, the largest VmRSS sampled
	hwm    int64 // kB, the last VmHWM read (the process's own peak, kept by the kernel)
	stop   chan struct{}
}

// startServer starts `bin serve` on a free port and waits until it answers.
func startServer(ctx context.Context, bin, databaseURL, redisURL, dataDir string, logTo io.Writer) (*child, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = serverEnv(databaseURL, redisURL, dataDir, port)
	cmd.Stdout, cmd.Stderr = logTo, logTo
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, URL: fmt.Sprintf("http://127.0.0.1:%d", port), done: make(chan error, 1), stop: make(chan struct{})}
	go func() { c.done <- cmd.Wait() }()
	if err := c.waitReady(ctx, 60*time.Second); err != nil {
		c.Stop()
		return nil, err
	}
	go c.sampleRSS(100 * time.Millisecond)
	return c, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (c *child) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-c.done:
			return fmt.Errorf("holdspace serve stopped at start: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(c.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("holdspace serve did not answer /healthz within %s", limit)
}

// Stop ends the server (SIGTERM, then SIGKILL after 10 s) and the sampling.
func (c *child) Stop() {
	select {
	case <-c.stop:
		return
	default:
		c.sampleOnce() // the high-water mark, while the process is still there to ask
		close(c.stop)
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// sampleRSS keeps the largest resident size of the server seen through the run.
func (c *child) sampleRSS(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		c.sampleOnce()
	}
}

func (c *child) sampleOnce() {
	rss, ok1 := procStatus(c.cmd.Process.Pid, "VmRSS")
	hwm, ok2 := procStatus(c.cmd.Process.Pid, "VmHWM")
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok1 {
		c.maxRSS = max(c.maxRSS, rss)
	}
	if ok2 {
		c.hwm = max(c.hwm, hwm)
	}
}

// Memory is the largest sampled VmRSS and the kernel's high-water mark (VmHWM), in kB.
func (c *child) Memory() (maxRSS, hwm int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.maxRSS, c.hwm
}

// procStatus reads one "Name:   N kB" line of /proc/PID/status.
func procStatus(pid int, name string) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && k == name {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// cpuTicks is the process's user and system time so far, in clock ticks (/proc/PID/stat).
func cpuTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name, in parentheses, may hold spaces: count fields after its end.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(fields[11], 10, 64)
	st, err2 := strconv.ParseInt(fields[12], 10, 64)
	return u + st, err1 == nil && err2 == nil
}

// Quiet waits (up to limit) until the server has finished the work a rate left behind:
// requests the load generator gave up on are still being served, and would slow the next
// measurement down. First until the process uses almost no CPU, then until /readyz (a
// database ping, which queues behind those requests for a pooled connection) answers fast
// twice in a row: a backlog in PostgreSQL leaves the web process idle but waiting.
func (c *child) Quiet(limit time.Duration) {
	const step = 250 * time.Millisecond
	deadline := time.Now().Add(limit)
	last, ok := cpuTicks(c.cmd.Process.Pid)
	for ok && time.Now().Before(deadline) {
		time.Sleep(step)
		now, ok2 := cpuTicks(c.cmd.Process.Pid)
		if !ok2 || now-last <= 2 { // 2 ticks of 25 a core could give in 250 ms
			break
		}
		last = now
	}
	client := &http.Client{Timeout: 5 * time.Second}
	fast := 0
	for fast < 2 && time.Now().Before(deadline) {
		start := time.Now()
		resp, err := client.Get(c.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
		}
		if err == nil && resp.StatusCode == http.StatusOK && time.Since(start) < 20*time.Millisecond {
			fast++
		} else {
			fast = 0
		}
		time.Sleep(100 * time.Millisecond)
	}
}
