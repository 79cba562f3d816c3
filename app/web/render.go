package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"github.com/holdspace/holdspace/app/apperr"
	"github.com/holdspace/holdspace/app/authz"
	"github.com/holdspace/holdspace/app/dates"
)

// Layout is what every full page needs: who, where, the CSRF token and the links.
type Layout struct {
	Identity *Identity
	Tenant   *TenantInfo
	CSRF     string
	Nav      []NavItem
	Menu     []MenuEntry   // Nav arranged for the menu bar
	MenuHTML template.HTML // Menu, written (MenuHTML)
	Flash    string
	Path     string
}

// View is what a template gets: the layout (.L), the page's own data (.D) and, for a form,
// the values typed and what is wrong with them (.Form).
type View struct {
	Title string
	L     *Layout
	D     any
	Form  *Form
	// Wide pages (lists whose tables need the room) use the wide container, not the
	// reading width.
	Wide bool
}

// Form keeps what a person typed and the message for each bad field, so a form that fails
// validation comes back with their input.
type Form struct {
	Values url.Values
	Errors map[string]string
}

// NewForm reads the request's posted values, url-encoded or multipart (a file's name counts
// as a value of its field): the one place a handler reads a form. Each value goes through
// CheckValue: one that cannot be kept (a NUL or other control byte, bytes that are not UTF-8,
// more characters than its field's bound) puts a message naming the field in Errors and is
// kept without the bad bytes, so the page shows back what was typed. A handler refuses a form
// that HasErrors before it writes anything, and shows it again with Refused's status.
func NewForm(c *fiber.Ctx) *Form {
	f := &Form{Values: url.Values{}, Errors: map[string]string{}}
	add := func(k, v string) {
		if k == CSRFField {
			return
		}
		if p := checkName(k); p != "" {
			f.Errors["_form"] = p
			return
		}
		clean, problem := CheckValue(k, v)
		if problem != "" {
			if _, dup := f.Errors[k]; !dup {
				f.Errors[k] = problem
			}
		}
		f.Values.Add(k, clean)
	}
	if IsMultipart(c) {
		mf, err := c.MultipartForm()
		if err != nil {
			f.Errors["_form"] = "The form could not be read: go back, reload the page and send it again."
		} else {
			for k, vs := range mf.Value {
				for _, v := range vs {
					add(k, v)
				}
			}
			for k, fhs := range mf.File {
				for _, fh := range fhs {
					if _, problem := CheckValue(k, fh.Filename); problem != "" {
						f.Errors[k] = "The name of the file chosen for " + FieldLabel(k) + " contains a character that cannot be stored, or is too long: rename the file and choose it again."
					}
				}
			}
		}
		return f
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { add(string(k), string(v)) })
	return f
}

// IsMultipart reports whether the request's body is multipart/form-data (a form with a file).
func IsMultipart(c *fiber.Ctx) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(string(c.Request().Header.ContentType()))), fiber.MIMEMultipartForm)
}

// FormFile is the file posted in field, when the form was multipart and one was chosen; its
// name was checked when the form was read (NewForm).
func FormFile(c *fiber.Ctx, field string) (*multipart.FileHeader, bool) {
	if !IsMultipart(c) {
		return nil, false
	}
	fh, err := c.FormFile(field)
	if err != nil || fh == nil {
		return nil, false
	}
	return fh, true
}

// Refused is the status to answer a form with when reading it found values that cannot be kept
// (422), or 0 when the form may go on to the domain's own checks. The handler then shows the
// form again with f, and writes nothing.
func (f *Form) Refused() int {
	if f.HasErrors() {
		if f.Errors["_form"] == "" {
			f.Errors["_form"] = "Nothing was saved: please correct the fields marked below."
		}
		return fiber.StatusUnprocessableEntity
	}
	return 0
}

// Err is the refusal as an error (EINVALID, naming each field), or nil: for a handler whose
// page takes its errors from an error.
func (f *Form) Err() error {
	if !f.HasErrors() {
		return nil
	}
	fields := map[string]string{}
	for k, v := range f.Errors {
		if k != "_form" {
			fields[k] = v
		}
	}
	if len(fields) == 0 {
		return apperr.Errorf(apperr.EINVALID, "%s", f.Errors["_form"])
	}
	e := apperr.Invalid(fields)
	if m := f.Errors["_form"]; m != "" {
		e.Message = m
	}
	return e
}

// Get returns the value typed for name.
func (f *Form) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Error returns the message for name, or "".
func (f *Form) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// HasErrors reports whether any field is wrong.
func (f *Form) HasErrors() bool { return f != nil && len(f.Errors) > 0 }

// NewEngine loads the templates from fsys (views/), with the helpers they use.
func NewEngine(fsys fs.FS) *html.Engine {
	e := html.NewFileSystem(http.FS(fsys), ".html")
	e.AddFuncMap(template.FuncMap{
		"roleLabel": authz.RoleLabel,
		"date":      Date,
		"datetime":  DateTime,
		"isoTime":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"query": func(kv ...string) template.URL {
			v := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] != "" {
					v.Set(kv[i], kv[i+1])
				}
			}
			return template.URL(v.Encode())
		},
		"plural":    Plural,
		"hasPrefix": strings.HasPrefix,
		// A select's options ([]Option) in one call: OptionsHTML, the same bytes as a range.
		"options": OptionsHTML,
		// Date fields: the format the person sees, and a stored date written that way.
		"clip":     Clip,
		"dateHint": dates.Hint,
		"mdy":      dates.Show,
		"errorSummary": func(f *Form, args ...string) *ErrorSummary {
			return f.Summary(args...)
		},
	})
	return e
}

// Date is a day as pages show it ("Jan 2, 2006"; the templates' date), "" for none: t is a
// time.Time or a *time.Time.
func Date(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format("Jan 2, 2006")
	case *time.Time:
		if v == nil || v.IsZero() {
			return ""
		}
		return v.UTC().Format("Jan 2, 2006")
	}
	return ""
}

// Plural is a count with its noun ("1 goal", "3 goals"; the templates' plural).
func Plural(n int, one, many string) string {
	if n == 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// DateTime is a moment as pages show it ("Jan 2, 2006 15:04 UTC"; the templates' datetime), ""
// for none: t is a time.Time or a *time.Time.
func DateTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format("Jan 2, 2006 15:04 UTC")
	case *time.Time:
		if v == nil || v.IsZero() {
			return ""
		}
		return v.UTC().Format("Jan 2, 2006 15:04 UTC")
	}
	return ""
}

// LayoutOf assembles the layout from what the middleware recorded on the request.
func LayoutOf(c *fiber.Ctx) *Layout {
	l := &Layout{
		Identity: IdentityOf(c),
		Tenant:   TenantOf(c),
		CSRF:     CSRFToken(c),
		Nav:      NavOf(c),
		Path:     c.Path(),
	}
	if f := ReadCookie(c, flashCookie); f != "" {
		if msg, err := url.QueryUnescape(f); err == nil {
			l.Flash = msg
		}
		// Expire it on the path it was set on, or the browser keeps showing it.
		ClearCookie(c, flashCookie)
	}
	for i := range l.Nav {
		l.Nav[i].Current = l.Nav[i].Href == l.Path || (strings.Count(l.Nav[i].Href, "/") > 3 && strings.HasPrefix(l.Path, l.Nav[i].Href))
	}
	l.Menu = Menu(l.Nav)
	if l.Identity != nil {
		l.MenuHTML = MenuHTML(l.Menu)
	}
	return l
}

const flashCookie = "hs_flash"

// Flash leaves a one-line message for the next page the person sees.
func Flash(c *fiber.Ctx, msg string) {
	SetCookie(c, &fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), MaxAge: 60})
}

// Render answers with page inside the layout, or, for a non-boosted htmx request, with just
// fragment (the same template the page includes). Responses vary on HX-Request so a cache
// never serves one for the other.
func Render(c *fiber.Ctx, status int, page, fragment string, v View) error {
	c.Vary(HXRequest)
	if v.L == nil {
		v.L = LayoutOf(c)
	}
	if err := v.L.Identity.knowMemberships(); err != nil {
		return err
	}
	c.Status(status)
	start := time.Now()
	defer addDrawTime(c, start)
	if WantsFragment(c) && fragment != "" {
		return c.Render(fragment, v)
	}
	// The page first, into a pooled buffer, then the layout's top, the page and the layout's
	// bottom straight into the response. Not the template engine's own layouts: those hold one
	// lock over the whole of every render (they change the layout's functions for each one), so
	// a busy server drew one page at a time. Nor the page as a {{.Body}} of the layout: that
	// copied a page of up to a few hundred kilobytes three times more (to a string, through the
	// template, into the response).
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			pageBuffers.Put(buf)
		}
	}()
	views := c.App().Config().Views
	if err := views.Render(buf, page, v); err != nil {
		return err
	}
	resp := c.Response()
	resp.ResetBody()
	w := resp.BodyWriter()
	if err := views.Render(w, PageLayoutTop, v); err != nil {
		resp.ResetBody()
		return err
	}
	_, _ = w.Write(buf.Bytes())
	if err := views.Render(w, PageLayoutBottom, v); err != nil {
		resp.ResetBody()
		return err
	}
	resp.Header.SetContentType(fiber.MIMETextHTMLCharsetUTF8)
	return nil
}

type drawKey struct{}

// addDrawTime adds the time since start to the request's drawing time (DrawTime).
func addDrawTime(c *fiber.Ctx, start time.Time) {
	d, _ := c.Locals(drawKey{}).(time.Duration)
	c.Locals(drawKey{}, d+time.Since(start))
}

// DrawTime is how long the request spent drawing its page with the templates (Render): the
// Server-Timing header's "draw", beside the SQL's "db" and the whole request's "app", so the
// load harness can tell a page slow in its templates from one slow in its own Go.
func DrawTime(c *fiber.Ctx) time.Duration {
	d, _ := c.Locals(drawKey{}).(time.Duration)
	return d
}

// PageLayoutTop and PageLayoutBottom are the layout every full page is drawn in: what comes
// before the page and what comes after it (views/layouts/main.html).
const (
	PageLayoutTop    = "layouts/main_top"
	PageLayoutBottom = "layouts/main_bottom"
)

// pageBuffers are the buffers pages are rendered into before their layout.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Clipped is a long text cut for a table cell: Text, and whether it was cut (then the page
// links to the whole text).
type Clipped struct {
	Text string
	Cut  bool
}

// Clip cuts s to at most n characters, at a space when there is one in the last third, and
// ends it with "…".
func Clip(n int, s string) Clipped {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return Clipped{Text: string(r)}
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)*2/3 {
		cut = cut[:i]
	}
	return Clipped{Text: strings.TrimRight(cut, " ,.;:") + "…", Cut: true}
}
