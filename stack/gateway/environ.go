package gateway

import (
	"fmt"
	"io"
	"slices"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Environ is the dictionary a server hands an app: CGI-style keys with
// string values (REQUEST_METHOD, PATH_INFO, HTTP_HOST, ...) and the wsgi.*
// keys. It keeps its keys in the order they were first set, as a Python
// dict does, so the lab can show an environ exactly as the server built it.
//
// Values are strings, except wsgi.version (a Version), the wsgi.* flags
// (bool), wsgi.input (an io.Reader) and wsgi.errors (an io.Writer); a
// server may add keys of its own with values of any type.
//
// An Environ is not safe for concurrent use; a request's environ belongs
// to the app it is handed to.
type Environ struct {
	keys   []string
	vals   map[string]any
	tracer Tracer // the request's, set by Serve; not a key
}

// NewEnviron returns an empty Environ.
func NewEnviron() *Environ { return &Environ{vals: map[string]any{}} }

// newEnvironFor returns an empty Environ with room for n keys, so that
// one a server fills key by key is not rebuilt as it grows.
func newEnvironFor(n int) *Environ {
	return &Environ{keys: make([]string, 0, n), vals: make(map[string]any, n)}
}

// Set sets key to v. A new key goes at the end; a key already set keeps
// its place.
func (e *Environ) Set(key string, v any) {
	if _, ok := e.vals[key]; !ok {
		e.keys = append(e.keys, key)
	}
	e.vals[key] = v
}

// Get returns the value of key and whether it is set.
func (e *Environ) Get(key string) (any, bool) {
	v, ok := e.vals[key]
	return v, ok
}

// String returns the value of key when it is a string, else "".
func (e *Environ) String(key string) string {
	s, _ := e.vals[key].(string)
	return s
}

// Del removes key.
func (e *Environ) Del(key string) {
	if _, ok := e.vals[key]; !ok {
		return
	}
	delete(e.vals, key)
	e.keys = slices.DeleteFunc(e.keys, func(k string) bool { return k == key })
}

// Keys returns the keys in the order they were set.
func (e *Environ) Keys() []string { return slices.Clone(e.keys) }

// Len returns how many keys are set.
func (e *Environ) Len() int { return len(e.keys) }

// Clone returns a copy of e that can be changed without changing e; the
// values themselves (the input stream) are shared.
func (e *Environ) Clone() *Environ {
	c := &Environ{keys: slices.Clone(e.keys), vals: make(map[string]any, len(e.vals)), tracer: e.tracer}
	for k, v := range e.vals {
		c.vals[k] = v
	}
	return c
}

// Input returns wsgi.input, the request body, or an empty reader.
func (e *Environ) Input() io.Reader {
	if r, ok := e.vals[KeyInput].(io.Reader); ok {
		return r
	}
	return eofReader{}
}

// Errors returns wsgi.errors, where an app writes its error log, or a
// writer that discards.
func (e *Environ) Errors() io.Writer {
	if w, ok := e.vals[KeyErrors].(io.Writer); ok {
		return w
	}
	return io.Discard
}

// Fields returns the environ as the lab shows it, in order, each value
// written as Python would print it (True, (1, 0)) or, for streams, named
// by what they are.
func (e *Environ) Fields() []trace.Field {
	out := make([]trace.Field, len(e.keys))
	for i, k := range e.keys {
		out[i] = trace.Field{Key: k, Value: FormatValue(e.vals[k])}
	}
	return out
}

// FormatValue writes an environ value for people: a string as it is, a
// bool as True or False, a Version as (1, 0), a fmt.Stringer by its
// String method, and anything else as <type>.
func FormatValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		if v {
			return "True"
		}
		return "False"
	case fmt.Stringer:
		return v.String()
	case nil:
		return "None"
	}
	return fmt.Sprintf("<%T>", v)
}

// Version is wsgi.version: the version of the interface, (1, 0) for PEP
// 3333.
type Version [2]int

func (v Version) String() string { return fmt.Sprintf("(%d, %d)", v[0], v[1]) }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// The keys of PEP 3333 that are not CGI variables.
const (
	KeyVersion      = "wsgi.version"
	KeyURLScheme    = "wsgi.url_scheme"
	KeyInput        = "wsgi.input"
	KeyErrors       = "wsgi.errors"
	KeyMultithread  = "wsgi.multithread"
	KeyMultiprocess = "wsgi.multiprocess"
	KeyRunOnce      = "wsgi.run_once"
)
