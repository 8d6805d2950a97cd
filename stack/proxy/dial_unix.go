//go:build unix

package proxy

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/rawsock"
)

// dialTarget is an upstream server's address, made ready to dial. An IP
// and a port, as the lab's servers have, is turned once into the socket
// address connect(2) takes; a name is left to net's Dialer, which looks
// it up on every dial.
type dialTarget struct {
	addr   string // host:port
	family int    // AF_INET or AF_INET6; 0 for a name
	sa4    syscall.SockaddrInet4
	sa6    syscall.SockaddrInet6
	raddr  *net.TCPAddr
}

// newDialTarget readies addr, host:port, for dialing.
func newDialTarget(addr string) *dialTarget {
	t := &dialTarget{addr: addr}
	ap, err := netip.ParseAddrPort(addr)
	switch ip := ap.Addr(); {
	case err != nil:
	case ip.Is4():
		t.family, t.sa4 = syscall.AF_INET, syscall.SockaddrInet4{Port: int(ap.Port()), Addr: ip.As4()}
	case ip.Is6() && !ip.Is4In6() && ip.Zone() == "":
		t.family, t.sa6 = syscall.AF_INET6, syscall.SockaddrInet6{Port: int(ap.Port()), Addr: ip.As16()}
	}
	if t.family != 0 {
		t.raddr = net.TCPAddrFromAddrPort(ap)
	}
	return t
}

// sockaddr returns a copy of t's socket address for one connect:
// syscall fills a buffer inside the one it is given, so dials at once
// cannot share one.
func (t *dialTarget) sockaddr() syscall.Sockaddr {
	if t.family == syscall.AF_INET {
		sa := t.sa4
		return &sa
	}
	sa := t.sa6
	return &sa
}

// dial connects to the server by d's deadline, or until the server
// closes. To an IP and a port it makes socket, connect, getsockname for
// the local address the tap links connections by, and getpeername to
// learn that the connect is done, as nginx asks getsockopt once its
// poller finds the socket writable. net's Dialer would also parse the
// address again, race dials, set TCP_NODELAY (nginx leaves Nagle's
// algorithm on upstream too), ask getsockopt and getpeername both, and
// wait for the poller even for a connect already done.
func (t *dialTarget) dial(dc dialContext) (net.Conn, error) {
	if t.family == 0 {
		d := dc // the context escapes: only a copy goes to the heap
		return dialByName(&d, t.addr)
	}
	if err := dc.Err(); err != nil {
		return nil, t.opError(err)
	}
	if !time.Now().Before(dc.deadline) {
		return nil, t.opError(os.ErrDeadlineExceeded) // as the poller would say
	}
	fd, err := rawsock.Socket(t.family)
	if err != nil {
		return nil, t.opError(os.NewSyscallError("socket", err))
	}
	connecting := false
	switch err := syscall.Connect(fd, t.sockaddr()); err {
	case nil, syscall.EISCONN:
	case syscall.EINPROGRESS, syscall.EALREADY, syscall.EINTR:
		connecting = true
	default:
		syscall.Close(fd)
		return nil, t.opError(os.NewSyscallError("connect", err))
	}
	la, err := syscall.Getsockname(fd) // connect has chosen the local port
	if err != nil {
		syscall.Close(fd)
		return nil, t.opError(os.NewSyscallError("getsockname", err))
	}
	if connecting {
		// On loopback the handshake is mostly over by now: ask once, and
		// wait on the poller only for a connect still going on.
		if err = connected(fd); err == nil {
			connecting = false
		} else if err != errConnecting {
			syscall.Close(fd)
			return nil, t.opError(err)
		}
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
	return rawsock.NewConn(f, rawsock.TCPAddr(la), t.raddr), nil
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
		connErr = connected(int(fd))
		return connErr != errConnecting
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

// errConnecting is connected's word for a connect still in progress.
var errConnecting = errors.New("still connecting")

// connected reports how the connect on fd stands: nil once it is
// connected, errConnecting while it goes on, or the error it ended with,
// which SO_ERROR holds whatever getpeername answers for a socket that
// failed to connect (ENOTCONN on Linux, which macOS may word otherwise).
func connected(fd int) error {
	_, peerErr := syscall.Getpeername(fd)
	if peerErr == nil {
		return nil
	}
	soErr, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ERROR)
	switch errno := syscall.Errno(soErr); {
	case err != nil:
		return os.NewSyscallError("getsockopt", err)
	case errno == 0 && peerErr == syscall.ENOTCONN,
		errno == syscall.EINPROGRESS, errno == syscall.EALREADY, errno == syscall.EINTR:
		return errConnecting
	case errno == 0:
		return os.NewSyscallError("getpeername", peerErr)
	default:
		return os.NewSyscallError("connect", errno)
	}
}

// aLongTimeAgo is a deadline that has passed, which stops a wait at once.
var aLongTimeAgo = time.Unix(1, 0)

func (t *dialTarget) opError(err error) error {
	return &net.OpError{Op: "dial", Net: "tcp", Addr: t.raddr, Err: err}
}
