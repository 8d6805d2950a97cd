package glossary

import (
	"cmp"
	"slices"
	"strconv"
)

// All returns every entry of the glossary, for a learner to browse: by
// kind, in the order of the Kind constants, then by term.
func All() []Entry {
	var out []Entry
	for name, m := range headers {
		out = append(out, Entry{Kind: Header, Term: canonical(name), Meaning: m})
	}
	for code, m := range statuses {
		out = append(out, Entry{Kind: Status, Term: strconv.Itoa(code), Meaning: m})
	}
	for term, m := range parts {
		out = append(out, Entry{Kind: RequestPart, Term: term, Meaning: m})
	}
	for term, m := range environ {
		out = append(out, Entry{Kind: Environ, Term: term, Meaning: m})
	}
	for term, m := range fields {
		out = append(out, Entry{Kind: Field, Term: term, Meaning: m})
	}
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Term, b.Term))
	})
	return out
}
