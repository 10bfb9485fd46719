// Package ecabinet holds the domain of the e-Cabinet meeting system: bodies,
// members, meetings, votes, ballots and tasks, the rules that govern them
// (quorum, majority, deadlines), the error model and the event types.
//
// It depends on the standard library only. Adapters (store, bus, http) depend
// on it, never the other way round.
package ecabinet

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: clients, tests and the WebSocket protocol rely
// on them. The HTTP layer maps each code to one status in one place.
const (
	EINVALID         = "invalid"           // the request is malformed or breaks a rule on its input
	EUNAUTHENTICATED = "unauthenticated"   // no valid sign-in
	EFORBIDDEN       = "forbidden"         // signed in, but not allowed
	ENOTFOUND        = "not_found"         // does not exist, or the caller may not know it exists
	ECONFLICT        = "conflict"          // the state does not allow it (wrong lifecycle step, duplicate)
	ERATELIMITED     = "rate_limited"      // too many attempts; retry later
	EUNAVAILABLE     = "unavailable"       // a dependency (database, bus) does not answer; retry later
	EINTERNAL        = "internal"          // a bug or an unexpected failure; details are only logged
	EUNPROCESSABLE   = "unprocessable"     // well-formed but unusable content (a file that is not a valid PDF)
	ETOOLARGE        = "too_large"         // the payload is over the configured limit
	EHEADERS         = "headers_too_large" // the request's headers are over what the server reads
	EDEADLINE        = "deadline_passed"   // a ballot answer after its deadline
	EPOLLCLOSED      = "poll_closed"       // a vote on a poll that is not open
	EDOUBLEVOTE      = "double_vote"       // a second vote by the same member
	ENOTENTITLED     = "not_entitled"      // the member may not vote in this poll
	EIDEMPOTENCY     = "idempotency_key_reused"
	EMFAREQUIRED     = "mfa_required" // the password was right; a second factor is needed
	EGONE            = "gone"         // it existed but is no more: a used or expired one-time link
)

// Error is the one error type of the domain. Code is stable and machine
// readable; Key names a human message in the catalog (see messages.go), shown
// in the user's language; Field names the offending input field, if any.
type Error struct {
	Code  string
	Key   string
	Field string
	// Args are substituted into the localized message with fmt.Sprintf.
	Args []any
	// RetryAfter, in seconds, is set for rate_limited and unavailable errors.
	RetryAfter int
}

// Error implements the error interface. It is for logs; users see Message.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("ecabinet error: code=%s key=%s field=%s", e.Code, e.Key, e.Field)
	}
	return fmt.Sprintf("ecabinet error: code=%s key=%s", e.Code, e.Key)
}

// Message returns the error's human message in the given language ("vi" or
// "en"; anything else falls back to Vietnamese).
func (e *Error) Message(lang string) string {
	return Translate(lang, e.Key, e.Args...)
}

// Errorf returns an *Error with the given code and message key.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldError returns an invalid-input error naming the field.
func FieldError(field, key string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Field: field, Args: args}
}

// ErrorCode returns the code of err when it is (or wraps) an *Error, and
// EINTERNAL otherwise. A nil error has no code.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns the *Error inside err, or an internal error that reveals
// nothing of err.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Key: "internal"}
}

// NotFound is the error for a thing that does not exist or that the caller
// must not learn of. kind is a message key such as "meeting".
func NotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, Key: "not_found." + kind}
}
