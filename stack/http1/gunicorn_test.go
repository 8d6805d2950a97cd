package http1

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The rules of the Gunicorn dialect are held to real gunicorn by the
// pre-fork server's tests (stack/prefork, testdata/gunicorn: each
// capture's request is read by this dialect there). These tests pin the
// parts one by one; the expected words are gunicorn 20.1.0's.

func readGunicorn(raw string) (*Request, error) {
	return NewReader(strings.NewReader(raw), GunicornLimits()).ReadRequest()
}

func TestGunicornAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw             string
		method, target, proto string
		major, minor          int
		headers               Headers
		length                int64
	}{
		{name: "lower-case method, upper-cased", raw: "get / HTTP/1.0\r\n\r\n", method: "GET", target: "/", proto: "HTTP/1.0", major: 1, length: -1},
		{name: "any token", raw: "G-E_T /x HTTP/1.0\r\n\r\n", method: "G-E_T", target: "/x", proto: "HTTP/1.0", major: 1, length: -1},
		{name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\n\r\n", method: "GET", target: "/", proto: "HTTP/2.0", major: 2, length: -1},
		{name: "leading zeros", raw: "GET / HTTP/01.010\r\n\r\n", method: "GET", target: "/", proto: "HTTP/01.010", major: 1, minor: 10, length: -1},
		{name: "values keep their end, lose their start", raw: "GET / HTTP/1.0\r\nX-Tab:\tv\t\r\nX: a  \r\n\r\n",
			method: "GET", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "X-Tab", Value: "v\t"}, {Name: "X", Value: "a  "}}, length: -1},
		{name: "continuation lines joined", raw: "GET / HTTP/1.0\r\nX: a\r\n\tb \r\n  c\r\nY: d\r\n\r\n",
			method: "GET", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "X", Value: "a b c"}, {Name: "Y", Value: "d"}}, length: -1},
		{name: "underscore and sharp s", raw: "GET / HTTP/1.0\r\nX_Y: 1\r\n\xdf: 2\r\n\r\n",
			method: "GET", target: "/", proto: "HTTP/1.0", major: 1,
			headers: Headers{{Name: "X_Y", Value: "1"}, {Name: "\xdf", Value: "2"}}, length: -1},
		{name: "bare LF inside a value", raw: "GET / HTTP/1.0\r\nX: a\nb\r\n\r\n",
			method: "GET", target: "/", proto: "HTTP/1.0", major: 1, headers: Headers{{Name: "X", Value: "a\nb"}}, length: -1},
		{name: "Python's int", raw: "POST / HTTP/1.1\r\nContent-Length: +1_0 \r\n\r\n0123456789",
			method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			headers: Headers{{Name: "Content-Length", Value: "+1_0 "}}, length: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := readGunicorn(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != tt.method || req.Target != tt.target || req.Proto != tt.proto || req.Major != tt.major ||
				req.Minor != tt.minor || req.ContentLength != tt.length || req.HeadSize != strings.Index(tt.raw, "\r\n\r\n")+4 {
				t.Errorf("got %s %s %s %d.%d length %d size %d", req.Method, req.Target, req.Proto, req.Major, req.Minor, req.ContentLength, req.HeadSize)
			}
			if len(req.Headers) != len(tt.headers) {
				t.Fatalf("headers %+v, want %+v", req.Headers, tt.headers)
			}
			for i := range tt.headers {
				if req.Headers[i] != tt.headers[i] {
					t.Errorf("header %d is %+v, want %+v", i, req.Headers[i], tt.headers[i])
				}
			}
		})
	}
}

func TestGunicornRefuses(t *testing.T) {
	t.Parallel()
	long := "GET /" + strings.Repeat("a", 9000) + " HTTP/1.0\r\n\r\n"
	tests := []struct{ name, raw, detail string }{
		{"empty line first", "\r\nGET / HTTP/1.0\r\n\r\n", `Invalid Request Line 'Invalid HTTP request line: '''`},
		{"HTTP/0.9", "GET /\r\n", `Invalid Request Line 'Invalid HTTP request line: 'GET /''`},
		{"two spaces", "GET  / HTTP/1.0\r\n\r\n", `Invalid HTTP Version 'Invalid HTTP Version: '/ HTTP/1.0''`},
		{"space after the version", "GET / HTTP/1.0 \r\n\r\n", `Invalid HTTP Version 'Invalid HTTP Version: 'HTTP/1.0 ''`},
		{"method not a token", "G(T / HTTP/1.0\r\n\r\n", `Invalid Method 'Invalid HTTP method: 'G(T''`},
		{"bad IPv6 host", "GET http://[x/ HTTP/1.1\r\n\r\n", `Invalid Request Line 'Invalid HTTP request line: 'GET http://[x/ HTTP/1.1''`},
		{"IPv4 in brackets", "GET http://[1.2.3.4]/ HTTP/1.1\r\n\r\n", `Invalid Request Line 'Invalid HTTP request line: 'GET http://[1.2.3.4]/ HTTP/1.1''`},
		{"request line 4095", "GET /" + strings.Repeat("a", 4095-14) + " HTTP/1.0\r\n\r\n", "Request Line is too large (4095 > 4094)"},
		{"request line without its end", long, "Request Line is too large (8192 > 4094)"},
		{"no colon", "GET / HTTP/1.0\r\nFoo\r\n\r\n", `Invalid HTTP Header: 'Foo'`},
		{"space in a name", "GET / HTTP/1.0\r\nFoo Bar: x\r\n\r\n", `Invalid HTTP header name: 'FOO BAR'`},
		{"continuation first", "GET / HTTP/1.0\r\n X: y\r\n\r\n", `Invalid HTTP header name: ' X'`},
		{"101 headers", "GET / HTTP/1.0\r\n" + strings.Repeat("X: v\r\n", 101) + "\r\n", `Error parsing headers: 'limit request headers fields'`},
		{"header of 8191", "GET / HTTP/1.0\r\nX: " + strings.Repeat("a", 8191-5) + "\r\n\r\n", `Error parsing headers: 'limit request headers fields size'`},
		{"continued past 8190", "GET / HTTP/1.0\r\nX: a\r\n " + strings.Repeat("b", 8190) + "\r\n\r\n", `Error parsing headers: 'limit request headers fields size'`},
		{"two lengths", "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na", `Invalid HTTP Header: 'CONTENT-LENGTH'`},
		{"negative length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", `Invalid HTTP Header: 'CONTENT-LENGTH'`},
		{"chunked in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", `Invalid HTTP Header: 'TRANSFER-ENCODING'`},
		{"chunked and length", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n0\r\n\r\n", `Invalid HTTP Header: 'CONTENT-LENGTH'`},
		{"identity after chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", `Invalid HTTP Header: 'TRANSFER-ENCODING'`},
		{"gzip", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", `Unsupported transfer coding: 'gzip'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readGunicorn(tt.raw)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Detail != tt.detail {
				t.Errorf("detail %q, want %q", e.Detail, tt.detail)
			}
		})
	}
}

// TestGunicornWaitsForCRLF: a bare LF ends no line, so a head of bare LFs
// is never whole, and the client's close ends the read without an answer.
func TestGunicornWaitsForCRLF(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"GET / HTTP/1.0\nHost: x\n\n", "GET / HTTP/1.0\r\nHost: x\n\n", "GET / HTTP/1.0\r\nX: y\r\n"} {
		_, err := readGunicorn(raw)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: got %v, want an unexpected EOF", raw, err)
		}
	}
	if _, err := readGunicorn("GET / HTTP/1.0\r\n\xb5 x: y\r\n\r\n"); !errors.Is(err, ErrUnanswerable) {
		t.Errorf("micro sign in a name: got %v, want ErrUnanswerable", err)
	}
}

func TestSplitTarget(t *testing.T) {
	t.Parallel()
	tests := []struct{ target, path, query string }{
		{"/a%20b?x=1#f", "/a%20b", "x=1"},
		{"http://h:8/p?q", "/p", "q"},
		{"//h/p?q", "//h/p", "q"},
		{"\x01 /a\tb?c=\td", "/ab", "c=d"},
		{"*", "*", ""},
		{"http://[::1]:80/x", "/x", ""},
		{"http://[v1.x]/", "/", ""},
	}
	for _, tt := range tests {
		path, query, err := SplitTarget(tt.target)
		if err != nil || path != tt.path || query != tt.query {
			t.Errorf("SplitTarget(%q) = %q, %q, %v; want %q, %q", tt.target, path, query, err, tt.path, tt.query)
		}
	}
	for _, bad := range []string{"http://[x/", "http://x]/", "http://[1.2.3.4]/", "http://a[::1]/", "http://[::1]x/"} {
		if _, _, err := SplitTarget(bad); err == nil {
			t.Errorf("SplitTarget(%q) splits; urlsplit raises ValueError", bad)
		}
	}
}

// FuzzTokenAndVersion holds the dialect's hand-written checks to the
// regular expressions of gunicorn 20.1.0's parser (TOKEN_RE, VERSION_RE)
// that they stand for.
func FuzzTokenAndVersion(f *testing.F) {
	tokenRE := regexp.MustCompile(`^[!#$%&'*+\-.^_` + "`" + `|~0-9a-zA-Z]+$`)
	versionRE := regexp.MustCompile(`^HTTP/(\d+)\.(\d+)$`)
	for _, s := range []string{"GET", "X-Forwarded-For", "", "GE T", "Host:", "HTTP/1.0", "HTTP/1.1.1", "HTTP/1.", "HTTP/.1", "HTTP/10.23", "http/1.0", "HTTP/1.0\n", "HTTP/١.0", "ſ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isToken([]byte(s)), tokenRE.MatchString(s); got != want {
			t.Errorf("isToken(%q) = %v, TOKEN_RE says %v", s, got, want)
		}
		if _, _, got := gunicornVersion([]byte(s)); got != versionRE.MatchString(s) {
			t.Errorf("gunicornVersion(%q) = %v, VERSION_RE says %v", s, got, !got)
		}
	})
}

// FuzzReadGunicornRequest reads any bytes by gunicorn's rules: no panic,
// only gunicorn's statuses, an upper-case token for a method, and exactly
// the message taken, body included.
func FuzzReadGunicornRequest(f *testing.F) {
	reqs, _ := filepath.Glob(filepath.Join("..", "prefork", "testdata", "gunicorn", "*.req"))
	for _, p := range reqs {
		if b, err := os.ReadFile(p); err == nil && len(b) < 10000 {
			f.Add(b)
		}
	}
	f.Add([]byte("GET / HTTP/1.0\r\nX: a\r\n\tb\r\n\r\n"))
	f.Add([]byte("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n"))
	f.Add([]byte("POST / HTTP/1.1\r\nContent-Length: +0_3\r\n\r\nabcGET /x HTTP/1.0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := bytes.NewReader(data)
		r := NewReader(src, GunicornLimits())
		req, err := r.ReadRequest()
		var e *Error
		switch {
		case errors.As(err, &e):
			if e.Status != 400 && e.Status != 500 {
				t.Fatalf("status %d", e.Status)
			}
			return
		case err != nil:
			return
		}
		if strings.ToUpper(req.Method) != req.Method || !isToken([]byte(req.Method)) {
			t.Fatalf("method %q", req.Method)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		want := req.HeadSize + len(body)
		if req.Chunked {
			_, end, ok := refChunked(data[req.HeadSize:], Limits{})
			if !ok {
				t.Fatalf("chunked body %q that the reference does not read", body)
			}
			want = req.HeadSize + end
		}
		if got := consumed(data, src, r); got != want {
			t.Fatalf("took %d bytes, the message has %d", got, want)
		}
	})
}
