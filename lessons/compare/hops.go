package compare

import (
	"fmt"
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Verdict is what comparing one hop found.
type Verdict int

const (
	// Same is byte for byte the same.
	Same Verdict = iota + 1
	// Normalised is the same once the values that differ by nature are
	// normalised; Row.Normalised says which.
	Normalised
	// Differs is different; Row.Diffs says how.
	Differs
	// LabOnly is a hop of the lab's journey that the real one has not.
	LabOnly
	// RealOnly is a hop of the real journey that the lab's has not.
	RealOnly
)

func (v Verdict) String() string {
	switch v {
	case Same:
		return "same"
	case Normalised:
		return "same after normalising"
	case Differs:
		return "DIFFERS"
	case LabOnly:
		return "the lab's alone"
	case RealOnly:
		return "the real programs' alone"
	}
	return "?"
}

// Row is one hop of a journey, compared.
type Row struct {
	Hop     string // "client -> proxy  request"
	Verdict Verdict
	// Normalised names what was normalised to find the hop the same.
	Normalised []string
	// Diffs says what differs.
	Diffs []string
	// Lab and Real are each side's content, for a hop that differs or is
	// one side's alone: bytes, or a hand-off's fields a line each.
	Lab, Real []byte
}

// part is one hop of a journey as compare sees it: all the bytes one
// way between two layers (the request, or the answer), a hand-off (the
// chunks of a body together), or the end of a connection.
type part struct {
	key    string // what pairs it with the other side's: "client>proxy down"
	title  string
	kind   trace.Kind
	dir    trace.Dir
	name   string
	data   []byte
	fields []trace.Field
	ends   []string // for the end of a connection: who ended it, in order
}

// parts returns the hops of j as compare sees them, in the order they
// first happened.
func parts(j *trace.Journey) []*part {
	if j == nil {
		return nil
	}
	var out []*part
	byKey := map[string]*part{}
	get := func(key string, make func() *part) *part {
		if p, ok := byKey[key]; ok {
			return p
		}
		p := make()
		p.key = key
		byKey[key] = p
		out = append(out, p)
		return p
	}
	for _, h := range j.Hops() {
		pair := h.From + ">" + h.To
		switch h.Kind {
		case trace.KindBytes:
			what, arrow := "request", "->"
			if h.Dir == trace.Up {
				what, arrow = "answer", "<-"
			}
			p := get(pair+" "+h.Dir.String(), func() *part {
				return &part{title: fmt.Sprintf("%s %s %s  %s", h.From, arrow, h.To, what), kind: trace.KindBytes, dir: h.Dir}
			})
			p.data = append(p.data, h.Data()...)
		case trace.KindHandoff:
			arrow := "->"
			if h.Dir == trace.Up {
				arrow = "<-"
			}
			if h.Name == "chunk" {
				p := get(pair+" body", func() *part {
					return &part{title: fmt.Sprintf("%s %s %s  body (its chunks)", h.From, arrow, h.To), kind: trace.KindHandoff, dir: h.Dir, name: "body"}
				})
				p.data = append(p.data, h.Data()...)
				continue
			}
			key := pair + " " + h.Name
			for n := 2; byKey[key] != nil; n++ {
				key = fmt.Sprintf("%s %s #%d", pair, h.Name, n)
			}
			p := get(key, func() *part {
				return &part{title: fmt.Sprintf("%s %s %s  %s", h.From, arrow, h.To, h.Name), kind: trace.KindHandoff, dir: h.Dir, name: h.Name}
			})
			p.fields, p.data = h.Events[0].Fields, h.Data()
		case trace.KindClose, trace.KindEOF, trace.KindError:
			p := get(pair+" end", func() *part {
				return &part{title: fmt.Sprintf("%s - %s  the connection ends", h.From, h.To), kind: trace.KindClose}
			})
			p.ends = append(p.ends, endOf(h))
		}
	}
	return out
}

// endOf says how a hop ended its connection.
func endOf(h trace.Hop) string {
	closer, other := h.To, h.From
	if h.Dir == trace.Down {
		closer, other = h.From, h.To
	}
	switch h.Kind {
	case trace.KindError:
		return "an error: " + h.Events[0].Err
	case trace.KindEOF:
		return fmt.Sprintf("%s reads the end of %s's side", other, closer)
	}
	return closer + " closes"
}

// compareJourneys compares two journeys hop by hop: the hops of the lab's
// in their order, each with the real journey's of the same key, then the
// real journey's that the lab's has not.
func compareJourneys(lab, realJ *trace.Journey) []*Row {
	labParts, realParts := parts(lab), parts(realJ)
	byKey := map[string]*part{}
	for _, p := range realParts {
		byKey[p.key] = p
	}
	used := map[string]bool{}
	var rows []*Row
	method := requestMethod(labParts)
	if method == "" {
		method = requestMethod(realParts)
	}
	for _, l := range labParts {
		r := byKey[l.key]
		if r == nil {
			rows = append(rows, &Row{Hop: l.title, Verdict: LabOnly, Lab: content(l)})
			continue
		}
		used[l.key] = true
		rows = append(rows, comparePart(l, r, method))
	}
	for _, r := range realParts {
		if !used[r.key] {
			rows = append(rows, &Row{Hop: r.title, Verdict: RealOnly, Real: content(r)})
		}
	}
	return rows
}

// requestMethod returns the method of the client's request.
func requestMethod(ps []*part) string {
	for _, p := range ps {
		if p.kind == trace.KindBytes && p.dir == trace.Down {
			m, _, _ := strings.Cut(string(p.data), " ")
			return m
		}
	}
	return ""
}

// content is what a part carried, as bytes to show.
func content(p *part) []byte {
	switch {
	case p.kind == trace.KindClose:
		return []byte(strings.Join(p.ends, "; ") + "\n")
	case len(p.fields) > 0:
		var b strings.Builder
		for _, f := range p.fields {
			fmt.Fprintf(&b, "%s = %s\n", f.Key, f.Value)
		}
		return []byte(b.String())
	}
	return p.data
}

// comparePart compares the same hop of both journeys.
func comparePart(l, r *part, method string) *Row {
	row := &Row{Hop: l.title}
	var n notes
	switch {
	case l.kind == trace.KindClose:
		if strings.Join(l.ends, ";") != strings.Join(r.ends, ";") {
			n.add("who ends the connection first (two closes race)")
		}
	case l.kind == trace.KindBytes:
		compareBytes(&n, l.data, r.data, l.dir, method)
	case l.name == "environ" || l.name == "start_response":
		compareFields(&n, l.fields, r.fields)
	default:
		compareBody(&n, l.data, r.data, "", "")
	}
	row.Normalised, row.Diffs = n.normalised, n.diffs
	switch {
	case len(n.diffs) > 0:
		row.Verdict, row.Lab, row.Real = Differs, content(l), content(r)
	case len(n.normalised) > 0:
		row.Verdict = Normalised
	default:
		row.Verdict = Same
	}
	return row
}

// notes collects what a comparison normalised and what it found
// different.
type notes struct {
	normalised []string
	diffs      []string
}

func (n *notes) add(what string) {
	for _, w := range n.normalised {
		if w == what {
			return
		}
	}
	n.normalised = append(n.normalised, what)
}

func (n *notes) differ(format string, args ...any) {
	n.diffs = append(n.diffs, fmt.Sprintf(format, args...))
}
