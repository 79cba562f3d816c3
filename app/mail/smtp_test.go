package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is the smallest SMTP server that accepts one message: enough to check that SMTP
// sends what the outbox holds, to whom, over a real connection.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	rcpt []string
	data string
}

func startFakeSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *fakeSMTP) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second)) //nolint:errcheck
	r := bufio.NewReader(conn)
	say := func(line string) { conn.Write([]byte(line + "\r\n")) } //nolint:errcheck
	say("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM"), strings.HasPrefix(cmd, "RSET"), strings.HasPrefix(cmd, "NOOP"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			s.mu.Lock()
			s.rcpt = append(s.rcpt, strings.TrimSpace(line[len("RCPT TO:"):]))
			s.mu.Unlock()
			say("250 ok")
		case cmd == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.data = b.String()
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

func TestSMTPSends(t *testing.T) {
	srv := startFakeSMTP(t)
	s, err := NewSMTP("smtp://" + srv.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	e := &Email{To: "latoya.brooks@prairie.example", Subject: "You are invited to Illinois", Body: "Open this link: https://x.example/t/illinois/invitations/abc"}
	if err := s.Send(context.Background(), "Holdspace <no-reply@holdspace.test>", e); err != nil {
		t.Fatalf("send: %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.rcpt) != 1 || !strings.Contains(srv.rcpt[0], "latoya.brooks@prairie.example") {
		t.Fatalf("got recipients %v", srv.rcpt)
	}
	for _, want := range []string{"Subject: You are invited to Illinois", "invitations/abc", "From: \"Holdspace\" <no-reply@holdspace.test>"} {
		if !strings.Contains(srv.data, want) {
			t.Fatalf("the message lacks %q:\n%s", want, srv.data)
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
