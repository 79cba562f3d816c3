package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/holdspace/holdspace/app/demo"
)

// TestDatesAsPeopleTypeThem: a date typed as the person sees it (mm/dd/yyyy or m/d/yyyy) is
// accepted and stored as YYYY-MM-DD; a wrong one gets a message naming the field and the
// format; the hint says the format the browser shows, not YYYY-MM-DD.
func TestDatesAsPeopleTypeThem(t *testing.T) {
	env := newTestEnv(t)
	eng := env.sessionEngagement("illinois", "Prairie Families Home Visiting")
	newURL := "/t/illinois/engagements/" + eng.ID + "/sessions/new"
	maria := env.client(t)
	maria.signIn(demo.SharedConsultantEmail)

	page := maria.get(newURL).mustStatus(t, http.StatusOK).mustContain(t, "mm/dd/yyyy, for example: 11/26/2026")
	if strings.Contains(page.body, "YYYY-MM-DD") {
		t.Error("the session form still says YYYY-MM-DD")
	}

	held := time.Now().UTC().AddDate(0, 0, -2)
	form := sessionForm(held.Format("01/02/2006"))
	form.Set("followup_due_0", held.Format("1/2/2006"))
	maria.post(newURL, form).mustStatus(t, http.StatusSeeOther)
	if n := env.count("consultation_sessions", "engagement_id = ? AND held_on = ?", eng.ID, held.Format(time.DateOnly)); n != 1 {
		t.Fatalf("a session held on %s typed as mm/dd/yyyy: %d stored with the ISO date, want 1", held.Format("01/02/2006"), n)
	}
	if n := env.count("session_followups", "due_on = ?", held.Format(time.DateOnly)); n != 1 {
		t.Fatalf("a follow-up due on %s typed as m/d/yyyy: %d stored with the ISO date, want 1", held.Format("1/2/2006"), n)
	}

	bad := sessionForm("26/11/2026")
	maria.post(newURL, bad).mustStatus(t, http.StatusUnprocessableEntity).
		mustContain(t, "Enter the date of the session as mm/dd/yyyy, for example 11/26/2026.")

	// A filter's dates, too.
	maria.get("/t/illinois/sessions?from="+url.QueryEscape(held.Format("01/02/2006"))).mustStatus(t, http.StatusOK).
		mustContain(t, "Reflected on a hard visit")
	later := maria.get("/t/illinois/sessions?from="+url.QueryEscape(held.AddDate(0, 0, 1).Format("1/2/2006"))).mustStatus(t, http.StatusOK)
	if strings.Contains(later.body, "Reflected on a hard visit") {
		t.Error("the sessions from the day after (typed m/d/yyyy) include the session")
	}
	maria.get("/t/illinois/sessions?from=yesterday").mustContain(t, "Enter the first date as mm/dd/yyyy, for example 11/26/2026.")
}

// TestButtonNamesContainTheirText: a button or link whose accessible name (aria-label) does not
// contain its visible text fails WCAG 2.5.3 (label in name): "Resend" was named "Send a new
// link to …". The invitation buttons say their text and add who, for screen readers, in text.
func TestButtonNamesContainTheirText(t *testing.T) {
	env := newTestEnv(t)
	admin := env.signedIn(t, "admin@illinois.example")
	admin.post("/t/illinois/people/invitations", url.Values{"email": {"sam@example.org"}, "role": {"supervisor"}}).
		mustStatus(t, http.StatusSeeOther)
	people := admin.get("/t/illinois/people").mustStatus(t, http.StatusOK).
		mustContain(t, `Resend<span class="usa-sr-only"> the invitation to sam@example.org</span>`,
			`Revoke<span class="usa-sr-only"> the invitation to sam@example.org</span>`)
	pages := map[string]string{"/t/illinois/people": people.body}
	for _, p := range []string{"/t/illinois/audit", "/t/illinois/engagements", "/t/illinois/consultants", "/t/illinois/programs"} {
		pages[p] = admin.get(p).body
	}
	for path, body := range pages {
		for _, c := range labelledControls(t, body) {
			if !strings.Contains(strings.ToLower(c.name), strings.ToLower(c.text)) {
				t.Errorf("%s: a %s reads %q but is named %q (its name must contain its text)", path, c.tag, c.text, c.name)
			}
		}
	}
}

type labelledControl struct{ tag, name, text string }

// labelledControls finds the buttons and links with an aria-label, and their visible text.
func labelledControls(t *testing.T, body string) []labelledControl {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []labelledControl
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "button" || n.Data == "a") {
			if name, ok := attr(n, "aria-label"); ok {
				out = append(out, labelledControl{n.Data, name, strings.Join(strings.Fields(visibleText(n)), " ")})
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// visibleText is n's text without what only screen readers get (usa-sr-only).
func visibleText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	if class, _ := attr(n, "class"); strings.Contains(" "+class+" ", " usa-sr-only ") {
		return ""
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(visibleText(c))
	}
	return b.String()
}

// TestErrorMessagesAreTiedToTheirFields renders the error pages of several forms and checks
// what a screen reader needs: every field's message has an id, the field (or its fieldset)
// points at it with aria-describedby, a field in error has aria-invalid="true", and every
// line of the error summary links to an element of the page.
func TestErrorMessagesAreTiedToTheirFields(t *testing.T) {
	env := newTestEnv(t)
	eng := env.sessionEngagement("illinois", "Prairie Families Home Visiting")
	admin := env.signedIn(t, "admin@illinois.example")
	maria := env.signedIn(t, demo.SharedConsultantEmail)
	helen := env.signedIn(t, "supervisor@illinois.example")
	public := env.client(t)
	long := strings.Repeat("x", 5001)

	// The assessment form asks for the scores once an instrument is chosen: choose the first.
	newAssessment := "/t/illinois/engagements/" + eng.ID + "/assessments/new"
	m := regexp.MustCompile(`<option value="([^"]+)">`).FindStringSubmatch(maria.get(newAssessment).mustStatus(t, http.StatusOK).body)
	if m == nil {
		t.Fatal("the assessment form offers no instrument")
	}
	sessionBad := sessionForm("26/11/2026")
	sessionBad.Set("minutes", "3")
	sessionBad.Set("summary", long)
	sessionBad.Set("notes", long)
	pages := []struct {
		name string
		r    *resp
	}{
		{"settings", admin.post("/t/illinois/settings", url.Values{"name": {""}, "time_zone": {""}})},
		{"invitation", admin.post("/t/illinois/people/invitations", url.Values{"email": {"not an email"}})},
		{"sign-up", public.post("/signup", url.Values{"name": {""}, "slug": {""}})},
		{"session", maria.post("/t/illinois/engagements/"+eng.ID+"/sessions/new", sessionBad)},
		{"assessment", maria.post(newAssessment, url.Values{"instrument_id": {m[1]}, "administered_on": {"soon"}})},
		{"supervision", helen.post("/t/illinois/supervision/records/new", url.Values{"held_on": {"soon"}, "notes": {long}})},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			if p.r.status != http.StatusUnprocessableEntity && p.r.status != http.StatusConflict && p.r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want the form back with its errors:\n%s", p.r.status, truncateBody(p.r.body))
			}
			for _, problem := range errorWiringProblems(t, p.r.body) {
				t.Error(problem)
			}
		})
	}
	// The sign-up's empty web address says why it is red.
	if !strings.Contains(pages[2].r.body, `id="slug-error"`) {
		t.Error("the sign-up's empty web address has no message")
	}
}

var idList = regexp.MustCompile(`\S+`)

// errorWiringProblems lists what is wrong with how the page's error messages are tied to
// their fields.
func errorWiringProblems(t *testing.T, body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]*html.Node{}
	describedBy := map[string][]*html.Node{} // message id -> elements described by it
	var messages, summaryLinks []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id, ok := attr(n, "id"); ok {
				ids[id] = n
			}
			if d, ok := attr(n, "aria-describedby"); ok {
				for _, id := range idList.FindAllString(d, -1) {
					describedBy[id] = append(describedBy[id], n)
				}
			}
			class, _ := attr(n, "class")
			if strings.Contains(" "+class+" ", " usa-error-message ") {
				messages = append(messages, n)
			}
			if href, _ := attr(n, "href"); n.Data == "a" && strings.HasPrefix(href, "#") && inClass(n, "hs-error-summary") {
				summaryLinks = append(summaryLinks, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	var problems []string
	if len(messages) == 0 {
		problems = append(problems, "no field has an error message")
	}
	for _, m := range messages {
		text := strings.TrimSpace(visibleText(m))
		id, _ := attr(m, "id")
		if id == "" {
			problems = append(problems, "the message "+text+" has no id, so no field can point at it")
			continue
		}
		// The message itself, or a live region around it, is referenced.
		var fields []*html.Node
		for n := m; n != nil; n = n.Parent {
			if nid, ok := attr(n, "id"); ok {
				fields = append(fields, describedBy[nid]...)
			}
		}
		if len(fields) == 0 {
			problems = append(problems, "no field points at the message "+text+" (#"+id+") with aria-describedby")
		}
		for _, f := range fields {
			if f.Data == "fieldset" {
				continue
			}
			if v, _ := attr(f, "aria-invalid"); v != "true" {
				fid, _ := attr(f, "id")
				problems = append(problems, "the "+f.Data+" #"+fid+" shows the message "+text+" but has no aria-invalid=\"true\"")
			}
		}
	}
	for _, a := range summaryLinks {
		href, _ := attr(a, "href")
		if ids[href[1:]] == nil {
			problems = append(problems, "the error summary links to "+href+", which is not on the page")
		}
	}
	return problems
}

func inClass(n *html.Node, class string) bool {
	for ; n != nil; n = n.Parent {
		if c, _ := attr(n, "class"); strings.Contains(" "+c+" ", " "+class+" ") {
			return true
		}
	}
	return false
}
