package rawsock

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Waiter waits for the sockets of direct Conns on an epoll instance of
// its own, which is itself on Go's poller, one wait at a time: for a
// process that serves one connection at a time, as a pre-fork worker
// does. A Conn that must wait for its client then goes on no poller
// itself, and costs no os.File: no fcntl, no epoll_ctl twice on Go's
// poller, and above all no close through syscall, which tells the
// scheduler of the call and so wakes the runtime's monitor thread (sysmon)
// from the deep sleep it falls into whenever the process idles: a pre-fork
// worker paid about a wake-up a request for it, futex and nanosleep in its
// monitor thread, once a connection had waited. Every call a Waiter makes
// is raw, with a timeout of 0 for epoll_pwait: none can block.
type Waiter struct {
	mu   sync.Mutex // one wait at a time
	epfd int
	f    *os.File // the epoll instance, on Go's poller
	rc   syscall.RawConn
}

// NewWaiter returns a Waiter. Close it when done.
func NewWaiter() (*Waiter, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("rawsock: %w", os.NewSyscallError("epoll_create1", err))
	}
	// Non-blocking, so that os.NewFile puts it on Go's poller, which
	// tells when one of the sockets it holds is ready.
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		return nil, fmt.Errorf("rawsock: %w", os.NewSyscallError("fcntl", err))
	}
	w := &Waiter{epfd: epfd, f: os.NewFile(uintptr(epfd), "epoll")}
	w.rc, err = w.f.SyscallConn()
	if err != nil {
		w.f.Close()
		return nil, fmt.Errorf("rawsock: %w", err)
	}
	return w, nil
}

// Close closes the Waiter's epoll instance. A nil Waiter has none.
func (w *Waiter) Close() error {
	if w == nil {
		return nil
	}
	return w.f.Close()
}

// arm asks the epoll instance to tell once (EPOLLONESHOT) when fd is
// ready for events (EPOLLIN or EPOLLOUT): adding fd the first time it
// waits, modifying it after. A socket leaves the instance when it closes.
func (w *Waiter) arm(fd int, added bool, events uint32) error {
	op := syscall.EPOLL_CTL_ADD
	if added {
		op = syscall.EPOLL_CTL_MOD
	}
	ev := syscall.EpollEvent{Events: events | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: int32(fd)}
	if err := syscall.EpollCtl(w.epfd, op, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// block waits on Go's poller until the epoll instance tells that fd,
// armed, is ready, or until interrupt.
func (w *Waiter) block(fd int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var waitErr error
	err := w.rc.Read(func(epfd uintptr) bool {
		var got [1]syscall.EpollEvent
		for {
			n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, epfd,
				uintptr(unsafe.Pointer(&got[0])), 1, 0, 0, 0)
			switch {
			case errno == syscall.EINTR:
				continue
			case errno != 0:
				waitErr = os.NewSyscallError("epoll_pwait", errno)
				return true
			case n == 0:
				return false // nothing yet: wait on Go's poller
			case got[0].Fd == int32(fd):
				return true
			}
			// An event for a socket no one waits for any more: take the next.
		}
	})
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.f.SetReadDeadline(time.Time{}) // interrupted: ready for the next wait
		return errInterrupted
	case err == nil:
		err = waitErr
	}
	return err
}

// errInterrupted is a wait that interrupt stopped.
var errInterrupted = errors.New("rawsock: wait interrupted")

// interrupt stops the wait in progress, if any: a Conn closed meanwhile
// has left the epoll instance, which will tell of it no more. A wait that
// ended just before is told nothing: the next one is interrupted in
// its stead, and goes on.
func (w *Waiter) interrupt() {
	w.f.SetReadDeadline(aLongTimeAgo)
}

// aLongTimeAgo is a deadline that has passed, which stops a wait at once.
var aLongTimeAgo = time.Unix(1, 0)

// waitFor makes o's call on c once c's Waiter tells the socket is ready,
// and again after each wait while the socket is not, until the call is
// done or c is closed. It is called right after the call found the socket
// not ready (Conn.do), so it waits first: arming the wait tells at once
// of a socket already ready. Each call, and each arming, is made under
// c's lock, as Close is, so that neither is made on a descriptor closed
// meanwhile (and perhaps another socket's by then).
func (c *Conn) waitFor(o *ioCall) error {
	events := uint32(syscall.EPOLLIN)
	if o.write {
		events = syscall.EPOLLOUT
	}
	for first := true; ; first = false {
		c.mu.Lock()
		switch {
		case c.closed.Load():
			c.mu.Unlock()
			return os.ErrClosed
		case !first && o.attempt(uintptr(c.fd)):
			c.mu.Unlock()
			return nil
		}
		err := c.w.arm(c.fd, c.waited, events)
		c.waited, c.waiting = true, err == nil
		c.mu.Unlock()
		if err == nil {
			err = c.w.block(c.fd)
			c.mu.Lock()
			c.waiting = false
			c.mu.Unlock()
		}
		if err != nil && err != errInterrupted {
			return err
		}
	}
}
