package toolkit

import "strings"

// MultiDict holds keys that may each have several values, in the order
// the keys first came, as Werkzeug's MultiDict does for query strings,
// forms and cookies: "a=1&b=2&a=3" has the keys a and b, and a has the
// values 1 and 3. The zero MultiDict is empty and ready to use.
type MultiDict struct {
	entries []multiEntry
}

type multiEntry struct {
	key    string
	values []string
}

// Pair is one key and one of its values.
type Pair struct {
	Key, Value string
}

// Add appends value to the values of key.
func (d *MultiDict) Add(key, value string) {
	for i := range d.entries {
		if d.entries[i].key == key {
			d.entries[i].values = append(d.entries[i].values, value)
			return
		}
	}
	d.entries = append(d.entries, multiEntry{key: key, values: []string{value}})
}

// Get returns the first value of key, or def when key is absent, as
// Python's d.get(key, def).
func (d *MultiDict) Get(key, def string) string {
	if v, ok := d.Lookup(key); ok {
		return v
	}
	return def
}

// Lookup returns the first value of key and whether key is present.
func (d *MultiDict) Lookup(key string) (string, bool) {
	if d == nil {
		return "", false
	}
	for _, e := range d.entries {
		if e.key == key {
			return e.values[0], true
		}
	}
	return "", false
}

// GetList returns every value of key, in order; nil when it is absent.
func (d *MultiDict) GetList(key string) []string {
	if d == nil {
		return nil
	}
	for _, e := range d.entries {
		if e.key == key {
			return append([]string(nil), e.values...)
		}
	}
	return nil
}

// Keys returns the keys, each once, in the order they first came.
func (d *MultiDict) Keys() []string {
	if d == nil {
		return nil
	}
	out := make([]string, len(d.entries))
	for i, e := range d.entries {
		out[i] = e.key
	}
	return out
}

// Items returns every key and value, a key's values together, the keys in
// the order they first came: Python's d.items(multi=True).
func (d *MultiDict) Items() []Pair {
	if d == nil {
		return nil
	}
	var out []Pair
	for _, e := range d.entries {
		for _, v := range e.values {
			out = append(out, Pair{e.key, v})
		}
	}
	return out
}

// Len returns how many keys there are, as Python's len(d).
func (d *MultiDict) Len() int {
	if d == nil {
		return 0
	}
	return len(d.entries)
}

// String writes d as Python writes a request's args:
// ImmutableMultiDict([('name', 'World')]).
func (d *MultiDict) String() string {
	var b strings.Builder
	b.WriteString("ImmutableMultiDict([")
	for i, p := range d.Items() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + Repr(p.Key) + ", " + Repr(p.Value) + ")")
	}
	b.WriteString("])")
	return b.String()
}
