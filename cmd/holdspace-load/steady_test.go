package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// samplesAt builds a machine whose samples are every 200 ms from t0, with the steal and I/O
// stall given per interval (200 ticks of CPU time an interval: two CPUs).
func samplesAt(t0 time.Time, steal []int64, ioMS []int64) *machine {
	m := &machine{read: func() (cpuSample, bool) { return cpuSample{}, false }}
	var s cpuSample
	s.at = t0
	m.samples = append(m.samples, s)
	for i := range steal {
		s.at = s.at.Add(sampleEvery)
		s.total += 40 // 200 ms of two CPUs at 100 ticks a second
		s.steal += steal[i]
		if i < len(ioMS) {
			s.ioFullUS += ioMS[i] * 1000
		}
		m.samples = append(m.samples, s)
	}
	return m
}

func TestWindowStealAndPeak(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	// Ten seconds, steady but for one burst of 12 ticks in the 6th second's first interval.
	steal := make([]int64, 50)
	steal[25] = 12
	m := samplesAt(t0, steal, nil)

	st := m.window(t0, t0.Add(10*time.Second))
	if st.StealPct < 0.59 || st.StealPct > 0.61 { // 12 of 2,000 ticks
		t.Errorf("steal over the run = %.2f%%, want 0.6%%", st.StealPct)
	}
	if st.PeakStealPct < 5.9 || st.PeakStealPct > 6.1 { // 12 of the 200 ticks of a second
		t.Errorf("peak = %.2f%%, want 6%% (12 ticks in one second)", st.PeakStealPct)
	}
	if st.Unsteady == "" || !strings.Contains(st.Unsteady, "steal 6% in a second") {
		t.Errorf("unsteady = %q, want the second of steal named", st.Unsteady)
	}
	if st.WindowMS != 10000 {
		t.Errorf("window = %.0f ms", st.WindowMS)
	}

	// A window before the burst is steady, and so is one after it.
	if st := m.window(t0, t0.Add(4*time.Second)); st.Unsteady != "" || st.PeakStealPct != 0 {
		t.Errorf("before the burst: %+v", st)
	}
	if st := m.window(t0.Add(6*time.Second), t0.Add(9*time.Second)); st.Unsteady != "" {
		t.Errorf("after the burst: %+v", st)
	}
	// A short window inside the burst's interval is judged by the samples around it.
	in := t0.Add(25*sampleEvery + 50*time.Millisecond)
	if st := m.window(in, in.Add(100*time.Millisecond)); st.PeakStealPct != 30 || st.WindowMS != 200 {
		t.Errorf("a short window in the burst: %+v, want 12 of 40 ticks over the 200 ms sampled", st)
	}
}

func TestWindowIOStall(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	m := samplesAt(t0, make([]int64, 10), []int64{0, 0, 0, 150})
	st := m.window(t0, t0.Add(2*time.Second))
	if st.IOStallMS != 150 || !strings.Contains(st.Unsteady, "I/O stalled 150 ms") {
		t.Errorf("I/O stall: %+v", st)
	}
	if st := m.window(t0.Add(time.Second), t0.Add(2*time.Second)); st.IOStallMS != 0 || st.Unsteady != "" {
		t.Errorf("after the stall: %+v", st)
	}
}

// scripted is a machine whose every sample adds the next steal of script to 200 ticks.
func scripted(script []int64) *machine {
	var s cpuSample
	n := 0
	return &machine{read: func() (cpuSample, bool) {
		s.at = time.Now()
		s.total += 200
		if n < len(script) {
			s.steal += script[n]
		}
		n++
		return s, true
	}}
}

func TestSteadiestMeasuresAgain(t *testing.T) {
	// The first sample is the start; each try's window ends with the next.
	m := scripted([]int64{0, 30, 2})
	m.sample()
	tries, agains := 0, []string{}
	v, st := steadiest(m, func() (int, bool) { tries++; return tries * 10, true }, func(try int, why string) {
		agains = append(agains, why)
	})
	if v != 20 || tries != 2 || st.Tries != 2 || st.Unsteady != "" || st.PeakStealPct != 1 {
		t.Errorf("got %d after %d tries, %+v; want the second try's 20, steady at 1%%", v, tries, st)
	}
	if len(agains) != 1 || agains[0] != "steal 15% in a second" {
		t.Errorf("measured again because %q", agains)
	}

	// Unsteady every time: maxTries, the steadiest kept and said to be unsteady.
	m = scripted([]int64{0, 30, 20, 40})
	m.sample()
	tries = 0
	v, st = steadiest(m, func() (int, bool) { tries++; return tries * 10, true }, func(int, string) {})
	if v != 20 || tries != maxTries || st.Tries != maxTries || st.Unsteady != "steal 10% in a second" {
		t.Errorf("got %d after %d tries, %+v; want the second try's 20, unsteady", v, tries, st)
	}

	// Steady at once: one try, Tries left out.
	m = scripted([]int64{0, 1})
	m.sample()
	tries = 0
	if v, st = steadiest(m, func() (int, bool) { tries++; return 7, true }, func(int, string) { t.Error("measured again") }); v != 7 || tries != 1 || st.Tries != 0 {
		t.Errorf("steady: %d, %d tries, %+v", v, tries, st)
	}

	// No machine, or a failed measurement: once, whatever happens.
	tries = 0
	if _, st = steadiest[int](nil, func() (int, bool) { tries++; return 0, true }, func(int, string) {}); tries != 1 || st != (Steadiness{}) {
		t.Errorf("no machine: %d tries, %+v", tries, st)
	}
	m = scripted([]int64{0, 90})
	m.sample()
	tries = 0
	if _, _ = steadiest(m, func() (int, bool) { tries++; return 0, false }, func(int, string) {}); tries != 1 {
		t.Errorf("a failed measurement was measured again: %d tries", tries)
	}
	// A later try that fails leaves the earlier one.
	m = scripted([]int64{0, 90, 0})
	m.sample()
	tries = 0
	v, _ = steadiest(m, func() (int, bool) { tries++; return tries, tries == 1 }, func(int, string) {})
	if v != 1 || tries != 2 {
		t.Errorf("a failed retry: got %d after %d tries, want the first's 1", v, tries)
	}
}

// TestReportSaysHowSteady: the report says how steady the machine was, marks the windows it
// was unsteady through in every try, and says so beside a page over the goal.
func TestReportSaysHowSteady(t *testing.T) {
	shaky := &Steadiness{PeakStealPct: 12, Tries: 3, Unsteady: "steal 12% in a second"}
	again := &Steadiness{PeakStealPct: 1, Tries: 2}
	rep := &Report{Rates: []int{200}, Machine: &Steadiness{StealPct: 0.44, PeakStealPct: 24, IOStallMS: 3},
		Rows: []Row{
			{Page: "/a", Role: "consultant", Status: 200, ServerMS: 1, SQLMS: 0.8, Machine: again,
				Rates: []RateResult{{Rate: 200, P50MS: 3, P99MS: 60, Machine: shaky}}},
			{Page: "/b", Role: "funder", Status: 200, ServerMS: 1, SQLMS: 0.8, Rates: []RateResult{{Rate: 200, P50MS: 3, P99MS: 8}}},
		}}
	rep.finish()
	if rep.Again != 2 || len(rep.Unsteady) != 1 || rep.Unsteady[0] != "/a (consultant), 200 req/s: steal 12% in a second" {
		t.Errorf("again %d, unsteady %q", rep.Again, rep.Unsteady)
	}
	if len(rep.Over) != 1 || !strings.Contains(rep.Over[0], "p99 60.0 ms at 200/s (machine unsteady in every try: steal 12% in a second)") {
		t.Errorf("over: %q", rep.Over)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{
		"3.0 / 60.0* ",
		"the hypervisor took 0.44% of its CPU time (at most 24% in one second)",
		"2 measured again, 1 unsteady in every try (marked *)",
		"- /a (consultant), 200 req/s: steal 12% in a second",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestWindowProbe: a window in which the probe's job took longer than usual is a slower
// machine, without any steal; a short window is judged by the probes nearest it.
func TestWindowProbe(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	m := samplesAt(t0, make([]int64, 20), nil) // four seconds, no steal
	for i := range 40 {
		cpu := 600 * time.Microsecond
		if i >= 30 { // the last second: half as quick again
			cpu = 900 * time.Microsecond
		}
		m.probes = append(m.probes, probeSample{at: t0.Add(time.Duration(i) * probeEvery), cpu: cpu})
	}
	if st := m.window(t0, t0.Add(2*time.Second)); st.Probe != 1 || st.Unsteady != "" {
		t.Errorf("a usual window: %+v", st)
	}
	st := m.window(t0.Add(3*time.Second), t0.Add(3900*time.Millisecond))
	if st.Probe != 1.5 || st.Unsteady != "CPU 1.50× slower" {
		t.Errorf("a slow window: %+v", st)
	}
	// 150 ms in the slow second: one probe within it, the five nearest judge.
	if st := m.window(t0.Add(3400*time.Millisecond), t0.Add(3550*time.Millisecond)); st.Probe != 1.5 {
		t.Errorf("a short slow window: %+v", st)
	}
	if got := m.ProbeUsual(); got != 600*time.Microsecond {
		t.Errorf("usual = %s", got)
	}
	// A slower CPU counts before the steal in choosing the steadiest try.
	slow := Steadiness{Probe: 1.5}
	stolen := Steadiness{Probe: 1, PeakStealPct: 8}
	if !steadier(stolen, slow) || steadier(slow, stolen) {
		t.Error("a try on a slower CPU was kept over one with some steal")
	}
}
