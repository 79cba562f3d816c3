// Package mailtest is a fake SMTP server for tests and the soak: it accepts every message over
// a real connection and keeps it, so a test can read what a person would receive and count
// deliveries by Message-ID.
package mailtest

import (
	"bufio"
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"
)

// Message is one delivered message, decoded.
type Message struct {
	MessageID string // as sent, "<…>"
	To        []string
	Subject   string
	Body      string // the text, transfer encoding undone
	Raw       string
}

// Sink is the fake SMTP server.
type Sink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []Message
	// Hold, if set, is called after the DATA is read and before the server answers it: a test
	// blocks there to stand for an SMTP server that never answers.
	Hold func()
}

// Start listens on a loopback port. Close stops it.
func Start() (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s, nil
}

// URL is the SMTP_URL of the sink.
func (s *Sink) URL() string { return "smtp://" + s.ln.Addr().String() }

// Addr is its host:port.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Close stops accepting connections.
func (s *Sink) Close() error { return s.ln.Close() }

// Messages returns a copy of what was delivered, in order.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count returns the number of deliveries per Message-ID.
func (s *Sink) Count() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, m := range s.msgs {
		out[m.MessageID]++
	}
	return out
}

func (s *Sink) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second)) //nolint:errcheck
	r := bufio.NewReader(conn)
	say := func(line string) { conn.Write([]byte(line + "\r\n")) } //nolint:errcheck
	say("220 sink ESMTP")
	var rcpt []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-sink")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM"), strings.HasPrefix(cmd, "NOOP"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RSET"):
			rcpt = nil
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			rcpt = append(rcpt, strings.Trim(strings.TrimSpace(line[len("RCPT TO:"):]), "<>"))
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
				b.WriteString(strings.TrimPrefix(l, ".")) // undo dot-stuffing
			}
			if s.Hold != nil {
				s.Hold()
			}
			m := parse(b.String())
			m.To = rcpt
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			rcpt = nil
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

func parse(raw string) Message {
	m := Message{Raw: raw}
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return m
	}
	m.MessageID = msg.Header.Get("Message-Id")
	m.Subject = msg.Header.Get("Subject")
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, _ := io.ReadAll(body)
	m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	return m
}
