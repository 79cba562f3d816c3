package web

import (
	"io"
	"net/url"

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
