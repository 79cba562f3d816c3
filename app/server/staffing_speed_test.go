package server

import (
	"context"
	"fmt"
	"html"
	"math/rand"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/credentials"
	"github.com/holdspace/holdspace/app/database"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/supervision"
)

// Staffing at a state's scale (issue 14): the staffing table counts every consultant, so it
// reads what the rule needs of every credential, but nothing it does not show (no supervision
// sessions: it says whether someone supervises, not the hours) and each row once; one
// consultant's page reads that consultant's supervision hours, not every supervisee's.

// rowsRead counts the rows the statements of requests (contexts with Stats) return.
type rowsRead struct {
	mu   sync.Mutex
	rows int64
}

func (h *rowsRead) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (h *rowsRead) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if database.StatsOf(ctx) == nil || e.Result == nil {
		return
	}
	if n, err := e.Result.RowsAffected(); err == nil && n > 0 {
		h.mu.Lock()
		h.rows += n
		h.mu.Unlock()
	}
}

// read is how many statements the page ran and how many rows they returned.
func (h *rowsRead) read(t *testing.T, c *client, path string) (statements int, rows int64, r *resp) {
	t.Helper()
	h.mu.Lock()
	before := h.rows
	h.mu.Unlock()
	r = c.get(path).mustStatus(t, http.StatusOK)
	h.mu.Lock()
	defer h.mu.Unlock()
	return statementsOf(t, r), h.rows - before, r
}

func TestStaffingReadsWhatTheTableShows(t *testing.T) {
	env := timedEnv(t)
	const slug = "illinois"
	ctx := env.scoped(slug)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.post("/t/illinois/staffing/requirements/builtin", url.Values{"set": {"nc"}}).mustStatus(t, http.StatusSeeOther)
	sup := env.signedIn(t, "supervisor@illinois.example")
	helen := env.userID("supervisor@illinois.example")
	maria := env.profileOf(slug, demo.SharedConsultantEmail)

	// Helen supervises a second consultant, whose supervision sessions are added below.
	other := database.NewID()
	now := database.Now()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO users (id, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, []any{other, "other.consultant@illinois.example", "Olu Other", now, now}},
		{`INSERT INTO memberships (tenant_id, id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, 'consultant', ?, ?)`, []any{env.tenantID(slug), database.NewID(), other, now, now}},
	} {
		if _, err := env.raw().ExecContext(context.Background(), q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.app.Supervision.Assign(ctx, helen, other); err != nil {
		t.Fatal(err)
	}

	pages := []struct {
		who  *client
		path string
	}{{admin, "/t/illinois/staffing"}, {sup, "/t/illinois/staffing"}, {admin, "/t/illinois/staffing/" + maria.ID}, {sup, "/t/illinois/staffing/" + maria.ID}}
	for _, p := range pages {
		p.who.get(p.path).mustStatus(t, http.StatusOK) // the first request of a sign-in does more
	}
	hook := &rowsRead{}
	env.app.DB.AddQueryHook(hook)
	type reading struct {
		statements int
		rows       int64
	}
	before := make([]reading, len(pages))
	for i, p := range pages {
		before[i].statements, before[i].rows, _ = hook.read(t, p.who, p.path)
	}

	// Ten supervision sessions of the other consultant this month. "Today" is the tenant's
	// (America/Chicago): between midnight UTC and midnight there, the UTC date is tomorrow.
	cal, err := env.app.Supervision.Calendar(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	today := cal.Today.Format(time.DateOnly)
	for i := 0; i < 10; i++ {
		if _, err := env.app.Supervision.CreateRecord(env.as(slug, helen, authz.Supervisor), supervision.RecordInput{HeldOn: today,
			Minutes: "60", Format: supervision.FormatIndividual, Attendees: []string{other}, Notes: "More rows."}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range pages {
		n, rows, _ := hook.read(t, p.who, p.path)
		if n != before[i].statements || rows != before[i].rows {
			t.Errorf("%s (%d): %d statements read %d rows with 10 more supervision sessions of another consultant, %d read %d before",
				p.path, i, n, rows, before[i].statements, before[i].rows)
		}
	}

	// 130 more consultants, most with a hire date, and three credentials each, of every state.
	addProfiles(t, env, slug, 130)
	kinds, err := env.app.Credentials.Store().Kinds(ctx)
	if err != nil || len(kinds) == 0 {
		t.Fatalf("kinds: %v %v", kinds, err)
	}
	var added []string
	if err := env.raw().NewSelect().Table("consultant_profiles").Column("id").
		Where("tenant_id = ? AND display_name LIKE 'Zz %'", env.tenantID(slug)).Scan(context.Background(), &added); err != nil || len(added) != 130 {
		t.Fatalf("the added profiles: %d %v", len(added), err)
	}
	rng := rand.New(rand.NewSource(14))
	day := func(from, span int) string { return credentials.AddDays(today, from+rng.Intn(span)) }
	statuses := []string{credentials.StatusVerified, credentials.StatusVerified, credentials.StatusSubmitted, credentials.StatusReturned}
	creds, assigned := 0, 0
	for i, id := range added {
		if i%4 == 0 {
			// Every requirement met: a verified credential that does not expire for each, and a
			// supervisor.
			seen := map[string]bool{}
			for _, k := range kinds {
				if seen[k.RequirementID] {
					continue
				}
				seen[k.RequirementID] = true
				c := &credentials.Credential{ID: database.NewID(), ProfileID: id, KindID: k.ID, IssuedOn: day(-900, 400),
					Status: credentials.StatusVerified, CreatedAt: now, UpdatedAt: now}
				c.TenantID = env.tenantID(slug)
				if _, err := env.raw().NewInsert().Model(c).Exec(context.Background()); err != nil {
					t.Fatal(err)
				}
				creds++
			}
			for _, q := range []string{
				`INSERT INTO users (id, email, name, created_at, updated_at) SELECT user_id, id || '@volume.example', display_name, ?, ? FROM consultant_profiles WHERE id = ?`,
				`INSERT INTO supervision_assignments (tenant_id, id, supervisor_id, consultant_id, created_at) SELECT tenant_id, id || '-a', ?, user_id, ? FROM consultant_profiles WHERE id = ?`,
			} {
				args := []any{now, now, id}
				if strings.Contains(q, "supervision_assignments") {
					args = []any{helen, now, id}
				}
				if _, err := env.raw().ExecContext(context.Background(), q, args...); err != nil {
					t.Fatal(err)
				}
			}
			assigned++
			continue
		}
		if rng.Intn(4) > 0 {
			if _, err := env.raw().ExecContext(context.Background(), `UPDATE consultant_profiles SET hired_on = ? WHERE id = ?`, day(-500, 520), id); err != nil {
				t.Fatal(err)
			}
		}
		for j := 0; j < 3; j++ {
			c := &credentials.Credential{ID: database.NewID(), ProfileID: id, KindID: kinds[rng.Intn(len(kinds))].ID,
				IssuedOn: day(-900, 400), Status: statuses[rng.Intn(len(statuses))], CreatedAt: now, UpdatedAt: now}
			if rng.Intn(5) > 0 {
				c.ExpiresOn = day(-120, 400)
			}
			c.TenantID = env.tenantID(slug)
			if _, err := env.raw().NewInsert().Model(c).Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
			creds++
		}
	}
	n, rows, page := hook.read(t, admin, "/t/illinois/staffing")
	if n != before[0].statements {
		t.Errorf("the staffing page runs %d statements with 130 more consultants, %d before", n, before[0].statements)
	}
	if want := before[0].rows + 130 + int64(creds+assigned); rows != want {
		t.Errorf("the staffing page read %d rows with 130 more consultants, %d credentials and %d assignments, want %d: one row each more",
			rows, creds, assigned, want)
	}

	// What the page says is what the rule says of every consultant, read one by one with every
	// credential in full (the consultant's own page).
	var all []string
	if err := env.raw().NewSelect().Table("consultant_profiles").Column("id").Where("tenant_id = ?", env.tenantID(slug)).
		Scan(context.Background(), &all); err != nil {
		t.Fatal(err)
	}
	var want credentials.Counts
	cells := map[string]string{}
	for _, id := range all {
		d, err := env.app.Credentials.Consultant(ctx, id, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		want.Consultants++
		if d.Lacking > 0 {
			want.LackingSome++
		} else {
			want.MeetAll++
		}
		var b strings.Builder
		for _, st := range d.Statuses {
			switch st.State {
			case credentials.StateOverdue:
				want.Overdue++
			case credentials.StateExpiring:
				want.Expiring++
			}
			fmt.Fprintf(&b, `<td><span class="usa-tag %s">%s</span></td>`, st.Tag(), html.EscapeString(st.Text()))
		}
		for _, c := range d.Credentials {
			if c.Status == credentials.StatusSubmitted {
				want.Pending++
			}
		}
		cells[id] = b.String()
	}
	if want.Overdue == 0 || want.Expiring == 0 || want.Pending == 0 || want.MeetAll == 0 || want.LackingSome == 0 {
		t.Fatalf("the data do not show every count: %+v", want)
	}
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprint(n, " ", many)
	}
	page.mustContain(t, plural(want.Consultants, "consultant", "consultants"),
		plural(want.MeetAll, "meets", "meet")+" every required requirement.",
		plural(want.LackingSome, "lacks", "lack")+" at least one required requirement",
		plural(want.Overdue, "deadline is", "deadlines are")+" overdue.",
		plural(want.Expiring, "credential expires", "credentials expire")+" within 60 days.",
		plural(want.Pending, "credential is", "credentials are")+" waiting for verification.")
	row := regexp.MustCompile(`(?s)<th scope="row"><a href="/t/illinois/staffing/([^"/]+)">.*?</td>\s*(.*?)\s*</tr>`)
	shown := row.FindAllStringSubmatch(page.body, -1)
	if len(shown) != credentials.StaffingPageSize {
		t.Fatalf("the first page shows %d consultants, want %d", len(shown), credentials.StaffingPageSize)
	}
	for _, m := range shown {
		if m[2] != cells[m[1]] {
			t.Errorf("the row of %s shows\n%s\nwhere the consultant's own page says\n%s", m[1], m[2], cells[m[1]])
		}
	}
}
