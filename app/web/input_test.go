package web

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

func TestCheckValue(t *testing.T) {
	long := strings.Repeat("é", DefaultMaxLen) // 200 characters, 400 bytes: allowed
	for _, tc := range []struct {
		field, value, clean, problem string
	}{
		{"name", "Prairie Families", "Prairie Families", ""},
		{"name", long, long, ""},
		{"notes", "line one\r\nline\ttwo", "line one\r\nline\ttwo", ""},
		{"name", "Pra\x00irie", "Prairie", "Name contains a character that cannot be stored: remove it and try again."},
		{"short_name", "ab\xffcd", "abcd", "Short name contains a character that cannot be stored: remove it and try again."},
		{"email", "a\x1bb@x.example", "ab@x.example", "Email contains a character that cannot be stored: remove it and try again."},
		{"name", long + "x", long + "x", "Name is longer than 200 characters (this has 201)."},
		{"notes", strings.Repeat("n", 20001), strings.Repeat("n", 20001), "Notes is longer than 20,000 characters (this has 20,001)."},
		{"followup_desc_3", strings.Repeat("f", 501), strings.Repeat("f", 501), "Followup desc 3 is longer than 500 characters (this has 501)."},
		{"followup_desc_3", strings.Repeat("f", 500), strings.Repeat("f", 500), ""},
		{"contact_name", strings.Repeat("x", 100000), strings.Repeat("x", 100000), "Your name is longer than 200 characters (this has 100,000)."},
	} {
		clean, problem := CheckValue(tc.field, tc.value)
		if clean != tc.clean || problem != tc.problem {
			t.Errorf("CheckValue(%q, %.30q) = %.30q, %q; want %.30q, %q", tc.field, tc.value, clean, problem, tc.clean, tc.problem)
		}
	}
}

// formApp answers a POST with what NewForm read: the values, the errors and Refused's status.
func formApp() *fiber.App {
	app := fiber.New()
	app.Post("/form", func(c *fiber.Ctx) error {
		f := NewForm(c)
		return c.JSON(map[string]any{"values": f.Values, "errors": f.Errors, "refused": f.Refused()})
	})
	return app
}

type formAnswer struct {
	Values  url.Values        `json:"values"`
	Errors  map[string]string `json:"errors"`
	Refused int               `json:"refused"`
}

func postForm(t *testing.T, app *fiber.App, contentType string, body []byte) formAnswer {
	t.Helper()
	req := httptest.NewRequest("POST", "/form", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	var a formAnswer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestNewFormRefusesWhatCannotBeKept(t *testing.T) {
	app := formApp()
	t.Run("UrlEncoded", func(t *testing.T) {
		body := "name=Ann%00e&email=a%FFb%40x.example&notes=" + strings.Repeat("n", 300) + "&county=Cook&_csrf=tok"
		a := postForm(t, app, fiber.MIMEApplicationForm, []byte(body))
		if a.Refused != fiber.StatusUnprocessableEntity {
			t.Fatalf("refused %d, want 422", a.Refused)
		}
		want := map[string]string{
			"name":  "Name contains a character that cannot be stored: remove it and try again.",
			"email": "Email contains a character that cannot be stored: remove it and try again.",
			"_form": "Nothing was saved: please correct the fields marked below.",
		}
		for k, v := range want {
			if a.Errors[k] != v {
				t.Errorf("error for %s: %q, want %q", k, a.Errors[k], v)
			}
		}
		if len(a.Errors) != len(want) {
			t.Errorf("errors %v, want only %v", a.Errors, want)
		}
		// What was typed is kept, without the bad bytes; the CSRF token is not a value.
		if a.Values.Get("name") != "Anne" || a.Values.Get("email") != "ab@x.example" || a.Values.Get("county") != "Cook" ||
			len(a.Values.Get("notes")) != 300 || a.Values.Has("_csrf") {
			t.Errorf("values %v", a.Values)
		}
	})
	t.Run("Multipart", func(t *testing.T) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("issuer", strings.Repeat("i", 100000))
		_ = w.WriteField("number", "12\x0034")
		part, _ := w.CreateFormFile("evidence", "scan\xff"+strings.Repeat("n", 300)+".pdf")
		_, _ = part.Write([]byte("%PDF-1.4"))
		w.Close()
		a := postForm(t, app, w.FormDataContentType(), b.Bytes())
		if a.Refused != fiber.StatusUnprocessableEntity {
			t.Fatalf("refused %d, want 422", a.Refused)
		}
		if a.Errors["issuer"] != "Issuer is longer than 200 characters (this has 100,000)." ||
			a.Errors["number"] != "Number contains a character that cannot be stored: remove it and try again." ||
			!strings.Contains(a.Errors["evidence"], "The name of the file chosen for Evidence") {
			t.Errorf("errors %v", a.Errors)
		}
		if a.Values.Get("number") != "1234" || len(a.Values.Get("issuer")) != 100000 {
			t.Errorf("values kept: number %q, issuer %d characters", a.Values.Get("number"), len(a.Values.Get("issuer")))
		}
	})
	t.Run("Good", func(t *testing.T) {
		a := postForm(t, app, fiber.MIMEApplicationForm, []byte("name=Jos%C3%A9+Mart%C3%ADnez&notes=a%0D%0Ab"))
		if a.Refused != 0 || len(a.Errors) != 0 || a.Values.Get("name") != "José Martínez" || a.Values.Get("notes") != "a\r\nb" {
			t.Errorf("a good form: %+v", a)
		}
	})
}

// TestFormsAreReadInOnePlace: every posted value is read through NewForm (and files through
// FormFile), so the checks above see all of them. A handler reading the request's form any
// other way fails this test.
func TestFormsAreReadInOnePlace(t *testing.T) {
	direct := regexp.MustCompile(`\.(FormValue|PostArgs|MultipartForm|BodyParser|PostBody)\(|c\.FormFile\(|\.Body\(\)`)
	root := filepath.Join("..")
	var bad []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "web" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if direct.MatchString(line) && !strings.Contains(line, "resp.Body") && !strings.Contains(line, "res.Body") {
				bad = append(bad, p+":"+strconv.Itoa(i+1)+": "+strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("read the form with web.NewForm (files with web.FormFile), not directly:\n%s", strings.Join(bad, "\n"))
	}
}

// FuzzNewForm posts any url-encoded body: the form reader never panics, never hands a handler
// a value with a byte that cannot be stored or one longer than its bound without a message
// naming that field, and a form it accepts reads back the same when posted again.
func FuzzNewForm(f *testing.F) {
	for _, seed := range []string{
		"name=Prairie+Families&county=Cook",
		"name=%00&email=a%FFb",
		"notes=" + strings.Repeat("x", 20001),
		"a=1&a=2&b=&=c&d",
		"%zz=1&name=%",
		"name=%E2%80%AE&_csrf=x&followup_desc_1=" + strings.Repeat("y", 501),
		"x%00y=1",
	} {
		f.Add([]byte(seed))
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, body []byte) {
		a := readForm(app, fiber.MIMEApplicationForm, body)
		for k, vs := range a.Values {
			for _, v := range vs {
				if !utf8.ValidString(v) || strings.ContainsFunc(v, badRune) {
					t.Fatalf("value of %q handed over with a bad byte: %q", k, v)
				}
				if utf8.RuneCountInString(v) > MaxLen(k) && a.Errors[k] == "" {
					t.Fatalf("value of %q longer than %d without a message", k, MaxLen(k))
				}
			}
		}
		for k, msg := range a.Errors {
			if k == "_form" {
				continue
			}
			if !strings.HasPrefix(msg, FieldLabel(k)+" ") && !strings.Contains(msg, "for "+FieldLabel(k)) {
				t.Fatalf("message for %q does not name it: %q", k, msg)
			}
		}
		if (a.Refused != 0) != (len(a.Errors) > 0) {
			t.Fatalf("refused %d with errors %v", a.Refused, a.Errors)
		}
		if a.Refused == 0 {
			// Round trip: what was accepted, posted again, reads the same.
			again := readForm(app, fiber.MIMEApplicationForm, []byte(a.Values.Encode()))
			if again.Refused != 0 || !sameValues(again.Values, a.Values) {
				t.Fatalf("posted again: %v (refused %d), first %v", again.Values, again.Refused, a.Values)
			}
		}
	})
}

// readForm is what NewForm reads from a request with that body, without a round trip through
// the server (the fuzzer runs it many thousand times a second).
func readForm(app *fiber.App, contentType string, body []byte) formAnswer {
	fctx := &fasthttp.RequestCtx{}
	fctx.Request.Header.SetMethod(fiber.MethodPost)
	fctx.Request.Header.SetContentType(contentType)
	fctx.Request.SetBody(body)
	c := app.AcquireCtx(fctx)
	defer app.ReleaseCtx(c)
	f := NewForm(c)
	return formAnswer{Values: f.Values, Errors: f.Errors, Refused: f.Refused()}
}

func sameValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb := b[k]
		if len(va) != len(vb) {
			return false
		}
		for i := range va {
			if va[i] != vb[i] {
				return false
			}
		}
	}
	return true
}

func TestCheckQuery(t *testing.T) {
	views := fstest.MapFS{
		"layouts/main.html":  {Data: []byte(`{{define "layouts/main_top"}}<html>{{end}}{{define "layouts/main_bottom"}}</html>{{end}}`)},
		"errors/error.html":  {Data: []byte(`{{template "errors/_error" .}}`)},
		"errors/_error.html": {Data: []byte(`<p class="error">{{.D.Heading}}: {{.D.Message}}</p>`)},
	}
	app := fiber.New(fiber.Config{Views: NewEngine(views), ErrorHandler: ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	app.Use(CheckQuery())
	app.Get("/list", func(c *fiber.Ctx) error { return c.SendString("list of " + c.Query("q")) })
	for query, want := range map[string]string{
		"q=Cook":       "list of Cook",
		"q=Jos%C3%A9":  "list of José",
		"q=a%00b":      "Please check what you entered: Search contains a character that cannot be stored",
		"county=%FF":   "Please check what you entered: County contains a character that cannot be stored",
		"status=x%01y": "Please check what you entered: Status contains a character that cannot be stored",
		"%00=1":        "Please check what you entered: The address holds a parameter",
	} {
		res, err := app.Test(httptest.NewRequest("GET", "/list?"+query, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if !strings.Contains(html.UnescapeString(string(b)), want) {
			t.Errorf("?%s: %d %q, want %q", query, res.StatusCode, b, want)
		}
		if strings.HasPrefix(want, "Please") && res.StatusCode != fiber.StatusUnprocessableEntity {
			t.Errorf("?%s: status %d, want 422", query, res.StatusCode)
		}
	}
}
