package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/holdspace/holdspace/app/config"
	"github.com/holdspace/holdspace/app/mail"
	"github.com/holdspace/holdspace/app/mail/mailtest"
)

// newSMTPTestEnv is newTestEnv in production's mail mode: SMTP_URL names a fake SMTP server.
func newSMTPTestEnv(t *testing.T) (*testEnv, *mailtest.Sink) {
	t.Helper()
	sink, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	return newTestEnvWith(t, func(c *config.Config) { c.SMTPURL = sink.URL() }), sink
}

// deliver runs the email:send task of message id, as the worker would.
func (e *testEnv) deliver(t *testing.T, m *mail.Email) {
	t.Helper()
	mux, _ := e.app.Jobs()
	payload := `{"tenant_id":"` + m.TenantID + `","email_id":"` + m.ID + `"}`
	if err := mux.Handler().ProcessTask(context.Background(), asynq.NewTask(mail.TaskSend, []byte(payload))); err != nil {
		t.Fatal(err)
	}
}

// TestOutboxSecretsWithSMTP: in production (SMTP configured) a platform admin never reads a live
// reset link in the outbox, before or after delivery; the person it was for gets it by email,
// and it works; the kept copy holds no token.
func TestOutboxSecretsWithSMTP(t *testing.T) {
	env, sink := newSMTPTestEnv(t)
	admin := env.client(t)
	admin.signIn("platform@holdspace.example")
	const who = "admin@ohio.example"
	env.client(t).post("/password/forgot", url.Values{"email": {who}}).mustStatus(t, http.StatusOK)
	queued := env.lastEmailTo(who)

	admin.get("/admin/outbox").mustStatus(t, http.StatusOK).mustContain(t, "secret links in password resets, invitations and confirmations are not shown here")
	page := admin.get("/admin/outbox/"+queued.ID).mustStatus(t, http.StatusOK).mustContain(t, mail.LinkHidden)
	if strings.Contains(page.body, "/password/reset/") {
		t.Fatalf("before delivery the outbox page shows the reset link:\n%s", page.body)
	}

	env.deliver(t, queued)
	got := sink.Messages()
	if len(got) != 1 {
		t.Fatalf("got %d messages delivered, want 1", len(got))
	}
	m := resetLink.FindStringSubmatch(got[0].Body)
	if m == nil {
		t.Fatalf("the delivered email has no reset link:\n%s", got[0].Body)
	}
	if got[0].MessageID != queued.MessageID || queued.MessageID == "" {
		t.Errorf("delivered with Message-ID %q, want the stored %q", got[0].MessageID, queued.MessageID)
	}

	kept := env.lastEmailTo(who)
	token := m[1][strings.LastIndex(m[1], "/")+1:]
	if kept.Status != mail.StatusSent || strings.Contains(kept.Body, token) || strings.Contains(kept.Secrets, token) {
		t.Fatalf("after delivery the row is %q with body %q secrets %q, want sent and no token", kept.Status, kept.Body, kept.Secrets)
	}
	page = admin.get("/admin/outbox/"+kept.ID).mustStatus(t, http.StatusOK).mustContain(t, mail.LinkRemoved, "Someone (we hope you) asked to reset",
		"<dt>Attempts</dt><dd>1</dd>", "<code>&lt;"+kept.ID+"@holdspace.test&gt;</code>")
	if strings.Contains(page.body, token) {
		t.Fatal("after delivery the outbox page shows the token")
	}
	// The link the person received still works.
	env.client(t).get(m[1]).mustStatus(t, http.StatusOK).mustContain(t, "Choose a new password")
}

// TestOutboxSecretsEmbedded: with no SMTP server the outbox is how mail is read: the page says
// nothing about hidden links, and the invitation link is there to follow.
func TestOutboxSecretsEmbedded(t *testing.T) {
	env := newTestEnv(t)
	admin := env.client(t)
	admin.signIn("platform@holdspace.example")
	env.client(t).post("/password/forgot", url.Values{"email": {"admin@ohio.example"}}).mustStatus(t, http.StatusOK)
	msg := env.lastEmailTo("admin@ohio.example")
	r := admin.get("/admin/outbox").mustStatus(t, http.StatusOK)
	if strings.Contains(r.body, "are not shown here") {
		t.Error("the embedded outbox says links are hidden")
	}
	env.deliver(t, msg)
	m := resetLink.FindStringSubmatch(env.lastEmailTo("admin@ohio.example").Body)
	if m == nil {
		t.Fatal("the kept message lost its link on the embedded default")
	}
	admin.get("/admin/outbox/"+msg.ID).mustStatus(t, http.StatusOK).mustContain(t, `href="http://holdspace.test`+m[1]+`"`)
}

// TestOutboxSecretsEveryKind: every message that carries a secret link marks it, so with SMTP
// configured the outbox shows none of them: invitations, sign-up confirmations and confirmations
// of a request for a consultant, as well as password resets (above).
func TestOutboxSecretsEveryKind(t *testing.T) {
	env, _ := newSMTPTestEnv(t)
	admin := env.client(t)
	admin.signIn("platform@holdspace.example")
	tenantAdmin := env.signedIn(t, "admin@illinois.example")
	tenantAdmin.post("/t/illinois/people/invitations", url.Values{"email": {"sam@example.org"}, "name": {"Sam Reyes"}, "role": {"supervisor"}}).
		mustStatus(t, http.StatusSeeOther)
	env.client(t).post("/signup", signupForm("Prairie Partnership", "prairie-soak", "ana@prairie.example")).mustStatus(t, http.StatusOK)
	env.client(t).post("/t/illinois/find-a-consultant/request", requestForm("rosa@prairie.example")).mustStatus(t, http.StatusOK)
	for who, path := range map[string]string{
		"sam@example.org":      "/t/illinois/invitations/",
		"ana@prairie.example":  "/signup/confirm/",
		"rosa@prairie.example": "/find-a-consultant/confirm/",
	} {
		m := env.lastEmailTo(who)
		if !strings.Contains(m.Body, path) || !strings.Contains(m.Secrets, path) {
			t.Errorf("%s: the message does not mark its link %s… as secret (secrets %s)", who, path, m.Secrets)
			continue
		}
		page := admin.get("/admin/outbox/"+m.ID).mustStatus(t, http.StatusOK).mustContain(t, mail.LinkHidden)
		if strings.Contains(page.body, path) {
			t.Errorf("%s: the outbox page shows the %s… link", who, path)
		}
	}
}
