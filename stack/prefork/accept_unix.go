//go:build unix

package prefork

import (
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/rawsock"
)

// acceptor takes clients with accept(2) itself, once Go's poller finds
// the listening socket ready, and makes only that system call, as
// gunicorn's sync worker does (see accept.go). net's AcceptTCP would also
// ask getsockname, and set TCP_NODELAY and four keep-alive options on
// every client (which the worker then unset one of). TCP_NODELAY comes
// from the listening socket, where the master sets it once as gunicorn's
// does (handOff); the local address is the listener's when it is bound
// to one IP, and is asked only when it listens on every address.
//
// The client's connection is direct (rawsock.NewDirectConn): the worker
// reads what has come and writes a small answer the way gunicorn's
// blocking socket does, with nothing in between, and waits only when the
// request has not all come. A worker that serves one client at a time
// (the sync worker) then waits on one rawsock.Waiter for all its
// clients, rather than putting each on Go's poller as an os.File, whose
// close would wake the runtime's monitor thread from its sleep (see
// rawsock.Waiter); a thread worker, or a system with no Waiter, waits on
// Go's poller.
type acceptor struct {
	f      *os.File // the listening socket, on Go's poller
	rc     syscall.RawConn
	addr   *net.TCPAddr
	closed atomic.Bool
	waiter *rawsock.Waiter // nil: clients wait on Go's poller
}

// newAcceptor waits for clients on the socket the worker inherited as f,
// and closes f when it is closed. oneAtATime says the worker serves one
// client at a time, whose waits can then share a Waiter.
func newAcceptor(f *os.File, oneAtATime bool) (*acceptor, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("prefork: the inherited socket: %w", err)
	}
	var sa syscall.Sockaddr
	var saErr error
	if err := rc.Control(func(fd uintptr) { sa, saErr = syscall.Getsockname(int(fd)) }); err != nil {
		saErr = err
	}
	addr := rawsock.TCPAddr(sa)
	if saErr == nil && addr == nil {
		saErr = fmt.Errorf("a %T, not TCP", sa)
	}
	if saErr != nil {
		f.Close()
		return nil, fmt.Errorf("prefork: the inherited socket: %w", saErr)
	}
	a := &acceptor{f: f, rc: rc, addr: addr}
	if oneAtATime {
		if a.waiter, err = rawsock.NewWaiter(); err != nil {
			f.Close()
			return nil, fmt.Errorf("prefork: %w", err)
		}
	}
	return a, nil
}

// acceptFrom takes a client that comes by deadline.
func (a *acceptor) acceptFrom(deadline time.Time) (net.Conn, error) {
	a.f.SetReadDeadline(deadline) // fails only once closed, which the wait reports
	var nfd int
	var client *net.TCPAddr
	var acceptErr error
	err := a.rc.Read(func(fd uintptr) bool {
		for {
			nfd, client, acceptErr = rawsock.Accept(int(fd))
			switch acceptErr {
			case syscall.EINTR, syscall.ECONNABORTED:
				continue // a client that left while queued is no error, as in net
			case syscall.EAGAIN:
				return false // none yet: wait on the poller
			}
			return true
		}
	})
	switch {
	case err != nil && a.closed.Load():
		return nil, net.ErrClosed
	case err != nil:
		return nil, err
	case acceptErr != nil:
		return nil, os.NewSyscallError("accept", acceptErr)
	}
	local := a.addr
	if local.IP.IsUnspecified() {
		if local, err = rawsock.LocalAddr(nfd); err != nil {
			syscall.Close(nfd)
			return nil, err
		}
	}
	return rawsock.NewDirectConn(nfd, local, client, a.waiter), nil
}

// close closes the worker's copy of the listening socket, which wakes an
// accept in progress; the master's and the other workers' stay open.
func (a *acceptor) close() {
	a.closed.Store(true)
	a.f.Close()
	a.waiter.Close()
}
