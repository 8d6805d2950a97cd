package trace

import (
	"context"
	"os"
	"sync"
	"time"
	"unsafe"
)

// Default bounds of a Recorder's ring. The bytes bound all the ring
// takes: its slots and the data and fields of the events it holds. At
// the default a ring holds some ten thousand events, several hundred
// requests through the whole stack, more than a subscriber that reads
// as events come falls behind; the lab's process stays small however
// long it runs.
const (
	DefaultEvents = 1 << 16
	DefaultBytes  = 4 << 20
)

// eventSize is the memory one Event takes, without the data and fields
// it points to.
const eventSize = int(unsafe.Sizeof(Event{}))

// slotSize is the memory one slot of a Recorder's ring takes: the event,
// and the count of what it holds beyond (its heldSize).
const slotSize = eventSize + int(unsafe.Sizeof(int(0)))

// fieldSize is the memory one Field takes, without its strings.
const fieldSize = int(unsafe.Sizeof(Field{}))

// heldSize returns the memory e's data and fields take beyond the Event
// itself.
func (e *Event) heldSize() int {
	n := len(e.Data)
	for _, f := range e.Fields {
		n += fieldSize + len(f.Key) + len(f.Value)
	}
	return n
}

// Recorder keeps the newest events in a bounded ring and hands them to
// subscribers. It is safe for concurrent use. Recording never waits for a
// subscriber: when the ring is full the oldest event is dropped, and a
// subscriber that had not read it yet is told it missed it.
type Recorder struct {
	pid       int
	maxEvents int
	maxBytes  int

	mu   sync.Mutex
	ring []Event // grows up to maxEvents, and maxBytes, as events come
	// held is the heldSize of the event in each slot of ring: dropping
	// the oldest event reads it here, from a dense array, rather than
	// from the event and its fields, long out of the processor's cache.
	held    []int
	first   uint64 // Seq of the oldest event still held; first == next when empty
	next    uint64 // Seq the next event gets
	bytes   int    // heldSize summed over the events held
	dropped uint64 // events pushed out of the ring
	subs    []*Subscription
	gate    *Gate
	data    blocks[byte] // where short data is copied (see maxBlock)

	cover coverage // where the connections accepted are tapped into r (Tap.Cover)
}

// SetGate makes the Taps made on r from now on hold requests at g (the
// presenter's hop-by-hop mode). Set it before layers start.
func (r *Recorder) SetGate(g *Gate) {
	r.mu.Lock()
	r.gate = g
	r.mu.Unlock()
}

// Gate returns the Gate set on r, or nil.
func (r *Recorder) Gate() *Gate {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gate
}

// NewRecorder returns a Recorder holding at most events events in at
// most bytes bytes of memory: its ring's slots, and the data and fields
// of the events held. It always holds the newest event. Zero or negative
// values mean the defaults. Short data is copied into blocks that events
// share, each at most a sixty-fourth of bytes, so that the memory the
// events held keep alive may pass bytes by the rest of the blocks at the
// two ends of the ring: the data of events dropped, and room not used
// yet.
func NewRecorder(events, bytes int) *Recorder {
	if events <= 0 {
		events = DefaultEvents
	}
	if bytes <= 0 {
		bytes = DefaultBytes
	}
	slots := max(1, min(events, initialRing, bytes/slotSize))
	return &Recorder{
		pid:       os.Getpid(),
		maxEvents: events,
		maxBytes:  bytes,
		data:      blocks[byte]{size: min(maxBlock, bytes/64)},
		ring:      make([]Event, slots),
		held:      make([]int, slots),
		first:     1,
		next:      1,
	}
}

// initialRing is how many events a new Recorder has room for before its
// ring grows: a lesson records a few hundred, and a test often a handful,
// so none pays for the whole bound (14 MiB at the default) up front.
const initialRing = 256

// Record stores a copy of e. It sets e.Seq, and e.Time and e.PID when they
// are zero. It copies e.Data and keeps e.Fields. The time is taken with
// the sequence number, under one lock, so that the events of one process
// are in the same order by either.
func (r *Recorder) Record(e Event) {
	if !r.data.short(len(e.Data)) {
		// make and copy together allocate the copy without clearing
		// it first; append goes the long way, through growslice.
		data := make([]byte, len(e.Data))
		copy(data, e.Data)
		e.Data = data
	}
	if e.PID == 0 {
		e.PID = r.pid
	}
	r.mu.Lock()
	if len(e.Data) > 0 && r.data.short(len(e.Data)) {
		data := r.data.take(len(e.Data))
		copy(data, e.Data)
		e.Data = data
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	need := e.heldSize()
	if r.next-r.first == uint64(len(r.ring)) {
		if grown := min(2*len(r.ring), r.maxEvents); grown > len(r.ring) && r.fits(grown, need) {
			r.grow(grown)
		} else {
			r.dropOldest(false) // e takes its slot, just below
		}
	}
	for !r.fits(len(r.ring), need) && r.first < r.next {
		r.dropOldest(true)
	}
	e.Seq = r.next
	r.ring[e.Seq%uint64(len(r.ring))] = e
	r.held[e.Seq%uint64(len(r.ring))] = need
	r.next++
	r.bytes += need
	for _, s := range r.subs {
		s.wake()
	}
	r.mu.Unlock()
}

// Short data is copied into blocks of at most maxBlock bytes, one
// event's after another's, rather than into an allocation of its own
// each (see blocks): a proxied request records some eight events with
// data, a few hundred bytes in all. A Recorder bound to fewer bytes than
// 64 blocks has smaller ones, so that its blocks stay a small part of what
// it holds.
const maxBlock = 8 << 10

// fits reports whether a ring of slots slots holds the events held and
// one more of need bytes within the byte bound. r.mu must be held.
func (r *Recorder) fits(slots, need int) bool {
	return slots*slotSize+r.bytes+need <= r.maxBytes
}

// grow makes the ring slots long, keeping every event at the slot its Seq
// names. r.mu must be held.
func (r *Recorder) grow(slots int) {
	ring, held := make([]Event, slots), make([]int, slots)
	for seq := r.first; seq < r.next; seq++ {
		ring[seq%uint64(len(ring))] = r.ring[seq%uint64(len(r.ring))]
		held[seq%uint64(len(held))] = r.held[seq%uint64(len(r.held))]
	}
	r.ring, r.held = ring, held
}

// dropOldest frees the oldest slot, clearing it when wipe is set, so that
// it keeps no data alive: a slot the next event takes at once need not be
// cleared first. r.mu must be held.
func (r *Recorder) dropOldest(wipe bool) {
	i := r.first % uint64(len(r.ring))
	r.bytes -= r.held[i]
	if wipe {
		r.ring[i] = Event{}
	}
	r.first++
	r.dropped++
}

// Stats is what a Recorder has seen so far.
type Stats struct {
	Recorded uint64 // events recorded since the start
	Held     int    // events in the ring now
	Bytes    int    // bytes of event data and fields in the ring now
	Dropped  uint64 // events pushed out of the full ring
}

// Stats returns the Recorder's counters.
func (r *Recorder) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Stats{
		Recorded: r.next - 1,
		Held:     int(r.next - r.first),
		Bytes:    r.bytes,
		Dropped:  r.dropped,
	}
}

// Subscribe returns a Subscription that reads the events recorded from now
// on. Close it when done.
func (r *Recorder) Subscribe() *Subscription {
	s := &Subscription{r: r, signal: make(chan struct{}, 1)}
	r.mu.Lock()
	s.next = r.next
	r.subs = append(r.subs, s)
	r.mu.Unlock()
	return s
}

// Subscription reads a Recorder's events in order.
type Subscription struct {
	r      *Recorder
	signal chan struct{}
	next   uint64 // guarded by r.mu
	missed uint64 // guarded by r.mu
}

// wake tells the subscriber that events are waiting, without blocking.
func (s *Subscription) wake() {
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

// TryNext returns up to max events that are waiting, or none, at once.
func (s *Subscription) TryNext(max int) []Event {
	n := s.waiting()
	if max > 0 && n > max {
		n = max
	}
	if n == 0 {
		return nil
	}
	out := make([]Event, n)
	return out[:s.TryRead(out)]
}

// TryRead copies into buf as many waiting events as fit, at once, and
// returns how many it copied. A subscriber that reads in a loop reuses
// one buffer with it instead of a new slice per call, as TryNext makes.
func (s *Subscription) TryRead(buf []Event) int {
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	s.catchUp()
	n := min(r.next-s.next, uint64(len(buf)))
	for i := range n {
		buf[i] = r.ring[(s.next+i)%uint64(len(r.ring))]
	}
	s.next += n
	return int(n)
}

// waiting returns how many events wait for s.
func (s *Subscription) waiting() int {
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	s.catchUp()
	return int(r.next - s.next)
}

// catchUp counts the events the ring dropped before s read them as
// missed. r.mu must be held.
func (s *Subscription) catchUp() {
	if s.next < s.r.first {
		s.missed += s.r.first - s.next
		s.next = s.r.first
	}
}

// Read waits until at least one event is waiting, copies as many as fit
// into buf and returns how many, as TryRead does. It returns ctx's error
// when ctx ends first.
func (s *Subscription) Read(ctx context.Context, buf []Event) (int, error) {
	for {
		if n := s.TryRead(buf); n > 0 {
			return n, nil
		}
		if err := s.await(ctx); err != nil {
			return 0, err
		}
	}
}

// Next waits until at least one event is waiting and returns up to max of
// them (all waiting when max <= 0). It returns ctx's error when ctx ends
// first.
func (s *Subscription) Next(ctx context.Context, max int) ([]Event, error) {
	for {
		if evs := s.TryNext(max); len(evs) > 0 {
			return evs, nil
		}
		if err := s.await(ctx); err != nil {
			return nil, err
		}
	}
}

// await waits until events may be waiting, or returns ctx's error.
func (s *Subscription) await(ctx context.Context) error {
	select {
	case <-s.signal:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait returns a channel that receives a value when events may be waiting.
// It lets a caller select on new events next to other channels.
func (s *Subscription) Wait() <-chan struct{} { return s.signal }

// Missed returns how many events this subscriber lost because the ring
// dropped them before it read them.
func (s *Subscription) Missed() uint64 {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	return s.missed
}

// Close stops the subscription.
func (s *Subscription) Close() {
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.subs {
		if x == s {
			r.subs = append(r.subs[:i], r.subs[i+1:]...)
			return
		}
	}
}
