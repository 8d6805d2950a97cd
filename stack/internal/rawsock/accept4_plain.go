//go:build dragonfly || freebsd || netbsd || openbsd || (linux && 386)

package rawsock

import (
	"net/netip"
	"syscall"
)

func accept4(fd, flags int) (int, netip.AddrPort, error) {
	nfd, sa, err := syscall.Accept4(fd, flags)
	return acceptedAddr(nfd, sa, err)
}

func socket(domain, typ, proto int) (int, error) { return syscall.Socket(domain, typ, proto) }
