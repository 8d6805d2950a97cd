package http1

import "fmt"

// Error is a message the Reader refuses, with the answer a server like
// nginx gives to it.
type Error struct {
	// Status is the status code a server answers with: 400, 414, 501 or
	// 505 for a request, 502 for an upstream's response. It is 0 for an
	// answer without a status line, which nginx relays as it is (see
	// Reader.ReadResponse).
	Status int
	// Reason is the text nginx puts on its error page for Status, such as
	// "Bad Request" or "Request Header Or Cookie Too Large". For the latter
	// nginx's status line still says "400 Bad Request".
	Reason string
	// Detail says what was wrong, worded like the line nginx writes to its
	// error log, such as "client sent invalid method".
	Detail string
}

// Error returns the detail prefixed with the package name and the status.
func (e *Error) Error() string {
	if e.Status == 0 {
		return "http1: " + e.Detail
	}
	return fmt.Sprintf("http1: %s (%d %s)", e.Detail, e.Status, e.Reason)
}

// The reasons nginx puts on its error pages.
const (
	reasonBadRequest     = "Bad Request"
	reasonURITooLarge    = "Request-URI Too Large"
	reasonHeaderTooLarge = "Request Header Or Cookie Too Large"
	reasonNotImplemented = "Not Implemented"
	reasonBadVersion     = "HTTP Version Not Supported"
	reasonBadGateway     = "Bad Gateway"
)

func badRequest(detail string) *Error {
	return &Error{Status: 400, Reason: reasonBadRequest, Detail: detail}
}

func headerTooLarge(detail string) *Error {
	return &Error{Status: 400, Reason: reasonHeaderTooLarge, Detail: detail}
}

func badUpstream(detail string) *Error {
	return &Error{Status: 502, Reason: reasonBadGateway, Detail: detail}
}
