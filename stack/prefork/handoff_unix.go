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
// the master's copy and every worker's.)
//
// It closes ln, and the duplicate it returns is on no poller: the master
// accepts nothing, as gunicorn's, which keeps its listener only to hand
// it on. A socket on the master's poller would have the kernel tell the
// master's epoll instance of every connection a worker is to accept, in
// the connecting process: the lab's proxy, whose connect to a worker paid
// for that twice (ln, and the duplicate) on every request.
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
	ln.Close()
	f, err := offPoller(dup)
	if err != nil {
		syscall.Close(dup)
		return nil, fmt.Errorf("prefork: readying the listening socket: %w", err)
	}
	return f, nil
}

// offPoller wraps fd, a non-blocking socket no one else uses yet, in an
// os.File that is on no poller, and leaves the socket non-blocking, as
// the workers that inherit it want it. os.NewFile puts a non-blocking
// descriptor on the poller, and a blocking one not: the socket is
// blocking for the moment it is wrapped.
func offPoller(fd int) (*os.File, error) {
	if err := syscall.SetNonblock(fd, false); err != nil {
		return nil, os.NewSyscallError("fcntl", err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	if err := syscall.SetNonblock(fd, true); err != nil {
		return nil, os.NewSyscallError("fcntl", err)
	}
	return f, nil
}
