package toolkit

import (
	"fmt"
	"testing"
)

func TestRequestURLsAsWerkzeug(t *testing.T) {
	t.Parallel()
	env := newEnv("GET", "/a%20b/%C3%BC?x=1&y=%C3%BC&z=a%20b", "Host: LocalHost:80", "X-Forwarded-For: 1.2.3.4, 5.6.7.8", "Cookie: a=1")
	env.Set("SCRIPT_NAME", "/mount")
	r := NewRequest(env)
	for _, c := range []struct{ what, got, want string }{
		{"url", r.URL(), "http://LocalHost/mount/a%20b/ü?x=1&y=ü&z=a%20b"},
		{"base_url", r.BaseURL(), "http://LocalHost/mount/a%20b/ü"},
		{"root_url", r.RootURL(), "http://LocalHost/mount/"},
		{"host_url", r.HostURL(), "http://LocalHost/"},
		{"host", r.Host(), "LocalHost"},
		{"path", r.Path(), "/a b/ü"},
		{"full_path", r.FullPath(), "/a b/ü?x=1&y=%C3%BC&z=a%20b"},
		{"repr", r.String(), "<Request 'http://LocalHost/mount/a%20b/ü?x=1&y=ü&z=a%20b' [GET]>"},
		{"access_route", fmt.Sprint(r.AccessRoute()), "[1.2.3.4 5.6.7.8]"},
		{"script_root", r.RootPath(), "/mount"},
		{"args", r.Args().String(), "ImmutableMultiDict([('x', '1'), ('y', 'ü'), ('z', 'a b')])"},
		{"cookies", r.Cookies().String(), "ImmutableMultiDict([('a', '1')])"},
		{"environ", fmt.Sprint(env.Fields()[len(env.Fields())-1]), "{werkzeug.request <Request 'http://LocalHost/mount/a%20b/ü?x=1&y=ü&z=a%20b' [GET]>}"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if h := newEnv("GET", "/"); NewRequest(h).Host() != "localhost:8000" {
		t.Errorf("with no Host header: %q", NewRequest(h).Host())
	}
}

func TestRequestHeadersAsWerkzeug(t *testing.T) {
	t.Parallel()
	// The capture headers-order shows Werkzeug's view of these headers.
	env := newEnv("GET", "/", "Host: localhost", "User-Agent: telnet", "X-Custom_Name: a", "Accept: */*,text/plain",
		"Content-Type: text/plain", "Content-Length: 0", "Www-Authenticate: x", "X-1a: y")
	var got string
	for _, h := range NewRequest(env).Headers() {
		got += h.Name + ": " + h.Value + "\n"
	}
	want := "Host: localhost\nUser-Agent: telnet\nX-Custom-Name: a\nAccept: */*,text/plain\nContent-Type: text/plain\nContent-Length: 0\nWww-Authenticate: x\nX-1A: y\n"
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

func TestMultiDict(t *testing.T) {
	t.Parallel()
	d := DecodeQuery("a=1&b=2&a=3&c&=4&&d=%zz+x")
	if got := d.String(); got != "ImmutableMultiDict([('a', '1'), ('a', '3'), ('b', '2'), ('c', ''), ('', '4'), ('d', '%zz x')])" {
		t.Errorf("repr %s", got)
	}
	if d.Get("a", "none") != "1" || d.Get("zz", "none") != "none" || fmt.Sprint(d.GetList("a")) != "[1 3]" || d.Len() != 5 {
		t.Errorf("Get/GetList/Len wrong: %v %v %d", d.Get("a", ""), d.GetList("a"), d.Len())
	}
	var empty *MultiDict
	if _, ok := empty.Lookup("a"); ok || empty.Len() != 0 || empty.Keys() != nil {
		t.Error("a nil MultiDict is not empty")
	}
	if got := EncodeQuery([]Pair{{"q", "a b+c"}, {"é", "&="}}); got != "q=a+b%2Bc&%C3%A9=%26%3D" {
		t.Errorf("EncodeQuery = %q", got)
	}
}

func TestRepr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    any
		want string
	}{
		{"World", "'World'"},
		{"it's", `"it's"`},
		{`it's "x"`, `'it\'s "x"'`},
		{"a\nb\t\x01é\u200b", `'a\nb\t\x01é\u200b'`},
		{"\xff", `'\udcff'`},
		{[]byte("a\r\n"), `b'a\r\n'`},
		{nil, "None"},
		{true, "True"},
		{42, "42"},
		{2.5, "2.5"},
		{100.0, "100.0"},
		{1e16, "1e+16"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{1e6, "1000000.0"},
		{[]any{1, "two", 3.0}, "[1, 'two', 3.0]"},
		{map[string]any{"b": 1, "a": []string{"x"}}, "{'a': ['x'], 'b': 1}"},
		{Args{{"id", 42}, {"name", "x"}}, "{'id': 42, 'name': 'x'}"},
	}
	for _, tt := range tests {
		if got := Repr(tt.v); got != tt.want {
			t.Errorf("Repr(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}
