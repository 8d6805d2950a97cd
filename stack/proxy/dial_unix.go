//go:build unix

package proxy

import (
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/rawsock"
)

// dialer is what the upstream dials share: the Poller their connections
// wait on, nil where the system has none (they wait on Go's poller).
type dialer struct{ p *rawsock.Poller }

func newDialer() (dialer, error) {
	p, err := rawsock.NewPoller()
	return dialer{p}, err
}

func (d dialer) close() { d.p.Close() }

// dialTarget is an upstream server's address, made ready to dial. An IP
// and a port, as the lab's servers have, is turned once into the socket
// address connect(2) takes; a name is left to net's Dialer, which looks
// it up on every dial.
type dialTarget struct {
	addr  string        // host:port
	to    *rawsock.Addr // nil for a name
	raddr *net.TCPAddr
}

// newDialTarget readies addr, host:port, for dialing.
func newDialTarget(addr string) *dialTarget {
	t := &dialTarget{addr: addr}
	ap, err := netip.ParseAddrPort(addr)
	if ip := ap.Addr(); err == nil && (ip.Is4() || ip.Is6() && !ip.Is4In6() && ip.Zone() == "") {
		t.to, t.raddr = rawsock.NewAddr(ap), net.TCPAddrFromAddrPort(ap)
	}
	return t
}

// dial connects to the server by d's deadline, or until the server
// closes. To an IP and a port it makes socket, connect, getsockname for
// the local address the tap links connections by, and getpeername to
// learn that the connect is done, as nginx asks getsockopt once its
// poller finds the socket writable. The connection then waits on the
// dialer's Poller, as nginx's on its epoll instance: one epoll_ctl, which
// its close undoes. net's Dialer would also parse the address again, race
// dials, set TCP_NODELAY (nginx leaves Nagle's algorithm on upstream
// too), ask getsockopt and getpeername both, and wait for the poller even
// for a connect already done; and its connection would be an os.File on
// Go's poller, as one whose connect is still going on here is: fcntl,
// epoll_ctl twice and a finalizer.
func (t *dialTarget) dial(dc dialContext) (net.Conn, error) {
	if t.to == nil {
		d := dc // the context escapes: only a copy goes to the heap
		return dialByName(&d, t.addr)
	}
	if err := dc.Err(); err != nil {
		return nil, t.opError(err)
	}
	if !time.Now().Before(dc.deadline) {
		return nil, t.opError(os.ErrDeadlineExceeded) // as the poller would say
	}
	fd, err := rawsock.Socket(t.to.Family())
	if err != nil {
		return nil, t.opError(os.NewSyscallError("socket", err))
	}
	connecting := false
	switch err := rawsock.Connect(fd, t.to); err {
	case nil, syscall.EISCONN:
	case syscall.EINPROGRESS, syscall.EALREADY, syscall.EINTR:
		connecting = true
	default:
		syscall.Close(fd)
		return nil, t.opError(os.NewSyscallError("connect", err))
	}
	la, err := rawsock.LocalAddr(fd) // connect has chosen the local port
	if err != nil {
		syscall.Close(fd)
		return nil, t.opError(err)
	}
	if connecting {
		// On loopback the handshake is mostly over by now: ask once, and
		// wait on the poller only for a connect still going on.
		if err = rawsock.Connected(fd); err == nil {
			connecting = false
		} else if err != rawsock.ErrConnecting {
			syscall.Close(fd)
			return nil, t.opError(err)
		}
	}
	if p := dc.c.rt.dialer.p; p != nil && !connecting {
		return rawsock.NewPolledConn(fd, la, t.raddr, p), nil
	}
	f := os.NewFile(uintptr(fd), "upstream") // the poller waits on it
	if connecting {
		d := dc
		err = awaitConnect(&d, f)
	}
	if err != nil {
		f.Close()
		return nil, t.opError(err)
	}
	return rawsock.NewConn(f, la, t.raddr), nil
}

// awaitConnect waits for the connect in progress on f to end, by d's
// deadline or until the server closes, and returns how it ended. It asks
// first, and again whenever the poller finds f writable: getpeername
// succeeds once the socket is connected; otherwise SO_ERROR tells a
// connect that failed from one still in progress. (It cannot wait first
// and ask after: RawConn.Write clears what the poller saw before it
// began, so a connect that ended then would wake no one.)
func awaitConnect(d *dialContext, f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	f.SetWriteDeadline(d.deadline)
	stop := d.AfterFunc(func() { f.SetWriteDeadline(aLongTimeAgo) })
	var connErr error
	err = rc.Write(func(fd uintptr) bool {
		connErr = rawsock.Connected(int(fd))
		return connErr != rawsock.ErrConnecting
	})
	stopped := stop()
	switch {
	case err != nil && d.Err() != nil, err == nil && !stopped:
		return d.Err() // the server closed; its hook spoils the deadline
	case err != nil:
		return err
	case connErr != nil:
		return connErr
	}
	f.SetWriteDeadline(time.Time{})
	return nil
}

// aLongTimeAgo is a deadline that has passed, which stops a wait at once.
var aLongTimeAgo = time.Unix(1, 0)

func (t *dialTarget) opError(err error) error {
	return &net.OpError{Op: "dial", Net: "tcp", Addr: t.raddr, Err: err}
}
