package rawsock

import (
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// epollSet is an epoll instance of the package's own, which is itself on
// Go's poller: Go tells when one of the sockets it holds is ready, and the
// set tells which. It is what a Waiter and a Poller wait on. Every call it
// makes is raw, with a timeout of 0 for epoll_pwait: none can block.
type epollSet struct {
	epfd int
	f    *os.File // the epoll instance, on Go's poller
	rc   syscall.RawConn
}

// newEpollSet makes an epoll instance and puts it on Go's poller.
func newEpollSet() (epollSet, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return epollSet{}, fmt.Errorf("rawsock: %w", os.NewSyscallError("epoll_create1", err))
	}
	// Non-blocking, so that os.NewFile puts it on Go's poller.
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		return epollSet{}, fmt.Errorf("rawsock: %w", os.NewSyscallError("fcntl", err))
	}
	s := epollSet{epfd: epfd, f: os.NewFile(uintptr(epfd), "epoll")}
	s.rc, err = s.f.SyscallConn()
	if err != nil {
		s.f.Close()
		return epollSet{}, fmt.Errorf("rawsock: %w", err)
	}
	return s, nil
}

// arm asks the epoll instance to tell once (EPOLLONESHOT) when fd is
// ready for events (EPOLLIN or EPOLLOUT): adding fd the first time it
// waits, modifying it after. A socket leaves the instance when it closes.
func (s *epollSet) arm(fd int, added bool, events uint32) error {
	op := syscall.EPOLL_CTL_ADD
	if added {
		op = syscall.EPOLL_CTL_MOD
	}
	ev := syscall.EpollEvent{Events: events | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: int32(fd)}
	if err := syscall.EpollCtl(s.epfd, op, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// take fills got with the events ready now, without waiting, and returns
// how many it filled: 0 when there are none yet.
func (s *epollSet) take(epfd uintptr, got []syscall.EpollEvent) (int, error) {
	for {
		n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, epfd,
			uintptr(unsafe.Pointer(&got[0])), uintptr(len(got)), 0, 0, 0)
		switch errno {
		case 0:
			return int(n), nil
		case syscall.EINTR:
			continue
		}
		return 0, os.NewSyscallError("epoll_pwait", errno)
	}
}

// epollEvents is what o waits for: EPOLLIN to read, EPOLLOUT to write.
func (o *ioCall) epollEvents() uint32 {
	if o.write {
		return syscall.EPOLLOUT
	}
	return syscall.EPOLLIN
}

// wait makes o's call on c once c's Waiter or Poller tells the socket is
// ready, and again after each wake-up while it is not, until the call is
// done, its deadline passes (a Poller keeps the deadlines) or c is
// closed. It is called right after the call found the socket not ready
// (Conn.do), or when it is to wait first, so it waits first: arming the
// wait tells at once of a socket already ready. Each call, and each
// arming, is made under c's lock, as Close is, so that neither is made on
// a descriptor closed meanwhile (and perhaps another socket's by then).
func (c *Conn) wait(o *ioCall) error {
	for first := true; ; first = false {
		c.mu.Lock()
		by := c.readBy
		if o.write {
			by = c.writeBy
		}
		switch {
		case c.closed.Load():
			c.mu.Unlock()
			return os.ErrClosed
		case !first && o.attempt(uintptr(c.fd)):
			c.mu.Unlock()
			return nil
		case !by.IsZero() && !time.Now().Before(by):
			c.mu.Unlock()
			return os.ErrDeadlineExceeded
		}
		var err error
		if c.p != nil {
			err = c.p.armWait(c, o, by)
		} else {
			err = c.w.armWait(c, o)
		}
		c.waited, o.waiting = c.waited || err == nil, err == nil
		c.mu.Unlock()
		if err != nil {
			return err
		}
		if c.p != nil {
			<-o.ready
		} else {
			err = c.w.block(c.fd)
		}
		c.mu.Lock()
		o.waiting = false
		c.mu.Unlock()
		if err != nil && err != errInterrupted {
			return err
		}
	}
}
