package proxy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/http1"
	"github.com/ngw2f/ngw2f-lab/stack/internal/peek"
)

// holdTime is how long a connection waits for its next request with its
// buffers in hand. After that it lets them go (the read buffer, and the
// one its answers were built in) and waits with none, as nginx frees an
// idle connection's buffers: ten thousand idle connections then cost
// little more than their goroutines.
const holdTime = 250 * time.Millisecond

// conn is one client connection, served by its own goroutine.
type conn struct {
	srv *Server
	rt  *runtime
	nc  net.Conn // tapped when tracing
	raw net.Conn // the connection under the tap
	n   uint64   // nginx's connection number, "*5" in the error log

	remoteIP, remotePort string
	localIP, localPort   string

	rp        *readerPair // nil while idle without a buffer
	requests  int
	buf       []byte   // the answer being built, reused
	answerMem []byte   // the memory an upstream's answer is buffered in, reused
	req       *request // the request being served, reused for the next
	idle      atomic.Bool

	// The deadlines armed on nc, which only this connection's goroutine
	// sets, through them.
	readBy, writeBy deadline

	// In the connection table (connTable), guarded by its lock: while
	// the connection waits for a request, its place in the table's list
	// of those (waitList); and whether the table took its slot back.
	waitPrev, waitNext *conn
	waiting            bool
	reused             bool

	mu       sync.Mutex
	upstream net.Conn  // the upstream connection in use, closed by Close
	dialHook *dialHook // what stops the upstream dial in progress, started by Close
}

// readerPair is a request reader and the buffer under it, pooled.
type readerPair struct {
	br *bufio.Reader
	rd *http1.Reader
}

func newConn(s *Server, rt *runtime, nc net.Conn) *conn {
	c := &conn{srv: s, rt: rt, nc: nc, raw: nc, n: s.connSeq.Add(1)}
	if u, ok := nc.(interface{ Unwrap() net.Conn }); ok {
		c.raw = u.Unwrap()
	}
	c.remoteIP, c.remotePort, _ = net.SplitHostPort(nc.RemoteAddr().String())
	c.localIP, c.localPort, _ = net.SplitHostPort(nc.LocalAddr().String())
	return c
}

// serve reads and answers requests until the connection ends.
func (c *conn) serve() { c.serveFrom(false, c.rt.headerTimeout) }

// serveFrom serves the connection, the first request's bytes already
// waiting when ready, until the connection ends or waits idle without its
// buffers: a goroutine of its own then waits (waitIdle), and this one
// ends. A goroutine's stack grows to what serving a request takes and
// seldom shrinks; a fresh one, waiting, holds the smallest.
func (c *conn) serveFrom(ready bool, timeout time.Duration) {
	handedOn := false
	defer func() {
		if !handedOn {
			c.close()
			c.srv.forget(c)
		}
	}()
	for {
		if !ready {
			switch state, deadline := c.awaitRequest(timeout); state {
			case ended:
				return
			case idling:
				handedOn = true
				c.srv.tidy.letGo()
				go c.waitIdle(deadline)
				return
			}
		}
		ready = false
		if !c.headWaiting() {
			c.setReadDeadline(time.Now(), c.rt.headerTimeout)
		}
		var hr *http1.Request
		err := c.badStart()
		if err == nil {
			hr, err = c.rp.rd.ReadRequest()
		}
		if hr == nil && errors.Is(err, io.EOF) {
			return // the client left without a word, or after its last request
		}
		c.requests++
		if c.req == nil {
			c.req = new(request)
		}
		r := c.req
		*r = request{c: c, hr: hr, start: time.Now(), loc: c.rt.def.base, bodyLength: -1}
		keep := r.serve(err)
		if !keep || c.srv.shuttingDown() {
			// As nginx, linger when the client may still be sending, so
			// that it reads the answer rather than a reset.
			if r.linger || c.rp != nil && c.rp.rd.Buffered() > 0 || r.mayPipeline() && peek.Pending(c.raw) {
				c.lingeringClose(r.loc, !r.bodyPending())
			}
			return
		}
		timeout = r.loc.keepalive.timeout
		if c.rp.rd.Buffered() == 0 {
			c.srv.putReader(c.rp)
			c.rp = nil
		}
	}
}

// waitIdle waits until deadline for the next request of a connection
// whose buffers went, and serves it.
func (c *conn) waitIdle(deadline time.Time) {
	c.readBy.arm(c.nc.SetReadDeadline, time.Now(), deadline)
	err := peek.Readable(c.raw)
	c.idle.Store(false)
	if err == nil {
		c.rp = c.srv.getReader(c.nc)
		if c.rt.conns.busy(c) {
			c.serveFrom(true, 0)
			return
		}
	}
	c.close()
	c.srv.forget(c)
}

// headWaiting reports whether a whole request head waits in the buffer:
// reading it then waits for nothing, and needs no client_header_timeout.
// Arming that for each request of a keep-alive connection, and then the
// wait for the next request, set the connection's deadline twice a
// request, each time a timer moved in Go's runtime; the wait's deadline,
// armed lazily (deadline.arm), then stays for request after request.
// Blank lines before the request line, which nginx skips, are not its
// end.
func (c *conn) headWaiting() bool {
	b, _ := c.rp.br.Peek(c.rp.br.Buffered())
	b = bytes.TrimLeft(b, "\r\n")
	return bytes.Contains(b, []byte("\n\r\n")) || bytes.Contains(b, []byte("\n\n"))
}

// badStart refuses at once a request whose first byte cannot start a
// method, as nginx does byte by byte: the reader reads whole lines, and a
// TLS handshake sent to this plain port has none.
func (c *conn) badStart() error {
	b, _ := c.rp.br.Peek(c.rp.br.Buffered())
	for _, ch := range b {
		switch {
		case ch == '\r' || ch == '\n':
			continue
		case ch >= 'A' && ch <= 'Z' || ch == '_' || ch == '-':
			return nil
		}
		c.rp.br.Discard(len(b))
		return &http1.Error{Status: 400, Reason: "Bad Request", Detail: "client sent invalid method"}
	}
	return nil
}

// awaitState is what awaitRequest found.
type awaitState int

const (
	ended   awaitState = iota // the connection ends
	arrived                   // a request's first byte is waiting
	idling                    // none yet: the buffers went, wait on without
)

// awaitRequest waits up to timeout for the first byte of the next
// request, holding a buffer for holdTime. It reports ended when the
// connection ends or the time is up (nginx closes then without a word),
// and idling, with the deadline, when holdTime passed first: the
// connection's buffers went, and it is marked idle until waitIdle's
// wait ends.
func (c *conn) awaitRequest(timeout time.Duration) (awaitState, time.Time) {
	if c.rp != nil && c.rp.rd.Buffered() > 0 {
		return arrived, time.Time{}
	}
	c.idle.Store(true)
	c.rt.conns.wait(c)
	if c.srv.shuttingDown() {
		c.idle.Store(false)
		return ended, time.Time{}
	}
	now := time.Now()
	deadline := now.Add(timeout)
	if c.rp == nil {
		c.rp = c.srv.getReader(c.nc)
	}
	c.setReadDeadline(now, min(holdTime, timeout))
	_, err := c.rp.br.Peek(1)
	if err == nil {
		c.idle.Store(false)
		if c.rt.conns.busy(c) {
			return arrived, time.Time{}
		}
		return ended, time.Time{}
	}
	if !isTimeout(err) || !time.Now().Before(deadline) {
		c.idle.Store(false)
		return ended, time.Time{}
	}
	c.srv.putReader(c.rp)
	c.rp = nil
	c.buf = nil // as large as the largest answer it built: a waiting connection holds none
	c.answerMem = nil
	c.req = nil // kept from one request to the next while they come
	return idling, deadline
}

// lingeringClose reads what the client still sends for a while before
// the connection goes, so that the client reads the answer rather than a
// reset, as nginx's lingering_close does. Usually the writing side is
// closed first; a request whose body is still coming is read on without,
// as nginx discards a body.
func (c *conn) lingeringClose(lc *locConf, halfClose bool) {
	if lc.lingering == "off" {
		return
	}
	if halfClose {
		cw, ok := c.nc.(interface{ CloseWrite() error })
		if !ok || cw.CloseWrite() != nil {
			return
		}
	}
	end := time.Now().Add(lc.lingeringTime)
	buf := make([]byte, 4096)
	for now := time.Now(); now.Before(end); now = time.Now() {
		next := now.Add(lc.lingeringTimeout)
		if next.After(end) {
			next = end
		}
		c.readBy.arm(c.nc.SetReadDeadline, now, next)
		if _, err := c.nc.Read(buf); err != nil {
			return
		}
	}
}

func (c *conn) setUpstream(up net.Conn) {
	c.mu.Lock()
	c.upstream = up
	c.mu.Unlock()
}

// closeUpstream closes the upstream connection c uses, once: the answer
// read, nginx frees the upstream before it writes to the client, and
// the request's end finds it closed already.
func (c *conn) closeUpstream() {
	c.mu.Lock()
	up := c.upstream
	c.upstream = nil
	c.mu.Unlock()
	if up != nil {
		up.Close()
	}
}

// abort closes the connection and any upstream connection it uses, from
// any goroutine: the connection's own goroutine then ends. Once the
// server's context has ended, it also stops an upstream dial in
// progress.
func (c *conn) abort() {
	c.mu.Lock()
	up, h := c.upstream, c.dialHook
	if c.srv.ctx.Err() == nil {
		h = nil // the dial's context has not ended: its function waits on
	}
	if h != nil {
		c.dialHook = nil
	}
	c.mu.Unlock()
	if h != nil {
		go h.f()
	}
	if up != nil {
		up.Close()
	}
	c.nc.Close()
}

// close ends the connection, from its own goroutine.
func (c *conn) close() {
	c.abort()
	if c.rp != nil {
		c.srv.putReader(c.rp)
		c.rp = nil
	}
}

// lazyDelay is how close to the deadline armed a new one may be and
// leave it as it is: nginx's NGX_TIMER_LAZY_DELAY.
const lazyDelay = 300 * time.Millisecond

// deadline is a read or write deadline as last armed on a connection.
type deadline struct{ at time.Time }

// arm arms t with set, unless the deadline armed has not passed at now and
// is within lazyDelay of t: it then stays, as nginx leaves a timer it adds
// again (ngx_event_add_timer), so that a connection whose requests come
// one after another re-arms no timer for each read and write.
func (d *deadline) arm(set func(time.Time) error, now, t time.Time) {
	if d.at.After(now) && t.Sub(d.at).Abs() < lazyDelay {
		return
	}
	d.at = t
	set(t)
}

// setReadDeadline arms the read deadline timeout from now.
func (c *conn) setReadDeadline(now time.Time, timeout time.Duration) {
	c.readBy.arm(c.nc.SetReadDeadline, now, now.Add(timeout))
}

// setWriteDeadline arms the write deadline timeout from now.
func (c *conn) setWriteDeadline(timeout time.Duration) {
	now := time.Now()
	c.writeBy.arm(c.nc.SetWriteDeadline, now, now.Add(timeout))
}
