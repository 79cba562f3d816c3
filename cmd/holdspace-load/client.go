package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// acceptEncoding is what a browser asks for, so the bytes counted are the bytes a browser
// would be sent (gzip or not, as the server chooses).
const acceptEncoding = "gzip, deflate, br"

// browser is one person's HTTP client: their cookies, and no redirects followed, so that a
// page answering with a redirect is reported as one.
type browser struct {
	base   string
	client *http.Client
	Cookie string // the Cookie header the session needs, for the load generator
}

func newBrowser(base string, timeout time.Duration) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{base: base, client: &http.Client{
		Jar:     jar,
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// csrfInput finds the sign-in form's token.
var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs in like a person: the form (for its CSRF token and the visitor cookie), then
// the email and password posted; a redirect with a session cookie means it worked.
func (b *browser) signIn(ctx context.Context, email, password string) error {
	body, _, err := b.get(ctx, "/signin")
	if err != nil {
		return err
	}
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		return errors.New("the sign-in page has no CSRF token")
	}
	form := url.Values{"_csrf": {html.UnescapeString(m[1])}, "email": {email}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, "POST", b.base+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return fmt.Errorf("sign-in as %s answered %d: %s", email, resp.StatusCode, errorText(string(page)))
	}
	u, _ := url.Parse(b.base)
	var parts []string
	for _, c := range b.client.Jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	b.Cookie = strings.Join(parts, "; ")
	return nil
}

// errorText is the first error message of a page, to say why a sign-in failed.
func errorText(page string) string {
	if m := regexp.MustCompile(`usa-error-message[^>]*>([^<]+)<`).FindStringSubmatch(page); m != nil {
		return html.UnescapeString(m[1])
	}
	if m := regexp.MustCompile(`usa-alert__text[^>]*>([^<]+)<`).FindStringSubmatch(page); m != nil {
		return html.UnescapeString(strings.TrimSpace(m[1]))
	}
	return "(no message)"
}

func (b *browser) get(ctx context.Context, path string) (string, *http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.base+path, nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), resp, err
}

// hit is one request's measure.
type hit struct {
	Status     int
	Statements int
	SQL, App   float64 // ms, from Server-Timing
	Draw       float64 // ms the templates took, from Server-Timing
	Client     float64 // ms, as the client saw it
	Bytes      int     // the body as sent
	Encoding   string  // Content-Encoding
	Timed      bool    // Server-Timing was there
}

// request gets path once as the person, as a browser would ask for it.
func (b *browser) request(ctx context.Context, path string, header map[string]string) (hit, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.base+path, nil)
	if err != nil {
		return hit{}, err
	}
	// Set by hand, Go's client leaves the body as sent (it decompresses only what it asked for).
	req.Header.Set("Accept-Encoding", acceptEncoding)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := b.client.Do(req)
	if err != nil {
		return hit{}, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	h := hit{Status: resp.StatusCode, Client: ms(time.Since(start)), Bytes: int(n), Encoding: resp.Header.Get("Content-Encoding")}
	st, ok := parseServerTiming(resp.Header.Get("Server-Timing"))
	h.Statements, h.SQL, h.App, h.Draw, h.Timed = st.Statements, st.SQL, st.App, st.Draw, ok
	return h, err
}

// serverTiming reads `db;desc="N statements";dur=X, app;dur=Y, draw;dur=Z` (app/server/http.go
// observe); a server from before the drawing time leaves out its part.
var serverTiming = regexp.MustCompile(`db;desc="(\d+) statements?";dur=([0-9.]+),\s*app;dur=([0-9.]+)(?:,\s*draw;dur=([0-9.]+))?`)

// timing is a request's Server-Timing: its statements, and the milliseconds of its SQL, of the
// whole request in the server, and of drawing its page.
type timing struct {
	Statements     int
	SQL, App, Draw float64
}

func parseServerTiming(v string) (timing, bool) {
	m := serverTiming.FindStringSubmatch(v)
	if m == nil {
		return timing{}, false
	}
	var t timing
	t.Statements, _ = strconv.Atoi(m[1])
	t.SQL, _ = strconv.ParseFloat(m[2], 64)
	t.App, _ = strconv.ParseFloat(m[3], 64)
	if m[4] != "" {
		t.Draw, _ = strconv.ParseFloat(m[4], 64)
	}
	return t, true
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
