package runs_test

import (
	"testing"

	"github.com/holdspace/holdspace/app/runs"
)

func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		p       runs.Progress
		text    string
		percent int
	}{
		{runs.Progress{Label: "Importing", Done: 5500, Total: 10000, Unit: "rows"}, "Importing: 5,500 of 10,000 rows done (55%)", 55},
		{runs.Progress{Label: "Being built", Done: 3, Total: 8}, "Being built: 3 of 8 done (37%)", 37},
		{runs.Progress{Label: "Waiting to be built"}, "Waiting to be built…", 0},
		{runs.Progress{Label: "Importing", Done: 12, Total: 10, Unit: "rows"}, "Importing: 10 of 10 rows done (100%)", 100},
		{runs.Progress{Done: -1, Total: 1000000}, "0 of 1,000,000 done (0%)", 0},
	} {
		if got := tc.p.Text(); got != tc.text {
			t.Errorf("%+v: got %q, want %q", tc.p, got, tc.text)
		}
		if got := tc.p.Percent(); got != tc.percent {
			t.Errorf("%+v: got %d%%, want %d%%", tc.p, got, tc.percent)
		}
	}
	r := &runs.Run{Status: runs.StatusBuilding, Done: 1, Total: 4}
	if p := r.Progress("/t/x/runs/1"); p.ID != "run-progress" || !p.Working || p.Poll != "/t/x/runs/1" || p.Text() != "Being built: 1 of 4 done (25%)" {
		t.Errorf("a run's progress: %+v", p)
	}
}
