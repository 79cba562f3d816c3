package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/database"
)

// TestHomeStatementsDoNotGrowWithRows (issue 14): every role's home page, with its dashboard,
// runs as many SQL statements with 130 more consultants and more sessions as before them: the
// dashboards read the monthly rollups and one query per panel, never one per row.
func TestHomeStatementsDoNotGrowWithRows(t *testing.T) {
	env := timedEnv(t)
	// Counted on every request: the kept portfolio dashboards would hide what grows.
	env.app.Dashboards.PortfolioMaxAge = 0
	slug := "illinois"
	people := []string{"admin@illinois.example", "funder@illinois.example", "supervisor@illinois.example", "program@illinois.example"}
	clients := map[string]*client{}
	before := map[string]int{}
	for _, who := range people {
		c := env.signedIn(t, who)
		c.get("/t/"+slug+"/").mustStatus(t, http.StatusOK) // the first request of a sign-in does more
		clients[who] = c
		before[who] = statementsOf(t, c.get("/t/"+slug+"/").mustStatus(t, http.StatusOK))
	}

	addProfiles(t, env, slug, 130)
	// Five more sessions on every open engagement of the tenant, this month.
	ten, err := env.app.Tenants.Store().TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID     string `bun:"id"`
		UserID string `bun:"user_id"`
	}
	if err := env.raw().NewSelect().TableExpr("engagements AS e").ColumnExpr("e.id, cp.user_id").
		Join("JOIN consultant_profiles AS cp ON cp.tenant_id = e.tenant_id AND cp.id = e.profile_id").
		Where("e.tenant_id = ? AND e.stage <> ?", ten.ID, consultation.StageClosed).Scan(context.Background(), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("the demo's open engagements: %v %v", rows, err)
	}
	today := ten.Local(time.Now()).Format(time.DateOnly)
	added := 0
	for _, r := range rows {
		ctx := database.WithScope(context.Background(), database.Scope{TenantID: ten.ID, TenantSlug: slug, UserID: r.UserID, Role: authz.Consultant})
		for i := 0; i < 5; i++ {
			if _, err := env.app.Sessions.Record(ctx, r.ID, consultation.SessionInput{HeldOn: today, Minutes: "45", Mode: "in_person",
				Service: "reflective_group", Participants: map[string]string{"educators": "1"}, Notes: "More rows.", Summary: "More rows."}); err != nil {
				t.Fatal(err)
			}
			added++
		}
	}

	for _, who := range people {
		r := clients[who].get("/t/"+slug+"/").mustStatus(t, http.StatusOK)
		r.mustContain(t, `id="dashboard"`)
		if after := statementsOf(t, r); after > before[who] {
			t.Errorf("%s: the home page runs %d statements with 130 more consultants and %d more sessions, %d before", who, after, added, before[who])
		}
	}
}
