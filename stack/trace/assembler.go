package trace

import (
	"sort"
	"time"
)

// Assembler groups events into journeys. Feed it every event of a
// subscription, in order, with Add. It keeps the newest journeys only,
// bounded in number and in memory. It is not safe for concurrent use.
type Assembler struct {
	// MaxBytes bounds the memory the journeys held take, their events
	// and the data and fields those point to: past it the oldest
	// journeys are let go, however few are held. The newest is always
	// held. Zero means DefaultAssemblerBytes.
	MaxBytes int
	// OnDrop, when set, is called with each journey the Assembler lets
	// go of, just before it does: a follower hands it on as it stands.
	OnDrop func(*Journey)
	// Reuse lets the Assembler make new journeys in the memory of those
	// it let go, rather than allocate each anew: under a flood of
	// requests, that memory was most of what the lab's process
	// allocated. Set it only when nothing keeps a *Journey, or its
	// Events, once the Assembler lets it go (once OnDrop returns): a view
	// that looks journeys up each time it draws, as the lab's do.
	Reuse bool

	max      int
	nextID   int
	bytes    int // memory the journeys held take, as MaxBytes counts it
	journeys []*Journey
	conns    map[ConnID]*connState
	last     *connState         // the connection of the last event, or nil (see conn)
	spares   []*connState       // states of connections forgotten, for new ones to take
	ends     map[endsID]tcpEnds // a TCP connection's tapped ends
	links    map[endsID]link    // a dialed connection's ends -> where it came from
	linkFIFO []endsID           // links in the order they came, to bound the map
	// orphans are the closed dialed ends still awaiting their accepted
	// end, the newest maxLinks of them: a ring, which once full takes
	// each new one in the oldest's place, so that remembering them costs
	// no regrowth. oldest is that place.
	orphans []endsID
	oldest  int
	free    []*journeyRoom // the memory of journeys let go, for Reuse
}

// endsID names the TCP connection a tapped end belongs to, the same from
// both ends: the dialer's address, then the accepting one's. It is a
// pair rather than one string, so that naming a connection allocates
// nothing.
type endsID struct {
	dialer, acceptor string
}

// tcpEnds is what the Assembler knows of one TCP connection between two
// layers: the end that accepted it and the end that dialed it, when tapped.
// When both are, the accepted end tells the story and the dialed end is
// shadowed, so that no hop shows twice.
type tcpEnds struct {
	accepted, dialed *connState
}

// connState is what the Assembler knows of one tapped connection.
type connState struct {
	id      ConnID
	layer   string
	local   string
	remote  string
	peer    string // the layer at the other end
	journey *Journey
	// The small fields sit together: three connections a proxied
	// request, each 160 bytes rather than 176.
	side    Side
	lastDir Dir
	linked  bool // its journey came from a link: it is an inner hop
	// shadowed marks a dialed end whose accepted end is tapped too: its
	// events are left out, as the accepted end records the same bytes.
	shadowed bool
	// dropped marks a connection whose journey was let go: a front
	// connection starts a new one with its next request, an inner one
	// files nothing more.
	dropped bool
	// orphaned marks a dialed end closed while it awaits its accepted
	// end, held only by the TCP connection's ends (see forget).
	orphaned bool
	// held says that the connection's open waits to be filed, made again
	// from the fields above and these three: a tracked connection then
	// takes one small allocation, not a copy of the whole event besides.
	held     bool
	openSeq  uint64
	openTime time.Time
	openPID  int
	pending  []Event // events after the open seen before the connection had a journey
}

// link is a dialed connection that carries a journey on to another layer.
type link struct {
	journey *Journey
	id      int // the journey's ID: under Reuse, a journey let go may be another since
	layer   string
}

// linkTo returns a link to journey j, which may be nil, from layer.
func linkTo(j *Journey, layer string) link {
	l := link{journey: j, layer: layer}
	if j != nil {
		l.id = j.ID
	}
	return l
}

// gone reports whether the journey l names was let go.
func (l link) gone() bool {
	return l.journey == nil || l.journey.dropped || l.journey.ID != l.id
}

// maxLinks bounds the links the Assembler remembers for connections that
// never show up (a peer outside the lab, which nobody taps).
const maxLinks = 4096

// DefaultAssemblerBytes is the memory an Assembler's journeys take at
// most unless its MaxBytes says otherwise: a thousand journeys of a few
// kilobytes each, or a hundred that carried all the bytes MaxHopBytes
// lets a hop keep.
const DefaultAssemblerBytes = 8 << 20

// NewAssembler returns an Assembler that keeps at most max journeys.
func NewAssembler(max int) *Assembler {
	if max <= 0 {
		max = 1000
	}
	return &Assembler{max: max, conns: map[ConnID]*connState{}, ends: map[endsID]tcpEnds{}, links: map[endsID]link{}}
}

// Journeys returns the journeys held, oldest first. The caller must not
// change them.
func (a *Assembler) Journeys() []*Journey { return a.journeys }

// Journey returns the journey with the given ID, or nil.
func (a *Assembler) Journey(id int) *Journey {
	i := sort.Search(len(a.journeys), func(i int) bool { return a.journeys[i].ID >= id })
	if i < len(a.journeys) && a.journeys[i].ID == id {
		return a.journeys[i]
	}
	return nil
}

// Add files one event and returns the journey it went to, or nil when it
// belongs to none (an idle connection, a layer's own log line, a
// journey let go).
func (a *Assembler) Add(e Event) *Journey { return a.addEvent(&e) }

// addEvent is Add for an event it reads in place: an event is some two
// hundred bytes, and the Assembler copies it once, into its journey.
func (a *Assembler) addEvent(e *Event) *Journey {
	j := a.add(e)
	a.trim()
	if j != nil && j.dropped {
		return nil
	}
	return j
}

func (a *Assembler) add(e *Event) *Journey {
	switch e.Kind {
	case KindOpen:
		a.open(e)
		return nil
	case KindLink:
		return a.link(e)
	}
	st := a.conn(e.Conn)
	if st == nil {
		return nil
	}
	j := a.fileConn(st, e)
	if e.Kind == KindClose {
		a.forget(e.Conn, st)
	}
	return j
}

// fileConn files e, an event of connection st, and returns the journey
// it went to, or nil.
func (a *Assembler) fileConn(st *connState, e *Event) *Journey {
	if st.shadowed || st.dropped && (st.linked || e.Dir != Down) {
		return nil // or the rest of a journey let go
	}
	if e.Kind == KindBytes && (st.journey == nil || (!st.linked && e.Dir == Down && st.lastDir == Up)) {
		a.start(st)
	}
	if st.journey == nil {
		return nil
	}
	a.fill(st, e)
	a.file(st.journey, e)
	return st.journey
}

// conn returns the connection id, or nil when it is not tracked. Events
// come in runs on one connection (a worker's, which reach the lab's
// process in batches, all in a row), so the connection of the last event
// is tried first, with no look-up.
func (a *Assembler) conn(id ConnID) *connState {
	if a.last != nil && a.last.id == id {
		return a.last
	}
	st := a.conns[id]
	if st != nil {
		a.last = st
	}
	return st
}

// open starts tracking a connection; a server-side connection dialed by a
// layer that recorded a link joins that layer's journey.
func (a *Assembler) open(e *Event) {
	var st *connState
	if n := len(a.spares); n > 0 {
		st, a.spares = a.spares[n-1], a.spares[:n-1]
	} else {
		st = new(connState)
	}
	*st = connState{id: e.Conn, layer: e.Layer, side: e.Side, local: e.Local, remote: e.Remote, peer: ClientName}
	a.conns[e.Conn] = st
	a.last = st
	if bareOpen(e) {
		st.held, st.openSeq, st.openTime, st.openPID = true, e.Seq, e.Time, e.PID
	} else {
		st.pending = []Event{*e}
	}
	// A link names the connection by both its ends: one local port can
	// dial two upstreams at once (the proxy to app-a and to app-b).
	k := endsKey(st)
	ends := a.ends[k]
	if e.Side == Server {
		ends.accepted = st
	} else {
		st.peer = e.Remote
		ends.dialed = st
	}
	a.ends[k] = ends
	if l, ok := a.links[k]; ok {
		a.forgetLink(k)
		a.join(st, l)
	}
	if ends.accepted != nil && ends.dialed != nil {
		a.pair(ends)
	}
}

// bareOpen reports whether e, an open, carries nothing but what a
// connState keeps of it, as a Tap's opens do.
func bareOpen(e *Event) bool {
	return e.Dir == 0 && e.From == "" && e.To == "" && e.Name == "" && e.Data == nil &&
		e.Omitted == 0 && e.Fields == nil && e.Err == ""
}

// openEvent makes again the open event of a connection whose open is held.
func (st *connState) openEvent() Event {
	return Event{
		Seq: st.openSeq, Time: st.openTime, PID: st.openPID, Layer: st.layer, Conn: st.id,
		Kind: KindOpen, Side: st.side, Local: st.local, Remote: st.remote,
	}
}

// endsKey returns the endsID of the TCP connection st is an end of.
func endsKey(st *connState) endsID {
	if st.side == Server {
		return endsID{st.remote, st.local}
	}
	return endsID{st.local, st.remote}
}

// forget drops a closed connection. A dialed end that was linked and whose
// accepted end has not shown up yet is remembered a while: that end may
// be a layer in another process, whose events come later.
func (a *Assembler) forget(id ConnID, st *connState) {
	delete(a.conns, id)
	if a.last == st {
		a.last = nil
	}
	k := endsKey(st)
	if ends, ok := a.ends[k]; ok {
		if st.side == Client && st.linked && ends.accepted == nil {
			st.orphaned = true
			a.orphan(k)
			return
		}
		a.forgetEnds(k, ends)
	}
	a.spare(st)
}

// forgetEnds forgets the ends k of a TCP connection, and the state of its
// dialed end when that closed before.
func (a *Assembler) forgetEnds(k endsID, ends tcpEnds) {
	delete(a.ends, k)
	if ends.dialed != nil && ends.dialed.orphaned {
		a.spare(ends.dialed)
	}
}

// spare keeps st, the state of a connection forgotten, for a new one to
// take. Nothing holds it now but the journeys it filed in, which only
// look at it to see whether it is one of theirs (join) or still in
// theirs (trim): a request through the proxy to a worker then allocates
// no connection state where it allocated three. A close is forgotten
// after it is filed, which reads its state.
func (a *Assembler) spare(st *connState) {
	*st = connState{}
	if len(a.spares) < maxSpares {
		a.spares = append(a.spares, st)
	}
}

// maxSpares bounds the states of connections forgotten that the
// Assembler keeps for new ones, a few more than a request has open at
// once.
const maxSpares = 8

// orphan remembers k, a closed dialed end's connection, and forgets the
// oldest one remembered past maxLinks that is still an orphan.
func (a *Assembler) orphan(k endsID) {
	if len(a.orphans) < maxLinks {
		a.orphans = append(a.orphans, k)
		return
	}
	old := a.orphans[a.oldest]
	if ends, ok := a.ends[old]; ok && ends.accepted == nil {
		a.forgetEnds(old, ends)
	}
	a.orphans[a.oldest] = k
	a.oldest = (a.oldest + 1) % maxLinks
}

// start begins a new journey on a front connection.
func (a *Assembler) start(st *connState) {
	a.nextID++
	var jr *journeyRoom
	if n := len(a.free); n > 0 {
		jr, a.free = a.free[n-1], a.free[:n-1]
	} else {
		jr = new(journeyRoom)
	}
	jr.journey = Journey{ID: a.nextID, made: jr}
	j := &jr.journey
	j.Events = jr.events[:0]
	if jr.grown != nil {
		j.Events = jr.grown
	}
	j.conns = append(j.room[:0], st)
	a.journeys = append(a.journeys, j)
	st.journey = j
	st.dropped = false
	a.flush(st)
	if len(a.conns) > a.maxConns() {
		a.prune()
	}
}

// journeyRoom is a new journey made together with the room for its first
// events, in one allocation rather than two. A request through the proxy
// to a worker and back is ten to twelve events on three connections (the
// front one, the proxy's dialed end and the worker's accepted end): room
// for them at once spares the slice its regrowths, and no more room
// spares clearing memory never used. Twelve events and the journey fill
// the allocation's size class as twelve events alone did; a journey that
// outgrows them keeps them, unused, as long as it is held. The room for
// the connections is in the journey.
type journeyRoom struct {
	journey Journey
	events  [12]Event
	// grown is the room a journey made here grew to, when it outgrew
	// events (the framework's app makes seven more hand-offs a request),
	// kept by Reuse for the next: journeys made one after another are
	// much alike, and growing each anew was most of what assembling a
	// longer one cost.
	grown []Event
}

// maxGrown bounds the room of a journey that Reuse keeps beyond a
// journeyRoom's own: a request through the whole framework is some twenty
// events, and a rare long journey (a stream of many hops) should not
// leave room for its like in the memory kept.
const maxGrown = 32

// trim lets the oldest journeys go while more are held than the bounds
// allow, the newest aside.
func (a *Assembler) trim() {
	limit := a.MaxBytes
	if limit <= 0 {
		limit = DefaultAssemblerBytes
	}
	for len(a.journeys) > 1 && (len(a.journeys) > a.max || a.bytes > limit) {
		j := a.journeys[0]
		if a.OnDrop != nil {
			a.OnDrop(j)
		}
		a.journeys[0] = nil
		a.journeys = a.journeys[1:]
		a.bytes -= j.size
		j.dropped = true
		for _, st := range j.conns {
			if st.journey == j {
				st.journey = nil
				st.dropped = true
			}
		}
		j.conns = nil
		if a.Reuse {
			a.reuse(j)
		}
	}
}

// reuse keeps the memory of j, a journey let go, for a new one: its
// events cleared, so that they keep no data alive, and it is marked let
// go until then, for whatever still points at it.
func (a *Assembler) reuse(j *Journey) {
	if len(a.free) >= maxFreeJourneys {
		return
	}
	jr := j.made
	// Past a journey's events, its room is clear: growing clears it,
	// and taking events out clears what they left (shadow). So only its
	// events are cleared, and jr.events only when the journey grew out of
	// them, leaving copies of its first events there: one made in
	// jr.grown never touched them. The memory cleared is the journey's
	// of a thousand journeys ago, long out of the processor's caches.
	clear(j.Events)
	if jr.grown == nil && cap(j.Events) > len(jr.events) {
		clear(jr.events[:])
	}
	switch n := cap(j.Events); {
	case n <= len(jr.events): // in its own room
	case n <= maxGrown:
		jr.grown = j.Events[:0]
	default:
		jr.grown = nil
	}
	jr.journey = Journey{ID: j.ID, dropped: true}
	a.free = append(a.free, jr)
}

// maxFreeJourneys bounds the memory of journeys let go that an Assembler
// keeps for Reuse: new journeys come one at a time, and old ones go as
// they do.
const maxFreeJourneys = 16

// account adds n bytes to what journey j, and so the Assembler, holds.
func (a *Assembler) account(j *Journey, n int) {
	j.size += n
	a.bytes += n
}

// file adds e to journey j.
func (a *Assembler) file(j *Journey, e *Event) {
	j.add(e)
	a.account(j, e.memSize())
}

// maxConns bounds the connections tracked. Connections are forgotten at
// their close, but a subscriber that fell behind the ring misses closes,
// and a client may leave connections open: past this bound the Assembler
// forgets the connections whose journeys it no longer holds.
func (a *Assembler) maxConns() int { return 2*a.max + 1024 }

// prune forgets connections whose journey was let go, and, if that is
// not enough, connections that never carried a request.
func (a *Assembler) prune() {
	for id, st := range a.conns {
		if st.dropped {
			a.forget(id, st)
		}
	}
	if len(a.conns) <= a.maxConns() {
		return
	}
	for id, st := range a.conns {
		if st.journey == nil {
			a.forget(id, st)
		}
	}
}

// flush moves events held before the connection had a journey into it.
func (a *Assembler) flush(st *connState) {
	if st.held {
		st.held = false
		e := st.openEvent()
		a.fill(st, &e)
		a.file(st.journey, &e)
	}
	for i := range st.pending {
		a.fill(st, &st.pending[i])
		a.file(st.journey, &st.pending[i])
	}
	st.pending = nil
}

// remove takes journey j out, its events about to be filed again in
// another.
func (a *Assembler) remove(j *Journey) {
	for i, x := range a.journeys {
		if x == j {
			a.journeys = append(a.journeys[:i], a.journeys[i+1:]...)
			a.bytes -= j.size
			j.size = 0
			return
		}
	}
}

// fill names the hop of a connection event and, for closes, its direction.
func (a *Assembler) fill(st *connState, e *Event) {
	if e.Kind == KindHandoff {
		return
	}
	if st.side == Server {
		e.From, e.To = st.peer, st.layer
	} else {
		e.From, e.To = st.layer, st.peer
	}
	switch e.Kind {
	case KindBytes:
		st.lastDir = e.Dir
	case KindClose, KindError:
		e.Dir = Up
		if st.side == Client {
			e.Dir = Down
		}
	case KindEOF:
		e.Dir = Down
		if st.side == Client {
			e.Dir = Up
		}
	}
}
