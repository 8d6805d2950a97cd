//go:build linux && !386

package rawsock

import (
	"net/netip"
	"syscall"
	"unsafe"
)

// The system calls a Conn makes on its socket, and Accept's, here made
// raw: without telling Go's scheduler, as syscall tells it of a call that
// may block (entersyscall). Once every P of a process is idle, that
// telling wakes the runtime's monitor thread (sysmon) from its deep sleep,
// and it then wakes every 20 µs until it finds the process idle again: a
// pre-fork worker, which is idle between clients, paid about a context
// switch a request for it (futex and nanosleep in strace). Every call here
// is on a non-blocking socket without SO_LINGER, so none can block.

func read(fd int, p []byte) (int, error) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(bufPtr(p)), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

func write(fd int, p []byte) (int, error) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(bufPtr(p)), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

func closeFD(fd int) error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0); errno != 0 {
		return errno
	}
	return nil
}

// accept4 is accept4(2) made raw, for an IPv4 or IPv6 listener.
func accept4(fd, flags int) (int, netip.AddrPort, error) {
	var rsa syscall.RawSockaddrAny
	n := uint32(syscall.SizeofSockaddrAny)
	nfd, _, errno := syscall.RawSyscall6(syscall.SYS_ACCEPT4, uintptr(fd),
		uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)), uintptr(flags), 0, 0)
	if errno != 0 {
		return -1, netip.AddrPort{}, errno
	}
	ap, err := addrPort(&rsa)
	if err != nil {
		closeFD(int(nfd))
		return -1, netip.AddrPort{}, err
	}
	return int(nfd), ap, nil
}

// port reads a port in network byte order.
func port(p uint16) int {
	b := (*[2]byte)(unsafe.Pointer(&p))
	return int(b[0])<<8 | int(b[1])
}

func bufPtr(p []byte) unsafe.Pointer {
	if len(p) == 0 {
		return nil
	}
	return unsafe.Pointer(&p[0])
}

func socket(domain, typ, proto int) (int, error) {
	fd, _, errno := syscall.RawSyscall(syscall.SYS_SOCKET, uintptr(domain), uintptr(typ), uintptr(proto))
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

// rawAddr is an address as connect(2) takes it: an IPv6 one has room for
// either family.
type rawAddr struct {
	sa  syscall.RawSockaddrInet6
	len uintptr
}

func makeRawAddr(ap netip.AddrPort) rawAddr {
	var r rawAddr
	p := (*[2]byte)(unsafe.Pointer(&r.sa.Port))
	p[0], p[1] = byte(ap.Port()>>8), byte(ap.Port())
	if ip := ap.Addr(); ip.Is4() {
		sa4 := (*syscall.RawSockaddrInet4)(unsafe.Pointer(&r.sa))
		sa4.Family, sa4.Addr = syscall.AF_INET, ip.As4()
		r.len = syscall.SizeofSockaddrInet4
	} else {
		r.sa.Family, r.sa.Addr = syscall.AF_INET6, ip.As16()
		r.len = syscall.SizeofSockaddrInet6
	}
	return r
}

func connect(fd int, a *Addr) error {
	_, _, errno := syscall.RawSyscall(syscall.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&a.raw.sa)), a.raw.len)
	if errno != 0 {
		return errno
	}
	return nil
}

func getsockname(fd int) (netip.AddrPort, error) {
	var rsa syscall.RawSockaddrAny
	n := uint32(syscall.SizeofSockaddrAny)
	_, _, errno := syscall.RawSyscall(syscall.SYS_GETSOCKNAME, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)))
	if errno != 0 {
		return netip.AddrPort{}, errno
	}
	return addrPort(&rsa)
}

// getpeername reports whether fd is connected, as getpeername(2) does.
func getpeername(fd int) error {
	var rsa syscall.RawSockaddrAny
	n := uint32(syscall.SizeofSockaddrAny)
	_, _, errno := syscall.RawSyscall(syscall.SYS_GETPEERNAME, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)))
	if errno != 0 {
		return errno
	}
	return nil
}

// addrPort reads an IPv4 or IPv6 socket address.
func addrPort(rsa *syscall.RawSockaddrAny) (netip.AddrPort, error) {
	switch rsa.Addr.Family {
	case syscall.AF_INET:
		pp := (*syscall.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom4(pp.Addr), uint16(port(pp.Port))), nil
	case syscall.AF_INET6:
		pp := (*syscall.RawSockaddrInet6)(unsafe.Pointer(rsa))
		return netip.AddrPortFrom(netip.AddrFrom16(pp.Addr), uint16(port(pp.Port))), nil
	}
	return netip.AddrPort{}, syscall.EAFNOSUPPORT
}
