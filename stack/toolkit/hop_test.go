package toolkit

import (
	"strings"
	"testing"
)

func TestTheToolkitRecordsItsHandOffs(t *testing.T) {
	t.Parallel()
	rec := &events{}
	app := ProxyFix{For: 1}.Wrap(Routes)
	got := serve(t, app, newEnv("GET", "/hello/World?x=1", "X-Forwarded-For: 203.0.113.7"), rec)
	if got.Status != "200 OK" {
		t.Fatalf("answer %+v", got)
	}
	want := []string{
		"prefork>gateway environ",
		"gateway>toolkit ProxyFix",
		"gateway>toolkit Request(environ)",
		"gateway>toolkit url_map.match()",
		"gateway<toolkit Response",
		"prefork<gateway start_response",
		"prefork<gateway chunk",
		"prefork<gateway close",
	}
	if g := strings.Join(rec.handoffs(), "\n"); g != strings.Join(want, "\n") {
		t.Errorf("hand-offs\n%s\nwant\n%s", g, strings.Join(want, "\n"))
	}
	for name, want := range map[string]map[string]string{
		"ProxyFix":         {"REMOTE_ADDR": "127.0.0.1 -> 203.0.113.7 (from X-Forwarded-For: 203.0.113.7)"},
		"Request(environ)": {"method": "GET", "path": "/hello/World", "args": "ImmutableMultiDict([('x', '1')])", "remote_addr": "203.0.113.7", "url": "http://localhost:8000/hello/World?x=1"},
		"url_map.match()":  {"rule": "/hello/<name>", "endpoint": "hello", "view_args": "{'name': 'World'}"},
		"Response":         {"response": "<Response 45 bytes [200 OK]>"},
	} {
		fields := rec.fields(name)
		for k, v := range want {
			if fields[k] != v {
				t.Errorf("%s: %s = %q, want %q", name, k, fields[k], v)
			}
		}
	}
	rec = &events{}
	serve(t, Routes, newEnv("PUT", "/user/1"), rec)
	if f := rec.fields("url_map.match()"); f["raises"] != "MethodNotAllowed" || f["Allow"] != "GET, HEAD, POST" || f["status"] != "405 METHOD NOT ALLOWED" {
		t.Errorf("a 405 is recorded as %v", f)
	}
}

func TestTracingOffRecordsNothingAndAnswersTheSame(t *testing.T) {
	t.Parallel()
	rec := &events{}
	on := serve(t, Routes, newEnv("GET", "/user/7"), rec)
	off := serve(t, Routes, newEnv("GET", "/user/7"), nil)
	if on.Status != off.Status || headerList(on.Headers) != headerList(off.Headers) || on.Body != off.Body {
		t.Errorf("tracing changed the answer:\n on %+v\noff %+v", on, off)
	}
	hop := NewHop(newEnv("GET", "/"), "a", "b")
	if hop.On() {
		t.Error("a hop of an environ never served records")
	}
	hop.Down("x")
	hop.Log("x", "y")
}

func TestProxyFixSaysWhatItDid(t *testing.T) {
	t.Parallel()
	rec := &events{}
	serve(t, ProxyFix{For: 1, Proto: 1}.Wrap(WhoAmI), newEnv("GET", "/", "X-Forwarded-For: 203.0.113.7, 127.0.0.1"), rec)
	f := rec.fields("ProxyFix")
	if f["REMOTE_ADDR"] != "127.0.0.1 -> 127.0.0.1 (from X-Forwarded-For: 203.0.113.7, 127.0.0.1)" ||
		f["wsgi.url_scheme"] != "http kept: no X-Forwarded-Proto from a trusted proxy" {
		t.Errorf("ProxyFix recorded %v", f)
	}
}
