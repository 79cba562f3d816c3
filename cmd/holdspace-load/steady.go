package main

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// The machine a run is measured on is a virtual one: its hypervisor takes CPU time from it in
// bursts (steal, up to a quarter of a second's time at stop 28, while the run's average was
// 0.44 %), and its disk can stall. A window measured in such a burst shows the machine, not
// the page: at stop 28 a page's 57 slow requests all fell in one such second. So the harness
// samples the machine through the run, says of every window how steady it was, and measures an
// unsteady window again (maxTries in all), keeping the steadiest.
const (
	sampleEvery = 200 * time.Millisecond
	// unsteadyStealPct: a window is unsteady when the hypervisor took at least this share of
	// the machine's CPU time in any one second of it (/proc/stat's steal).
	unsteadyStealPct = 5.0
	// unsteadyIOStallPct: or when every running task waited on the disk for this share of the
	// window (/proc/pressure/io, "full"); a page's GETs write nothing of their own.
	unsteadyIOStallPct = 5.0
	// unsteadyProbe: or when the CPU probe's fixed job took this many times its usual CPU
	// time (the run's 20th percentile) over the window. The hypervisor can slow the machine
	// without counting steal: at stop 29 two passes of the same single requests, a minute
	// apart, summed 175 and 283 ms with no steal at all.
	// The probe's time over a window moves by some 20% on a steady machine (its p90 over the
	// windows of a pass of single requests was 1.16 to 1.20× its usual time).
	unsteadyProbe = 1.3
	// probeEvery is how often the probe runs its job (some 0.6 ms of CPU).
	probeEvery = 100 * time.Millisecond
	// maxTries is how many times an unsteady window is measured, in all.
	maxTries = 3
	// retryAfter is the pause before a window is measured again: a burst of steal lasts a
	// second or so.
	retryAfter = time.Second
)

// Steadiness is how steady the machine was while a window was measured.
type Steadiness struct {
	StealPct     float64 `json:"steal_pct"`      // of the machine's CPU time, over the window
	PeakStealPct float64 `json:"peak_steal_pct"` // the most in any one second of it
	IOStallMS    float64 `json:"io_stall_ms"`    // time every non-idle task waited on I/O
	WindowMS     float64 `json:"window_ms"`      // the time sampled: the window, to the samples around it
	// Probe is the CPU probe's job in the window (its median CPU time) over its usual time:
	// 1 as quick as the machine usually is, 1.5 half as quick again.
	Probe    float64 `json:"probe,omitempty"`
	Tries    int     `json:"tries,omitempty"` // times measured, when more than once
	Unsteady string  `json:"unsteady,omitempty"`
}

// judge says why s is unsteady ("" when steady).
func (s Steadiness) judge() string {
	var why []string
	if s.PeakStealPct >= unsteadyStealPct {
		why = append(why, fmt.Sprintf("steal %.0f%% in a second", s.PeakStealPct))
	}
	if s.WindowMS > 0 && s.IOStallMS*100/s.WindowMS >= unsteadyIOStallPct {
		why = append(why, fmt.Sprintf("I/O stalled %.0f ms", s.IOStallMS))
	}
	if s.Probe >= unsteadyProbe {
		why = append(why, fmt.Sprintf("CPU %.2f× slower", s.Probe))
	}
	return strings.Join(why, ", ")
}

// steadier says whether a is steadier than b: the slower CPU counts first (it slows every
// request alike), then the peak of steal, then the I/O stall.
func steadier(a, b Steadiness) bool {
	slow := func(s Steadiness) bool { return s.Probe >= unsteadyProbe }
	if slow(a) != slow(b) {
		return !slow(a)
	}
	if slow(a) && a.Probe != b.Probe {
		return a.Probe < b.Probe
	}
	if a.PeakStealPct != b.PeakStealPct {
		return a.PeakStealPct < b.PeakStealPct
	}
	return a.IOStallMS < b.IOStallMS
}

type cpuSample struct {
	at           time.Time
	steal, total int64 // clock ticks since boot, all CPUs
	ioFullUS     int64 // /proc/pressure/io full total, µs (0 when the kernel has none)
}

// machine samples the whole machine's counters every sampleEvery, and times the CPU probe's
// job every probeEvery, for the run.
type machine struct {
	mu      sync.Mutex
	samples []cpuSample
	probes  []probeSample
	stop    chan struct{}
	read    func() (cpuSample, bool) // the sampler (tests); nil: /proc
}

// probeSample is one run of the probe's job: when it ended, and the CPU time it took.
type probeSample struct {
	at  time.Time
	cpu time.Duration
}

// watchMachine starts sampling; nil when this machine has no /proc/stat (the run then
// measures every window once, as before).
func watchMachine() *machine {
	if _, ok := readMachine(); !ok {
		return nil
	}
	m := &machine{stop: make(chan struct{})}
	m.sample()
	go m.probe()
	go func() {
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

func (m *machine) Stop() {
	if m != nil {
		close(m.stop)
	}
}

func (m *machine) sample() {
	read := m.read
	if read == nil {
		read = readMachine
	}
	if s, ok := read(); ok {
		m.mu.Lock()
		m.samples = append(m.samples, s)
		m.mu.Unlock()
	}
}

// probe runs a fixed job (SHA-256 of 1 MB) every probeEvery on a thread of its own and keeps
// the thread's CPU time for it: the time the job ran, not the time it waited for a CPU behind
// the server and PostgreSQL, so a higher figure is a slower machine, not a busier one.
func (m *machine) probe() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	var ts unix.Timespec
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
			return
		}
		start := ts.Nano()
		h := sha256.New()
		for range 16 {
			h.Write(buf)
		}
		buf[0] = h.Sum(nil)[0] // keep the job's result alive
		if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
			return
		}
		m.addProbe(probeSample{at: time.Now(), cpu: time.Duration(ts.Nano() - start)})
	}
}

func (m *machine) addProbe(p probeSample) {
	m.mu.Lock()
	m.probes = append(m.probes, p)
	m.mu.Unlock()
}

// probeUsual is the probe's usual time over the run so far: its 20th percentile (the machine
// at its quick, not at its quickest moment). Locked by the caller.
func (m *machine) probeUsual() time.Duration {
	if len(m.probes) < 10 {
		return 0
	}
	d := make([]time.Duration, len(m.probes))
	for i, p := range m.probes {
		d[i] = p.cpu
	}
	slices.Sort(d)
	return d[len(d)/5]
}

// probeIn is the probe's median time from from to to, over at least the five probes nearest
// the window's middle when fewer ran within it. Locked by the caller.
func (m *machine) probeIn(from, to time.Time) time.Duration {
	var in []time.Duration
	for _, p := range m.probes {
		if !p.at.Before(from) && !p.at.After(to) {
			in = append(in, p.cpu)
		}
	}
	const least = 5
	if len(in) < least && len(m.probes) >= least {
		mid := from.Add(to.Sub(from) / 2)
		near := slices.Clone(m.probes)
		slices.SortFunc(near, func(a, b probeSample) int {
			return cmp.Compare(a.at.Sub(mid).Abs(), b.at.Sub(mid).Abs())
		})
		in = in[:0]
		for _, p := range near[:least] {
			in = append(in, p.cpu)
		}
	}
	if len(in) == 0 {
		return 0
	}
	slices.Sort(in)
	return in[len(in)/2]
}

// readMachine reads the machine's steal and total CPU ticks and its I/O stall.
func readMachine() (cpuSample, bool) {
	s := cpuSample{at: time.Now()}
	f, err := os.Open("/proc/stat")
	if err != nil {
		return s, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return s, false
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 9 || fields[0] != "cpu" {
		return s, false
	}
	// user nice system idle iowait irq softirq steal (guest time is within user already)
	for i := 1; i <= 8; i++ {
		n, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return s, false
		}
		s.total += n
		if i == 8 {
			s.steal = n
		}
	}
	if b, err := os.ReadFile("/proc/pressure/io"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, "full ") {
				continue
			}
			for _, f := range strings.Fields(line) {
				if v, ok := strings.CutPrefix(f, "total="); ok {
					s.ioFullUS, _ = strconv.ParseInt(v, 10, 64)
				}
			}
		}
	}
	return s, true
}

// window is how steady the machine was from from to to: over the samples around it, and in its
// least steady second (the whole window when it is shorter: a page's 50 single requests take a
// tenth of a second or so, and the counters tick a hundred times a second on each CPU, so a
// tick or two of steal in them is a few per cent).
func (m *machine) window(from, to time.Time) Steadiness {
	if m == nil {
		return Steadiness{}
	}
	m.sample() // the window's end
	var st Steadiness
	m.mu.Lock()
	defer m.mu.Unlock()
	// The samples around the window: the last at or before its start, through the first at
	// or after its end.
	lo, hi := -1, -1
	for i, s := range m.samples {
		if !s.at.After(from) {
			lo = i
		}
		if hi < 0 && !s.at.Before(to) {
			hi = i
		}
	}
	if lo < 0 {
		lo = 0
	}
	if hi < 0 {
		hi = len(m.samples) - 1
	}
	if hi <= lo {
		return st
	}
	a, b := m.samples[lo], m.samples[hi]
	st.WindowMS = ms(b.at.Sub(a.at))
	st.StealPct = pct(b.steal-a.steal, b.total-a.total)
	st.IOStallMS = float64(b.ioFullUS-a.ioFullUS) / 1000
	for i := lo; i < hi; i++ {
		j := i + 1
		for j < hi && m.samples[j].at.Sub(m.samples[i].at) < time.Second {
			j++
		}
		p := pct(m.samples[j].steal-m.samples[i].steal, m.samples[j].total-m.samples[i].total)
		st.PeakStealPct = max(st.PeakStealPct, p)
		if j == hi {
			break
		}
	}
	if usual := m.probeUsual(); usual > 0 {
		st.Probe = float64(m.probeIn(from, to)) / float64(usual)
	}
	st.Unsteady = st.judge()
	return st
}

// ProbeUsual is the probe job's usual CPU time over the run.
func (m *machine) ProbeUsual() time.Duration {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.probeUsual()
}

// Run is how steady the machine was over the whole run so far.
func (m *machine) Run() Steadiness {
	if m == nil {
		return Steadiness{}
	}
	m.mu.Lock()
	if len(m.samples) == 0 {
		m.mu.Unlock()
		return Steadiness{}
	}
	from, to := m.samples[0].at, m.samples[len(m.samples)-1].at
	m.mu.Unlock()
	return m.window(from, to)
}

func pct(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) * 100 / float64(whole)
}

// steadiest measures with measure until the machine was steady through it, maxTries at most,
// and keeps the steadiest try. Without a machine, or when measure says its result is not worth
// measuring again (it failed), it measures once. again is called before each try after the
// first (say what is measured again, and why).
func steadiest[T any](m *machine, measure func() (T, bool), again func(try int, why string)) (T, Steadiness) {
	var best T
	var bestSt Steadiness
	for try := 1; try <= maxTries; try++ {
		from := time.Now()
		v, judge := measure()
		if m == nil || (!judge && try == 1) {
			return v, Steadiness{}
		}
		if !judge {
			break // a later try failed: the earlier ones stand
		}
		st := m.window(from, time.Now())
		if try == 1 || steadier(st, bestSt) {
			best, bestSt = v, st
		}
		bestSt.Tries = try
		if st.Unsteady == "" || try == maxTries {
			break
		}
		again(try+1, st.Unsteady)
	}
	if bestSt.Tries == 1 {
		bestSt.Tries = 0
	}
	return best, bestSt
}
