package toolkit

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The expectations below are what Werkzeug 2.2.2 answers for the same
// input (checked with /usr/bin/python3).

func TestParseCookie(t *testing.T) {
	t.Parallel()
	got := ParseCookie(`a=1; b="x\073y"; c = 2 ;d; =e; f="unterminated; g=3`).Items()
	want := []Pair{{"a", "1"}, {"b", "x;y"}, {"c", "2"}, {"d", ""}, {"f", `"unterminated`}, {"g", "3"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSetCookie(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 11, 23, 10, 15, 59, 0, time.UTC) }
	tests := []struct {
		name string
		c    Cookie
		want string
	}{
		{"plain", Cookie{Name: "seen", Value: "yes"}, "seen=yes; Path=/"},
		{"quoted", Cookie{Name: "k", Value: "v,;\"\\\x01é ok", Domain: ".example.com", Secure: true, SameSite: "strict"},
			`k="v\054\073\"\\\001\303\251 ok"; Domain=.example.com; Secure; Path=/; SameSite=Strict`},
		{"max age", Cookie{Name: "note", Value: "a b;c", MaxAge: time.Minute, Path: "/form", HTTPOnly: true, SameSite: "Lax"},
			`note="a b\073c"; Expires=Mon, 23 Nov 2026 10:16:59 GMT; Max-Age=60; HttpOnly; Path=/form; SameSite=Lax`},
	}
	for _, tt := range tests {
		got, err := tt.c.header(now)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	for _, bad := range []Cookie{{Name: "a", Domain: "localhost"}, {Name: "a", SameSite: "sometimes"}} {
		if _, err := bad.header(now); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	r := NewResponse("")
	r.DeleteCookie("seen", "")
	if got := r.Headers.Get("Set-Cookie"); got != "seen=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/" {
		t.Errorf("DeleteCookie: %q", got)
	}
}

func TestParseOptionsHeader(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`form-data; name="title"`, "form-data map[name:title]"},
		{`text/html; charset=UTF-8`, "text/html map[charset:UTF-8]"},
		{`form-data; name=a; filename="C:\\x\\y.txt"`, `form-data map[filename:C:\x\y.txt name:a]`},
		{`attachment; filename*=UTF-8''%C3%BC.txt`, "attachment map[filename:ü.txt]"},
		{`multipart/form-data; boundary="a b"`, "multipart/form-data map[boundary:a b]"},
		{"", " map[]"},
		{";x=1", " map[]"},
		{"text/plain;", "text/plain map[]"},
	}
	for _, tt := range tests {
		v, opts := ParseOptionsHeader(tt.in)
		if got := v + " " + fmt.Sprint(opts); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseListHeader(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`a, "b, c", d`:       `[a b, c d]`,
		`1.1.1.1,, 2.2.2.2`:  `[1.1.1.1  2.2.2.2]`,
		`"\"q\""`:            `[q]`,
		`203.0.113.7`:        `[203.0.113.7]`,
		`198.51.100.1, 10.1`: `[198.51.100.1 10.1]`,
	} {
		if got := fmt.Sprint(ParseListHeader(in)); got != want {
			t.Errorf("%q: got %s, want %s", in, got, want)
		}
	}
}

func TestParseForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body string
		form, files       string
	}{
		{"urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "a=1&b=%zz&c=%C3%BC&&d",
			"ImmutableMultiDict([('a', '1'), ('b', '%zz'), ('c', 'ü'), ('d', '')])", "[]"},
		{"multipart with bare LF", "multipart/form-data; boundary=B",
			"--B\nContent-Disposition: form-data; name=\"a\"\n\nx\n--B\nContent-Disposition: form-data; name=\"b\"\n\ny\n--B--\n",
			"ImmutableMultiDict([('a', 'x'), ('b', 'y')])", "[]"},
		{"preamble and continued header", "multipart/form-data; boundary=B",
			"preamble\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Extra: 1\r\n  continued\r\n\r\n\xffx\r\n--B--",
			"ImmutableMultiDict([('a', '\ufffdx')])", "[]"},
		{"unfinished", "multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
			"ImmutableMultiDict([])", "[]"},
		{"no boundary", "multipart/form-data", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--\r\n",
			"ImmutableMultiDict([])", "[]"},
		{"a file", "multipart/form-data; boundary=XyZ",
			"--XyZ\r\nContent-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nbody\r\n--XyZ--\r\n",
			"ImmutableMultiDict([])", "[<FileStorage: 'a.txt' ('text/plain')>]"},
		{"not a form", "text/plain", "a=1", "ImmutableMultiDict([])", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			form, files, err := ParseForm(tt.ctype, []byte(tt.body), -1)
			if err != nil {
				t.Fatal(err)
			}
			if got := form.String(); got != tt.form {
				t.Errorf("form %s, want %s", got, tt.form)
			}
			if got := fmt.Sprint(files.All()); got != tt.files {
				t.Errorf("files %s, want %s", got, tt.files)
			}
		})
	}
	if _, _, err := ParseForm("application/x-www-form-urlencoded", []byte("a=1"), 2); err == nil {
		t.Error("a form over the memory limit: no error")
	}
}

func TestRequestBody(t *testing.T) {
	t.Parallel()
	body := func(env map[string]any, max int64) (string, error) {
		e := newEnv("POST", "/")
		for k, v := range env {
			e.Set(k, v)
		}
		r := NewRequest(e)
		r.MaxContentLength = max
		b, err := r.Data()
		return string(b), err
	}
	in := func(s string) *strings.Reader { return strings.NewReader(s) }
	tests := []struct {
		name string
		env  map[string]any
		max  int64
		want string
		code int
	}{
		{"by length", map[string]any{"CONTENT_LENGTH": "3", "wsgi.input": in("abcdef")}, 0, "abc", 0},
		{"no length", map[string]any{"wsgi.input": in("abc")}, 0, "", 0},
		{"terminated input", map[string]any{"wsgi.input": in("abcdef"), "wsgi.input_terminated": true}, 0, "abcdef", 0},
		{"length over the limit", map[string]any{"CONTENT_LENGTH": "10", "wsgi.input": in("0123456789")}, 5, "", 413},
		{"stream over the limit", map[string]any{"wsgi.input": in("0123456789"), "wsgi.input_terminated": true}, 5, "", 413},
		{"no limit", map[string]any{"CONTENT_LENGTH": "10", "wsgi.input": in("0123456789")}, -1, "0123456789", 0},
	}
	for _, tt := range tests {
		got, err := body(tt.env, tt.max)
		code := 0
		if h, ok := AsHTTPError(err); ok {
			code = h.StatusCode()
		}
		if got != tt.want || code != tt.code {
			t.Errorf("%s: got %q, %v; want %q and %d", tt.name, got, err, tt.want, tt.code)
		}
	}
}

// FuzzParseForm feeds the form parser arbitrary bodies: it must never
// panic, and what it finds must be valid UTF-8 text.
func FuzzParseForm(f *testing.F) {
	f.Add("multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"b\"\r\n\r\nx\r\n--XyZ--\r\n")
	f.Add("multipart/form-data; boundary=B", "--B\nContent-Disposition: form-data; name=a\n\nx\n--B--")
	f.Add("application/x-www-form-urlencoded", "a=1&b=%zz&&c")
	f.Add(`multipart/form-data; boundary="("`, "--(\r\n\r\n")
	f.Fuzz(func(t *testing.T, ctype, body string) {
		form, files, err := ParseForm(ctype, []byte(body), -1)
		if err != nil {
			t.Fatalf("an error other than 413: %v", err)
		}
		for _, p := range form.Items() {
			if !utf8Valid(p.Key) || !utf8Valid(p.Value) {
				t.Fatalf("not UTF-8: %q", p)
			}
		}
		for _, fs := range files.All() {
			if fs == nil {
				t.Fatal("a nil file")
			}
		}
	})
}

func utf8Valid(s string) bool { return ValidUTF8(s) == s }
