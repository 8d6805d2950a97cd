//go:build unix

package rawsock

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"syscall"
)

// Addr is an IP address and port made ready once for connect(2), for any
// number of connects at once: where the calls are made raw (sys_raw.go),
// the bytes the system takes are built here once rather than for each
// call.
type Addr struct {
	ap  netip.AddrPort
	raw rawAddr
}

// NewAddr readies ap, an IPv4 or IPv6 address without a zone, for
// Connect.
func NewAddr(ap netip.AddrPort) *Addr {
	return &Addr{ap: ap, raw: makeRawAddr(ap)}
}

// Family returns the address family of a's socket: AF_INET or AF_INET6.
func (a *Addr) Family() int {
	if a.ap.Addr().Is4() {
		return syscall.AF_INET
	}
	return syscall.AF_INET6
}

// Connect starts connecting fd, a non-blocking socket of a's family, to
// a. It returns nil or EINPROGRESS (among others) as connect(2) does.
func Connect(fd int, a *Addr) error {
	return connect(fd, a)
}

// ErrConnecting is Connected's word for a connect still going on.
var ErrConnecting = errors.New("rawsock: still connecting")

// Connected reports how a connect started on fd stands: nil once it is
// connected, ErrConnecting while it goes on, or the error it ended with,
// which SO_ERROR holds whatever getpeername answers for a socket that
// failed to connect (ENOTCONN on Linux, which macOS may word otherwise).
// It asks getpeername alone for a socket that is connected.
func Connected(fd int) error {
	peerErr := getpeername(fd)
	if peerErr == nil {
		return nil
	}
	soErr, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ERROR)
	switch errno := syscall.Errno(soErr); {
	case err != nil:
		return os.NewSyscallError("getsockopt", err)
	case errno == 0 && peerErr == syscall.ENOTCONN,
		errno == syscall.EINPROGRESS, errno == syscall.EALREADY, errno == syscall.EINTR:
		return ErrConnecting
	case errno == 0:
		return os.NewSyscallError("getpeername", peerErr)
	default:
		return os.NewSyscallError("connect", errno)
	}
}

// LocalAddr returns the address fd, a TCP socket, is bound to
// (getsockname).
func LocalAddr(fd int) (*net.TCPAddr, error) {
	ap, err := getsockname(fd)
	if err != nil {
		return nil, os.NewSyscallError("getsockname", err)
	}
	return tcpAddr(ap), nil
}

// tcpAddr returns ap as a TCPAddr, in one allocation with its IP.
func tcpAddr(ap netip.AddrPort) *net.TCPAddr {
	a := &struct {
		net.TCPAddr
		ip [16]byte
	}{}
	ip := ap.Addr()
	if ip.Is4() {
		*(*[4]byte)(a.ip[:4]) = ip.As4()
		a.IP = a.ip[:4]
	} else {
		a.ip = ip.As16()
		a.IP = a.ip[:]
		a.Zone = ip.Zone()
	}
	a.Port = int(ap.Port())
	return &a.TCPAddr
}

// TCPAddr returns the TCP address of sa, or nil when sa is no IP address.
func TCPAddr(sa syscall.Sockaddr) *net.TCPAddr {
	ap, err := sockaddrAddrPort(sa)
	if err != nil {
		return nil
	}
	return tcpAddr(ap)
}

// sockaddrAddrPort returns the IP address and port of sa.
func sockaddrAddrPort(sa syscall.Sockaddr) (netip.AddrPort, error) {
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port)), nil
	case *syscall.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), uint16(sa.Port)), nil
	}
	return netip.AddrPort{}, syscall.EAFNOSUPPORT
}
