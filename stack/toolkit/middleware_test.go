package toolkit

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
)

// echoEnv answers with the environ keys proxy-fix and the dispatcher set.
func echoEnv(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
	var b strings.Builder
	for _, k := range []string{"REMOTE_ADDR", "wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO"} {
		v, _ := env.Get(k)
		b.WriteString(k + "=" + gateway.FormatValue(v) + " ")
	}
	return NewResponse(strings.TrimSpace(b.String())).ServeWSGI(env, start)
}

func TestProxyFix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fix     ProxyFix
		headers []string
		want    string
	}{
		{"no header", ProxyFix{For: 1}, nil,
			"REMOTE_ADDR=127.0.0.1 wsgi.url_scheme=http HTTP_HOST=None SERVER_NAME=localhost SERVER_PORT=8000"},
		{"the proxy's address replaced", ProxyFix{For: 1}, []string{"X-Forwarded-For: 203.0.113.7"},
			"REMOTE_ADDR=203.0.113.7 wsgi.url_scheme=http HTTP_HOST=None SERVER_NAME=localhost SERVER_PORT=8000"},
		{"one proxy trusted of two", ProxyFix{For: 1}, []string{"X-Forwarded-For: 198.51.100.1, 203.0.113.7"},
			"REMOTE_ADDR=203.0.113.7 wsgi.url_scheme=http HTTP_HOST=None SERVER_NAME=localhost SERVER_PORT=8000"},
		{"two trusted", ProxyFix{For: 2}, []string{"X-Forwarded-For: 198.51.100.1, 203.0.113.7"},
			"REMOTE_ADDR=198.51.100.1 wsgi.url_scheme=http HTTP_HOST=None SERVER_NAME=localhost SERVER_PORT=8000"},
		{"more trusted than sent", ProxyFix{For: 3}, []string{"X-Forwarded-For: 198.51.100.1, 203.0.113.7"},
			"REMOTE_ADDR=127.0.0.1 wsgi.url_scheme=http HTTP_HOST=None SERVER_NAME=localhost SERVER_PORT=8000"},
		{"proto, host and port", ProxyFix{Proto: 1, Host: 1, Port: 1},
			[]string{"Host: inner:8000", "X-Forwarded-Proto: https", "X-Forwarded-Host: example.com:8443", "X-Forwarded-Port: 443"},
			"REMOTE_ADDR=127.0.0.1 wsgi.url_scheme=https HTTP_HOST=example.com:443 SERVER_NAME=example.com SERVER_PORT=443"},
		{"an IPv6 host", ProxyFix{Host: 1}, []string{"X-Forwarded-Host: [::1]"},
			"REMOTE_ADDR=127.0.0.1 wsgi.url_scheme=http HTTP_HOST=[::1] SERVER_NAME=[::1] SERVER_PORT=8000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := serve(t, tt.fix.Wrap(echoEnv), newEnv("GET", "/", tt.headers...), nil)
			if !strings.HasPrefix(got.Body, tt.want) {
				t.Errorf("got  %s\nwant %s", got.Body, tt.want)
			}
		})
	}
	env := newEnv("GET", "/", "X-Forwarded-For: 203.0.113.7", "X-Forwarded-Prefix: /app")
	serve(t, ProxyFix{For: 1, Prefix: 1}.Wrap(echoEnv), env, nil)
	orig, _ := env.Get("werkzeug.proxy_fix.orig")
	if s := gateway.FormatValue(orig); s != "{'REMOTE_ADDR': '127.0.0.1', 'wsgi.url_scheme': 'http', 'HTTP_HOST': None, 'SERVER_NAME': 'localhost', 'SERVER_PORT': '8000', 'SCRIPT_NAME': ''}" {
		t.Errorf("werkzeug.proxy_fix.orig = %s", s)
	}
	if env.String("SCRIPT_NAME") != "/app" {
		t.Errorf("prefix: SCRIPT_NAME %q", env.String("SCRIPT_NAME"))
	}
}

func TestDispatcher(t *testing.T) {
	t.Parallel()
	mounted := func(name string) gateway.App {
		return func(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
			return NewResponse(name+" "+env.String("SCRIPT_NAME")+" "+env.String("PATH_INFO")).ServeWSGI(env, start)
		}
	}
	app := Dispatcher(mounted("root"), map[string]gateway.App{"/api": mounted("api"), "/api/v2": mounted("v2")})
	for path, want := range map[string]string{
		"/":           "root  /",
		"/api":        "api /api ",
		"/api/x":      "api /api /x",
		"/api/v2/a/b": "v2 /api/v2 /a/b",
		"/apis":       "root  /apis",
	} {
		if got := serve(t, app, newEnv("GET", path), nil).Body; got != want {
			t.Errorf("%s: got %q, want %q", path, got, want)
		}
	}
}

func TestSharedData(t *testing.T) {
	t.Parallel()
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	files := fstest.MapFS{"hello.txt": {Data: []byte("hi\n"), ModTime: mtime}, "sub/x.bin": {Data: []byte{0}, ModTime: mtime}}
	app := SharedData(Export{Path: "/static", FS: files})(NotFound().ServeWSGI)
	tests := []struct {
		path    string
		headers []string
		status  string
		ctype   string
	}{
		{"/static/hello.txt", nil, "200 OK", "text/plain; charset=utf-8"},
		{"/static/sub/x.bin", nil, "200 OK", "application/octet-stream"},
		{"/static/../hello.txt", nil, "404 NOT FOUND", "text/html; charset=utf-8"},
		{"/static/sub", nil, "404 NOT FOUND", "text/html; charset=utf-8"},
		{"/static/", nil, "404 NOT FOUND", "text/html; charset=utf-8"},
		{"/static/hello.txt", []string{`If-None-Match: "wzsdm-1704164645.0-3-301466531"`}, "304 Not Modified", ""},
		{"/static/hello.txt", []string{"If-Modified-Since: Tue, 02 Jan 2024 03:04:05 GMT"}, "304 Not Modified", ""},
		{"/static/hello.txt", []string{"If-Modified-Since: Tue, 02 Jan 2024 03:04:04 GMT"}, "200 OK", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		got := serve(t, app, newEnv("GET", tt.path, tt.headers...), nil)
		if got.Status != tt.status || got.Headers.Get("Content-Type") != tt.ctype {
			t.Errorf("%s %v: %s %q", tt.path, tt.headers, got.Status, got.Headers.Get("Content-Type"))
		}
	}
}
