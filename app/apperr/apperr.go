// Package apperr is Holdspace's one error type: a code a program can act on and a message a
// person can read. The web layer maps codes to HTTP statuses in one place; only EINTERNAL is
// logged as an error.
package apperr

import (
	"errors"
	"fmt"
)

// Error codes.
const (
	EINVALID      = "invalid"      // the input is wrong; Fields names what and why
	ENOTFOUND     = "not_found"    // no such record in the caller's scope
	ECONFLICT     = "conflict"     // the record already exists or changed under us
	EUNAUTHORIZED = "unauthorized" // not signed in
	EFORBIDDEN    = "forbidden"    // signed in, but the role may not do this
	ETOOMANY      = "too_many"     // rate limited
	EINTERNAL     = "internal"     // a bug or an outage
)

// Error is an application error.
type Error struct {
	Code    string
	Message string
	// Fields maps a form field name to what is wrong with it (for EINVALID).
	Fields map[string]string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming each bad field.
func Invalid(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: "Please correct the fields marked below.", Fields: fields}
}

// NotFound returns an ENOTFOUND error for a kind of record ("organisation").
func NotFound(what string) *Error {
	return &Error{Code: ENOTFOUND, Message: fmt.Sprintf("That %s was not found.", what)}
}

// Code returns the code of err, EINTERNAL for an error that is not an *Error, "" for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Message returns the human message of err; internal errors get a generic one.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. It has been logged; please try again."
}

// FieldsOf returns the field errors of err, or nil.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
