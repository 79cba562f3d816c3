package mail

import (
	"context"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/database/dbtest"
	"github.com/holdspace/holdspace/app/mail/mailtest"
)

const resetLink = "http://holdspace.test/password/reset/s3cr3t-t0ken-abc"

func sendReset(t *testing.T, ctx context.Context, m *Mailer) {
	t.Helper()
	body := "Hello Ada,\n\nTo choose a new password, open this link within the next hour:\n\n" + resetLink + "\n\nThe link works once.\n"
	if err := m.Send(ctx, "ada@example.org", "Reset your Holdspace password", body, SecretLink(resetLink)); err != nil {
		t.Fatal(err)
	}
}

// TestSecretLinkCutAfterSMTPDelivery: the recipient gets the link over SMTP; the copy kept in
// the outbox afterwards holds no token, and says the link was removed.
func TestSecretLinkCutAfterSMTPDelivery(t *testing.T) {
	sink, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	smtp, _ := NewSMTP(sink.URL())
	e := newEnv(t)
	m := e.mailer(smtp)
	sendReset(t, tenantCtx(""), m)
	if got := m.Readable(e.email(t)); strings.Contains(got, "s3cr3t") || !strings.Contains(got, LinkHidden) {
		t.Fatalf("before delivery, with SMTP: the outbox would show %q, want the link hidden", got)
	}
	if err := e.run(t, m, e.tasks(t)[0]); err != nil {
		t.Fatal(err)
	}
	got := sink.Messages()
	if len(got) != 1 || !strings.Contains(got[0].Body, resetLink) {
		t.Fatalf("the recipient got %+v, want the reset link", got)
	}
	em := e.email(t)
	if em.Status != StatusSent || strings.Contains(em.Body, "s3cr3t") || strings.Contains(em.Secrets, "s3cr3t") {
		t.Fatalf("after delivery the row keeps status %q body %q secrets %q, want sent and no token", em.Status, em.Body, em.Secrets)
	}
	if !strings.Contains(em.Body, "open this link within the next hour:\n\n"+LinkRemoved+"\n\nThe link works once.") {
		t.Errorf("after delivery the body reads %q, want the link replaced by %q and the rest kept", em.Body, LinkRemoved)
	}
	if r := m.Readable(em); strings.Contains(r, "s3cr3t") {
		t.Errorf("the outbox shows %q", r)
	}
}

// TestSecretLinkOnTheEmbeddedDefault: with no SMTP server the outbox is how mail is read, so
// the link stays and is shown.
func TestSecretLinkOnTheEmbeddedDefault(t *testing.T) {
	e := newEnv(t)
	m := e.mailer(nil)
	sendReset(t, tenantCtx(""), m)
	if err := e.run(t, m, e.tasks(t)[0]); err != nil {
		t.Fatal(err)
	}
	em := e.email(t)
	if em.Status != StatusOutbox || !strings.Contains(m.Readable(em), resetLink) || !m.ShowsSecrets() {
		t.Fatalf("got status %q, readable %q, want kept in the outbox with the link shown", em.Status, m.Readable(em))
	}
}

// TestSecretLinkMustBeInTheBody: naming a link that the body does not hold is a mistake in the
// code, refused before anything is written.
func TestSecretLinkMustBeInTheBody(t *testing.T) {
	e := newEnv(t)
	m := e.mailer(nil)
	err := m.Send(tenantCtx(""), "ada@example.org", "Reset", "no link here", SecretLink(resetLink))
	if err == nil || !strings.Contains(err.Error(), "not in the body") {
		t.Fatalf("got %v, want a refusal", err)
	}
	if n, _ := dbtest.Owner(t, e.db).NewSelect().Model((*Email)(nil)).Count(context.Background()); n != 0 {
		t.Fatalf("got %d messages written, want 0", n)
	}
}
