package http

import (
	"errors"
	"strconv"

	"github.com/ecabinet/ecabinet/backend/ecabinet"
	"github.com/gofiber/fiber/v2"
)

// statusOf maps each error code to its HTTP status: the one place where
// domain errors meet HTTP.
var statusOf = map[string]int{
	ecabinet.EINVALID:         fiber.StatusBadRequest,
	ecabinet.EUNAUTHENTICATED: fiber.StatusUnauthorized,
	ecabinet.EMFAREQUIRED:     fiber.StatusUnauthorized,
	ecabinet.EFORBIDDEN:       fiber.StatusForbidden,
	ecabinet.ENOTENTITLED:     fiber.StatusForbidden,
	ecabinet.ENOTFOUND:        fiber.StatusNotFound,
	ecabinet.ECONFLICT:        fiber.StatusConflict,
	ecabinet.EDEADLINE:        fiber.StatusConflict,
	ecabinet.EPOLLCLOSED:      fiber.StatusConflict,
	ecabinet.EDOUBLEVOTE:      fiber.StatusConflict,
	ecabinet.EIDEMPOTENCY:     fiber.StatusConflict,
	ecabinet.EGONE:            fiber.StatusGone,
	ecabinet.ETOOLARGE:        fiber.StatusRequestEntityTooLarge,
	ecabinet.EHEADERS:         fiber.StatusRequestHeaderFieldsTooLarge,
	ecabinet.EUNPROCESSABLE:   fiber.StatusUnprocessableEntity,
	ecabinet.ERATELIMITED:     fiber.StatusTooManyRequests,
	ecabinet.EUNAVAILABLE:     fiber.StatusServiceUnavailable,
	ecabinet.EINTERNAL:        fiber.StatusInternalServerError,
}

// StatusOf returns the HTTP status of an error code.
func StatusOf(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return fiber.StatusInternalServerError
}

// ErrorBody is the JSON body of every error response, over HTTP and the
// WebSocket alike.
type ErrorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// fromFiber turns the errors Fiber raises itself (no route, wrong method,
// body too large, timeouts) into domain errors.
func fromFiber(fe *fiber.Error) *ecabinet.Error {
	switch fe.Code {
	case fiber.StatusNotFound:
		return ecabinet.Errorf(ecabinet.ENOTFOUND, "route_not_found")
	case fiber.StatusMethodNotAllowed:
		return ecabinet.Errorf(ecabinet.ENOTFOUND, "method_not_allowed")
	case fiber.StatusRequestEntityTooLarge:
		return jsonTooLarge()
	case fiber.StatusUpgradeRequired:
		return ecabinet.Errorf(ecabinet.EINVALID, "ws.upgrade_required")
	case fiber.StatusRequestTimeout:
		return ecabinet.Errorf(ecabinet.EUNAVAILABLE, "unavailable")
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return ecabinet.Errorf(ecabinet.EHEADERS, "headers_too_large", headerLimit/1024)
	}
	if fe.Code >= 400 && fe.Code < 500 {
		return ecabinet.Errorf(ecabinet.EINVALID, "json.malformed")
	}
	return ecabinet.Errorf(ecabinet.EINTERNAL, "internal")
}

// errorHandler is Fiber's error handler: every error leaves as ErrorBody in
// the caller's language. Internal errors are logged with the request id and
// never shown.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var e *ecabinet.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &fe):
		e = fromFiber(fe)
	default:
		e = ecabinet.Errorf(ecabinet.EINTERNAL, "internal")
	}
	rid := requestID(c)
	if e.Code == ecabinet.EINTERNAL || e.Code == ecabinet.EUNAVAILABLE {
		s.log.ErrorContext(c.UserContext(), "request failed", "request_id", rid, "method", c.Method(),
			"path", c.Path(), "code", e.Code, "err", err)
	}
	if e.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(e.RetryAfter))
	}
	return c.Status(StatusOf(e.Code)).JSON(ErrorBody{Code: e.Code, Message: e.Message(lang(c)), Field: e.Field, RequestID: rid})
}
