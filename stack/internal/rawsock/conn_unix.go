//go:build unix

package rawsock

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Conn is a TCP connection on a socket the caller opened or accepted
// itself, with the addresses net.Conn tells. Its errors read as net's do.
//
// A Conn made by NewConn is on Go's poller from the start, as an
// *os.File, which waits as net's connections wait. One made by
// NewDirectConn is not: it reads what has come, writes what fits and
// closes, as a program whose socket blocks sees it (gunicorn's sync
// worker), and goes on the poller only the first time it must wait; or it
// waits on its Waiter, if it has one. A client that sends its request at
// once and reads a small answer so costs the poller nothing: no
// registering (fcntl in os.NewFile, epoll_ctl twice) and no wait. One made
// by NewPolledConn waits on its Poller whenever it must, and the Poller
// keeps its deadlines. Each way a Conn makes its reads and writes itself:
// see sys_raw.go for how.
type Conn struct {
	laddr, raddr *net.TCPAddr

	mu     sync.Mutex
	fd     int             // the socket, while direct
	f      *os.File        // the socket on the poller, once there
	rc     syscall.RawConn // f's
	closed atomic.Bool

	w      *Waiter // where a direct socket waits; nil: on the poller as f
	p      *Poller // or there, with the deadlines below
	waited bool    // the socket is in w's or p's epoll instance

	readBy, writeBy time.Time // the deadlines, on p
	// answerDue: a write was made on p and no read since. The next read
	// waits first: an answer is not there the moment its request is sent,
	// and a read that tried would find nothing, a system call for naught.
	answerDue atomic.Bool

	rd, wr ioCall
}

// NewConn returns the connection on f, a non-blocking TCP socket, whose
// addresses are laddr and raddr. Closing the connection closes f.
func NewConn(f *os.File, laddr, raddr *net.TCPAddr) *Conn {
	c := newConn(-1, laddr, raddr)
	c.onPoller(f)
	return c
}

// NewDirectConn returns the connection on fd, a non-blocking TCP socket
// that is not on Go's poller, whose addresses are laddr and raddr. Closing
// the connection closes fd. A read or write that must wait waits on w,
// when it is not nil and no deadline was set, and otherwise puts the
// socket on Go's poller.
func NewDirectConn(fd int, laddr, raddr *net.TCPAddr, w *Waiter) *Conn {
	c := newConn(fd, laddr, raddr)
	c.w = w
	return c
}

// NewPolledConn returns the connection on fd, a non-blocking TCP socket
// that is not on Go's poller, whose addresses are laddr and raddr. Closing
// the connection closes fd. A read or write that must wait waits on p,
// which keeps the connection's deadlines, unless SyscallConn has put the
// socket on Go's poller.
func NewPolledConn(fd int, laddr, raddr *net.TCPAddr, p *Poller) *Conn {
	c := newConn(fd, laddr, raddr)
	c.p = p
	return c
}

func newConn(fd int, laddr, raddr *net.TCPAddr) *Conn {
	c := &Conn{fd: fd, laddr: laddr, raddr: raddr}
	c.rd.sys, c.wr.sys, c.wr.write = read, write, true
	return c
}

// onPoller makes f the socket's file, with the deadlines a Poller kept;
// mu must be held, or c new.
func (c *Conn) onPoller(f *os.File) {
	c.f = f
	c.rc, _ = f.SyscallConn() // fails for a nil file only
	if c.p != nil {
		f.SetReadDeadline(c.readBy)
		f.SetWriteDeadline(c.writeBy)
	}
}

// A call is what a Conn does on its socket: attempt makes it and reports
// whether it is done, as a RawConn's functions do; false means the socket
// was not ready. An interface rather than a function, so that a read or
// write made directly needs no closure (see ioCall).
type call interface{ attempt(fd uintptr) bool }

// direct makes call on the socket while it is direct, unless it is to
// wait first, on a Poller. When call found the socket not ready, or is to
// wait first, it returns where to wait: on the Waiter or the Poller
// (onWaiter), for a read or write (io) of a Conn that has one, or else
// through the socket's RawConn on Go's poller, which it is put on now if
// it is not yet.
func (c *Conn) direct(call call, io, waitFirst bool) (rc syscall.RawConn, onWaiter bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.rc != nil:
		return c.rc, false, nil
	case c.closed.Load():
		return nil, false, os.ErrClosed
	case waitFirst && c.p != nil:
		return nil, true, nil
	case call.attempt(uintptr(c.fd)):
		return nil, false, nil
	case io && (c.w != nil || c.p != nil):
		return nil, true, nil
	}
	c.onPoller(os.NewFile(uintptr(c.fd), "tcp"))
	return c.rc, false, nil
}

// ioCall is a Conn's read or write: its buffer and what it has done so
// far. Its function for the poller is made the first time the poller
// waits, once a connection rather than once a call (a closure, and the
// variables it shares, would each go to the heap on every call); a
// connection that never waits makes none.
type ioCall struct {
	sys   func(fd int, p []byte) (int, error) // read or write
	write bool                                // go on until p is all written

	mu  sync.Mutex // one call at a time, as net's connections have
	p   []byte
	n   int
	err error
	try func(fd uintptr) bool // o.attempt

	// On a Waiter or a Poller: whether the call waits now (under the
	// Conn's mu); and on a Poller, how it is woken, made the first time
	// it waits (Poller.armWait).
	waiting bool
	ready   chan struct{}
	waitBy  time.Time // the deadline of the wait, under the Poller's mu
}

// attempt makes the call on fd and reports whether it is done: false
// only when fd was not ready (EAGAIN). Its error is left in o.err.
func (o *ioCall) attempt(fd uintptr) bool {
	o.err = nil
	for o.n < len(o.p) {
		m, err := o.sys(int(fd), o.p[o.n:])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			o.err = err
			return err != syscall.EAGAIN
		}
		o.n += m
		if !o.write {
			break // a read: what has come
		}
	}
	return true
}

// do makes o's call with p on c: directly, or, until the socket is
// ready, on c's Waiter or Poller or on Go's poller, through wait (a
// RawConn's Read or Write).
func (c *Conn) do(o *ioCall, p []byte, wait func(syscall.RawConn, func(uintptr) bool) error) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.p, o.n = p, 0
	defer func() { o.p = nil }()
	rc, onWaiter, err := c.direct(o, true, !o.write && c.answerDue.Swap(false))
	switch {
	case onWaiter:
		err = c.wait(o)
	case rc != nil:
		if o.try == nil {
			o.try = o.attempt
		}
		err = wait(rc, o.try)
	}
	switch {
	case err != nil && c.closed.Load():
		err = os.ErrClosed // the poller's word for it is its own
	case err == nil:
		err = o.err
	}
	return o.n, err
}

func (c *Conn) Read(b []byte) (int, error) {
	n, err := c.do(&c.rd, b, syscall.RawConn.Read)
	if err == nil && n == 0 && len(b) > 0 {
		err = io.EOF
	}
	return n, c.opError("read", err)
}

// Write writes b whole, as net's connections do: what the socket does not
// take at once it takes on the poller.
func (c *Conn) Write(b []byte) (int, error) {
	n, err := c.do(&c.wr, b, syscall.RawConn.Write)
	if err == nil && c.p != nil {
		c.answerDue.Store(true)
	}
	return n, c.opError("write", err)
}

func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed.Swap(true):
		return c.opError("close", os.ErrClosed)
	}
	var err error
	if c.f != nil {
		err = c.f.Close()
	} else {
		err = closeFD(c.fd)
	}
	switch {
	case c.w != nil && (c.rd.waiting || c.wr.waiting):
		c.w.interrupt() // the closed socket has left w: it would never wake
	case c.p != nil:
		c.p.forget(c) // and wake a call that waits
	}
	return c.opError("close", err)
}

// CloseWrite shuts down the writing side of the connection, as
// net.TCPConn's does.
func (c *Conn) CloseWrite() error {
	var shut shutdown
	rc, _, err := c.direct(&shut, false, false)
	if rc != nil {
		err = rc.Control(func(fd uintptr) { shut.attempt(fd) })
	}
	if err == nil {
		err = shut.err
	}
	return c.opError("close", err)
}

// shutdown is the call CloseWrite makes.
type shutdown struct{ err error }

func (s *shutdown) attempt(fd uintptr) bool {
	s.err = syscall.Shutdown(int(fd), syscall.SHUT_WR)
	return true
}

// SyscallConn returns the socket's RawConn, as net's connections do, for
// a caller that makes its own calls on it (package peek). A direct socket
// goes on the poller first, so that the RawConn can wait.
func (c *Conn) SyscallConn() (syscall.RawConn, error) {
	rc, _, err := c.direct(toPoller, false, false)
	if err != nil {
		return nil, c.opError("raw-conn", err)
	}
	return rc, nil
}

func (c *Conn) LocalAddr() net.Addr  { return c.laddr }
func (c *Conn) RemoteAddr() net.Addr { return c.raddr }

// SetDeadline, SetReadDeadline and SetWriteDeadline keep the time on the
// Conn's Poller, if it has one, and otherwise put a direct socket on Go's
// poller, which keeps it.

func (c *Conn) SetDeadline(t time.Time) error {
	return c.setDeadline((*os.File).SetDeadline, true, true, t)
}

func (c *Conn) SetReadDeadline(t time.Time) error {
	return c.setDeadline((*os.File).SetReadDeadline, true, false, t)
}

func (c *Conn) SetWriteDeadline(t time.Time) error {
	return c.setDeadline((*os.File).SetWriteDeadline, false, true, t)
}

func (c *Conn) setDeadline(set func(*os.File, time.Time) error, read, write bool, t time.Time) error {
	if c.keepDeadline(read, write, t) {
		return nil
	}
	_, _, err := c.direct(toPoller, false, false)
	if err == nil {
		err = set(c.f, t)
	}
	return c.opError("set", err)
}

// keepDeadline sets the read or write deadline, or both, to t on the
// Conn's Poller, and wakes the calls that wait, to look at it; it reports
// false, and does nothing, where there is no Poller to keep it: the Conn
// has none, or it is on Go's poller now, or closed.
func (c *Conn) keepDeadline(read, write bool, t time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.p == nil || c.rc != nil || c.closed.Load() {
		return false
	}
	if read {
		c.readBy = t
		c.rd.wakeUp()
	}
	if write {
		c.writeBy = t
		c.wr.wakeUp()
	}
	return true
}

// toPoller is a call for direct that puts a direct socket on the poller
// and does nothing else.
var toPoller call = toPollerCall{}

type toPollerCall struct{}

func (toPollerCall) attempt(uintptr) bool { return false }

// opError words err, from c's file, as net's connections do: an
// *net.OpError around the system call's error, net.ErrClosed once the
// connection is closed, io.EOF as it is.
func (c *Conn) opError(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errno, ok := err.(syscall.Errno); ok {
		err = os.NewSyscallError(op, errno)
	}
	if errors.Is(err, os.ErrClosed) {
		err = net.ErrClosed
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.laddr, Addr: c.raddr, Err: err}
}

// Write is write(2) on fd, a non-blocking descriptor of any kind, made as
// a Conn makes it (see sys_raw.go): for a caller that waits for room
// itself, through a RawConn whose Write it calls this in.
func Write(fd int, p []byte) (int, error) { return write(fd, p) }
