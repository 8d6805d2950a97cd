//go:build unix

package proxy

import (
	"net"
	"syscall"
)

// peek peeks at one byte of c without taking it, in a local array: with
// wait, once the socket is readable (within its read deadline); without,
// at once. It reports whether a byte was there.
func peek(c net.Conn, wait bool) (bool, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false, nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false, err
	}
	var b [1]byte
	n := 0
	err = rc.Read(func(fd uintptr) bool {
		var rerr error
		n, _, rerr = syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return !wait || rerr != syscall.EAGAIN
	})
	return n > 0, err
}

// waitReadable waits, within the connection's read deadline, until it
// has something to read (or the peer closed), without reading it and
// without a buffer.
func waitReadable(c net.Conn) error {
	_, err := peek(c, true)
	return err
}

// pendingInput reports, without waiting, whether the client has sent
// bytes not read yet.
func pendingInput(c net.Conn) bool {
	n, _ := peek(c, false)
	return n
}
