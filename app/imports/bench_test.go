package imports

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// programsCSV is a programs file of n programs, each with two fundings (two funders) of two
// budget lines: 4n rows.
func programsCSV(n, year int) []byte {
	var b strings.Builder
	b.WriteString(programsHeader)
	for i := 0; i < n; i++ {
		for _, f := range []string{"IDHS-DEC", "ISBE Prevention Initiative"} {
			fmt.Fprintf(&b, "Benchmark Program %05d,Home visiting,Cook,English; Spanish,%s,FY %d-%02d,no,Personnel,\"42,500.00\"\n", i, f, year-1, year%100)
			fmt.Fprintf(&b, "Benchmark Program %05d,,,,%s,FY %d-%02d,,I/ECMH consultation,$12500\n", i, f, year-1, year%100)
		}
	}
	return []byte(b.String())
}

// BenchmarkImportPrograms10000 uploads, checks and imports a 10,000-row programs file (2,500
// programs × 2 fundings × 2 budget lines) into a fresh tenant, as the two tasks would. It
// reports the time per import (ns/op), the peak of the live heap while it runs
// (peak-heap-MB, sampled every 2 ms) and what it allocated in all (alloc-MB/op).
func BenchmarkImportPrograms10000(b *testing.B) {
	e := newEnv(b)
	data := programsCSV(2500, fy())
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				for {
					old := peak.Load()
					if ms.HeapAlloc <= old || peak.CompareAndSwap(old, ms.HeapAlloc) {
						break
					}
				}
			}
		}
	}()
	var total uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ctx := e.tenant(b, fmt.Sprintf("bench-%d-%s", i, dbtest.RandomHex(3)))
		sc, _ := database.ScopeFrom(ctx)
		task := database.WithScope(context.Background(), database.Scope{TenantID: sc.TenantID})
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()

		imp, err := e.svc.Upload(ctx, KindPrograms, "bench.csv", data)
		if err != nil {
			b.Fatal(err)
		}
		if err := e.svc.Validate(task, imp.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := e.svc.Confirm(ctx, imp.ID); err != nil {
			b.Fatal(err)
		}
		if err := e.svc.Run(task, imp.ID, sc.UserID); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		total += after.TotalAlloc - before.TotalAlloc
		got, err := e.svc.store.Get(ctx, imp.ID, false)
		if err != nil || got.Status != StatusDone || got.ProcessedRows != 10000 {
			b.Fatalf("got %+v (%v), want done with 10,000 rows\n%s", got, err, problemStrings(got))
		}
		if c := e.counts(b, ctx); c["fundings"] != 5000 || c["budget_lines"] != 10000 {
			b.Fatalf("got %v, want 5,000 fundings and 10,000 budget lines", c)
		}
		b.StartTimer()
	}
	b.StopTimer()
	close(done)
	<-sampled
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(total)/float64(b.N)/(1<<20), "alloc-MB/op")
}
