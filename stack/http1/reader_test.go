package http1

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// readOne reads one request from raw with nginx's limits, and its body.
func readOne(t *testing.T, raw string) (*Request, string, error) {
	t.Helper()
	req, err := NewReader(strings.NewReader(raw), NginxLimits()).ReadRequest()
	if err != nil {
		return req, "", err
	}
	b, err := io.ReadAll(req.Body)
	return req, string(b), err
}

// statusOf returns the status an *Error carries, 0 for no error, and -1
// for another error.
func statusOf(err error) int {
	var e *Error
	switch {
	case err == nil:
		return 0
	case errors.As(err, &e):
		return e.Status
	}
	return -1
}

func TestReadRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		raw     string
		method  string
		target  string
		proto   string
		major   int
		minor   int
		headers Headers
		length  int64
		chunked bool
		body    string
		trailer Headers
		size    int
	}{
		{name: "http10", raw: "GET / HTTP/1.0\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.0", major: 1, length: -1, size: 18},
		{name: "talk request", raw: "GET /index.html HTTP/1.1\r\nHost: localhost:8080\r\n\r\n",
			method: "GET", target: "/index.html", proto: "HTTP/1.1", major: 1, minor: 1,
			headers: Headers{{Name: "Host", Value: "localhost:8080"}}, length: -1, size: 50},
		{name: "case and order kept", raw: "GET / HTTP/1.1\r\nhOsT: a\r\nX-b: 1\r\nx-B: 2\r\nACCEPT: */*\r\n\r\n",
			method: "GET", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			headers: Headers{{Name: "hOsT", Value: "a"}, {Name: "X-b", Value: "1"}, {Name: "x-B", Value: "2"}, {Name: "ACCEPT", Value: "*/*"}},
			length:  -1, size: 56},
		{name: "spaces trimmed, tabs and inside kept", raw: "GET / HTTP/1.0\r\nX:  \t a  b \t\r\nY:\r\nZ:   \r\nW: a  \r\n\r\n",
			method: "GET", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "X", Value: "\t a  b \t"}, {Name: "Y"}, {Name: "Z"}, {Name: "W", Value: "a"}}, length: -1, size: 51},
		{name: "bare LF", raw: "GET /a HTTP/1.0\nX: 1\n\n", method: "GET", target: "/a", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "X", Value: "1"}}, length: -1, size: 22},
		{name: "leading empty lines", raw: "\r\n\n\r\nGET / HTTP/1.0\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.0", major: 1, length: -1, size: 18},
		{name: "two spaces", raw: "GET  /  HTTP/1.0\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.0", major: 1, length: -1, size: 20},
		{name: "spaces after version", raw: "GET / HTTP/1.1  \r\nHost: x\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			headers: Headers{{Name: "Host", Value: "x"}}, length: -1, size: 29},
		{name: "http/1.2", raw: "GET / HTTP/1.2\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.2", major: 1, minor: 2, length: -1, size: 18},
		{name: "http/1.10", raw: "GET / HTTP/1.10\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.10", major: 1, minor: 10, length: -1, size: 19},
		{name: "absolute form", raw: "GET http://example.com:8080/a?b HTTP/1.0\r\n\r\n", method: "GET", target: "http://example.com:8080/a?b", proto: "HTTP/1.0", major: 1, length: -1, size: 44},
		{name: "absolute form no path", raw: "GET http://x HTTP/1.0\r\n\r\n", method: "GET", target: "http://x", proto: "HTTP/1.0", major: 1, length: -1, size: 25},
		{name: "odd method", raw: "GE_T-X / HTTP/1.0\r\n\r\n", method: "GE_T-X", target: "/", proto: "HTTP/1.0", major: 1, length: -1, size: 21},
		{name: "high bytes in target", raw: "GET /\x80\xff\"<> HTTP/1.0\r\n\r\n", method: "GET", target: "/\x80\xff\"<>", proto: "HTTP/1.0", major: 1, length: -1, size: 23},
		{name: "http09", raw: "GET /\r\n", method: "GET", target: "/", minor: 9, length: -1, size: 7},
		{name: "http09 bare LF and space", raw: "GET /x \n", method: "GET", target: "/x", minor: 9, length: -1, size: 8},
		{name: "no colon is a header", raw: "GET / HTTP/1.0\r\nFoo\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "Foo"}}, length: -1, size: 23},
		{name: "ignored lines kept", raw: "GET / HTTP/1.0\r\nX_Y: a\r\nX@Y: b\r\nX\x80: c\r\nOk: d\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "X_Y", Value: "a", Invalid: true}, {Name: "X@Y", Value: "b", Invalid: true}, {Name: "X\x80", Value: "c", Invalid: true}, {Name: "Ok", Value: "d"}},
			length:  -1, size: 48},
		{name: "control char in value", raw: "GET / HTTP/1.0\r\nX: a\x01b\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "X", Value: "a\x01b"}}, length: -1, size: 26},
		{name: "several CRs end a header line", raw: "GET / HTTP/1.0\r\nX: a\r\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "X", Value: "a"}}, length: -1, size: 25},
		{name: "content-length body", raw: "POST /f HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello", method: "POST", target: "/f", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "Content-Length", Value: "5"}}, length: 5, body: "hello", size: 39},
		{name: "content-length leading zero", raw: "POST / HTTP/1.0\r\nContent-Length: 03\r\n\r\nabc", method: "POST", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "Content-Length", Value: "03"}}, length: 3, body: "abc", size: 39},
		{name: "chunked with extensions and trailers",
			raw:    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n1 ; x\r\n \r\nA\t\r\n0123456789\r\n0;last\r\nExpires: never\r\nX-Sum: 1\r\n\r\n",
			method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			headers: Headers{{Name: "Transfer-Encoding", Value: "chunked"}}, length: -1, chunked: true,
			body: "hello 0123456789", trailer: Headers{{Name: "Expires", Value: "never"}, {Name: "X-Sum", Value: "1"}}, size: 47},
		{name: "chunked bare LF", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n3\nabc\n0\n\n",
			method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			headers: Headers{{Name: "Transfer-Encoding", Value: "Chunked"}}, length: -1, chunked: true, body: "abc", size: 47},
		{name: "chunked odd trailer", raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon\r\n\r\n",
			method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			headers: Headers{{Name: "Transfer-Encoding", Value: "chunked"}}, length: -1, chunked: true,
			trailer: Headers{{Name: "no colon", Invalid: true}}, size: 47},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, body, err := readOne(t, tt.raw)
			if err != nil {
				t.Fatalf("ReadRequest: %v", err)
			}
			got := []any{req.Method, req.Target, req.Proto, req.Major, req.Minor, req.ContentLength, req.Chunked, req.HeadSize}
			want := []any{tt.method, tt.target, tt.proto, tt.major, tt.minor, tt.length, tt.chunked, tt.size}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("method, target, proto, major, minor, length, chunked, head size:\n got %#v\nwant %#v", got, want)
			}
			if !reflect.DeepEqual(req.Headers, tt.headers) {
				t.Errorf("headers:\n got %+v\nwant %+v", req.Headers, tt.headers)
			}
			if body != tt.body {
				t.Errorf("body = %q, want %q", body, tt.body)
			}
			if !reflect.DeepEqual(req.Trailers, tt.trailer) {
				t.Errorf("trailers = %+v, want %+v", req.Trailers, tt.trailer)
			}
		})
	}
}

func TestReadRequestRefused(t *testing.T) {
	t.Parallel()
	const te = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
	tests := []struct {
		name   string
		raw    string
		status int
		reason string
		detail string
	}{
		{"lower-case method", "get / HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid method"},
		{"tab after method", "GET\t/ HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid method"},
		{"method only", "GET\r\n\r\n", 400, "Bad Request", "client sent invalid method"},
		{"garbage", "GARBAGE\r\n\r\n", 400, "Bad Request", "client sent invalid method"},
		{"nul in method", "GET\x00/ HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid method"},
		{"relative target", "GET index.html HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"asterisk", "OPTIONS * HTTP/1.1\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"connect", "CONNECT x:443 HTTP/1.1\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"underscore in host", "GET http://a_b/ HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"nul in target", "GET /\x00 HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"del in target", "GET /\x7f HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"tab in target", "GET /a\tb HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"no target", "GET \r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"httx", "GET / HTTX/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"lower-case http", "GET / http/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"http/0.9 version", "GET / HTTP/0.9\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"no minor", "GET / HTTP/1.\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"minor too big", "GET / HTTP/1.1000\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"junk after version", "GET / HTTP/1.0 x\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"bare CR ends request line", "GET / HTTP/1.0\r\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"bare CR in target", "GET /\rx HTTP/1.0\r\n\r\n", 400, "Bad Request", "client sent invalid request"},
		{"http/2.0", "GET / HTTP/2.0\r\n\r\n", 505, "HTTP Version Not Supported", "client sent invalid version"},
		{"http/3.1", "GET / HTTP/3.1\r\n\r\n", 505, "HTTP Version Not Supported", "client sent invalid version"},
		{"http/11.1", "GET / HTTP/11.1\r\n\r\n", 505, "HTTP Version Not Supported", "client sent invalid version"},
		{"head as 0.9", "HEAD /\r\n", 400, "Bad Request", "client sent invalid method in HTTP/0.9 request"},
		{"post as 0.9", "POST /\r\n", 400, "Bad Request", "client sent invalid method in HTTP/0.9 request"},
		{"space before colon", "GET / HTTP/1.0\r\nFoo : bar\r\n\r\n", 400, "Bad Request", `client sent invalid header line: "Foo\x20..."`},
		{"empty name", "GET / HTTP/1.0\r\n: a\r\n\r\n", 400, "Bad Request", `client sent invalid header line: "\x3a..."`},
		{"obs-fold space", "GET / HTTP/1.0\r\nX: a\r\n b\r\n\r\n", 400, "Bad Request", `client sent invalid header line: "\x20..."`},
		{"obs-fold tab", "GET / HTTP/1.0\r\n\tX: a\r\n\r\n", 400, "Bad Request", `client sent invalid header line: "\x09..."`},
		{"control char in name", "GET / HTTP/1.0\r\nX\x01Y: a\r\n\r\n", 400, "Bad Request", `client sent invalid header line: "X\x01..."`},
		{"nul in value", "GET / HTTP/1.0\r\nX: a\x00b\r\n\r\n", 400, "Bad Request", `client sent invalid header line: "X: a\x00..."`},
		{"bare CR in value", "GET / HTTP/1.0\r\nX: a\rb\r\n\r\n", 400, "Bad Request", "client sent invalid header line: \"X: a\r\\x62...\""},
		{"CR CR ends head", "GET / HTTP/1.0\r\n\r\r\n", 400, "Bad Request", `client sent invalid header line: "\x0d..."`},
		{"content-length abc", "POST / HTTP/1.0\r\nContent-Length: abc\r\n\r\n", 400, "Bad Request", `client sent invalid "Content-Length" header`},
		{"content-length -1", "POST / HTTP/1.0\r\nContent-Length: -1\r\n\r\n", 400, "Bad Request", `client sent invalid "Content-Length" header`},
		{"content-length +1", "POST / HTTP/1.0\r\nContent-Length: +1\r\n\r\nx", 400, "Bad Request", `client sent invalid "Content-Length" header`},
		{"content-length empty", "POST / HTTP/1.0\r\nContent-Length:\r\n\r\n", 400, "Bad Request", `client sent invalid "Content-Length" header`},
		{"content-length list", "POST / HTTP/1.0\r\nContent-Length: 1,1\r\n\r\nx", 400, "Bad Request", `client sent invalid "Content-Length" header`},
		{"content-length overflow", "POST / HTTP/1.0\r\nContent-Length: 9223372036854775808\r\n\r\n", 400, "Bad Request", `client sent invalid "Content-Length" header`},
		{"two content-lengths", "POST / HTTP/1.0\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\nx", 400, "Bad Request", "client sent duplicate header line"},
		{"two transfer-encodings", te[:len(te)-2] + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "Bad Request", "client sent duplicate header line"},
		{"chunked and length", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400, "Bad Request", `client sent "Content-Length" and "Transfer-Encoding" headers at the same time`},
		{"transfer-encoding in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "Bad Request", `client sent HTTP/1.0 request with "Transfer-Encoding" header`},
		{"gzip", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "Not Implemented", `client sent unknown "Transfer-Encoding": "gzip"`},
		{"gzip, chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "Not Implemented", `client sent unknown "Transfer-Encoding": "gzip, chunked"`},
		{"chunk size zz", te + "zz\r\nabc\r\n0\r\n\r\n", 400, "Bad Request", "client sent invalid chunked body"},
		{"chunk size -3", te + "-3\r\nabc\r\n0\r\n\r\n", 400, "Bad Request", "client sent invalid chunked body"},
		{"chunk size 0x3", te + "0x3\r\nabc\r\n0\r\n\r\n", 400, "Bad Request", "client sent invalid chunked body"},
		{"chunk size overflow", te + "fffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400, "Bad Request", "client sent invalid chunked body"},
		{"chunk longer than its size", te + "3\r\nabcX\r\n0\r\n\r\n", 400, "Bad Request", "client sent invalid chunked body"},
		{"bare CR after chunk size", te + "3\rabc\r\n0\r\n\r\n", 400, "Bad Request", "client sent invalid chunked body"},
		{"CR CR after trailers", te + "3\r\nabc\r\n0\r\n\r\r\n", 400, "Bad Request", "client sent invalid chunked body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := readOne(t, tt.raw)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if e.Status != tt.status || e.Reason != tt.reason || e.Detail != tt.detail {
				t.Errorf("got %d %q %q, want %d %q %q", e.Status, e.Reason, e.Detail, tt.status, tt.reason, tt.detail)
			}
			if !strings.HasPrefix(err.Error(), "http1: ") {
				t.Errorf("Error() = %q, want the http1: prefix", err)
			}
		})
	}
}

// TestReadRequestPartial checks that a refused request whose request line
// was read comes back with the error, so that a server can answer an
// HTTP/0.9 client without a status line.
func TestReadRequestPartial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, proto string
		minor            int
	}{
		{"post as 0.9", "POST /\r\n", "", 9},
		{"bad header", "GET / HTTP/1.1\r\nX : y\r\n\r\n", "HTTP/1.1", 1},
		{"bad length", "POST / HTTP/1.0\r\nContent-Length: x\r\n\r\n", "HTTP/1.0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _, err := readOne(t, tt.raw)
			if statusOf(err) != 400 || req == nil {
				t.Fatalf("got %v, %v; want a request and a 400 *Error", req, err)
			}
			if req.Proto != tt.proto || req.Minor != tt.minor {
				t.Errorf("proto %q minor %d, want %q %d", req.Proto, req.Minor, tt.proto, tt.minor)
			}
		})
	}
}

func TestReadRequestEOF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want error
	}{
		{"nothing", "", io.EOF},
		{"only empty lines", "\r\n\r\n", io.EOF},
		{"cut request line", "GET / HT", io.ErrUnexpectedEOF},
		{"cut headers", "GET / HTTP/1.1\r\nHost: x\r\n", io.ErrUnexpectedEOF},
		{"cut body", "POST / HTTP/1.0\r\nContent-Length: 10\r\n\r\nabc", io.ErrUnexpectedEOF},
		{"cut chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", io.ErrUnexpectedEOF},
		{"cut chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5", io.ErrUnexpectedEOF},
		{"cut trailers", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := readOne(t, tt.raw)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == io.ErrUnexpectedEOF && !strings.HasPrefix(err.Error(), "http1: ") {
				t.Errorf("err = %q, want the http1: prefix", err)
			}
			if tt.want == io.EOF && err != io.EOF {
				t.Errorf("err = %#v, want io.EOF itself", err)
			}
		})
	}
}

func TestKeepAlive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want bool
	}{
		{"1.1", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{"1.1 close", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false},
		{"1.1 Close in a list", "GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n\r\n", false},
		{"1.0", "GET / HTTP/1.0\r\n\r\n", false},
		{"1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
		{"1.2", "GET / HTTP/1.2\r\n\r\n", true},
		{"0.9", "GET /\r\n", false},
		{"invalid connection line ignored", "GET / HTTP/1.1\r\nConnection_: close\r\n\r\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _, err := readOne(t, tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := req.KeepAlive(); got != tt.want {
				t.Errorf("KeepAlive() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPipelined reads requests sent back to back on one connection, and
// checks that a body never reads into the next request.
func TestPipelined(t *testing.T) {
	t.Parallel()
	raw := "POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" +
		"POST /two HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n" +
		"\r\nGET /three HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /four HTTP/1.1\r\nHost: x\r\n\r\n"
	r := NewReader(strings.NewReader(raw), NginxLimits())
	for _, want := range []struct{ target, body string }{{"/one", "abc"}, {"/two", "de"}, {"/three", ""}} {
		req, err := r.ReadRequest()
		if err != nil {
			t.Fatalf("%s: %v", want.target, err)
		}
		b, err := io.ReadAll(req.Body)
		if err != nil || req.Target != want.target || string(b) != want.body {
			t.Fatalf("got %s %q %v, want %s %q", req.Target, b, err, want.target, want.body)
		}
	}
	if got, want := r.Buffered(), len("GET /four HTTP/1.1\r\nHost: x\r\n\r\n"); got != want {
		t.Errorf("Buffered() = %d, want %d: the next request must stay whole", got, want)
	}
	// A body left unread is skipped before the next request.
	r = NewReader(strings.NewReader(raw), NginxLimits())
	if _, err := r.ReadRequest(); err != nil {
		t.Fatal(err)
	}
	req, err := r.ReadRequest()
	if err != nil || req.Target != "/two" {
		t.Fatalf("second request: %v, %v", req, err)
	}
	req, err = r.ReadRequest()
	if err != nil || req.Target != "/three" {
		t.Fatalf("third request: %v, %v", req, err)
	}
	if _, err := r.ReadRequest(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadRequest(); err != io.EOF {
		t.Fatalf("after the last request: %v, want io.EOF", err)
	}
}

// TestReuse reads messages with a Reader that reuses them and with one
// that does not: each must read the same, none keeping what the one
// before it had (headers, a chunked body's framing and trailers), and the
// reusing Reader must make a message anew only when the last one's room
// for headers is too small.
func TestReuse(t *testing.T) {
	t.Parallel()
	requests := []struct {
		raw  string
		made bool // the reusing Reader allocates this one
	}{
		{"POST /one HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\nT: t\r\n\r\n", true},
		{"GET /two HTTP/1.1\r\nHost: x\r\n\r\n", false},
		{"GET /three HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", true},
		{"GET /four HTTP/1.0\r\n\r\n", false},
		{"POST /five HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", false},
	}
	var raw strings.Builder
	for _, r := range requests {
		raw.WriteString(r.raw)
	}
	reusing := NewReader(strings.NewReader(raw.String()), NginxLimits())
	reusing.Reuse = true
	fresh := NewReader(strings.NewReader(raw.String()), NginxLimits())
	var last *Request
	for i, r := range requests {
		got, gotBody := readNext(t, reusing)
		want, wantBody := readNext(t, fresh)
		if got.Method != want.Method || got.Target != want.Target || got.Proto != want.Proto ||
			!reflect.DeepEqual(got.Headers, want.Headers) || got.ContentLength != want.ContentLength ||
			got.Chunked != want.Chunked || !reflect.DeepEqual(got.Trailers, want.Trailers) || gotBody != wantBody {
			t.Errorf("request %d: reused %+v %q, fresh %+v %q", i+1, *got, gotBody, *want, wantBody)
		}
		if made := got != last; made != r.made {
			t.Errorf("request %d: made anew %v, want %v", i+1, made, r.made)
		}
		last = got
	}
}

// readNext reads the next request from r, and its body.
func readNext(t *testing.T, r *Reader) (*Request, string) {
	t.Helper()
	req, err := r.ReadRequest()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	return req, string(b)
}

// TestBodyStopsAtMessage reads a body with a reader that hands out one
// byte at a time, and checks nothing past the body was taken.
func TestBodyStopsAtMessage(t *testing.T) {
	t.Parallel()
	raw := "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\nNEXT"
	r := NewReader(strings.NewReader(raw), NginxLimits())
	req, err := r.ReadRequest()
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 1)
	for {
		n, err := req.Body.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	rest, _ := io.ReadAll(r.br)
	if string(got) != "abc" || string(rest) != "NEXT" || req.Trailers.Get("t") != "1" {
		t.Errorf("body %q, rest %q, trailers %+v", got, rest, req.Trailers)
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	h := Headers{{Name: "Host", Value: "a"}, {Name: "X_Y", Value: "bad", Invalid: true}, {Name: "x_y", Value: "b"}, {Name: "X-A", Value: "1"}, {Name: "x-a", Value: "2"}}
	if got := h.Get("HOST"); got != "a" {
		t.Errorf("Get = %q", got)
	}
	if got := h.Get("x_Y"); got != "b" {
		t.Errorf("Get skips Invalid: got %q", got)
	}
	if got := h.Values("x-a"); !reflect.DeepEqual(got, []string{"1", "2"}) {
		t.Errorf("Values = %q", got)
	}
	if h.Has("nope") || !h.Has("host") {
		t.Error("Has")
	}
	c := h.Clone()
	c = c.Set("x-A", "3")
	want := Headers{{Name: "Host", Value: "a"}, {Name: "X_Y", Value: "bad", Invalid: true}, {Name: "x_y", Value: "b"}, {Name: "x-A", Value: "3"}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Set:\n got %+v\nwant %+v", c, want)
	}
	if h[3].Value != "1" {
		t.Error("Clone shares memory")
	}
	c = c.Del("x_y").Add("Via", "lab")
	want = Headers{{Name: "Host", Value: "a"}, {Name: "x-A", Value: "3"}, {Name: "Via", Value: "lab"}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Del, Add:\n got %+v\nwant %+v", c, want)
	}
	if got := (Headers{}).Set("A", "1"); !reflect.DeepEqual(got, Headers{{Name: "A", Value: "1"}}) {
		t.Errorf("Set on empty = %+v", got)
	}
}
