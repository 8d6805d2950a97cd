package nginxtest

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// Case is a request sent to nginx 1.22.1 by the HTTP reader's interop
// test; nginx's answer is kept in stack/http1/testdata/nginx/NAME.txt,
// where CapturePath finds it.
type Case struct {
	Name string
	Raw  string
	// Reader is the lab's HTTP reader's verdict: 0 when it accepts the
	// request, else the status of its *http1.Error.
	Reader int
	// Server, when set, says which rule outside the reader makes nginx's
	// answer, so that its status is not the reader's to match.
	Server string
}

// ReaderConf is the configuration nginx answered Cases with: the index
// page, and /body, which reads a request's body (to pass it to /ok)
// before it answers.
const ReaderConf = `daemon off;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log info;
events { worker_connections 64; }
http {
	access_log {{dir}}/access.log;
	client_body_temp_path {{dir}}/body;
	proxy_temp_path {{dir}}/proxy;
	fastcgi_temp_path {{dir}}/fastcgi;
	uwsgi_temp_path {{dir}}/uwsgi;
	scgi_temp_path {{dir}}/scgi;
	server {
		listen {{addr}};
		root {{dir}}/html;
		index index.html;
		location = /ok { return 200 "body ok\n"; }
		location /body { proxy_pass http://{{addr}}/ok; }
	}
}
`

// CapturePath returns the path of nginx's captured answer to the case
// named name.
func CapturePath(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "http1", "testdata", "nginx", name+".txt")
}

// ManyHeaders returns "GET / HTTP/1.0" with n headers "X-%05d: " + size
// times 'a', the requests used to measure nginx's limits.
func ManyHeaders(n, size int) string {
	var b strings.Builder
	b.WriteString("GET / HTTP/1.0\r\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "X-%05d: %s\r\n", i, strings.Repeat("a", size))
	}
	b.WriteString("\r\n")
	return b.String()
}

// RequestLineOf returns a request whose request line is n bytes long,
// its CRLF included.
func RequestLineOf(n int) string {
	return "GET /" + strings.Repeat("a", n-len("GET / HTTP/1.0\r\n")) + " HTTP/1.0\r\n\r\n"
}

// HeaderLineOf returns a request with one header line n bytes long, its
// CRLF included.
func HeaderLineOf(n int) string {
	return "GET / HTTP/1.0\r\nX-A: " + strings.Repeat("a", n-len("X-A: \r\n")) + "\r\n\r\n"
}

// chunkedPost starts a chunked request to /body, where nginx reads the
// body (to pass it on) before it answers.
const chunkedPost = "POST /body HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"

// Cases returns one case per rule the Reader shares with nginx, and
// the good requests beside them.
func Cases() []Case {
	return []Case{
		// Good requests.
		{Name: "http10", Raw: "GET / HTTP/1.0\r\n\r\n"},
		{Name: "http11-close", Raw: "GET / HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n"},
		{Name: "http09", Raw: "GET /\r\n"},
		{Name: "leading-empty-lines", Raw: "\r\n\n\r\nGET / HTTP/1.0\r\n\r\n"},
		{Name: "bare-lf", Raw: "GET / HTTP/1.0\nX: 1\n\n"},
		{Name: "two-spaces", Raw: "GET  /  HTTP/1.0\r\n\r\n"},
		{Name: "absolute-form", Raw: "GET http://lab/ HTTP/1.0\r\n\r\n"},
		{Name: "header-no-colon", Raw: "GET / HTTP/1.0\r\nFoo\r\n\r\n"},
		{Name: "header-underscore", Raw: "GET / HTTP/1.0\r\nX_Y: a\r\n\r\n"},
		{Name: "header-control-char", Raw: "GET / HTTP/1.0\r\nX: a\x01b\r\n\r\n"},
		{Name: "header-cr-cr-lf", Raw: "GET / HTTP/1.0\r\nX: a\r\r\n\r\n"},
		{Name: "header-tabs", Raw: "GET / HTTP/1.0\r\nX-Tab:\tvalue\t\r\n\r\n"},
		{Name: "content-length-body", Raw: "POST /body HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello"},
		{Name: "content-length-leading-zero", Raw: "POST /body HTTP/1.0\r\nContent-Length: 05\r\n\r\nhello"},
		{Name: "chunked-body", Raw: chunkedPost + "5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"},
		{Name: "chunked-bare-lf", Raw: chunkedPost + "5\nhello\n0\n\n"},
		{Name: "odd-method", Raw: "GE_T / HTTP/1.0\r\n\r\n", Server: "405 for a method nginx does not know"},
		{Name: "http12", Raw: "GET / HTTP/1.2\r\n\r\n", Server: `400 "client sent HTTP/1.1 request without "Host" header"`},
		{Name: "http110", Raw: "GET / HTTP/1.10\r\n\r\n", Server: `400 "client sent HTTP/1.1 request without "Host" header"`},
		{Name: "request-line-8192", Raw: RequestLineOf(8192), Server: "404: no such file"},
		{Name: "header-line-8192", Raw: HeaderLineOf(8192)},
		{Name: "headers-301x100", Raw: ManyHeaders(301, 100)},
		{Name: "headers-32x1000", Raw: ManyHeaders(32, 1000)},
		{Name: "headers-8x4000", Raw: ManyHeaders(8, 4000)},
		{Name: "headers-4x5000", Raw: ManyHeaders(4, 5000)},
		{Name: "headers-1000", Raw: ManyHeaders(1000, 1)},

		// The request line.
		{Name: "http09-head", Raw: "HEAD /\r\n", Reader: 400},
		{Name: "http09-post", Raw: "POST /\r\n", Reader: 400},
		{Name: "version-0.9", Raw: "GET / HTTP/0.9\r\n\r\n", Reader: 400},
		{Name: "lower-case-method", Raw: "get / HTTP/1.0\r\n\r\n", Reader: 400},
		{Name: "tab-after-method", Raw: "GET\t/ HTTP/1.0\r\n\r\n", Reader: 400},
		{Name: "relative-target", Raw: "GET index.html HTTP/1.0\r\n\r\n", Reader: 400},
		{Name: "nul-in-request-line", Raw: "GET /\x00 HTTP/1.0\r\n\r\n", Reader: 400},
		{Name: "httx", Raw: "GET / HTTX/1.0\r\n\r\n", Reader: 400},
		{Name: "http20", Raw: "GET / HTTP/2.0\r\n\r\n", Reader: 505},
		{Name: "http31", Raw: "GET / HTTP/3.1\r\n\r\n", Reader: 505},
		{Name: "bare-cr", Raw: "GET / HTTP/1.0\r\r\n\r\n", Reader: 400},
		{Name: "garbage", Raw: "GARBAGE\r\n\r\n", Reader: 400},
		{Name: "request-line-8193", Raw: RequestLineOf(8193), Reader: 414},
		{Name: "bad-method-in-long-line", Raw: "get /" + strings.Repeat("a", 9000) + " HTTP/1.0\r\n\r\n", Reader: 400},

		// Header lines.
		{Name: "space-before-colon", Raw: "GET / HTTP/1.0\r\nFoo : bar\r\n\r\n", Reader: 400},
		{Name: "empty-name", Raw: "GET / HTTP/1.0\r\n: a\r\n\r\n", Reader: 400},
		{Name: "obs-fold", Raw: "GET / HTTP/1.0\r\nX: a\r\n b\r\n\r\n", Reader: 400},
		{Name: "nul-in-value", Raw: "GET / HTTP/1.0\r\nX: a\x00b\r\n\r\n", Reader: 400},
		{Name: "header-line-8193", Raw: HeaderLineOf(8193), Reader: 400},
		{Name: "headers-302x100", Raw: ManyHeaders(302, 100), Reader: 400},
		{Name: "headers-33x1000", Raw: ManyHeaders(33, 1000), Reader: 400},
		{Name: "headers-9x4000", Raw: ManyHeaders(9, 4000), Reader: 400},
		{Name: "headers-5x5000", Raw: ManyHeaders(5, 5000), Reader: 400},
		{Name: "headers-1001", Raw: ManyHeaders(1001, 1), Reader: 400},

		// Framing.
		{Name: "content-length-abc", Raw: "POST /body HTTP/1.0\r\nContent-Length: abc\r\n\r\n", Reader: 400},
		{Name: "content-length-negative", Raw: "POST /body HTTP/1.0\r\nContent-Length: -1\r\n\r\n", Reader: 400},
		{Name: "content-length-twice", Raw: "POST /body HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", Reader: 400},
		{Name: "chunked-and-length", Raw: "POST /body HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nConnection: close\r\n\r\n0\r\n\r\n", Reader: 400},
		{Name: "transfer-encoding-http10", Raw: "POST /body HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", Reader: 400},
		{Name: "transfer-encoding-tab", Raw: "POST /body HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding:\tchunked\r\nConnection: close\r\n\r\n0\r\n\r\n", Reader: 501},
		{Name: "content-length-tab-before", Raw: "POST /body HTTP/1.0\r\nContent-Length:\t5\r\n\r\nhello", Reader: 400},
		{Name: "content-length-tab-after", Raw: "POST /body HTTP/1.0\r\nContent-Length: 5\t\r\n\r\nhello", Reader: 400},
		{Name: "transfer-encoding-gzip", Raw: "POST /body HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n", Reader: 501},
		{Name: "chunk-size-invalid", Raw: chunkedPost + "zz\r\nhello\r\n0\r\n\r\n", Reader: 400},
		{Name: "chunk-data-too-long", Raw: chunkedPost + "3\r\nhello\r\n0\r\n\r\n", Reader: 400},
	}
}
