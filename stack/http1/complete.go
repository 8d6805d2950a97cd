package http1

import (
	"bytes"
	"io"
	"strings"
)

// AnswerComplete reports whether answer is a whole response to request by
// its own framing: a Content-Length or chunked body read to its end, or a
// response that has no body. An answer framed by the connection's close,
// and any answer to an HTTP/0.9 request, is complete only at the close.
func AnswerComplete(request, answer []byte) bool {
	method, simple := RequestMethod(request)
	if simple || len(answer) == 0 {
		return false
	}
	resp, err := NewReader(bytes.NewReader(answer), NginxLimits()).ReadResponse(method)
	if err != nil || resp.UntilClose {
		return false
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err == nil
}

// RequestMethod returns the method of the last request in sent, and
// whether it was an HTTP/0.9 simple request (a request line with no
// version).
func RequestMethod(sent []byte) (method string, simple bool) {
	line, _, _ := bytes.Cut(sent, []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return "", false
	}
	return fields[0], len(fields) == 2
}
