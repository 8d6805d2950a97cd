//go:build dragonfly || freebsd || linux || netbsd || openbsd

package rawsock

import (
	"net"
	"syscall"
)

// Socket opens a non-blocking TCP socket of family that closes on exec,
// in one system call, as net does on these systems.
func Socket(family int) (int, error) {
	return socket(family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, syscall.IPPROTO_TCP)
}

// Accept takes a connection from the listening socket fd, as a
// non-blocking socket that closes on exec, in one system call (accept4),
// and returns it with the client's address.
func Accept(fd int) (int, *net.TCPAddr, error) {
	nfd, ap, err := accept4(fd, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
	if err != nil {
		return -1, nil, err
	}
	return nfd, tcpAddr(ap), nil
}
