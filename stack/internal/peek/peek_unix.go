//go:build unix

package peek

import (
	"net"
	"syscall"
)

// Pending reports, without waiting, whether c has bytes not read yet.
func Pending(c net.Conn) bool {
	n, _ := peek(c, false)
	return n
}

// Readable waits, within c's read deadline, until c has something to read
// or its peer closed, without reading it.
func Readable(c net.Conn) error {
	_, err := peek(c, true)
	return err
}

// peek peeks at one byte of c, in a local array: with wait, once the
// socket is readable; without, at once. It reports whether a byte was
// there. A connection with no raw descriptor has nothing to peek at.
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
