package web

import (
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
)

// FormError puts a bad-input error's messages on the form (each field's, and the whole
// error's under "_form") and returns the status to answer with; 0 when err is not about the
// input (nil, or any code but EINVALID and ECONFLICT), and the handler goes on as usual.
func FormError(f *Form, err error) int {
	code := apperr.Code(err)
	if err == nil || (code != apperr.EINVALID && code != apperr.ECONFLICT) {
		return 0
	}
	for k, v := range apperr.FieldsOf(err) {
		f.Errors[k] = v
	}
	f.Errors["_form"] = apperr.Message(err)
	return Status(code)
}

// Attachment sends a stored file as a download: never shown inline, never cached, its type not
// sniffed. The name is quoted and also given in RFC 5987 form for non-ASCII names.
func Attachment(c *fiber.Ctx, r io.Reader, name, contentType string) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, "attachment; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return c.Send(b)
}

// ErrorSummary is the box at the top of a form that failed: the whole error's message and, for
// each field in error, its message as a link to the field.
type ErrorSummary struct {
	Message string
	Items   []ErrorItem
}

// ErrorItem is one field's line in the summary: ID is the field's element id (the link's
// target), Field its form name.
type ErrorItem struct {
	Field, ID, Message string
}

// Summary gives the error summary of f, or nil when nothing is wrong. The form's template
// renders it with {{template "layouts/_errors" (errorSummary .Form ...)}}. Each line links to
// the field's message, whose id is the field's name and "-error" (a group of radios or boxes
// has one too), unless an argument "name=id" names the field's element (fields listed so come
// first, in that order; the rest by name); an argument without "=" is a sentence added to the
// message. The page script moves the focus from a message to its field.
func (f *Form) Summary(args ...string) *ErrorSummary {
	if !f.HasErrors() {
		return nil
	}
	s := &ErrorSummary{Message: f.Errors["_form"]}
	if s.Message == "" {
		s.Message = "Please correct the fields marked below."
	}
	ids := map[string]string{}
	var order []string
	for _, a := range args {
		name, id, ok := strings.Cut(a, "=")
		if !ok {
			s.Message += " " + a
			continue
		}
		ids[name] = id
		order = append(order, name)
	}
	var rest []string
	for k := range f.Errors {
		if _, listed := ids[k]; !listed && k != "_form" {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range append(order, rest...) {
		msg, ok := f.Errors[k]
		if !ok || k == "_form" {
			continue
		}
		id := ids[k]
		if id == "" {
			id = k + "-error" // the field's message, beside the field (a group's too)
		}
		s.Items = append(s.Items, ErrorItem{Field: k, ID: id, Message: msg})
	}
	return s
}
