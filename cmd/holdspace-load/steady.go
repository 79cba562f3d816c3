package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
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
	// maxTries is how many times an unsteady window is measured, in all.
	maxTries = 3
)

// Steadiness is how steady the machine was while a window was measured.
type Steadiness struct {
	StealPct     float64 `json:"steal_pct"`      // of the machine's CPU time, over the window
	PeakStealPct float64 `json:"peak_steal_pct"` // the most in any one second of it
	IOStallMS    float64 `json:"io_stall_ms"`    // time every non-idle task waited on I/O
	WindowMS     float64 `json:"window_ms"`      // the time sampled: the window, to the samples around it
	Tries        int     `json:"tries,omitempty"` // times measured, when more than once
	Unsteady     string  `json:"unsteady,omitempty"`
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
	return strings.Join(why, ", ")
}

// steadier says whether a is steadier than b: the lower peak of steal, then the less I/O stall.
func steadier(a, b Steadiness) bool {
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

// machine samples the whole machine's counters every sampleEvery, for the run.
type machine struct {
	mu      sync.Mutex
	samples []cpuSample
	stop    chan struct{}
	read    func() (cpuSample, bool) // the sampler (tests); nil: /proc
}

// watchMachine starts sampling; nil when this machine has no /proc/stat (the run then
// measures every window once, as before).
func watchMachine() *machine {
	if _, ok := readMachine(); !ok {
		return nil
	}
	m := &machine{stop: make(chan struct{})}
	m.sample()
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
	st.Unsteady = st.judge()
	return st
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
