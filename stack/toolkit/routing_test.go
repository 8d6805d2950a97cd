package toolkit

import (
	"strings"
	"testing"
)

// werkzeugMap's answers below are what Werkzeug 2.2.2's Map answers for
// the same rules (checked with /usr/bin/python3).
func werkzeugMap(t testing.TB) *Map {
	m, err := NewMap(
		NewRule("/", "index"),
		NewRule("/<name>", "name"),
		NewRule("/<int:n>", "num"),
		NewRule("/about", "about"),
		NewRule("/<path:p>/edit", "edit"),
		NewRule("/wiki/<path:page>", "wiki"),
		NewRule("/wiki/<path:page>/history", "history"),
		NewRule("/page-<int:n>.html", "pagehtml"),
		NewRule("/page-<name>", "pagename"),
		NewRule("/a/<x>/<y>", "xy"),
		NewRule("/a/<x>/b", "xb"),
		NewRule("/s/", "s", "POST"),
		&Rule{Pattern: "/loose/", Endpoint: "loose", RedirectSlash: true},
		NewRule("/neg/<int(signed=True):n>", "neg"),
		NewRule("/fix/<int(fixed_digits=4):y>", "fix"),
		NewRule("/f/<float:x>", "f"),
		NewRule("/u/<uuid:id>", "u"),
	)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatchAsWerkzeug(t *testing.T) {
	t.Parallel()
	m := werkzeugMap(t)
	tests := []struct {
		name, path, method string
		want               string // "endpoint {args}", "redirect URL", or "404", "405 Allow"
	}{
		{"root", "/", "GET", "index {}"},
		{"static beats dynamic", "/about", "GET", "about {}"},
		{"int beats string", "/42", "GET", "num {'n': 42}"},
		{"string", "/x", "GET", "name {'name': 'x'}"},
		{"path then static", "/a/b/c/edit", "GET", "edit {'p': 'a/b/c'}"},
		{"path to the end", "/wiki/a/b", "GET", "wiki {'page': 'a/b'}"},
		{"path before static", "/wiki/a/b/history", "GET", "history {'page': 'a/b'}"},
		{"static pieces in a part", "/page-3.html", "GET", "pagehtml {'n': 3}"},
		{"string in a part", "/page-x", "GET", "pagename {'name': 'x'}"},
		{"static segment wins", "/a/1/b", "GET", "xb {'x': '1'}"},
		{"backtracks", "/a/1/c", "GET", "xy {'x': '1', 'y': 'c'}"},
		{"slash required", "/s", "POST", "redirect http://localhost:8000/s/"},
		{"other method goes on", "/s", "GET", "name {'name': 's'}"},
		{"method not allowed", "/s/", "GET", "405 POST"},
		{"loose slash", "/loose", "GET", "loose {}"},
		{"loose with slash", "/loose/", "GET", "loose {}"},
		{"signed", "/neg/-3", "GET", "neg {'n': -3}"},
		{"fixed digits", "/fix/0042", "GET", "fix {'y': 42}"},
		{"fixed digits refused", "/fix/42", "GET", "404"},
		{"float", "/f/1.5", "GET", "f {'x': 1.5}"},
		{"uuid", "/u/A1B2C3D4-0000-1111-2222-333344445555", "GET", "u {'id': UUID('a1b2c3d4-0000-1111-2222-333344445555')}"},
		{"leading slashes", "//about", "GET", "about {}"},
		{"no trailing slash rule", "/about/", "GET", "404"},
		{"empty path", "", "GET", "redirect http://localhost:8000/"},
		{"path needs a segment", "/wiki/", "GET", "404"},
		{"merged slashes", "/a//1/b", "GET", "redirect http://localhost:8000/a/1/b"},
		{"string is one segment", "/x/", "GET", "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newEnv(tt.method, "/")
			env.Set("PATH_INFO", tt.path)
			a := m.Bind(NewRequest(env))
			r, args, err := a.MatchPath(tt.path, tt.method)
			if got := matchWords(r, args, err); got != tt.want {
				t.Errorf("match %q %s = %s, want %s", tt.path, tt.method, got, tt.want)
			}
		})
	}
}

func matchWords(r *Rule, args Args, err error) string {
	switch e := err.(type) {
	case nil:
		return r.Endpoint + " " + args.String()
	case *RequestRedirect:
		return "redirect " + e.NewURL
	case *HTTPException:
		if e.Code == 405 {
			return "405 " + e.Headers.Get("Allow")
		}
		return "404"
	}
	return err.Error()
}

func TestAllowListsMethodsInRFCOrder(t *testing.T) {
	t.Parallel()
	m, err := NewMap(NewRule("/x", "a", "OPTIONS", "post", "GET"), NewRule("/x", "b", "PATCH", "PUT", "DELETE"))
	if err != nil {
		t.Fatal(err)
	}
	a := m.Bind(NewRequest(newEnv("BREW", "/x")))
	_, _, err = a.Match()
	if got := matchWords(nil, nil, err); got != "405 GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH" {
		t.Errorf("got %s", got)
	}
	if got := strings.Join(a.AllowedMethods(), ", "); got != "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH" {
		t.Errorf("AllowedMethods = %s", got)
	}
}

func TestBuildAsWerkzeug(t *testing.T) {
	t.Parallel()
	m := werkzeugMap(t)
	a := m.Bind(NewRequest(newEnv("GET", "/")))
	tests := []struct {
		endpoint string
		values   Args
		external bool
		want     string
	}{
		{"wiki", Args{{"page", "a b/c"}, {"x", 1}}, false, "/wiki/a%20b/c?x=1"},
		{"neg", Args{{"n", -3}}, false, "/neg/-3"},
		{"fix", Args{{"y", 42}}, false, "/fix/0042"},
		{"f", Args{{"x", 2}}, false, "/f/2.0"},
		{"name", Args{{"name", "ü/?"}}, false, "/%C3%BC/%3F"},
		{"index", Args{{"q", []string{"a", "b"}}}, false, "/?q=a&q=b"},
		{"index", nil, true, "http://localhost:8000/"},
	}
	for _, tt := range tests {
		got, err := a.Build(tt.endpoint, tt.values, "", tt.external)
		if err != nil || got != tt.want {
			t.Errorf("Build(%s, %s) = %q, %v; want %q", tt.endpoint, tt.values, got, err, tt.want)
		}
	}
	if _, err := a.Build("name", nil, "", false); err == nil {
		t.Error("building without a rule's variable: no error")
	}
	if _, err := a.Build("s", Args{}, "GET", false); err == nil {
		t.Error("building for a method the rule does not take: no error")
	}
	env := newEnv("GET", "/")
	env.Set("SCRIPT_NAME", "/mount")
	if got, _ := m.Bind(NewRequest(env)).Build("about", nil, "", false); got != "/mount/about" {
		t.Errorf("under a mount: %q", got)
	}
}

func TestBadRules(t *testing.T) {
	t.Parallel()
	for _, pattern := range []string{"no-slash", "/<int:>", "/<nope:x>", "/<x>/<x>", "/<int(min=a):x>", "/a<b"} {
		if _, err := NewMap(NewRule(pattern, "e")); err == nil {
			t.Errorf("NewMap(%q): no error", pattern)
		}
	}
}

// FuzzURLMap matches arbitrary paths and methods: it must never panic,
// and whatever a rule matches must build back to a URL that matches the
// same rule with the same values.
func FuzzURLMap(f *testing.F) {
	for _, s := range []string{"/", "/about", "/42", "/a/b/c/edit", "/wiki/x/history", "/page-7.html", "//", "/a//1/b", "/%", "/neg/-0", "/f/0.0", "/u/00000000-0000-0000-0000-000000000000"} {
		f.Add(s, "GET")
	}
	m := werkzeugMap(f)
	match := func(path, method string) (*MapAdapter, *Rule, Args, error) {
		env := newEnv(method, "/")
		env.Set("PATH_INFO", path)
		a := m.Bind(NewRequest(env))
		r, args, err := a.Match()
		return a, r, args, err
	}
	f.Fuzz(func(t *testing.T, path, method string) {
		a, r, args, err := match(path, method)
		if err != nil {
			return
		}
		url, err := a.Build(r.Endpoint, args, method, false)
		if err != nil {
			t.Fatalf("%q matched %s %s but does not build back: %v", path, r.Endpoint, args, err)
		}
		_, r2, args2, err := match(Unquote(url), method)
		if err != nil || r2 != r || args2.String() != args.String() {
			t.Fatalf("%q matched %s %s, built %q, which matches %v %v %v", path, r.Endpoint, args, url, r2, args2, err)
		}
	})
}

// upper is a converter of one's own: a word in capitals, given to the view
// in lower case.
type upper struct{}

func (upper) Regexp() string                { return "[A-Z]+" }
func (upper) Weight() int                   { return 100 }
func (upper) PartIsolating() bool           { return true }
func (upper) ToValue(s string) (any, error) { return strings.ToLower(s), nil }
func (upper) ToURL(v any) (string, error)   { return strings.ToUpper(v.(string)), nil }

func TestAConverterOfOnesOwn(t *testing.T) {
	t.Parallel()
	m, err := NewMap()
	if err != nil {
		t.Fatal(err)
	}
	m.AddConverter("upper", func([]string, map[string]string) (Converter, error) { return upper{}, nil })
	if err := m.Add(NewRule("/shout/<upper:word>", "shout")); err != nil {
		t.Fatal(err)
	}
	a := m.Bind(NewRequest(newEnv("GET", "/")))
	r, args, err := a.MatchPath("/shout/HELLO", "GET")
	if err != nil || r.Endpoint != "shout" || args.Text("word") != "hello" {
		t.Fatalf("match = %v %v %v", r, args, err)
	}
	if _, _, err := a.MatchPath("/shout/hello", "GET"); err == nil {
		t.Error("lower case matched")
	}
	if u, err := a.Build("shout", args, "", false); err != nil || u != "/shout/HELLO" {
		t.Errorf("Build = %q, %v", u, err)
	}
}
