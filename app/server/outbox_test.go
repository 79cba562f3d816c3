package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestOutboxMessageLinks: a message's http(s) links are links on the platform outbox's message
// page (a reset link can be followed with one click); anything else in the text, HTML and
// javascript: addresses included, stays escaped text.
func TestOutboxMessageLinks(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t)
	c.signIn("platform@holdspace.example")
	env.client(t).post("/password/forgot", url.Values{"email": {"admin@ohio.example"}})
	reset := env.lastEmailTo("admin@ohio.example")
	link := regexp.MustCompile(`http://holdspace\.test/password/reset/[A-Za-z0-9_-]+`).FindString(reset.Body)
	if link == "" {
		t.Fatalf("no reset link in %q", reset.Body)
	}
	c.get("/admin/outbox/"+reset.ID).mustStatus(t, http.StatusOK).mustContain(t, `<a class="usa-link" href="`+link+`">`+link+`</a>`)

	body := "See https://a.example/x?y=1&z=2. Not javascript:alert(1) nor <b>bold</b> <a href=\"http://evil.example/\">here</a>."
	if err := env.app.Mail.Send(context.Background(), "someone@example.org", "Links", body); err != nil {
		t.Fatal(err)
	}
	m := env.lastEmailTo("someone@example.org")
	r := c.get("/admin/outbox/"+m.ID).mustStatus(t, http.StatusOK).
		mustContain(t, `<a class="usa-link" href="https://a.example/x?y=1&amp;z=2">https://a.example/x?y=1&amp;z=2</a>.`,
			"javascript:alert(1)", "&lt;b&gt;bold&lt;/b&gt;", `&lt;a href=&#34;<a class="usa-link" href="http://evil.example/">http://evil.example/</a>&#34;&gt;here&lt;/a&gt;`)
	page := r.body[strings.Index(r.body, `class="hs-mail"`):]
	for _, never := range []string{"<b>", `href="javascript`, `<a href="http://evil.example/">`} {
		if strings.Contains(page, never) {
			t.Errorf("the message page holds %q", never)
		}
	}
}
