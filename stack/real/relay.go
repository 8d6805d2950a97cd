package real

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/errno"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
)

// Relay is a TCP proxy the lab puts on a real program's way, so that the
// tap sees what the program sends and receives: in front of it (the front
// relay, whose accepted end is tapped as the layer's own), or between
// nginx and an upstream (an upstream relay, whose dialed end is tapped, as
// the lab's proxy taps the connections it dials: unless the upstream is a
// layer of the lab that taps the end it accepts, trace.Tap.Dialed).
//
// Every byte passes through unchanged, as soon as it is read and in the
// writes it was read in. A half-close from the client passes on (the
// server still answers); the end of the server's side ends the relayed
// connection, as the programs behind relays close fully; a reset on
// either side resets the other.
type Relay struct {
	cfg RelayConfig

	mu     sync.Mutex
	ln     net.Listener
	conns  map[*relayed]bool
	closed bool
	wg     sync.WaitGroup
}

// RelayConfig says what a Relay listens on, where it passes connections,
// and what it taps.
type RelayConfig struct {
	// Name is the layer the relay stands for, in errors.
	Name string
	// Addr is where the relay listens; empty means a free loopback port.
	Addr string
	// Target is where it passes each connection.
	Target string
	// Tap records the traffic; nil records nothing.
	Tap *trace.Tap
	// TapDialed taps the end the relay dials, on the client side, rather
	// than the end it accepted.
	TapDialed bool
	// Link, when set, is asked, before the relay dials, which tapped
	// connection the request on the new connection continues (its first
	// bytes, read within a moment, are given); the relay then records the
	// link from that connection to the one it dials.
	Link func(first []byte) net.Conn
	// Dialed, when set, is told of each connection made: the accepted and
	// the dialed end (the tapped one tapped). Ended is told when it ends.
	Dialed func(in, out net.Conn)
	Ended  func(in, out net.Conn)
	// ServerDone, when set, is called when the server's side has ended,
	// before the relay ends the client's: nginx's relay waits there for
	// the log lines nginx wrote before it closed.
	ServerDone func(in net.Conn)
}

// peekWait bounds the wait for an upstream request's first bytes, which
// nginx writes as soon as it is connected.
const peekWait = time.Second

// NewRelay returns a relay that listens once started.
func NewRelay(cfg RelayConfig) *Relay {
	return &Relay{cfg: cfg, conns: map[*relayed]bool{}}
}

// Start listens and relays in the background. It returns once the relay
// accepts connections.
func (r *Relay) Start(ctx context.Context) error {
	ln, err := stack.Listen(ctx, r.cfg.Name, r.cfg.Addr)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		ln.Close()
		return stack.ErrServerClosed
	}
	r.ln = ln
	r.wg.Add(1)
	go r.serve()
	return nil
}

// Addr returns where the relay listens; nil before Start.
func (r *Relay) Addr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln == nil {
		return nil
	}
	return r.ln.Addr()
}

// retarget passes the connections accepted from now on to addr: the
// program behind a front relay started again on another port.
func (r *Relay) retarget(addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cfg.Target = addr
}

// Close stops accepting and ends every relayed connection at once.
func (r *Relay) Close() error {
	r.stopAccepting()
	r.mu.Lock()
	for c := range r.conns {
		c.abort()
	}
	r.mu.Unlock()
	r.wg.Wait()
	return nil
}

func (r *Relay) stopAccepting() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.ln != nil {
		r.ln.Close()
	}
}

func (r *Relay) serve() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		x := &relayed{r: r, in: c}
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			c.Close()
			return
		}
		r.conns[x] = true
		r.wg.Add(1)
		r.mu.Unlock()
		go x.run()
	}
}

// relayed is one connection through a relay: in is the end the relay
// accepted, out the one it dialed (each tapped when the relay taps it).
type relayed struct {
	r       *Relay
	in, out net.Conn

	mu      sync.Mutex
	aborted bool
	// The request under way: when its first bytes came, its first bytes,
	// and whether an answer has started since.
	asked    time.Time
	head     []byte
	answered bool
	links    int // connections the relay's Link gave this request so far
}

// maxHead is how much of a request a relay keeps to tell it by.
const maxHead = 4 << 10

// note follows the requests and answers crossing: bytes going down after
// an answer (or first) start a request.
func (x *relayed) note(down bool, b []byte) {
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case !down:
		x.answered = true
	case x.asked.IsZero() || x.answered:
		x.asked, x.answered, x.links = time.Now(), false, 0
		x.head = append(x.head[:0], b[:min(len(b), maxHead)]...)
	case len(x.head) < maxHead:
		x.head = append(x.head, b[:min(len(b), maxHead-len(x.head))]...)
	}
}

// Waiting is a relayed connection whose request awaits its answer.
type Waiting struct {
	Conn  net.Conn  // the tapped end
	Since time.Time // when the request's first bytes came
	Head  []byte    // its first bytes
	Links int       // connections linked to it so far
	x     *relayed
}

// Waiting returns the connections whose request awaits an answer, the
// oldest request first.
func (r *Relay) Waiting() []Waiting {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Waiting
	for x := range r.conns {
		x.mu.Lock()
		if !x.asked.IsZero() && !x.answered && x.out != nil {
			tapped := x.in
			if r.cfg.TapDialed {
				tapped = x.out
			}
			out = append(out, Waiting{Conn: tapped, Since: x.asked, Head: append([]byte(nil), x.head...), Links: x.links, x: x})
		}
		x.mu.Unlock()
	}
	slices.SortFunc(out, func(a, b Waiting) int { return a.Since.Compare(b.Since) })
	return out
}

// Linked counts one more connection linked to w's request.
func (w Waiting) Linked() {
	w.x.mu.Lock()
	w.x.links++
	w.x.mu.Unlock()
}

func (x *relayed) run() {
	r := x.r
	defer func() {
		r.mu.Lock()
		delete(r.conns, x)
		r.mu.Unlock()
		r.wg.Done()
	}()
	var first []byte
	var from net.Conn
	if r.cfg.Link != nil {
		first = readFirst(x.in)
		from = r.cfg.Link(first)
	}
	r.mu.Lock()
	target := r.cfg.Target
	r.mu.Unlock()
	out, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		// The program behind is gone: the client sees its connection
		// reset, as nginx sees a refused one fail.
		reset(x.in)
		return
	}
	if r.cfg.TapDialed {
		out = r.cfg.Tap.Dialed(out)
		if from != nil {
			r.cfg.Tap.Link(from, out)
		}
	} else {
		x.in = r.cfg.Tap.Conn(x.in, trace.Server)
	}
	if !x.setOut(out) {
		return
	}
	if r.cfg.Dialed != nil {
		r.cfg.Dialed(x.in, x.out)
	}
	if r.cfg.Ended != nil {
		defer r.cfg.Ended(x.in, x.out)
	}
	if len(first) > 0 {
		x.note(true, first)
		if _, err := x.out.Write(first); err != nil {
			x.abort()
			return
		}
	}
	x.pipe()
}

// readFirst reads what the client sends within peekWait, at most one
// read's worth.
func readFirst(c net.Conn) []byte {
	buf := make([]byte, 32<<10)
	c.SetReadDeadline(time.Now().Add(peekWait))
	n, _ := c.Read(buf)
	c.SetReadDeadline(time.Time{})
	return buf[:n]
}

// setOut records the dialed end; it reports false, closing both ends,
// when the relay was closed meanwhile.
func (x *relayed) setOut(out net.Conn) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.out = out
	if x.aborted {
		x.in.Close()
		out.Close()
		return false
	}
	return true
}

// abort ends both ends at once.
func (x *relayed) abort() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.aborted = true
	x.in.Close()
	if x.out != nil {
		x.out.Close()
	}
}

// pipe copies both ways until the server's side ends.
func (x *relayed) pipe() {
	up := make(chan struct{})
	go func() {
		defer close(up)
		err := copyBytes(x.out, x.in, func(b []byte) { x.note(true, b) })
		switch {
		case err == nil: // the client half-closed: pass it on
			closeWrite(x.out)
		case isReset(err):
			reset(x.out)
		}
	}()
	err := copyBytes(x.in, x.out, func(b []byte) { x.note(false, b) })
	if done := x.r.cfg.ServerDone; done != nil {
		done(x.in)
	}
	if isReset(err) {
		reset(x.in)
	}
	x.in.Close()
	x.out.Close()
	<-up
}

// copyBytes copies from src to dst, each read in one write, until src
// ends: nil at its end of file, else the error that stopped it. seen is
// told of each read before it is written.
func copyBytes(dst, src net.Conn, seen func([]byte)) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			seen(buf[:n])
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func isReset(err error) bool {
	return errno.Is(err, errno.ECONNRESET) || errno.Is(err, errno.EPIPE)
}

// closeWrite half-closes c, tapped or not.
func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
}

// reset closes c with a reset rather than a clean close.
func reset(c net.Conn) {
	raw := c
	if u, ok := c.(interface{ Unwrap() net.Conn }); ok {
		raw = u.Unwrap()
	}
	if tc, ok := raw.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
