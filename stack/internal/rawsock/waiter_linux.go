package rawsock

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"time"
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
	mu  sync.Mutex // one wait at a time
	set epollSet
}

// NewWaiter returns a Waiter. Close it when done.
func NewWaiter() (*Waiter, error) {
	set, err := newEpollSet()
	if err != nil {
		return nil, err
	}
	return &Waiter{set: set}, nil
}

// Close closes the Waiter's epoll instance. A nil Waiter has none.
func (w *Waiter) Close() error {
	if w == nil {
		return nil
	}
	return w.set.f.Close()
}

// block waits on Go's poller until the epoll instance tells that fd,
// armed, is ready, or until interrupt.
func (w *Waiter) block(fd int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var waitErr error
	err := w.set.rc.Read(func(epfd uintptr) bool {
		var got [1]syscall.EpollEvent
		for {
			n, err := w.set.take(epfd, got[:])
			switch {
			case err != nil:
				waitErr = err
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
		w.set.f.SetReadDeadline(time.Time{}) // interrupted: ready for the next wait
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
	w.set.f.SetReadDeadline(aLongTimeAgo)
}

// aLongTimeAgo is a deadline that has passed, which stops a wait at once.
var aLongTimeAgo = time.Unix(1, 0)

// armWait arms c's socket on the Waiter for o; c.mu is held.
func (w *Waiter) armWait(c *Conn, o *ioCall) error {
	return w.set.arm(c.fd, c.waited, o.epollEvents())
}
