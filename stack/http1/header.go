package http1

import "strings"

// Header is one header line as it crossed the wire.
type Header struct {
	// Name is the field name with its case kept, as sent.
	Name string
	// Value is the field value with the spaces around it trimmed, and
	// the tabs kept, as nginx 1.22 reads it. A line with no colon at all
	// ("Foo") has the whole line as its Name and an empty Value, as nginx
	// reads it. By gunicorn's rules, the spaces and tabs before it are
	// dropped, what follows it is kept, and the lines that continue it are
	// joined to it with a space.
	Value string
	// Invalid marks a line that nginx would ignore (a name with an
	// underscore or a character outside letters, digits and '-'): the
	// Reader keeps it so that the lab can show it, but Get, Values and Has
	// skip it.
	Invalid bool
}

// Headers is a message's header lines in the order they were sent.
type Headers []Header

// Get returns the value of the first valid header named name, compared
// without regard to case, or "" when there is none.
func (h Headers) Get(name string) string {
	for _, f := range h {
		if !f.Invalid && strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the values of every valid header named name, in order.
func (h Headers) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if !f.Invalid && strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Has reports whether a valid header named name is present.
func (h Headers) Has(name string) bool {
	for _, f := range h {
		if !f.Invalid && strings.EqualFold(f.Name, name) {
			return true
		}
	}
	return false
}

// Add returns h with the header name: value appended at the end.
func (h Headers) Add(name, value string) Headers {
	return append(h, Header{Name: name, Value: value})
}

// Del returns h without any header named name, valid or not. It reuses
// h's backing array.
func (h Headers) Del(name string) Headers {
	out := h[:0]
	for _, f := range h {
		if !strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	clear(h[len(out):])
	return out
}

// Set returns h with one header name: value in place of every header of
// that name: the first one keeps its position (and gets name's spelling),
// the others are removed. When there was none, it is appended.
func (h Headers) Set(name, value string) Headers {
	for i, f := range h {
		if strings.EqualFold(f.Name, name) {
			h[i] = Header{Name: name, Value: value}
			rest := h[i+1:].Del(name)
			return h[:i+1+len(rest)]
		}
	}
	return h.Add(name, value)
}

// Clone returns a copy of h that shares no memory with it.
func (h Headers) Clone() Headers {
	if h == nil {
		return nil
	}
	return append(make(Headers, 0, len(h)), h...)
}

// hasToken reports whether the comma-separated list in any valid header
// named name holds token, compared without regard to case.
func (h Headers) hasToken(name, token string) bool {
	for _, f := range h {
		if f.Invalid || !strings.EqualFold(f.Name, name) {
			continue
		}
		for v := f.Value; v != ""; {
			var t string
			t, v, _ = strings.Cut(v, ",")
			if strings.EqualFold(strings.Trim(t, " \t"), token) {
				return true
			}
		}
	}
	return false
}
