//go:build !unix

package prefork

import (
	"fmt"
	"net"
	"os"
	"time"
)

// acceptor takes clients through net (see accept.go).
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

// acceptFrom takes a client that comes by deadline. A client the worker
// takes sends no TCP keep-alive probes, as gunicorn's sockets send none.
func (a *acceptor) acceptFrom(deadline time.Time) (net.Conn, error) {
	a.ln.SetDeadline(deadline) // fails only once closed, which AcceptTCP reports
	c, err := a.ln.AcceptTCP()
	if err != nil {
		return nil, err
	}
	c.SetKeepAlive(false)
	return c, nil
}

// close closes the worker's listener, which wakes an accept in progress;
// the master's socket and the other workers' stay open.
func (a *acceptor) close() { a.ln.Close() }
