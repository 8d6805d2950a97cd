package proxy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

// configErrors are configurations nginx refuses, with the words it
// refuses them with (`nginx -t`), FILE standing for the file's path.
var configErrors = []struct {
	name, conf, want string
}{
	{"unknown directive", "events {}\nhttp { foo; }", `unknown directive "foo" in FILE:2`},
	{"not terminated", "events {}\nhttp { sendfile on }", `unexpected "}" in FILE:2`},
	{"end of file in a block", "events {}\nhttp { server {", `unexpected end of file, expecting "}" in FILE:2`},
	{"a } too many", "events {}\nhttp { }\n}", `unexpected "}" in FILE:3`},
	{"not allowed here", "events {}\nlisten 80;\nhttp {}", `"listen" directive is not allowed here in FILE:2`},
	{"location in http", "events {}\nhttp { location / {} }", `"location" directive is not allowed here in FILE:2`},
	{"too many arguments", "worker_processes 1 2;\nevents {}\nhttp {}", `invalid number of arguments in "worker_processes" directive in FILE:1`},
	{"block without brace", "events;\nhttp {}", `directive "events" has no opening "{" in FILE:1`},
	{"simple with brace", "events {}\nhttp { sendfile on { } }", `directive "sendfile" is not terminated by ";" in FILE:2`},
	{"duplicate", "worker_processes 1;\nworker_processes 2;\nevents {}\nhttp {}", `"worker_processes" directive is duplicate in FILE:2`},
	{"duplicate keepalive_timeout", "events {}\nhttp { keepalive_timeout 65 60; keepalive_timeout 5; }", `"keepalive_timeout" directive is duplicate in FILE:2`},
	{"bad flag", "events {}\nhttp { sendfile maybe; }", `invalid value "maybe" in "sendfile" directive, it must be "on" or "off" in FILE:2`},
	{"unclosed quote", "events {}\nhttp { default_type \"text/html; }\n", `unexpected end of file, expecting ";" or "}" in FILE:3`},
	{"a word after a quote", "events {}\nhttp { default_type \"a\"b; }", `unexpected "b" in FILE:2`},
	{"a lone semicolon", "events {}\nhttp { ; }", `unexpected ";" in FILE:2`},
	{"include a missing file", "events {}\nhttp { include /nonexistent/nope.types; }", `open() "/nonexistent/nope.types" failed (2: No such file or directory) in FILE:2`},
	{"bad listen port", "events {}\nhttp { server { listen abc:xyz; } }", `invalid port in "abc:xyz" of the "listen" directive in FILE:2`},
	{"bad time", "events {}\nhttp { keepalive_timeout 5x; }", `"keepalive_timeout" directive invalid value in FILE:2`},
	{"weight 0", "events {}\nhttp { upstream a { server 127.0.0.1:1 weight=0; } }", `invalid parameter "weight=0" in FILE:2`},
	{"max_fails not a number", "events {}\nhttp { upstream a { server 127.0.0.1:1 max_fails=x; } }", `invalid parameter "max_fails=x" in FILE:2`},
	{"empty upstream", "events {}\nhttp { upstream a { } }", `no servers are inside upstream in FILE:2`},
	{"duplicate upstream", "events {}\nhttp { upstream a { server 127.0.0.1:1; } upstream a { server 127.0.0.1:2; } }", `duplicate upstream "a" in FILE:2`},
	{"unknown variable", "events {}\nhttp { server { location / { proxy_set_header X $nope; proxy_pass http://127.0.0.1:1; } } }", `unknown "nope" variable`},
	{"bad return code", "events {}\nhttp { server { location / { return abc; } } }", `invalid return code "abc" in FILE:2`},
	{"alias after root", "events {}\nhttp { server { location / { root /a; alias /b; } } }", `"alias" directive is duplicate, "root" directive was specified earlier in FILE:2`},
	{"proxy_pass without scheme", "events {}\nhttp { server { location / { proxy_pass 127.0.0.1:1; } } }", `invalid URL prefix in FILE:2`},
	{"proxy_pass URI in a regex location", "events {}\nhttp { server { location ~ x { proxy_pass http://127.0.0.1:1/a; } } }", `"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block in FILE:2`},
	{"bad log level", "events {}\nhttp { error_log /dev/null bogus; }", `invalid log level "bogus" in FILE:2`},
}

// TestConfigErrors checks that the proxy refuses each configuration with
// nginx's words, and, when nginx is installed, that nginx still does.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range configErrors {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "nginx.conf")
			if err := os.WriteFile(path, []byte(tt.conf), 0o644); err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(tt.want, "FILE", path)
			_, err := LoadFile(path)
			if err == nil || err.Error() != want {
				t.Errorf("the proxy says %v\nnginx says %s", err, want)
			}
		})
	}
}

var emerg = regexp.MustCompile(`\[emerg\] \d+#\d+: (.*)`)

func TestConfigErrorsLikeNginx(t *testing.T) {
	bin := nginxtest.Bin(t)
	for _, tt := range configErrors {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "nginx.conf")
			if err := os.WriteFile(path, []byte(tt.conf), 0o644); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command(bin, "-t", "-p", dir, "-c", path, "-e", filepath.Join(dir, "error.log")).CombinedOutput()
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			out = append(out, log...)
			m := emerg.FindSubmatch(out)
			want := strings.ReplaceAll(tt.want, "FILE", path)
			if m == nil || !bytes.Equal(m[1], []byte(want)) {
				t.Errorf("nginx -t says\n%s\nthe table says\n%s", out, want)
			}
		})
	}
}

func TestLoadEmbedded(t *testing.T) {
	t.Parallel()
	for _, name := range EmbeddedNames() {
		if _, err := LoadEmbedded(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := LoadEmbedded("part-9"); err == nil || !strings.Contains(err.Error(), "part-1, part-2") {
		t.Errorf("an unknown name gave %v", err)
	}
}

// TestTalkConfigLoads reads the talk's minimal configuration as written,
// absolute paths and all, but for the include it cannot find here.
func TestTalkConfigLoads(t *testing.T) {
	t.Parallel()
	talk := `worker_processes 1; events { worker_connections 1024; } http { sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_timeout 65; types_hash_max_size 2048; include MIME; default_type application/octet-stream; access_log /dev/null; error_log /dev/null; server { listen 8080 default_server; listen [::]:8080 default_server ipv6only=on; root /Users/crempp/projects/presentation-ngw2f/part-I-nginx/nginx/html; index index.html index.htm; server_name localhost; location / { try_files $uri $uri/ /index.html =404; } } }`
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mime.types"), []byte("types { text/html html; }"), 0o644)
	path := filepath.Join(dir, "nginx.conf")
	os.WriteFile(path, []byte(strings.Replace(talk, "MIME", filepath.ToSlash(filepath.Join(dir, "mime.types")), 1)), 0o644)
	if _, err := LoadFile(path); err != nil {
		t.Fatal(err)
	}
}

// FuzzLoad feeds configurations to the whole reader, the directive table
// and the building of the runtime included: whatever it refuses, it must
// refuse with an error, never a panic.
func FuzzLoad(f *testing.F) {
	for _, name := range EmbeddedNames() {
		text, _ := EmbeddedText(name)
		f.Add(string(text))
	}
	f.Add(interopConf)
	for _, c := range configErrors {
		f.Add(c.conf)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fsys := fstest.MapFS{"conf/nginx.conf": {Data: []byte(src)}, "conf/mime.types": {Data: []byte("types { text/html html; }")}}
		c, err := load(conf.Files{FS: fsys}, "conf/nginx.conf")
		if err != nil || strings.Contains(src, "log") {
			return // building the runtime opens log files: not with fuzzed paths
		}
		c.prefix = t.TempDir()
		rt, err := newRuntime(c, func(addr string) string { return addr })
		if rt != nil {
			rt.logs.close()
			rt.roots.close()
		}
		_ = err
	})
}

func TestUpstreams(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, want string }{
		{"part-1", ""},
		{"part-2", "127.0.0.1:8000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := LoadEmbedded(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(c.Upstreams(), " "); got != tt.want {
				t.Errorf("Upstreams() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestListenPort(t *testing.T) {
	for _, tt := range []struct {
		servers string
		port    int
	}{
		{"server { listen 8080 default_server; listen [::]:8080 default_server ipv6only=on; }", 8080},
		{"server { listen 127.0.0.1:9000; } server { listen 9001 default_server; }", 9001},
		{"server { listen 9002; } server { listen 9003; }", 9002},
		{"server { listen localhost; }", 80},
		{"server { }", 0},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(path, []byte("events {}\nhttp { "+tt.servers+" }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.ListenPort(); got != tt.port {
			t.Errorf("%s: ListenPort %d, want %d", tt.servers, got, tt.port)
		}
	}
}
