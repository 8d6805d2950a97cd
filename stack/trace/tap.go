package trace

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ngw2f/ngw2f-lab/stack/internal/addrtext"
)

// Tap records the traffic of one layer into a Sink. A nil *Tap, or a Tap
// with a nil Sink, records nothing and wraps nothing, so a layer with
// tracing off runs exactly as it would without the lab.
type Tap struct {
	sink  Sink
	layer string
	pid   int
	gate  *Gate     // holds requests in hop-by-hop mode; nil for none
	rec   *Recorder // the sink, when it is a Recorder; nil otherwise
}

// NewTap returns a Tap that records what layer does into sink. It returns
// nil when sink is nil.
func NewTap(sink Sink, layer string) *Tap {
	if sink == nil {
		return nil
	}
	t := &Tap{sink: sink, layer: layer, pid: os.Getpid()}
	if r, ok := sink.(*Recorder); ok {
		t.gate, t.rec = r.Gate(), r
	}
	return t
}

// Layer returns the name of the layer the Tap records for.
func (t *Tap) Layer() string {
	if t == nil {
		return ""
	}
	return t.layer
}

// record stamps e with the tap's layer and process and hands it on.
func (t *Tap) record(e Event) {
	e.Layer = t.layer
	e.PID = t.pid
	t.sink.Record(e)
}

// Listen wraps ln so that every connection it accepts is tapped on the
// server side. Its address is covered (Cover) until it is closed.
func (t *Tap) Listen(ln net.Listener) net.Listener {
	if t == nil {
		return ln
	}
	return &listener{Listener: ln, tap: t, uncover: t.Cover(ln.Addr())}
}

// Cover says that every connection accepted at addr is tapped into the
// Tap's Recorder from now on, until release is called: by a Tap in this
// process (Listen covers its listener's address), or in another that
// sends its events to the Recorder (a pre-fork worker, accepting on the
// socket its master bound). A layer of the lab that dials addr then
// leaves its end untapped (Dialed). Cover does nothing for a Tap whose
// sink is not a Recorder, or for an address that is not TCP.
func (t *Tap) Cover(addr net.Addr) (release func()) {
	if t == nil || t.rec == nil {
		return func() {}
	}
	return t.rec.cover.add(addr)
}

// Dialed taps c, a connection the layer dialed, on the client side, as
// Conn does, unless its other end is accepted where the Tap's Recorder
// is covered (Cover): that end records the same bytes, and the hop would
// only be recorded twice, for the Assembler to show once. Then c is
// returned as it is, and Link still names it by its addresses.
func (t *Tap) Dialed(c net.Conn) net.Conn {
	if t == nil || t.rec != nil && t.rec.cover.covers(c.RemoteAddr()) {
		return c
	}
	return t.Conn(c, Client)
}

// Conn wraps c so that its traffic is recorded as seen from side.
func (t *Tap) Conn(c net.Conn, side Side) net.Conn {
	if t == nil {
		return c
	}
	tc := &Conn{Conn: c, tap: t, id: newConnID(t.pid), side: side,
		local: addrtext.String(c.LocalAddr()), remote: addrtext.String(c.RemoteAddr())}
	tc.arriving.Store(true)
	t.record(Event{Kind: KindOpen, Conn: tc.id, Side: side, Local: tc.local, Remote: tc.remote})
	return tc
}

// Link records that the request on the tapped connection in continues on
// out, a connection the layer dialed. The Assembler uses it to follow a
// journey from one layer to the next.
func (t *Tap) Link(in net.Conn, out net.Conn) {
	if t == nil {
		return
	}
	var local, remote string
	if tc, ok := out.(*Conn); ok {
		local, remote = tc.local, tc.remote // as its open said them
	} else {
		local, remote = addrtext.String(out.LocalAddr()), addrtext.String(out.RemoteAddr())
	}
	t.record(Event{Kind: KindLink, Conn: ID(in), Local: local, Remote: remote})
}

// Handoff records a structured hand-off from one layer to another that is
// not bytes on a socket, for the request on the tapped connection c. data
// may be nil; fields are kept, data is copied.
func (t *Tap) Handoff(c net.Conn, h Handoff) {
	if t == nil {
		return
	}
	data, omitted := h.Data, int64(0)
	if tc, ok := c.(*Conn); ok {
		data, omitted = tc.keepHandoff(h.Name, h.Data)
	}
	e := Event{
		Kind: KindHandoff, Conn: ID(c), Dir: h.Dir, From: h.From, To: h.To,
		Name: h.Name, Fields: h.Fields, Data: data, Omitted: omitted,
	}
	t.record(e)
	if t.gate != nil && h.Dir == Down {
		e.Layer = t.layer
		t.gate.wait(e)
	}
}

// Handoff describes a structured event for Tap.Handoff.
type Handoff struct {
	From, To string
	Dir      Dir
	Name     string
	Fields   []Field
	Data     []byte
}

// Log records a line the layer logs, for the request on c (which may be
// nil).
func (t *Tap) Log(c net.Conn, name, text string) {
	if t == nil {
		return
	}
	// The event's data is text's own bytes, not a copy: a Sink reads
	// Data and copies what it keeps, and never changes it. An empty line
	// is empty data, not none, as []byte(text) made it.
	data := []byte{}
	if text != "" {
		data = unsafe.Slice(unsafe.StringData(text), len(text))
	}
	t.record(Event{Kind: KindLog, Conn: ID(c), Name: name, Data: data})
}

// ID returns the ConnID of a tapped connection, or the zero ConnID when c is
// not tapped.
func ID(c net.Conn) ConnID {
	if tc, ok := c.(*Conn); ok {
		return tc.id
	}
	return ConnID{}
}

type listener struct {
	net.Listener
	tap     *Tap
	uncover func()
}

// Close stops covering the listener's address and closes it.
func (l *listener) Close() error {
	l.uncover()
	return l.Listener.Close()
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return l.tap.Conn(c, Server), nil
}

// Conn is a tapped connection. It passes every byte through unchanged.
// It deliberately has no ReadFrom or WriteTo, so that io.Copy cannot move
// bytes past the tap.
type Conn struct {
	net.Conn
	tap       *Tap
	id        ConnID
	side      Side
	local     string // the addresses its open recorded
	remote    string
	closeOnce sync.Once
	arriving  atomic.Bool // the next bytes read down start a request: the gate holds them

	mu       sync.Mutex
	hopDir   Dir   // the direction of the hop under way
	hopBytes int64 // the bytes it carried so far
	omitted  int64 // of those, the ones not kept and not recorded yet

	handoffName  string // the name of the run of hand-offs under way
	handoffBytes int64  // the data that run carried so far
}

// MaxHopBytes is how many bytes of one hop (a run of reads or writes in
// one direction on one connection) the tap keeps: a request or an answer
// head and a fair part of its body. The rest is counted, not kept, so a
// 100 MiB download costs the lab a count, not 100 MiB.
const MaxHopBytes = 64 << 10

// omitFlush is how many omitted bytes wait before the tap records their
// count, so that a long transfer shows its progress.
const omitFlush = 1 << 20

// bytes records n bytes of b crossing in direction d: the part the hop
// still keeps as data, the rest as a count, recorded in one event once
// the hop ends (the direction changes, or the connection ends) or once
// omitFlush bytes wait.
func (c *Conn) bytes(d Dir, b []byte) Event {
	c.mu.Lock()
	var flush int64
	prev := c.hopDir
	if d != c.hopDir {
		flush, c.omitted = c.omitted, 0
		c.hopDir, c.hopBytes = d, 0
	}
	keep := int(min(int64(len(b)), max(MaxHopBytes-c.hopBytes, 0)))
	c.hopBytes += int64(len(b))
	c.omitted += int64(len(b) - keep)
	var now int64
	if c.omitted >= omitFlush {
		now, c.omitted = c.omitted, 0
	}
	c.mu.Unlock()
	if flush > 0 {
		c.tap.record(Event{Kind: KindBytes, Conn: c.id, Dir: prev, Omitted: flush})
	}
	e := Event{Kind: KindBytes, Conn: c.id, Dir: d, Data: b[:keep], Omitted: now}
	if keep > 0 || now > 0 {
		c.tap.record(e)
	}
	return e
}

// keepHandoff returns what a hand-off named name keeps of data, and how
// many of its bytes it counts instead: a run of hand-offs of one name (a
// script's stdout, an app's body chunks) keeps its first MaxHopBytes, as
// a hop of bytes does, so that a long stream costs a count.
func (c *Conn) keepHandoff(name string, data []byte) ([]byte, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if name != c.handoffName {
		c.handoffName, c.handoffBytes = name, 0
	}
	keep := int(min(int64(len(data)), max(MaxHopBytes-c.handoffBytes, 0)))
	c.handoffBytes += int64(len(data))
	return data[:keep], int64(len(data) - keep)
}

// endHop records the count of the bytes of the last hop not kept yet,
// before the connection's end is recorded.
func (c *Conn) endHop() {
	c.mu.Lock()
	n, d := c.omitted, c.hopDir
	c.omitted = 0
	c.mu.Unlock()
	if n > 0 {
		c.tap.record(Event{Kind: KindBytes, Conn: c.id, Dir: d, Omitted: n})
	}
}

// ID returns the connection's ConnID.
func (c *Conn) ID() ConnID { return c.id }

// dir returns the direction of bytes this side reads (read true) or writes.
func (c *Conn) dir(read bool) Dir {
	if read == (c.side == Server) {
		return Down
	}
	return Up
}

// Read reads from the connection and records what it got.
func (c *Conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		e := c.bytes(c.dir(true), b[:n])
		if c.tap.gate != nil && e.Dir == Down && c.arriving.Swap(false) {
			e.Layer = c.tap.layer
			c.tap.gate.wait(e)
		}
	}
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		c.endHop()
		c.tap.record(Event{Kind: KindEOF, Conn: c.id})
	case !errors.Is(err, net.ErrClosed) && !isTimeout(err):
		c.endHop()
		c.tap.record(Event{Kind: KindError, Conn: c.id, Err: err.Error()})
	}
	return n, err
}

// Write records b and then writes it. A short write is recorded as an error.
func (c *Conn) Write(b []byte) (int, error) {
	if c.tap.gate != nil && c.side == Server {
		c.arriving.Store(true) // a request after this answer is a new arrival
	}
	if len(b) > 0 {
		c.bytes(c.dir(false), b)
	}
	n, err := c.Conn.Write(b)
	if err != nil {
		c.endHop()
		c.tap.record(Event{Kind: KindError, Conn: c.id, Err: err.Error()})
	}
	return n, err
}

// Close records the close and then closes the connection. The close is
// recorded before it happens, so a peer that sees it knows the recorder has
// every byte this side wrote.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.endHop()
		c.tap.record(Event{Kind: KindClose, Conn: c.id})
	})
	return c.Conn.Close()
}

// CloseWrite shuts down the writing side when the connection supports it.
func (c *Conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.New("trace: connection cannot half-close")
}

// Unwrap returns the connection under the tap.
func (c *Conn) Unwrap() net.Conn { return c.Conn }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
