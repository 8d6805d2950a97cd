package http1

import (
	"io"
	"strings"
)

// Response is a response head as read from the wire, and its body.
type Response struct {
	// Proto is the version on the status line, as sent ("HTTP/1.1"), or ""
	// for an HTTP/0.9 answer, which has no status line.
	Proto string
	// Major and Minor are the version numbers from Proto.
	Major, Minor int
	// Status is the three-digit status code, or 0 for an HTTP/0.9 answer.
	Status int
	// Reason is the text after the status code, as sent ("OK").
	Reason string
	// Headers are the header lines in the order sent.
	Headers Headers
	// ContentLength is the body's length from the Content-Length header,
	// or -1 when there is none.
	ContentLength int64
	// Chunked reports a chunked body.
	Chunked bool
	// Body yields exactly the response's body, de-chunked, then io.EOF. It
	// is never nil.
	Body io.Reader
	// Trailers are the header lines after a chunked body's last chunk,
	// filled once Body has returned io.EOF.
	Trailers Headers
	// UntilClose reports a body with neither length nor chunks: it ends
	// only when the server closes the connection.
	UntilClose bool
	// HeadSize is how many bytes the status line and the header block,
	// up to and including the empty line, took on the wire.
	HeadSize int

	body body // what Body points to
}

// ReadResponse reads the next response's head and returns the response,
// with a Body that reads its body. requestMethod is the method of the
// request it answers: the answer to HEAD has no body, nor has any 1xx, 204
// or 304 answer. A body with no Content-Length and no chunked
// Transfer-Encoding runs until the server closes the connection.
//
// A 1xx answer is returned like any other; the caller reads the next
// response for the final one.
//
// An answer that does not start with a valid status line gives an *Error
// with Status 0 and the detail nginx logs, "upstream sent no valid HTTP/1.0
// header". nginx 1.22.1 does not refuse such an answer: it relays its bytes
// to the client as they are, as an HTTP/0.9 answer. ReadSimpleResponse
// does the same: its body starts with the bytes that ReadResponse read. A
// head that breaks nginx's other rules gives a 502 *Error.
func (r *Reader) ReadResponse(requestMethod string) (*Response, error) {
	if err := r.finishBody(); err != nil {
		return nil, err
	}
	r.head = r.head[:0]
	r.spans = r.spans[:0]
	r.pending = r.pending[:0]
	if _, err := r.br.Peek(1); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, truncated("status line", err)
	}
	sl, err := r.readStatusLine()
	if err != nil {
		return nil, err
	}
	if err := r.readHeaders(nil, headerRules{underscores: true, upstream: true}); err != nil {
		return nil, err
	}
	resp, hs := message(r, &r.lastResponse, len(r.spans))
	s := r.finishHead(hs)
	resp.Body = &resp.body
	resp.Headers = hs
	resp.HeadSize = len(s)
	resp.Proto = s[:sl.proto]
	resp.Major, resp.Minor, resp.Status = sl.major, sl.minor, sl.status
	resp.Reason = s[sl.reason:sl.end]
	responseFraming(resp, requestMethod)
	resp.body = body{r: r, upstream: true}
	switch {
	case resp.Chunked:
		resp.body.mode = bodyChunked
		resp.body.trailers = &resp.Trailers
	case resp.UntilClose:
		resp.body.mode = bodyUntilClose
	case resp.ContentLength > 0 && hasBody(resp, requestMethod):
		resp.body.mode = bodyLength
		resp.body.left = resp.ContentLength
	}
	r.body = &resp.body
	return resp, nil
}

// ReadSimpleResponse returns an answer without a status line, as to an
// HTTP/0.9 simple request: no headers, only a body that runs until the
// server closes the connection. Called right after ReadResponse failed for
// want of a status line, the body starts with the bytes ReadResponse read.
func (r *Reader) ReadSimpleResponse() *Response {
	_ = r.finishBody() // a stream that broke shows in the body's reads
	resp := &Response{Major: 0, Minor: 9, ContentLength: -1, UntilClose: true}
	resp.body = body{r: r, mode: bodyUntilClose, upstream: true, pending: r.pending}
	r.pending = nil
	resp.Body = &resp.body
	r.body = &resp.body
	return resp
}

// hasBody reports whether a response can carry a body at all.
func hasBody(resp *Response, requestMethod string) bool {
	s := resp.Status
	return requestMethod != "HEAD" && s >= 200 && s != 204 && s != 304
}

// responseFraming works out how a response's body is delimited, as nginx
// 1.22.1 reads an upstream's answer (measured): the last Content-Length
// counts, and one that is not a number counts as none; a Transfer-Encoding
// that mentions "chunked" makes the body chunked, and Content-Length is
// then ignored; another Transfer-Encoding, or no length at all, means the
// body runs until the connection closes.
func responseFraming(resp *Response, requestMethod string) {
	resp.ContentLength = -1
	for _, f := range resp.Headers {
		switch {
		case f.Invalid:
		case strings.EqualFold(f.Name, "Content-Length"):
			resp.ContentLength = -1
			if n, ok := parseLength(f.Value); ok {
				resp.ContentLength = n
			}
		case strings.EqualFold(f.Name, "Transfer-Encoding"):
			resp.Chunked = resp.Chunked || containsFold(f.Value, "chunked")
		}
	}
	if !hasBody(resp, requestMethod) {
		resp.Chunked = false
		return
	}
	if resp.Chunked {
		resp.ContentLength = -1
		return
	}
	resp.UntilClose = resp.ContentLength < 0
}

// containsFold reports whether s contains sub without regard to ASCII
// case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
