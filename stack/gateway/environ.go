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
	// entries are the keys and values in the order the keys were first
	// set. The strings, most of an environ, are kept as they are rather
	// than in an interface, which would cost an allocation each.
	entries []entry
	// index finds a key's entry once there are more than linearKeys; a
	// request's environ, a score of keys, is searched in order instead,
	// which costs less than a map's hashing and its allocations.
	index  map[string]int
	tracer Tracer // the request's, set by Serve; not a key
}

// linearKeys is how many keys an Environ searches in order before it
// keeps an index.
const linearKeys = 32

// entry is one key of an Environ and its value: str when isStr, else val.
type entry struct {
	key   string
	str   string
	val   any
	isStr bool
}

func (en *entry) value() any {
	if en.isStr {
		return en.str
	}
	return en.val
}

// NewEnviron returns an empty Environ.
func NewEnviron() *Environ { return &Environ{} }

// newEnvironFor returns an empty Environ with room for n keys, so that
// one a server fills key by key is not rebuilt as it grows.
func newEnvironFor(n int) *Environ {
	return &Environ{entries: make([]entry, 0, n)}
}

// Set sets key to v. A new key goes at the end; a key already set keeps
// its place.
func (e *Environ) Set(key string, v any) {
	if s, ok := v.(string); ok {
		e.setString(key, s)
		return
	}
	e.put(entry{key: key, val: v})
}

// setString is Set for a string, without putting it in an interface.
func (e *Environ) setString(key, s string) { e.put(entry{key: key, str: s, isStr: true}) }

func (e *Environ) put(en entry) {
	if i := e.find(en.key); i >= 0 {
		e.entries[i] = en
		return
	}
	e.entries = append(e.entries, en)
	switch {
	case e.index != nil:
		e.index[en.key] = len(e.entries) - 1
	case len(e.entries) > linearKeys:
		e.reindex()
	}
}

// find returns the position of key's entry, or -1.
func (e *Environ) find(key string) int {
	if e.index != nil {
		if i, ok := e.index[key]; ok {
			return i
		}
		return -1
	}
	for i := range e.entries {
		if e.entries[i].key == key {
			return i
		}
	}
	return -1
}

// reindex builds the index anew when there are more than linearKeys
// entries, and drops it when there are not.
func (e *Environ) reindex() {
	e.index = nil
	if len(e.entries) <= linearKeys {
		return
	}
	e.index = make(map[string]int, len(e.entries))
	for i := range e.entries {
		e.index[e.entries[i].key] = i
	}
}

// Get returns the value of key and whether it is set.
func (e *Environ) Get(key string) (any, bool) {
	i := e.find(key)
	if i < 0 {
		return nil, false
	}
	return e.entries[i].value(), true
}

// String returns the value of key when it is a string, else "".
func (e *Environ) String(key string) string {
	s, _ := e.lookupString(key)
	return s
}

// lookupString returns the value of key and whether it is set to a
// string.
func (e *Environ) lookupString(key string) (string, bool) {
	i := e.find(key)
	if i < 0 || !e.entries[i].isStr {
		return "", false
	}
	return e.entries[i].str, true
}

// lookup returns the value of key when it is set and not a string, nil
// otherwise.
func (e *Environ) lookup(key string) any {
	if i := e.find(key); i >= 0 {
		return e.entries[i].val
	}
	return nil
}

// Del removes key.
func (e *Environ) Del(key string) {
	i := e.find(key)
	if i < 0 {
		return
	}
	e.entries = slices.Delete(e.entries, i, i+1)
	if e.index != nil {
		e.reindex()
	}
}

// Keys returns the keys in the order they were set.
func (e *Environ) Keys() []string {
	keys := make([]string, len(e.entries))
	for i := range e.entries {
		keys[i] = e.entries[i].key
	}
	return keys
}

// Len returns how many keys are set.
func (e *Environ) Len() int { return len(e.entries) }

// Clone returns a copy of e that can be changed without changing e; the
// values themselves (the input stream) are shared.
func (e *Environ) Clone() *Environ {
	c := &Environ{entries: slices.Clone(e.entries), tracer: e.tracer}
	if e.index != nil {
		c.reindex()
	}
	return c
}

// Input returns wsgi.input, the request body, or an empty reader.
func (e *Environ) Input() io.Reader {
	if r, ok := e.lookup(KeyInput).(io.Reader); ok {
		return r
	}
	return eofReader{}
}

// Errors returns wsgi.errors, where an app writes its error log, or a
// writer that discards.
func (e *Environ) Errors() io.Writer {
	if w, ok := e.lookup(KeyErrors).(io.Writer); ok {
		return w
	}
	return io.Discard
}

// Fields returns the environ as the lab shows it, in order, each value
// written as Python would print it (True, (1, 0)) or, for streams, named
// by what they are.
func (e *Environ) Fields() []trace.Field {
	out := make([]trace.Field, len(e.entries))
	for i := range e.entries {
		en := &e.entries[i]
		v := en.str
		if !en.isStr {
			v = FormatValue(en.val)
		}
		out[i] = trace.Field{Key: en.key, Value: v}
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

func (v Version) String() string {
	if v == (Version{1, 0}) {
		return "(1, 0)" // every environ's, written without an allocation
	}
	return fmt.Sprintf("(%d, %d)", v[0], v[1])
}

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
