package prefork

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

// acceptWait bounds each accept(2) a worker makes on the shared socket,
// so that an idle worker looks up regularly: to tell the master it is
// alive, and to see whether it was asked to stop.
const acceptWait = 200 * time.Millisecond

// errIdle is an accept that timed out: no client came.
var errIdle = errors.New("prefork: no connection within the accept wait")

// acceptor takes connections from the socket every worker shares.
//
// Every worker, and the master, hold the same open socket: one file
// description, whose blocking flag is shared too. Go puts a descriptor it
// hands to a child into blocking mode (os.File.Fd), so a worker cannot
// rely on a non-blocking socket and Go's poller: a close or a deadline
// would not wake an accept already blocked in the kernel. The worker
// therefore uses the socket in blocking mode on purpose, with plain
// accept(2) calls that give up after acceptWait (SO_RCVTIMEO), as
// gunicorn's sync worker waits in select with a timeout. Each accepted
// connection is a socket of its own and becomes an ordinary net.Conn.
type acceptor struct {
	fd   int
	addr net.Addr
}

// newAcceptor prepares the shared socket at fd.
func newAcceptor(fd int) (*acceptor, error) {
	if err := syscall.SetNonblock(fd, false); err != nil {
		return nil, fmt.Errorf("prefork: %w", err)
	}
	tv := syscall.NsecToTimeval(acceptWait.Nanoseconds())
	if err := syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
		return nil, fmt.Errorf("prefork: %w", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return nil, fmt.Errorf("prefork: the inherited socket: %w", err)
	}
	return &acceptor{fd: fd, addr: sockaddrTCP(sa)}, nil
}

// accept waits at most acceptWait for a connection.
func (a *acceptor) accept() (net.Conn, error) {
	for {
		nfd, sa, err := syscall.Accept4(a.fd, syscall.SOCK_CLOEXEC)
		switch {
		case err == syscall.EINTR || err == syscall.ECONNABORTED:
			continue
		case err == syscall.EAGAIN:
			return nil, errIdle
		case err != nil:
			return nil, fmt.Errorf("prefork: accept: %w", err)
		}
		// The new socket inherits the listener's SO_RCVTIMEO: a client
		// may take its time, as with gunicorn's sync worker.
		var none syscall.Timeval
		if err := syscall.SetsockoptTimeval(nfd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &none); err != nil {
			syscall.Close(nfd)
			return nil, fmt.Errorf("prefork: %w", err)
		}
		c := &clientConn{File: os.NewFile(uintptr(nfd), "client"), fd: nfd, remote: sockaddrTCP(sa)}
		if ta, ok := a.addr.(*net.TCPAddr); ok && !ta.IP.IsUnspecified() {
			c.local = a.addr // a socket bound to one address accepts on that address
		}
		return c, nil
	}
}

// clientConn is an accepted connection used the way a sync worker uses
// it: blocking reads and writes from the one goroutine that serves it, and
// no deadlines (a client that stalls stalls the worker, until the
// master's timeout). It spares the poller's bookkeeping for a connection
// that lives for one request.
type clientConn struct {
	*os.File
	fd            int
	local, remote net.Addr
}

func (c *clientConn) RemoteAddr() net.Addr { return c.remote }

func (c *clientConn) LocalAddr() net.Addr {
	if c.local != nil {
		return c.local
	}
	sa, err := syscall.Getsockname(c.fd)
	if err != nil {
		return &net.TCPAddr{}
	}
	return sockaddrTCP(sa)
}

// CloseWrite ends the sending side, so the client sees the end of the
// answer while the worker may still read.
func (c *clientConn) CloseWrite() error { return syscall.Shutdown(c.fd, syscall.SHUT_WR) }

var errNoDeadlines = errors.New("prefork: a sync worker's connection has no deadlines")

func (c *clientConn) SetDeadline(time.Time) error      { return errNoDeadlines }
func (c *clientConn) SetReadDeadline(time.Time) error  { return errNoDeadlines }
func (c *clientConn) SetWriteDeadline(time.Time) error { return errNoDeadlines }

// close closes the worker's copy of the socket; the others keep theirs.
func (a *acceptor) close() { syscall.Close(a.fd) }

func sockaddrTCP(sa syscall.Sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(sa.Addr[:]).To16(), Port: sa.Port}
	case *syscall.SockaddrInet6:
		return &net.TCPAddr{IP: net.IP(sa.Addr[:]), Port: sa.Port}
	}
	return &net.TCPAddr{}
}
