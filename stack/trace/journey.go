package trace

import "slices"

// ClientName is the name journeys give the program at the front of the
// stack: telnet, curl, a browser, or the lab's own client.
const ClientName = "client"

// Journey is one request's way down the stack and its response's way back
// up: every event that belongs to it, in the order they were recorded.
type Journey struct {
	ID     int
	Events []Event

	size    int           // the memory its events take, as Assembler.MaxBytes counts it
	conns   []*connState  // the connections that file events in it
	room    [3]*connState // conns' first room: a proxied request's three
	dropped bool          // let go by its Assembler
	made    *journeyRoom  // the memory it was made in (see Assembler.Reuse)
	// awaits are the connections it was passed on to whose accepted end
	// has not shown up yet (see Awaiting); awaitRoom is their first room.
	awaits    []endsID
	awaitRoom [1]endsID
}

// Awaiting reports whether the journey was passed on to a layer whose
// end of the connection has not been seen yet: a layer in another
// process (a pre-fork worker) sends its events in batches, so that a
// journey can be over for its client before that layer's hops arrive.
// A journey passed on to a program nobody taps awaits for good.
func (j *Journey) Awaiting() bool { return len(j.awaits) > 0 }

// await notes that the journey was passed on to the TCP connection k.
func (j *Journey) await(k endsID) {
	if j.awaits == nil {
		j.awaits = j.awaitRoom[:0]
	}
	j.awaits = append(j.awaits, k)
}

// arrived notes that the accepted end of the TCP connection k is seen.
func (j *Journey) arrived(k endsID) {
	if i := slices.Index(j.awaits, k); i >= 0 {
		j.awaits = slices.Delete(j.awaits, i, i+1)
	}
}

// memSize returns the memory e takes in a journey.
func (e *Event) memSize() int { return eventSize + e.heldSize() }

// Hop is one arrow of a journey's sequence diagram: consecutive events that
// crossed between the same two layers in the same direction.
type Hop struct {
	N        int // 1-based position in the journey
	From, To string
	Dir      Dir
	Kind     Kind   // KindBytes, KindHandoff, KindClose, KindEOF or KindError
	Name     string // the hand-off's name, for KindHandoff
	Events   []Event
}

// Size returns how many bytes crossed on the hop: those kept in its
// events' Data, and those only counted.
func (h Hop) Size() int64 {
	var n int64
	for _, e := range h.Events {
		n += int64(len(e.Data)) + e.Omitted
	}
	return n
}

// Omitted returns how many of the hop's bytes were not kept (see
// MaxHopBytes).
func (h Hop) Omitted() int64 {
	var n int64
	for _, e := range h.Events {
		n += e.Omitted
	}
	return n
}

// Data returns the bytes of all the hop's events that were kept, in
// order.
func (h Hop) Data() []byte {
	if len(h.Events) == 1 {
		return h.Events[0].Data
	}
	var b []byte
	for _, e := range h.Events {
		b = append(b, e.Data...)
	}
	return b
}

// Hops returns the journey as arrows. Log and open events are not arrows;
// consecutive bytes on the same hop and direction are one arrow; each
// hand-off, close and error is its own arrow.
func (j *Journey) Hops() []Hop {
	var hops []Hop
	for _, e := range j.Events {
		switch e.Kind {
		case KindOpen, KindLog, KindLink:
			continue
		}
		if n := len(hops); n > 0 && e.Kind == KindBytes {
			last := &hops[n-1]
			if last.Kind == KindBytes && last.From == e.From && last.To == e.To && last.Dir == e.Dir {
				last.Events = append(last.Events, e)
				continue
			}
		}
		hops = append(hops, Hop{
			N: len(hops) + 1, From: e.From, To: e.To, Dir: e.Dir,
			Kind: e.Kind, Name: e.Name, Events: []Event{e},
		})
	}
	return hops
}

// Layers returns the layers the journey touched, the client first, in the
// order the request reached them.
func (j *Journey) Layers() []string {
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, e := range j.Events {
		if e.Kind == KindBytes || e.Kind == KindHandoff {
			add(e.From)
			add(e.To)
		}
	}
	return out
}

// Logs returns the log lines recorded for the journey, in order.
func (j *Journey) Logs() []Event {
	var out []Event
	for _, e := range j.Events {
		if e.Kind == KindLog {
			out = append(out, e)
		}
	}
	return out
}
