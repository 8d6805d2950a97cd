package http1

import (
	"io"
	"strings"
)

// Request is a request head as read from the wire, and its body.
type Request struct {
	// Method, Target and Proto are the three parts of the request line, as
	// sent ("GET", "/index.html", "HTTP/1.1"). Proto is "" for an HTTP/0.9
	// simple request ("GET /" and nothing else).
	Method, Target, Proto string
	// Major and Minor are the version numbers from Proto; 0 and 9 for a
	// simple request.
	Major, Minor int
	// Headers are the header lines in the order sent, invalid ones
	// included (see Header.Invalid).
	Headers Headers
	// ContentLength is the body's length from the Content-Length header,
	// or -1 when there is none (a chunked body, or no body at all).
	ContentLength int64
	// Chunked reports a "Transfer-Encoding: chunked" body.
	Chunked bool
	// Body yields exactly the request's body, de-chunked, then io.EOF. It
	// is never nil: without a body it returns io.EOF at once.
	Body io.Reader
	// Trailers are the header lines after a chunked body's last chunk. They
	// are filled once Body has returned io.EOF.
	Trailers Headers
	// HeadSize is how many bytes the request line and the header block,
	// up to and including the empty line, took on the wire. Empty lines
	// before the request line are not counted.
	HeadSize int

	body body   // what Body points to
	line string // the request line as read, from the method to the version
}

// RequestLine returns the request line as a server logs it: Method,
// Target and Proto joined by single spaces ("GET / HTTP/1.1"), Method and
// Target alone for HTTP/0.9. When the line was sent so, it is the line as
// read, and costs nothing.
func (r *Request) RequestLine() string {
	m, t := len(r.Method), len(r.Target)
	n := m + 1 + t
	if r.Proto != "" {
		n += 1 + len(r.Proto)
	}
	l := r.line
	if len(l) == n && l[:m] == r.Method && l[m] == ' ' && l[m+1:m+1+t] == r.Target && (r.Proto == "" || l[m+1+t] == ' ' && l[m+2+t:] == r.Proto) {
		return l
	}
	if r.Proto == "" {
		return r.Method + " " + r.Target
	}
	return r.Method + " " + r.Target + " " + r.Proto
}

// KeepAlive reports whether the client may send another request on the
// same connection after this one: for HTTP/1.1 unless a Connection header
// says "close"; for HTTP/1.0 only when one says "keep-alive"; never for an
// HTTP/0.9 simple request.
func (r *Request) KeepAlive() bool {
	switch {
	case r.Proto == "":
		return false
	case r.Headers.hasToken("Connection", "close"):
		return false
	case r.Major == 1 && r.Minor == 0:
		return r.Headers.hasToken("Connection", "keep-alive")
	}
	return true
}

// requestFraming works out how a request's body is delimited, with
// nginx's rules: Content-Length must be a plain decimal number;
// Transfer-Encoding is refused in an HTTP/1.0 request, must be exactly
// "chunked" (else 501), and must not come with Content-Length.
func requestFraming(req *Request) *Error {
	req.ContentLength = -1
	if cl, ok := uniqueValue(req.Headers, "Content-Length"); ok {
		n, valid := parseLength(cl)
		if !valid {
			return badRequest(`client sent invalid "Content-Length" header`)
		}
		req.ContentLength = n
	}
	te, ok := uniqueValue(req.Headers, "Transfer-Encoding")
	if !ok {
		return nil
	}
	if req.Major == 1 && req.Minor == 0 {
		return badRequest(`client sent HTTP/1.0 request with "Transfer-Encoding" header`)
	}
	if !strings.EqualFold(te, "chunked") {
		return &Error{Status: 501, Reason: reasonNotImplemented,
			Detail: `client sent unknown "Transfer-Encoding": "` + te + `"`}
	}
	if req.ContentLength >= 0 {
		return badRequest(`client sent "Content-Length" and "Transfer-Encoding" headers at the same time`)
	}
	req.Chunked = true
	return nil
}

// uniqueValue returns the value of the one valid header named name.
func uniqueValue(h Headers, name string) (string, bool) {
	for _, f := range h {
		if !f.Invalid && strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// parseLength parses a Content-Length value as nginx does: decimal digits
// only, at least one, and no overflow.
func parseLength(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (1<<63-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
