package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

func compressApp() *fiber.App {
	app := fiber.New()
	app.Use(Compress())
	// About 60 KB of rows that differ as real ones do (dates, names, ids, numbers).
	var sb strings.Builder
	sb.WriteString("<!doctype html><title>Engagements</title><table>")
	for i := range 400 {
		fmt.Fprintf(&sb, `<tr><td><a href="/t/illinois/engagements/0193%08x-7c4e-7a1b-9f3e-%012x">Program %03d</a></td><td>Consultant %03d</td><td>2026-%02d-%02d</td><td>%d sessions</td><td>%d.%d hours</td></tr>`+"\n",
			i*7919, i*104729, i%97, i%211, 1+i%12, 1+i%28, i%53, i%31, i%10)
	}
	page := sb.String()
	app.Get("/page", func(c *fiber.Ctx) error { c.Type("html"); return c.SendString(page) })
	app.Get("/small", func(c *fiber.Ctx) error { c.Type("html"); return c.SendString("<p>Saved.</p>") })
	app.Get("/file.csv", func(c *fiber.Ctx) error {
		c.Attachment("sessions.csv")
		return c.SendString(strings.Repeat("2026-11-03,60,virtual\n", 200))
	})
	return app
}

// A page goes out compressed as the browser asks, and reads back the same; small bodies and
// downloads go out as they are.
func TestCompress(t *testing.T) {
	app := compressApp()
	get := func(path, accept string) (*fasthttp.Response, []byte) {
		req := httptest.NewRequest("GET", path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		r := &fasthttp.Response{}
		r.Header.Set("Content-Encoding", res.Header.Get("Content-Encoding"))
		r.Header.Set("Vary", res.Header.Get("Vary"))
		r.SetBody(body)
		return r, body
	}
	plain, want := get("/page", "")
	if enc := string(plain.Header.Peek("Content-Encoding")); enc != "" {
		t.Fatalf("without Accept-Encoding the page is %q", enc)
	}
	for _, accept := range []string{"gzip", "br", "gzip, deflate, br"} {
		r, body := get("/page", accept)
		enc := string(r.Header.Peek("Content-Encoding"))
		wantEnc := "gzip"
		if strings.Contains(accept, "br") {
			wantEnc = "br"
		}
		if enc != wantEnc {
			t.Fatalf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, enc, wantEnc)
		}
		if len(body)*4 > len(want) {
			t.Errorf("%s: %d bytes of %d: hardly smaller", enc, len(body), len(want))
		}
		var got []byte
		var err error
		if enc == "br" {
			got, err = r.BodyUnbrotli()
		} else {
			zr, zerr := gzip.NewReader(bytes.NewReader(body))
			if zerr != nil {
				t.Fatal(zerr)
			}
			got, err = io.ReadAll(zr)
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: the page read back differs (%v)", enc, err)
		}
		if !strings.Contains(string(r.Header.Peek("Vary")), "Accept-Encoding") {
			t.Errorf("%s: no Vary: Accept-Encoding", enc)
		}
	}
	for _, path := range []string{"/small", "/file.csv"} {
		if r, _ := get(path, "gzip, br"); len(r.Header.Peek("Content-Encoding")) > 0 {
			t.Errorf("%s was compressed", path)
		}
	}
}

// BenchmarkCompress is the CPU a 60 KB page costs to compress (the engagements page's size
// before it was paged), per encoding.
func BenchmarkCompress(b *testing.B) {
	app := compressApp()
	for _, accept := range []string{"", "gzip", "br"} {
		b.Run("accept="+accept, func(b *testing.B) {
			h := app.Handler()
			ctx := &fasthttp.RequestCtx{}
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.SetRequestURI("/page")
				if accept != "" {
					ctx.Request.Header.Set("Accept-Encoding", accept)
				}
				h(ctx)
			}
			b.ReportMetric(float64(len(ctx.Response.Body())), "bytes")
		})
	}
}

// The CSRF token on a page changes with every response, and every one of them is accepted.
func TestCSRFTokenMaskedPerResponse(t *testing.T) {
	app := fiber.New()
	app.Use(CSRF([]byte("0123456789abcdef0123456789abcdef")))
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(CSRFToken(c)) })
	app.Post("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
	cookie := "hs_visitor=" + strings.Repeat("v", 43)
	token := func() string {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Cookie", cookie)
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	post := func(tok string) int {
		req := httptest.NewRequest("POST", "/", nil)
		req.Header.Set("Cookie", cookie)
		req.Header.Set(CSRFHeader, tok)
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode
	}
	a, b := token(), token()
	if a == b || a == "" {
		t.Fatalf("two responses carry the same token %q", a)
	}
	for _, tok := range []string{a, b} {
		if s := post(tok); s != 200 {
			t.Errorf("token %q refused: %d", tok, s)
		}
	}
	bad := []byte(a)
	bad[5] ^= 1
	for _, tok := range []string{string(bad), "", "x", a[:len(a)-2]} {
		if s := post(tok); s == 200 {
			t.Errorf("token %q accepted", tok)
		}
	}
}

// Static files are compressed once and sent as the browser accepts, with an ETag that makes a
// second visit a 304.
func TestStaticFiles(t *testing.T) {
	css := strings.Repeat(".usa-button{color:#005ea2}\n", 400)
	fsys := fstest.MapFS{"css/site.css": {Data: []byte(css)}, "img/x.png": {Data: []byte("\x89PNG")}}
	app := fiber.New()
	app.Get("/static/*", StaticFiles(fsys, "/static/"))
	get := func(path string, headers ...string) (*http.Response, string) {
		req := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body := get("/static/css/site.css")
	if res.StatusCode != 200 || body != css || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || res.Header.Get("Cache-Control") != "public, max-age=3600" {
		t.Fatalf("plain: %d %q %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"), len(body))
	}
	res, body = get("/static/css/site.css", "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: %q %v", res.Header.Get("Content-Encoding"), err)
	}
	if got, _ := io.ReadAll(zr); string(got) != css {
		t.Fatal("gzip: the file read back differs")
	}
	res, body = get("/static/css/site.css", "Accept-Encoding", "gzip, br")
	r := &fasthttp.Response{}
	r.SetBodyString(body)
	if got, err := r.BodyUnbrotli(); res.Header.Get("Content-Encoding") != "br" || err != nil || string(got) != css {
		t.Fatalf("br: %q %v", res.Header.Get("Content-Encoding"), err)
	}
	if res, _ = get("/static/css/site.css", "If-None-Match", res.Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
		t.Errorf("with its ETag: %d, want 304", res.StatusCode)
	}
	if res, body = get("/static/img/x.png", "Accept-Encoding", "gzip, br"); res.Header.Get("Content-Encoding") != "" || body != "\x89PNG" {
		t.Errorf("a small image: %q", res.Header.Get("Content-Encoding"))
	}
	for _, p := range []string{"/static/nope.css", "/static/../web.go", "/static/css/../../x"} {
		if res, _ := get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, res.StatusCode)
		}
	}
}
