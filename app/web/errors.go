package web

import (
	"errors"
	"log/slog"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
)

// Status maps an error code to its HTTP status: the one place that does.
func Status(code string) int {
	switch code {
	case apperr.EINVALID:
		return fiber.StatusUnprocessableEntity
	case apperr.ENOTFOUND:
		return fiber.StatusNotFound
	case apperr.ECONFLICT:
		return fiber.StatusConflict
	case apperr.EUNAUTHORIZED:
		return fiber.StatusUnauthorized
	case apperr.EFORBIDDEN:
		return fiber.StatusForbidden
	case apperr.ETOOMANY:
		return fiber.StatusTooManyRequests
	}
	return fiber.StatusInternalServerError
}

// ErrorPage is what the error templates get.
type ErrorPage struct {
	Status  int
	Heading string
	Message string
}

// ErrorHandler renders every error a handler returns: a full page, or for htmx a fragment
// swapped into the main region, with the status that fits. Only internal errors are logged
// as errors.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var fe *fiber.Error
		status, msg := 0, ""
		code := apperr.Code(err)
		switch {
		case errors.As(err, &fe):
			status = fe.Code
			switch status {
			case fiber.StatusNotFound:
				code, msg = apperr.ENOTFOUND, "There is no page at this address. Check the link, or go back to your home page."
			case fiber.StatusMethodNotAllowed:
				code, msg = apperr.ENOTFOUND, "That address cannot be used this way."
			case fiber.StatusRequestEntityTooLarge:
				code, msg = apperr.EINVALID, "What you sent is too large: files up to 5 MB can be uploaded."
			default:
				msg = fe.Message
			}
		default:
			status = Status(code)
			msg = apperr.Message(err)
		}
		if code == apperr.EUNAUTHORIZED && c.Method() == fiber.MethodGet {
			target := "/signin?next=" + url.QueryEscape(c.OriginalURL())
			if IsHTMX(c) {
				c.Set(HXRedirect, target)
				return c.SendStatus(fiber.StatusNoContent)
			}
			return c.Redirect(target, fiber.StatusSeeOther)
		}
		if status >= 500 {
			log.ErrorContext(c.UserContext(), "request failed", "err", err, "path", c.Path(),
				"request_id", c.Locals("requestid"))
		}
		page := ErrorPage{Status: status, Message: msg, Heading: heading(status)}
		if IsHTMX(c) {
			// Put the message where the page's content is, whatever the request aimed at.
			c.Set(HXRetarget, "#main-content")
			c.Set(HXReswap, "innerHTML")
		}
		if rerr := Render(c, status, "errors/error", "errors/_error", View{Title: page.Heading, D: page}); rerr != nil {
			log.Error("render error page", "err", rerr)
			return c.Status(status).SendString(msg)
		}
		return nil
	}
}

func heading(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "Page not found"
	case fiber.StatusForbidden:
		return "You can’t do that here"
	case fiber.StatusUnauthorized:
		return "Please sign in"
	case fiber.StatusTooManyRequests:
		return "Too many attempts"
	case fiber.StatusUnprocessableEntity:
		return "Please check what you entered"
	case fiber.StatusConflict:
		return "That already exists"
	case fiber.StatusServiceUnavailable:
		return "Temporarily unavailable"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return "Something is not right"
}
