package conf

import (
	"strings"
	"testing"
	"testing/fstest"
)

// noFiles keeps fuzzed includes away from the machine's files.
var noFiles = Files{FS: fstest.MapFS{}}

// format writes directives back as configuration text that parses to the
// same directives: every word double-quoted, with \ and " escaped.
func format(dirs []*Directive) string {
	var b strings.Builder
	for _, d := range dirs {
		for i, w := range append([]string{d.Name}, d.Args...) {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(`"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(w) + `"`)
		}
		if d.IsBlock() {
			b.WriteString(" {\n" + format(d.Block) + "}\n")
		} else {
			b.WriteString(";\n")
		}
	}
	return b.String()
}

func equal(a, b []*Directive) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || strings.Join(a[i].Args, "\x00") != strings.Join(b[i].Args, "\x00") ||
			len(a[i].Args) != len(b[i].Args) || a[i].IsBlock() != b[i].IsBlock() || !equal(a[i].Block, b[i].Block) {
			return false
		}
	}
	return true
}

// FuzzParse checks that the reader never panics, and that whatever it
// accepts, written back out, reads the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"worker_processes 1; events { worker_connections 1024; } http { include mime.types; server { listen 8080; location / { try_files $uri $uri/ /index.html =404; } } }",
		`a "x y" 'q"r' "t\tu\"v\\w\x";`,
		"return 200 ${uri}x; # comment\n",
		"a \"b\"c;", "}", "{", ";", "a {", "a \"", `a \`, "a '\n'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		dirs, err := Parse(noFiles, "f.conf", []byte(src))
		if err != nil {
			if _, ok := err.(*Error); !ok && !strings.Contains(err.Error(), "open()") {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		out := format(dirs)
		again, err := Parse(noFiles, "f.conf", []byte(out))
		if err != nil {
			t.Fatalf("written back as\n%s\nit does not read: %v", out, err)
		}
		if !equal(dirs, again) {
			t.Fatalf("written back as\n%s\nit reads as\n%s\nnot\n%s", out, render(again), render(dirs))
		}
	})
}
