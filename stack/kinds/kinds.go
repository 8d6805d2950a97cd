// Package kinds is the lab's composition root: every kind of layer a
// lesson, up or a test can start, by the name the lessons call it, and,
// by linking them, every app the servers serve by module:callable. The
// layers that start children (the pre-fork server, the CGI gateway) start
// them from the binary package lean finds. The lesson runner, the command
// and the pre-fork server's workers (which look their app up by name) all
// find the layers and apps through it, and nothing that only needs a
// layer has to import the lesson engine.
package kinds

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/cgi"
	"github.com/ngw2f/ngw2f-lab/stack/child/lean"
	"github.com/ngw2f/ngw2f-lab/stack/gateway/wsgiref"
	"github.com/ngw2f/ngw2f-lab/stack/prefork"
	"github.com/ngw2f/ngw2f-lab/stack/proxy"
	"github.com/ngw2f/ngw2f-lab/stack/rawsock"
	"github.com/ngw2f/ngw2f-lab/stack/real"
	"github.com/ngw2f/ngw2f-lab/stack/toolkit/devserver"

	// The Flask apps, by the names the servers serve them with; the
	// gateway's and the toolkit's register with their packages.
	_ "github.com/ngw2f/ngw2f-lab/stack/framework"
)

// Kind is a layer a lesson can start.
type Kind struct {
	Name    string // what lessons call it: "rawsock"
	Mirrors string // what it stands for in the talk's world
	Port    int    // the talk's port for it, used when free
	// New makes a layer from its configuration and the key=value words
	// that followed "start NAME" in the lesson; an unknown key is an error.
	New func(cfg stack.Config, args map[string]string) (stack.Layer, error)
	// Dials, when set, returns the addresses a layer started with args
	// passes requests to (a proxy's upstreams).
	Dials func(args map[string]string) ([]string, error)
	// Prefork says the layer is a pre-fork server: its workers are
	// processes that share its listening socket, which not every system
	// can hand them (prefork.Supported).
	Prefork bool
	// Real, when set, makes the real program the layer mirrors instead
	// (nginx for the proxy, gunicorn for the pre-fork server), started
	// with the talk's own files behind the lab's relays (package real),
	// from the same settings. It fails with a *real.MissingError when the
	// program is not on this machine. The CGI gateway has none.
	Real func(cfg stack.Config, progs *real.Programs, args map[string]string) (stack.Layer, error)
}

// kinds are the layers the lab has, by name.
var kinds = map[string]Kind{
	rawsock.Kind: {
		Name:    rawsock.Kind,
		Mirrors: "the dozen-line socket server, in Go",
		Port:    8000,
		New: func(c stack.Config, args map[string]string) (stack.Layer, error) {
			if err := noArgs(rawsock.Kind, args); err != nil {
				return nil, err
			}
			return rawsock.New(c), nil
		},
		Real: func(c stack.Config, p *real.Programs, args map[string]string) (stack.Layer, error) {
			if err := noArgs(rawsock.Kind, args); err != nil {
				return nil, err
			}
			return real.NewSocketServer(c, p)
		},
	},
	prefork.Kind: {
		Name:    prefork.Kind,
		Mirrors: "gunicorn, the pre-fork server",
		Port:    8000,
		Prefork: true,
		New: func(c stack.Config, args map[string]string) (stack.Layer, error) {
			opts, err := prefork.ParseOptions(args)
			if err != nil {
				return nil, err
			}
			opts.Procs.Executable = lean.Executable
			return prefork.New(c, opts), nil
		},
		Real: realPrefork,
	},
	devserver.Kind: {
		Name:    devserver.Kind,
		Mirrors: "Werkzeug's development server, run_simple",
		Port:    5000,
		New: func(c stack.Config, args map[string]string) (stack.Layer, error) {
			opts, err := devserver.ParseOptions(args)
			if err != nil {
				return nil, err
			}
			return devserver.New(c, opts), nil
		},
		Real: func(c stack.Config, p *real.Programs, args map[string]string) (stack.Layer, error) {
			return real.NewDevserver(c, p, args)
		},
	},
	wsgiref.Kind: {
		Name:    wsgiref.Kind,
		Mirrors: "Python's wsgiref simple server",
		Port:    8000,
		New: func(c stack.Config, args map[string]string) (stack.Layer, error) {
			app := args["app"]
			delete(args, "app")
			if err := noArgs(wsgiref.Kind+" (besides app)", args); err != nil {
				return nil, err
			}
			return wsgiref.New(c, app)
		},
		Real: func(c stack.Config, p *real.Programs, args map[string]string) (stack.Layer, error) {
			app := args["app"]
			delete(args, "app")
			if err := noArgs(wsgiref.Kind+" (besides app)", args); err != nil {
				return nil, err
			}
			return real.NewWsgiref(c, p, app)
		},
	},
	cgi.Kind: {
		Name:    cgi.Kind,
		Mirrors: "a web server running CGI scripts, as Apache's mod_cgi",
		Port:    8001,
		New: func(c stack.Config, args map[string]string) (stack.Layer, error) {
			if err := noArgs(cgi.Kind, args); err != nil {
				return nil, err
			}
			s := cgi.New(c)
			s.Executable = lean.Executable
			return s, nil
		},
	},
	proxy.Kind: {
		Name:    proxy.Kind,
		Mirrors: "the talk's nginx",
		Port:    8080,
		New:     newProxy,
		Real: func(c stack.Config, p *real.Programs, args map[string]string) (stack.Layer, error) {
			return real.NewNginx(c, p, args)
		},
		Dials: func(args map[string]string) ([]string, error) {
			conf, err := proxyConfig(args)
			if err != nil {
				return nil, err
			}
			return conf.Upstreams(), nil
		},
	},
}

// backends are three pre-fork servers for an upstream block to balance
// (the proxy's "balance" configurations), each with its own name and port.
var backends = map[string]int{"app-a": 9001, "app-b": 9002, "app-c": 9003}

func init() {
	for name, port := range backends {
		kinds[name] = Kind{
			Name:    name,
			Mirrors: "a pre-fork server, one of three behind the proxy's upstream",
			Port:    port,
			New:     kinds[prefork.Kind].New,
			Prefork: true,
			Real:    realPrefork,
		}
	}
}

// realPrefork makes what the pre-fork server stands for: gunicorn, or
// uWSGI for protocol=uwsgi.
func realPrefork(c stack.Config, p *real.Programs, args map[string]string) (stack.Layer, error) {
	if args["protocol"] == prefork.ProtocolUwsgi {
		return real.NewUwsgi(c, p, args)
	}
	return real.NewGunicorn(c, p, args)
}

// newProxy makes the proxy from "config=NAME", one of the talk's
// configurations the lab ships (part-1 when none is named), or
// "config=FILE", an nginx.conf of one's own.
func newProxy(c stack.Config, args map[string]string) (stack.Layer, error) {
	conf, err := proxyConfig(args)
	if err != nil {
		return nil, err
	}
	return proxy.New(c, conf), nil
}

// proxyConfig reads the configuration a proxy's settings name.
func proxyConfig(args map[string]string) (*proxy.Config, error) {
	name := "part-1"
	for k, v := range args {
		if k != "config" {
			return nil, fmt.Errorf("proxy takes config=NAME or config=FILE, not %q", k)
		}
		name = v
	}
	if strings.ContainsAny(name, "/.") {
		return proxy.LoadFile(name)
	}
	return proxy.LoadEmbedded(name)
}

// noArgs is the argument check of a layer that takes none.
func noArgs(kind string, args map[string]string) error {
	for k := range args {
		return fmt.Errorf("%s takes no settings, not %q", kind, k)
	}
	return nil
}

// Lookup returns the layer kind named name.
func Lookup(name string) (Kind, bool) {
	k, ok := kinds[name]
	return k, ok
}

// Names returns the names of every layer kind, sorted.
func Names() []string {
	var names []string
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
