package rawsock

import (
	"fmt"
	"os"
	"syscall"
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
