package conf

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// render writes directives compactly: "name a b;" and "name a { ... }".
func render(dirs []*Directive) string {
	var parts []string
	for _, d := range dirs {
		s := strings.Join(append([]string{d.Name}, d.Args...), " ")
		if d.IsBlock() {
			s += " { " + render(d.Block) + " }"
		} else {
			s += ";"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestParse(t *testing.T) {
	t.Parallel()
	files := Files{FS: fstest.MapFS{
		"conf/mime.types": {Data: []byte("types { text/html html; }\n")},
		"conf/a.inc":      {Data: []byte("a 1;")},
		"conf/b.inc":      {Data: []byte("b 2;")},
		"conf/loop.conf":  {Data: []byte("include loop.conf;")},
	}}
	tests := []struct {
		name, src, want, err string
	}{
		{name: "talk's minimal config",
			src:  "worker_processes 1; events { worker_connections 1024; } http { sendfile on; server { listen 8080 default_server; location / { try_files $uri $uri/ /index.html =404; } } }",
			want: "worker_processes 1; events { worker_connections 1024; } http { sendfile on; server { listen 8080 default_server; location / { try_files $uri $uri/ /index.html =404; } } }"},
		{name: "comments and newlines", src: "# top\na 1; # after\n#b 2;\nc\n3\n;", want: "a 1; c 3;"},
		{name: "a hash inside a word", src: "a b#c;", want: "a b#c;"},
		{name: "quoted strings and escapes", src: `a "x y" 'q"r' "t\tu\"v\\w\x";`, want: "a x y q\"r t\tu\"v\\w\\x;"},
		{name: "a quote inside a word is literal", src: `a b"c";`, want: `a b"c";`},
		{name: "escapes in a bare word", src: `a b\ c\;d;`, want: `a b\ c\;d;`},
		{name: "a variable in braces", src: "return 200 ${uri}x;", want: "return 200 ${uri}x;"},
		{name: "empty block", src: "events {}", want: "events {  }"},
		{name: "include", src: "http { include mime.types; }", want: "http { types { text/html html; } }"},
		{name: "include a glob", src: "include *.inc;", want: "a 1; b 2;"},
		{name: "include a glob that matches nothing", src: "include *.none; x;", want: "x;"},
		{name: "include a missing file", src: "\ninclude nope.conf;",
			err: `open() "conf/nope.conf" failed (2: No such file or directory) in conf/nginx.conf:2`},
		{name: "include loop", src: "include loop.conf;", err: "include nesting deeper than 16 files in conf/loop.conf:1"},
		{name: "unterminated directive before }", src: "events {}\nhttp { sendfile on }", err: `unexpected "}" in conf/nginx.conf:2`},
		{name: "unclosed block", src: "events {}\nhttp { server {", err: `unexpected end of file, expecting "}" in conf/nginx.conf:2`},
		{name: "a } too many", src: "events {}\nhttp { }\n}", err: `unexpected "}" in conf/nginx.conf:3`},
		{name: "an unclosed quote", src: "http { default_type \"text/html; }\n", err: `unexpected end of file, expecting ";" or "}" in conf/nginx.conf:2`},
		{name: "a word after a quote", src: "a \"b\"c;", err: `unexpected "c" in conf/nginx.conf:1`},
		{name: "a lone semicolon", src: "http { ; }", err: `unexpected ";" in conf/nginx.conf:1`},
		{name: "a lone brace", src: "events {}\n{", err: `unexpected "{" in conf/nginx.conf:2`},
		{name: "no semicolon at the end", src: "a b", err: `unexpected end of file, expecting ";" or "}" in conf/nginx.conf:1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dirs, err := Parse(files, "conf/nginx.conf", []byte(tt.src))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := render(dirs); got != tt.want {
				t.Errorf("parsed as\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestParseLines(t *testing.T) {
	t.Parallel()
	dirs, err := Parse(Files{}, "x.conf", []byte("a\n1;\nb {\n\n c;\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if dirs[0].Line != 2 || dirs[1].Line != 3 || dirs[1].Block[0].Line != 5 {
		t.Errorf("lines %d %d %d, want 2 3 5 (where each ; or { is)", dirs[0].Line, dirs[1].Line, dirs[1].Block[0].Line)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	specs := map[string]Spec{
		"worker_processes": {Contexts: []string{"main"}, MinArgs: 1, MaxArgs: 1, Once: true},
		"events":           {Contexts: []string{"main"}, Block: true},
		"http":             {Contexts: []string{"main"}, Block: true},
		"sendfile":         {Contexts: []string{"http"}, MinArgs: 1, MaxArgs: 1, Flag: true},
		"types":            {Contexts: []string{"http"}, Block: true},
		"listen":           {Contexts: []string{"server"}, MinArgs: 1, MaxArgs: -1},
		"ip_hash":          {Contexts: []string{"upstream"}, Unsupported: "use least_conn or round-robin"},
		"upstream":         {Contexts: []string{"http"}, Block: true, MinArgs: 1, MaxArgs: 1},
	}
	tests := []struct{ name, src, err string }{
		{name: "fine", src: "worker_processes 1; events {} http { sendfile off; types { text/html html htm; } }"},
		{name: "unknown", src: "events {}\nhttp { foo; }", err: `unknown directive "foo" in t.conf:2`},
		{name: "names are case-sensitive", src: "HTTP {}", err: `unknown directive "HTTP" in t.conf:1`},
		{name: "not allowed here", src: "events {}\nlisten 80;", err: `"listen" directive is not allowed here in t.conf:2`},
		{name: "too many arguments", src: "worker_processes 1 2;", err: `invalid number of arguments in "worker_processes" directive in t.conf:1`},
		{name: "block without brace", src: "events;", err: `directive "events" has no opening "{" in t.conf:1`},
		{name: "simple with brace", src: "events {}\nhttp { sendfile on { } }", err: `directive "sendfile" is not terminated by ";" in t.conf:2`},
		{name: "bad flag", src: "http { sendfile maybe; }", err: `invalid value "maybe" in "sendfile" directive, it must be "on" or "off" in t.conf:1`},
		{name: "duplicate", src: "worker_processes 1;\nworker_processes 2;", err: `"worker_processes" directive is duplicate in t.conf:2`},
		{name: "unsupported", src: "http { upstream a { ip_hash; } }", err: `"ip_hash" directive is not supported by ngw2f-lab: use least_conn or round-robin in t.conf:1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dirs, err := Parse(Files{}, "t.conf", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			err = Check(dirs, "main", specs, "types")
			if (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			var ce *Error
			if err != nil && !errors.As(err, &ce) {
				t.Errorf("error %T is not a *conf.Error", err)
			}
		})
	}
}
