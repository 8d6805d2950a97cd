package proxy

import (
	"context"
	"net"
	"time"
)

// dialByName connects to an upstream server at addr, host:port, through
// net's Dialer, by ctx's deadline, or until ctx ends: where a
// dialTarget has no leaner route. No TCP keep-alive probes go upstream,
// as with nginx (and four setsockopt calls fewer per request). It dials
// by name even for an IP and a port: Dialer.DialTCP, which skips the
// resolver, binds the socket to its local address before connecting even
// when that is the zero address, a bind per request that connect would
// not make and that takes the ephemeral port without regard to the peer.
func dialByName(ctx context.Context, addr string) (net.Conn, error) {
	d := net.Dialer{KeepAlive: -1}
	return d.DialContext(ctx, "tcp", addr)
}

// dialContext is the context a client connection's upstream dial runs
// under: the server's context, with proxy_connect_timeout's deadline.
// It carries the deadline itself, so that net's Dialer makes no timer
// context of its own, and the function the dial hangs on it to stop a
// connect in progress waits in the connection, which Close aborts,
// rather than as a child of the server's context: each dial then costs
// no lock and map entry on the one context every request shares, nor a
// timer context, a timer and a map of its own (some 300 bytes).
type dialContext struct {
	c        *conn
	deadline time.Time
}

func (d *dialContext) Deadline() (time.Time, bool) { return d.deadline, true }
func (d *dialContext) Done() <-chan struct{}       { return d.c.srv.ctx.Done() }
func (d *dialContext) Err() error                  { return d.c.srv.ctx.Err() }

// Value returns nil: the dial needs none of the server context's values,
// and handing them on would let context.AfterFunc find the server's own
// context under this one and hang the dial's function there after all.
func (d *dialContext) Value(any) any { return nil }

// AfterFunc arranges for f to run in a goroutine of its own once the
// server's context ends, as context.AfterFunc promises (which calls it):
// Close ends it and then aborts every connection, which starts f; a dial
// that hangs f on after that finds the context ended and starts f
// itself. stop reports whether it kept f from running.
func (d *dialContext) AfterFunc(f func()) (stop func() bool) {
	c := d.c
	h := &dialHook{f: f}
	c.mu.Lock()
	c.dialHook = h
	c.mu.Unlock()
	if d.Err() != nil && c.takeDialHook(h) {
		go f()
	}
	return func() bool { return c.takeDialHook(h) }
}

// dialHook is the function a dial in progress hangs on its connection.
type dialHook struct{ f func() }

// takeDialHook removes h from c and reports whether it was there: who
// takes it either runs it or has stopped it.
func (c *conn) takeDialHook(h *dialHook) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dialHook != h {
		return false
	}
	c.dialHook = nil
	return true
}
