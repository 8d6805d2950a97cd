package gateway

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
)

// The middlewares below are the kinds the talk lists, each kept short
// enough to read in one go. Each is an App wrapping an App.

// InsertHeaders adds headers to every response on its way out; a header
// the app already sent under the same name is replaced in place.
func InsertHeaders(add http1.Headers) Middleware {
	return func(next App) App {
		return func(env *Environ, start StartResponse) (Body, error) {
			return next(env, func(status string, h http1.Headers, excInfo error) error {
				h = h.Clone()
				for _, a := range add {
					h = h.Set(a.Name, a.Value)
				}
				return start(status, h, excInfo)
			})
		}
	}
}

// Mount is an app served under a path prefix, for Route.
type Mount struct {
	Prefix string // such as "/api"; no trailing slash
	App    App
}

// Route sends a request whose PATH_INFO starts with a mount's prefix to
// that mount's app, moving the prefix from PATH_INFO to the end of
// SCRIPT_NAME, as the app expects when it is mounted there; any other
// request goes on to the wrapped app. Routing happens before any app runs.
func Route(mounts ...Mount) Middleware {
	return func(next App) App {
		return func(env *Environ, start StartResponse) (Body, error) {
			path := env.String("PATH_INFO")
			for _, m := range mounts {
				if path == m.Prefix || strings.HasPrefix(path, m.Prefix+"/") {
					env.Set("SCRIPT_NAME", env.String("SCRIPT_NAME")+m.Prefix)
					env.Set("PATH_INFO", strings.TrimPrefix(path, m.Prefix))
					return m.App(env, start)
				}
			}
			return next(env, start)
		}
	}
}

// ModifyResponse passes the whole body of every response through change
// before it goes out, and sets Content-Length to the new length.
func ModifyResponse(change func([]byte) []byte) Middleware {
	return func(next App) App {
		return func(env *Environ, start StartResponse) (Body, error) {
			r, err := capture(next, env)
			if err != nil {
				return nil, err
			}
			body := change(r.body)
			h := r.headers.Clone().Set("Content-Length", strconv.Itoa(len(body)))
			if err := start(r.status, h, nil); err != nil {
				return nil, err
			}
			return Chunks(body), nil
		}
	}
}

// Cache keeps the answers to GET requests, by path and query, and
// replays them without calling the app again; it marks each answer with
// X-Cache: HIT or MISS. It keeps at most max answers, forgetting the
// oldest. Each worker process has a cache of its own.
func Cache(max int) Middleware {
	c := &cache{max: max, m: map[string]*response{}}
	return func(next App) App {
		return func(env *Environ, start StartResponse) (Body, error) {
			if env.String("REQUEST_METHOD") != "GET" {
				return next(env, start)
			}
			key := env.String("PATH_INFO") + "?" + env.String("QUERY_STRING")
			r, hit := c.get(key)
			mark := "HIT"
			if !hit {
				mark = "MISS"
				var err error
				if r, err = capture(next, env); err != nil {
					return nil, err
				}
				c.put(key, r)
			}
			if err := start(r.status, r.headers.Clone().Set("X-Cache", mark), nil); err != nil {
				return nil, err
			}
			return Chunks(r.body), nil
		}
	}
}

type cache struct {
	mu    sync.Mutex
	max   int
	m     map[string]*response
	order []string
}

func (c *cache) get(key string) (*response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[key]
	return r, ok
}

func (c *cache) put(key string, r *response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok {
		c.order = append(c.order, key)
	}
	c.m[key] = r
	for len(c.order) > c.max {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

// Logger writes one line per request to wsgi.errors: the method, the
// path and the status the app answered with.
func Logger() Middleware {
	return func(next App) App {
		return func(env *Environ, start StartResponse) (Body, error) {
			line := env.String("REQUEST_METHOD") + " " + env.String("SCRIPT_NAME") + env.String("PATH_INFO")
			return next(env, func(status string, h http1.Headers, excInfo error) error {
				fmt.Fprintf(env.Errors(), "%s -> %s\n", line, status)
				return start(status, h, excInfo)
			})
		}
	}
}

// Announce wraps mw so that it says on wsgi.errors when it sees the
// environ going in and the status coming out, to show the order in which
// a chain of middlewares runs.
func Announce(name string, mw Middleware) Middleware {
	return func(next App) App {
		inner := mw(next)
		return func(env *Environ, start StartResponse) (Body, error) {
			fmt.Fprintf(env.Errors(), "%s: environ in (PATH_INFO=%s)\n", name, env.String("PATH_INFO"))
			return inner(env, func(status string, h http1.Headers, excInfo error) error {
				fmt.Fprintf(env.Errors(), "%s: response out (%s)\n", name, status)
				return start(status, h, excInfo)
			})
		}
	}
}

// response is an app's whole answer, as capture collects it.
type response struct {
	status  string
	headers http1.Headers
	body    []byte
}

// capture runs app to the end and collects its answer, closing its body.
func capture(app App, env *Environ) (*response, error) {
	r := &response{}
	started := false
	body, err := app(env, func(status string, h http1.Headers, excInfo error) error {
		if started && excInfo == nil {
			return ErrStartedTwice
		}
		r.status, r.headers, started = status, h.Clone(), true
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c, ok := body.(io.Closer); ok {
		defer c.Close()
	}
	var buf bytes.Buffer
	for body != nil {
		chunk, err := body.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		buf.Write(chunk)
	}
	if !started {
		return nil, ErrNoStartResponse
	}
	r.body = buf.Bytes()
	return r, nil
}
