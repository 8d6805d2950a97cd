// Package glossary is the lab's small dictionary of what crosses the wire:
// HTTP headers, status codes, the parts of a request line and a status
// line, and the keys of a WSGI environ. Each entry is written for the lab,
// in a sentence or three: what the thing is for and where in the stack it
// matters. The TUI's explain panel looks terms up here.
package glossary

import (
	"strconv"
	"strings"
)

// Kind is the sort of term an entry explains.
type Kind int

// The kinds of term.
const (
	// Header is an HTTP header name ("Content-Length"); lookups ignore case.
	Header Kind = iota + 1
	// Status is a three-digit status code ("404").
	Status
	// RequestPart is a part of a request line or a status line: "method",
	// "target", "version", "status code", "reason", or a method's or a
	// version's own name ("GET", "HTTP/1.0").
	RequestPart
	// Environ is a key of a WSGI/CGI environ ("PATH_INFO", "wsgi.input").
	Environ
	// Field is a field of a hand-off above the wire that is neither an
	// environ key nor a header: start_response's status, what the toolkit
	// made of a request ("args"), what a view returned ("value").
	Field
)

func (k Kind) String() string {
	switch k {
	case Header:
		return "header"
	case Status:
		return "status"
	case RequestPart:
		return "request line"
	case Environ:
		return "environ key"
	case Field:
		return "hand-off field"
	}
	return "term"
}

// Entry is what the glossary says about one term.
type Entry struct {
	Kind    Kind
	Term    string // as the glossary spells it
	Meaning string
}

// Lookup returns the entry for term of the given kind. Header names are
// matched without regard to case; an environ key HTTP_X that has no entry
// of its own is explained as the request header X.
func Lookup(kind Kind, term string) (Entry, bool) {
	switch kind {
	case Header:
		if m, ok := headers[strings.ToLower(term)]; ok {
			return Entry{Kind: Header, Term: canonical(term), Meaning: m}, true
		}
	case Status:
		code, err := strconv.Atoi(term)
		if m, ok := statuses[code]; err == nil && ok {
			return Entry{Kind: Status, Term: term, Meaning: m}, true
		}
	case RequestPart:
		if m, ok := parts[term]; ok {
			return Entry{Kind: RequestPart, Term: term, Meaning: m}, true
		}
	case Field:
		if m, ok := fields[term]; ok {
			return Entry{Kind: Field, Term: term, Meaning: m}, true
		}
	case Environ:
		if m, ok := environ[term]; ok {
			return Entry{Kind: Environ, Term: term, Meaning: m}, true
		}
		if name, ok := strings.CutPrefix(term, "HTTP_"); ok && name != "" {
			header := canonical(strings.ReplaceAll(name, "_", "-"))
			m := "The request header " + header + ", as the gateway hands it to the app: " +
				"upper case, dashes made underscores, HTTP_ in front."
			if hm, ok := headers[strings.ToLower(header)]; ok {
				m += " " + hm
			}
			return Entry{Kind: Environ, Term: term, Meaning: m}, true
		}
	}
	return Entry{}, false
}

// canonical spells a header name the way most programs send it:
// "content-length" as "Content-Length".
func canonical(name string) string {
	b := []byte(strings.ToLower(name))
	upper := true
	for i, c := range b {
		if upper && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		upper = c == '-'
	}
	return string(b)
}
