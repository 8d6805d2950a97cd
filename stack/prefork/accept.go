package prefork

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// acceptWait bounds each wait a worker makes for a connection on the
// shared socket, so that an idle worker looks up regularly: to tell the
// master it is alive, and to see whether it was asked to stop.
const acceptWait = 200 * time.Millisecond

// errIdle is an accept that timed out: no client came.
var errIdle = errors.New("prefork: no connection within the accept wait")

// acceptor takes connections from the socket every worker shares.
//
// The master hands each worker a duplicate of its listening socket (see
// handOff), still in non-blocking mode; the worker makes it a listener of
// its own and waits for clients on Go's poller, as any Go server does,
// with a deadline of acceptWait on each wait, as gunicorn's sync worker
// waits in select with a timeout. A closed listener wakes a waiting accept
// at once, so a worker told to stop stops accepting without delay. Every
// worker waits on the same socket: a client wakes them all, one takes it,
// and the others wait again.
type acceptor struct {
	ln   *net.TCPListener
	addr net.Addr
}

// newAcceptor makes a listener of the socket the worker inherited as f,
// and closes f: the listener holds a descriptor of its own.
func newAcceptor(f *os.File) (*acceptor, error) {
	defer f.Close()
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("prefork: the inherited socket: %w", err)
	}
	tl, ok := ln.(*net.TCPListener)
	if !ok {
		ln.Close()
		return nil, fmt.Errorf("prefork: the inherited socket is a %T, not TCP", ln)
	}
	return &acceptor{ln: tl, addr: tl.Addr()}, nil
}

// accept waits at most acceptWait for a connection. A client the worker
// takes sends no TCP keep-alive probes, as gunicorn's sockets send none.
func (a *acceptor) accept() (net.Conn, error) {
	a.ln.SetDeadline(time.Now().Add(acceptWait)) // fails only once closed, which AcceptTCP reports
	c, err := a.ln.AcceptTCP()
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, net.ErrClosed):
		// No client came, or stop closed the listener: either way the
		// worker looks up, and sees whether it is stopping.
		return nil, errIdle
	case err != nil:
		return nil, fmt.Errorf("prefork: accept: %w", err)
	}
	c.SetKeepAlive(false)
	return c, nil
}

// close closes the worker's listener, which wakes an accept in progress;
// the master's socket and the other workers' stay open.
func (a *acceptor) close() { a.ln.Close() }
