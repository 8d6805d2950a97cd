//go:build unix && !(linux && !386)

package rawsock

import (
	"net/netip"
	"syscall"
)

// The system calls a Conn makes on its socket, made as syscall makes
// them (see sys_raw.go for the systems where they are made raw).

func read(fd int, p []byte) (int, error) {
	n, err := syscall.Read(fd, p)
	return max(n, 0), err
}

func write(fd int, p []byte) (int, error) {
	n, err := syscall.Write(fd, p)
	return max(n, 0), err
}

func closeFD(fd int) error { return syscall.Close(fd) }

// rawAddr is empty here: connect gets a new syscall.Sockaddr for each
// call, since syscall writes into the one it is given.
type rawAddr struct{}

func makeRawAddr(netip.AddrPort) rawAddr { return rawAddr{} }

func connect(fd int, a *Addr) error {
	ip := a.ap.Addr()
	if ip.Is4() {
		return syscall.Connect(fd, &syscall.SockaddrInet4{Port: int(a.ap.Port()), Addr: ip.As4()})
	}
	return syscall.Connect(fd, &syscall.SockaddrInet6{Port: int(a.ap.Port()), Addr: ip.As16()})
}

func getsockname(fd int) (netip.AddrPort, error) {
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return netip.AddrPort{}, err
	}
	return sockaddrAddrPort(sa)
}

// getpeername reports whether fd is connected, as getpeername(2) does.
func getpeername(fd int) error {
	_, err := syscall.Getpeername(fd)
	return err
}

// acceptedAddr returns what accept(2) returned, the client's address as
// an AddrPort: it closes a socket whose client has no IP address.
func acceptedAddr(nfd int, sa syscall.Sockaddr, err error) (int, netip.AddrPort, error) {
	if err != nil {
		return -1, netip.AddrPort{}, err
	}
	ap, err := sockaddrAddrPort(sa)
	if err != nil {
		syscall.Close(nfd)
		return -1, netip.AddrPort{}, err
	}
	return nfd, ap, nil
}
