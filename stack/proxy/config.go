package proxy

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

// Config is a proxy's configuration, read from an nginx.conf. Load one
// with LoadFile, or one of the lab's own with LoadEmbedded.
type Config struct {
	file     string // the main file, as errors name it
	embedded string // the embedded configuration's name; "" for a file
	prefix   string // where relative paths start; "" until an embedded one is written out

	main      *block
	http      *block
	servers   []*serverConf
	upstreams map[string]*upstreamConf
	formats   map[string]logFormat
}

// File returns the name of the configuration's main file.
func (c *Config) File() string { return c.file }

// serverConf is one server block.
type serverConf struct {
	block     *block
	names     []string
	listens   []listen
	locations []*location
	named     map[string]*location // "@name" locations
}

// location is one location block.
type location struct {
	block    *block
	modifier string // "", "=", "^~", "~", "~*", or "@" for a named one
	path     string // the prefix, the exact URI, the pattern or the name
	re       regexpMatcher
	children []*location
}

// block is the settings one block of the configuration sets. A setting
// not set in a block is taken from the enclosing one, as nginx inherits
// them; a list setting (proxy_set_header, access_log) set in a block
// replaces the enclosing block's list whole.
type block struct {
	parent *block
	kind   string // "main", "http", "server", "location", "upstream"
	vals   map[string]any
}

func newBlock(parent *block, kind string) *block {
	return &block{parent: parent, kind: kind, vals: map[string]any{}}
}

func (b *block) lookup(name string) (any, bool) {
	for x := b; x != nil; x = x.parent {
		if v, ok := x.vals[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// setting returns the value of the setting name for b, or def.
func setting[T any](b *block, name string, def T) T {
	if v, ok := b.lookup(name); ok {
		return v.(T)
	}
	return def
}

// add appends v to the list setting name of this very block.
func add[T any](b *block, name string, v T) {
	list, _ := b.vals[name].([]T)
	b.vals[name] = append(list, v)
}

//go:embed configs
var embedded embed.FS

// The lab's own configurations: the talk's, one per part of its demo.
var embeddedConfigs = map[string]string{
	"part-1":        "the talk's part I: nginx alone, serving a static root",
	"part-2":        "the talk's parts II to V: nginx in front of an app server on 127.0.0.1:8000",
	"uwsgi":         "part II with uwsgi_pass: the uwsgi protocol to an app server on 127.0.0.1:8000",
	"balance":       "three app servers on 127.0.0.1:9001 to 9003, balanced round-robin",
	"balance-least": "three app servers on 127.0.0.1:9001 to 9003, balanced with least_conn",
}

// EmbeddedNames returns the names of the configurations the lab ships,
// sorted.
func EmbeddedNames() []string {
	var names []string
	for n := range embeddedConfigs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LoadEmbedded reads one of the configurations the lab ships ("part-1").
// Its files (the html root, mime.types) are written to a directory of
// their own when the proxy starts, and removed when it stops.
func LoadEmbedded(name string) (*Config, error) {
	if _, ok := embeddedConfigs[name]; !ok {
		return nil, fmt.Errorf("proxy: no configuration %q (the lab has: %s)", name, strings.Join(EmbeddedNames(), ", "))
	}
	c, err := load(conf.Files{FS: prefixFS{name}}, "conf/nginx.conf")
	if err != nil {
		return nil, fmt.Errorf("proxy: the embedded configuration %s: %w", name, err)
	}
	c.embedded = name
	return c, nil
}

// EmbeddedText returns the text of an embedded configuration.
func EmbeddedText(name string) ([]byte, error) {
	if _, ok := embeddedConfigs[name]; !ok {
		return nil, fmt.Errorf("proxy: no configuration %q", name)
	}
	return fs.ReadFile(prefixFS{name}, "conf/nginx.conf")
}

// LoadFile reads an nginx.conf and the files it includes. Relative paths
// in it start from the file's directory.
func LoadFile(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	c, err := load(conf.Files{}, abs)
	if err != nil {
		return nil, err
	}
	c.prefix = filepath.Dir(abs)
	return c, nil
}

func load(files conf.Files, name string) (*Config, error) {
	dirs, err := conf.ParseFile(files, name)
	if err != nil {
		return nil, err
	}
	if err := conf.Check(dirs, "main", directiveSpecs(), "types"); err != nil {
		return nil, err
	}
	c := &Config{file: name, upstreams: map[string]*upstreamConf{}, formats: map[string]logFormat{}}
	c.main = newBlock(nil, "main")
	b := &builder{c: c}
	if err := b.apply(c.main, dirs); err != nil {
		return nil, err
	}
	if c.http == nil {
		return nil, fmt.Errorf(`no "http" section in %s`, name)
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return c, nil
}

// path resolves a path of the configuration against its prefix. Like
// nginx, it keeps the path as written: a trailing slash stays. A path
// from / is absolute on Windows too, as nginx for Windows takes it (on
// the current drive), though filepath.IsAbs wants a drive letter there.
func (c *Config) path(p string) string {
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") {
		return p
	}
	return strings.TrimSuffix(c.prefix, "/") + "/" + p
}

// prefixFS shows an embedded configuration as nginx's prefix directory:
// conf/nginx.conf is the configuration itself, and conf/ and html/ are
// shared by all of them.
type prefixFS struct{ name string }

func (p prefixFS) Open(name string) (fs.File, error) {
	if name == "conf/nginx.conf" {
		return embedded.Open("configs/" + p.name + ".conf")
	}
	return embedded.Open("configs/" + name)
}

// WriteEmbedded writes an embedded configuration's prefix directory into
// dir: conf/nginx.conf, conf/mime.types, html/ and an empty logs/, as
// nginx -p dir would find them.
func WriteEmbedded(name, dir string) error {
	for _, sub := range []string{"conf", "html", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	for _, tree := range []string{"conf", "html"} {
		err := fs.WalkDir(embedded, "configs/"+tree, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			target := filepath.Join(dir, strings.TrimPrefix(path, "configs/"))
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			data, err := embedded.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		})
		if err != nil {
			return err
		}
	}
	text, err := EmbeddedText(name)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "conf", "nginx.conf"), text, 0o644)
}

// ListenPort returns the port the configuration's listen directives give
// its default server: the first listen of the server marked
// default_server, or of the first server; 0 when none has a listen (nginx
// would take 80 as root, 8000 else). The lab serves every server on one
// address, so this is the port a lab that obeys the file listens on.
func (c *Config) ListenPort() int {
	var first *serverConf
	for _, s := range c.servers {
		if len(s.listens) == 0 {
			continue
		}
		if first == nil {
			first = s
		}
		for _, l := range s.listens {
			if l.defaultServer {
				return s.listens[0].port
			}
		}
	}
	if first == nil {
		return 0
	}
	return first.listens[0].port
}

// Upstreams returns the addresses the configuration passes requests to:
// the servers of its upstream blocks and the addresses proxy_pass and
// uwsgi_pass name, each once, sorted.
func (c *Config) Upstreams() []string {
	seen := map[string]bool{}
	add := func(u *upstreamConf) {
		for _, p := range u.peers {
			seen[p.addr] = true
		}
	}
	for _, u := range c.upstreams {
		add(u)
	}
	var walk func([]*location)
	walk = func(locs []*location) {
		for _, l := range locs {
			if p, ok := l.block.vals["pass"].(*proxyPass); ok && p.upstream != nil {
				add(p.upstream)
			}
			walk(l.children)
		}
	}
	for _, s := range c.servers {
		walk(s.locations)
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
