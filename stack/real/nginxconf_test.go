package real

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/proxy"
	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// embedded reads one of the lab's configurations as nginx would, its
// includes in place.
func embedded(t *testing.T, name string) []*conf.Directive {
	t.Helper()
	dir := t.TempDir()
	if err := proxy.WriteEmbedded(name, dir); err != nil {
		t.Fatal(err)
	}
	dirs, err := conf.ParseFile(conf.Files{}, filepath.Join(dir, "conf", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// TestRewrite rewrites each of the lab's configurations as nginx runs
// them behind the relays, against testdata/TestRewrite/NAME.golden
// (-update rewrites them): the talk's directives as they are, the
// listen and upstream addresses the relays', the run's own paths and
// logs added.
func TestRewrite(t *testing.T) {
	t.Parallel()
	for _, name := range proxy.EmbeddedNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dirs := embedded(t, name)
			run := nginxRun{Dir: "/private", Listen: "127.0.0.1:1000", Relays: map[string]string{}}
			for i, a := range upstreamAddrs(dirs) {
				run.Relays[a] = "127.0.0.1:" + string(rune('1'+i)) + "001"
			}
			out, err := run.rewrite(dirs)
			if err != nil {
				t.Fatal(err)
			}
			got := format(withoutTypes(out))
			golden := filepath.Join("testdata", "TestRewrite", name+".golden")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("rewritten:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// withoutTypes leaves mime.types' long table out of a golden file.
func withoutTypes(dirs []*conf.Directive) []*conf.Directive {
	var out []*conf.Directive
	for _, d := range dirs {
		if d.Name == "types" {
			continue
		}
		if d.IsBlock() {
			c := *d
			c.Block = withoutTypes(d.Block)
			if c.Block == nil {
				c.Block = []*conf.Directive{}
			}
			d = &c
		}
		out = append(out, d)
	}
	return out
}

// TestFormatReadsBack writes each configuration out and reads it back:
// the same directives, with arguments that need quotes and escapes.
func TestFormatReadsBack(t *testing.T) {
	t.Parallel()
	tricky := []*conf.Directive{
		dir("log_format", "x", `$remote_addr - "$request" 'q' \ ;{}#`),
		dir("location", `~ \.php$`),
		{Name: "events", Block: []*conf.Directive{dir("worker_connections", "64")}},
		dir("add_header", "X-Empty", ""),
	}
	cases := map[string][]*conf.Directive{"tricky": tricky}
	for _, name := range proxy.EmbeddedNames() {
		cases[name] = embedded(t, name)
	}
	for name, dirs := range cases {
		back, err := conf.Parse(conf.Files{}, "back.conf", []byte(format(dirs)))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, format(dirs))
		}
		if !reflect.DeepEqual(strip(back), strip(dirs)) {
			t.Errorf("%s: read back as\n%s", name, format(back))
		}
	}
}

// strip leaves only names, arguments and blocks, for comparing.
func strip(dirs []*conf.Directive) []*conf.Directive {
	out := []*conf.Directive{}
	for _, d := range dirs {
		c := &conf.Directive{Name: d.Name, Args: append([]string{}, d.Args...)}
		if d.IsBlock() {
			c.Block = strip(d.Block)
		}
		out = append(out, c)
	}
	return out
}

// TestUpstreamAddrs finds the addresses of upstream blocks and of
// proxy_pass and uwsgi_pass, but not a block's name.
func TestUpstreamAddrs(t *testing.T) {
	t.Parallel()
	dirs, err := conf.Parse(conf.Files{}, "t.conf", []byte(`http {
		upstream app { server 127.0.0.1:9001 max_fails=1; server 127.0.0.1:9002; }
		server {
			location / { proxy_pass http://app; }
			location /a/ { proxy_pass http://127.0.0.1:8000/x/; }
			location /u/ { uwsgi_pass 127.0.0.1:8001; }
			location /b/ { proxy_pass http://127.0.0.1:9001; }
		}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	got := upstreamAddrs(dirs)
	want := []string{"127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:8000", "127.0.0.1:8001"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	run := nginxRun{Relays: map[string]string{"127.0.0.1:8000": "127.0.0.1:5", "127.0.0.1:8001": "127.0.0.1:6"}}
	for _, tt := range []struct{ in, want string }{
		{"http://127.0.0.1:8000/x/", "http://127.0.0.1:5/x/"},
		{"http://127.0.0.1:8000", "http://127.0.0.1:5"},
		{"127.0.0.1:8001", "127.0.0.1:6"},
		{"http://app", "http://app"},
	} {
		if got := run.pass(dir("proxy_pass", tt.in)).Args[0]; got != tt.want {
			t.Errorf("%s: %s, want %s", tt.in, got, tt.want)
		}
	}
}
