package gateway

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

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
