package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/consultation"
	"github.com/holdspace/holdspace/app/demo"
	"github.com/holdspace/holdspace/app/tenants"
)

var (
	formInput    = regexp.MustCompile(`(?s)<input\b[^>]*>`)
	formSelect   = regexp.MustCompile(`(?s)<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>`)
	formSelected = regexp.MustCompile(`(?s)<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected`)
	formTextarea = regexp.MustCompile(`(?s)<textarea\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>`)
	formAttr     = regexp.MustCompile(`\b(name|value|type)="([^"]*)"`)
)

// pageFormValues reads what the form posting to action would send as it stands: its inputs
// (checked boxes and radios only), selected options and textareas.
func pageFormValues(t *testing.T, body, action string) url.Values {
	t.Helper()
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form posting to %s\n%s", action, truncateBody(body))
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	v := url.Values{}
	for _, in := range formInput.FindAllString(form, -1) {
		a := map[string]string{}
		for _, m := range formAttr.FindAllStringSubmatch(in, -1) {
			a[m[1]] = html.UnescapeString(m[2])
		}
		if a["name"] == "" || ((a["type"] == "checkbox" || a["type"] == "radio") && !strings.Contains(in, " checked")) {
			continue
		}
		v.Add(a["name"], a["value"])
	}
	for _, m := range formSelect.FindAllStringSubmatch(form, -1) {
		if s := formSelected.FindStringSubmatch(m[2]); s != nil {
			v.Set(m[1], html.UnescapeString(s[1]))
		} else {
			v.Set(m[1], "")
		}
	}
	for _, m := range formTextarea.FindAllStringSubmatch(form, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

// TestDemoUsualParticipants: every demo engagement with sessions has usual participants and no
// demo session is without participants (an older seed left them out: seeding again fills them
// in, and a third seed changes nothing); Maria's engagement with Prairie Families opens the
// record-a-session form with its participants filled in, and it saves as it comes once the
// service is chosen.
func TestDemoUsualParticipants(t *testing.T) {
	env := newTestEnv(t)
	state := func() string {
		t.Helper()
		return fmt.Sprintf("engagements without usual participants %d, sessions without participants %d",
			env.count("engagements", "contacts > 0 AND (default_participants = '{}' OR default_participants = '')"),
			env.count("consultation_sessions", "participants = '{}' OR participants = ''"))
	}
	if got := state(); got != "engagements without usual participants 0, sessions without participants 0" {
		t.Fatalf("demo: %s", got)
	}
	if n := env.count("engagements", "contacts > 0"); n < 5 {
		t.Fatalf("only %d demo engagements with sessions", n)
	}
	// An older seed: no participants anywhere.
	for _, q := range []string{"UPDATE engagements SET default_participants = '{}'", "UPDATE consultation_sessions SET participants = '{}'"} {
		if _, err := env.raw().ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		if err := demo.Seed(context.Background(), env.app.DB, env.app.Accounts, env.app.Tenants); err != nil {
			t.Fatal(err)
		}
		if got := state(); got != "engagements without usual participants 0, sessions without participants 0" {
			t.Fatalf("after seeding %d times more: %s", i+1, got)
		}
	}

	prairie := env.setupOrgID("illinois", tenants.OrgProgram, "Prairie Families Home Visiting")
	var e consultation.Engagement
	if err := env.raw().NewSelect().Model(&e).Where("program_id = ? AND focus = ? AND stage <> ?", prairie, consultation.FocusProgram, consultation.StageClosed).
		OrderExpr("opened_on, id").Limit(1).Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if e.DefaultParticipants["home_visitors"] == 0 {
		t.Fatalf("usual participants of the Prairie engagement: %v", e.DefaultParticipants)
	}
	maria := env.signedIn(t, demo.SharedConsultantEmail)
	action := "/t/illinois/engagements/" + e.ID + "/sessions/new"
	page := maria.get(action).mustStatus(t, http.StatusOK)
	form := pageFormValues(t, page.body, action)
	for role, n := range e.DefaultParticipants {
		if got := form.Get("p_" + role); got != fmt.Sprint(n) {
			t.Errorf("the form's %s: %q, want %d", role, got, n)
		}
	}
	before := env.count("consultation_sessions", "engagement_id = ?", e.ID)
	form.Set("service", "reflective_group")
	form.Set("_csrf", maria.csrf)
	maria.post(action, form).mustStatus(t, http.StatusSeeOther)
	if n := env.count("consultation_sessions", "engagement_id = ?", e.ID); n != before+1 {
		t.Fatalf("%d sessions, want %d", n, before+1)
	}
	var saved consultation.Session
	if err := env.raw().NewSelect().Model(&saved).Where("engagement_id = ?", e.ID).OrderExpr("created_at DESC").Limit(1).
		Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(saved.Participants) != fmt.Sprint(e.DefaultParticipants) {
		t.Fatalf("saved participants %v, want the usual %v", saved.Participants, e.DefaultParticipants)
	}
}
