package mail

import (
	"context"
	"strings"
	"testing"

	"github.com/holdspace/holdspace/app/mail/mailtest"
)

func TestSMTPSends(t *testing.T) {
	srv, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	s, err := NewSMTP(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	e := &Email{To: "latoya.brooks@prairie.example", Subject: "You are invited to Illinois", Body: "Open this link: https://x.example/t/illinois/invitations/abc"}
	if err := s.Send(context.Background(), "Holdspace <no-reply@holdspace.test>", e); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := srv.Messages()
	if len(got) != 1 || len(got[0].To) != 1 || !strings.Contains(got[0].To[0], "latoya.brooks@prairie.example") {
		t.Fatalf("got %+v, want one message to latoya.brooks@prairie.example", got)
	}
	for _, want := range []string{"Subject: You are invited to Illinois", "invitations/abc", "From: \"Holdspace\" <no-reply@holdspace.test>"} {
		if !strings.Contains(got[0].Raw, want) {
			t.Fatalf("the message lacks %q:\n%s", want, got[0].Raw)
		}
	}
}

func TestSMTPBadRecipientIsInvalid(t *testing.T) {
	s, _ := NewSMTP("smtp://127.0.0.1:1")
	err := s.Send(context.Background(), "no-reply@holdspace.test", &Email{To: "not an address", Subject: "x", Body: "y"})
	if err == nil || !strings.Contains(err.Error(), "recipient address") {
		t.Fatalf("got %v, want an invalid-recipient error", err)
	}
}
