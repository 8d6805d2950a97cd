//go:build unix && !(dragonfly || freebsd || linux || netbsd || openbsd)

package rawsock

import (
	"net"
	"syscall"
)

// Socket opens a non-blocking TCP socket of family that closes on exec.
// socket(2) takes no such flags here (macOS among others), so the fork
// lock keeps a process started meanwhile from inheriting the socket
// before it is marked close-on-exec, as net does on these systems.
func Socket(family int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM, syscall.IPPROTO_TCP)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	return nonblocking(fd, err)
}

// Accept takes a connection from the listening socket fd, as a
// non-blocking socket that closes on exec, and returns it with the
// client's address. There is no accept4 here (macOS among others): the
// fork lock covers the accept and the marking, as for Socket.
func Accept(fd int) (int, *net.TCPAddr, error) {
	syscall.ForkLock.RLock()
	nfd, sa, err := syscall.Accept(fd)
	if err == nil {
		syscall.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	nfd, ap, err := acceptedAddr(nfd, sa, err)
	if nfd, err = nonblocking(nfd, err); err != nil {
		return -1, nil, err
	}
	return nfd, tcpAddr(ap), nil
}

// nonblocking makes fd, just opened with err, non-blocking, or closes it.
func nonblocking(fd int, err error) (int, error) {
	if err != nil {
		return -1, err
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}
