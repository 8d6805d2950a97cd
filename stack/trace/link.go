package trace

import (
	"slices"
)

// pair settles a TCP connection both of whose ends are tapped: the
// accepted end joins the journey the dialed end was linked to, and the
// dialed end is shadowed.
func (a *Assembler) pair(ends tcpEnds) {
	d, acc := ends.dialed, ends.accepted
	if d.linked && !acc.linked {
		a.rehome(acc, linkTo(d.journey, d.layer))
	}
	a.shadow(d)
}

// shadow leaves a dialed end out from now on, and takes back what it had
// filed in its journey.
func (a *Assembler) shadow(st *connState) {
	st.shadowed = true
	st.pending, st.held = nil, false
	j := st.journey
	if j == nil {
		return
	}
	kept := j.Events[:0]
	for i := range j.Events { // by index: an event is some two hundred bytes
		switch e := &j.Events[i]; {
		case e.Conn == st.id:
			a.account(j, -e.memSize())
		case len(kept) == i:
			kept = kept[:i+1] // in its place already
		default:
			kept = append(kept, *e)
		}
	}
	clear(j.Events[len(kept):])
	j.Events = kept
}

// link records where a request continues, and joins a connection that was
// opened before its link was recorded.
func (a *Assembler) link(e *Event) *Journey {
	in := a.conn(e.Conn)
	if in == nil || in.journey == nil {
		return nil
	}
	l := linkTo(in.journey, e.Layer)
	k := endsID{e.Local, e.Remote} // e names the dialed end's addresses
	if ends, ok := a.ends[k]; ok {
		if ends.dialed != nil && !ends.dialed.shadowed {
			a.join(ends.dialed, l)
		}
		if ends.accepted != nil {
			a.rehome(ends.accepted, l)
		} else {
			in.journey.await(k)
		}
		return in.journey
	}
	in.journey.await(k)
	a.links[k] = l
	a.linkFIFO = append(a.linkFIFO, k)
	if len(a.linkFIFO) > maxLinks {
		a.forgetLink(a.linkFIFO[0])
	}
	return in.journey
}

func (a *Assembler) forgetLink(k endsID) {
	delete(a.links, k)
	for i, x := range a.linkFIFO {
		if x == k {
			a.linkFIFO = append(a.linkFIFO[:i], a.linkFIFO[i+1:]...)
			break
		}
	}
}

// join makes st an inner hop of l's journey. An accepted end learns the
// name of the layer that dialed it. When that journey was let go before
// st showed up (a worker's events come late under load), st is an inner
// hop of a journey let go, and files nothing.
func (a *Assembler) join(st *connState, l link) {
	if st.side == Server {
		st.peer = l.layer
	}
	st.linked = true
	if l.gone() {
		st.journey, st.dropped = nil, true
		st.pending, st.held = nil, false
		return
	}
	st.journey = l.journey
	if st.side == Server {
		l.journey.arrived(endsKey(st))
	}
	if !slices.Contains(l.journey.conns, st) {
		l.journey.conns = append(l.journey.conns, st)
	}
	a.flush(st)
}

// rehome moves a connection that began a journey of its own, because its
// link came late, into the journey it belongs to.
func (a *Assembler) rehome(st *connState, l link) {
	if old := st.journey; old != nil && old != l.journey {
		a.remove(old)
		st.pending = append(old.Events, st.pending...)
	}
	a.join(st, l)
	if st.journey != nil && !inOrder(l.journey.Events) {
		slices.SortStableFunc(l.journey.Events, compareEvents)
	}
}
