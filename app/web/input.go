package web

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/holdspace/holdspace/app/apperr"
)

// What a form may hold, declared in one place. Every value posted to Holdspace goes through
// CheckValue when the form is read (NewForm): a value with a byte the database cannot store
// (NUL — PostgreSQL refuses it in text — or another control character but tab and line
// breaks), a value that is not UTF-8 (it would be changed to U+FFFD on the way in), or a value
// longer than its field's bound is refused with a message naming the field, before any handler
// writes anything. The domains keep their own, often stricter, rules; these are the ceiling.

// DefaultMaxLen bounds a one-line field (names, emails, numbers, dates, choices), and
// TextareaMaxLen a textarea (a need, a reason, a description, comments).
const (
	DefaultMaxLen  = 200
	TextareaMaxLen = 5000
)

// fieldMaxLen bounds the fields allowed more than DefaultMaxLen: textareas, URLs, passwords
// and the long one-line notes of a session.
var fieldMaxLen = map[string]int{
	// Textareas: TextareaMaxLen, or more. The domains keep their own, lower, limits with their
	// own messages (a request's need: 2,000); this is the ceiling no field goes past.
	"notes":          20000, // a session's notes (sealed); supervision notes are 5,000
	"summary":        TextareaMaxLen,
	"description":    TextareaMaxLen,
	"bio":            TextareaMaxLen,
	"comments":       TextareaMaxLen,
	"need":           TextareaMaxLen,
	"decision_note":  TextareaMaxLen,
	"note":           TextareaMaxLen,
	"reason":         TextareaMaxLen,
	"support_reason": TextareaMaxLen,
	"goal":           TextareaMaxLen,
	"indicator":      TextareaMaxLen,
	"names":          TextareaMaxLen,
	"comment":        TextareaMaxLen, // Budget amendments: decisions (a decision's comment, the thread's)
	"counties_text":  10000,          // counties typed one a line
	// One-line fields longer than a name.
	"url":      1000,
	"email":    254,
	"password": 500,
	"confirm":  500,
	"next":     2000,

	// A budget amendment's justification (4,000 in the domain).
	"justification": TextareaMaxLen,
}

// prefixMaxLen bounds the numbered fields of repeated rows (field name + "_" + a number or id).
var prefixMaxLen = map[string]int{
	"followup_desc_": 500,
	"referral_note_": 500,
	"goal_note_":     500,

	// A budget amendment's line: why it changes (500 in the domain).
	"line_justification_": 500,
}

// fieldLabel names a field in a message where its form name does not read well.
var fieldLabel = map[string]string{
	"q":               "Search",
	"url":             "Web address (URL)",
	"slug":            "Web address",
	"admin_name":      "Your name",
	"admin_email":     "Your email",
	"contact_name":    "Your name",
	"contact_email":   "Your email",
	"confirm":         "Confirm password",
	"counties_text":   "Counties",
	"languages_other": "Other languages",
	"decision_note":   "Note",
	"support_reason":  "Reason",
	"to_stage":        "Stage",
	"_csrf":           "Form token",
}

// MaxLen is the longest value (in characters) field may hold.
func MaxLen(field string) int {
	if n, ok := fieldMaxLen[field]; ok {
		return n
	}
	for p, n := range prefixMaxLen {
		if strings.HasPrefix(field, p) {
			return n
		}
	}
	return DefaultMaxLen
}

// FieldLabel is the field's name as a person reads it: "short_name" is "Short name",
// "followup_desc_2" is "Followup desc 2".
func FieldLabel(field string) string {
	if l, ok := fieldLabel[field]; ok {
		return l
	}
	s := strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ", ".", " ", "[", " ", "]", " ").Replace(field))
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "A field"
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, badRune) {
		return "A field"
	}
	if len([]rune(s)) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	r, size := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[size:]
}

// badRune is a character a text field may not hold: NUL and the other control characters
// but tab, line feed and carriage return (what a textarea sends), and DEL.
func badRune(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

// CheckValue checks one posted value of field. It returns the value with the bytes that cannot
// be kept taken out (what the form shows back), and the problem in a sentence naming the
// field, or "" when the value may be kept as it is.
func CheckValue(field, value string) (clean, problem string) {
	clean = value
	bad := false
	if !utf8.ValidString(clean) {
		clean, bad = strings.ToValidUTF8(clean, ""), true
	}
	if strings.ContainsFunc(clean, badRune) {
		clean, bad = strings.Map(func(r rune) rune {
			if badRune(r) {
				return -1
			}
			return r
		}, clean), true
	}
	if bad {
		return clean, FieldLabel(field) + " contains a character that cannot be stored: remove it and try again."
	}
	if max := MaxLen(field); utf8.RuneCountInString(clean) > max {
		return clean, fmt.Sprintf("%s is longer than %s characters (this has %s).", FieldLabel(field),
			thousands(max), thousands(utf8.RuneCountInString(clean)))
	}
	return clean, ""
}

// checkName checks a field's name itself (a form never sends a name it did not render, but a
// hostile post may): a name that is not plain, or longer than 100 bytes, is refused.
func checkName(name string) string {
	if !utf8.ValidString(name) || strings.ContainsFunc(name, badRune) || len(name) > 100 {
		return "The form sent a field that Holdspace does not know."
	}
	return ""
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// CheckQuery is the middleware that refuses a request whose query string holds a value that
// cannot be kept (a NUL or other control character, bytes that are not UTF-8): the filters of
// a list page read it as they please (c.Query), so the check sits below them, before any
// handler runs. The page says which parameter, as a refusal (422) of what was entered.
func CheckQuery() fiber.Handler {
	return func(c *fiber.Ctx) error {
		var problem string
		c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
			if problem != "" {
				return
			}
			if p := checkName(string(k)); p != "" {
				problem = "The address holds a parameter that Holdspace does not know."
				return
			}
			if !utf8.Valid(v) || strings.ContainsFunc(string(v), badRune) {
				problem = FieldLabel(string(k)) + " contains a character that cannot be stored: remove it and try again."
			}
		})
		if problem != "" {
			return apperr.Errorf(apperr.EINVALID, "%s", problem)
		}
		return c.Next()
	}
}

// RawBody is a webhook's body exactly as sent (its signature covers these bytes, so nothing is
// decoded), or ok false when it is longer than limit bytes, by its Content-Length or its
// length. It is the one reader of a body that is not a form.
func RawBody(c *fiber.Ctx, limit int) (body []byte, ok bool) {
	body = c.Request().Body()
	if c.Request().Header.ContentLength() > limit || len(body) > limit {
		return nil, false
	}
	return body, true
}
