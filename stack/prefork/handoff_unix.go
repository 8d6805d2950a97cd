//go:build unix

package prefork

import (
	"fmt"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// handOff returns a duplicate of the listening socket ln for the workers
// to inherit, as cloudflare/tableflip hands a listener to its child: the
// descriptor is duplicated with close-on-exec set, so no other child gets
// it by chance, and wrapped with os.NewFile, which leaves its blocking
// mode alone. (ln.File would mark the socket blocking when it is handed to
// a child, and that flag is shared by every process that holds the socket:
// the master's listener and every worker's.)
//
// It also sets TCP_NODELAY on the socket, as gunicorn's master does on
// its listener: the clients the workers accept inherit it, and a worker
// need not set it on each (see acceptor.acceptFrom).
func handOff(ln net.Listener) (*os.File, error) {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil, fmt.Errorf("prefork: a %T cannot be handed to workers", ln)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("prefork: %w", err)
	}
	var dup int
	var dupErr error
	err = rc.Control(func(fd uintptr) {
		dupErr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if dupErr == nil {
			dup, dupErr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
		}
	})
	if err == nil {
		err = dupErr
	}
	if err != nil {
		return nil, fmt.Errorf("prefork: readying the listening socket: %w", err)
	}
	return os.NewFile(uintptr(dup), "listener"), nil
}
