package gateway

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// gunicornLimits are the limits the pre-fork server reads with.
var gunicornLimits = http1.GunicornLimits()

func readRequest(t testing.TB, raw string) *http1.Request {
	t.Helper()
	req, err := http1.NewReader(strings.NewReader(raw), gunicornLimits).ReadRequest()
	if err != nil {
		t.Fatalf("reading %q: %v", raw, err)
	}
	return req
}

var (
	local  = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8000}
	remote = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50123}
)

func TestRequestEnviron(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		o    Origin
		want string // the keys that are not wsgi.* constants, as k=v lines
	}{
		{
			name: "the talk's request",
			raw:  "GET / HTTP/1.0\r\n\r\n",
			want: `SERVER_SOFTWARE=gunicorn/20.1.0
REQUEST_METHOD=GET
QUERY_STRING=
RAW_URI=/
SERVER_PROTOCOL=HTTP/1.0
wsgi.url_scheme=http
REMOTE_ADDR=127.0.0.1
REMOTE_PORT=50123
SERVER_NAME=127.0.0.1
SERVER_PORT=8000
PATH_INFO=/
SCRIPT_NAME=`,
		},
		{
			name: "through the proxy, with repeated headers",
			raw:  "GET /a%20b/c%zz?x=1&y=%41#frag HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nHost: localhost:8080\r\nAccept: */*\r\nAccept: text/plain\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nFoo_Bar: u\r\n\r\n",
			want: `SERVER_SOFTWARE=gunicorn/20.1.0
REQUEST_METHOD=GET
QUERY_STRING=x=1&y=%41
RAW_URI=/a%20b/c%zz?x=1&y=%41#frag
SERVER_PROTOCOL=HTTP/1.0
HTTP_X_FORWARDED_FOR=127.0.0.1
HTTP_HOST=localhost:8080
HTTP_ACCEPT=*/*,text/plain
CONTENT_TYPE=text/plain
CONTENT_LENGTH=0
HTTP_FOO_BAR=u
wsgi.url_scheme=http
REMOTE_ADDR=127.0.0.1
REMOTE_PORT=50123
SERVER_NAME=127.0.0.1
SERVER_PORT=8000
PATH_INFO=/a b/c%zz
SCRIPT_NAME=`,
		},
		{
			name: "mounted under a script name, lower-case method",
			raw:  "post http://example.com/app/x?q HTTP/1.1\r\nHost: example.com\r\n\r\n",
			o:    Origin{ScriptName: "/app", Scheme: "https"},
			want: `SERVER_SOFTWARE=gunicorn/20.1.0
REQUEST_METHOD=POST
QUERY_STRING=q
RAW_URI=http://example.com/app/x?q
SERVER_PROTOCOL=HTTP/1.1
HTTP_HOST=example.com
wsgi.url_scheme=https
REMOTE_ADDR=127.0.0.1
REMOTE_PORT=50123
SERVER_NAME=127.0.0.1
SERVER_PORT=8000
PATH_INFO=/x
SCRIPT_NAME=/app`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := tt.raw
			if strings.HasPrefix(raw, "post") {
				raw = "POST" + raw[4:] // the lab's reader refuses lower case; the builder still upper-cases
			}
			o := tt.o
			o.Software, o.Local, o.Remote = "gunicorn/20.1.0", local, remote
			env := RequestEnviron(readRequest(t, raw), o)
			var lines []string
			for _, f := range env.Fields() {
				if !strings.HasPrefix(f.Key, "wsgi.") || f.Key == KeyURLScheme {
					lines = append(lines, f.Key+"="+f.Value)
				}
			}
			if got := strings.Join(lines, "\n"); got != tt.want {
				t.Errorf("environ:\n%s\nwant:\n%s", got, tt.want)
			}
			wantConst := "wsgi.errors wsgi.version wsgi.multithread wsgi.multiprocess wsgi.run_once wsgi.file_wrapper wsgi.input_terminated SERVER_SOFTWARE wsgi.input"
			if got := strings.Join(env.Keys()[:9], " "); got != wantConst {
				t.Errorf("first keys %q, want %q", got, wantConst)
			}
		})
	}
}

func TestEnvironOrder(t *testing.T) {
	t.Parallel()
	e := NewEnviron()
	e.Set("B", "1")
	e.Set("A", "2")
	e.Set("B", "3")
	e.Del("A")
	e.Set("A", "4")
	c := e.Clone()
	c.Set("C", "5")
	if got := strings.Join(e.Keys(), ","); got != "B,A" {
		t.Errorf("keys %q", got)
	}
	if e.String("B") != "3" || c.Len() != 3 || e.Len() != 2 {
		t.Errorf("values or lengths wrong: %v %d %d", e.String("B"), c.Len(), e.Len())
	}
	if FormatValue(Version{1, 0}) != "(1, 0)" || FormatValue(Version{2, 10}) != "(2, 10)" || FormatValue(true) != "True" || FormatValue(nil) != "None" || FormatValue(3) != "<int>" {
		t.Error("FormatValue")
	}
}

// FuzzRequestEnviron builds the environ of any request the pre-fork
// server's reader accepts: it must not panic, every key must be set once,
// and every header must show up under its HTTP_ key or CONTENT_*.
func FuzzRequestEnviron(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.0\r\n\r\n"))
	f.Add([]byte("GET /a%2?b%zz HTTP/1.1\r\nHost: x\r\nA: 1\r\na: 2\r\nContent-Length: 3\r\n\r\nabc"))
	f.Add([]byte("GET http://h:1/p?q#f HTTP/1.1\r\nScript_Name: /p\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http1.NewReader(bytes.NewReader(raw), gunicornLimits).ReadRequest()
		if err != nil || req.Proto == "" {
			return
		}
		env := RequestEnviron(req, Origin{Software: "x", Local: local, Remote: remote})
		seen := map[string]bool{}
		for _, k := range env.Keys() {
			if seen[k] {
				t.Fatalf("key %q set twice", k)
			}
			seen[k] = true
		}
		for _, h := range req.Headers {
			if h.Invalid {
				continue
			}
			key := "HTTP_" + strings.ReplaceAll(strings.ToUpper(h.Name), "-", "_")
			switch strings.ToUpper(h.Name) {
			case "CONTENT-TYPE":
				key = "CONTENT_TYPE"
			case "CONTENT-LENGTH":
				key = "CONTENT_LENGTH"
			}
			if !strings.Contains(env.String(key), h.Value) {
				t.Fatalf("header %s: %q missing from %s=%q", h.Name, h.Value, key, env.String(key))
			}
		}
		if env.String("REQUEST_METHOD") != strings.ToUpper(req.Method) || env.String("RAW_URI") != req.Target {
			t.Fatal("request line lost")
		}
		if !strings.Contains(req.Target, "%") && printable(req.Target) && !strings.Contains(req.Target, ":") &&
			!strings.HasPrefix(env.String("RAW_URI"), env.String("PATH_INFO")) && env.String("SCRIPT_NAME") == "" {
			t.Fatalf("PATH_INFO %q is not a prefix of %q", env.String("PATH_INFO"), req.Target)
		}
	})
}

// printable reports whether s is printable ASCII only, which gunicorn
// neither drops from a target nor re-encodes in PATH_INFO.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

func TestVarEnviron(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		vars   []Entry
		scheme string
		host   string
	}{
		{name: "plain", vars: []Entry{{"REQUEST_METHOD", "GET"}, {"HTTP_HOST", "a"}}, scheme: "http", host: "a"},
		{name: "HTTPS on", vars: []Entry{{"HTTPS", "on"}}, scheme: "https"},
		{name: "UWSGI_SCHEME wins", vars: []Entry{{"HTTPS", "on"}, {"UWSGI_SCHEME", "ws"}}, scheme: "ws"},
		{name: "a repeated key keeps its last value", vars: []Entry{{"HTTP_HOST", "a"}, {"HTTP_HOST", "b"}},
			scheme: "http", host: "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := VarEnviron(tt.vars, Origin{Software: "test", Input: strings.NewReader("body")})
			if got := e.String(KeyURLScheme); got != tt.scheme {
				t.Errorf("wsgi.url_scheme = %q, want %q", got, tt.scheme)
			}
			if got := e.String("HTTP_HOST"); got != tt.host {
				t.Errorf("HTTP_HOST = %q, want %q", got, tt.host)
			}
			if keys := e.Keys(); keys[0] != tt.vars[0].Key {
				t.Errorf("keys %v: the variables come first", keys)
			}
			var b bytes.Buffer
			b.ReadFrom(e.Input())
			if b.String() != "body" {
				t.Errorf("wsgi.input %q", b.String())
			}
		})
	}
}

// TestPathAsGunicorn: gunicorn decodes a target as latin-1, splits it with
// urlsplit and builds PATH_INFO with unquote_to_bytes, which encodes its
// argument as UTF-8 first (testdata/gunicorn/environ-latin1-path in
// stack/prefork is the capture).
func TestPathAsGunicorn(t *testing.T) {
	t.Parallel()
	tests := []struct{ target, path, query string }{
		{"/J\xc3\xbcrgen", "/J\xc3\x83\xc2\xbcrgen", ""},
		{"/\xff?q=\xff", "/\xc3\xbf", "q=\xff"},
		{"/J%C3%BCrgen", "/J\xc3\xbcrgen", ""},
		{"\x01/a\tb?c=\td#f", "/ab", "c=d"},
	}
	for _, tt := range tests {
		env := RequestEnviron(readRequest(t, "GET "+tt.target+" HTTP/1.0\r\n\r\n"), Origin{Local: local, Remote: remote})
		if got := env.String("PATH_INFO"); got != tt.path {
			t.Errorf("%q: PATH_INFO %q, gunicorn's is %q", tt.target, got, tt.path)
		}
		if got := env.String("QUERY_STRING"); got != tt.query {
			t.Errorf("%q: QUERY_STRING %q, gunicorn's is %q", tt.target, got, tt.query)
		}
	}
}

// BenchmarkRequestEnviron builds the environ of the request the lab's
// proxy sends a pre-fork worker, as the worker does for each request.
func BenchmarkRequestEnviron(b *testing.B) {
	req := readRequest(b, "GET / HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nHost: 127.0.0.1:8080\r\n"+
		"Connection: close\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")
	o := Origin{Software: "gunicorn/20.1.0", Local: local, Remote: remote, Multiprocess: true}
	b.ReportAllocs()
	for b.Loop() {
		RequestEnviron(req, o)
	}
}
