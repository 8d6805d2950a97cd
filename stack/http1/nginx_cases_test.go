package http1

import "strings"

// nginxCase is a request sent to a real nginx 1.22.1; its answer is kept
// in testdata/nginx/<name>.txt.
type nginxCase struct {
	name string
	raw  string
	// reader is the Reader's verdict: 0 when it accepts the request, else
	// the status of its *Error.
	reader int
	// server, when set, says which rule outside the Reader makes nginx's
	// answer, so that its status is not the Reader's to match.
	server string
}

// chunkedPost starts a chunked request to /body, where nginx reads the
// body (to pass it on) before it answers.
const chunkedPost = "POST /body HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"

// nginxCases returns one case per rule the Reader shares with nginx, and
// the good requests beside them.
func nginxCases() []nginxCase {
	return []nginxCase{
		// Good requests.
		{name: "http10", raw: "GET / HTTP/1.0\r\n\r\n"},
		{name: "http11-close", raw: "GET / HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n"},
		{name: "http09", raw: "GET /\r\n"},
		{name: "leading-empty-lines", raw: "\r\n\n\r\nGET / HTTP/1.0\r\n\r\n"},
		{name: "bare-lf", raw: "GET / HTTP/1.0\nX: 1\n\n"},
		{name: "two-spaces", raw: "GET  /  HTTP/1.0\r\n\r\n"},
		{name: "absolute-form", raw: "GET http://lab/ HTTP/1.0\r\n\r\n"},
		{name: "header-no-colon", raw: "GET / HTTP/1.0\r\nFoo\r\n\r\n"},
		{name: "header-underscore", raw: "GET / HTTP/1.0\r\nX_Y: a\r\n\r\n"},
		{name: "header-control-char", raw: "GET / HTTP/1.0\r\nX: a\x01b\r\n\r\n"},
		{name: "header-cr-cr-lf", raw: "GET / HTTP/1.0\r\nX: a\r\r\n\r\n"},
		{name: "content-length-body", raw: "POST /body HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello"},
		{name: "content-length-leading-zero", raw: "POST /body HTTP/1.0\r\nContent-Length: 05\r\n\r\nhello"},
		{name: "chunked-body", raw: chunkedPost + "5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"},
		{name: "chunked-bare-lf", raw: chunkedPost + "5\nhello\n0\n\n"},
		{name: "odd-method", raw: "GE_T / HTTP/1.0\r\n\r\n", server: "405 for a method nginx does not know"},
		{name: "http12", raw: "GET / HTTP/1.2\r\n\r\n", server: `400 "client sent HTTP/1.1 request without "Host" header"`},
		{name: "http110", raw: "GET / HTTP/1.10\r\n\r\n", server: `400 "client sent HTTP/1.1 request without "Host" header"`},
		{name: "request-line-8192", raw: requestLineOf(8192), server: "404: no such file"},
		{name: "header-line-8192", raw: headerLineOf(8192)},
		{name: "headers-301x100", raw: manyHeaders(301, 100)},
		{name: "headers-32x1000", raw: manyHeaders(32, 1000)},
		{name: "headers-8x4000", raw: manyHeaders(8, 4000)},
		{name: "headers-4x5000", raw: manyHeaders(4, 5000)},
		{name: "headers-1000", raw: manyHeaders(1000, 1)},

		// The request line.
		{name: "http09-head", raw: "HEAD /\r\n", reader: 400},
		{name: "http09-post", raw: "POST /\r\n", reader: 400},
		{name: "version-0.9", raw: "GET / HTTP/0.9\r\n\r\n", reader: 400},
		{name: "lower-case-method", raw: "get / HTTP/1.0\r\n\r\n", reader: 400},
		{name: "tab-after-method", raw: "GET\t/ HTTP/1.0\r\n\r\n", reader: 400},
		{name: "relative-target", raw: "GET index.html HTTP/1.0\r\n\r\n", reader: 400},
		{name: "nul-in-request-line", raw: "GET /\x00 HTTP/1.0\r\n\r\n", reader: 400},
		{name: "httx", raw: "GET / HTTX/1.0\r\n\r\n", reader: 400},
		{name: "http20", raw: "GET / HTTP/2.0\r\n\r\n", reader: 505},
		{name: "http31", raw: "GET / HTTP/3.1\r\n\r\n", reader: 505},
		{name: "bare-cr", raw: "GET / HTTP/1.0\r\r\n\r\n", reader: 400},
		{name: "garbage", raw: "GARBAGE\r\n\r\n", reader: 400},
		{name: "request-line-8193", raw: requestLineOf(8193), reader: 414},
		{name: "bad-method-in-long-line", raw: "get /" + strings.Repeat("a", 9000) + " HTTP/1.0\r\n\r\n", reader: 400},

		// Header lines.
		{name: "space-before-colon", raw: "GET / HTTP/1.0\r\nFoo : bar\r\n\r\n", reader: 400},
		{name: "empty-name", raw: "GET / HTTP/1.0\r\n: a\r\n\r\n", reader: 400},
		{name: "obs-fold", raw: "GET / HTTP/1.0\r\nX: a\r\n b\r\n\r\n", reader: 400},
		{name: "nul-in-value", raw: "GET / HTTP/1.0\r\nX: a\x00b\r\n\r\n", reader: 400},
		{name: "header-line-8193", raw: headerLineOf(8193), reader: 400},
		{name: "headers-302x100", raw: manyHeaders(302, 100), reader: 400},
		{name: "headers-33x1000", raw: manyHeaders(33, 1000), reader: 400},
		{name: "headers-9x4000", raw: manyHeaders(9, 4000), reader: 400},
		{name: "headers-5x5000", raw: manyHeaders(5, 5000), reader: 400},
		{name: "headers-1001", raw: manyHeaders(1001, 1), reader: 400},

		// Framing.
		{name: "content-length-abc", raw: "POST /body HTTP/1.0\r\nContent-Length: abc\r\n\r\n", reader: 400},
		{name: "content-length-negative", raw: "POST /body HTTP/1.0\r\nContent-Length: -1\r\n\r\n", reader: 400},
		{name: "content-length-twice", raw: "POST /body HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", reader: 400},
		{name: "chunked-and-length", raw: "POST /body HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nConnection: close\r\n\r\n0\r\n\r\n", reader: 400},
		{name: "transfer-encoding-http10", raw: "POST /body HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", reader: 400},
		{name: "transfer-encoding-gzip", raw: "POST /body HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n", reader: 501},
		{name: "chunk-size-invalid", raw: chunkedPost + "zz\r\nhello\r\n0\r\n\r\n", reader: 400},
		{name: "chunk-data-too-long", raw: chunkedPost + "3\r\nhello\r\n0\r\n\r\n", reader: 400},
	}
}
