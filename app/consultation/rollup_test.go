package consultation_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/database/dbtest"
)

// monthRows reads the tenant's rollups, and the same figures counted from its sessions.
func (w *sessWorld) monthRows(t *testing.T) (rollup, recount string) {
	t.Helper()
	read := func(q string) string {
		rows, err := dbtest.Owner(t, w.db).QueryContext(context.Background(), q, w.v.TenantID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var program, profile, month string
			var n, m int
			if err := rows.Scan(&program, &profile, &month, &n, &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s/%s/%s: %d, %d", program[len(program)-4:], profile[len(profile)-4:], month, n, m))
		}
		sort.Strings(out)
		return strings.Join(out, "\n")
	}
	return read(`SELECT program_id, profile_id, month, sessions, minutes FROM session_months WHERE tenant_id = ?`) + "\n" +
			read(`SELECT program_id, 'all-', month, sessions, minutes FROM program_months WHERE tenant_id = ?`),
		read(`SELECT program_id, profile_id, substr(held_on, 1, 7), COUNT(*), SUM(minutes) FROM consultation_sessions
			WHERE tenant_id = ? GROUP BY program_id, profile_id, substr(held_on, 1, 7)`) + "\n" +
			read(`SELECT program_id, 'all-', substr(held_on, 1, 7), COUNT(*), SUM(minutes) FROM consultation_sessions
			WHERE tenant_id = ? GROUP BY program_id, substr(held_on, 1, 7)`)
}

// TestSessionRollups: the monthly rollups (per program and consultant, and per program) equal a recount of the sessions after the seed, after
// sessions are recorded, and after edits that change a session's minutes and move it to
// another month (its old month's row goes when it empties).
func TestSessionRollups(t *testing.T) {
	w := newSessWorld(t)
	check := func(when string) {
		t.Helper()
		got, want := w.monthRows(t)
		if got != want || got == "" {
			t.Fatalf("%s: the rollups\n%s\nwant the recount\n%s", when, got, want)
		}
	}
	check("after the seed")
	ctx := w.as(authz.Consultant, "")
	in := w.input()
	in.FollowUps = nil
	first, err := w.svc.Record(ctx, w.v.EngagementID, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Record(ctx, w.v.EngagementID, in); err != nil {
		t.Fatal(err)
	}
	check("after two sessions")
	// The same month, other minutes.
	in.Minutes = "120"
	if _, err := w.svc.Update(ctx, first.ID, in); err != nil {
		t.Fatal(err)
	}
	check("after an edit of the minutes")
	// Another month: a day the engagement was open, two months back.
	e := w.engagement(t)
	day, _ := time.Parse(time.DateOnly, in.HeldOn)
	earlier := day.AddDate(0, -2, 0).Format(time.DateOnly)
	if earlier < e.OpenedOn {
		earlier = e.OpenedOn
	}
	in.HeldOn = earlier
	if _, err := w.svc.Update(ctx, first.ID, in); err != nil {
		t.Fatal(err)
	}
	check("after moving a session to another month")
	in.HeldOn = w.input().HeldOn
	if _, err := w.svc.Update(ctx, first.ID, in); err != nil {
		t.Fatal(err)
	}
	check("after moving it back")
}
