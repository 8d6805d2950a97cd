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
		nfd, _, err := syscall.Accept4(a.fd, syscall.SOCK_CLOEXEC)
		switch {
		case err == syscall.EINTR || err == syscall.ECONNABORTED:
			continue
		case err == syscall.EAGAIN:
			return nil, errIdle
		case err != nil:
			return nil, fmt.Errorf("prefork: accept: %w", err)
		}
		f := os.NewFile(uintptr(nfd), "client")
		c, err := net.FileConn(f)
		f.Close()
		return c, err
	}
}

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
